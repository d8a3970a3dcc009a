// SPDX-License-Identifier: MIT
// The dense curve raster's fast walk must cover exactly the rows the plain walk covers, column by column, for any
// polyline: steps of about one pixel (with and without vertical min-max strokes), long segments, points on column
// edges, strokes a hair wide, curves that leave the clip on either side and curves that go right to left.
#include "curves/columnwalk.h"

#include <QTest>

#include <cmath>
#include <random>
#include <string>
#include <vector>

using runlens::ui::curves::ColumnRun;
using runlens::ui::curves::walkColumns;
using runlens::ui::curves::walkIntoRow;

namespace {

struct Walked {
    std::vector<ColumnRun> row;
    int first = INT_MAX;
    int last = INT_MIN;
};

Walked fast(const std::vector<QPointF>& points, const QRect& clip, int rowLimit) {
    Walked out;
    out.row.assign(static_cast<std::size_t>(clip.width()), ColumnRun{SHRT_MAX, SHRT_MIN});
    walkIntoRow(points.data(), points.size(), clip, rowLimit, out.row.data(), out.first, out.last);
    return out;
}

// Every piece merged into its column, the definition the fast walk must keep.
Walked plain(const std::vector<QPointF>& points, const QRect& clip, int rowLimit) {
    Walked out;
    out.row.assign(static_cast<std::size_t>(clip.width()), ColumnRun{SHRT_MAX, SHRT_MIN});
    walkColumns(points.data(), points.size(), clip.left(), clip.right(), [&](int x, int ya, int yb) {
        if (x < clip.left() || x > clip.right())
            return;
        ColumnRun& run = out.row[static_cast<std::size_t>(x - clip.left())];
        run.top =
            static_cast<std::int16_t>(std::min<int>(run.top, std::clamp(std::min(ya, yb) - clip.top(), -1, rowLimit)));
        run.bottom = static_cast<std::int16_t>(
            std::max<int>(run.bottom, std::clamp(std::max(ya, yb) - clip.top(), -1, rowLimit)));
        out.first = std::min(out.first, x - clip.left());
        out.last = std::max(out.last, x - clip.left());
    });
    return out;
}

// A decimated-looking curve: x steps of `step` pixels on average (jittered), a vertical stroke at some columns, and
// now and then a point exactly on a column edge, a stroke a hair wide, or a step back to the left.
std::vector<QPointF> curve(std::mt19937_64& rng, double start, int count, double step, double backwardsChance) {
    std::uniform_real_distribution<double> unit(0, 1);
    std::normal_distribution<double> noise(0, 12);
    std::vector<QPointF> points;
    double x = start;
    double y = 100;
    for (int i = 0; i < count; ++i) {
        const double pick = unit(rng);
        if (pick < 0.05)
            x = std::floor(x);  // on a column edge
        y = std::clamp(y + noise(rng), -30.0, 260.0);
        points.emplace_back(x, y);
        if (unit(rng) < 0.4)
            points.emplace_back(pick < 0.1 ? x + 1e-10 : x, y - std::abs(noise(rng)) * 3);  // stroke up
        x += unit(rng) < backwardsChance ? -step * unit(rng) * 3 : step * (0.5 + unit(rng));
    }
    return points;
}

}  // namespace

class TestColumnWalk : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fastWalkCoversWhatThePlainWalkCovers_data();
    void fastWalkCoversWhatThePlainWalkCovers();
    void shortCurves();
};

void TestColumnWalk::fastWalkCoversWhatThePlainWalkCovers_data() {
    QTest::addColumn<double>("start");
    QTest::addColumn<double>("step");
    QTest::addColumn<double>("backwards");
    QTest::addRow("one pixel per point, inside the clip") << 12.3 << 1.0 << 0.0;
    QTest::addRow("points closer than a pixel") << 12.3 << 0.4 << 0.0;
    QTest::addRow("zoomed in: several pixels per point") << 12.3 << 4.5 << 0.0;
    QTest::addRow("starting left of the clip, ending right of it") << -40.7 << 1.1 << 0.0;
    QTest::addRow("a clock reset now and then") << 12.3 << 1.0 << 0.02;
}

void TestColumnWalk::fastWalkCoversWhatThePlainWalkCovers() {
    QFETCH(double, start);
    QFETCH(double, step);
    QFETCH(double, backwards);
    const QRect clip(5, 20, 300, 200);
    const int rowLimit = clip.height();
    for (std::uint64_t seed = 1; seed <= 200; ++seed) {
        std::mt19937_64 rng(seed);
        const auto points = curve(rng, start, 400, step, backwards);
        const Walked expected = plain(points, clip, rowLimit);
        const Walked got = fast(points, clip, rowLimit);
        QCOMPARE(got.first, expected.first);
        QCOMPARE(got.last, expected.last);
        for (std::size_t c = 0; c < expected.row.size(); ++c) {
            if (got.row[c].top != expected.row[c].top || got.row[c].bottom != expected.row[c].bottom) {
                QFAIL(qPrintable(QStringLiteral("seed %1, column %2: rows %3..%4, expected %5..%6")
                                     .arg(seed)
                                     .arg(c)
                                     .arg(got.row[c].top)
                                     .arg(got.row[c].bottom)
                                     .arg(expected.row[c].top)
                                     .arg(expected.row[c].bottom)));
            }
        }
    }
}

void TestColumnWalk::shortCurves() {
    // No point, one point, a lone vertical stroke and one long segment.
    const QRect clip(0, 0, 50, 40);
    const std::vector<std::vector<QPointF>> curves = {
        {}, {{10.5, 7.2}}, {{20.5, 3.0}, {20.5, 30.0}}, {{2.0, 1.0}, {45.9, 38.0}}, {{45.9, 38.0}, {2.0, 1.0}}};
    for (const auto& points : curves) {
        const Walked expected = plain(points, clip, clip.height());
        const Walked got = fast(points, clip, clip.height());
        QCOMPARE(got.first, expected.first);
        QCOMPARE(got.last, expected.last);
        for (std::size_t c = 0; c < expected.row.size(); ++c) {
            QCOMPARE(got.row[c].top, expected.row[c].top);
            QCOMPARE(got.row[c].bottom, expected.row[c].bottom);
        }
    }
}

QTEST_GUILESS_MAIN(TestColumnWalk)
#include "tst_columnwalk.moc"
