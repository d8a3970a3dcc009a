// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/sqlite.h"
#include "importrunner.h"
#include "mlflow/mlflowsqlstore.h"
#include "registry.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <sys/stat.h>
#include <utime.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <tuple>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

const char* const dir126 = "mlflow-1.26-sqlite-relative-artifacts-stages";
const char* const dir213 = "mlflow-2.13-xgboost-nyc-taxi-sqlite";
const char* const dir3x = "mlflow-3.x-llm-evaluate-codespaces-sqlite";

fs::path corpusCase(const char* name) {
    return test::corpusDir() / "mlflow-sqlite" / name;
}

fs::path tempPath(const QTemporaryDir& dir) {
    return fs::path(dir.path().toStdString());
}

QString q(const std::string& text) {
    return QString::fromStdString(text);
}

// One number from the database, read with plain SQL: the independent side of every count the importer reports.
std::int64_t scalar(const fs::path& db, const std::string& query) {
    auto d = sql::Database::open(db.string(), sql::Database::Mode::readOnly);
    if (!d)
        return -1;
    auto s = sql::Statement::prepare(*d, query);
    if (!s || !s->step())
        return -1;
    return s->int64(0);
}

// Replaces every {placeholder} in SQL text.
std::string substitute(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
    for (const auto& [from, to] : values) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
            text.replace(at, from.size(), to);
    }
    return text;
}

// Builds a database from SQL text; an empty result means success, otherwise the SQLite error.
std::string makeDatabase(const fs::path& file, const std::string& script) {
    auto db = sql::Database::open(file.string(), sql::Database::Mode::readWriteCreate);
    if (!db)
        return db.error().toString();
    if (Status s = db->exec(script); !s)
        return s.error().toString();
    return {};
}

using runlens::test::cacheSnapshot;

// Names, sizes and modification times of a folder's files: proves the importer never writes next to the database.
std::map<std::string, std::pair<std::uintmax_t, std::int64_t>> folderState(const fs::path& dir) {
    std::map<std::string, std::pair<std::uintmax_t, std::int64_t>> state;
    for (const auto& entry : fs::directory_iterator(dir)) {
        struct stat info {};
        ::stat(entry.path().c_str(), &info);
        state[entry.path().filename().string()] = {static_cast<std::uintmax_t>(info.st_size),
                                                   info.st_mtim.tv_sec * 1000000000LL + info.st_mtim.tv_nsec};
    }
    return state;
}

std::size_t versionCount(const std::vector<RegisteredModelRecord>& models) {
    std::size_t n = 0;
    for (const auto& m : models)
        n += m.versions.size();
    return n;
}

std::size_t countOf(const std::vector<test::CapturingSink::Run>& runs,
                    const std::function<bool(const test::CapturingSink::Run&)>& predicate) {
    return static_cast<std::size_t>(std::count_if(runs.begin(), runs.end(), predicate));
}

const char* const modernSchema = R"sql(
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);
INSERT INTO alembic_version VALUES ('5b0e9adcef9c');
CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL,
    artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT);
CREATE TABLE experiment_tags ("key" VARCHAR(250) NOT NULL, value VARCHAR(5000), experiment_id INTEGER NOT NULL);
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20),
    source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9),
    start_time BIGINT, end_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20),
    artifact_uri VARCHAR(200), experiment_id INTEGER, deleted_time BIGINT);
CREATE TABLE metrics ("key" VARCHAR(250) NOT NULL, value FLOAT, timestamp BIGINT NOT NULL,
    run_uuid VARCHAR(32) NOT NULL, step BIGINT DEFAULT '0' NOT NULL, is_nan BOOLEAN DEFAULT '0' NOT NULL);
CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
CREATE TABLE params ("key" VARCHAR(250) NOT NULL, value VARCHAR(8000) NOT NULL, run_uuid VARCHAR(32) NOT NULL);
CREATE TABLE tags ("key" VARCHAR(250) NOT NULL, value VARCHAR(8000), run_uuid VARCHAR(32) NOT NULL);
INSERT INTO experiments VALUES (0, 'Default', './mlruns/0', 'active', 1700000000000, 1700000000001);
)sql";

// Kinds of input that must fail cleanly.
enum Fixture { randomBytes, truncatedCopy, foreignSqlite, emptyFile, lockedCopy, twoDatabases };

fs::path makeFixture(Fixture kind, const fs::path& dir) {
    const fs::path db = dir / "mlflow.db";
    switch (kind) {
    case randomBytes: {
        std::mt19937 random(7);
        std::string bytes(64 * 1024, '\0');
        for (char& c : bytes)
            c = static_cast<char>(random() & 0xFF);
        test::writeFile(db, bytes);
        return db;
    }
    case truncatedCopy: {
        fs::copy_file(corpusCase(dir126) / "mlflow.db", db);
        fs::permissions(db, fs::perms::owner_write, fs::perm_options::add);
        fs::resize_file(db, fs::file_size(db) / 2);
        return db;
    }
    case foreignSqlite:
        makeDatabase(db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes VALUES (1, 'x');");
        return db;
    case emptyFile:
        test::writeFile(db, "");
        return db;
    case lockedCopy:
        fs::copy_file(corpusCase(dir3x) / "mlflow.db", db);
        fs::permissions(db, fs::perms::owner_write, fs::perm_options::add);
        return db;
    case twoDatabases:
        fs::copy_file(corpusCase(dir3x) / "mlflow.db", dir / "a.db");
        fs::copy_file(corpusCase(dir3x) / "mlflow.db", dir / "b.db");
        return dir;
    }
    return db;
}

}  // namespace

class TestMlflowSqlStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void identity();
    void sniffJudgesContent_data();
    void sniffJudgesContent();
    void corpusCountsMatchProvenance_data();
    void corpusCountsMatchProvenance();
    void mlflow126Quirks();
    void mlflow213Quirks();
    void mlflow3xQuirks();
    void corpusIntoCache_data();
    void corpusIntoCache();
    void reimportReadsOnlyChangedRuns();
    void nanInfinityAndBadValues();
    void oldSchemaWithoutStepOrIndex();
    void workspacesRegistryAndLoggedModels();
    void cancelStopsAndLeavesCacheUnchanged();
    void fingerprintIsFileStatOnly();
    void badInputLeavesCacheUnchanged_data();
    void badInputLeavesCacheUnchanged();
};

void TestMlflowSqlStore::identity() {
    importers::MlflowSqlStoreImporter importer;
    QCOMPARE(importer.formatId(), std::string_view("mlflow-sqlite"));
    QCOMPARE(importer.displayName(), std::string_view("MLflow SQL store (mlflow.db)"));
    QCOMPARE(importers::importerForFormat("mlflow-sqlite")->displayName(), importer.displayName());
}

