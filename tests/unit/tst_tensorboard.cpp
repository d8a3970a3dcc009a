// SPDX-License-Identifier: MIT
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "common/crc32c.h"
#include "importrunner.h"
#include "registry.h"
#include "tensorboard/tensorboardimporter.h"
#include "testsupport.h"
#include "tfrecordframe.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>

namespace fs = std::filesystem;
using namespace runlens;

// A tiny hand-rolled protobuf + TFRecord encoder, written from formats.md sections 3 and 7 and independent of the
// importer's generated classes, so a wrong field number in importers/proto would show.
namespace runlens::test::tb {

inline void varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7F) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}
inline void key(std::string& out, int field, int wire) {
    varint(out, static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire));
}
inline std::string bytesField(int field, const std::string& payload) {
    std::string out;
    key(out, field, 2);
    varint(out, payload.size());
    return out + payload;
}
inline std::string intField(int field, std::int64_t v) {
    std::string out;
    key(out, field, 0);
    varint(out, static_cast<std::uint64_t>(v));
    return out;
}
inline std::string doubleField(int field, double v) {
    std::string out;
    key(out, field, 1);
    char b[8];
    std::memcpy(b, &v, 8);
    return out + std::string(b, 8);
}
inline std::string floatField(int field, float v) {
    std::string out;
    key(out, field, 5);
    char b[4];
    std::memcpy(b, &v, 4);
    return out + std::string(b, 4);
}

// Summary.Value with simple_value.
inline std::string simpleValue(const std::string& tag, float v) {
    return bytesField(1, tag) + floatField(2, v);
}
inline std::string pluginMetadata(const std::string& plugin, const std::string& content = {}) {
    return bytesField(9, bytesField(1, bytesField(1, plugin) + (content.empty() ? "" : bytesField(2, content))));
}
// Summary.Value with a rank-0 DT_FLOAT tensor in tensor_content (TF2) and the scalars plugin on demand.
inline std::string tensorContentValue(const std::string& tag, float v, bool withMetadata) {
    char b[4];
    std::memcpy(b, &v, 4);
    const std::string tensor = intField(1, 1) + bytesField(2, "") + bytesField(4, std::string(b, 4));
    return bytesField(1, tag) + (withMetadata ? pluginMetadata("scalars") : "") + bytesField(8, tensor);
}
// DT_DOUBLE in double_val (PyTorch double_precision).
inline std::string tensorDoubleValue(const std::string& tag, double v) {
    const std::string tensor = intField(1, 2) + doubleField(6, v);
    return bytesField(1, tag) + pluginMetadata("scalars") + bytesField(8, tensor);
}
// DT_FLOAT packed float_val (TensorBoard scalar_pb).
inline std::string tensorFloatValValue(const std::string& tag, float v) {
    char b[4];
    std::memcpy(b, &v, 4);
    const std::string tensor = intField(1, 1) + bytesField(5, std::string(b, 4));
    return bytesField(1, tag) + pluginMetadata("scalars") + bytesField(8, tensor);
}
inline std::string histogramValue(const std::string& tag) {
    return bytesField(1, tag) + bytesField(5, doubleField(1, 0.0) + doubleField(2, 1.0));
}
// google.protobuf.Value
inline std::string numberValue(double v) {
    return doubleField(2, v);
}
inline std::string stringValue(const std::string& v) {
    return bytesField(3, v);
}
inline std::string boolValue(bool v) {
    return intField(4, v ? 1 : 0);
}

inline std::string hparamsValue(const std::string& tagSuffix, const std::string& pluginData) {
    return bytesField(1, "_hparams_/" + tagSuffix) + pluginMetadata("hparams", pluginData);
}
inline std::string sessionStart(const std::vector<std::pair<std::string, std::string>>& hparams) {
    std::string start;
    for (const auto& [k, v] : hparams)
        start += bytesField(1, bytesField(1, k) + bytesField(2, v));
    return hparamsValue("session_start_info", bytesField(3, start));
}
inline std::string sessionEnd(int status) {
    return hparamsValue("session_end_info", bytesField(4, intField(1, status)));
}
inline std::string experimentWithMetric(const std::string& metricTag) {
    return hparamsValue("experiment", bytesField(2, bytesField(5, bytesField(1, bytesField(2, metricTag)))));
}

