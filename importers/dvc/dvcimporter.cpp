// SPDX-License-Identifier: MIT
#include "dvcimporter.h"

#include "common/artifactindex.h"
#include "common/numbers.h"
#include "common/paths.h"
#include "common/yamlutil.h"
#include "generic/jsontext.h"
#include "text.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <system_error>

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace runlens::importers {
namespace {

constexpr int repoSearchDepth = 2;
constexpr int treeDepth = 8;
constexpr std::size_t treeEntryLimit = 200000;
constexpr std::uintmax_t maxExpShowSniffBytes = 64ULL * 1024 * 1024;

bool isRepo(const fs::path& dir) {
    return isFile(dir / "dvc.yaml") || isFile(dir / "dvc.lock") || isDir(dir / ".dvc");
}

struct Repo {
    std::string id;
    fs::path dir;
};

void findRepos(const fs::path& root, const fs::path& dir, int depth, std::vector<Repo>& out) {
    std::error_code ec;
    std::vector<fs::path> subdirs;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (!isHidden(it->path()) && it->is_directory(typeError) && !it->is_symlink(typeError))
            subdirs.push_back(it->path());
    }
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& sub : subdirs) {
        if (isRepo(sub))
            out.push_back({sub.lexically_relative(root).generic_string(), sub});
        else if (depth > 1)
            findRepos(root, sub, depth - 1, out);
    }
}

std::vector<Repo> discoverRepos(const fs::path& root) {
    if (isRepo(root))
        return {Repo{"workspace", root}};
    std::vector<Repo> out;
    findRepos(root, root, repoSearchDepth, out);
    return out;
}

bool looksLikeExpShow(const json& j) {
    if (j.is_array()) {
        if (j.empty() || !j.front().is_object())
            return false;
        const auto& first = j.front();
        return first.contains("rev") && (first.contains("data") || first.contains("experiments"));
    }
    if (j.is_object() && !j.empty()) {
        const auto& first = j.begin().value();
        return first.is_object() && first.contains("baseline");
    }
    return false;
}

std::string lowerExtension(const fs::path& p) {
    return text::lower(p.extension().string());
}

// Params: later files never overwrite; a clashing key with a different value keeps its file as a prefix.
void addParam(std::map<std::string, std::string>& params, const std::string& file, bool defaultFile,
              const std::string& key, std::string value) {
    if (!isValidUtf8(value))
        value = escapeInvalidUtf8(value);
    auto [it, inserted] = params.emplace(key, value);
    if (!inserted && it->second != value)
        params[(defaultFile ? std::string() : file + ":") + key] = std::move(value);
}

void flattenYamlParams(const YAML::Node& node, const std::string& prefix,
                       std::vector<std::pair<std::string, std::string>>& out) {
    switch (node.Type()) {
    case YAML::NodeType::Map:
        for (const auto& entry : node) {
            const std::string key = entry.first.Scalar();
            flattenYamlParams(entry.second, prefix.empty() ? key : prefix + "." + key, out);
        }
        return;
    case YAML::NodeType::Sequence:
        out.emplace_back(prefix, wandb::valueText(wandb::yamlToJson(node)));
        return;
    case YAML::NodeType::Scalar:
        out.emplace_back(prefix, node.Scalar());
        return;
    default:
        out.emplace_back(prefix, "null");
        return;
    }
}

std::optional<double> metricNumber(const json& leaf) {
    if (leaf.is_boolean())
        return leaf.get<bool>() ? 1.0 : 0.0;
    if (leaf.is_number())
        return leaf.get<double>();
    return std::nullopt;
}

std::string statusFromState(std::string_view state) {
    if (state == "success")
        return run_status::finished;
    if (state == "queued")
        return run_status::scheduled;
    if (state == "running")
        return run_status::running;
    if (state == "failed")
        return run_status::failed;
    return run_status::unknown;
}

