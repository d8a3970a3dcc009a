// SPDX-License-Identifier: MIT
#include "curves.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>

namespace runlens::analysis {

namespace {

template <typename T> Result<BinaryCurves> curvesImpl(std::vector<T> scores, std::span<const std::uint8_t> positive) {
    const std::size_t n = scores.size();
    if (n != positive.size()) {
        return Error{{},
                     {},
                     "scores and labels differ in length (" + std::to_string(n) + " vs " +
                         std::to_string(positive.size()) + ")"};
    }
    // Partition in place, positives first: scores[i] is untouched until the loop reaches i, so positive[i] still
    // describes it. Afterwards each part is sorted on its own and the labels are no longer needed.
    std::size_t positives = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(scores[i]))
            return Error{{}, "row " + std::to_string(i), "score is NaN"};
        if (positive[i] != 0)
            std::swap(scores[positives++], scores[i]);
    }
    const std::size_t negatives = n - positives;
    if (positives == 0 || negatives == 0) {
        return Error{{},
                     {},
                     "ROC and precision-recall curves need positive and negative samples (" +
                         std::to_string(positives) + " positive, " + std::to_string(negatives) + " negative)"};
    }
    const auto split = scores.begin() + static_cast<std::ptrdiff_t>(positives);
    std::sort(scores.begin(), split, std::greater<>());
    std::sort(split, scores.end(), std::greater<>());
    const T* pos = scores.data();
    const T* neg = scores.data() + positives;

    BinaryCurves out;
    out.positives = static_cast<std::int64_t>(positives);
    out.negatives = static_cast<std::int64_t>(negatives);
    const auto p = static_cast<double>(positives);
    const auto q = static_cast<double>(negatives);
    auto& roc = out.roc;
    auto& pr = out.pr;
    roc.fpr.push_back(0.0);
    roc.tpr.push_back(0.0);
    roc.thresholds.push_back(std::numeric_limits<double>::infinity());

    // One point per distinct score, highest first, as _binary_clf_curve. ROC keeps a point where the second
    // difference of fps or tps is non-zero (a corner), judged on a window of three consecutive points.
    struct Point {
        std::int64_t tps;
        std::int64_t fps;
        double threshold;
    };
    Point before{};
    Point current{};
    std::size_t emitted = 0;
    auto keepForRoc = [&](const Point& pt) {
        roc.fpr.push_back(static_cast<double>(pt.fps) / q);
        roc.tpr.push_back(static_cast<double>(pt.tps) / p);
        roc.thresholds.push_back(pt.threshold);
    };
    std::size_t i = 0;
    std::size_t j = 0;
    std::int64_t tps = 0;
    std::int64_t fps = 0;
    while (i < positives || j < negatives) {
        const T s = i == positives ? neg[j] : j == negatives ? pos[i] : std::max(pos[i], neg[j]);
        while (i < positives && pos[i] == s) {
            ++i;
            ++tps;
        }
        while (j < negatives && neg[j] == s) {
            ++j;
            ++fps;
        }
        const Point next{tps, fps, static_cast<double>(s)};
        const auto td = static_cast<double>(tps);
        pr.precision.push_back(td / static_cast<double>(tps + fps));
        pr.recall.push_back(td / p);
        pr.thresholds.push_back(next.threshold);
        if (emitted == 0) {
            keepForRoc(next);
        } else if (emitted >= 2) {
            const bool corner =
                next.fps - 2 * current.fps + before.fps != 0 || next.tps - 2 * current.tps + before.tps != 0;
            if (corner)
                keepForRoc(current);
        }
        before = current;
        current = next;
        ++emitted;
    }
    if (emitted >= 2)
        keepForRoc(current);

    double area = 0;
    for (std::size_t k = 0; k + 1 < roc.fpr.size(); ++k)
        area += (roc.fpr[k + 1] - roc.fpr[k]) * (roc.tpr[k + 1] + roc.tpr[k]) / 2.0;
    roc.auc = area;

    // precision_recall_curve reports increasing thresholds and closes the curve at (recall 0, precision 1).
    std::reverse(pr.precision.begin(), pr.precision.end());
    std::reverse(pr.recall.begin(), pr.recall.end());
    std::reverse(pr.thresholds.begin(), pr.thresholds.end());
    pr.precision.push_back(1.0);
    pr.recall.push_back(0.0);
    double ap = 0;
    for (std::size_t k = 0; k + 1 < pr.recall.size(); ++k)
        ap -= (pr.recall[k + 1] - pr.recall[k]) * pr.precision[k];
    pr.averagePrecision = std::max(0.0, ap);
    return out;
}

}  // namespace

Result<BinaryCurves> binaryCurves(std::vector<double> scores, std::span<const std::uint8_t> positive) {
    return curvesImpl(std::move(scores), positive);
}

Result<BinaryCurves> binaryCurves(std::vector<float> scores, std::span<const std::uint8_t> positive) {
    return curvesImpl(std::move(scores), positive);
}

}  // namespace runlens::analysis
