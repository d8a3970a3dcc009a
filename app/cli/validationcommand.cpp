// SPDX-License-Identifier: MIT
#include "validationcommand.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cli.h"
#include "reports/reportjson.h"
#include "reports/reportloader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <ostream>

namespace runlens::cli {
namespace {

using nlohmann::json;

int usage(std::ostream& err, const std::string& message) {
    err << "runlens: " << message << "\nTry 'runlens --help'.\n";
    return exitUsage;
}

std::string oneLine(std::string text, std::size_t width) {
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    if (text.size() > width) {
        std::size_t cut = width - 1;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
            --cut;
        text = text.substr(0, cut) + "~";
    }
    return text;
}

std::size_t displayWidth(const std::string& s) {
    return static_cast<std::size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void printRows(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths.resize(std::max(widths.size(), row.size()));
            widths[i] = std::max(widths[i], displayWidth(row[i]));
        }
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(widths[i] - displayWidth(row[i]) + 2, ' ');
        }
        out << line << '\n';
    }
}

std::string text(const json& v) {
    return v.is_null() ? std::string("-") : reports::valueText(v);
}

void printValidation(std::ostream& out, const json& doc) {
    const json& s = doc["statistics"];
    std::string counts = text(s["unsuccessful"]) + " failed";
    if (s["evaluated"].is_number())
        counts = text(s["successful"]) + "/" + text(s["evaluated"]) + " passed";
    out << text(doc["tool"]) << "  " << text(doc["suite"]) << "  " << text(doc["evaluated_at"]) << "  "
        << (doc["success"].get<bool>() ? "PASSED" : "FAILED") << "  " << counts << '\n';
    std::vector<std::vector<std::string>> rows{{"STATUS", "CHECK", "COLUMN", "OBSERVED"}};
    for (const auto& r : doc["results"])
        rows.push_back({r["success"].get<bool>() ? "pass" : "FAIL", oneLine(text(r["check"]), 48),
                        oneLine(text(r["column"]), 32), oneLine(text(r["observed"]), 80)});
    printRows(out, rows);
}

void printDrift(std::ostream& out, const json& doc) {
    out << "drift  " << text(doc["verdict"]) << "  " << text(doc["columns_drifted"]) << " of "
        << text(doc["columns_total"]) << " columns drifted (policy " << text(doc["policy"]) << ")\n";
    std::vector<std::vector<std::string>> rows{
        {"COLUMN", "TYPE", "TEST", "STATISTIC", "P-VALUE", "THRESHOLD", "DRIFT"}};
    std::vector<const json*> columns;
    for (const auto& c : doc["columns"])
        columns.push_back(&c);
    // Drifted columns first, then by name, as the drift view lists them.
    std::stable_sort(columns.begin(), columns.end(), [](const json* a, const json* b) {
        return (*a)["drift"].get<bool>() && !(*b)["drift"].get<bool>();
    });
    for (const json* c : columns)
        rows.push_back({oneLine(text((*c)["column"]), 32), text((*c)["type"]), text((*c)["test"]),
                        text((*c)["statistic"]), text((*c)["p_value"]), text((*c)["threshold"]),
                        (*c)["drift"].get<bool>() ? "DRIFT" : "-"});
    printRows(out, rows);
}

struct Loaded {
    RunRow run;
    reports::RunReports reports;
};

// Finds RUN and loads its documents; prints the error and returns nullopt when that fails.
std::optional<Loaded> load(const std::string& cachePath, const std::string& runText, std::ostream& err) {
    auto cache = Cache::openExisting(cachePath);
    if (!cache) {
        err << "error: " << cache.error().toString() << '\n';
        return std::nullopt;
    }
    CacheReader reader(*cache);
    auto runs = reader.findRuns(runText);
    if (!runs) {
        err << "error: " << runs.error().toString() << '\n';
        return std::nullopt;
    }
    if (runs->empty()) {
        err << "error: no run with id '" << runText << "' in " << cache->path() << " (see 'runlens ls runs')\n";
        return std::nullopt;
    }
    if (runs->size() > 1) {
        err << "error: run id '" << runText << "' is ambiguous; use a cache id:\n";
        for (const auto& r : *runs)
            err << "  " << r.id << "  " << r.sourcePath << '\n';
        return std::nullopt;
    }
    auto loaded = reports::loadRunReports(reader, runs->front());
    if (!loaded) {
        err << "error: " << loaded.error().toString() << '\n';
        return std::nullopt;
    }
    return Loaded{runs->front(), std::move(*loaded)};
}

