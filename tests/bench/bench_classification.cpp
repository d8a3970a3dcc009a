// SPDX-License-Identifier: MIT
// Classification analysis at the sizes the compare view must handle: 10 M binary predictions (goal: confusion +
// calibration + ROC/PR under 2 s) and 1 M rows x 100 classes (goal: confusion + calibration under 5 s), plus the
// predictions reader. tests/bench/run_eval_bench.sh runs it pinned to one core and writes the table for the README.
//
//   bench_classification [--small] [Google Benchmark flags]
//
// After the timings it checks that the fast paths measured here agree with the plain ones to 1e-9 and exits 1 with
// the disagreement otherwise. --small uses a hundredth of the rows, to see that it runs and checks out.
#include "analysis/calibration.h"
#include "analysis/classification.h"
#include "analysis/curves.h"
#include "analysis/evaluation.h"
#include "analysis/predictions.h"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>

using namespace runlens::analysis;

namespace {

// Set once in main() before any data is made (--small divides them by 100).
std::size_t binaryRows = 10'000'000;
std::size_t multiRows = 1'000'000;
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

// The first rows as a predictions CSV (label, probability), every score written exactly.
std::string predictionsCsv(const BinaryData& d, std::size_t rows) {
    std::string text = "label,probability\n";
    text.reserve(rows * 24);
    char buffer[32];
    for (std::size_t i = 0; i < rows; ++i) {
        text += d.positive[i] != 0 ? "1," : "0,";
        const int n = std::snprintf(buffer, sizeof buffer, "%.17g\n", d.scores[i]);
        text.append(buffer, static_cast<std::size_t>(n));
    }
    return text;
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

// The arg-max confusion through the accumulator (labels interned, then sorted)...
ConfusionMatrix multiclassConfusionByAccumulator(const MultiData& d) {
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
    return confusion.result();
}

// ...and counted straight into a matrix in class order, as multiclassAll does.
ConfusionMatrix multiclassConfusionDirect(const MultiData& d) {
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
    return confusion;
}

void multiclassConfusion(benchmark::State& state) {
    const auto& d = multiData();
    for (auto _ : state) {
        auto report = classificationReport(multiclassConfusionByAccumulator(d));
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
        auto report = classificationReport(multiclassConfusionDirect(d));
        auto calibration = multiclassCalibration({d.probabilities, multiClasses}, d.truth, 15, binning);
        benchmark::DoNotOptimize(report);
        benchmark::DoNotOptimize(calibration);
    }
    state.SetLabel(binning == Binning::Uniform ? "uniform bins" : "equal-mass bins");
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(multiRows));
}

// A predictions CSV (label, probability) read and evaluated end to end: parse, intern, confusion, calibration, curves.
void binaryPredictionsFile(benchmark::State& state) {
    const auto rows = std::min(static_cast<std::size_t>(state.range(0)), binaryRows);
    const auto& d = binaryData();
    const std::string text = predictionsCsv(d, rows);
    for (auto _ : state) {
        auto predictions = readPredictionsText(text, "bench.csv");
        auto evaluation = evaluatePredictions(*predictions, "bench.csv");
        benchmark::DoNotOptimize(evaluation);
    }
    state.counters["MB"] = static_cast<double>(text.size()) / 1e6;
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(rows));
}

// Checks, run after the timings.

struct Checker {
    int failures = 0;

    // Both NaN counts as agreement: an undefined metric must be undefined on both paths.
    void same(const std::string& what, double fast, double reference) {
        if ((std::isnan(fast) && std::isnan(reference)) || std::fabs(fast - reference) <= 1e-9)
            return;
        std::fprintf(stderr, "bench_classification: %s: fast path %.17g, reference %.17g\n", what.c_str(), fast,
                     reference);
        ++failures;
    }
    void same(const std::string& what, std::int64_t fast, std::int64_t reference) {
        if (fast == reference)
            return;
        std::fprintf(stderr, "bench_classification: %s: fast path %lld, reference %lld\n", what.c_str(),
                     static_cast<long long>(fast), static_cast<long long>(reference));
        ++failures;
    }
    void fail(const std::string& what) {
        std::fprintf(stderr, "bench_classification: %s\n", what.c_str());
        ++failures;
    }

