// SPDX-License-Identifier: MIT
#include "mlflowfilestore.h"

#include "common/artifactindex.h"
#include "common/numbers.h"
#include "common/paths.h"
#include "common/yamlutil.h"
#include "mlflow/artifactroot.h"
#include "mlflow/mlflowconventions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <system_error>
#include <unordered_map>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

// Folders inside an experiment that are not runs.
constexpr std::array experimentReserved{"tags", "datasets", "traces", "models"};

// Subdirectories sorted by name so imports and fingerprints are deterministic.
std::vector<fs::path> subdirectories(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (it->is_directory(typeError))
            out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool looksLikeExperiment(const fs::path& dir) {
    const fs::path meta = dir / "meta.yaml";
    if (!isFile(meta))
        return false;
    auto text = readFile(meta);
    return text &&
           (text->find("experiment_id") != std::string::npos || text->find("artifact_location") != std::string::npos);
}

bool looksLikeStoreRoot(const fs::path& dir) {
    for (const auto& child : subdirectories(dir)) {
        const auto name = child.filename().native();
        if (name == ".trash") {
            for (const auto& trashed : subdirectories(child)) {
                if (looksLikeExperiment(trashed))
                    return true;
            }
        } else if (!name.starts_with('.') && looksLikeExperiment(child)) {
            return true;
        }
    }
    return false;
}

// The store root: the path itself, or a store folder up to two levels below it (mlruns/, runs/mlflow/).
std::optional<fs::path> findStoreRoot(const fs::path& path) {
    if (!isDir(path))
        return std::nullopt;
    if (looksLikeStoreRoot(path))
        return path;
    std::vector<fs::path> level = {path};
    for (int depth = 0; depth < 2; ++depth) {
        std::vector<fs::path> next;
        for (const auto& dir : level) {
            for (const auto& child : subdirectories(dir)) {
                if (isHidden(child))
                    continue;
                if (looksLikeStoreRoot(child))
                    return child;
                next.push_back(child);
            }
        }
        level = std::move(next);
    }
    return std::nullopt;
}

std::string statusName(const std::optional<std::string>& raw) {
    if (!raw)
        return run_status::running;  // MLflow's default for a missing status
    static const std::unordered_map<std::string, const char*> names = {
        {"1", run_status::running}, {"2", run_status::scheduled}, {"3", run_status::finished},
        {"4", run_status::failed},  {"5", run_status::killed},
    };
    if (auto it = names.find(*raw); it != names.end())
        return it->second;
    for (const char* name :
         {run_status::running, run_status::scheduled, run_status::finished, run_status::failed, run_status::killed})
        if (*raw == name)
            return name;
    return run_status::unknown;
}

struct KeyFile {
    std::string key;
    fs::path file;
};

// Lists the files of a key/value folder (params/, tags/, metrics/); nested folders are keys with '/'.
// Hidden entries (Jupyter checkpoints and the like) are not keys: they are skipped with a warning.
Result<std::vector<KeyFile>> listKeyFiles(const fs::path& dir, ImportObserver& observer) {
    std::vector<KeyFile> out;
    if (!isDir(dir))
        return out;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, ec);
    if (ec)
        return Error{displayPath(dir), {}, "cannot list folder: " + ec.message()};
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path& p = it->path();
        if (isHidden(p)) {
            observer.warning({displayPath(p), {}, "skipped hidden entry (not an MLflow key)"});
            if (it->is_directory())
                it.disable_recursion_pending();
            continue;
        }
        std::error_code typeError;
        if (it->is_symlink(typeError) && !fs::exists(p, typeError))
            return Error{displayPath(p), {}, "cannot read file: it is a link to a file that does not exist"};
        if (!it->is_regular_file(typeError))
            continue;
        std::string key = p.lexically_relative(dir).generic_string();
        if (!isValidUtf8(key))
            return Error{displayPath(p), {}, "the key name is not valid UTF-8"};
        out.push_back({std::move(key), p});
    }
    if (ec)
        return Error{displayPath(dir), {}, "cannot list folder: " + ec.message()};
    std::sort(out.begin(), out.end(), [](const KeyFile& a, const KeyFile& b) { return a.key < b.key; });
    return out;
}

