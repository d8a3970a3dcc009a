// SPDX-License-Identifier: MIT
#include "cache/seriescodec.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace runlens;

class TestSeriesCodec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryBit_data();
    void roundTripKeepsEveryBit();
    void summaryFollowsMlflowLatestRule();
    void summaryIgnoresNanForExtremes();
    void sortKeepsLoggingOrderWithinAStep();
    void lodBucketsHoldTheExtremes();
    void lodSurvivesEncoding();
    void corruptBlobsAreErrors_data();
    void corruptBlobsAreErrors();
};

static bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

void TestSeriesCodec::roundTripKeepsEveryBit_data() {
    QTest::addColumn<bool>("integralTimestamps");
    QTest::addColumn<int>("count");
    QTest::addRow("empty") << true << 0;
    QTest::addRow("one point") << true << 1;
    QTest::addRow("ms timestamps") << true << 5000;
    QTest::addRow("fractional timestamps") << false << 5000;
}

void TestSeriesCodec::roundTripKeepsEveryBit() {
    QFETCH(bool, integralTimestamps);
    QFETCH(int, count);
    std::mt19937_64 rng(42);
    std::vector<MetricPoint> points;
    for (int i = 0; i < count; ++i) {
        MetricPoint p;
        p.step = (i % 7 == 0) ? -static_cast<std::int64_t>(rng() % 1000) : static_cast<std::int64_t>(rng() >> 2);
        p.timestampMs = integralTimestamps
                            ? static_cast<double>(1'700'000'000'000LL + static_cast<std::int64_t>(rng() % 100000))
                            : 1.7e12 + std::uniform_real_distribution<double>(0, 1e6)(rng);
        p.value = std::uniform_real_distribution<double>(-1e9, 1e9)(rng);
        points.push_back(p);
    }
    if (count >= 4) {
        points[0].value = std::numeric_limits<double>::quiet_NaN();
        points[1].value = std::numeric_limits<double>::infinity();
        points[2].value = -std::numeric_limits<double>::infinity();
        points[3].value = -0.0;
    }
    const auto blob = seriescodec::encode(points);
    auto decoded = seriescodec::decode(blob);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().message.c_str());
    QCOMPARE(decoded->size(), points.size());
    for (std::size_t i = 0; i < points.size(); ++i) {
        QCOMPARE((*decoded)[i].step, points[i].step);
        QVERIFY(sameBits((*decoded)[i].timestampMs, points[i].timestampMs));
        QVERIFY(sameBits((*decoded)[i].value, points[i].value));
    }
    if (integralTimestamps && count > 100)  // delta-coded steps and times: well under 24 bytes a point
        QVERIFY(blob.size() < points.size() * 24);
}

void TestSeriesCodec::summaryFollowsMlflowLatestRule() {
    // MLflow's latest value is the point with the largest (step, timestamp, value), not the last logged.
    std::vector<MetricPoint> points = {{0, 10, 5.0}, {3, 20, 1.0}, {3, 20, 2.0}, {3, 15, 9.0}, {1, 99, 7.0}};
    seriescodec::sortByStep(points);
    const auto s = seriescodec::summarize(points);
    QCOMPARE(s.count, 5);
    QCOMPARE(s.last, 2.0);
    QCOMPARE(s.lastStep, 3);
    QCOMPARE(s.first, 5.0);
    QCOMPARE(s.firstStep, 0);
    QCOMPARE(*s.min, 1.0);
    QCOMPARE(*s.max, 9.0);
}

void TestSeriesCodec::summaryIgnoresNanForExtremes() {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<MetricPoint> points = {{0, 0, nan}, {1, 0, 3.0}, {2, 0, nan}};
    auto s = seriescodec::summarize(points);
    QCOMPARE(s.nanCount, 2);
    QCOMPARE(*s.min, 3.0);
    QCOMPARE(*s.max, 3.0);
    QVERIFY(std::isnan(s.last));
    std::vector<MetricPoint> allNan = {{0, 0, nan}};
    s = seriescodec::summarize(allNan);
    QVERIFY(!s.min.has_value());
    QVERIFY(!s.max.has_value());
}

