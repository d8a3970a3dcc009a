// SPDX-License-Identifier: MIT
// Great Expectations validation results (ExpectationSuiteValidationResult), 0.x and 1.x field names.
#include "reportformats.h"
#include "reportjson.h"

#include <cmath>
#include <cstdio>

namespace runlens::reports {
namespace {

using json = nlohmann::json;

constexpr std::size_t maxObservedChars = 200;

std::string shorten(std::string text) {
    if (text.size() > maxObservedChars) {
        std::size_t cut = maxObservedChars;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
            --cut;  // never split a UTF-8 sequence
        text = text.substr(0, cut) + "...";
    }
    return text;
}

std::string percentText(double p) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g%%", p);
    return buffer;
}

// What the expectation saw, in one line: the observed value when there is one, else the unexpected count.
std::string observedText(const json& result, const json& exception) {
    if (exception.is_object() && exception.value("raised_exception", false)) {
        const json& message = exception.contains("exception_message") ? exception["exception_message"] : json();
        return shorten("exception: " +
                       (message.is_string() ? message.get<std::string>() : std::string("(no message)")));
    }
    if (!result.is_object())
        return {};
    if (auto it = result.find("observed_value"); it != result.end())
        return shorten(valueText(*it));
    if (auto it = result.find("unexpected_count"); it != result.end() && numberOf(*it)) {
        std::string text = valueText(*it) + " unexpected";
        if (auto count = result.find("element_count"); count != result.end() && numberOf(*count))
            text += " of " + valueText(*count);
        if (auto p = result.find("unexpected_percent"); p != result.end() && numberOf(*p))
            text += " (" + percentText(*numberOf(*p)) + ")";
        if (auto list = result.find("partial_unexpected_list");
            list != result.end() && list->is_array() && !list->empty())
            text += ": " + valueText(*list);
        return shorten(text);
    }
    return {};
}

}  // namespace

