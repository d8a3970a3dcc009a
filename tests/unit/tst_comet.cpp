// SPDX-License-Identifier: MIT
// Comet OfflineExperiment archives. Fixtures: tests/data/comet, written by comet_ml's own OfflineExperiment
// (tests/tools/make_comet_clearml_fixtures.py). Bad inputs are derived from them or built here as stored zips.
#include "cache/cache.h"
#include "comet/cometimporter.h"
#include "importrunner.h"
#include "registry.h"
#include "testsupport.h"
#include "wandb/crc32.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <sstream>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

const char* kFull = "runlensfixture000000000000000001.zip";
const char* kMinimal = "runlensfixture000000000000000002.zip";

fs::path fixture(const char* name) {
    return test::dataDir() / "comet" / name;
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void put16(std::string& s, std::uint32_t v) {
    s += static_cast<char>(v & 0xff);
    s += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& s, std::uint32_t v) {
    put16(s, v & 0xffff);
    put16(s, v >> 16);
}

// A zip of stored (uncompressed) entries, enough for libarchive.
std::string makeZip(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string out;
    std::string central;
    for (const auto& [name, data] : entries) {
        const auto offset = static_cast<std::uint32_t>(out.size());
        const std::uint32_t crc = importers::wandb::crc32(data);
        std::string header;
        put32(header, 0x04034b50);
        put16(header, 20);
        put16(header, 0);
        put16(header, 0);  // stored
        put16(header, 0);
        put16(header, 0x21);
        put32(header, crc);
        put32(header, static_cast<std::uint32_t>(data.size()));
        put32(header, static_cast<std::uint32_t>(data.size()));
        put16(header, static_cast<std::uint32_t>(name.size()));
        put16(header, 0);
        out += header + name + data;
        put32(central, 0x02014b50);
        put16(central, 20);
        put16(central, 20);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0x21);
        put32(central, crc);
        put32(central, static_cast<std::uint32_t>(data.size()));
        put32(central, static_cast<std::uint32_t>(data.size()));
        put16(central, static_cast<std::uint32_t>(name.size()));
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put16(central, 0);
        put32(central, 0);
        put32(central, offset);
        central += name;
    }
    const auto centralOffset = static_cast<std::uint32_t>(out.size());
    out += central;
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put16(out, static_cast<std::uint32_t>(entries.size()));
    put32(out, static_cast<std::uint32_t>(central.size()));
    put32(out, centralOffset);
    put16(out, 0);
    return out;
}

const std::string kExperiment =
    R"({"offline_id": "abc123", "project_name": "p", "workspace": "w", "start_time": 1000, "stop_time": 2000, "tags": []})";

}  // namespace

class TestComet : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void detectsFixtures();
    void readsEverythingTheWriterWrote();
    void minimalExperiment();
    void importsIntoCacheOnceThenUnchanged();
    void cancellation();
    void badInput_data();
    void badInput();
    void unterminatedLastLineIsAWarning();
};

void TestComet::detectsFixtures() {
    for (const char* name : {kFull, kMinimal}) {
        auto importer = importers::detect(fixture(name));
        QVERIFY2(importer.ok(), name);
        QCOMPARE((*importer)->formatId(), std::string_view("comet"));
    }
    // Content decides, not the extension.
    QTemporaryDir dir;
    const fs::path renamed = fs::path(dir.path().toStdString()) / "experiment.bin";
    fs::copy_file(fixture(kFull), renamed);
    QCOMPARE((*importers::detect(renamed))->formatId(), std::string_view("comet"));
}

