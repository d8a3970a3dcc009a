// SPDX-License-Identifier: MIT
#include "wandbimporter.h"

#include "common/artifactindex.h"
#include "common/paths.h"
#include "common/yamlutil.h"
#include "wandb/protowire.h"
#include "wandb/transactionlog.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <system_error>
#include <unordered_map>

// How a W&B run becomes RunLens records (formats.md section 4):
//
// * Layout. The path is a run folder, a `wandb/` folder, or a folder up to three levels above `wandb/` folders.
//   Run folders are `run-*`, `offline-run-*` and `dryrun-*` holding a `run-<id>.wandb` log or W&B files. Symbolic
//   links are never followed (`latest-run` would count a run twice); dangling ones get a warning. A real folder
//   named `latest-run` (a copy some users commit) is skipped for the same reason.
// * Identity. The run's external id is the W&B run id. Several folders for one id (a resumed run) are merged in
//   folder-name (= start time) order: history is concatenated, later config/summary values win, the last folder
//   decides the status. Experiment = `<entity>/<project>`, else the project, else the name of the folder that
//   holds `wandb/` (W&B itself names the default project after it).
// * Sources. The `.wandb` log is authoritative; `files/config.yaml`, `files/wandb-summary.json` and
//   `files/wandb-metadata.json` only fill gaps (offline runs may lack them, a truncated log may lack the end).
//   Pre-0.10 folders without a log are read from `wandb-history.jsonl`.
// * Metrics. Every numeric history value is one point; key = the nested key path joined with '/' (as MLflow keys
//   nest; W&B's UI shows '.'). Step = `_step`, else `step.num`; time = `_timestamp` x 1000, else start time +
//   `_runtime`. `_step` and `_timestamp` are not series; `_runtime` is. Booleans, strings and media objects
//   (anything with a `_type`) are not series. Numeric summary keys that never occur in history become a one-point
//   series at the summary's `_step` (else the last history step). System metrics (`stats` records,
//   `wandb-events.jsonl`) are not imported.
// * Params = the config flattened with '.' ({value: ...} unwrapped, `_wandb` left out), values as JSON text
//   (strings bare). Tags: `wandb.entity`, `wandb.project`, `wandb.group`, `wandb.job_type`, `wandb.notes`,
//   `wandb.sweep_id`, `wandb.host`, `wandb.mode`, `wandb.git.commit`, `wandb.git.remote`, `wandb.cli_version`,
//   `wandb.python`, `wandb.os`, `wandb.gpu`, `wandb.gpu_count`, `wandb.cuda`, `wandb.exit_code`, each W&B tag as
//   `wandb.tag.<name>` (empty value) and the comma-joined list as `wandb.tags`; non-numeric summary values as
//   `wandb.summary.<key>` (media: their file path).
// * Status. An exit record gives FINISHED (code 0) or FAILED. Without one: RUNNING when the log ends inside a
//   record (a live writer, or one killed mid-write), else UNKNOWN (the process died between records). Legacy
//   folders use `wandb-metadata.json` (`state`, `exitcode`). End time = start + the largest runtime any source
//   reports, unless RUNNING.
// * Artifacts: every file below `files/` (the run folder for legacy runs); tables (`*.table.json`, confusion
//   matrices included) are JSON artifacts with their content.
// * Damage: a truncated or zero-filled tail is a warning and what is whole is imported; a checksum mismatch or
//   a broken chunk sequence is an error naming the file and byte offset.

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace runlens::importers {
namespace {

constexpr std::array runPrefixes{std::string_view("run-"), std::string_view("offline-run-"),
                                 std::string_view("dryrun-")};
constexpr int maxSearchDepth = 3;
constexpr std::size_t maxSearchedFolders = 4000;
constexpr std::size_t maxSummaryTagBytes = 4096;

// Record fields of wandb_internal.Record (formats.md 4.4).
enum RecordField : std::uint32_t {
    historyField = 2,
    summaryField = 3,
    configField = 5,
    runField = 17,
    exitField = 18,
};

bool isRealDir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(fs::symlink_status(p, ec));
}

bool isRealFile(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(fs::symlink_status(p, ec));
}

bool hasRunPrefix(std::string_view name) {
    return std::any_of(runPrefixes.begin(), runPrefixes.end(), [&](std::string_view p) { return name.starts_with(p); });
}

std::vector<fs::path> sortedChildren(const fs::path& dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

// `run-<id>.wandb` logs in a run folder (real files only), in name order.
std::vector<fs::path> transactionLogs(const fs::path& runDir) {
    std::vector<fs::path> out;
    for (const auto& p : sortedChildren(runDir)) {
        const std::string name = p.filename().string();
        if (name.starts_with("run-") && name.ends_with(".wandb") && isRealFile(p))
            out.push_back(p);
    }
    return out;
}

// Where W&B keeps config, summary, metadata and media: `files/`, or the run folder itself before 0.10.
fs::path filesDir(const fs::path& runDir) {
    return isRealDir(runDir / "files") ? runDir / "files" : runDir;
}

bool hasRunContent(const fs::path& dir) {
    if (!transactionLogs(dir).empty())
        return true;
    for (const char* name : {"files/wandb-summary.json", "files/config.yaml", "files/wandb-metadata.json",
                             "files/wandb-history.jsonl", "wandb-history.jsonl", "wandb-summary.json"})
        if (isRealFile(dir / name))
            return true;
    return false;
}

struct Layout {
    std::vector<fs::path> runDirs;  // sorted by folder name within each wandb folder
    std::vector<fs::path> dangling;
    std::vector<fs::path> emptyRunDirs;
    int score = 0;
};

std::optional<Layout> findLayout(const fs::path& path) {
    std::error_code ec;
    if (!fs::is_directory(path, ec))
        return std::nullopt;
    Layout layout;
    if (hasRunContent(path) &&
        (hasRunPrefix(path.filename().string()) || !transactionLogs(path).empty() || isRealDir(path / "files"))) {
        layout.runDirs.push_back(path);
        layout.score = 90;
        return layout;
    }
    std::vector<fs::path> level = {path};
    std::size_t visited = 0;
    bool direct = false;
    for (int depth = 0; depth <= maxSearchDepth && !level.empty(); ++depth) {
        std::vector<fs::path> next;
        for (const auto& dir : level) {
            if (++visited > maxSearchedFolders)
                break;
            for (const auto& child : sortedChildren(dir)) {
                const std::string name = child.filename().string();
                std::error_code linkError;
                if (fs::is_symlink(fs::symlink_status(child, linkError))) {
                    std::error_code existsError;
                    if (!fs::exists(child, existsError) && (hasRunPrefix(name) || name.starts_with("latest-run")))
                        layout.dangling.push_back(child);
                    continue;
                }
                if (!isRealDir(child))
                    continue;
                if (hasRunPrefix(name)) {
                    if (hasRunContent(child)) {
                        layout.runDirs.push_back(child);
                        direct = direct || depth == 0;
                    } else {
                        layout.emptyRunDirs.push_back(child);
                    }
                    continue;
                }
                if ((name.starts_with('.') && name != ".wandb") || name == "latest-run" || name == "node_modules")
                    continue;
                next.push_back(child);
            }
        }
        level = std::move(next);
    }
    if (layout.runDirs.empty())
        return std::nullopt;
    layout.score = direct ? 85 : 60;
    return layout;
}

// The run id: from `run-<id>.wandb`, else the folder name `<prefix>YYYYMMDD_HHMMSS-<id>[-<suffix>]`.
std::string runIdOf(const fs::path& runDir) {
    const auto logs = transactionLogs(runDir);
    if (!logs.empty()) {
        const std::string name = logs.front().filename().string();
        return name.substr(4, name.size() - 4 - 6);
    }
    std::string name = runDir.filename().string();
    for (auto prefix : runPrefixes) {
        if (name.starts_with(prefix)) {
            name.erase(0, prefix.size());
            break;
        }
    }
    if (name.size() > 16 && name[8] == '_' && name[15] == '-') {
        name.erase(0, 16);
        if (const auto dash = name.find('-'); dash != std::string::npos)
            name.erase(dash);
    }
    return name;
}

// Start time from the folder name (local time, as W&B writes it); the fallback when nothing else has one.
std::optional<std::int64_t> folderStartMs(const fs::path& runDir) {
    std::string name = runDir.filename().string();
    for (auto prefix : runPrefixes) {
        if (name.starts_with(prefix)) {
            name.erase(0, prefix.size());
            break;
        }
    }
    std::tm tm{};
    if (name.size() < 15 || name[8] != '_' ||
        std::sscanf(name.c_str(), "%4d%2d%2d_%2d%2d%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_isdst = -1;
    const std::time_t t = std::mktime(&tm);
    if (t == static_cast<std::time_t>(-1))
        return std::nullopt;
    return static_cast<std::int64_t>(t) * 1000;
}

// ISO 8601 as in wandb-metadata.json ("2023-03-29T00:01:47.166290", UTC, optional Z).
std::optional<std::int64_t> parseIsoUtcMs(const std::string& text) {
    std::tm tm{};
    double seconds = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &seconds) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_sec = 0;
    const std::time_t t = timegm(&tm);
    if (t == static_cast<std::time_t>(-1))
        return std::nullopt;
    return static_cast<std::int64_t>(t) * 1000 + static_cast<std::int64_t>(std::llround(seconds * 1000.0));
}

std::string join(const std::vector<std::string>& parts, char separator) {
    std::string out;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        if (i)
            out += separator;
        out += parts[i];
    }
    return out;
}

bool underPrefix(const std::string& key, const std::string& prefix, char separator) {
    return key == prefix || (key.size() > prefix.size() && key.starts_with(prefix) && key[prefix.size()] == separator);
}

using FlatMap = std::map<std::string, json>;

void eraseUnder(FlatMap& map, const std::string& prefix, char separator) {
    for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix);) {
        if (underPrefix(it->first, prefix, separator))
            it = map.erase(it);
        else
            ++it;
    }
}

