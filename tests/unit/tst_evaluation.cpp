// SPDX-License-Identifier: MIT
// Predictions files (CSV, JSON Lines) and logged confusion matrices read into evaluations. The metrics themselves
// are checked against scikit-learn in tst_classification; here the numbers of an evaluation must equal what those
// functions give for the same rows, and every bad input must name the file, the row and the column.
#include "analysis/confusionartifact.h"
#include "analysis/evaluation.h"
#include "analysis/predictions.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

using namespace runlens;
using namespace runlens::analysis;
using json = nlohmann::json;

namespace {

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

class TestEvaluation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void labelsOnlyCsv();
    void binaryScoreCsvDetectsColumnsAndPositiveClass();
    void perClassColumnsAreSortedAndTruthChecked();
    void jsonLinesWithProbabilityArray();
    void configuredColumnsTabsAndQuotes();
    void badInputNamesFileRowAndColumn_data();
    void badInputNamesFileRowAndColumn();
    void largeFileStreams();
    void evaluationMatchesAnalysisFunctions();
    void evaluationJsonRoundTrip();
    void confusionArtifactShapes_data();
    void confusionArtifactShapes();
    void brokenConfusionArtifacts_data();
    void brokenConfusionArtifacts();
    void kubeflowCorpusConfusionMatrix();
    void corpusPerSampleAndHeadersLayouts();
    void mlflowEvaluateMetrics();
    void alignmentKeepsMissingLabelsMissing();
    void radixSortedCurvesMatchComparisonSort();
    void predictionsFilesMatchScikitLearn();
    void realWandbConfusionTable();
    void realMlflowEvaluateMetrics();
    void histogramQuantileEdgesMatchSortedEdges();

private:
    std::string write(const std::string& name, const std::string& text);
    QTemporaryDir m_dir;
};

void TestEvaluation::initTestCase() {
    QVERIFY(m_dir.isValid());
}

std::string TestEvaluation::write(const std::string& name, const std::string& text) {
    const std::string path = m_dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

void TestEvaluation::labelsOnlyCsv() {
    const auto path = write("labels.csv", "id,y_true,y_pred\n1,cat,cat\n2,dog,cat\n3,bird,bird\n4,dog,dog\n");
    auto p = readPredictions(path);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->shape, PredictionShape::Labels);
    QCOMPARE(p->labelColumn, std::string("y_true"));
    QCOMPARE(p->predictedColumn, std::string("y_pred"));
    QCOMPARE(p->classes, (std::vector<std::string>{"bird", "cat", "dog"}));
    QCOMPARE(p->truth, (std::vector<std::int32_t>{1, 2, 0, 2}));
    QCOMPARE(p->predicted, (std::vector<std::int32_t>{1, 1, 0, 2}));
    auto e = evaluatePredictions(*p, "labels.csv");
    QVERIFY(e.ok());
    QVERIFY(!e->brier && !e->logLoss && !e->reliability && !e->roc);
    QCOMPARE(e->confusion.at(2, 1), std::int64_t{1});
    QCOMPARE(e->report.accuracy, 0.75);
    const json doc = evaluationJson(*e);
    QVERIFY(doc["brier"].is_null() && doc["ece"].is_null() && doc["roc"].is_null());
    QCOMPARE(doc["task"].get<std::string>(), std::string("multiclass"));
}

void TestEvaluation::binaryScoreCsvDetectsColumnsAndPositiveClass() {
    const auto path = write("binary.csv", "label,probability\n1,0.9\n0,0.2\n1,0.4\n0,0.7\n0,0.1\n");
    auto p = readPredictions(path);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->shape, PredictionShape::BinaryScore);
    QCOMPARE(p->classes, (std::vector<std::string>{"0", "1"}));
    QCOMPARE(p->positiveClass, std::size_t{1});
    // Threshold 0.5: 0.9 -> 1, 0.2 -> 0, 0.4 -> 0, 0.7 -> 1, 0.1 -> 0.
    QCOMPARE(p->predicted, (std::vector<std::int32_t>{1, 0, 0, 1, 0}));

    // Words: "yes" is the positive class whatever its position; a file of one class still names both.
    auto words = readPredictionsText("target,score\nno,0.3\nno,0.2\n", "words.csv");
    QVERIFY2(words.ok(), words.ok() ? "" : words.error().toString().c_str());
    QCOMPARE(words->classes, (std::vector<std::string>{"no", "yes"}));
    QCOMPARE(words->positiveClass, std::size_t{1});
    auto e = evaluatePredictions(*words, "words.csv");
    QVERIFY(e.ok());
    QVERIFY(!e->roc);  // one class: no curves, but calibration numbers
    QVERIFY(e->brier.has_value());

    // Other names: the greater label is positive, as scikit-learn takes it.
    auto names = readPredictionsText("actual,y_score\ncat,0.3\ndog,0.8\n", "names.csv");
    QVERIFY(names.ok());
    QCOMPARE(names->classes[names->positiveClass], std::string("dog"));
}

