// SPDX-License-Identifier: MIT
#include "mlflowsqlstore.h"

#include "cache/sqlite.h"
#include "common/artifactindex.h"
#include "common/numbers.h"
#include "common/paths.h"
#include "mlflow/artifactroot.h"
#include "mlflow/mlflowconventions.h"

#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace fs = std::filesystem;

namespace runlens::importers {
namespace {

constexpr std::string_view sqliteMagic{"SQLite format 3\0", 16};
constexpr std::string_view defaultDatabaseName = "mlflow.db";
// Detection must never hang on a database another process holds; the import itself may wait out one commit.
constexpr int sniffBusyTimeoutMs = 100;
constexpr int importBusyTimeoutMs = 1000;
constexpr auto progressInterval = std::chrono::milliseconds(50);
// Past this many points a run's metrics are read one series at a time (sorted by SQLite, which spills to disk)
// instead of being grouped in memory, so memory stays bounded for runs with huge histories.
constexpr std::int64_t maxPointsGroupedInMemory = 4'000'000;
constexpr int maxValueWarnings = 20;
// Bumped when the importer starts reading something new, so runs fingerprinted by an older build are re-read.
constexpr std::string_view fingerprintVersion = "mlflow-sqlite/1";
// MLflow's SQL store writes +-inf as +-sys.float_info.max.
constexpr double storedInfinity = std::numeric_limits<double>::max();

enum class Header { sqlite, empty, other, unreadable };

Header readHeader(const fs::path& file, int* openError = nullptr) {
    std::FILE* f = std::fopen(file.c_str(), "rb");
    if (!f) {
        if (openError)
            *openError = errno;
        return Header::unreadable;
    }
    char buffer[16] = {};
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, f);
    std::fclose(f);
    if (got == 0)
        return Header::empty;
    return std::string_view(buffer, got) == sqliteMagic ? Header::sqlite : Header::other;
}

// The database behind a path: the file itself, or in a folder its mlflow.db, else its only *.db file.
std::optional<fs::path> locateDatabase(const fs::path& path) {
    if (isFile(path))
        return path;
    if (!isDir(path))
        return std::nullopt;
    if (isFile(path / defaultDatabaseName))
        return path / defaultDatabaseName;
    std::optional<fs::path> only;
    std::error_code ec;
    for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code typeError;
        if (it->path().extension() != ".db" || !it->is_regular_file(typeError))
            continue;
        if (only)
            return std::nullopt;  // several databases: the user has to pick one
        only = it->path();
    }
    return only;
}

// The SQLite result code of the call that just failed on db, with the text as a fallback: the code is only
// defined right after the failing call.
int lastErrorCode(sqlite3* handle, std::string_view message) {
    const int code = handle ? sqlite3_errcode(handle) & 0xFF : SQLITE_ERROR;
    if (code != SQLITE_OK && code != SQLITE_ROW && code != SQLITE_DONE && code != SQLITE_ERROR)
        return code;
    if (message.find("database is locked") != std::string_view::npos)
        return SQLITE_BUSY;
    if (message.find("not a database") != std::string_view::npos)
        return SQLITE_NOTADB;
    if (message.find("malformed") != std::string_view::npos)
        return SQLITE_CORRUPT;
    return code;
}

// Turns an SQLite failure into words a user can act on.
Error describeFailure(const std::string& shownFile, int code, std::string_view detail) {
    switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return {shownFile, {}, "database is locked by another process; close MLflow or copy the file"};
    case SQLITE_NOTADB:
        return {shownFile, {}, "not an SQLite database (the file is damaged or of another kind)"};
    case SQLITE_CORRUPT:
        return {shownFile, {}, "the database is corrupt or truncated (" + std::string(detail) + ")"};
    case SQLITE_CANTOPEN:
        return {shownFile,
                {},
                "cannot open the database read-only (" + std::string(detail) +
                    "); a WAL-mode database in a read-only folder must be copied somewhere writable first"};
    case SQLITE_READONLY:
        return {shownFile,
                {},
                "the database has an unfinished write (a -journal or -wal file) that a read-only reader cannot "
                "recover (" +
                    std::string(detail) + "); open it once with MLflow or sqlite3, or import a copy"};
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return {shownFile, {}, "permission denied (" + std::string(detail) + ")"};
    default:
        return {shownFile, {}, "cannot read the database: " + std::string(detail)};
    }
}

// SQLite's own words from an Error the wrapper made ("query failed: database is locked" -> "database is locked").
std::string detailOf(const Error& error) {
    const std::string& text = error.message;
    for (std::string_view prefix : {"query failed: ", "cannot open database: "}) {
        if (text.starts_with(prefix))
            return text.substr(prefix.size());
    }
    if (text.starts_with("cannot prepare query '")) {
        if (const auto end = text.find("': "); end != std::string::npos)
            return text.substr(end + 3);
    }
    return text;
}

struct FinalizeStatement {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
// The metric loop reads column types, which the wrapper does not expose; it is the only raw statement here.
using RawStatement = std::unique_ptr<sqlite3_stmt, FinalizeStatement>;

std::string_view columnText(sqlite3_stmt* s, int column) {
    const auto* data = sqlite3_column_text(s, column);
    return data ? std::string_view(reinterpret_cast<const char*>(data),
                                   static_cast<std::size_t>(sqlite3_column_bytes(s, column)))
                : std::string_view();
}

// Rows of one table ordered by an id (a run, a model), consumed id by id alongside the query that lists the ids.
// A merge join: each table is read with one query instead of one query per run.
class GroupedRows {
public:
    // An absent table leaves the cursor empty.
    Status open(sql::Database& db, const std::string& query) {
        auto stmt = sql::Statement::prepare(db, query);
        if (!stmt)
            return stmt.error();
        m_stmt = std::move(*stmt);
        m_hasRow = m_stmt.step();
        return m_stmt.lastStatus();
    }

