// SPDX-License-Identifier: MIT
#include "kubeflowimporter.h"

#include "common/artifactindex.h"
#include "common/discoveredruns.h"
#include "common/paths.h"
#include "generic/jsontext.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <system_error>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace runlens::importers {
namespace {

constexpr int searchDepth = 4;
constexpr std::size_t entryLimit = 20000;
constexpr std::uintmax_t maxMetadataBytes = 1024 * 1024;

bool isConventionalName(const fs::path& p) {
    const std::string name = p.filename().string();
    return name == "mlpipeline-metrics.json" || name == "mlpipeline-ui-metadata.json";
}

enum class Kind { none, metrics, uiMetadata };

bool isKnownOutputType(const json& output) {
    if (!output.is_object())
        return false;
    auto type = output.find("type");
    if (type == output.end() || !type->is_string())
        return false;
    static const std::set<std::string> known{"confusion_matrix", "roc", "table", "markdown", "web-app", "tensorboard"};
    return known.contains(type->get<std::string>());
}

Kind kindOf(const json& j) {
    if (!j.is_object())
        return Kind::none;
    if (auto m = j.find("metrics"); m != j.end() && m->is_array()) {
        return std::all_of(m->begin(), m->end(),
                           [](const json& e) {
                               return e.is_object() && e.contains("name") &&
                                      (e.contains("numberValue") || e.contains("number_value"));
                           })
                   ? Kind::metrics
                   : Kind::none;
    }
    if (auto o = j.find("outputs"); o != j.end() && o->is_array())
        return !o->empty() && std::all_of(o->begin(), o->end(), isKnownOutputType) ? Kind::uiMetadata : Kind::none;
    if (isKnownOutputType(j) && j.contains("source"))
        return Kind::uiMetadata;
    return Kind::none;
}

// Cheap content check for sniffing and discovery: conventional names always count (so that damaged files reach
// the importer and fail with a position); other .json files only when they parse as one of the two shapes.
Kind fileKind(const fs::path& file) {
    if (file.extension() != ".json")
        return Kind::none;
    if (isConventionalName(file))
        return file.filename() == "mlpipeline-metrics.json" ? Kind::metrics : Kind::uiMetadata;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size == 0 || size > maxMetadataBytes)
        return Kind::none;
    auto text = readFile(file);
    if (!text)
        return Kind::none;
    auto parsed = wandb::parseLenientJson(*text);
    return parsed ? kindOf(*parsed) : Kind::none;
}

struct RunDir {
    std::string relative;
    fs::path dir;
    std::vector<std::pair<fs::path, Kind>> files;
};

std::vector<RunDir> discoverRuns(const fs::path& root, std::size_t budget = entryLimit) {
    std::map<std::string, RunDir> runs;
    if (isFile(root)) {
        const Kind kind = fileKind(root);
        RunDir run{".", root.parent_path(), {}};
        run.files.emplace_back(root, kind == Kind::none ? Kind::uiMetadata : kind);
        return {run};
    }
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget-- == 0)
            break;
        std::error_code typeError;
        if (it->path().filename().native().starts_with('.') || it.depth() > searchDepth) {
            if (it->is_directory(typeError))
                it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(typeError))
            continue;
        const Kind kind = fileKind(it->path());
        if (kind == Kind::none)
            continue;
        const fs::path dir = it->path().parent_path();
        std::string relative = dir.lexically_relative(root).generic_string();
        if (relative.empty())
            relative = ".";
        auto& run = runs[relative];
        run.relative = relative;
        run.dir = dir;
        run.files.emplace_back(it->path(), kind);
    }
    std::vector<RunDir> out;
    for (auto& [name, run] : runs) {
        std::sort(run.files.begin(), run.files.end());
        out.push_back(std::move(run));
    }
    return out;
}