void TestEvaluation::perClassColumnsAreSortedAndTruthChecked() {
    const auto path = write("multi.csv", "label,prob_dog,prob_cat,prob_bird\n"
                                         "cat,0.1,0.7,0.2\n"
                                         "dog,0.5,0.3,0.2\n"
                                         "bird,0.2,0.2,0.6\n");
    auto p = readPredictions(path);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->shape, PredictionShape::ClassProbabilities);
    QCOMPARE(p->classes, (std::vector<std::string>{"bird", "cat", "dog"}));
    // Scores are stored in class order, not column order.
    QCOMPARE(p->scores, (std::vector<double>{0.2, 0.7, 0.1, 0.2, 0.3, 0.5, 0.6, 0.2, 0.2}));
    QCOMPARE(p->predicted, (std::vector<std::int32_t>{1, 2, 0}));
    QCOMPARE(p->truth, (std::vector<std::int32_t>{1, 2, 0}));

    // Integer classes sort by value: class 10 after class 2.
    std::string text = "y_true";
    for (int c = 0; c < 11; ++c)
        text += ",p_" + std::to_string(c);
    text += "\n10";
    for (int c = 0; c < 11; ++c)
        text += c == 10 ? ",0.9" : ",0.01";
    text += "\n";
    auto numeric = readPredictionsText(text, "numeric.csv");
    QVERIFY2(numeric.ok(), numeric.ok() ? "" : numeric.error().toString().c_str());
    QCOMPARE(numeric->classes.back(), std::string("10"));
    QCOMPARE(numeric->truth.front(), 10);
    QCOMPARE(numeric->predicted.front(), 10);
}

void TestEvaluation::jsonLinesWithProbabilityArray() {
    const auto path = write("preds.jsonl", "{\"id\": 1, \"label\": 2, \"probabilities\": [0.1, 0.2, 0.7]}\n"
                                           "\n"
                                           "{\"id\": 2, \"label\": 0, \"probabilities\": [0.6, 0.3, 0.1]}\n"
                                           "{\"id\": 3, \"label\": 1, \"probabilities\": [0.5, 0.4, 0.1]}\n");
    auto p = readPredictions(path);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->format, std::string("jsonl"));
    QCOMPARE(p->classes, (std::vector<std::string>{"0", "1", "2"}));
    QCOMPARE(p->truth, (std::vector<std::int32_t>{2, 0, 1}));
    QCOMPARE(p->predicted, (std::vector<std::int32_t>{2, 0, 0}));
    auto e = evaluatePredictions(*p, "preds.jsonl");
    QVERIFY(e.ok());
    QCOMPARE(e->perClassReliability.size(), std::size_t{3});

    auto flat = readPredictionsText("{\"actual\": \"spam\", \"predicted\": \"ham\", \"score\": 0.4}\n", "flat.jsonl");
    QVERIFY2(flat.ok(), flat.ok() ? "" : flat.error().toString().c_str());
    QCOMPARE(flat->shape, PredictionShape::BinaryScore);
    QCOMPARE(flat->predictedColumn, std::string("predicted"));
}

void TestEvaluation::configuredColumnsTabsAndQuotes() {
    PredictionColumns columns;
    columns.label = "gold";
    columns.scores = {"P(pos)"};
    columns.positiveLabel = "pos";
    columns.threshold = 0.3;
    auto p = readPredictionsText("gold\tP(pos)\tnote\npos\t0.35\tx\nneg\t0.1\ty\n", "tabs.tsv", columns);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->classes, (std::vector<std::string>{"neg", "pos"}));
    QCOMPARE(p->predicted, (std::vector<std::int32_t>{1, 0}));

    auto quoted = readPredictionsText("label,prediction,comment\n\"a, b\",\"a, b\",\"two\nlines\"\nc,c,x\n", "q.csv");
    QVERIFY2(quoted.ok(), quoted.ok() ? "" : quoted.error().toString().c_str());
    QCOMPARE(quoted->classes, (std::vector<std::string>{"a, b", "c"}));
    QCOMPARE(quoted->rows(), std::size_t{2});
}

