// SPDX-License-Identifier: MIT
#include "evalcommand.h"

#include "analysis/evaluation.h"
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cli.h"
#include "evaluation/runevaluations.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <filesystem>
#include <map>
#include <ostream>
#include <sstream>
#include <vector>

namespace runlens::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

int usage(std::ostream& err, const std::string& message) {
    err << "runlens: " << message << "\nTry 'runlens --help'.\n";
    return exitUsage;
}

std::vector<std::string> splitList(const std::string& text) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(text);
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

std::string fixed(double v, int digits = 4) {
    if (std::isnan(v))
        return "nan";
    std::ostringstream s;
    s.setf(std::ios::fixed);
    s.precision(digits);
    s << v;
    return s.str();
}

std::string optionalFixed(const std::optional<double>& v) {
    return v ? fixed(*v) : std::string("-");
}

std::string padded(std::string text, std::size_t width) {
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

std::string shortLabel(const std::string& label, std::size_t width) {
    std::string out;
    for (char c : label)
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    return out.size() > width ? out.substr(0, width - 1) + "~" : out;
}

void printEvaluation(std::ostream& out, const analysis::Evaluation& e) {
    const auto& r = e.report;
    out << e.name << "  (" << (e.sourceKind == "predictions" ? "predictions, " : "logged confusion matrix, ") << e.rows
        << (e.sourceKind == "predictions" ? " rows, " : " samples, ") << (e.binary() ? "binary" : "multiclass")
        << (e.positiveLabel.empty() ? std::string() : ", positive class '" + e.positiveLabel + "'") << ")\n";
    if (!e.path.empty() && e.path != e.name)
        out << "  source    " << e.path << '\n';
    out << "  accuracy " << fixed(r.accuracy) << "  balanced accuracy " << fixed(r.balancedAccuracy) << "  kappa "
        << fixed(r.cohenKappa) << "  MCC " << fixed(r.matthews) << '\n';
    out << "  macro F1 " << fixed(r.macro.f1) << "  weighted F1 " << fixed(r.weighted.f1) << '\n';
    if (e.reliability)
        out << "  Brier " << optionalFixed(e.brier) << "  log loss " << optionalFixed(e.logLoss) << "  ECE "
            << fixed(e.reliability->ece) << "  MCE " << fixed(e.reliability->mce) << "  (" << e.reliability->bins.size()
            << " bins, " << (e.binary() ? "positive class" : "top label") << ")\n";
    if (e.roc)
        out << "  ROC AUC " << fixed(e.roc->auc) << "  average precision " << fixed(e.pr->averagePrecision) << '\n';
    std::size_t width = 5;
    for (const auto& l : e.confusion.labels)
        width = std::max(width, std::min<std::size_t>(24, l.size()));
    out << "  " << padded("LABEL", width) << "  PRECISION  RECALL     F1         SUPPORT\n";
    for (std::size_t i = 0; i < r.perClass.size(); ++i) {
        const auto& c = r.perClass[i];
        out << "  " << padded(shortLabel(e.confusion.labels[i], 24), width) << "  " << padded(fixed(c.precision), 9)
            << "  " << padded(fixed(c.recall), 9) << "  " << padded(fixed(c.f1), 9) << "  " << c.support << '\n';
    }
    const std::size_t k = e.confusion.size();
    if (k > 20) {
        out << "  (" << k << " classes: the confusion matrix is in --json)\n";
        return;
    }
    std::size_t cell = 5;
    for (auto v : e.confusion.counts)
        cell = std::max(cell, std::to_string(v).size());
    for (const auto& l : e.confusion.labels)
        cell = std::max(cell, std::min<std::size_t>(12, l.size()));
    out << "  confusion (rows = true label, columns = predicted)\n  " << padded("", width);
    for (const auto& l : e.confusion.labels)
        out << "  " << padded(shortLabel(l, 12), cell);
    out << '\n';
    for (std::size_t t = 0; t < k; ++t) {
        out << "  " << padded(shortLabel(e.confusion.labels[t], 24), width);
        for (std::size_t p = 0; p < k; ++p)
            out << "  " << padded(std::to_string(e.confusion.at(t, p)), cell);
        out << '\n';
    }
}

std::string dump(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

Result<RunRow> findRun(Cache& cache, const std::string& text) {
    CacheReader reader(cache);
    auto runs = reader.findRuns(text);
    if (!runs)
        return runs.error();
    if (runs->empty())
        return Error{cache.path(), {}, "no run with id '" + text + "' (see 'runlens ls runs')"};
    if (runs->size() > 1) {
        std::string ids;
        for (const auto& r : *runs)
            ids += (ids.empty() ? "" : ", ") + std::to_string(r.id);
        return Error{cache.path(), {}, "run id '" + text + "' is ambiguous; use a cache id (" + ids + ")"};
    }
    return runs->front();
}

}  // namespace

int evalCommand(const std::string& cachePath, int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> values;
    std::vector<std::string> positional;
    bool asJson = false;
    const std::vector<std::string> valued{"--predictions",   "--run",      "--label-col", "--score-cols",
                                          "--predicted-col", "--positive", "--threshold", "--bins",
                                          "--binning",       "--name"};
    bool seenCommand = false;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--cache") {
            ++i;
            continue;
        }
        if (arg.starts_with("--cache="))
            continue;
        if (!seenCommand && arg == "eval") {
            seenCommand = true;
            continue;
        }
        if (arg == "--json") {
            asJson = true;
            continue;
        }
        std::string value;
        bool inlineValue = false;
        if (const auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            inlineValue = true;
        }
        if (std::find(valued.begin(), valued.end(), arg) != valued.end()) {
            if (!inlineValue) {
                if (i + 1 >= argc)
                    return usage(err, arg + " needs a value");
                value = argv[++i];
            }
            values[arg] = value;
            continue;
        }
        if (arg.starts_with("-") && arg.size() > 1)
            return usage(err, "unknown option for eval: " + arg);
        positional.push_back(arg);
    }
    auto option = [&](const std::string& name) -> std::optional<std::string> {
        auto it = values.find(name);
        return it == values.end() ? std::nullopt : std::optional(it->second);
    };

    analysis::EvaluationOptions options;
    if (auto bins = option("--bins")) {
        int n = 0;
        auto [ptr, ec] = std::from_chars(bins->data(), bins->data() + bins->size(), n);
        if (ec != std::errc() || ptr != bins->data() + bins->size() || n < 1 || n > 1000)
            return usage(err, "--bins needs a whole number from 1 to 1000");
        options.bins = n;
    }
    if (auto binning = option("--binning")) {
        if (*binning != "uniform" && *binning != "quantile")
            return usage(err, "--binning is uniform or quantile");
        options.binning = *binning == "quantile" ? analysis::Binning::Quantile : analysis::Binning::Uniform;
    }

    if (auto file = option("--predictions")) {
        if (!positional.empty())
            return usage(err, "eval --predictions FILE takes no RUN argument; use --run RUN");
        analysis::PredictionColumns columns;
        columns.label = option("--label-col").value_or("");
        columns.predicted = option("--predicted-col").value_or("");
        if (auto scores = option("--score-cols"))
            columns.scores = splitList(*scores);
        columns.positiveLabel = option("--positive").value_or("");
        if (auto threshold = option("--threshold")) {
            double t = 0;
            auto [ptr, ec] = std::from_chars(threshold->data(), threshold->data() + threshold->size(), t);
            if (ec != std::errc() || ptr != threshold->data() + threshold->size() || !(t >= 0 && t <= 1))
                return usage(err, "--threshold needs a number from 0 to 1");
            columns.threshold = t;
        }
        // Open the cache first, so a wrong --run fails before a large file is read.
        std::optional<Cache> cache;
        std::optional<RunRow> run;
        if (auto runText = option("--run")) {
            auto opened = Cache::openExisting(cachePath);
            if (!opened) {
                err << "error: " << opened.error().toString() << '\n';
                return exitFailure;
            }
            cache.emplace(std::move(*opened));
            auto found = findRun(*cache, *runText);
            if (!found) {
                err << "error: " << found.error().toString() << '\n';
                return exitFailure;
            }
            run = std::move(*found);
        }
        auto predictions = analysis::readPredictions(*file, columns);
        if (!predictions) {
            err << "error: " << predictions.error().toString() << '\n';
            return exitFailure;
        }
        const std::string name = option("--name").value_or(fs::path(*file).filename().string());
        auto evaluation = analysis::evaluatePredictions(*predictions, name, options);
        if (!evaluation) {
            err << "error: " << evaluation.error().toString() << '\n';
            return exitFailure;
        }
        std::error_code ec;
        const fs::path absolute = fs::absolute(*file, ec);
        evaluation->path = ec ? *file : absolute.lexically_normal().string();
        const json document = analysis::evaluationJson(*evaluation);
        if (run) {
            json inputs = {{"path", evaluation->path},
                           {"label_col", predictions->labelColumn},
                           {"predicted_col", predictions->predictedColumn},
                           {"score_cols", predictions->scoreColumns},
                           {"threshold", columns.threshold},
                           {"bins", options.bins},
                           {"binning", options.binning == analysis::Binning::Quantile ? "quantile" : "uniform"}};
            AnalysisRow row;
            row.runId = run->id;
            row.kind = std::string(analysis_kind::evaluation);
            row.name = name;
            row.inputsJson = inputs.dump();
            row.resultJson = document.dump(-1, ' ', false, json::error_handler_t::replace);
            auto saved = saveAnalysis(*cache, row);
            if (!saved) {
                err << "error: " << saved.error().toString() << '\n';
                return exitFailure;
            }
        }
        if (asJson) {
            out << dump(document) << '\n';
        } else {
            printEvaluation(out, *evaluation);
            if (run)
                out << "saved as evaluation '" << name << "' of run " << run->id << " (" << run->run.externalId
                    << ")\n";
        }
        return exitOk;
    }

    for (const char* only :
         {"--run", "--label-col", "--score-cols", "--predicted-col", "--positive", "--threshold", "--name"})
        if (option(only))
            return usage(err, std::string(only) + " goes with --predictions FILE");
    if (positional.size() != 1)
        return usage(err, "eval needs RUN or --predictions FILE");
    auto cache = Cache::openExisting(cachePath);
    if (!cache) {
        err << "error: " << cache.error().toString() << '\n';
        return exitFailure;
    }
    auto run = findRun(*cache, positional.front());
    if (!run) {
        err << "error: " << run.error().toString() << '\n';
        return exitFailure;
    }
    auto loaded = loadRunEvaluations(*cache, *run, options);
    if (!loaded) {
        err << "error: " << loaded.error().toString() << '\n';
        return exitFailure;
    }
    for (const auto& problem : loaded->problems)
        err << "warning: " << problem.toString() << '\n';
    if (asJson) {
        json list = json::array();
        for (const auto& e : loaded->evaluations)
            list.push_back(analysis::evaluationJson(e));
        out << dump(list) << '\n';
        return exitOk;
    }
    if (loaded->evaluations.empty()) {
        out << "run " << run->id << " (" << run->run.externalId
            << ") has no evaluations: no confusion matrix or predictions among its artifacts; attach one with "
               "'runlens eval --predictions FILE --run "
            << run->id << "'\n";
        return exitOk;
    }
    for (std::size_t i = 0; i < loaded->evaluations.size(); ++i) {
        if (i > 0)
            out << '\n';
        printEvaluation(out, loaded->evaluations[i]);
    }
    return exitOk;
}

}  // namespace runlens::cli
