// SPDX-License-Identifier: MIT
#include "handmadestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace fs = std::filesystem;

namespace {

struct Outcome {
    int exitCode = -1;
    QString out;
    QString err;
};

// Runs the real runlens executable, as a pipeline would.
Outcome runlensCli(const QStringList& arguments) {
    QProcess process;
    const QString program = QString::fromStdString((runlens::test::binaryDir() / "app" / "runlens").string());
    process.start(program, arguments);
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void helpAndVersion();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void importReportsEachSourceAndFailsOnAnyError();
    void lsRunsJsonContract();
    void lsRunsFilter();
    void lsModelsJsonContract();
    void metricCsvAndJson();
    void missingRunOrCacheIsAClearError();

private:
    QTemporaryDir m_dir;
    QString m_cache;
    QString m_store;
};

void TestCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cache = m_dir.filePath(QStringLiteral("cli.runlens"));
    m_store = m_dir.filePath(QStringLiteral("mlruns"));
    runlens::test::writeHandmadeStore(m_store.toStdString());
}

void TestCli::helpAndVersion() {
    auto help = runlensCli({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains(QStringLiteral("Usage: runlens")));
    QVERIFY(help.out.contains(QStringLiteral("metric RUN KEY")));
    auto version = runlensCli({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith(QStringLiteral("runlens ")));
}

void TestCli::usageErrorsExitTwo_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("no command") << QStringList{} << QStringLiteral("Usage");
    QTest::addRow("unknown command") << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("unknown command");
    QTest::addRow("import without path") << QStringList{QStringLiteral("import")}
                                         << QStringLiteral("at least one PATH");
    QTest::addRow("ls of nothing known") << QStringList{QStringLiteral("ls"), QStringLiteral("bananas")}
                                         << QStringLiteral("ls needs one of");
    QTest::addRow("metric without key") << QStringList{QStringLiteral("metric"), QStringLiteral("1")}
                                        << QStringLiteral("metric needs RUN and KEY");
    QTest::addRow("unknown option") << QStringList{QStringLiteral("ls"), QStringLiteral("runs"),
                                                   QStringLiteral("--xml")}
                                    << QStringLiteral("unknown option");
    QTest::addRow("cache without file") << QStringList{QStringLiteral("--cache")} << QStringLiteral("--cache needs");
}

void TestCli::usageErrorsExitTwo() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    auto result = runlensCli(QStringList{QStringLiteral("--cache"), m_cache} + arguments);
    if (arguments == QStringList{QStringLiteral("--cache")})
        result = runlensCli(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestCli::importReportsEachSourceAndFailsOnAnyError() {
    const QString missing = m_dir.filePath(QStringLiteral("no-such-folder"));
    auto result = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("import"), m_store, missing});
    QCOMPARE(result.exitCode, 1);  // one source failed; the other still imported
    QVERIFY2(result.out.contains(QStringLiteral("imported  ")), qPrintable(result.out));
    QVERIFY(result.out.contains(QStringLiteral("3 runs")));
    QVERIFY(result.out.contains(QStringLiteral("failed    ")));
    QVERIFY2(result.err.contains(missing + QStringLiteral(": no such file or directory")), qPrintable(result.err));

    auto again = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("import"), m_store});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.out.startsWith(QStringLiteral("unchanged ")), qPrintable(again.out));
}

void TestCli::lsRunsJsonContract() {
    auto result = runlensCli(
        {QStringLiteral("--cache"), m_cache, QStringLiteral("ls"), QStringLiteral("runs"), QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(result.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    const QJsonArray runs = doc.array();
    QCOMPARE(runs.size(), 3);
    for (const auto& value : runs) {
        const QJsonObject run = value.toObject();
        for (const char* key : {"id", "format", "source", "experiment", "external_id", "name", "status", "start_time",
                                "end_time", "params", "tags", "metrics"})
            QVERIFY2(run.contains(QLatin1String(key)), key);
        if (run[QStringLiteral("external_id")].toString() != QLatin1String(runlens::test::runA))
            continue;
        QCOMPARE(run[QStringLiteral("format")].toString(), QStringLiteral("mlflow-filestore"));
        QCOMPARE(run[QStringLiteral("params")].toObject()[QStringLiteral("multi line")].toString(),
                 QStringLiteral("first\nsecond\n"));
        QCOMPARE(run[QStringLiteral("start_time")].toInteger(), 1700000000000LL);
        const QJsonObject loss = run[QStringLiteral("metrics")].toObject()[QStringLiteral("train/loss")].toObject();
        QCOMPARE(loss[QStringLiteral("count")].toInt(), 6);
        QCOMPARE(loss[QStringLiteral("last_step")].toInt(), 4);
        QCOMPARE(loss[QStringLiteral("last")].toString(), QStringLiteral("-Infinity"));
        QCOMPARE(loss[QStringLiteral("min")].toString(), QStringLiteral("-Infinity"));
        QCOMPARE(loss[QStringLiteral("max")].toString(), QStringLiteral("Infinity"));
    }
}

void TestCli::lsRunsFilter() {
    auto result = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("ls"), QStringLiteral("runs"),
                              QStringLiteral("--json"), QStringLiteral("--filter"),
                              QStringLiteral("params.alpha == 0.5 and max(metrics.train/loss) > 1")});
    QCOMPARE(result.exitCode, 0);
    const QJsonArray runs = QJsonDocument::fromJson(result.out.toUtf8()).array();
    QCOMPARE(runs.size(), 1);
    QCOMPARE(runs[0].toObject()[QStringLiteral("external_id")].toString(), QLatin1String(runlens::test::runA));
    auto text = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("ls"), QStringLiteral("runs"),
                            QStringLiteral("--filter=status == FAILED")});
    QCOMPARE(text.exitCode, 0);
    QCOMPARE(text.out.count(QLatin1Char('\n')), 2);  // header and the failed run
    auto bad = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("ls"), QStringLiteral("runs"),
                           QStringLiteral("--filter"), QStringLiteral("metrics.loss <")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains(QStringLiteral("column 15: expected a value after '<'")), qPrintable(bad.err));
}

