// SPDX-License-Identifier: MIT
// Drift statistics against scipy: tests/data/analysis/drift_reference.json from tests/tools/make_drift_reference.py.
#include "analysis/distributions.h"
#include "analysis/drift.h"
#include "testsupport.h"

#include <QTest>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>

using namespace runlens;
using namespace runlens::analysis;
using nlohmann::json;

namespace {

constexpr double statisticTolerance = 1e-9;
constexpr double pValueTolerance = 1e-6;

const json& reference() {
    static const json data = [] {
        std::ifstream in(test::dataDir() / "analysis" / "drift_reference.json");
        return in ? json::parse(in) : json();
    }();
    return data;
}

// Relative comparison with a small absolute floor, so that values that should be zero compare too.
bool close(double actual, double expected, double relative, double absolute = 1e-14) {
    if (std::isinf(expected))
        return actual == expected;
    return std::fabs(actual - expected) <= relative * std::fabs(expected) + absolute;
}

QString describe(const char* what, double actual, double expected) {
    return QStringLiteral("%1: got %2, scipy %3")
        .arg(QLatin1String(what))
        .arg(actual, 0, 'g', 17)
        .arg(expected, 0, 'g', 17);
}

#define COMPARE_CLOSE(what, actual, expected, tolerance)                                                               \
    do {                                                                                                               \
        const double a_ = (actual);                                                                                    \
        const double e_ = (expected);                                                                                  \
        QVERIFY2(close(a_, e_, tolerance), qPrintable(describe(what, a_, e_)));                                        \
    } while (false)

std::vector<double> numbers(const json& values) {
    std::vector<double> out;
    out.reserve(values.size());
    for (const auto& v : values)
        out.push_back(v.is_null() ? std::numeric_limits<double>::quiet_NaN() : v.get<double>());
    return out;
}

std::vector<std::string> strings(const json& values) {
    return values.get<std::vector<std::string>>();
}

double number(const json& v) {
    return v.is_string() && v.get<std::string>() == "inf" ? std::numeric_limits<double>::infinity() : v.get<double>();
}

void compareSummary(const NumericSummary& s, const json& e) {
    QCOMPARE(s.count, e["count"].get<std::int64_t>());
    QCOMPARE(s.missing, e["missing"].get<std::int64_t>());
    COMPARE_CLOSE("missing share", s.missingShare, e["missing_share"].get<double>(), statisticTolerance);
    QCOMPARE(s.min, e["min"].get<double>());
    QCOMPARE(s.max, e["max"].get<double>());
    COMPARE_CLOSE("mean", s.mean, e["mean"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("std", s.std, e["std"].get<double>(), statisticTolerance);
    for (std::size_t k = 0; k < s.quantiles.size(); ++k)
        COMPARE_CLOSE("quantile", s.quantiles[k], e["quantiles"][k].get<double>(), statisticTolerance);
}

}  // namespace

class TestDrift : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void numericMatchesScipy_data();
    void numericMatchesScipy();
    void categoricalMatchesScipy_data();
    void categoricalMatchesScipy();
    void binaryMatchesStatsmodelsFormula_data();
    void binaryMatchesStatsmodelsFormula();
    void incompleteGammaMatchesScipy();
    void chiSquareSfMatchesScipy();
    void normalCdfMatchesNdtr();
    void kolmogorovMatchesScipy();
    void smirnovMatchesScipy();
    void kstwoMatchesScipy();
    void exactTwoSampleMatchesScipy();
    void radixSortMatchesStdSort();
    void emptySamplesAreErrors();
    void binaryRejectsThreeValues();
    void columnKindInference_data();
    void columnKindInference();
};

void TestDrift::initTestCase() {
    QVERIFY2(reference().is_object(), "tests/data/analysis/drift_reference.json is missing or unreadable");
    QCOMPARE(reference()["psi_empty_share"].get<double>(), psiEmptyShare);
}

void TestDrift::numericMatchesScipy_data() {
    QTest::addColumn<int>("index");
    const auto& cases = reference()["numeric"];
    for (std::size_t i = 0; i < cases.size(); ++i)
        QTest::addRow("%s", cases[i]["name"].get<std::string>().c_str()) << static_cast<int>(i);
}

void TestDrift::numericMatchesScipy() {
    QFETCH(int, index);
    const auto& c = reference()["numeric"][static_cast<std::size_t>(index)];
    const auto& e = c["expected"];
    const auto result =
        numericDrift(numbers(c["reference"]), numbers(c["current"]), {reference()["bins"].get<int>(), KsMethod::Auto});
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().toString().c_str());
    const NumericDrift& d = *result;