void TestEvaluation::badInputNamesFileRowAndColumn_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("labelColumn");
    QTest::addColumn<QString>("position");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty file") << ""
                                << ""
                                << ""
                                << "the file is empty";
    QTest::newRow("blank lines only") << "\n\n  \n"
                                      << ""
                                      << ""
                                      << "the file is empty";
    QTest::newRow("header only") << "label,prediction\n"
                                 << ""
                                 << ""
                                 << "no rows";
    QTest::newRow("configured column missing") << "truth,prediction\na,a\n"
                                               << "label"
                                               << "column 'label'"
                                               << "missing label column 'label' (columns: truth, prediction)";
    QTest::newRow("no label column") << "foo,bar\n1,2\n"
                                     << ""
                                     << "header"
                                     << "no true-label column";
    QTest::newRow("no prediction column") << "label,bar\n1,2\n"
                                          << ""
                                          << "header"
                                          << "no prediction or probability";
    QTest::newRow("probability above one") << "label,probability\n1,0.5\n0,1.5\n"
                                           << ""
                                           << "row 2 (line 3), column 'probability'"
                                           << "1.5 is outside [0, 1]";
    QTest::newRow("negative probability") << "label,prob_a,prob_b\na,0.5,0.5\nb,-0.1,1\n"
                                          << ""
                                          << "row 2 (line 3), column 'prob_a'"
                                          << "-0.1 is outside [0, 1]";
    QTest::newRow("NaN probability") << "label,score\n1,nan\n"
                                     << ""
                                     << "row 1 (line 2), column 'score'"
                                     << "probability is NaN";
    QTest::newRow("not a number") << "label,score\n1,0.2\n1,high\n"
                                  << ""
                                  << "row 2 (line 3), column 'score'"
                                  << "'high' is not a number";
    QTest::newRow("label without a column") << "label,prob_a,prob_b\na,0.5,0.5\nc,0.2,0.8\n"
                                            << ""
                                            << "row 2, column 'label'"
                                            << "label 'c' has no probability column";
    QTest::newRow("array of another width")
        << "{\"label\": 0, \"probs\": [0.5, 0.5]}\n{\"label\": 1, \"probs\": [0.2, 0.3, 0.5]}\n"
        << ""
        << "row 2, column 'probs'"
        << "3 probabilities, but the first row has 2";
    QTest::newRow("array classes do not match labels")
        << "{\"label\": \"a\", \"probs\": [0.5, 0.2, 0.3]}\n{\"label\": \"b\", \"probs\": [0.2, 0.3, 0.5]}\n"
        << ""
        << "column 'probs'"
        << "3 probabilities per row but 2 labels";
    QTest::newRow("three labels, one score") << "label,score\na,0.5\nb,0.2\nc,0.9\n"
                                             << ""
                                             << "column 'label'"
                                             << "needs two classes";
    QTest::newRow("ragged row") << "label,prediction\na,a\nb\n"
                                << ""
                                << "row 2 (line 3)"
                                << "1 fields, but the header has 2";
    QTest::newRow("empty label") << "label,prediction\na,a\n,b\n"
                                 << ""
                                 << "row 2 (line 3), column 'label'"
                                 << "the true label is empty";
    QTest::newRow("JSON Lines field missing") << "{\"label\": 1, \"score\": 0.5}\n{\"label\": 0}\n"
                                              << ""
                                              << "row 2, column 'score'"
                                              << "missing field 'score'";
    QTest::newRow("JSON Lines without a label field") << "{\"x\": 1, \"score\": 0.5}\n"
                                                      << ""
                                                      << "line 1"
                                                      << "no true-label column";
    QTest::newRow("JSON Lines junk") << "{\"label\": 1, \"score\": 0.5}\n[1, 2]\n"
                                     << ""
                                     << "row 2"
                                     << "not a JSON object";
}

void TestEvaluation::badInputNamesFileRowAndColumn() {
    QFETCH(QString, text);
    QFETCH(QString, labelColumn);
    QFETCH(QString, position);
    QFETCH(QString, message);
    const auto path = write("bad.csv", text.toStdString());
    PredictionColumns columns;
    columns.label = labelColumn.toStdString();
    auto p = readPredictions(path, columns);
    QVERIFY(!p.ok());
    const Error& e = p.error();
    QCOMPARE(e.file, path);
    QVERIFY2(e.position.find(position.toStdString()) != std::string::npos, e.toString().c_str());
    QVERIFY2(e.message.find(message.toStdString()) != std::string::npos, e.toString().c_str());
}

void TestEvaluation::largeFileStreams() {
    // Larger than the reader's 1 MiB chunk, so rows cross chunk boundaries.
    std::string text = "label,probability\n";
    std::int64_t positives = 0;
    for (int i = 0; i < 200000; ++i) {
        const bool y = i % 3 == 0;
        positives += y ? 1 : 0;
        text += (y ? "1," : "0,") + std::to_string((i % 1000) / 1000.0) + "\n";
    }
    const auto path = write("large.csv", text);
    auto p = readPredictions(path);
    QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
    QCOMPARE(p->rows(), std::size_t{200000});
    auto e = evaluatePredictions(*p, "large.csv");
    QVERIFY(e.ok());
    QCOMPARE(e->report.perClass[1].support, positives);
    QCOMPARE(e->reliability->total, std::int64_t{200000});
}

