// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/drift.h"
#include "analysis/driftpolicy.h"
#include "datasets/tablereader.h"
#include "error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

// Drift between two data files: both streamed at once (one thread each), every common column typed from the first
// rows of both, accumulated in bounded memory and compared under a policy. The result is the drift document.
namespace runlens::datasets {

struct DatasetDriftOptions {
    TableOptions table;
    // What the kept values of both files may take together; each numeric column gets an equal part of it. Past it a
    // column is summarised (see NumericSample) instead of kept whole.
    std::size_t memoryLimitBytes = std::size_t{256} << 20;
    std::int64_t typingRows = 1000;  // rows of each file that decide a column's type
    int threads = 0;                 // for the per-column statistics; 0: one per core
    std::size_t maxProblemsPerFile = 50;
};

Result<nlohmann::json> computeDatasetDrift(const std::string& referencePath, const std::string& currentPath,
                                           const analysis::DriftPolicy& policy,
                                           const DatasetDriftOptions& options = {});

// Columns of a predictions file; empty names are detected (score: score, probability, prob, y_score, y_prob,
// pred_proba, proba; label: label, y_true, target, true_label, actual, y).
struct PredictionColumns {
    std::string score;
    std::string label;
    std::string positive;  // the label value the score is the probability of; empty: 1, true, yes or pos
};

// Prediction-score drift between two predictions files: drift of the score column (and of the label column when
// both files have one) plus, with labels, the Brier score of each file and its relative degradation, which alerts
// past policy.brierDegradation. The document has a "predictions" object with those figures.
Result<nlohmann::json> computePredictionDrift(const std::string& referencePath, const std::string& currentPath,
                                              const analysis::DriftPolicy& policy, const PredictionColumns& columns,
                                              const DatasetDriftOptions& options = {});

}  // namespace runlens::datasets
