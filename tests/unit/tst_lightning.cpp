// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "importrunner.h"
#include "lightning/lightningcsvimporter.h"
#include "registry.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <functional>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

using runlens::test::cacheSnapshot;

// Run folders and non-empty metric cells (every column except step and created_at), counted independently.
std::pair<std::int64_t, std::int64_t> countByWalking(const fs::path& root) {
    std::int64_t runs = 0;
    std::int64_t points = 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_directory() || !entry.path().filename().string().starts_with("version_"))
            continue;
        ++runs;
        std::ifstream in(entry.path() / "metrics.csv");
        std::string line;
        std::vector<std::string> header;
        while (std::getline(in, line)) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            std::vector<std::string> cells;
            std::size_t start = 0;
            for (;;) {
                const auto comma = line.find(',', start);
                cells.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
            if (header.empty()) {
                header = cells;
                continue;
            }
            for (std::size_t c = 0; c < cells.size() && c < header.size(); ++c)
                if (!cells[c].empty() && header[c] != "step" && header[c] != "created_at")
                    ++points;
        }
    }
    return {runs, points};
}

void writeHandmadeLogs(const fs::path& root) {
    test::writeFile(root / "lightning_logs/version_0/metrics.csv",
                    "epoch,step,train_loss,val_loss\r\n0,0,0.9,\r\n0,1,0.8,\r\n0,1,,0.85\r\n1,2,nan,\r\n");
    test::writeFile(root / "lightning_logs/version_0/hparams.yaml",
                    "lr: 1.0e-05\nnet:\n  depth: 3\n  widths:\n  - 8\n  - 16\nname: \"a, b\"\n");
    test::writeFile(root / "lightning_logs/version_1/hparams.yaml", "{}\n");
    test::writeFile(root / "lightning_logs/version_10/metrics.csv", "step,\"odd, name\"\r\n5,1.5\r\n");
}

}  // namespace

class TestLightning : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handmadeCsvLogger();
    void corpusImportsEveryRunAndPoint_data();
    void corpusImportsEveryRunAndPoint();
    void testTubeLegacyLayout();
    void badInputLeavesCacheUnchanged_data();
    void badInputLeavesCacheUnchanged();
    void incompleteLastRowIsAWarning();
};

void TestLightning::handmadeCsvLogger() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "logs";
    writeHandmadeLogs(root);
    QCOMPARE((*importers::detect(root))->formatId(), std::string_view("lightning-csv"));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::LightningCsvImporter importer;
    QVERIFY(importer.run(root, sink, observer).ok());
    QCOMPARE(sink.runs.size(), 3u);
    QCOMPARE(sink.runs[2].record.externalId, std::string("lightning_logs/version_10"));  // numeric order
    const auto* v0 = sink.findRun("lightning_logs/version_0");
    QVERIFY(v0);
    QCOMPARE(v0->record.experimentExternalId, std::string("lightning_logs"));
    QCOMPARE(v0->params.at("lr"), std::string("1.0e-05"));
    QCOMPARE(v0->params.at("net/depth"), std::string("3"));
    QCOMPARE(v0->params.at("net/widths"), std::string("[8, 16]"));
    QCOMPARE(v0->params.at("name"), std::string("a, b"));
    QCOMPARE(v0->metrics.at("train_loss").size(), 3u);
    QVERIFY(std::isnan(v0->metrics.at("train_loss")[2].value));
    QCOMPARE(v0->metrics.at("val_loss").size(), 1u);
    QCOMPARE(v0->metrics.at("val_loss")[0].step, 1);
    QCOMPARE(v0->metrics.at("epoch").size(), 4u);
    QVERIFY(!v0->metrics.contains("step"));
    QVERIFY(sink.findRun("lightning_logs/version_1")->metrics.empty());
    QCOMPARE(sink.findRun("lightning_logs/version_10")->metrics.at("odd, name")[0].value, 1.5);
    QVERIFY(observer.warnings.empty());
}

void TestLightning::corpusImportsEveryRunAndPoint_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<int>("expectedRuns");  // PROVENANCE.md
    QTest::addRow("2.2 sparse columns") << QStringLiteral("lightning-2.x-mnist-sparse-columns-empty-hparams") << 19;
    QTest::addRow("2.5 epoch,step first") << QStringLiteral("lightning-2.x-regression-epoch-step-first") << 1;
    QTest::addRow("0.6 TestTube") << QStringLiteral("pytorch-lightning-0.6-testtube-logger") << 8;
}

void TestLightning::corpusImportsEveryRunAndPoint() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(int, expectedRuns);
    const fs::path caseDir = test::corpusDir() / "lightning-csvlogger" / caseName.toStdString();
    const auto [walkedRuns, walkedPoints] = countByWalking(caseDir);
    QCOMPARE(walkedRuns, expectedRuns);
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, caseDir, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("lightning-csv"));
    QCOMPARE(report.runsTotal, walkedRuns);
    QCOMPARE(report.pointsTotal, walkedPoints);
    QCOMPARE(importers::importSource(*cache, caseDir, observer).status, importers::ImportStatus::unchanged);
}

