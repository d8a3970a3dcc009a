// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "handmadestore.h"
#include "importrunner.h"
#include "mlflow/mlflowfilestore.h"
#include "registry.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>

namespace fs = std::filesystem;
using namespace runlens;
using runlens::test::runA;
using runlens::test::runB;
using runlens::test::runC;
using runlens::test::runMeta;
using runlens::test::writeFile;
using runlens::test::writeHandmadeStore;

namespace {

using runlens::test::cacheSnapshot;

// Counts runs and metric points by walking the store independently of the importer.
std::pair<std::int64_t, std::int64_t> countByWalking(const fs::path& caseDir) {
    std::int64_t runs = 0;
    std::int64_t points = 0;
    for (auto it = fs::recursive_directory_iterator(caseDir); it != fs::recursive_directory_iterator(); ++it) {
        const fs::path& p = it->path();
        const std::string name = p.filename().string();
        if (it->is_directory() && name.starts_with('.') && name != ".trash") {
            it.disable_recursion_pending();
            continue;
        }
        const std::string parentName = p.parent_path().filename().string();
        // Run folders: 32 hex characters holding meta.yaml.
        if (it->is_directory() && name.size() == 32 && fs::exists(p / "meta.yaml")) {
            std::ifstream meta(p / "meta.yaml");
            const std::string text((std::istreambuf_iterator<char>(meta)), std::istreambuf_iterator<char>());
            if (text.find("start_time") != std::string::npos && text.find("experiment_id") != std::string::npos)
                ++runs;
        }
        if (it->is_regular_file()) {
            // A metric file sits below <run>/metrics/ (keys may nest); logged models (models/m-*) are not runs.
            const std::string text = p.generic_string();
            const auto metrics = text.find("/metrics/");
            if (metrics == std::string::npos || text.find("/models/m-") != std::string::npos)
                continue;
            const fs::path runDir = fs::path(text.substr(0, metrics));
            if (runDir.filename().string().size() != 32)
                continue;
            std::ifstream in(p);
            std::string line;
            while (std::getline(in, line))
                if (line.find_first_not_of(" \r") != std::string::npos)
                    ++points;
        }
    }
    return {runs, points};
}

const RunRow* findRow(const std::vector<RunRow>& rows, std::string_view externalId) {
    for (const auto& r : rows)
        if (r.run.externalId == externalId)
            return &r;
    return nullptr;
}

std::string param(const RunRow& r, std::string_view key) {
    for (const auto& [k, v] : r.params)
        if (k == key)
            return v;
    return "<missing>";
}

}  // namespace

class TestMlflowFileStore : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handmadeStoreKeepsEveryField();
    void metricPointsKeepOrderNanAndInfinity();
    void corpusImportsEveryRunAndPoint_data();
    void corpusImportsEveryRunAndPoint();
    void corpusQuirks();
    void badInputLeavesCacheUnchanged_data();
    void badInputLeavesCacheUnchanged();
    void incompleteLastLineIsAWarning();
    void reimportReadsOnlyWhatChanged();
    void cancelLeavesCacheUnchanged();
    void detectionByContent();
};

