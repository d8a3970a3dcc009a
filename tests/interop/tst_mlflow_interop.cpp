// SPDX-License-Identifier: MIT
// Imports stores written by the real MLflow client and checks that RunLens holds exactly what MLflow's own API
// reports for them (dumps made by tests/tools/mlflow_dump.py). The ctest fixture interop_mlflow_stores writes the
// stores and dumps into RUNLENS_INTEROP_DIR before this test runs.
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "importrunner.h"
#include "mlflow/mlflowfilestore.h"
#include "mlflow/mlflowsqlstore.h"
#include "testsupport.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <sstream>

using namespace runlens;
using json = nlohmann::json;

namespace {

std::filesystem::path interopDir() {
    const QByteArray dir = qgetenv("RUNLENS_INTEROP_DIR");
    return dir.isEmpty() ? test::binaryDir() / "tests" / "interop" / "mlflow"
                         : std::filesystem::path(dir.toStdString());
}

std::string text(const json& v) {
    return v.is_string() ? v.get<std::string>() : std::string();
}

double number(const json& v) {
    if (v.is_number())
        return v.get<double>();
    const std::string s = text(v);
    if (s == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity")
        return std::numeric_limits<double>::infinity();
    if (s == "-Infinity")
        return -std::numeric_limits<double>::infinity();
    throw std::runtime_error("not a number in the dump: " + v.dump());
}

std::optional<std::int64_t> optionalInt(const json& v) {
    if (v.is_number_integer())
        return v.get<std::int64_t>();
    return std::nullopt;
}

// Exact comparison: same bits, except that any NaN equals any NaN.
bool sameValue(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
        return std::isnan(a) && std::isnan(b);
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

// MLflow's SQL store writes +-inf as +-DBL_MAX and its API hands that back; RunLens restores the infinity so
// both backends show what was logged. A value logged as exactly +-DBL_MAX is indistinguishable and shows as +-inf.
bool sameSqlValue(double expected, double got) {
    constexpr double stored = std::numeric_limits<double>::max();
    if (expected == stored || expected == -stored)
        return std::isinf(got) && std::signbit(got) == std::signbit(expected);
    return sameValue(expected, got);
}

std::string show(double v) {
    std::ostringstream out;
    out.precision(17);
    out << v;
    return out.str();
}

std::string show(const std::optional<std::int64_t>& v) {
    return v ? std::to_string(*v) : std::string("null");
}

std::string printable(std::string_view s) {
    std::string out = "\"";
    for (char c : s.substr(0, 80)) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out + (s.size() > 80 ? "...\"" : "\"");
}

struct Point {
    std::int64_t step = 0;
    std::int64_t timestampMs = 0;
    double value = 0;
    bool datasetTied = false;  // a FileStore point on a 5-field line (see the note in compareMetrics)
};

// Total order for comparing two lists of one series: (step, timestamp, value) with NaN last.
bool pointLess(const Point& a, const Point& b) {
    if (a.step != b.step)
        return a.step < b.step;
    if (a.timestampMs != b.timestampMs)
        return a.timestampMs < b.timestampMs;
    if (std::isnan(a.value) != std::isnan(b.value))
        return std::isnan(b.value);
    if (a.value != b.value)
        return a.value < b.value;
    return std::signbit(a.value) && !std::signbit(b.value);
}

std::map<std::string, std::string> toMap(const KeyValues& values) {
    return {values.begin(), values.end()};
}

std::map<std::string, std::string> toMap(const json& object) {
    std::map<std::string, std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out[it.key()] = text(it.value());
    return out;
}

// Collects every difference so one run reports all of them, not just the first.
class Mismatches {
public:
    void add(std::string what) { m_items.push_back(std::move(what)); }
    template <typename T> void expectEqual(const std::string& where, const T& expected, const T& got) {
        if (!(expected == got))
            add(where + ": expected " + format(expected) + ", got " + format(got));
    }
    void expectSameMaps(const std::string& where, const std::map<std::string, std::string>& expected,
                        const std::map<std::string, std::string>& got) {
        for (const auto& [key, value] : expected) {
            auto it = got.find(key);
            if (it == got.end())
                add(where + " " + printable(key) + ": missing (expected " + printable(value) + ")");
            else if (it->second != value)
                add(where + " " + printable(key) + ": expected " + printable(value) + ", got " + printable(it->second));
        }
        for (const auto& [key, value] : got) {
            if (!expected.contains(key))
                add(where + " " + printable(key) + ": unexpected (value " + printable(value) + ")");
        }
    }
    bool empty() const { return m_items.empty(); }
    std::string report() const {
        std::string out = std::to_string(m_items.size()) + " mismatch(es):";
        for (std::size_t i = 0; i < m_items.size() && i < 60; ++i)
            out += "\n  " + m_items[i];
        if (m_items.size() > 60)
            out += "\n  ...";
        return out;
    }

private:
    static std::string format(const std::string& s) { return printable(s); }
    static std::string format(const std::optional<std::int64_t>& v) { return show(v); }
    static std::string format(std::int64_t v) { return std::to_string(v); }
    static std::string format(std::size_t v) { return std::to_string(v); }
    static std::string format(const std::set<std::string>& s) {
        std::string out = "{";
        for (const auto& item : s)
            out += (out.size() > 1 ? ", " : "") + printable(item);
        return out + "}";
    }
    std::vector<std::string> m_items;
};

#define RUNLENS_REPORT(mismatches)                                                                                     \
    do {                                                                                                               \
        if (!(mismatches).empty())                                                                                     \
            QFAIL((mismatches).report().c_str());                                                                      \
    } while (false)

// One store imported into a fresh cache, with MLflow's dump of it.
struct Imported {
    std::string name;  // "filestore" | "sqlstore"
    std::filesystem::path storePath;
    json dump;
    std::unique_ptr<Cache> cache;
    importers::ImportReport report;
    std::vector<ExperimentRow> experiments;
    std::vector<RunRow> runs;
    std::vector<RegisteredModelRow> models;
    std::map<std::string, const RunRow*> runsByExternalId;
    std::map<std::int64_t, std::string> experimentExternalIds;  // cache id -> tracker id
};

}  // namespace

class TestMlflowInterop : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void importSucceeds_data() { stores(); }
    void importSucceeds();
    void experimentsMatch_data() { stores(); }
    void experimentsMatch();
    void runsMatch_data() { stores(); }
    void runsMatch();
    void metricsMatch_data() { stores(); }
    void metricsMatch();
    void datasetInputsMatch_data() { stores(); }
    void datasetInputsMatch();
    void registryMatches_data() { stores(); }
    void registryMatches();
    void reimportIsUnchanged_data() { stores(); }
    void reimportIsUnchanged();

private:
    static void stores();
    Imported& imported(const QString& store);
    // (run name, key, timestamp, value bits) -> step, from the SQL store's dump; see compareMetrics.
    std::map<std::tuple<std::string, std::string, std::int64_t, std::uint64_t>, std::int64_t> m_sqlSteps;
    std::map<QString, std::unique_ptr<Imported>> m_imported;
    QTemporaryDir m_caches;
};

void TestMlflowInterop::stores() {
    QTest::addColumn<QString>("store");
    QTest::addRow("filestore") << QStringLiteral("filestore");
    QTest::addRow("sqlstore") << QStringLiteral("sqlstore");
}

void TestMlflowInterop::initTestCase() {
    const auto dir = interopDir();
    if (std::filesystem::exists(dir / "SKIPPED")) {
        std::ifstream in(dir / "SKIPPED");
        std::string why((std::istreambuf_iterator<char>(in)), {});
        QSKIP(qPrintable(QStringLiteral("interop fixtures skipped: %1").arg(QString::fromStdString(why).trimmed())));
    }
    for (const char* file : {"filestore.json", "sqlstore.json"}) {
        if (!std::filesystem::exists(dir / file))
            QFAIL(qPrintable(QStringLiteral("%1 missing; run the interop_mlflow_stores fixture (ctest -L interop)")
                                 .arg(QString::fromStdString((dir / file).string()))));
    }
    QVERIFY(m_caches.isValid());

    std::ifstream in(dir / "sqlstore.json");
    const json sql = json::parse(in);
    for (const auto& run : sql["runs"]) {
        for (auto it = run["metrics"].begin(); it != run["metrics"].end(); ++it) {
            for (const auto& p : it.value())
                m_sqlSteps[{text(run["name"]), it.key(), p[1].get<std::int64_t>(),
                            std::bit_cast<std::uint64_t>(number(p[2]))}] = p[0].get<std::int64_t>();
        }
    }
}

Imported& TestMlflowInterop::imported(const QString& store) {
    auto& slot = m_imported[store];
    if (slot)
        return *slot;
    slot = std::make_unique<Imported>();
    Imported& s = *slot;
    s.name = store.toStdString();
    const auto dir = interopDir();
    s.storePath =
        store == QLatin1String("filestore") ? dir / "stores" / "mlruns" : dir / "stores" / "sqlite" / "mlflow.db";
    std::ifstream in(dir / (s.name + ".json"));
    s.dump = json::parse(in);

    auto cache = Cache::open(m_caches.filePath(store + QStringLiteral(".sqlite")).toStdString());
    if (!cache)
        qFatal("cannot open the cache: %s", cache.error().toString().c_str());
    s.cache = std::make_unique<Cache>(std::move(*cache));
    test::RecordingObserver observer;
    s.report = importers::importSource(*s.cache, s.storePath, observer);
    for (const auto& w : observer.warnings)
        qInfo("import warning: %s", w.toString().c_str());

    CacheReader reader(*s.cache);
    if (auto e = reader.experiments())
        s.experiments = std::move(*e);
    if (auto r = reader.runs(true))
        s.runs = std::move(*r);
    if (auto m = reader.models())
        s.models = std::move(*m);
    for (const auto& e : s.experiments)
        s.experimentExternalIds[e.id] = e.experiment.externalId;
    for (const auto& r : s.runs)
        s.runsByExternalId[r.run.externalId] = &r;
    return s;
}

void TestMlflowInterop::importSucceeds() {
    QFETCH(QString, store);
    const Imported& s = imported(store);
    if (s.report.error)
        QFAIL(s.report.error->toString().c_str());
    QCOMPARE(s.report.status, importers::ImportStatus::imported);
    const std::string_view format = store == QLatin1String("filestore")
                                        ? importers::MlflowFileStoreImporter().formatId()
                                        : importers::MlflowSqlStoreImporter().formatId();
    QCOMPARE(s.report.format, std::string(format));
    std::int64_t points = 0;
    for (const auto& run : s.dump["runs"]) {
        for (const auto& [key, series] : run["metrics"].items())
            points += static_cast<std::int64_t>(series.size());
    }
    QCOMPARE(s.report.runsTotal, static_cast<std::int64_t>(s.dump["runs"].size()));
    QCOMPARE(s.report.pointsTotal, points);
}

void TestMlflowInterop::experimentsMatch() {
    QFETCH(QString, store);
    const Imported& s = imported(store);
    Mismatches m;
    std::map<std::string, const ExperimentRow*> got;
    for (const auto& e : s.experiments)
        got[e.experiment.externalId] = &e;
    std::set<std::string> expectedIds;
    std::set<std::string> gotIds;
    for (const auto& e : s.dump["experiments"])
        expectedIds.insert(text(e["id"]));
    for (const auto& [id, row] : got)
        gotIds.insert(id);
    m.expectEqual("experiment ids", expectedIds, gotIds);
    for (const auto& e : s.dump["experiments"]) {
        auto it = got.find(text(e["id"]));
        if (it == got.end())
            continue;
        const ExperimentRecord& r = it->second->experiment;
        const std::string where = "experiment " + text(e["id"]) + " (" + text(e["name"]) + ")";
        m.expectEqual(where + " name", text(e["name"]), r.name);
        m.expectEqual(where + " lifecycle", text(e["lifecycle"]), r.lifecycle);
        m.expectSameMaps(where + " tag", toMap(e["tags"]), toMap(r.tags));
    }
    RUNLENS_REPORT(m);
}

void TestMlflowInterop::runsMatch() {
    QFETCH(QString, store);
    const Imported& s = imported(store);
    Mismatches m;
    std::set<std::string> expectedIds;
    std::set<std::string> gotIds;
    for (const auto& r : s.dump["runs"])
        expectedIds.insert(text(r["run_id"]));
    for (const auto& [id, row] : s.runsByExternalId)
        gotIds.insert(id);
    m.expectEqual("run ids", expectedIds, gotIds);

    for (const auto& r : s.dump["runs"]) {
        auto it = s.runsByExternalId.find(text(r["run_id"]));
        if (it == s.runsByExternalId.end())
            continue;
        const RunRow& row = *it->second;
        const RunRecord& got = row.run;
        const std::string where = "run " + text(r["name"]) + " (" + text(r["run_id"]) + ")";
        std::string experiment;
        if (row.experimentId) {
            if (auto e = s.experimentExternalIds.find(*row.experimentId); e != s.experimentExternalIds.end())
                experiment = e->second;
        }
        m.expectEqual(where + " experiment", text(r["experiment_id"]), experiment);
        m.expectEqual(where + " name", text(r["name"]), got.name);
        m.expectEqual(where + " status", text(r["status"]), got.status);
        m.expectEqual(where + " lifecycle", text(r["lifecycle"]), got.lifecycle);
        m.expectEqual(where + " start", optionalInt(r["start"]), got.startMs);
        m.expectEqual(where + " end", optionalInt(r["end"]), got.endMs);
        m.expectEqual(where + " user", text(r["user"]), got.user);
        // MLflow nests runs by this tag alone; RunLens lifts it into the run record as well.
        const auto tags = toMap(r["tags"]);
        const auto parent = tags.find("mlflow.parentRunId");
        m.expectEqual(where + " parent", parent == tags.end() ? std::string() : parent->second, got.parentExternalId);
        m.expectSameMaps(where + " param", toMap(r["params"]), toMap(row.params));
        m.expectSameMaps(where + " tag", tags, toMap(row.tags));
    }
    RUNLENS_REPORT(m);
}

void TestMlflowInterop::metricsMatch() {
    QFETCH(QString, store);
    Imported& s = imported(store);
    const bool fileStore = store == QLatin1String("filestore");
    const auto valuesMatch = fileStore ? sameValue : sameSqlValue;
    CacheReader reader(*s.cache);
    Mismatches m;
    for (const auto& r : s.dump["runs"]) {
        auto it = s.runsByExternalId.find(text(r["run_id"]));
        if (it == s.runsByExternalId.end())
            continue;
        const RunRow& row = *it->second;
        const std::string where = "run " + text(r["name"]);
        std::set<std::string> expectedKeys;
        std::set<std::string> gotKeys;
        for (const auto& [key, series] : r["metrics"].items())
            expectedKeys.insert(key);
        for (const auto& series : row.metrics)
            gotKeys.insert(series.key);
        m.expectEqual(where + " metric keys", expectedKeys, gotKeys);

        for (const auto& [key, series] : r["metrics"].items()) {
            if (!gotKeys.contains(key))
                continue;
            const std::string at = where + " metric " + printable(key);
            std::vector<Point> expected;
            for (const auto& p : series) {
                Point point{p[0].get<std::int64_t>(), p[1].get<std::int64_t>(), number(p[2]), p.size() >= 5};
                // MLflow's FileStore reader takes the step only from 3-field lines, so its API reports step 0 for
                // metrics logged with a dataset (5-field lines "ts value step name digest"). RunLens reads field 3
                // as written (formats.md 1.4). The SQL store holds the same content and reports the real step.
                if (fileStore && point.datasetTied) {
                    auto sql = m_sqlSteps.find(
                        {text(r["name"]), key, point.timestampMs, std::bit_cast<std::uint64_t>(point.value)});
                    if (sql == m_sqlSteps.end())
                        m.add(at + ": no SQL-store point to take the step of a dataset-tied point from");
                    else
                        point.step = sql->second;
                }
                expected.push_back(point);
            }
            auto points = reader.series(row.id, key);
            if (!points) {
                m.add(at + ": " + points.error().toString());
                continue;
            }
            std::vector<Point> got;
            for (const MetricPoint& p : *points) {
                const auto ts = static_cast<std::int64_t>(p.timestampMs);
                if (static_cast<double>(ts) != p.timestampMs)
                    m.add(at + ": fractional timestamp " + show(p.timestampMs));
                got.push_back({p.step, ts, p.value, false});
            }
            std::sort(expected.begin(), expected.end(), pointLess);
            std::sort(got.begin(), got.end(), pointLess);
            m.expectEqual(at + " point count", expected.size(), got.size());
            int reported = 0;
            for (std::size_t i = 0; i < std::min(expected.size(), got.size()) && reported < 5; ++i) {
                const Point& e = expected[i];
                const Point& g = got[i];
                if (e.step != g.step || e.timestampMs != g.timestampMs || !valuesMatch(e.value, g.value)) {
                    m.add(at + " point " + std::to_string(i) + ": expected (step " + std::to_string(e.step) + ", ts " +
                          std::to_string(e.timestampMs) + ", " + show(e.value) + "), got (step " +
                          std::to_string(g.step) + ", ts " + std::to_string(g.timestampMs) + ", " + show(g.value) +
                          ")");
                    ++reported;
                }
            }

            // The summary's "last" follows MLflow's latest-value rule; compare with what MLflow itself reports.
            const auto summary = std::find_if(row.metrics.begin(), row.metrics.end(),
                                              [&](const SeriesRow& sr) { return sr.key == key; });
            m.expectEqual(at + " summary count", static_cast<std::int64_t>(expected.size()), summary->summary.count);
            if (r["latest"].contains(key) && !(fileStore && !expected.empty() && expected.back().datasetTied)) {
                const double latest = number(r["latest"][key]);
                if (!valuesMatch(latest, summary->summary.last))
                    m.add(at + " latest value: expected " + show(latest) + ", got " + show(summary->summary.last));
            }
        }
    }
    RUNLENS_REPORT(m);
}

void TestMlflowInterop::datasetInputsMatch() {
    QFETCH(QString, store);
    Imported& s = imported(store);
    CacheReader reader(*s.cache);
    Mismatches m;
    for (const auto& r : s.dump["runs"]) {
        auto it = s.runsByExternalId.find(text(r["run_id"]));
        if (it == s.runsByExternalId.end())
            continue;
        const std::string where = "run " + text(r["name"]) + " dataset input";
        auto inputs = reader.datasetInputs(it->second->id);
        if (!inputs) {
            m.add(where + ": " + inputs.error().toString());
            continue;
        }
        m.expectEqual(where + " count", r["inputs"].size(), inputs->size());
        for (const auto& e : r["inputs"]) {
            auto found = std::find_if(inputs->begin(), inputs->end(), [&](const DatasetInputRecord& g) {
                return g.name == text(e["name"]) && g.digest == text(e["digest"]);
            });
            const std::string at = where + " " + text(e["name"]) + "@" + text(e["digest"]);
            if (found == inputs->end()) {
                m.add(at + ": missing");
                continue;
            }
            m.expectEqual(at + " context", text(e["context"]), found->context);
            m.expectEqual(at + " source type", text(e["source_type"]), found->sourceType);
            m.expectEqual(at + " source", text(e["source"]), found->source);
            m.expectEqual(at + " schema", text(e["schema"]), found->schema);
            m.expectEqual(at + " profile", text(e["profile"]), found->profile);
            m.expectSameMaps(at + " tag", toMap(e["tags"]), toMap(found->tags));
        }
    }
    RUNLENS_REPORT(m);
}

void TestMlflowInterop::registryMatches() {
    QFETCH(QString, store);
    const Imported& s = imported(store);
    Mismatches m;
    // MLflow's model searches leave out prompts (registered models tagged mlflow.prompt.is_prompt) and
    // soft-deleted versions (stage Deleted_Internal); RunLens lists models, so it leaves them out as well.
    std::set<std::string> expectedNames;
    std::set<std::string> gotNames;
    for (const auto& model : s.dump["models"])
        expectedNames.insert(text(model["name"]));
    for (const auto& model : s.models)
        gotNames.insert(model.model.name);
    m.expectEqual("registered models", expectedNames, gotNames);

    for (const auto& model : s.dump["models"]) {
        auto row = std::find_if(s.models.begin(), s.models.end(),
                                [&](const RegisteredModelRow& r) { return r.model.name == text(model["name"]); });
        if (row == s.models.end())
            continue;
        const std::string where = "model " + text(model["name"]);
        m.expectEqual(where + " description", text(model["description"]), row->model.description);
        m.expectSameMaps(where + " tag", toMap(model["tags"]), toMap(row->model.tags));
        std::map<std::string, std::string> expectedAliases;
        std::map<std::string, std::string> gotAliases;
        for (const auto& [alias, version] : model["aliases"].items())
            expectedAliases[alias] = std::to_string(version.get<std::int64_t>());
        for (const auto& [alias, version] : row->model.aliases)
            gotAliases[alias] = std::to_string(version);
        m.expectSameMaps(where + " alias", expectedAliases, gotAliases);

        std::set<std::string> expectedVersions;
        std::set<std::string> gotVersions;
        for (const auto& v : model["versions"])
            expectedVersions.insert(std::to_string(v["version"].get<std::int64_t>()));
        for (const auto& v : row->versions)
            gotVersions.insert(std::to_string(v.version.version));
        m.expectEqual(where + " versions", expectedVersions, gotVersions);
        for (const auto& v : model["versions"]) {
            const std::int64_t number = v["version"].get<std::int64_t>();
            auto got = std::find_if(row->versions.begin(), row->versions.end(),
                                    [&](const ModelVersionRow& g) { return g.version.version == number; });
            if (got == row->versions.end())
                continue;
            const std::string at = where + " v" + std::to_string(number);
            const ModelVersionRecord& g = got->version;
            m.expectEqual(at + " stage", text(v["stage"]), g.stage);
            m.expectEqual(at + " run id", text(v["run_id"]), g.runExternalId);
            m.expectEqual(at + " source", text(v["source"]), g.source);
            m.expectEqual(at + " status", text(v["status"]), g.status);
            m.expectEqual(at + " description", text(v["description"]), g.description);
            m.expectSameMaps(at + " tag", toMap(v["tags"]), toMap(g.tags));
            std::set<std::string> expectedVersionAliases;
            std::set<std::string> gotVersionAliases;
            for (const auto& a : v["aliases"])
                expectedVersionAliases.insert(text(a));
            for (const auto& [alias, version] : row->model.aliases) {
                if (version == number)
                    gotVersionAliases.insert(alias);
            }
            m.expectEqual(at + " aliases", expectedVersionAliases, gotVersionAliases);
            // The version links to the imported run it came from.
            const std::string runId = text(v["run_id"]);
            if (!runId.empty()) {
                auto run = s.runsByExternalId.find(runId);
                if (!got->runId)
                    m.add(at + ": not linked to its run " + runId);
                else if (run != s.runsByExternalId.end() && *got->runId != run->second->id)
                    m.add(at + ": linked to cache run " + std::to_string(*got->runId) + ", expected " +
                          std::to_string(run->second->id));
            }
        }
    }
    RUNLENS_REPORT(m);
}

void TestMlflowInterop::reimportIsUnchanged() {
    QFETCH(QString, store);
    Imported& s = imported(store);
    if (s.report.status != importers::ImportStatus::imported)
        QSKIP("the first import failed");
    NullImportObserver observer;
    const auto again = importers::importSource(*s.cache, s.storePath, observer);
    if (again.error)
        QFAIL(again.error->toString().c_str());
    QCOMPARE(again.status, importers::ImportStatus::unchanged);
    QCOMPARE(again.runsTotal, s.report.runsTotal);
    QCOMPARE(again.pointsTotal, s.report.pointsTotal);
}

QTEST_GUILESS_MAIN(TestMlflowInterop)
#include "tst_mlflow_interop.moc"
