// SPDX-License-Identifier: MIT
// Drift statistics on one numeric column of one million rows per side: the per-column cost of a drift report.
#include "analysis/drift.h"

#include <benchmark/benchmark.h>

#include <random>

using namespace runlens::analysis;

namespace {

constexpr std::int64_t rowCount = 1'000'000;

std::vector<double> sample(double mean, double sd, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal(mean, sd);
    std::vector<double> values(rowCount);
    for (auto& v : values)
        v = normal(rng);
    return values;
}

const std::vector<double>& referenceSample() {
    static const auto values = sample(0.0, 1.0, 1);
    return values;
}

const std::vector<double>& currentSample() {
    static const auto values = sample(0.02, 1.05, 2);
    return values;
}

// KS (asymptotic p-value at this size), PSI, Jensen-Shannon, Wasserstein and the summaries, copies included.
void numericColumn(benchmark::State& state) {
    for (auto _ : state) {
        auto result = numericDrift(referenceSample(), currentSample());
        benchmark::DoNotOptimize(result.ok());
    }
    state.SetItemsProcessed(state.iterations() * 2 * rowCount);
}

void sortOneSide(benchmark::State& state) {
    for (auto _ : state) {
        auto values = referenceSample();
        dropNonFiniteAndSort(values);
        benchmark::DoNotOptimize(values.data());
    }
    state.SetItemsProcessed(state.iterations() * rowCount);
}

// The statistics alone on data already sorted.
void statisticsOnSorted(benchmark::State& state) {
    auto ref = referenceSample();
    auto cur = currentSample();
    dropNonFiniteAndSort(ref);
    dropNonFiniteAndSort(cur);
    for (auto _ : state) {
        const auto ks = ksTwoSampleSorted(ref, cur);
        const auto edges = quantileBinEdges(ref, 10);
        const auto rc = binCountsSorted(ref, edges);
        const auto cc = binCountsSorted(cur, edges);
        const double w = wassersteinSorted(ref, cur);
        benchmark::DoNotOptimize(ks.pValue + w + static_cast<double>(rc[0] + cc[0]));
    }
    state.SetItemsProcessed(state.iterations() * 2 * rowCount);
}

}  // namespace

BENCHMARK(numericColumn)->Unit(benchmark::kMillisecond);
BENCHMARK(sortOneSide)->Unit(benchmark::kMillisecond);
BENCHMARK(statisticsOnSorted)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
