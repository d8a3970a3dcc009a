// SPDX-License-Identifier: MIT
#include "cli.h"
#include "evalcommand.h"

#include "driftcommand.h"

#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/defaultpath.h"
#include "importrunner.h"
#include "query/runfilter.h"
#include "validationcommand.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

namespace runlens::cli {
namespace {

using nlohmann::json;

constexpr const char* usageText = R"(Usage: runlens [--cache FILE] COMMAND [ARGS]

Compare machine-learning experiments offline. Every command works on one cache file
(a workspace): --cache FILE, else $RUNLENS_CACHE, else the default workspace in your data folder.

Commands:
  import PATH...            Import tracker output: MLflow (mlruns folder, mlflow.db), TensorBoard
                            event files, Weights & Biases run folders, Lightning CSV logs.
                            Unchanged sources are skipped by fingerprint; changed ones re-read
                            only the runs that changed. Options: --force (re-read everything),
                            --quiet (no progress), --verbose (every warning),
                            --lenient (keep the records before a damaged one in
                            TensorBoard and W&B logs instead of failing).
  ls experiments|runs|models|sources [--json] [--filter EXPRESSION]
                            List what the cache holds. --filter keeps the runs that match,
                            e.g. 'metrics.val/loss < 0.3 and params.optim == "adam"'.
  metric RUN KEY [--csv|--json]
                            Print every point of a metric series (step, timestamp, value).
                            RUN is the cache id or the tracker's run id.
  validation RUN [--json]   Checks of an imported validation report (Great Expectations, SageMaker
                            Model Monitor, Evidently tests, TFDV anomalies); exit 1 if one failed.
  report RUN [--json]       Every document of an imported report (drift and validation).
  eval --predictions FILE [--run RUN] [--label-col C] [--score-cols C1,C2..] [--json]
  eval RUN [--json]         Confusion matrix, calibration and ROC/PR of a predictions file (CSV or
                            JSON Lines), saved to RUN with --run; or every evaluation a run has.
  drift --reference FILE --current FILE [--json] [--policy P] [--run RUN]
                            Data drift between two CSV/TSV/JSON Lines files (see 'runlens drift --help').

Options:
  --cache FILE              The cache (workspace) file to use.
  -h, --help                Show this help.
  --version                 Show the version.

Exit status: 0 success, 1 a command failed (for import: any source failed), 2 usage error.
)";

// Shortest text that reads back as the same double ("0.1", "1e-05", "nan", "inf").
std::string formatDouble(double v) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return ec == std::errc() ? std::string(buffer, end) : std::string("nan");
}

// JSON has no NaN or infinity; they are written as the strings "NaN", "Infinity", "-Infinity".
json numberJson(double v) {
    if (std::isnan(v))
        return "NaN";
    if (std::isinf(v))
        return v > 0 ? "Infinity" : "-Infinity";
    return v;
}

json optionalNumber(const std::optional<double>& v) {
    return v ? numberJson(*v) : json(nullptr);
}
json optionalInt(const std::optional<std::int64_t>& v) {
    return v ? json(*v) : json(nullptr);
}

json timestampJson(double ms) {
    if (std::isfinite(ms) && ms == std::trunc(ms) && std::fabs(ms) < 9.0e15)
        return static_cast<std::int64_t>(ms);
    return numberJson(ms);
}

std::string timestampText(double ms) {
    if (std::isfinite(ms) && ms == std::trunc(ms) && std::fabs(ms) < 9.0e15)
        return std::to_string(static_cast<std::int64_t>(ms));
    return formatDouble(ms);
}

std::string dump(const json& j) {
    return j.dump(2, ' ', false, json::error_handler_t::replace);
}

std::string formatTime(const std::optional<std::int64_t>& ms) {
    if (!ms)
        return "-";
    const std::time_t seconds = static_cast<std::time_t>(*ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
    return buffer;
}

std::string withThousands(std::int64_t n) {
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return n < 0 ? "-" + out : out;
}

std::string oneLine(std::string_view text, std::size_t width) {
    std::string out;
    for (char c : text)
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    if (out.size() > width)
        out = out.substr(0, width - 1) + "~";
    return out;
}

// Prints a plain-text table with columns padded to their widest cell.
void printTable(std::ostream& out, const std::vector<std::string>& header,
                const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths(header.size());
    for (std::size_t c = 0; c < header.size(); ++c) {
        widths[c] = header[c].size();
        for (const auto& row : rows)
            widths[c] = std::max(widths[c], row[c].size());
    }
    auto printRow = [&](const std::vector<std::string>& row) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size())
                line += std::string(widths[c] - row[c].size() + 2, ' ');
        }
        out << line << '\n';
    };
    printRow(header);
    for (const auto& row : rows)
        printRow(row);
}