    // Calls onRow(statement) for every row whose first column equals id; rows of ids before it are skipped.
    template <typename F> Status forId(std::string_view id, F&& onRow) {
        while (m_hasRow && m_stmt.textView(0) < id)
            m_hasRow = m_stmt.step();
        while (m_hasRow && m_stmt.textView(0) == id) {
            onRow(m_stmt);
            m_hasRow = m_stmt.step();
        }
        return m_stmt.lastStatus();
    }

private:
    sql::Statement m_stmt;
    bool m_hasRow = false;
};

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// Groups one run's metric rows by key. Rows usually arrive interleaved (all keys of step 0, then of step 1, ...),
// so the series after the last one used is tried before the hash lookup.
class SeriesCollector {
public:
    std::vector<MetricPoint>& seriesFor(std::string_view rawKey) {
        if (!m_series.empty()) {
            if (m_series[m_last].rawKey == rawKey)
                return m_series[m_last].points;
            const std::size_t next = m_last + 1 == m_series.size() ? 0 : m_last + 1;
            if (m_series[next].rawKey == rawKey) {
                m_last = next;
                return m_series[next].points;
            }
            if (auto it = m_index.find(rawKey); it != m_index.end()) {
                m_last = it->second;
                return m_series[m_last].points;
            }
        }
        m_last = m_series.size();
        m_series.push_back({std::string(rawKey), {}});
        m_index.emplace(m_series.back().rawKey, m_last);
        return m_series.back().points;
    }

    bool empty() const { return m_series.empty(); }
    bool holdsOnly(std::string_view rawKey) const { return m_series.size() == 1 && m_series.front().rawKey == rawKey; }

    // Hands every series to the sink in key order and forgets them.
    void flush(ImportSink& sink) {
        std::sort(m_series.begin(), m_series.end(), [](const auto& a, const auto& b) { return a.rawKey < b.rawKey; });
        for (auto& series : m_series)
            sink.metricSeries(escapeInvalidUtf8(series.rawKey), std::move(series.points));
        m_series.clear();
        m_index.clear();
        m_last = 0;
    }

private:
    struct Series {
        std::string rawKey;  // as stored, for matching rows; escaped only when handed on
        std::vector<MetricPoint> points;
    };
    std::vector<Series> m_series;
    std::unordered_map<std::string, std::size_t, StringHash, std::equal_to<>> m_index;
    std::size_t m_last = 0;
};

void addDouble(Fingerprint& fp, double value) {
    std::int64_t bits = 0;
    static_assert(sizeof bits == sizeof value);
    std::memcpy(&bits, &value, sizeof bits);
    fp.add(bits);
}

std::string loggedModelStatus(const sql::Statement& s, int column) {
    if (s.isNull(column))
        return {};
    const std::string text = s.text(column);
    static const std::map<std::string, std::string, std::less<>> names = {
        {"0", "UNSPECIFIED"}, {"1", "PENDING"}, {"2", "READY"}, {"3", "FAILED"}};
    if (auto it = names.find(text); it != names.end())
        return it->second;
    return text;
}

// Reads one mlflow.db. Columns are selected by name and missing ones read as NULL, so one reader serves every
// schema revision from MLflow 1.x to 3.x.
class SqlStoreReader {
public:
    SqlStoreReader(fs::path file, sql::Database db, ImportSink& sink, ImportObserver& observer)
        : m_file(std::move(file)), m_shown(displayPath(m_file)), m_baseDir(m_file.parent_path()), m_db(std::move(db)),
          m_sink(sink), m_observer(observer) {}

    Result<Outcome> run();

private:
    struct MetricStats {
        std::int64_t rows = 0;
        std::int64_t latestKeys = 0;
        std::int64_t latestMaxTimestamp = 0;
        std::int64_t latestMaxStep = 0;
        double latestValueTotal = 0;
        std::int64_t latestNanTotal = 0;
    };

    Status readSchema();
    bool hasTable(std::string_view table) const { return m_columns.contains(std::string(table)); }
    bool hasColumn(std::string_view table, std::string_view column) const;
    // "a", "b", NULL: the columns of table in the given order, NULL for those this schema revision lacks.
    std::string columns(std::string_view table, std::initializer_list<std::string_view> names) const;
    std::string workspaceColumn(std::string_view table) const;
    std::string workspaceName(std::string_view workspace, std::string_view name) const;
    Error failure(const Error& error) const;
    Error failure(const Status& status) const { return failure(status.error()); }
    Result<sql::Statement> prepare(const std::string& query);
    bool metricsIndexedByRun();

    Status readExperiments();
    Result<Outcome> readRuns();
    Result<Outcome> readMetrics(std::string_view runId, const MetricStats& stats, std::int64_t runsDone,
                                std::int64_t runsTotal);
    Status readLoggedModels();
    Status readRegistry();
    bool reportProgress(std::int64_t done, std::int64_t total, bool force);

    fs::path m_file;
    std::string m_shown;
    fs::path m_baseDir;
    sql::Database m_db;  // declared before every statement so it outlives them
    ImportSink& m_sink;
    ImportObserver& m_observer;
    std::unordered_map<std::string, std::unordered_set<std::string>> m_columns;
    std::chrono::steady_clock::time_point m_lastProgress;
    int m_valueWarnings = 0;
    std::int64_t m_skippedPoints = 0;

