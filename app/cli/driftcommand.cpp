// SPDX-License-Identifier: MIT
#include "driftcommand.h"

#include "analysis/driftpolicy.h"
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/defaultpath.h"
#include "datasets/datasetdrift.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace runlens::cli {
namespace {

using nlohmann::json;

constexpr const char* driftUsage = R"(Usage: runlens [--cache FILE] drift --reference FILE --current FILE [OPTIONS]

Compares two datasets (CSV, TSV or JSON Lines) column by column and says whether the
current one drifted from the reference under a policy.

Options:
  --reference FILE     The reference (training, baseline) data.
  --current FILE       The current (serving, new) data.
  --policy P           'default' (PSI > 0.25 or a KS / chi-square / Z p-value < 0.01 per
                       column; any drifted column is dataset drift), 'evidently' (Evidently's
                       DataDriftPreset tests; half the columns drifted is dataset drift), or a
                       YAML / JSON policy file.
  --json               Print the drift document (the JSON contract in the README).
  --run RUN            Also store the result with this run of the cache (kind 'drift').
  --predictions        The files are predictions: compare the score column, and with labels
                       the Brier score (an increase over the policy's brier_degradation alerts).
  --score-col NAME     The score column (default: detected, e.g. 'score', 'probability').
  --label-col NAME     The true label column (default: detected, e.g. 'label', 'y_true').
  --positive VALUE     The label value the score is the probability of (default: 1 or true).
  --no-header          The delimited files have no header line.
  --memory-limit MB    Memory for the kept values of both files (default 256); larger files are
                       summarised per column within it.

Exit status: 0 no drift, 1 drift, 2 usage error, 3 an input could not be read (a data file,
the policy, the cache or the run; the message on stderr names the file and the row).
)";

struct DriftArguments {
    std::string cachePath;
    std::string reference;
    std::string current;
    std::string policy = "default";
    std::string run;
    bool json = false;
    bool predictions = false;
    bool noHeader = false;
    datasets::PredictionColumns columns;
    std::size_t memoryLimitMb = 256;
};

int usage(std::ostream& err, const std::string& message) {
    err << "runlens drift: " << message << "\nTry 'runlens drift --help'.\n";
    return 2;
}

std::string formatNumber(const json& v) {
    if (v.is_null())
        return "-";
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return v.get<bool>() ? "yes" : "no";
    char buffer[32];
    const double d = v.get<double>();
    if (d != 0 && (std::fabs(d) < 1e-4 || std::fabs(d) >= 1e6))
        std::snprintf(buffer, sizeof buffer, "%.3g", d);
    else
        std::snprintf(buffer, sizeof buffer, "%.4f", d);
    return buffer;
}

void printText(const json& doc, std::ostream& out) {
    const bool drift = doc["verdict"] == "drift";
    out << (drift ? "DRIFT" : "no drift") << ": " << doc["columns_drifted"].get<std::int64_t>() << " of "
        << doc["columns_total"].get<std::int64_t>() << " columns drifted under policy "
        << doc["policy"].get<std::string>() << '\n';
    out << "reference: " << doc["reference"]["path"].get<std::string>() << " ("
        << doc["reference"]["rows"].get<std::int64_t>() << " rows)\n";
    out << "current:   " << doc["current"]["path"].get<std::string>() << " ("
        << doc["current"]["rows"].get<std::int64_t>() << " rows)\n\n";
    std::vector<std::vector<std::string>> rows = {
        {"COLUMN", "TYPE", "TEST", "STATISTIC", "P-VALUE", "THRESHOLD", "DRIFT"}};
    for (const auto& c : doc["columns"]) {
        std::string name = c["column"].get<std::string>();
        for (auto& ch : name)
            ch = (ch == '\n' || ch == '\t' || ch == '\r') ? ' ' : ch;
        if (name.size() > 40)
            name = name.substr(0, 39) + "~";
        rows.push_back({name, c["type"].get<std::string>(), c["test"].get<std::string>(), formatNumber(c["statistic"]),
                        formatNumber(c["p_value"]), formatNumber(c["threshold"]),
                        c["drift"].get<bool>() ? "DRIFT" : "-"});
    }
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& row : rows)
        for (std::size_t i = 0; i < row.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size())
                line += std::string(widths[i] - row[i].size() + 2, ' ');
        }
        out << line << '\n';
    }
    if (doc.contains("predictions")) {
        const auto& p = doc["predictions"];
        if (p.contains("brier_degradation")) {
            out << "\nBrier score: reference " << formatNumber(p["reference_brier"]) << ", current "
                << formatNumber(p["current_brier"]) << ", degradation " << formatNumber(p["brier_degradation"])
                << " (alert above " << formatNumber(p["brier_threshold"]) << ")"
                << (p["brier_alert"].get<bool>() ? " ALERT" : "") << '\n';
        }
    }
    if (!doc["problems"].empty()) {
        out << "\nproblems:\n";
        for (const auto& p : doc["problems"]) {
            out << "  " << p["file"].get<std::string>();
            if (p.contains("line") && p["line"].is_number())
                out << ", line " << p["line"].get<std::int64_t>();
            if (p["column"].is_string())
                out << ", column '" << p["column"].get<std::string>() << "'";
            out << ": " << p["message"].get<std::string>() << '\n';
        }
    }
}