// Draws progress on one terminal line, at most ten times a second, with an estimate of the time left.
class TerminalProgress final : public ImportObserver {
public:
    TerminalProgress(std::ostream& err, bool enabled, bool verbose, std::string label)
        : m_err(err), m_enabled(enabled), m_verbose(verbose), m_label(std::move(label)),
          m_started(std::chrono::steady_clock::now()) {}
    ~TerminalProgress() override { clear(); }

    bool progress(std::string_view stage, std::int64_t done, std::int64_t total) override {
        if (!m_enabled)
            return true;
        const auto now = std::chrono::steady_clock::now();
        if (now - m_lastDraw < std::chrono::milliseconds(100) && done != total)
            return true;
        m_lastDraw = now;
        std::ostringstream line;
        line << m_label << ": " << stage;
        if (total > 0) {
            line << ' ' << done << '/' << total << " (" << (100 * done / total) << "%)";
            const double elapsed = std::chrono::duration<double>(now - m_started).count();
            if (done > 0 && done < total && elapsed > 1.0)
                line << ", about "
                     << static_cast<int>(elapsed * static_cast<double>(total - done) / static_cast<double>(done) + 0.5)
                     << " s left";
        }
        std::string text = line.str();
        if (text.size() > 100)
            text = text.substr(0, 100);
        m_err << '\r' << text << std::string(m_width > text.size() ? m_width - text.size() : 0, ' ') << std::flush;
        m_width = text.size();
        return true;
    }

    void warning(const Error& warning) override {
        ++m_warnings;
        if (m_verbose || m_warnings <= maxShownWarnings) {
            clear();
            m_err << "warning: " << warning.toString() << '\n';
        }
    }

    int hiddenWarnings() const { return m_verbose ? 0 : std::max(0, m_warnings - maxShownWarnings); }

    void clear() {
        if (m_width > 0) {
            m_err << '\r' << std::string(m_width, ' ') << '\r' << std::flush;
            m_width = 0;
        }
    }

private:
    static constexpr int maxShownWarnings = 10;
    std::ostream& m_err;
    bool m_enabled;
    bool m_verbose;
    std::string m_label;
    std::chrono::steady_clock::time_point m_started;
    std::chrono::steady_clock::time_point m_lastDraw;
    std::size_t m_width = 0;
    int m_warnings = 0;
};

struct Arguments {
    std::string cachePath;
    std::optional<std::string> filter;
    std::vector<std::string> positional;
    std::vector<std::string> flags;
    bool has(std::string_view flag) const { return std::find(flags.begin(), flags.end(), flag) != flags.end(); }
};

int usageError(std::ostream& err, const std::string& message) {
    err << "runlens: " << message << "\nTry 'runlens --help'.\n";
    return exitUsage;
}

Result<Cache> openCache(const std::string& path, bool create) {
    return create ? Cache::open(path) : Cache::openExisting(path);
}

int commandImport(const Arguments& args, std::ostream& out, std::ostream& err, bool interactive) {
    if (args.positional.size() < 2)
        return usageError(err, "import needs at least one PATH");
    for (const auto& flag : args.flags) {
        if (flag != "--force" && flag != "--quiet" && flag != "--verbose" && flag != "--lenient")
            return usageError(err, "unknown option for import: " + flag);
    }
    auto cache = openCache(args.cachePath, true);
    if (!cache) {
        err << "error: " << cache.error().toString() << '\n';
        return exitFailure;
    }
    importers::ImportOptions options;
    options.force = args.has("--force");
    options.lenient = args.has("--lenient");
    int failures = 0;
    for (std::size_t i = 1; i < args.positional.size(); ++i) {
        const std::string& path = args.positional[i];
        TerminalProgress progress(err, interactive && !args.has("--quiet"), args.has("--verbose"), path);
        const auto report = importers::importSource(*cache, path, progress, options);
        progress.clear();
        std::ostringstream seconds;
        seconds << std::fixed << std::setprecision(2) << report.seconds << " s";
        switch (report.status) {
        case importers::ImportStatus::imported:
            out << "imported  " << report.path << "  [" << report.format << "]  " << withThousands(report.runsTotal)
                << " runs (" << withThousands(report.runsWritten) << " read, " << withThousands(report.runsUnchanged)
                << " unchanged), " << withThousands(report.pointsWritten) << " points read, " << seconds.str() << '\n';
            break;
        case importers::ImportStatus::unchanged:
            out << "unchanged " << report.path << "  [" << report.format << "]  " << withThousands(report.runsTotal)
                << " runs, " << withThousands(report.pointsTotal) << " points, " << seconds.str() << '\n';
            break;
        case importers::ImportStatus::cancelled:
            out << "cancelled " << report.path << '\n';
            ++failures;
            break;
        case importers::ImportStatus::failed:
            err << "error: " << (report.error ? report.error->toString() : std::string("import failed")) << '\n';
            out << "failed    " << path << "  (nothing from it was written)\n";
            ++failures;
            break;
        }
        if (progress.hiddenWarnings() > 0)
            err << "(" << progress.hiddenWarnings() << " more warnings; --verbose shows them all)\n";
    }
    return failures == 0 ? exitOk : exitFailure;
}