    // Metrics are read per run through the run_uuid index when there is one (MLflow 1.26+); older files get a
    // single query sorted by run, merged like the other tables.
    bool m_metricsPerRun = true;
    RawStatement m_metricsOfRun;       // WHERE run_uuid = ?1, in logging order
    RawStatement m_metricsOfRunByKey;  // WHERE run_uuid = ?1 ORDER BY key, for very large runs
    RawStatement m_metricsAll;         // ORDER BY run_uuid, key, when there is no index
    int m_metricsAllRc = SQLITE_DONE;
};

bool SqlStoreReader::hasColumn(std::string_view table, std::string_view column) const {
    auto it = m_columns.find(std::string(table));
    return it != m_columns.end() && it->second.contains(std::string(column));
}

std::string SqlStoreReader::columns(std::string_view table, std::initializer_list<std::string_view> names) const {
    std::string list;
    for (std::string_view name : names) {
        if (!list.empty())
            list += ", ";
        if (hasColumn(table, name)) {
            list += '"';
            list += name;
            list += '"';
        } else {
            list += "NULL";
        }
    }
    return list;
}

std::string SqlStoreReader::workspaceColumn(std::string_view table) const {
    return hasColumn(table, "workspace") ? "\"workspace\"" : "NULL";
}

// Workspaces (MLflow 3.7+) make names unique per workspace only; names outside the default workspace are prefixed
// so they stay apart in the cache.
std::string SqlStoreReader::workspaceName(std::string_view workspace, std::string_view name) const {
    if (workspace.empty() || workspace == "default")
        return escapeInvalidUtf8(name);
    return escapeInvalidUtf8(workspace) + "/" + escapeInvalidUtf8(name);
}

Error SqlStoreReader::failure(const Error& error) const {
    return describeFailure(m_shown, lastErrorCode(m_db.handle(), error.message), detailOf(error));
}

Result<sql::Statement> SqlStoreReader::prepare(const std::string& query) {
    auto stmt = sql::Statement::prepare(m_db, query);
    if (!stmt)
        return failure(stmt.error());
    return stmt;
}

Status SqlStoreReader::readSchema() {
    // The first read of the file: this is where a locked, corrupt or foreign file shows itself.
    auto stmt = prepare("SELECT m.name, p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p "
                        "WHERE m.type = 'table'");
    if (!stmt)
        return stmt.error();
    while (stmt->step())
        m_columns[stmt->text(0)].insert(stmt->text(1));
    if (!stmt->lastStatus())
        return failure(stmt->lastStatus());
    std::string missing;
    for (const char* table : {"experiments", "runs"}) {
        if (!hasTable(table))
            missing += (missing.empty() ? "" : ", ") + std::string(table);
    }
    if (!missing.empty())
        return Error{m_shown, {}, "not an MLflow tracking database: table(s) " + missing + " missing"};
    if (!hasColumn("runs", "run_uuid") || !hasColumn("experiments", "experiment_id"))
        return Error{
            m_shown, {}, "not an MLflow tracking database: runs.run_uuid or experiments.experiment_id missing"};
    return {};
}

bool SqlStoreReader::metricsIndexedByRun() {
    auto stmt = sql::Statement::prepare(m_db, "SELECT 1 FROM pragma_index_list('metrics') AS l "
                                              "JOIN pragma_index_info(l.name) AS i "
                                              "WHERE i.seqno = 0 AND i.name = 'run_uuid'");
    return stmt && stmt->step();
}

bool SqlStoreReader::reportProgress(std::int64_t done, std::int64_t total, bool force) {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - m_lastProgress < progressInterval)
        return true;
    m_lastProgress = now;
    return m_observer.progress("reading runs", done, total);
}

Status SqlStoreReader::readExperiments() {
    std::unordered_map<std::string, KeyValues> tags;
    if (hasTable("experiment_tags")) {
        auto t = prepare("SELECT experiment_id, " + columns("experiment_tags", {"key", "value"}) +
                         " FROM experiment_tags ORDER BY 1, 2");
        if (!t)
            return t.error();
        while (t->step())
            tags[t->text(0)].emplace_back(escapeInvalidUtf8(t->textView(1)), escapeInvalidUtf8(t->textView(2)));
        if (!t->lastStatus())
            return failure(t->lastStatus());
    }
    auto s = prepare(
        "SELECT experiment_id, " +
        columns("experiments", {"name", "lifecycle_stage", "artifact_location", "creation_time", "last_update_time"}) +
        ", " + workspaceColumn("experiments") + " FROM experiments ORDER BY experiment_id");
    if (!s)
        return s.error();
    while (s->step()) {
        ExperimentRecord e;
        e.externalId = s->text(0);
        e.name = workspaceName(s->textView(6), s->textView(1));
        if (!s->isNull(2) && !s->textView(2).empty())
            e.lifecycle = s->text(2);
        e.artifactLocation = escapeInvalidUtf8(s->textView(3));
        e.createdMs = s->optInt64(4);
        e.updatedMs = s->optInt64(5);
        if (auto it = tags.find(e.externalId); it != tags.end())
            e.tags = std::move(it->second);
        m_sink.experiment(e);
    }
    if (!s->lastStatus())
        return failure(s->lastStatus());
    return {};
}