    // Reports on the same labels, matched by label name (the two matrices may order them differently).
    void sameReport(const std::string& what, const ConfusionMatrix& fastMatrix,
                    const ConfusionMatrix& referenceMatrix) {
        if (fastMatrix.labels.size() != referenceMatrix.labels.size())
            return fail(what + ": the label counts differ");
        const ClassificationReport fast = classificationReport(fastMatrix);
        const ClassificationReport reference = classificationReport(referenceMatrix);
        same(what + " total", fast.total, reference.total);
        same(what + " accuracy", fast.accuracy, reference.accuracy);
        same(what + " balanced accuracy", fast.balancedAccuracy, reference.balancedAccuracy);
        same(what + " kappa", fast.cohenKappa, reference.cohenKappa);
        same(what + " Matthews", fast.matthews, reference.matthews);
        const std::pair<const char*, const AveragedMetrics*> averages[] = {
            {"macro", &fast.macro}, {"micro", &fast.micro}, {"weighted", &fast.weighted}};
        const AveragedMetrics* referenceAverages[] = {&reference.macro, &reference.micro, &reference.weighted};
        for (std::size_t i = 0; i < 3; ++i) {
            const std::string name = what + " " + averages[i].first;
            same(name + " precision", averages[i].second->precision, referenceAverages[i]->precision);
            same(name + " recall", averages[i].second->recall, referenceAverages[i]->recall);
            same(name + " F1", averages[i].second->f1, referenceAverages[i]->f1);
        }
        for (std::size_t i = 0; i < fastMatrix.labels.size(); ++i) {
            const auto j = referenceMatrix.indexOf(fastMatrix.labels[i]);
            if (!j)
                return fail(what + ": label " + fastMatrix.labels[i] + " is missing from the reference");
            for (std::size_t k = 0; k < fastMatrix.labels.size(); ++k) {
                const auto l = referenceMatrix.indexOf(fastMatrix.labels[k]);
                if (l)
                    same(what + " count " + fastMatrix.labels[i] + "/" + fastMatrix.labels[k], fastMatrix.at(i, k),
                         referenceMatrix.at(*j, *l));
            }
            const std::string name = what + " " + fastMatrix.labels[i];
            same(name + " precision", fast.perClass[i].precision, reference.perClass[*j].precision);
            same(name + " recall", fast.perClass[i].recall, reference.perClass[*j].recall);
            same(name + " F1", fast.perClass[i].f1, reference.perClass[*j].f1);
        }
    }

    void sameDiagram(const std::string& what, const ReliabilityDiagram& fast, const ReliabilityDiagram& reference) {
        if (fast.bins.size() != reference.bins.size())
            return fail(what + ": " + std::to_string(fast.bins.size()) + " bins, the reference has " +
                        std::to_string(reference.bins.size()));
        same(what + " total", fast.total, reference.total);
        same(what + " ECE", fast.ece, reference.ece);
        same(what + " MCE", fast.mce, reference.mce);
        for (std::size_t b = 0; b < fast.bins.size(); ++b) {
            const std::string name = what + " bin " + std::to_string(b);
            same(name + " count", fast.bins[b].count, reference.bins[b].count);
            same(name + " confidence", fast.bins[b].meanConfidence, reference.bins[b].meanConfidence);
            same(name + " observed", fast.bins[b].observed, reference.bins[b].observed);
        }
    }
};

// ROC AUC the plain way: the Mann-Whitney U statistic from ranks (ties share their mean rank).
double rankAuc(const BinaryData& d) {
    std::vector<std::size_t> order(d.scores.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return d.scores[a] < d.scores[b]; });
    double positiveRanks = 0;
    double positives = 0;
    for (std::size_t i = 0; i < order.size();) {
        std::size_t j = i;
        while (j < order.size() && d.scores[order[j]] == d.scores[order[i]])
            ++j;
        const double rank = 0.5 * static_cast<double>(i + 1 + j);  // mean of the 1-based ranks i+1 .. j
        for (std::size_t k = i; k < j; ++k) {
            if (d.positive[order[k]] != 0) {
                positiveRanks += rank;
                positives += 1;
            }
        }
        i = j;
    }
    const double negatives = static_cast<double>(order.size()) - positives;
    return (positiveRanks - positives * (positives + 1) / 2) / (positives * negatives);
}

