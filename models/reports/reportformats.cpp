// SPDX-License-Identifier: MIT
#include "reportformats.h"

#include "reportjson.h"

#include <map>

namespace runlens::reports {
namespace {

using json = nlohmann::json;

bool contains(std::string_view text, std::string_view marker) {
    return text.find(marker) != std::string_view::npos;
}

std::string parentFolderName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos || slash == 0)
        return {};
    const auto before = path.find_last_of('/', slash - 1);
    return path.substr(before == std::string::npos ? 0 : before + 1,
                       slash - (before == std::string::npos ? 0 : before + 1));
}

}  // namespace

FileKind guessKind(std::string_view text, std::string_view fileName) {
    if (fileName.ends_with(".pbtxt"))
        return contains(text, "anomaly_name_format") || contains(text, "anomaly_info") ? FileKind::tfdvAnomalies
                                                                                       : FileKind::none;
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || (text[first] != '{' && text[first] != '"'))
        return FileKind::none;
    // Double-encoded documents hold the same markers with escaped quotes.
    auto has = [&](std::string_view key) {
        return contains(text, "\"" + std::string(key) + "\"") || contains(text, "\\\"" + std::string(key) + "\\\"");
    };
    if (has("expectation_config") && (has("evaluated_expectations") || has("success_percent")))
        return FileKind::greatExpectationsResult;
    if (has("metric_results") && contains(text, "evidently:"))
        return FileKind::evidentlySnapshot;
    if (has("metrics") && (has("DatasetDriftMetric") || has("DataDriftTable") || has("ColumnDriftMetric")))
        return FileKind::evidentlyReport;
    if (has("violations") && has("constraint_check_type"))
        return FileKind::sagemakerViolations;
    if (has("features") && (has("numerical_statistics") || has("string_statistics")))
        return FileKind::sagemakerStatistics;
    if (has("features") && has("inferred_type") &&
        (has("monitoring_config") || has("num_constraints") || has("string_constraints") || has("completeness")))
        return FileKind::sagemakerConstraints;
    if (has("dashboard") && has("created_at") && has("name"))
        return FileKind::evidentlyProject;
    return FileKind::none;
}

FileKind kindOf(const json& d) {
    if (!d.is_object())
        return FileKind::none;
    if (d.contains("results") && d["results"].is_array() && d.contains("success") &&
        (d.contains("statistics") || d.contains("meta"))) {
        const json& results = d["results"];
        if (results.empty() || (results[0].is_object() && results[0].contains("expectation_config")))
            return FileKind::greatExpectationsResult;
    }
    if (d.contains("suite") && d["suite"].is_object() && d["suite"].contains("metric_results"))
        return FileKind::evidentlySnapshot;
    if (d.contains("metrics") && d["metrics"].is_array()) {
        for (const auto& m : d["metrics"])
            if (m.is_object() && m.contains("metric") && m.contains("result"))
                return FileKind::evidentlyReport;
    }
    if (d.contains("violations") && d["violations"].is_array())
        return FileKind::sagemakerViolations;
    if (d.contains("features") && d["features"].is_array()) {
        for (const auto& f : d["features"]) {
            if (!f.is_object())
                continue;
            if (f.contains("numerical_statistics") || f.contains("string_statistics"))
                return FileKind::sagemakerStatistics;
        }
        if (d.contains("monitoring_config") ||
            (!d["features"].empty() && d["features"][0].is_object() && d["features"][0].contains("inferred_type")))
            return FileKind::sagemakerConstraints;
    }
    if (d.contains("dashboard") && d.contains("name"))
        return FileKind::evidentlyProject;
    return FileKind::none;
}