Result<Outcome> SqlStoreReader::readMetrics(std::string_view runId, const MetricStats& stats, std::int64_t runsDone,
                                            std::int64_t runsTotal) {
    sqlite3_stmt* s = nullptr;
    bool sortedByKey = true;
    int rc = SQLITE_ROW;
    if (m_metricsPerRun) {
        sortedByKey = stats.rows > maxPointsGroupedInMemory;
        s = sortedByKey ? m_metricsOfRunByKey.get() : m_metricsOfRun.get();
        sqlite3_bind_text(s, 1, runId.data(), static_cast<int>(runId.size()), SQLITE_STATIC);
        rc = sqlite3_step(s);
    } else {
        s = m_metricsAll.get();
        while (m_metricsAllRc == SQLITE_ROW && columnText(s, 0) < runId)
            m_metricsAllRc = sqlite3_step(s);
        rc = m_metricsAllRc;
    }

    SeriesCollector collector;
    std::int64_t rows = 0;
    while (rc == SQLITE_ROW && (m_metricsPerRun || columnText(s, 0) == runId)) {
        const std::string_view key = columnText(s, 1);
        if (sortedByKey && !collector.empty() && !collector.holdsOnly(key))
            collector.flush(m_sink);  // one series at a time keeps memory flat for huge runs
        MetricPoint point;
        bool valid = true;
        switch (sqlite3_column_type(s, 2)) {
        case SQLITE_FLOAT:
            point.value = sqlite3_column_double(s, 2);
            break;
        case SQLITE_INTEGER:
            point.value = static_cast<double>(sqlite3_column_int64(s, 2));
            break;
        case SQLITE_NULL:
            point.value = std::numeric_limits<double>::quiet_NaN();  // SQLite stores a bound NaN as NULL
            break;
        default: {
            const std::string_view text = columnText(s, 2);
            if (auto parsed = parseDouble(text)) {
                point.value = *parsed;
                break;
            }
            valid = false;
            ++m_skippedPoints;
            if (++m_valueWarnings <= maxValueWarnings)
                m_observer.warning(
                    {m_shown,
                     "run " + escapeInvalidUtf8(runId) + ", metric '" + escapeInvalidUtf8(key) + "', step " +
                         std::to_string(sqlite3_column_int64(s, 4)),
                     "value '" + escapeInvalidUtf8(text.substr(0, 40)) + "' is not a number; the point is left out"});
            break;
        }
        }
        if (valid) {
            if (sqlite3_column_int64(s, 5) != 0)
                point.value = std::numeric_limits<double>::quiet_NaN();
            else if (point.value == storedInfinity)
                point.value = std::numeric_limits<double>::infinity();
            else if (point.value == -storedInfinity)
                point.value = -std::numeric_limits<double>::infinity();
            point.timestampMs = static_cast<double>(sqlite3_column_int64(s, 3));
            point.step = sqlite3_column_int64(s, 4);
            collector.seriesFor(key).push_back(point);
        }
        rc = sqlite3_step(s);
        if (!m_metricsPerRun)
            m_metricsAllRc = rc;
        // Long histories: keep progress and cancellation responsive inside one run.
        if ((++rows & 0xFFFF) == 0 && !reportProgress(runsDone, runsTotal, false)) {
            if (m_metricsPerRun)
                sqlite3_reset(s);
            return Outcome::cancelled;
        }
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        Error error = describeFailure(m_shown, rc & 0xFF, sqlite3_errmsg(m_db.handle()));
        error.position = "metrics of run " + escapeInvalidUtf8(runId);
        if (m_metricsPerRun)
            sqlite3_reset(s);
        return error;
    }
    if (m_metricsPerRun)
        sqlite3_reset(s);  // releases the read cursor and the borrowed run id
    collector.flush(m_sink);
    return Outcome::completed;
}

