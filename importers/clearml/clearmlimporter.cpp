// SPDX-License-Identifier: MIT
#include "clearmlimporter.h"

#include "comet/zipstream.h"
#include "common/artifactindex.h"
#include "common/numbers.h"
#include "common/paths.h"
#include "common/taglist.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <map>
#include <system_error>

// What is read (formats.md 6.4):
// * task.json: id (run id; else the session's name), name, project_name (the experiment), status when present
//   (offline sessions usually have none: UNKNOWN), hyperparams section -> name -> {value} as params
//   "section/name", tags (clearml.tag.<name> and clearml.tags), type (clearml.type), script.entry_point (source).
// * metrics.jsonl: each line a JSON array of events (a lone object is accepted too). training_stats_scalar:
//   metric/variant -> series "metric/variant", iter -> step, timestamp (ms), value. plot events whose Plotly JSON
//   holds a heatmap (confusion matrices) are kept as JSON artifacts plots/<metric>/<variant>/iter_<n>.json; other
//   plots, vectors and debug images are skipped. ClearML writes NaN/Inf scalars as 0 unless configured otherwise.
// * log.jsonl: only the first and last timestamps (run start/end, together with the metric events).
// * data/: files are indexed as artifacts, except debug-image/media files under data/<project>/<task>/metrics/.

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace runlens::importers {

namespace {

constexpr std::int64_t maxTaskJsonBytes = 64LL * 1024 * 1024;

struct Session {
    std::string shown;  // the source as shown in messages
    std::string taskJson, metricsJsonl, logJsonl;
    bool hasTask = false, hasMetrics = false, hasLog = false;
    std::vector<std::pair<std::string, std::int64_t>> dataFiles;  // relative path, size
    std::string prefix;  // a folder all entries share inside a zip ("" or "offline-<hex>/")
};

std::optional<std::int64_t> jsonInt(const json& v) {
    if (v.is_number_integer())
        return v.get<std::int64_t>();
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d == d && d > -9.2e18 && d < 9.2e18)
            return static_cast<std::int64_t>(d);
    }
    if (v.is_string())
        return parseInt64(v.get<std::string>());
    return std::nullopt;
}

std::string text(const json& v) {
    return escapeInvalidUtf8(wandb::valueText(v));
}

// "task.json" for "task.json" or "offline-<hex>/task.json".
std::string baseOf(const std::string& name, std::string* prefix) {
    const auto slash = name.find('/');
    if (slash == std::string::npos || name.find('/', slash + 1) != std::string::npos) {
        if (prefix)
            prefix->clear();
        return name;
    }
    if (prefix)
        *prefix = name.substr(0, slash + 1);
    return name.substr(slash + 1);
}

bool isMediaFile(const std::string& relative) {
    // data/<project>/<task name>.<task id>/metrics/... holds debug images and media.
    return relative.find("/metrics/") != std::string::npos;
}

std::string statusFrom(const std::string& s) {
    if (s == "completed" || s == "published" || s == "closed")
        return run_status::finished;
    if (s == "failed")
        return run_status::failed;
    if (s == "stopped")
        return run_status::killed;
    if (s == "in_progress")
        return run_status::running;
    if (s == "created" || s == "queued")
        return run_status::scheduled;
    return run_status::unknown;
}