void TestMlflowFileStore::handmadeStoreKeepsEveryField() {
    QTemporaryDir dir;
    writeHandmadeStore(fs::path(dir.path().toStdString()) / "mlruns");
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    const auto report = importers::importSource(*cache, fs::path(dir.path().toStdString()) / "mlruns", observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("mlflow-filestore"));

    CacheReader reader(*cache);
    auto experiments = reader.experiments();
    QVERIFY(experiments.ok());
    QCOMPARE(experiments->size(), 2u);
    for (const auto& e : *experiments) {
        if (e.experiment.externalId == "7") {
            QCOMPARE(e.experiment.lifecycle, std::string("deleted"));
        } else {
            QCOMPARE(e.experiment.name, std::string("Default"));
            QCOMPARE(e.experiment.createdMs.value_or(0), 1700000000000);
            QCOMPARE(e.experiment.tags.size(), 1u);
            QCOMPARE(e.experiment.tags[0].second, std::string("experiment\nnote"));
        }
    }

    auto runs = reader.runs();
    QVERIFY(runs.ok());
    QCOMPARE(runs->size(), 3u);
    const RunRow* a = findRow(*runs, runA);
    const RunRow* b = findRow(*runs, runB);
    const RunRow* c = findRow(*runs, runC);
    QVERIFY(a && b && c);
    QCOMPARE(a->run.name, std::string("named-by-tag"));  // empty run_name falls back to mlflow.runName
    QCOMPARE(a->run.status, std::string("FINISHED"));
    QCOMPARE(a->run.user, std::string("alice"));
    QCOMPARE(a->run.gitCommit, std::string("0123abcd"));
    QCOMPARE(a->run.startMs.value_or(0), 1700000000000);
    QCOMPARE(a->run.endMs.value_or(0), 1700000009000);
    QCOMPARE(param(*a, "alpha"), std::string("0.5"));
    QCOMPARE(param(*a, "multi line"), std::string("first\nsecond\n"));  // never stripped
    QCOMPARE(param(*a, "empty"), std::string());
    QCOMPARE(b->run.status, std::string("FAILED"));
    QCOMPARE(b->run.lifecycle, std::string("deleted"));
    QCOMPARE(b->run.parentExternalId, std::string(runA));
    QCOMPARE(c->run.status, std::string("KILLED"));
    QCOMPARE(c->run.lifecycle, std::string("deleted"));  // its experiment is in .trash

    std::vector<std::string> keys;
    for (const auto& m : a->metrics)
        keys.push_back(m.key);
    QCOMPARE(keys, (std::vector<std::string>{"legacy", "train/loss", "with dataset"}));

    auto artifacts = reader.artifacts(a->id);
    QVERIFY(artifacts.ok());
    QCOMPARE(artifacts->size(), 3u);
    QCOMPARE((*artifacts)[0].path, std::string("eval/confusion.json"));
    QCOMPARE((*artifacts)[0].kind, std::string("json"));
    QVERIFY((*artifacts)[0].hasContent);
    QCOMPARE((*artifacts)[1].kind, std::string("model"));
    QCOMPARE((*artifacts)[2].kind, std::string("image"));
    QVERIFY(!(*artifacts)[2].hasContent);
    auto content = reader.artifactContent(a->id, "eval/confusion.json");
    QVERIFY(content.ok() && content->has_value());
    QVERIFY(content->value().find("\"matrix\"") != std::string::npos);

    auto models = reader.models();
    QVERIFY(models.ok());
    QCOMPARE(models->size(), 1u);
    const auto& m = models->front();
    QCOMPARE(m.model.name, std::string("my model"));
    QCOMPARE(m.model.description, std::string("- a dash"));
    QCOMPARE(m.versions.size(), 2u);  // Deleted_Internal is soft-deleted
    QCOMPARE(m.versions[0].version.stage, std::string("Staging"));
    QCOMPARE(m.versions[1].version.stage, std::string("Production"));
    QCOMPARE(m.versions[0].version.tags.size(), 1u);
    QCOMPARE(m.versions[0].runId.value_or(-1), a->id);
    QCOMPARE(m.model.aliases.size(), 1u);
    QCOMPARE(m.model.aliases[0].first, std::string("champion"));
    QCOMPARE(m.model.aliases[0].second, 2);
}

void TestMlflowFileStore::metricPointsKeepOrderNanAndInfinity() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "mlruns";
    writeHandmadeStore(root);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::MlflowFileStoreImporter importer;
    auto outcome = importer.run(root, sink, observer);
    QVERIFY(outcome.ok());
    const auto* a = sink.findRun(runA);
    QVERIFY(a);
    const auto& loss = a->metrics.at("train/loss");
    QCOMPARE(loss.size(), 6u);  // the importer hands points over in file order; the cache sorts
    QCOMPARE(loss[0].step, 3);
    QVERIFY(std::isnan(loss[2].value));
    QCOMPARE(loss[3].value, std::numeric_limits<double>::infinity());
    QCOMPARE(loss[4].value, -std::numeric_limits<double>::infinity());
    QCOMPARE(a->metrics.at("legacy").front().step, 0);
    QCOMPARE(a->metrics.at("legacy").front().value, 7.0);
    QCOMPARE(a->metrics.at("with dataset").front().value, 0.5);

    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    NullImportObserver none;
    QCOMPARE(importers::importSource(*cache, root, none).status, importers::ImportStatus::imported);
    CacheReader reader(*cache);
    auto runs = reader.findRuns(runA);
    QVERIFY(runs.ok() && runs->size() == 1);
    auto points = reader.series(runs->front().id, "train/loss");
    QVERIFY(points.ok());
    std::vector<std::int64_t> steps;
    for (const auto& p : *points)
        steps.push_back(p.step);
    QCOMPARE(steps, (std::vector<std::int64_t>{1, 2, 2, 3, 3, 4}));
    QCOMPARE((*points)[3].value, 0.3);  // same step: logging order kept
    QCOMPARE((*points)[4].value, 0.25);
    for (const auto& m : runs->front().metrics) {
        if (m.key == "train/loss") {
            QCOMPARE(m.summary.count, 6);
            QCOMPARE(m.summary.nanCount, 1);
            QCOMPARE(m.summary.lastStep, 4);
            QCOMPARE(*m.summary.max, std::numeric_limits<double>::infinity());
        }
    }
}

