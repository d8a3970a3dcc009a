// SPDX-License-Identifier: MIT
#include "cometimporter.h"

#include "comet/zipstream.h"
#include "common/artifactindex.h"
#include "common/numbers.h"
#include "common/paths.h"
#include "common/taglist.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <map>
#include <set>
#include <system_error>

// What is read (formats.md 6.3):
// * experiment.json: offline_id (run id; else the archive's name), workspace + project_name (the experiment
//   "<workspace>/<project>"; none when project_name is null), start_time/stop_time (ms), tags.
// * messages.json, JSON lines {"type", "payload"}:
//   - metric_msg: metricName, metricValue (number, or the strings "NaN", "Infinity", "-Infinity", or number text),
//     step (null: 0), epoch (kept as the series "epoch" at that step), local_timestamp (ms);
//   - parameter_msg with "param" or "params": paramName -> paramValue (last one wins); Comet's own per-step
//     "curr_step"/"curr_epoch" bookkeeping (source "auto-logged") is skipped;
//   - log_other: "Name" is the run name, others become tags comet.other.<key> ("offline_experiment" skipped);
//   - file_upload: the zip entry named by file_path is an artifact at additional_params.fileName (content kept for
//     small JSON/CSV/text); backend-named uploads (text samples...) sit under <upload_type>/;
//   - other message types are ignored.
// * Zip entries that no file_upload names are artifacts under their own name.
// Tags: comet.workspace, comet.project, each tag as comet.tag.<name> (empty value) and comet.tags (comma-joined).

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace runlens::importers {

namespace {

constexpr const char* kExperimentJson = "experiment.json";
constexpr const char* kMessagesJson = "messages.json";

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

std::optional<double> metricNumber(const json& v) {
    if (v.is_boolean())
        return v.get<bool>() ? 1.0 : 0.0;
    if (auto n = wandb::numericValue(v))
        return n;
    if (v.is_string())
        return parseDouble(v.get<std::string>());
    return std::nullopt;
}

std::string text(const json& v) {
    return escapeInvalidUtf8(wandb::valueText(v));
}

struct Upload {
    std::string artifactPath;
};

struct Collected {
    std::optional<std::string> experimentJson;
    std::optional<std::string> messagesJson;
    std::map<std::string, std::pair<std::int64_t, std::optional<std::string>>> others;  // entry -> size, content
};

bool keepContent(const std::string& name, std::int64_t size) {
    const std::string kind = artifactKind(name);
    if (kind == artifact_kind::json || kind == artifact_kind::table)
        return size <= maxStoredEvaluationBytes;
    if (kind == artifact_kind::text)
        return size <= maxStoredTextBytes;
    return false;
}

}  // namespace

int CometImporter::sniff(const fs::path& path) const {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec) || !zipstream::looksLikeZip(path))
        return 0;
    bool experiment = false;
    bool messages = false;
    for (const auto& name : zipstream::entryNamesLenient(path)) {
        experiment = experiment || name == kExperimentJson;
        messages = messages || name == kMessagesJson;
    }
    if (experiment && messages)
        return 95;
    return experiment || messages ? 60 : 0;  // damaged archive: still ours, so the error says what is wrong
}

Result<std::string> CometImporter::fingerprint(const fs::path& path) const {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return Error{displayPath(path), {}, "not a file"};
    Fingerprint fp;
    fp.addFileStat(path, path.filename().string());
    return fp.hex();
}