void TestCli::lsModelsJsonContract() {
    auto result = runlensCli(
        {QStringLiteral("--cache"), m_cache, QStringLiteral("ls"), QStringLiteral("models"), QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    const QJsonArray models = QJsonDocument::fromJson(result.out.toUtf8()).array();
    QCOMPARE(models.size(), 1);
    const QJsonObject model = models[0].toObject();
    QCOMPARE(model[QStringLiteral("name")].toString(), QStringLiteral("my model"));
    const QJsonArray versions = model[QStringLiteral("versions")].toArray();
    QCOMPARE(versions.size(), 2);
    const QJsonObject v2 = versions[1].toObject();
    QCOMPARE(v2[QStringLiteral("version")].toInt(), 2);
    QCOMPARE(v2[QStringLiteral("stage")].toString(), QStringLiteral("Production"));
    QCOMPARE(v2[QStringLiteral("aliases")].toArray().first().toString(), QStringLiteral("champion"));
    QCOMPARE(v2[QStringLiteral("run_id")].toString(), QLatin1String(runlens::test::runA));
    QCOMPARE(v2[QStringLiteral("source")].toString(),
             QStringLiteral("runs:/") + QLatin1String(runlens::test::runA) + QStringLiteral("/model"));
}

void TestCli::metricCsvAndJson() {
    auto csv = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("metric"),
                           QLatin1String(runlens::test::runA), QStringLiteral("train/loss"), QStringLiteral("--csv")});
    QCOMPARE(csv.exitCode, 0);
    const QStringList lines = csv.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 7);
    QCOMPARE(lines[0], QStringLiteral("step,timestamp,value"));
    QCOMPARE(lines[1], QStringLiteral("1,1700000000100,0.9"));
    QCOMPARE(lines[2], QStringLiteral("2,1700000000200,nan"));
    QCOMPARE(lines[3], QStringLiteral("2,1700000000250,inf"));
    QCOMPARE(lines[6], QStringLiteral("4,1700000000400,-inf"));

    auto json = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("metric"), QStringLiteral("aaaaaaaa"),
                            QStringLiteral("train/loss"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject doc = QJsonDocument::fromJson(json.out.toUtf8()).object();
    const QJsonArray points = doc[QStringLiteral("points")].toArray();
    QCOMPARE(points.size(), 6);
    QCOMPARE(points[1].toObject()[QStringLiteral("value")].toString(), QStringLiteral("NaN"));
    QCOMPARE(points[3].toObject()[QStringLiteral("value")].toDouble(), 0.3);
}

void TestCli::missingRunOrCacheIsAClearError() {
    auto run = runlensCli(
        {QStringLiteral("--cache"), m_cache, QStringLiteral("metric"), QStringLiteral("zzzz"), QStringLiteral("loss")});
    QCOMPARE(run.exitCode, 1);
    QVERIFY(run.err.contains(QStringLiteral("no run with id 'zzzz'")));
    auto key = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("metric"),
                           QLatin1String(runlens::test::runA), QStringLiteral("nope")});
    QCOMPARE(key.exitCode, 1);
    QVERIFY2(key.err.contains(QStringLiteral("has no metric 'nope'; it has: legacy, train/loss")), qPrintable(key.err));
    const QString absent = m_dir.filePath(QStringLiteral("absent.runlens"));
    auto cache = runlensCli({QStringLiteral("--cache"), absent, QStringLiteral("ls"), QStringLiteral("runs")});
    QCOMPARE(cache.exitCode, 1);
    QVERIFY(cache.err.contains(absent));
    QVERIFY(!QFile::exists(absent));  // reading never creates a cache
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