void TestMlflowFileStore::corpusImportsEveryRunAndPoint_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<int>("expectedRuns");  // from the case's PROVENANCE.md, checked against a walk of the tree
    QTest::addRow("1.27 elasticnet") << QStringLiteral("mlflow-1.27-elasticnet-wine") << 4;
    QTest::addRow("1.30 nested runs, CRLF") << QStringLiteral("mlflow-1.30-nested-runs-gan-keys-with-spaces") << 6;
    QTest::addRow("1.x pycaret spaces") << QStringLiteral("mlflow-1.x-pycaret-2.2-spaces-in-names") << 21;
    QTest::addRow("2.21 autolog datasets") << QStringLiteral("mlflow-2.21-autolog-datasets-registry") << 21;
    QTest::addRow("2.3 tracking server") << QStringLiteral("mlflow-2.3-tracking-server-mlartifacts-stages") << 38;
    QTest::addRow("3.1 logged models") << QStringLiteral("mlflow-3.1-logged-models-aliases") << 1;
    QTest::addRow("yolov8 nested keys") << QStringLiteral("ultralytics-yolov8-nested-metric-keys") << 4;
}

void TestMlflowFileStore::corpusImportsEveryRunAndPoint() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(int, expectedRuns);
    const fs::path caseDir = test::corpusDir() / "mlflow-filestore" / caseName.toStdString();
    QVERIFY(fs::is_directory(caseDir));
    const auto [walkedRuns, walkedPoints] = countByWalking(caseDir);
    QCOMPARE(walkedRuns, expectedRuns);

    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, caseDir, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.runsTotal, walkedRuns);
    QCOMPARE(report.pointsTotal, walkedPoints);

    // Every metric file's lines are in the cache as points.
    CacheReader reader(*cache);
    auto runs = reader.runs();
    QVERIFY(runs.ok());
    std::int64_t points = 0;
    for (const auto& r : *runs) {
        QVERIFY(!r.run.externalId.empty());
        QVERIFY(!r.run.status.empty());
        for (const auto& m : r.metrics) {
            auto series = reader.series(r.id, m.key);
            QVERIFY(series.ok());
            QCOMPARE(static_cast<std::int64_t>(series->size()), m.summary.count);
            points += m.summary.count;
        }
    }
    QCOMPARE(points, walkedPoints);

    // A second import of the same folder parses nothing.
    const auto again = importers::importSource(*cache, caseDir, observer);
    QCOMPARE(again.status, importers::ImportStatus::unchanged);
}