void TestEvaluation::evaluationMatchesAnalysisFunctions() {
    const std::string text = "label,probability\n1,0.91\n0,0.12\n1,0.45\n0,0.66\n0,0.05\n1,0.77\n1,0.5\n0,0.5\n";
    auto p = readPredictionsText(text, "b.csv");
    QVERIFY(p.ok());
    EvaluationOptions options;
    options.bins = 4;
    auto e = evaluatePredictions(*p, "b.csv", options);
    QVERIFY(e.ok());
    const std::vector<double> scores{0.91, 0.12, 0.45, 0.66, 0.05, 0.77, 0.5, 0.5};
    const std::vector<std::uint8_t> positive{1, 0, 1, 0, 0, 1, 1, 0};
    const std::vector<std::string> truth{"1", "0", "1", "0", "0", "1", "1", "0"};
    const std::vector<std::string> predicted{"1", "0", "0", "1", "0", "1", "1", "1"};
    auto matrix = confusionMatrix(truth, predicted);
    QVERIFY(matrix.ok());
    QCOMPARE(e->confusion.counts, matrix->counts);
    const auto report = classificationReport(*matrix);
    QCOMPARE(e->report.matthews, report.matthews);
    QCOMPARE(e->report.cohenKappa, report.cohenKappa);
    QCOMPARE(*e->brier, *brierScore(scores, positive));
    QCOMPARE(*e->logLoss, *logLoss(scores, positive));
    auto diagram = reliabilityDiagram(scores, positive, 4, Binning::Uniform);
    QCOMPARE(e->reliability->ece, diagram->ece);
    QCOMPARE(e->reliability->mce, diagram->mce);
    auto curves = binaryCurves(scores, positive);
    QCOMPARE(e->roc->auc, curves->roc.auc);
    QCOMPARE(e->pr->averagePrecision, curves->pr.averagePrecision);
    QCOMPARE(e->roc->thresholds, curves->roc.thresholds);

    // Two per-class columns are a binary problem: the same numbers from the positive column.
    auto two = readPredictionsText(
        "label,prob_0,prob_1\n1,0.09,0.91\n0,0.88,0.12\n1,0.55,0.45\n0,0.34,0.66\n0,0.95,0.05\n1,0.23,0.77\n"
        "1,0.5,0.5\n0,0.5,0.5\n",
        "two.csv");
    QVERIFY(two.ok());
    auto e2 = evaluatePredictions(*two, "two.csv", options);
    QVERIFY(e2.ok());
    QCOMPARE(e2->roc->auc, curves->roc.auc);
    QVERIFY(std::fabs(*e2->brier - *e->brier) < 1e-12);
}

void TestEvaluation::evaluationJsonRoundTrip() {
    auto p = readPredictionsText("label,prob_a,prob_b,prob_c\na,0.7,0.2,0.1\nb,0.3,0.6,0.1\nc,0.5,0.1,0.4\n"
                                 "a,0.2,0.2,0.6\n",
                                 "m.csv");
    QVERIFY(p.ok());
    auto e = evaluatePredictions(*p, "m.csv");
    QVERIFY(e.ok());
    const json doc = evaluationJson(*e);
    for (const char* key : {"name",     "source", "task",      "labels", "confusion", "accuracy", "balanced_accuracy",
                            "kappa",    "mcc",    "per_class", "macro",  "micro",     "weighted", "brier",
                            "log_loss", "ece",    "mce",       "bins",   "roc",       "pr"})
        QVERIFY2(doc.contains(key), key);
    QCOMPARE(doc["source"]["kind"].get<std::string>(), std::string("predictions"));
    QCOMPARE(doc["source"]["rows"].get<int>(), 4);
    QVERIFY(doc["confusion"] == json::parse("[[1,0,1],[0,1,0],[1,0,0]]"));
    QCOMPARE(doc["bins"].size(), std::size_t{15});
    QVERIFY(doc["bins"][0]["mean_confidence"].is_string());  // an empty bin: "NaN"
    auto back = evaluationFromJson(json::parse(doc.dump()));
    QVERIFY(back.ok());
    QCOMPARE(back->confusion.counts, e->confusion.counts);
    QCOMPARE(back->report.accuracy, e->report.accuracy);
    QCOMPARE(back->reliability->ece, e->reliability->ece);
    QCOMPARE(back->perClassReliability.size(), std::size_t{3});
    QCOMPARE(back->perClassReliability[1].ece, e->perClassReliability[1].ece);
    QCOMPARE(*back->brier, *e->brier);
    QVERIFY(!evaluationFromJson(json::parse("{\"labels\": [\"a\"]}")).ok());
}

