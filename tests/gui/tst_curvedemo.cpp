// SPDX-License-Identifier: MIT
// The demo comparison rendered to a PNG, the way a newcomer first sees it: not blank, every run in its colour.
#include "cache/cache.h"
#include "curves/curvechart.h"
#include "curveview.h"
#include "importrunner.h"
#include "syntheticcurves.h"
#include "testsupport.h"

#include <QImage>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using runlens::ui::CurveView;

class TestCurveDemo : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void demoComparisonIsNotBlank();
};

void TestCurveDemo::demoComparisonIsNotBlank() {
    QStandardPaths::setTestModeEnabled(true);
    QTemporaryDir dir;
    const std::string cachePath = dir.filePath(QStringLiteral("demo.runlens")).toStdString();
    {
        auto cache = runlens::Cache::open(cachePath);
        QVERIFY(cache.ok());
        runlens::test::RecordingObserver observer;
        const auto report =
            runlens::importers::importSource(*cache, runlens::test::sourceDir() / "resources/demo/mlruns", observer);
        QVERIFY2(!report.error, report.error ? report.error->toString().c_str() : "");
    }
    // The image-classification sweep: the runs that log train/loss.
    auto all = runlens::test::curveRunsOf(cachePath);
    QVERIFY2(all.ok(), all ? "" : all.error().toString().c_str());
    std::vector<runlens::ui::CurveRun> runs;
    for (auto& run : *all)
        if (std::find(run.keys.begin(), run.keys.end(), QStringLiteral("train/loss")) != run.keys.end())
            runs.push_back(std::move(run));
    QVERIFY2(runs.size() >= 5, qPrintable(QString::number(runs.size())));

    CurveView view;
    view.resize(1500, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setWorkspace(QString::fromStdString(cachePath));
    QSignalSpy shown(&view, &CurveView::curvesShown);
    view.setRuns(runs);
    QVERIFY(shown.wait(30000));
    QCOMPARE(view.charts().size(), std::size_t{4});  // lr, train/loss, val/accuracy, val/loss

    const QImage image = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    const QString out = QString::fromStdString((runlens::test::binaryDir() / "curves-demo.png").string());
    QVERIFY(image.save(out));

    // Not blank: many distinct colours, and each run's own colour drawn in quantity.
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 200, qPrintable(QString::number(colours.size())));
    // Counted inside the charts only, not in the legend's swatches.
    std::vector<QRect> chartAreas;
    for (const auto* chart : view.charts())
        chartAreas.push_back(QRect(chart->mapTo(&view, QPoint(0, 0)), chart->size()).intersected(image.rect()));
    for (const auto& run : runs) {
        const QColor colour = runlens::ui::runColour(run.cacheId);
        int near = 0;
        for (const QRect& area : chartAreas) {
            for (int y = area.top(); y <= area.bottom(); ++y) {
                for (int x = area.left(); x <= area.right(); ++x) {
                    const QColor c = image.pixelColor(x, y);
                    near += std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                                        std::abs(c.blue() - colour.blue()) <=
                                    24
                                ? 1
                                : 0;
                }
            }
        }
        QVERIFY2(near > 100, qPrintable(QStringLiteral("%1: %2 pixels").arg(run.name).arg(near)));
    }

    // The same runs grouped by optimizer, over wall time on a log axis: two mean lines with their bands.
    shown.clear();
    view.setGroupParam(QStringLiteral("optimizer"));
    view.setXMode(runlens::ui::curves::XMode::wallTime);
    view.setLogY(true);
    QTRY_VERIFY_WITH_TIMEOUT(shown.count() > 0 && view.chartFor(QStringLiteral("train/loss"))->scene()->logY &&
                                 view.chartFor(QStringLiteral("train/loss"))->scene()->xMode ==
                                     runlens::ui::curves::XMode::wallTime,
                             30000);
    const auto scene = view.chartFor(QStringLiteral("train/loss"))->scene();
    QCOMPARE(scene->groups.size(), std::size_t{2});  // adamw and sgd
    const QImage grouped = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    QVERIFY(grouped.save(QString::fromStdString((runlens::test::binaryDir() / "curves-demo-grouped.png").string())));
    QVERIFY(grouped != image);
}

QTEST_MAIN(TestCurveDemo)
#include "tst_curvedemo.moc"
