// SPDX-License-Identifier: MIT
// The constant-time histogram bin lookup must give exactly the bin a plain binary search gives, on any edges.
#include "analysis/binlocator.h"
#include "analysis/columnsample.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

using runlens::analysis::BinLocator;
using runlens::analysis::NumericSample;

namespace {

// The definition the locator promises: the last bin whose lower edge is at or below the value, 0 below them all.
std::size_t referenceBin(const std::vector<double>& edges, double value) {
    const auto it = std::upper_bound(edges.begin(), edges.end(), value);
    return it == edges.begin() ? 0 : static_cast<std::size_t>(it - edges.begin() - 1);
}

// Every edge, its neighbouring doubles, the cells' borders and random values in and around the range.
std::vector<double> probesFor(const std::vector<double>& edges, double high, std::mt19937_64& rng) {
    std::vector<double> probes;
    const double inf = std::numeric_limits<double>::infinity();
    for (double e : edges) {
        probes.push_back(e);
        probes.push_back(std::nextafter(e, -inf));
        probes.push_back(std::nextafter(e, inf));
    }
    probes.push_back(high);
    probes.push_back(std::nextafter(high, -inf));
    probes.push_back(std::nextafter(high, inf));
    const double low = edges.front();
    const std::size_t cells = edges.size() * BinLocator::cellsPerBin;
    for (std::size_t c = 0; c <= cells; ++c) {
        const double x = low + (high - low) * static_cast<double>(c) / static_cast<double>(cells);
        probes.push_back(x);
        probes.push_back(std::nextafter(x, -inf));
        probes.push_back(std::nextafter(x, inf));
    }
    std::uniform_real_distribution<double> inside(low, high);
    for (int i = 0; i < 20000; ++i)
        probes.push_back(inside(rng));
    const double span = high - low;
    for (double x : {low - 1.0, low - span, high + 1.0, high + span, -1e308, 1e308, -inf, inf, 0.0, -0.0})
        probes.push_back(x);
    return probes;
}

}  // namespace

class TestBinLocator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesBinarySearch_data();
    void matchesBinarySearch();
    void nanGivesAValidBin();
    void binnedSampleCountsEveryValueInItsBin();
};

void TestBinLocator::matchesBinarySearch_data() {
    QTest::addColumn<std::vector<double>>("edges");
    QTest::addColumn<double>("high");

    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0, 1);
    // Equal-weight edges of a normal sample: crowded in the middle, sparse in the tails, like the drift columns.
    {
        std::vector<double> values(200000);
        for (auto& v : values)
            v = std::round(normal(rng) * 1e4) / 1e4;
        std::sort(values.begin(), values.end());
        std::vector<double> edges;
        for (std::size_t i = 0; i < values.size(); i += values.size() / 4096) {
            if (edges.empty() || values[i] > edges.back())
                edges.push_back(values[i]);
        }
        QTest::newRow("normal, 4096 equal-weight bins") << edges << values.back();
    }
    // Heavy tails: a few far values stretch the cells so the middle bins share one cell by the hundred.
    {
        std::cauchy_distribution<double> cauchy(0, 1);
        std::vector<double> values(100000);
        for (auto& v : values)
            v = cauchy(rng);
        std::sort(values.begin(), values.end());
        std::vector<double> edges;
        for (std::size_t i = 0; i < values.size(); i += 25)
            edges.push_back(values[i]);
        QTest::newRow("cauchy, crowded cells") << edges << values.back();
    }
    QTest::newRow("repeated edges") << std::vector<double>{1, 1, 1, 2, 2, 3, 3, 3, 3, 4} << 5.0;
    QTest::newRow("all edges equal") << std::vector<double>{2, 2, 2, 2} << 2.0;
    QTest::newRow("one bin") << std::vector<double>{-3.5} << 7.25;
    QTest::newRow("zero-width range") << std::vector<double>{5} << 5.0;
    {
        std::vector<double> tiny;
        double x = 1.0;
        for (int i = 0; i < 3000; ++i) {
            tiny.push_back(x);
            x = std::nextafter(x, 2.0);
        }
        QTest::newRow("adjacent doubles") << tiny << x;
    }
    {
        std::vector<double> huge;
        for (int i = -300; i <= 300; ++i)
            huge.push_back(std::ldexp(i < 0 ? -1.0 : 1.0, std::abs(i) * 3) * (i == 0 ? 0.0 : 1.0));
        std::sort(huge.begin(), huge.end());
        huge.erase(std::unique(huge.begin(), huge.end()), huge.end());
        QTest::newRow("huge span") << huge << 1e300;
    }
    {
        std::vector<double> denormal;
        for (int i = 0; i < 500; ++i)
            denormal.push_back(std::numeric_limits<double>::denorm_min() * i);
        QTest::newRow("subnormal edges") << denormal << std::numeric_limits<double>::denorm_min() * 600;
    }
    {
        std::vector<double> many(BinLocator::maxIndexedBins + 100);
        for (std::size_t i = 0; i < many.size(); ++i)
            many[i] = static_cast<double>(i) * 0.5;
        QTest::newRow("more bins than the index holds") << many << static_cast<double>(many.size());
    }
    QTest::newRow("negative zero and zero") << std::vector<double>{-1.0, -0.0, 0.0, 1.0} << 2.0;
}

