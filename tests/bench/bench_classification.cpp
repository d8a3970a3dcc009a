// SPDX-License-Identifier: MIT
// Classification analysis at the sizes the compare view must handle: 10 M binary predictions (goal: confusion +
// calibration + ROC/PR under 2 s) and 1 M rows x 100 classes (goal: confusion + calibration under 5 s), plus the
// predictions reader. tests/bench/run_eval_bench.sh runs it pinned to one core and writes the table for the README.
#include "analysis/calibration.h"
#include "analysis/classification.h"
#include "analysis/curves.h"
#include "analysis/evaluation.h"
#include "analysis/predictions.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

using namespace runlens::analysis;

namespace {

constexpr std::size_t binaryRows = 10'000'000;
constexpr std::size_t multiRows = 1'000'000;
constexpr std::size_t multiClasses = 100;

struct BinaryData {
    std::vector<double> scores;
    std::vector<std::uint8_t> positive;
};

// A reasonable classifier: scores are a noisy logistic of the label, so nearly every score is distinct.
const BinaryData& binaryData() {
    static const BinaryData data = [] {
        BinaryData d;
        std::mt19937_64 rng(42);
        std::normal_distribution<double> noise(0.0, 1.5);
        std::bernoulli_distribution label(0.3);
        d.scores.resize(binaryRows);
        d.positive.resize(binaryRows);
        for (std::size_t i = 0; i < binaryRows; ++i) {
            const bool y = label(rng);
            d.positive[i] = y ? 1 : 0;
            d.scores[i] = 1.0 / (1.0 + std::exp(-((y ? 1.0 : -1.0) + noise(rng))));
        }
        return d;
    }();
    return data;
}

struct MultiData {
    std::vector<double> probabilities;  // rows x classes
    std::vector<std::int32_t> truth;
};

const MultiData& multiData() {
    static const MultiData data = [] {
        MultiData d;
        std::mt19937_64 rng(7);
        std::normal_distribution<double> noise(0.0, 1.0);
        std::uniform_int_distribution<std::int32_t> cls(0, multiClasses - 1);
        d.probabilities.resize(multiRows * multiClasses);
        d.truth.resize(multiRows);
        for (std::size_t r = 0; r < multiRows; ++r) {
            const std::int32_t t = cls(rng);
            d.truth[r] = t;
            double* row = d.probabilities.data() + r * multiClasses;
            double sum = 0;
            for (std::size_t c = 0; c < multiClasses; ++c) {
                row[c] = std::exp(noise(rng) + (static_cast<std::int32_t>(c) == t ? 3.0 : 0.0));
                sum += row[c];
            }
            for (std::size_t c = 0; c < multiClasses; ++c)
                row[c] /= sum;
        }
        return d;
    }();
    return data;
}

ConfusionMatrix binaryConfusion(const BinaryData& d) {
    ConfusionAccumulator confusion;
    const std::size_t neg = confusion.labelIndex("neg");
    const std::size_t pos = confusion.labelIndex("pos");
    for (std::size_t i = 0; i < d.scores.size(); ++i)
        confusion.add(d.positive[i] != 0 ? pos : neg, d.scores[i] >= 0.5 ? pos : neg);
    return confusion.result();
}

ReliabilityDiagram binaryCalibration(const BinaryData& d) {
    CalibrationAccumulator calibration(15);
    for (std::size_t i = 0; i < d.scores.size(); ++i)
        calibration.add(d.scores[i], d.positive[i] != 0);
    return calibration.result();
}

void binaryConfusionByIndex(benchmark::State& state) {
    const auto& d = binaryData();
    for (auto _ : state) {
        auto report = classificationReport(binaryConfusion(d));
        benchmark::DoNotOptimize(report);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(binaryRows));
}

void binaryConfusionByString(benchmark::State& state) {
    const auto& d = binaryData();
    const std::string neg = "negative";
    const std::string pos = "positive";
    for (auto _ : state) {
        ConfusionAccumulator confusion;
        for (std::size_t i = 0; i < d.scores.size(); ++i)
            confusion.add(d.positive[i] != 0 ? pos : neg, d.scores[i] >= 0.5 ? pos : neg);
        auto report = classificationReport(confusion.result());
        benchmark::DoNotOptimize(report);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(binaryRows));
}

void binaryCalibrationUniform(benchmark::State& state) {
    const auto& d = binaryData();
    for (auto _ : state) {
        auto diagram = binaryCalibration(d);
        auto brier = brierScore(d.scores, d.positive);
        auto loss = logLoss(d.scores, d.positive);
        benchmark::DoNotOptimize(diagram);
        benchmark::DoNotOptimize(brier);
        benchmark::DoNotOptimize(loss);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(binaryRows));
}

void binaryCalibrationQuantile(benchmark::State& state) {
    const auto& d = binaryData();
    for (auto _ : state) {
        auto diagram = reliabilityDiagram(d.scores, d.positive, 15, Binning::Quantile);
        benchmark::DoNotOptimize(diagram);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(binaryRows));
}

void binaryRocAndPr(benchmark::State& state) {
    const auto& d = binaryData();
    std::size_t points = 0;
    for (auto _ : state) {
        auto curves = binaryCurves(d.scores, d.positive);  // the copy of the scores is part of the cost
        points = curves->pr.precision.size() + curves->roc.fpr.size();
        benchmark::DoNotOptimize(curves);
    }
    state.counters["curve_points"] = static_cast<double>(points);
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(binaryRows));
}

