// SPDX-License-Identifier: MIT
#pragma once

#include "cache/seriescodec.h"
#include "records.h"

#include <span>
#include <vector>

namespace runlens::analysis {

// What a chart draws for one series: per pixel column that holds data, the smallest and largest value and the
// x of that column. Drawing a vertical segment per column and joining neighbours keeps every spike visible.
struct Envelope {
    std::vector<double> x;
    std::vector<double> low;
    std::vector<double> high;
    bool exact = false;  // every point's column is exact (raw points), not estimated from level-of-detail buckets
};

// Min/max per column of the points with x in [x0, x1] (x = step). NaN values are skipped; infinities are kept.
Envelope decimatePoints(std::span<const MetricPoint> points, double x0, double x1, int columns);

// The same from a level-of-detail pyramid, never touching raw points: the coarsest level that still gives at
// least two buckets per column. Returns an empty envelope with exact = false when even the finest level is too
// coarse for this zoom; the caller then decodes the raw points.
Envelope decimateLod(const LodPyramid& pyramid, double x0, double x1, int columns);

}  // namespace runlens::analysis