Result<Outcome> CometImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    const std::string shown = displayPath(path);
    Collected got;
    bool cancelled = false;
    std::int64_t entriesSeen = 0;
    std::int64_t keptBytes = 0;
    constexpr std::int64_t maxKeptBytes = 64LL * 1024 * 1024;
    zipstream::Callbacks cb;
    cb.keepGoing = [&] {
        return observer.progress("reading Comet archive", entriesSeen, 0);
    };
    cb.onEntry = [&](const zipstream::Entry& e) {
        ++entriesSeen;
        if (e.name == kExperimentJson || e.name == kMessagesJson)
            return zipstream::Want::read;
        got.others[e.name] = {e.size, std::nullopt};
        // Uploads are stored under temporary names; which are JSON/CSV is known only from messages.json, so small
        // entries are read (within an overall budget) and kept or dropped afterwards.
        if (e.size < 0 || e.size > maxStoredEvaluationBytes || keptBytes + e.size > maxKeptBytes)
            return zipstream::Want::skip;
        keptBytes += e.size;
        return zipstream::Want::read;
    };
    cb.readLimit = [](const zipstream::Entry& e) {
        return e.name == kExperimentJson || e.name == kMessagesJson ? zipstream::maxEntryBytes
                                                                    : maxStoredEvaluationBytes;
    };
    cb.onData = [&](const zipstream::Entry& e, std::string&& data) -> Status {
        if (e.name == kExperimentJson)
            got.experimentJson = std::move(data);
        else if (e.name == kMessagesJson)
            got.messagesJson = std::move(data);
        else
            got.others[e.name] = {e.size, std::move(data)};
        return {};
    };
    if (Status s = zipstream::walk(path, cb, &cancelled); !s)
        return s.error();
    if (cancelled)
        return Outcome::cancelled;
    if (!got.experimentJson)
        return Error{shown, {}, "not a Comet offline archive: it has no experiment.json entry"};
    if (!got.messagesJson)
        return Error{shown, {}, "not a Comet offline archive: it has no messages.json entry"};

    const auto meta = wandb::parseLenientJson(*got.experimentJson);
    if (!meta || !meta->is_object())
        return Error{shown, "entry experiment.json", meta ? "expected a JSON object" : "not valid JSON"};

    RunRecord run;
    run.fingerprint = fingerprint(path).ok() ? *fingerprint(path) : std::string();
    auto field = [&](const char* key) -> const json* {
        const auto it = meta->find(key);
        return it == meta->end() || it->is_null() ? nullptr : &*it;
    };
    if (const json* id = field("offline_id"); id && id->is_string() && !id->get<std::string>().empty())
        run.externalId = escapeInvalidUtf8(id->get<std::string>());
    else
        run.externalId = escapeInvalidUtf8(path.stem().string());
    run.name = run.externalId;
    if (const json* t = field("start_time"))
        run.startMs = jsonInt(*t);
    if (const json* t = field("stop_time"))
        run.endMs = jsonInt(*t);
    run.status = run.endMs ? run_status::finished : run_status::unknown;
    const std::string workspace = field("workspace") ? text(*field("workspace")) : std::string();
    const std::string project = field("project_name") ? text(*field("project_name")) : std::string();
    std::map<std::string, std::string> tags;
    if (!workspace.empty())
        tags["comet.workspace"] = workspace;
    if (!project.empty()) {
        tags["comet.project"] = project;
        ExperimentRecord experiment;
        experiment.externalId = workspace.empty() ? project : workspace + "/" + project;
        experiment.name = experiment.externalId;
        run.experimentExternalId = experiment.externalId;
        sink.experiment(experiment);
    }
    if (const json* list = field("tags"); list && list->is_array())
        addTagList(*list, "comet", tags);

    if (!observer.progress("reading Comet messages", 0, 0))
        return Outcome::cancelled;
    std::map<std::string, std::string> params;
    std::map<std::string, std::vector<MetricPoint>> series;
    std::map<std::int64_t, std::pair<double, double>> epochAtStep;  // step -> (epoch, timestamp)
    std::map<std::string, std::string> uploadPath;                  // zip entry -> artifact path
    std::int64_t lines = 0;
    bool stop = false;
    const Status parsed = zipstream::forEachJsonLine(
        *got.messagesJson, shown, "entry messages.json", observer,
        [&](const std::string& position, json&& message) -> Status {
            if ((++lines & 1023) == 0 && !observer.progress("reading Comet messages", lines, 0)) {
                stop = true;
                return Error{};
            }
            if (!message.is_object())
                return Error{shown, position, "expected a JSON object with \"type\" and \"payload\""};
            const auto type = message.find("type");
            const auto payload = message.find("payload");
            if (type == message.end() || !type->is_string() || payload == message.end() || !payload->is_object())
                return Error{shown, position, "expected a JSON object with \"type\" and \"payload\""};
            const std::string kind = type->get<std::string>();
            const json& p = *payload;
            if (kind == "metric_msg") {
                const auto m = p.find("metric");
                if (m == p.end() || !m->is_object() || !m->contains("metricName") || !(*m)["metricName"].is_string())
                    return Error{shown, position, "metric_msg without metric.metricName"};
                const std::string name = escapeInvalidUtf8((*m)["metricName"].get<std::string>());
                const json valueJson = m->value("metricValue", json());
                const auto value = metricNumber(valueJson);
                if (!value) {
                    observer.warning(
                        Error{shown, position,
                              "metric '" + name + "' value " + valueJson.dump() + " is not a number; skipped"});
                    return {};
                }
                MetricPoint point;
                point.value = *value;
                if (m->contains("step") && !(*m)["step"].is_null()) {
                    const auto step = jsonInt((*m)["step"]);
                    if (!step)
                        return Error{shown, position, "metric '" + name + "' step is not an integer"};
                    point.step = *step;
                }
                if (const auto ts = p.find("local_timestamp"); ts != p.end())
                    point.timestampMs = static_cast<double>(jsonInt(*ts).value_or(0));
                if (m->contains("epoch") && !(*m)["epoch"].is_null())
                    if (const auto epoch = metricNumber((*m)["epoch"]))
                        epochAtStep.try_emplace(point.step, *epoch, point.timestampMs);
                series[name].push_back(point);
            } else if (kind == "parameter_msg") {
                auto it = p.find("param");
                if (it == p.end())
                    it = p.find("params");
                if (it == p.end() || !it->is_object() || !it->contains("paramName"))
                    return Error{shown, position, "parameter_msg without param.paramName"};
                const json& param = *it;
                const std::string name = text(param["paramName"]);
                if (param.value("source", std::string()) == "auto-logged" &&
                    (name == "curr_step" || name == "curr_epoch"))
                    return {};
                params[name] = text(param.value("paramValue", json()));
            } else if (kind == "log_other") {
                if (!p.contains("key"))
                    return {};
                const std::string key = text(p["key"]);
                const json value = p.value("value", json());
                if (key == "offline_experiment")
                    return {};
                if (key == "Name" && value.is_string())
                    run.name = escapeInvalidUtf8(value.get<std::string>());
                else
                    tags["comet.other." + key] = text(value);
            } else if (kind == "file_upload") {
                const auto file = p.find("file_path");
                if (file == p.end() || !file->is_string())
                    return {};
                std::string name;
                if (const auto extra = p.find("additional_params"); extra != p.end() && extra->is_object())
                    if (const auto fn = extra->find("fileName"); fn != extra->end() && fn->is_string())
                        name = fn->get<std::string>();
                if (name.empty() || name == "auto-generated-in-the-backend")
                    name = p.value("upload_type", std::string("upload")) + "/" + file->get<std::string>();
                uploadPath[file->get<std::string>()] = escapeInvalidUtf8(name);
            }
            return {};
        });
    if (stop)
        return Outcome::cancelled;
    if (!parsed)
        return parsed.error();

    sink.beginRun(run);
    for (const auto& [k, v] : params)
        sink.param(k, v);
    for (const auto& [k, v] : tags)
        sink.tag(k, v);
    if (!epochAtStep.empty() && !series.contains("epoch")) {
        auto& epochs = series["epoch"];
        for (const auto& [step, e] : epochAtStep)
            epochs.push_back({step, e.second, e.first});
    }
    for (auto& [k, points] : series)
        sink.metricSeries(k, std::move(points));
    std::vector<ArtifactRecord> artifacts;
    for (auto& [entry, data] : got.others) {
        ArtifactRecord a;
        const auto mapped = uploadPath.find(entry);
        a.path = mapped != uploadPath.end() ? mapped->second : escapeInvalidUtf8(entry);
        a.size = std::max<std::int64_t>(data.first, 0);
        a.kind = artifactKind(a.path);
        if (data.second && keepContent(a.path, a.size) && isValidUtf8(*data.second))
            a.content = std::move(data.second);
        artifacts.push_back(std::move(a));
    }
    std::sort(artifacts.begin(), artifacts.end(), [](const auto& x, const auto& y) { return x.path < y.path; });
    for (const auto& a : artifacts)
        sink.artifact(a);
    sink.endRun();
    return Outcome::completed;
}

}  // namespace runlens::importers
