// SPDX-License-Identifier: MIT
#include "figure/figure.h"

#include <QChart>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QImage>
#include <QLocale>
#include <QMessageBox>
#include <QPageSize>
#include <QPainter>
#include <QPalette>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSettings>
#include <QSvgGenerator>

#include <cmath>
#include <limits>

namespace runlens::ui {

namespace {

QFont pixelFont(int pixels, bool bold = false) {
    QFont font;
    font.setPixelSize(pixels);
    font.setBold(bold);
    return font;
}

Error exportError(const QString& path, const QString& what) {
    return Error{path.toStdString(), {}, what.toStdString()};
}

// Paints into a temporary file first so a failed export never leaves half a file where the old one was.
template <typename PaintTo> Status writeAtomically(const QString& path, PaintTo paintTo) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return exportError(path, QStringLiteral("cannot write the file: %1").arg(file.errorString()));
    if (Status s = paintTo(file); !s) {
        file.cancelWriting();
        return s;
    }
    if (!file.commit())
        return exportError(path, QStringLiteral("cannot write the file: %1").arg(file.errorString()));
    return {};
}

}  // namespace

FigureStyle FigureStyle::forPrint() {
    FigureStyle style;
    style.font = pixelFont(12);
    style.titleFont = pixelFont(14, true);
    return style;
}

FigureStyle FigureStyle::forScreen(const QPalette& palette) {
    FigureStyle style = forPrint();
    style.background = palette.color(QPalette::Base);
    style.text = palette.color(QPalette::Text);
    style.dark = style.background.lightnessF() < 0.5;
    style.mutedText = palette.color(QPalette::PlaceholderText);
    style.grid = style.dark ? style.background.lighter(160) : style.background.darker(112);
    style.axis = style.dark ? style.background.lighter(260) : style.background.darker(170);
    style.highlight = palette.color(QPalette::Highlight);
    return style;
}

std::optional<ExportFormat> exportFormatForPath(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("png"))
        return ExportFormat::png;
    if (suffix == QLatin1String("svg"))
        return ExportFormat::svg;
    if (suffix == QLatin1String("pdf"))
        return ExportFormat::pdf;
    if (suffix == QLatin1String("csv"))
        return ExportFormat::csv;
    return std::nullopt;
}