void TestEvaluation::confusionArtifactShapes_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<QString>("labels");
    QTest::addColumn<QString>("counts");
    QTest::newRow("labels + nested matrix") << R"({"labels": ["cat", "dog"], "matrix": [[5, 1], [2, 7]]})"
                                            << "labels+matrix"
                                            << "cat,dog"
                                            << "5,1,2,7";
    QTest::newRow("scikit-learn display labels")
        << R"({"display_labels": [0, 1, 2], "confusion_matrix": [[3, 0, 0], [1, 4, 0], [0, 0, 2]]})"
        << "labels+matrix"
        << "0,1,2"
        << "3,0,0,1,4,0,0,0,2";
    QTest::newRow("bare confusion_matrix().tolist()") << "[[9, 1], [0, 10]]"
                                                      << "nested-list"
                                                      << "0,1"
                                                      << "9,1,0,10";
    QTest::newRow("whole floats") << R"({"classes": ["x", "y"], "values": [[1.0, 2.0], [3.0, 4.0]]})"
                                  << "labels+matrix"
                                  << "x,y"
                                  << "1,2,3,4";
    QTest::newRow("nested object") << R"({"confusion_matrix": {"labels": ["a", "b"], "matrix": [[1, 0], [0, 1]]}})"
                                   << "labels+matrix"
                                   << "a,b"
                                   << "1,0,0,1";
    // wandb.plot.confusion_matrix logs one row per (actual, predicted) pair.
    QTest::newRow("W&B confusion table") << R"({"_type": "table", "columns": ["Actual", "Predicted", "nPredictions"],
              "data": [["ant", "ant", 4], ["ant", "bee", 1], ["bee", "ant", 0], ["bee", "bee", 6]],
              "ncols": 3, "nrows": 4})"
                                         << "wandb-table"
                                         << "ant,bee"
                                         << "4,1,0,6";
    // MLflow evaluate() tables and pandas to_json(orient="split"): one row per sample.
    QTest::newRow("split table of samples")
        << R"({"columns": ["feature", "target", "prediction"], "data": [[0.1, "a", "a"], [0.2, "b", "a"]]})"
        << "split-table-samples"
        << "a,b"
        << "1,0,1,0";
    QTest::newRow("records (DVC)") << R"([{"actual": "1", "predicted": "1"}, {"actual": "0", "predicted": "1"}])"
                                   << "records"
                                   << "1,0"
                                   << "1,0,1,0";
    // ClearML's report_confusion_matrix, as its offline session stores the plot (tests/data/clearml).
    QTest::newRow("ClearML Plotly heatmap")
        << R"({"data": [{"x": null, "y": null, "z": [[5.0, 1.0], [2.0, 7.0]], "type": "heatmap",
              "texttemplate": "%{z}"}], "layout": {"title": "confusion", "name": "val"}})"
        << "plotly-heatmap"
        << "0,1"
        << "5,1,2,7";
    QTest::newRow("Plotly heatmap with labels")
        << R"({"data": [{"x": ["a", "b"], "y": ["a", "b"], "z": [[3, 0], [1, 4]], "type": "heatmap"}]})"
        << "plotly-heatmap"
        << "a,b"
        << "3,0,1,4";
    QTest::newRow("headed CSV triples") << "target,predicted,count\nyes,yes,3\nyes,no,1\nno,no,5\n"
                                        << "csv-triples"
                                        << "yes,no"
                                        << "3,1,0,5";
}

void TestEvaluation::confusionArtifactShapes() {
    QFETCH(QString, text);
    QFETCH(QString, shape);
    QFETCH(QString, labels);
    QFETCH(QString, counts);
    auto read = readConfusionArtifact(text.toStdString(), "cm.json");
    QVERIFY2(read.ok(), read.ok() ? "" : read.error().toString().c_str());
    QVERIFY(read->has_value());
    const auto& m = (*read)->matrix;
    QCOMPARE(QString::fromStdString((*read)->shape), shape);
    QStringList l;
    for (const auto& s : m.labels)
        l << QString::fromStdString(s);
    QCOMPARE(l.join(QLatin1Char(',')), labels);
    QStringList c;
    for (auto v : m.counts)
        c << QString::number(v);
    QCOMPARE(c.join(QLatin1Char(',')), counts);
}

void TestEvaluation::brokenConfusionArtifacts_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("message");
    QTest::newRow("ragged") << R"({"labels": ["a", "b"], "matrix": [[1, 2], [3]]})"
                            << "matrix row 2: has 1 cells";
    QTest::newRow("too few labels") << R"({"labels": ["a"], "matrix": [[1, 2], [3, 4]]})"
                                    << "1 labels for a 2x2 matrix";
    QTest::newRow("negative count") << R"({"labels": ["a", "b"], "matrix": [[1, -2], [3, 4]]})"
                                    << "matrix row 1, column 2: '-2' is not a whole, non-negative count";
    QTest::newRow("fractional count in table")
        << R"({"_type": "table", "columns": ["Actual", "Predicted", "nPredictions"], "data": [["a", "a", 1.5]]})"
        << "data row 1, column 'nPredictions'";
    QTest::newRow("bad CSV count") << "actual,predicted,count\na,a,1\na,b,x\n"
                                   << "line 3, column 3";
}

void TestEvaluation::brokenConfusionArtifacts() {
    QFETCH(QString, text);
    QFETCH(QString, message);
    auto read = readConfusionArtifact(text.toStdString(), "cm.json");
    QVERIFY(!read.ok());
    QCOMPARE(read.error().file, std::string("cm.json"));
    QVERIFY2(read.error().toString().find(message.toStdString()) != std::string::npos, read.error().toString().c_str());

    // Things that are no confusion matrix at all are not errors.
    for (const char* other : {"{\"loss\": 0.3}", "step,value\n1,2\n", "not json {", "[1, 2, 3]"}) {
        auto none = readConfusionArtifact(other, "other.json");
        QVERIFY(none.ok());
        QVERIFY(!none->has_value());
    }
}

