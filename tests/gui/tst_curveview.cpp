// SPDX-License-Identifier: MIT
// The curve view driven through its real widgets, offscreen.
#include "analysis/smoothing.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "curves/curvechart.h"
#include "curveview.h"
#include "syntheticcurves.h"
#include "testsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

using runlens::ui::CurveRun;
using runlens::ui::CurveView;
using runlens::ui::curves::ChartScene;
using runlens::ui::curves::CurveChart;
using runlens::ui::curves::XMode;

namespace {

constexpr int waitMs = 30000;

// Runs the action, then waits until the view shows curves drawn after it.
template <typename Action> bool redrawAfter(CurveView& view, Action action) {
    QSignalSpy shown(&view, &CurveView::curvesShown);
    action();
    return shown.wait(waitMs) || shown.count() > 0;
}

// The chart's current scene, kept alive for the rest of the test even if a later redraw replaces it.
const ChartScene& sceneOf(const CurveView& view, const QString& key) {
    static std::vector<std::shared_ptr<const ChartScene>> kept{std::make_shared<ChartScene>()};
    const CurveChart* chart = view.chartFor(key);
    if (chart && chart->scene())
        kept.push_back(chart->scene());
    return *kept.back();
}

double highest(const ChartScene& scene) {
    double top = -HUGE_VAL;
    for (const auto& run : scene.runs)
        for (double v : run.raw.high)
            top = std::max(top, v);
    return top;
}

int pixelsNear(const QImage& image, const QColor& colour, int tolerance) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) <= tolerance && std::abs(c.green() - colour.green()) <= tolerance &&
                std::abs(c.blue() - colour.blue()) <= tolerance)
                ++n;
        }
    }
    return n;
}

}  // namespace

class TestCurveView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void oneChartPerKeyPickedWithTheFilter();
    void smoothingIsTheDebiasedEma();
    void xAxisModes();
    void logYAndIgnoreOutliers();
    void legendHidesARunInEveryChart();
    void groupingShowsMeanWithBand();
    void zoomIsSharedAndResets();
    void hoverReadsEveryRun();
    void exportsEveryFormat();
    void singleStepSpikeInOneMillionPointsSurvives();
    void denseOverlayDrawsEveryRun();
    void denseTranslucentCurveBlendsEachPixelOnce();
    void exactTrackPassGivesTheBucketColumns();
    void importedNamesStayPlainText();

private:
    void showView(CurveView& view, const std::string& cache);
    std::int64_t idOf(const QString& name) const {
        for (const auto& run : m_smallRuns)
            if (run.name == name)
                return run.cacheId;
        return -1;
    }
    QTemporaryDir m_dir;
    std::string m_small;  // 4 runs x 200 points x 4 keys, a spike in run 0
    std::vector<CurveRun> m_smallRuns;
};

void TestCurveView::initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    m_small = m_dir.filePath(QStringLiteral("small.runlens")).toStdString();
    QVERIFY(runlens::test::writeSyntheticCache(m_small, 4, 200, 4, runlens::test::Spike{0, 120, 500.0}).ok());
    auto runs = runlens::test::curveRunsOf(m_small);
    QVERIFY2(runs.ok(), runs ? "" : runs.error().toString().c_str());
    m_smallRuns = std::move(*runs);
    QCOMPARE(m_smallRuns.size(), std::size_t{4});
}

void TestCurveView::showView(CurveView& view, const std::string& cache) {
    view.resize(1300, 900);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setWorkspace(QString::fromStdString(cache));
    auto runs = runlens::test::curveRunsOf(cache);
    QVERIFY2(runs.ok(), runs ? "" : runs.error().toString().c_str());
    QVERIFY(redrawAfter(view, [&] { view.setRuns(*runs); }));
}