// Stores value at prefix, nested objects as separate leaves; media objects (with `_type`) stay whole.
void setFlattened(FlatMap& map, const std::string& prefix, const json& value, char separator) {
    if (value.is_object() && !value.empty() && !value.contains("_type")) {
        for (const auto& [k, v] : value.items())
            setFlattened(map, prefix.empty() ? k : prefix + separator + k, v, separator);
        return;
    }
    map[prefix] = value;
}

// An item of a history, summary or config record.
struct Item {
    std::vector<std::string> path;
    std::string_view valueJson;
};

bool decodeItem(std::string_view bytes, Item& item) {
    wandb::ProtoReader r(bytes);
    item.path.clear();
    item.valueJson = {};
    std::string key;
    while (r.next()) {
        switch (r.field()) {
        case 1:
            key.assign(r.bytes());
            break;
        case 2:
            item.path.emplace_back(r.bytes());
            break;
        case 16:
            item.valueJson = r.bytes();
            break;
        default:
            break;
        }
    }
    if (item.path.empty())
        item.path.push_back(std::move(key));
    return !r.failed();
}

struct RunState {
    std::string id;
    std::string entity, project, displayName, group, jobType, notes, host, sweepId, gitCommit, gitRemote, user, program;
    std::vector<std::string> tags;
    std::map<std::string, std::string> extraTags;
    std::optional<std::int64_t> startMs;
    std::optional<std::int64_t> exitCode;
    double runtimeSec = -1;  // the largest runtime reported anywhere
    bool sawLog = false;
    bool logTruncated = false;
    std::string legacyState;
    std::optional<std::int64_t> legacyExitCode;
    std::string mode;