inline std::string summaryEvent(double wallTime, std::int64_t step, const std::vector<std::string>& values) {
    std::string summary;
    for (const auto& v : values)
        summary += bytesField(1, v);
    return doubleField(1, wallTime) + (step ? intField(2, step) : "") + bytesField(5, summary);
}
inline std::string fileVersionEvent(double wallTime) {
    return doubleField(1, wallTime) + bytesField(3, "brain.Event:2");
}
inline std::string sessionStartEvent(double wallTime, std::int64_t step) {
    return doubleField(1, wallTime) + intField(2, step) + bytesField(7, intField(1, 1));
}
inline std::string graphEvent(double wallTime) {
    return doubleField(1, wallTime) + bytesField(4, std::string(5000, 'g'));
}

inline void writeEvents(const std::filesystem::path& file, const std::vector<std::string>& events) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    for (const auto& e : events)
        out << tfRecordFrame(e);
}

}  // namespace runlens::test::tb

namespace tbw = runlens::test::tb;

namespace {

using runlens::test::cacheSnapshot;

// Independent count of scalar points: walks TFRecord framing and the protobuf wire format by hand (no CRC check,
// no purge), counting simple_value values and tensors of tags whose first metadata names the scalars plugin.
struct Wire {
    std::string_view data;
    std::size_t pos = 0;
    bool more() const { return pos < data.size(); }
    std::uint64_t varint() {
        std::uint64_t v = 0;
        for (int shift = 0; pos < data.size(); shift += 7) {
            const auto b = static_cast<unsigned char>(data[pos++]);
            v |= std::uint64_t{b & 0x7FU} << shift;
            if (!(b & 0x80U))
                break;
        }
        return v;
    }
    // Returns field number and wire type; for wire type 2 sets payload.
    std::pair<int, int> field(std::string_view& payload) {
        const auto k = varint();
        const int wire = static_cast<int>(k & 7U);
        if (wire == 0)
            varint();
        else if (wire == 1)
            pos += 8;
        else if (wire == 5)
            pos += 4;
        else if (wire == 2) {
            const auto n = varint();
            payload = data.substr(pos, n);
            pos += n;
        }
        return {static_cast<int>(k >> 3), wire};
    }
};

std::int64_t countScalarsInFile(const fs::path& file, std::map<std::string, std::string>& plugins) {
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::int64_t count = 0;
    std::size_t pos = 0;
    while (pos + 12 <= bytes.size()) {
        std::uint64_t length = 0;
        std::memcpy(&length, bytes.data() + pos, 8);
        if (pos + 16 + length > bytes.size())
            break;  // cut-off last record
        Wire event{std::string_view(bytes).substr(pos + 12, length)};
        pos += 16 + length;
        while (event.more()) {
            std::string_view summary;
            if (event.field(summary).first != 5)
                continue;
            Wire s{summary};
            while (s.more()) {
                std::string_view valueBytes;
                if (s.field(valueBytes).first != 1)
                    continue;
                Wire v{valueBytes};
                std::string tag;
                std::string plugin;
                bool simple = false;
                bool tensor = false;
                while (v.more()) {
                    std::string_view payload;
                    const auto [f, wire] = v.field(payload);
                    if (f == 1)
                        tag = payload;
                    else if (f == 2 && wire == 5)
                        simple = true;
                    else if (f == 8)
                        tensor = true;
                    else if (f == 9) {
                        Wire meta{payload};
                        while (meta.more()) {
                            std::string_view pd;
                            if (meta.field(pd).first != 1)
                                continue;
                            Wire p{pd};
                            while (p.more()) {
                                std::string_view name;
                                if (p.field(name).first == 1)
                                    plugin = name;
                            }
                        }
                    }
                }
                if (!plugin.empty())
                    plugins.try_emplace(tag, plugin);
                if (simple || (tensor && plugins[tag] == "scalars"))
                    ++count;
            }
        }
    }
    return count;
}

// Runs (folders directly holding event files) and scalar points, counted by walking the case independently.
std::pair<std::int64_t, std::int64_t> countByWalking(const fs::path& root) {
    std::map<fs::path, std::vector<fs::path>> runs;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file() && entry.path().filename().string().find("tfevents") != std::string::npos)
            runs[entry.path().parent_path()].push_back(entry.path());
    std::int64_t points = 0;
    for (auto& [dir, files] : runs) {
        std::sort(files.begin(), files.end());
        std::map<std::string, std::string> plugins;
        for (const auto& f : files)
            points += countScalarsInFile(f, plugins);
    }
    return {static_cast<std::int64_t>(runs.size()), points};
}

