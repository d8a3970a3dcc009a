// SPDX-License-Identifier: MIT
// Drift statistics on one numeric column of one million rows per side: the per-column cost of a drift report.
// After the timings it checks the statistics against plain computations (KS as the largest gap of the two empirical
// CDFs, Wasserstein-1 of equal-size samples as the mean gap of the sorted values) and exits 1 naming what is wrong.
#include "analysis/drift.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
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

// Checks, run after the timings.

bool statisticsAreRight() {
    auto ref = referenceSample();
    auto cur = currentSample();
    std::sort(ref.begin(), ref.end());
    std::sort(cur.begin(), cur.end());
    // sup |F_ref - F_cur|, walking both sorted samples; ties move both CDFs before the gap is taken.
    double ks = 0;
    std::size_t i = 0, j = 0;
    while (i < ref.size() && j < cur.size()) {
        const double x = std::min(ref[i], cur[j]);
        while (i < ref.size() && ref[i] == x)
            ++i;
        while (j < cur.size() && cur[j] == x)
            ++j;
        ks = std::max(ks, std::fabs(static_cast<double>(i) / static_cast<double>(ref.size()) -
                                    static_cast<double>(j) / static_cast<double>(cur.size())));
    }
    double wasserstein = 0;
    for (std::size_t k = 0; k < ref.size(); ++k)
        wasserstein += std::fabs(ref[k] - cur[k]);
    wasserstein /= static_cast<double>(ref.size());

    int failures = 0;
    const auto same = [&](const char* what, double fast, double reference) {
        if (std::fabs(fast - reference) <= 1e-9)
            return;
        std::fprintf(stderr, "bench_drift: %s is %.17g, the plain computation gives %.17g\n", what, fast, reference);
        ++failures;
    };
    auto drift = numericDrift(referenceSample(), currentSample());
    if (!drift) {
        std::fprintf(stderr, "bench_drift: numericDrift failed: %s\n", drift.error().toString().c_str());
        return false;
    }
    same("numericDrift's KS statistic", drift->ks.statistic, ks);
    same("numericDrift's Wasserstein distance", drift->wasserstein, wasserstein);
    auto sortedRef = referenceSample();
    auto sortedCur = currentSample();
    dropNonFiniteAndSort(sortedRef);
    dropNonFiniteAndSort(sortedCur);
    same("ksTwoSampleSorted's statistic", ksTwoSampleSorted(sortedRef, sortedCur).statistic, ks);
    same("wassersteinSorted", wassersteinSorted(sortedRef, sortedCur), wasserstein);
    if (!(drift->ks.pValue >= 0 && drift->ks.pValue <= 1)) {
        std::fprintf(stderr, "bench_drift: the KS p-value %g is not a probability\n", drift->ks.pValue);
        ++failures;
    }
    if (failures == 0)
        std::fprintf(stderr, "bench_drift: KS and Wasserstein agree with the plain computations\n");
    return failures == 0;
}

}  // namespace

BENCHMARK(numericColumn)->Unit(benchmark::kMillisecond);
BENCHMARK(sortOneSide)->Unit(benchmark::kMillisecond);
BENCHMARK(statisticsOnSorted)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return statisticsAreRight() ? 0 : 1;
}