Result<Outcome> SqlStoreReader::readRuns() {
    std::int64_t total = 0;
    {
        auto count = prepare("SELECT count(*) FROM runs");
        if (!count)
            return count.error();
        if (count->step())
            total = count->int64(0);
        if (!count->lastStatus())
            return failure(count->lastStatus());
    }

    const bool hasMetrics = hasTable("metrics") && hasColumn("metrics", "run_uuid");
    // Very old files lack step (before 1.0) and is_nan; both then read as 0.
    // Sorting below names result columns by position: 1 run_uuid, 2 key, 4 timestamp, 5 step.
    const std::string metricColumns = "run_uuid, " + columns("metrics", {"key", "value", "timestamp"}) + ", " +
                                      (hasColumn("metrics", "step") ? "step" : "0") + ", " +
                                      (hasColumn("metrics", "is_nan") ? "is_nan" : "0");
    if (hasMetrics) {
        m_metricsPerRun = metricsIndexedByRun();
        const auto prepareRaw = [&](RawStatement& target, const std::string& query) -> Status {
            sqlite3_stmt* raw = nullptr;
            const int rc =
                sqlite3_prepare_v2(m_db.handle(), query.c_str(), static_cast<int>(query.size()), &raw, nullptr);
            target.reset(raw);
            if (rc != SQLITE_OK)
                return describeFailure(m_shown, rc & 0xFF, sqlite3_errmsg(m_db.handle()));
            return {};
        };
        if (m_metricsPerRun) {
            // The run id is known here; leaving it out saves decoding it on every row.
            const std::string base =
                "SELECT NULL" + metricColumns.substr(metricColumns.find(',')) + " FROM metrics WHERE run_uuid = ?1";
            if (Status st = prepareRaw(m_metricsOfRun, base); !st)
                return st.error();
            if (Status st = prepareRaw(m_metricsOfRunByKey, base + " ORDER BY 2, 5, 4"); !st)
                return st.error();
        } else {
            if (Status st = prepareRaw(m_metricsAll, "SELECT " + metricColumns + " FROM metrics ORDER BY 1, 2, 5, 4");
                !st)
                return st.error();
            m_metricsAllRc = sqlite3_step(m_metricsAll.get());
            if (m_metricsAllRc != SQLITE_ROW && m_metricsAllRc != SQLITE_DONE)
                return describeFailure(m_shown, m_metricsAllRc & 0xFF, sqlite3_errmsg(m_db.handle()));
        }
    }

    // Cheap per-run change detection, read once up front: MLflow only ever inserts metric rows, so their count
    // moves with every new point; latest_metrics adds the value side where it exists.
    GroupedRows metricCounts;
    GroupedRows latestMetrics;
    GroupedRows params;
    GroupedRows tags;
    GroupedRows inputs;
    if (hasMetrics) {
        if (Status st = metricCounts.open(m_db, "SELECT run_uuid, count(*) FROM metrics GROUP BY run_uuid "
                                                "ORDER BY run_uuid");
            !st)
            return failure(st);
    }
    if (hasTable("latest_metrics") && hasColumn("latest_metrics", "run_uuid")) {
        const auto c = [&](std::string_view name) {
            return columns("latest_metrics", {name});
        };
        if (Status st = latestMetrics.open(m_db, "SELECT run_uuid, count(*), max(" + c("timestamp") + "), max(" +
                                                     c("step") + "), total(" + c("value") + "), total(" + c("is_nan") +
                                                     ") FROM latest_metrics GROUP BY run_uuid ORDER BY run_uuid");
            !st)
            return failure(st);
    }
    if (hasTable("params")) {
        if (Status st = params.open(m_db, "SELECT run_uuid, " + columns("params", {"key", "value"}) +
                                              " FROM params ORDER BY 1, 2");
            !st)
            return failure(st);
    }
    if (hasTable("tags")) {
        if (Status st =
                tags.open(m_db, "SELECT run_uuid, " + columns("tags", {"key", "value"}) + " FROM tags ORDER BY 1, 2");
            !st)
            return failure(st);
    }
    if (hasTable("inputs") && hasTable("datasets")) {
        const std::string tagColumns = hasTable("input_tags") ? "t.name, t.value" : std::string("NULL, NULL");
        const std::string tagJoin =
            hasTable("input_tags") ? " LEFT JOIN input_tags AS t ON t.input_uuid = i.input_uuid" : std::string();
        if (Status st =
                inputs.open(m_db, "SELECT i.destination_id, i.input_uuid, d.name, d.digest, d.dataset_source_type, "
                                  "d.dataset_source, d.dataset_schema, d.dataset_profile, " +
                                      tagColumns +
                                      " FROM inputs AS i JOIN datasets AS d ON d.dataset_uuid = i.source_id" + tagJoin +
                                      " WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' "
                                      "ORDER BY i.destination_id, d.name, d.digest, i.input_uuid" +
                                      (hasTable("input_tags") ? ", t.name" : ""));
            !st)
            return failure(st);
    }

    auto runs = prepare("SELECT run_uuid, " +
                        columns("runs", {"experiment_id", "name", "status", "lifecycle_stage", "user_id", "start_time",
                                         "end_time", "deleted_time", "artifact_uri", "source_name", "source_type",
                                         "entry_point_name", "source_version"}) +
                        " FROM runs ORDER BY run_uuid");
    if (!runs)
        return runs.error();

    std::vector<fs::path> searchRoots = {m_baseDir / "mlruns", m_baseDir / "mlartifacts", m_baseDir / "artifacts",
                                         m_baseDir};
    std::int64_t done = 0;
    m_lastProgress = std::chrono::steady_clock::now();
    if (!reportProgress(0, total, true))
        return Outcome::cancelled;
    KeyValues runParams;
    KeyValues runTags;
    std::vector<DatasetInputRecord> runInputs;
    std::string lastInput;
    while (runs->step()) {
        RunRecord run;
        run.externalId = escapeInvalidUtf8(runs->textView(0));
        const std::string runId = runs->text(0);  // as stored, for matching the other tables
        run.experimentExternalId = runs->text(1);
        run.name = escapeInvalidUtf8(runs->textView(2));
        if (!runs->textView(3).empty())
            run.status = runs->text(3);
        if (!runs->textView(4).empty())
            run.lifecycle = runs->text(4);
        run.user = escapeInvalidUtf8(runs->textView(5));
        run.startMs = runs->optInt64(6);
        run.endMs = runs->optInt64(7);
        run.deletedMs = runs->optInt64(8);
        run.artifactUri = escapeInvalidUtf8(runs->textView(9));
        const std::string sourceNameColumn = escapeInvalidUtf8(runs->textView(10));

        Fingerprint fp;
        fp.add(fingerprintVersion);
        for (int column = 0; column <= 13; ++column) {
            fp.add(std::int64_t{runs->isNull(column)});
            fp.add(runs->textView(column));
        }

        runParams.clear();
        runTags.clear();
        runInputs.clear();
        lastInput.clear();
        MetricStats stats;
        Status st = params.forId(runId, [&](const sql::Statement& row) {
            runParams.emplace_back(escapeInvalidUtf8(row.textView(1)), escapeInvalidUtf8(row.textView(2)));
        });
        if (st)
            st = tags.forId(runId, [&](const sql::Statement& row) {
                runTags.emplace_back(escapeInvalidUtf8(row.textView(1)), escapeInvalidUtf8(row.textView(2)));
            });
        if (st)
            st = metricCounts.forId(runId, [&](const sql::Statement& row) { stats.rows = row.int64(1); });
        if (st)
            st = latestMetrics.forId(runId, [&](const sql::Statement& row) {
                stats.latestKeys = row.int64(1);
                stats.latestMaxTimestamp = row.int64(2);
                stats.latestMaxStep = row.int64(3);
                stats.latestValueTotal = row.real(4);
                stats.latestNanTotal = row.int64(5);
            });
        if (st)
            st = inputs.forId(runId, [&](const sql::Statement& row) {
                if (runInputs.empty() || row.textView(1) != lastInput) {
                    lastInput = row.text(1);
                    DatasetInputRecord in;
                    in.name = escapeInvalidUtf8(row.textView(2));
                    in.digest = escapeInvalidUtf8(row.textView(3));
                    in.sourceType = escapeInvalidUtf8(row.textView(4));
                    in.source = escapeInvalidUtf8(row.textView(5));
                    in.schema = escapeInvalidUtf8(row.textView(6));
                    in.profile = escapeInvalidUtf8(row.textView(7));
                    runInputs.push_back(std::move(in));
                }
                if (!row.isNull(8)) {
                    auto& in = runInputs.back();
                    in.tags.emplace_back(escapeInvalidUtf8(row.textView(8)), escapeInvalidUtf8(row.textView(9)));
                    if (row.textView(8) == "mlflow.data.context")
                        in.context = in.tags.back().second;
                }
            });
        if (!st) {
            Error error = failure(st);
            error.position = "run " + run.externalId;
            return error;
        }

        for (const auto& [key, value] : runTags) {
            if (key == "mlflow.runName" && run.name.empty())
                run.name = value;
            else if (key == "mlflow.parentRunId")
                run.parentExternalId = value;
            else if (key == "mlflow.source.git.commit")
                run.gitCommit = value;
            else if (key == "mlflow.source.name")
                run.sourceName = value;
            else if (key == "mlflow.user" && run.user.empty())
                run.user = value;
        }
        if (run.sourceName.empty())
            run.sourceName = sourceNameColumn;

        for (const auto& [key, value] : runParams) {
            fp.add(key);
            fp.add(value);
        }
        fp.add(std::string_view("tags"));
        for (const auto& [key, value] : runTags) {
            fp.add(key);
            fp.add(value);
        }
        fp.add(stats.rows);
        fp.add(stats.latestKeys);
        fp.add(stats.latestMaxTimestamp);
        fp.add(stats.latestMaxStep);
        addDouble(fp, stats.latestValueTotal);
        fp.add(stats.latestNanTotal);
        for (const auto& in : runInputs) {
            for (const std::string* field : {&in.name, &in.digest, &in.sourceType, &in.source, &in.schema, &in.profile})
                fp.add(*field);
            for (const auto& [key, value] : in.tags) {
                fp.add(key);
                fp.add(value);
            }
        }
        const auto artifactRoot = mlflow::resolveArtifactRoot(run.artifactUri, m_baseDir, searchRoots,
                                                              run.experimentExternalId, run.externalId);
        if (artifactRoot) {
            fp.add(artifactRoot->generic_string());
            fingerprintTree(*artifactRoot, fp);
        }
        run.fingerprint = fp.hex();

        ++done;
        if (!m_sink.runUnchanged(run.externalId, run.fingerprint)) {
            m_sink.beginRun(run);
            for (const auto& [key, value] : runParams)
                m_sink.param(key, value);
            for (const auto& [key, value] : runTags)
                m_sink.tag(key, value);
            if (hasMetrics && stats.rows > 0) {
                auto outcome = readMetrics(runId, stats, done, total);
                if (!outcome || *outcome == Outcome::cancelled) {
                    m_sink.endRun();
                    return outcome;
                }
            }
            for (const auto& in : runInputs)
                m_sink.datasetInput(in);
            if (artifactRoot)
                indexArtifacts(*artifactRoot, m_sink, m_observer);
            m_sink.endRun();
        }
        if (!reportProgress(done, total, done == total))
            return Outcome::cancelled;
    }
    if (!runs->lastStatus())
        return failure(runs->lastStatus());
    if (m_skippedPoints > maxValueWarnings)
        m_observer.warning({m_shown,
                            {},
                            std::to_string(m_skippedPoints) +
                                " metric points in all had values that are not numbers and were left out"});
    return Outcome::completed;
}