    FlatMap config;   // '.'-joined
    FlatMap summary;  // '/'-joined
    std::unordered_map<std::string, std::vector<MetricPoint>> series;
    std::optional<std::int64_t> lastStep;
    std::int64_t rows = 0;
};

class RunReader {
public:
    RunReader(RunState& state, ImportObserver& observer, bool lenient, std::function<bool()> keepGoing)
        : m_state(state), m_observer(observer), m_lenient(lenient), m_keepGoing(std::move(keepGoing)) {}

    // false in the value: cancelled.
    Result<bool> readLog(const fs::path& logPath);
    Status readLegacyHistory(const fs::path& file);
    Status readFiles(const fs::path& dir);

private:
    Status record(std::string_view payload, const Error& where);
    Status history(std::string_view bytes, const Error& where);
    Status applyItems(std::string_view bytes, bool summary, const Error& where);
    void run(std::string_view bytes);
    void exit(std::string_view bytes);
    void addRow(std::vector<std::pair<std::string, double>>& leaves, std::optional<double> step,
                std::optional<double> timestamp, std::optional<std::int64_t> stepNum);
    void flattenNumeric(const json& value, const std::string& prefix, std::vector<std::pair<std::string, double>>& out);

    RunState& m_state;
    ImportObserver& m_observer;
    bool m_lenient = false;
    std::function<bool()> m_keepGoing;
    std::vector<Item> m_items;
};

void RunReader::flattenNumeric(const json& value, const std::string& prefix,
                               std::vector<std::pair<std::string, double>>& out) {
    if (value.is_object()) {
        if (value.contains("_type"))
            return;  // media (images, tables, histograms): not a scalar series
        for (const auto& [k, v] : value.items())
            flattenNumeric(v, prefix.empty() ? k : prefix + '/' + k, out);
        return;
    }
    if (auto number = wandb::numericValue(value))
        out.emplace_back(prefix, *number);
}

void RunReader::addRow(std::vector<std::pair<std::string, double>>& leaves, std::optional<double> step,
                       std::optional<double> timestamp, std::optional<std::int64_t> stepNum) {
    std::int64_t rowStep = m_state.rows;
    if (step && std::isfinite(*step) && *step == std::floor(*step))
        rowStep = static_cast<std::int64_t>(*step);
    else if (stepNum)
        rowStep = *stepNum;
    double ms = 0;
    std::optional<double> runtime;
    for (const auto& [key, value] : leaves)
        if (key == "_runtime")
            runtime = value;
    if (runtime && std::isfinite(*runtime))
        m_state.runtimeSec = std::max(m_state.runtimeSec, *runtime);
    if (timestamp && std::isfinite(*timestamp))
        ms = std::round(*timestamp * 1e6) / 1e3;  // microsecond precision, no float noise
    else if (m_state.startMs && runtime && std::isfinite(*runtime))
        ms = static_cast<double>(*m_state.startMs) + std::round(*runtime * 1000.0);
    else if (m_state.startMs)
        ms = static_cast<double>(*m_state.startMs);
    for (auto& [key, value] : leaves)
        m_state.series[key].push_back({rowStep, ms, value});
    m_state.lastStep = std::max(m_state.lastStep.value_or(rowStep), rowStep);
    ++m_state.rows;
}