bool isSha(std::string_view s) {
    return s.size() == 40 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string stringAt(const json& object, const char* key) {
    if (object.is_object()) {
        auto it = object.find(key);
        if (it != object.end() && it->is_string())
            return it->get<std::string>();
    }
    return {};
}

// ---------------------------------------------------------------------------------------------------------------
// A repository workspace.

struct RepoFiles {
    std::vector<std::string> params;     // relative, params.yaml first
    std::vector<std::string> metrics;    // relative
    std::vector<std::string> plots;      // relative; files or folders
    std::vector<std::string> tsvSeries;  // relative paths of DVCLive series
    std::vector<Error> notes;            // warnings found while resolving
};

void addUnique(std::vector<std::string>& list, const std::string& item) {
    if (!item.empty() && std::find(list.begin(), list.end(), item) == list.end())
        list.push_back(item);
}

std::string joinRelative(const std::string& wdir, const std::string& path) {
    if (wdir.empty() || wdir == ".")
        return fs::path(path).lexically_normal().generic_string();
    return (fs::path(wdir) / path).lexically_normal().generic_string();
}

// The file names in a params:/metrics:/plots: list: plain strings or single-key maps {path: options}.
void collectPaths(const YAML::Node& list, const std::string& wdir, std::vector<std::string>& out, bool paramsList) {
    if (!list || !list.IsSequence())
        return;
    for (const auto& item : list) {
        if (item.IsScalar()) {
            // In a stage's params: a bare string is a key of params.yaml, not a file.
            if (!paramsList)
                addUnique(out, joinRelative(wdir, item.Scalar()));
            else if (wdir.empty() && item.Scalar().find('.') != std::string::npos &&
                     (item.Scalar().ends_with(".yaml") || item.Scalar().ends_with(".yml") ||
                      item.Scalar().ends_with(".json") || item.Scalar().ends_with(".toml")))
                addUnique(out, item.Scalar());
        } else if (item.IsMap()) {
            for (const auto& entry : item) {
                const std::string key = entry.first.Scalar();
                const YAML::Node options = entry.second;
                // Top-level plot definitions: {name: {x, y: {file: column}}}.
                if (!paramsList && options.IsMap() && options["y"] && options["y"].IsMap()) {
                    for (const auto& y : options["y"])
                        addUnique(out, joinRelative(wdir, y.first.Scalar()));
                    if (options["x"] && options["x"].IsMap())
                        for (const auto& x : options["x"])
                            addUnique(out, joinRelative(wdir, x.first.Scalar()));
                    continue;
                }
                addUnique(out, joinRelative(wdir, key));
            }
        }
    }
}

void findTsvSeries(const fs::path& repo, RepoFiles& files) {
    std::error_code ec;
    std::size_t budget = treeEntryLimit;
    for (fs::recursive_directory_iterator it(repo, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget-- == 0)
            break;
        std::error_code typeError;
        if (isHidden(it->path()) || it.depth() > treeDepth) {
            if (it->is_directory(typeError))
                it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(typeError) || lowerExtension(it->path()) != ".tsv")
            continue;
        const std::string relative = it->path().lexically_relative(repo).generic_string();
        if (relative.find("plots/metrics/") != std::string::npos)
            files.tsvSeries.push_back(relative);
    }
    std::sort(files.tsvSeries.begin(), files.tsvSeries.end());
}

Result<RepoFiles> resolveFiles(const fs::path& repo) {
    RepoFiles files;
    if (isFile(repo / "params.yaml"))
        files.params.push_back("params.yaml");
    const fs::path dvcYaml = repo / "dvc.yaml";
    if (isFile(dvcYaml)) {
        auto loaded = loadYamlFile(dvcYaml);
        if (!loaded)
            return loaded.error();
        const YAML::Node root = *loaded;
        if (!root.IsMap())
            return Error{displayPath(dvcYaml), "line 1", "expected a mapping with stages, metrics, params or plots"};
        try {
            collectPaths(root["params"], {}, files.params, false);
            collectPaths(root["metrics"], {}, files.metrics, false);
            collectPaths(root["plots"], {}, files.plots, false);
            if (root["stages"] && root["stages"].IsMap()) {
                for (const auto& stage : root["stages"]) {
                    const YAML::Node body = stage.second;
                    if (!body.IsMap())
                        continue;
                    std::string wdir;
                    if (body["wdir"] && body["wdir"].IsScalar())
                        wdir = body["wdir"].Scalar();
                    if (body["params"] && body["params"].IsSequence()) {
                        for (const auto& item : body["params"])
                            if (item.IsMap())
                                for (const auto& entry : item)
                                    addUnique(files.params, joinRelative(wdir, entry.first.Scalar()));
                    }
                    collectPaths(body["metrics"], wdir, files.metrics, false);
                    collectPaths(body["plots"], wdir, files.plots, false);
                }
            }
        } catch (const YAML::Exception& e) {
            return Error{displayPath(dvcYaml), "line " + std::to_string(e.mark.line + 1), e.msg};
        }
    }
    findTsvSeries(repo, files);
    if (files.metrics.empty()) {
        if (isFile(repo / "metrics.json"))
            files.metrics.push_back("metrics.json");
        // DVCLive folders: the parent of plots/metrics holds metrics.json.
        for (const auto& tsv : files.tsvSeries) {
            const std::string dir = tsv.substr(0, tsv.find("plots/metrics/"));
            addUnique(files.metrics, dir + "metrics.json");
        }
        if (isFile(repo / "dvclive/metrics.json"))
            addUnique(files.metrics, "dvclive/metrics.json");
        std::erase_if(files.metrics, [&](const std::string& m) { return !isFile(repo / m); });
    }
    return files;
}

void addStat(Fingerprint& fp, const fs::path& repo, const std::string& relative) {
    const fs::path p = repo / relative;
    if (isFile(p)) {
        fp.addFileStat(p, relative);
    } else if (isDir(p)) {
        fingerprintTree(p, fp);
    }
}

std::string repoFingerprint(const fs::path& repo, const RepoFiles& files) {
    Fingerprint fp;
    for (const char* name : {"dvc.yaml", "dvc.lock"})
        addStat(fp, repo, name);
    for (const auto* list : {&files.params, &files.metrics, &files.plots, &files.tsvSeries})
        for (const auto& f : *list) {
            fp.add(f);
            addStat(fp, repo, f);
        }
    return fp.hex();
}

class RepoReader {
public:
    RepoReader(const Repo& repo, ImportSink& sink, ImportObserver& observer)
        : m_repo(repo), m_sink(sink), m_observer(observer) {}
    Status read(const RepoFiles& files, const std::string& experimentId, const std::string& fingerprint);

private:
    Status readParams(const std::string& relative, bool defaultFile, std::map<std::string, std::string>& params);
    Status readTsv(const std::string& relative, std::map<std::string, std::vector<MetricPoint>>& series);
    Status readMetrics(const std::string& relative, std::map<std::string, std::vector<MetricPoint>>& fromFiles);
    Status addPlots(const std::string& relative, std::vector<ArtifactRecord>& artifacts, std::set<std::string>& seen);
    Status addPlotFile(const fs::path& file, std::vector<ArtifactRecord>& artifacts, std::set<std::string>& seen);

    const Repo& m_repo;
    ImportSink& m_sink;
    ImportObserver& m_observer;
};

Status RepoReader::readParams(const std::string& relative, bool defaultFile,
                              std::map<std::string, std::string>& params) {
    const fs::path file = m_repo.dir / relative;
    if (!isFile(file)) {
        m_observer.warning({displayPath(file), {}, "the params file named in dvc.yaml is missing"});
        return {};
    }
    const std::string ext = lowerExtension(file);
    if (ext == ".toml" || ext == ".py") {
        m_observer.warning({displayPath(file), {}, "params in " + ext + " files are not read"});
        return {};
    }
    if (ext == ".json") {
        auto loaded = textio::loadJsonFile(file);
        if (!loaded)
            return loaded.error();
        if (!loaded->is_object())
            return Error{displayPath(file), "line 1", "expected a JSON object of params"};
        textio::flattenJson(*loaded, {}, ".", [&](const std::string& key, const json& leaf) {
            addParam(params, relative, defaultFile, key, wandb::valueText(leaf));
        });
        return {};
    }
    auto text = readFile(file);
    if (!text)
        return text.error();
    if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
        m_observer.warning({displayPath(file), {}, "the params file is empty"});
        return {};
    }
    auto loaded = loadYamlText(*text, file);
    if (!loaded)
        return loaded.error();
    if (!loaded->IsMap()) {
        if (loaded->IsNull())
            return {};
        return Error{displayPath(file), "line 1", "expected a mapping of params"};
    }
    std::vector<std::pair<std::string, std::string>> flat;
    flattenYamlParams(*loaded, {}, flat);
    for (auto& [k, v] : flat)
        addParam(params, relative, defaultFile, k, std::move(v));
    return {};
}

