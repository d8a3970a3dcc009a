// SPDX-License-Identifier: MIT
// ClearML offline sessions. Fixtures: tests/data/clearml (offline-<hex>.zip and the offline-<hex>/ folder beside
// it), written by clearml's own Task.set_offline(True) (tests/tools/make_comet_clearml_fixtures.py).
#include "cache/cache.h"
#include "clearml/clearmlimporter.h"
#include "importrunner.h"
#include "registry.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <functional>
#include <sstream>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

// The session folder and its zip (the task id in their names changes whenever the fixtures are regenerated).
std::pair<fs::path, fs::path> fixtures() {
    fs::path folder;
    fs::path zip;
    for (const auto& e : fs::directory_iterator(test::dataDir() / "clearml")) {
        if (e.is_directory())
            folder = e.path();
        else if (e.path().extension() == ".zip")
            zip = e.path();
    }
    return {folder, zip};
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void checkSession(const test::CapturingSink& sink, const std::string& taskId) {
    QCOMPARE(sink.runs.size(), 1u);
    QCOMPARE(sink.experiments.size(), 1u);
    QCOMPARE(sink.experiments[0].externalId, std::string("runlens-fixture"));
    const auto& run = sink.runs[0];
    QCOMPARE(run.record.externalId, taskId);
    QCOMPARE(run.record.name, std::string("fixture-task"));
    QCOMPARE(run.record.experimentExternalId, std::string("runlens-fixture"));
    QCOMPARE(run.record.status, std::string("UNKNOWN"));  // offline task.json carries no status
    QVERIFY(run.record.startMs && run.record.endMs && *run.record.startMs <= *run.record.endMs);
    QCOMPARE(run.params.at("General/lr"), std::string("0.001"));
    QCOMPARE(run.params.at("General/batch_size"), std::string("32"));
    QCOMPARE(run.params.at("General/optimizer"), std::string("adam"));
    QCOMPARE(run.params.at("Data/split"), std::string("train"));
    QCOMPARE(run.params.size(), 4u);
    QCOMPARE(run.tags.at("clearml.tags"), std::string("baseline,fixture"));
    QCOMPARE(run.tags.at("clearml.type"), std::string("training"));
    const auto& train = run.metrics.at("loss/train");
    QCOMPARE(train.size(), 6u);
    QCOMPARE(train[5].step, 5);
    QCOMPARE(train[5].value, 1.0 / 6.0);
    QVERIFY(train[5].timestampMs >= static_cast<double>(*run.record.startMs));
    QCOMPARE(run.metrics.at("loss/val").size(), 3u);
    QCOMPARE(run.metrics.at("accuracy/val").at(0).value, 0.0);  // ClearML wrote the NaN as 0
    QCOMPARE(run.metrics.size(), 3u);
    // The confusion matrix is kept as Plotly JSON; the debug image is skipped.
    QCOMPARE(run.artifacts.size(), 1u);
    QCOMPARE(run.artifacts[0].path, std::string("plots/confusion/val/iter_5.json"));
    QVERIFY(run.artifacts[0].content && run.artifacts[0].content->find("heatmap") != std::string::npos);
}

}  // namespace

class TestClearml : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void detectsZipAndFolder();
    void readsZip();
    void readsFolder();
    void importsIntoCacheOnceThenUnchanged();
    void cancellation();
    void badInput_data();
    void badInput();
};

void TestClearml::detectsZipAndFolder() {
    const auto [folder, zip] = fixtures();
    QVERIFY(!folder.empty() && !zip.empty());
    for (const auto& p : {folder, zip}) {
        auto importer = importers::detect(p);
        QVERIFY2(importer.ok(), importer.ok() ? "" : importer.error().toString().c_str());
        QCOMPARE((*importer)->formatId(), std::string_view("clearml"));
    }
}

void TestClearml::readsZip() {
    const auto [folder, zip] = fixtures();
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::ClearmlImporter importer;
    const auto result = importer.run(zip, sink, observer);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
    checkSession(sink, folder.filename().string());
    QVERIFY(observer.warnings.empty());
}

