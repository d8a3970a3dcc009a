// SPDX-License-Identifier: MIT
#include "figure/figure.h"

#include <QChart>
#include <QFile>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

using namespace runlens::ui;

namespace {

// A figure with a known red bar and a caption, so exports can be checked for what they contain.
class BarFigure : public Figure {
public:
    QString title() const override { return QStringLiteral("Bar, \"quoted\""); }
    QSizeF preferredSize() const override { return {400, 300}; }
    void paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const override {
        painter.fillRect(QRectF(area.left() + 50, area.top() + 50, 100, 200), Qt::red);
        painter.setFont(style.font);
        painter.setPen(style.text);
        painter.drawText(QPointF(area.left() + 200, area.top() + 150), QStringLiteral("caption-text"));
    }
    QString csv() const override {
        return QStringLiteral("name,value\n") + csvField(QStringLiteral("a,b")) + QLatin1Char(',') + csvNumber(0.1) +
               QLatin1Char('\n');
    }
};

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int countColour(const QImage& image, QRgb colour) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += (image.pixel(x, y) & 0xffffff) == (colour & 0xffffff) ? 1 : 0;
    return n;
}

}  // namespace

class TestFigureExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formatFollowsTheSuffix();
    void csvQuotesAndNumbers();
    void pngHoldsThePaintingAtThePixelRatio();
    void svgAndPdfAreVector();
    void failedExportNamesTheFileAndKeepsTheOldOne();
    void chartFigureRendersAFreshChart();
};

void TestFigureExport::formatFollowsTheSuffix() {
    QCOMPARE(exportFormatForPath(QStringLiteral("a/b.PNG")), std::optional(ExportFormat::png));
    QCOMPARE(exportFormatForPath(QStringLiteral("b.svg")), std::optional(ExportFormat::svg));
    QCOMPARE(exportFormatForPath(QStringLiteral("b.pdf")), std::optional(ExportFormat::pdf));
    QCOMPARE(exportFormatForPath(QStringLiteral("b.csv")), std::optional(ExportFormat::csv));
    QVERIFY(!exportFormatForPath(QStringLiteral("b.jpeg")));
    QTemporaryDir dir;
    auto s = exportFigure(BarFigure(), dir.filePath(QStringLiteral("x.jpeg")));
    QVERIFY(!s.ok());
    QVERIFY(QString::fromStdString(s.error().file).endsWith(QLatin1String("x.jpeg")));
}

void TestFigureExport::csvQuotesAndNumbers() {
    QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
    QCOMPARE(csvField(QStringLiteral("say \"hi\", then")), QStringLiteral("\"say \"\"hi\"\", then\""));
    QCOMPARE(csvNumber(0.1), QStringLiteral("0.1"));
    QCOMPARE(csvNumber(std::nan("")), QStringLiteral("NaN"));
    QCOMPARE(csvNumber(-INFINITY), QStringLiteral("-inf"));
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("data.csv"));
    QVERIFY(exportFigure(BarFigure(), path).ok());
    QCOMPARE(readAll(path), QByteArray("name,value\n\"a,b\",0.1\n"));
}

void TestFigureExport::pngHoldsThePaintingAtThePixelRatio() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("bar.png"));
    QVERIFY(exportFigure(BarFigure(), path).ok());
    QImage image(path);
    QCOMPARE(image.size(), QSize(800, 600));  // preferred size x pixel ratio 2
    QCOMPARE(countColour(image, qRgb(255, 0, 0)), 200 * 400);
    QCOMPARE(image.pixel(5, 5) & 0xffffff, 0xffffffu);  // print style: white background
}

void TestFigureExport::svgAndPdfAreVector() {
    QTemporaryDir dir;
    const QString svg = dir.filePath(QStringLiteral("bar.svg"));
    QVERIFY(exportFigure(BarFigure(), svg).ok());
    const QByteArray svgText = readAll(svg);
    QVERIFY(svgText.contains("<svg"));
    QVERIFY(svgText.contains("caption-text"));  // text stays text
    QVERIFY(svgText.contains("#ff0000"));
    QVERIFY(!svgText.contains("<image"));

    const QString pdf = dir.filePath(QStringLiteral("bar.pdf"));
    QVERIFY(exportFigure(BarFigure(), pdf).ok());
    const QByteArray pdfBytes = readAll(pdf);
    QVERIFY(pdfBytes.startsWith("%PDF-"));
    QVERIFY(pdfBytes.contains("/MediaBox [0 0 400.000000 300.000000]"));  // the page is the figure, in points
    QVERIFY(!pdfBytes.contains("/Subtype /Image"));
}

void TestFigureExport::failedExportNamesTheFileAndKeepsTheOldOne() {
    QTemporaryDir dir;
    const QString missingFolder = dir.filePath(QStringLiteral("no/such/folder/bar.png"));
    auto s = exportFigure(BarFigure(), missingFolder);
    QVERIFY(!s.ok());
    QCOMPARE(QString::fromStdString(s.error().file), missingFolder);
    QVERIFY(QString::fromStdString(s.error().message).contains(QLatin1String("cannot write")));
}

void TestFigureExport::chartFigureRendersAFreshChart() {
    int built = 0;
    ChartFigure figure(
        QStringLiteral("loss"),
        [&](const FigureStyle& style) {
            ++built;
            auto* chart = new QChart;
            chart->setBackgroundBrush(style.background);
            chart->legend()->hide();
            auto* series = new QLineSeries;
            series->setPen(QPen(Qt::blue, 4));
            for (int i = 0; i < 100; ++i)
                series->append(i, i % 10);
            chart->addSeries(series);
            chart->createDefaultAxes();
            return chart;
        },
        [] { return QStringLiteral("step,value\n"); });
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("chart.png"));
    QVERIFY(exportFigure(figure, png, std::nullopt, QSizeF(500, 300)).ok());
    QCOMPARE(built, 1);
    QImage image(png);
    QCOMPARE(image.size(), QSize(1000, 600));
    QVERIFY(countColour(image, qRgb(0, 0, 255)) > 2000);  // the line is drawn across the plot area
    QVERIFY(exportFigure(figure, dir.filePath(QStringLiteral("chart.pdf"))).ok());
    QCOMPARE(built, 2);
}

QTEST_MAIN(TestFigureExport)
#include "tst_figureexport.moc"
