// SPDX-License-Identifier: MIT
#include "lightningcsvimporter.h"

#include "common/discoveredruns.h"
#include "common/numbers.h"
#include "common/paths.h"
#include "lightning/csvreader.h"
#include "lightning/hparamsyaml.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <map>
#include <system_error>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

constexpr int searchDepth = 4;
constexpr std::size_t sniffEntryLimit = 20000;

bool isRunFile(const std::string& name) {
    return name == "metrics.csv" || name == "hparams.yaml" || name == "meta_tags.csv";
}

std::vector<std::string> csvHeader(const fs::path& file) {
    lightning::CsvReader reader(file.string());
    std::vector<std::string> fields;
    if (!reader.isOpen() || !reader.next(fields))
        return {};
    return fields;
}

bool hasColumn(const std::vector<std::string>& header, std::string_view name) {
    return std::find(header.begin(), header.end(), name) != header.end();
}

// How sure a folder holding metrics.csv is Lightning's: a step column, a sibling hparams/meta file, or a version_*
// folder name.
int metricsCsvScore(const fs::path& csv) {
    const auto header = csvHeader(csv);
    const fs::path dir = csv.parent_path();
    if (hasColumn(header, "step") || isFile(dir / "hparams.yaml") || isFile(dir / "meta_tags.csv"))
        return 70;
    if (dir.filename().string().starts_with("version_"))
        return 50;
    return 0;
}

int searchScore(const fs::path& dir, int depth, std::size_t& budget) {
    std::error_code ec;
    std::vector<fs::path> subdirs;
    int best = 0;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (budget == 0)
            break;
        --budget;
        if (isHidden(it->path()))
            continue;
        std::error_code typeError;
        if (it->is_regular_file(typeError) && it->path().filename() == "metrics.csv")
            best = std::max(best, metricsCsvScore(it->path()));
        else if (it->is_directory(typeError) && !it->is_symlink(typeError))
            subdirs.push_back(it->path());
    }
    if (best > 0 || depth <= 0)
        return best;
    for (const auto& sub : subdirs) {
        best = std::max(best, searchScore(sub, depth - 1, budget));
        if (best >= 70)
            break;
    }
    return best;
}

struct RunDir {
    std::string relative;
    fs::path dir;
};

std::vector<RunDir> discoverRuns(const fs::path& root) {
    if (isFile(root))
        return {RunDir{".", root.parent_path()}};
    std::map<std::string, RunDir> runs;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (isHidden(it->path())) {
            if (it->is_directory(ec))
                it.disable_recursion_pending();
            continue;
        }
        if (it.depth() > searchDepth) {
            it.disable_recursion_pending();
            continue;
        }
        std::error_code typeError;
        if (!it->is_regular_file(typeError) || !isRunFile(it->path().filename().string()))
            continue;
        const fs::path dir = it->path().parent_path();
        std::string relative = dir.lexically_relative(root).generic_string();
        if (relative.empty())
            relative = ".";
        runs[relative] = RunDir{relative, dir};
    }
    std::vector<RunDir> out;
    for (auto& [name, run] : runs)
        out.push_back(std::move(run));
    // version_10 after version_9, not after version_1.
    std::sort(out.begin(), out.end(), [](const RunDir& a, const RunDir& b) {
        const auto key = [](const std::string& s) {
            const auto digits = s.find_last_not_of("0123456789");
            const std::string head = s.substr(0, digits + 1);
            const std::string tail = s.substr(digits + 1);
            return std::make_tuple(head, tail.size(), tail);
        };
        return key(a.relative) < key(b.relative);
    });
    return out;
}

std::string runFingerprint(const RunDir& run) {
    Fingerprint fp;
    for (const char* name : {"metrics.csv", "hparams.yaml", "meta_tags.csv"})
        if (isFile(run.dir / name))
            fp.addFileStat(run.dir / name, name);
    return fp.hex();
}

// "2020-02-03 14:08:30.980366" (TestTube, local time without a zone; read as UTC) to milliseconds.
std::optional<double> parseCreatedAt(const std::string& text) {
    std::tm tm{};
    int fractionStart = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &fractionStart) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double ms = static_cast<double>(timegm(&tm)) * 1000.0;
    if (static_cast<std::size_t>(fractionStart) < text.size() && text[static_cast<std::size_t>(fractionStart)] == '.') {
        if (auto fraction = parseDouble("0" + text.substr(static_cast<std::size_t>(fractionStart))))
            ms += *fraction * 1000.0;
    }
    return ms;
}