void TestMlflowFileStore::corpusQuirks() {
    RUNLENS_REQUIRE_CORPUS();
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    const fs::path base = test::corpusDir() / "mlflow-filestore";
    for (const char* name :
         {"mlflow-1.30-nested-runs-gan-keys-with-spaces", "mlflow-2.3-tracking-server-mlartifacts-stages",
          "mlflow-3.1-logged-models-aliases", "ultralytics-yolov8-nested-metric-keys",
          "mlflow-2.21-autolog-datasets-registry", "mlflow-1.x-pycaret-2.2-spaces-in-names"}) {
        const auto report = importers::importSource(*cache, base / name, observer);
        QVERIFY2(report.status == importers::ImportStatus::imported, name);
    }
    CacheReader reader(*cache);
    auto runs = reader.runs();
    QVERIFY(runs.ok());

    // 1.30: CRLF metric files with spaces in their names, 270 points, nested via mlflow.parentRunId.
    const RunRow* child = findRow(*runs, "07cd61a82ecc46bb9b61d1142c15ea42");
    QVERIFY(child);
    QVERIFY(!child->run.parentExternalId.empty());
    QVERIFY(findRow(*runs, child->run.parentExternalId) != nullptr);
    QCOMPARE(child->run.name, std::string("Run_0"));
    bool sawGeneratorLoss = false;
    for (const auto& m : child->metrics) {
        if (m.key == "Generator loss") {
            sawGeneratorLoss = true;
            QCOMPARE(m.summary.count, 270);
        }
    }
    QVERIFY(sawGeneratorLoss);

    // 2.3: the RUNNING run has no end time; artifacts live in the sibling mlartifacts/ folder.
    int running = 0;
    int withArtifacts = 0;
    for (const auto& r : *runs) {
        if (r.sourcePath.find("mlflow-2.3") == std::string::npos)
            continue;
        if (r.run.status == "RUNNING") {
            ++running;
            QVERIFY(!r.run.endMs.has_value());
        }
        auto artifacts = reader.artifacts(r.id);
        QVERIFY(artifacts.ok());
        if (!artifacts->empty())
            ++withArtifacts;
    }
    QCOMPARE(running, 1);
    QVERIFY(withArtifacts > 0);

    // Registry: two Production versions at once (2.3), the champion alias (3.1), 5 versions (2.21).
    auto models = reader.models();
    QVERIFY(models.ok());
    int production = 0;
    bool champion = false;
    bool fiveVersions = false;
    for (const auto& m : *models) {
        for (const auto& v : m.versions)
            production += v.version.stage == "Production" ? 1 : 0;
        for (const auto& [alias, version] : m.model.aliases)
            champion = champion || (alias == "champion" && version == 1);
        fiveVersions = fiveVersions || (m.sourcePath.find("2.21") != std::string::npos && m.versions.size() == 5);
    }
    QCOMPARE(production, 2);
    QVERIFY(champion);
    QVERIFY(fiveVersions);

    // 3.1: the logged model with its 4-field metric file; the duplicated metric line is kept twice.
    auto logged = reader.loggedModels();
    QVERIFY(logged.ok());
    QCOMPARE(logged->size(), 1u);
    QCOMPARE(logged->front().status, std::string("READY"));
    QCOMPARE(logged->front().sourceRunExternalId, std::string("548f11038477446eba9ec1cbe8164897"));
    const RunRow* mlflow3 = findRow(*runs, "548f11038477446eba9ec1cbe8164897");
    QVERIFY(mlflow3);
    for (const auto& m : mlflow3->metrics)
        if (m.key == "mse")
            QCOMPARE(m.summary.count, 2);

    // YOLOv8: slash keys stored as folders.
    int nestedKeys = 0;
    for (const auto& r : *runs)
        for (const auto& m : r.metrics)
            nestedKeys += (m.key == "metrics/mAP50-95B" || m.key == "train/box_loss" || m.key == "lr/pg0") ? 1 : 0;
    QCOMPARE(nestedKeys, 12);

    // 2.21: dataset inputs with their context, the soft-deleted run, Jupyter junk not taken for a metric.
    int inputs = 0;
    int deleted = 0;
    for (const auto& r : *runs) {
        if (r.sourcePath.find("2.21") == std::string::npos)
            continue;
        deleted += r.run.lifecycle == "deleted" ? 1 : 0;
        auto in = reader.datasetInputs(r.id);
        QVERIFY(in.ok());
        for (const auto& i : *in) {
            ++inputs;
            QVERIFY(!i.name.empty());
            QVERIFY(i.context == "train" || i.context == "eval");
        }
        for (const auto& m : r.metrics)
            QVERIFY(m.key.find(".ipynb_checkpoints") == std::string::npos);
    }
    QVERIFY(inputs > 0);
    QCOMPARE(deleted, 1);

    // PyCaret: keys with spaces; the run name comes from the mlflow.runName tag.
    int catboost = 0;
    for (const auto& r : *runs)
        catboost += r.run.name == "CatBoost Regressor" ? 1 : 0;
    QVERIFY(catboost >= 2);
}

using Mutation = std::function<void(const fs::path& root)>;
Q_DECLARE_METATYPE(Mutation)

