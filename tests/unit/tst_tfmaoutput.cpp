// SPDX-License-Identifier: MIT
// The TFX output readers (TFMA metrics and validations, TFDV split sizes) on TFRecord files built here field by
// field from the protobuf wire format, so every record, slice and damaged frame is known exactly.
#include "reports/tfmaoutput.h"
#include "tfrecordframe.h"

#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cstring>
#include <fstream>

namespace fs = std::filesystem;
using namespace runlens;

namespace {

void varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out += static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    out += static_cast<char>(v);
}
std::string key(int field, int wire) {
    std::string out;
    varint(out, static_cast<std::uint64_t>(field) << 3 | static_cast<std::uint64_t>(wire));
    return out;
}
std::string bytesField(int field, const std::string& payload) {
    std::string out = key(field, 2);
    varint(out, payload.size());
    return out + payload;
}
std::string varintField(int field, std::uint64_t value) {
    std::string out = key(field, 0);
    varint(out, value);
    return out;
}
std::string doubleField(int field, double value) {
    const auto bits = std::bit_cast<std::uint64_t>(value);
    char raw[8];
    std::memcpy(raw, &bits, 8);
    return key(field, 1) + std::string(raw, 8);
}
std::string floatField(int field, float value) {
    const auto bits = std::bit_cast<std::uint32_t>(value);
    char raw[4];
    std::memcpy(raw, &bits, 4);
    return key(field, 5) + std::string(raw, 4);
}

void writeBytes(const fs::path& file, const std::string& bytes) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << bytes;
}

// MetricValue { DoubleValue double_value = 1 { double value = 1 } }.
std::string doubleMetric(double value) {
    return bytesField(1, value == 0 ? std::string() : doubleField(1, value));
}
// MetricsForSlice.metric_keys_and_values = 51 { MetricKey key = 1 { name = 1 }; MetricValue value = 2 }.
std::string keyedMetric(const std::string& name, const std::string& value) {
    return bytesField(51, bytesField(1, bytesField(1, name)) + bytesField(2, value));
}
// The older map<string, MetricValue> metrics = 2.
std::string mappedMetric(const std::string& name, const std::string& value) {
    return bytesField(2, bytesField(1, name) + bytesField(2, value));
}
// A payload whose first field claims 5 bytes and has 2: no protobuf reader can decode it.
const std::string undecodable = "\x0a\x05"
                                "ab";

}  // namespace

class TestTfmaOutput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void metricsOfBothLayoutsPerSlice();
    void validationVerdictOfAllResults();
    void damagedFilesNameFileOffsetAndRecordType_data();
    void damagedFilesNameFileOffsetAndRecordType();
    void tfdvSplitSize();
    void damagedTfdvStatisticsNameTheRecordType_data();
    void damagedTfdvStatisticsNameTheRecordType();

private:
    QTemporaryDir m_dir;
    fs::path dir(const char* name) const { return fs::path(m_dir.path().toStdString()) / name; }
};

void TestTfmaOutput::metricsOfBothLayoutsPerSlice() {
    const std::string overall = keyedMetric("example_count", doubleMetric(1973)) +
                                keyedMetric("binary_accuracy", doubleMetric(0.8048656582832336)) +
                                keyedMetric("auc", doubleMetric(0)) +
                                // A plot (MetricValue field 5) has no double value and is left out.
                                keyedMetric("calibration_plot", bytesField(5, bytesField(1, "x")));
    // SliceKey { SingleSliceKey slice_keys = 1 { column = 1; bytes_value = 2 | int64_value = 3 | float_value = 4 } }
    const std::string spainAged30 = bytesField(1, bytesField(1, bytesField(1, "country") + bytesField(2, "Spain")) +
                                                      bytesField(1, bytesField(1, "age") + varintField(3, 30)) +
                                                      bytesField(1, bytesField(1, "weight") + floatField(4, 0.5F)));
    const std::string sliced = spainAged30 + mappedMetric("loss", doubleMetric(0.25));
    const fs::path evaluation = dir("metrics-layouts");
    writeBytes(evaluation / "metrics-00000-of-00001", test::tfRecordFrame(overall) + test::tfRecordFrame(sliced));
    writeBytes(evaluation / "plots-00000-of-00001",
               test::tfRecordFrame(undecodable));  // neither metrics nor validations

    auto read = importers::readTfmaEvaluation(evaluation);
    QVERIFY2(read.ok(), read.ok() ? "" : read.error().toString().c_str());
    const std::vector<std::pair<std::string, double>> expected{{"example_count", 1973.0},
                                                               {"binary_accuracy", 0.8048656582832336},
                                                               {"auc", 0.0},
                                                               {"loss/country=Spain&age=30&weight=0.500000", 0.25}};
    QCOMPARE(read->metrics, expected);
    QVERIFY(!read->validationOk.has_value());
}

void TestTfmaOutput::validationVerdictOfAllResults() {
    // ValidationResult.validation_ok = 1; proto3 leaves a false value out, so an empty record is a failure.
    const fs::path passing = dir("validations-pass");
    writeBytes(passing / "validations",
               test::tfRecordFrame(varintField(1, 1)) + test::tfRecordFrame(varintField(1, 1)));
    auto pass = importers::readTfmaEvaluation(passing);
    QVERIFY(pass.ok());
    QCOMPARE(pass->validationOk, std::optional<bool>(true));

    const fs::path failing = dir("validations-fail");
    writeBytes(failing / "validations", test::tfRecordFrame(varintField(1, 1)) + test::tfRecordFrame(std::string()) +
                                            test::tfRecordFrame(varintField(1, 1)));
    auto fail = importers::readTfmaEvaluation(failing);
    QVERIFY(fail.ok());
    QCOMPARE(fail->validationOk, std::optional<bool>(false));
    QVERIFY(fail->metrics.empty());
}

