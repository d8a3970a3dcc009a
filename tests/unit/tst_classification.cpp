// SPDX-License-Identifier: MIT
// Confusion metrics, calibration and ranking curves against scikit-learn's answers for the same inputs
// (tests/data/analysis/classification_reference.json, written by tests/tools/make_classification_reference.py).
// Real numbers must agree to 1e-9: absolute for |expected| <= 1 (rates, probabilities), relative above (log loss,
// thresholds). Counts, label lists and curve lengths must agree exactly.
#include "analysis/calibration.h"
#include "analysis/classification.h"
#include "analysis/curves.h"
#include "testsupport.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

using namespace runlens;
using namespace runlens::analysis;
using json = nlohmann::json;

namespace {

constexpr double tolerance = 1e-9;

const json& reference() {
    static const json document = [] {
        std::ifstream in(test::dataDir() / "analysis" / "classification_reference.json");
        return in ? json::parse(in, nullptr, false) : json();
    }();
    return document;
}

const json* findCase(const std::string& name) {
    for (const auto& c : reference()["cases"]) {
        if (c["name"] == name)
            return &c;
    }
    return nullptr;
}

// Collects every mismatch so one failing run shows all of them, not just the first.
class Checker {
public:
    void number(const std::string& what, double actual, const json& expected) {
        if (expected.is_null()) {
            if (!std::isnan(actual))
                fail(what, actual, "null (NaN)");
            return;
        }
        if (expected.is_string()) {
            const double infinity = expected == "inf" ? HUGE_VAL : -HUGE_VAL;
            if (actual != infinity)
                fail(what, actual, expected.get<std::string>());
            return;
        }
        const double e = expected.get<double>();
        if (!(std::fabs(actual - e) <= tolerance * std::max(1.0, std::fabs(e))))
            fail(what, actual, expected.dump());
    }
    void integer(const std::string& what, std::int64_t actual, const json& expected) {
        if (actual != expected.get<std::int64_t>())
            fail(what, static_cast<double>(actual), expected.dump());
    }
    void numbers(const std::string& what, const std::vector<double>& actual, const json& expected) {
        if (actual.size() != expected.size()) {
            m_failures.push_back(what + ": " + std::to_string(actual.size()) + " values, expected " +
                                 std::to_string(expected.size()));
            return;
        }
        for (std::size_t i = 0; i < actual.size(); ++i)
            number(what + "[" + std::to_string(i) + "]", actual[i], expected[i]);
    }
    void diagram(const std::string& what, const ReliabilityDiagram& actual, const json& expected) {
        integer(what + ".total", actual.total, expected["total"]);
        number(what + ".ece", actual.ece, expected["ece"]);
        number(what + ".mce", actual.mce, expected["mce"]);
        const auto& bins = expected["bins"];
        if (actual.bins.size() != bins.size()) {
            m_failures.push_back(what + ": " + std::to_string(actual.bins.size()) + " bins, expected " +
                                 std::to_string(bins.size()));
            return;
        }
        for (std::size_t b = 0; b < bins.size(); ++b) {
            const auto& a = actual.bins[b];
            const auto& e = bins[b];
            const std::string at = what + ".bins[" + std::to_string(b) + "]";
            number(at + ".lower", a.lower, e["lower"]);
            number(at + ".upper", a.upper, e["upper"]);
            integer(at + ".count", a.count, e["count"]);
            number(at + ".confidence", a.meanConfidence, e["confidence"]);
            number(at + ".observed", a.observed, e["observed"]);
            number(at + ".wilson_low", a.wilsonLow, e["wilson_low"]);
            number(at + ".wilson_high", a.wilsonHigh, e["wilson_high"]);
        }
    }
    void failure(const std::string& message) { m_failures.push_back(message); }

    bool ok() const { return m_failures.empty(); }
    QByteArray report() const {
        std::string text = std::to_string(m_failures.size()) + " mismatches:";
        for (std::size_t i = 0; i < std::min<std::size_t>(m_failures.size(), 12); ++i)
            text += "\n  " + m_failures[i];
        return QByteArray::fromStdString(text);
    }

private:
    void fail(const std::string& what, double actual, const std::string& expected) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%.17g", actual);
        m_failures.push_back(what + ": got " + buffer + ", expected " + expected);
    }
    std::vector<std::string> m_failures;
};

std::vector<std::uint8_t> bytes(const json& values) {
    std::vector<std::uint8_t> out;
    out.reserve(values.size());
    for (const auto& v : values)
        out.push_back(v.get<int>() != 0 ? 1 : 0);
    return out;
}

std::vector<double> flatten(const json& rows) {
    std::vector<double> out;
    for (const auto& row : rows) {
        for (const auto& v : row)
            out.push_back(v.get<double>());
    }
    return out;
}