Status RunReader::history(std::string_view bytes, const Error& where) {
    wandb::ProtoReader r(bytes);
    m_items.clear();
    std::optional<std::int64_t> stepNum;
    while (r.next()) {
        if (r.field() == 1) {
            m_items.emplace_back();
            if (!decodeItem(r.bytes(), m_items.back()))
                return Error{where.file, where.position, "malformed history item"};
        } else if (r.field() == 2) {
            wandb::ProtoReader s(r.bytes());
            stepNum = 0;
            while (s.next())
                if (s.field() == 1)
                    stepNum = s.int64();
        }
    }
    if (r.failed())
        return Error{where.file, where.position, "malformed history record"};

    std::optional<double> step;
    std::optional<double> timestamp;
    std::vector<std::string> mediaPrefixes;
    for (const auto& item : m_items) {
        if (item.path.size() == 1 && item.path[0] == "_step")
            step = wandb::numericJsonText(item.valueJson);
        else if (item.path.size() == 1 && item.path[0] == "_timestamp")
            timestamp = wandb::numericJsonText(item.valueJson);
        else if (item.path.size() >= 2 && item.path.back() == "_type")
            mediaPrefixes.push_back(join({item.path.begin(), item.path.end() - 1}, '/'));
    }
    std::vector<std::pair<std::string, double>> leaves;
    for (const auto& item : m_items) {
        const auto& first = item.path.front();
        if (first == "_wandb" || (item.path.size() == 1 && (first == "_step" || first == "_timestamp")))
            continue;
        std::string key = item.path.size() == 1 ? first : join(item.path, '/');
        if (std::any_of(mediaPrefixes.begin(), mediaPrefixes.end(),
                        [&](const std::string& p) { return underPrefix(key, p, '/'); }))
            continue;
        if (auto number = wandb::numericJsonText(item.valueJson)) {
            leaves.emplace_back(std::move(key), *number);
            continue;
        }
        const auto text = item.valueJson;
        const auto firstChar = text.find_first_not_of(" \t\r\n");
        if (firstChar == std::string_view::npos)
            return Error{where.file, where.position, "history value of '" + key + "' is empty"};
        if (text[firstChar] != '{')
            continue;  // strings, booleans, lists, null: not series
        auto value = wandb::parseLenientJson(text);
        if (!value)
            return Error{where.file, where.position, "history value of '" + key + "' is not valid JSON"};
        flattenNumeric(*value, key, leaves);
    }
    addRow(leaves, step, timestamp, stepNum);
    return {};
}

Status RunReader::applyItems(std::string_view bytes, bool summary, const Error& where) {
    FlatMap& map = summary ? m_state.summary : m_state.config;
    const char separator = summary ? '/' : '.';
    wandb::ProtoReader r(bytes);
    Item item;
    while (r.next()) {
        if (r.field() != 1 && r.field() != 2)
            continue;
        if (!decodeItem(r.bytes(), item))
            return Error{where.file, where.position, "malformed config or summary item"};
        const std::string key = join(item.path, separator);
        if (r.field() == 2) {
            eraseUnder(map, key, separator);
            continue;
        }
        auto value = wandb::parseLenientJson(item.valueJson);
        if (!value)
            return Error{where.file, where.position,
                         std::string(summary ? "summary" : "config") + " value of '" + key + "' is not valid JSON"};
        if (!summary && item.path.size() == 1 && item.path[0] == "_wandb") {
            if (value->is_object()) {
                for (const char* field : {"cli_version", "python_version"})
                    if (value->contains(field) && (*value)[field].is_string())
                        m_state.extraTags[std::string("wandb.") + (field[0] == 'c' ? "cli_version" : "python")] =
                            (*value)[field].get<std::string>();
            }
            continue;
        }
        eraseUnder(map, key, separator);
        setFlattened(map, key, *value, separator);
    }
    if (r.failed())
        return Error{where.file, where.position, "malformed config or summary record"};
    return {};
}

void RunReader::run(std::string_view bytes) {
    wandb::ProtoReader r(bytes);
    auto& s = m_state;
    while (r.next()) {
        switch (r.field()) {
        case 2:
            s.entity.assign(r.bytes());
            break;
        case 3:
            s.project.assign(r.bytes());
            break;
        case 4:
            (void)applyItems(r.bytes(), false, {});
            break;
        case 5:
            (void)applyItems(r.bytes(), true, {});
            break;
        case 6:
            s.group.assign(r.bytes());
            break;
        case 7:
            s.jobType.assign(r.bytes());
            break;
        case 8:
            s.displayName.assign(r.bytes());
            break;
        case 9:
            s.notes.assign(r.bytes());
            break;
        case 10:
            if (std::find(s.tags.begin(), s.tags.end(), r.bytes()) == s.tags.end())
                s.tags.emplace_back(r.bytes());
            break;
        case 12:
            s.sweepId.assign(r.bytes());
            break;
        case 13:
            s.host.assign(r.bytes());
            break;
        case 17: {
            wandb::ProtoReader t(r.bytes());
            std::int64_t seconds = 0;
            std::int64_t nanos = 0;
            while (t.next()) {
                if (t.field() == 1)
                    seconds = t.int64();
                else if (t.field() == 2)
                    nanos = t.int64();
            }
            if (seconds > 0 && !s.startMs)
                s.startMs = seconds * 1000 + nanos / 1000000;
            break;
        }
        case 20:
            s.runtimeSec = std::max(s.runtimeSec, static_cast<double>(static_cast<std::int32_t>(r.varint())));
            break;
        case 21: {
            wandb::ProtoReader g(r.bytes());
            while (g.next()) {
                if (g.field() == 1 && !g.bytes().empty())
                    s.gitRemote.assign(g.bytes());
                else if (g.field() == 2 && !g.bytes().empty())
                    s.gitCommit.assign(g.bytes());
            }
            break;
        }
        default:
            break;
        }
    }
}

void RunReader::exit(std::string_view bytes) {
    wandb::ProtoReader r(bytes);
    std::int64_t code = 0;
    while (r.next()) {
        if (r.field() == 1)
            code = static_cast<std::int32_t>(r.varint());
        else if (r.field() == 2)
            m_state.runtimeSec =
                std::max(m_state.runtimeSec, static_cast<double>(static_cast<std::int32_t>(r.varint())));
    }
    m_state.exitCode = code;
}