void TestLightning::testTubeLegacyLayout() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path caseDir = test::corpusDir() / "lightning-csvlogger/pytorch-lightning-0.6-testtube-logger";
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::LightningCsvImporter importer;
    QVERIFY(importer.run(caseDir, sink, observer).ok());
    const auto* v4 = sink.findRun("lightning_logs/version_4");
    QVERIFY(v4);
    QCOMPARE(v4->params.at("hidden_nodes"), std::string("[10, 10]"));
    QCOMPARE(v4->params.at("lr"), std::string("0.02"));
    const auto& loss = v4->metrics.at("train_loss");
    QCOMPARE(loss.front().step, 0);                       // no step column: the row number
    QVERIFY(loss.front().timestampMs > 1580000000000.0);  // created_at, read as UTC
    QVERIFY(v4->record.startMs.has_value());
    // version_2 and version_6 hold a single newline: runs without metrics, with a warning each.
    QVERIFY(sink.findRun("lightning_logs/version_2")->metrics.empty());
    QCOMPARE(observer.warnings.size(), 2u);
}

using Mutation = std::function<void(const fs::path& root)>;
Q_DECLARE_METATYPE(Mutation)

void TestLightning::badInputLeavesCacheUnchanged_data() {
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("fileInMessage");
    QTest::addColumn<QString>("reason");
    QTest::addRow("value not a number") << Mutation([](const fs::path& r) {
        test::writeFile(r / "lightning_logs/version_0/metrics.csv", "step,loss\r\n0,0.5\r\n1,abc\r\n");
    }) << QStringLiteral("logs") << QStringLiteral("version_0/metrics.csv, line 3, column 'loss'")
                                        << QStringLiteral("'abc' is not a number");
    QTest::addRow("row with too many fields") << Mutation([](const fs::path& r) {
        test::writeFile(r / "lightning_logs/version_0/metrics.csv", "step,loss\r\n0,0.5,7\r\n");
    }) << QStringLiteral("logs") << QStringLiteral("metrics.csv, line 2")
                                              << QStringLiteral("expected 2 fields");
    QTest::addRow("step not an integer") << Mutation([](const fs::path& r) {
        test::writeFile(r / "lightning_logs/version_0/metrics.csv", "step,loss\r\n0.5,0.5\r\n");
    }) << QStringLiteral("logs") << QStringLiteral("metrics.csv")
                                         << QStringLiteral("step '0.5' is not an integer");
    QTest::addRow("malformed hparams.yaml") << Mutation([](const fs::path& r) {
        test::writeFile(r / "lightning_logs/version_1/hparams.yaml", "lr: [unclosed\n");
    }) << QStringLiteral("logs") << QStringLiteral("version_1/hparams.yaml")
                                            << QStringLiteral("top-level keys");  // a warning, see below
    QTest::addRow("empty metrics.csv given directly")
        << Mutation([](const fs::path& r) { test::writeFile(r / "single/metrics.csv", ""); })
        << QStringLiteral("logs/single/metrics.csv") << QStringLiteral("single/metrics.csv")
        << QStringLiteral("the file is empty");
}

void TestLightning::badInputLeavesCacheUnchanged() {
    QFETCH(Mutation, mutate);
    QFETCH(QString, source);
    QFETCH(QString, fileInMessage);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    writeHandmadeLogs(base / "logs");
    QCOMPARE(importers::importSource(*cache, base / "logs", observer).status, importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);
    mutate(base / "logs");
    const auto report = importers::importSource(*cache, base / source.toStdString(), observer);
    if (QByteArray(QTest::currentDataTag()) == "malformed hparams.yaml") {
        // hparams.yaml that yaml-cpp cannot read is not fatal: its top-level keys are kept, with a warning.
        QCOMPARE(report.status, importers::ImportStatus::imported);
        QVERIFY(!report.warnings.empty());
        const QString message = QString::fromStdString(report.warnings.back().toString());
        QVERIFY2(message.contains(fileInMessage) && message.contains(reason), qPrintable(message));
        return;
    }
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = QString::fromStdString(report.error->toString());
    QVERIFY2(message.contains(fileInMessage), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QCOMPARE(cacheSnapshot(*cache), before);
}

void TestLightning::incompleteLastRowIsAWarning() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "logs";
    writeHandmadeLogs(root);
    test::writeFile(root / "lightning_logs/version_0/metrics.csv", "step,loss\r\n0,0.5\r\n1,0.4\r\n2,0.");
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::LightningCsvImporter importer;
    QVERIFY(importer.run(root, sink, observer).ok());
    QCOMPARE(sink.findRun("lightning_logs/version_0")->metrics.at("loss").size(), 2u);
    QCOMPARE(observer.warnings.size(), 1u);
    QCOMPARE(observer.warnings[0].position, std::string("line 4"));
}

QTEST_GUILESS_MAIN(TestLightning)
#include "tst_lightning.moc"
