// SPDX-License-Identifier: MIT
#include "classification.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace runlens::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// scikit-learn's _prf_divide with zero_division="warn": 0/0 is reported as 0.
double divideOrZero(double numerator, double denominator) {
    return denominator == 0 ? 0.0 : numerator / denominator;
}

}  // namespace

std::int64_t ConfusionMatrix::total() const {
    return std::accumulate(counts.begin(), counts.end(), std::int64_t{0});
}

std::vector<std::int64_t> ConfusionMatrix::trueTotals() const {
    const std::size_t n = size();
    std::vector<std::int64_t> sums(n, 0);
    for (std::size_t t = 0; t < n; ++t) {
        for (std::size_t p = 0; p < n; ++p)
            sums[t] += at(t, p);
    }
    return sums;
}

std::vector<std::int64_t> ConfusionMatrix::predictedTotals() const {
    const std::size_t n = size();
    std::vector<std::int64_t> sums(n, 0);
    for (std::size_t t = 0; t < n; ++t) {
        for (std::size_t p = 0; p < n; ++p)
            sums[p] += at(t, p);
    }
    return sums;
}

std::optional<std::size_t> ConfusionMatrix::indexOf(std::string_view label) const {
    const auto it = std::lower_bound(labels.begin(), labels.end(), label);
    if (it == labels.end() || *it != label)
        return std::nullopt;
    return static_cast<std::size_t>(it - labels.begin());
}

std::size_t ConfusionAccumulator::labelIndex(std::string_view label) {
    if (const auto it = m_index.find(label); it != m_index.end())
        return it->second;
    const std::size_t index = m_labels.size();
    if (index == m_stride) {
        const std::size_t stride = std::max<std::size_t>(4, m_stride * 2);
        std::vector<std::int64_t> counts(stride * stride, 0);
        for (std::size_t t = 0; t < m_stride; ++t)
            std::copy_n(m_counts.begin() + static_cast<std::ptrdiff_t>(t * m_stride), m_stride,
                        counts.begin() + static_cast<std::ptrdiff_t>(t * stride));
        m_counts = std::move(counts);
        m_stride = stride;
    }
    m_labels.emplace_back(label);
    m_index.emplace(m_labels.back(), index);
    return index;
}

std::int64_t ConfusionAccumulator::total() const {
    return std::accumulate(m_counts.begin(), m_counts.end(), std::int64_t{0});
}

ConfusionMatrix ConfusionAccumulator::result() const {
    const std::size_t n = m_labels.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return m_labels[a] < m_labels[b]; });
    ConfusionMatrix matrix;
    matrix.labels.reserve(n);
    for (std::size_t i : order)
        matrix.labels.push_back(m_labels[i]);
    matrix.counts.assign(n * n, 0);
    for (std::size_t t = 0; t < n; ++t) {
        for (std::size_t p = 0; p < n; ++p)
            matrix.counts[t * n + p] = m_counts[order[t] * m_stride + order[p]];
    }
    return matrix;
}

Result<ConfusionMatrix> confusionMatrix(std::span<const std::string> trueLabels,
                                        std::span<const std::string> predictedLabels) {
    if (trueLabels.size() != predictedLabels.size()) {
        return Error{{},
                     {},
                     "true and predicted labels differ in length (" + std::to_string(trueLabels.size()) + " vs " +
                         std::to_string(predictedLabels.size()) + ")"};
    }
    ConfusionAccumulator accumulator;
    for (std::size_t i = 0; i < trueLabels.size(); ++i)
        accumulator.add(trueLabels[i], predictedLabels[i]);
    return accumulator.result();
}

std::vector<double> normalized(const ConfusionMatrix& matrix, Normalization how) {
    const std::size_t n = matrix.size();
    std::vector<double> out(matrix.counts.begin(), matrix.counts.end());
    if (how == Normalization::None)
        return out;
    const auto rows = matrix.trueTotals();
    const auto columns = matrix.predictedTotals();
    const auto all = static_cast<double>(matrix.total());
    for (std::size_t t = 0; t < n; ++t) {
        for (std::size_t p = 0; p < n; ++p) {
            double denominator = all;
            if (how == Normalization::TrueRow)
                denominator = static_cast<double>(rows[t]);
            else if (how == Normalization::PredictedColumn)
                denominator = static_cast<double>(columns[p]);
            out[t * n + p] = divideOrZero(out[t * n + p], denominator);
        }
    }
    return out;
}

