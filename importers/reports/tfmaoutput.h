// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace runlens::importers {

// What a TFX Evaluator (TFMA) wrote into one evaluation folder, read without TFMA's protobuf schemas: the
// TFRecord files `metrics*` (MetricsForSlice: slice key, then metric name and double value) and `validations*`
// (ValidationResult.validation_ok).
struct TfmaResults {
    // "binary_accuracy" for the whole data set, "binary_accuracy/country=Spain" for a slice.
    std::vector<std::pair<std::string, double>> metrics;
    std::optional<bool> validationOk;
};

// Errors name the file and the byte offset of a damaged record.
Result<TfmaResults> readTfmaEvaluation(const std::filesystem::path& evaluationDir);

// The size of a split from TFDV's stats_tfrecord (DatasetFeatureStatisticsList: datasets[].num_examples and the
// number of features); the per-feature statistics are not read.
struct TfdvSplitSize {
    double examples = 0;
    double features = 0;
};
Result<TfdvSplitSize> readTfdvSplitSize(const std::filesystem::path& statsFile);

}  // namespace runlens::importers