void addCaseRows(const char* kind) {
    QTest::addColumn<QString>("name");
    for (const auto& c : reference()["cases"]) {
        if (kind == nullptr || c["kind"] == kind) {
            const auto name = c["name"].get<std::string>();
            QTest::addRow("%s", name.c_str()) << QString::fromStdString(name);
        }
    }
}

#define FETCH_CASE()                                                                                                   \
    QFETCH(QString, name);                                                                                             \
    const json* found = findCase(name.toStdString());                                                                  \
    QVERIFY(found != nullptr);                                                                                         \
    const json& testCase = *found;                                                                                     \
    const json& expected = testCase["expected"]

}  // namespace

class TestClassification : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void confusionMetrics_data() { addCaseRows(nullptr); }
    void confusionMetrics();
    void binaryCalibration_data() { addCaseRows("binary"); }
    void binaryCalibration();
    void binaryCurves_data() { addCaseRows("binary"); }
    void binaryCurves();
    void multiclassCalibration_data() { addCaseRows("multiclass"); }
    void multiclassCalibration();
    void floatScoresGiveTheSameCurves();
    void accumulatorsMatchBatch();
    void alignmentMarksMissingLabels();
    void badInputIsAnError();
};

void TestClassification::initTestCase() {
    const auto& doc = reference();
    QVERIFY2(doc.is_object() && doc.contains("cases"), "classification_reference.json is missing or not JSON");
    QCOMPARE(doc["wilson_z"].get<double>(), wilsonZ95);
}

void TestClassification::confusionMetrics() {
    FETCH_CASE();
    const auto yTrue = testCase["y_true"].get<std::vector<std::string>>();
    const auto yPred = testCase["y_pred"].get<std::vector<std::string>>();
    const auto matrix = confusionMatrix(yTrue, yPred);
    QVERIFY(matrix.ok());
    const auto& e = expected["confusion"];
    QCOMPARE(matrix->labels, e["labels"].get<std::vector<std::string>>());
    const std::size_t n = matrix->size();

    Checker check;
    check.numbers("counts", normalized(*matrix, Normalization::None), json(flatten(e["counts"])));
    check.numbers("normalized_true", normalized(*matrix, Normalization::TrueRow), json(flatten(e["normalized_true"])));
    check.numbers("normalized_pred", normalized(*matrix, Normalization::PredictedColumn),
                  json(flatten(e["normalized_pred"])));
    check.numbers("normalized_all", normalized(*matrix, Normalization::All), json(flatten(e["normalized_all"])));

    const auto report = classificationReport(*matrix);
    QCOMPARE(report.perClass.size(), n);
    const auto& perClass = e["per_class"];
    for (std::size_t k = 0; k < n; ++k) {
        const std::string label = matrix->labels[k];
        check.number(label + ".precision", report.perClass[k].precision, perClass["precision"][k]);
        check.number(label + ".recall", report.perClass[k].recall, perClass["recall"][k]);
        check.number(label + ".f1", report.perClass[k].f1, perClass["f1"][k]);
        check.integer(label + ".support", report.perClass[k].support, perClass["support"][k]);
    }
    const std::pair<const char*, const AveragedMetrics*> averages[] = {
        {"macro", &report.macro}, {"micro", &report.micro}, {"weighted", &report.weighted}};
    for (const auto& [key, metrics] : averages) {
        check.number(std::string(key) + ".precision", metrics->precision, e[key]["precision"]);
        check.number(std::string(key) + ".recall", metrics->recall, e[key]["recall"]);
        check.number(std::string(key) + ".f1", metrics->f1, e[key]["f1"]);
    }
    check.number("accuracy", report.accuracy, e["accuracy"]);
    check.number("balanced_accuracy", report.balancedAccuracy, e["balanced_accuracy"]);
    check.number("cohen_kappa", report.cohenKappa, e["cohen_kappa"]);
    check.number("matthews", report.matthews, e["matthews"]);
    QVERIFY2(check.ok(), check.report().constData());
}

void TestClassification::binaryCalibration() {
    FETCH_CASE();
    const auto scores = testCase["score"].get<std::vector<double>>();
    const auto positive = bytes(testCase["y"]);
    const int bins = testCase["bins"].get<int>();
    Checker check;
    const auto uniform = reliabilityDiagram(scores, positive, bins, Binning::Uniform);
    const auto quantile = reliabilityDiagram(scores, positive, bins, Binning::Quantile);
    QVERIFY(uniform.ok() && quantile.ok());
    check.diagram("uniform", *uniform, expected["uniform"]);
    check.diagram("quantile", *quantile, expected["quantile"]);
    const auto brier = brierScore(scores, positive);
    const auto loss = logLoss(scores, positive);
    QVERIFY(brier.ok() && loss.ok());
    check.number("brier", *brier, expected["brier"]);
    check.number("log_loss", *loss, expected["log_loss"]);
    QVERIFY2(check.ok(), check.report().constData());
}