const test::CapturingSink::Run* findRun(const test::CapturingSink& sink, std::string_view id) {
    return sink.findRun(id);
}

// A log root with every scalar encoding, hparams, a restart and things to skip.
void writeHandmadeLogs(const fs::path& root) {
    // run "a": two files (a restart), simple_value, TF2 tensor with metadata only on the first value, hparams.
    tbw::writeEvents(root / "a/events.out.tfevents.1700000000.host.1.0",
                     {tbw::fileVersionEvent(1700000000.0),
                      tbw::summaryEvent(1700000000.5, 0,
                                        {tbw::experimentWithMetric("loss"),
                                         tbw::sessionStart({{"lr", tbw::numberValue(0.001)},
                                                            {"layers", tbw::numberValue(3)},
                                                            {"optimizer", tbw::stringValue("adam")},
                                                            {"nesterov", tbw::boolValue(true)}})}),
                      tbw::graphEvent(1700000000.6),
                      tbw::summaryEvent(1700000001.0, 0, {tbw::simpleValue("loss", 1.0f)}),
                      tbw::summaryEvent(1700000002.0, 1,
                                        {tbw::simpleValue("loss", 0.5f), tbw::tensorContentValue("acc", 0.25f, true)}),
                      tbw::summaryEvent(1700000003.0, 2,
                                        {tbw::simpleValue("loss", 0.25f), tbw::tensorContentValue("acc", 0.5f, false),
                                         tbw::histogramValue("weights")}),
                      tbw::summaryEvent(1700000004.0, 3, {tbw::simpleValue("loss", 0.125f)})});
    // The restart (PyTorch purge_step=2): drops loss@2, loss@3 and acc@2, then logs again from step 2.
    tbw::writeEvents(root / "a/events.out.tfevents.1700000100.host.2.0",
                     {tbw::fileVersionEvent(1700000100.0), tbw::sessionStartEvent(1700000100.0, 2),
                      tbw::summaryEvent(1700000101.0, 2, {tbw::simpleValue("loss", 0.2f)}),
                      tbw::summaryEvent(1700000102.0, 4,
                                        {tbw::tensorDoubleValue("precise", 0.1), tbw::tensorFloatValValue("pb", 2.5f),
                                         tbw::sessionEnd(1)})});
    // run "b/train": no file version (old writer), a step going backwards drops that tag's later points.
    tbw::writeEvents(root / "b/train/events.out.tfevents.1700000200.host",
                     {tbw::summaryEvent(1700000200.0, 5, {tbw::simpleValue("x", 5.0f)}),
                      tbw::summaryEvent(1700000201.0, 6, {tbw::simpleValue("x", 6.0f), tbw::simpleValue("y", 6.0f)}),
                      tbw::summaryEvent(1700000202.0, 4, {tbw::simpleValue("x", 4.0f)})});
    // run "c": TF2 restarts its step every epoch without a SessionLog: every point is kept.
    tbw::writeEvents(root / "c/events.out.tfevents.1700000300.host.3.0.v2",
                     {tbw::fileVersionEvent(1700000300.0),
                      tbw::summaryEvent(1700000301.0, 0, {tbw::tensorContentValue("g", 1.0f, true)}),
                      tbw::summaryEvent(1700000302.0, 1, {tbw::tensorContentValue("g", 2.0f, true)}),
                      tbw::summaryEvent(1700000303.0, 0, {tbw::tensorContentValue("g", 3.0f, true)}),
                      tbw::summaryEvent(1700000304.0, 1, {tbw::tensorContentValue("g", 4.0f, true)})});
    test::writeFile(root / "c/hparams.yaml", "batch: 32\nmodel:\n  depth: 4\n  widths: [8, 16]\n"
                                             "obj: !!python/object:pkg.Config\n  a: 1\n");
    // An empty file (writer created, never flushed) next to a header-only one: a run without points.
    test::writeFile(root / "empty/events.out.tfevents.1700000400.host", "");
    tbw::writeEvents(root / "empty/events.out.tfevents.1700000401.host", {tbw::fileVersionEvent(1700000401.0)});
}

