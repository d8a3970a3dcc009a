// SPDX-License-Identifier: MIT
// Micro-benchmarks of the series blob codec on one million points: the cost every import and chart pays.
#include "cache/seriescodec.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>

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

}  // namespace

BENCHMARK(encode)->Unit(benchmark::kMillisecond);
BENCHMARK(decode)->Unit(benchmark::kMillisecond);
BENCHMARK(buildLod)->Unit(benchmark::kMillisecond);
BENCHMARK(sortAndSummarize)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