void TestMlflowSqlStore::sniffJudgesContent_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("minimum");
    QTest::addColumn<int>("maximum");
    QTest::newRow("1.26 db file") << QStringLiteral("file126") << 95 << 95;
    QTest::newRow("2.13 folder holding mlflow.db") << QStringLiteral("dir213") << 90 << 90;
    QTest::newRow("3.x db file") << QStringLiteral("file3x") << 95 << 95;
    QTest::newRow("folder with one differently named .db") << QStringLiteral("renamed") << 90 << 90;
    QTest::newRow("folder with two .db files") << QStringLiteral("two") << 0 << 0;
    QTest::newRow("SQLite without MLflow tables") << QStringLiteral("foreign") << 0 << 0;
    QTest::newRow("random bytes named mlflow.db") << QStringLiteral("random") << 1 << 10;
    QTest::newRow("random bytes named data.bin") << QStringLiteral("randomOther") << 0 << 0;
    QTest::newRow("empty file named mlflow.db") << QStringLiteral("empty") << 1 << 10;
    QTest::newRow("empty folder") << QStringLiteral("emptyDir") << 0 << 0;
    QTest::newRow("missing path") << QStringLiteral("missing") << 0 << 0;
    QTest::newRow("named pipe") << QStringLiteral("fifo") << 0 << 0;
    QTest::newRow("MLflow FileStore folder") << QStringLiteral("filestore") << 0 << 0;
}

void TestMlflowSqlStore::sniffJudgesContent() {
    QFETCH(QString, kind);
    QFETCH(int, minimum);
    QFETCH(int, maximum);
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir tmp;
    const fs::path dir = tempPath(tmp);
    fs::path path;
    if (kind == QLatin1String("file126")) {
        path = corpusCase(dir126) / "mlflow.db";
    } else if (kind == QLatin1String("dir213")) {
        path = corpusCase(dir213);
    } else if (kind == QLatin1String("file3x")) {
        path = corpusCase(dir3x) / "mlflow.db";
    } else if (kind == QLatin1String("renamed")) {
        fs::copy_file(corpusCase(dir3x) / "mlflow.db", dir / "tracking.db");
        test::writeFile(dir / "notes.txt", "not a database");
        path = dir;
    } else if (kind == QLatin1String("two")) {
        path = makeFixture(twoDatabases, dir);
    } else if (kind == QLatin1String("foreign")) {
        path = makeFixture(foreignSqlite, dir);
    } else if (kind == QLatin1String("random")) {
        path = makeFixture(randomBytes, dir);
    } else if (kind == QLatin1String("randomOther")) {
        path = dir / "data.bin";
        fs::rename(makeFixture(randomBytes, dir), path);
    } else if (kind == QLatin1String("empty")) {
        path = makeFixture(emptyFile, dir);
    } else if (kind == QLatin1String("emptyDir")) {
        path = dir;
    } else if (kind == QLatin1String("missing")) {
        path = dir / "nothing-here" / "mlflow.db";
    } else if (kind == QLatin1String("fifo")) {
        path = dir / "mlflow.db";
        QCOMPARE(::mkfifo(path.c_str(), 0600), 0);  // opening it would block: sniff must not
    } else if (kind == QLatin1String("filestore")) {
        test::writeFile(dir / "mlruns" / "0" / "meta.yaml", "experiment_id: '0'\nname: Default\n");
        path = dir / "mlruns";
    }
    importers::MlflowSqlStoreImporter importer;
    const int score = importer.sniff(path);
    QVERIFY2(score >= minimum && score <= maximum, qPrintable(QString::number(score)));
}

void TestMlflowSqlStore::corpusCountsMatchProvenance_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<bool>("viaFolder");
    QTest::addColumn<int>("experiments");
    QTest::addColumn<int>("deletedExperiments");
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("models");
    QTest::addColumn<int>("versions");
    QTest::addColumn<int>("inputs");
    // Numbers from each case's PROVENANCE.md; the test also recounts them with SQL.
    QTest::newRow("1.26 file") << QString::fromLatin1(dir126) << false << 6 << 1 << 125 << 4178 << 2 << 5 << 0;
    QTest::newRow("1.26 folder") << QString::fromLatin1(dir126) << true << 6 << 1 << 125 << 4178 << 2 << 5 << 0;
    QTest::newRow("2.13 file") << QString::fromLatin1(dir213) << false << 3 << 0 << 17 << 272 << 1 << 1 << 4;
    QTest::newRow("3.x file") << QString::fromLatin1(dir3x) << false << 8 << 0 << 7 << 9 << 0 << 0 << 0;
}

void TestMlflowSqlStore::corpusCountsMatchProvenance() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(bool, viaFolder);
    QFETCH(int, experiments);
    QFETCH(int, deletedExperiments);
    QFETCH(int, runs);
    QFETCH(int, points);
    QFETCH(int, models);
    QFETCH(int, versions);
    QFETCH(int, inputs);
    const fs::path folder = corpusCase(caseName.toLatin1().constData());
    const fs::path db = folder / "mlflow.db";
    const auto before = folderState(folder);

    importers::MlflowSqlStoreImporter importer;
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importer.run(viaFolder ? folder : db, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(*outcome, importers::Outcome::completed);
    QVERIFY2(observer.warnings.empty(), observer.warnings.empty() ? "" : observer.warnings[0].toString().c_str());

    // Against PROVENANCE.md ...
    QCOMPARE(sink.experiments.size(), std::size_t(experiments));
    QCOMPARE(std::count_if(sink.experiments.begin(), sink.experiments.end(),
                           [](const auto& e) { return e.lifecycle == "deleted"; }),
             std::ptrdiff_t(deletedExperiments));
    QCOMPARE(sink.runs.size(), std::size_t(runs));
    QCOMPARE(sink.endRunCalls, runs);
    QCOMPARE(sink.pointCount(), std::int64_t(points));
    QCOMPARE(sink.models.size(), std::size_t(models));
    QCOMPARE(versionCount(sink.models), std::size_t(versions));
    std::size_t inputCount = 0;
    std::size_t paramCount = 0;
    std::size_t tagCount = 0;
    std::set<std::string> fingerprints;
    for (const auto& r : sink.runs) {
        inputCount += r.inputs.size();
        paramCount += r.params.size();
        tagCount += r.tags.size();
        QVERIFY(!r.record.fingerprint.empty());
        fingerprints.insert(r.record.fingerprint);
        QVERIFY(r.record.status == "FINISHED" || r.record.status == "FAILED" || r.record.status == "RUNNING");
    }
    QCOMPARE(inputCount, std::size_t(inputs));
    QCOMPARE(fingerprints.size(), sink.runs.size());

    // ... and against the database itself.
    QCOMPARE(std::int64_t(sink.experiments.size()), scalar(db, "SELECT count(*) FROM experiments"));
    QCOMPARE(std::int64_t(sink.runs.size()), scalar(db, "SELECT count(*) FROM runs"));
    QCOMPARE(sink.pointCount(), scalar(db, "SELECT count(*) FROM metrics"));
    QCOMPARE(std::int64_t(paramCount), scalar(db, "SELECT count(*) FROM params"));
    QCOMPARE(std::int64_t(tagCount), scalar(db, "SELECT count(*) FROM tags"));
    QCOMPARE(std::int64_t(versionCount(sink.models)),
             scalar(db, "SELECT count(*) FROM model_versions WHERE current_stage <> 'Deleted_Internal'"));
    std::int64_t series = 0;
    for (const auto& r : sink.runs)
        series += std::int64_t(r.metrics.size());
    QCOMPARE(series, scalar(db, "SELECT count(*) FROM (SELECT DISTINCT run_uuid, \"key\" FROM metrics)"));
    QCOMPARE(std::int64_t(std::count_if(sink.runs.begin(), sink.runs.end(),
                                        [](const auto& r) { return r.record.lifecycle == "deleted"; })),
             scalar(db, "SELECT count(*) FROM runs WHERE lifecycle_stage = 'deleted'"));

    // Read-only: nothing next to the database was created or touched (no -journal, -wal, -shm).
    QCOMPARE(folderState(folder), before);
}