void TestMlflowFileStore::badInputLeavesCacheUnchanged_data() {
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("fileInMessage");
    QTest::addColumn<QString>("reason");
    const std::string a = std::string("0/") + runA;
    QTest::addRow("truncated run meta.yaml mid-line") << Mutation([a](const fs::path& r) {
        writeFile(r / a / "meta.yaml", "artifact_uri: x\nend_time: 1\nentry_po");
    }) << QStringLiteral("meta.yaml") << QStringLiteral("the file may be truncated");
    QTest::addRow("run meta.yaml cut at a line end") << Mutation([a](const fs::path& r) {
        writeFile(r / a / "meta.yaml", runMeta(runA, "0", 3, "active", "x").substr(0, 260));
    }) << QStringLiteral("meta.yaml") << QStringLiteral("missing key 'start_time'");
    QTest::addRow("empty experiment meta.yaml") << Mutation([](const fs::path& r) { writeFile(r / "0/meta.yaml", ""); })
                                                << QStringLiteral("0/meta.yaml") << QStringLiteral("the file is empty");
    QTest::addRow("malformed experiment meta.yaml")
        << Mutation([](const fs::path& r) { writeFile(r / "0/meta.yaml", "experiment_id: '0'\nname: [unclosed\n"); })
        << QStringLiteral("0/meta.yaml") << QStringLiteral("malformed YAML");
    QTest::addRow("metric line with 4 fields")
        << Mutation([a](const fs::path& r) { writeFile(r / a / "metrics/acc", "1 0.5 0\n1 0.5 0 extra\n"); })
        << QStringLiteral("metrics/acc") << QStringLiteral("line 2: expected 3 space-separated fields");
    QTest::addRow("metric value not a number")
        << Mutation([a](const fs::path& r) { writeFile(r / a / "metrics/acc", "1700000000000 abc 0\n"); })
        << QStringLiteral("metrics/acc") << QStringLiteral("'abc' is not a number");
    QTest::addRow("metric step not an integer")
        << Mutation([a](const fs::path& r) { writeFile(r / a / "metrics/acc", "1700000000000 0.1 1.5\n"); })
        << QStringLiteral("metrics/acc") << QStringLiteral("step '1.5' is not an integer");
    QTest::addRow("non-UTF-8 metric name")
        << Mutation([a](const fs::path& r) { writeFile(r / a / "metrics/bad\xff\xfename", "1 0.5 0\n"); })
        << QStringLiteral("bad\\xFF\\xFEname") << QStringLiteral("not valid UTF-8");
    QTest::addRow("unreadable param file") << Mutation([a](const fs::path& r) {
        writeFile(r / a / "params/secret", "x");
        fs::permissions(r / a / "params/secret", fs::perms::none);
    }) << QStringLiteral("params/secret") << QStringLiteral("cannot read file");
    QTest::addRow("param file behind a broken link")
        << Mutation([a](const fs::path& r) { fs::create_symlink("/nonexistent/value", r / a / "params/linked"); })
        << QStringLiteral("params/linked") << QStringLiteral("cannot read file");
    QTest::addRow("empty directory") << Mutation([](const fs::path& r) {
        fs::remove_all(r);
        fs::create_directories(r);
    }) << QStringLiteral("mlruns") << QStringLiteral("the directory is empty");
    QTest::addRow("not a tracker store") << Mutation([](const fs::path& r) {
        fs::remove_all(r);
        writeFile(r / "notes.txt", "hello");
        writeFile(r / "data/x.csv", "a,b\n");
    }) << QStringLiteral("mlruns") << QStringLiteral("not a recognised tracker store");
}