class Reader {
public:
    Reader(fs::path root, ImportSink& sink, ImportObserver& observer)
        : m_root(std::move(root)), m_sink(sink), m_observer(observer) {}
    Result<Outcome> run();

private:
    Status readRun(const RunDir& run, const std::string& experimentId, const std::string& fingerprint);
    Result<std::map<std::string, std::vector<MetricPoint>>> readMetrics(const fs::path& file);
    Result<KeyValues> readMetaTags(const fs::path& file);

    fs::path m_root;
    ImportSink& m_sink;
    ImportObserver& m_observer;
};

Result<std::map<std::string, std::vector<MetricPoint>>> Reader::readMetrics(const fs::path& file) {
    std::map<std::string, std::vector<MetricPoint>> series;
    lightning::CsvReader csv(file.string());
    if (!csv.isOpen())
        return Error{displayPath(file), {}, "cannot read file"};
    std::vector<std::string> header;
    if (!csv.next(header) || (header.size() == 1 && header[0].empty())) {
        m_observer.warning({displayPath(file), {}, "the file is empty (no metrics were flushed)"});
        return series;
    }
    if (csv.lastRowUnterminated()) {
        m_observer.warning({displayPath(file), "line 1", "ignored an incomplete header line"});
        return series;
    }
    int stepColumn = -1;
    int timeColumn = -1;
    for (std::size_t c = 0; c < header.size(); ++c) {
        if (!isValidUtf8(header[c]))
            return Error{displayPath(file), "line 1", "the column name is not valid UTF-8"};
        if (header[c] == "step")
            stepColumn = static_cast<int>(c);
        else if (header[c] == "created_at")
            timeColumn = static_cast<int>(c);
    }
    std::vector<std::string> row;
    std::int64_t rowIndex = 0;
    while (csv.next(row)) {
        const std::int64_t line = csv.line();
        if (row.size() == 1 && row[0].empty())
            continue;
        if (csv.lastRowUnterminated()) {
            // Lightning writes whole rows ending in CRLF; a row without one was cut off by a killed writer.
            m_observer.warning({displayPath(file), "line " + std::to_string(line), "ignored an incomplete last row"});
            break;
        }
        if (row.size() != header.size())
            return Error{displayPath(file), "line " + std::to_string(line),
                         "expected " + std::to_string(header.size()) + " fields as in the header, found " +
                             std::to_string(row.size())};
        std::int64_t step = rowIndex;
        if (stepColumn >= 0) {
            const std::string& text = row[static_cast<std::size_t>(stepColumn)];
            auto parsed = parseInt64(text);
            if (!parsed) {
                // Some versions wrote the step as a float ("49.0").
                if (auto d = parseDouble(text); d && std::isfinite(*d) && *d == std::floor(*d))
                    parsed = static_cast<std::int64_t>(*d);
            }
            if (!parsed)
                return Error{displayPath(file), "line " + std::to_string(line) + ", column 'step'",
                             "step '" + text + "' is not an integer"};
            step = *parsed;
        }
        double timestampMs = 0;  // CSVLogger records no time
        if (timeColumn >= 0) {
            if (auto t = parseCreatedAt(row[static_cast<std::size_t>(timeColumn)]))
                timestampMs = *t;
        }
        for (std::size_t c = 0; c < row.size(); ++c) {
            if (static_cast<int>(c) == stepColumn || static_cast<int>(c) == timeColumn || row[c].empty())
                continue;
            const auto value = parseDouble(row[c]);
            if (!value)
                return Error{displayPath(file), "line " + std::to_string(line) + ", column '" + header[c] + "'",
                             "value '" + row[c] + "' is not a number"};
            series[header[c]].push_back({step, timestampMs, *value});
        }
        ++rowIndex;
    }
    return series;
}

Result<KeyValues> Reader::readMetaTags(const fs::path& file) {
    KeyValues params;
    lightning::CsvReader csv(file.string());
    if (!csv.isOpen())
        return Error{displayPath(file), {}, "cannot read file"};
    std::vector<std::string> row;
    bool first = true;
    while (csv.next(row)) {
        if (first) {
            first = false;
            if (row.size() >= 2 && row[0] == "key" && row[1] == "value")
                continue;
        }
        if (row.size() == 1 && row[0].empty())
            continue;
        if (row.size() != 2)
            return Error{displayPath(file), "line " + std::to_string(csv.line()), "expected 2 fields (key,value)"};
        params.emplace_back(row[0], isValidUtf8(row[1]) ? row[1] : escapeInvalidUtf8(row[1]));
    }
    return params;
}

