// SPDX-License-Identifier: MIT
#pragma once

#include "analysis/classification.h"
#include "error.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::analysis {

// A confusion matrix some tool logged, read back. Labels keep the artifact's order (not sorted).
struct LoggedConfusion {
    ConfusionMatrix matrix;
    std::string shape;  // which layout was recognised, e.g. "labels+matrix", "wandb-table", "kubeflow-csv"
};

// Recognises the confusion-matrix layouts trackers and users write, from an artifact's text:
//  * JSON {"labels" | "headers" | "classes" | "class_names" | "display_labels": [...],
//          "matrix" | "confusion_matrix" | "values" | "counts" | "cm": [[...], ...]} (rows = true labels);
//    the labels may be missing (then 0..n-1), as may the object around a bare nested list (what
//    sklearn.metrics.confusion_matrix(...).tolist() gives).
//  * A W&B table ({"_type": "table", "columns": [Actual, Predicted, nPredictions], "data": [...]}), as
//    wandb.plot.confusion_matrix logs it; also any split-orient table (MLflow's evaluate() result tables,
//    pandas to_json(orient="split")) with true and predicted label columns, counted row by row.
//  * A Plotly heatmap trace (ClearML's report_confusion_matrix plots): z is the matrix, y its row labels.
//  * A JSON list of per-sample records with actual/predicted (DVC's sklearn plots, MLflow tables as records).
//  * Kubeflow Pipelines' confusion_matrix CSV (target, predicted, count; no header) with the labels from its
//    UI metadata (see kubeflowConfusion), or a headed CSV of true, predicted, count.
// Counts must be whole and non-negative. Returns nothing when the text is no confusion matrix at all, an Error when
// it looks like one but is broken (ragged rows, a label count that does not fit the matrix...).
Result<std::optional<LoggedConfusion>> readConfusionArtifact(std::string_view text, const std::string& name);

// Kubeflow: the CSV named by a `confusion_matrix` output of mlpipeline-ui-metadata.json, positional columns
// (target, predicted, count), and the output's `labels` list which fixes the order; labels missing from the list
// are an error, as are rows whose count is not a whole number.
Result<LoggedConfusion> kubeflowConfusion(std::string_view csv, const std::vector<std::string>& labels,
                                          const std::string& name);

// MLflow's evaluate() logs a binary classifier's confusion matrix as four metrics; nothing unless all four are
// there. Labels are "0" and "1" (MLflow's default pos_label is 1).
std::optional<LoggedConfusion> mlflowBinaryConfusion(std::optional<double> trueNegatives,
                                                     std::optional<double> falsePositives,
                                                     std::optional<double> falseNegatives,
                                                     std::optional<double> truePositives);

}  // namespace runlens::analysis