json runJson(const RunRow& r) {
    json params = json::object();
    for (const auto& [k, v] : r.params)
        params[k] = v;
    json tags = json::object();
    for (const auto& [k, v] : r.tags)
        tags[k] = v;
    json metrics = json::object();
    for (const auto& m : r.metrics) {
        metrics[m.key] = {{"count", m.summary.count},
                          {"min", optionalNumber(m.summary.min)},
                          {"max", optionalNumber(m.summary.max)},
                          {"first", numberJson(m.summary.first)},
                          {"last", numberJson(m.summary.last)},
                          {"last_step", m.summary.lastStep},
                          {"nan_count", m.summary.nanCount}};
    }
    return {{"id", r.id},
            {"format", r.format},
            {"source", r.sourcePath},
            {"experiment", r.experimentName},
            {"experiment_id", r.run.experimentExternalId},
            {"external_id", r.run.externalId},
            {"name", r.run.name},
            {"status", r.run.status},
            {"lifecycle", r.run.lifecycle},
            {"user", r.run.user},
            {"start_time", optionalInt(r.run.startMs)},
            {"end_time", optionalInt(r.run.endMs)},
            {"parent_run_id", r.run.parentExternalId.empty() ? json(nullptr) : json(r.run.parentExternalId)},
            {"git_commit", r.run.gitCommit.empty() ? json(nullptr) : json(r.run.gitCommit)},
            {"artifact_uri", r.run.artifactUri},
            {"params", params},
            {"tags", tags},
            {"metrics", metrics}};
}

