// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "importrunner.h"
#include "registry.h"
#include "testsupport.h"
#include "wandb/crc32.h"
#include "wandb/wandbimporter.h"
#include "wandb/wandbjson.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>

namespace fs = std::filesystem;
using namespace runlens;
using runlens::test::writeFile;

namespace {

// ---- A small writer of W&B transaction logs, so fixtures are built here rather than committed as binaries. ----

std::string varint(std::uint64_t v) {
    std::string out;
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
    return out;
}
std::string lenField(int field, std::string_view bytes) {
    return varint(static_cast<std::uint64_t>(field) << 3 | 2) + varint(bytes.size()) + std::string(bytes);
}
std::string intField(int field, std::int64_t v) {
    return varint(static_cast<std::uint64_t>(field) << 3) + varint(static_cast<std::uint64_t>(v));
}
// An item: a single key, or a nested key path when path has several parts.
std::string item(const std::vector<std::string>& path, std::string_view valueJson, bool nested = true) {
    std::string out;
    if (path.size() == 1 && !nested)
        out += lenField(1, path[0]);
    else
        for (const auto& p : path)
            out += lenField(2, p);
    return out + lenField(16, valueJson);
}
std::string historyRecord(const std::vector<std::string>& items, std::int64_t step) {
    std::string h;
    for (const auto& i : items)
        h += lenField(1, i);
    h += lenField(2, intField(1, step));
    return lenField(2, h);
}

// Frames records as W&B does: 7-byte header, 32 KiB blocks, FULL/FIRST/MIDDLE/LAST chunks with CRC-32.
// Appends to out (a log so far); by default a new log with its header.
std::string frame(const std::vector<std::string>& records,
                  std::string out = std::string(":W&B") + '\xE1' + '\xBE' + '\0') {
    for (const auto& record : records) {
        std::string_view rest = record;
        bool first = true;
        do {
            std::size_t left = 32768 - out.size() % 32768;
            if (left < 7) {
                out.append(left, '\0');
                left = 32768;
            }
            const std::size_t n = std::min(rest.size(), left - 7);
            const bool last = n == rest.size();
            const char type = first && last ? 1 : first ? 2 : last ? 4 : 3;
            std::string typeAndPayload = std::string(1, type) + std::string(rest.substr(0, n));
            const std::uint32_t crc = importers::wandb::crc32(typeAndPayload);
            for (int i = 0; i < 4; ++i)
                out += static_cast<char>((crc >> (8 * i)) & 0xFF);
            out += static_cast<char>(n & 0xFF);
            out += static_cast<char>(n >> 8);
            out += typeAndPayload;
            rest.remove_prefix(n);
            first = false;
        } while (!rest.empty());
    }
    return out;
}

constexpr int handmadeRows = 3000;
constexpr std::int64_t handmadeStartSec = 1700000000;

// One online run folder: run record, 3,000 history rows (nested keys, NaN, infinity, media, a boolean, a string,
// one row spread over several blocks), a summary update and an exit record; plus files/ with a table.
std::vector<std::string> handmadeRecords(int exitCode = 0) {
    std::vector<std::string> records;
    records.push_back(lenField(21, lenField(1, lenField(1, "0.19.11"))));  // header
    std::string run = lenField(1, "abc12345") + lenField(2, "team") + lenField(3, "proj") + lenField(8, "brave-run") +
                      lenField(10, "baseline") + lenField(10, "resnet") + lenField(6, "sweep-a") +
                      lenField(17, intField(1, handmadeStartSec) + intField(2, 500000000)) +
                      lenField(21, lenField(1, "git@example.com:x.git") + lenField(2, "cafe1234"));
    std::string config = lenField(1, item({"lr"}, "0.01", false)) +
                         lenField(1, item({"optimizer"}, R"({"name": "adam", "beta": 0.9})", false)) +
                         lenField(1, item({"_wandb"}, R"({"cli_version": "0.19.11"})", false));
    run += lenField(4, config);
    records.push_back(lenField(17, run));
    for (int i = 0; i < handmadeRows; ++i) {
        std::vector<std::string> items = {
            item({"train", "loss"}, i == 5   ? "NaN"
                                    : i == 6 ? "Infinity"
                                             : std::to_string(1.0 / (i + 1))),
            item({"acc"}, std::to_string(i % 100) + ".5", false),
            item({"_step"}, std::to_string(i)),
            item({"_timestamp"}, std::to_string(handmadeStartSec + i) + ".25"),
            item({"_runtime"}, std::to_string(i) + ".5"),
        };
        if (i == 10) {
            items.push_back(item({"img", "_type"}, "\"image-file\""));
            items.push_back(item({"img", "width"}, "32"));
            items.push_back(item({"flag"}, "true"));
            items.push_back(item({"note"}, "\"" + std::string(70000, 'x') + "\""));  // FIRST, MIDDLE, LAST
        }
        records.push_back(historyRecord(items, i));
    }
    records.push_back(lenField(3, lenField(1, item({"best"}, "0.97")) + lenField(1, item({"phase"}, "\"done\""))));
    records.push_back(lenField(5, lenField(1, item({"epochs"}, "12")) + lenField(2, item({"lr"}, ""))));
    records.push_back(lenField(18, intField(1, exitCode) + intField(2, 100)));
    return records;
}

constexpr const char* handmadeRunDir = "wandb/run-20231114_221320-abc12345";

void writeHandmadeWandb(const fs::path& root, int exitCode = 0) {
    const fs::path dir = root / handmadeRunDir;
    writeFile(dir / "run-abc12345.wandb", frame(handmadeRecords(exitCode)));
    writeFile(dir / "files/media/table/confusion_matrix_0_abc.table.json",
              R"({"columns": ["Actual", "Predicted", "nPredictions"], "data": [["a", "a", 3], ["a", "b", 1]]})");
    writeFile(dir / "files/wandb-summary.json", R"({"best": 0.5, "only_in_file": 3, "_wandb": {"runtime": 90}})");
    writeFile(dir / "files/config.yaml", "wandb_version: 1\nbatch:\n  desc: null\n  value: 64\nlr:\n  value: 0.5\n");
}

using runlens::test::cacheSnapshot;

std::string tagOf(const test::CapturingSink::Run& r, const std::string& key) {
    const auto it = r.tags.find(key);
    return it == r.tags.end() ? "<missing>" : it->second;
}

std::string paramOf(const test::CapturingSink::Run& r, const std::string& key) {
    const auto it = r.params.find(key);
    return it == r.params.end() ? "<missing>" : it->second;
}

bool anyWarning(const test::RecordingObserver& o, std::string_view file, std::string_view text) {
    for (const auto& w : o.warnings)
        if (w.toString().find(file) != std::string::npos && w.toString().find(text) != std::string::npos)
            return true;
    return false;
}

}  // namespace

