// SPDX-License-Identifier: MIT
// `runlens drift` run as a pipeline would: exit status, the JSON contract, storing with a run.
#include "cache/analysisstore.h"
#include "cache/cache.h"
#include "cache/cachereader.h"
#include "handmadestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Outcome {
    int exitCode = -1;
    QString out;
    QString err;
};

Outcome runlensCli(const QStringList& arguments) {
    QProcess process;
    process.start(QString::fromStdString((runlens::test::binaryDir() / "app" / "runlens").string()), arguments);
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

}  // namespace

class TestDriftCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void exitZeroWithoutDriftAndOneWithDrift();
    void jsonContract();
    void usageErrorsExitTwo_data();
    void usageErrorsExitTwo();
    void readErrorsExitThree_data();
    void readErrorsExitThree();
    void storesTheReportWithARun();
    void predictionsMode();

private:
    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }
    QTemporaryDir m_dir;
};

void TestDriftCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    std::string ref = "num,cat\n";
    std::string same = "num,cat\n";
    std::string moved = "num,cat\n";
    for (int i = 0; i < 300; ++i) {
        const char* cats[] = {"a", "b", "c"};
        ref += std::to_string((i * 37) % 100) + "." + std::to_string(i % 10) + "," + cats[i % 3] + "\n";
        same += std::to_string((i * 41) % 100) + "." + std::to_string(i % 10) + "," + cats[(i + 1) % 3] + "\n";
        moved += std::to_string((i * 37) % 100 + 60) + ".5," + cats[i % 4 == 0 ? 0 : 2] + "\n";
    }
    runlens::test::writeFile(path("ref.csv").toStdString(), ref);
    runlens::test::writeFile(path("same.csv").toStdString(), same);
    runlens::test::writeFile(path("moved.csv").toStdString(), moved);
    runlens::test::writeFile(path("empty.csv").toStdString(), "");
    runlens::test::writeFile(path("bad-policy.yaml").toStdString(),
                             "rules:\n  numeric: [{test: nope, threshold: 1}]\n");
    runlens::test::writeFile(path("preds-ref.csv").toStdString(), "label,score\n1,0.9\n0,0.1\n1,0.8\n0,0.2\n");
    runlens::test::writeFile(path("preds-cur.csv").toStdString(), "label,score\n1,0.4\n0,0.6\n1,0.5\n0,0.5\n");
}

void TestDriftCli::exitZeroWithoutDriftAndOneWithDrift() {
    auto calm = runlensCli({QStringLiteral("drift"), QStringLiteral("--reference"), path("ref.csv"),
                            QStringLiteral("--current"), path("same.csv")});
    QVERIFY2(calm.exitCode == 0, qPrintable(calm.out + calm.err));
    QVERIFY(calm.out.startsWith(QStringLiteral("no drift: 0 of 2 columns")));
    auto drifted = runlensCli({QStringLiteral("drift"), QStringLiteral("--reference"), path("ref.csv"),
                               QStringLiteral("--current"), path("moved.csv"), QStringLiteral("--policy=evidently")});
    QVERIFY2(drifted.exitCode == 1, qPrintable(drifted.out + drifted.err));
    QVERIFY(drifted.out.startsWith(QStringLiteral("DRIFT: 2 of 2 columns drifted under policy evidently")));
    QVERIFY(drifted.out.contains(QStringLiteral("COLUMN")));
}

void TestDriftCli::jsonContract() {
    auto result = runlensCli({QStringLiteral("drift"), QStringLiteral("--reference"), path("ref.csv"),
                              QStringLiteral("--current"), path("moved.csv"), QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 1);
    QJsonParseError error{};
    const auto doc = QJsonDocument::fromJson(result.out.toUtf8(), &error).object();
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(doc[QStringLiteral("verdict")].toString(), QStringLiteral("drift"));
    QCOMPARE(doc[QStringLiteral("policy")].toString(), QStringLiteral("default"));
    QCOMPARE(doc[QStringLiteral("columns_total")].toInt(), 2);
    QCOMPARE(doc[QStringLiteral("reference")].toObject()[QStringLiteral("rows")].toInt(), 300);
    QCOMPARE(doc[QStringLiteral("current")].toObject()[QStringLiteral("path")].toString(), path("moved.csv"));
    for (const auto& value : doc[QStringLiteral("columns")].toArray()) {
        const auto column = value.toObject();
        for (const char* key : {"column", "type", "test", "statistic", "p_value", "threshold", "drift", "statistics"})
            QVERIFY2(column.contains(QLatin1String(key)), key);
        QVERIFY(column[QStringLiteral("drift")].toBool());
    }
    QVERIFY(doc[QStringLiteral("problems")].isArray());
}

void TestDriftCli::usageErrorsExitTwo_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::addRow("no files") << QStringList{QStringLiteral("drift")} << QStringLiteral("needs --reference");
    QTest::addRow("value missing") << QStringList{QStringLiteral("drift"), QStringLiteral("--reference")}
                                   << QStringLiteral("--reference needs a value");
    QTest::addRow("unknown option") << QStringList{QStringLiteral("drift"), QStringLiteral("--csv")}
                                    << QStringLiteral("unknown option --csv");
    QTest::addRow("score without predictions")
        << QStringList{QStringLiteral("drift"), QStringLiteral("--reference=a"), QStringLiteral("--current=b"),
                       QStringLiteral("--score-col"), QStringLiteral("p")}
        << QStringLiteral("go with --predictions");
}