void TestClearml::readsFolder() {
    const auto [folder, zip] = fixtures();
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::ClearmlImporter importer;
    const auto result = importer.run(folder, sink, observer);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
    checkSession(sink, folder.filename().string());
}

void TestClearml::importsIntoCacheOnceThenUnchanged() {
    const auto [folder, zip] = fixtures();
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, zip, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("clearml"));
    QCOMPARE(report.runsTotal, 1);
    QCOMPARE(report.pointsTotal, 10);
    QCOMPARE(importers::importSource(*cache, zip, observer).status, importers::ImportStatus::unchanged);
}

void TestClearml::cancellation() {
    const auto [folder, zip] = fixtures();
    test::CapturingSink sink;
    test::RecordingObserver observer;
    observer.cancelAfter = 0;
    importers::ClearmlImporter importer;
    const auto result = importer.run(zip, sink, observer);
    QVERIFY(result.ok());
    QCOMPARE(*result, importers::Outcome::cancelled);
    QVERIFY(sink.runs.empty());
}

using Maker = std::function<fs::path(const fs::path& base)>;
Q_DECLARE_METATYPE(Maker)

void TestClearml::badInput_data() {
    QTest::addColumn<Maker>("make");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("reason");
    QTest::addRow("truncated archive") << Maker([](const fs::path& base) {
        const std::string bytes = readAll(fixtures().second);
        test::writeFile(base / "cut.zip", bytes.substr(0, bytes.size() / 2));
        return base / "cut.zip";
    }) << QStringLiteral("cut.zip") << QStringLiteral("truncated");
    QTest::addRow("empty file") << Maker([](const fs::path& base) {
        test::writeFile(base / "offline-0.zip", "");
        return base / "offline-0.zip";
    }) << QStringLiteral("offline-0.zip")
                                << QStringLiteral("empty");
    QTest::addRow("wrong extension: JSON named .zip") << Maker([](const fs::path& base) {
        test::writeFile(base / "task.zip", "{\"id\": \"offline-1\"}\n");
        return base / "task.zip";
    }) << QStringLiteral("task.zip") << QStringLiteral("not a recognised tracker store|not an archive");
    QTest::addRow("metrics.jsonl line not JSON") << Maker([](const fs::path& base) {
        const fs::path dir = base / "offline-abc";
        test::copyTree(fixtures().first, dir);
        std::string text = readAll(dir / "metrics.jsonl");
        text = "[]\n[{\"type\": \"training_stats_scalar\", \"metric\": \"m\",, }]\n" + text;
        test::writeFile(dir / "metrics.jsonl", text);
        return dir;
    }) << QStringLiteral("offline-abc/metrics.jsonl, line 2")
                                                 << QStringLiteral("not valid JSON");
    QTest::addRow("metrics.jsonl line not an array") << Maker([](const fs::path& base) {
        const fs::path dir = base / "offline-abc";
        test::copyTree(fixtures().first, dir);
        test::writeFile(dir / "metrics.jsonl", "[]\n[]\n42\n");
        return dir;
    }) << QStringLiteral("metrics.jsonl, line 3") << QStringLiteral("expected a JSON array of events");
    QTest::addRow("task.json malformed") << Maker([](const fs::path& base) {
        const fs::path dir = base / "offline-abc";
        test::copyTree(fixtures().first, dir);
        std::string text = readAll(dir / "task.json");
        text.resize(text.size() / 2);
        test::writeFile(dir / "task.json", text + "\n \"hyperparams\": {");
        return dir;
    }) << QStringLiteral("offline-abc/task.json")
                                         << QStringLiteral("not valid JSON");
}

void TestClearml::badInput() {
    QFETCH(Maker, make);
    QFETCH(QString, where);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    const fs::path source = make(base);
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, source, observer);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = QString::fromStdString(report.error->toString());
    QVERIFY2(message.contains(where), qPrintable(message));
    // Alternatives separated by '|': unrecognised files get the import runner's wording.
    bool found = false;
    for (const auto& alternative : reason.split(QLatin1Char('|')))
        found = found || message.contains(alternative);
    QVERIFY2(found, qPrintable(message));
}

QTEST_GUILESS_MAIN(TestClearml)
#include "tst_clearml.moc"
