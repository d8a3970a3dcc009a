// SPDX-License-Identifier: MIT
#pragma once

#include "binlocator.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace runlens::analysis {

// A numeric column streamed one value at a time in bounded memory and at a few nanoseconds a value.
//
// While it has at most maxPoints distinct values it is exact: values are kept sorted as (value, weight) points,
// equal values merging losslessly, so a column with few distinct values stays exact at any length. Past that it
// turns into a histogram of min(maxPoints / 2, maxBins) bins of equal weight, their edges taken from the values seen so
// far; each later value only increments its bin (found in constant time by a BinLocator, no sorting), and values beyond
// the edges go to a nested sample of the same kind. A bin stands for its values at their mean, so the empirical CDF is
// off by at most a bin's weight (about 1 / 4096 of the rows for a steady distribution) and exact() turns false. Count,
// missing, min and max stay exact; mean and standard deviation are streamed with shifted sums.
class NumericSample {
public:
    static constexpr std::size_t defaultMaxPoints = std::size_t{1} << 16;
    static constexpr std::size_t maxBins = 4096;

    explicit NumericSample(std::size_t maxPoints = defaultMaxPoints);
    ~NumericSample();
    NumericSample(NumericSample&&) noexcept;
    NumericSample& operator=(NumericSample&&) noexcept;

    void add(double value) {
        // Values wait in a batch either way: one column's bins stay in cache while a batch is counted. A full batch is
        // counted when the next value comes (or at finish()), so this stays a store and a compare.
        if (m_cursor.next == m_cursor.end) [[unlikely]]
            makeRoom();
        *m_cursor.next++ = value;
    }
    void addMissing(std::int64_t count = 1) { m_missing += count; }
    // Makes the points below current; call once after the last add() (calling it again is harmless).
    void finish();

    std::span<const double> values() const { return m_values; }
    std::span<const std::int64_t> weights() const { return m_weights; }
    std::int64_t count() const;    // finite values
    std::int64_t missing() const;  // NaN, infinities, missing tokens
    bool exact() const { return !m_binned; }
    double min() const;
    double max() const;
    double mean() const;
    double populationStd() const;  // ddof = 0
    std::size_t memoryBytes() const;

private:
    void flush();
    void makeRoom();
    void toBins();
    void countBinned();
    void addOutside(double value);

    std::size_t m_maxPoints;
    std::size_t m_pendingCapacity;
    // The batch: values up to cursor.next, room up to cursor.end. A moved vector keeps its buffer, so the cursor moves
    // with it and leaves the moved-from sample without room.
    struct Cursor {
        double* next = nullptr;
        double* end = nullptr;
        Cursor() = default;
        Cursor(Cursor&& other) noexcept
            : next(std::exchange(other.next, nullptr)), end(std::exchange(other.end, nullptr)) {}
        Cursor& operator=(Cursor&& other) noexcept {
            next = std::exchange(other.next, nullptr);
            end = std::exchange(other.end, nullptr);
            return *this;
        }
    };
    std::vector<double> m_pending;
    Cursor m_cursor;
    std::vector<double> m_values;         // sorted, distinct
    std::vector<std::int64_t> m_weights;  // rows each value stands for
    std::vector<double> m_scratchValues;
    std::vector<std::int64_t> m_scratchWeights;
    std::int64_t m_count = 0;
    std::int64_t m_missing = 0;
    double m_min = 0;
    double m_max = 0;
    // Running mean and sum of squared deviations, combined batch by batch (Chan et al.) so no digits are lost.
    double m_mean = 0;
    double m_m2 = 0;

    // Histogram mode.
    bool m_binned = false;
    bool m_finished = false;
    double m_low = 0;
    double m_high = 0;
    // A bin's count and sum side by side: counting a value touches one cache line, not two.
    struct BinTotals {
        double sum = 0;
        std::int64_t count = 0;
    };
    std::vector<BinTotals> m_bins;
    BinLocator m_locator;  // the bins' lower edges (the last bin ends at m_high) and the index over them
    double m_shift = 0;    // sums of (value - shift) keep the variance's digits
    double m_shiftedSum = 0;
    double m_shiftedSquares = 0;
    std::int64_t m_binnedCount = 0;
    std::unique_ptr<NumericSample> m_outside;  // values beyond the bins' edges
};

