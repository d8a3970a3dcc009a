// SPDX-License-Identifier: MIT
#include "curves/curvedata.h"

#include "analysis/smoothing.h"
#include "cache/cachereader.h"

#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>

namespace runlens::ui::curves {
namespace {

std::vector<LodBucket> pointBuckets(std::span<const MetricPoint> points) {
    std::vector<LodBucket> level;
    level.reserve(points.size());
    for (const MetricPoint& p : points)
        level.push_back({p.step, p.step, p.value, p.value});
    return level;
}

// Places the middle step of consecutive buckets on the x axis. Steps arrive in order, so the time lookup walks a
// cursor forward instead of searching.
class StepToX {
public:
    StepToX(const Track& track, XMode mode) : m_track(track), m_mode(mode) {
        if (mode == XMode::relativeTime && track.hasTime())
            m_originMs = track.originMs;
    }

    double operator()(double step) {
        if (m_mode == XMode::step)
            return step;
        const auto& steps = m_track.timeSteps;
        const auto& times = m_track.timeMs;
        while (m_cursor + 1 < steps.size() && static_cast<double>(steps[m_cursor + 1]) <= step)
            ++m_cursor;
        double ms = times[m_cursor];
        if (m_cursor + 1 < steps.size() && static_cast<double>(steps[m_cursor]) < step) {
            const double s0 = static_cast<double>(steps[m_cursor]);
            const double s1 = static_cast<double>(steps[m_cursor + 1]);
            ms += (times[m_cursor + 1] - times[m_cursor]) * (step - s0) / (s1 - s0);
        }
        return (ms - m_originMs) / 1000.0;
    }

private:
    const Track& m_track;
    XMode m_mode;
    double m_originMs = 0;
    std::size_t m_cursor = 0;
};

void padRange(double& low, double& high, bool logScale) {
    if (!(low <= high)) {
        low = logScale ? 0.1 : 0;
        high = logScale ? 10 : 1;
        return;
    }
    if (logScale) {
        double a = std::log10(low);
        double b = std::log10(high);
        if (a == b) {
            a -= 0.5;
            b += 0.5;
        }
        const double pad = (b - a) * 0.04;
        low = std::pow(10.0, a - pad);
        high = std::pow(10.0, b + pad);
        return;
    }
    if (low == high) {
        const double pad = std::max(std::fabs(low) * 0.1, 0.5);
        low -= pad;
        high += pad;
        return;
    }
    const double pad = (high - low) * 0.04;
    low -= pad;
    high += pad;
}

}  // namespace

QThreadPool* curveWorkers() {
    static QThreadPool* const pool = [] {
        auto* workers = new QThreadPool;  // lives as long as the process; its threads end with it
        workers->setMaxThreadCount(std::clamp(QThread::idealThreadCount(), 1, 8));
        return workers;
    }();
    return pool;
}

std::optional<double> logY(double y) {
    if (!(y > 0) || !std::isfinite(y))
        return std::nullopt;
    return std::log10(y);
}

std::pair<double, double> Track::extent(XMode mode) const {
    switch (mode) {
    case XMode::step:
        return {static_cast<double>(firstStep), static_cast<double>(lastStep)};
    case XMode::relativeTime:
        if (!hasTime())
            return {0, 0};
        return {(earliestMs - originMs) / 1000.0, (latestMs - originMs) / 1000.0};
    case XMode::wallTime:
        return {earliestMs / 1000.0, latestMs / 1000.0};
    }
    return {0, 0};
}

Track makeTrack(std::int64_t runId, std::span<const MetricPoint> points, const LodPyramid& lod, double weight) {
    Track track;
    track.runId = runId;
    track.pointCount = static_cast<std::int64_t>(points.size());
    track.exact = lod.levels.empty();
    if (track.exact) {
        track.raw.push_back(pointBuckets(points));
        track.pointSteps.reserve(points.size());
        track.rawValues.reserve(points.size());
        for (const MetricPoint& p : points) {
            track.pointSteps.push_back(static_cast<double>(p.step));
            track.rawValues.push_back(p.value);
        }
    } else {
        track.raw = lod.levels;
    }
    if (!track.raw.empty() && !track.raw.front().empty()) {
        track.firstStep = track.raw.front().front().firstStep;
        track.lastStep = track.raw.front().back().lastStep;
    }
    if (points.empty())
        return track;

    // Every point's time when exact; otherwise one sample per level-0 bucket and the last point.
    const std::size_t stride = track.exact ? 1 : static_cast<std::size_t>(seriescodec::lodFanout);
    for (std::size_t i = 0; i < points.size(); i += stride) {
        track.timeSteps.push_back(points[i].step);
        track.timeMs.push_back(points[i].timestampMs);
    }
    if ((points.size() - 1) % stride != 0) {
        track.timeSteps.push_back(points.back().step);
        track.timeMs.push_back(points.back().timestampMs);
    }
    const auto [earliest, latest] = std::minmax_element(
        points.begin(), points.end(), [](const auto& a, const auto& b) { return a.timestampMs < b.timestampMs; });
    track.earliestMs = earliest->timestampMs;
    track.latestMs = latest->timestampMs;
    track.originMs = points.front().timestampMs;

    if (weight > 0) {
        std::vector<double> values(points.size());
        std::transform(points.begin(), points.end(), values.begin(), [](const MetricPoint& p) { return p.value; });
        const std::vector<double> smoothed = analysis::emaSmooth(values, weight);
        std::vector<MetricPoint> smoothPoints(points.begin(), points.end());
        for (std::size_t i = 0; i < smoothPoints.size(); ++i)
            smoothPoints[i].value = smoothed[i];
        if (track.exact) {
            track.smooth.push_back(pointBuckets(smoothPoints));
            track.smoothValues = smoothed;
        } else
            track.smooth = seriescodec::buildLod(smoothPoints).levels;
    }
    return track;
}

Result<std::optional<Track>> loadTrack(CacheReader& reader, std::int64_t runId, const std::string& key, double weight,
                                       bool needTime) {
    auto lod = reader.seriesLod(runId, key);
    if (!lod)
        return lod.error();
    if (!lod->levels.empty() && weight <= 0 && !needTime)
        return std::optional<Track>(makeTrack(runId, {}, *lod, 0));
    auto points = reader.series(runId, key);
    if (!points)
        return std::optional<Track>();  // the run has no such key
    if (points->empty())
        return std::optional<Track>();
    return std::optional<Track>(makeTrack(runId, *points, *lod, weight));
}

bool needsDetail(const Track& track, XMode mode, double x0, double x1, int columns) {
    if (track.exact || track.raw.empty() || !(x1 > x0))
        return false;
    const auto [e0, e1] = track.extent(mode);
    if (!(e1 > e0) || e1 < x0 || e0 > x1)
        return false;
    const double visible = std::clamp((std::min(x1, e1) - std::max(x0, e0)) / (e1 - e0), 0.0, 1.0);
    return static_cast<double>(track.raw.front().size()) * visible < columns;
}

Track makeDetailTrack(std::int64_t runId, std::span<const MetricPoint> points, double weight, XMode mode, double x0,
                      double x1) {
    std::vector<double> smoothed;
    if (weight > 0) {
        std::vector<double> values(points.size());
        std::transform(points.begin(), points.end(), values.begin(), [](const MetricPoint& p) { return p.value; });
        smoothed = analysis::emaSmooth(values, weight);
    }
    const double origin = points.empty() ? 0 : points.front().timestampMs;
    const auto xOf = [&](const MetricPoint& p) {
        switch (mode) {
        case XMode::step:
            return static_cast<double>(p.step);
        case XMode::relativeTime:
            return (p.timestampMs - origin) / 1000.0;
        case XMode::wallTime:
            return p.timestampMs / 1000.0;
        }
        return 0.0;
    };
    // The points in range, with a neighbour on each side so the curve runs on to the plot's edges.
    std::size_t first = points.size();
    std::size_t last = 0;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double x = xOf(points[i]);
        if (x >= x0 && x <= x1) {
            first = std::min(first, i);
            last = std::max(last, i);
        }
    }
    Track track;
    track.runId = runId;
    track.exact = true;
    if (first > last)
        return track;
    first = first > 0 ? first - 1 : first;
    last = std::min(last + 1, points.size() - 1);
    const std::span<const MetricPoint> slice = points.subspan(first, last - first + 1);
    track = makeTrack(runId, slice, {}, 0);
    track.originMs = origin;
    if (weight > 0) {
        std::vector<MetricPoint> smoothSlice(slice.begin(), slice.end());
        for (std::size_t i = 0; i < smoothSlice.size(); ++i)
            smoothSlice[i].value = smoothed[first + i];
        track.smooth.push_back(pointBuckets(smoothSlice));
        track.smoothValues.assign(smoothed.begin() + static_cast<std::ptrdiff_t>(first),
                                  smoothed.begin() + static_cast<std::ptrdiff_t>(first + smoothSlice.size()));
    }
    return track;
}

