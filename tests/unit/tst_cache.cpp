// SPDX-License-Identifier: MIT
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "cache/cachewriter.h"
#include "testsupport.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace runlens;

namespace {

std::string pragma(Cache& cache, const char* name) {
    auto s = sql::Statement::prepare(cache.db(), std::string("PRAGMA ") + name);
    return s && s->step() ? s->text(0) : std::string("?");
}

RunRecord makeRun(const std::string& id) {
    RunRecord r;
    r.externalId = id;
    r.experimentExternalId = "1";
    r.name = "run " + id;
    r.status = run_status::finished;
    r.fingerprint = "fp-" + id;
    return r;
}

}  // namespace

class TestCache : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void newCacheHasSchemaWalAndForeignKeys();
    void refusesCacheFromNewerVersion();
    void refusesFileThatIsNotACache();
    void uncommittedWriterLeavesNothing();
    void commitRemovesWhatTheSourceNoLongerHas();
    void unchangedRunsAreKeptWithoutRewriting();
    void seriesAreStoredSortedWithSummaryAndLod();
    void analysesSurviveReimportAndGoWithTheirRun();
    void readOnlyConnectionReadsAndNeverWrites();
};

void TestCache::newCacheHasSchemaWalAndForeignKeys() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("sub/folder/new.runlens")).toStdString());
    QVERIFY2(cache.ok(), cache.ok() ? "" : cache.error().toString().c_str());
    QCOMPARE(pragma(*cache, "user_version"), std::to_string(Cache::schemaVersion));
    QCOMPARE(pragma(*cache, "journal_mode"), std::string("wal"));
    QCOMPARE(pragma(*cache, "foreign_keys"), std::string("1"));
    QVERIFY(cache->db().tableExists("series"));
    // Opening again is a no-op migration.
    auto again = Cache::open(cache->path());
    QVERIFY(again.ok());
}

void TestCache::refusesCacheFromNewerVersion() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("future.runlens")).toStdString();
    {
        auto cache = Cache::open(path);
        QVERIFY(cache.ok());
        QVERIFY(cache->db().exec("PRAGMA user_version = 99").ok());
    }
    auto cache = Cache::open(path);
    QVERIFY(!cache.ok());
    QVERIFY(cache.error().toString().find("newer RunLens") != std::string::npos);
    QVERIFY(cache.error().file == path);
}

void TestCache::refusesFileThatIsNotACache() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("notes.txt")).toStdString();
    test::writeFile(path, std::string(4096, 'x'));
    auto cache = Cache::open(path);
    QVERIFY(!cache.ok());
    QVERIFY2(cache.error().toString().find("not a database") != std::string::npos, cache.error().toString().c_str());
    QVERIFY(cache.error().toString().find("notes.txt") != std::string::npos);
    auto missing = Cache::openExisting(dir.filePath(QStringLiteral("absent.runlens")).toStdString());
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().toString().find("no cache file") != std::string::npos);
}

void TestCache::uncommittedWriterLeavesNothing() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    {
        auto writer = SourceWriter::begin(*cache, "/data/mlruns", "mlflow-filestore");
        QVERIFY(writer.ok());
        (*writer)->experiment({"1", "exp", "active", {}, {}, {}, {}});
        (*writer)->beginRun(makeRun("r1"));
        (*writer)->metricSeries("loss", {{0, 0, 1.0}});
        (*writer)->endRun();
    }  // destroyed without commit
    CacheReader reader(*cache);
    QVERIFY(reader.sources()->empty());
    QVERIFY(reader.runs()->empty());
    QVERIFY(reader.experiments()->empty());
}

void TestCache::commitRemovesWhatTheSourceNoLongerHas() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    auto importRuns = [&](const std::vector<std::string>& ids, const std::string& source) {
        auto writer = SourceWriter::begin(*cache, source, "mlflow-filestore");
        QVERIFY(writer.ok());
        (*writer)->experiment({"1", "exp", "active", {}, {}, {}, {}});
        for (const auto& id : ids) {
            (*writer)->beginRun(makeRun(id));
            (*writer)->param("lr", "0.1");
            (*writer)->endRun();
        }
        QVERIFY((*writer)->commit("fp").ok());
    };
    importRuns({"a", "b", "c"}, "/one");
    importRuns({"a"}, "/two");
    CacheReader reader(*cache);
    const auto idOfB = reader.findRuns("b")->front().id;
    importRuns({"b", "c"}, "/one");
    auto runs = reader.runs();
    QCOMPARE(runs->size(), 3u);  // /one: b, c; /two: a
    QCOMPARE(reader.findRuns("b")->front().id, idOfB);
    QCOMPARE(reader.findRuns("a")->size(), 1u);
    QCOMPARE(reader.findRuns("a")->front().sourcePath, std::string("/two"));
    auto sources = reader.sources();
    QCOMPARE(sources->size(), 2u);
    QCOMPARE(sources->front().runCount, 2);
}