int commandLs(const Arguments& args, std::ostream& out, std::ostream& err) {
    if (args.positional.size() != 2)
        return usageError(err, "ls needs one of: experiments, runs, models, sources");
    for (const auto& flag : args.flags) {
        if (flag != "--json")
            return usageError(err, "unknown option for ls: " + flag);
    }
    const std::string& what = args.positional[1];
    if (what != "experiments" && what != "runs" && what != "models" && what != "sources")
        return usageError(err, "ls needs one of: experiments, runs, models, sources (got '" + what + "')");
    if (args.filter && what != "runs")
        return usageError(err, "--filter applies to 'ls runs' only");
    auto cache = openCache(args.cachePath, false);
    if (!cache) {
        err << "error: " << cache.error().toString() << '\n';
        return exitFailure;
    }
    CacheReader reader(*cache);
    const bool asJson = args.has("--json");
    auto fail = [&](const Error& e) {
        err << "error: " << e.toString() << '\n';
        return exitFailure;
    };

    if (what == "sources") {
        auto sources = reader.sources();
        if (!sources)
            return fail(sources.error());
        if (asJson) {
            json list = json::array();
            for (const auto& s : *sources)
                list.push_back({{"id", s.id},
                                {"path", s.path},
                                {"format", s.format},
                                {"imported_at", s.importedAtMs},
                                {"runs", s.runCount},
                                {"points", s.pointCount}});
            out << dump(list) << '\n';
        } else {
            std::vector<std::vector<std::string>> rows;
            for (const auto& s : *sources)
                rows.push_back({std::to_string(s.id), s.format, withThousands(s.runCount), withThousands(s.pointCount),
                                formatTime(s.importedAtMs), s.path});
            printTable(out, {"ID", "FORMAT", "RUNS", "POINTS", "IMPORTED (UTC)", "PATH"}, rows);
        }
        return exitOk;
    }
    if (what == "experiments") {
        auto experiments = reader.experiments();
        if (!experiments)
            return fail(experiments.error());
        if (asJson) {
            json list = json::array();
            for (const auto& e : *experiments) {
                json tags = json::object();
                for (const auto& [k, v] : e.experiment.tags)
                    tags[k] = v;
                list.push_back({{"id", e.id},
                                {"format", e.format},
                                {"source", e.sourcePath},
                                {"external_id", e.experiment.externalId},
                                {"name", e.experiment.name},
                                {"lifecycle", e.experiment.lifecycle},
                                {"artifact_location", e.experiment.artifactLocation},
                                {"creation_time", optionalInt(e.experiment.createdMs)},
                                {"last_update_time", optionalInt(e.experiment.updatedMs)},
                                {"runs", e.runCount},
                                {"tags", tags}});
            }
            out << dump(list) << '\n';
        } else {
            std::vector<std::vector<std::string>> rows;
            for (const auto& e : *experiments)
                rows.push_back({std::to_string(e.id), oneLine(e.experiment.name, 40), e.experiment.externalId,
                                e.experiment.lifecycle, withThousands(e.runCount), e.sourcePath});
            printTable(out, {"ID", "NAME", "EXTERNAL ID", "LIFECYCLE", "RUNS", "SOURCE"}, rows);
        }
        return exitOk;
    }
    if (what == "runs") {
        RunFilter filter;
        if (args.filter) {
            auto parsed = RunFilter::parse(*args.filter);
            if (!parsed) {
                err << "runlens: bad --filter expression, " << parsed.error().toString() << '\n';
                return exitUsage;
            }
            filter = std::move(*parsed);
        }
        auto runs = reader.runs(asJson || !filter.isEmpty());
        if (!runs)
            return fail(runs.error());
        std::erase_if(*runs, [&](const RunRow& r) { return !filter.matches(r); });
        if (asJson) {
            json list = json::array();
            for (const auto& r : *runs)
                list.push_back(runJson(r));
            out << dump(list) << '\n';
        } else {
            std::vector<std::vector<std::string>> rows;
            for (const auto& r : *runs)
                rows.push_back({std::to_string(r.id), oneLine(r.experimentName, 24), oneLine(r.run.name, 28),
                                r.run.status + (r.run.lifecycle == "deleted" ? " (deleted)" : ""),
                                formatTime(r.run.startMs), r.run.externalId});
            printTable(out, {"ID", "EXPERIMENT", "NAME", "STATUS", "START (UTC)", "RUN ID"}, rows);
        }
        return exitOk;
    }
    auto models = reader.models();
    if (!models)
        return fail(models.error());
    if (asJson) {
        json list = json::array();
        for (const auto& m : *models) {
            json versions = json::array();
            for (const auto& v : m.versions) {
                json aliases = json::array();
                for (const auto& [alias, number] : m.model.aliases)
                    if (number == v.version.version)
                        aliases.push_back(alias);
                json tags = json::object();
                for (const auto& [k, val] : v.version.tags)
                    tags[k] = val;
                versions.push_back({{"version", v.version.version},
                                    {"stage", v.version.stage},
                                    {"aliases", aliases},
                                    {"run_id", v.version.runExternalId},
                                    {"run", optionalInt(v.runId)},
                                    {"source", v.version.source},
                                    {"status", v.version.status},
                                    {"description", v.version.description},
                                    {"creation_time", optionalInt(v.version.createdMs)},
                                    {"tags", tags}});
            }
            json aliases = json::object();
            for (const auto& [alias, number] : m.model.aliases)
                aliases[alias] = number;
            json tags = json::object();
            for (const auto& [k, val] : m.model.tags)
                tags[k] = val;
            list.push_back({{"name", m.model.name},
                            {"source", m.sourcePath},
                            {"description", m.model.description},
                            {"aliases", aliases},
                            {"tags", tags},
                            {"versions", versions}});
        }
        out << dump(list) << '\n';
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& m : *models) {
            for (const auto& v : m.versions) {
                std::string aliases;
                for (const auto& [alias, number] : m.model.aliases)
                    if (number == v.version.version)
                        aliases += (aliases.empty() ? "" : ",") + alias;
                rows.push_back({oneLine(m.model.name, 36), std::to_string(v.version.version), v.version.stage,
                                aliases.empty() ? "-" : aliases,
                                v.version.runExternalId.empty() ? "-" : v.version.runExternalId});
            }
        }
        printTable(out, {"MODEL", "VERSION", "STAGE", "ALIASES", "RUN ID"}, rows);
    }
    return exitOk;
}