void addSummaryMetrics(Normalised& n) {
    if (!n.drift.empty()) {
        // The first drift document of a run is its dataset verdict (a run holds one report).
        const json& d = n.drift.front();
        const double drifted = d.value("columns_drifted", 0.0);
        const double total = d.value("columns_total", 0.0);
        n.metrics.emplace_back("drift.columns_drifted", drifted);
        n.metrics.emplace_back("drift.columns_total", total);
        if (auto share = numberOf(d.value("share_drifted", json())))
            n.metrics.emplace_back("drift.share_of_drifted_columns", *share);
        n.metrics.emplace_back("drift.dataset_drift", d.value("verdict", std::string()) == "drift" ? 1.0 : 0.0);
    }
    if (!n.validation.empty()) {
        double evaluated = 0;
        double unsuccessful = 0;
        bool success = true;
        bool evaluatedKnown = true;
        for (const auto& v : n.validation) {
            const json& s = v["statistics"];
            if (s["evaluated"].is_number())
                evaluated += s["evaluated"].get<double>();
            else
                evaluatedKnown = false;
            unsuccessful += s["unsuccessful"].get<double>();
            success = success && v["success"].get<bool>();
        }
        n.metrics.emplace_back("validation.success", success ? 1.0 : 0.0);
        n.metrics.emplace_back("validation.unsuccessful", unsuccessful);
        if (evaluatedKnown) {
            n.metrics.emplace_back("validation.evaluated", evaluated);
            n.metrics.emplace_back("validation.successful", evaluated - unsuccessful);
            n.metrics.emplace_back("validation.success_percent",
                                   evaluated > 0 ? 100.0 * (evaluated - unsuccessful) / evaluated : 100.0);
        }
    }
}

Result<Normalised> normaliseFiles(const std::vector<ReportFile>& files) {
    Normalised out;
    std::map<FileKind, std::pair<json, std::string>> sagemaker;
    std::vector<json> tfdv;
    for (const auto& file : files) {
        if (file.path.ends_with(".pbtxt")) {
            if (guessKind(file.content, file.path) != FileKind::tfdvAnomalies)
                continue;
            auto doc = tfdvAnomaliesDocument(file.content, file.path, parentFolderName(file.path));
            if (!doc)
                return doc.error();
            tfdv.push_back(std::move(*doc));
            continue;
        }
        if (!file.path.ends_with(".json"))
            continue;
        auto parsed = parseReportJson(file.content, file.path);
        if (!parsed)
            return parsed.error();
        const FileKind kind = kindOf(*parsed);
        Result<Normalised> part = Normalised{};
        switch (kind) {
        case FileKind::evidentlyReport:
        case FileKind::evidentlySnapshot:
            part = normaliseEvidently(*parsed, file.path);
            break;
        case FileKind::greatExpectationsResult:
            part = normaliseGreatExpectations(*parsed, file.path);
            break;
        case FileKind::sagemakerStatistics:
        case FileKind::sagemakerConstraints:
        case FileKind::sagemakerViolations:
            sagemaker[kind] = {std::move(*parsed), file.path};
            continue;
        default:
            continue;
        }
        if (!part)
            return part.error();
        Normalised& p = *part;
        for (auto& d : p.drift)
            out.drift.push_back(std::move(d));
        for (auto& v : p.validation)
            out.validation.push_back(std::move(v));
        if (out.reportType.empty())
            out.reportType = p.reportType;
        if (!out.timeMs)
            out.timeMs = p.timeMs;
        if (out.suite.empty())
            out.suite = p.suite;
        if (out.name.empty())
            out.name = p.name;
        out.metrics.insert(out.metrics.end(), p.metrics.begin(), p.metrics.end());
        out.params.insert(out.params.end(), p.params.begin(), p.params.end());
    }
    if (!sagemaker.empty()) {
        SageMakerInputs in;
        if (auto it = sagemaker.find(FileKind::sagemakerStatistics); it != sagemaker.end()) {
            in.statistics = &it->second.first;
            in.statisticsFile = it->second.second;
        }
        if (auto it = sagemaker.find(FileKind::sagemakerConstraints); it != sagemaker.end()) {
            in.constraints = &it->second.first;
            in.constraintsFile = it->second.second;
        }
        if (auto it = sagemaker.find(FileKind::sagemakerViolations); it != sagemaker.end()) {
            in.violations = &it->second.first;
            in.violationsFile = it->second.second;
        }
        auto part = normaliseSageMaker(in);
        if (!part)
            return part.error();
        for (auto& v : part->validation)
            out.validation.push_back(std::move(v));
        out.metrics.insert(out.metrics.end(), part->metrics.begin(), part->metrics.end());
        if (out.reportType.empty())
            out.reportType = report_type::sagemaker;
    }
    if (!tfdv.empty()) {
        for (auto& d : tfdv)
            out.validation.push_back(std::move(d));
        if (out.reportType.empty())
            out.reportType = report_type::tfdv;
    }
    addSummaryMetrics(out);
    return out;
}

}  // namespace runlens::reports