Status SqlStoreReader::readLoggedModels() {
    if (!hasTable("logged_models") || !hasColumn("logged_models", "model_id"))
        return {};
    GroupedRows params;
    GroupedRows tags;
    GroupedRows metrics;
    if (hasTable("logged_model_params")) {
        if (Status st =
                params.open(m_db, "SELECT model_id, " + columns("logged_model_params", {"param_key", "param_value"}) +
                                      " FROM logged_model_params ORDER BY 1, 2");
            !st)
            return failure(st);
    }
    if (hasTable("logged_model_tags")) {
        if (Status st = tags.open(m_db, "SELECT model_id, " + columns("logged_model_tags", {"tag_key", "tag_value"}) +
                                            " FROM logged_model_tags ORDER BY 1, 2");
            !st)
            return failure(st);
    }
    if (hasTable("logged_model_metrics")) {
        if (Status st =
                metrics.open(m_db, "SELECT model_id, " +
                                       columns("logged_model_metrics",
                                               {"metric_name", "metric_step", "metric_timestamp_ms", "metric_value"}) +
                                       " FROM logged_model_metrics ORDER BY 1, 2");
            !st)
            return failure(st);
    }
    auto s = prepare("SELECT model_id, " +
                     columns("logged_models", {"experiment_id", "name", "artifact_location", "creation_timestamp_ms",
                                               "last_updated_timestamp_ms", "status", "lifecycle_stage", "model_type",
                                               "source_run_id"}) +
                     " FROM logged_models ORDER BY model_id");
    if (!s)
        return s.error();
    while (s->step()) {
        // MLflow hides deleted logged models and `mlflow gc` removes them; the record has no lifecycle to mark them.
        if (s->textView(7) == "deleted")
            continue;
        LoggedModelRecord m;
        const std::string id = s->text(0);
        m.externalId = escapeInvalidUtf8(id);
        m.experimentExternalId = s->text(1);
        m.name = escapeInvalidUtf8(s->textView(2));
        m.artifactLocation = escapeInvalidUtf8(s->textView(3));
        m.createdMs = s->optInt64(4);
        m.updatedMs = s->optInt64(5);
        m.status = loggedModelStatus(*s, 6);
        m.modelType = escapeInvalidUtf8(s->textView(8));
        m.sourceRunExternalId = escapeInvalidUtf8(s->textView(9));
        Status st = params.forId(id, [&](const sql::Statement& row) {
            m.params.emplace_back(escapeInvalidUtf8(row.textView(1)), escapeInvalidUtf8(row.textView(2)));
        });
        if (st)
            st = tags.forId(id, [&](const sql::Statement& row) {
                m.tags.emplace_back(escapeInvalidUtf8(row.textView(1)), escapeInvalidUtf8(row.textView(2)));
            });
        if (st)
            st = metrics.forId(id, [&](const sql::Statement& row) {
                MetricPoint p;
                p.step = row.int64(2);
                p.timestampMs = static_cast<double>(row.int64(3));
                p.value = row.isNull(4) ? std::numeric_limits<double>::quiet_NaN() : row.real(4);
                const std::string key = escapeInvalidUtf8(row.textView(1));
                // MLflow's latest value: the largest (step, timestamp, value).
                if (!m.metrics.empty() && m.metrics.back().first == key) {
                    const MetricPoint& q = m.metrics.back().second;
                    if (std::tie(p.step, p.timestampMs, p.value) > std::tie(q.step, q.timestampMs, q.value))
                        m.metrics.back().second = p;
                } else {
                    m.metrics.emplace_back(key, p);
                }
            });
        if (!st)
            return failure(st);
        m_sink.loggedModel(m);
    }
    if (!s->lastStatus())
        return failure(s->lastStatus());
    return {};
}

