// SPDX-License-Identifier: MIT
#include "genericmetricsimporter.h"

#include "common/numbers.h"
#include "common/paths.h"
#include "generic/jsontext.h"
#include "text.h"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <system_error>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

constexpr std::size_t sniffBytes = 64 * 1024;

using text::lower;

enum class Role { none, run, key, step, value, timestamp };

Role roleOf(std::string_view name) {
    const std::string n = lower(name);
    if (n == "run" || n == "run_id")
        return Role::run;
    if (n == "key" || n == "metric" || n == "name")
        return Role::key;
    if (n == "step")
        return Role::step;
    if (n == "value")
        return Role::value;
    if (n == "timestamp")
        return Role::timestamp;
    return Role::none;
}

struct Columns {
    int run = -1;
    int key = -1;
    int step = -1;
    int value = -1;
    int timestamp = -1;
    bool complete() const { return run >= 0 && key >= 0 && step >= 0 && value >= 0; }
};

Columns mapColumns(const std::vector<std::string>& header) {
    Columns c;
    for (std::size_t i = 0; i < header.size(); ++i) {
        int* slot = nullptr;
        switch (roleOf(header[i])) {
        case Role::run:
            slot = &c.run;
            break;
        case Role::key:
            slot = &c.key;
            break;
        case Role::step:
            slot = &c.step;
            break;
        case Role::value:
            slot = &c.value;
            break;
        case Role::timestamp:
            slot = &c.timestamp;
            break;
        case Role::none:
            break;
        }
        if (slot && *slot < 0)  // "key" wins over a later "name" only by coming first
            *slot = static_cast<int>(i);
    }
    return c;
}

enum class Layout { unknown, delimited, jsonLines };

std::string_view firstLine(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF"))
        text.remove_prefix(3);
    while (!text.empty() && (text.front() == '\n' || text.front() == '\r'))
        text.remove_prefix(1);
    const auto end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return line;
}

char separatorFor(std::string_view headerLine) {
    return headerLine.find('\t') != std::string_view::npos ? '\t' : ',';
}

bool jsonObjectHasFields(const nlohmann::json& object) {
    if (!object.is_object())
        return false;
    const auto has = [&](std::initializer_list<const char*> names) {
        for (auto it = object.begin(); it != object.end(); ++it)
            for (const char* n : names)
                if (lower(it.key()) == n)
                    return true;
        return false;
    };
    return has({"run", "run_id"}) && has({"key", "metric", "name"}) && has({"step"}) && has({"value"});
}

// The layout of a file judged by its first line.
Layout sniffLayout(std::string_view head) {
    const std::string_view line = firstLine(head);
    if (line.empty())
        return Layout::unknown;
    if (line.front() == '{') {
        auto object = textio::parseJson(line, {});
        return object && jsonObjectHasFields(*object) ? Layout::jsonLines : Layout::unknown;
    }
    auto rows = textio::splitDelimited(line, separatorFor(line), {});
    if (!rows || rows->empty())
        return Layout::unknown;
    return mapColumns(rows->front().fields).complete() ? Layout::delimited : Layout::unknown;
}