// A categorical column streamed in bounded memory: counts per distinct value. Past maxCategories distinct values new
// ones are counted under otherLabel and overflowed() turns true.
class CategorySample {
public:
    static constexpr std::size_t defaultMaxCategories = 10000;
    static constexpr std::string_view otherLabel = "(other)";

    explicit CategorySample(std::size_t maxCategories = defaultMaxCategories) : m_maxCategories(maxCategories) {}
    // The recent-value slots point into this sample's own map, so a copy starts with empty slots.
    CategorySample(const CategorySample& other);
    CategorySample& operator=(const CategorySample& other);
    CategorySample(CategorySample&&) noexcept = default;
    CategorySample& operator=(CategorySample&&) noexcept = default;

    void add(std::string_view value);
    void addMissing(std::int64_t count = 1) { m_missing += count; }

    std::int64_t count() const { return m_count; }
    std::int64_t missing() const { return m_missing; }
    bool overflowed() const { return m_overflowed; }
    // Value -> count, in no particular order.
    const auto& counts() const { return m_counts; }

private:
    // The bytes of a value of up to sixteen bytes as two words, zero-padded: the hash mixes them, and a slot compares
    // them instead of calling memcmp.
    struct ShortKey {
        std::uint64_t low = 0;
        std::uint64_t high = 0;
        explicit ShortKey(std::string_view s) {
            const std::size_t n = s.size();
            if (n > 16)
                return;
            if constexpr (std::endian::native == std::endian::little) {
                // Fixed-size loads that overlap instead of a memcpy of a variable length, which is a library call and
                // then a stalled reload of bytes written one by one. Overlapping bytes are the same bytes, so the
                // words equal those of the plain copy.
                const auto* p = reinterpret_cast<const unsigned char*>(s.data());
                if (n >= 8) {
                    low = load<std::uint64_t>(p);
                    if (n > 8)
                        high = load<std::uint64_t>(p + n - 8) >> (8 * (16 - n));
                } else if (n >= 4) {
                    low = std::uint64_t{load<std::uint32_t>(p)} |
                          (std::uint64_t{load<std::uint32_t>(p + n - 4)} << (8 * (n - 4)));
                } else if (n > 0) {
                    low = std::uint64_t{p[0]} | (std::uint64_t{p[n / 2]} << (8 * (n / 2))) |
                          (std::uint64_t{p[n - 1]} << (8 * (n - 1)));
                }
            } else {
                std::memcpy(&low, s.data(), std::min<std::size_t>(n, 8));
                if (n > 8)
                    std::memcpy(&high, s.data() + 8, n - 8);
            }
        }
        template <typename Word> static Word load(const unsigned char* p) {
            Word w;
            std::memcpy(&w, p, sizeof w);
            return w;
        }
        bool operator==(const ShortKey&) const = default;
    };
    struct Hash {
        using is_transparent = void;
        // Category values are mostly short words: up to sixteen bytes are mixed with two multiplications, which is
        // several times cheaper than the general string hash; longer values use that.
        std::size_t operator()(std::string_view s) const {
            if (s.size() > 16)
                return std::hash<std::string_view>()(s);
            return mix(ShortKey(s), s.size());
        }
        static std::size_t mix(const ShortKey& key, std::size_t size) {
            std::uint64_t h = (key.low ^ (size * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
            h = (h ^ (h >> 31) ^ key.high) * 0x94D049BB133111EBull;
            return static_cast<std::size_t>(h ^ (h >> 29));
        }
    };
    using Counts = std::unordered_map<std::string, std::int64_t, Hash, std::equal_to<>>;
    // Slots by the low bits of the hash, each remembering one value's map entry: a repeated value is counted
    // without the map's bucket division and node walk. Map nodes never move, so the pointers stay valid.
    static constexpr std::size_t slotCount = 256;  // the top eight bits of a product index them
    struct Slot {
        ShortKey words{std::string_view()};
        std::string_view key;
        std::int64_t* count = nullptr;
    };
    std::size_t m_maxCategories;
    Counts m_counts;
    std::array<Slot, slotCount> m_slots{};
    std::int64_t m_count = 0;
    std::int64_t m_missing = 0;
    bool m_overflowed = false;
};

}  // namespace runlens::analysis
