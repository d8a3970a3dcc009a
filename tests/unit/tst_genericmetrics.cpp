// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "generic/genericmetricsimporter.h"
#include "importrunner.h"
#include "registry.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <thread>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

constexpr const char* handmadeCsv = "Run,Metric,Step,Value,timestamp,note\r\n"
                                    "\"run, a\",loss,0,0.9,1700000000,x\r\n"
                                    "\"run, a\",loss,1,0.8,1700000001.5,\r\n"
                                    "b,loss,0,nan,,\r\n"
                                    "b,acc,3.0,1e-05,2024-01-02T03:04:05.500Z,\"multi\nline\"\r\n"
                                    "\"run, a\",acc,2,-inf,1700000002000,\r\n";

constexpr const char* handmadeJsonl =
    "{\"run_id\": \"r1\", \"name\": \"loss\", \"step\": 0, \"value\": 1.5, \"timestamp\": 1700000000}\n"
    "{\"run_id\": \"r1\", \"name\": \"loss\", \"step\": 1, \"value\": NaN}\n"
    "\n"
    "{\"run_id\": \"r2\", \"name\": \"loss\", \"step\": \"2\", \"value\": \"0.25\", \"extra\": [1, 2]}\n"
    "{\"run_id\": \"r2\", \"name\": \"lr\", \"step\": 2, \"value\": -Infinity, \"timestamp\": \"2024-01-02 "
    "03:04:05\"}\n";

std::int64_t countPoints(const test::CapturingSink& sink) {
    std::int64_t n = 0;
    for (const auto& run : sink.runs)
        for (const auto& [key, points] : run.metrics)
            n += static_cast<std::int64_t>(points.size());
    return n;
}

}  // namespace

class TestGenericMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void csvLongForm();
    void jsonLinesLongForm();
    void tsvAndWrongExtensionIsReadByContent();
    void detectionPicksGenericOnlyForLongForm();
    void claimsNoCorpusFile();
    void reimportRereadsOnlyChangedRuns();
    void cancellation();
    void incompleteLastRowIsAWarning();
    void badInput_data();
    void badInput();
    void failedImportLeavesCacheUnchanged();
};

void TestGenericMetrics::csvLongForm() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "sweep.csv";
    test::writeFile(file, handmadeCsv);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::GenericMetricsImporter importer;
    QVERIFY(importer.sniff(file) > 0);
    auto outcome = importer.run(file, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.experiments.size(), 1u);
    QCOMPARE(sink.experiments[0].externalId, std::string("sweep.csv"));
    QCOMPARE(sink.runs.size(), 2u);
    QCOMPARE(sink.runs[0].record.externalId, std::string("run, a"));  // first appearance order
    QCOMPARE(countPoints(sink), 5);
    const auto* a = sink.findRun("run, a");
    QCOMPARE(a->metrics.at("loss").size(), 2u);
    QCOMPARE(a->metrics.at("loss")[0].timestampMs, 1700000000000.0);  // seconds
    QCOMPARE(a->metrics.at("loss")[1].timestampMs, 1700000001500.0);
    QCOMPARE(a->metrics.at("acc")[0].timestampMs, 1700000002000.0);  // already milliseconds
    QVERIFY(std::isinf(a->metrics.at("acc")[0].value));
    QCOMPARE(a->record.startMs.value(), 1700000000000);
    const auto* b = sink.findRun("b");
    QVERIFY(std::isnan(b->metrics.at("loss")[0].value));
    QCOMPARE(b->metrics.at("acc")[0].step, 3);
    QCOMPARE(b->metrics.at("acc")[0].timestampMs, 1704164645500.0);
    QVERIFY(observer.warnings.empty());
}

void TestGenericMetrics::jsonLinesLongForm() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "log.jsonl";
    test::writeFile(file, handmadeJsonl);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::GenericMetricsImporter importer;
    auto outcome = importer.run(file, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), 2u);
    QCOMPARE(countPoints(sink), 4);
    QVERIFY(std::isnan(sink.findRun("r1")->metrics.at("loss")[1].value));
    QCOMPARE(sink.findRun("r2")->metrics.at("loss")[0].value, 0.25);
    QCOMPARE(sink.findRun("r2")->metrics.at("loss")[0].step, 2);
    QVERIFY(std::isinf(sink.findRun("r2")->metrics.at("lr")[0].value));
    QCOMPARE(sink.findRun("r2")->metrics.at("lr")[0].timestampMs, 1704164645000.0);
}