Status SqlStoreReader::readRegistry() {
    if (!hasTable("registered_models") || !hasTable("model_versions"))
        return {};
    const auto modelKey = [](std::string_view workspace, std::string_view name) {
        std::string key(workspace.empty() ? std::string_view("default") : workspace);
        key += '\n';
        key += name;
        return key;
    };

    std::unordered_map<std::string, KeyValues> modelTags;
    if (hasTable("registered_model_tags")) {
        auto t = prepare("SELECT " + workspaceColumn("registered_model_tags") + ", " +
                         columns("registered_model_tags", {"name", "key", "value"}) +
                         " FROM registered_model_tags ORDER BY 1, 2, 3");
        if (!t)
            return t.error();
        while (t->step())
            modelTags[modelKey(t->textView(0), t->textView(1))].emplace_back(escapeInvalidUtf8(t->textView(2)),
                                                                             escapeInvalidUtf8(t->textView(3)));
        if (!t->lastStatus())
            return failure(t->lastStatus());
    }
    std::map<std::pair<std::string, std::int64_t>, KeyValues> versionTags;
    if (hasTable("model_version_tags")) {
        auto t = prepare("SELECT " + workspaceColumn("model_version_tags") + ", " +
                         columns("model_version_tags", {"name", "version", "key", "value"}) +
                         " FROM model_version_tags ORDER BY 1, 2, 3, 4");
        if (!t)
            return t.error();
        while (t->step())
            versionTags[{modelKey(t->textView(0), t->textView(1)), t->int64(2)}].emplace_back(
                escapeInvalidUtf8(t->textView(3)), escapeInvalidUtf8(t->textView(4)));
        if (!t->lastStatus())
            return failure(t->lastStatus());
    }
    std::unordered_map<std::string, std::vector<std::pair<std::string, std::int64_t>>> aliases;
    if (hasTable("registered_model_aliases")) {
        auto t = prepare("SELECT " + workspaceColumn("registered_model_aliases") + ", " +
                         columns("registered_model_aliases", {"name", "alias", "version"}) +
                         " FROM registered_model_aliases ORDER BY 1, 2, 3");
        if (!t)
            return t.error();
        while (t->step())
            aliases[modelKey(t->textView(0), t->textView(1))].emplace_back(escapeInvalidUtf8(t->textView(2)),
                                                                           t->int64(3));
        if (!t->lastStatus())
            return failure(t->lastStatus());
    }
    std::unordered_map<std::string, std::vector<ModelVersionRecord>> versions;
    {
        auto v = prepare("SELECT " + workspaceColumn("model_versions") + ", " +
                         columns("model_versions", {"name", "version", "creation_time", "last_updated_time",
                                                    "description", "user_id", "current_stage", "source", "run_id",
                                                    "run_link", "status", "status_message", "storage_location"}) +
                         " FROM model_versions ORDER BY 1, 2, 3");
        if (!v)
            return v.error();
        while (v->step()) {
            ModelVersionRecord r;
            if (!v->isNull(7) && !v->textView(7).empty())
                r.stage = v->text(7);
            if (r.stage == "Deleted_Internal")
                continue;  // soft-deleted by MLflow; the row stays behind
            const std::string key = modelKey(v->textView(0), v->textView(1));
            r.version = v->int64(2);
            r.createdMs = v->optInt64(3);
            r.updatedMs = v->optInt64(4);
            r.description = escapeInvalidUtf8(v->textView(5));
            r.user = escapeInvalidUtf8(v->textView(6));
            r.source = escapeInvalidUtf8(v->textView(8));
            r.runExternalId = escapeInvalidUtf8(v->textView(9));
            r.runLink = escapeInvalidUtf8(v->textView(10));
            r.status = escapeInvalidUtf8(v->textView(11));
            r.statusMessage = escapeInvalidUtf8(v->textView(12));
            r.storageLocation = escapeInvalidUtf8(v->textView(13));
            if (auto it = versionTags.find({key, r.version}); it != versionTags.end())
                r.tags = std::move(it->second);
            versions[key].push_back(std::move(r));
        }
        if (!v->lastStatus())
            return failure(v->lastStatus());
    }
    auto m = prepare("SELECT " + workspaceColumn("registered_models") + ", " +
                     columns("registered_models", {"name", "creation_time", "last_updated_time", "description"}) +
                     " FROM registered_models ORDER BY 1, 2");
    if (!m)
        return m.error();
    while (m->step()) {
        const std::string key = modelKey(m->textView(0), m->textView(1));
        RegisteredModelRecord r;
        r.name = workspaceName(m->textView(0), m->textView(1));
        r.createdMs = m->optInt64(2);
        r.updatedMs = m->optInt64(3);
        r.description = escapeInvalidUtf8(m->textView(4));
        if (auto it = modelTags.find(key); it != modelTags.end())
            r.tags = std::move(it->second);
        if (auto it = aliases.find(key); it != aliases.end())
            r.aliases = std::move(it->second);
        if (auto it = versions.find(key); it != versions.end())
            r.versions = std::move(it->second);
        if (!mlflow::isPrompt(r))
            m_sink.registeredModel(r);
    }
    if (!m->lastStatus())
        return failure(m->lastStatus());
    return {};
}