Status RunReader::record(std::string_view payload, const Error& where) {
    wandb::ProtoReader r(payload);
    while (r.next()) {
        switch (r.field()) {
        case historyField:
            if (Status s = history(r.bytes(), where); !s)
                return s;
            break;
        case summaryField:
            if (Status s = applyItems(r.bytes(), true, where); !s)
                return s;
            break;
        case configField:
            if (Status s = applyItems(r.bytes(), false, where); !s)
                return s;
            break;
        case runField:
            run(r.bytes());
            break;
        case exitField:
            exit(r.bytes());
            break;
        default:
            break;
        }
    }
    if (r.failed())
        return Error{where.file, where.position, "the record is not a valid protobuf message"};
    return {};
}

Result<bool> RunReader::readLog(const fs::path& logPath) {
    auto log = wandb::TransactionLog::open(logPath, [&](const Error& e) { m_observer.warning(e); });
    if (!log)
        return log.error();
    m_state.sawLog = true;
    m_state.exitCode.reset();  // a resumed run's earlier exit does not end the later part
    std::string payload;
    const std::string shown = displayPath(logPath);
    for (std::int64_t n = 1;; ++n) {
        auto more = (*log)->next(payload);
        if (!more && m_lenient) {
            Error kept = more.error();
            kept.message += "; kept the " + std::to_string(n - 1) + " records before it (lenient import)";
            m_observer.warning(kept);
            m_state.logTruncated = true;
            return true;
        }
        if (!more)
            return more.error();
        if (!*more)
            break;
        if (Status s = record(payload, Error{shown, "offset " + std::to_string((*log)->recordOffset()), {}}); !s)
            return s.error();
        if (n % 4096 == 0 && !m_keepGoing())
            return false;
    }
    m_state.logTruncated = (*log)->truncated();
    return true;
}

Status RunReader::readLegacyHistory(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return Error{displayPath(file), {}, "cannot read file"};
    std::string line;
    std::int64_t lineNumber = 0;
    std::vector<std::pair<std::string, double>> leaves;
    while (std::getline(in, line)) {
        ++lineNumber;
        const bool terminated = !in.eof();
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        auto row = wandb::parseLenientJson(line);
        if (!row || !row->is_object()) {
            if (!terminated) {
                m_observer.warning(
                    {displayPath(file), "line " + std::to_string(lineNumber), "ignored an incomplete last line"});
                break;
            }
            return Error{displayPath(file), "line " + std::to_string(lineNumber), "not a JSON object"};
        }
        leaves.clear();
        std::optional<double> step;
        std::optional<double> timestamp;
        for (const auto& [key, value] : row->items()) {
            if (key == "_step")
                step = wandb::numericValue(value);
            else if (key == "_timestamp")
                timestamp = wandb::numericValue(value);
            else if (key != "_wandb")
                flattenNumeric(value, key, leaves);
        }
        addRow(leaves, step, timestamp, std::nullopt);
    }
    return {};
}

// config.yaml, wandb-summary.json and wandb-metadata.json: they fill what the log did not say.
Status RunReader::readFiles(const fs::path& dir) {
    auto& s = m_state;
    if (const fs::path file = dir / "config.yaml"; isRealFile(file)) {
        auto text = readFile(file);
        if (!text)
            return text.error();
        if (text->find_first_not_of(" \t\r\n") != std::string::npos) {
            auto yaml = loadYamlText(*text, file);
            if (!yaml)
                return yaml.error();
            if (yaml->IsMap()) {
                FlatMap fromFile;
                for (const auto& entry : *yaml) {
                    const std::string key = entry.first.Scalar();
                    if (key == "wandb_version")
                        continue;
                    YAML::Node node = entry.second;
                    if (node.IsMap() && node["value"] && node.size() <= 2)
                        node = node["value"];
                    json value = wandb::yamlToJson(node);
                    if (key == "_wandb") {
                        if (value.is_object()) {
                            if (value.contains("cli_version") && !s.extraTags.contains("wandb.cli_version"))
                                s.extraTags["wandb.cli_version"] = wandb::valueText(value["cli_version"]);
                            if (value.contains("python_version") && !s.extraTags.contains("wandb.python"))
                                s.extraTags["wandb.python"] = wandb::valueText(value["python_version"]);
                        }
                        continue;
                    }
                    setFlattened(fromFile, key, value, '.');
                }
                for (auto& [k, v] : fromFile)
                    s.config.try_emplace(k, std::move(v));
            } else if (!yaml->IsNull()) {
                return Error{displayPath(file), {}, "expected a mapping of config keys"};
            }
        }
    }
    if (const fs::path file = dir / "wandb-summary.json"; isRealFile(file)) {
        auto text = readFile(file);
        if (!text)
            return text.error();
        if (text->find_first_not_of(" \t\r\n") != std::string::npos) {
            auto summary = wandb::parseLenientJson(*text);
            if (!summary || !summary->is_object())
                return Error{displayPath(file), {}, "not a JSON object (the file may be truncated)"};
            FlatMap fromFile;
            for (const auto& [k, v] : summary->items()) {
                if (k == "_wandb") {
                    if (v.is_object() && v.contains("runtime"))
                        if (auto r = wandb::numericValue(v["runtime"]))
                            s.runtimeSec = std::max(s.runtimeSec, *r);
                    continue;
                }
                setFlattened(fromFile, k, v, '/');
            }
            for (auto& [k, v] : fromFile)
                s.summary.try_emplace(k, std::move(v));
        }
    }
    if (const fs::path file = dir / "wandb-metadata.json"; isRealFile(file)) {
        auto text = readFile(file);
        if (!text)
            return text.error();
        auto meta = wandb::parseLenientJson(*text);
        if (!meta || !meta->is_object()) {
            // Metadata only adds descriptive tags; a damaged file should not block the metrics.
            m_observer.warning({displayPath(file), {}, "not a JSON object; run metadata ignored"});
        } else {
            auto str = [&](const char* key) -> std::string {
                const auto it = meta->find(key);
                return it != meta->end() && !it->is_null() ? wandb::valueText(*it) : std::string();
            };
            if (s.host.empty())
                s.host = str("host");
            if (s.user.empty())
                s.user = str("username");
            if (s.program.empty())
                s.program = str("program");
            if (!s.startMs)
                s.startMs = parseIsoUtcMs(str("startedAt"));
            if (const auto git = meta->find("git"); git != meta->end() && git->is_object()) {
                if (s.gitCommit.empty() && git->contains("commit"))
                    s.gitCommit = wandb::valueText((*git)["commit"]);
                if (s.gitRemote.empty() && git->contains("remote"))
                    s.gitRemote = wandb::valueText((*git)["remote"]);
            }
            for (auto [key, tag] : {std::pair{"python", "wandb.python"}, std::pair{"os", "wandb.os"},
                                    std::pair{"gpu", "wandb.gpu"}, std::pair{"gpu_count", "wandb.gpu_count"},
                                    std::pair{"cuda", "wandb.cuda"}, std::pair{"cudaVersion", "wandb.cuda"}}) {
                if (std::string v = str(key); !v.empty())
                    s.extraTags[tag] = std::move(v);
            }
            s.legacyState = str("state");
            if (const auto code = meta->find("exitcode"); code != meta->end() && code->is_number_integer())
                s.legacyExitCode = code->get<std::int64_t>();
        }
    }
    return {};
}

