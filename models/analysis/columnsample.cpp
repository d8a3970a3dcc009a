// SPDX-License-Identifier: MIT
#include "columnsample.h"

#include "drift.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace runlens::analysis {

namespace {

// Chan et al.'s combination of two (count, mean, sum of squared deviations) triples.
void combineMoments(std::int64_t& count, double& mean, double& m2, std::int64_t otherCount, double otherMean,
                    double otherM2) {
    if (otherCount == 0)
        return;
    if (count == 0) {
        count = otherCount;
        mean = otherMean;
        m2 = otherM2;
        return;
    }
    const auto na = static_cast<double>(count);
    const auto nb = static_cast<double>(otherCount);
    const double total = na + nb;
    const double delta = otherMean - mean;
    mean += delta * nb / total;
    m2 += otherM2 + delta * delta * na * nb / total;
    count += otherCount;
}

}  // namespace

NumericSample::NumericSample(std::size_t maxPoints)
    : m_maxPoints(std::max<std::size_t>(maxPoints, 64)),
      m_pendingCapacity(std::clamp<std::size_t>(m_maxPoints / 2, 64, std::size_t{1} << 15)) {}

NumericSample::~NumericSample() = default;
NumericSample::NumericSample(NumericSample&&) noexcept = default;
NumericSample& NumericSample::operator=(NumericSample&&) noexcept = default;

std::int64_t NumericSample::count() const {
    return m_count;
}

std::int64_t NumericSample::missing() const {
    return m_missing;
}

double NumericSample::min() const {
    return m_min;
}

double NumericSample::max() const {
    return m_max;
}

double NumericSample::mean() const {
    return m_count > 0 ? m_mean : std::numeric_limits<double>::quiet_NaN();
}

double NumericSample::populationStd() const {
    return m_count > 0 ? std::sqrt(std::max(m_m2, 0.0) / static_cast<double>(m_count))
                       : std::numeric_limits<double>::quiet_NaN();
}

std::size_t NumericSample::memoryBytes() const {
    return m_pending.capacity() * sizeof(double) + m_values.capacity() * sizeof(double) +
           m_weights.capacity() * sizeof(std::int64_t) + m_scratchValues.capacity() * sizeof(double) +
           m_scratchWeights.capacity() * sizeof(std::int64_t) + m_bins.capacity() * sizeof(BinTotals) +
           m_locator.memoryBytes() + (m_outside ? m_outside->memoryBytes() : 0);
}

void NumericSample::makeRoom() {
    if (m_cursor.next)
        flush();
    m_pending.resize(m_pendingCapacity);
    m_cursor.next = m_pending.data();
    m_cursor.end = m_cursor.next + m_pending.size();
}

void NumericSample::flush() {
    // The batch becomes the vector's contents; the next add() makes room again.
    if (m_cursor.next)
        m_pending.resize(static_cast<std::size_t>(m_cursor.next - m_pending.data()));
    m_cursor = {};
    if (m_pending.empty())
        return;
    if (m_binned) {
        countBinned();
        m_pending.clear();
        return;
    }
    m_missing += static_cast<std::int64_t>(dropNonFiniteAndSort(m_pending));
    const std::size_t n = m_pending.size();
    if (n > 0) {
        // Batch mean and squared deviations in two passes, then combined with what came before.
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
        if (m_count == 0) {
            m_min = m_pending.front();
            m_max = m_pending.back();
        } else {
            m_min = std::min(m_min, m_pending.front());
            m_max = std::max(m_max, m_pending.back());
        }
        combineMoments(m_count, m_mean, m_m2, static_cast<std::int64_t>(n), batchMean, m2 + m2Compensation);

        // Merge the sorted batch (weight 1 each) into the points, equal values becoming one point.
        m_scratchValues.clear();
        m_scratchWeights.clear();
        m_scratchValues.reserve(m_values.size() + n);
        m_scratchWeights.reserve(m_values.size() + n);
        std::size_t i = 0;
        std::size_t j = 0;
        while (i < m_values.size() || j < n) {
            double v = 0;
            std::int64_t w = 1;
            if (j == n || (i < m_values.size() && m_values[i] <= m_pending[j])) {
                v = m_values[i];
                w = m_weights[i++];
            } else {
                v = m_pending[j++];
            }
            if (!m_scratchValues.empty() && m_scratchValues.back() == v) {
                m_scratchWeights.back() += w;
            } else {
                m_scratchValues.push_back(v);
                m_scratchWeights.push_back(w);
            }
        }
        m_values.swap(m_scratchValues);
        m_weights.swap(m_scratchWeights);
    }
    m_pending.clear();
    if (m_values.size() > m_maxPoints)
        toBins();
}