std::string runFingerprint(const RunDir& run) {
    Fingerprint fp;
    for (const auto& [file, kind] : run.files)
        fp.addFileStat(file, file.filename().string());
    // Local files the outputs point at live in this folder or beside it; notice changes there too.
    std::error_code ec;
    for (fs::directory_iterator it(run.dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (it->is_regular_file(typeError))
            fp.addFileStat(it->path(), it->path().filename().string());
    }
    return fp.hex();
}

std::string sanitise(std::string s) {
    for (auto& c : s)
        if (c == '/' || c == '\\' || c == ':')
            c = '_';
    return s;
}

// The trailing parts of a source path/URI: "gs://bucket/a/b.csv" -> ["a/b.csv", "b.csv"]; "./a/b.csv" -> ["a/b.csv",
// "b.csv"].
std::vector<std::string> candidateSuffixes(const std::string& source) {
    std::string path = source;
    bool uri = false;
    if (auto scheme = path.find("://"); scheme != std::string::npos) {
        path = path.substr(scheme + 3);
        uri = true;
    }
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (!part.empty() && part != ".")
            parts.push_back(part);
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    if (uri && !parts.empty())
        parts.erase(parts.begin());  // the bucket or host
    std::vector<std::string> out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        std::string joined;
        for (std::size_t j = i; j < parts.size(); ++j)
            joined += (joined.empty() ? "" : "/") + parts[j];
        if (joined.find("..") == std::string::npos && joined.find('*') == std::string::npos)
            out.push_back(joined);
    }
    return out;
}

std::optional<fs::path> resolveSource(const std::string& source, const fs::path& metadataDir, const fs::path& root) {
    const auto suffixes = candidateSuffixes(source);
    fs::path dir = metadataDir;
    const fs::path rootNormal = root.lexically_normal();
    for (;;) {
        for (const auto& s : suffixes)
            if (isFile(dir / s))
                return dir / s;
        const fs::path normal = dir.lexically_normal();
        if (normal == rootNormal || !dir.has_parent_path() || dir.parent_path() == dir)
            break;
        const std::string rel = normal.lexically_relative(rootNormal).generic_string();
        if (rel.empty() || rel.starts_with(".."))
            break;
        dir = dir.parent_path();
    }
    return std::nullopt;
}

class Reader {
public:
    Reader(fs::path root, ImportSink& sink, ImportObserver& observer)
        : m_root(std::move(root)), m_sink(sink), m_observer(observer) {}
    Result<Outcome> run();

private:
    Status readRun(const RunDir& run, const std::string& experimentId, const std::string& fingerprint);
    Status readMetrics(const fs::path& file, const json& j, std::vector<std::pair<std::string, MetricPoint>>& metrics,
                       KeyValues& tags);
    Status readUiMetadata(const fs::path& file, const std::string& text, const json& j, const RunDir& run,
                          std::vector<ArtifactRecord>& artifacts);

    fs::path m_root;
    fs::path m_base;
    ImportSink& m_sink;
    ImportObserver& m_observer;
};

Status Reader::readMetrics(const fs::path& file, const json& j,
                           std::vector<std::pair<std::string, MetricPoint>>& metrics, KeyValues& tags) {
    const std::string shown = displayPath(file);
    if (!j.is_object() || !j.contains("metrics") || !j["metrics"].is_array())
        return Error{shown, "line 1", "expected {\"metrics\": [...]} as in mlpipeline-metrics.json"};
    const json& list = j["metrics"];
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string where = "metrics[" + std::to_string(i) + "]";
        const json& m = list[i];
        if (!m.is_object() || !m.contains("name") || !m["name"].is_string())
            return Error{shown, where, "a metric without a name"};
        const std::string name = m["name"].get<std::string>();
        const json* value = nullptr;
        if (auto it = m.find("numberValue"); it != m.end())
            value = &*it;
        else if (auto it2 = m.find("number_value"); it2 != m.end())
            value = &*it2;
        if (!value)
            return Error{shown, where, "metric '" + name + "' has no numberValue"};
        double v = 0;
        if (value->is_number()) {
            v = value->get<double>();
        } else if (value->is_string()) {
            // protobuf JSON may spell doubles as strings ("NaN", "1.5").
            auto parsed = wandb::numericJsonText(value->get<std::string>());
            if (!parsed)
                return Error{shown, where, "metric '" + name + "' value is not a number"};
            v = *parsed;
        } else {
            return Error{shown, where, "metric '" + name + "' value is not a number"};
        }
        metrics.emplace_back(name, MetricPoint{0, 0, v});
        if (auto f = m.find("format"); f != m.end() && f->is_string())
            tags.emplace_back("kubeflow.metric_format." + name, f->get<std::string>());
    }
    return {};
}