std::string statusOf(const RunState& s) {
    if (s.sawLog) {
        if (s.exitCode)
            return *s.exitCode == 0 ? run_status::finished : run_status::failed;
        return s.logTruncated ? run_status::running : run_status::unknown;
    }
    if (s.legacyState == "finished")
        return run_status::finished;
    if (s.legacyState == "killed")
        return run_status::killed;
    if (s.legacyState == "failed" || s.legacyState == "crashed")
        return run_status::failed;
    if (s.legacyExitCode)
        return *s.legacyExitCode == 0 ? run_status::finished : run_status::failed;
    if (s.legacyState == "running")
        return run_status::running;
    return run_status::unknown;
}

// The experiment a run belongs to, read from the start of its log without parsing all of it.
struct RunHeader {
    std::string entity;
    std::string project;
};

RunHeader peekHeader(const std::vector<fs::path>& runDirs) {
    RunHeader header;
    for (const auto& dir : runDirs) {
        for (const auto& logPath : transactionLogs(dir)) {
            auto log = wandb::TransactionLog::open(logPath, {});
            if (!log)
                continue;
            std::string payload;
            for (int n = 0; n < 64; ++n) {
                auto more = (*log)->next(payload);
                if (!more || !*more)
                    break;
                wandb::ProtoReader r(payload);
                while (r.next()) {
                    if (r.field() != runField)
                        continue;
                    wandb::ProtoReader run(r.bytes());
                    while (run.next()) {
                        if (run.field() == 2)
                            header.entity.assign(run.bytes());
                        else if (run.field() == 3)
                            header.project.assign(run.bytes());
                    }
                    return header;
                }
            }
        }
    }
    return header;
}

std::string fallbackProject(const fs::path& runDir) {
    // The folder that holds wandb/ (W&B names a default project after the script's folder).
    fs::path wandbDir = runDir.parent_path();
    fs::path owner =
        wandbDir.filename() == "wandb" || wandbDir.filename() == ".wandb" ? wandbDir.parent_path() : wandbDir;
    const std::string name = escapeInvalidUtf8(owner.filename().string());
    return name.empty() ? std::string("wandb") : name;
}

std::string runFingerprint(const std::vector<fs::path>& dirs) {
    Fingerprint fp;
    fp.add(std::string_view("wandb-run/1"));
    for (const auto& dir : dirs) {
        fp.add(dir.filename().native());
        for (const auto& log : transactionLogs(dir))
            fp.addFileStat(log, log.filename().native());
        const fs::path files = filesDir(dir);
        if (files != dir) {
            fingerprintTree(files, fp);
        } else {
            for (const char* name : {"wandb-history.jsonl", "wandb-summary.json", "wandb-metadata.json", "config.yaml"})
                fp.addFileStat(dir / name, name);
            fingerprintTree(dir / "media", fp);
        }
    }
    return fp.hex();
}

class WandbReader {
public:
    WandbReader(Layout layout, ImportSink& sink, ImportObserver& observer, bool lenient)
        : m_layout(std::move(layout)), m_sink(sink), m_observer(observer), m_lenient(lenient) {}

