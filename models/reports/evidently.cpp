// SPDX-License-Identifier: MIT
// Evidently data-drift reports: the legacy Report.json() form (0.4, 0.5; possibly double-encoded) and the
// Evidently UI workspace snapshots, both into the drift document; snapshot test results into a validation
// document.
#include "reportformats.h"
#include "reportjson.h"
#include "validationdocument.h"

#include <algorithm>
#include <map>
#include <set>

namespace runlens::reports {
namespace {

using json = nlohmann::json;

std::string afterLastColon(const std::string& type) {
    const auto colon = type.rfind(':');
    return colon == std::string::npos ? type : type.substr(colon + 1);
}

// Evidently's stattest display names to the drift document's test ids.
std::string testId(const std::string& stattestName) {
    static const std::map<std::string, std::string> known{
        {"K-S p_value", "ks"},
        {"chi-square p_value", "chi_square"},
        {"Z-test p_value", "z_test"},
        {"Jensen-Shannon distance", "jensen_shannon"},
        {"Wasserstein distance (normed)", "wasserstein"},
        {"PSI", "psi"},
        {"Kullback-Leibler divergence", "kl_divergence"},
        {"Anderson-Darling p_value", "anderson_darling"},
        {"Fisher's Exact test p_value", "fisher_exact"},
        {"Cramer-von-Mises p_value", "cramer_von_mises"},
        {"Hellinger distance (normed)", "hellinger"},
        {"Energy-distance", "energy_distance"},
        {"Epps-Singleton p_value", "epps_singleton"},
        {"T-Test p_value", "t_test"},
        {"Mann-Whitney U-rank test p_value", "mann_whitney"},
        {"Total-Variation-Distance", "total_variation"},
        {"empirical_mmd", "empirical_mmd"},
    };
    if (auto it = known.find(stattestName); it != known.end())
        return it->second;
    std::string id;
    for (char c : stattestName) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            id += c;
        else if (c >= 'A' && c <= 'Z')
            id += static_cast<char>(c - 'A' + 'a');
        else if (!id.empty() && id.back() != '_')
            id += '_';
    }
    while (!id.empty() && id.back() == '_')
        id.pop_back();
    return id;
}

std::string columnType(const std::string& evidentlyType) {
    if (evidentlyType == "num")
        return "numeric";
    if (evidentlyType == "cat")
        return "categorical";
    if (evidentlyType == "text")
        return "text";
    if (evidentlyType == "datetime")
        return "datetime";
    return evidentlyType;
}

// A distribution {x, y}: x holds bin edges (numeric, n + 1) or category names, y the counts or densities.
struct Distribution {
    std::vector<json> x;
    std::vector<double> y;
};

Result<std::optional<Distribution>> readDistribution(const JsonCursor& c) {
    if (c.value().is_null())
        return std::optional<Distribution>();
    auto obj = c.object();
    if (!obj)
        return obj.error();
    auto xs = c["x"].array();
    if (!xs)
        return xs.error();
    auto ys = c["y"].array();
    if (!ys)
        return ys.error();
    Distribution d;
    for (std::size_t i = 0; i < (*xs)->size(); ++i)
        d.x.push_back((**xs)[i]);
    for (std::size_t i = 0; i < (*ys)->size(); ++i) {
        auto v = c["y"].at(i).number();
        if (!v)
            return v.error();
        d.y.push_back(*v);
    }
    return std::optional<Distribution>(std::move(d));
}

json numbers(const std::vector<double>& values) {
    json out = json::array();
    for (double v : values)
        out.push_back(numberJson(v));
    return out;
}

// Prefers the full "distribution" (counts over shared edges, snapshots) and falls back to "small_distribution"
// (densities, legacy reports) for numeric columns; categories are aligned by name.
Status addDistributions(json& column, const JsonCursor& entry, bool numeric) {
    std::optional<Distribution> reference;
    std::optional<Distribution> current;
    std::string valueKind;
    for (const char* field : {"distribution", "small_distribution"}) {
        auto r = readDistribution(entry["reference"][field]);
        if (!r)
            return r.error();
        auto c = readDistribution(entry["current"][field]);
        if (!c)
            return c.error();
        if (*r && *c) {
            reference = std::move(*r);
            current = std::move(*c);
            valueKind = std::string(field) == "distribution" ? "counts" : (numeric ? "density" : "counts");
            break;
        }
    }
    if (!reference || !current)
        return {};
    if (numeric) {
        auto edges = [](const Distribution& d) {
            json e = json::array();
            for (const auto& x : d.x)
                e.push_back(x);
            return e;
        };
        const bool sameEdges = reference->x == current->x && reference->x.size() == reference->y.size() + 1 &&
                               current->y.size() == reference->y.size();
        if (sameEdges) {
            column["histogram"] = {{"edges", edges(*reference)},
                                   {"reference", numbers(reference->y)},
                                   {"current", numbers(current->y)},
                                   {"values", valueKind}};
        } else {
            // Evidently bins each side over its own range; shared edges would misplace the bars.
            column["histograms"] = {{"reference", {{"edges", edges(*reference)}, {"values", numbers(reference->y)}}},
                                    {"current", {{"edges", edges(*current)}, {"values", numbers(current->y)}}},
                                    {"values", valueKind}};
        }
        return {};
    }
    std::vector<std::string> names;
    std::map<std::string, std::pair<double, double>> byName;
    auto add = [&](const Distribution& d, bool isReference) {
        for (std::size_t i = 0; i < d.x.size() && i < d.y.size(); ++i) {
            const std::string name = valueText(d.x[i]);
            if (!byName.contains(name))
                names.push_back(name);
            auto& slot = byName[name];
            (isReference ? slot.first : slot.second) = d.y[i];
        }
    };
    add(*reference, true);
    add(*current, false);
    json n = json::array(), r = json::array(), c = json::array();
    for (const auto& name : names) {
        n.push_back(name);
        r.push_back(numberJson(byName[name].first));
        c.push_back(numberJson(byName[name].second));
    }
    column["categories"] = {{"names", n}, {"reference", r}, {"current", c}, {"values", valueKind}};
    return {};
}

// One column of DataDriftTable.drift_by_columns, or a ColumnDriftMetric result.
Result<json> driftColumn(const JsonCursor& entry, const std::string& fallbackName) {
    if (auto obj = entry.object(); !obj)
        return obj.error();
    auto name = entry["column_name"].optionalString();
    if (!name)
        return name.error();
    auto type = entry["column_type"].string();
    if (!type)
        return type.error();
    auto stattest = entry["stattest_name"].string();
    if (!stattest)
        return stattest.error();
    auto threshold = entry["stattest_threshold"].optionalNumber();
    if (!threshold)
        return threshold.error();
    auto score = entry["drift_score"].number();
    if (!score)
        return score.error();
    auto detected = entry["drift_detected"].boolean();
    if (!detected)
        return detected.error();
    const bool pValue = stattest->ends_with("p_value");
    json column;
    column["column"] = name->value_or(fallbackName);
    column["type"] = columnType(*type);
    column["test"] = testId(*stattest);
    column["test_name"] = *stattest;
    // Evidently reports one score per column: a p-value for the tests, a distance otherwise. The test statistic
    // itself is not in the report, so it stays null for p-value tests.
    column["statistic"] = pValue ? json(nullptr) : numberJson(*score);
    column["p_value"] = pValue ? numberJson(*score) : json(nullptr);
    column["threshold"] = *threshold ? numberJson(**threshold) : json(nullptr);
    column["drift"] = *detected;
    column["statistics"] = {{"drift_score", numberJson(*score)}};
    column["reference_summary"] = json::object();
    column["current_summary"] = json::object();
    if (Status s = addDistributions(column, entry, *type == "num"); !s)
        return s.error();
    return column;
}

struct DriftParts {
    std::optional<json> summary;  // DatasetSummaryMetric result: row counts of both sides
    std::optional<json> dataset;  // DatasetDriftMetric result
    std::optional<JsonCursor> table;
    std::vector<JsonCursor> columns;  // ColumnDriftMetric results
};

Result<json> driftDocument(const DriftParts& parts, const std::string& file, const std::string& version) {
    json columns = json::array();
    std::set<std::string> seen;
    std::optional<double> tableTotal;
    std::optional<double> tableDrifted;
    std::optional<bool> tableVerdict;
    if (parts.table) {
        const JsonCursor& table = *parts.table;
        auto byColumns = table["drift_by_columns"].object();
        if (!byColumns)
            return byColumns.error();
        for (auto it = (*byColumns)->begin(); it != (*byColumns)->end(); ++it) {
            auto column = driftColumn(table["drift_by_columns"].child(it.value(), it.key()), it.key());
            if (!column)
                return column.error();
            seen.insert((*column)["column"].get<std::string>());
            columns.push_back(std::move(*column));
        }
        auto total = table["number_of_columns"].optionalNumber();
        auto drifted = table["number_of_drifted_columns"].optionalNumber();
        auto verdict = table["dataset_drift"].optionalBoolean();
        if (!total)
            return total.error();
        if (!drifted)
            return drifted.error();
        if (!verdict)
            return verdict.error();
        tableTotal = *total;
        tableDrifted = *drifted;
        tableVerdict = *verdict;
    }
    for (const auto& entry : parts.columns) {
        auto column = driftColumn(entry, {});
        if (!column)
            return column.error();
        if (seen.insert((*column)["column"].get<std::string>()).second)
            columns.push_back(std::move(*column));
    }
    std::size_t drifted = 0;
    for (const auto& c : columns)
        drifted += c["drift"].get<bool>() ? 1 : 0;
    json doc;
    double total = static_cast<double>(columns.size());
    double driftedCount = static_cast<double>(drifted);
    std::optional<bool> verdict;
    std::optional<double> driftShare;
    if (parts.dataset) {
        JsonCursor d(*parts.dataset, file);
        auto t = d["number_of_columns"].number();
        auto n = d["number_of_drifted_columns"].number();
        auto v = d["dataset_drift"].boolean();
        auto s = d["drift_share"].optionalNumber();
        if (!t)
            return t.error();
        if (!n)
            return n.error();
        if (!v)
            return v.error();
        if (!s)
            return s.error();
        total = *t;
        driftedCount = *n;
        verdict = *v;
        driftShare = *s;
    } else if (tableTotal) {
        total = *tableTotal;
        driftedCount = tableDrifted.value_or(driftedCount);
        verdict = tableVerdict;
    }
    if (!verdict)
        verdict = total > 0 && driftedCount / total >= 0.5;
    doc["verdict"] = *verdict ? "drift" : "no_drift";
    doc["policy"] = "evidently";
    doc["columns_drifted"] = static_cast<std::int64_t>(driftedCount);
    doc["columns_total"] = static_cast<std::int64_t>(total);
    doc["share_drifted"] = total > 0 ? numberJson(driftedCount / total) : json(0.0);
    auto rowsOf = [&](const char* side) {
        if (!parts.summary || !parts.summary->contains(side) || !(*parts.summary)[side].is_object())
            return json(nullptr);
        const json& rows = (*parts.summary)[side].value("number_of_rows", json());
        return rows.is_number() ? rows : json(nullptr);
    };
    doc["reference"] = {{"path", nullptr}, {"rows", rowsOf("reference")}};
    doc["current"] = {{"path", nullptr}, {"rows", rowsOf("current")}};
    doc["columns"] = std::move(columns);
    doc["problems"] = json::array();
    doc["source"] = {{"tool", "evidently"}, {"version", version}, {"file", file}};
    if (driftShare)
        doc["drift_share"] = numberJson(*driftShare);
    return doc;
}

Result<Normalised> legacyReport(const JsonCursor& root, const std::string& file) {
    auto metrics = root["metrics"].array();
    if (!metrics)
        return metrics.error();
    auto version = root["version"].optionalString();
    if (!version)
        return version.error();
    Normalised out;
    DriftParts parts;
    for (std::size_t i = 0; i < (*metrics)->size(); ++i) {
        JsonCursor m = root["metrics"].at(i);
        auto name = m["metric"].string();
        if (!name)
            return name.error();
        if (*name == "DatasetDriftMetric") {
            if (auto r = m["result"].object(); !r)
                return r.error();
            parts.dataset = m["result"].value();
        } else if (*name == "DataDriftTable") {
            if (auto r = m["result"].object(); !r)
                return r.error();
            parts.table = m["result"];
        } else if (*name == "ColumnDriftMetric") {
            parts.columns.push_back(m["result"]);
        }
    }
    if (auto ts = root["timestamp"].optionalString(); !ts) {
        return ts.error();
    } else if (*ts) {
        out.timeMs = parseTimeMs(**ts);
    }
    out.params.emplace_back("evidently.version", version->value_or(""));
    if (parts.dataset || parts.table || !parts.columns.empty()) {
        auto doc = driftDocument(parts, file, version->value_or(""));
        if (!doc)
            return doc.error();
        out.drift.push_back(std::move(*doc));
        out.reportType = report_type::evidentlyDrift;
    } else {
        out.reportType = report_type::evidentlyOther;
    }
    return out;
}

// Quality metrics of a ClassificationQualityMetric / RegressionQualityMetric result: the current batch's scalars.
void addQualityMetrics(Normalised& out, const json& result, const std::string& prefix) {
    const auto current = result.find("current");
    if (current == result.end() || !current->is_object())
        return;
    for (auto it = current->begin(); it != current->end(); ++it) {
        if (it.value().is_number() || (it.value().is_string() && numberOf(it.value())))
            out.metrics.emplace_back(prefix + it.key(), *numberOf(it.value()));
    }
}

Result<json> testsDocument(const JsonCursor& suite, const std::string& suiteName, const std::string& evaluatedAt) {
    json results = json::array();
    auto tests = suite["test_results"].array();
    if (!tests)
        return tests.error();
    for (std::size_t i = 0; i < (*tests)->size(); ++i) {
        JsonCursor t = suite["test_results"].at(i);
        auto name = t["name"].string();
        if (!name)
            return name.error();
        auto status = t["status"].string();
        if (!status)
            return status.error();
        auto description = t["description"].optionalString();
        if (!description)
            return description.error();
        json column = nullptr;
        const json& parameters = t["parameters"].value();
        if (parameters.is_object() && parameters.contains("column_name") && parameters["column_name"].is_string())
            column = parameters["column_name"];
        const JsonCursor config = suite["tests"].at(i);
        if (column.is_null() && config["column_name"]["name"].value().is_string())
            column = config["column_name"]["name"].value();
        const bool success = *status == "SUCCESS";
        json details = {{"status", *status}};
        if (t["group"].value().is_string())
            details["group"] = t["group"].value();
        if (!parameters.is_null())
            details["parameters"] = parameters;
        if (config.value().is_object() && config["type"].value().is_string())
            details["test_type"] = afterLastColon(config["type"].value().get<std::string>());
        results.push_back({{"check", *name},
                           {"column", column},
                           {"success", success},
                           {"observed", description->value_or("")},
                           {"details", details}});
    }
    return validationDocument("evidently", suiteName, evaluatedAt.empty() ? std::nullopt : std::optional(evaluatedAt),
                              std::move(results));
}

Result<Normalised> snapshot(const JsonCursor& root, const std::string& file) {
    Normalised out;
    const JsonCursor suite = root["suite"];
    if (auto obj = suite.object(); !obj)
        return obj.error();
    auto results = suite["metric_results"].array();
    if (!results)
        return results.error();
    DriftParts parts;
    bool classification = false;
    for (std::size_t i = 0; i < (*results)->size(); ++i) {
        JsonCursor r = suite["metric_results"].at(i);
        auto type = r["type"].string();
        if (!type)
            return type.error();
        const std::string kind = afterLastColon(*type);
        if (kind == "DatasetDriftMetricResults")
            parts.dataset = r.value();
        else if (kind == "DatasetSummaryMetricResult")
            parts.summary = r.value();
        else if (kind == "DataDriftTableResults")
            parts.table = r;
        else if (kind == "ColumnDataDriftMetrics")
            parts.columns.push_back(r);
        else if (kind == "ClassificationQualityMetricResult") {
            classification = true;
            addQualityMetrics(out, r.value(), "classification.");
        } else if (kind == "RegressionQualityMetricResults")
            addQualityMetrics(out, r.value(), "regression.");
    }
    auto ts = root["timestamp"].optionalString();
    if (!ts)
        return ts.error();
    if (*ts)
        out.timeMs = parseTimeMs(**ts);
    auto name = root["name"].optionalString();
    if (!name)
        return name.error();
    out.name = name->value_or("");
    const json& tags = root["tags"].value();
    if (tags.is_array() && !tags.empty())
        out.params.emplace_back("evidently.tags", valueText(tags));
    const json& metadata = root["metadata"].value();
    if (metadata.is_object())
        for (auto it = metadata.begin(); it != metadata.end(); ++it)
            out.params.emplace_back("evidently.metadata." + it.key(), valueText(it.value()));
    if (parts.dataset || parts.table || !parts.columns.empty()) {
        auto doc = driftDocument(parts, file, {});
        if (!doc)
            return doc.error();
        out.drift.push_back(std::move(*doc));
    }
    const json& tests = suite["test_results"].value();
    if (tests.is_array() && !tests.empty()) {
        std::string suiteName = "Evidently tests";
        if (metadata.is_object() && metadata.contains("test_presets") && metadata["test_presets"].is_array()) {
            std::string presets;
            for (const auto& p : metadata["test_presets"])
                presets += (presets.empty() ? "" : ", ") + valueText(p);
            if (!presets.empty())
                suiteName = presets;
        }
        auto doc = testsDocument(suite, suiteName, out.timeMs ? isoTime(*out.timeMs) : std::string());
        if (!doc)
            return doc.error();
        out.validation.push_back(std::move(*doc));
    }
    if (!out.drift.empty())
        out.reportType = report_type::evidentlyDrift;
    else if (!out.validation.empty())
        out.reportType = report_type::evidentlyTests;
    else if (classification)
        out.reportType = report_type::evidentlyClassification;
    else
        out.reportType = report_type::evidentlyOther;
    return out;
}

}  // namespace

Result<Normalised> normaliseEvidently(const json& document, const std::string& file) {
    JsonCursor root(document, file);
    if (auto obj = root.object(); !obj)
        return obj.error();
    if (root.has("suite"))
        return snapshot(root, file);
    return legacyReport(root, file);
}

}  // namespace runlens::reports