void TestMlflowSqlStore::mlflow126Quirks() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path folder = corpusCase(dir126);
    importers::MlflowSqlStoreImporter importer;
    test::CapturingSink sink;
    NullImportObserver observer;
    auto outcome = importer.run(folder / "mlflow.db", sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());

    // validation-rmse curves with 1001 steps (0..1000) in four xgboost runs.
    std::size_t longCurves = 0;
    for (const auto& r : sink.runs) {
        auto it = r.metrics.find("validation-rmse");
        if (it == r.metrics.end() || it->second.size() != 1001)
            continue;
        ++longCurves;
        std::set<std::int64_t> steps;
        for (const auto& p : it->second)
            steps.insert(p.step);
        QCOMPARE(steps.size(), std::size_t(1001));
        QCOMPARE(*steps.begin(), std::int64_t(0));
        QCOMPARE(*steps.rbegin(), std::int64_t(1000));
    }
    QCOMPARE(longCurves, std::size_t(4));

    // 13 soft-deleted runs, two of them still RUNNING without an end time.
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.lifecycle == "deleted"; }), std::size_t(13));
    QCOMPARE(countOf(sink.runs,
                     [](const auto& r) {
                         return r.record.lifecycle == "deleted" && r.record.status == "RUNNING" && !r.record.endMs;
                     }),
             std::size_t(2));
    // No run names at all (runs.name is '' and there is no mlflow.runName tag).
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return !r.record.name.empty(); }), std::size_t(0));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return !r.record.gitCommit.empty(); }), std::size_t(62));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.user == "azureuser"; }), std::size_t(125));
    for (const auto& r : sink.runs)
        QCOMPARE(r.record.sourceName, r.tags.at("mlflow.source.name"));  // runs.source_name is '' in 1.x
    // Schema of the 1.x era: no deleted_time column, no experiment times.
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.deletedMs.has_value(); }), std::size_t(0));
    for (const auto& e : sink.experiments) {
        QVERIFY(!e.createdMs);
        if (e.name == "my-cool-experiment")
            QCOMPARE(e.lifecycle, std::string("deleted"));
        else
            QCOMPARE(e.lifecycle, std::string("active"));
    }
    QCOMPARE(sink.experiments[4].artifactLocation, std::string("./artifacts/4"));

    // Stages: nyc-taxi-regressor v1 Staging, v2 Production, v3 Staging (with a description), v4 None.
    const RegisteredModelRecord* regressor = nullptr;
    for (const auto& m : sink.models)
        if (m.name == "nyc-taxi-regressor")
            regressor = &m;
    QVERIFY(regressor);
    QCOMPARE(regressor->versions.size(), std::size_t(4));
    QCOMPARE(regressor->versions[0].stage, std::string("Staging"));
    QCOMPARE(regressor->versions[1].stage, std::string("Production"));
    QCOMPARE(regressor->versions[2].stage, std::string("Staging"));
    QVERIFY(regressor->versions[2].description.starts_with("The model version 3 was transitioned to Staging"));
    QCOMPARE(regressor->versions[3].stage, std::string("None"));
    QCOMPARE(regressor->versions[1].runExternalId, std::string("f539394805074f4296c1ed6b0a1d905d"));
    QVERIFY(regressor->aliases.empty());

    // Relative artifact roots resolve against the database's folder: ./mlruns/1/... and ./artifacts/5/...
    const auto* production = sink.findRun("f539394805074f4296c1ed6b0a1d905d");
    QVERIFY(production);
    QVERIFY(std::any_of(production->artifacts.begin(), production->artifacts.end(),
                        [](const auto& a) { return a.path == "model/MLmodel" && a.kind == "model" && a.content; }));
    const auto* forest = sink.findRun("71699f147a2144308a5a1ed7df89b0d7");
    QVERIFY(forest);
    QVERIFY(!forest->artifacts.empty());
    std::size_t withArtifacts = 0;
    for (const auto& r : sink.runs)
        withArtifacts += r.artifacts.empty() ? 0 : 1;
    std::size_t folders = 0;
    for (const char* root : {"mlruns/1", "mlruns/2", "artifacts/5"})
        for (const auto& entry : fs::directory_iterator(folder / root))
            folders += fs::is_directory(entry.path() / "artifacts") ? 1 : 0;
    QCOMPARE(withArtifacts, folders);
}