void TestSeriesCodec::sortKeepsLoggingOrderWithinAStep() {
    std::vector<MetricPoint> points = {{2, 1, 20}, {1, 2, 10}, {2, 3, 21}, {0, 4, 0}, {1, 5, 11}};
    seriescodec::sortByStep(points);
    const std::vector<double> expected = {0, 10, 11, 20, 21};
    for (std::size_t i = 0; i < points.size(); ++i)
        QCOMPARE(points[i].value, expected[i]);
}

void TestSeriesCodec::lodBucketsHoldTheExtremes() {
    std::vector<MetricPoint> points;
    for (std::int64_t i = 0; i < 100'000; ++i)
        points.push_back({i, 0, std::sin(static_cast<double>(i) / 100.0)});
    points[54'321].value = 1000.0;  // a one-step spike must survive every level
    points[7].value = std::numeric_limits<double>::quiet_NaN();
    const auto lod = seriescodec::buildLod(points);
    QVERIFY(lod.levels.size() >= 3);
    std::int64_t bucketSize = seriescodec::lodFanout;
    for (const auto& level : lod.levels) {
        QCOMPARE(static_cast<std::int64_t>(level.size()),
                 (static_cast<std::int64_t>(points.size()) + bucketSize - 1) / bucketSize);
        for (std::size_t b = 0; b < level.size(); ++b) {
            const auto begin = static_cast<std::size_t>(static_cast<std::int64_t>(b) * bucketSize);
            const auto end = std::min(points.size(), begin + static_cast<std::size_t>(bucketSize));
            double mn = HUGE_VAL;
            double mx = -HUGE_VAL;
            for (std::size_t i = begin; i < end; ++i) {
                if (std::isnan(points[i].value))
                    continue;
                mn = std::min(mn, points[i].value);
                mx = std::max(mx, points[i].value);
            }
            QCOMPARE(level[b].min, mn);
            QCOMPARE(level[b].max, mx);
            QCOMPARE(level[b].firstStep, points[begin].step);
            QCOMPARE(level[b].lastStep, points[end - 1].step);
        }
        bucketSize *= seriescodec::lodFanout;
    }
    QCOMPARE(lod.levels.back().front().max >= 1000.0 || lod.levels.back().size() > 1, true);
    double top = -HUGE_VAL;
    for (const auto& b : lod.levels.back())
        top = std::max(top, b.max);
    QCOMPARE(top, 1000.0);
}

void TestSeriesCodec::lodSurvivesEncoding() {
    std::vector<MetricPoint> few(100, MetricPoint{});
    QVERIFY(seriescodec::buildLod(few).levels.empty());
    std::vector<MetricPoint> points;
    for (std::int64_t i = 0; i < 10'000; ++i)
        points.push_back({i * 2, 0, static_cast<double>(i % 97)});
    const auto lod = seriescodec::buildLod(points);
    auto decoded = seriescodec::decodeLod(seriescodec::encodeLod(lod));
    QVERIFY(decoded.ok());
    QCOMPARE(decoded->levels.size(), lod.levels.size());
    for (std::size_t l = 0; l < lod.levels.size(); ++l) {
        QCOMPARE(decoded->levels[l].size(), lod.levels[l].size());
        QCOMPARE(decoded->levels[l].back().lastStep, lod.levels[l].back().lastStep);
        QCOMPARE(decoded->levels[l].front().max, lod.levels[l].front().max);
    }
}

void TestSeriesCodec::corruptBlobsAreErrors_data() {
    QTest::addColumn<QByteArray>("bytes");
    const auto good = seriescodec::encode(std::vector<MetricPoint>{{1, 2, 3.0}, {2, 3, 4.0}});
    const QByteArray valid(reinterpret_cast<const char*>(good.data()), static_cast<qsizetype>(good.size()));
    QTest::addRow("empty") << QByteArray();
    QTest::addRow("wrong magic") << QByteArray("X\x01\x01\x02", 4);
    QTest::addRow("truncated values") << valid.left(valid.size() - 3);
    QTest::addRow("count larger than data") << QByteArray("S\x01\x01\xff\xff\x03", 6);
}

void TestSeriesCodec::corruptBlobsAreErrors() {
    QFETCH(QByteArray, bytes);
    auto decoded = seriescodec::decode(
        {reinterpret_cast<const std::uint8_t*>(bytes.constData()), static_cast<std::size_t>(bytes.size())});
    QVERIFY(!decoded.ok());
    QVERIFY(decoded.error().message.find("corrupt") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestSeriesCodec)
#include "tst_seriescodec.moc"
