// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::analysis {

// Which columns (CSV) or fields (JSON Lines) of a predictions file hold what. Empty means "detect".
struct PredictionColumns {
    std::string label;                // the true label
    std::string predicted;            // the predicted label
    std::vector<std::string> scores;  // one: probability of the positive class; several: one per class
    std::string positiveLabel;        // with a single score column: the class it is the probability of
    double threshold = 0.5;           // with a single score column: score >= threshold predicts positive
};

enum class PredictionShape {
    Labels,              // true and predicted labels only: no calibration, no curves
    BinaryScore,         // true label and the probability of the positive class
    ClassProbabilities,  // true label and one probability per class (in `classes` order)
};

// A predictions file read once into compact columns: labels are interned to class indices, so a 10 M row file
// costs 4 bytes per row for the truth plus its scores.
struct Predictions {
    std::string path;
    std::string format;  // "csv" or "jsonl"
    PredictionShape shape = PredictionShape::Labels;
    std::vector<std::string> classes;     // sorted by byte order, like ConfusionMatrix::labels
    std::vector<std::int32_t> truth;      // class index per row
    std::vector<std::int32_t> predicted;  // class index per row (given, or derived from the scores)
    std::vector<double> scores;     // BinaryScore: one per row; ClassProbabilities: rows x classes.size(), row-major
    std::size_t positiveClass = 1;  // BinaryScore: index in classes of the class the score is the probability of
    std::string labelColumn;
    std::string predictedColumn;  // empty when predictions come from scores
    std::vector<std::string> scoreColumns;

    std::size_t rows() const { return truth.size(); }
};

// Reads a CSV (comma or tab separated, header row, RFC 4180 quoting) or JSON Lines file of predictions, streaming
// it once. Columns are found by name: the configured ones, else the usual names (label/y_true/target/actual...,
// prediction/y_pred/predicted..., probability/score/y_score..., and per-class prob_<class>/p_<class>/...). In JSON
// Lines a per-class field may also be an array (probabilities/probs/y_proba); its classes are then the sorted
// labels, as scikit-learn's predict_proba orders them (integers by value).
//
// Errors name the file, the row (1-based data row; the header is not counted; problems with the columns themselves
// say "header", or the line of the first object in JSON Lines) and the column: an empty file, a
// missing column, a probability outside [0, 1] or NaN, an empty label, probability columns that do not match the
// labels (a true label without a column, a row with another number of probabilities), more than two labels with a
// single score column.
Result<Predictions> readPredictions(const std::string& path, const PredictionColumns& columns = {});

// The same, from text already in memory (an artifact's content from the cache); `name` is used in errors.
Result<Predictions> readPredictionsText(std::string_view text, const std::string& name,
                                        const PredictionColumns& columns = {});

}  // namespace runlens::analysis
