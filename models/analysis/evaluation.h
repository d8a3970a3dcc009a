// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/calibration.h"
#include "analysis/classification.h"
#include "analysis/curves.h"
#include "analysis/predictions.h"
#include "error.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace runlens::analysis {

struct EvaluationOptions {
    int bins = 15;
    Binning binning = Binning::Uniform;
};

// One-vs-rest curves keep every distinct score of every class; above this many rows they would bloat the stored
// document, so larger multi-class files get calibration but no per-class curves.
inline constexpr std::size_t perClassCurvesRowLimit = 200000;

// Everything computed from one predictions file or one logged confusion matrix. The JSON form is the contract
// `runlens eval --json` prints and run_analyses stores (see evaluationJson).
struct Evaluation {
    std::string name;        // the file or artifact name
    std::string sourceKind;  // "predictions" or "confusion_artifact"
    std::string path;
    std::int64_t rows = 0;  // predictions read; for a logged matrix, its total count
    std::string shape;      // the layout the source was recognised as
    ConfusionMatrix confusion;
    ClassificationReport report;
    // Probabilities only: absent for a matrix or labels-only predictions.
    std::optional<double> brier;
    std::optional<double> logLoss;
    std::optional<ReliabilityDiagram> reliability;        // binary: positive class; multi-class: top label
    std::vector<ReliabilityDiagram> perClassReliability;  // multi-class one-vs-rest, in confusion.labels order
    std::string positiveLabel;                            // binary with scores
    std::optional<RocCurve> roc;
    std::optional<PrecisionRecallCurve> pr;
    // Multi-class with probabilities, up to perClassCurvesRowLimit rows: one-vs-rest curves per class (labels
    // order); empty for a class without positives or negatives.
    std::vector<std::optional<RocCurve>> perClassRoc;
    std::vector<std::optional<PrecisionRecallCurve>> perClassPr;

    bool binary() const { return confusion.labels.size() <= 2; }
};

// The confusion matrix is indexed like predictions.classes. Errors (e.g. curves of a one-class file) name the file.
Result<Evaluation> evaluatePredictions(const Predictions& predictions, const std::string& name,
                                       const EvaluationOptions& options = {});
Evaluation evaluateConfusion(const ConfusionMatrix& matrix, const std::string& name, const std::string& path,
                             const std::string& shape);

// The evaluation document of the JSON contract; NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
nlohmann::json evaluationJson(const Evaluation& evaluation);
// Reads a document back (from run_analyses); fields added by later versions are ignored.
Result<Evaluation> evaluationFromJson(const nlohmann::json& document);

}  // namespace runlens::analysis
