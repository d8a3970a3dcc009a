// SPDX-License-Identifier: MIT
// `runlens eval` through the real executable, as a pipeline runs it: the JSON contract, saving to a run, reading a
// run's evaluations back (stored ones and logged confusion matrices), and errors with their exit codes.
#include "analysis/evaluation.h"
#include "analysis/predictions.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using json = nlohmann::json;

namespace {

struct Outcome {
    int exitCode = -1;
    std::string out;
    std::string err;
};

Outcome runlensCli(const QStringList& arguments) {
    QProcess process;
    const QString program = QString::fromStdString((runlens::test::binaryDir() / "app" / "runlens").string());
    process.start(program, arguments);
    process.waitForFinished(120000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            process.readAllStandardOutput().toStdString(), process.readAllStandardError().toStdString()};
}

}  // namespace

class TestEvalCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void bareFileJsonContract();
    void bareFileText();
    void attachToRunAndShowRun();
    void savedArtifactIsListedOnce();
    void badFileIsAnErrorNamingRowAndColumn();
    void kubeflowConfusionMatrixThroughTheImporter();
    void clearmlConfusionPlotThroughTheImporter();
    void usageErrors_data();
    void usageErrors();

private:
    QString path(const char* name) const { return m_dir.filePath(QString::fromLatin1(name)); }
    QTemporaryDir m_dir;
    QString m_cache;
    QString m_predictions;
};

void TestEvalCli::initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cache = path("eval.runlens");
    m_predictions = path("predictions.csv");
    std::ofstream(m_predictions.toStdString()) << "id,label,prob_cat,prob_dog,prob_fox\n"
                                                  "1,cat,0.7,0.2,0.1\n"
                                                  "2,dog,0.1,0.8,0.1\n"
                                                  "3,fox,0.3,0.3,0.4\n"
                                                  "4,dog,0.6,0.3,0.1\n"
                                                  "5,cat,0.5,0.4,0.1\n";
    const auto demo = runlens::test::sourceDir() / "resources" / "demo" / "mlruns";
    const auto imported = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("import"),
                                      QString::fromStdString(demo.string()), QStringLiteral("--quiet")});
    QVERIFY2(imported.exitCode == 0, imported.err.c_str());
}

void TestEvalCli::bareFileJsonContract() {
    const auto r = runlensCli({QStringLiteral("eval"), QStringLiteral("--predictions"), m_predictions,
                               QStringLiteral("--json"), QStringLiteral("--bins"), QStringLiteral("5")});
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    const json doc = json::parse(r.out);
    QCOMPARE(doc["name"].get<std::string>(), std::string("predictions.csv"));
    QCOMPARE(doc["source"]["kind"].get<std::string>(), std::string("predictions"));
    QCOMPARE(doc["source"]["rows"].get<int>(), 5);
    QCOMPARE(doc["task"].get<std::string>(), std::string("multiclass"));
    QVERIFY(doc["labels"] == json::parse(R"(["cat", "dog", "fox"])"));
    QVERIFY(doc["confusion"] == json::parse("[[2, 0, 0], [1, 1, 0], [0, 0, 1]]"));
    QCOMPARE(doc["accuracy"].get<double>(), 0.8);
    QCOMPARE(doc["bins"].size(), std::size_t{5});
    QCOMPARE(doc["per_class"].size(), std::size_t{3});
    for (const char* key : {"balanced_accuracy", "kappa", "mcc", "macro", "micro", "weighted", "brier", "log_loss",
                            "ece", "mce", "roc", "pr"})
        QVERIFY2(doc.contains(key), key);
    // The same numbers as the library computes from the same file.
    auto p = runlens::analysis::readPredictions(m_predictions.toStdString());
    QVERIFY(p.ok());
    runlens::analysis::EvaluationOptions options;
    options.bins = 5;
    auto e = runlens::analysis::evaluatePredictions(*p, "predictions.csv", options);
    QVERIFY(e.ok());
    QCOMPARE(doc["brier"].get<double>(), *e->brier);
    QCOMPARE(doc["ece"].get<double>(), e->reliability->ece);
    QCOMPARE(doc["kappa"].get<double>(), e->report.cohenKappa);
}

void TestEvalCli::bareFileText() {
    const auto r = runlensCli({QStringLiteral("eval"), QStringLiteral("--predictions"), m_predictions});
    QVERIFY2(r.exitCode == 0, r.err.c_str());
    QVERIFY2(r.out.find("accuracy 0.8000") != std::string::npos, r.out.c_str());
    QVERIFY(r.out.find("confusion (rows = true label, columns = predicted)") != std::string::npos);
}