std::vector<std::int64_t> steps(const std::vector<MetricPoint>& points) {
    std::vector<std::int64_t> out;
    for (const auto& p : points)
        out.push_back(p.step);
    return out;
}

}  // namespace

class TestTensorBoard : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void crc32cCheckValue();
    void handmadeLogsKeepEveryScalarEncoding();
    void corpusImportsEveryRunAndPoint_data();
    void corpusImportsEveryRunAndPoint();
    void corpusQuirks();
    void badInputLeavesCacheUnchanged_data();
    void badInputLeavesCacheUnchanged();
    void truncatedTailIsAWarning();
    void lenientImportKeepsRecordsBeforeDamage();
    void reimportReadsOnlyWhatChanged();
    void detectionByContent();
};

void TestTensorBoard::crc32cCheckValue() {
    QCOMPARE(importers::crc32c("123456789"), 0xE3069283U);
    QCOMPARE(importers::crc32c(""), 0U);
    // Extending in pieces gives the same result as one pass (the slicing loop and the byte loop agree).
    const std::string text = "The quick brown fox jumps over the lazy dog, twice: the quick brown fox.";
    QCOMPARE(importers::crc32cExtend(importers::crc32c(text.substr(0, 13)), text.substr(13)), importers::crc32c(text));
}

void TestTensorBoard::handmadeLogsKeepEveryScalarEncoding() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "logs";
    writeHandmadeLogs(root);
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::TensorBoardImporter importer;
    auto outcome = importer.run(root, sink, observer);
    QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().toString().c_str());
    QCOMPARE(sink.runs.size(), 4u);
    QCOMPARE(sink.experiments.size(), 1u);
    QCOMPARE(sink.experiments[0].name, std::string("logs"));

    const auto* a = findRun(sink, "a");
    QVERIFY(a);
    QCOMPARE(a->record.status, std::string("FINISHED"));  // session_end_info SUCCESS
    QCOMPARE(a->params.at("lr"), std::string("0.001"));
    QCOMPARE(a->params.at("layers"), std::string("3"));
    QCOMPARE(a->params.at("optimizer"), std::string("adam"));
    QCOMPARE(a->params.at("nesterov"), std::string("true"));
    QCOMPARE(a->tags.at("tensorboard.hparams.metrics"), std::string("loss"));
    QCOMPARE(steps(a->metrics.at("loss")), (std::vector<std::int64_t>{0, 1, 2}));
    QCOMPARE(a->metrics.at("loss")[2].value, 0.2f);  // float32 as logged, after the restart
    QCOMPARE(a->metrics.at("loss")[0].timestampMs, 1700000001000.0);
    QCOMPARE(steps(a->metrics.at("acc")), (std::vector<std::int64_t>{1}));  // acc@2 purged by the restart
    QCOMPARE(a->metrics.at("acc")[0].value, 0.25);
    QCOMPARE(a->metrics.at("precise")[0].value, 0.1);  // DT_DOUBLE keeps all its bits
    QCOMPARE(a->metrics.at("pb")[0].value, 2.5);
    QVERIFY(!a->metrics.contains("weights"));  // histograms are not scalars
    QVERIFY(!a->metrics.contains("_hparams_/session_start_info"));
    QCOMPARE(a->record.startMs.value_or(0), 1700000000000);
    QCOMPARE(a->record.endMs.value_or(0), 1700000102000);

    const auto* b = findRun(sink, "b/train");
    QVERIFY(b);
    QCOMPARE(b->record.status, std::string("UNKNOWN"));
    QCOMPARE(steps(b->metrics.at("x")), (std::vector<std::int64_t>{4}));  // 5 and 6 dropped: step went back to 4
    QCOMPARE(steps(b->metrics.at("y")), (std::vector<std::int64_t>{6}));  // other tags keep their points

    const auto* c = findRun(sink, "c");
    QVERIFY(c);
    QCOMPARE(steps(c->metrics.at("g")), (std::vector<std::int64_t>{0, 1, 0, 1}));
    QCOMPARE(c->params.at("batch"), std::string("32"));
    QCOMPARE(c->params.at("model/depth"), std::string("4"));
    QCOMPARE(c->params.at("model/widths"), std::string("[8, 16]"));
    QCOMPARE(c->params.at("obj"), std::string("!!python/object:pkg.Config"));

    const auto* empty = findRun(sink, "empty");
    QVERIFY(empty);
    QVERIFY(empty->metrics.empty());
    QVERIFY(observer.warnings.empty());
}

