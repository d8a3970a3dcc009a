// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cache.h"
#include "error.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace runlens {

namespace analysis_kind {
inline constexpr std::string_view evaluation = "evaluation";
inline constexpr std::string_view drift = "drift";
}  // namespace analysis_kind

// A result RunLens computed for a run (an evaluation of a predictions file, a drift report), stored as the same
// JSON document the CLI prints so GUI, CLI and reports read one thing.
struct AnalysisRow {
    std::int64_t id = 0;
    std::int64_t runId = 0;
    std::string kind;        // analysis_kind::*
    std::string name;        // unique per run and kind, e.g. the predictions file name
    std::string inputsJson;  // what it was computed from: paths, fingerprints, options
    std::int64_t createdMs = 0;
    std::string resultJson;
};

// Saves in one transaction, replacing an analysis of the same run, kind and name. Returns its id.
Result<std::int64_t> saveAnalysis(Cache& cache, const AnalysisRow& row);
// All analyses of a run, optionally only one kind, oldest first. An empty kind means every kind.
Result<std::vector<AnalysisRow>> runAnalyses(Cache& cache, std::int64_t runId, std::string_view kind = {});
// Every analysis of one kind across runs (for views that list them all).
Result<std::vector<AnalysisRow>> analysesOfKind(Cache& cache, std::string_view kind);
Status deleteAnalysis(Cache& cache, std::int64_t id);

}  // namespace runlens