    Result<Outcome> run();

private:
    Result<bool> readRun(const std::vector<fs::path>& dirs, const std::string& id, const std::string& experimentId,
                         const std::string& fingerprint);
    void emit(RunState& state, const std::vector<fs::path>& dirs, const std::string& experimentId,
              const std::string& fingerprint);

    Layout m_layout;
    ImportSink& m_sink;
    ImportObserver& m_observer;
    bool m_lenient = false;
    std::int64_t m_done = 0;
    std::int64_t m_total = 0;
};

Result<bool> WandbReader::readRun(const std::vector<fs::path>& dirs, const std::string& id,
                                  const std::string& experimentId, const std::string& fingerprint) {
    RunState state;
    state.id = id;
    RunReader reader(state, m_observer, m_lenient,
                     [this] { return m_observer.progress("reading runs", m_done, m_total); });
    for (const auto& dir : dirs) {
        const std::string name = dir.filename().string();
        state.mode = name.starts_with("offline-run-") ? "offline" : name.starts_with("dryrun-") ? "dryrun" : "online";
        const auto logs = transactionLogs(dir);
        for (const auto& log : logs) {
            auto ok = reader.readLog(log);
            if (!ok)
                return ok.error();
            if (!*ok)
                return false;
        }
        const fs::path files = filesDir(dir);
        if (logs.empty()) {
            for (const fs::path& history : {files / "wandb-history.jsonl", dir / "wandb-history.jsonl"}) {
                if (isRealFile(history)) {
                    if (Status s = reader.readLegacyHistory(history); !s)
                        return s.error();
                    break;
                }
            }
        }
        if (Status s = reader.readFiles(files); !s)
            return s.error();
    }
    if (!state.startMs)
        state.startMs = folderStartMs(dirs.front());
    emit(state, dirs, experimentId, fingerprint);
    return true;
}

void WandbReader::emit(RunState& s, const std::vector<fs::path>& dirs, const std::string& experimentId,
                       const std::string& fingerprint) {
    if (const auto it = s.summary.find("_runtime"); it != s.summary.end())
        if (auto runtime = wandb::numericValue(it->second); runtime && std::isfinite(*runtime))
            s.runtimeSec = std::max(s.runtimeSec, *runtime);

    RunRecord run;
    run.externalId = s.id;
    run.experimentExternalId = experimentId;
    run.name = s.displayName.empty() ? s.id : s.displayName;
    run.status = statusOf(s);
    run.user = s.user;
    run.startMs = s.startMs;
    if (run.startMs && s.runtimeSec >= 0 && run.status != run_status::running)
        run.endMs = *run.startMs + static_cast<std::int64_t>(std::llround(s.runtimeSec * 1000.0));
    run.artifactUri = displayPath(filesDir(dirs.back()));
    run.gitCommit = s.gitCommit;
    run.sourceName = s.program;
    run.fingerprint = fingerprint;
    m_sink.beginRun(run);

    for (const auto& [key, value] : s.config) {
        if (key == "_wandb" || key.starts_with("_wandb."))
            continue;
        m_sink.param(escapeInvalidUtf8(key), escapeInvalidUtf8(wandb::valueText(value)));
    }

    std::map<std::string, std::string> tags = s.extraTags;
    auto setTag = [&](const char* key, const std::string& value) {
        if (!value.empty())
            tags[key] = value;
    };
    setTag("wandb.entity", s.entity);
    setTag("wandb.project", s.project);
    setTag("wandb.group", s.group);
    setTag("wandb.job_type", s.jobType);
    setTag("wandb.notes", s.notes);
    setTag("wandb.sweep_id", s.sweepId);
    setTag("wandb.host", s.host);
    setTag("wandb.mode", s.mode);
    setTag("wandb.git.commit", s.gitCommit);
    setTag("wandb.git.remote", s.gitRemote);
    if (s.exitCode)
        tags["wandb.exit_code"] = std::to_string(*s.exitCode);
    else if (!s.sawLog && s.legacyExitCode)
        tags["wandb.exit_code"] = std::to_string(*s.legacyExitCode);
    std::string tagList;
    for (const auto& t : s.tags) {
        tags["wandb.tag." + t] = std::string();
        tagList += (tagList.empty() ? "" : ",") + t;
    }
    setTag("wandb.tags", tagList);

    // Summary: media groups (a `_type` leaf or a whole object with `_type`) are files, not numbers.
    std::vector<std::string> mediaPrefixes;
    for (const auto& [key, value] : s.summary) {
        if (value.is_object() && value.contains("_type"))
            mediaPrefixes.push_back(key);
        else if (key.ends_with("/_type"))
            mediaPrefixes.push_back(key.substr(0, key.size() - 6));
    }
    auto summaryNumber = [&](const char* key) -> std::optional<double> {
        const auto it = s.summary.find(key);
        return it == s.summary.end() ? std::nullopt : wandb::numericValue(it->second);
    };
    std::int64_t summaryStep = s.lastStep.value_or(0);
    if (auto step = summaryNumber("_step"); step && std::isfinite(*step))
        summaryStep = static_cast<std::int64_t>(*step);
    double summaryMs = run.endMs ? static_cast<double>(*run.endMs) : static_cast<double>(run.startMs.value_or(0));
    if (auto ts = summaryNumber("_timestamp"); ts && std::isfinite(*ts))
        summaryMs = std::round(*ts * 1e6) / 1e3;
    for (const auto& [key, value] : s.summary) {
        if (key.starts_with('_'))
            continue;  // _runtime, _step, _timestamp, _wandb: bookkeeping
        const auto media = std::find_if(mediaPrefixes.begin(), mediaPrefixes.end(),
                                        [&](const std::string& p) { return underPrefix(key, p, '/'); });
        if (media != mediaPrefixes.end()) {
            if (key == *media || key == *media + "/path") {
                const json path = value.is_object() ? value.value("path", json()) : value;
                const std::string text = path.is_string() ? path.get<std::string>() : wandb::valueText(value);
                if (text.size() <= maxSummaryTagBytes)
                    tags["wandb.summary." + *media] = text;
            }
            continue;
        }
        if (auto number = wandb::numericValue(value)) {
            if (!s.series.contains(key))
                s.series[key].push_back({summaryStep, summaryMs, *number});
            continue;
        }
        if (value.is_null())
            continue;
        const std::string text = wandb::valueText(value);
        if (text.size() <= maxSummaryTagBytes)
            tags["wandb.summary." + key] = text;
    }
    for (const auto& [key, value] : tags)
        m_sink.tag(escapeInvalidUtf8(key), escapeInvalidUtf8(value));

    std::vector<std::string> keys;
    keys.reserve(s.series.size());
    for (const auto& [key, points] : s.series)
        keys.push_back(key);
    std::sort(keys.begin(), keys.end());
    for (const auto& key : keys)
        m_sink.metricSeries(escapeInvalidUtf8(key), std::move(s.series[key]));
    s.series.clear();

    for (const auto& dir : dirs)
        indexArtifacts(filesDir(dir), m_sink, m_observer);
    m_sink.endRun();
}