void TestTensorBoard::corpusImportsEveryRunAndPoint_data() {
    QTest::addColumn<QString>("caseName");
    QTest::addColumn<int>("expectedRuns");
    // Points as TensorBoard's EventAccumulator reports them with size_guidance 0 (tests/tools/tb_dump.py), checked
    // against PROVENANCE.md where it gives numbers (Keras: 6 tags x 17; GAN: 2 x 810 + 52).
    QTest::addColumn<int>("expectedPoints");
    QTest::addRow("keras tf1 simple_value") << QStringLiteral("keras-tf1-callback-graph-and-scalars") << 1 << 102;
    QTest::addRow("lightning lstm 7k steps") << QStringLiteral("lightning-colab-lstm-7k-steps") << 1 << 15441;
    QTest::addRow("lightning several files") << QStringLiteral("lightning-neuralprophet-multi-eventfiles") << 3 << 979;
    QTest::addRow("pytorch hparams sub-runs")
        << QStringLiteral("pytorch-summarywriter-hparams-prcurve-histo") << 14 << 556;
    QTest::addRow("tensorboardX empty, truncated")
        << QStringLiteral("tensorboardx-windows-empty-and-truncated-files") << 4 << 150;
    QTest::addRow("tf2 tensor scalars") << QStringLiteral("tf2-summary-writer-tensor-scalars-gan") << 3 << 1672;
}

void TestTensorBoard::corpusImportsEveryRunAndPoint() {
    RUNLENS_REQUIRE_CORPUS();
    QFETCH(QString, caseName);
    QFETCH(int, expectedRuns);
    QFETCH(int, expectedPoints);
    const fs::path caseDir = test::corpusDir() / "tensorboard" / caseName.toStdString();
    QVERIFY(fs::is_directory(caseDir));
    const auto [walkedRuns, walkedPoints] = countByWalking(caseDir);
    QCOMPARE(walkedRuns, expectedRuns);
    QCOMPARE(walkedPoints, expectedPoints);  // no corpus case has a restart that TensorBoard purges

    QTemporaryDir dir;
    auto cache = Cache::open(dir.filePath(QStringLiteral("c.runlens")).toStdString());
    QVERIFY(cache.ok());
    test::RecordingObserver observer;
    const auto report = importers::importSource(*cache, caseDir, observer);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.format, std::string("tensorboard"));
    QCOMPARE(report.runsTotal, walkedRuns);
    QCOMPARE(report.pointsTotal, walkedPoints);

    CacheReader reader(*cache);
    auto runs = reader.runs();
    QVERIFY(runs.ok());
    std::int64_t points = 0;
    for (const auto& r : *runs) {
        for (const auto& m : r.metrics) {
            auto series = reader.series(r.id, m.key);
            QVERIFY(series.ok());
            QCOMPARE(static_cast<std::int64_t>(series->size()), m.summary.count);
            points += m.summary.count;
        }
    }
    QCOMPARE(points, walkedPoints);
    QCOMPARE(importers::importSource(*cache, caseDir, observer).status, importers::ImportStatus::unchanged);
}