void TestComet::readsEverythingTheWriterWrote() {
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::CometImporter importer;
    const auto result = importer.run(fixture(kFull), sink, observer);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
    QCOMPARE(*result, importers::Outcome::completed);
    QCOMPARE(sink.runs.size(), 1u);
    QCOMPARE(sink.experiments.size(), 1u);
    QCOMPARE(sink.experiments[0].externalId, std::string("runlens/runlens-fixture"));
    const auto& run = sink.runs[0];
    QCOMPARE(run.record.externalId, std::string("runlensfixture000000000000000001"));
    QCOMPARE(run.record.experimentExternalId, std::string("runlens/runlens-fixture"));
    QCOMPARE(run.record.name, std::string("fixture-run"));
    QCOMPARE(run.record.status, std::string("FINISHED"));
    QVERIFY(run.record.startMs && run.record.endMs && *run.record.startMs <= *run.record.endMs);
    QCOMPARE(run.params.at("lr"), std::string("0.001"));
    QCOMPARE(run.params.at("batch_size"), std::string("32"));
    QCOMPARE(run.params.at("optimizer"), std::string("adam"));
    QCOMPARE(run.params.at("dropout"), std::string("0.1"));
    QVERIFY(run.params.at("layers").find("64") != std::string::npos);
    QVERIFY(!run.params.contains("curr_step"));
    QCOMPARE(run.tags.at("comet.tags"), std::string("baseline,fixture"));
    QVERIFY(run.tags.contains("comet.tag.baseline"));
    QCOMPARE(run.tags.at("comet.other.dataset"), std::string("mnist"));
    QCOMPARE(run.tags.at("comet.other.seed"), std::string("7"));
    const auto& loss = run.metrics.at("train/loss");
    QCOMPARE(loss.size(), 6u);
    QCOMPARE(loss[2].step, 2);
    QCOMPARE(loss[2].value, 1.0 / 3.0);
    QVERIFY(loss[2].timestampMs >= static_cast<double>(*run.record.startMs));
    QCOMPARE(run.metrics.at("val_acc").size(), 3u);
    const auto& unstable = run.metrics.at("unstable");  // "NaN", "Infinity", "-Infinity" strings
    QCOMPARE(unstable.size(), 3u);
    QVERIFY(std::isnan(unstable[0].value));
    QVERIFY(std::isinf(unstable[1].value) && unstable[1].value > 0);
    QVERIFY(std::isinf(unstable[2].value) && unstable[2].value < 0);
    QCOMPARE(run.metrics.at("epoch").size(), 9u);  // one point per step that carried an epoch
    std::map<std::string, const ArtifactRecord*> artifacts;
    for (const auto& a : run.artifacts)
        artifacts[a.path] = &a;
    QVERIFY(artifacts.contains("eval/summary.json"));
    QCOMPARE(artifacts["eval/summary.json"]->kind, std::string("json"));
    QVERIFY(artifacts["eval/summary.json"]->content.has_value());
    QVERIFY(artifacts["eval/summary.json"]->content->find("accuracy") != std::string::npos);
    QVERIFY(artifacts.contains("history.csv"));
    QCOMPARE(*artifacts["history.csv"]->content, std::string("epoch,loss\n0,1.0\n1,0.5\n"));
    QCOMPARE(run.artifacts.size(), 3u);  // plus the text sample
    QVERIFY(observer.warnings.empty());
}

void TestComet::minimalExperiment() {
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::CometImporter importer;
    QVERIFY(importer.run(fixture(kMinimal), sink, observer).ok());
    QCOMPARE(sink.runs.size(), 1u);
    QVERIFY(sink.experiments.empty());  // project_name null
    QCOMPARE(sink.runs[0].record.experimentExternalId, std::string());
    QCOMPARE(sink.runs[0].metrics.at("score").at(0).value, 42.0);
    QVERIFY(sink.runs[0].params.empty());
}

void TestComet::importsIntoCacheOnceThenUnchanged() {
    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, fixture(kFull), observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("comet"));
    QCOMPARE(report.runsTotal, 1);
    test::CapturingSink sink;
    importers::CometImporter importer;
    QVERIFY(importer.run(fixture(kFull), sink, observer).ok());
    QCOMPARE(report.pointsTotal, sink.pointCount());
    QCOMPARE(importers::importSource(*cache, fixture(kFull), observer).status, importers::ImportStatus::unchanged);
}

void TestComet::cancellation() {
    test::CapturingSink sink;
    test::RecordingObserver observer;
    observer.cancelAfter = 0;
    importers::CometImporter importer;
    const auto result = importer.run(fixture(kFull), sink, observer);
    QVERIFY(result.ok());
    QCOMPARE(*result, importers::Outcome::cancelled);
    QVERIFY(sink.runs.empty());
}

