// SPDX-License-Identifier: MIT
#include "reportsimporter.h"

#include "common/artifactindex.h"
#include "common/discoveredruns.h"
#include "common/paths.h"
#include "reports/reportformats.h"
#include "tfmaoutput.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

using reports::FileKind;

constexpr int searchDepth = 8;
constexpr std::size_t entryLimit = 50000;
constexpr std::size_t guessPrefixBytes = 64 * 1024;

std::string readPrefix(const fs::path& file, std::size_t bytes) {
    std::ifstream in(file, std::ios::binary);
    std::string text(bytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(bytes));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

// Judged from the start of the file: the markers sit near the top in every format.
FileKind guessFile(const fs::path& file) {
    const std::string ext = file.extension().string();
    if (ext != ".json" && ext != ".pbtxt")
        return FileKind::none;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec || size == 0 || static_cast<std::int64_t>(size) > maxStoredEvaluationBytes)
        return FileKind::none;
    return reports::guessKind(readPrefix(file, guessPrefixBytes), file.filename().string());
}

constexpr std::array<const char*, 10> tfxComponents{"StatisticsGen",  "SchemaGen",   "ExampleValidator", "Evaluator",
                                                    "Trainer",        "Transform",   "Pusher",           "ExampleGen",
                                                    "InfraValidator", "BulkInferrer"};

// A TFX pipeline run folder: component output folders side by side, at least one of them a data or model check.
bool isTfxRun(const fs::path& dir) {
    int components = 0;
    bool checks = false;
    for (const char* name : tfxComponents) {
        if (isDir(dir / name)) {
            ++components;
            const std::string n = name;
            checks = checks || n == "StatisticsGen" || n == "ExampleValidator" || n == "Evaluator";
        }
    }
    return components >= 2 && checks;
}

struct RunGroup {
    std::string externalId;  // path relative to the source
    fs::path root;           // artifact root: the folder the report files are named relative to
    std::vector<fs::path> files;
    std::string experimentId;
    std::string experimentName;
    bool tfx = false;
};

struct Discovery {
    std::vector<RunGroup> runs;
    std::map<std::string, std::string> experiments;  // id -> name
};

std::string relativeTo(const fs::path& p, const fs::path& base) {
    std::string rel = p.lexically_relative(base).generic_string();
    return rel.empty() ? "." : rel;
}

std::string folderLabel(const fs::path& dir, const fs::path& base) {
    const std::string rel = relativeTo(dir, base);
    return rel == "." ? base.filename().string() : rel;
}

// Evidently UI project name from <project>/metadata.json, else the folder name.
std::string evidentlyProjectName(const fs::path& projectDir) {
    const fs::path metadata = projectDir / "metadata.json";
    if (isFile(metadata)) {
        auto text = readFile(metadata);
        if (text) {
            auto j = nlohmann::json::parse(*text, nullptr, false);
            if (j.is_object() && j.contains("name") && j["name"].is_string() && !j["name"].get<std::string>().empty())
                return j["name"].get<std::string>();
        }
    }
    return projectDir.filename().string();
}

// GE stores results as validations/<suite>/<run name>/<run time>/<batch>.json: the suite folder is the experiment.
std::optional<fs::path> greatExpectationsSuiteDir(const fs::path& file) {
    for (fs::path dir = file.parent_path(); dir.has_parent_path() && dir != dir.parent_path(); dir = dir.parent_path())
        if (dir.parent_path().filename() == "validations")
            return dir;
    return std::nullopt;
}

void addSingleFileRun(Discovery& d, const fs::path& file, const fs::path& base, FileKind kind) {
    RunGroup run;
    run.externalId = relativeTo(file, base);
    run.root = file.parent_path();
    run.files.push_back(file);
    fs::path experimentDir = file.parent_path();
    std::string experimentName;
    if (kind == FileKind::evidentlySnapshot && experimentDir.filename() == "snapshots") {
        experimentDir = experimentDir.parent_path();
        experimentName = evidentlyProjectName(experimentDir);
    } else if (kind == FileKind::greatExpectationsResult) {
        if (auto suite = greatExpectationsSuiteDir(file)) {
            experimentDir = *suite;
            experimentName = suite->filename().string();
        }
    }
    run.experimentId = folderLabel(experimentDir, base);
    run.experimentName = experimentName.empty() ? experimentDir.filename().string() : experimentName;
    if (run.experimentName.empty() || run.experimentName == ".")
        run.experimentName = run.experimentId;
    d.experiments[run.experimentId] = run.experimentName;
    d.runs.push_back(std::move(run));
}