void TestMlflowSqlStore::mlflow213Quirks() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path db = corpusCase(dir213) / "mlflow.db";
    importers::MlflowSqlStoreImporter importer;
    test::CapturingSink sink;
    NullImportObserver observer;
    auto outcome = importer.run(db, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());

    // The whole curve logged twice: every step of 0..82 appears twice and nothing is merged away.
    const auto* twice = sink.findRun("92025337761b47258bb509b166789a29");
    QVERIFY(twice);
    QCOMPARE(twice->record.name, std::string("fun-sheep-256"));
    const auto& curve = twice->metrics.at("validation-rmse");
    QCOMPARE(curve.size(), std::size_t(166));
    std::map<std::int64_t, int> perStep;
    for (const auto& p : curve)
        ++perStep[p.step];
    QCOMPARE(perStep.size(), std::size_t(83));
    QVERIFY(std::all_of(perStep.begin(), perStep.end(), [](const auto& s) { return s.second == 2; }));
    QCOMPARE(twice->metrics.at("best_iteration").size(), std::size_t(2));

    // Datasets: two runs with a train and an eval input each.
    std::size_t runsWithInputs = 0;
    for (const auto& r : sink.runs) {
        if (r.inputs.empty())
            continue;
        ++runsWithInputs;
        QCOMPARE(r.inputs.size(), std::size_t(2));
        std::set<std::string> contexts;
        for (const auto& in : r.inputs) {
            contexts.insert(in.context);
            QCOMPARE(in.sourceType, std::string("code"));
            QVERIFY(in.profile.find("features_shape") != std::string::npos);
            QCOMPARE(in.tags.size(), std::size_t(1));
        }
        QCOMPARE(contexts, (std::set<std::string>{"eval", "train"}));
    }
    QCOMPARE(runsWithInputs, std::size_t(2));

    // One RUNNING run without an end; three FAILED runs without metrics.
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.status == "RUNNING" && !r.record.endMs; }),
             std::size_t(1));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.status == "FAILED" && r.metrics.empty(); }),
             std::size_t(3));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.name.empty(); }), std::size_t(0));

    // Registry: one model, v1 with stage None and two aliases on the same version.
    QCOMPARE(sink.models.size(), std::size_t(1));
    const auto& model = sink.models.front();
    QCOMPARE(model.name, std::string("nyc-taxi-model"));
    QCOMPARE(model.description, std::string());
    QCOMPARE(model.versions.size(), std::size_t(1));
    QCOMPARE(model.versions[0].stage, std::string("None"));
    QCOMPARE(model.aliases, (std::vector<std::pair<std::string, std::int64_t>>{{"in-preview", 1}, {"staging", 1}}));

    // Windows file:///D:/... URIs are remapped onto the local mlruns/ folder.
    const auto* withModel = sink.findRun("821d9118ed7c4637bb3a0e020cc59e0d");
    QVERIFY(withModel);
    QVERIFY(withModel->record.artifactUri.starts_with("file:///D:/"));
    QVERIFY(std::any_of(withModel->artifacts.begin(), withModel->artifacts.end(),
                        [](const auto& a) { return a.path == "feature_importance_weight.json" && a.content; }));

    // latest_metrics must agree with the full history: its row is the largest (step, timestamp, value).
    auto d = sql::Database::open(db.string(), sql::Database::Mode::readOnly);
    QVERIFY(d.ok());
    auto latest = sql::Statement::prepare(*d, "SELECT run_uuid, \"key\", value, step, timestamp FROM latest_metrics");
    QVERIFY(latest.ok());
    int checked = 0;
    while (latest->step()) {
        const auto* run = sink.findRun(latest->text(0));
        QVERIFY(run);
        const auto& points = run->metrics.at(latest->text(1));
        const auto best = std::max_element(points.begin(), points.end(), [](const auto& a, const auto& b) {
            return std::tie(a.step, a.timestampMs, a.value) < std::tie(b.step, b.timestampMs, b.value);
        });
        QCOMPARE(best->value, latest->real(2));
        QCOMPARE(best->step, latest->int64(3));
        ++checked;
    }
    QCOMPARE(checked, 22);
}

void TestMlflowSqlStore::mlflow3xQuirks() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path db = corpusCase(dir3x) / "mlflow.db";
    importers::MlflowSqlStoreImporter importer;
    test::CapturingSink sink;
    NullImportObserver observer;
    auto outcome = importer.run(db, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), std::size_t(7));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return !r.params.empty(); }), std::size_t(0));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.status == "FAILED" && r.metrics.empty(); }),
             std::size_t(1));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return r.record.user == "codespace"; }), std::size_t(7));
    for (const auto& r : sink.runs)
        for (const auto& [key, points] : r.metrics)
            for (const auto& p : points)
                QCOMPARE(p.step, std::int64_t(0));
    QVERIFY(sink.loggedModels.empty());
    QVERIFY(sink.models.empty());
    // Mixed artifact locations, none of them present here: no artifacts, no error.
    QCOMPARE(sink.experiments.back().artifactLocation, std::string("/workspaces/MLFlow-LLM-Evaluation/mlruns/7"));
    QCOMPARE(sink.experiments[1].artifactLocation, std::string("mlflow-artifacts:/1"));
    QCOMPARE(countOf(sink.runs, [](const auto& r) { return !r.artifacts.empty(); }), std::size_t(0));
    QVERIFY(sink.findRun("44bc4b12c2c04c0c975fe59968e47e40"));
}

void TestMlflowSqlStore::corpusIntoCache_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<bool>("viaFolder");
    QTest::addColumn<int>("experiments");
    QTest::addColumn<int>("runs");
    QTest::addColumn<int>("points");
    QTest::addColumn<int>("models");
    QTest::newRow("1.26 folder") << QString::fromLatin1(dir126) << true << 6 << 125 << 4178 << 2;
    QTest::newRow("2.13 file") << QString::fromLatin1(dir213) << false << 3 << 17 << 272 << 1;
    QTest::newRow("3.x file") << QString::fromLatin1(dir3x) << false << 8 << 7 << 9 << 0;
}

void TestMlflowSqlStore::corpusIntoCache() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(bool, viaFolder);
    QFETCH(int, experiments);
    QFETCH(int, runs);
    QFETCH(int, points);
    QFETCH(int, models);
    const fs::path folder = corpusCase(caseName.toLatin1().constData());
    const fs::path source = viaFolder ? folder : folder / "mlflow.db";
    QTemporaryDir tmp;
    auto cache = Cache::open(tmp.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    NullImportObserver observer;

    const auto report = importers::importSource(*cache, source, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("mlflow-sqlite"));
    QCOMPARE(report.runsWritten, std::int64_t(runs));
    QCOMPARE(report.pointsTotal, std::int64_t(points));

    CacheReader reader(*cache);
    auto sources = reader.sources();
    QVERIFY(sources.ok());
    QCOMPARE(sources->size(), std::size_t(1));
    QCOMPARE(sources->front().runCount, std::int64_t(runs));
    QCOMPARE(sources->front().pointCount, std::int64_t(points));
    auto experimentRows = reader.experiments();
    QVERIFY(experimentRows.ok());
    QCOMPARE(experimentRows->size(), std::size_t(experiments));
    auto runRows = reader.runs();
    QVERIFY(runRows.ok());
    QCOMPARE(runRows->size(), std::size_t(runs));
    std::int64_t seriesPoints = 0;
    for (const auto& r : *runRows) {
        QVERIFY(r.experimentId.has_value());  // every run found its experiment
        for (const auto& m : r.metrics)
            seriesPoints += m.summary.count;
    }
    QCOMPARE(seriesPoints, std::int64_t(points));
    auto modelRows = reader.models();
    QVERIFY(modelRows.ok());
    QCOMPARE(modelRows->size(), std::size_t(models));

    // Unchanged file: a fingerprint check, no parse.
    const auto again = importers::importSource(*cache, source, observer);
    QCOMPARE(again.status, importers::ImportStatus::unchanged);
    QCOMPARE(again.runsTotal, std::int64_t(runs));
}