Status RepoReader::readTsv(const std::string& relative, std::map<std::string, std::vector<MetricPoint>>& series) {
    const fs::path file = m_repo.dir / relative;
    const std::string shown = displayPath(file);
    auto text = readFile(file);
    if (!text)
        return text.error();
    if (text->find_first_not_of(" \t\r\n") == std::string::npos) {
        m_observer.warning({shown, {}, "the DVCLive series file is empty"});
        return {};
    }
    auto rows = textio::splitDelimited(*text, '\t', file);
    if (!rows)
        return rows.error();
    const auto& header = rows->front().fields;
    int stepColumn = -1;
    int timeColumn = -1;
    int valueColumn = -1;
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (header[c] == "step")
            stepColumn = static_cast<int>(c);
        else if (header[c] == "timestamp")
            timeColumn = static_cast<int>(c);
        else if (valueColumn < 0)
            valueColumn = static_cast<int>(c);
    }
    if (valueColumn < 0)
        return Error{shown, "line 1", "expected a header with step and a value column (tab-separated)"};
    const auto at = relative.find("plots/metrics/");
    std::string key = relative.substr(at + std::string_view("plots/metrics/").size());
    key = key.substr(0, key.size() - 4);
    if (series.contains(key))
        key = relative.substr(0, relative.size() - 4);
    std::vector<MetricPoint> points;
    for (std::size_t r = 1; r < rows->size(); ++r) {
        const auto& row = (*rows)[r];
        const bool last = r + 1 == rows->size();
        const std::string where = "line " + std::to_string(row.line);
        if (row.fields.size() != header.size()) {
            if (last && !row.terminated) {
                m_observer.warning({shown, where, "ignored an incomplete last row"});
                break;
            }
            return Error{shown, where,
                         "expected " + std::to_string(header.size()) + " tab-separated fields, found " +
                             std::to_string(row.fields.size())};
        }
        MetricPoint p;
        p.step = static_cast<std::int64_t>(r - 1);
        if (stepColumn >= 0) {
            const auto step = parseInt64(row.fields[static_cast<std::size_t>(stepColumn)]);
            if (!step)
                return Error{shown, where + ", column 'step'",
                             "step '" + row.fields[static_cast<std::size_t>(stepColumn)] + "' is not an integer"};
            p.step = *step;
        }
        const std::string& valueText = row.fields[static_cast<std::size_t>(valueColumn)];
        const auto value = parseDouble(valueText);
        if (!value) {
            if (last && !row.terminated) {
                m_observer.warning({shown, where, "ignored an incomplete last row"});
                break;
            }
            return Error{shown, where + ", column '" + header[static_cast<std::size_t>(valueColumn)] + "'",
                         "value '" + valueText + "' is not a number"};
        }
        p.value = *value;
        if (timeColumn >= 0) {
            if (auto t = parseDouble(row.fields[static_cast<std::size_t>(timeColumn)]); t && std::isfinite(*t))
                p.timestampMs = *t;
        }
        points.push_back(p);
    }
    series[key] = std::move(points);
    return {};
}