int commandMetric(const Arguments& args, std::ostream& out, std::ostream& err) {
    if (args.positional.size() != 3)
        return usageError(err, "metric needs RUN and KEY");
    for (const auto& flag : args.flags) {
        if (flag != "--json" && flag != "--csv")
            return usageError(err, "unknown option for metric: " + flag);
    }
    if (args.has("--json") && args.has("--csv"))
        return usageError(err, "choose one of --csv and --json");
    auto cache = openCache(args.cachePath, false);
    if (!cache) {
        err << "error: " << cache.error().toString() << '\n';
        return exitFailure;
    }
    CacheReader reader(*cache);
    const std::string& runText = args.positional[1];
    const std::string& key = args.positional[2];
    auto runs = reader.findRuns(runText);
    if (!runs) {
        err << "error: " << runs.error().toString() << '\n';
        return exitFailure;
    }
    if (runs->empty()) {
        err << "error: no run with id '" << runText << "' in " << cache->path() << " (see 'runlens ls runs')\n";
        return exitFailure;
    }
    if (runs->size() > 1) {
        err << "error: run id '" << runText << "' is ambiguous; use a cache id:\n";
        for (const auto& r : *runs)
            err << "  " << r.id << "  " << r.sourcePath << '\n';
        return exitFailure;
    }
    const RunRow& run = runs->front();
    auto points = reader.series(run.id, key);
    if (!points) {
        std::string known;
        for (const auto& m : run.metrics)
            known += (known.empty() ? "" : ", ") + m.key;
        err << "error: run " << run.id << " (" << run.run.externalId << ") has no metric '" << key << "'"
            << (known.empty() ? std::string(" (it has no metrics)") : "; it has: " + known) << '\n';
        return exitFailure;
    }
    if (args.has("--json")) {
        json list = json::array();
        for (const auto& p : *points)
            list.push_back(
                {{"step", p.step}, {"timestamp", timestampJson(p.timestampMs)}, {"value", numberJson(p.value)}});
        out << dump({{"run", run.id}, {"external_id", run.run.externalId}, {"key", key}, {"points", list}}) << '\n';
    } else {
        std::string text = "step,timestamp,value\n";
        for (const auto& p : *points) {
            text += std::to_string(p.step);
            text += ',';
            text += timestampText(p.timestampMs);
            text += ',';
            text += formatDouble(p.value);
            text += '\n';
        }
        out << text;
    }
    return exitOk;
}

}  // namespace

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool interactiveErr) {
    if (const auto code = runDriftCommand(argc, argv, out, err))
        return *code;
    Arguments args;
    args.cachePath = defaultCachePath();
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            out << usageText;
            return exitOk;
        }
        if (arg == "--version") {
            out << "runlens " << RUNLENS_VERSION << '\n';
            return exitOk;
        }
        if (arg == "--cache") {
            if (i + 1 >= argc)
                return usageError(err, "--cache needs a FILE");
            args.cachePath = argv[++i];
        } else if (arg.starts_with("--cache=")) {
            args.cachePath = arg.substr(8);
        } else if (arg == "--filter") {
            if (i + 1 >= argc)
                return usageError(err, "--filter needs an EXPRESSION");
            args.filter = argv[++i];
        } else if (arg.starts_with("--filter=")) {
            args.filter = arg.substr(9);
        } else if (arg.starts_with("-") && arg.size() > 1) {
            args.flags.push_back(arg);
        } else {
            args.positional.push_back(arg);
        }
    }
    if (args.positional.empty()) {
        if (!args.flags.empty())
            return usageError(err, "unknown option " + args.flags.front());
        err << usageText;
        return exitUsage;
    }
    const std::string& command = args.positional.front();
    if (command == "import")
        return commandImport(args, out, err, interactiveErr);
    if (command == "ls")
        return commandLs(args, out, err);
    if (command == "metric")
        return commandMetric(args, out, err);
    if (command == "validation")
        return commandValidation(args.cachePath, args.positional, args.flags, out, err);
    if (command == "report")
        return commandReport(args.cachePath, args.positional, args.flags, out, err);
    if (command == "eval")
        return evalCommand(args.cachePath, argc, argv, out, err);
    return usageError(err, "unknown command '" + command + "'");
}

}  // namespace runlens::cli
