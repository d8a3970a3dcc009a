// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runlens::analysis {

// A numeric column streamed one value at a time in bounded memory. Values are kept sorted as (value, weight) points:
// equal values merge losslessly, so a column with few distinct values stays exact at any length. When the points
// outgrow maxPoints, neighbours merge into groups of equal weight (the group's weighted median stands for it); the
// empirical CDF is then off by at most about n^2 / maxPoints^2 rows (n / maxPoints^2 as a share), and exact() turns
// false. Count, missing, min, max, mean and standard deviation are always exact (streamed).
class NumericSample {
public:
    static constexpr std::size_t defaultMaxPoints = std::size_t{1} << 16;

    explicit NumericSample(std::size_t maxPoints = defaultMaxPoints);

    void add(double value) {
        m_pending.push_back(value);
        if (m_pending.size() >= m_pendingCapacity)
            flush();
    }
    void addMissing(std::int64_t count = 1) { m_missing += count; }
    // Sorts and merges what is pending; the accessors below are valid after it (it is cheap to call twice).
    void finish() { flush(); }

    std::span<const double> values() const { return m_values; }
    std::span<const std::int64_t> weights() const { return m_weights; }
    std::int64_t count() const { return m_count; }      // finite values
    std::int64_t missing() const { return m_missing; }  // NaN, infinities, missing tokens
    bool exact() const { return m_exact; }
    double min() const { return m_min; }
    double max() const { return m_max; }
    double mean() const;
    double populationStd() const;  // ddof = 0
    std::size_t memoryBytes() const;

private:
    void flush();
    void compress();

    std::size_t m_maxPoints;
    std::size_t m_pendingCapacity;
    std::vector<double> m_pending;
    std::vector<double> m_values;         // sorted, distinct
    std::vector<std::int64_t> m_weights;  // rows each value stands for
    std::vector<double> m_scratchValues;
    std::vector<std::int64_t> m_scratchWeights;
    std::int64_t m_count = 0;
    std::int64_t m_missing = 0;
    bool m_exact = true;
    double m_min = 0;
    double m_max = 0;
    // Running mean and sum of squared deviations, combined batch by batch (Chan et al.) so no digits are lost.
    double m_mean = 0;
    double m_m2 = 0;
};

// A categorical column streamed in bounded memory: counts per distinct value. Past maxCategories distinct values new
// ones are counted under otherLabel and overflowed() turns true.
class CategorySample {
public:
    static constexpr std::size_t defaultMaxCategories = 10000;
    static constexpr std::string_view otherLabel = "(other)";

    explicit CategorySample(std::size_t maxCategories = defaultMaxCategories) : m_maxCategories(maxCategories) {}

    void add(std::string_view value);
    void addMissing(std::int64_t count = 1) { m_missing += count; }

    std::int64_t count() const { return m_count; }
    std::int64_t missing() const { return m_missing; }
    bool overflowed() const { return m_overflowed; }
    // Value -> count, in no particular order.
    const auto& counts() const { return m_counts; }

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::size_t m_maxCategories;
    std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>> m_counts;
    std::int64_t m_count = 0;
    std::int64_t m_missing = 0;
    bool m_overflowed = false;
};

}  // namespace runlens::analysis