void TestTensorBoard::corpusQuirks() {
    RUNLENS_REQUIRE_CORPUS();
    const fs::path base = test::corpusDir() / "tensorboard";
    importers::TensorBoardImporter importer;

    {  // tensorboardX: the event file cut off 4 bytes early is a warning naming the file and offset.
        test::CapturingSink sink;
        test::RecordingObserver observer;
        QVERIFY(importer.run(base / "tensorboardx-windows-empty-and-truncated-files", sink, observer).ok());
        QCOMPARE(observer.warnings.size(), 1u);  // the 0-byte and header-only files are normal
        QVERIFY(observer.warnings[0].file.ends_with("events.out.tfevents.1600154935.yca-2662-2"));
        QVERIFY(observer.warnings[0].position.starts_with("offset "));
        QCOMPARE(findRun(sink, "runs/classifier_mnist_0915")->metrics.at("batch_loss").size(),
                 60u);  // as EventAccumulator reports
    }
    {  // Lightning: hparams.yaml and the hparams plugin as params, hp_metric kept, Python tags not constructed.
        test::CapturingSink sink;
        test::RecordingObserver observer;
        QVERIFY(importer.run(base / "lightning-colab-lstm-7k-steps", sink, observer).ok());
        const auto* run = findRun(sink, "lightning_logs/version_0");
        QVERIFY(run);
        QCOMPARE(run->params.at("hidden_units"), std::string("512"));
        QCOMPARE(run->params.at("lr"), std::string("0.001"));
        QCOMPARE(run->metrics.at("train_loss").size(), 7691u);
        QCOMPARE(run->metrics.at("val_loss").size(), 29u);
        QCOMPARE(run->metrics.at("hp_metric").front().value, -1.0);
    }
    {
        test::CapturingSink sink;
        test::RecordingObserver observer;
        QVERIFY(importer.run(base / "lightning-neuralprophet-multi-eventfiles", sink, observer).ok());
        const auto* run = findRun(sink, "lightning_logs/version_0");
        QVERIFY(run);
        QVERIFY(run->params.contains("config_ar"));  // the hparams plugin's text wins over the YAML tag
        // yaml-cpp cannot parse this file (a block scalar in a Python object tree): top-level keys, with a warning.
        QVERIFY(!observer.warnings.empty());
        QVERIFY(observer.warnings[0].message.find("top-level keys") != std::string::npos);
        QCOMPARE(run->metrics.at("MAE").size(), 50u);
    }
    {  // TF2 tensor scalars with restarting steps: all 810 points of each tag; the Keras root-level file.
        test::CapturingSink sink;
        test::RecordingObserver observer;
        QVERIFY(importer.run(base / "tf2-summary-writer-tensor-scalars-gan", sink, observer).ok());
        QCOMPARE(findRun(sink, "logs/GAN/20221120-124645")->metrics.at("Generator loss").size(), 810u);
        test::CapturingSink keras;
        QVERIFY(importer.run(base / "keras-tf1-callback-graph-and-scalars", keras, observer).ok());
        QCOMPARE(keras.runs.size(), 1u);
        QCOMPARE(keras.runs[0].record.externalId, std::string("."));
        QCOMPARE(keras.runs[0].record.name, std::string("keras-tf1-callback-graph-and-scalars"));
        QCOMPARE(keras.runs[0].metrics.size(), 6u);
    }
    {  // PyTorch add_hparams sub-run: params from session_start_info, status from session_end_info.
        test::CapturingSink sink;
        test::RecordingObserver observer;
        QVERIFY(importer.run(base / "pytorch-summarywriter-hparams-prcurve-histo", sink, observer).ok());
        int withParams = 0;
        for (const auto& r : sink.runs) {
            if (!r.params.empty()) {
                ++withParams;
                QCOMPARE(r.record.status, std::string("FINISHED"));
                QVERIFY(r.metrics.contains("hparam/Final_Val_Accuracy"));
            }
            QVERIFY(!r.metrics.contains("Evaluations/PR_Curve"));
        }
        QCOMPARE(withParams, 3);
    }
}

using Mutation = std::function<void(const fs::path& root)>;
Q_DECLARE_METATYPE(Mutation)

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void overwrite(const fs::path& p, const std::string& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

const char* fileA1 = "a/events.out.tfevents.1700000000.host.1.0";

}  // namespace