Result<Outcome> WandbReader::run() {
    for (const auto& link : m_layout.dangling)
        m_observer.warning({displayPath(link), {}, "ignored a symbolic link that points nowhere"});
    for (const auto& dir : m_layout.emptyRunDirs)
        m_observer.warning({displayPath(dir), {}, "skipped a run folder without a .wandb log or W&B files"});

    // Group folders by run id (a resumed run has several), keeping folder-name order.
    std::vector<std::string> order;
    std::map<std::string, std::vector<fs::path>> byId;
    for (const auto& dir : m_layout.runDirs) {
        const std::string id = runIdOf(dir);
        if (!isValidUtf8(id))
            return Error{displayPath(dir), {}, "the run id in the folder name is not valid UTF-8"};
        auto& dirs = byId[id];
        if (dirs.empty())
            order.push_back(id);
        dirs.push_back(dir);
    }
    for (auto& [id, dirs] : byId)
        std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) {
            return a.filename() == b.filename() ? a < b : a.filename() < b.filename();
        });
    m_total = static_cast<std::int64_t>(order.size());
    if (!m_observer.progress("reading runs", 0, m_total))
        return Outcome::cancelled;
    std::set<std::string> experiments;
    for (const auto& id : order) {
        const auto& dirs = byId[id];
        const RunHeader header = peekHeader(dirs);
        std::string experimentId = header.project.empty() ? fallbackProject(dirs.front()) : header.project;
        if (!header.entity.empty() && !header.project.empty())
            experimentId = header.entity + "/" + header.project;
        experimentId = escapeInvalidUtf8(experimentId);
        if (experiments.insert(experimentId).second) {
            ExperimentRecord experiment;
            experiment.externalId = experimentId;
            experiment.name = experimentId;
            m_sink.experiment(experiment);
        }
        const std::string fingerprint = runFingerprint(dirs);
        if (!m_sink.runUnchanged(id, fingerprint)) {
            auto ok = readRun(dirs, id, experimentId, fingerprint);
            if (!ok)
                return ok.error();
            if (!*ok)
                return Outcome::cancelled;
        }
        ++m_done;
        if (!m_observer.progress("reading runs", m_done, m_total))
            return Outcome::cancelled;
    }
    return Outcome::completed;
}

}  // namespace

std::string_view WandbImporter::formatId() const {
    return "wandb";
}

std::string_view WandbImporter::displayName() const {
    return "Weights & Biases run folders (wandb/)";
}

int WandbImporter::sniff(const fs::path& path) const {
    const auto layout = findLayout(path);
    return layout ? layout->score : 0;
}

Result<std::string> WandbImporter::fingerprint(const fs::path& path) const {
    const auto layout = findLayout(path);
    if (!layout)
        return Error{displayPath(path), {}, "no W&B run folders (run-*, offline-run-*, dryrun-*) found"};
    Fingerprint fp;
    fp.add(std::string_view("wandb/1"));
    for (const auto& dir : layout->runDirs) {
        fp.add(dir.lexically_relative(path).native());
        fingerprintTree(dir, fp);
    }
    return fp.hex();
}

Result<Outcome> WandbImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    return runWithOptions(path, sink, observer, RunOptions{});
}

Result<Outcome> WandbImporter::runWithOptions(const fs::path& path, ImportSink& sink, ImportObserver& observer,
                                              const RunOptions& options) const {
    auto layout = findLayout(path);
    if (!layout)
        return Error{displayPath(path), {}, "no W&B run folders (run-*, offline-run-*, dryrun-*) found"};
    WandbReader reader(std::move(*layout), sink, observer, options.lenient);
    return reader.run();
}

}  // namespace runlens::importers