void TestTfmaOutput::damagedFilesNameFileOffsetAndRecordType_data() {
    QTest::addColumn<QString>("fileName");
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("message");
    const std::string good = test::tfRecordFrame(keyedMetric("example_count", doubleMetric(10)));
    const std::string pass = test::tfRecordFrame(varintField(1, 1));
    auto bytes = [](const std::string& s) {
        return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
    };
    auto offset = [](const std::string& before) {
        return QStringLiteral("offset %1").arg(before.size());
    };
    QTest::newRow("metrics record") << QStringLiteral("metrics") << bytes(good + test::tfRecordFrame(undecodable))
                                    << offset(good) << QStringLiteral("not a TFMA MetricsForSlice record");
    QTest::newRow("validations record") << QStringLiteral("validations")
                                        << bytes(pass + test::tfRecordFrame(undecodable)) << offset(pass)
                                        << QStringLiteral("not a TFMA ValidationResult record");
    std::string flipped = good + good;
    flipped[good.size() + 14] = static_cast<char>(flipped[good.size() + 14] ^ 0x55);
    QTest::newRow("metrics checksum") << QStringLiteral("metrics") << bytes(flipped) << offset(good)
                                      << QStringLiteral("record data checksum mismatch (corrupt data)");
    QTest::newRow("validations cut") << QStringLiteral("validations") << bytes(pass + pass.substr(0, 5)) << offset(pass)
                                     << QStringLiteral("the file ends inside a record header (5 of 12 bytes)");
}

void TestTfmaOutput::damagedFilesNameFileOffsetAndRecordType() {
    QFETCH(QString, fileName);
    QFETCH(QByteArray, bytes);
    QFETCH(QString, position);
    QFETCH(QString, message);
    const fs::path evaluation = dir(QTest::currentDataTag());
    writeBytes(evaluation / fileName.toStdString(), bytes.toStdString());
    auto read = importers::readTfmaEvaluation(evaluation);
    QVERIFY(!read.ok());
    QVERIFY2(read.error().file.ends_with("/" + fileName.toStdString()), read.error().toString().c_str());
    QCOMPARE(QString::fromStdString(read.error().position), position);
    QCOMPARE(QString::fromStdString(read.error().message), message);
}

void TestTfmaOutput::tfdvSplitSize() {
    // DatasetFeatureStatisticsList { datasets = 1 { num_examples = 2; features = 3 } }, one list per record.
    const std::string first = bytesField(1, varintField(2, 8000) + bytesField(3, bytesField(1, "age")) +
                                                bytesField(3, bytesField(1, "country")));
    const std::string second = bytesField(1, varintField(2, 27) + bytesField(3, bytesField(1, "age")));
    const fs::path file = dir("tfdv") / "FeatureStats.pb";
    writeBytes(file, test::tfRecordFrame(first) + test::tfRecordFrame(second));
    auto size = importers::readTfdvSplitSize(file);
    QVERIFY2(size.ok(), size.ok() ? "" : size.error().toString().c_str());
    QCOMPARE(size->examples, 8027.0);
    QCOMPARE(size->features, 3.0);
}

void TestTfmaOutput::damagedTfdvStatisticsNameTheRecordType_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("message");
    const std::string good = test::tfRecordFrame(bytesField(1, varintField(2, 5)));
    auto bytes = [](const std::string& s) {
        return QByteArray(s.data(), static_cast<qsizetype>(s.size()));
    };
    const QString afterGood = QStringLiteral("offset %1").arg(good.size());
    QTest::newRow("list") << bytes(good + test::tfRecordFrame(undecodable)) << afterGood
                          << QStringLiteral("not a TFDV DatasetFeatureStatisticsList record");
    QTest::newRow("dataset") << bytes(good + test::tfRecordFrame(bytesField(1, undecodable))) << afterGood
                             << QStringLiteral("not a TFDV DatasetFeatureStatistics record");
    QTest::newRow("cut") << bytes(good + good.substr(0, good.size() - 2)) << afterGood
                         << QStringLiteral("the file ends inside a record (%1 of %2 bytes present)")
                                .arg(good.size() - 2)
                                .arg(good.size());
}

void TestTfmaOutput::damagedTfdvStatisticsNameTheRecordType() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, position);
    QFETCH(QString, message);
    const fs::path file = dir("tfdv-damaged") / (std::string(QTest::currentDataTag()) + ".pb");
    writeBytes(file, bytes.toStdString());
    auto size = importers::readTfdvSplitSize(file);
    QVERIFY(!size.ok());
    QVERIFY2(size.error().file.ends_with(file.filename().string()), size.error().toString().c_str());
    QCOMPARE(QString::fromStdString(size.error().position), position);
    QCOMPARE(QString::fromStdString(size.error().message), message);
}

QTEST_GUILESS_MAIN(TestTfmaOutput)
#include "tst_tfmaoutput.moc"