void TestClassification::binaryCurves() {
    FETCH_CASE();
    const auto curves = analysis::binaryCurves(testCase["score"].get<std::vector<double>>(), bytes(testCase["y"]));
    QVERIFY(curves.ok());
    const auto& roc = expected["roc"];
    const auto& pr = expected["pr"];
    Checker check;
    check.numbers("roc.fpr", curves->roc.fpr, roc["fpr"]);
    check.numbers("roc.tpr", curves->roc.tpr, roc["tpr"]);
    check.numbers("roc.thresholds", curves->roc.thresholds, roc["thresholds"]);
    check.number("roc.auc", curves->roc.auc, roc["auc"]);
    check.numbers("pr.precision", curves->pr.precision, pr["precision"]);
    check.numbers("pr.recall", curves->pr.recall, pr["recall"]);
    check.numbers("pr.thresholds", curves->pr.thresholds, pr["thresholds"]);
    check.number("pr.average_precision", curves->pr.averagePrecision, pr["average_precision"]);
    QVERIFY2(check.ok(), check.report().constData());
}

void TestClassification::multiclassCalibration() {
    FETCH_CASE();
    const auto values = flatten(testCase["proba"]);
    const auto truth = testCase["y"].get<std::vector<std::int32_t>>();
    const std::size_t classes = testCase["classes"].size();
    const int bins = testCase["bins"].get<int>();
    Checker check;
    for (const auto& [key, binning] :
         {std::pair{"uniform", Binning::Uniform}, std::pair{"quantile", Binning::Quantile}}) {
        const auto result = analysis::multiclassCalibration({values, classes}, truth, bins, binning);
        QVERIFY(result.ok());
        const auto& e = expected[key];
        check.diagram(std::string(key) + ".top_label", result->topLabel, e["top_label"]);
        QCOMPARE(result->perClass.size(), classes);
        for (std::size_t c = 0; c < classes; ++c)
            check.diagram(std::string(key) + ".class" + std::to_string(c), result->perClass[c], e["per_class"][c]);
        check.number("brier", result->brier, expected["brier"]);
        check.number("log_loss", result->logLoss, expected["log_loss"]);
    }
    QVERIFY2(check.ok(), check.report().constData());
}

void TestClassification::floatScoresGiveTheSameCurves() {
    // Float scores on a 0.05 grid keep every tie and every order, so the curves' points are the same.
    const json* found = findCase("binary-ties");
    QVERIFY(found != nullptr);
    const auto doubles = (*found)["score"].get<std::vector<double>>();
    const std::vector<float> floats(doubles.begin(), doubles.end());
    const auto curves = analysis::binaryCurves(floats, bytes((*found)["y"]));
    QVERIFY(curves.ok());
    const auto& e = (*found)["expected"];
    Checker check;
    check.numbers("roc.fpr", curves->roc.fpr, e["roc"]["fpr"]);
    check.numbers("roc.tpr", curves->roc.tpr, e["roc"]["tpr"]);
    check.numbers("pr.precision", curves->pr.precision, e["pr"]["precision"]);
    check.number("roc.auc", curves->roc.auc, e["roc"]["auc"]);
    check.number("pr.average_precision", curves->pr.averagePrecision, e["pr"]["average_precision"]);
    QVERIFY2(check.ok(), check.report().constData());
}

void TestClassification::accumulatorsMatchBatch() {
    const json* found = findCase("multiclass-10-never-predicted");
    QVERIFY(found != nullptr);
    const auto names = (*found)["classes"].get<std::vector<std::string>>();
    const auto yTrue = (*found)["y_true"].get<std::vector<std::string>>();
    const auto yPred = (*found)["y_pred"].get<std::vector<std::string>>();

    // Interning by class id first (the hot-loop path) must not change the sorted result.
    ConfusionAccumulator byIndex;
    std::vector<std::size_t> index;
    for (const auto& n : names)
        index.push_back(byIndex.labelIndex(n));
    const auto truth = (*found)["y"].get<std::vector<int>>();
    for (std::size_t i = 0; i < yTrue.size(); ++i) {
        const auto predicted = std::find(names.begin(), names.end(), yPred[i]) - names.begin();
        byIndex.add(index[static_cast<std::size_t>(truth[i])], index[static_cast<std::size_t>(predicted)]);
    }
    const auto batch = confusionMatrix(yTrue, yPred);
    QVERIFY(batch.ok());
    const auto streamed = byIndex.result();
    // kiwi is never predicted but is a true label, so both contain it; the accumulator knows every name.
    QCOMPARE(streamed.labels, batch->labels);
    QCOMPARE(streamed.counts, batch->counts);
    QCOMPARE(byIndex.total(), static_cast<std::int64_t>(yTrue.size()));

    CalibrationAccumulator calibration(10);
    QVERIFY(calibration.add(0.0, false));
    QVERIFY(calibration.add(1.0, true));
    QVERIFY(!calibration.add(1.5, true));
    QVERIFY(!calibration.add(std::nan(""), true));
    const auto diagram = calibration.result();
    QCOMPARE(diagram.total, std::int64_t{2});
    QCOMPARE(diagram.bins.front().count, std::int64_t{1});
    QCOMPARE(diagram.bins.back().count, std::int64_t{1});
    QCOMPARE(diagram.ece, 0.0);
}

