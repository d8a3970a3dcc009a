// SPDX-License-Identifier: MIT
#pragma once

#include "cache/seriescodec.h"
#include "error.h"
#include "records.h"

#include <QColor>
#include <QString>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

class QThreadPool;

namespace runlens {
class CacheReader;
}

namespace runlens::ui::curves {

enum class XMode { step, relativeTime, wallTime };  // times are in seconds on the axis

// One run's series of one key, kept as min/max buckets so it can be cut to any pixel width at any zoom without
// touching raw points again. Level 0 is the finest; when exact, level 0 holds one bucket per point.
struct Track {
    std::int64_t runId = 0;
    std::vector<std::vector<LodBucket>> raw;
    std::vector<std::vector<LodBucket>> smooth;  // empty when smoothing is off
    bool exact = false;
    // Exact tracks also keep their points as plain arrays, raw and smoothed values sharing one step array, which
    // is what a redraw reads: three doubles per point instead of two 32-byte buckets, and one column lookup.
    std::vector<double> pointSteps;
    std::vector<double> rawValues;
    std::vector<double> smoothValues;  // empty when smoothing is off
    // (step, time) samples in step order, every point or every level-0 bucket, to place steps on a time axis.
    std::vector<std::int64_t> timeSteps;
    std::vector<double> timeMs;
    std::int64_t pointCount = 0;
    std::int64_t firstStep = 0;
    std::int64_t lastStep = 0;
    double earliestMs = 0;  // smallest and largest time, for the x extent on time axes
    double latestMs = 0;
    double originMs = 0;  // the run's first point's time: zero of the relative time axis

    bool hasTime() const { return !timeSteps.empty(); }
    // The x extent of the track in a mode.
    std::pair<double, double> extent(XMode mode) const;
};

// Builds a track from points sorted by step. With weight > 0 the debiased EMA is kept beside the raw values.
// lod is the cache's pyramid for the raw values (empty below seriescodec::lodMinimumPoints: then the track is
// exact).
Track makeTrack(std::int64_t runId, std::span<const MetricPoint> points, const LodPyramid& lod, double weight);

// Reads a run's key from the cache. Without smoothing and without a time axis only the level-of-detail pyramid is
// read; otherwise the points are decoded once (for the EMA and the step-to-time samples) and dropped again.
Result<std::optional<Track>> loadTrack(CacheReader& reader, std::int64_t runId, const std::string& key, double weight,
                                       bool needTime);

// Whether the track's finest buckets are coarser than the columns in [x0, x1]: zoomed in that far, the points
// themselves are needed (see makeDetailTrack).
bool needsDetail(const Track& track, XMode mode, double x0, double x1, int columns);

// Exact points of one run and key around a deep zoom, kept while later zooms and pans stay inside [from, to].
struct DetailWindow {
    XMode mode = XMode::step;
    double from = 0;
    double to = 0;
    std::shared_ptr<const Track> track;
};

// An exact track of the points whose x lies in [x0, x1] (plus one point either side), from the whole series so
// the EMA has its history and relative time its origin.
Track makeDetailTrack(std::int64_t runId, std::span<const MetricPoint> points, double weight, XMode mode, double x0,
                      double x1);

// Per pixel column that holds data: its index, the x of its data (middle of the first and last) and min/max.
struct Columns {
    std::vector<int> index;
    std::vector<double> x;
    std::vector<double> low;
    std::vector<double> high;
    bool empty() const { return index.empty(); }
    std::size_t size() const { return index.size(); }
};

// Min/max per column of [x0, x1] cut into columns, from the coarsest level that still gives two buckets per column
// in view (the finest level otherwise). NaN is skipped; infinities are kept.
Columns decimateTrack(const Track& track, bool smoothed, XMode mode, double x0, double x1, int columns);

// The raw and smoothed columns of a track at once: for exact tracks one pass over their point arrays (the same
// columns decimateTrack gives), otherwise decimateTrack twice. smooth stays empty without smoothing.
void decimateRawAndSmooth(const Track& track, XMode mode, double x0, double x1, int columns, Columns& raw,
                          Columns& smooth);

// What the chart of one key shows, computed off the GUI thread and painted as is.
struct SceneRun {
    std::int64_t runId = 0;
    QString name;
    QColor colour;
    Columns raw;
    Columns smooth;  // empty without smoothing
    const Columns& shown() const { return smooth.empty() ? raw : smooth; }
};

struct SceneGroup {
    QString label;  // "param = value"
    QColor colour;
    int members = 0;
    std::vector<double> x;
    std::vector<double> mean;
    std::vector<double> low;
    std::vector<double> high;
    std::vector<bool> startsSegment;  // no member run spans the columns before this one: the line breaks here
};

struct ChartScene {
    QString key;
    XMode xMode = XMode::step;
    bool logY = false;
    bool smoothed = false;
    double x0 = 0;
    double x1 = 1;
    double y0 = 0;
    double y1 = 1;
    int columns = 0;
    std::vector<SceneRun> runs;      // visible runs with data, individual curves
    std::vector<SceneGroup> groups;  // set when grouping by a param; then runs are not drawn one by one
    QString groupParam;
    int hiddenRuns = 0;
    bool hasData() const { return !runs.empty(); }
};

// A selected run as the layout needs it.
struct LayoutRun {
    std::int64_t runId = 0;
    QString name;
    QColor colour;
    QString groupValue;  // the group-by param's value ("" when the run has none)
    bool hidden = false;
};

struct LayoutSettings {
    XMode xMode = XMode::step;
    bool logY = false;
    bool ignoreOutliers = false;
    QString groupParam;                                  // empty: no grouping
    std::optional<std::pair<double, double>> xRange;     // zoom; the union of every chart's data otherwise
    std::map<QString, std::pair<double, double>> yZoom;  // per key
};

using KeyTracks = std::vector<Track>;  // in the order of the selected runs that have the key
using TrackSet = std::map<QString, std::shared_ptr<const KeyTracks>>;

// The x range shared by every chart: the union of the visible runs' extents.
std::pair<double, double> fullXRange(const TrackSet& tracks, std::span<const LayoutRun> runs, XMode mode);

// details replace the tracks of the same runs (exact points for a deep zoom).
ChartScene layoutChart(const QString& key, const KeyTracks& tracks, std::span<const LayoutRun> runs,
                       const LayoutSettings& settings, std::pair<double, double> xRange, int columns,
                       std::span<const Track* const> details = {});

// Threads for the leaf tasks of one redraw (runs decimated side by side, strips painted side by side). Separate
// from the global pool, whose threads run whole loads and layouts and wait here: sharing would starve it.
QThreadPool* curveWorkers();

// y on a log axis: log10 of positive values; nullopt for the rest.
std::optional<double> logY(double y);

}  // namespace runlens::ui::curves