std::string readHead(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::string head(sniffBytes, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    return head;
}

bool hasDataExtension(const fs::path& file) {
    const std::string ext = lower(file.extension().string());
    return ext == ".csv" || ext == ".tsv" || ext == ".jsonl" || ext == ".ndjson";
}

bool hasListedExtension(const fs::path& file) {
    const std::string ext = lower(file.extension().string());
    return ext == ".csv" || ext == ".tsv" || ext == ".jsonl" || ext == ".ndjson" || ext == ".txt" || ext == ".log";
}

std::optional<double> timestampFromNumber(double t) {
    if (!std::isfinite(t) || t < 0)
        return std::nullopt;
    return t < 1e11 ? t * 1000.0 : t;
}

std::optional<double> parseTimestamp(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    if (auto d = parseDouble(text))
        return timestampFromNumber(*d);
    return textio::parseIsoTimeMs(text);
}

std::optional<std::int64_t> parseStep(std::string_view text) {
    if (auto i = parseInt64(text))
        return i;
    if (auto d = parseDouble(text); d && std::isfinite(*d) && *d == std::floor(*d) && std::fabs(*d) < 9.0e18)
        return static_cast<std::int64_t>(*d);
    return std::nullopt;
}

struct RunData {
    std::map<std::string, std::vector<MetricPoint>> series;
    Fingerprint fingerprint;
    std::int64_t firstLine = 0;
};

class Reader {
public:
    Reader(fs::path file, ImportSink& sink, ImportObserver& observer)
        : m_file(std::move(file)), m_shown(displayPath(m_file)), m_sink(sink), m_observer(observer) {}
    Result<Outcome> run();

private:
    Status readDelimited(std::string_view text);
    Status readJsonLines(std::string_view text);
    bool progress(std::size_t done, std::size_t total) {
        return m_observer.progress("reading metric log", static_cast<std::int64_t>(done),
                                   static_cast<std::int64_t>(total));
    }
    Status addPoint(const std::string& run, const std::string& key, std::int64_t step, double value, double timestampMs,
                    std::int64_t line, std::string_view rowText);

    fs::path m_file;
    std::string m_shown;
    ImportSink& m_sink;
    ImportObserver& m_observer;
    std::map<std::string, RunData> m_runs;
    bool m_cancelled = false;
};

Status Reader::addPoint(const std::string& run, const std::string& key, std::int64_t step, double value,
                        double timestampMs, std::int64_t line, std::string_view rowText) {
    if (run.empty())
        return Error{m_shown, "line " + std::to_string(line), "the run is empty"};
    if (key.empty())
        return Error{m_shown, "line " + std::to_string(line), "the metric key is empty"};
    auto& data = m_runs[run];
    if (data.firstLine == 0)
        data.firstLine = line;
    data.fingerprint.add(rowText);
    data.series[isValidUtf8(key) ? key : escapeInvalidUtf8(key)].push_back({step, timestampMs, value});
    return {};
}

Status Reader::readDelimited(std::string_view text) {
    const char separator = separatorFor(firstLine(text));
    auto rows = textio::splitDelimited(text, separator, m_file);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return Error{m_shown, "line 1", "the file is empty; expected a header row with run, key, step and value"};
    const auto& header = rows->front().fields;
    const Columns c = mapColumns(header);
    if (!c.complete())
        return Error{m_shown, "line " + std::to_string(rows->front().line),
                     "the header must name the columns run (or run_id), key (or metric, name), step and value"};
    const std::size_t total = rows->size();
    for (std::size_t r = 1; r < total; ++r) {
        const auto& row = (*rows)[r];
        if (r % 4096 == 0 && !progress(r, total)) {
            m_cancelled = true;
            return {};
        }
        const std::string where = "line " + std::to_string(row.line);
        if (row.fields.size() != header.size()) {
            if (!row.terminated && r + 1 == total) {
                m_observer.warning({m_shown, where, "ignored an incomplete last row"});
                break;
            }
            return Error{m_shown, where,
                         "expected " + std::to_string(header.size()) + " fields as in the header, found " +
                             std::to_string(row.fields.size())};
        }
        const auto field = [&](int column) -> const std::string& {
            return row.fields[static_cast<std::size_t>(column)];
        };
        const auto columnWhere = [&](int column) {
            return where + ", column '" + header[static_cast<std::size_t>(column)] + "'";
        };
        const auto step = parseStep(field(c.step));
        if (!step)
            return Error{m_shown, columnWhere(c.step), "step '" + field(c.step) + "' is not an integer"};
        const auto value = parseDouble(field(c.value));
        if (!value) {
            if (!row.terminated && r + 1 == total) {
                m_observer.warning({m_shown, where, "ignored an incomplete last row"});
                break;
            }
            return Error{m_shown, columnWhere(c.value), "value '" + field(c.value) + "' is not a number"};
        }
        double timestampMs = 0;
        if (c.timestamp >= 0 && !field(c.timestamp).empty()) {
            const auto t = parseTimestamp(field(c.timestamp));
            if (!t)
                return Error{m_shown, columnWhere(c.timestamp), "timestamp '" + field(c.timestamp) + "' is not a time"};
            timestampMs = *t;
        }
        std::string rowText;
        for (const auto& f : row.fields) {
            rowText += f;
            rowText += '\x1f';
        }
        if (Status s = addPoint(field(c.run), field(c.key), *step, *value, timestampMs, row.line, rowText); !s)
            return s;
    }
    return {};
}

Status Reader::readJsonLines(std::string_view text) {
    std::size_t pos = 0;
    std::int64_t line = 0;
    while (pos < text.size()) {
        ++line;
        const auto end = text.find('\n', pos);
        const bool terminated = end != std::string_view::npos;
        std::string_view lineText = text.substr(pos, terminated ? end - pos : std::string_view::npos);
        const std::size_t lineStart = pos;
        pos = terminated ? end + 1 : text.size();
        if (line % 4096 == 0 && !progress(lineStart, text.size())) {
            m_cancelled = true;
            return {};
        }
        if (line == 1 && lineText.starts_with("\xEF\xBB\xBF"))
            lineText.remove_prefix(3);
        if (!lineText.empty() && lineText.back() == '\r')
            lineText.remove_suffix(1);
        if (lineText.find_first_not_of(" \t") == std::string_view::npos)
            continue;
        const std::string where = "line " + std::to_string(line);
        auto parsed = textio::parseJson(lineText, m_file);
        if (!parsed) {
            if (!terminated) {
                m_observer.warning({m_shown, where, "ignored an incomplete last line"});
                break;
            }
            // Report the column inside this line on the real line number.
            const std::string& inner = parsed.error().position;  // "line 1, column C"
            const auto comma = inner.find(", ");
            return Error{m_shown, where + (comma == std::string::npos ? "" : inner.substr(comma)),
                         parsed.error().message == "malformed JSON" ? "malformed JSON" : "the JSON object ends early"};
        }
        const auto& object = *parsed;
        if (!object.is_object())
            return Error{m_shown, where, "expected a JSON object with run, key, step and value"};
        const nlohmann::json* run = nullptr;
        const nlohmann::json* key = nullptr;
        const nlohmann::json* step = nullptr;
        const nlohmann::json* value = nullptr;
        const nlohmann::json* timestamp = nullptr;
        for (auto it = object.begin(); it != object.end(); ++it) {
            const nlohmann::json** slot = nullptr;
            switch (roleOf(it.key())) {
            case Role::run:
                slot = &run;
                break;
            case Role::key:
                slot = &key;
                break;
            case Role::step:
                slot = &step;
                break;
            case Role::value:
                slot = &value;
                break;
            case Role::timestamp:
                slot = &timestamp;
                break;
            case Role::none:
                break;
            }
            if (slot && !*slot)
                *slot = &it.value();
        }
        if (!run || !key || !step || !value)
            return Error{m_shown, where, "the object lacks one of the fields run, key, step, value"};
        const auto asText = [](const nlohmann::json& v) {
            return v.is_string() ? v.get<std::string>()
                                 : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        };
        std::optional<std::int64_t> stepValue;
        if (step->is_number_integer())
            stepValue = step->get<std::int64_t>();
        else if (step->is_number() || step->is_string())
            stepValue = parseStep(asText(*step));
        if (!stepValue)
            return Error{m_shown, where + ", field 'step'", "step " + asText(*step) + " is not an integer"};
        std::optional<double> number;
        if (value->is_number())
            number = value->get<double>();
        else if (value->is_string())
            number = parseDouble(value->get<std::string>());
        if (!number)
            return Error{m_shown, where + ", field 'value'", "value " + asText(*value) + " is not a number"};
        double timestampMs = 0;
        if (timestamp && !timestamp->is_null()) {
            std::optional<double> t;
            if (timestamp->is_number())
                t = timestampFromNumber(timestamp->get<double>());
            else if (timestamp->is_string())
                t = parseTimestamp(timestamp->get<std::string>());
            if (!t)
                return Error{m_shown, where + ", field 'timestamp'",
                             "timestamp " + asText(*timestamp) + " is not a time"};
            timestampMs = *t;
        }
        if (Status s = addPoint(asText(*run), asText(*key), *stepValue, *number, timestampMs, line, lineText); !s)
            return s;
    }
    return {};
}

Result<Outcome> Reader::run() {
    auto text = readFile(m_file);
    if (!text)
        return text.error();
    if (text->find_first_not_of(" \t\r\n") == std::string::npos)
        return Error{m_shown, "line 1", "the file is empty; expected a metric log with run, key, step and value"};
    if (!progress(0, text->size()))
        return Outcome::cancelled;
    const std::string_view line = firstLine(*text);
    Status status = (!line.empty() && line.front() == '{') ? readJsonLines(*text) : readDelimited(*text);
    if (!status)
        return status.error();
    if (m_cancelled)
        return Outcome::cancelled;
    if (m_runs.empty())
        m_observer.warning({m_shown, {}, "the file holds no metric points"});

    ExperimentRecord experiment;
    experiment.externalId = m_file.filename().string();
    experiment.name = experiment.externalId;
    m_sink.experiment(experiment);
    // Runs in the order they first appear.
    std::vector<std::pair<std::int64_t, std::string>> order;
    for (const auto& [name, data] : m_runs)
        order.emplace_back(data.firstLine, name);
    std::sort(order.begin(), order.end());
    std::size_t done = 0;
    for (const auto& [first, name] : order) {
        if (!m_observer.progress("writing runs", static_cast<std::int64_t>(done++),
                                 static_cast<std::int64_t>(order.size())))
            return Outcome::cancelled;
        auto& data = m_runs[name];
        RunRecord record;
        record.externalId = isValidUtf8(name) ? name : escapeInvalidUtf8(name);
        record.experimentExternalId = experiment.externalId;
        record.name = record.externalId;
        record.sourceName = m_shown;
        record.fingerprint = data.fingerprint.hex();
        if (m_sink.runUnchanged(record.externalId, record.fingerprint))
            continue;
        double firstMs = std::numeric_limits<double>::infinity();
        double lastMs = -std::numeric_limits<double>::infinity();
        for (const auto& [key, points] : data.series)
            for (const auto& p : points)
                if (p.timestampMs > 0) {
                    firstMs = std::min(firstMs, p.timestampMs);
                    lastMs = std::max(lastMs, p.timestampMs);
                }
        if (std::isfinite(firstMs)) {
            record.startMs = static_cast<std::int64_t>(firstMs);
            record.endMs = static_cast<std::int64_t>(lastMs);
        }
        m_sink.beginRun(record);
        for (auto& [key, points] : data.series)
            m_sink.metricSeries(key, std::move(points));
        m_sink.endRun();
    }
    if (!m_observer.progress("writing runs", static_cast<std::int64_t>(done), static_cast<std::int64_t>(order.size())))
        return Outcome::cancelled;
    return Outcome::completed;
}

}  // namespace

std::string_view GenericMetricsImporter::formatId() const {
    return "generic-metrics";
}

std::string_view GenericMetricsImporter::displayName() const {
    return "Generic metric log (CSV / JSON Lines)";
}

int GenericMetricsImporter::sniff(const fs::path& path) const {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return 0;
    const auto size = fs::file_size(path, ec);
    if (ec)
        return 0;
    if (size == 0)
        return hasDataExtension(path) ? 10 : 0;  // so that the error says the file is empty
    if (sniffLayout(readHead(path)) == Layout::unknown)
        return 0;
    // By content; a listed extension only makes it surer. Run, key, step and value columns are stronger evidence
    // than Lightning's step column in a metrics.csv (85), so a long-form log named metrics.csv comes here.
    return hasListedExtension(path) ? 88 : 45;
}

Result<std::string> GenericMetricsImporter::fingerprint(const fs::path& path) const {
    Fingerprint fp;
    fp.addFileStat(path, path.filename().string());
    return fp.hex();
}

Result<Outcome> GenericMetricsImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        return Error{displayPath(path), {}, "expected a metric log file (CSV, TSV or JSON Lines), not a folder"};
    Reader reader(path, sink, observer);
    return reader.run();
}

}  // namespace runlens::importers