void TestCurveView::oneChartPerKeyPickedWithTheFilter() {
    CurveView view;
    showView(view, m_small);
    QCOMPARE(view.shownKeys(), QStringLiteral("lr,train/accuracy,train/loss,val/loss").split(QLatin1Char(',')));
    QCOMPARE(view.charts().size(), std::size_t{4});
    for (const CurveChart* chart : view.charts())
        QCOMPARE(chart->scene()->runs.size(), std::size_t{4});  // every selected run overlaid

    auto* filter = view.findChild<QLineEdit*>(QStringLiteral("curveKeyFilter"));
    QVERIFY(filter);
    QVERIFY(redrawAfter(view, [&] { QTest::keyClicks(filter, QStringLiteral("LOSS")); }));
    QCOMPARE(view.shownKeys(), QStringLiteral("train/loss,val/loss").split(QLatin1Char(',')));
    QCOMPARE(view.charts().size(), std::size_t{2});
    QCOMPARE(view.metric(), QStringLiteral("train/loss"));

    QVERIFY(redrawAfter(view, [&] { filter->clear(); }));
    QCOMPARE(view.charts().size(), std::size_t{4});
    // Unticking a key in the list removes its chart.
    auto* list = view.findChild<QListWidget*>(QStringLiteral("curveKeyList"));
    QVERIFY(list);
    const auto items = list->findItems(QStringLiteral("lr"), Qt::MatchExactly);
    QCOMPARE(items.size(), 1);
    QVERIFY(redrawAfter(view, [&] { items.front()->setCheckState(Qt::Unchecked); }));
    QVERIFY(!view.shownKeys().contains(QStringLiteral("lr")));
    QVERIFY(!view.chartFor(QStringLiteral("lr")));
    QCOMPARE(view.charts().size(), std::size_t{3});
    filter->setText(QStringLiteral("no such metric"));
    QVERIFY(view.charts().empty());  // and the empty state says what to do
    bool hintShown = false;
    for (const QLabel* label : view.findChildren<QLabel*>())
        hintShown = hintShown || (label->isVisible() && label->text().startsWith(QStringLiteral("No ticked metric")));
    QVERIFY(hintShown);
}

void TestCurveView::smoothingIsTheDebiasedEma() {
    CurveView view;
    showView(view, m_small);
    auto* slider = view.findChild<QSlider*>(QStringLiteral("curveSmoothing"));
    QVERIFY(slider);
    QVERIFY(redrawAfter(view, [&] { slider->setValue(900); }));
    const ChartScene& scene = sceneOf(view, QStringLiteral("train/loss"));
    QVERIFY(scene.smoothed);
    // The chart is wider than 200 columns, so each column holds one point: the values are the EMA's exactly.
    auto cache = runlens::Cache::openExisting(m_small);
    QVERIFY(cache.ok());
    runlens::CacheReader reader(*cache);
    const auto& run = scene.runs.front();
    auto points = reader.series(run.runId, "train/loss");
    QVERIFY(points.ok());
    std::vector<double> values;
    for (const auto& p : *points)
        values.push_back(p.value);
    const auto ema = runlens::analysis::emaSmooth(values, 0.9);
    QCOMPARE(run.smooth.size(), values.size());
    QCOMPARE(run.raw.size(), values.size());
    for (std::size_t i = 0; i < values.size(); i += 37) {
        QCOMPARE(run.smooth.low[i], ema[i]);
        QCOMPARE(run.raw.low[i], values[i]);
    }
    QVERIFY(redrawAfter(view, [&] { slider->setValue(0); }));
    QVERIFY(!sceneOf(view, QStringLiteral("train/loss")).smoothed);
    QVERIFY(sceneOf(view, QStringLiteral("train/loss")).runs.front().smooth.empty());
}

void TestCurveView::xAxisModes() {
    CurveView view;
    showView(view, m_small);
    QCOMPARE(sceneOf(view, QStringLiteral("lr")).x0, 0.0);
    QCOMPARE(sceneOf(view, QStringLiteral("lr")).x1, 199.0);
    auto* mode = view.findChild<QComboBox*>(QStringLiteral("curveXMode"));
    QVERIFY(mode);
    QVERIFY(redrawAfter(view, [&] { mode->setCurrentIndex(1); }));
    const ChartScene& relative = sceneOf(view, QStringLiteral("lr"));
    QCOMPARE(relative.xMode, XMode::relativeTime);
    QCOMPARE(relative.x0, 0.0);
    QCOMPARE(relative.x1, 199.0);  // one point per second
    QVERIFY(!relative.runs.front().raw.empty());
    QVERIFY(redrawAfter(view, [&] { mode->setCurrentIndex(2); }));
    const ChartScene& wall = sceneOf(view, QStringLiteral("lr"));
    QCOMPARE(wall.xMode, XMode::wallTime);
    QCOMPARE(wall.x0, 1.7e9);
    QCOMPARE(wall.x1, 1.7e9 + 199);
    QCOMPARE(wall.runs.front().raw.x.front(), 1.7e9);
}