void TestGenericMetrics::tsvAndWrongExtensionIsReadByContent() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    test::writeFile(base / "a.tsv", "run\tkey\tstep\tvalue\nx\tloss\t0\t1\nx\tloss\t1\t2\n");
    // JSON Lines content under a .csv name: the content decides.
    test::writeFile(base / "b.csv", "{\"run\": \"x\", \"key\": \"k\", \"step\": 0, \"value\": 3}\n");
    for (const char* name : {"a.tsv", "b.csv"}) {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importers::GenericMetricsImporter importer;
        auto outcome = importer.run(base / name, sink, observer);
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
        QCOMPARE(sink.runs.size(), 1u);
    }
}

void TestGenericMetrics::detectionPicksGenericOnlyForLongForm() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    test::writeFile(base / "metrics.csv", "run,key,step,value\nx,loss,0,1\n");
    test::writeFile(base / "wide.csv", "step,loss,acc\n0,1,2\n");
    test::writeFile(base / "notes.jsonl", "{\"a\": 1}\n");
    auto detected = importers::detect(base / "metrics.csv");
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("generic-metrics"));
    importers::GenericMetricsImporter importer;
    QCOMPARE(importer.sniff(base / "wide.csv"), 0);
    QCOMPARE(importer.sniff(base / "notes.jsonl"), 0);
    QCOMPARE(importer.sniff(base), 0);  // files only
}

void TestGenericMetrics::claimsNoCorpusFile() {
    RUNLENS_REQUIRE_CORPUS();
    // No tracker's own files (Lightning metrics.csv, W&B history, DVCLive TSV, ...) look like a long-form log.
    importers::GenericMetricsImporter importer;
    int files = 0;
    for (const auto& entry : fs::recursive_directory_iterator(test::corpusDir())) {
        if (!entry.is_regular_file())
            continue;
        ++files;
        if (entry.file_size() == 0) {  // an empty .csv/.jsonl is claimed weakly so that the error says "empty"
            QVERIFY(importer.sniff(entry.path()) <= 10);
            continue;
        }
        QVERIFY2(importer.sniff(entry.path()) == 0, entry.path().string().c_str());
    }
    QVERIFY(files > 100);
}

void TestGenericMetrics::reimportRereadsOnlyChangedRuns() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    const fs::path file = base / "sweep.csv";
    test::writeFile(file, handmadeCsv);
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    auto report = importers::importSource(*cache, file, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("generic-metrics"));
    QCOMPARE(report.runsTotal, 2);
    QCOMPARE(report.pointsTotal, 5);
    QCOMPARE(importers::importSource(*cache, file, observer).status, importers::ImportStatus::unchanged);
    // Append a point to run b only: run "run, a" keeps its fingerprint.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    test::writeFile(file, std::string(handmadeCsv) + "b,loss,1,0.5,,\r\n");
    report = importers::importSource(*cache, file, observer);
    QCOMPARE(report.status, importers::ImportStatus::imported);
    QCOMPARE(report.runsWritten, 1);
    QCOMPARE(report.runsUnchanged, 1);
    QCOMPARE(report.pointsTotal, 6);
}

void TestGenericMetrics::cancellation() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "sweep.csv";
    test::writeFile(file, handmadeCsv);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    observer.cancelAfter = 1;
    importers::GenericMetricsImporter importer;
    auto outcome = importer.run(file, sink, observer);
    QVERIFY(outcome.ok());
    QCOMPARE(*outcome, importers::Outcome::cancelled);
}

void TestGenericMetrics::incompleteLastRowIsAWarning() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    test::writeFile(base / "a.csv", "run,key,step,value\nx,loss,0,1\nx,lo");
    test::writeFile(base / "b.jsonl",
                    "{\"run\": \"x\", \"key\": \"k\", \"step\": 0, \"value\": 3}\n{\"run\": \"x\", \"ke");
    for (const char* name : {"a.csv", "b.jsonl"}) {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importers::GenericMetricsImporter importer;
        QVERIFY(importer.run(base / name, sink, observer).ok());
        QCOMPARE(countPoints(sink), 1);
        QCOMPARE(observer.warnings.size(), 1u);
        QVERIFY(observer.warnings[0].file.ends_with(name));
        QVERIFY(observer.warnings[0].position.starts_with(name[0] == 'a' ? "line 3" : "line 2"));
    }
}

