// SPDX-License-Identifier: MIT
// Learning-curve redraw benchmark: decimation plus painting of the compare view, after the first load, for
// 20 runs x 1 M points and 1,000 runs x 1,000 points. Run by run_curves_bench.sh (needs QT_QPA_PLATFORM=offscreen).
//
//   bench_curves [--work DIR] [--repeats N] [--case 0|1]
//
// Prints one table row per case: first load, then the median and worst redraw of three kinds:
//   decimation  layoutChart alone: every run cut to the plot's pixel columns
//             (wall time and process CPU time)
//   pipeline  decimation + painting the chart into an image (both spread over the curve worker threads), wall time
//             and process CPU time
//   view      CurveView end to end: zoom request -> worker decimation -> chart repaint
//   qtcharts  the same decimated curves given to Qt Charts (one QLineSeries per curve, one replace() each)
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "curves/curvechart.h"
#include "curves/curvedata.h"
#include "curves/curvefigure.h"
#include "curveview.h"
#include "syntheticcurves.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QDir>
#include <QElapsedTimer>
#include <QGraphicsScene>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QValueAxis>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <vector>

using namespace runlens;
using namespace runlens::ui;

namespace {

struct Case {
    const char* name;
    int runs;
    std::int64_t points;
};

struct Stats {
    double median = 0;
    double worst = 0;
};

// CPU time of the whole process (every thread): what a redraw costs, without the waiting for other processes
// that wall time includes on a busy machine.
double processCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

Stats stats(std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    return {ms[ms.size() / 2], ms.back()};
}

// The zoom ranges a user steps through: everything, halves, a tenth, a hundredth, back out.
std::vector<std::pair<double, double>> zoomSteps(double x0, double x1, int repeats) {
    std::vector<std::pair<double, double>> ranges;
    const double w = x1 - x0;
    for (int i = 0; i < repeats; ++i) {
        const double shift = w * 0.01 * (i % 7);
        ranges.push_back({x0, x1});
        ranges.push_back({x0 + shift, x0 + shift + w * 0.5});
        ranges.push_back({x0 + w * 0.4 + shift, x0 + w * 0.5 + shift});
        ranges.push_back({x0 + w * 0.45, x0 + w * 0.46});
    }
    return ranges;
}

QImage chartImage() {
    QImage image(QSize(900, 520), QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(1);
    return image;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QString work;
    int repeats = 5;
    int only = -1;  // --case N runs one case
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--work"))
            work = args[i + 1];
        if (args[i] == QLatin1String("--repeats"))
            repeats = std::max(1, args[i + 1].toInt());
        if (args[i] == QLatin1String("--case"))
            only = args[i + 1].toInt();
    }
    QTemporaryDir temporary;
    if (work.isEmpty())
        work = temporary.path();
    QDir().mkpath(work);

    const Case cases[] = {{"20 runs x 1M points", 20, 1'000'000}, {"1,000 runs x 1,000 points", 1000, 1000}};
    std::printf("| case | first load ms | decimation median / worst ms | same, CPU ms (all threads) | "
                "decimation + paint median / worst ms | same, CPU ms (all threads) | view median / worst ms | "
                "Qt Charts median / worst ms |\n"
                "|---|---|---|---|---|---|---|---|\n");
    for (int index = 0; index < static_cast<int>(std::size(cases)); ++index) {
        if (only >= 0 && index != only)
            continue;
        const Case& c = cases[index];
        const QString path = QDir(work).filePath(QStringLiteral("curves-%1x%2.runlens").arg(c.runs).arg(c.points));
        if (!QFileInfo::exists(path)) {
            std::fprintf(stderr, "writing %s ...\n", qPrintable(path));
            if (Status s = test::writeSyntheticCache(path.toStdString(), c.runs, c.points, 1); !s) {
                std::fprintf(stderr, "%s\n", s.error().toString().c_str());
                return 1;
            }
        }
        const auto runs = test::curveRunsOf(path.toStdString());
        const QString key = QStringLiteral("train/loss");
        constexpr double weight = 0.6;

        // First load: what the view's worker does when runs are selected (LOD read, EMA, pyramids).
        QElapsedTimer timer;
        timer.start();
        auto cache = Cache::openExisting(path.toStdString());
        CacheReader reader(*cache);
        auto tracks = std::make_shared<curves::KeyTracks>();
        for (const auto& run : runs) {
            auto track = curves::loadTrack(reader, run.cacheId, key.toStdString(), weight, false);
            if (track && *track)
                tracks->push_back(std::move(**track));
        }
        const double firstLoad = static_cast<double>(timer.nsecsElapsed()) / 1e6;

        std::vector<curves::LayoutRun> layoutRuns;
        for (const auto& run : runs)
            layoutRuns.push_back({run.cacheId, run.name, runColour(run.cacheId), {}, false});
        curves::TrackSet set{{key, tracks}};
        const auto full = curves::fullXRange(set, layoutRuns, curves::XMode::step);
        const auto ranges = zoomSteps(full.first, full.second, repeats);

        // Pipeline: decimate to the plot's pixel columns and paint, the work of one redraw.
        std::vector<double> pipeline;
        std::vector<double> decimation;
        QImage image = chartImage();
        std::shared_ptr<const curves::ChartScene> lastScene;
        std::vector<double> pipelineCpu;
        std::vector<double> decimationCpu;
        for (const auto& range : ranges) {
            timer.restart();
            const double cpuStart = processCpuMs();
            auto scene = std::make_shared<curves::ChartScene>(
                curves::layoutChart(key, *tracks, layoutRuns, curves::LayoutSettings{}, range, 820));
            decimation.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
            decimationCpu.push_back(processCpuMs() - cpuStart);
            curves::CurveFigure figure(scene, false);
            image.fill(Qt::white);
            QPainter painter(&image);
            figure.paint(painter, QRectF(0, 0, 900, 520), FigureStyle::forPrint());
            painter.end();
            pipeline.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
            pipelineCpu.push_back(processCpuMs() - cpuStart);
            lastScene = scene;
        }
        // The last redraw, to look at: what was timed must still show every run.
        image.save(QDir(work).filePath(QStringLiteral("curves-%1x%2.png").arg(c.runs).arg(c.points)));

        // The real view: a zoom request until the chart has repainted with the new curves.
        std::vector<double> view;
        {
            CurveView curveView;
            curveView.resize(1200, 700);
            curveView.show();
            curveView.setWorkspace(path);
            QSignalSpy shown(&curveView, &CurveView::curvesShown);
            curveView.setRuns(runs);
            curveView.setKeyFilter(key);
            while (shown.count() == 0 || curveView.charts().size() != 1)
                shown.wait(60000);
            curves::CurveChart* chart = curveView.charts().front();
            for (const auto& range : ranges) {
                shown.clear();
                timer.restart();
                curveView.setXRange(range.first, range.second);
                while (shown.count() == 0)
                    shown.wait(60000);
                chart->repaint();
                view.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
            }
        }

        // Qt Charts with the same decimated curves: raw and smoothed series per run.
        std::vector<double> qtCharts;
        for (int i = 0; i < std::min(3, repeats); ++i) {
            timer.restart();
            QGraphicsScene graphics;
            auto* chart = new QChart;
            chart->setAnimationOptions(QChart::NoAnimation);
            chart->legend()->hide();
            auto* xAxis = new QValueAxis;
            auto* yAxis = new QValueAxis;
            xAxis->setRange(lastScene->x0, lastScene->x1);
            yAxis->setRange(lastScene->y0, lastScene->y1);
            chart->addAxis(xAxis, Qt::AlignBottom);
            chart->addAxis(yAxis, Qt::AlignLeft);
            for (const auto& run : lastScene->runs) {
                for (const curves::Columns* columns : {&run.raw, &run.smooth}) {
                    QList<QPointF> points;
                    for (std::size_t k = 0; k < columns->size(); ++k) {
                        points.append({columns->x[k], columns->low[k]});
                        points.append({columns->x[k], columns->high[k]});
                    }
                    auto* series = new QLineSeries;
                    series->replace(points);
                    chart->addSeries(series);
                    series->attachAxis(xAxis);
                    series->attachAxis(yAxis);
                }
            }
            graphics.addItem(chart);
            chart->setGeometry(QRectF(0, 0, 900, 520));
            image.fill(Qt::white);
            QPainter painter(&image);
            graphics.render(&painter);
            painter.end();
            qtCharts.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        }

        const Stats d = stats(decimation);
        const Stats dc = stats(decimationCpu);
        const Stats p = stats(pipeline);
        const Stats pc = stats(pipelineCpu);
        const Stats v = stats(view);
        const Stats q = stats(qtCharts);
        std::printf(
            "| %s | %.0f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.0f / %.0f |\n",
            c.name, firstLoad, d.median, d.worst, dc.median, dc.worst, p.median, p.worst, pc.median, pc.worst, v.median,
            v.worst, q.median, q.worst);
        std::fflush(stdout);
    }
    return 0;
}