class TestWandb : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void crcAndLenientJson();
    void handmadeRunKeepsEveryField();
    void corpusImportsEveryRunAndPoint_data();
    void corpusImportsEveryRunAndPoint();
    void corpusQuirks();
    void badInputLeavesCacheUnchanged_data();
    void badInputLeavesCacheUnchanged();
    void damagedTailIsAWarning_data();
    void damagedTailIsAWarning();
    void lenientKeepsRecordsBeforeDamage();
    void reimportReadsOnlyWhatChanged();
    void cancelLeavesCacheUnchanged();
    void detection();
};

void TestWandb::crcAndLenientJson() {
    QCOMPARE(importers::wandb::crc32("123456789"), 0xCBF43926U);  // the CRC-32/IEEE check value
    QCOMPARE(importers::wandb::crc32(""), 0U);
    auto v = importers::wandb::parseLenientJson(R"({"a": NaN, "b": [-Infinity, Infinity], "c": "NaN \" Infinity"})");
    QVERIFY(v.has_value());
    QVERIFY(std::isnan((*v)["a"].get<double>()));
    QCOMPARE((*v)["b"][0].get<double>(), -std::numeric_limits<double>::infinity());
    QCOMPARE((*v)["c"].get<std::string>(), std::string("NaN \" Infinity"));
    QVERIFY(!importers::wandb::parseLenientJson("{\"a\": NaNa}").has_value());
    QVERIFY(!importers::wandb::numericJsonText("true").has_value());
    QVERIFY(!importers::wandb::numericJsonText("\"1\"").has_value());
    QCOMPARE(importers::wandb::numericJsonText("1e-05").value_or(0), 1e-05);
}