void TestClassification::alignmentMarksMissingLabels() {
    const std::vector<std::string> t1 = {"cat", "dog", "cat"};
    const std::vector<std::string> p1 = {"cat", "cat", "dog"};
    const std::vector<std::string> t2 = {"bird", "dog", "dog"};
    const std::vector<std::string> p2 = {"bird", "dog", "bird"};
    const std::vector<ConfusionMatrix> runs = {*confusionMatrix(t1, p1), *confusionMatrix(t2, p2)};
    const auto aligned = alignConfusionMatrices(runs);
    QCOMPARE(aligned.labels, (std::vector<std::string>{"bird", "cat", "dog"}));
    QCOMPARE(aligned.runs.size(), std::size_t{2});
    QCOMPARE(aligned.runs[0].present, (std::vector<bool>{false, true, true}));
    QCOMPARE(aligned.runs[1].present, (std::vector<bool>{true, false, true}));
    // Run 0 never saw "bird": its cells are unknown, not zero.
    QVERIFY(!aligned.cell(0, 0, 0).has_value());
    QVERIFY(!aligned.cell(0, 1, 0).has_value());
    QCOMPARE(aligned.cell(0, 1, 1), std::optional<std::int64_t>(1));  // cat -> cat
    QCOMPARE(aligned.cell(0, 1, 2), std::optional<std::int64_t>(1));  // cat -> dog
    QCOMPARE(aligned.cell(0, 2, 1), std::optional<std::int64_t>(1));  // dog -> cat
    QCOMPARE(aligned.cell(0, 2, 2), std::optional<std::int64_t>(0));  // seen, and really zero
    QCOMPARE(aligned.cell(1, 2, 0), std::optional<std::int64_t>(1));  // dog -> bird
    QVERIFY(!aligned.cell(1, 1, 2).has_value());
    QVERIFY(alignConfusionMatrices({}).labels.empty());
}

void TestClassification::badInputIsAnError() {
    const std::vector<std::string> two = {"a", "b"};
    const std::vector<std::string> one = {"a"};
    QVERIFY(!confusionMatrix(two, one).ok());
    const std::vector<std::uint8_t> labels = {1, 0};
    QVERIFY(!reliabilityDiagram({0.5}, labels, 10, Binning::Uniform).ok());
    QVERIFY(!reliabilityDiagram({0.5, 1.2}, labels, 10, Binning::Quantile).ok());
    QVERIFY(!reliabilityDiagram({0.5, 0.2}, labels, 0, Binning::Uniform).ok());
    QVERIFY(!brierScore(std::vector<double>{-0.1, 0.2}, labels).ok());
    QVERIFY(!logLoss(std::vector<double>{std::nan(""), 0.2}, labels).ok());
    QVERIFY(!analysis::binaryCurves(std::vector<double>{0.1, std::nan("")}, labels).ok());
    const std::vector<std::uint8_t> allPositive = {1, 1};
    const auto single = analysis::binaryCurves(std::vector<double>{0.1, 0.2}, allPositive);
    QVERIFY(!single.ok());
    QVERIFY(single.error().message.find("negative") != std::string::npos);
    const std::vector<double> matrix = {0.2, 0.8, 0.6, 0.4};
    const std::vector<std::int32_t> truth = {1, 2};
    const auto outOfRange = analysis::multiclassCalibration({matrix, 2}, truth, 10, Binning::Uniform);
    QVERIFY(!outOfRange.ok());
    QVERIFY(outOfRange.error().position == "row 1");
    const std::vector<std::int32_t> shortTruth = {1};
    QVERIFY(!analysis::multiclassCalibration({matrix, 2}, shortTruth, 10, Binning::Uniform).ok());
    QVERIFY(!analysis::multiclassCalibration({matrix, 3}, truth, 10, Binning::Uniform).ok());
    // An empty matrix is not an error, but nothing in it is defined.
    const auto empty = classificationReport(ConfusionMatrix{});
    QVERIFY(std::isnan(empty.accuracy) && std::isnan(empty.cohenKappa));
}

QTEST_GUILESS_MAIN(TestClassification)
#include "tst_classification.moc"