Result<Outcome> SqlStoreReader::run() {
    if (Status st = readSchema(); !st)
        return st.error();
    // One read transaction: every query sees the same state even while MLflow keeps writing.
    if (Status st = m_db.exec("BEGIN"); !st)
        return failure(st);
    if (Status st = readExperiments(); !st)
        return st.error();
    auto outcome = readRuns();
    if (!outcome || *outcome == Outcome::cancelled)
        return outcome;
    if (!m_observer.progress("reading the model registry", 0, 0))
        return Outcome::cancelled;
    if (Status st = readLoggedModels(); !st)
        return st.error();
    if (Status st = readRegistry(); !st)
        return st.error();
    return Outcome::completed;
}

// How sure we are that file is an MLflow database. A readable SQLite file must have MLflow's tables; one that
// cannot be read (locked, damaged) is still claimed so the import can say what is wrong with it.
int sniffFile(const fs::path& file) {
    const Header header = readHeader(file);
    const bool namedLikeMlflow = file.filename() == defaultDatabaseName;
    if (header != Header::sqlite)
        return namedLikeMlflow && header != Header::unreadable ? 10 : 0;
    auto db = sql::Database::open(file.string(), sql::Database::Mode::readOnly, sniffBusyTimeoutMs);
    if (!db)
        return 50;
    auto stmt = sql::Statement::prepare(*db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
                                             "('alembic_version', 'runs', 'experiments')");
    if (!stmt)
        return 50;
    if (!stmt->step())
        return 50;
    return stmt->int64(0) == 3 ? 95 : 0;
}

}  // namespace

std::string_view MlflowSqlStoreImporter::formatId() const {
    return "mlflow-sqlite";
}

std::string_view MlflowSqlStoreImporter::displayName() const {
    return "MLflow SQL store (mlflow.db)";
}

int MlflowSqlStoreImporter::sniff(const fs::path& path) const {
    try {
        const bool directory = isDir(path);
        const auto file = locateDatabase(path);
        if (!file)
            return 0;
        const int score = sniffFile(*file);
        if (!directory)
            return score;
        // A folder is a little less certain than the file itself.
        return score >= 95 ? 90 : score / 2;
    } catch (const std::exception&) {
        return 0;
    }
}

Result<std::string> MlflowSqlStoreImporter::fingerprint(const fs::path& path) const {
    try {
        const auto file = locateDatabase(path);
        if (!file)
            return Error{displayPath(path), {}, "no MLflow database (mlflow.db) found"};
        Fingerprint fp;
        fp.add(fingerprintVersion);
        fp.addFileStat(*file, file->filename().string());
        fs::path wal = *file;
        wal += "-wal";
        if (isFile(wal))
            fp.addFileStat(wal, wal.filename().string());
        return fp.hex();
    } catch (const std::exception& e) {
        return Error{displayPath(path), {}, std::string("cannot fingerprint the database: ") + e.what()};
    }
}

Result<Outcome> MlflowSqlStoreImporter::run(const fs::path& path, ImportSink& sink, ImportObserver& observer) const {
    try {
        const auto file = locateDatabase(path);
        if (!file)
            return Error{displayPath(path),
                         {},
                         isDir(path) ? "no MLflow database found: expected mlflow.db (or exactly one .db file)"
                                     : "no such file"};
        const std::string shown = displayPath(*file);
        int openError = 0;
        switch (readHeader(*file, &openError)) {
        case Header::unreadable:
            return Error{shown, {}, std::string("cannot read the file: ") + std::strerror(openError)};
        case Header::empty:
            return Error{shown, {}, "the file is empty (0 bytes); expected an MLflow SQLite database"};
        case Header::other:
            return Error{shown, {}, "not an SQLite database (the file does not start with the SQLite header)"};
        case Header::sqlite:
            break;
        }
        auto db = sql::Database::open(file->string(), sql::Database::Mode::readOnly, importBusyTimeoutMs);
        if (!db) {
            const auto& error = db.error();
            return describeFailure(shown, lastErrorCode(nullptr, error.message), detailOf(error));
        }
        SqlStoreReader reader(*file, std::move(*db), sink, observer);
        return reader.run();
    } catch (const std::exception& e) {
        return Error{displayPath(path), {}, std::string("import stopped: ") + e.what()};
    }
}

}  // namespace runlens::importers