void TestWandb::handmadeRunKeepsEveryField() {
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    writeHandmadeWandb(root);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::WandbImporter importer;
    QCOMPARE(importer.sniff(root / "wandb"), 85);
    QCOMPARE(importer.sniff(root / handmadeRunDir), 90);
    auto outcome = importer.run(root, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QVERIFY(observer.warnings.empty());
    QCOMPARE(sink.experiments.size(), 1u);
    QCOMPARE(sink.experiments[0].externalId, std::string("team/proj"));
    QCOMPARE(sink.runs.size(), 1u);
    const auto& r = sink.runs[0];
    QCOMPARE(r.record.externalId, std::string("abc12345"));
    QCOMPARE(r.record.experimentExternalId, std::string("team/proj"));
    QCOMPARE(r.record.name, std::string("brave-run"));
    QCOMPARE(r.record.status, std::string("FINISHED"));
    QCOMPARE(r.record.gitCommit, std::string("cafe1234"));
    QCOMPARE(r.record.startMs.value_or(0), handmadeStartSec * 1000 + 500);
    QCOMPARE(r.record.endMs.value_or(0), handmadeStartSec * 1000 + 500 + 2999500);  // largest runtime: history

    // Config: the log wins, config.yaml fills gaps; a removed key is gone.
    QCOMPARE(paramOf(r, "optimizer.name"), std::string("adam"));
    QCOMPARE(paramOf(r, "optimizer.beta"), std::string("0.9"));
    QCOMPARE(paramOf(r, "epochs"), std::string("12"));
    QCOMPARE(paramOf(r, "batch"), std::string("64"));
    QCOMPARE(paramOf(r, "lr"), std::string("0.5"));  // removed in the log, so config.yaml's value fills the gap
    QCOMPARE(r.params.count("_wandb"), 0u);
    QCOMPARE(r.params.count("wandb_version"), 0u);

    QCOMPARE(tagOf(r, "wandb.entity"), std::string("team"));
    QCOMPARE(tagOf(r, "wandb.project"), std::string("proj"));
    QCOMPARE(tagOf(r, "wandb.tag.baseline"), std::string());
    QCOMPARE(tagOf(r, "wandb.tags"), std::string("baseline,resnet"));
    QCOMPARE(tagOf(r, "wandb.group"), std::string("sweep-a"));
    QCOMPARE(tagOf(r, "wandb.cli_version"), std::string("0.19.11"));
    QCOMPARE(tagOf(r, "wandb.summary.phase"), std::string("done"));
    QCOMPARE(tagOf(r, "wandb.exit_code"), std::string("0"));

    std::vector<std::string> keys;
    for (const auto& [k, p] : r.metrics)
        keys.push_back(k);
    QCOMPARE(keys, (std::vector<std::string>{"_runtime", "acc", "best", "only_in_file", "train/loss"}));
    const auto& loss = r.metrics.at("train/loss");
    QCOMPARE(loss.size(), std::size_t(handmadeRows));
    QVERIFY(std::isnan(loss[5].value));
    QCOMPARE(loss[6].value, std::numeric_limits<double>::infinity());
    QCOMPARE(loss[2999].step, 2999);
    QCOMPARE(loss[2999].timestampMs, (handmadeStartSec + 2999) * 1000.0 + 250);
    QCOMPARE(r.metrics.at("acc")[11].value, 11.5);
    // Summary-only keys: one point at the last step; the log's value wins over the file's.
    QCOMPARE(r.metrics.at("best").size(), 1u);
    QCOMPARE(r.metrics.at("best")[0].value, 0.97);
    QCOMPARE(r.metrics.at("best")[0].step, 2999);
    QCOMPARE(r.metrics.at("only_in_file")[0].value, 3.0);

    QCOMPARE(r.artifacts.size(), 3u);  // the table, config.yaml, wandb-summary.json
    bool table = false;
    for (const auto& a : r.artifacts) {
        if (a.path == "media/table/confusion_matrix_0_abc.table.json") {
            table = true;
            QCOMPARE(a.kind, std::string("json"));
            QVERIFY(a.content && a.content->find("nPredictions") != std::string::npos);
        }
    }
    QVERIFY(table);
}

void TestWandb::corpusImportsEveryRunAndPoint_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<int>("expectedRuns");
    QTest::addColumn<int>("expectedPoints");
    QTest::addColumn<int>("expectedWarnings");
    // Runs and points counted by tests/tools/wandb_dump.py --count, which reads the logs with W&B's own
    // DataStore and protobuf classes (wandb 0.19.11); checked against each case's PROVENANCE.md:
    // 0.14: (1,750 + 3,987 rows) x 4 keys + 2 epoch keys only in the summary; 2018: 12 rows x 6 keys.
    QTest::addRow("0.10.20 offline, no history") << QStringLiteral("wandb-0.10.20-offline-run") << 1 << 0 << 0;
    QTest::addRow("0.14 truncated log") << QStringLiteral("wandb-0.14-torch-transformer-history-truncated-log") << 3
                                        << 22950 << 1;
    QTest::addRow("0.16.1 table only") << QStringLiteral("wandb-0.16.1-metaflow-data-validation-table") << 1 << 1 << 0;
    QTest::addRow("0.16.1 crashed, symlinks")
        << QStringLiteral("wandb-0.16.1-sklearn-crashed-runs-symlinks") << 5 << 6 << 0;
    QTest::addRow("2018 dryrun jsonl") << QStringLiteral("wandb-2018-dryrun-jsonl-history") << 3 << 72 << 0;
}