void NumericSample::toBins() {
    // At most 4096 bins: a column's counts, sums, edges and index then stay in a core's cache while a batch is
    // counted, which is most of the speed.
    const std::size_t bins = std::clamp<std::size_t>(m_maxPoints / 2, 16, maxBins);
    const std::int64_t target = (m_count + static_cast<std::int64_t>(bins) - 1) / static_cast<std::int64_t>(bins);
    std::vector<double> edges;
    std::int64_t inBin = 0;
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        if (edges.empty() || inBin >= target) {
            edges.push_back(m_values[i]);
            inBin = 0;
        }
        inBin += m_weights[i];
    }
    m_low = m_values.front();
    m_high = m_values.back();
    m_bins.assign(edges.size(), BinTotals{});
    std::size_t bin = 0;
    for (std::size_t i = 0; i < m_values.size(); ++i) {
        while (bin + 1 < edges.size() && edges[bin + 1] <= m_values[i])
            ++bin;
        m_bins[bin].count += m_weights[i];
        m_bins[bin].sum += m_values[i] * static_cast<double>(m_weights[i]);
    }
    m_locator = BinLocator(std::move(edges), m_high);
    m_shift = m_mean;
    m_binned = true;
    m_values = {};
    m_weights = {};
    m_scratchValues = {};
    m_scratchWeights = {};
    // Larger batches once binned: a batch pays for bringing the column's bins back into cache, so more values share
    // that cost. Still within the column's share of memory, which the exact points took before.
    m_pendingCapacity = std::clamp<std::size_t>(m_maxPoints / 2, 8192, std::size_t{1} << 15);
    m_pending.clear();
    m_pending.shrink_to_fit();
}

void NumericSample::countBinned() {
    // One tight loop over the batch with the sums in locals, so they stay in registers; the additions happen in the
    // same order as one value at a time, so the sums are the same to the last bit.
    const double low = m_low;
    const double high = m_high;
    const double shift = m_shift;
    BinTotals* const bins = m_bins.data();
    double shiftedSum = m_shiftedSum;
    double shiftedSquares = m_shiftedSquares;
    std::int64_t binned = 0;
    for (const double value : m_pending) {
        if (!(value >= low && value <= high)) [[unlikely]] {
            addOutside(value);
            continue;
        }
        const std::size_t bin = m_locator.find(value);
        ++bins[bin].count;
        bins[bin].sum += value;
        const double d = value - shift;
        shiftedSum += d;
        shiftedSquares += d * d;
        ++binned;
    }
    m_shiftedSum = shiftedSum;
    m_shiftedSquares = shiftedSquares;
    m_binnedCount += binned;
}

void NumericSample::addOutside(double value) {
    if (!std::isfinite(value)) {
        ++m_missing;
        return;
    }
    if (!m_outside)
        m_outside = std::make_unique<NumericSample>(std::max<std::size_t>(m_maxPoints / 4, 1024));
    m_outside->add(value);
}