Status loadZip(const fs::path& path, Session& session, ImportObserver& observer, bool* cancelled) {
    std::int64_t seen = 0;
    zipstream::Callbacks cb;
    cb.keepGoing = [&] {
        return observer.progress("reading ClearML archive", seen, 0);
    };
    cb.onEntry = [&](const zipstream::Entry& e) {
        ++seen;
        std::string prefix;
        const std::string base = baseOf(e.name, &prefix);
        if (base == "task.json" || base == "metrics.jsonl" || base == "log.jsonl") {
            session.prefix = prefix;
            return zipstream::Want::read;
        }
        std::string relative = e.name;
        if (!session.prefix.empty() && relative.starts_with(session.prefix))
            relative.erase(0, session.prefix.size());
        if (relative.starts_with("data/") && !isMediaFile(relative))
            session.dataFiles.emplace_back(relative, std::max<std::int64_t>(e.size, 0));
        return zipstream::Want::skip;
    };
    cb.readLimit = [](const zipstream::Entry& e) {
        return baseOf(e.name, nullptr) == "task.json" ? maxTaskJsonBytes : zipstream::maxEntryBytes;
    };
    cb.onData = [&](const zipstream::Entry& e, std::string&& data) -> Status {
        const std::string base = baseOf(e.name, nullptr);
        if (base == "task.json") {
            session.taskJson = std::move(data);
            session.hasTask = true;
        } else if (base == "metrics.jsonl") {
            session.metricsJsonl = std::move(data);
            session.hasMetrics = true;
        } else {
            session.logJsonl = std::move(data);
            session.hasLog = true;
        }
        return {};
    };
    return zipstream::walk(path, cb, cancelled);
}

Status loadFolder(const fs::path& root, Session& session) {
    auto load = [&](const char* name, std::string& into, bool& has) -> Status {
        std::error_code ec;
        const fs::path file = root / name;
        if (!fs::exists(file, ec))
            return {};
        if (fs::file_size(file, ec) > static_cast<std::uintmax_t>(zipstream::maxEntryBytes))
            return Error{displayPath(file), {}, "the file is larger than the limit of 512 MiB"};
        auto content = readFile(file);
        if (!content)
            return content.error();
        into = std::move(*content);
        has = true;
        return {};
    };
    if (Status s = load("task.json", session.taskJson, session.hasTask); !s)
        return s;
    if (Status s = load("metrics.jsonl", session.metricsJsonl, session.hasMetrics); !s)
        return s;
    if (Status s = load("log.jsonl", session.logJsonl, session.hasLog); !s)
        return s;
    std::error_code ec;
    if (fs::is_directory(root / "data", ec)) {
        for (auto it = fs::recursive_directory_iterator(root / "data", ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (!it->is_regular_file(ec) || it->is_symlink(ec))
                continue;
            const std::string relative = fs::relative(it->path(), root, ec).generic_string();
            if (!isMediaFile(relative))
                session.dataFiles.emplace_back(escapeInvalidUtf8(relative),
                                               static_cast<std::int64_t>(it->file_size(ec)));
        }
    }
    return {};
}

// 95: task.json reads as a ClearML task; 60: it does not, but the folder is named and laid out like a session (so
// the import names the damage); 0: not a session.
int folderSessionScore(const fs::path& dir) {
    std::error_code ec;
    const fs::path task = dir / "task.json";
    if (!fs::is_regular_file(task, ec) || fs::file_size(task, ec) > 64 * 1024 * 1024)
        return 0;
    if (!fs::exists(dir / "metrics.jsonl", ec) && !fs::exists(dir / "log.jsonl", ec))
        return 0;
    auto content = readFile(task);
    if (!content)
        return 0;
    const auto value = wandb::parseLenientJson(*content);
    if (value && value->is_object() && (value->contains("offline_folder") || value->contains("hyperparams")))
        return 95;
    const bool named = dir.filename().string().starts_with("offline-") ||
                       (dir.filename().empty() && dir.parent_path().filename().string().starts_with("offline-"));
    return named || content->find("\"offline_folder\"") != std::string::npos ? 60 : 0;
}

}  // namespace

int ClearmlImporter::sniff(const fs::path& path) const {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return folderSessionScore(path);
    if (!fs::is_regular_file(path, ec) || !zipstream::looksLikeZip(path))
        return 0;
    bool task = false;
    bool events = false;
    for (const auto& name : zipstream::entryNamesLenient(path)) {
        const std::string base = baseOf(name, nullptr);
        task = task || base == "task.json";
        events = events || base == "metrics.jsonl" || base == "log.jsonl";
    }
    if (task && events)
        return 95;
    return task || events ? 55 : 0;  // damaged archive: still ours, so the error says what is wrong
}