void TestEvaluation::kubeflowCorpusConfusionMatrix() {
    QString why;
    if (!test::corpusAvailable(&why))
        QSKIP(qPrintable(why));
    const auto folder = test::corpusDir() / "kubeflow" / "kfp-v1-output-viewer-fixtures-2018" / "confusionmatrix";
    const json metadata = json::parse(readText(folder / "metadata.json"));
    const auto labels = metadata["labels"].get<std::vector<std::string>>();
    const std::string csv = readText(folder / "confusion_matrix.csv");
    auto read = kubeflowConfusion(csv, labels, "confusion_matrix.csv");
    QVERIFY2(read.ok(), read.ok() ? "" : read.error().toString().c_str());
    QCOMPARE(read->matrix.labels, labels);
    QCOMPARE(read->matrix.size(), std::size_t{20});
    // The first rows of the file: hockey was hockey 191 times, christian 1, motorcycles 7.
    QCOMPARE(read->matrix.at(0, 0), std::int64_t{191});
    QCOMPARE(read->matrix.at(0, 1), std::int64_t{1});
    QCOMPARE(read->matrix.at(0, 2), std::int64_t{7});
    std::int64_t total = 0;
    std::size_t lines = 0;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) {
        if (line.empty())
            continue;
        ++lines;
        total += std::stoll(line.substr(line.rfind(',') + 1));
    }
    QCOMPARE(lines, std::size_t{400});
    QCOMPARE(read->matrix.total(), total);

    auto unknown = kubeflowConfusion("a,a,1\na,z,2\n", {"a", "b"}, "cm.csv");
    QVERIFY(!unknown.ok());
    QVERIFY(unknown.error().message.find("'z' is not in the metadata's labels") != std::string::npos);
}

void TestEvaluation::corpusPerSampleAndHeadersLayouts() {
    QString why;
    if (!test::corpusAvailable(&why))
        QSKIP(qPrintable(why));
    const auto kfp = test::corpusDir() / "kubeflow" / "kfp-v1-output-viewer-fixtures-2018" / "pipeline-data" /
                     "5.evaluation" / "confusion_matrix.json";
    auto headers = readConfusionArtifact(readText(kfp), kfp.string());
    QVERIFY2(headers.ok() && headers->has_value(),
             headers.ok() ? "not recognised" : headers.error().toString().c_str());
    QCOMPARE((*headers)->matrix.labels, (std::vector<std::string>{"ACTION", "NONE"}));
    QCOMPARE((*headers)->matrix.counts, (std::vector<std::int64_t>{1939, 575, 425, 3570}));

    const auto dvc = test::corpusDir() / "dvc" / "dvc-3.x-dvclive-eval-cm-roc-prc" / "eval" / "live" / "plots" /
                     "sklearn" / "cm" / "test.json";
    const std::string text = readText(dvc);
    auto records = readConfusionArtifact(text, dvc.string());
    QVERIFY2(records.ok() && records->has_value(),
             records.ok() ? "not recognised" : records.error().toString().c_str());
    QCOMPARE((*records)->matrix.total(), static_cast<std::int64_t>(json::parse(text).size()));
}

void TestEvaluation::mlflowEvaluateMetrics() {
    auto m = mlflowBinaryConfusion(50.0, 3.0, 7.0, 40.0);
    QVERIFY(m.has_value());
    QCOMPARE(m->matrix.labels, (std::vector<std::string>{"0", "1"}));
    QCOMPARE(m->matrix.counts, (std::vector<std::int64_t>{50, 3, 7, 40}));
    QVERIFY(!mlflowBinaryConfusion(50.0, 3.0, std::nullopt, 40.0));
    QVERIFY(!mlflowBinaryConfusion(50.0, 3.5, 1.0, 40.0));
    const auto e = evaluateConfusion(m->matrix, "metrics", "", m->shape);
    const json doc = evaluationJson(e);
    QCOMPARE(doc["source"]["kind"].get<std::string>(), std::string("confusion_artifact"));
    QCOMPARE(doc["accuracy"].get<double>(), 0.9);
    QVERIFY(doc["brier"].is_null() && doc["bins"].empty());
}

void TestEvaluation::alignmentKeepsMissingLabelsMissing() {
    ConfusionMatrix a{{"cat", "dog"}, {5, 1, 2, 7}};
    ConfusionMatrix b{{"bird", "cat", "dog"}, {3, 0, 1, 0, 6, 0, 1, 1, 8}};
    const std::vector<ConfusionMatrix> both{a, b};
    const auto aligned = alignConfusionMatrices(both);
    QCOMPARE(aligned.labels, (std::vector<std::string>{"bird", "cat", "dog"}));
    QVERIFY(!aligned.cell(0, 0, 0).has_value());  // run A never saw a bird: missing, not zero
    QVERIFY(!aligned.cell(0, 1, 0).has_value());
    QCOMPARE(*aligned.cell(0, 1, 2), std::int64_t{1});
    QCOMPARE(*aligned.cell(1, 0, 0), std::int64_t{3});
}