Status Reader::readUiMetadata(const fs::path& file, const std::string& text, const json& j, const RunDir& run,
                              std::vector<ArtifactRecord>& artifacts) {
    const std::string shown = displayPath(file);
    std::vector<const json*> outputs;
    if (j.is_object() && j.contains("outputs")) {
        if (!j["outputs"].is_array())
            return Error{shown, "outputs", "expected an array of outputs"};
        for (const auto& o : j["outputs"])
            outputs.push_back(&o);
    } else if (j.is_object() && j.contains("type")) {
        outputs.push_back(&j);  // the early bare-object form
    } else {
        return Error{shown, "line 1", "expected {\"outputs\": [...]} as in mlpipeline-ui-metadata.json"};
    }
    const std::string stem = file.stem().string();
    ArtifactRecord self;
    self.path = file.filename().string();
    self.size = static_cast<std::int64_t>(text.size());
    self.kind = artifact_kind::json;
    self.content = text;
    artifacts.push_back(std::move(self));
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const json& o = *outputs[i];
        const std::string where = "outputs[" + std::to_string(i) + "]";
        if (!o.is_object() || !o.contains("type") || !o["type"].is_string())
            return Error{shown, where, "an output without a type"};
        const std::string type = o["type"].get<std::string>();
        const std::string source =
            o.contains("source") && o["source"].is_string() ? o["source"].get<std::string>() : "";
        const std::string storage =
            o.contains("storage") && o["storage"].is_string() ? o["storage"].get<std::string>() : "";
        const bool evaluation = type == "confusion_matrix" || type == "roc" || type == "table";
        const bool keepsContent = evaluation || type == "markdown";
        const std::string prefix = "outputs/" + sanitise(stem) + "/" + std::to_string(i) + "-" + sanitise(type) + "/";
        ArtifactRecord a;
        if (storage == "inline") {
            a.path = prefix + (type == "markdown" ? "inline.md" : type == "web-app" ? "inline.html" : "inline.csv");
            a.size = static_cast<std::int64_t>(source.size());
            a.kind = artifactKind(a.path);
            if (keepsContent || type == "web-app")
                a.content = source;
            artifacts.push_back(std::move(a));
            continue;
        }
        if (source.empty()) {
            m_observer.warning({shown, where, "the " + type + " output has no source"});
            continue;
        }
        if (keepsContent) {
            if (auto local = resolveSource(source, file.parent_path(), m_base)) {
                std::error_code ec;
                const auto size = static_cast<std::int64_t>(fs::file_size(*local, ec));
                a.path = prefix + local->filename().string();
                a.size = size;
                a.kind = artifactKind(a.path);
                if (size <= maxStoredEvaluationBytes) {
                    auto content = readFile(*local);
                    if (!content)
                        return content.error();
                    a.content = std::move(*content);
                } else {
                    m_observer.warning({displayPath(*local), {}, "too large to keep its content"});
                }
                artifacts.push_back(std::move(a));
                continue;
            }
        }
        a.path = source;
        a.kind = artifactKind(source);
        if (evaluation)
            m_observer.warning(
                {shown, where,
                 "the " + type + " source " + source + " is not available locally; recorded without content"});
        artifacts.push_back(std::move(a));
    }
    (void)run;
    return {};
}