Discovery discover(const fs::path& path, bool stopAtFirst = false) {
    Discovery d;
    const bool single = isFile(path);
    const fs::path base = single ? path.parent_path() : path;
    if (single) {
        const FileKind kind = guessFile(path);
        if (kind == FileKind::sagemakerStatistics || kind == FileKind::sagemakerConstraints ||
            kind == FileKind::sagemakerViolations) {
            RunGroup run{path.filename().string(), base, {path}, base.filename().string(), base.filename().string()};
            d.experiments[run.experimentId] = run.experimentName;
            d.runs.push_back(std::move(run));
        } else if (kind != FileKind::none && kind != FileKind::evidentlyProject) {
            addSingleFileRun(d, path, base, kind);
        }
        return d;
    }
    std::map<fs::path, std::vector<fs::path>> sagemakerFolders;
    std::vector<fs::path> tfxRuns;
    auto visitDir = [&](const fs::path& dir) {
        if (!isTfxRun(dir))
            return false;
        tfxRuns.push_back(dir);
        return true;
    };
    if (visitDir(path) && stopAtFirst)
        return d.runs.push_back({}), d;
    if (tfxRuns.empty()) {
        std::error_code ec;
        std::size_t budget = entryLimit;
        std::vector<fs::path> files;
        for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
            if (budget-- == 0)
                break;
            std::error_code typeError;
            const bool directory = it->is_directory(typeError) && !it->is_symlink(typeError);
            if (it->path().filename().native().starts_with('.') || it.depth() > searchDepth) {
                if (directory)
                    it.disable_recursion_pending();
                continue;
            }
            if (directory) {
                if (visitDir(it->path())) {
                    it.disable_recursion_pending();
                    if (stopAtFirst)
                        return d.runs.push_back({}), d;
                }
                continue;
            }
            if (it->is_regular_file(typeError) && !it->is_symlink(typeError))
                files.push_back(it->path());
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            const FileKind kind = guessFile(file);
            switch (kind) {
            case FileKind::none:
            case FileKind::evidentlyProject:
                break;
            case FileKind::sagemakerStatistics:
            case FileKind::sagemakerConstraints:
            case FileKind::sagemakerViolations:
                sagemakerFolders[file.parent_path()].push_back(file);
                break;
            default:
                addSingleFileRun(d, file, base, kind);
            }
            if (stopAtFirst && (!d.runs.empty() || !sagemakerFolders.empty()))
                return d.runs.push_back({}), d;
        }
    }
    for (auto& [dir, files] : sagemakerFolders) {
        RunGroup run;
        run.externalId = relativeTo(dir, base);
        run.root = dir;
        run.files = files;
        // A Model Monitor schedule writes <schedule>/<yyyy>/<mm>/<dd>/<hh>/: the schedule folder is the experiment.
        fs::path experimentDir = dir.parent_path();
        for (fs::path p = dir; p.has_parent_path() && p != base && p != p.parent_path(); p = p.parent_path()) {
            const std::string n = p.filename().string();
            if (n.size() == 4 && std::all_of(n.begin(), n.end(), ::isdigit)) {
                experimentDir = p.parent_path();
                break;
            }
        }
        if (relativeTo(experimentDir, base).starts_with(".."))
            experimentDir = base;
        run.experimentId = folderLabel(experimentDir, base);
        run.experimentName = experimentDir.filename().string();
        d.experiments[run.experimentId] = run.experimentName;
        d.runs.push_back(std::move(run));
    }
    for (const auto& dir : tfxRuns) {
        RunGroup run;
        run.externalId = relativeTo(dir, base);
        run.root = dir;
        run.tfx = true;
        std::error_code ec;
        std::vector<fs::path> files;
        for (fs::recursive_directory_iterator it(dir / "ExampleValidator", ec), end; !ec && it != end; it.increment(ec))
            if (it->path().filename() == "anomalies.pbtxt" && isFile(it->path()))
                files.push_back(it->path());
        std::sort(files.begin(), files.end());
        run.files = std::move(files);
        const fs::path pipeline = dir == base ? dir : dir.parent_path();
        run.experimentId = folderLabel(pipeline, base);
        run.experimentName = pipeline.filename().string();
        d.experiments[run.experimentId] = run.experimentName;
        d.runs.push_back(std::move(run));
    }
    std::sort(d.runs.begin(), d.runs.end(),
              [](const RunGroup& a, const RunGroup& b) { return a.externalId < b.externalId; });
    return d;
}

// Every file the run is made of, including a TFX run's whole tree (blessings are empty marker files).
std::string runFingerprint(const RunGroup& run) {
    Fingerprint fp;
    if (run.tfx) {
        fingerprintTree(run.root, fp);
    } else {
        for (const auto& f : run.files)
            fp.addFileStat(f, f.filename().string());
    }
    return fp.hex();
}

