// SPDX-License-Identifier: MIT
#include "analysis/decimation.h"
#include "analysis/smoothing.h"
#include "cache/seriescodec.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace runlens;
using namespace runlens::analysis;

class TestCurveAnalysis : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void emaMatchesItsDefinition();
    void emaOfConstantIsConstant();
    void emaPassesNonFiniteValuesThrough();
    void robustRangeIgnoresOutliers();
    void decimationKeepsEveryColumnsExtremes();
    void lodDecimationKeepsASingleStepSpike();
    void lodDecimationDefersWhenZoomedIn();
};

void TestCurveAnalysis::emaMatchesItsDefinition() {
    const std::vector<double> values = {1.0, 3.0, 2.0, 8.0};
    const double w = 0.6;
    const auto smoothed = emaSmooth(values, w);
    // s_n = (sum_k (1-w) w^(n-k) v_k) / (1 - w^n), the debiased running average.
    for (std::size_t n = 1; n <= values.size(); ++n) {
        double numerator = 0;
        for (std::size_t k = 1; k <= n; ++k)
            numerator += (1 - w) * std::pow(w, static_cast<double>(n - k)) * values[k - 1];
        QVERIFY(std::fabs(smoothed[n - 1] - numerator / (1 - std::pow(w, static_cast<double>(n)))) < 1e-12);
    }
    QCOMPARE(emaSmooth(values, 0.0), values);
}

void TestCurveAnalysis::emaOfConstantIsConstant() {
    const std::vector<double> values(500, 0.25);
    for (double s : emaSmooth(values, 0.999))
        QVERIFY(std::fabs(s - 0.25) < 1e-9);
}

void TestCurveAnalysis::emaPassesNonFiniteValuesThrough() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<double> values = {1.0, nan, 3.0, HUGE_VAL};
    const auto s = emaSmooth(values, 0.5);
    QCOMPARE(s[0], 1.0);
    QVERIFY(std::isnan(s[1]));
    QCOMPARE(s[2], (0.5 * 0.5 * 1.0 + 0.5 * 3.0) / (1 - 0.25));
    QCOMPARE(s[3], HUGE_VAL);
}

void TestCurveAnalysis::robustRangeIgnoresOutliers() {
    std::vector<double> values;
    for (int i = 0; i <= 100; ++i)
        values.push_back(i);
    values.push_back(1e9);  // a diverging step
    const auto range = robustRange(values, 0.05, 0.95, 0.0);
    QVERIFY(range.has_value());
    QVERIFY(range->second < 100);
    QVERIFY(range->first > 4 && range->first < 6);
    QVERIFY(!robustRange(std::vector<double>{std::nan("")}).has_value());
    const auto flat = robustRange(std::vector<double>{2.0, 2.0});
    QVERIFY(flat->first < 2.0 && flat->second > 2.0);
}

void TestCurveAnalysis::decimationKeepsEveryColumnsExtremes() {
    std::mt19937 rng(7);
    std::vector<MetricPoint> points;
    for (std::int64_t i = 0; i < 10'000; ++i)
        points.push_back({i, 0, std::normal_distribution<double>()(rng)});
    const int columns = 100;
    const auto e = decimatePoints(points, 0, 9999, columns);
    QVERIFY(e.exact);
    QCOMPARE(static_cast<int>(e.x.size()), columns);
    // Brute force: the same partition of x into columns.
    const double width = 9999.0 / columns;
    for (int c = 0; c < columns; ++c) {
        double lo = HUGE_VAL;
        double hi = -HUGE_VAL;
        for (const auto& p : points) {
            const int column = std::min(columns - 1, static_cast<int>(static_cast<double>(p.step) / width));
            if (column == c) {
                lo = std::min(lo, p.value);
                hi = std::max(hi, p.value);
            }
        }
        QCOMPARE(e.low[static_cast<std::size_t>(c)], lo);
        QCOMPARE(e.high[static_cast<std::size_t>(c)], hi);
    }
}

void TestCurveAnalysis::lodDecimationKeepsASingleStepSpike() {
    std::vector<MetricPoint> points;
    for (std::int64_t i = 0; i < 1'000'000; ++i)
        points.push_back({i, 0, std::sin(static_cast<double>(i) * 1e-4)});
    points[777'777].value = 50.0;
    points[123'456].value = -50.0;
    const auto lod = seriescodec::buildLod(points);
    const auto e = decimateLod(lod, 0, 999'999, 800);
    QVERIFY(!e.exact);
    QVERIFY(!e.x.empty());
    QCOMPARE(*std::max_element(e.high.begin(), e.high.end()), 50.0);
    QCOMPARE(*std::min_element(e.low.begin(), e.low.end()), -50.0);
    // The envelope from buckets is close to the exact one: same columns, extremes within one bucket's reach.
    const auto exact = decimatePoints(points, 0, 999'999, 800);
    QCOMPARE(e.x.size(), exact.x.size());
}

void TestCurveAnalysis::lodDecimationDefersWhenZoomedIn() {
    std::vector<MetricPoint> points;
    for (std::int64_t i = 0; i < 100'000; ++i)
        points.push_back({i, 0, 1.0});
    const auto lod = seriescodec::buildLod(points);
    // 200 steps across 800 columns: finer than any bucket, so raw points are needed.
    QVERIFY(decimateLod(lod, 5000, 5200, 800).x.empty());
}

QTEST_GUILESS_MAIN(TestCurveAnalysis)
#include "tst_curveanalysis.moc"