void TestBinLocator::matchesBinarySearch() {
    QFETCH(std::vector<double>, edges);
    QFETCH(double, high);
    const BinLocator locator(edges, high);
    QCOMPARE(locator.binCount(), edges.size());
    std::mt19937_64 rng(11);
    std::size_t checked = 0;
    for (double value : probesFor(edges, high, rng)) {
        const std::size_t expected = referenceBin(edges, value);
        if (locator.find(value) != expected || locator.plainSearch(value) != expected)
            QFAIL(qPrintable(QStringLiteral("value %1: bin %2, expected %3")
                                 .arg(value, 0, 'g', 17)
                                 .arg(locator.find(value))
                                 .arg(expected)));
        ++checked;
    }
    QVERIFY(checked > edges.size());
}

void TestBinLocator::nanGivesAValidBin() {
    // Callers never pass NaN, but it must not read outside the bins either.
    const std::vector<double> edges = {0, 1, 2, 3};
    const BinLocator locator(edges, 4);
    QVERIFY(locator.find(std::numeric_limits<double>::quiet_NaN()) < edges.size());
    const BinLocator empty;
    QCOMPARE(empty.find(1.0), std::size_t{0});
}

void TestBinLocator::binnedSampleCountsEveryValueInItsBin() {
    // A sample pushed into histogram mode, then fed values sitting exactly on its bin edges and between them: every
    // value is counted once and the points stay sorted and inside the sample's range.
    NumericSample sample(1024);
    std::mt19937_64 rng(3);
    std::normal_distribution<double> normal(0, 2);
    std::vector<double> seen;
    for (int i = 0; i < 5000; ++i) {
        const double v = std::round(normal(rng) * 1000) / 1000;
        seen.push_back(v);
        sample.add(v);
    }
    for (int i = 0; i < 5000; ++i) {
        const double v = seen[static_cast<std::size_t>(i)] + (i % 3 == 0 ? 0.0005 : 0.0);
        sample.add(v);
        seen.push_back(v);
    }
    sample.finish();
    QVERIFY(!sample.exact());
    std::int64_t total = 0;
    for (auto w : sample.weights())
        total += w;
    QCOMPARE(total, static_cast<std::int64_t>(seen.size()));
    QVERIFY(std::is_sorted(sample.values().begin(), sample.values().end()));
    QCOMPARE(sample.min(), *std::min_element(seen.begin(), seen.end()));
    QCOMPARE(sample.max(), *std::max_element(seen.begin(), seen.end()));
}

QTEST_GUILESS_MAIN(TestBinLocator)
#include "tst_binlocator.moc"
