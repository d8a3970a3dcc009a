// SPDX-License-Identifier: MIT
#include "columnsample.h"

#include "drift.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens::analysis {

NumericSample::NumericSample(std::size_t maxPoints)
    : m_maxPoints(std::max<std::size_t>(maxPoints, 64)),
      m_pendingCapacity(std::clamp<std::size_t>(m_maxPoints / 2, 64, std::size_t{1} << 15)) {
    m_pending.reserve(m_pendingCapacity);
}

double NumericSample::mean() const {
    return m_count > 0 ? m_mean : std::numeric_limits<double>::quiet_NaN();
}

double NumericSample::populationStd() const {
    return m_count > 0 ? std::sqrt(m_m2 / static_cast<double>(m_count)) : std::numeric_limits<double>::quiet_NaN();
}

std::size_t NumericSample::memoryBytes() const {
    return m_pending.capacity() * sizeof(double) + m_values.capacity() * sizeof(double) +
           m_weights.capacity() * sizeof(std::int64_t) + m_scratchValues.capacity() * sizeof(double) +
           m_scratchWeights.capacity() * sizeof(std::int64_t);
}

void NumericSample::flush() {
    if (m_pending.empty())
        return;
    m_missing += static_cast<std::int64_t>(dropNonFiniteAndSort(m_pending));
    const std::size_t n = m_pending.size();
    if (n > 0) {
        // Batch mean and squared deviations in two passes, then Chan's combination with what came before.
        double sum = 0;
        double compensation = 0;
        for (double x : m_pending) {
            const double t = sum + x;
            compensation += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
            sum = t;
        }
        const auto nb = static_cast<double>(n);
        const double batchMean = (sum + compensation) / nb;
        double m2 = 0;
        double m2Compensation = 0;
        for (double x : m_pending) {
            const double d = (x - batchMean) * (x - batchMean);
            const double t = m2 + d;
            m2Compensation += m2 >= d ? (m2 - t) + d : (d - t) + m2;
            m2 = t;
        }
        m2 += m2Compensation;
        if (m_count == 0) {
            m_mean = batchMean;
            m_m2 = m2;
            m_min = m_pending.front();
            m_max = m_pending.back();
        } else {
            const auto na = static_cast<double>(m_count);
            const double delta = batchMean - m_mean;
            const double total = na + nb;
            m_mean += delta * nb / total;
            m_m2 += m2 + delta * delta * na * nb / total;
            m_min = std::min(m_min, m_pending.front());
            m_max = std::max(m_max, m_pending.back());
        }
        m_count += static_cast<std::int64_t>(n);

        // Merge the sorted batch (weight 1 each) into the points, equal values becoming one point.
        m_scratchValues.clear();
        m_scratchWeights.clear();
        m_scratchValues.reserve(m_values.size() + n);
        m_scratchWeights.reserve(m_values.size() + n);
        std::size_t i = 0;
        std::size_t j = 0;
        const auto push = [this](double v, std::int64_t w) {
            if (!m_scratchValues.empty() && m_scratchValues.back() == v) {
                m_scratchWeights.back() += w;
            } else {
                m_scratchValues.push_back(v);
                m_scratchWeights.push_back(w);
            }
        };
        while (i < m_values.size() || j < n) {
            if (j == n || (i < m_values.size() && m_values[i] <= m_pending[j])) {
                push(m_values[i], m_weights[i]);
                ++i;
            } else {
                push(m_pending[j], 1);
                ++j;
            }
        }
        m_values.swap(m_scratchValues);
        m_weights.swap(m_scratchWeights);
    }
    m_pending.clear();
    if (m_values.size() > m_maxPoints)
        compress();
}

void NumericSample::compress() {
    // Groups of equal weight, half the capacity of them, so the next compression is maxPoints / 2 values away.
    const std::size_t groups = m_maxPoints / 2;
    const std::int64_t target = (m_count + static_cast<std::int64_t>(groups) - 1) / static_cast<std::int64_t>(groups);
    std::size_t out = 0;
    std::size_t begin = 0;
    while (begin < m_values.size()) {
        std::size_t end = begin;
        std::int64_t weight = 0;
        while (end < m_values.size() && (weight == 0 || weight + m_weights[end] <= target)) {
            weight += m_weights[end];
            ++end;
        }
        // The weighted median of the group stands for it.
        std::int64_t seen = 0;
        std::size_t median = begin;
        while (median + 1 < end && 2 * (seen + m_weights[median]) < weight) {
            seen += m_weights[median];
            ++median;
        }
        if (end - begin > 1)
            m_exact = false;
        m_values[out] = m_values[median];
        m_weights[out] = weight;
        ++out;
        begin = end;
    }
    m_values.resize(out);
    m_weights.resize(out);
}

void CategorySample::add(std::string_view value) {
    ++m_count;
    if (auto it = m_counts.find(value); it != m_counts.end()) {
        ++it->second;
        return;
    }
    if (m_counts.size() >= m_maxCategories) {
        m_overflowed = true;
        ++m_counts[std::string(otherLabel)];
        return;
    }
    m_counts.emplace(std::string(value), 1);
}

}  // namespace runlens::analysis
