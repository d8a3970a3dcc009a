// SPDX-License-Identifier: MIT
// Micro-benchmarks of the series blob codec on one million points: the cost every import and chart pays.
// After the timings it checks what was timed against plain computations (the round trip keeps every point bit for
// bit, the pyramid's buckets and the summary hold the points' extremes) and exits 1 naming what is wrong.
#include "cache/seriescodec.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

using namespace runlens;

namespace {

constexpr std::int64_t pointCount = 1'000'000;

// A training curve as trackers log it: consecutive steps, millisecond timestamps, noisy decaying values.
std::vector<MetricPoint> trainingCurve() {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> noise(0.0, 0.02);
    std::vector<MetricPoint> points(pointCount);
    for (std::int64_t i = 0; i < pointCount; ++i) {
        auto& p = points[static_cast<std::size_t>(i)];
        p.step = i;
        p.timestampMs = static_cast<double>(1'714'521'600'000LL + i * 37 + static_cast<std::int64_t>(rng() % 5));
        p.value = 2.3 * std::exp(-5.0 * static_cast<double>(i) / pointCount) + noise(rng);
    }
    return points;
}

const std::vector<MetricPoint>& curve() {
    static const auto points = trainingCurve();
    return points;
}

void finish(benchmark::State& state) {
    state.SetItemsProcessed(state.iterations() * pointCount);
    state.counters["points"] = static_cast<double>(pointCount);
}

void encode(benchmark::State& state) {
    const auto& points = curve();
    std::size_t bytes = 0;
    for (auto _ : state) {
        auto blob = seriescodec::encode(points);
        bytes = blob.size();
        benchmark::DoNotOptimize(blob.data());
    }
    state.counters["bytes_per_point"] = static_cast<double>(bytes) / pointCount;
    finish(state);
}

void decode(benchmark::State& state) {
    const auto blob = seriescodec::encode(curve());
    for (auto _ : state) {
        auto points = seriescodec::decode(blob);
        if (!points)
            state.SkipWithError("decode failed");
        benchmark::DoNotOptimize(points);
    }
    finish(state);
}

void buildLod(benchmark::State& state) {
    const auto& points = curve();
    for (auto _ : state) {
        auto lod = seriescodec::buildLod(points);
        benchmark::DoNotOptimize(lod.levels.data());
    }
    finish(state);
}

void sortAndSummarize(benchmark::State& state) {
    // Logging order is usually step order; the sort must be cheap then.
    for (auto _ : state) {
        state.PauseTiming();
        auto points = curve();
        state.ResumeTiming();
        seriescodec::sortByStep(points);
        auto summary = seriescodec::summarize(points);
        benchmark::DoNotOptimize(summary);
    }
    finish(state);
}

// Checks, run after the timings.

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

bool codecIsRight() {
    const auto& points = curve();
    int failures = 0;
    const auto fail = [&](const std::string& what) {
        std::fprintf(stderr, "bench_seriescodec: %s\n", what.c_str());
        ++failures;
    };

    const auto decoded = seriescodec::decode(seriescodec::encode(points));
    if (!decoded) {
        fail("decode of the encoded curve failed: " + decoded.error().toString());
    } else if (decoded->size() != points.size()) {
        fail("the round trip gave " + std::to_string(decoded->size()) + " points, not " +
             std::to_string(points.size()));
    } else {
        for (std::size_t i = 0; i < points.size(); ++i) {
            const MetricPoint& a = points[i];
            const MetricPoint& b = (*decoded)[i];
            if (a.step != b.step || !sameBits(a.timestampMs, b.timestampMs) || !sameBits(a.value, b.value)) {
                fail("the round trip changed point " + std::to_string(i));
                break;
            }
        }
    }

    // Every level of the pyramid against the extremes of its runs of lodFanout^(level+1) points.
    const LodPyramid lod = seriescodec::buildLod(points);
    if (lod.levels.empty())
        fail("no pyramid for " + std::to_string(points.size()) + " points");
    std::size_t width = 1;
    for (std::size_t level = 0; level < lod.levels.size(); ++level) {
        width *= static_cast<std::size_t>(seriescodec::lodFanout);
        const auto& buckets = lod.levels[level];
        if (buckets.size() != (points.size() + width - 1) / width) {
            fail("level " + std::to_string(level) + " has " + std::to_string(buckets.size()) + " buckets");
            continue;
        }
        for (std::size_t b = 0; b < buckets.size(); ++b) {
            const std::size_t from = b * width;
            const std::size_t to = std::min(points.size(), from + width);
            double low = points[from].value;
            double high = points[from].value;
            for (std::size_t i = from; i < to; ++i) {
                low = std::min(low, points[i].value);
                high = std::max(high, points[i].value);
            }
            const LodBucket& bucket = buckets[b];
            if (bucket.firstStep != points[from].step || bucket.lastStep != points[to - 1].step ||
                !sameBits(bucket.min, low) || !sameBits(bucket.max, high)) {
                fail("level " + std::to_string(level) + " bucket " + std::to_string(b) +
                     " does not hold the extremes of its points");
                break;
            }
        }
    }

    // The summary, from the same sorted points.
    const SeriesSummary summary = seriescodec::summarize(points);
    const auto [low, high] = std::minmax_element(points.begin(), points.end(),
                                                 [](const auto& a, const auto& b) { return a.value < b.value; });
    if (summary.count != static_cast<std::int64_t>(points.size()) || summary.nanCount != 0 || !summary.min ||
        !summary.max || !sameBits(*summary.min, low->value) || !sameBits(*summary.max, high->value) ||
        !sameBits(summary.first, points.front().value) || !sameBits(summary.last, points.back().value) ||
        summary.firstStep != points.front().step || summary.lastStep != points.back().step)
        fail("the summary does not match the points");

    if (failures == 0)
        std::fprintf(stderr, "bench_seriescodec: round trip, pyramid and summary check out\n");
    return failures == 0;
}

}  // namespace

BENCHMARK(encode)->Unit(benchmark::kMillisecond);
BENCHMARK(decode)->Unit(benchmark::kMillisecond);
BENCHMARK(buildLod)->Unit(benchmark::kMillisecond);
BENCHMARK(sortAndSummarize)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return codecIsRight() ? 0 : 1;
}