void TestWandb::corpusImportsEveryRunAndPoint() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(int, expectedRuns);
    QFETCH(int, expectedPoints);
    QFETCH(int, expectedWarnings);
    const fs::path caseDir = test::corpusDir() / "wandb" / caseName.toStdString();
    QVERIFY(fs::is_directory(caseDir));
    auto detected = importers::detect(caseDir);
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("wandb"));

    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, caseDir, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    for (const auto& w : observer.warnings)
        qInfo("warning: %s", w.toString().c_str());
    QCOMPARE(static_cast<int>(observer.warnings.size()), expectedWarnings);
    QCOMPARE(report.runsTotal, expectedRuns);
    QCOMPARE(report.pointsTotal, expectedPoints);

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
    QCOMPARE(points, expectedPoints);
    QCOMPARE(importers::importSource(*cache, caseDir, observer).status, importers::ImportStatus::unchanged);
}

void TestWandb::corpusQuirks() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path base = test::corpusDir() / "wandb";
    importers::WandbImporter importer;
    auto importCase = [&](const char* name, test::CapturingSink& sink, test::RecordingObserver& observer) {
        auto outcome = importer.run(base / name, sink, observer);
        QVERIFY2(outcome.ok(), outcome.ok() ? name : outcome.error().toString().c_str());
    };

    // 0.14: the log cut at 40 x 32 KiB inside a record: a warning with file and offset, the run is RUNNING, and
    // the epoch keys that only the summary file has become one-point series at the summary's _step.
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importCase("wandb-0.14-torch-transformer-history-truncated-log", sink, observer);
        QCOMPARE(observer.warnings.size(), 1u);
        QVERIFY(observer.warnings[0].file.ends_with("run-5pppfjv9.wandb"));
        QVERIFY(observer.warnings[0].position.starts_with("offset "));
        QVERIFY(observer.warnings[0].message.find("truncated") != std::string::npos);
        const auto* cut = sink.findRun("5pppfjv9");
        QVERIFY(cut);
        QCOMPARE(cut->record.status, std::string("RUNNING"));
        QVERIFY(!cut->record.endMs.has_value());
        QCOMPARE(cut->metrics.at("train_loss_local").size(), 3987u);
        QCOMPARE(cut->metrics.at("train_loss_epoch").size(), 1u);
        QCOMPARE(cut->metrics.at("train_loss_epoch")[0].step, 62509);
        QCOMPARE(paramOf(*cut, "optimizer.lr"), std::string("3e-06"));
        const auto* whole = sink.findRun("ruzz7bps");
        QVERIFY(whole);
        QCOMPARE(whole->record.status, std::string("FAILED"));  // "complete", but its exit record says 255
        QCOMPARE(tagOf(*whole, "wandb.exit_code"), std::string("255"));
        QCOMPARE(whole->metrics.at("lr").size(), 1750u);
        QCOMPARE(whole->record.experimentExternalId, whole->record.experimentExternalId);
        QVERIFY(whole->record.endMs.has_value());
        QCOMPARE(tagOf(*whole, "wandb.project"), std::string("Lion and Adam"));
        const auto* crashed = sink.findRun("tdnogiww");
        QVERIFY(crashed);
        QVERIFY(crashed->metrics.empty());
        QCOMPARE(crashed->record.status, std::string("FAILED"));
        QCOMPARE(crashed->record.endMs.value_or(0) - crashed->record.startMs.value_or(0), 40000);
    }
    // 0.16.1 sklearn: two crashed runs FAILED by their exit code, AUC only in the summary, symlinks not followed.
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importCase("wandb-0.16.1-sklearn-crashed-runs-symlinks", sink, observer);
        int failed = 0;
        int auc = 0;
        for (const auto& r : sink.runs) {
            failed += r.record.status == "FAILED" ? 1 : 0;
            auc += r.metrics.contains("AUC") ? 1 : 0;
            QCOMPARE(tagOf(r, "wandb.group"), std::string("dev"));
            QVERIFY(r.record.experimentExternalId.ends_with("exercise_14"));
            for (const auto& [k, p] : r.metrics)
                QVERIFY2(k.find('/') == std::string::npos || k.starts_with("_"), k.c_str());  // no media numbers
        }
        QCOMPARE(sink.runs.size(), 5u);
        QCOMPARE(failed, 2);
        QVERIFY(auc >= 1);
    }
    // 0.16.1 table: the only user value is a table, kept as a JSON artifact with content; dangling links warned.
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importCase("wandb-0.16.1-metaflow-data-validation-table", sink, observer);
        QCOMPARE(sink.runs.size(), 1u);
        bool table = false;
        for (const auto& a : sink.runs[0].artifacts)
            table = table || (a.path.ends_with(".table.json") && a.kind == "json" && a.content &&
                              a.content->find("\"columns\"") != std::string::npos);
        QVERIFY(table);
        QCOMPARE(paramOf(sink.runs[0], "example_metric"), std::string("Example Value!"));
        QVERIFY(observer.warnings.empty());  // latest-run.<pid> are plain files in this copy, not links
    }
    // 2018 dryrun: history from wandb-history.jsonl; state from wandb-metadata.json.
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importCase("wandb-2018-dryrun-jsonl-history", sink, observer);
        const auto* killed = sink.findRun("rmwhmprr");
        QVERIFY(killed);
        QCOMPARE(killed->record.status, std::string("KILLED"));
        QCOMPARE(killed->metrics.at("val_acc").size(), 12u);
        QCOMPARE(killed->metrics.at("val_acc").back().step, 11);
        QCOMPARE(killed->metrics.count("examples/width"), 0u);
        QCOMPARE(killed->record.gitCommit, std::string("4b3326627dddd27a91654aec5ba94b240962fa0a"));
        // PROVENANCE.md says "running", but this metadata file says "state": "failed", "exitcode": 1.
        QCOMPARE(sink.findRun("tgkhxph3")->record.status, std::string("FAILED"));
        QCOMPARE(sink.findRun("yc0cu3w7")->record.status, std::string("RUNNING"));
    }
    // 0.10.20: the first-generation offline log (with the uuid field) finished with exit code 0.
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        importCase("wandb-0.10.20-offline-run", sink, observer);
        QCOMPARE(sink.runs.size(), 1u);
        QCOMPARE(sink.runs[0].record.externalId, std::string("g9dvvkua"));
        QCOMPARE(sink.runs[0].record.status, std::string("FINISHED"));
        QCOMPARE(tagOf(sink.runs[0], "wandb.mode"), std::string("offline"));
    }
}

