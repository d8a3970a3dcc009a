// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace runlens::analysis {

// z for a two-sided 95% interval: the 0.975 quantile of the standard normal.
inline constexpr double wilsonZ95 = 1.959963984540054;

// One bin of a reliability diagram. Bin i holds the scores s with edge[i] < s <= edge[i + 1] (the first bin also
// holds s == edge[0]), which is scikit-learn's calibration_curve (np.searchsorted on the inner edges).
struct ReliabilityBin {
    double lower = 0;
    double upper = 0;
    std::int64_t count = 0;
    double meanConfidence = 0;  // NaN in an empty bin
    double observed = 0;        // fraction of positives (or of correct top-label predictions); NaN when empty
    double wilsonLow = 0;       // Wilson score interval for observed at z = wilsonZ95; NaN when empty
    double wilsonHigh = 0;
};

struct ReliabilityDiagram {
    std::vector<ReliabilityBin> bins;  // all bins, empty ones included, so runs line up bin by bin
    std::int64_t total = 0;
    double ece = 0;  // sum over bins of count / total * |observed - meanConfidence|; NaN when total == 0
    double mce = 0;  // max over non-empty bins of |observed - meanConfidence|; NaN when total == 0
};

enum class Binning {
    Uniform,   // edges i / bins, as np.linspace(0, 1, bins + 1)
    Quantile,  // equal mass: edges are np.percentile(scores, linspace(0, 1, bins + 1) * 100), linear interpolation
};

// Uniform-bin reliability diagram built one prediction at a time.
class CalibrationAccumulator {
public:
    explicit CalibrationAccumulator(int bins);
    // A score outside [0, 1] (or NaN) is not counted and returns false.
    bool add(double score, bool positive);
    ReliabilityDiagram result() const;

private:
    std::vector<double> m_edges;
    std::vector<std::int64_t> m_count;
    std::vector<std::int64_t> m_positives;
    std::vector<double> m_scoreSum;
};

// Scores are probabilities of the positive class (or top-label confidences) in [0, 1]; positive[i] is 0 or 1. The
// scores are taken by value because quantile bins sort them (in place, together with nothing else). Errors: length
// mismatch, bins < 1, a score outside [0, 1] or NaN.
Result<ReliabilityDiagram> reliabilityDiagram(std::vector<double> scores, std::span<const std::uint8_t> positive,
                                              int bins, Binning binning);

// The Wilson score interval of successes / n at z; NaN when n == 0.
std::pair<double, double> wilsonInterval(std::int64_t successes, std::int64_t n, double z = wilsonZ95);

// Binary scoring rules; probabilities in [0, 1], errors as for reliabilityDiagram.
// brier: mean (p - y)^2, scikit-learn's brier_score_loss for 1-d input.
// logLoss: scikit-learn's log_loss: p and 1 - p are clipped to [eps, 1 - eps] with eps the float64 machine
// epsilon (2.220446049250313e-16), so a confident miss costs -log(eps) = 36.04 instead of infinity.
Result<double> brierScore(std::span<const double> probabilities, std::span<const std::uint8_t> positive);
Result<double> logLoss(std::span<const double> probabilities, std::span<const std::uint8_t> positive);

// A probability matrix: rows are samples, `classes` columns each, row-major; truth holds class indices.
struct ProbabilityMatrix {
    std::span<const double> values;
    std::size_t classes = 0;
    std::size_t rows() const { return classes == 0 ? 0 : values.size() / classes; }
};

struct MulticlassCalibration {
    ReliabilityDiagram topLabel;               // confidence = max p, positive = (first argmax == truth)
    std::vector<ReliabilityDiagram> perClass;  // one-vs-rest: score = p[:, k], positive = (truth == k)
    // Mean over samples of the sum over classes of (p - onehot)^2 (range [0, 2]). This is brier_score_loss with
    // scale_by_half=False; scikit-learn's default halves it for two columns only, so we never halve.
    double brier = 0;
    // -mean log(clip(p[truth])) with scikit-learn's clipping; like log_loss, rows are not renormalised.
    double logLoss = 0;
};

// Errors: classes < 2, a matrix size that is not rows * classes, truth of another length or out of range, a
// probability outside [0, 1] or NaN, bins < 1. Rows are not required to sum to 1 (scikit-learn only warns).
Result<MulticlassCalibration> multiclassCalibration(ProbabilityMatrix probabilities,
                                                    std::span<const std::int32_t> truth, int bins, Binning binning);

}  // namespace runlens::analysis