// Model Monitor's hourly folders .../<yyyy>/<mm>/<dd>/<hh>: the time of the monitoring job.
std::optional<std::int64_t> timeFromHourlyPath(const fs::path& dir) {
    std::vector<std::string> parts;
    for (const auto& p : dir)
        parts.push_back(p.string());
    if (parts.size() < 4)
        return std::nullopt;
    std::tm tm{};
    const auto n = parts.size();
    auto number = [](const std::string& s, int& out) {
        if (s.empty() || s.size() > 4 || !std::all_of(s.begin(), s.end(), ::isdigit))
            return false;
        out = std::stoi(s);
        return true;
    };
    if (!number(parts[n - 4], tm.tm_year) || !number(parts[n - 3], tm.tm_mon) || !number(parts[n - 2], tm.tm_mday) ||
        !number(parts[n - 1], tm.tm_hour) || parts[n - 4].size() != 4 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
        tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

// TFX writes the verdict as an empty file named BLESSED / NOT_BLESSED (INFRA_BLESSED / INFRA_NOT_BLESSED).
void tfxBlessingTags(const fs::path& dir, KeyValues& tags) {
    const std::array<std::tuple<const char*, const char*, const char*, const char*>, 2> components{
        std::tuple{"Evaluator", "BLESSED", "NOT_BLESSED", "tfx.blessed"},
        std::tuple{"InfraValidator", "INFRA_BLESSED", "INFRA_NOT_BLESSED", "tfx.infra_blessed"}};
    for (const auto& [component, yes, no, tag] : components) {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(dir / component, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (name == yes)
                tags.emplace_back(tag, "true");
            else if (name == no)
                tags.emplace_back(tag, "false");
        }
    }
}

class Reader {
public:
    Reader(fs::path root, ImportSink& sink, ImportObserver& observer)
        : m_root(std::move(root)), m_sink(sink), m_observer(observer) {}

    Result<Outcome> run() {
        const Discovery d = discover(m_root);
        if (d.runs.empty())
            return Error{displayPath(m_root),
                         {},
                         "no Evidently, Great Expectations, SageMaker Model Monitor or TFX reports found"};
        for (const auto& [id, name] : d.experiments) {
            ExperimentRecord e;
            e.externalId = id;
            e.name = name;
            m_sink.experiment(e);
        }
        return readChangedRuns(
            d.runs, "reading reports", m_sink, m_observer, &RunGroup::externalId, runFingerprint,
            [this](const RunGroup& run, const std::string& fingerprint) { return readRun(run, fingerprint); });
    }

private:
    Status readRun(const RunGroup& run, const std::string& fingerprint) {
        std::vector<reports::ReportFile> files;
        std::vector<ArtifactRecord> artifacts;
        for (const auto& file : run.files) {
            auto text = readFile(file);
            if (!text)
                return text.error();
            ArtifactRecord a;
            a.path = file.lexically_relative(run.root).generic_string();
            a.size = static_cast<std::int64_t>(text->size());
            a.kind = file.extension() == ".json" ? artifact_kind::json : artifact_kind::text;
            a.content = *text;
            artifacts.push_back(std::move(a));
            files.push_back({displayPath(file), std::move(*text)});
        }
        auto normalised = reports::normaliseFiles(files);
        if (!normalised)
            return normalised.error();
        KeyValues tags;
        if (run.tfx) {
            tfxBlessingTags(run.root, tags);
            if (Status s = readTfma(run.root, *normalised, tags, artifacts); !s)
                return s;
            if (Status s = readTfdvSizes(run.root, *normalised); !s)
                return s;
            if (normalised->reportType.empty())
                normalised->reportType = reports::report_type::tfdv;
        }
        if (normalised->reportType.empty()) {
            m_observer.warning({displayPath(run.files.empty() ? run.root : run.files.front()),
                                {},
                                "looks like a report but none of its documents was recognised; skipped"});
            return {};
        }
        RunRecord record;
        record.externalId = run.externalId;
        record.experimentExternalId = run.experimentId;
        record.name = normalised->name.empty() ? runName(run) : normalised->name;
        record.status = run_status::finished;
        record.startMs = normalised->timeMs;
        if (!record.startMs && !run.files.empty() && !run.tfx)
            record.startMs = timeFromHourlyPath(run.root);
        record.artifactUri = displayPath(run.root);
        record.sourceName = displayPath(run.files.size() == 1 ? run.files.front() : run.root);
        record.fingerprint = fingerprint;
        m_sink.beginRun(record);
        m_sink.tag(reports::reportTypeTag, normalised->reportType);
        if (!normalised->suite.empty())
            m_sink.tag("runlens.report_suite", normalised->suite);
        for (const auto& [k, v] : tags)
            m_sink.tag(k, v);
        std::map<std::string, std::string> params(normalised->params.begin(), normalised->params.end());
        for (const auto& [k, v] : params)
            m_sink.param(k, v);
        std::map<std::string, double> metrics;
        for (const auto& [k, v] : normalised->metrics)
            metrics[k] = v;  // one value per key; a later file of the run wins
        const double when = record.startMs ? static_cast<double>(*record.startMs) : 0.0;
        for (const auto& [k, v] : metrics)
            m_sink.metricSeries(k, {MetricPoint{0, when, v}});
        for (const auto& a : artifacts)
            m_sink.artifact(a);
        m_sink.endRun();
        return {};
    }

    // The Evaluator's TFMA metrics by slice (tfma.<metric>, tfma.<metric>/<column>=<value>), its validation
    // verdict, and eval_config.json kept as an artifact.
    static Status readTfma(const fs::path& runRoot, reports::Normalised& normalised, KeyValues& tags,
                           std::vector<ArtifactRecord>& artifacts) {
        std::error_code ec;
        std::vector<fs::path> evaluations;
        for (fs::directory_iterator it(runRoot / "Evaluator" / "evaluation", ec), end; !ec && it != end;
             it.increment(ec))
            if (it->is_directory(ec))
                evaluations.push_back(it->path());
        std::sort(evaluations.begin(), evaluations.end());
        for (const auto& dir : evaluations) {
            auto results = readTfmaEvaluation(dir);
            if (!results)
                return results.error();
            for (const auto& [name, value] : results->metrics)
                normalised.metrics.emplace_back("tfma." + name, value);
            if (results->validationOk)
                tags.emplace_back("tfma.validation_ok", *results->validationOk ? "true" : "false");
            if (const fs::path config = dir / "eval_config.json"; isFile(config)) {
                auto text = readFile(config);
                if (!text)
                    return text.error();
                ArtifactRecord a;
                a.path = config.lexically_relative(runRoot).generic_string();
                a.size = static_cast<std::int64_t>(text->size());
                a.kind = artifact_kind::json;
                a.content = std::move(*text);
                artifacts.push_back(std::move(a));
            }
        }
        return {};
    }

    // StatisticsGen/statistics/<n>/<split>/stats_tfrecord: tfdv.<split>.num_examples and .features.
    static Status readTfdvSizes(const fs::path& runRoot, reports::Normalised& normalised) {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(runRoot / "StatisticsGen", ec), end; !ec && it != end;
             it.increment(ec)) {
            if (it->path().filename() != "stats_tfrecord" || !isFile(it->path()))
                continue;
            auto size = readTfdvSplitSize(it->path());
            if (!size)
                return size.error();
            const std::string split = it->path().parent_path().filename().string();
            normalised.metrics.emplace_back("tfdv." + split + ".num_examples", size->examples);
            normalised.metrics.emplace_back("tfdv." + split + ".features", size->features);
        }
        return {};
    }

    static std::string runName(const RunGroup& run) {
        if (run.files.size() == 1 && !run.tfx)
            return run.files.front().stem().string();
        return run.root.filename().string();
    }

    fs::path m_root;
    ImportSink& m_sink;
    ImportObserver& m_observer;
};

}  // namespace

std::string_view ReportsImporter::formatId() const {
    return "data-reports";
}

std::string_view ReportsImporter::displayName() const {
    return "Drift and validation reports (Evidently, Great Expectations, SageMaker Model Monitor, TFX)";
}

int ReportsImporter::sniff(const fs::path& path) const {
    if (isFile(path)) {
        const FileKind kind = guessFile(path);
        return kind == FileKind::none || kind == FileKind::evidentlyProject ? 0 : 85;
    }
    if (!isDir(path))
        return 0;
    // Above TensorBoard's folder guess (60): a TFX pipeline run also holds Keras event files.
    if (isTfxRun(path))
        return 88;
    const Discovery d = discover(path, true);
    return d.runs.empty() ? 0 : 80;
}

Result<std::string> ReportsImporter::fingerprint(const fs::path& path) const {
    return sourceFingerprint(discover(path).runs, &RunGroup::externalId, runFingerprint);
}

Result<Outcome> ReportsImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    if (!isFile(path) && !isDir(path))
        return Error{displayPath(path), {}, "no such file or directory"};
    Reader reader(path, sink, observer);
    return reader.run();
}

}  // namespace runlens::importers