    COMPARE_CLOSE("KS statistic", d.ks.statistic, e["ks_statistic"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("KS p-value", d.ks.pValue, e["ks_pvalue"].get<double>(), pValueTolerance);
    QCOMPARE(d.ks.exact, e["ks_exact"].get<bool>());

    std::vector<double> ref = numbers(c["reference"]);
    std::vector<double> cur = numbers(c["current"]);
    dropNonFiniteAndSort(ref);
    dropNonFiniteAndSort(cur);
    const auto asymptotic = ksTwoSampleSorted(ref, cur, KsMethod::Asymptotic);
    QVERIFY(!asymptotic.exact);
    COMPARE_CLOSE("KS asymptotic p-value", asymptotic.pValue, e["ks_asymp_pvalue"].get<double>(), pValueTolerance);
    if (e.contains("ks_exact_pvalue")) {
        const auto exact = ksTwoSampleSorted(ref, cur, KsMethod::Exact);
        QVERIFY(exact.exact);
        COMPARE_CLOSE("KS exact p-value", exact.pValue, e["ks_exact_pvalue"].get<double>(), pValueTolerance);
    }

    QCOMPARE(d.binEdges, e["bin_edges"].get<std::vector<double>>());
    const auto refShares = e["reference_shares"].get<std::vector<double>>();
    const auto curShares = e["current_shares"].get<std::vector<double>>();
    QCOMPARE(d.referenceShares.size(), refShares.size());
    for (std::size_t i = 0; i < refShares.size(); ++i) {
        COMPARE_CLOSE("reference share", d.referenceShares[i], refShares[i], statisticTolerance);
        COMPARE_CLOSE("current share", d.currentShares[i], curShares[i], statisticTolerance);
    }
    COMPARE_CLOSE("PSI", d.psi, e["psi"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("Jensen-Shannon", d.jensenShannon, e["jensen_shannon"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("Wasserstein", d.wasserstein, e["wasserstein"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("Wasserstein normed", d.wassersteinNormed, e["wasserstein_normed"].get<double>(), statisticTolerance);
    compareSummary(d.reference, e["reference"]);
    compareSummary(d.current, e["current"]);
}

void TestDrift::categoricalMatchesScipy_data() {
    QTest::addColumn<int>("index");
    const auto& cases = reference()["categorical"];
    for (std::size_t i = 0; i < cases.size(); ++i)
        QTest::addRow("%s", cases[i]["name"].get<std::string>().c_str()) << static_cast<int>(i);
}

void TestDrift::categoricalMatchesScipy() {
    QFETCH(int, index);
    const auto& c = reference()["categorical"][static_cast<std::size_t>(index)];
    const auto& e = c["expected"];
    const auto ref = strings(c["reference"]);
    const auto cur = strings(c["current"]);
    const auto result = categoricalDrift(ref, cur);
    QVERIFY(result.ok());
    const CategoricalDrift& d = *result;

    const auto keys = strings(e["categories"]);
    QCOMPARE(d.categories.size(), keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        QCOMPARE(d.categories[i].value, keys[i]);
        QCOMPARE(d.categories[i].reference, e["reference_counts"][i].get<std::int64_t>());
        QCOMPARE(d.categories[i].current, e["current_counts"][i].get<std::int64_t>());
    }
    QCOMPARE(d.newCategories, strings(e["new"]));
    QCOMPARE(d.vanishedCategories, strings(e["vanished"]));
    QCOMPARE(d.referenceMissing, static_cast<std::int64_t>(std::count(ref.begin(), ref.end(), std::string())));
    QCOMPARE(d.degreesOfFreedom, e["dof"].get<int>());
    COMPARE_CLOSE("chi-square", d.chiSquare, number(e["chi_square"]), statisticTolerance);
    COMPARE_CLOSE("chi-square p-value", d.chiSquarePValue, e["chi_square_pvalue"].get<double>(), pValueTolerance);
    COMPARE_CLOSE("Jensen-Shannon", d.jensenShannon, e["jensen_shannon"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("PSI", d.psi, e["psi"].get<double>(), statisticTolerance);
}

void TestDrift::binaryMatchesStatsmodelsFormula_data() {
    QTest::addColumn<int>("index");
    const auto& cases = reference()["binary"];
    for (std::size_t i = 0; i < cases.size(); ++i)
        QTest::addRow("%s", cases[i]["name"].get<std::string>().c_str()) << static_cast<int>(i);
}

void TestDrift::binaryMatchesStatsmodelsFormula() {
    QFETCH(int, index);
    const auto& c = reference()["binary"][static_cast<std::size_t>(index)];
    const auto& e = c["expected"];
    const auto result = binaryDrift(strings(c["reference"]), strings(c["current"]));
    QVERIFY(result.ok());
    QCOMPARE(result->successValue, e["success"].get<std::string>());
    COMPARE_CLOSE("z", result->z, e["z"].get<double>(), statisticTolerance);
    COMPARE_CLOSE("p-value", result->pValue, e["pvalue"].get<double>(), pValueTolerance);
}

void TestDrift::incompleteGammaMatchesScipy() {
    for (const auto& v : reference()["special"]["gamma"]) {
        const double a = v["a"].get<double>();
        const double x = v["x"].get<double>();
        const auto where = QStringLiteral("a=%1 x=%2 ").arg(a).arg(x).toStdString();
        // Relative tolerance on what scipy returns; values below 1e-300 only need to be tiny.
        const double p = v["p"].get<double>();
        const double q = v["q"].get<double>();
        COMPARE_CLOSE((where + "gammainc").c_str(), regularizedGammaP(a, x), p, 1e-9);
        COMPARE_CLOSE((where + "gammaincc").c_str(), regularizedGammaQ(a, x), q, 1e-9);
    }
    QVERIFY(std::isnan(regularizedGammaQ(0, 1)));
    QCOMPARE(regularizedGammaQ(2, 0), 1.0);
}

void TestDrift::chiSquareSfMatchesScipy() {
    for (const auto& v : reference()["special"]["chi2"]) {
        const auto where = QStringLiteral("chi2.sf(%1, %2)").arg(v["x"].get<double>()).arg(v["dof"].get<double>());
        COMPARE_CLOSE(qPrintable(where), chiSquareSf(v["x"].get<double>(), v["dof"].get<double>()),
                      v["sf"].get<double>(), 1e-9);
    }
}

void TestDrift::normalCdfMatchesNdtr() {
    for (const auto& v : reference()["special"]["ndtr"]) {
        const double z = v["z"].get<double>();
        COMPARE_CLOSE(qPrintable(QStringLiteral("ndtr(%1)").arg(z)), normalCdf(z), v["cdf"].get<double>(), 1e-12);
        COMPARE_CLOSE("normal sf", normalSf(-z), v["cdf"].get<double>(), 1e-12);
    }
}

void TestDrift::kolmogorovMatchesScipy() {
    for (const auto& v : reference()["special"]["kolmogorov"]) {
        const double x = v["x"].get<double>();
        COMPARE_CLOSE(qPrintable(QStringLiteral("kolmogorov(%1)").arg(x)), kolmogorovSf(x), v["sf"].get<double>(),
                      1e-12);
    }
}

void TestDrift::smirnovMatchesScipy() {
    for (const auto& v : reference()["special"]["smirnov"]) {
        const auto n = v["n"].get<std::int64_t>();
        const double x = v["x"].get<double>();
        COMPARE_CLOSE(qPrintable(QStringLiteral("smirnov(%1, %2)").arg(n).arg(x)), smirnovSf(n, x),
                      v["sf"].get<double>(), 1e-10);
    }
}

void TestDrift::kstwoMatchesScipy() {
    for (const auto& v : reference()["special"]["kstwo"]) {
        const auto n = v["n"].get<std::int64_t>();
        const double x = v["x"].get<double>();
        COMPARE_CLOSE(qPrintable(QStringLiteral("kstwo.sf(%1, %2)").arg(x).arg(n)), kolmogorovNSf(n, x),
                      v["sf"].get<double>(), 1e-9);
    }
}

void TestDrift::exactTwoSampleMatchesScipy() {
    for (const auto& v : reference()["special"]["ks_exact"]) {
        const auto n1 = v["n1"].get<std::int64_t>();
        const auto n2 = v["n2"].get<std::int64_t>();
        const auto h = v["h"].get<std::int64_t>();
        COMPARE_CLOSE(qPrintable(QStringLiteral("exact KS n1=%1 n2=%2 h=%3").arg(n1).arg(n2).arg(h)),
                      ksTwoSampleExactSf(n1, n2, h), v["sf"].get<double>(), 1e-9);
    }
}

void TestDrift::radixSortMatchesStdSort() {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0, 1e3);
    std::vector<double> values(50'000);
    for (auto& v : values)
        v = normal(rng);
    values[10] = -0.0;
    values[11] = 0.0;
    values[12] = std::numeric_limits<double>::quiet_NaN();
    values[13] = -HUGE_VAL;
    values[14] = std::numeric_limits<double>::denorm_min();
    values[15] = -std::numeric_limits<double>::max();
    std::vector<double> expected;
    std::copy_if(values.begin(), values.end(), std::back_inserter(expected), [](double x) { return std::isfinite(x); });
    std::sort(expected.begin(), expected.end());
    QCOMPARE(dropNonFiniteAndSort(values), std::size_t{2});
    QVERIFY(std::is_sorted(values.begin(), values.end()));
    QCOMPARE(values.size(), expected.size());
    QVERIFY(std::equal(values.begin(), values.end(), expected.begin()));
}

void TestDrift::emptySamplesAreErrors() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const auto numeric = numericDrift({nan, nan}, {1.0, 2.0});
    QVERIFY(!numeric.ok());
    QVERIFY(numeric.error().message.find("reference") != std::string::npos);
    const std::vector<std::string> missing = {"", "NaN", " null "};
    const std::vector<std::string> some = {"a", "b"};
    QVERIFY(!categoricalDrift(some, missing).ok());
    QVERIFY(!binaryDrift(missing, some).ok());
}

void TestDrift::binaryRejectsThreeValues() {
    const std::vector<std::string> ref = {"a", "b"};
    const std::vector<std::string> cur = {"a", "c"};
    const auto result = binaryDrift(ref, cur);
    QVERIFY(!result.ok());
    QVERIFY(result.error().message.find("3 distinct") != std::string::npos);
    // One value on both sides: nothing differs, p = 1 rather than scipy's 0/0.
    const std::vector<std::string> same = {"x", "x", "x"};
    const auto constant = binaryDrift(same, same);
    QVERIFY(constant.ok());
    QCOMPARE(constant->pValue, 1.0);
}

void TestDrift::columnKindInference_data() {
    QTest::addColumn<QStringList>("values");
    QTest::addColumn<int>("kind");
    QTest::addRow("empty") << QStringList{QStringLiteral(""), QStringLiteral("NaN")} << int(ColumnKind::Empty);
    QTest::addRow("binary numbers") << QStringList{QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("1")}
                                    << int(ColumnKind::Binary);
    QTest::addRow("binary words") << QStringList{QStringLiteral("yes"), QStringLiteral("no"), QStringLiteral("")}
                                  << int(ColumnKind::Binary);
    QTest::addRow("floats") << QStringList{QStringLiteral("0.5"), QStringLiteral("1e3"), QStringLiteral("-2"),
                                           QStringLiteral("inf")}
                            << int(ColumnKind::Numeric);
    QTest::addRow("few integers are labels")
        << QStringList{QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3"), QStringLiteral("2")}
        << int(ColumnKind::Categorical);
    QStringList many;
    for (int i = 0; i < 30; ++i)
        many << QString::number(i * 7);
    QTest::addRow("many integers") << many << int(ColumnKind::Numeric);
    QTest::addRow("words") << QStringList{QStringLiteral("red"), QStringLiteral("green"), QStringLiteral("blue"),
                                          QStringLiteral("red")}
                           << int(ColumnKind::Categorical);
    QTest::addRow("sentences") << QStringList{QStringLiteral("the model was fine"), QStringLiteral("bad run today"),
                                              QStringLiteral("loss went up again")}
                               << int(ColumnKind::Text);
}

void TestDrift::columnKindInference() {
    QFETCH(QStringList, values);
    QFETCH(int, kind);
    std::vector<std::string> sample;
    for (const auto& v : values)
        sample.push_back(v.toStdString());
    QCOMPARE(int(inferColumnKind(sample)), kind);
}

QTEST_GUILESS_MAIN(TestDrift)
#include "tst_drift.moc"