Result<KeyValues> readKeyValues(const fs::path& dir, ImportObserver& observer) {
    auto files = listKeyFiles(dir, observer);
    if (!files)
        return files.error();
    KeyValues values;
    values.reserve(files->size());
    for (const auto& kf : *files) {
        auto text = readFile(kf.file);
        if (!text)
            return text.error();
        if (!isValidUtf8(*text)) {
            observer.warning({displayPath(kf.file), {}, "value is not valid UTF-8; invalid bytes shown as \\xNN"});
            *text = escapeInvalidUtf8(*text);
        }
        values.emplace_back(kf.key, std::move(*text));
    }
    return values;
}

std::string_view trimCarriageReturn(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

// Splits on single spaces into at most 8 fields; returns the field count.
std::size_t splitFields(std::string_view line, std::array<std::string_view, 8>& fields) {
    std::size_t count = 0;
    std::size_t start = 0;
    while (count < fields.size()) {
        const auto space = line.find(' ', start);
        if (space == std::string_view::npos) {
            fields[count++] = line.substr(start);
            return count;
        }
        fields[count++] = line.substr(start, space - start);
        start = space + 1;
    }
    return count + 1;  // more fields than we keep: reported as too many
}

// Parses a metric file. Run files have 2 (pre-1.0), 3 or 5 fields; logged-model files 4 or 6.
Result<std::vector<MetricPoint>> readMetricFile(const fs::path& file, bool loggedModel, ImportObserver& observer) {
    auto text = readFile(file);
    if (!text)
        return text.error();
    std::vector<MetricPoint> points;
    points.reserve(text->size() / 32);
    std::string_view rest(*text);
    std::int64_t lineNumber = 0;
    std::array<std::string_view, 8> fields;
    while (!rest.empty()) {
        ++lineNumber;
        const auto newline = rest.find('\n');
        const bool terminated = newline != std::string_view::npos;
        const std::string_view line = trimCarriageReturn(rest.substr(0, terminated ? newline : rest.size()));
        rest.remove_prefix(terminated ? newline + 1 : rest.size());
        if (line.empty())
            continue;
        const std::size_t n = splitFields(line, fields);
        const bool countOk = loggedModel ? (n >= 3 && n <= 6) : (n == 2 || n == 3 || n == 5);
        std::optional<std::int64_t> timestamp;
        std::optional<double> value;
        std::optional<std::int64_t> step = std::int64_t{0};
        if (countOk) {
            timestamp = parseInt64(fields[0]);
            if (!timestamp) {
                // Very old writers and hand-made files: a float timestamp.
                if (auto t = parseDouble(fields[0]); t && std::isfinite(*t))
                    timestamp = static_cast<std::int64_t>(*t);
            }
            value = parseDouble(fields[1]);
            if (n >= 3)
                step = parseInt64(fields[2]);
        }
        if (countOk && timestamp && value && step) {
            points.push_back({*step, static_cast<double>(*timestamp), *value});
            continue;
        }
        const std::string position = "line " + std::to_string(lineNumber);
        if (!terminated) {
            // A writer killed mid-line leaves an unterminated last line; MLflow ignores it too.
            observer.warning({displayPath(file), position, "ignored an incomplete last line"});
            break;
        }
        if (!countOk)
            return Error{displayPath(file), position,
                         "expected 3 space-separated fields (timestamp value step), found " +
                             (n > 7 ? std::string("more than 7") : std::to_string(n))};
        if (!timestamp)
            return Error{displayPath(file), position, "timestamp '" + std::string(fields[0]) + "' is not an integer"};
        if (!value)
            return Error{displayPath(file), position, "value '" + std::string(fields[1]) + "' is not a number"};
        return Error{displayPath(file), position, "step '" + std::string(fields[2]) + "' is not an integer"};
    }
    return points;
}

struct Dataset {
    std::string name;
    std::string digest;
    std::string sourceType;
    std::string source;
    std::string schema;
    std::string profile;
};

struct ExperimentInfo {
    fs::path dir;
    bool trashed = false;
    std::vector<fs::path> runDirs;
};

class FileStoreReader {
public:
    FileStoreReader(fs::path root, ImportSink& sink, ImportObserver& observer)
        : m_root(std::move(root)), m_sink(sink), m_observer(observer) {}

    Result<Outcome> run();

private:
    Status readExperiment(const ExperimentInfo& info, ExperimentRecord& record);
    Status readDatasets(const fs::path& experimentDir);
    Status readRun(const fs::path& runDir, const Result<YAML::Node>& meta, const ExperimentRecord& experiment,
                   const std::string& fingerprint);
    Status readInputs(const fs::path& runDir);
    Status readLoggedModels(const fs::path& experimentDir, const std::string& experimentId);
    Status readRegistry();
    std::optional<fs::path> artifactRoot(const fs::path& runDir, const std::string& artifactUri,
                                         const std::string& experimentId, const std::string& runId) const;

    fs::path m_root;
    ImportSink& m_sink;
    ImportObserver& m_observer;
    std::unordered_map<std::string, Dataset> m_datasets;  // by dataset folder id, per experiment
};

std::vector<ExperimentInfo> listExperiments(const fs::path& root) {
    std::vector<ExperimentInfo> experiments;
    auto addExperiment = [&](const fs::path& dir, bool trashed) {
        if (!isFile(dir / "meta.yaml"))
            return;
        ExperimentInfo info{dir, trashed, {}};
        for (const auto& child : subdirectories(dir)) {
            const auto name = child.filename().string();
            if (name.starts_with('.') ||
                std::find(experimentReserved.begin(), experimentReserved.end(), name) != experimentReserved.end())
                continue;
            info.runDirs.push_back(child);
        }
        experiments.push_back(std::move(info));
    };
    for (const auto& child : subdirectories(root)) {
        const auto name = child.filename().native();
        if (name == ".trash") {
            for (const auto& trashed : subdirectories(child))
                addExperiment(trashed, true);
        } else if (name != "models" && !name.starts_with('.')) {
            addExperiment(child, false);
        }
    }
    return experiments;
}

// Everything the importer reads for one run; artifacts are fingerprinted where they live.
std::string runFingerprint(const fs::path& runDir, const std::optional<fs::path>& artifacts) {
    Fingerprint fp;
    fp.addFileStat(runDir / "meta.yaml", "meta.yaml");
    for (const char* sub : {"metrics", "params", "tags", "inputs", "outputs"}) {
        fp.add(std::string_view(sub));
        fingerprintTree(runDir / sub, fp);
    }
    if (artifacts) {
        fp.add(artifacts->native());
        fingerprintTree(*artifacts, fp);
    }
    return fp.hex();
}

Status FileStoreReader::readExperiment(const ExperimentInfo& info, ExperimentRecord& record) {
    const fs::path metaPath = info.dir / "meta.yaml";
    auto meta = loadYamlFile(metaPath);
    if (!meta)
        return meta.error();
    const auto id = yamlString(*meta, "experiment_id");
    const auto name = yamlString(*meta, "name");
    if (!id || !name)
        return Error{displayPath(metaPath),
                     {},
                     std::string("missing key '") + (id ? "name" : "experiment_id") + "' (the file may be truncated)"};
    const std::string dirName = info.dir.filename().string();
    if (*id != dirName)
        m_observer.warning({displayPath(metaPath),
                            {},
                            "experiment_id '" + *id + "' differs from the folder name; using the folder name"});
    record.externalId = dirName;
    record.name = *name;
    record.lifecycle = info.trashed ? "deleted" : yamlString(*meta, "lifecycle_stage").value_or("active");
    record.artifactLocation = yamlString(*meta, "artifact_location").value_or("");
    record.createdMs = yamlInt(*meta, "creation_time");
    record.updatedMs = yamlInt(*meta, "last_update_time");
    auto tags = readKeyValues(info.dir / "tags", m_observer);
    if (!tags)
        return tags.error();
    record.tags = std::move(*tags);
    return {};
}

Status FileStoreReader::readDatasets(const fs::path& experimentDir) {
    m_datasets.clear();
    for (const auto& dir : subdirectories(experimentDir / "datasets")) {
        if (isHidden(dir) || !isFile(dir / "meta.yaml"))
            continue;
        auto meta = loadYamlFile(dir / "meta.yaml");
        if (!meta)
            return meta.error();
        m_datasets[dir.filename().string()] = Dataset{
            yamlString(*meta, "name").value_or(""),        yamlString(*meta, "digest").value_or(""),
            yamlString(*meta, "source_type").value_or(""), yamlString(*meta, "source").value_or(""),
            yamlString(*meta, "schema").value_or(""),      yamlString(*meta, "profile").value_or(""),
        };
    }
    return {};
}

Status FileStoreReader::readInputs(const fs::path& runDir) {
    for (const auto& dir : subdirectories(runDir / "inputs")) {
        if (isHidden(dir) || !isFile(dir / "meta.yaml"))
            continue;
        auto meta = loadYamlFile(dir / "meta.yaml");
        if (!meta)
            return meta.error();
        if (yamlString(*meta, "source_type").value_or("DATASET") != "DATASET")
            continue;  // model inputs (3.x) link logged models, not datasets
        const std::string sourceId = yamlString(*meta, "source_id").value_or("");
        DatasetInputRecord input;
        if (auto it = m_datasets.find(sourceId); it != m_datasets.end()) {
            input.name = it->second.name;
            input.digest = it->second.digest;
            input.sourceType = it->second.sourceType;
            input.source = it->second.source;
            input.schema = it->second.schema;
            input.profile = it->second.profile;
        } else {
            m_observer.warning({displayPath(dir / "meta.yaml"), {}, "input refers to unknown dataset " + sourceId});
            input.name = sourceId;
        }
        if (const YAML::Node tags = (*meta)["tags"]; tags && tags.IsMap()) {
            for (const auto& entry : tags) {
                const std::string key = entry.first.Scalar();
                const std::string value = entry.second.IsScalar() ? entry.second.Scalar() : std::string();
                if (key == "mlflow.data.context")
                    input.context = value;
                input.tags.emplace_back(key, value);
            }
        }
        m_sink.datasetInput(input);
    }
    return {};
}

std::optional<fs::path> FileStoreReader::artifactRoot(const fs::path& runDir, const std::string& artifactUri,
                                                      const std::string& experimentId, const std::string& runId) const {
    if (isDir(runDir / "artifacts"))
        return runDir / "artifacts";
    // A tracking server keeps artifacts apart (mlartifacts/ beside mlruns/), and copied stores hold stale URIs.
    const fs::path base = m_root.parent_path();
    return mlflow::resolveArtifactRoot(artifactUri, base, {m_root, base / "mlartifacts", base / "artifacts"},
                                       experimentId, runId);
}

Status FileStoreReader::readRun(const fs::path& runDir, const Result<YAML::Node>& meta,
                                const ExperimentRecord& experiment, const std::string& fingerprint) {
    const fs::path metaPath = runDir / "meta.yaml";
    if (!meta)
        return meta.error();
    const std::string dirName = runDir.filename().string();
    const auto runId = yamlString(*meta, "run_id") ? yamlString(*meta, "run_id") : yamlString(*meta, "run_uuid");
    if (!runId)
        return Error{displayPath(metaPath), {}, "missing key 'run_id' (the file may be truncated)"};
    // MLflow always writes these; their absence means a cut-off file, not an old version.
    for (const char* key : {"experiment_id", "start_time", "status"}) {
        if (!(*meta)[key])
            return Error{
                displayPath(metaPath), {}, std::string("missing key '") + key + "' (the file may be truncated)"};
    }
    if (*runId != dirName)
        m_observer.warning(
            {displayPath(metaPath), {}, "run_id '" + *runId + "' differs from the folder name; using the folder name"});

    auto tags = readKeyValues(runDir / "tags", m_observer);
    if (!tags)
        return tags.error();
    auto params = readKeyValues(runDir / "params", m_observer);
    if (!params)
        return params.error();
    auto tagValue = [&](std::string_view key) -> std::string {
        for (const auto& [k, v] : *tags)
            if (k == key)
                return v;
        return {};
    };

    RunRecord run;
    run.externalId = dirName;
    run.experimentExternalId = experiment.externalId;
    run.name = yamlString(*meta, "run_name").value_or("");
    if (run.name.empty())
        run.name = tagValue("mlflow.runName");
    run.status = statusName(yamlString(*meta, "status"));
    run.lifecycle =
        experiment.lifecycle == "deleted" ? "deleted" : yamlString(*meta, "lifecycle_stage").value_or("active");
    run.user = yamlString(*meta, "user_id").value_or("");
    if (run.user.empty())
        run.user = tagValue("mlflow.user");
    run.startMs = yamlInt(*meta, "start_time");
    run.endMs = yamlInt(*meta, "end_time");
    run.deletedMs = yamlInt(*meta, "deleted_time");
    run.artifactUri = yamlString(*meta, "artifact_uri").value_or("");
    run.parentExternalId = tagValue("mlflow.parentRunId");
    run.gitCommit = tagValue("mlflow.source.git.commit");
    run.sourceName = tagValue("mlflow.source.name");
    run.fingerprint = fingerprint;

    auto metricFiles = listKeyFiles(runDir / "metrics", m_observer);
    if (!metricFiles)
        return metricFiles.error();

    m_sink.beginRun(run);
    for (const auto& [key, value] : *params)
        m_sink.param(key, value);
    for (const auto& [key, value] : *tags)
        m_sink.tag(key, value);
    for (const auto& kf : *metricFiles) {
        auto points = readMetricFile(kf.file, false, m_observer);
        if (!points)
            return points.error();
        m_sink.metricSeries(kf.key, std::move(*points));
    }
    if (Status s = readInputs(runDir); !s)
        return s;
    if (auto root = artifactRoot(runDir, run.artifactUri, experiment.externalId, run.externalId))
        indexArtifacts(*root, m_sink, m_observer);
    m_sink.endRun();
    return {};
}

Status FileStoreReader::readLoggedModels(const fs::path& experimentDir, const std::string& experimentId) {
    for (const auto& dir : subdirectories(experimentDir / "models")) {
        if (isHidden(dir) || !isFile(dir / "meta.yaml"))
            continue;
        auto meta = loadYamlFile(dir / "meta.yaml");
        if (!meta)
            return meta.error();
        LoggedModelRecord model;
        model.externalId = yamlString(*meta, "model_id").value_or(dir.filename().string());
        model.experimentExternalId = experimentId;
        model.name = yamlString(*meta, "name").value_or("");
        model.sourceRunExternalId = yamlString(*meta, "source_run_id").value_or("");
        static const std::unordered_map<std::string, std::string> statuses = {
            {"0", "UNSPECIFIED"}, {"1", "PENDING"}, {"2", "READY"}, {"3", "FAILED"}};
        const std::string status = yamlString(*meta, "status").value_or("");
        model.status = statuses.contains(status) ? statuses.at(status) : status;
        model.modelType = yamlString(*meta, "model_type").value_or("");
        model.artifactLocation = yamlString(*meta, "artifact_location").value_or("");
        model.createdMs = yamlInt(*meta, "creation_timestamp");
        model.updatedMs = yamlInt(*meta, "last_updated_timestamp");
        auto params = readKeyValues(dir / "params", m_observer);
        if (!params)
            return params.error();
        model.params = std::move(*params);
        auto tags = readKeyValues(dir / "tags", m_observer);
        if (!tags)
            return tags.error();
        model.tags = std::move(*tags);
        auto metricFiles = listKeyFiles(dir / "metrics", m_observer);
        if (!metricFiles)
            return metricFiles.error();
        for (const auto& kf : *metricFiles) {
            auto points = readMetricFile(kf.file, true, m_observer);
            if (!points)
                return points.error();
            if (points->empty())
                continue;
            const auto latest = std::max_element(points->begin(), points->end(), [](const auto& a, const auto& b) {
                return std::tie(a.step, a.timestampMs) < std::tie(b.step, b.timestampMs);
            });
            model.metrics.emplace_back(kf.key, *latest);
        }
        m_sink.loggedModel(model);
    }
    return {};
}

Status FileStoreReader::readRegistry() {
    const fs::path registry = m_root / "models";
    for (const auto& dir : subdirectories(registry)) {
        if (isHidden(dir) || !isFile(dir / "meta.yaml"))
            continue;
        auto meta = loadYamlFile(dir / "meta.yaml");
        if (!meta)
            return meta.error();
        RegisteredModelRecord model;
        model.name = yamlString(*meta, "name").value_or(dir.filename().string());
        model.description = yamlString(*meta, "description").value_or("");
        model.createdMs = yamlInt(*meta, "creation_timestamp");
        model.updatedMs = yamlInt(*meta, "last_updated_timestamp");
        auto tags = readKeyValues(dir / "tags", m_observer);
        if (!tags)
            return tags.error();
        model.tags = std::move(*tags);
        // aliases/ is authoritative (2.3+); each file holds the version number.
        auto aliases = readKeyValues(dir / "aliases", m_observer);
        if (!aliases)
            return aliases.error();
        for (const auto& [alias, versionText] : *aliases) {
            std::string_view text = versionText;
            while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
                text.remove_suffix(1);
            if (auto version = parseInt64(text))
                model.aliases.emplace_back(alias, *version);
            else
                m_observer.warning({displayPath(dir / "aliases" / alias), {}, "alias does not hold a version number"});
        }
        for (const auto& versionDir : subdirectories(dir)) {
            const std::string name = versionDir.filename().string();
            if (!name.starts_with("version-") || !isFile(versionDir / "meta.yaml"))
                continue;
            auto vmeta = loadYamlFile(versionDir / "meta.yaml");
            if (!vmeta)
                return vmeta.error();
            ModelVersionRecord v;
            const auto number = yamlInt(*vmeta, "version") ? yamlInt(*vmeta, "version") : parseInt64(name.substr(8));
            if (!number)
                return Error{displayPath(versionDir / "meta.yaml"), {}, "missing version number"};
            v.version = *number;
            v.stage = yamlString(*vmeta, "current_stage").value_or("None");
            if (v.stage == "Deleted_Internal")
                continue;  // soft-deleted by MLflow; the folder stays behind
            v.description = yamlString(*vmeta, "description").value_or("");
            v.source = yamlString(*vmeta, "source").value_or("");
            v.runExternalId = yamlString(*vmeta, "run_id").value_or("");
            v.runLink = yamlString(*vmeta, "run_link").value_or("");
            v.status = yamlString(*vmeta, "status").value_or("");
            v.statusMessage = yamlString(*vmeta, "status_message").value_or("");
            v.storageLocation = yamlString(*vmeta, "storage_location").value_or("");
            v.user = yamlString(*vmeta, "user_id").value_or("");
            v.createdMs = yamlInt(*vmeta, "creation_timestamp");
            v.updatedMs = yamlInt(*vmeta, "last_updated_timestamp");
            auto vtags = readKeyValues(versionDir / "tags", m_observer);
            if (!vtags)
                return vtags.error();
            v.tags = std::move(*vtags);
            model.versions.push_back(std::move(v));
        }
        std::sort(model.versions.begin(), model.versions.end(),
                  [](const auto& a, const auto& b) { return a.version < b.version; });
        if (!mlflow::isPrompt(model))
            m_sink.registeredModel(model);
    }
    return {};
}

Result<Outcome> FileStoreReader::run() {
    const auto experiments = listExperiments(m_root);
    std::int64_t totalRuns = 0;
    for (const auto& e : experiments)
        totalRuns += static_cast<std::int64_t>(e.runDirs.size());
    std::int64_t done = 0;
    if (!m_observer.progress("reading runs", 0, totalRuns))
        return Outcome::cancelled;
    for (const auto& info : experiments) {
        ExperimentRecord experiment;
        if (Status s = readExperiment(info, experiment); !s)
            return s.error();
        m_sink.experiment(experiment);
        if (Status s = readDatasets(info.dir); !s)
            return s.error();
        for (const auto& runDir : info.runDirs) {
            ++done;
            if (!isFile(runDir / "meta.yaml")) {
                // MLflow skips such folders too (an artifact-only folder, a half-created run).
                m_observer.warning({displayPath(runDir), {}, "skipped a folder without meta.yaml (not a run)"});
                continue;
            }
            const std::string runId = runDir.filename().string();
            if (!isValidUtf8(runId))
                return Error{displayPath(runDir), {}, "the run folder name is not valid UTF-8"};
            // meta.yaml is parsed at most once per run: for the fingerprint when the artifacts live elsewhere (their
            // location is in the URI), and for reading a run that changed.
            std::optional<Result<YAML::Node>> meta;
            auto loadMeta = [&]() -> const Result<YAML::Node>& {
                if (!meta)
                    meta.emplace(loadYamlFile(runDir / "meta.yaml"));
                return *meta;
            };
            std::string artifactUri;
            if (!isDir(runDir / "artifacts")) {
                if (const auto& parsed = loadMeta())
                    artifactUri = yamlString(*parsed, "artifact_uri").value_or("");
            }
            const std::string fingerprint =
                runFingerprint(runDir, artifactRoot(runDir, artifactUri, experiment.externalId, runId));
            if (!m_sink.runUnchanged(runId, fingerprint)) {
                if (Status s = readRun(runDir, loadMeta(), experiment, fingerprint); !s)
                    return s.error();
            }
            if (!m_observer.progress("reading runs", done, totalRuns))
                return Outcome::cancelled;
        }
        if (Status s = readLoggedModels(info.dir, experiment.externalId); !s)
            return s.error();
    }
    if (!m_observer.progress("reading the model registry", done, totalRuns))
        return Outcome::cancelled;
    if (Status s = readRegistry(); !s)
        return s.error();
    return Outcome::completed;
}

}  // namespace