void TestCache::unchangedRunsAreKeptWithoutRewriting() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    {
        auto writer = SourceWriter::begin(*cache, "/s", "mlflow-filestore");
        (*writer)->beginRun(makeRun("r1"));
        (*writer)->metricSeries("loss", {{0, 0, 1.0}, {1, 0, 0.5}});
        (*writer)->endRun();
        QVERIFY((*writer)->commit("fp1").ok());
    }
    auto writer = SourceWriter::begin(*cache, "/s", "mlflow-filestore");
    QVERIFY(!(*writer)->runUnchanged("r1", "other"));
    QVERIFY((*writer)->runUnchanged("r1", "fp-r1"));
    QVERIFY(!(*writer)->runUnchanged("r2", "fp-r2"));
    QVERIFY((*writer)->commit("fp2").ok());
    QCOMPARE((*writer)->counts().runsUnchanged, 1);
    CacheReader reader(*cache);
    auto runs = reader.runs();
    QCOMPARE(runs->size(), 1u);
    QCOMPARE(runs->front().metrics.size(), 1u);
    QCOMPARE(runs->front().metrics.front().summary.count, 2);
}

void TestCache::seriesAreStoredSortedWithSummaryAndLod() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    std::vector<MetricPoint> points;
    for (std::int64_t i = 9999; i >= 0; --i)
        points.push_back({i, static_cast<double>(i), static_cast<double>(i % 100)});
    {
        auto writer = SourceWriter::begin(*cache, "/s", "x");
        (*writer)->beginRun(makeRun("r1"));
        (*writer)->metricSeries("loss", points);
        (*writer)->endRun();
        QVERIFY((*writer)->commit("fp").ok());
    }
    CacheReader reader(*cache);
    const auto run = reader.findRuns("r1")->front();
    auto series = reader.series(run.id, "loss");
    QVERIFY(series.ok());
    QCOMPARE(series->size(), 10000u);
    QCOMPARE(series->front().step, 0);
    QCOMPARE(series->back().step, 9999);
    const auto& summary = run.metrics.front().summary;
    QCOMPARE(summary.count, 10000);
    QCOMPARE(summary.lastStep, 9999);
    QCOMPARE(summary.last, 99.0);
    QCOMPARE(*summary.min, 0.0);
    auto lod = reader.seriesLod(run.id, "loss");
    QVERIFY(lod.ok());
    QVERIFY(!lod->levels.empty());
    QCOMPARE(lod->levels.front().size(), 625u);
    auto missing = reader.series(run.id, "nope");
    QVERIFY(!missing.ok());
}

void TestCache::analysesSurviveReimportAndGoWithTheirRun() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    auto importRuns = [&](const std::vector<std::string>& ids) {
        auto writer = SourceWriter::begin(*cache, "/s", "mlflow-filestore");
        QVERIFY(writer.ok());
        for (const auto& id : ids) {
            (*writer)->beginRun(makeRun(id));
            (*writer)->endRun();
        }
        QVERIFY((*writer)->commit("fp-" + std::to_string(ids.size())).ok());
    };
    importRuns({"a", "b"});
    CacheReader reader(*cache);
    const auto runA = reader.findRuns("a")->front().id;
    const auto runB = reader.findRuns("b")->front().id;

    AnalysisRow row{0,
                    runA,
                    std::string(analysis_kind::evaluation),
                    "preds.csv",
                    R"({"path":"preds.csv"})",
                    5,
                    "{\"accuracy\":0.5}"};
    auto first = saveAnalysis(*cache, row);
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
    row.resultJson = "{\"accuracy\":0.75}";
    auto replaced = saveAnalysis(*cache, row);
    QVERIFY(replaced.ok());
    QCOMPARE(*replaced, *first);  // same run, kind and name: replaced in place
    QVERIFY(saveAnalysis(*cache, {0, runB, std::string(analysis_kind::drift), "d", {}, 0, "{}"}).ok());
    QVERIFY(!saveAnalysis(*cache, {0, runB, {}, "d", {}, 0, "{}"}).ok());

    auto ofA = runAnalyses(*cache, runA);
    QCOMPARE(ofA->size(), 1u);
    QCOMPARE(ofA->front().resultJson, std::string("{\"accuracy\":0.75}"));
    QCOMPARE(runAnalyses(*cache, runA, analysis_kind::drift)->size(), 0u);
    QCOMPARE(analysesOfKind(*cache, analysis_kind::drift)->size(), 1u);
    QVERIFY(analysesOfKind(*cache, analysis_kind::drift)->front().createdMs > 0);

    importRuns({"a"});  // b disappears from the source: its analyses go with it, a keeps its own
    QCOMPARE(runAnalyses(*cache, runA)->size(), 1u);
    QCOMPARE(analysesOfKind(*cache, analysis_kind::drift)->size(), 0u);
    QVERIFY(deleteAnalysis(*cache, *first).ok());
    QCOMPARE(runAnalyses(*cache, runA)->size(), 0u);
}

