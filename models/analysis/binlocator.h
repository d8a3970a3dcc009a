// SPDX-License-Identifier: MIT
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace runlens::analysis {

// Finds a value's histogram bin in constant time: the bin whose lower edge is the last one at or below the value,
// which is std::upper_bound(edges, value) - 1 (0 below the first edge), for any sorted edges.
//
// Equal-width cells over [first edge, high] each know the bin holding their lower end; from there two branch-free
// steps forward reach the value's bin whenever a cell overlaps at most three bins (four cells per bin make that the
// rule for smooth distributions), and one well-predicted test confirms it. Anything else (rounding at a cell border,
// crowded bins, values outside [first edge, high], NaN) takes the plain binary search, so the answer never depends
// on the index.
class BinLocator {
public:
    static constexpr std::size_t cellsPerBin = 4;
    // Cells hold 16-bit bin numbers, which keeps the index as small as the counts (histograms have 4,096 bins).
    static constexpr std::size_t maxIndexedBins = std::size_t{1} << 16;

    BinLocator() = default;
    // edges: the bins' lower edges, sorted; high: where the last bin ends.
    BinLocator(std::vector<double> edges, double high) : m_edges(std::move(edges)), m_binCount(m_edges.size()) {
        // Sentinels above everything, so the steps can look one bin ahead without a bounds check; reserved exactly, so
        // they do not double the vector.
        m_edges.reserve(m_binCount + 2);
        m_edges.insert(m_edges.end(), 2, std::numeric_limits<double>::infinity());
        if (m_binCount == 0 || m_binCount > maxIndexedBins)
            return;  // no index: every lookup is the binary search
        m_low = m_edges.front();
        const std::size_t cells = std::clamp<std::size_t>(m_binCount * cellsPerBin, 1024, std::size_t{1} << 18);
        m_cellScale = high > m_low ? static_cast<double>(cells) / (high - m_low) : 0.0;
        m_lastCell = static_cast<double>(cells - 1);
        m_cellFirstBin.resize(cells);
        for (std::size_t c = 0; c < cells; ++c) {
            const double x = m_cellScale > 0 ? m_low + static_cast<double>(c) / m_cellScale : m_low;
            m_cellFirstBin[c] = static_cast<std::uint16_t>(plainSearch(x));
        }
    }

    std::size_t binCount() const { return m_binCount; }
    std::span<const double> edges() const { return {m_edges.data(), m_binCount}; }

    std::size_t find(double value) const {
        if (m_cellFirstBin.empty()) [[unlikely]]
            return plainSearch(value);
        // Comparisons in double before the conversion: NaN, infinities and far values never reach the cast.
        const double position = (value - m_low) * m_cellScale;
        const double clamped = position > 0 ? (position < m_lastCell ? position : m_lastCell) : 0.0;
        std::size_t bin = m_cellFirstBin[static_cast<std::size_t>(clamped)];
        const double* const edges = m_edges.data();
        bin += edges[bin + 1] <= value ? 1 : 0;
        bin += edges[bin + 1] <= value ? 1 : 0;
        if (bin < m_binCount && (edges[bin] <= value || bin == 0) && value < edges[bin + 1]) [[likely]]
            return bin;
        return plainSearch(value);
    }

    // The same answer by binary search: the reference the index is checked against.
    std::size_t plainSearch(double value) const {
        const auto end = m_edges.begin() + static_cast<std::ptrdiff_t>(m_binCount);
        const auto it = std::upper_bound(m_edges.begin(), end, value);
        return it == m_edges.begin() ? 0 : static_cast<std::size_t>(it - m_edges.begin() - 1);
    }

    std::size_t memoryBytes() const {
        return m_edges.capacity() * sizeof(double) + m_cellFirstBin.capacity() * sizeof(std::uint16_t);
    }

private:
    std::vector<double> m_edges;  // the lower edges, then two sentinels
    std::vector<std::uint16_t> m_cellFirstBin;
    std::size_t m_binCount = 0;
    double m_low = 0;
    double m_cellScale = 0;
    double m_lastCell = 0;
};

}  // namespace runlens::analysis