Columns decimateTrack(const Track& track, bool smoothed, XMode mode, double x0, double x1, int columns) {
    Columns out;
    const auto& levels = smoothed ? track.smooth : track.raw;
    if (levels.empty() || columns <= 0 || !(x1 > x0) || (mode != XMode::step && !track.hasTime()))
        return out;
    const auto [e0, e1] = track.extent(mode);
    if (e1 < x0 || e0 > x1)
        return out;
    const double visible = e1 > e0 ? std::clamp((std::min(x1, e1) - std::max(x0, e0)) / (e1 - e0), 0.0, 1.0) : 1.0;

    // The coarsest level that still has two buckets per column in view keeps the work proportional to the width.
    std::size_t chosen = 0;
    for (std::size_t level = levels.size(); level-- > 0;) {
        if (static_cast<double>(levels[level].size()) * visible >= 2.0 * columns) {
            chosen = level;
            break;
        }
    }
    const std::vector<LodBucket>& buckets = levels[chosen];
    auto begin = buckets.begin();
    if (mode == XMode::step)
        begin = std::lower_bound(buckets.begin(), buckets.end(), x0,
                                 [](const LodBucket& b, double x) { return static_cast<double>(b.lastStep) < x; });

    const double width = (x1 - x0) / columns;
    const auto columnOf = [&](double x) {
        return std::min(static_cast<int>((x - x0) / width), columns - 1);
    };
    StepToX toX(track, mode);

    // Buckets come in step order, and x almost always grows with the step: accumulate one column at a time, so
    // the work is proportional to the buckets read, not to the width.
    const auto expected =
        static_cast<std::size_t>(std::min<double>(columns, static_cast<double>(buckets.end() - begin)));
    out.index.reserve(expected);
    out.x.reserve(expected);
    out.low.reserve(expected);
    out.high.reserve(expected);
    const auto emit = [&out](int column, double x, double low, double high) {
        out.index.push_back(column);
        out.x.push_back(x);
        out.low.push_back(low);
        out.high.push_back(high);
    };
    int current = -1;
    double low = 0, high = 0, xFirst = 0, xLast = 0;
    bool ordered = true;
    const bool stepAxis = mode == XMode::step;
    for (auto it = begin; it != buckets.end(); ++it) {
        const double step = 0.5 * (static_cast<double>(it->firstStep) + static_cast<double>(it->lastStep));
        if (stepAxis && step > x1)
            break;
        const double x = stepAxis ? step : toX(step);
        if (x < x0 || x > x1 || std::isnan(it->min) || std::isnan(it->max))
            continue;
        const int column = columnOf(x);
        if (column == current) {
            low = std::min(low, it->min);
            high = std::max(high, it->max);
            xFirst = std::min(xFirst, x);
            xLast = std::max(xLast, x);
            continue;
        }
        if (column < current) {
            ordered = false;  // time went backwards (a clock reset): fall back to per-column accumulators
            break;
        }
        if (current >= 0)
            emit(current, 0.5 * (xFirst + xLast), low, high);
        current = column;
        low = it->min;
        high = it->max;
        xFirst = xLast = x;
    }
    if (ordered && current >= 0)
        emit(current, 0.5 * (xFirst + xLast), low, high);
    if (ordered)
        return out;

    out = Columns();
    const auto n = static_cast<std::size_t>(columns);
    std::vector<double> lows(n, HUGE_VAL), highs(n, -HUGE_VAL), firsts(n, HUGE_VAL), lasts(n, -HUGE_VAL);
    StepToX again(track, mode);
    for (auto it = begin; it != buckets.end(); ++it) {
        const double x = again(0.5 * (static_cast<double>(it->firstStep) + static_cast<double>(it->lastStep)));
        if (x < x0 || x > x1 || std::isnan(it->min) || std::isnan(it->max))
            continue;
        const auto column = static_cast<std::size_t>(columnOf(x));
        lows[column] = std::min(lows[column], it->min);
        highs[column] = std::max(highs[column], it->max);
        firsts[column] = std::min(firsts[column], x);
        lasts[column] = std::max(lasts[column], x);
    }
    for (std::size_t c = 0; c < n; ++c) {
        if (lows[c] > highs[c])
            continue;
        out.index.push_back(static_cast<int>(c));
        out.x.push_back(0.5 * (firsts[c] + lasts[c]));
        out.low.push_back(lows[c]);
        out.high.push_back(highs[c]);
    }
    return out;
}