void TestMlflowSqlStore::reimportReadsOnlyChangedRuns() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir tmp;
    const fs::path store = tempPath(tmp) / "store";
    test::copyTree(corpusCase(dir213), store);
    auto cache = Cache::open(tmp.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    auto first = importers::importSource(*cache, store, observer);
    QVERIFY2(first.status == importers::ImportStatus::imported, first.error ? first.error->toString().c_str() : "");
    QCOMPARE(first.runsWritten, std::int64_t(17));

    // MLflow keeps working: a new tag on one run, a new metric point on another.
    const std::string changedTag = "05e1247c0ded4579835ec988a587c5a2";
    const std::string changedMetric = "92025337761b47258bb509b166789a29";
    QCOMPARE(makeDatabase(store / "mlflow.db",
                          "INSERT INTO tags VALUES ('reviewed', 'yes', '" + changedTag +
                              "'); INSERT INTO metrics VALUES ('validation-rmse', 5.25, 1717900000000, '" +
                              changedMetric + "', 83, 0);"),
             std::string());
    auto second = importers::importSource(*cache, store, observer);
    QVERIFY2(second.status == importers::ImportStatus::imported, second.error ? second.error->toString().c_str() : "");
    QCOMPARE(second.runsWritten, std::int64_t(2));
    QCOMPARE(second.runsUnchanged, std::int64_t(15));
    QCOMPARE(second.runsTotal, std::int64_t(17));
    QCOMPARE(second.pointsTotal, std::int64_t(273));

    CacheReader reader(*cache);
    auto rows = reader.findRuns(changedMetric);
    QVERIFY(rows.ok() && rows->size() == 1);
    auto points = reader.series(rows->front().id, "validation-rmse");
    QVERIFY(points.ok());
    QCOMPARE(points->size(), std::size_t(167));
    QCOMPARE(points->back().step, std::int64_t(83));
    QCOMPARE(points->back().value, 5.25);
    auto tagged = reader.findRuns(changedTag);
    QVERIFY(tagged.ok() && tagged->size() == 1);
    QVERIFY(std::any_of(tagged->front().tags.begin(), tagged->front().tags.end(),
                        [](const auto& t) { return t.first == "reviewed" && t.second == "yes"; }));
}

void TestMlflowSqlStore::nanInfinityAndBadValues() {
    QTemporaryDir tmp;
    const fs::path db = tempPath(tmp) / "mlflow.db";
    const std::string run = "0123456789abcdef0123456789abcdef";
    std::string script = std::string(modernSchema) + "INSERT INTO runs VALUES ('" + run +
                         "', 'special', 'LOCAL', 'train.py', '', 'bob', 'FINISHED', 1, 2, '', 'active', "
                         "'./mlruns/0/" +
                         run +
                         "/artifacts', 0, NULL);"
                         "INSERT INTO tags VALUES ('mlflow.runName', 'from-tag', '" +
                         run + "');";
    // value as SQL text, timestamp, step, is_nan
    const std::vector<std::tuple<std::string, int, int, int>> rows = {{"0", 10, 0, 1},
                                                                      {"1.7976931348623157e308", 11, 1, 0},
                                                                      {"-1.7976931348623157e308", 12, 2, 0},
                                                                      {"'oops'", 13, 3, 0},
                                                                      {"0.5", 14, 4, 0},
                                                                      {"NULL", 15, 5, 0},
                                                                      {"'2.5'", 16, 6, 0}};
    for (const auto& [value, timestamp, step, isNan] : rows)
        script += "INSERT INTO metrics VALUES ('loss', " + value + ", " + std::to_string(timestamp) + ", '" + run +
                  "', " + std::to_string(step) + ", " + std::to_string(isNan) + ");";
    QCOMPARE(makeDatabase(db, script), std::string());
    test::writeFile(tempPath(tmp) / "mlruns" / "0" / run / "artifacts" / "eval" / "scores.csv", "a,b\n1,2\n");

    importers::MlflowSqlStoreImporter importer;
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importer.run(db, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), std::size_t(1));
    const auto& points = sink.runs[0].metrics.at("loss");
    QCOMPARE(points.size(), std::size_t(6));  // the 'oops' row is left out
    QVERIFY(std::isnan(points[0].value));
    QCOMPARE(points[1].value, std::numeric_limits<double>::infinity());
    QCOMPARE(points[2].value, -std::numeric_limits<double>::infinity());
    QCOMPARE(points[3].value, 0.5);
    QCOMPARE(points[3].step, std::int64_t(4));
    QCOMPARE(points[3].timestampMs, 14.0);
    QVERIFY(std::isnan(points[4].value));
    QCOMPARE(points[5].value, 2.5);  // SQLite stored the text as a number already

    QCOMPARE(observer.warnings.size(), std::size_t(1));
    const auto& warning = observer.warnings[0];
    QCOMPARE(warning.file, db.string());
    QVERIFY2(warning.message.find("'oops' is not a number") != std::string::npos, warning.message.c_str());
    QVERIFY2(warning.position.find(run) != std::string::npos && warning.position.find("step 3") != std::string::npos,
             warning.position.c_str());

    // Relative artifact roots resolve against the database's own folder.
    QCOMPARE(sink.runs[0].artifacts.size(), std::size_t(1));
    QCOMPARE(sink.runs[0].artifacts[0].path, std::string("eval/scores.csv"));
    QCOMPARE(sink.runs[0].artifacts[0].kind, std::string("table"));
    QCOMPARE(sink.runs[0].record.sourceName, std::string("train.py"));  // runs.source_name without the tag
    QCOMPARE(sink.runs[0].record.name, std::string("special"));         // runs.name wins over mlflow.runName
    QCOMPARE(sink.runs[0].record.user, std::string("bob"));
    QCOMPARE(sink.experiments[0].createdMs.value_or(0), std::int64_t(1700000000000));
}