void TestGenericMetrics::badInput_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("reason");
    QTest::addRow("csv truncated inside a quoted field")
        << QStringLiteral("a.csv") << QByteArray("run,key,step,value\nx,loss,0,1\n\"x,lo") << QStringLiteral("line 3")
        << QStringLiteral("quoted field is not closed");
    QTest::addRow("jsonl line cut short inside the file")
        << QStringLiteral("a.jsonl") << QByteArray("{\"run\": \"x\", \"key\": \"k\", \"step\": 0, \"val\n{}\n")
        << QStringLiteral("line 1, column") << QStringLiteral("ends early");
    QTest::addRow("wrong extension: PNG bytes named .csv")
        << QStringLiteral("plot.csv") << QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) << QStringLiteral("line 1")
        << QStringLiteral("the header must name the columns");
    QTest::addRow("wrong extension: Lightning wide csv named .jsonl")
        << QStringLiteral("m.jsonl") << QByteArray("step,loss\n0,1\n") << QStringLiteral("line 1")
        << QStringLiteral("the header must name the columns");
    QTest::addRow("empty csv") << QStringLiteral("e.csv") << QByteArray() << QStringLiteral("line 1")
                               << QStringLiteral("the file is empty");
    QTest::addRow("blank jsonl") << QStringLiteral("e.jsonl") << QByteArray("\n\n") << QStringLiteral("line 1")
                                 << QStringLiteral("the file is empty");
    QTest::addRow("csv value not a number")
        << QStringLiteral("a.csv") << QByteArray("run,key,step,value\nx,loss,0,1\nx,loss,1,abc\n")
        << QStringLiteral("line 3, column 'value'") << QStringLiteral("'abc' is not a number");
    QTest::addRow("csv step not an integer")
        << QStringLiteral("a.csv") << QByteArray("run,key,step,value\nx,loss,0.5,1\n")
        << QStringLiteral("line 2, column 'step'") << QStringLiteral("not an integer");
    QTest::addRow("csv too many fields") << QStringLiteral("a.csv")
                                         << QByteArray("run,key,step,value\nx,loss,0,1,9\nx,loss,1,2\n")
                                         << QStringLiteral("line 2") << QStringLiteral("expected 4 fields");
    QTest::addRow("jsonl malformed line 2")
        << QStringLiteral("a.jsonl")
        << QByteArray("{\"run\": \"x\", \"key\": \"k\", \"step\": 0, \"value\": 1}\n{\"run\": x}\n"
                      "{\"run\": \"x\", \"key\": \"k\", \"step\": 1, \"value\": 1}\n")
        << QStringLiteral("line 2, column 9") << QStringLiteral("malformed JSON");
    QTest::addRow("jsonl missing value")
        << QStringLiteral("a.jsonl")
        << QByteArray("{\"run\": \"x\", \"key\": \"k\", \"step\": 0, \"value\": 1}\n{\"run\": \"x\", \"key\": \"k\", "
                      "\"step\": 1}\n")
        << QStringLiteral("line 2") << QStringLiteral("lacks one of the fields");
    QTest::addRow("jsonl value is a word")
        << QStringLiteral("a.jsonl")
        << QByteArray("{\"run\": \"x\", \"key\": \"k\", \"step\": 0, \"value\": \"high\"}\n")
        << QStringLiteral("line 1, field 'value'") << QStringLiteral("is not a number");
}

void TestGenericMetrics::badInput() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, content);
    QFETCH(QString, position);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / fileName.toStdString();
    test::writeFile(file, std::string_view(content.constData(), static_cast<std::size_t>(content.size())));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::GenericMetricsImporter importer;
    auto outcome = importer.run(file, sink, observer);
    QVERIFY(!outcome.ok());
    const Error& error = outcome.error();
    QVERIFY2(QString::fromStdString(error.file).endsWith(fileName), error.toString().c_str());
    QVERIFY2(QString::fromStdString(error.position).startsWith(position), error.toString().c_str());
    QVERIFY2(QString::fromStdString(error.message).contains(reason), error.toString().c_str());
}

void TestGenericMetrics::failedImportLeavesCacheUnchanged() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    const fs::path file = base / "sweep.csv";
    test::writeFile(file, handmadeCsv);
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    QCOMPARE(importers::importSource(*cache, file, observer).status, importers::ImportStatus::imported);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    test::writeFile(file, std::string(handmadeCsv) + "b,loss,7,oops,,\r\n");
    const auto report = importers::importSource(*cache, file, observer);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error->toString().find("sweep.csv, line 8, column 'Value'") != std::string::npos);
    // The earlier import is intact.
    const auto again = importers::importSource(*cache, file, observer);
    QCOMPARE(again.status, importers::ImportStatus::failed);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    test::writeFile(file, handmadeCsv);
    const auto restored = importers::importSource(*cache, file, observer);
    QCOMPARE(restored.runsUnchanged, 2);  // the failed import changed nothing
}

QTEST_GUILESS_MAIN(TestGenericMetrics)
#include "tst_genericmetrics.moc"