using Mutation = std::function<void(const fs::path& runDir)>;
Q_DECLARE_METATYPE(Mutation)

void TestWandb::badInputLeavesCacheUnchanged_data() {
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("fileInMessage");
    QTest::addColumn<QString>("reason");
    const std::string log = "run-abc12345.wandb";
    QTest::addRow("empty file") << Mutation([log](const fs::path& d) { writeFile(d / log, ""); })
                                << QString::fromStdString(log) << QStringLiteral("the file is empty");
    QTest::addRow("truncated inside the header") << Mutation([log](const fs::path& d) { writeFile(d / log, ":W&"); })
                                                 << QString::fromStdString(log) << QStringLiteral("truncated header");
    QTest::addRow("flipped byte (CRC)") << Mutation([log](const fs::path& d) {
        std::fstream f(d / log, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40000);  // inside a record in the second block
        char c = 0;
        f.read(&c, 1);
        f.seekp(40000);
        c = static_cast<char>(c ^ 0x10);
        f.write(&c, 1);
    }) << QString::fromStdString(log) << QStringLiteral("checksum mismatch");
    QTest::addRow("wrong extension: gzip named .wandb") << Mutation([log](const fs::path& d) {
        writeFile(d / log, std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8) + "rest");
    }) << QString::fromStdString(log) << QStringLiteral("gzip-compressed");
    QTest::addRow("wrong extension: JSON named .wandb")
        << Mutation([log](const fs::path& d) { writeFile(d / log, "{\"_step\": 1}\n"); }) << QString::fromStdString(log)
        << QStringLiteral("does not start with ':W&B'");
    QTest::addRow("wrong version") << Mutation([log](const fs::path& d) {
        writeFile(d / log, std::string(":W&B\xE1\xBE\x01", 7) + std::string(7, '\0'));
    }) << QString::fromStdString(log)
                                   << QStringLiteral("unsupported W&B transaction log version 1");
    QTest::addRow("value_json not JSON") << Mutation([log](const fs::path& d) {
        writeFile(d / log, frame({historyRecord({item({"a"}, "{broken")}, 0)}));
    }) << QString::fromStdString(log) << QStringLiteral("offset 7: history value of 'a' is not valid JSON");
    QTest::addRow("summary file cut") << Mutation([](const fs::path& d) {
        writeFile(d / "files/wandb-summary.json", "{\"best\": 0.");
    }) << QStringLiteral("files/wandb-summary.json")
                                      << QStringLiteral("not a JSON object");
    QTest::addRow("malformed config.yaml")
        << Mutation([](const fs::path& d) { writeFile(d / "files/config.yaml", "lr:\n  value: [unclosed\n"); })
        << QStringLiteral("files/config.yaml") << QStringLiteral("malformed YAML");
    QTest::addRow("legacy history line not JSON") << Mutation([log](const fs::path& d) {
        fs::remove(d / log);
        writeFile(d / "files/wandb-history.jsonl", "{\"_step\": 0, \"a\": 1}\n{\"_step\": 1, \"a\": }\n{}\n");
    }) << QStringLiteral("wandb-history.jsonl") << QStringLiteral("line 2: not a JSON object");
}