ClassificationReport classificationReport(const ConfusionMatrix& matrix) {
    const std::size_t n = matrix.size();
    ClassificationReport report;
    report.total = matrix.total();
    if (report.total == 0) {
        report.accuracy = report.balancedAccuracy = report.cohenKappa = report.matthews = nan;
        report.macro = report.micro = report.weighted = {nan, nan, nan};
        report.perClass.assign(n, {nan, nan, nan, 0, 0});
        return report;
    }
    const auto support = matrix.trueTotals();
    const auto predicted = matrix.predictedTotals();
    const auto total = static_cast<double>(report.total);

    std::int64_t correct = 0;
    double recallSum = 0;
    std::size_t supportedClasses = 0;
    double dotTruePredicted = 0;
    double dotPredicted = 0;
    double dotTrue = 0;
    report.perClass.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        const std::int64_t tp = matrix.at(k, k);
        correct += tp;
        auto& c = report.perClass[k];
        c.support = support[k];
        c.predicted = predicted[k];
        const auto tpd = static_cast<double>(tp);
        const auto s = static_cast<double>(support[k]);
        const auto p = static_cast<double>(predicted[k]);
        c.precision = divideOrZero(tpd, p);
        c.recall = divideOrZero(tpd, s);
        // scikit-learn >= 1.3 computes F1 from counts, not from the rounded precision and recall.
        c.f1 = divideOrZero(2 * tpd, s + p);
        if (support[k] > 0) {
            recallSum += tpd / s;
            ++supportedClasses;
        }
        report.macro.precision += c.precision;
        report.macro.recall += c.recall;
        report.macro.f1 += c.f1;
        report.weighted.precision += c.precision * s;
        report.weighted.recall += c.recall * s;
        report.weighted.f1 += c.f1 * s;
        dotTruePredicted += s * p;
        dotPredicted += p * p;
        dotTrue += s * s;
    }
    const auto classes = static_cast<double>(n);
    report.macro = {report.macro.precision / classes, report.macro.recall / classes, report.macro.f1 / classes};
    report.weighted = {report.weighted.precision / total, report.weighted.recall / total, report.weighted.f1 / total};
    const auto correctd = static_cast<double>(correct);
    report.accuracy = correctd / total;
    report.micro = {correctd / total, correctd / total, divideOrZero(2 * correctd, 2 * total)};
    report.balancedAccuracy = recallSum / static_cast<double>(supportedClasses);

    // Kappa as cohen_kappa_score: 1 - observed disagreement / disagreement expected from the marginals.
    const double expectedDisagreement = (total * total - dotTruePredicted) / total;
    report.cohenKappa = expectedDisagreement == 0 ? nan : 1 - (total - correctd) / expectedDisagreement;

    const double covTruePredicted = correctd * total - dotTruePredicted;
    const double covPredicted = total * total - dotPredicted;
    const double covTrue = total * total - dotTrue;
    const double denominator = covPredicted * covTrue;
    report.matthews = denominator == 0 ? 0.0 : covTruePredicted / std::sqrt(denominator);
    return report;
}

std::optional<std::int64_t> AlignedConfusion::cell(std::size_t run, std::size_t trueIndex,
                                                   std::size_t predictedIndex) const {
    const auto& r = runs[run];
    if (!r.present[trueIndex] || !r.present[predictedIndex])
        return std::nullopt;
    return r.counts[trueIndex * labels.size() + predictedIndex];
}

AlignedConfusion alignConfusionMatrices(std::span<const ConfusionMatrix> matrices) {
    AlignedConfusion aligned;
    for (const auto& m : matrices)
        aligned.labels.insert(aligned.labels.end(), m.labels.begin(), m.labels.end());
    std::sort(aligned.labels.begin(), aligned.labels.end());
    aligned.labels.erase(std::unique(aligned.labels.begin(), aligned.labels.end()), aligned.labels.end());
    const std::size_t n = aligned.labels.size();
    aligned.runs.reserve(matrices.size());
    for (const auto& m : matrices) {
        AlignedConfusion::Run run;
        run.counts.assign(n * n, 0);
        run.present.assign(n, false);
        std::vector<std::size_t> position(m.size());
        for (std::size_t i = 0; i < m.size(); ++i) {
            const auto it = std::lower_bound(aligned.labels.begin(), aligned.labels.end(), m.labels[i]);
            position[i] = static_cast<std::size_t>(it - aligned.labels.begin());
            run.present[position[i]] = true;
        }
        for (std::size_t t = 0; t < m.size(); ++t) {
            for (std::size_t p = 0; p < m.size(); ++p)
                run.counts[position[t] * n + position[p]] += m.at(t, p);
        }
        aligned.runs.push_back(std::move(run));
    }
    return aligned;
}

}  // namespace runlens::analysis
