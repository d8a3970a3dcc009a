// SPDX-License-Identifier: MIT
#include "decimation.h"

#include <algorithm>
#include <cmath>

namespace runlens::analysis {
namespace {

// Accumulates min/max per column, then emits the columns that received data.
class ColumnAccumulator {
public:
    ColumnAccumulator(double x0, double x1, int columns)
        : m_x0(x0), m_width((x1 - x0) / std::max(columns, 1)),
          m_low(static_cast<std::size_t>(std::max(columns, 1)), HUGE_VAL),
          m_high(static_cast<std::size_t>(std::max(columns, 1)), -HUGE_VAL) {}

    void add(double x, double low, double high) {
        if (std::isnan(low) || std::isnan(high))
            return;
        std::size_t column = 0;
        if (m_width > 0)
            column =
                static_cast<std::size_t>(std::clamp((x - m_x0) / m_width, 0.0, static_cast<double>(m_low.size() - 1)));
        m_low[column] = std::min(m_low[column], low);
        m_high[column] = std::max(m_high[column], high);
    }

    Envelope finish(bool exact) const {
        Envelope e;
        e.exact = exact;
        for (std::size_t c = 0; c < m_low.size(); ++c) {
            if (m_low[c] > m_high[c])
                continue;  // no data in this column
            e.x.push_back(m_x0 + (static_cast<double>(c) + 0.5) * m_width);
            e.low.push_back(m_low[c]);
            e.high.push_back(m_high[c]);
        }
        return e;
    }

private:
    double m_x0;
    double m_width;
    std::vector<double> m_low;
    std::vector<double> m_high;
};

}  // namespace

Envelope decimatePoints(std::span<const MetricPoint> points, double x0, double x1, int columns) {
    ColumnAccumulator columnsOut(x0, x1, columns);
    const auto begin = std::lower_bound(points.begin(), points.end(), x0,
                                        [](const MetricPoint& p, double x) { return static_cast<double>(p.step) < x; });
    for (auto it = begin; it != points.end() && static_cast<double>(it->step) <= x1; ++it)
        columnsOut.add(static_cast<double>(it->step), it->value, it->value);
    return columnsOut.finish(true);
}

Envelope decimateLod(const LodPyramid& pyramid, double x0, double x1, int columns) {
    const auto inRange = [&](const LodBucket& b) {
        return static_cast<double>(b.lastStep) >= x0 && static_cast<double>(b.firstStep) <= x1;
    };
    // From the coarsest level down, the first with enough buckets in view.
    for (auto level = pyramid.levels.rbegin(); level != pyramid.levels.rend(); ++level) {
        const auto first = std::lower_bound(level->begin(), level->end(), x0, [](const LodBucket& b, double x) {
            return static_cast<double>(b.lastStep) < x;
        });
        std::size_t count = 0;
        for (auto it = first; it != level->end() && inRange(*it); ++it)
            ++count;
        if (count < static_cast<std::size_t>(2 * columns))
            continue;
        ColumnAccumulator columnsOut(x0, x1, columns);
        for (auto it = first; it != level->end() && inRange(*it); ++it)
            columnsOut.add(0.5 * (static_cast<double>(it->firstStep) + static_cast<double>(it->lastStep)), it->min,
                           it->max);
        return columnsOut.finish(false);
    }
    return {};
}

}  // namespace runlens::analysis