Status Reader::readRun(const RunDir& run, const std::string& experimentId, const std::string& fingerprint) {
    std::map<std::string, std::string> params;
    if (isFile(run.dir / "meta_tags.csv")) {
        auto tags = readMetaTags(run.dir / "meta_tags.csv");
        if (!tags)
            return tags.error();
        for (auto& [k, v] : *tags)
            params[k] = std::move(v);
    }
    if (isFile(run.dir / "hparams.yaml")) {
        std::optional<Error> fallback;
        auto yaml = lightning::readHparamsYaml(run.dir / "hparams.yaml", &fallback);
        if (!yaml)
            return yaml.error();
        if (fallback)
            m_observer.warning(*fallback);
        for (auto& [k, v] : *yaml)
            params[k] = std::move(v);
    }
    std::map<std::string, std::vector<MetricPoint>> series;
    if (isFile(run.dir / "metrics.csv")) {
        auto read = readMetrics(run.dir / "metrics.csv");
        if (!read)
            return read.error();
        series = std::move(*read);
    }

    RunRecord record;
    record.externalId = run.relative;
    record.experimentExternalId = experimentId;
    record.name = run.relative == "." ? run.dir.filename().string() : run.relative;
    record.fingerprint = fingerprint;
    record.sourceName = displayPath(run.dir);
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
    for (const auto& [k, v] : params)
        m_sink.param(k, v);
    for (auto& [key, points] : series)
        m_sink.metricSeries(key, std::move(points));
    m_sink.endRun();
    return {};
}

Result<Outcome> Reader::run() {
    if (isFile(m_root)) {
        std::error_code ec;
        if (fs::file_size(m_root, ec) == 0 && !ec)
            return Error{displayPath(m_root), {}, "the file is empty; expected a Lightning metrics.csv"};
    }
    const auto runs = discoverRuns(m_root);
    if (runs.empty())
        return Error{displayPath(m_root), {}, "no Lightning metrics.csv, hparams.yaml or meta_tags.csv found"};
    std::map<std::string, bool> experiments;
    const fs::path base = isFile(m_root) ? m_root.parent_path() : m_root;
    std::int64_t done = 0;
    for (const auto& run : runs) {
        if (!m_observer.progress("reading Lightning logs", done++, static_cast<std::int64_t>(runs.size())))
            return Outcome::cancelled;
        // Lightning's <save_dir>/<name>/<version>: the experiment is <name>, the folder holding the versions.
        std::string experimentId = fs::path(run.relative).parent_path().generic_string();
        if (experimentId.empty())
            experimentId = base.filename().string();
        if (!experiments.contains(experimentId)) {
            experiments[experimentId] = true;
            ExperimentRecord e;
            e.externalId = experimentId;
            e.name = experimentId;
            m_sink.experiment(e);
        }
        const std::string fingerprint = runFingerprint(run);
        if (m_sink.runUnchanged(run.relative, fingerprint))
            continue;
        if (Status s = readRun(run, experimentId, fingerprint); !s)
            return s.error();
    }
    if (!m_observer.progress("reading Lightning logs", done, static_cast<std::int64_t>(runs.size())))
        return Outcome::cancelled;
    return Outcome::completed;
}

}  // namespace

std::string_view LightningCsvImporter::formatId() const {
    return "lightning-csv";
}

std::string_view LightningCsvImporter::displayName() const {
    return "PyTorch Lightning CSVLogger";
}

int LightningCsvImporter::sniff(const fs::path& path) const {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        if (path.filename() != "metrics.csv")
            return 0;
        if (fs::file_size(path, ec) == 0)
            return 50;  // so that the error says the file is empty
        return metricsCsvScore(path) > 0 ? 85 : 0;
    }
    if (!fs::is_directory(path, ec))
        return 0;
    std::size_t budget = sniffEntryLimit;
    return searchScore(path, searchDepth, budget);
}

Result<std::string> LightningCsvImporter::fingerprint(const fs::path& path) const {
    return sourceFingerprint(discoverRuns(path), &RunDir::relative, runFingerprint);
}

Result<Outcome> LightningCsvImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    Reader reader(path, sink, observer);
    return reader.run();
}

}  // namespace runlens::importers