void NumericSample::finish() {
    flush();
    m_pending = {};  // the batch is not needed any more
    if (!m_binned || m_finished)
        return;
    m_finished = true;
    if (m_binnedCount > 0) {
        const auto n = static_cast<double>(m_binnedCount);
        const double mean = m_shift + m_shiftedSum / n;
        const double m2 = std::max(m_shiftedSquares - m_shiftedSum * m_shiftedSum / n, 0.0);
        combineMoments(m_count, m_mean, m_m2, m_binnedCount, mean, m2);
    }
    // Points: what lies below the bins, one point per non-empty bin at its mean, what lies above.
    std::span<const double> outsideValues;
    std::span<const std::int64_t> outsideWeights;
    if (m_outside) {
        m_outside->finish();
        outsideValues = m_outside->values();
        outsideWeights = m_outside->weights();
        m_missing += m_outside->missing();
        if (m_outside->count() > 0) {
            const double outsideM2 =
                m_outside->populationStd() * m_outside->populationStd() * static_cast<double>(m_outside->count());
            combineMoments(m_count, m_mean, m_m2, m_outside->count(), m_outside->mean(), outsideM2);
            m_min = std::min(m_min, m_outside->min());
            m_max = std::max(m_max, m_outside->max());
        }
    }
    std::size_t o = 0;
    while (o < outsideValues.size() && outsideValues[o] < m_low) {
        m_values.push_back(outsideValues[o]);
        m_weights.push_back(outsideWeights[o]);
        ++o;
    }
    const auto edges = m_locator.edges();
    for (std::size_t b = 0; b < m_bins.size(); ++b) {
        const BinTotals& totals = m_bins[b];
        if (totals.count == 0)
            continue;
        // The mean of a bin's values lies inside the bin, so the points stay sorted.
        const double mean = std::clamp(totals.sum / static_cast<double>(totals.count), edges[b],
                                       b + 1 < edges.size() ? edges[b + 1] : m_high);
        if (!m_values.empty() && m_values.back() == mean) {
            m_weights.back() += totals.count;
        } else {
            m_values.push_back(mean);
            m_weights.push_back(totals.count);
        }
    }
    for (; o < outsideValues.size(); ++o) {
        m_values.push_back(outsideValues[o]);
        m_weights.push_back(outsideWeights[o]);
    }
    m_outside.reset();
}

CategorySample::CategorySample(const CategorySample& other)
    : m_maxCategories(other.m_maxCategories), m_counts(other.m_counts), m_count(other.m_count),
      m_missing(other.m_missing), m_overflowed(other.m_overflowed) {}

CategorySample& CategorySample::operator=(const CategorySample& other) {
    if (this != &other) {
        m_maxCategories = other.m_maxCategories;
        m_counts = other.m_counts;
        m_slots = {};
        m_count = other.m_count;
        m_missing = other.m_missing;
        m_overflowed = other.m_overflowed;
    }
    return *this;
}

void CategorySample::add(std::string_view value) {
    ++m_count;
    // The top bits of one Fibonacci product of a short value's words pick its slot (the map's hash is three dependent
    // multiplications, and which slot a value takes changes nothing but speed).
    const ShortKey words(value);
    const std::uint64_t slotKey =
        value.size() > 16 ? Hash()(value) : words.low ^ (words.high * 0x94D049BB133111EBull) ^ value.size();
    Slot& slot = m_slots[(slotKey * 0x9E3779B97F4A7C15ull) >> 56];
    if (slot.count && slot.key.size() == value.size() &&
        (value.size() <= 16 ? slot.words == words : slot.key == value)) {
        ++*slot.count;
        return;
    }
    if (auto it = m_counts.find(value); it != m_counts.end()) {
        ++it->second;
        slot = {words, it->first, &it->second};
        return;
    }
    if (m_counts.size() >= m_maxCategories) {
        m_overflowed = true;
        ++m_counts[std::string(otherLabel)];
        return;
    }
    const auto [it, inserted] = m_counts.emplace(std::string(value), 1);
    slot = {words, it->first, &it->second};
}

}  // namespace runlens::analysis
