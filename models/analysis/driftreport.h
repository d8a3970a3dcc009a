// SPDX-License-Identifier: MIT
#pragma once

#include "columnsample.h"
#include "drift.h"
#include "driftpolicy.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

// The drift document (the JSON contract `runlens drift --json` prints and run_analyses stores) built from streamed
// column samples and a policy. Pure: no files, no cache.
namespace runlens::analysis {

struct ColumnSamples {
    std::string name;
    ColumnKind kind = ColumnKind::Numeric;
    // Numeric and text columns (text: lengths in characters) use the numeric samples, the others the categories.
    const NumericSample* referenceNumeric = nullptr;
    const NumericSample* currentNumeric = nullptr;
    const CategorySample* referenceCategories = nullptr;
    const CategorySample* currentCategories = nullptr;
    std::int64_t referenceInvalid = 0;  // values that did not fit the type (reported as problems), left out
    std::int64_t currentInvalid = 0;
};

// JSON has no NaN or infinity: "NaN", "Infinity", "-Infinity", like the rest of the command line's JSON.
nlohmann::json jsonNumber(double value);

// One entry of the document's "columns": the policy's rules evaluated, every statistic computed, summaries,
// histogram or category counts and ECDFs. referenceRows picks Evidently's small- or large-sample tests.
nlohmann::json columnDriftReport(const ColumnSamples& samples, const DriftPolicy& policy, std::int64_t referenceRows);

// Completes a document whose "columns" are filled: sorts the columns by severity (drifted first), counts them and
// sets "verdict", "columns_drifted", "columns_total", "share_drifted" and "policy". extraDrift forces the verdict
// (a Brier degradation alert).
void finishDriftDocument(nlohmann::json& document, const DriftPolicy& policy, bool extraDrift = false);

// How far past its threshold a column is: > 1 drifted. For p-value tests log(p) / log(threshold), for distances
// statistic / threshold. Used to sort columns; also for documents imported without it.
double driftSeverity(const nlohmann::json& column);

}  // namespace runlens::analysis