using Maker = std::function<void(const fs::path& file)>;
Q_DECLARE_METATYPE(Maker)

void TestComet::badInput_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<Maker>("make");
    QTest::addColumn<QString>("where");
    QTest::addColumn<QString>("reason");
    QTest::addRow("truncated archive") << QStringLiteral("trunc.zip") << Maker([](const fs::path& f) {
        const std::string bytes = readAll(fixture(kFull));
        test::writeFile(f, bytes.substr(0, bytes.size() * 3 / 4));
    }) << QStringLiteral("trunc.zip") << QStringLiteral("truncated");
    QTest::addRow("empty file") << QStringLiteral("empty.zip")
                                << Maker([](const fs::path& f) { test::writeFile(f, ""); })
                                << QStringLiteral("empty.zip") << QStringLiteral("empty");
    QTest::addRow("wrong extension: text named .zip")
        << QStringLiteral("notes.zip") << Maker([](const fs::path& f) { test::writeFile(f, "experiment.json\n"); })
        << QStringLiteral("notes.zip") << QStringLiteral("not a recognised tracker store|not an archive");
    QTest::addRow("messages.json line not JSON") << QStringLiteral("bad.zip") << Maker([](const fs::path& f) {
        test::writeFile(f, makeZip({{"experiment.json", kExperiment},
                                    {"messages.json", "{\"type\":\"log_other\",\"payload\":{}}\n{oops\n{}\n"}}));
    }) << QStringLiteral("bad.zip, entry messages.json, line 2")
                                                 << QStringLiteral("not valid JSON");
    QTest::addRow("metric step not an integer") << QStringLiteral("step.zip") << Maker([](const fs::path& f) {
        test::writeFile(f, makeZip({{"experiment.json", kExperiment},
                                    {"messages.json", R"({"type":"metric_msg","payload":{"metric":)"
                                                      R"({"metricName":"m","metricValue":1,"step":"x"}}})"
                                                      "\n"}}));
    }) << QStringLiteral("step.zip, entry messages.json, line 1")
                                                << QStringLiteral("step is not an integer");
    QTest::addRow("experiment.json not JSON") << QStringLiteral("meta.zip") << Maker([](const fs::path& f) {
        test::writeFile(f, makeZip({{"experiment.json", "{\"offline_id\": "}, {"messages.json", ""}}));
    }) << QStringLiteral("meta.zip, entry experiment.json")
                                              << QStringLiteral("not valid JSON");
    QTest::addRow("messages.json missing") << QStringLiteral("nomsg.zip") << Maker([](const fs::path& f) {
        test::writeFile(f, makeZip({{"experiment.json", kExperiment}}));
    }) << QStringLiteral("nomsg.zip") << QStringLiteral("no messages.json entry");
}

void TestComet::badInput() {
    QFETCH(QString, fileName);
    QFETCH(Maker, make);
    QFETCH(QString, where);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    const fs::path file = base / fileName.toStdString();
    make(file);
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, file, observer);
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

void TestComet::unterminatedLastLineIsAWarning() {
    QTemporaryDir dir;
    const fs::path file = fs::path(dir.path().toStdString()) / "cut.zip";
    test::writeFile(file, makeZip({{"experiment.json", kExperiment},
                                   {"messages.json", R"({"type":"metric_msg","payload":{"metric":)"
                                                     R"({"metricName":"m","metricValue":"NaN","step":3}}})"
                                                     "\n{\"type\":\"metr"}}));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::CometImporter importer;
    QVERIFY(importer.run(file, sink, observer).ok());
    QCOMPARE(sink.runs.at(0).metrics.at("m").size(), 1u);
    QVERIFY(std::isnan(sink.runs.at(0).metrics.at("m")[0].value));
    QCOMPARE(observer.warnings.size(), 1u);
    QCOMPARE(observer.warnings[0].position, std::string("entry messages.json, line 2"));
}

QTEST_GUILESS_MAIN(TestComet)
#include "tst_comet.moc"
