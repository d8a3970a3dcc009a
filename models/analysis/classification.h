// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runlens::analysis {

// Counts of (true label, predicted label) pairs. Labels are sorted by byte order (what numpy's np.unique does to
// strings), so metrics line up with scikit-learn's for the same label strings.
struct ConfusionMatrix {
    std::vector<std::string> labels;
    std::vector<std::int64_t> counts;  // row-major, labels.size() squared; rows = true label, columns = predicted

    std::size_t size() const { return labels.size(); }
    std::int64_t at(std::size_t trueIndex, std::size_t predictedIndex) const {
        return counts[trueIndex * labels.size() + predictedIndex];
    }
    std::int64_t total() const;
    std::vector<std::int64_t> trueTotals() const;       // row sums: the support of each label
    std::vector<std::int64_t> predictedTotals() const;  // column sums
    std::optional<std::size_t> indexOf(std::string_view label) const;
};

// Builds a confusion matrix one pair at a time, so predictions are never held in memory. Labels are interned on
// first sight; hot loops over integer class ids call labelIndex() once per class and then add(index, index).
class ConfusionAccumulator {
public:
    std::size_t labelIndex(std::string_view label);
    // Indices must come from labelIndex(); they are not checked, this is the per-row path.
    void add(std::size_t trueIndex, std::size_t predictedIndex, std::int64_t count = 1) {
        m_counts[trueIndex * m_stride + predictedIndex] += count;
    }
    void add(std::string_view trueLabel, std::string_view predictedLabel) {
        const std::size_t t = labelIndex(trueLabel);
        add(t, labelIndex(predictedLabel));
    }
    std::int64_t total() const;
    ConfusionMatrix result() const;

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::vector<std::string> m_labels;  // in order of first sight
    std::unordered_map<std::string, std::size_t, Hash, std::equal_to<>> m_index;
    std::vector<std::int64_t> m_counts;  // m_stride x m_stride, grown by doubling so interning stays cheap
    std::size_t m_stride = 0;
};

// The whole matrix at once; an Error when the two columns differ in length.
Result<ConfusionMatrix> confusionMatrix(std::span<const std::string> trueLabels,
                                        std::span<const std::string> predictedLabels);

enum class Normalization {
    None,
    TrueRow,          // each row sums to 1: recall on the diagonal
    PredictedColumn,  // each column sums to 1: precision on the diagonal
    All,              // the whole matrix sums to 1
};

// Row-major like ConfusionMatrix::counts. A row, column or matrix that sums to zero normalises to 0.0, as
// scikit-learn's confusion_matrix(normalize=...) does.
std::vector<double> normalized(const ConfusionMatrix& matrix, Normalization how);

struct ClassMetrics {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
    std::int64_t support = 0;    // true samples of the class
    std::int64_t predicted = 0;  // samples predicted as the class
};

struct AveragedMetrics {
    double precision = 0;
    double recall = 0;
    double f1 = 0;
};

// The metrics scikit-learn 1.9 computes from the same labels. Zero division follows its default
// (zero_division="warn"): a precision, recall or F1 whose denominator is zero is 0.0 (scikit-learn also warns;
// callers that want to flag it can test support == 0 or predicted == 0). Cohen's kappa is NaN when undefined
// (every sample has one and the same label on both sides), as with replace_undefined_by=np.nan; the Matthews
// coefficient is 0.0 then, as in matthews_corrcoef. An empty matrix gives NaN everywhere.
struct ClassificationReport {
    std::vector<ClassMetrics> perClass;  // in ConfusionMatrix::labels order
    std::int64_t total = 0;
    double accuracy = 0;
    double balancedAccuracy = 0;  // mean recall over the labels with support > 0
    AveragedMetrics macro;        // unweighted mean over every label, including labels that were only predicted
    AveragedMetrics micro;        // from the pooled counts; equals accuracy for single-label data
    AveragedMetrics weighted;     // weighted by support
    double cohenKappa = 0;
    double matthews = 0;  // the multi-class (Gorodkin R_K) form, as matthews_corrcoef
};

ClassificationReport classificationReport(const ConfusionMatrix& matrix);

// Confusion matrices of several runs on one label set (the sorted union). A run that never saw a label, neither as
// truth nor as prediction, has present[label] == false: its row and column are unknown, not zero, and cell()
// says so.
struct AlignedConfusion {
    struct Run {
        std::vector<std::int64_t> counts;  // labels.size() squared; 0 in rows/columns of absent labels
        std::vector<bool> present;         // per label
    };
    std::vector<std::string> labels;
    std::vector<Run> runs;

    std::optional<std::int64_t> cell(std::size_t run, std::size_t trueIndex, std::size_t predictedIndex) const;
};

AlignedConfusion alignConfusionMatrices(std::span<const ConfusionMatrix> matrices);

}  // namespace runlens::analysis