Status RepoReader::readMetrics(const std::string& relative,
                               std::map<std::string, std::vector<MetricPoint>>& fromFiles) {
    const fs::path file = m_repo.dir / relative;
    if (isDir(file)) {
        std::error_code ec;
        std::vector<std::string> inside;
        for (fs::recursive_directory_iterator it(file, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code typeError;
            const std::string ext = lowerExtension(it->path());
            if (it->is_regular_file(typeError) && (ext == ".json" || ext == ".yaml" || ext == ".yml"))
                inside.push_back(it->path().lexically_relative(m_repo.dir).generic_string());
        }
        std::sort(inside.begin(), inside.end());
        for (const auto& f : inside)
            if (Status s = readMetrics(f, fromFiles); !s)
                return s;
        return {};
    }
    if (!isFile(file)) {
        m_observer.warning({displayPath(file), {}, "the metrics file named in dvc.yaml is missing"});
        return {};
    }
    json data;
    const std::string ext = lowerExtension(file);
    if (ext == ".json") {
        auto loaded = textio::loadJsonFile(file);
        if (!loaded)
            return loaded.error();
        data = std::move(*loaded);
    } else if (ext == ".yaml" || ext == ".yml") {
        auto loaded = loadYamlFile(file);
        if (!loaded)
            return loaded.error();
        data = wandb::yamlToJson(*loaded);
    } else {
        m_observer.warning({displayPath(file), {}, "metrics in " + ext + " files are not read"});
        return {};
    }
    if (!data.is_object())
        return Error{displayPath(file), "line 1", "expected a JSON object of metrics"};
    std::int64_t step = 0;
    if (auto it = data.find("step"); it != data.end() && it->is_number_integer()) {
        step = it->get<std::int64_t>();
        data.erase("step");
    }
    textio::flattenJson(data, {}, "/", [&](const std::string& key, const json& leaf) {
        if (auto v = metricNumber(leaf)) {
            auto& points = fromFiles[key];
            if (points.empty())  // the first file naming a key wins
                points.push_back({step, 0, *v});
        }
    });
    return {};
}

Status RepoReader::addPlotFile(const fs::path& file, std::vector<ArtifactRecord>& artifacts,
                               std::set<std::string>& seen) {
    ArtifactRecord artifact;
    artifact.path = file.lexically_relative(m_repo.dir).generic_string();
    if (!seen.insert(artifact.path).second)
        return {};
    std::error_code ec;
    artifact.size = static_cast<std::int64_t>(fs::file_size(file, ec));
    artifact.kind = artifactKind(artifact.path);
    const std::string ext = lowerExtension(file);
    const bool evaluation = ext == ".json" || ext == ".csv" || ext == ".tsv" || ext == ".jsonl" || ext == ".yaml";
    if (evaluation && artifact.size <= maxStoredEvaluationBytes) {
        auto text = readFile(file);
        if (!text)
            return text.error();
        if (ext == ".json") {
            if (text->find_first_not_of(" \t\r\n") == std::string::npos)
                return Error{displayPath(file), "line 1", "the plot file is empty; expected JSON"};
            auto parsed = textio::parseJson(*text, file);
            if (!parsed)
                return parsed.error();
        }
        artifact.content = std::move(*text);
    } else if (evaluation) {
        m_observer.warning({displayPath(file), {}, "the plot file is too large to keep its content"});
    }
    artifacts.push_back(std::move(artifact));
    return {};
}

Status RepoReader::addPlots(const std::string& relative, std::vector<ArtifactRecord>& artifacts,
                            std::set<std::string>& seen) {
    const fs::path p = m_repo.dir / relative;
    if (isDir(p)) {
        std::error_code ec;
        std::vector<fs::path> inside;
        for (fs::recursive_directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) {
            std::error_code typeError;
            if (it->is_regular_file(typeError))
                inside.push_back(it->path());
        }
        std::sort(inside.begin(), inside.end());
        for (const auto& f : inside) {
            const std::string rel = f.lexically_relative(m_repo.dir).generic_string();
            if (lowerExtension(f) == ".tsv" && rel.find("plots/metrics/") != std::string::npos)
                continue;  // DVCLive series, read as metrics
            if (Status s = addPlotFile(f, artifacts, seen); !s)
                return s;
        }
        return {};
    }
    if (!isFile(p)) {
        m_observer.warning({displayPath(p), {}, "the plot named in dvc.yaml is missing"});
        return {};
    }
    return addPlotFile(p, artifacts, seen);
}

Status RepoReader::read(const RepoFiles& files, const std::string& experimentId, const std::string& fingerprint) {
    for (const auto& note : files.notes)
        m_observer.warning(note);
    std::map<std::string, std::string> params;
    for (std::size_t i = 0; i < files.params.size(); ++i)
        if (Status s = readParams(files.params[i], files.params[i] == "params.yaml", params); !s)
            return s;
    std::map<std::string, std::vector<MetricPoint>> series;
    for (const auto& tsv : files.tsvSeries)
        if (Status s = readTsv(tsv, series); !s)
            return s;
    std::map<std::string, std::vector<MetricPoint>> fromFiles;
    for (const auto& m : files.metrics)
        if (Status s = readMetrics(m, fromFiles); !s)
            return s;
    for (auto& [key, points] : fromFiles)
        if (!series.contains(key))
            series[key] = std::move(points);
    std::vector<ArtifactRecord> artifacts;
    std::set<std::string> seen;
    for (const auto& plot : files.plots)
        if (Status s = addPlots(plot, artifacts, seen); !s)
            return s;

    RunRecord record;
    record.externalId = m_repo.id;
    record.experimentExternalId = experimentId;
    record.name = m_repo.id == "workspace" ? m_repo.dir.filename().string() : m_repo.id;
    record.sourceName = displayPath(m_repo.dir);
    record.fingerprint = fingerprint;
    double first = std::numeric_limits<double>::infinity();
    double last = -std::numeric_limits<double>::infinity();
    for (const auto& [key, points] : series)
        for (const auto& p : points)
            if (p.timestampMs > 0) {
                first = std::min(first, p.timestampMs);
                last = std::max(last, p.timestampMs);
            }
    if (std::isfinite(first)) {
        record.startMs = static_cast<std::int64_t>(first);
        record.endMs = static_cast<std::int64_t>(last);
    }
    m_sink.beginRun(record);
    m_sink.tag("dvc.rev", "workspace");
    for (const auto& [k, v] : params)
        m_sink.param(k, v);
    for (auto& [key, points] : series)
        m_sink.metricSeries(key, std::move(points));
    for (const auto& a : artifacts)
        m_sink.artifact(a);
    m_sink.endRun();
    return {};
}

Result<Outcome> importRepos(const fs::path& root, ImportSink& sink, ImportObserver& observer) {
    const auto repos = discoverRepos(root);
    if (repos.empty())
        return Error{displayPath(root), {}, "not a DVC repository (no dvc.yaml, dvc.lock or .dvc folder)"};
    std::set<std::string> experiments;
    std::int64_t done = 0;
    const auto total = static_cast<std::int64_t>(repos.size());
    for (const auto& repo : repos) {
        if (!observer.progress("reading DVC repositories", done++, total))
            return Outcome::cancelled;
        auto files = resolveFiles(repo.dir);
        if (!files)
            return files.error();
        const std::string experimentId = repo.dir.filename().string();
        if (experiments.insert(experimentId).second) {
            ExperimentRecord e;
            e.externalId = experimentId;
            e.name = experimentId;
            sink.experiment(e);
        }
        const std::string fingerprint = repoFingerprint(repo.dir, *files);
        if (sink.runUnchanged(repo.id, fingerprint))
            continue;
        RepoReader reader(repo, sink, observer);
        if (Status s = reader.read(*files, experimentId, fingerprint); !s)
            return s.error();
    }
    if (!observer.progress("reading DVC repositories", done, total))
        return Outcome::cancelled;
    return Outcome::completed;
}

// ---------------------------------------------------------------------------------------------------------------
// dvc exp show --json

struct ExpRun {
    std::string id;
    std::string name;
    std::string experiment;
    std::string status;
    const json* data = nullptr;
    const json* error = nullptr;
    std::string where;
};

void collectArrayForm(const json& top, std::vector<ExpRun>& runs) {
    for (std::size_t i = 0; i < top.size(); ++i) {
        const json& baseline = top[i];
        if (!baseline.is_object())
            continue;
        const std::string rev = stringAt(baseline, "rev");
        ExpRun base{rev,
                    stringAt(baseline, "name"),
                    rev,
                    rev == "workspace" ? run_status::unknown : run_status::finished,
                    nullptr,
                    nullptr,
                    "element " + std::to_string(i)};
        if (auto it = baseline.find("data"); it != baseline.end())
            base.data = &*it;
        if (auto it = baseline.find("error"); it != baseline.end() && !it->is_null())
            base.error = &*it;
        runs.push_back(base);
        auto exps = baseline.find("experiments");
        if (exps == baseline.end() || !exps->is_array())
            continue;
        for (std::size_t e = 0; e < exps->size(); ++e) {
            const json& exp = (*exps)[e];
            if (!exp.is_object())
                continue;
            std::string status = run_status::unknown;
            if (auto ex = exp.find("executor"); ex != exp.end() && ex->is_object())
                status = statusFromState(stringAt(*ex, "state"));
            auto revs = exp.find("revs");
            if (revs == exp.end() || !revs->is_array())
                continue;
            for (std::size_t r = 0; r < revs->size(); ++r) {
                const json& revObject = (*revs)[r];
                if (!revObject.is_object())
                    continue;
                ExpRun run{stringAt(revObject, "rev"),
                           stringAt(revObject, "name"),
                           rev,
                           status,
                           nullptr,
                           nullptr,
                           "element " + std::to_string(i) + ", experiment " + std::to_string(e)};
                if (run.name.empty())
                    run.name = stringAt(exp, "name");
                if (status == run_status::unknown)
                    run.status = run_status::finished;
                if (auto it = revObject.find("data"); it != revObject.end())
                    run.data = &*it;
                if (auto it = revObject.find("error"); it != revObject.end() && !it->is_null())
                    run.error = &*it;
                runs.push_back(run);
            }
        }
    }
}

void collectObjectForm(const json& top, std::vector<ExpRun>& runs) {
    for (auto it = top.begin(); it != top.end(); ++it) {
        if (!it.value().is_object())
            continue;
        for (auto child = it.value().begin(); child != it.value().end(); ++child) {
            const bool baseline = child.key() == "baseline";
            ExpRun run{baseline ? it.key() : child.key(), {}, it.key(), run_status::finished, nullptr, nullptr,
                       "revision '" + it.key() + "'"};
            const json& entry = child.value();
            if (!entry.is_object())
                continue;
            const json* data = &entry;
            if (auto d = entry.find("data"); d != entry.end() && d->is_object())
                data = &*d;
            run.data = data;
            if (auto e = entry.find("error"); e != entry.end() && !e->is_null())
                run.error = &*e;
            run.name = stringAt(*data, "name");
            if (data->value("queued", false))
                run.status = run_status::scheduled;
            else if (data->contains("running") && (*data)["running"].is_boolean() && (*data)["running"].get<bool>())
                run.status = run_status::running;
            else if (auto ex = data->find("executor"); ex != data->end() && ex->is_object())
                run.status = statusFromState(stringAt(*ex, "state"));
            if (run.id == "workspace")
                run.status = run_status::unknown;
            runs.push_back(run);
        }
    }
}

Result<Outcome> importExpShow(const fs::path& file, ImportSink& sink, ImportObserver& observer) {
    auto loaded = textio::loadJsonFile(file);
    if (!loaded)
        return loaded.error();
    const json& top = *loaded;
    const std::string shown = displayPath(file);
    if (!looksLikeExpShow(top))
        return Error{shown, "line 1",
                     "not `dvc exp show --json` output (expected an array of revisions with rev and "
                     "data, or an object of revisions with baseline)"};
    std::vector<ExpRun> runs;
    if (top.is_array())
        collectArrayForm(top, runs);
    else
        collectObjectForm(top, runs);
    std::set<std::string> experiments;
    std::set<std::string> ids;
    const auto total = static_cast<std::int64_t>(runs.size());
    std::int64_t done = 0;
    for (const auto& run : runs) {
        if (!observer.progress("reading DVC experiments", done++, total))
            return Outcome::cancelled;
        if (run.id.empty())
            return Error{shown, run.where, "a revision without a rev"};
        if (!ids.insert(run.id).second) {
            observer.warning({shown, run.where, "revision " + run.id + " appears twice; the first is kept"});
            continue;
        }
        if (run.error)
            observer.warning({shown, run.where,
                              "DVC reported an error for " + run.id + ": " +
                                  (run.error->is_object() ? stringAt(*run.error, "msg") : run.error->dump())});
        if (experiments.insert(run.experiment).second) {
            ExperimentRecord e;
            e.externalId = run.experiment;
            e.name = run.experiment;
            sink.experiment(e);
        }
        Fingerprint fp;
        fp.add(run.name);
        fp.add(run.status);
        fp.add(run.experiment);
        if (run.data)
            fp.add(run.data->dump(-1, ' ', false, json::error_handler_t::replace));
        RunRecord record;
        record.externalId = run.id;
        record.experimentExternalId = run.experiment;
        record.name = run.name.empty() ? run.id : run.name;
        record.status = run.status;
        record.sourceName = shown;
        record.fingerprint = fp.hex();
        if (isSha(run.id))
            record.gitCommit = run.id;
        if (sink.runUnchanged(record.externalId, record.fingerprint))
            continue;
        std::map<std::string, std::string> params;
        std::map<std::string, std::vector<MetricPoint>> metrics;
        const json empty = json::object();
        const json& data = run.data && run.data->is_object() ? *run.data : empty;
        if (auto t = data.find("timestamp"); t != data.end() && t->is_string())
            if (auto ms = textio::parseIsoTimeMs(t->get<std::string>()))
                record.startMs = static_cast<std::int64_t>(*ms);
        const auto perFile = [&](const char* section, auto&& handle) {
            auto s = data.find(section);
            if (s == data.end() || !s->is_object())
                return;
            // params.yaml first so its keys stay unprefixed.
            std::vector<std::string> names;
            for (auto it = s->begin(); it != s->end(); ++it)
                names.push_back(it.key());
            std::stable_sort(names.begin(), names.end(),
                             [](const std::string& a, const std::string& b) { return a == "params.yaml" && b != a; });
            for (const auto& name : names) {
                const json& entry = (*s)[name];
                if (entry.is_object() && entry.contains("error") && !entry["error"].is_null()) {
                    observer.warning({shown, run.where,
                                      std::string(section) + " file " + name + " of " + run.id +
                                          " could not be read by DVC: " + stringAt(entry["error"], "msg")});
                }
                if (entry.is_object() && entry.contains("data") && entry["data"].is_object())
                    handle(name, entry["data"]);
            }
        };
        perFile("params", [&](const std::string& name, const json& values) {
            textio::flattenJson(values, {}, ".", [&](const std::string& key, const json& leaf) {
                addParam(params, name, name == "params.yaml", key, wandb::valueText(leaf));
            });
        });
        perFile("metrics", [&](const std::string&, const json& values) {
            textio::flattenJson(values, {}, "/", [&](const std::string& key, const json& leaf) {
                if (key == "step")
                    return;
                if (auto v = metricNumber(leaf); v && !metrics.contains(key))
                    metrics[key].push_back({0, 0, *v});
            });
        });
        sink.beginRun(record);
        sink.tag("dvc.rev", run.id);
        sink.tag("dvc.baseline", run.experiment);
        for (const auto& [k, v] : params)
            sink.param(k, v);
        for (auto& [k, points] : metrics)
            sink.metricSeries(k, std::move(points));
        sink.endRun();
    }
    if (!observer.progress("reading DVC experiments", done, total))
        return Outcome::cancelled;
    return Outcome::completed;
}

int sniffFile(const fs::path& file) {
    const std::string name = file.filename().string();
    if (name == "dvc.yaml" || name == "dvc.lock")
        return 80;
    if (lowerExtension(file) != ".json")
        return 0;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size == 0 || size > maxExpShowSniffBytes)
        return 0;
    auto text = readFile(file);
    if (!text)
        return 0;
    const auto start = text->find_first_not_of(" \t\r\n");
    if (start == std::string::npos || ((*text)[start] != '[' && (*text)[start] != '{'))
        return 0;
    auto parsed = wandb::parseLenientJson(*text);
    return parsed && looksLikeExpShow(*parsed) ? 90 : 0;
}

}  // namespace

