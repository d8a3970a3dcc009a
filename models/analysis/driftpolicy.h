// SPDX-License-Identifier: MIT
#pragma once

#include "drift.h"
#include "error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// When a column, and a dataset, count as drifted. Two built-in presets and YAML/JSON policy files; see README
// "Drift policies".
namespace runlens::analysis {

enum class DriftTest { Psi, Ks, ChiSquare, JensenShannon, Wasserstein, ZTest };

// "psi", "ks", "chi_square", "jensen_shannon", "wasserstein", "z_test": the names of the drift JSON contract.
std::string_view driftTestName(DriftTest test);
std::optional<DriftTest> driftTestFromName(std::string_view name);
// p-value tests drift when the p-value is below the threshold; the others are distances that drift above it.
bool isPValueTest(DriftTest test);

std::string_view columnKindName(ColumnKind kind);  // "numeric", "categorical", "binary", "text", "empty"
std::optional<ColumnKind> columnKindFromName(std::string_view name);

struct DriftRule {
    DriftTest test = DriftTest::Psi;
    double threshold = 0;
    bool inclusive = false;  // a distance equal to the threshold drifts too (Evidently's ">="); p-values never
    // Whether a statistic (p-value or distance) drifts under this rule. NaN never drifts.
    bool fires(double value) const;
};

struct ColumnOverride {
    std::optional<ColumnKind> kind;  // typing forced
    std::vector<DriftRule> rules;    // replace the kind's rules when not empty
    bool ignore = false;
};

struct DriftPolicy {
    enum class Preset { Default, Evidently };
    std::string name = "default";  // "default", "evidently", or the policy file's path
    Preset preset = Preset::Default;
    // The dataset drifts when at least one column drifts and the drifted share is at least this (0: any column).
    double datasetDriftShare = 0;
    double brierDegradation = 0.15;  // relative Brier increase from reference to current predictions that alerts
    int psiBins = 10;
    std::int64_t smallReferenceRows = 1000;  // Evidently: up to this many reference rows use the p-value tests
    // Rules per kind; when unset the preset's. Text columns are compared through their lengths, as numbers.
    std::map<ColumnKind, std::vector<DriftRule>> rules;
    std::map<std::string, ColumnOverride> columns;

    static DriftPolicy defaults();   // PSI > 0.25 or KS/chi-square/Z p < 0.01 per column; any drifted column alerts
    static DriftPolicy evidently();  // Evidently's DataDriftPreset choice of tests; half the columns drift the dataset

    // The rules for a column: its override, else the policy's rules for the kind, else the preset's.
    std::vector<DriftRule> rulesFor(std::string_view column, ColumnKind kind, std::int64_t referenceRows) const;
};

// "default" and "evidently" name the presets; anything else is a YAML or JSON file. Errors name the file, the line
// and the key.
Result<DriftPolicy> loadDriftPolicy(const std::string& nameOrPath);
// The same from text (for tests); file is used in error messages.
Result<DriftPolicy> parseDriftPolicy(const std::string& text, const std::string& file);

}  // namespace runlens::analysis