void TestTensorBoard::badInputLeavesCacheUnchanged_data() {
    QTest::addColumn<Mutation>("mutate");
    QTest::addColumn<QString>("source");  // relative to the log root's parent
    QTest::addColumn<QString>("fileInMessage");
    QTest::addColumn<QString>("reason");
    QTest::addRow("flipped byte in a record (data CRC)") << Mutation([](const fs::path& r) {
        std::string bytes = readAll(r / fileA1);
        bytes[bytes.size() - 10] ^= 0x01;
        overwrite(r / fileA1, bytes);
    }) << QStringLiteral("logs") << QStringLiteral("1700000000.host.1.0")
                                                         << QStringLiteral("data checksum mismatch");
    QTest::addRow("bad length inside the file") << Mutation([](const fs::path& r) {
        std::string bytes = readAll(r / fileA1);
        const std::size_t second = 12 + static_cast<unsigned char>(bytes[0]) + 4;  // the first record is short
        bytes[second + 1] = 0x7F;
        overwrite(r / fileA1, bytes);
    }) << QStringLiteral("logs") << QStringLiteral("1700000000.host.1.0")
                                                << QStringLiteral("length checksum mismatch");
    QTest::addRow("text file with an event file name") << Mutation([](const fs::path& r) {
        test::writeFile(r / "c/events.out.tfevents.1700000999.host", "this is not a TFRecord file at all\n");
    }) << QStringLiteral("logs") << QStringLiteral("1700000999.host, offset 0")
                                                       << QStringLiteral("checksum mismatch");
    QTest::addRow("empty event file given directly")
        << Mutation([](const fs::path& r) { test::writeFile(r / "single/events.out.tfevents.1.host", ""); })
        << QStringLiteral("logs/single/events.out.tfevents.1.host") << QStringLiteral("events.out.tfevents.1.host")
        << QStringLiteral("the file is empty");
    QTest::addRow("wrong extension, not an event file") << Mutation([](const fs::path& r) {
        test::writeFile(r / "notes/events.out.tfevents.2.host.txt", "a,b\n1,2\n3,4\n5,6\n");
    }) << QStringLiteral("logs/notes/events.out.tfevents.2.host.txt")
                                                        << QStringLiteral("events.out.tfevents.2.host.txt, offset 0")
                                                        << QStringLiteral("checksum mismatch");
}

void TestTensorBoard::badInputLeavesCacheUnchanged() {
    QFETCH(Mutation, mutate);
    QFETCH(QString, source);
    QFETCH(QString, fileInMessage);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    auto cache = Cache::open((base / "c.runlens").string());
    QVERIFY(cache.ok());
    NullImportObserver observer;
    writeHandmadeLogs(base / "other");
    QCOMPARE(importers::importSource(*cache, base / "other", observer).status, importers::ImportStatus::imported);
    writeHandmadeLogs(base / "logs");
    QCOMPARE(importers::importSource(*cache, base / "logs", observer).status, importers::ImportStatus::imported);
    const std::string before = cacheSnapshot(*cache);

    mutate(base / "logs");
    const auto report = importers::importSource(*cache, base / source.toStdString(), observer);
    QCOMPARE(report.status, importers::ImportStatus::failed);
    QVERIFY(report.error.has_value());
    const QString message = QString::fromStdString(report.error->toString());
    QVERIFY2(message.contains(fileInMessage), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
    QCOMPARE(cacheSnapshot(*cache), before);
}

void TestTensorBoard::truncatedTailIsAWarning() {
    QTemporaryDir dir;
    const fs::path root = fs::path(dir.path().toStdString()) / "logs";
    writeHandmadeLogs(root);
    // A file still being written: the last record is cut in the middle of its data.
    const std::string bytes = readAll(root / fileA1);
    overwrite(root / fileA1, bytes.substr(0, bytes.size() - 7));
    test::CapturingSink sink;
    test::RecordingObserver observer;
    importers::TensorBoardImporter importer;
    QVERIFY(importer.run(root, sink, observer).ok());
    QCOMPARE(observer.warnings.size(), 1u);
    QVERIFY(observer.warnings[0].file.ends_with("1700000000.host.1.0"));
    QVERIFY(observer.warnings[0].position.starts_with("offset "));
    QVERIFY(observer.warnings[0].message.find("may still be written") != std::string::npos);
    // loss@3 was in the cut record; after the restart the run has loss 0, 1, 2.
    QCOMPARE(steps(findRun(sink, "a")->metrics.at("loss")), (std::vector<std::int64_t>{0, 1, 2}));
}

void TestTensorBoard::lenientImportKeepsRecordsBeforeDamage() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeLogs(base / "logs");
    std::string bytes = readAll(base / "logs" / fileA1);
    bytes[bytes.size() - 10] ^= 0x01;  // inside the last record (loss@3)
    overwrite(base / "logs" / fileA1, bytes);
    auto cache = Cache::open((base / "c.runlens").string());
    test::RecordingObserver observer;
    QCOMPARE(importers::importSource(*cache, base / "logs", observer).status, importers::ImportStatus::failed);
    importers::ImportOptions lenient;
    lenient.lenient = true;
    const auto report = importers::importSource(*cache, base / "logs", observer, lenient);
    QVERIFY2(report.status == importers::ImportStatus::imported, report.error ? report.error->toString().c_str() : "");
    QCOMPARE(report.warnings.size(), 1u);
    QVERIFY(report.warnings[0].message.find("lenient") != std::string::npos);
    QVERIFY(report.warnings[0].position.starts_with("offset "));
    CacheReader reader(*cache);
    auto runs = reader.findRuns("a");
    QVERIFY(runs.ok() && runs->size() == 1);
    auto loss = reader.series(runs->front().id, "loss");
    QVERIFY(loss.ok());
    QCOMPARE(loss->size(), 3u);  // 0, 1 before the damage; 2 from the second file
}

