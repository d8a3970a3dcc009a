// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <span>
#include <vector>

namespace runlens::analysis {

// The points and thresholds of sklearn.metrics.roc_curve(drop_intermediate=True): collinear points are dropped,
// the first point is (0, 0) at threshold +infinity, thresholds decrease.
struct RocCurve {
    std::vector<double> fpr;
    std::vector<double> tpr;
    std::vector<double> thresholds;
    double auc = 0;  // trapezoidal area under these points, as roc_auc_score
};

// The points of sklearn.metrics.precision_recall_curve (drop_intermediate=False, every distinct score): thresholds
// increase, recall decreases, and a final (precision 1, recall 0) point has no threshold, so
// thresholds.size() == precision.size() - 1.
struct PrecisionRecallCurve {
    std::vector<double> precision;
    std::vector<double> recall;
    std::vector<double> thresholds;
    double averagePrecision = 0;  // sum over thresholds of (R_n - R_{n-1}) P_n, average_precision_score; no trapezoid
};

struct BinaryCurves {
    RocCurve roc;
    PrecisionRecallCurve pr;
    std::int64_t positives = 0;
    std::int64_t negatives = 0;
};

// Both curves from one sort. positive[i] != 0 marks a positive sample; higher scores mean "more positive". The
// scores are taken by value and reordered in place (positives first, each part sorted), so nothing else of size n
// is allocated. Errors: length mismatch, a NaN score, or no positive or no negative sample (scikit-learn warns and
// returns NaN rates there; a curve without both classes is meaningless, so we refuse it).
Result<BinaryCurves> binaryCurves(std::vector<double> scores, std::span<const std::uint8_t> positive);
Result<BinaryCurves> binaryCurves(std::vector<float> scores, std::span<const std::uint8_t> positive);

}  // namespace runlens::analysis