void TestCache::readOnlyConnectionReadsAndNeverWrites() {
    QTemporaryDir dir;
    const std::string path = dir.filePath(QStringLiteral("c.runlens")).toStdString();
    {
        auto cache = Cache::open(path);
        QVERIFY(cache.ok());
        auto writer = SourceWriter::begin(*cache, "/s", "mlflow-filestore");
        QVERIFY(writer.ok());
        (*writer)->beginRun(makeRun("a"));
        (*writer)->endRun();
        QVERIFY((*writer)->commit("fp").ok());
    }  // closed: no other connection keeps the WAL files around

    auto reader = Cache::openReadOnly(path);
    QVERIFY2(reader.ok(), reader.ok() ? "" : reader.error().toString().c_str());
    QCOMPARE(CacheReader(*reader).runs()->size(), std::size_t{1});
    const Status write = reader->db().exec("DELETE FROM runs");
    QVERIFY(!write.ok());
    QVERIFY2(write.error().toString().find("readonly") != std::string::npos, write.error().toString().c_str());

    // Beside a writer's connection (the window's own), it sees what the writer committed.
    auto writerCache = Cache::open(path);
    QVERIFY(writerCache.ok());
    QVERIFY(saveAnalysis(*writerCache, {0,
                                        CacheReader(*writerCache).findRuns("a")->front().id,
                                        std::string(analysis_kind::drift),
                                        "d",
                                        {},
                                        0,
                                        "{}"})
                .ok());
    auto second = Cache::openReadOnly(path);
    QVERIFY(second.ok());
    QCOMPARE(analysesOfKind(*second, analysis_kind::drift)->size(), 1u);

    // Never creates a file, never migrates one; both say which file.
    const std::string absent = dir.filePath(QStringLiteral("absent.runlens")).toStdString();
    auto missing = Cache::openReadOnly(absent);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().file, absent);
    QVERIFY(!QFileInfo::exists(QString::fromStdString(absent)));
    QVERIFY(writerCache->db().exec("PRAGMA user_version = 99").ok());
    auto newer = Cache::openReadOnly(path);
    QVERIFY(!newer.ok());
    QVERIFY(newer.error().toString().find("newer RunLens") != std::string::npos);
    QCOMPARE(newer.error().file, path);
    QVERIFY(writerCache->db().exec("PRAGMA user_version = 1").ok());
    auto older = Cache::openReadOnly(path);
    QVERIFY(!older.ok());
    QVERIFY2(older.error().toString().find("older schema 1") != std::string::npos, older.error().toString().c_str());
    auto stillOld = Cache::openReadOnly(path);  // a reader left it as it was
    QVERIFY(!stillOld.ok());
    const std::string notes = dir.filePath(QStringLiteral("notes.txt")).toStdString();
    test::writeFile(notes, std::string(4096, 'x'));
    auto notACache = Cache::openReadOnly(notes);
    QVERIFY(!notACache.ok());
    QVERIFY2(notACache.error().toString().find("not a database") != std::string::npos,
             notACache.error().toString().c_str());
    QCOMPARE(notACache.error().file, notes);
}

QTEST_GUILESS_MAIN(TestCache)
#include "tst_cache.moc"