void TestCurveView::logYAndIgnoreOutliers() {
    CurveView view;
    showView(view, m_small);
    QVERIFY(redrawAfter(view, [&] { view.setSmoothing(0); }));
    const double linearTop = sceneOf(view, QStringLiteral("train/loss")).y1;
    QVERIFY2(linearTop >= 500, qPrintable(QString::number(linearTop)));  // the spike sets the range

    auto* outliers = view.findChild<QCheckBox*>(QStringLiteral("curveIgnoreOutliers"));
    QVERIFY(outliers);
    QVERIFY(redrawAfter(view, [&] { outliers->click(); }));
    const double robustTop = sceneOf(view, QStringLiteral("train/loss")).y1;
    QVERIFY2(robustTop < 10, qPrintable(QString::number(robustTop)));
    QVERIFY(highest(sceneOf(view, QStringLiteral("train/loss"))) >= 500);  // clipped by the axis, not dropped
    QVERIFY(redrawAfter(view, [&] { outliers->click(); }));

    auto* logY = view.findChild<QCheckBox*>(QStringLiteral("curveLogY"));
    QVERIFY(logY);
    QVERIFY(redrawAfter(view, [&] { logY->click(); }));
    const ChartScene& log = sceneOf(view, QStringLiteral("train/loss"));
    QVERIFY(log.logY);
    QVERIFY(log.y0 > 0);
    QVERIFY(log.y1 >= 500);
    // On a log axis the decades are evenly spaced: 1 sits halfway between 0.1 and 10.
    const CurveChart* chart = view.chartFor(QStringLiteral("train/loss"));
    const QRectF plot = chart->plotArea();
    const double p01 = chart->figure()->yToPixel(0.1, plot);
    const double p1 = chart->figure()->yToPixel(1, plot);
    const double p10 = chart->figure()->yToPixel(10, plot);
    QVERIFY(std::abs((p01 - p1) - (p1 - p10)) < 1e-6);
}

void TestCurveView::legendHidesARunInEveryChart() {
    CurveView view;
    showView(view, m_small);
    auto* legend = view.findChild<QListWidget*>(QStringLiteral("curveLegend"));
    QVERIFY(legend);
    QCOMPARE(legend->count(), 4);
    QListWidgetItem* first = legend->item(0);
    const auto hiddenId = first->data(Qt::UserRole).toLongLong();
    // A click on the run's name hides it.
    const QRect row = legend->visualItemRect(first);
    QVERIFY(redrawAfter(view, [&] { QTest::mouseClick(legend->viewport(), Qt::LeftButton, {}, row.center()); }));
    QCOMPARE(first->checkState(), Qt::Unchecked);
    for (const CurveChart* chart : view.charts()) {
        QCOMPARE(chart->scene()->runs.size(), std::size_t{3});
        QCOMPARE(chart->scene()->hiddenRuns, 1);
        for (const auto& run : chart->scene()->runs)
            QVERIFY(run.runId != hiddenId);
    }
    // Hiding the spiky run takes its spike out of the y range too.
    QVERIFY(sceneOf(view, QStringLiteral("train/loss")).y1 < 100);
    QVERIFY(redrawAfter(view, [&] { QTest::mouseClick(legend->viewport(), Qt::LeftButton, {}, row.center()); }));
    QCOMPARE(sceneOf(view, QStringLiteral("train/loss")).runs.size(), std::size_t{4});
}

void TestCurveView::groupingShowsMeanWithBand() {
    CurveView view;
    showView(view, m_small);
    QVERIFY(redrawAfter(view, [&] { view.setSmoothing(0); }));
    auto* group = view.findChild<QComboBox*>(QStringLiteral("curveGroupBy"));
    QVERIFY(group);
    const int optim = group->findText(QStringLiteral("optim"));
    QVERIFY(optim > 0);
    QVERIFY(redrawAfter(view, [&] { group->setCurrentIndex(optim); }));
    const ChartScene& scene = sceneOf(view, QStringLiteral("lr"));
    QCOMPARE(scene.groups.size(), std::size_t{2});
    QCOMPARE(scene.groups[0].label, QStringLiteral("optim = adam"));
    QCOMPARE(scene.groups[1].label, QStringLiteral("optim = sgd"));
    QCOMPARE(scene.groups[0].members, 2);
    // The mean of two runs at a column lies within their band, and at step 0 equals their average.
    for (const auto& g : scene.groups) {
        QVERIFY(!g.x.empty());
        for (std::size_t k = 0; k < g.x.size(); ++k)
            QVERIFY(g.low[k] <= g.mean[k] && g.mean[k] <= g.high[k]);
    }
    const auto& adam = scene.groups[0];
    double firstA = 0;
    double firstB = 0;
    for (const auto& run : scene.runs) {
        if (run.runId == idOf(QStringLiteral("run-0")))
            firstA = run.raw.low.front();
        if (run.runId == idOf(QStringLiteral("run-1")))
            firstB = run.raw.low.front();
    }
    QCOMPARE(adam.mean.front(), (firstA + firstB) / 2);
    QCOMPARE(adam.low.front(), std::min(firstA, firstB));
    QVERIFY(redrawAfter(view, [&] { group->setCurrentIndex(0); }));
    QVERIFY(sceneOf(view, QStringLiteral("lr")).groups.empty());
}