void TestTensorBoard::reimportReadsOnlyWhatChanged() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeLogs(base / "logs");
    auto cache = Cache::open((base / "c.runlens").string());
    NullImportObserver observer;
    const auto first = importers::importSource(*cache, base / "logs", observer);
    QCOMPARE(first.status, importers::ImportStatus::imported);
    QCOMPARE(first.runsWritten, 4);
    QCOMPARE(importers::importSource(*cache, base / "logs", observer).status, importers::ImportStatus::unchanged);
    {  // a training still running appends a record to run c
        std::ofstream out(base / "logs/c/events.out.tfevents.1700000300.host.3.0.v2", std::ios::binary | std::ios::app);
        out << test::tfRecordFrame(tbw::summaryEvent(1700000305.0, 2, {tbw::tensorContentValue("g", 5.0f, false)}));
    }
    const auto second = importers::importSource(*cache, base / "logs", observer);
    QCOMPARE(second.status, importers::ImportStatus::imported);
    QCOMPARE(second.runsWritten, 1);
    QCOMPARE(second.runsUnchanged, 3);
    CacheReader reader(*cache);
    auto c = reader.findRuns("c");
    QVERIFY(c.ok() && c->size() == 1);
    for (const auto& m : c->front().metrics)
        if (m.key == "g")
            QCOMPARE(m.summary.count, 5);
}

void TestTensorBoard::detectionByContent() {
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    writeHandmadeLogs(base / "project/logs");
    auto detected = importers::detect(base / "project");
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("tensorboard"));
    // An event file renamed without "tfevents" is still recognised by its first record's checksum.
    fs::copy_file(base / "project/logs" / fileA1, base / "renamed.bin");
    detected = importers::detect(base / "renamed.bin");
    QVERIFY(detected.ok());
    QCOMPARE((*detected)->formatId(), std::string_view("tensorboard"));
    test::CapturingSink sink;
    NullImportObserver observer;
    QVERIFY((*detected)->run(base / "renamed.bin", sink, observer).ok());
    QCOMPARE(sink.runs.size(), 1u);
    QCOMPARE(sink.runs[0].metrics.at("loss").size(), 4u);
    test::writeFile(base / "plain.txt", "hello world, not an event file");
    QVERIFY(!importers::detect(base / "plain.txt").ok());
}

QTEST_GUILESS_MAIN(TestTensorBoard)
#include "tst_tensorboard.moc"