void TestMlflowSqlStore::oldSchemaWithoutStepOrIndex() {
    QTemporaryDir tmp;
    const fs::path db = tempPath(tmp) / "old.db";
    const std::string parent(32, 'a');
    const std::string child(32, 'b');
    // MLflow 0.9: no metrics.step or is_nan, no run_uuid index, no latest_metrics, no times on experiments.
    const std::string script = substitute(std::string(R"sql(
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);
INSERT INTO alembic_version VALUES ('ff01da956556');
CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL,
    artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32));
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), source_type VARCHAR(20),
    source_name VARCHAR(500), entry_point_name VARCHAR(50), user_id VARCHAR(256), status VARCHAR(9),
    start_time BIGINT, end_time BIGINT, source_version VARCHAR(50), lifecycle_stage VARCHAR(20),
    artifact_uri VARCHAR(200), experiment_id INTEGER);
CREATE TABLE metrics ("key" VARCHAR(250) NOT NULL, value FLOAT NOT NULL, timestamp BIGINT NOT NULL,
    run_uuid VARCHAR(32) NOT NULL, PRIMARY KEY ("key", timestamp, run_uuid));
CREATE TABLE params ("key" VARCHAR(250) NOT NULL, value VARCHAR(250) NOT NULL, run_uuid VARCHAR(32) NOT NULL);
CREATE TABLE tags ("key" VARCHAR(250) NOT NULL, value VARCHAR(250), run_uuid VARCHAR(32) NOT NULL);
INSERT INTO experiments VALUES (0, 'Default', 'file:///old/mlruns/0', NULL);
INSERT INTO runs VALUES ('{child}', '', 'LOCAL', '', '', 'carol', 'FINISHED', 5, 6, '', 'active', '', 0);
INSERT INTO runs VALUES ('{parent}', '', 'LOCAL', '', '', 'carol', 'KILLED', 1, 9, '', 'active', '', 0);
-- Interleaved across runs, as concurrent runs write them.
INSERT INTO metrics VALUES ('acc', 0.1, 100, '{child}');
INSERT INTO metrics VALUES ('loss', 3, 101, '{parent}');
INSERT INTO metrics VALUES ('acc', 0.2, 102, '{child}');
INSERT INTO metrics VALUES ('loss', 2, 103, '{parent}');
INSERT INTO metrics VALUES ('acc', 0.3, 104, '{child}');
INSERT INTO metrics VALUES ('zeta', 1, 105, '{child}');
INSERT INTO params VALUES ('lr', '0.01', '{child}');
INSERT INTO tags VALUES ('mlflow.runName', 'child-run', '{child}');
INSERT INTO tags VALUES ('mlflow.parentRunId', '{parent}', '{child}');
INSERT INTO tags VALUES ('mlflow.source.git.commit', 'abc123', '{child}');
INSERT INTO tags VALUES ('mlflow.source.name', 'train.py', '{child}');
INSERT INTO tags VALUES ('note', NULL, '{child}');
)sql"),
                                          {{"{child}", child}, {"{parent}", parent}});
    QCOMPARE(makeDatabase(db, script), std::string());

    importers::MlflowSqlStoreImporter importer;
    QCOMPARE(importer.sniff(db), 95);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    auto outcome = importer.run(db, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QVERIFY(observer.warnings.empty());
    QCOMPARE(sink.experiments.size(), std::size_t(1));
    QCOMPARE(sink.experiments[0].lifecycle, std::string("active"));  // NULL lifecycle_stage
    QCOMPARE(sink.runs.size(), std::size_t(2));
    const auto* c = sink.findRun(child);
    const auto* p = sink.findRun(parent);
    QVERIFY(c && p);
    QCOMPARE(c->record.name, std::string("child-run"));
    QCOMPARE(c->record.parentExternalId, parent);
    QCOMPARE(c->record.gitCommit, std::string("abc123"));
    QCOMPARE(c->record.sourceName, std::string("train.py"));
    QCOMPARE(c->record.user, std::string("carol"));
    QCOMPARE(c->record.experimentExternalId, std::string("0"));
    QCOMPARE(c->tags.at("note"), std::string());
    QCOMPARE(c->params.at("lr"), std::string("0.01"));
    QCOMPARE(p->record.status, std::string("KILLED"));
    QCOMPARE(c->metrics.size(), std::size_t(2));
    const auto& acc = c->metrics.at("acc");
    QCOMPARE(acc.size(), std::size_t(3));
    for (const auto& point : acc)
        QCOMPARE(point.step, std::int64_t(0));
    QCOMPARE(acc[2].value, 0.3);
    QCOMPARE(p->metrics.at("loss").size(), std::size_t(2));
    QCOMPARE(sink.pointCount(), std::int64_t(6));
}

