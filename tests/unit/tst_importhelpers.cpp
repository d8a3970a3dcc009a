// SPDX-License-Identifier: MIT
#include "common/numbers.h"
#include "common/paths.h"
#include "mlflow/artifactroot.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace runlens::importers;
namespace fs = std::filesystem;

class TestImportHelpers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void integers_data();
    void integers();
    void doubles_data();
    void doubles();
    void utf8();
    void artifactRoots();
};

void TestImportHelpers::integers_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<qint64>("expected");
    QTest::addRow("zero") << QStringLiteral("0") << true << qint64(0);
    QTest::addRow("ms timestamp") << QStringLiteral("1700000000123") << true << qint64(1700000000123);
    QTest::addRow("negative") << QStringLiteral("-42") << true << qint64(-42);
    QTest::addRow("plus") << QStringLiteral("+7") << true << qint64(7);
    QTest::addRow("int64 max") << QStringLiteral("9223372036854775807") << true << std::numeric_limits<qint64>::max();
    QTest::addRow("int64 min") << QStringLiteral("-9223372036854775808") << true << std::numeric_limits<qint64>::min();
    QTest::addRow("overflow") << QStringLiteral("9223372036854775808") << false << qint64(0);
    QTest::addRow("empty") << QString() << false << qint64(0);
    QTest::addRow("sign only") << QStringLiteral("-") << false << qint64(0);
    QTest::addRow("float") << QStringLiteral("1.5") << false << qint64(0);
    QTest::addRow("exponent") << QStringLiteral("1e3") << false << qint64(0);
    QTest::addRow("trailing space") << QStringLiteral("12 ") << false << qint64(0);
}

void TestImportHelpers::integers() {
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(qint64, expected);
    const std::string s = text.toStdString();
    const auto value = parseInt64(s);
    QCOMPARE(value.has_value(), valid);
    if (valid)
        QCOMPARE(*value, expected);
}

void TestImportHelpers::doubles_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<double>("expected");
    QTest::addRow("python repr") << QStringLiteral("0.1") << true << 0.1;
    QTest::addRow("exponent") << QStringLiteral("1e-05") << true << 1e-05;
    QTest::addRow("big") << QStringLiteral("1.5e+20") << true << 1.5e20;
    QTest::addRow("inf") << QStringLiteral("inf") << true << std::numeric_limits<double>::infinity();
    QTest::addRow("-inf") << QStringLiteral("-inf") << true << -std::numeric_limits<double>::infinity();
    QTest::addRow("Infinity") << QStringLiteral("Infinity") << true << std::numeric_limits<double>::infinity();
    QTest::addRow("integer") << QStringLiteral("7") << true << 7.0;
    QTest::addRow("word") << QStringLiteral("abc") << false << 0.0;
    QTest::addRow("comma decimal") << QStringLiteral("0,5") << false << 0.0;
    QTest::addRow("empty") << QString() << false << 0.0;
}

void TestImportHelpers::doubles() {
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QFETCH(double, expected);
    const std::string s = text.toStdString();
    const auto value = parseDouble(s);
    QCOMPARE(value.has_value(), valid);
    if (valid)
        QCOMPARE(*value, expected);
    QVERIFY(std::isnan(*parseDouble("nan")));
    QVERIFY(std::isnan(*parseDouble("NaN")));
}

void TestImportHelpers::utf8() {
    QVERIFY(isValidUtf8("plain"));
    QVERIFY(isValidUtf8("caf\xc3\xa9"));
    QVERIFY(!isValidUtf8("bad\xff"));
    QVERIFY(!isValidUtf8("\xc0\xaf"));      // overlong
    QVERIFY(!isValidUtf8("\xed\xa0\x80"));  // surrogate
    QCOMPARE(escapeInvalidUtf8("a\xffz"), std::string("a\\xFFz"));
    QCOMPARE(escapeInvalidUtf8("caf\xc3\xa9"), std::string("caf\xc3\xa9"));
}

void TestImportHelpers::artifactRoots() {
    QCOMPARE(mlflow::percentDecode("Machine%20Learning%2"), std::string("Machine Learning%2"));
    QTemporaryDir dir;
    const fs::path base(dir.path().toStdString());
    fs::create_directories(base / "mlruns/1/abc/artifacts");
    fs::create_directories(base / "mlartifacts/0/def/artifacts");
    fs::create_directories(base / "local dir/artifacts");
    const std::vector<fs::path> roots = {base / "mlruns", base / "mlartifacts"};
    // A stale absolute URI from another machine is remapped by its tail.
    auto stale = mlflow::resolveArtifactRoot("file:///C:/Users/x/mlruns/1/abc/artifacts", base, roots, "1", "abc");
    QVERIFY(stale.has_value());
    QCOMPARE(*stale, base / "mlruns/1/abc/artifacts");
    // A tracking server's proxied URI.
    auto proxied = mlflow::resolveArtifactRoot("mlflow-artifacts:/0/def/artifacts", base, roots, "0", "def");
    QVERIFY(proxied.has_value());
    QCOMPARE(*proxied, base / "mlartifacts/0/def/artifacts");
    // A local URI with percent escapes that exists as written.
    const std::string uri = "file://" + (base / "local%20dir/artifacts").string();
    auto local = mlflow::resolveArtifactRoot(uri, base, roots, "9", "zzz");
    QVERIFY(local.has_value());
    QCOMPARE(*local, base / "local dir/artifacts");
    // Relative locations are relative to the store's base folder.
    QCOMPARE(*mlflow::resolveArtifactRoot("./mlruns/1/abc/artifacts", base, {}, "", ""),
             base / "./mlruns/1/abc/artifacts");
    QVERIFY(!mlflow::resolveArtifactRoot("s3://bucket/x", base, roots, "5", "nope").has_value());
}

QTEST_GUILESS_MAIN(TestImportHelpers)
#include "tst_importhelpers.moc"