namespace {

// ROC AUC and the PR points straight from a comparison sort, every distinct score a point.
template <typename T> void checkCurvesAgainstSort(const std::vector<T>& scores, const std::vector<std::uint8_t>& y) {
    std::vector<std::pair<T, std::uint8_t>> pairs;
    for (std::size_t i = 0; i < scores.size(); ++i)
        pairs.emplace_back(scores[i], y[i]);
    std::sort(pairs.begin(), pairs.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    const double positives = static_cast<double>(std::count(y.begin(), y.end(), std::uint8_t{1}));
    const double negatives = static_cast<double>(y.size()) - positives;
    std::vector<double> thresholds;
    std::vector<double> precision;
    double tps = 0;
    double fps = 0;
    double area = 0;
    for (std::size_t i = 0; i < pairs.size();) {
        const double beforeTps = tps;
        const double beforeFps = fps;
        const T s = pairs[i].first;
        for (; i < pairs.size() && pairs[i].first == s; ++i)
            (pairs[i].second != 0 ? tps : fps) += 1;
        area += (fps - beforeFps) / negatives * (tps + beforeTps) / positives / 2.0;
        thresholds.push_back(static_cast<double>(s));
        precision.push_back(tps / (tps + fps));
    }
    std::reverse(thresholds.begin(), thresholds.end());
    std::reverse(precision.begin(), precision.end());
    auto curves = binaryCurves(scores, y);
    QVERIFY(curves.ok());
    QVERIFY(std::fabs(curves->roc.auc - area) < 1e-12);
    QCOMPARE(curves->pr.thresholds, thresholds);
    precision.push_back(1.0);
    QCOMPARE(curves->pr.precision, precision);
    QVERIFY(std::is_sorted(curves->roc.thresholds.rbegin(), curves->roc.thresholds.rend()));
}

}  // namespace

void TestEvaluation::radixSortedCurvesMatchComparisonSort() {
    // Large enough for the radix path; ties, negative scores (logits) and both zeros included.
    std::mt19937_64 rng(11);
    std::normal_distribution<double> noise(0.0, 2.0);
    std::vector<double> scores;
    std::vector<float> floats;
    std::vector<std::uint8_t> y;
    for (int i = 0; i < 50000; ++i) {
        const bool positive = rng() % 3 == 0;
        double s = noise(rng) + (positive ? 1.0 : 0.0);
        if (i % 7 == 0)
            s = std::round(s * 4) / 4;  // ties
        if (i % 101 == 0)
            s = i % 202 == 0 ? 0.0 : -0.0;
        scores.push_back(s);
        floats.push_back(static_cast<float>(s));
        y.push_back(positive ? 1 : 0);
    }
    checkCurvesAgainstSort(scores, y);
    checkCurvesAgainstSort(floats, y);
}

void TestEvaluation::histogramQuantileEdgesMatchSortedEdges() {
    // Per-class quantile bins of the multi-class path (histogram selection) against the binary path (full sort) on
    // the same column: edges and counts must be identical. Values crowd into few buckets and repeat.
    constexpr std::size_t rows = 20000;
    constexpr std::size_t classes = 3;
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<double> values(rows * classes);
    std::vector<std::int32_t> truth(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        truth[r] = static_cast<std::int32_t>(rng() % classes);
        const double a = r % 5 == 0 ? 0.25 : 1e-5 * unit(rng) + (truth[r] == 0 ? 0.5 : 0.0);
        const double b = unit(rng) * (1 - a) * (r % 3 == 0 ? 1e-6 : 1.0);
        values[r * classes] = a;
        values[r * classes + 1] = b;
        values[r * classes + 2] = 1 - a - b < 0 ? 0 : 1 - a - b;
    }
    for (int bins : {1, 7, 15, 40}) {
        auto multi = multiclassCalibration({values, classes}, truth, bins, Binning::Quantile);
        QVERIFY(multi.ok());
        for (std::size_t c = 0; c < classes; ++c) {
            std::vector<double> column(rows);
            std::vector<std::uint8_t> positive(rows);
            for (std::size_t r = 0; r < rows; ++r) {
                column[r] = values[r * classes + c];
                positive[r] = truth[r] == static_cast<std::int32_t>(c) ? 1 : 0;
            }
            auto single = reliabilityDiagram(column, positive, bins, Binning::Quantile);
            QVERIFY(single.ok());
            const auto& m = multi->perClass[c];
            QCOMPARE(m.bins.size(), single->bins.size());
            for (std::size_t i = 0; i < m.bins.size(); ++i) {
                QCOMPARE(m.bins[i].lower, single->bins[i].lower);
                QCOMPARE(m.bins[i].upper, single->bins[i].upper);
                QCOMPARE(m.bins[i].count, single->bins[i].count);
            }
            QVERIFY(std::fabs(m.ece - single->ece) < 1e-12);
        }
    }
}

namespace {

json fixtureJson(const char* name) {
    return json::parse(readText(test::dataDir() / "evaluation" / name));
}

void near(const char* what, double actual, const json& expected) {
    const double e = expected.get<double>();
    QVERIFY2(std::fabs(actual - e) <= 1e-9 * std::max(1.0, std::fabs(e)),
             qPrintable(QStringLiteral("%1: %2, scikit-learn %3")
                            .arg(QLatin1String(what))
                            .arg(actual, 0, 'g', 17)
                            .arg(e, 0, 'g', 17)));
}

}  // namespace

void TestEvaluation::predictionsFilesMatchScikitLearn() {
    // Files and numbers from tests/tools/make_evaluation_fixtures.py (scikit-learn 1.9.1).
    const json expected = fixtureJson("sklearn_expected.json");
    for (const char* kind : {"binary", "multiclass"}) {
        const json& x = expected[kind];
        auto p =
            readPredictions((test::dataDir() / "evaluation" / ("predictions_" + std::string(kind) + ".csv")).string());
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().toString().c_str());
        auto e = evaluatePredictions(*p, kind);
        QVERIFY(e.ok());
        QCOMPARE(e->confusion.labels, x["labels"].get<std::vector<std::string>>());
        for (std::size_t t = 0; t < e->confusion.size(); ++t)
            for (std::size_t q = 0; q < e->confusion.size(); ++q)
                QCOMPARE(e->confusion.at(t, q), x["confusion"][t][q].get<std::int64_t>());
        near("accuracy", e->report.accuracy, x["accuracy"]);
        near("balanced_accuracy", e->report.balancedAccuracy, x["balanced_accuracy"]);
        near("kappa", e->report.cohenKappa, x["kappa"]);
        near("mcc", e->report.matthews, x["mcc"]);
        near("f1_macro", e->report.macro.f1, x["f1_macro"]);
        near("brier", *e->brier, x["brier"]);
        near("log_loss", *e->logLoss, x["log_loss"]);
        if (x.contains("roc_auc")) {
            near("roc_auc", e->roc->auc, x["roc_auc"]);
            near("average_precision", e->pr->averagePrecision, x["average_precision"]);
        } else {
            near("f1_weighted", e->report.weighted.f1, x["f1_weighted"]);
            // One-vs-rest curves per class, kept through the JSON document.
            auto back = evaluationFromJson(json::parse(evaluationJson(*e).dump()));
            QVERIFY(back.ok());
            QCOMPARE(back->perClassRoc.size(), e->confusion.size());
            for (std::size_t c = 0; c < e->confusion.size(); ++c) {
                near("ovr_roc_auc", e->perClassRoc[c]->auc, x["ovr_roc_auc"][c]);
                near("ovr_average_precision", e->perClassPr[c]->averagePrecision, x["ovr_average_precision"][c]);
                near("ovr_roc_auc (read back)", back->perClassRoc[c]->auc, x["ovr_roc_auc"][c]);
                QCOMPARE(back->perClassRoc[c]->fpr.size(), e->perClassRoc[c]->fpr.size());
            }
        }
    }
}