void TestMlflowSqlStore::workspacesRegistryAndLoggedModels() {
    QTemporaryDir tmp;
    const fs::path db = tempPath(tmp) / "mlflow.db";
    // The newest layout: workspace columns in experiments and the registry (keys include them), logged models.
    const std::string script = std::string(R"sql(
CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);
INSERT INTO alembic_version VALUES ('1b5f0d9ad7c1');
CREATE TABLE experiments (experiment_id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(256) NOT NULL,
    artifact_location VARCHAR(256), lifecycle_stage VARCHAR(32), creation_time BIGINT, last_update_time BIGINT,
    workspace VARCHAR(63) DEFAULT 'default' NOT NULL);
CREATE TABLE runs (run_uuid VARCHAR(32) NOT NULL PRIMARY KEY, name VARCHAR(250), status VARCHAR(9),
    start_time BIGINT, end_time BIGINT, lifecycle_stage VARCHAR(20), artifact_uri VARCHAR(200),
    experiment_id INTEGER, user_id VARCHAR(256));
CREATE TABLE registered_models (name VARCHAR(256) NOT NULL, creation_time BIGINT, last_updated_time BIGINT,
    description VARCHAR(5000), workspace VARCHAR(63) DEFAULT 'default' NOT NULL, PRIMARY KEY (workspace, name));
CREATE TABLE model_versions (name VARCHAR(256) NOT NULL, version INTEGER NOT NULL, creation_time BIGINT,
    last_updated_time BIGINT, description VARCHAR(5000), user_id VARCHAR(256), current_stage VARCHAR(20),
    source VARCHAR(500), run_id VARCHAR(32), status VARCHAR(20), status_message VARCHAR(500), run_link VARCHAR(500),
    storage_location VARCHAR(500), workspace VARCHAR(63) DEFAULT 'default' NOT NULL);
CREATE TABLE registered_model_tags ("key" VARCHAR(250) NOT NULL, value VARCHAR(5000), name VARCHAR(256) NOT NULL,
    workspace VARCHAR(63) DEFAULT 'default' NOT NULL);
CREATE TABLE model_version_tags ("key" VARCHAR(250) NOT NULL, value TEXT, name VARCHAR(256) NOT NULL,
    version INTEGER NOT NULL, workspace VARCHAR(63) DEFAULT 'default' NOT NULL);
CREATE TABLE registered_model_aliases (alias VARCHAR(256) NOT NULL, version INTEGER NOT NULL,
    name VARCHAR(256) NOT NULL, workspace VARCHAR(63) DEFAULT 'default' NOT NULL);
CREATE TABLE logged_models (model_id VARCHAR(36) NOT NULL PRIMARY KEY, experiment_id INTEGER NOT NULL,
    name VARCHAR(500) NOT NULL, artifact_location VARCHAR(1000) NOT NULL, creation_timestamp_ms BIGINT NOT NULL,
    last_updated_timestamp_ms BIGINT NOT NULL, status INTEGER NOT NULL, lifecycle_stage VARCHAR(32),
    model_type VARCHAR(500), source_run_id VARCHAR(32), status_message VARCHAR(1000));
CREATE TABLE logged_model_params (model_id VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL,
    param_key VARCHAR(255) NOT NULL, param_value TEXT NOT NULL);
CREATE TABLE logged_model_tags (model_id VARCHAR(36) NOT NULL, experiment_id INTEGER NOT NULL,
    tag_key VARCHAR(255) NOT NULL, tag_value TEXT NOT NULL);
CREATE TABLE logged_model_metrics (model_id VARCHAR(36) NOT NULL, metric_name VARCHAR(500) NOT NULL,
    metric_timestamp_ms BIGINT NOT NULL, metric_step BIGINT NOT NULL, metric_value FLOAT, experiment_id INTEGER NOT NULL,
    run_id VARCHAR(32) NOT NULL, dataset_uuid VARCHAR(36), dataset_name VARCHAR(500), dataset_digest VARCHAR(36));
INSERT INTO experiments VALUES (0, 'Default', 'mlflow-artifacts:/0', 'active', 1, 2, 'default');
INSERT INTO experiments VALUES (123456789012345678, 'Default', 'mlflow-artifacts:/1', 'active', 3, 4, 'team-a');
INSERT INTO runs VALUES ('r1', 'one', 'FINISHED', 1, 2, 'active', '', 123456789012345678, 'dan');
INSERT INTO registered_models VALUES ('clf', 10, 11, 'default clf', 'default');
INSERT INTO registered_models VALUES ('clf', 20, 21, 'team clf', 'team-a');
INSERT INTO model_versions VALUES ('clf', 1, 10, 11, '', 'u', 'Production', 'models:/m-1', 'r1', 'READY', '', '',
    's3://b/1', 'default');
INSERT INTO model_versions VALUES ('clf', 2, 12, 13, '', 'u', 'Deleted_Internal', '', '', 'READY', '', '', '',
    'default');
INSERT INTO model_versions VALUES ('clf', 1, 20, 21, '', 'u', 'Staging', '', 'r1', 'READY', '', '', '', 'team-a');
INSERT INTO registered_model_tags VALUES ('owner', 'ml-team', 'clf', 'team-a');
INSERT INTO model_version_tags VALUES ('validated', 'true', 'clf', 1, 'default');
INSERT INTO registered_model_aliases VALUES ('champion', 1, 'clf', 'default');
INSERT INTO logged_models VALUES ('m-1', 123456789012345678, 'model', 'mlflow-artifacts:/1/models/m-1/artifacts',
    100, 200, 2, 'active', 'agent', 'r1', NULL);
INSERT INTO logged_models VALUES ('m-2', 0, 'gone', 'x', 100, 200, 2, 'deleted', NULL, NULL, NULL);
INSERT INTO logged_model_params VALUES ('m-1', 1, 'temperature', '0.2');
INSERT INTO logged_model_tags VALUES ('m-1', 1, 'mlflow.user', 'dan');
INSERT INTO logged_model_metrics VALUES ('m-1', 'acc', 10, 1, 0.5, 1, 'r1', NULL, NULL, NULL);
INSERT INTO logged_model_metrics VALUES ('m-1', 'acc', 20, 2, 0.7, 1, 'r1', NULL, NULL, NULL);
INSERT INTO logged_model_metrics VALUES ('m-1', 'acc', 15, 2, 0.9, 1, 'r1', NULL, NULL, NULL);
)sql");
    QCOMPARE(makeDatabase(db, script), std::string());

    importers::MlflowSqlStoreImporter importer;
    test::CapturingSink sink;
    NullImportObserver observer;
    auto outcome = importer.run(tempPath(tmp), sink, observer);  // the folder form
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());

    QCOMPARE(sink.experiments.size(), std::size_t(2));
    QCOMPARE(sink.experiments[0].name, std::string("Default"));
    QCOMPARE(sink.experiments[1].name, std::string("team-a/Default"));
    QCOMPARE(sink.experiments[1].externalId, std::string("123456789012345678"));  // 18 digits survive as text
    QCOMPARE(sink.runs.size(), std::size_t(1));
    QCOMPARE(sink.runs[0].record.experimentExternalId, std::string("123456789012345678"));
    QCOMPARE(sink.runs[0].record.user, std::string("dan"));
    QCOMPARE(sink.runs[0].record.status, std::string("FINISHED"));

    QCOMPARE(sink.models.size(), std::size_t(2));
    const auto& plain = sink.models[0];
    const auto& team = sink.models[1];
    QCOMPARE(plain.name, std::string("clf"));
    QCOMPARE(plain.description, std::string("default clf"));
    QCOMPARE(plain.versions.size(), std::size_t(1));  // v2 is Deleted_Internal
    QCOMPARE(plain.versions[0].stage, std::string("Production"));
    QCOMPARE(plain.versions[0].storageLocation, std::string("s3://b/1"));
    QCOMPARE(plain.versions[0].tags, (KeyValues{{"validated", "true"}}));
    QCOMPARE(plain.aliases, (std::vector<std::pair<std::string, std::int64_t>>{{"champion", 1}}));
    QVERIFY(plain.tags.empty());
    QCOMPARE(team.name, std::string("team-a/clf"));
    QCOMPARE(team.versions.size(), std::size_t(1));
    QCOMPARE(team.versions[0].stage, std::string("Staging"));
    QVERIFY(team.versions[0].tags.empty());
    QCOMPARE(team.tags, (KeyValues{{"owner", "ml-team"}}));
    QVERIFY(team.aliases.empty());

    QCOMPARE(sink.loggedModels.size(), std::size_t(1));  // m-2 is deleted
    const auto& m = sink.loggedModels[0];
    QCOMPARE(m.externalId, std::string("m-1"));
    QCOMPARE(m.status, std::string("READY"));
    QCOMPARE(m.modelType, std::string("agent"));
    QCOMPARE(m.sourceRunExternalId, std::string("r1"));
    QCOMPARE(m.experimentExternalId, std::string("123456789012345678"));
    QCOMPARE(m.createdMs.value_or(0), std::int64_t(100));
    QCOMPARE(m.params, (KeyValues{{"temperature", "0.2"}}));
    QCOMPARE(m.tags, (KeyValues{{"mlflow.user", "dan"}}));
    QCOMPARE(m.metrics.size(), std::size_t(1));
    QCOMPARE(m.metrics[0].first, std::string("acc"));
    QCOMPARE(m.metrics[0].second.value, 0.7);  // largest (step, timestamp)
    QCOMPARE(m.metrics[0].second.step, std::int64_t(2));
}