int storeWithRun(const DriftArguments& args, const json& doc, std::ostream& err) {
    auto cache = Cache::openExisting(args.cachePath);
    if (!cache) {
        err << "error: " << cache.error().toString() << '\n';
        return exitDriftReadError;
    }
    CacheReader reader(*cache);
    auto runs = reader.findRuns(args.run);
    if (!runs) {
        err << "error: " << runs.error().toString() << '\n';
        return exitDriftReadError;
    }
    if (runs->size() != 1) {
        err << "error: " << (runs->empty() ? "no run" : "more than one run") << " with id '" << args.run << "' in "
            << cache->path() << " (see 'runlens ls runs')\n";
        return exitDriftReadError;
    }
    AnalysisRow row;
    row.runId = runs->front().id;
    row.kind = std::string(analysis_kind::drift);
    row.name = std::filesystem::path(args.reference).filename().string() + " vs " +
               std::filesystem::path(args.current).filename().string();
    row.inputsJson = json{{"reference", std::filesystem::absolute(args.reference).string()},
                          {"current", std::filesystem::absolute(args.current).string()},
                          {"policy", args.policy},
                          {"predictions", args.predictions}}
                         .dump();
    row.resultJson = doc.dump(-1, ' ', false, json::error_handler_t::replace);
    auto saved = saveAnalysis(*cache, row);
    if (!saved) {
        err << "error: " << saved.error().toString() << '\n';
        return exitDriftReadError;
    }
    return 0;
}

}  // namespace

std::optional<int> runDriftCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    // Find the command word, skipping global options.
    int commandAt = -1;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--cache") {
            ++i;
            continue;
        }
        if (arg.starts_with("-"))
            continue;
        commandAt = i;
        break;
    }
    if (commandAt < 0 || std::string(argv[commandAt]) != "drift")
        return std::nullopt;

    DriftArguments args;
    args.cachePath = defaultCachePath();
    for (int i = 1; i < argc; ++i) {
        if (i == commandAt)
            continue;
        std::string arg = argv[i];
        std::string value;
        bool hasInlineValue = false;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            hasInlineValue = true;
        }
        const auto takeValue = [&](std::string& target) {
            if (hasInlineValue) {
                target = value;
                return true;
            }
            if (i + 1 >= argc)
                return false;
            target = argv[++i];
            return true;
        };
        if (arg == "-h" || arg == "--help") {
            out << driftUsage;
            return 0;
        }
        bool ok = true;
        if (arg == "--cache")
            ok = takeValue(args.cachePath);
        else if (arg == "--reference")
            ok = takeValue(args.reference);
        else if (arg == "--current")
            ok = takeValue(args.current);
        else if (arg == "--policy")
            ok = takeValue(args.policy);
        else if (arg == "--run")
            ok = takeValue(args.run);
        else if (arg == "--score-col")
            ok = takeValue(args.columns.score);
        else if (arg == "--label-col")
            ok = takeValue(args.columns.label);
        else if (arg == "--positive")
            ok = takeValue(args.columns.positive);
        else if (arg == "--memory-limit") {
            std::string text;
            ok = takeValue(text);
            const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), args.memoryLimitMb);
            if (ok && (ec != std::errc() || end != text.data() + text.size() || args.memoryLimitMb == 0))
                return usage(err, "--memory-limit takes a number of megabytes, not '" + text + "'");
        } else if (arg == "--json")
            args.json = true;
        else if (arg == "--predictions")
            args.predictions = true;
        else if (arg == "--no-header")
            args.noHeader = true;
        else if (arg.starts_with("-"))
            return usage(err, "unknown option " + arg);
        else
            return usage(err, "unexpected argument '" + arg + "'");
        if (!ok)
            return usage(err, arg + " needs a value");
    }
    if (args.reference.empty() || args.current.empty())
        return usage(err, "drift needs --reference FILE and --current FILE");
    if (!args.predictions &&
        (!args.columns.score.empty() || !args.columns.label.empty() || !args.columns.positive.empty()))
        return usage(err, "--score-col, --label-col and --positive go with --predictions");

    auto policy = analysis::loadDriftPolicy(args.policy);
    if (!policy) {
        err << "error: " << policy.error().toString() << '\n';
        return exitDriftReadError;
    }
    datasets::DatasetDriftOptions options;
    options.memoryLimitBytes = args.memoryLimitMb << 20;
    if (args.noHeader)
        options.table.header = false;
    auto document = args.predictions
                        ? datasets::computePredictionDrift(args.reference, args.current, *policy, args.columns, options)
                        : datasets::computeDatasetDrift(args.reference, args.current, *policy, options);
    if (!document) {
        err << "error: " << document.error().toString() << '\n';
        return exitDriftReadError;
    }
    if (!args.run.empty()) {
        if (const int code = storeWithRun(args, *document, err); code != 0)
            return code;
    }
    if (args.json)
        out << document->dump(2, ' ', false, json::error_handler_t::replace) << '\n';
    else
        printText(*document, out);
    return (*document)["verdict"] == "drift" ? 1 : 0;
}

}  // namespace runlens::cli