bool fastPathsAgree() {
    Checker check;
    const BinaryData& binary = binaryData();

    // Confusion by class index against the same through label strings.
    ConfusionAccumulator byString;
    for (std::size_t i = 0; i < binary.scores.size(); ++i)
        byString.add(binary.positive[i] != 0 ? "pos" : "neg", binary.scores[i] >= 0.5 ? "pos" : "neg");
    check.sameReport("binary confusion", binaryConfusion(binary), byString.result());

    // Streaming uniform bins against the whole-array diagram.
    auto reference = reliabilityDiagram(binary.scores, binary.positive, 15, Binning::Uniform);
    if (!reference)
        check.fail("reference calibration: " + reference.error().toString());
    else
        check.sameDiagram("binary calibration", binaryCalibration(binary), *reference);

    // ROC AUC of the one-sort curves against ranks.
    auto curves = binaryCurves(binary.scores, binary.positive);
    if (!curves)
        check.fail("binaryCurves: " + curves.error().toString());
    else
        check.same("ROC AUC", curves->roc.auc, rankAuc(binary));

    // A predictions file read and evaluated against the same rows computed in memory.
    const std::size_t fileRows = std::min<std::size_t>(binaryRows, 1'000'000);
    const std::string text = predictionsCsv(binary, fileRows);
    auto predictions = readPredictionsText(text, "bench.csv");
    auto evaluation =
        predictions ? evaluatePredictions(*predictions, "bench.csv") : runlens::Result<Evaluation>(predictions.error());
    if (!evaluation) {
        check.fail("predictions file: " + evaluation.error().toString());
    } else {
        const BinaryData rows{
            {binary.scores.begin(), binary.scores.begin() + static_cast<std::ptrdiff_t>(fileRows)},
            {binary.positive.begin(), binary.positive.begin() + static_cast<std::ptrdiff_t>(fileRows)}};
        ConfusionAccumulator confusion;
        confusion.labelIndex("0");
        confusion.labelIndex("1");
        for (std::size_t i = 0; i < fileRows; ++i)
            confusion.add(rows.positive[i] != 0 ? "1" : "0", rows.scores[i] >= 0.5 ? "1" : "0");
        check.sameReport("predictions file", evaluation->confusion, confusion.result());
        auto brier = brierScore(rows.scores, rows.positive);
        auto loss = logLoss(rows.scores, rows.positive);
        auto rowCurves = binaryCurves(rows.scores, rows.positive);
        if (!brier || !loss || !rowCurves || !evaluation->brier || !evaluation->logLoss || !evaluation->roc ||
            !evaluation->pr || !evaluation->reliability) {
            check.fail("predictions file: a score-based metric is missing");
        } else {
            check.same("predictions file Brier", *evaluation->brier, *brier);
            check.same("predictions file log loss", *evaluation->logLoss, *loss);
            check.same("predictions file ROC AUC", evaluation->roc->auc, rowCurves->roc.auc);
            check.same("predictions file average precision", evaluation->pr->averagePrecision,
                       rowCurves->pr.averagePrecision);
            check.sameDiagram("predictions file calibration", *evaluation->reliability, binaryCalibration(rows));
        }
    }

    // Multi-class: counts straight into the matrix against the accumulator's interned labels.
    const MultiData& multi = multiData();
    check.sameReport("multi-class confusion", multiclassConfusionDirect(multi),
                     multiclassConfusionByAccumulator(multi));

    if (check.failures > 0)
        std::fprintf(stderr, "bench_classification: %d disagreements between fast and reference paths\n",
                     check.failures);
    else
        std::fprintf(stderr, "bench_classification: fast and reference paths agree to 1e-9\n");
    return check.failures == 0;
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

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    bool small = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) != "--small") {
            std::fprintf(stderr, "bench_classification: unknown argument %s\n", argv[i]);
            return 2;
        }
        small = true;
    }
    if (small) {
        binaryRows /= 100;
        multiRows /= 100;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return fastPathsAgree() ? 0 : 1;
}