void TestMlflowSqlStore::cancelStopsAndLeavesCacheUnchanged() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path db = corpusCase(dir126) / "mlflow.db";
    importers::MlflowSqlStoreImporter importer;
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        observer.cancelAfter = 0;
        auto outcome = importer.run(db, sink, observer);
        QVERIFY(outcome.ok());
        QCOMPARE(*outcome, importers::Outcome::cancelled);
        QVERIFY(sink.runs.empty());
    }
    {
        // Cancelled on the last progress call: after the runs, before the registry.
        test::CapturingSink full;
        test::RecordingObserver counter;
        counter.cancelAfter = std::numeric_limits<int>::max();  // counts calls only while cancelAfter is set
        QVERIFY(importer.run(db, full, counter).ok());
        QVERIFY(counter.progressCalls >= 3);
        test::CapturingSink sink;
        test::RecordingObserver observer;
        observer.cancelAfter = counter.progressCalls - 1;
        auto outcome = importer.run(db, sink, observer);
        QVERIFY(outcome.ok());
        QCOMPARE(*outcome, importers::Outcome::cancelled);
        QCOMPARE(sink.runs.size(), std::size_t(125));
        QVERIFY(sink.models.empty());
    }
    QTemporaryDir tmp;
    auto cache = Cache::open(tmp.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    NullImportObserver quiet;
    QCOMPARE(importers::importSource(*cache, corpusCase(dir3x), quiet).status, importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);
    test::RecordingObserver observer;
    observer.cancelAfter = 2;
    const auto report = importers::importSource(*cache, db, observer);
    QCOMPARE(report.status, importers::ImportStatus::cancelled);
    QCOMPARE(cacheSnapshot(*cache), before);
}

void TestMlflowSqlStore::fingerprintIsFileStatOnly() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir tmp;
    const fs::path dir = tempPath(tmp);
    fs::copy_file(corpusCase(dir3x) / "mlflow.db", dir / "mlflow.db");
    importers::MlflowSqlStoreImporter importer;
    auto a = importer.fingerprint(dir / "mlflow.db");
    auto folder = importer.fingerprint(dir);
    QVERIFY(a.ok() && folder.ok());
    QCOMPARE(*folder, *a);
    QCOMPARE(*importer.fingerprint(dir / "mlflow.db"), *a);

    struct utimbuf times {
        1600000000, 1600000000
    };
    QCOMPARE(::utime((dir / "mlflow.db").c_str(), &times), 0);
    auto touched = importer.fingerprint(dir / "mlflow.db");
    QVERIFY(touched.ok());
    QVERIFY(*touched != *a);

    test::writeFile(dir / "mlflow.db-wal", "");
    auto withWal = importer.fingerprint(dir / "mlflow.db");
    QVERIFY(withWal.ok());
    QVERIFY(*withWal != *touched);

    // Never a parse: garbage has a fingerprint too; only a missing database is an error.
    test::writeFile(dir / "other" / "mlflow.db", "garbage");
    QVERIFY(importer.fingerprint(dir / "other").ok());
    auto missing = importer.fingerprint(dir / "nowhere");
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().file.find("nowhere") != std::string::npos);
}

void TestMlflowSqlStore::badInputLeavesCacheUnchanged_data() {
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("fragment");
    QTest::newRow("random bytes named mlflow.db") << int(randomBytes) << QStringLiteral("not an SQLite database");
    QTest::newRow("truncated copy of the 1.26 db") << int(truncatedCopy) << QStringLiteral("corrupt or truncated");
    QTest::newRow("SQLite without MLflow tables")
        << int(foreignSqlite) << QStringLiteral("not a recognised tracker store");
    QTest::newRow("empty file") << int(emptyFile) << QStringLiteral("the file is empty");
    QTest::newRow("locked by another connection")
        << int(lockedCopy) << QStringLiteral("database is locked by another process");
    QTest::newRow("folder with two .db files") << int(twoDatabases) << QStringLiteral("not a recognised tracker store");
}

void TestMlflowSqlStore::badInputLeavesCacheUnchanged() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(int, kind);
    QFETCH(QString, fragment);
    QTemporaryDir tmp;
    const fs::path dir = tempPath(tmp) / "input";
    fs::create_directories(dir);
    const fs::path path = makeFixture(Fixture(kind), dir);

    auto cache = Cache::open(tmp.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    QCOMPARE(importers::importSource(*cache, corpusCase(dir3x) / "mlflow.db", observer).status,
             importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);

    sqlite3* holder = nullptr;
    if (kind == lockedCopy) {
        QCOMPARE(sqlite3_open_v2(path.c_str(), &holder, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
        QCOMPARE(sqlite3_exec(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;", nullptr, nullptr, nullptr),
                 SQLITE_OK);
    }
    const auto report = importers::importSource(*cache, path, observer);
    if (holder)
        sqlite3_close(holder);

    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = q(report.error->toString());
    QVERIFY2(message.contains(fragment), qPrintable(message));
    QVERIFY2(!report.error->file.empty() && message.contains(q(path.filename().string())), qPrintable(message));
    QVERIFY2(message.contains(q(dir.string())), qPrintable(message));
    QCOMPARE(cacheSnapshot(*cache), before);

    // The importer itself says the same without the runner around it.
    if (kind != foreignSqlite && kind != twoDatabases) {
        importers::MlflowSqlStoreImporter importer;
        test::CapturingSink sink;
        if (kind == lockedCopy) {
            QCOMPARE(sqlite3_open_v2(path.c_str(), &holder, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
            sqlite3_exec(holder, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;", nullptr, nullptr, nullptr);
        }
        auto outcome = importer.run(path, sink, observer);
        if (holder)
            sqlite3_close(holder);
        QVERIFY(!outcome.ok());
        QCOMPARE(q(outcome.error().file), q(path.string()));
        QVERIFY2(q(outcome.error().message).contains(fragment), outcome.error().message.c_str());
        QVERIFY(sink.runs.empty());
    }
}

QTEST_GUILESS_MAIN(TestMlflowSqlStore)
#include "tst_mlflowsqlstore.moc"