void TestEvalCli::attachToRunAndShowRun() {
    // Run 175e9941 (adamw-lr1e-3-s0) of the demo has a logged confusion matrix.
    const auto saved = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"),
                                   QStringLiteral("--predictions"), m_predictions, QStringLiteral("--run"),
                                   QStringLiteral("175e9941"), QStringLiteral("--name"), QStringLiteral("val-preds")});
    QVERIFY2(saved.exitCode == 0, saved.err.c_str());
    QVERIFY2(saved.out.find("saved as evaluation 'val-preds' of run") != std::string::npos, saved.out.c_str());
    // Saving again replaces, never duplicates.
    QCOMPARE(runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"), QStringLiteral("--predictions"),
                         m_predictions, QStringLiteral("--run=175e9941"), QStringLiteral("--name=val-preds")})
                 .exitCode,
             0);

    const auto shown = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"),
                                   QStringLiteral("175e9941"), QStringLiteral("--json")});
    QVERIFY2(shown.exitCode == 0, shown.err.c_str());
    const json list = json::parse(shown.out);
    QVERIFY(list.is_array());
    // The saved one first, then the run's artifacts: the logged matrix and the demo's predictions file.
    QCOMPARE(list.size(), std::size_t{3});
    QCOMPARE(list[0]["name"].get<std::string>(), std::string("val-preds"));
    QCOMPARE(list[0]["accuracy"].get<double>(), 0.8);
    const json* matrix = nullptr;
    const json* predictions = nullptr;
    for (const auto& e : list) {
        if (e["name"] == "eval/confusion_matrix.json")
            matrix = &e;
        if (e["name"] == "predictions.csv")
            predictions = &e;
    }
    QVERIFY(matrix && predictions);
    QCOMPARE((*matrix)["source"]["kind"].get<std::string>(), std::string("confusion_artifact"));
    QCOMPARE((*matrix)["labels"].size(), std::size_t{10});
    QVERIFY((*matrix)["brier"].is_null());
    QCOMPARE((*predictions)["source"]["kind"].get<std::string>(), std::string("predictions"));
    QCOMPARE((*predictions)["source"]["rows"].get<int>(), 600);
    QVERIFY((*predictions)["brier"].is_number());
    QCOMPARE((*predictions)["per_class_bins"].size(), std::size_t{10});
    std::int64_t total = 0;
    for (const auto& row : (*matrix)["confusion"])
        for (const auto& v : row)
            total += v.get<std::int64_t>();
    QCOMPARE(total, std::int64_t{1000});  // 100 images per class in the demo

    const auto text =
        runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"), QStringLiteral("175e9941")});
    QVERIFY2(text.exitCode == 0, text.err.c_str());
    QVERIFY(text.out.find("val-preds") != std::string::npos);
    QVERIFY(text.out.find("eval/confusion_matrix.json  (logged confusion matrix, 1000 samples") != std::string::npos);
}

void TestEvalCli::savedArtifactIsListedOnce() {
    // The run's own predictions artifact, evaluated and saved to the run under another name.
    const auto artifact = runlens::test::sourceDir() / "resources" / "demo" / "mlruns" / "130787383688644947" /
                          "175e994126074d5fb6ab14759da618fd" / "artifacts" / "eval" / "predictions.csv";
    QVERIFY(std::filesystem::is_regular_file(artifact));
    const auto listed = [&] {
        const auto shown = runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"),
                                       QStringLiteral("175e9941"), QStringLiteral("--json")});
        return shown.exitCode == 0 ? json::parse(shown.out) : json::array();
    };
    const std::size_t before = listed().size();
    QVERIFY(before > 0);
    const auto saved =
        runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"), QStringLiteral("--predictions"),
                    QString::fromStdString(artifact.string()), QStringLiteral("--run"), QStringLiteral("175e9941"),
                    QStringLiteral("--name"), QStringLiteral("saved-artifact")});
    QVERIFY2(saved.exitCode == 0, saved.err.c_str());

    // Saved once, listed once: the stored evaluation takes the artifact's place.
    json list = listed();
    QCOMPARE(list.size(), before);
    int fromThatFile = 0;
    for (const auto& e : list) {
        const std::string source = e["source"]["path"].get<std::string>();
        if (source.ends_with("eval/predictions.csv")) {
            ++fromThatFile;
            QCOMPARE(e["name"].get<std::string>(), std::string("saved-artifact"));
        }
    }
    QCOMPARE(fromThatFile, 1);

    // A different file that only has the same name and folder is another evaluation: both are listed.
    const QString otherDir = path("elsewhere/eval");
    QVERIFY(QDir().mkpath(otherDir));
    const QString other = otherDir + QStringLiteral("/predictions.csv");
    QVERIFY(QFile::copy(m_predictions, other));
    QCOMPARE(runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"), QStringLiteral("--predictions"),
                         other, QStringLiteral("--run"), QStringLiteral("175e9941"), QStringLiteral("--name"),
                         QStringLiteral("same-name")})
                 .exitCode,
             0);
    list = listed();
    QCOMPARE(list.size(), before + 1);
    fromThatFile = 0;
    for (const auto& e : list)
        fromThatFile += e["source"]["path"].get<std::string>().ends_with("eval/predictions.csv") ? 1 : 0;
    QCOMPARE(fromThatFile, 2);
}