void TestCurveView::zoomIsSharedAndResets() {
    CurveView view;
    showView(view, m_small);
    CurveChart* chart = view.chartFor(QStringLiteral("train/loss"));
    QVERIFY(chart);
    const QRectF plot = chart->plotArea();
    // Rubber band over the middle half of the plot, flat: zooms x only, in every chart.
    const QPoint from(static_cast<int>(plot.left() + plot.width() * 0.25), static_cast<int>(plot.center().y()));
    const QPoint to(static_cast<int>(plot.left() + plot.width() * 0.75), static_cast<int>(plot.center().y() + 2));
    QVERIFY(redrawAfter(view, [&] {
        QTest::mousePress(chart, Qt::LeftButton, {}, from);
        QTest::mouseMove(chart, to);
        QTest::mouseRelease(chart, Qt::LeftButton, {}, to);
    }));
    const ChartScene& zoomed = sceneOf(view, QStringLiteral("train/loss"));
    QVERIFY(std::abs(zoomed.x0 - 49.75) < 2);
    QVERIFY(std::abs(zoomed.x1 - 149.25) < 2);
    for (const CurveChart* other : view.charts()) {
        QCOMPARE(other->scene()->x0, zoomed.x0);
        QCOMPARE(other->scene()->x1, zoomed.x1);
    }
    // The wheel zooms in further around the pointer.
    const double width = zoomed.x1 - zoomed.x0;
    QVERIFY(redrawAfter(view, [&] {
        QWheelEvent wheel(plot.center(), chart->mapToGlobal(plot.center()), {}, QPoint(0, 120), Qt::NoButton, {},
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(chart, &wheel);
    }));
    QVERIFY(sceneOf(view, QStringLiteral("lr")).x1 - sceneOf(view, QStringLiteral("lr")).x0 < width * 0.9);
    // Double-click resets every chart.
    QVERIFY(redrawAfter(view, [&] { QTest::mouseDClick(chart, Qt::LeftButton, {}, plot.center().toPoint()); }));
    QCOMPARE(sceneOf(view, QStringLiteral("lr")).x0, 0.0);
    QCOMPARE(sceneOf(view, QStringLiteral("lr")).x1, 199.0);
    // So does the button, after a zoom.
    QVERIFY(redrawAfter(view, [&] { view.setXRange(10, 20); }));
    QCOMPARE(sceneOf(view, QStringLiteral("lr")).x1, 20.0);
    QVERIFY(redrawAfter(view, [&] { view.findChild<QPushButton*>(QStringLiteral("curveResetZoom"))->click(); }));
    QCOMPARE(sceneOf(view, QStringLiteral("lr")).x1, 199.0);
}

void TestCurveView::hoverReadsEveryRun() {
    CurveView view;
    showView(view, m_small);
    CurveChart* chart = view.chartFor(QStringLiteral("lr"));
    const QRectF plot = chart->plotArea();
    const QPoint middle = plot.center().toPoint();
    const auto hoverAt = [&](QPoint at) {
        QMouseEvent move(QEvent::MouseMove, at, chart->mapToGlobal(at), Qt::NoButton, Qt::NoButton, Qt::NoModifier);
        QApplication::sendEvent(chart, &move);
    };
    hoverAt(middle);
    const QStringList lines = chart->readoutAt(middle.x());
    QCOMPARE(lines.size(), 5);  // the x, then one line per run
    QVERIFY(lines.front().startsWith(QStringLiteral("step ")));
    for (int i = 0; i < 4; ++i) {
        const QString name = QStringLiteral("run-%1: ").arg(i);
        QVERIFY2(std::any_of(lines.begin() + 1, lines.end(), [&](const QString& l) { return l.contains(name); }),
                 qPrintable(lines.join(QLatin1Char('|'))));
    }
    // The crosshair and the box draw over the chart without repainting the curves.
    const QImage hovered = chart->grab().toImage();
    hoverAt(QPoint(2, 2));
    const QImage away = chart->grab().toImage();
    QVERIFY(hovered != away);
}

void TestCurveView::exportsEveryFormat() {
    CurveView view;
    showView(view, m_small);
    view.setMetric(QStringLiteral("lr"));
    QCOMPARE(view.currentFigure()->title(), QStringLiteral("lr"));
    view.setMetric(QStringLiteral("train/loss"));
    const auto figure = view.currentFigure();  // what Ctrl+E exports: the focused chart
    QVERIFY(figure);
    QCOMPARE(figure->title(), QStringLiteral("train/loss"));
    QCOMPARE(view.exportBaseName(), QStringLiteral("runlens-train-loss"));
    // Every chart offers the exports from its menu.
    QStringList actions;
    for (const QAction* action : view.chartFor(QStringLiteral("lr"))->exportMenu()->actions())
        actions << action->text();
    QVERIFY(actions.contains(QStringLiteral("Export as PNG...")));
    QVERIFY(actions.contains(QStringLiteral("Export as SVG...")));
    QVERIFY(actions.contains(QStringLiteral("Export as PDF...")));
    QVERIFY(actions.contains(QStringLiteral("Export data as CSV...")));

    QTemporaryDir out;
    for (const char* suffix : {"png", "svg", "pdf", "csv"}) {
        const QString path = out.filePath(QStringLiteral("chart.") + QLatin1String(suffix));
        const auto status = runlens::ui::exportFigure(*figure, path);
        QVERIFY2(status.ok(), suffix);
        QVERIFY(QFileInfo(path).size() > 200);
    }
    const QImage png(out.filePath(QStringLiteral("chart.png")));
    QVERIFY(!png.isNull());
    for (const auto& run : m_smallRuns)
        QVERIFY2(pixelsNear(png, runlens::ui::runColour(run.cacheId), 10) > 50, qPrintable(run.name));
    QFile svg(out.filePath(QStringLiteral("chart.svg")));
    QVERIFY(svg.open(QIODevice::ReadOnly));
    const QByteArray svgText = svg.readAll();
    QVERIFY(svgText.contains("<polyline") || svgText.contains("<path"));
    QVERIFY(svgText.contains("run-3"));  // the legend is text
    QFile pdf(out.filePath(QStringLiteral("chart.pdf")));
    QVERIFY(pdf.open(QIODevice::ReadOnly));
    QVERIFY(pdf.readAll().startsWith("%PDF"));

    QFile csv(out.filePath(QStringLiteral("chart.csv")));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QStringList rows = QString::fromUtf8(csv.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(rows.front(), QStringLiteral("run,run_id,step,raw_min,raw_max,smoothed_min,smoothed_max"));
    QCOMPARE(rows.size(), 1 + 4 * 200);  // every point of every run: the chart is wider than 200 columns
    const QString spikeRow = QStringLiteral("run-0,%1,120,500,500,").arg(idOf(QStringLiteral("run-0")));
    QVERIFY(std::any_of(rows.begin(), rows.end(), [&](const QString& r) { return r.startsWith(spikeRow); }));
}

void TestCurveView::singleStepSpikeInOneMillionPointsSurvives() {
    const std::string path = m_dir.filePath(QStringLiteral("million.runlens")).toStdString();
    constexpr std::int64_t spikeStep = 654'321;
    QVERIFY(runlens::test::writeSyntheticCache(path, 1, 1'000'000, 1, runlens::test::Spike{0, spikeStep, 1e4}).ok());
    CurveView view;
    showView(view, path);
    for (double weight : {0.0, 0.95}) {
        QVERIFY(redrawAfter(view, [&] { view.setSmoothing(weight); }));
        const ChartScene& scene = sceneOf(view, QStringLiteral("train/loss"));
        QCOMPARE(scene.runs.size(), std::size_t{1});
        const auto& raw = scene.runs.front().raw;
        // A few hundred columns for a million points, and one of them reaches the spike.
        QVERIFY(raw.size() <= static_cast<std::size_t>(scene.columns));
        QVERIFY(raw.size() > 100);
        const auto top = std::max_element(raw.high.begin(), raw.high.end());
        QCOMPARE(*top, 1e4);
        const double columnWidth = (scene.x1 - scene.x0) / scene.columns;
        QVERIFY(std::abs(raw.x[static_cast<std::size_t>(top - raw.high.begin())] - spikeStep) <= columnWidth);
        QVERIFY(scene.y1 >= 1e4);
    }
    // Zoomed to a few hundred steps around it, the chart shows the points themselves (read once for the zoom):
    // one per column, the spike exactly at its step, and the smoothed curve continuing the EMA's history.
    QVERIFY(redrawAfter(view, [&] { view.setXRange(spikeStep - 300, spikeStep + 300); }));
    const auto& zoomed = sceneOf(view, QStringLiteral("train/loss")).runs.front();
    QCOMPARE(zoomed.raw.size(), std::size_t{601});
    QVERIFY(zoomed.raw.low == zoomed.raw.high);
    const auto spike = std::find(zoomed.raw.high.begin(), zoomed.raw.high.end(), 1e4);
    QVERIFY(spike != zoomed.raw.high.end());
    QCOMPARE(zoomed.raw.x[static_cast<std::size_t>(spike - zoomed.raw.high.begin())], double(spikeStep));
    auto cache = runlens::Cache::openExisting(path);
    QVERIFY(cache.ok());
    runlens::CacheReader reader(*cache);
    auto points = reader.series(zoomed.runId, "train/loss");
    QVERIFY(points.ok());
    std::vector<double> values;
    for (const auto& p : *points)
        values.push_back(p.value);
    const auto ema = runlens::analysis::emaSmooth(values, 0.95);
    QCOMPARE(zoomed.smooth.low.front(), ema[static_cast<std::size_t>(spikeStep - 300)]);
    // Panning a little stays inside the points already read.
    QVERIFY(redrawAfter(view, [&] { view.setXRange(spikeStep - 250, spikeStep + 350); }));
    QCOMPARE(sceneOf(view, QStringLiteral("train/loss")).runs.front().raw.size(), std::size_t{601});
}

void TestCurveView::denseOverlayDrawsEveryRun() {
    // 200 flat runs, each at its own height, plus a one-column spike in the middle one: enough curves for the
    // parallel raster path. Each run's colour must sit on its row, and the spike must reach the top.
    auto scene = std::make_shared<ChartScene>();
    scene->key = QStringLiteral("dense");
    scene->x0 = 0;
    scene->x1 = 1000;
    scene->y0 = -1;
    scene->y1 = 201;
    scene->columns = 800;
    for (int r = 0; r < 200; ++r) {
        runlens::ui::curves::SceneRun run;
        run.runId = r;
        run.name = QStringLiteral("r%1").arg(r);
        run.colour = QColor::fromHsv((r * 7) % 360, 255, 200);
        for (int c = 0; c < 800; ++c) {
            run.raw.index.push_back(c);
            run.raw.x.push_back((c + 0.5) * 1000.0 / 800);
            run.raw.low.push_back(r);
            run.raw.high.push_back(r == 100 && c == 400 ? 200.0 : r);
        }
        scene->runs.push_back(std::move(run));
    }
    const runlens::ui::curves::CurveFigure figure(scene, false);
    QImage image(900, 600, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    {
        QPainter painter(&image);
        figure.paint(painter, QRectF(0, 0, 900, 600), runlens::ui::FigureStyle::forPrint());
    }
    const QRectF plot = figure.plotRect(QRectF(0, 0, 900, 600), runlens::ui::FigureStyle::forPrint());
    for (int r = 0; r < 200; r += 13) {
        const int y = static_cast<int>(std::floor(figure.yToPixel(r, plot)));
        for (double fraction : {0.1, 0.5, 0.9}) {
            const int x = static_cast<int>(plot.left() + plot.width() * fraction);
            QCOMPARE(image.pixelColor(x, y).rgb(), scene->runs[static_cast<std::size_t>(r)].colour.rgb());
        }
    }
    // The spike column is coloured from run 100's row up to the top of the range.
    const int spikeX = static_cast<int>(std::floor(figure.xToPixel(scene->runs[100].raw.x[400], plot)));
    int spikePixels = 0;
    for (int y = static_cast<int>(figure.yToPixel(199, plot)); y < static_cast<int>(figure.yToPixel(102, plot)); ++y)
        spikePixels += image.pixelColor(spikeX, y).rgb() == scene->runs[100].colour.rgb() ? 1 : 0;
    QVERIFY2(spikePixels > 50, qPrintable(QString::number(spikePixels)));
}

void TestCurveView::denseTranslucentCurveBlendsEachPixelOnce() {
    // A smoothed overlay of 100 flat runs (raw faint, smoothed opaque, enough curves for the raster path) plus one
    // run whose raw envelope zigzags, so its vertical min-max strokes and the segments between them overlap.
    // Every pixel the faint zigzag covers must be the colour under it blended with the run's colour exactly once.
    const auto sceneWith = [](bool zigzag) {
        auto scene = std::make_shared<ChartScene>();
        scene->key = QStringLiteral("blend");
        scene->smoothed = true;
        scene->x0 = 0;
        scene->x1 = 800;
        scene->y0 = 0;
        scene->y1 = 200;
        scene->columns = 800;
        for (int r = 0; r < 101; ++r) {
            runlens::ui::curves::SceneRun run;
            run.runId = r;
            run.name = QStringLiteral("r%1").arg(r);
            run.colour = QColor::fromHsv((r * 7) % 360, 255, 200);
            for (int c = 0; c < 800; ++c) {
                const bool zig = r == 100;
                if (zig && !zigzag)
                    break;
                const double low = zig ? 10.0 + (c % 2) * 40.0 : 150.0 + r * 0.4;
                for (auto* columns : {&run.raw, &run.smooth}) {
                    columns->index.push_back(c);
                    columns->x.push_back(c + 0.5);
                    columns->low.push_back(columns == &run.raw ? low : (zig ? 120.0 : low));
                    columns->high.push_back(columns == &run.raw && zig ? low + 20.0 : columns->low.back());
                }
            }
            if (!run.raw.empty())
                scene->runs.push_back(std::move(run));
        }
        return scene;
    };
    const auto render = [](const std::shared_ptr<ChartScene>& scene) {
        const runlens::ui::curves::CurveFigure figure(scene, false);
        QImage image(900, 600, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::white);
        QPainter painter(&image);
        figure.paint(painter, QRectF(0, 0, 900, 600), runlens::ui::FigureStyle::forPrint());
        return image;
    };
    const auto scene = sceneWith(true);
    const QImage under = render(sceneWith(false));
    const QImage over = render(scene);
    const runlens::ui::curves::CurveFigure figure(scene, false);
    const QRectF plot = figure.plotRect(QRectF(0, 0, 900, 600), runlens::ui::FigureStyle::forPrint());
    const QColor colour = scene->runs.back().colour;
    constexpr double alpha = 0.28;
    int covered = 0;
    const int left = static_cast<int>(plot.left() + plot.width() * 0.2);
    const int right = static_cast<int>(plot.left() + plot.width() * 0.8);
    const int top = static_cast<int>(figure.yToPixel(75, plot));
    const int bottom = static_cast<int>(figure.yToPixel(5, plot));
    for (int x = left; x < right; ++x) {
        for (int y = top; y <= bottom; ++y) {
            const QColor before = under.pixelColor(x, y);
            const QColor after = over.pixelColor(x, y);
            if (before == after)
                continue;
            ++covered;
            const auto expected = [&](int below, int source) {
                return below * (1 - alpha) + source * alpha;
            };
            const bool once = std::abs(after.red() - expected(before.red(), colour.red())) <= 1.5 &&
                              std::abs(after.green() - expected(before.green(), colour.green())) <= 1.5 &&
                              std::abs(after.blue() - expected(before.blue(), colour.blue())) <= 1.5;
            QVERIFY2(
                once,
                qPrintable(QStringLiteral("pixel %1,%2 is %3 over %4").arg(x).arg(y).arg(after.name(), before.name())));
        }
    }
    // Every column of the zigzag is drawn from its min to its max: at least 20 units of 200 per pixel column.
    QVERIFY2(covered > (right - left) * plot.height() * 0.09, qPrintable(QString::number(covered)));
}

void TestCurveView::exactTrackPassGivesTheBucketColumns() {
    using namespace runlens::ui::curves;
    // 1,500 points with uneven steps, a few NaN values (raw, and so smoothed after them) and a spike.
    std::vector<runlens::MetricPoint> points;
    std::int64_t step = 3;
    for (int i = 0; i < 1500; ++i) {
        step += 1 + (i % 5 == 0 ? 3 : 0);
        const double value = i == 700 ? 1e4 : (i % 97 == 13 ? std::nan("") : 1.0 + 0.01 * (i % 17) - i * 1e-4);
        points.push_back({step, 1.7e12 + 1000.0 * i + (i % 3), value});
    }
    const Track track = makeTrack(7, points, {}, 0.6);
    QVERIFY(track.exact);
    QCOMPARE(track.pointSteps.size(), points.size());
    const auto same = [](const Columns& a, const Columns& b) {
        return a.index == b.index && a.x == b.x && a.low == b.low && a.high == b.high;
    };
    for (XMode mode : {XMode::step, XMode::relativeTime, XMode::wallTime}) {
        const auto [e0, e1] = track.extent(mode);
        const double w = e1 - e0;
        for (const auto& [x0, x1] : std::vector<std::pair<double, double>>{
                 {e0, e1}, {e0 + 0.3 * w, e0 + 0.8 * w}, {e0 + 0.45 * w, e0 + 0.46 * w}, {e1 + 1, e1 + 2 * w}}) {
            for (int columns : {97, 820, 4000}) {
                Columns raw, smooth;
                decimateRawAndSmooth(track, mode, x0, x1, columns, raw, smooth);
                QVERIFY(same(raw, decimateTrack(track, false, mode, x0, x1, columns)));
                QVERIFY(same(smooth, decimateTrack(track, true, mode, x0, x1, columns)));
            }
        }
    }
    // More columns than points: every point in range is its own column, drawn as it is.
    Columns raw, smooth;
    decimateRawAndSmooth(track, XMode::step, track.extent(XMode::step).first, track.extent(XMode::step).second, 20000,
                         raw, smooth);
    const auto finite = std::count_if(points.begin(), points.end(), [](const auto& p) { return !std::isnan(p.value); });
    QCOMPARE(raw.size(), static_cast<std::size_t>(finite));
    QCOMPARE(raw.low, raw.high);
    const auto spike = std::find(raw.high.begin(), raw.high.end(), 1e4);  // the spike kept exactly, at its step
    QVERIFY(spike != raw.high.end());
    QCOMPARE(raw.x[static_cast<std::size_t>(spike - raw.high.begin())], double(points[700].step));

    // A clock reset (time going backwards) still gives what the bucket path gives.
    std::vector<runlens::MetricPoint> reset = points;
    for (std::size_t i = 900; i < reset.size(); ++i)
        reset[i].timestampMs -= 600'000;
    const Track resetTrack = makeTrack(8, reset, {}, 0.6);
    const auto [r0, r1] = resetTrack.extent(XMode::wallTime);
    Columns resetRaw, resetSmooth;
    decimateRawAndSmooth(resetTrack, XMode::wallTime, r0, r1, 820, resetRaw, resetSmooth);
    QVERIFY(same(resetRaw, decimateTrack(resetTrack, false, XMode::wallTime, r0, r1, 820)));
    QVERIFY(same(resetSmooth, decimateTrack(resetTrack, true, XMode::wallTime, r0, r1, 820)));
}

void TestCurveView::importedNamesStayPlainText() {
    CurveView view;
    view.setRuns({CurveRun{7, QStringLiteral("<b>run</b> & co"), {QStringLiteral("<i>loss</i>")}, {}}});
    auto* legend = view.findChild<QListWidget*>(QStringLiteral("curveLegend"));
    auto* keys = view.findChild<QListWidget*>(QStringLiteral("curveKeyList"));
    QCOMPARE(legend->item(0)->text(), QStringLiteral("<b>run</b> & co"));
    QCOMPARE(legend->item(0)->toolTip(), QStringLiteral("<p>&lt;b&gt;run&lt;/b&gt; &amp; co</p>"));
    QCOMPARE(keys->item(0)->text(), QStringLiteral("<i>loss</i>"));
    QCOMPARE(keys->item(0)->toolTip(), QStringLiteral("<p>&lt;i&gt;loss&lt;/i&gt;</p>"));
    // Without a workspace the view says what to do instead of showing empty charts.
    QVERIFY(view.charts().empty());
}

QTEST_MAIN(TestCurveView)
#include "tst_curveview.moc"
