// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"
#include "records.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace runlens {

// Summary of a series, stored beside its blob so lists and tables never decode points.
struct SeriesSummary {
    std::int64_t count = 0;
    std::int64_t nanCount = 0;  // points whose value is NaN
    std::optional<double> min;  // over finite and infinite values; empty when every value is NaN
    std::optional<double> max;
    double first = 0;  // value of the first point in step order
    double last = 0;   // MLflow's "latest": the point with the largest (step, timestamp, value)
    std::int64_t firstStep = 0;
    std::int64_t lastStep = 0;
};

// One bucket of the level-of-detail pyramid: the extremes of a run of consecutive points.
struct LodBucket {
    std::int64_t firstStep = 0;
    std::int64_t lastStep = 0;
    double min = 0;  // NaN when every value in the bucket is NaN
    double max = 0;
};

// Level k holds buckets of lodFanout^(k+1) consecutive points (the last bucket may be shorter).
struct LodPyramid {
    std::vector<std::vector<LodBucket>> levels;
};

namespace seriescodec {

inline constexpr std::int64_t lodFanout = 16;
// Below this many points a chart reads the raw series; no pyramid is stored.
inline constexpr std::int64_t lodMinimumPoints = 4096;

// Sorts by step, keeping the original order of points that share a step (re-logged values stay in order).
void sortByStep(std::vector<MetricPoint>& points);
SeriesSummary summarize(std::span<const MetricPoint> points);  // points sorted by step

// Blob layout (little endian): 'S', version, flags, varint count, zigzag-delta varint steps, then either
// zigzag-delta varint integral timestamps (flag 1) or raw float64 timestamps, then raw float64 values.
std::vector<std::uint8_t> encode(std::span<const MetricPoint> points);
Result<std::vector<MetricPoint>> decode(std::span<const std::uint8_t> blob);

LodPyramid buildLod(std::span<const MetricPoint> points);  // empty below lodMinimumPoints
std::vector<std::uint8_t> encodeLod(const LodPyramid& pyramid);
Result<LodPyramid> decodeLod(std::span<const std::uint8_t> blob);

}  // namespace seriescodec
}  // namespace runlens