void TestDriftCli::usageErrorsExitTwo() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto result = runlensCli(arguments);
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestDriftCli::readErrorsExitThree_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    const QString ref = path("ref.csv");
    QTest::addRow("missing file") << QStringList{QStringLiteral("--reference"), ref, QStringLiteral("--current"),
                                                 path("nothing.csv")}
                                  << path("nothing.csv") + QStringLiteral(": cannot open");
    QTest::addRow("empty file") << QStringList{QStringLiteral("--reference"), path("empty.csv"),
                                               QStringLiteral("--current"), ref}
                                << path("empty.csv") + QStringLiteral(": the file is empty");
    QTest::addRow("bad policy") << QStringList{QStringLiteral("--reference"), ref,
                                               QStringLiteral("--current"),   ref,
                                               QStringLiteral("--policy"),    path("bad-policy.yaml")}
                                << path("bad-policy.yaml") + QStringLiteral(", line 2: unknown test 'nope'");
    QTest::addRow("unknown run") << QStringList{QStringLiteral("--reference"), ref,
                                                QStringLiteral("--current"),   ref,
                                                QStringLiteral("--run"),       QStringLiteral("nosuchrun")}
                                 << QStringLiteral("error:");
}

void TestDriftCli::readErrorsExitThree() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto result =
        runlensCli(QStringList{QStringLiteral("--cache"), path("none.runlens"), QStringLiteral("drift")} + arguments);
    QCOMPARE(result.exitCode, 3);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
}

void TestDriftCli::storesTheReportWithARun() {
    const QString cache = path("drift.runlens");
    const QString store = path("mlruns");
    runlens::test::writeHandmadeStore(store.toStdString());
    QCOMPARE(runlensCli({QStringLiteral("--cache"), cache, QStringLiteral("import"), store}).exitCode, 0);
    auto result = runlensCli({QStringLiteral("--cache"), cache, QStringLiteral("drift"), QStringLiteral("--reference"),
                              path("ref.csv"), QStringLiteral("--current"), path("moved.csv"), QStringLiteral("--run"),
                              QLatin1String(runlens::test::runA)});
    QVERIFY2(result.exitCode == 1, qPrintable(result.err));
    auto opened = runlens::Cache::openExisting(cache.toStdString());
    QVERIFY(opened.ok());
    runlens::CacheReader reader(*opened);
    auto runs = reader.findRuns(runlens::test::runA);
    QVERIFY(runs.ok() && runs->size() == 1);
    auto analyses = runlens::runAnalyses(*opened, runs->front().id, runlens::analysis_kind::drift);
    QVERIFY(analyses.ok());
    QCOMPARE(analyses->size(), std::size_t{1});
    QCOMPARE(analyses->front().name, std::string("ref.csv vs moved.csv"));
    const auto stored = QJsonDocument::fromJson(QByteArray::fromStdString(analyses->front().resultJson)).object();
    QCOMPARE(stored[QStringLiteral("verdict")].toString(), QStringLiteral("drift"));
}

void TestDriftCli::predictionsMode() {
    auto result = runlensCli({QStringLiteral("drift"), QStringLiteral("--predictions"), QStringLiteral("--reference"),
                              path("preds-ref.csv"), QStringLiteral("--current"), path("preds-cur.csv"),
                              QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 1);
    const auto doc = QJsonDocument::fromJson(result.out.toUtf8()).object();
    const auto predictions = doc[QStringLiteral("predictions")].toObject();
    QCOMPARE(predictions[QStringLiteral("reference_brier")].toDouble(), (0.01 + 0.01 + 0.04 + 0.04) / 4);
    QCOMPARE(predictions[QStringLiteral("current_brier")].toDouble(), (0.36 + 0.36 + 0.25 + 0.25) / 4);
    QVERIFY(predictions[QStringLiteral("brier_alert")].toBool());
}

QTEST_GUILESS_MAIN(TestDriftCli)
#include "tst_driftcli.moc"