Status checkArguments(const std::string& command, const std::vector<std::string>& positional,
                      const std::vector<std::string>& flags) {
    if (positional.size() != 2)
        return Error{{}, {}, command + " needs one RUN"};
    for (const auto& flag : flags)
        if (flag != "--json")
            return Error{{}, {}, "unknown option for " + command + ": " + flag};
    return {};
}

bool allPassed(const std::vector<json>& validations) {
    return std::all_of(validations.begin(), validations.end(), [](const json& v) { return v["success"].get<bool>(); });
}

std::string dump(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace

int commandValidation(const std::string& cachePath, const std::vector<std::string>& positional,
                      const std::vector<std::string>& flags, std::ostream& out, std::ostream& err) {
    if (Status s = checkArguments("validation", positional, flags); !s)
        return usage(err, s.error().message);
    auto loaded = load(cachePath, positional[1], err);
    if (!loaded)
        return exitFailure;
    const auto& validations = loaded->reports.validation;
    if (validations.empty()) {
        err << "error: run " << loaded->run.id << " (" << loaded->run.run.externalId << ") has no validation results"
            << (loaded->reports.reportType.empty() ? std::string(" (it is not an imported report)")
                                                   : " (report type " + loaded->reports.reportType + ")")
            << '\n';
        return exitFailure;
    }
    if (std::find(flags.begin(), flags.end(), "--json") != flags.end()) {
        out << dump(json(validations)) << '\n';
    } else {
        for (std::size_t i = 0; i < validations.size(); ++i) {
            if (i > 0)
                out << '\n';
            printValidation(out, validations[i]);
        }
    }
    return allPassed(validations) ? exitOk : exitFailure;
}

int commandReport(const std::string& cachePath, const std::vector<std::string>& positional,
                  const std::vector<std::string>& flags, std::ostream& out, std::ostream& err) {
    if (Status s = checkArguments("report", positional, flags); !s)
        return usage(err, s.error().message);
    auto loaded = load(cachePath, positional[1], err);
    if (!loaded)
        return exitFailure;
    const auto& r = loaded->reports;
    if (r.reportType.empty()) {
        err << "error: run " << loaded->run.id << " (" << loaded->run.run.externalId
            << ") is not an imported report; import Evidently, Great Expectations, SageMaker Model Monitor or TFX "
               "output to get one\n";
        return exitFailure;
    }
    const bool drifted =
        std::any_of(r.drift.begin(), r.drift.end(), [](const json& d) { return d["verdict"] == "drift"; });
    if (std::find(flags.begin(), flags.end(), "--json") != flags.end()) {
        out << dump({{"run", loaded->run.id},
                     {"external_id", loaded->run.run.externalId},
                     {"report_type", r.reportType},
                     {"drift", r.drift},
                     {"validation", r.validation}})
            << '\n';
    } else {
        out << "run " << loaded->run.id << "  " << loaded->run.run.name << "  [" << r.reportType << "]\n";
        for (const auto& d : r.drift) {
            out << '\n';
            printDrift(out, d);
        }
        for (const auto& v : r.validation) {
            out << '\n';
            printValidation(out, v);
        }
        if (r.drift.empty() && r.validation.empty())
            out << "\n(no drift or validation documents; the report's metrics are in 'runlens ls runs --json')\n";
    }
    return !drifted && allPassed(r.validation) ? exitOk : exitFailure;
}

}  // namespace runlens::cli