void TestMlflowFileStore::badInputLeavesCacheUnchanged() {
    QFETCH(Mutation, mutate);
    QFETCH(QString, fileInMessage);
    QFETCH(QString, reason);
    if (QByteArray(QTest::currentDataTag()) == "unreadable param file" && ::geteuid() == 0)
        QSKIP("running as root: file permissions do not stop reads");

    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    // The cache already holds one source, and an earlier good import of the store about to break.
    writeHandmadeStore(base / "other/mlruns");
    QCOMPARE(importers::importSource(*cache, base / "other/mlruns", observer).status,
             importers::ImportStatus::imported);
    writeHandmadeStore(base / "mlruns");
    QCOMPARE(importers::importSource(*cache, base / "mlruns", observer).status, importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);

    mutate(base / "mlruns");
    const auto report = importers::importSource(*cache, base / "mlruns", observer);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = QString::fromStdString(report.error->toString());
    QVERIFY2(message.contains(fileInMessage), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QCOMPARE(cacheSnapshot(*cache), before);
    // QTemporaryDir cannot remove names that are not UTF-8 or files without permissions.
    std::error_code ec;
    fs::remove_all(base / "mlruns", ec);
}

void TestMlflowFileStore::incompleteLastLineIsAWarning() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "mlruns";
    writeHandmadeStore(root);
    // A writer killed mid-line: the last line has no newline and no step.
    writeFile(root / "0" / runA / "metrics/acc", "1700000000000 0.5 0\n1700000000001 0.6 1\n17000000000");
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::MlflowFileStoreImporter importer;
    QVERIFY(importer.run(root, sink, observer).ok());
    QCOMPARE(sink.findRun(runA)->metrics.at("acc").size(), 2u);
    QCOMPARE(observer.warnings.size(), 1u);
    QVERIFY(observer.warnings[0].position == "line 3");
    QVERIFY(observer.warnings[0].file.ends_with("metrics/acc"));
}

void TestMlflowFileStore::reimportReadsOnlyWhatChanged() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    const fs::path root = base / "mlruns";
    writeHandmadeStore(root);
    auto cache = Cache::open((base / "c.runlens").string());
    NullImportObserver observer;
    auto first = importers::importSource(*cache, root, observer);
    QCOMPARE(first.status, importers::ImportStatus::imported);
    QCOMPARE(first.runsWritten, 3);
    CacheReader reader(*cache);
    const auto idOfA = reader.findRuns(runA)->front().id;

    QCOMPARE(importers::importSource(*cache, root, observer).status, importers::ImportStatus::unchanged);

    // A training still running appends a point to one run.
    {
        std::ofstream out(root / "0" / runA / "metrics/train/loss", std::ios::app);
        out << "1700000000600 0.2 5\n";
    }
    auto second = importers::importSource(*cache, root, observer);
    QCOMPARE(second.status, importers::ImportStatus::imported);
    QCOMPARE(second.runsWritten, 1);
    QCOMPARE(second.runsUnchanged, 2);
    auto a = reader.findRuns(runA);
    QCOMPARE(a->front().id, idOfA);  // same cache id: selections in the GUI survive a re-sync
    for (const auto& m : a->front().metrics)
        if (m.key == "train/loss")
            QCOMPARE(m.summary.count, 7);

    // A run deleted from disk (mlflow gc) leaves the cache on the next import.
    fs::remove_all(root / "0" / runB);
    auto third = importers::importSource(*cache, root, observer);
    QCOMPARE(third.status, importers::ImportStatus::imported);
    QCOMPARE(third.runsWritten, 0);
    QCOMPARE(third.runsTotal, 2);
    QVERIFY(reader.findRuns(runB)->empty());

    // --force re-reads everything.
    importers::ImportOptions force;
    force.force = true;
    auto forced = importers::importSource(*cache, root, observer, force);
    QCOMPARE(forced.status, importers::ImportStatus::imported);
    QCOMPARE(forced.runsWritten, 2);
}

void TestMlflowFileStore::cancelLeavesCacheUnchanged() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeStore(base / "mlruns");
    auto cache = Cache::open((base / "c.runlens").string());
    const std::string before = cacheSnapshot(*cache);
    test::RecordingObserver observer;
    observer.cancelAfter = 2;
    const auto report = importers::importSource(*cache, base / "mlruns", observer);
    QCOMPARE(report.status, importers::ImportStatus::cancelled);
    QCOMPARE(cacheSnapshot(*cache), before);
}

void TestMlflowFileStore::detectionByContent() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeStore(base / "project/mlruns");
    // The folder that holds mlruns/ is accepted too, and the extension-less layout is recognised by meta.yaml.
    auto detected = importers::detect(base / "project");
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("mlflow-filestore"));
    auto missing = importers::detect(base / "nope");
    QVERIFY(!missing.ok());
    QVERIFY(missing.error().toString().find("no such file") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestMlflowFileStore)
#include "tst_mlflowfilestore.moc"
