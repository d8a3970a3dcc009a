// SPDX-License-Identifier: MIT
// SageMaker Model Monitor (Deequ) statistics.json, constraints.json and constraint_violations.json.
#include "reportformats.h"
#include "reportjson.h"

#include <map>
#include <set>

namespace runlens::reports {
namespace {

using json = nlohmann::json;

struct FeatureStats {
    std::string inferredType;
    std::optional<double> present;
    std::optional<double> missing;
    std::optional<double> min;
    std::optional<double> max;
    std::vector<std::string> categories;  // values of the categorical distribution buckets
};

Result<std::map<std::string, FeatureStats>> readStatistics(const json& document, const std::string& file) {
    JsonCursor root(document, file);
    auto features = root["features"].array();
    if (!features)
        return features.error();
    std::map<std::string, FeatureStats> out;
    for (std::size_t i = 0; i < (*features)->size(); ++i) {
        JsonCursor f = root["features"].at(i);
        auto name = f["name"].string();
        if (!name)
            return name.error();
        auto type = f["inferred_type"].string();
        if (!type)
            return type.error();
        FeatureStats s;
        s.inferredType = *type;
        const JsonCursor stats = f.has("numerical_statistics") ? f["numerical_statistics"] : f["string_statistics"];
        if (!stats.value().is_null()) {
            if (auto obj = stats.object(); !obj)
                return obj.error();
            auto present = stats["common"]["num_present"].optionalNumber();
            auto missing = stats["common"]["num_missing"].optionalNumber();
            auto min = stats["min"].optionalNumber();
            auto max = stats["max"].optionalNumber();
            for (const auto* r : {&present, &missing, &min, &max})
                if (!*r)
                    return r->error();
            s.present = *present;
            s.missing = *missing;
            s.min = *min;
            s.max = *max;
            const JsonCursor buckets = stats["distribution"]["categorical"]["buckets"];
            if (!buckets.value().is_null()) {
                auto list = buckets.array();
                if (!list)
                    return list.error();
                for (std::size_t b = 0; b < (*list)->size(); ++b) {
                    const json& value = buckets.at(b)["value"].value();
                    if (!value.is_null())
                        s.categories.push_back(valueText(value));
                }
            }
        }
        out[*name] = std::move(s);
    }
    return out;
}

json result(const std::string& check, const std::string& column, bool success, const std::string& observed,
            json details) {
    return {{"check", check}, {"column", column}, {"success", success}, {"observed", observed}, {"details", details}};
}

// Checks the constraints the way Model Monitor's analyzer reports them, from the statistics of the same folder.
Result<json> evaluateConstraints(const json& constraints, const std::string& file,
                                 const std::map<std::string, FeatureStats>& statistics) {
    JsonCursor root(constraints, file);
    auto features = root["features"].array();
    if (!features)
        return features.error();
    json results = json::array();
    std::set<std::string> constrained;
    for (std::size_t i = 0; i < (*features)->size(); ++i) {
        JsonCursor f = root["features"].at(i);
        auto name = f["name"].string();
        if (!name)
            return name.error();
        constrained.insert(*name);
        auto type = f["inferred_type"].optionalString();
        auto completeness = f["completeness"].optionalNumber();
        auto nonNegative = f["num_constraints"]["is_non_negative"].optionalBoolean();
        if (!type)
            return type.error();
        if (!completeness)
            return completeness.error();
        if (!nonNegative)
            return nonNegative.error();
        auto it = statistics.find(*name);
        if (it == statistics.end()) {
            results.push_back(result("missing_column_check", *name, false, "not in the statistics", json::object()));
            continue;
        }
        const FeatureStats& s = it->second;
        if (*type) {
            // Model Monitor accepts Integral data where Fractional is expected.
            const bool ok = s.inferredType == **type || (**type == "Fractional" && s.inferredType == "Integral");
            results.push_back(result("data_type_check", *name, ok, s.inferredType, {{"expected", **type}}));
        }
        if (*completeness && s.present && s.missing) {
            const double total = *s.present + *s.missing;
            const double observed = total > 0 ? *s.present / total : 1.0;
            results.push_back(result("completeness_check", *name, observed >= **completeness, valueText(observed),
                                     {{"expected_at_least", numberJson(**completeness)}}));
        }
        if (*nonNegative && **nonNegative && s.min) {
            results.push_back(result("non_negative_check", *name, *s.min >= 0, "min " + valueText(*s.min),
                                     {{"expected", "min >= 0"}}));
        }
        const JsonCursor domains = f["string_constraints"]["domains"];
        if (!domains.value().is_null() && !s.categories.empty()) {
            auto list = domains.array();
            if (!list)
                return list.error();
            std::set<std::string> domain;
            for (const auto& v : **list)
                domain.insert(valueText(v));
            json outside = json::array();
            for (const auto& c : s.categories)
                if (!domain.contains(c))
                    outside.push_back(c);
            const std::string observed = outside.empty()
                                             ? std::to_string(s.categories.size()) + " values, all in the domain"
                                             : std::to_string(outside.size()) + " values outside the domain";
            results.push_back(result("categorical_values_check", *name, outside.empty(), observed,
                                     {{"outside_domain", outside}, {"domain_size", domain.size()}}));
        }
    }
    for (const auto& [name, s] : statistics)
        if (!constrained.contains(name))
            results.push_back(result("extra_column_check", name, false, "not in the constraints", json::object()));
    return results;
}

Result<json> violationResults(const json& violations, const std::string& file) {
    JsonCursor root(violations, file);
    auto list = root["violations"].array();
    if (!list)
        return list.error();
    json results = json::array();
    for (std::size_t i = 0; i < (*list)->size(); ++i) {
        JsonCursor v = root["violations"].at(i);
        auto feature = v["feature_name"].optionalString();
        auto check = v["constraint_check_type"].string();
        auto description = v["description"].optionalString();
        if (!feature)
            return feature.error();
        if (!check)
            return check.error();
        if (!description)
            return description.error();
        json entry = {{"check", *check},
                      {"column", *feature ? json(**feature) : json(nullptr)},
                      {"success", false},
                      {"observed", description->value_or("")},
                      {"details", json::object()}};
        results.push_back(std::move(entry));
    }
    return results;
}

}  // namespace

Result<Normalised> normaliseSageMaker(const SageMakerInputs& in) {
    Normalised out;
    out.reportType = report_type::sagemaker;
    std::map<std::string, FeatureStats> statistics;
    if (in.statistics) {
        auto s = readStatistics(*in.statistics, in.statisticsFile);
        if (!s)
            return s.error();
        statistics = std::move(*s);
        JsonCursor root(*in.statistics, in.statisticsFile);
        auto items = root["dataset"]["item_count"].optionalNumber();
        if (!items)
            return items.error();
        if (*items)
            out.metrics.emplace_back("dataset.item_count", **items);
        out.metrics.emplace_back("dataset.features", static_cast<double>(statistics.size()));
    }
    json results;
    std::string evaluatedBy;
    if (in.violations) {
        auto r = violationResults(*in.violations, in.violationsFile);
        if (!r)
            return r.error();
        results = std::move(*r);
        evaluatedBy = "sagemaker_model_monitor";
    } else if (in.constraints && in.statistics) {
        auto r = evaluateConstraints(*in.constraints, in.constraintsFile, statistics);
        if (!r)
            return r.error();
        results = std::move(*r);
        evaluatedBy = "runlens";
    } else {
        return out;  // statistics or constraints alone: a profile, nothing was checked
    }
    std::size_t successful = 0;
    for (const auto& r : results)
        successful += r["success"].get<bool>() ? 1 : 0;
    const std::size_t evaluated = results.size();
    json doc;
    doc["tool"] = "sagemaker_model_monitor";
    doc["suite"] = in.violations ? "constraint violations" : "constraints checked against statistics";
    doc["evaluated_at"] = nullptr;
    doc["success"] = successful == evaluated;
    // A violations file lists only what failed; how many checks ran is not in it.
    doc["statistics"] = {{"evaluated", in.violations ? json(nullptr) : json(evaluated)},
                         {"successful", in.violations ? json(nullptr) : json(successful)},
                         {"unsuccessful", evaluated - successful}};
    if (!in.violations)
        doc["statistics"]["success_percent"] =
            evaluated ? 100.0 * static_cast<double>(successful) / static_cast<double>(evaluated) : 100.0;
    doc["evaluated_by"] = evaluatedBy;
    doc["results"] = std::move(results);
    out.validation.push_back(std::move(doc));
    return out;
}

}  // namespace runlens::reports