Result<std::string> ClearmlImporter::fingerprint(const fs::path& path) const {
    std::error_code ec;
    Fingerprint fp;
    if (fs::is_directory(path, ec)) {
        for (const char* name : {"task.json", "metrics.jsonl", "log.jsonl"})
            if (fs::exists(path / name, ec))
                fp.addFileStat(path / name, name);
        if (fs::is_directory(path / "data", ec))
            fingerprintTree(path / "data", fp);
    } else if (fs::is_regular_file(path, ec)) {
        fp.addFileStat(path, path.filename().string());
    } else {
        return Error{displayPath(path), {}, "not a file or folder"};
    }
    return fp.hex();
}

Result<Outcome> ClearmlImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    Session session;
    session.shown = displayPath(path);
    std::error_code ec;
    const bool folder = fs::is_directory(path, ec);
    // Messages name the file inside a folder, or the archive plus "entry <name>".
    auto where = [&](const std::string& name) -> std::pair<std::string, std::string> {
        if (folder)
            return {displayPath(path / name), {}};
        return {session.shown, "entry " + session.prefix + name};
    };
    if (folder) {
        if (Status s = loadFolder(path, session); !s)
            return s.error();
    } else {
        bool cancelled = false;
        if (Status s = loadZip(path, session, observer, &cancelled); !s)
            return s.error();
        if (cancelled)
            return Outcome::cancelled;
    }
    if (!session.hasTask)
        return Error{session.shown, {}, "not a ClearML offline session: it has no task.json"};

    const auto [taskFile, taskWhere] = where("task.json");
    const auto task = wandb::parseLenientJson(session.taskJson);
    if (!task || !task->is_object())
        return Error{taskFile, taskWhere, task ? "expected a JSON object" : "not valid JSON"};
    auto field = [&](const char* key) -> const json* {
        const auto it = task->find(key);
        return it == task->end() || it->is_null() ? nullptr : &*it;
    };

    RunRecord run;
    if (auto fp = fingerprint(path))
        run.fingerprint = *fp;
    if (const json* id = field("id"); id && id->is_string() && !id->get<std::string>().empty())
        run.externalId = escapeInvalidUtf8(id->get<std::string>());
    else
        run.externalId = escapeInvalidUtf8(folder ? path.filename().string() : path.stem().string());
    run.name = field("name") ? text(*field("name")) : run.externalId;
    if (const json* status = field("status"); status && status->is_string())
        run.status = statusFrom(status->get<std::string>());
    if (const json* script = field("script"); script && script->is_object())
        if (const auto ep = script->find("entry_point"); ep != script->end() && ep->is_string())
            run.sourceName = escapeInvalidUtf8(ep->get<std::string>());
    if (const json* user = field("user"); user && user->is_string())
        run.user = escapeInvalidUtf8(user->get<std::string>());

    std::map<std::string, std::string> params;
    if (const json* hyper = field("hyperparams"); hyper && hyper->is_object()) {
        for (const auto& [section, entries] : hyper->items()) {
            if (!entries.is_object())
                continue;
            for (const auto& [name, entry] : entries.items()) {
                const json value = entry.is_object() ? entry.value("value", json()) : entry;
                params[escapeInvalidUtf8(section) + "/" + escapeInvalidUtf8(name)] = text(value);
            }
        }
    }
    std::map<std::string, std::string> tags;
    if (const json* list = field("tags"); list && list->is_array())
        addTagList(*list, "clearml", tags);
    if (const json* type = field("type"); type && type->is_string())
        tags["clearml.type"] = escapeInvalidUtf8(type->get<std::string>());

    std::optional<std::int64_t> firstMs, lastMs;
    auto seeTime = [&](std::int64_t ms) {
        firstMs = firstMs ? std::min(*firstMs, ms) : ms;
        lastMs = lastMs ? std::max(*lastMs, ms) : ms;
    };

    if (!observer.progress("reading ClearML events", 0, 0))
        return Outcome::cancelled;
    std::map<std::string, std::vector<MetricPoint>> series;
    std::vector<ArtifactRecord> plots;
    std::int64_t lines = 0;
    bool stop = false;
    if (session.hasMetrics) {
        const auto [file, entry] = where("metrics.jsonl");
        const Status parsed = zipstream::forEachJsonLine(
            session.metricsJsonl, file, entry, observer, [&](const std::string& position, json&& line) -> Status {
                if ((++lines & 255) == 0 && !observer.progress("reading ClearML events", lines, 0)) {
                    stop = true;
                    return Error{};
                }
                if (line.is_object())
                    line = json::array({std::move(line)});
                if (!line.is_array())
                    return Error{file, position, "expected a JSON array of events"};
                for (const auto& event : line) {
                    if (!event.is_object())
                        return Error{file, position, "expected a JSON array of events"};
                    const std::string type = event.value("type", std::string());
                    std::optional<std::int64_t> ts;
                    if (const auto t = event.find("timestamp"); t != event.end())
                        ts = jsonInt(*t);
                    if (ts)
                        seeTime(*ts);
                    const std::string metric = text(event.value("metric", json("")));
                    const std::string variant = text(event.value("variant", json("")));
                    const std::int64_t iter = jsonInt(event.value("iter", json(0))).value_or(0);
                    if (type == "training_stats_scalar") {
                        const auto value = event.find("value");
                        const auto number = value == event.end() ? std::nullopt : wandb::numericValue(*value);
                        if (!number) {
                            observer.warning(
                                Error{file, position,
                                      "scalar '" + metric + "/" + variant + "' has no numeric value; skipped"});
                            continue;
                        }
                        series[metric + "/" + variant].push_back({iter, static_cast<double>(ts.value_or(0)), *number});
                    } else if (type == "plot") {
                        const auto plot = event.find("plot_str");
                        if (plot == event.end() || !plot->is_string())
                            continue;
                        const std::string& body = plot->get<std::string>();
                        if (body.find("\"heatmap\"") == std::string::npos ||
                            static_cast<std::int64_t>(body.size()) > maxStoredEvaluationBytes)
                            continue;
                        ArtifactRecord a;
                        a.path = "plots/" + metric + "/" + variant + "/iter_" + std::to_string(iter) + ".json";
                        a.size = static_cast<std::int64_t>(body.size());
                        a.kind = artifact_kind::json;
                        a.content = escapeInvalidUtf8(body);
                        plots.push_back(std::move(a));
                    }
                }
                return {};
            });
        if (stop)
            return Outcome::cancelled;
        if (!parsed)
            return parsed.error();
    }
    if (session.hasLog) {
        const auto [file, entry] = where("log.jsonl");
        const Status parsed = zipstream::forEachJsonLine(
            session.logJsonl, file, entry, observer, [&](const std::string& position, json&& line) -> Status {
                if (line.is_object())
                    line = json::array({std::move(line)});
                if (!line.is_array())
                    return Error{file, position, "expected a JSON array of log events"};
                for (const auto& event : line)
                    if (event.is_object())
                        if (const auto t = event.find("timestamp"); t != event.end())
                            if (const auto ms = jsonInt(*t))
                                seeTime(*ms);
                return {};
            });
        if (!parsed)
            return parsed.error();
    }
    run.startMs = firstMs;
    run.endMs = lastMs;

    if (const json* project = field("project_name"); project && project->is_string()) {
        ExperimentRecord experiment;
        experiment.externalId = escapeInvalidUtf8(project->get<std::string>());
        experiment.name = experiment.externalId;
        run.experimentExternalId = experiment.externalId;
        sink.experiment(experiment);
    }
    sink.beginRun(run);
    for (const auto& [k, v] : params)
        sink.param(k, v);
    for (const auto& [k, v] : tags)
        sink.tag(k, v);
    for (auto& [k, points] : series)
        sink.metricSeries(k, std::move(points));
    for (const auto& a : plots)
        sink.artifact(a);
    std::sort(session.dataFiles.begin(), session.dataFiles.end());
    for (const auto& [relative, size] : session.dataFiles) {
        ArtifactRecord a;
        a.path = relative;
        a.size = size;
        a.kind = artifactKind(relative);
        sink.artifact(a);
    }
    sink.endRun();
    return Outcome::completed;
}

}  // namespace runlens::importers
