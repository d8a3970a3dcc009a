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
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <string>
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

// What was timed must also be right. Outside the timed sections: every run with points in the range keeps a curve
// with its columns inside the plot, and one run's columns agree with a plain decimation of its points. Buckets that
// straddle a column edge may land in the column beside it, so a column is compared with the reference's columns
// within `slack` of it (the widest bucket the decimation reads is a column wide at most, or one bucket of the finest
// level); over the whole range the extremes must match exactly. Prints what is wrong and returns false.
bool decimationIsRight(CacheReader& reader, const QString& key, const curves::KeyTracks& tracks,
                       const std::vector<curves::LayoutRun>& layoutRuns, std::pair<double, double> full) {
    constexpr int columns = 820;
    const auto fail = [&](const std::string& what) {
        std::fprintf(stderr, "bench_curves: wrong decimation of %s: %s\n", qPrintable(key), what.c_str());
        return false;
    };
    if (tracks.empty())
        return fail("no run has the key");
    const curves::Track& probe = tracks[tracks.size() / 2];
    auto points = reader.series(probe.runId, key.toStdString());
    if (!points)
        return fail(points.error().toString());
    const double w = full.second - full.first;
    const std::pair<double, double> ranges[] = {full, {full.first + 0.4 * w, full.first + 0.5 * w}};
    for (const auto& [x0, x1] : ranges) {
        const std::string where = " in [" + std::to_string(x0) + ", " + std::to_string(x1) + "]";
        const curves::ChartScene scene =
            curves::layoutChart(key, tracks, layoutRuns, curves::LayoutSettings{}, {x0, x1}, columns);
        std::map<std::int64_t, const curves::SceneRun*> drawn;
        for (const curves::SceneRun& run : scene.runs) {
            if (!drawn.emplace(run.runId, &run).second)
                return fail("run " + std::to_string(run.runId) + " is drawn twice" + where);
            const curves::Columns& c = run.raw;
            for (std::size_t i = 0; i < c.size(); ++i) {
                if (c.index[i] < 0 || c.index[i] >= columns || (i > 0 && c.index[i] <= c.index[i - 1]) ||
                    !(c.x[i] >= x0 && c.x[i] <= x1) || !(c.low[i] <= c.high[i]))
                    return fail("run " + std::to_string(run.runId) + " has a bad column " + std::to_string(i) + where);
            }
        }
        for (const curves::Track& track : tracks) {
            const auto [e0, e1] = track.extent(curves::XMode::step);
            const bool inRange = track.pointCount > 0 && e1 >= x0 && e0 <= x1;
            const auto found = drawn.find(track.runId);
            if (inRange && (found == drawn.end() || found->second->raw.empty()))
                return fail("run " + std::to_string(track.runId) + " has points but no curve" + where);
        }

        // The plain reference: every point's own column, min and max.
        const double width = (x1 - x0) / columns;
        double finestSpan = 0;
        for (const LodBucket& b : probe.raw.front())
            finestSpan = std::max(finestSpan, static_cast<double>(b.lastStep - b.firstStep));
        const int slack = 1 + static_cast<int>(std::ceil(std::max(finestSpan, width) / width));
        std::vector<double> refLow(columns, HUGE_VAL), refHigh(columns, -HUGE_VAL);
        double allLow = HUGE_VAL, allHigh = -HUGE_VAL;
        for (const MetricPoint& p : *points) {
            const auto x = static_cast<double>(p.step);
            if (std::isnan(p.value) || x < x0 - slack * width || x > x1 + slack * width)
                continue;
            const int column = std::clamp(static_cast<int>(std::floor((x - x0) / width)), 0, columns - 1);
            refLow[column] = std::min(refLow[column], p.value);
            refHigh[column] = std::max(refHigh[column], p.value);
            if (x >= x0 && x <= x1) {
                allLow = std::min(allLow, p.value);
                allHigh = std::max(allHigh, p.value);
            }
        }
        const auto found = drawn.find(probe.runId);
        if (found == drawn.end())
            return fail("the reference run " + std::to_string(probe.runId) + " is missing" + where);
        const curves::Columns& c = found->second->raw;
        std::vector<double> low(columns, HUGE_VAL), high(columns, -HUGE_VAL);
        for (std::size_t i = 0; i < c.size(); ++i) {
            low[static_cast<std::size_t>(c.index[i])] = c.low[i];
            high[static_cast<std::size_t>(c.index[i])] = c.high[i];
        }
        const auto windowLow = [&](const std::vector<double>& v, int at) {
            double m = HUGE_VAL;
            for (int j = std::max(0, at - slack); j <= std::min(columns - 1, at + slack); ++j)
                m = std::min(m, v[static_cast<std::size_t>(j)]);
            return m;
        };
        const auto windowHigh = [&](const std::vector<double>& v, int at) {
            double m = -HUGE_VAL;
            for (int j = std::max(0, at - slack); j <= std::min(columns - 1, at + slack); ++j)
                m = std::max(m, v[static_cast<std::size_t>(j)]);
            return m;
        };
        for (int column = 0; column < columns; ++column) {
            const auto i = static_cast<std::size_t>(column);
            // Nothing invented: what a column shows comes from points near it.
            if (high[i] >= low[i] && (low[i] < windowLow(refLow, column) || high[i] > windowHigh(refHigh, column)))
                return fail("column " + std::to_string(column) + " shows [" + std::to_string(low[i]) + ", " +
                            std::to_string(high[i]) + "], beyond the points near it" + where);
            // Nothing lost: away from the edges, every column's extremes show up near it.
            const bool interior = column >= slack && column < columns - slack;
            if (interior && refHigh[i] >= refLow[i] &&
                (windowLow(low, column) > refLow[i] || windowHigh(high, column) < refHigh[i]))
                return fail("the points of column " + std::to_string(column) + " span [" + std::to_string(refLow[i]) +
                            ", " + std::to_string(refHigh[i]) + "], not shown near it" + where);
        }
        if (x0 == full.first && x1 == full.second) {
            const double shownLow = *std::min_element(low.begin(), low.end());
            const double shownHigh = *std::max_element(high.begin(), high.end());
            if (shownLow != allLow || shownHigh != allHigh)
                return fail("the whole range shows [" + std::to_string(shownLow) + ", " + std::to_string(shownHigh) +
                            "], the points span [" + std::to_string(allLow) + ", " + std::to_string(allHigh) + "]");
        }
    }
    return true;
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
        const auto readRuns = test::curveRunsOf(path.toStdString());
        if (!readRuns) {
            std::fprintf(stderr, "%s\n", readRuns.error().toString().c_str());
            return 1;
        }
        const auto& runs = *readRuns;
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
        if (!decimationIsRight(reader, key, *tracks, layoutRuns, full))
            return 1;
    }
    return 0;
}