void TestEvalCli::badFileIsAnErrorNamingRowAndColumn() {
    const QString bad = path("bad.csv");
    std::ofstream(bad.toStdString()) << "label,probability\n1,0.3\n0,1.7\n";
    const auto r = runlensCli({QStringLiteral("eval"), QStringLiteral("--predictions"), bad});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(
        r.err.find(bad.toStdString() + ", row 2 (line 3), column 'probability': probability 1.7 is outside [0, 1]") !=
            std::string::npos,
        r.err.c_str());
    QVERIFY(r.out.empty());

    const auto missing = runlensCli({QStringLiteral("eval"), QStringLiteral("--predictions"), m_predictions,
                                     QStringLiteral("--label-col"), QStringLiteral("truth")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY2(missing.err.find("missing label column 'truth'") != std::string::npos, missing.err.c_str());

    const auto noRun =
        runlensCli({QStringLiteral("--cache"), m_cache, QStringLiteral("eval"), QStringLiteral("--predictions"),
                    m_predictions, QStringLiteral("--run"), QStringLiteral("nosuchrun")});
    QCOMPARE(noRun.exitCode, 1);
    QVERIFY2(noRun.err.find("no run with id 'nosuchrun'") != std::string::npos, noRun.err.c_str());
}

void TestEvalCli::kubeflowConfusionMatrixThroughTheImporter() {
    // The Kubeflow importer keeps the confusion_matrix CSV and its UI metadata; eval pairs them by output index.
    QString why;
    if (!runlens::test::corpusAvailable(&why))
        QSKIP(qPrintable(why));
    const QString cache = path("kubeflow.runlens");
    const auto source = runlens::test::corpusDir() / "kubeflow" / "kfp-v1-output-viewer-fixtures-2018";
    const auto imported = runlensCli({QStringLiteral("--cache"), cache, QStringLiteral("import"),
                                      QString::fromStdString(source.string()), QStringLiteral("--quiet")});
    QVERIFY2(imported.exitCode == 0, imported.err.c_str());
    const auto shown = runlensCli({QStringLiteral("--cache"), cache, QStringLiteral("eval"),
                                   QStringLiteral("confusionmatrix"), QStringLiteral("--json")});
    QVERIFY2(shown.exitCode == 0, shown.err.c_str());
    const json list = json::parse(shown.out);
    QCOMPARE(list.size(), std::size_t{1});
    const json metadata = json::parse(std::ifstream(source / "confusionmatrix" / "metadata.json"));
    QVERIFY(list[0]["labels"] == metadata["labels"]);  // the metadata's order, not sorted
    QCOMPARE(list[0]["source"]["shape"].get<std::string>(), std::string("kubeflow-csv"));
    QCOMPARE(list[0]["confusion"][0][0].get<int>(), 191);
}

void TestEvalCli::clearmlConfusionPlotThroughTheImporter() {
    // report_confusion_matrix in a real ClearML offline session (tests/data/clearml) is kept as a Plotly plot.
    const QString cache = path("clearml.runlens");
    const auto session = runlens::test::dataDir() / "clearml" / "offline-d1e7049c3f5d43f896cb254c744c667a.zip";
    const auto imported = runlensCli({QStringLiteral("--cache"), cache, QStringLiteral("import"),
                                      QString::fromStdString(session.string()), QStringLiteral("--quiet")});
    QVERIFY2(imported.exitCode == 0, imported.err.c_str());
    const auto shown = runlensCli(
        {QStringLiteral("--cache"), cache, QStringLiteral("eval"), QStringLiteral("1"), QStringLiteral("--json")});
    QVERIFY2(shown.exitCode == 0, shown.err.c_str());
    const json list = json::parse(shown.out);
    QCOMPARE(list.size(), std::size_t{1});
    QCOMPARE(list[0]["name"].get<std::string>(), std::string("plots/confusion/val/iter_5.json"));
    QCOMPARE(list[0]["source"]["shape"].get<std::string>(), std::string("plotly-heatmap"));
    QVERIFY(list[0]["confusion"] == json::parse("[[5, 1], [2, 7]]"));
}

void TestEvalCli::usageErrors_data() {
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << QStringList{QStringLiteral("eval")} << "eval needs RUN or --predictions FILE";
    QTest::newRow("unknown option") << QStringList{QStringLiteral("eval"), QStringLiteral("2"), QStringLiteral("--xyz")}
                                    << "unknown option for eval: --xyz";
    QTest::newRow("bad bins") << QStringList{QStringLiteral("eval"), QStringLiteral("--predictions"),
                                             QStringLiteral("x.csv"), QStringLiteral("--bins"), QStringLiteral("0")}
                              << "--bins needs a whole number";
    QTest::newRow("run without predictions")
        << QStringList{QStringLiteral("eval"), QStringLiteral("--run"), QStringLiteral("2")}
        << "--run goes with --predictions FILE";
    QTest::newRow("missing value") << QStringList{QStringLiteral("eval"), QStringLiteral("--predictions")}
                                   << "--predictions needs a value";
}

void TestEvalCli::usageErrors() {
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const auto r = runlensCli(arguments);
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
}

QTEST_GUILESS_MAIN(TestEvalCli)
#include "tst_evalcli.moc"