void TestEvaluation::realWandbConfusionTable() {
    // The table wandb.plot.confusion_matrix wrote in an offline run (wandb 0.19.11).
    const std::string text = readText(test::dataDir() / "evaluation" / "wandb_confusion_matrix.table.json");
    auto read = readConfusionArtifact(text, "wandb_confusion_matrix.table.json");
    QVERIFY2(read.ok() && read->has_value(), read.ok() ? "not recognised" : read.error().toString().c_str());
    const json expected = fixtureJson("wandb_expected.json");
    QCOMPARE((*read)->matrix.labels, expected["labels"].get<std::vector<std::string>>());
    for (std::size_t t = 0; t < 3; ++t)
        for (std::size_t q = 0; q < 3; ++q)
            QCOMPARE((*read)->matrix.at(t, q), expected["confusion"][t][q].get<std::int64_t>());
}

void TestEvaluation::realMlflowEvaluateMetrics() {
    // The metrics mlflow.evaluate() (MLflow 3.17.2, default evaluator) logged for a binary classifier.
    const json logged = fixtureJson("mlflow_evaluate_metrics.json");
    auto m = mlflowBinaryConfusion(logged["true_negatives"].get<double>(), logged["false_positives"].get<double>(),
                                   logged["false_negatives"].get<double>(), logged["true_positives"].get<double>());
    QVERIFY(m.has_value());
    for (std::size_t t = 0; t < 2; ++t)
        for (std::size_t q = 0; q < 2; ++q)
            QCOMPARE(m->matrix.at(t, q), logged["sklearn_confusion"][t][q].get<std::int64_t>());
    near("accuracy", classificationReport(m->matrix).accuracy, logged["accuracy_score"]);
}

QTEST_GUILESS_MAIN(TestEvaluation)
#include "tst_evaluation.moc"