void decimateRawAndSmooth(const Track& track, XMode mode, double x0, double x1, int columns, Columns& raw,
                          Columns& smooth) {
    raw = Columns();
    smooth = Columns();
    const std::size_t count = track.pointSteps.size();
    const bool hasSmooth = !track.smooth.empty();
    const bool compact = track.exact && !track.raw.empty() && count == track.rawValues.size() &&
                         (!hasSmooth || track.smoothValues.size() == count) && count == track.raw.front().size();
    if (!compact || columns <= 0 || !(x1 > x0) || (mode != XMode::step && !track.hasTime())) {
        raw = decimateTrack(track, false, mode, x0, x1, columns);
        if (hasSmooth)
            smooth = decimateTrack(track, true, mode, x0, x1, columns);
        return;
    }
    const auto [e0, e1] = track.extent(mode);
    if (e1 < x0 || e0 > x1)
        return;
    const double* const steps = track.pointSteps.data();
    const double* const rawValues = track.rawValues.data();
    const double* const smoothValues = hasSmooth ? track.smoothValues.data() : nullptr;
    const bool stepAxis = mode == XMode::step;
    std::size_t begin = 0;
    if (stepAxis)
        begin = static_cast<std::size_t>(std::lower_bound(steps, steps + count, x0) - steps);
    const double width = (x1 - x0) / columns;
    StepToX toX(track, mode);

    // One accumulator per curve. Every point rewrites its column's slot, and a new column moves to the next slot,
    // with selects rather than branches: whether the next point falls in the same pixel column is as good as random,
    // and a mispredicted branch there cost more than the rest of the loop. The slots come pre-sized (a curve cannot
    // have more columns than points or than pixel columns) and are cut to size at the end.
    struct Accumulator {
        Columns& out;
        std::ptrdiff_t slot = -1;
        int current = -1;
        double low = 0, high = 0, xFirst = 0, xLast = 0;
        void add(int column, double x, double value) {
            const bool same = column == current;
            slot += same ? 0 : 1;
            low = std::min(same ? low : value, value);
            high = std::max(same ? high : value, value);
            xFirst = std::min(same ? xFirst : x, x);
            xLast = std::max(same ? xLast : x, x);
            current = column;
            const auto at = static_cast<std::size_t>(slot);
            out.index[at] = column;
            out.x[at] = 0.5 * (xFirst + xLast);
            out.low[at] = low;
            out.high[at] = high;
        }
        void finish() { resize(out, static_cast<std::size_t>(slot + 1)); }
        static void resize(Columns& c, std::size_t n) {
            c.index.resize(n);
            c.x.resize(n);
            c.low.resize(n);
            c.high.resize(n);
        }
    };
    const auto expected = std::min<std::size_t>(static_cast<std::size_t>(columns), count - begin);
    Accumulator::resize(raw, expected);
    if (hasSmooth)
        Accumulator::resize(smooth, expected);
    Accumulator rawColumns{raw};
    Accumulator smoothColumns{smooth};
    int last = -1;
    for (std::size_t i = begin; i < count; ++i) {
        const double step = steps[i];
        if (stepAxis && step > x1)
            break;
        const double x = stepAxis ? step : toX(step);
        if (x < x0 || x > x1)
            continue;
        const int column = std::min(static_cast<int>((x - x0) / width), columns - 1);
        if (column < last) {
            // Time went backwards (a clock reset): the bucket path has the per-column accumulators for that.
            raw = decimateTrack(track, false, mode, x0, x1, columns);
            smooth = hasSmooth ? decimateTrack(track, true, mode, x0, x1, columns) : Columns();
            return;
        }
        last = column;
        if (!std::isnan(rawValues[i]))
            rawColumns.add(column, x, rawValues[i]);
        if (smoothValues && !std::isnan(smoothValues[i]))
            smoothColumns.add(column, x, smoothValues[i]);
    }
    rawColumns.finish();
    if (hasSmooth)
        smoothColumns.finish();
}