void TestWandb::badInputLeavesCacheUnchanged() {
    QFETCH(Mutation, mutate);
    QFETCH(QString, fileInMessage);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    writeHandmadeWandb(base / "other");
    QCOMPARE(importers::importSource(*cache, base / "other", observer).status, importers::ImportStatus::imported);
    writeHandmadeWandb(base / "project");
    QCOMPARE(importers::importSource(*cache, base / "project", observer).status, importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);

    mutate(base / "project" / handmadeRunDir);
    const auto report = importers::importSource(*cache, base / "project", observer);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = QString::fromStdString(report.error->toString());
    QVERIFY2(message.contains(fileInMessage), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QCOMPARE(cacheSnapshot(*cache), before);
}

void TestWandb::damagedTailIsAWarning_data() {
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("warning");
    QTest::addColumn<int>("rowsLeft");
    QTest::addColumn<QString>("status");
    const std::string log = "run-abc12345.wandb";
    QTest::addRow("cut inside the last record")
        << Mutation([log](const fs::path& d) { fs::resize_file(d / log, fs::file_size(d / log) - 3); })
        << QStringLiteral("the log ends inside a record") << handmadeRows << QStringLiteral("RUNNING");
    QTest::addRow("cut inside a chunk header") << Mutation([log](const fs::path& d) {
        auto records = handmadeRecords();
        records.resize(records.size() - 3);  // no summary, config or exit records: a live run
        writeFile(d / log, frame(records) + std::string("\x01\x02\x03", 3));
    }) << QStringLiteral("ends inside a chunk header")
                                               << handmadeRows << QStringLiteral("RUNNING");
    QTest::addRow("zero-filled tail") << Mutation([log](const fs::path& d) {
        auto records = handmadeRecords();
        records.resize(records.size() - 3);
        std::string bytes = frame(records);
        bytes.append(32768 - bytes.size() % 32768 + 32768, '\0');
        writeFile(d / log, bytes);
    }) << QStringLiteral("zero-filled")
                                      << handmadeRows << QStringLiteral("RUNNING");
    QTest::addRow("zero-filled block mid-file") << Mutation([log](const fs::path& d) {
        auto records = handmadeRecords();
        std::string bytes = frame({records.begin(), records.begin() + 1000});
        bytes.append(32768 - bytes.size() % 32768 + 32768, '\0');  // a hole of zeros, then the log goes on
        writeFile(d / log, frame({records.begin() + 1000, records.end()}, bytes));
    }) << QStringLiteral("skipped zero-filled bytes")
                                                << -1 << QStringLiteral("FINISHED");
}

void TestWandb::damagedTailIsAWarning() {
    QFETCH(Mutation, mutate);
    QFETCH(QString, warning);
    QFETCH(int, rowsLeft);
    QFETCH(QString, status);
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    writeHandmadeWandb(root);
    mutate(root / handmadeRunDir);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::WandbImporter importer;
    auto outcome = importer.run(root, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QVERIFY(!observer.warnings.empty());
    const std::string w = observer.warnings[0].toString();
    QVERIFY2(w.find("run-abc12345.wandb, offset ") != std::string::npos, w.c_str());
    QVERIFY2(w.find(warning.toStdString()) != std::string::npos, w.c_str());
    QCOMPARE(sink.runs.size(), 1u);
    if (rowsLeft >= 0)
        QCOMPARE(static_cast<int>(sink.runs[0].metrics.at("train/loss").size()), rowsLeft);
    QCOMPARE(QString::fromStdString(sink.runs[0].record.status), status);
}

void TestWandb::lenientKeepsRecordsBeforeDamage() {
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    writeHandmadeWandb(root);
    const fs::path log = root / handmadeRunDir / "run-abc12345.wandb";
    {
        std::fstream f(log, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(40000);
        char c = 0;
        f.read(&c, 1);
        f.seekp(40000);
        c = static_cast<char>(c ^ 0x10);
        f.write(&c, 1);
    }
    auto cache = Cache::open((root / "c.runlens").string());
    test::RecordingObserver observer;
    QCOMPARE(importers::importSource(*cache, root, observer).status, importers::ImportStatus::failed);
    importers::ImportOptions lenient;
    lenient.lenient = true;
    const auto report = importers::importSource(*cache, root, observer, lenient);
    QCOMPARE(report.status, importers::ImportStatus::imported);
    QVERIFY(anyWarning(observer, "run-abc12345.wandb, offset ", "checksum mismatch"));
    QVERIFY(report.pointsTotal > 0 && report.pointsTotal < 3 * handmadeRows);
}

void TestWandb::reimportReadsOnlyWhatChanged() {
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    writeHandmadeWandb(root);
    auto cache = Cache::open((root / "c.runlens").string());
    NullImportObserver observer;
    const auto first = importers::importSource(*cache, root / "wandb", observer);
    QCOMPARE(first.status, importers::ImportStatus::imported);
    QCOMPARE(first.pointsTotal, 3 * handmadeRows + 2);
    QCOMPARE(importers::importSource(*cache, root / "wandb", observer).status, importers::ImportStatus::unchanged);
    // A second run appears next to the first: only it is parsed.
    const fs::path second = root / "wandb/offline-run-20231115_080000-zzz99999";
    writeFile(second / "run-zzz99999.wandb", frame({historyRecord({item({"x"}, "1"), item({"_step"}, "0")}, 0)}));
    const auto again = importers::importSource(*cache, root / "wandb", observer);
    QCOMPARE(again.status, importers::ImportStatus::imported);
    QCOMPARE(again.runsWritten, 1);
    QCOMPARE(again.runsUnchanged, 1);
    QCOMPARE(again.runsTotal, 2);
    QCOMPARE(again.pointsTotal, 3 * handmadeRows + 3);
}

void TestWandb::cancelLeavesCacheUnchanged() {
    QTemporaryDir dir;
    const fs::path root(dir.path().toStdString());
    writeHandmadeWandb(root);
    auto cache = Cache::open((root / "c.runlens").string());
    const std::string before = cacheSnapshot(*cache);
    test::RecordingObserver observer;
    observer.cancelAfter = 1;  // inside the log, after 4,096 records
    const auto report = importers::importSource(*cache, root / "wandb", observer);
    QCOMPARE(report.status, importers::ImportStatus::cancelled);
    QCOMPARE(cacheSnapshot(*cache), before);
}

void TestWandb::detection() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeWandb(base / "project");
    auto detected = importers::detect(base / "project");
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("wandb"));
    // A symlink into another tree is not followed: the run behind it is not this source's.
    fs::create_directories(base / "linked/wandb");
    fs::create_directory_symlink(base / "project" / handmadeRunDir, base / "linked/wandb/run-20231114_221320-abc12345");
    importers::WandbImporter importer;
    QCOMPARE(importer.sniff(base / "linked"), 0);
    // Dangling links (latest-run.<pid> of concurrent processes) are ignored with a warning.
    fs::create_directory_symlink(base / "gone", base / "project/wandb/latest-run.4242");
    test::CapturingSink sink;
    test::RecordingObserver observer;
    QVERIFY(importer.run(base / "project", sink, observer).ok());
    QCOMPARE(sink.runs.size(), 1u);
    QVERIFY(anyWarning(observer, "latest-run.4242", "points nowhere"));
    // A folder of unrelated files is not W&B; neither is an MLflow store.
    writeFile(base / "plain/notes.txt", "hello");
    QCOMPARE(importer.sniff(base / "plain"), 0);
    writeFile(base / "mlruns/0/meta.yaml", "experiment_id: '0'\nname: Default\nartifact_location: x\n");
    QCOMPARE(importer.sniff(base / "mlruns"), 0);
    // A run folder without a log but with W&B files (offline wandb-core) is a run.
    writeFile(base / "filesonly/wandb/run-20240101_000000-ffff0000/files/wandb-summary.json", "{\"a\": 1}");
    QCOMPARE(importer.sniff(base / "filesonly"), 60);
}

QTEST_GUILESS_MAIN(TestWandb)
#include "tst_wandb.moc"