Result<Normalised> normaliseGreatExpectations(const json& document, const std::string& file) {
    JsonCursor root(document, file);
    if (auto obj = root.object(); !obj)
        return obj.error();
    auto success = root["success"].boolean();
    if (!success)
        return success.error();
    auto results = root["results"].array();
    if (!results)
        return results.error();
    const JsonCursor meta = root["meta"];
    if (!meta.value().is_null())
        if (auto obj = meta.object(); !obj)
            return obj.error();
    std::string suite;
    for (const char* key : {"expectation_suite_name", "suite_name"}) {
        auto s = meta[key].optionalString();
        if (!s)
            return s.error();
        if (*s && suite.empty())
            suite = **s;
    }
    if (suite.empty()) {
        auto s = root["suite_name"].optionalString();
        if (!s)
            return s.error();
        suite = s->value_or("");
    }
    Normalised out;
    out.reportType = report_type::greatExpectations;
    out.suite = suite;

    // validation_time is the real UTC; run_time is often local wall-clock time labelled +00:00.
    std::optional<std::int64_t> time;
    auto validationTime = meta["validation_time"].optionalString();
    if (!validationTime)
        return validationTime.error();
    if (*validationTime)
        time = parseTimeMs(**validationTime);
    const JsonCursor runId = meta["run_id"];
    std::optional<std::string> runName;
    if (runId.value().is_object()) {
        auto rn = runId["run_name"].optionalString();
        if (!rn)
            return rn.error();
        runName = *rn;
        auto rt = runId["run_time"].optionalString();
        if (!rt)
            return rt.error();
        if (*rt) {
            out.params.emplace_back("ge.run_time", **rt);
            if (!time)
                time = parseTimeMs(**rt);
        }
    }
    out.timeMs = time;
    out.name = runName.value_or("");
    if (runName)
        out.params.emplace_back("ge.run_name", *runName);
    for (const char* key : {"great_expectations_version", "checkpoint_name"}) {
        if (meta[key].value().is_string())
            out.params.emplace_back(std::string("ge.") + key, meta[key].value().get<std::string>());
    }
    const json& markers = meta["batch_markers"].value();
    if (markers.is_object() && markers.contains("pandas_data_fingerprint") &&
        markers["pandas_data_fingerprint"].is_string())
        out.params.emplace_back("ge.data_fingerprint", markers["pandas_data_fingerprint"].get<std::string>());
    for (const char* holder : {"active_batch_definition", "batch_kwargs", "batch_spec"}) {
        const json& b = meta[holder].value();
        if (b.is_object() && b.contains("data_asset_name") && b["data_asset_name"].is_string()) {
            out.params.emplace_back("ge.data_asset_name", b["data_asset_name"].get<std::string>());
            break;
        }
    }

    json checks = json::array();
    std::size_t successful = 0;
    for (std::size_t i = 0; i < (*results)->size(); ++i) {
        JsonCursor r = root["results"].at(i);
        if (auto obj = r.object(); !obj)
            return obj.error();
        auto passed = r["success"].boolean();
        if (!passed)
            return passed.error();
        const JsonCursor config = r["expectation_config"];
        if (auto obj = config.object(); !obj)
            return obj.error();
        std::string check;
        for (const char* key : {"expectation_type", "type"}) {
            auto t = config[key].optionalString();
            if (!t)
                return t.error();
            if (*t && check.empty())
                check = **t;
        }
        if (check.empty())
            return config.error("the expectation has neither expectation_type nor type");
        const JsonCursor kwargs = config["kwargs"];
        json column = nullptr;
        if (kwargs.value().is_object()) {
            if (kwargs["column"].value().is_string())
                column = kwargs["column"].value();
            else if (kwargs["column_A"].value().is_string() && kwargs["column_B"].value().is_string())
                column = kwargs["column_A"].value().get<std::string>() + ", " +
                         kwargs["column_B"].value().get<std::string>();
        }
        json details = json::object();
        if (kwargs.value().is_object()) {
            json shown = kwargs.value();
            shown.erase("batch_id");
            shown.erase("result_format");
            details["kwargs"] = shown;
        }
        if (!r["result"].value().is_null())
            details["result"] = r["result"].value();
        const json& exception = r["exception_info"].value();
        if (exception.is_object() && exception.value("raised_exception", false))
            details["exception_info"] = exception;
        successful += *passed ? 1 : 0;
        checks.push_back({{"check", check},
                          {"column", column},
                          {"success", *passed},
                          {"observed", observedText(r["result"].value(), exception)},
                          {"details", details}});
    }
    // The tool's own statistics are kept when present; they are recomputed when a version left one out.
    const JsonCursor stats = root["statistics"];
    auto evaluated = stats["evaluated_expectations"].optionalNumber();
    auto succeeded = stats["successful_expectations"].optionalNumber();
    auto percent = stats["success_percent"].optionalNumber();
    for (const auto* r : {&evaluated, &succeeded, &percent})
        if (!*r)
            return r->error();
    const double evaluatedCount = evaluated->value_or(static_cast<double>(checks.size()));
    const double successfulCount = succeeded->value_or(static_cast<double>(successful));
    json doc;
    doc["tool"] = "great_expectations";
    doc["suite"] = suite;
    doc["evaluated_at"] = out.timeMs ? json(isoTime(*out.timeMs)) : json(nullptr);
    doc["success"] = *success;
    doc["statistics"] = {{"evaluated", static_cast<std::int64_t>(evaluatedCount)},
                         {"successful", static_cast<std::int64_t>(successfulCount)},
                         {"unsuccessful", static_cast<std::int64_t>(evaluatedCount - successfulCount)},
                         {"success_percent",
                          *percent
                              ? numberJson(**percent)
                              : (evaluatedCount > 0 ? json(100.0 * successfulCount / evaluatedCount) : json(nullptr))}};
    doc["results"] = std::move(checks);
    if (runName)
        doc["run_name"] = *runName;
    out.validation.push_back(std::move(doc));
    return out;
}

}  // namespace runlens::reports
