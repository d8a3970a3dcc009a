// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Reports other tools write about data (Evidently, Great Expectations, SageMaker Model Monitor, TFX/TFDV),
// normalised into the two documents RunLens renders: the drift document (the same JSON `runlens drift --json`
// prints) and the validation document (checks with pass/fail and observed values).
namespace runlens::reports {

// Values of the tag runlens.report_type on imported report runs.
namespace report_type {
inline constexpr const char* evidentlyDrift = "evidently_drift";
inline constexpr const char* evidentlyTests = "evidently_tests";
inline constexpr const char* evidentlyClassification = "evidently_classification";
inline constexpr const char* evidentlyOther = "evidently_report";
inline constexpr const char* greatExpectations = "great_expectations";
inline constexpr const char* sagemaker = "sagemaker_model_monitor";
inline constexpr const char* tfdv = "tfdv";
}  // namespace report_type
inline constexpr const char* reportTypeTag = "runlens.report_type";

enum class FileKind {
    none,
    evidentlyReport,          // legacy Report.json(): {"version", "metrics": [{"metric", "result"}], "timestamp"}
    evidentlySnapshot,        // UI workspace snapshot: {"id", "timestamp", "suite": {"metrics", "metric_results", ...}}
    evidentlyProject,         // UI workspace project metadata.json
    greatExpectationsResult,  // an ExpectationSuiteValidationResult
    sagemakerStatistics,      // Model Monitor / Deequ statistics.json
    sagemakerConstraints,     // constraints.json
    sagemakerViolations,      // constraint_violations.json
    tfdvAnomalies,            // TFDV / ExampleValidator anomalies.pbtxt (text-format Anomalies proto)
};

// A cheap guess from the text (markers only, no parse), for sniffing folders. The parsed kind decides.
FileKind guessKind(std::string_view text, std::string_view fileName);
// The kind of a parsed JSON document.
FileKind kindOf(const nlohmann::json& document);

// One report file: where it came from (named in errors) and its text.
struct ReportFile {
    std::string path;
    std::string content;
};

// What the files of one imported run say.
struct Normalised {
    std::vector<nlohmann::json> drift;                        // drift documents
    std::vector<nlohmann::json> validation;                   // validation documents
    std::string reportType;                                   // report_type::*, empty when nothing was recognised
    std::optional<std::int64_t> timeMs;                       // the report's own timestamp
    std::string suite;                                        // suite, project or report name when the report has one
    std::string name;                                         // a short run name when the report has one
    std::vector<std::pair<std::string, double>> metrics;      // summary metrics for the run table
    std::vector<std::pair<std::string, std::string>> params;  // settings the report was made with
};

// Normalises the files of one run (one Evidently report or snapshot, one GE result, the statistics /
// constraints / violations of one Model Monitor folder, the anomalies of one TFX pipeline run). Files of no
// known kind are ignored. An error names the file and the JSON path (or line and column) of the bad value.
Result<Normalised> normaliseFiles(const std::vector<ReportFile>& files);

// The pieces, for tests and for callers with a parsed document.
Result<Normalised> normaliseEvidently(const nlohmann::json& document, const std::string& file);
Result<Normalised> normaliseGreatExpectations(const nlohmann::json& document, const std::string& file);
struct SageMakerInputs {
    const nlohmann::json* statistics = nullptr;
    std::string statisticsFile;
    const nlohmann::json* constraints = nullptr;
    std::string constraintsFile;
    const nlohmann::json* violations = nullptr;
    std::string violationsFile;
};
Result<Normalised> normaliseSageMaker(const SageMakerInputs& inputs);
// split: the data split the anomalies are about ("train", "eval"), shown in the suite name.
Result<nlohmann::json> tfdvAnomaliesDocument(std::string_view text, const std::string& file, const std::string& split);

// Adds drift.* and validation.* summary metrics computed from the documents.
void addSummaryMetrics(Normalised& normalised);

}  // namespace runlens::reports