std::string_view MlflowFileStoreImporter::formatId() const {
    return "mlflow-filestore";
}
std::string_view MlflowFileStoreImporter::displayName() const {
    return "MLflow FileStore (mlruns)";
}

int MlflowFileStoreImporter::sniff(const fs::path& path) const {
    const auto root = findStoreRoot(path);
    if (!root)
        return 0;
    return *root == path ? 90 : 70;
}

Result<std::string> MlflowFileStoreImporter::fingerprint(const fs::path& path) const {
    const auto root = findStoreRoot(path);
    if (!root)
        return Error{displayPath(path), {}, "not an MLflow FileStore (no experiment folder with meta.yaml)"};
    // Stats of every file the importer reads, never their contents: fast enough for 10,000 runs.
    Fingerprint fp;
    fp.add(std::string_view("mlflow-filestore/1"));
    fingerprintTree(*root, fp);
    // Artifacts kept outside the store by a tracking server.
    fingerprintTree(root->parent_path() / "mlartifacts", fp);
    return fp.hex();
}

Result<Outcome> MlflowFileStoreImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    const auto root = findStoreRoot(path);
    if (!root)
        return Error{displayPath(path), {}, "not an MLflow FileStore (no experiment folder with meta.yaml)"};
    FileStoreReader reader(*root, sink, observer);
    return reader.run();
}

}  // namespace runlens::importers