// The whole binary goal: confusion, uniform calibration with Brier and log loss, ROC and PR.
void binaryAll(benchmark::State& state) {
    const auto& d = binaryData();
    for (auto _ : state) {
        auto report = classificationReport(binaryConfusion(d));
        auto diagram = binaryCalibration(d);
        auto brier = brierScore(d.scores, d.positive);
        auto loss = logLoss(d.scores, d.positive);
        auto curves = binaryCurves(d.scores, d.positive);
        benchmark::DoNotOptimize(report);
        benchmark::DoNotOptimize(diagram);
        benchmark::DoNotOptimize(brier);
        benchmark::DoNotOptimize(loss);
        benchmark::DoNotOptimize(curves);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(binaryRows));
}

void multiclassConfusion(benchmark::State& state) {
    const auto& d = multiData();
    for (auto _ : state) {
        ConfusionAccumulator confusion;
        std::vector<std::size_t> index;
        for (std::size_t c = 0; c < multiClasses; ++c)
            index.push_back(confusion.labelIndex("class " + std::to_string(c)));
        for (std::size_t r = 0; r < multiRows; ++r) {
            const double* row = d.probabilities.data() + r * multiClasses;
            std::size_t best = 0;
            for (std::size_t c = 1; c < multiClasses; ++c)
                best = row[c] > row[best] ? c : best;
            confusion.add(index[static_cast<std::size_t>(d.truth[r])], index[best]);
        }
        auto report = classificationReport(confusion.result());
        benchmark::DoNotOptimize(report);
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(multiRows));
}

void multiclassCalibrationBench(benchmark::State& state) {
    const auto& d = multiData();
    const auto binning = state.range(0) == 0 ? Binning::Uniform : Binning::Quantile;
    for (auto _ : state) {
        auto result = multiclassCalibration({d.probabilities, multiClasses}, d.truth, 15, binning);
        benchmark::DoNotOptimize(result);
    }
    state.SetLabel(binning == Binning::Uniform ? "uniform, top label + 100 one-vs-rest"
                                               : "quantile, top label + 100 one-vs-rest");
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(multiRows));
}

// The whole multi-class goal: confusion from the arg-max plus top-label and one-vs-rest calibration.
void multiclassAll(benchmark::State& state) {
    const auto& d = multiData();
    const auto binning = state.range(0) == 0 ? Binning::Uniform : Binning::Quantile;
    for (auto _ : state) {
        ConfusionMatrix confusion;
        confusion.counts.assign(multiClasses * multiClasses, 0);
        for (std::size_t c = 0; c < multiClasses; ++c)
            confusion.labels.push_back("class " + std::to_string(c));
        for (std::size_t r = 0; r < multiRows; ++r) {
            const double* row = d.probabilities.data() + r * multiClasses;
            std::size_t best = 0;
            for (std::size_t c = 1; c < multiClasses; ++c)
                best = row[c] > row[best] ? c : best;
            ++confusion.counts[static_cast<std::size_t>(d.truth[r]) * multiClasses + best];
        }
        auto report = classificationReport(confusion);
        auto calibration = multiclassCalibration({d.probabilities, multiClasses}, d.truth, 15, binning);
        benchmark::DoNotOptimize(report);
        benchmark::DoNotOptimize(calibration);
    }
    state.SetLabel(binning == Binning::Uniform ? "uniform bins" : "equal-mass bins");
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(multiRows));
}

// A predictions CSV (label, probability) read and evaluated end to end: parse, intern, confusion, calibration, curves.
void binaryPredictionsFile(benchmark::State& state) {
    const auto rows = static_cast<std::size_t>(state.range(0));
    const auto& d = binaryData();
    std::string text = "label,probability\n";
    text.reserve(rows * 24);
    char buffer[32];
    for (std::size_t i = 0; i < rows; ++i) {
        text += d.positive[i] != 0 ? "1," : "0,";
        const int n = std::snprintf(buffer, sizeof buffer, "%.17g\n", d.scores[i]);
        text.append(buffer, static_cast<std::size_t>(n));
    }
    for (auto _ : state) {
        auto predictions = readPredictionsText(text, "bench.csv");
        auto evaluation = evaluatePredictions(*predictions, "bench.csv");
        benchmark::DoNotOptimize(evaluation);
    }
    state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
}

}  // namespace

BENCHMARK(binaryConfusionByIndex)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(binaryConfusionByString)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(binaryCalibrationUniform)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(binaryCalibrationQuantile)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(binaryRocAndPr)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(binaryAll)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(multiclassConfusion)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(multiclassCalibrationBench)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(multiclassAll)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(binaryPredictionsFile)->Arg(10'000'000)->Unit(benchmark::kMillisecond)->Iterations(1);

BENCHMARK_MAIN();