Status Reader::readRun(const RunDir& run, const std::string& experimentId, const std::string& fingerprint) {
    std::vector<std::pair<std::string, MetricPoint>> metrics;
    KeyValues tags;
    std::vector<ArtifactRecord> artifacts;
    for (const auto& [file, kind] : run.files) {
        auto text = readFile(file);
        if (!text)
            return text.error();
        if (text->find_first_not_of(" \t\r\n") == std::string::npos)
            return Error{displayPath(file), "line 1",
                         "the file is empty; expected Kubeflow metrics or UI metadata JSON"};
        auto parsed = textio::parseJson(*text, file);
        if (!parsed)
            return parsed.error();
        const Kind actual = kindOf(*parsed);
        if (kind == Kind::metrics || actual == Kind::metrics) {
            if (Status s = readMetrics(file, *parsed, metrics, tags); !s)
                return s;
        } else if (Status s = readUiMetadata(file, *text, *parsed, run, artifacts); !s) {
            return s;
        }
    }
    RunRecord record;
    record.externalId = run.relative;
    record.experimentExternalId = experimentId;
    record.name = run.relative == "." ? run.dir.filename().string() : run.relative;
    record.sourceName = displayPath(run.dir);
    record.fingerprint = fingerprint;
    m_sink.beginRun(record);
    for (const auto& [k, v] : tags)
        m_sink.tag(k, v);
    std::map<std::string, std::vector<MetricPoint>> series;
    for (const auto& [name, point] : metrics)
        series[name].push_back(point);
    for (auto& [name, points] : series)
        m_sink.metricSeries(name, std::move(points));
    std::set<std::string> seen;
    for (const auto& a : artifacts)
        if (seen.insert(a.path).second)
            m_sink.artifact(a);
    m_sink.endRun();
    return {};
}

Result<Outcome> Reader::run() {
    m_base = isFile(m_root) ? m_root.parent_path() : m_root;
    const auto runs = discoverRuns(m_root);
    if (runs.empty())
        return Error{displayPath(m_root), {}, "no Kubeflow Pipelines mlpipeline-metrics.json or ui-metadata found"};
    ExperimentRecord experiment;
    experiment.externalId = m_base.filename().string();
    experiment.name = experiment.externalId;
    m_sink.experiment(experiment);
    return readChangedRuns(runs, "reading Kubeflow outputs", m_sink, m_observer, &RunDir::relative, runFingerprint,
                           [&](const RunDir& run, const std::string& fingerprint) {
                               return readRun(run, experiment.externalId, fingerprint);
                           });
}

bool anyKubeflowFile(const fs::path& dir, int depth, std::size_t& budget, bool& conventional) {
    std::error_code ec;
    std::vector<fs::path> subdirs;
    bool found = false;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget == 0)
            return found;
        --budget;
        if (it->path().filename().native().starts_with('.'))
            continue;
        std::error_code typeError;
        if (it->is_regular_file(typeError)) {
            if (fileKind(it->path()) != Kind::none) {
                found = true;
                conventional = conventional || isConventionalName(it->path());
            }
        } else if (it->is_directory(typeError) && !it->is_symlink(typeError)) {
            subdirs.push_back(it->path());
        }
    }
    if (depth > 0)
        for (const auto& sub : subdirs)
            found = anyKubeflowFile(sub, depth - 1, budget, conventional) || found;
    return found;
}

}  // namespace

std::string_view KubeflowImporter::formatId() const {
    return "kubeflow";
}

std::string_view KubeflowImporter::displayName() const {
    return "Kubeflow Pipelines v1 outputs";
}

int KubeflowImporter::sniff(const fs::path& path) const {
    if (isFile(path)) {
        if (isConventionalName(path))
            return 85;
        return fileKind(path) != Kind::none ? 65 : 0;
    }
    if (!isDir(path))
        return 0;
    std::size_t budget = entryLimit;
    bool conventional = false;
    if (!anyKubeflowFile(path, searchDepth, budget, conventional))
        return 0;
    // Below the trackers whose folders are unmistakable (MLflow 90, W&B, TensorBoard), above generic guesses.
    return conventional ? 75 : 55;
}

Result<std::string> KubeflowImporter::fingerprint(const fs::path& path) const {
    return sourceFingerprint(discoverRuns(path), &RunDir::relative, runFingerprint);
}

Result<Outcome> KubeflowImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    if (!isFile(path) && !isDir(path))
        return Error{displayPath(path), {}, "no such file or directory"};
    Reader reader(path, sink, observer);
    return reader.run();
}

}  // namespace runlens::importers