QString exportFileFilter() {
    return QObject::tr("PNG image (*.png);;SVG vector image (*.svg);;PDF document (*.pdf);;CSV data (*.csv)");
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')) &&
        !text.contains(QLatin1Char('\r')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

QString csvNumber(double value) {
    if (std::isnan(value))
        return QStringLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

Status exportFigure(const Figure& figure, const QString& path, std::optional<ExportFormat> format, QSizeF size,
                    qreal pixelRatio) {
    if (!format)
        format = exportFormatForPath(path);
    if (!format)
        return exportError(path, QStringLiteral("unknown export format; use .png, .svg, .pdf or .csv"));
    if (size.isEmpty())
        size = figure.preferredSize();
    const QRectF area(QPointF(0, 0), size);
    const FigureStyle style = FigureStyle::forPrint();

    switch (*format) {
    case ExportFormat::csv:
        return writeAtomically(path, [&](QIODevice& out) -> Status {
            const QByteArray bytes = figure.csv().toUtf8();
            if (out.write(bytes) != bytes.size())
                return exportError(path, QStringLiteral("cannot write the file"));
            return {};
        });
    case ExportFormat::png:
        return writeAtomically(path, [&](QIODevice& out) -> Status {
            QImage image((size * pixelRatio).toSize(), QImage::Format_ARGB32_Premultiplied);
            image.setDevicePixelRatio(pixelRatio);
            image.fill(style.background);
            {
                QPainter painter(&image);
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setRenderHint(QPainter::TextAntialiasing);
                figure.paint(painter, area, style);
            }
            if (!image.save(&out, "PNG"))
                return exportError(path, QStringLiteral("cannot encode the PNG image"));
            return {};
        });
    case ExportFormat::svg:
        return writeAtomically(path, [&](QIODevice& out) -> Status {
            QSvgGenerator generator;
            generator.setOutputDevice(&out);
            generator.setSize(size.toSize());
            generator.setViewBox(area);
            generator.setTitle(figure.title());
            generator.setDescription(QStringLiteral("Exported from RunLens"));
            QPainter painter;
            if (!painter.begin(&generator))
                return exportError(path, QStringLiteral("cannot start the SVG document"));
            painter.setRenderHint(QPainter::Antialiasing);
            painter.fillRect(area, style.background);
            figure.paint(painter, area, style);
            painter.end();
            return {};
        });
    case ExportFormat::pdf:
        return writeAtomically(path, [&](QIODevice& out) -> Status {
            QPdfWriter writer(&out);
            // One logical unit is one point, so the page is exactly the figure and text stays vector text.
            writer.setResolution(72);
            writer.setPageSize(QPageSize(size, QPageSize::Point, figure.title(), QPageSize::ExactMatch));
            writer.setPageMargins(QMarginsF(0, 0, 0, 0));
            writer.setTitle(figure.title());
            writer.setCreator(QStringLiteral("RunLens"));
            QPainter painter;
            if (!painter.begin(&writer))
                return exportError(path, QStringLiteral("cannot start the PDF document"));
            painter.setRenderHint(QPainter::Antialiasing);
            painter.fillRect(area, style.background);
            figure.paint(painter, area, style);
            painter.end();
            return {};
        });
    }
    return exportError(path, QStringLiteral("unknown export format"));
}

void exportFigureWithDialog(QWidget* parent, const Figure& figure, const QString& suggestedBaseName) {
    QSettings settings;
    const QString folder = settings.value(QStringLiteral("export/lastFolder")).toString();
    QString selectedFilter;
    QString path =
        QFileDialog::getSaveFileName(parent, QObject::tr("Export %1").arg(figure.title()),
                                     QFileInfo(QDir(folder), suggestedBaseName + QStringLiteral(".png")).filePath(),
                                     exportFileFilter(), &selectedFilter);
    if (path.isEmpty())
        return;
    if (!exportFormatForPath(path)) {
        // The user typed a name without a known suffix: take the one of the chosen filter.
        const qsizetype star = selectedFilter.indexOf(QLatin1String("*."));
        if (star >= 0)
            path += selectedFilter.mid(star + 1, 4);
    }
    settings.setValue(QStringLiteral("export/lastFolder"), QFileInfo(path).absolutePath());
    if (Status s = exportFigure(figure, path); !s)
        QMessageBox::warning(parent, QObject::tr("Export failed"),
                             QObject::tr("%1: %2").arg(QString::fromStdString(s.error().file),
                                                       QString::fromStdString(s.error().message)));
}

ChartFigure::ChartFigure(QString title, Builder build, std::function<QString()> csv, QSizeF preferred)
    : m_title(std::move(title)), m_build(std::move(build)), m_csv(std::move(csv)), m_preferred(preferred) {}

void ChartFigure::paint(QPainter& painter, const QRectF& area, const FigureStyle& style) const {
    if (!m_build)
        return;
    QGraphicsScene scene;
    QChart* chart = m_build(style);
    if (!chart)
        return;
    chart->setAnimationOptions(QChart::NoAnimation);
    scene.addItem(chart);  // the scene owns and deletes the chart
    chart->setGeometry(QRectF(QPointF(0, 0), area.size()));
    if (chart->layout())
        chart->layout()->activate();
    scene.setSceneRect(chart->geometry());
    scene.render(&painter, area, scene.sceneRect(), Qt::IgnoreAspectRatio);
}

FigureWidget::FigureWidget(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void FigureWidget::setFigure(std::shared_ptr<const Figure> figure) {
    m_figure = std::move(figure);
    update();
}

void FigureWidget::setPlaceholder(const QString& text) {
    m_placeholder = text;
    update();
}

void FigureWidget::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    const FigureStyle style = FigureStyle::forScreen(palette());
    painter.fillRect(rect(), style.background);
    if (m_figure) {
        m_figure->paint(painter, QRectF(rect()), style);
        return;
    }
    painter.setPen(style.mutedText);
    painter.setFont(style.font);
    painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
}

}  // namespace runlens::ui