std::pair<double, double> fullXRange(const TrackSet& tracks, std::span<const LayoutRun> runs, XMode mode) {
    std::map<std::int64_t, bool> hidden;
    for (const LayoutRun& run : runs)
        hidden[run.runId] = run.hidden;
    double low = HUGE_VAL;
    double high = -HUGE_VAL;
    for (const auto& [key, keyTracks] : tracks) {
        for (const Track& track : *keyTracks) {
            const auto found = hidden.find(track.runId);
            if (found == hidden.end() || found->second || (mode != XMode::step && !track.hasTime()))
                continue;
            const auto [e0, e1] = track.extent(mode);
            low = std::min(low, e0);
            high = std::max(high, e1);
        }
    }
    if (!(low <= high))
        return {0, 1};
    if (low == high)
        return {low - 0.5, high + 0.5};
    return {low, high};
}

ChartScene layoutChart(const QString& key, const KeyTracks& tracks, std::span<const LayoutRun> runs,
                       const LayoutSettings& settings, std::pair<double, double> xRange, int columns,
                       std::span<const Track* const> details) {
    ChartScene scene;
    scene.key = key;
    scene.xMode = settings.xMode;
    scene.logY = settings.logY;
    scene.x0 = xRange.first;
    scene.x1 = xRange.second;
    scene.columns = columns;
    scene.groupParam = settings.groupParam;
    std::map<std::int64_t, const Track*> byRun;
    for (const Track& track : tracks)
        byRun[track.runId] = &track;
    for (const Track* detail : details)
        byRun[detail->runId] = detail;

    // Runs are decimated in parallel (each is independent), then kept in the order of the selection.
    struct Job {
        const LayoutRun* run;
        const Track* track;
        SceneRun result;
        double low = HUGE_VAL;  // the run's finite extremes on the y axis (log10 on a log axis)
        double high = -HUGE_VAL;
    };
    std::vector<Job> jobs;
    for (const LayoutRun& run : runs) {
        const auto found = byRun.find(run.runId);
        if (found == byRun.end())
            continue;
        if (run.hidden) {
            ++scene.hiddenRuns;
            continue;
        }
        jobs.push_back({&run, found->second, {}});
    }
    // The plain min/max y range is gathered per run inside the parallel jobs: one serial pass over every column
    // of a thousand runs cost about as much as decimating them.
    const bool rangePerRun = settings.groupParam.isEmpty() && !settings.ignoreOutliers;
    const auto decimateJob = [&](Job& job) {
        SceneRun& sceneRun = job.result;
        sceneRun = SceneRun{job.run->runId, job.run->name, job.run->colour, {}, {}};
        decimateRawAndSmooth(*job.track, settings.xMode, scene.x0, scene.x1, columns, sceneRun.raw, sceneRun.smooth);
        if (!rangePerRun)
            return;
        for (const Columns* columnsOf : {&sceneRun.raw, &sceneRun.smooth}) {
            for (std::size_t k = 0; k < columnsOf->size(); ++k) {
                const double low = columnsOf->low[k];
                const double high = columnsOf->high[k];
                // A linear axis with finite extremes (nearly every column) needs one min and one max per column.
                if (!settings.logY && std::isfinite(low) && std::isfinite(high)) {
                    job.low = std::min(job.low, std::min(low, high));
                    job.high = std::max(job.high, std::max(low, high));
                    continue;
                }
                for (double v : {low, high}) {
                    if (!std::isfinite(v))
                        continue;
                    if (settings.logY) {
                        const auto l = logY(v);
                        if (!l)
                            continue;
                        v = *l;
                    }
                    job.low = std::min(job.low, v);
                    job.high = std::max(job.high, v);
                }
            }
        }
    };
    if (jobs.size() > 16)
        QtConcurrent::blockingMap(curveWorkers(), jobs, decimateJob);
    else
        std::for_each(jobs.begin(), jobs.end(), decimateJob);
    std::vector<const LayoutRun*> drawn;
    // Every value is kept only for the robust range's quantiles; otherwise the extremes suffice.
    std::vector<double> rangeValues;
    double rangeLow = HUGE_VAL;
    double rangeHigh = -HUGE_VAL;
    for (Job& job : jobs) {
        if (job.result.raw.empty() && job.result.smooth.empty())
            continue;
        rangeLow = std::min(rangeLow, job.low);
        rangeHigh = std::max(rangeHigh, job.high);
        scene.smoothed = scene.smoothed || !job.result.smooth.empty();
        scene.runs.push_back(std::move(job.result));
        drawn.push_back(job.run);
    }

    const auto addRange = [&](double v) {
        if (!std::isfinite(v))
            return;
        if (settings.logY) {
            const auto l = logY(v);
            if (!l)
                return;
            v = *l;
        }
        if (settings.ignoreOutliers) {
            rangeValues.push_back(v);
        } else {
            rangeLow = std::min(rangeLow, v);
            rangeHigh = std::max(rangeHigh, v);
        }
    };

    if (!settings.groupParam.isEmpty() && columns > 0) {
        // Mean and extremes per pixel column of each group's shown curves (smoothed when smoothing is on).
        std::vector<QString> order;
        std::map<QString, std::vector<std::size_t>> members;
        for (std::size_t i = 0; i < drawn.size(); ++i) {
            auto& list = members[drawn[i]->groupValue];
            if (list.empty())
                order.push_back(drawn[i]->groupValue);
            list.push_back(i);
        }
        const auto n = static_cast<std::size_t>(columns);
        const double width = (scene.x1 - scene.x0) / columns;
        for (const QString& value : order) {
            const auto& indexes = members[value];
            std::vector<double> sum(n, 0), low(n, HUGE_VAL), high(n, -HUGE_VAL);
            std::vector<int> count(n, 0);
            std::vector<bool> covered(n, false);  // columns between a member's first and last point
            for (std::size_t i : indexes) {
                const Columns& shown = scene.runs[i].shown();
                if (!shown.empty())
                    std::fill(covered.begin() + shown.index.front(), covered.begin() + shown.index.back() + 1, true);
                for (std::size_t k = 0; k < shown.size(); ++k) {
                    const auto c = static_cast<std::size_t>(shown.index[k]);
                    const double centre = 0.5 * (shown.low[k] + shown.high[k]);
                    if (std::isfinite(centre)) {
                        sum[c] += centre;
                        ++count[c];
                    }
                    low[c] = std::min(low[c], shown.low[k]);
                    high[c] = std::max(high[c], shown.high[k]);
                }
            }
            SceneGroup group;
            group.label = value.isEmpty() ? QStringLiteral("%1 unset").arg(settings.groupParam)
                                          : QStringLiteral("%1 = %2").arg(settings.groupParam, value);
            group.colour = drawn[indexes.front()]->colour;
            group.members = static_cast<int>(indexes.size());
            bool gap = true;
            for (std::size_t c = 0; c < n; ++c) {
                if (!covered[c])
                    gap = true;
                if (count[c] == 0)
                    continue;
                group.startsSegment.push_back(gap);
                gap = false;
                group.x.push_back(scene.x0 + (static_cast<double>(c) + 0.5) * width);
                group.mean.push_back(sum[c] / count[c]);
                group.low.push_back(low[c]);
                group.high.push_back(high[c]);
                addRange(low[c]);
                addRange(high[c]);
            }
            scene.groups.push_back(std::move(group));
        }
    } else if (!rangePerRun) {
        for (const SceneRun& run : scene.runs) {
            for (const Columns* columnsOf : {&run.raw, &run.smooth}) {
                for (std::size_t k = 0; k < columnsOf->size(); ++k) {
                    addRange(columnsOf->low[k]);
                    addRange(columnsOf->high[k]);
                }
            }
        }
    }

    if (const auto zoom = settings.yZoom.find(key); zoom != settings.yZoom.end()) {
        scene.y0 = zoom->second.first;
        scene.y1 = zoom->second.second;
        return scene;
    }
    double low = HUGE_VAL;
    double high = -HUGE_VAL;
    if (settings.ignoreOutliers) {
        if (const auto robust = analysis::robustRange(rangeValues)) {
            low = robust->first;
            high = robust->second;
        }
    } else {
        low = rangeLow;
        high = rangeHigh;
    }
    if (settings.logY && low <= high) {
        low = std::pow(10.0, low);
        high = std::pow(10.0, high);
    }
    if (settings.ignoreOutliers && low <= high && low < high) {
        scene.y0 = low;  // robustRange already padded
        scene.y1 = high;
        return scene;
    }
    padRange(low, high, settings.logY);
    scene.y0 = low;
    scene.y1 = high;
    return scene;
}

}  // namespace runlens::ui::curves