std::string_view DvcImporter::formatId() const {
    return "dvc";
}

std::string_view DvcImporter::displayName() const {
    return "DVC (repository or exp show --json)";
}

int DvcImporter::sniff(const fs::path& path) const {
    if (isFile(path))
        return sniffFile(path);
    if (!isDir(path))
        return 0;
    if (isRepo(path))
        return 80;
    std::vector<Repo> repos;
    findRepos(path, path, repoSearchDepth, repos);
    return repos.empty() ? 0 : 60;
}

Result<std::string> DvcImporter::fingerprint(const fs::path& path) const {
    Fingerprint fp;
    if (isFile(path)) {
        const std::string name = path.filename().string();
        if (name == "dvc.yaml" || name == "dvc.lock")
            return fingerprint(path.parent_path());
        fp.addFileStat(path, path.filename().string());
        return fp.hex();
    }
    for (const auto& repo : discoverRepos(path)) {
        fp.add(repo.id);
        auto files = resolveFiles(repo.dir);
        if (!files)
            return files.error();
        fp.add(repoFingerprint(repo.dir, *files));
    }
    return fp.hex();
}

Result<Outcome> DvcImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    if (isFile(path)) {
        const std::string name = path.filename().string();
        if (name == "dvc.yaml" || name == "dvc.lock")
            return importRepos(path.parent_path(), sink, observer);
        return importExpShow(path, sink, observer);
    }
    if (!isDir(path))
        return Error{displayPath(path), {}, "no such file or directory"};
    return importRepos(path, sink, observer);
}

}  // namespace runlens::importers
