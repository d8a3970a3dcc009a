// SPDX-License-Identifier: MIT
#pragma once

#include "cache/cachereader.h"
#include "error.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace runlens::reports {

// The documents of one imported report run, read back from the report files the importer kept as artifacts.
struct RunReports {
    std::string reportType;                  // the run's runlens.report_type tag; empty for other runs
    std::vector<nlohmann::json> drift;       // drift documents (as `runlens drift --json` prints them)
    std::vector<nlohmann::json> validation;  // validation documents
};

// Every report document of a run. Runs that are not imported reports give an empty RunReports. A damaged
// report file is an Error naming the original file and the JSON path or line of the bad value.
Result<RunReports> loadRunReports(CacheReader& reader, const RunRow& run);

// The report type of a run from its tags, empty when the run is not an imported report.
std::string reportTypeOf(const RunRow& run);

}  // namespace runlens::reports
