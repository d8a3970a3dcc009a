// SPDX-License-Identifier: MIT
#include "drift.h"

#include "distributions.h"
#include "text.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace runlens::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Neumaier's compensated sum: a million terms keep their digits, as numpy's pairwise sums do.
class CompensatedSum {
public:
    void add(double x) {
        const double t = m_sum + x;
        m_compensation += std::fabs(m_sum) >= std::fabs(x) ? (m_sum - t) + x : (x - t) + m_sum;
        m_sum = t;
    }
    double value() const { return m_sum + m_compensation; }

private:
    double m_sum = 0;
    double m_compensation = 0;
};

// numpy.quantile's linear method including its lerp, which interpolates from the upper neighbour when the fraction
// is at least one half: bin edges must equal numpy's to the last bit, or a value on an edge changes bins.
double numpyQuantile(std::span<const double> sorted, double q) {
    const double position = static_cast<double>(sorted.size() - 1) * q;
    const double belowPosition = std::floor(position);
    const auto below = static_cast<std::size_t>(belowPosition);
    const auto above = std::min(below + 1, sorted.size() - 1);
    const double t = position - belowPosition;
    const double a = sorted[below];
    const double b = sorted[above];
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

std::string_view trimmed(std::string_view s) {
    return text::trim(s, " \t\r\n");
}

bool parseNumber(std::string_view s, double& out) {
    s = trimmed(s);
    if (!s.empty() && s.front() == '+')
        s.remove_prefix(1);
    if (s.empty())
        return false;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size();
}

std::vector<double> shares(std::span<const std::int64_t> counts, std::int64_t total) {
    std::vector<double> out(counts.size(), 0.0);
    if (total <= 0)
        return out;
    for (std::size_t i = 0; i < counts.size(); ++i)
        out[i] = static_cast<double>(counts[i]) / static_cast<double>(total);
    return out;
}

// Order-preserving map of a double's bits to an unsigned key: negative numbers flip all bits, positive the sign bit.
std::uint64_t sortKey(double x) {
    const auto bits = std::bit_cast<std::uint64_t>(x);
    return (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
}

double fromSortKey(std::uint64_t key) {
    return std::bit_cast<double>((key >> 63) ? key & ~(std::uint64_t{1} << 63) : ~key);
}

}  // namespace

bool isMissingToken(std::string_view value) {
    const auto v = trimmed(value);
    return v.empty() || v == "nan" || v == "NaN" || v == "NAN" || v == "NA" || v == "N/A" || v == "null" ||
           v == "NULL" || v == "None";
}

ColumnKind inferColumnKind(std::span<const std::string> sample, const ColumnTypingRules& rules) {
    std::unordered_set<std::string_view> distinct;
    std::int64_t count = 0;
    std::int64_t withSpace = 0;
    double totalLength = 0;
    bool allNumbers = true;
    bool allWhole = true;
    for (const auto& raw : sample) {
        if (isMissingToken(raw))
            continue;
        const auto value = trimmed(raw);
        ++count;
        distinct.insert(value);
        totalLength += static_cast<double>(value.size());
        if (value.find(' ') != std::string_view::npos)
            ++withSpace;
        double number = 0;
        if (allNumbers && parseNumber(value, number)) {
            if (!std::isfinite(number) || number != std::floor(number))
                allWhole = false;
        } else {
            allNumbers = false;
        }
    }
    if (count == 0)
        return ColumnKind::Empty;
    const auto distinctCount = static_cast<std::int64_t>(distinct.size());
    if (distinctCount == 2)
        return ColumnKind::Binary;
    if (allNumbers) {
        return allWhole && distinctCount <= rules.maxIntegerCategories ? ColumnKind::Categorical : ColumnKind::Numeric;
    }
    const double meanLength = totalLength / static_cast<double>(count);
    const double distinctShare = static_cast<double>(distinctCount) / static_cast<double>(count);
    if (meanLength >= rules.textMinMeanLength || (distinctShare > rules.textMinDistinctShare && 2 * withSpace > count))
        return ColumnKind::Text;
    return ColumnKind::Categorical;
}

std::size_t dropNonFiniteAndSort(std::vector<double>& values) {
    const auto removed = std::erase_if(values, [](double x) { return !std::isfinite(x); });
    const std::size_t n = values.size();
    if (n < 1024) {
        std::sort(values.begin(), values.end());
        return removed;
    }
    // LSD radix sort, six 11-bit digits; all histograms in one pass, and a digit every key shares is skipped.
    constexpr int digitBits = 11;
    constexpr int digits = 6;
    constexpr std::size_t buckets = std::size_t{1} << digitBits;
    std::vector<std::uint64_t> keys(n);
    std::vector<std::uint64_t> buffer(n);
    std::vector<std::size_t> histogram(buckets * digits, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint64_t key = sortKey(values[i]);
        keys[i] = key;
        for (int d = 0; d < digits; ++d)
            ++histogram[static_cast<std::size_t>(d) * buckets + ((key >> (d * digitBits)) & (buckets - 1))];
    }
    for (int d = 0; d < digits; ++d) {
        std::size_t* counts = histogram.data() + static_cast<std::size_t>(d) * buckets;
        if (std::any_of(counts, counts + buckets, [n](std::size_t c) { return c == n; }))
            continue;
        std::size_t offset = 0;
        for (std::size_t b = 0; b < buckets; ++b) {
            const std::size_t c = counts[b];
            counts[b] = offset;
            offset += c;
        }
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t key = keys[i];
            buffer[counts[(key >> (d * digitBits)) & (buckets - 1)]++] = key;
        }
        keys.swap(buffer);
    }
    for (std::size_t i = 0; i < n; ++i)
        values[i] = fromSortKey(keys[i]);
    return removed;
}

namespace {

// Weight of point i; an empty weight list means every point counts once.
inline std::int64_t weightAt(std::span<const std::int64_t> weights, std::size_t i) {
    return weights.empty() ? 1 : weights[i];
}

std::int64_t totalWeight(std::span<const double> values, std::span<const std::int64_t> weights) {
    if (weights.empty())
        return static_cast<std::int64_t>(values.size());
    return std::accumulate(weights.begin(), weights.end(), std::int64_t{0});
}

KsResult ksCore(std::span<const double> a, std::span<const std::int64_t> aw, std::span<const double> b,
                std::span<const std::int64_t> bw, KsMethod method) {
    KsResult result;
    const std::int64_t n1 = totalWeight(a, aw);
    const std::int64_t n2 = totalWeight(b, bw);
    if (n1 == 0 || n2 == 0) {
        result.statistic = nan;
        result.pValue = nan;
        return result;
    }
    const std::int64_t g = std::gcd(n1, n2);
    const std::int64_t n1g = n1 / g;
    const std::int64_t n2g = n2 / g;
    // F_a - F_b at each distinct value is (i n2g - j n1g) / lcm: its largest magnitude h is exact in integers.
    std::int64_t h = 0;
    double dFloat = 0;
    std::size_t i = 0;
    std::size_t j = 0;
    std::int64_t ci = 0;
    std::int64_t cj = 0;
    while (i < a.size() || j < b.size()) {
        const double v = j == b.size() ? a[i] : (i == a.size() ? b[j] : std::min(a[i], b[j]));
        while (i < a.size() && a[i] == v)
            ci += weightAt(aw, i++);
        while (j < b.size() && b[j] == v)
            cj += weightAt(bw, j++);
        const std::int64_t diff = ci * n2g - cj * n1g;
        if (std::llabs(diff) > h) {
            h = std::llabs(diff);
            dFloat = std::fabs(static_cast<double>(ci) / static_cast<double>(n1) -
                               static_cast<double>(cj) / static_cast<double>(n2));
            result.location = v;
        }
    }
    result.statistic = dFloat;

    bool exact = false;
    if (method == KsMethod::Auto) {
        exact = std::max(n1, n2) <= 10000;
    } else if (method == KsMethod::Exact) {
        exact = static_cast<double>(n1g) <
                static_cast<double>(std::numeric_limits<std::int32_t>::max()) / static_cast<double>(n2g);
    }
    if (exact) {
        const double lcm = static_cast<double>(n1g) * static_cast<double>(n2);
        const double p = ksTwoSampleExactSf(n1, n2, h);
        if (!std::isnan(p)) {
            result.statistic = static_cast<double>(h) / lcm;
            result.pValue = p;
            result.exact = true;
            return result;
        }
    }
    // Smirnov's asymptotics through the one-sample distribution at the effective size m n / (m + n), rounded half
    // to even like numpy.
    const auto m = static_cast<double>(std::max(n1, n2));
    const auto n = static_cast<double>(std::min(n1, n2));
    const double effective = std::nearbyint(m * n / (m + n));
    result.pValue = std::clamp(kolmogorovNSf(static_cast<std::int64_t>(effective), result.statistic), 0.0, 1.0);
    result.exact = false;
    return result;
}

double wassersteinCore(std::span<const double> a, std::span<const std::int64_t> aw, std::span<const double> b,
                       std::span<const std::int64_t> bw) {
    const std::int64_t n1i = totalWeight(a, aw);
    const std::int64_t n2i = totalWeight(b, bw);
    if (n1i == 0 || n2i == 0)
        return nan;
    const auto n1 = static_cast<double>(n1i);
    const auto n2 = static_cast<double>(n2i);
    // Integral of |F_a - F_b| over the merged sample: between consecutive distinct values both CDFs are constant.
    CompensatedSum sum;
    std::size_t i = 0;
    std::size_t j = 0;
    std::int64_t ci = 0;
    std::int64_t cj = 0;
    while (i < a.size() || j < b.size()) {
        const double v = j == b.size() ? a[i] : (i == a.size() ? b[j] : std::min(a[i], b[j]));
        while (i < a.size() && a[i] == v)
            ci += weightAt(aw, i++);
        while (j < b.size() && b[j] == v)
            cj += weightAt(bw, j++);
        if (i == a.size() && j == b.size())
            break;
        const double next = j == b.size() ? a[i] : (i == a.size() ? b[j] : std::min(a[i], b[j]));
        sum.add(std::fabs(static_cast<double>(ci) / n1 - static_cast<double>(cj) / n2) * (next - v));
    }
    return sum.value();
}

}  // namespace

KsResult ksTwoSampleSorted(std::span<const double> a, std::span<const double> b, KsMethod method) {
    return ksCore(a, {}, b, {}, method);
}

KsResult ksTwoSampleWeighted(std::span<const double> a, std::span<const std::int64_t> aWeights,
                             std::span<const double> b, std::span<const std::int64_t> bWeights, KsMethod method) {
    return ksCore(a, aWeights, b, bWeights, method);
}

double wassersteinSorted(std::span<const double> a, std::span<const double> b) {
    return wassersteinCore(a, {}, b, {});
}

std::vector<double> quantileBinEdges(std::span<const double> sortedReference, int bins) {
    std::vector<double> edges;
    if (sortedReference.empty() || bins < 2)
        return edges;
    for (int k = 1; k < bins; ++k)
        edges.push_back(numpyQuantile(sortedReference, static_cast<double>(k) / bins));
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    return edges;
}

std::vector<std::int64_t> binCountsSorted(std::span<const double> sorted, std::span<const double> edges) {
    std::vector<std::int64_t> counts(edges.size() + 1, 0);
    std::size_t previous = 0;
    for (std::size_t e = 0; e < edges.size(); ++e) {
        // Values below edge e lie in bins 0..e: the bins are closed on the left.
        const auto below = static_cast<std::size_t>(
            std::lower_bound(sorted.begin() + static_cast<std::ptrdiff_t>(previous), sorted.end(), edges[e]) -
            sorted.begin());
        counts[e] = static_cast<std::int64_t>(below - previous);
        previous = below;
    }
    counts.back() = static_cast<std::int64_t>(sorted.size() - previous);
    return counts;
}

double populationStabilityIndex(std::span<const double> referenceShares, std::span<const double> currentShares) {
    if (referenceShares.size() != currentShares.size())
        return nan;
    CompensatedSum sum;
    for (std::size_t i = 0; i < referenceShares.size(); ++i) {
        const double r = referenceShares[i] == 0 ? psiEmptyShare : referenceShares[i];
        const double c = currentShares[i] == 0 ? psiEmptyShare : currentShares[i];
        sum.add((c - r) * std::log(c / r));
    }
    return sum.value();
}

double jensenShannonDistance(std::span<const double> p, std::span<const double> q) {
    if (p.size() != q.size() || p.empty())
        return nan;
    const double pSum = std::accumulate(p.begin(), p.end(), 0.0);
    const double qSum = std::accumulate(q.begin(), q.end(), 0.0);
    if (!(pSum > 0) || !(qSum > 0))
        return nan;
    // rel_entr(x, y) = x ln(x / y), 0 for x = 0.
    const auto relativeEntropy = [](double x, double y) {
        return x > 0 ? x * std::log(x / y) : 0.0;
    };
    double left = 0;
    double right = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double pi = p[i] / pSum;
        const double qi = q[i] / qSum;
        const double mi = (pi + qi) / 2;
        left += relativeEntropy(pi, mi);
        right += relativeEntropy(qi, mi);
    }
    return std::sqrt(std::max(left + right, 0.0) / 2);
}

NumericSummary summarizeSorted(std::span<const double> sorted, std::int64_t missing) {
    NumericSummary s;
    s.count = static_cast<std::int64_t>(sorted.size());
    s.missing = missing;
    const std::int64_t all = s.count + missing;
    s.missingShare = all > 0 ? static_cast<double>(missing) / static_cast<double>(all) : 0.0;
    if (sorted.empty()) {
        s.min = s.max = s.mean = s.std = nan;
        s.quantiles.fill(nan);
        return s;
    }
    s.min = sorted.front();
    s.max = sorted.back();
    CompensatedSum sum;
    for (double x : sorted)
        sum.add(x);
    s.mean = sum.value() / static_cast<double>(sorted.size());
    CompensatedSum squares;
    for (double x : sorted)
        squares.add((x - s.mean) * (x - s.mean));
    s.std = std::sqrt(squares.value() / static_cast<double>(sorted.size()));
    for (std::size_t k = 0; k < summaryQuantiles.size(); ++k)
        s.quantiles[k] = numpyQuantile(sorted, summaryQuantiles[k]);
    return s;
}

double weightedQuantile(std::span<const double> values, std::span<const std::int64_t> weights, std::int64_t total,
                        double q) {
    if (total <= 0 || values.empty())
        return nan;
    const double position = static_cast<double>(total - 1) * q;
    const double belowPosition = std::floor(position);
    const auto below = static_cast<std::int64_t>(belowPosition);
    const auto above = std::min(below + 1, total - 1);
    // Values at 0-based ranks below and above, each value repeated weight times.
    double a = values.back();
    double b = values.back();
    std::int64_t seen = 0;
    bool haveA = false;
    for (std::size_t i = 0; i < values.size(); ++i) {
        seen += weightAt(weights, i);
        if (!haveA && below < seen) {
            a = values[i];
            haveA = true;
        }
        if (above < seen) {
            b = values[i];
            break;
        }
    }
    const double t = position - belowPosition;
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

namespace {

std::vector<double> weightedBinEdges(const NumericSample& s, int bins) {
    std::vector<double> edges;
    if (s.count() == 0 || bins < 2)
        return edges;
    for (int k = 1; k < bins; ++k)
        edges.push_back(weightedQuantile(s.values(), s.weights(), s.count(), static_cast<double>(k) / bins));
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    return edges;
}

std::vector<std::int64_t> weightedBinCounts(const NumericSample& s, std::span<const double> edges) {
    std::vector<std::int64_t> counts(edges.size() + 1, 0);
    const auto values = s.values();
    const auto weights = s.weights();
    std::size_t e = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        while (e < edges.size() && values[i] >= edges[e])
            ++e;
        counts[e] += weights[i];
    }
    return counts;
}

NumericSummary summarizeSample(const NumericSample& s) {
    NumericSummary summary;
    summary.count = s.count();
    summary.missing = s.missing();
    const std::int64_t all = summary.count + summary.missing;
    summary.missingShare = all > 0 ? static_cast<double>(summary.missing) / static_cast<double>(all) : 0.0;
    if (s.count() == 0) {
        summary.min = summary.max = summary.mean = summary.std = nan;
        summary.quantiles.fill(nan);
        return summary;
    }
    summary.min = s.min();
    summary.max = s.max();
    summary.mean = s.mean();
    summary.std = s.populationStd();
    for (std::size_t k = 0; k < summaryQuantiles.size(); ++k)
        summary.quantiles[k] = weightedQuantile(s.values(), s.weights(), s.count(), summaryQuantiles[k]);
    return summary;
}

}  // namespace

Result<NumericDrift> numericDrift(std::vector<double> reference, std::vector<double> current,
                                  const NumericDriftOptions& options) {
    const auto unbounded = std::numeric_limits<std::size_t>::max() / 4;
    NumericSample ref(unbounded);
    NumericSample cur(unbounded);
    for (double v : reference)
        ref.add(v);
    for (double v : current)
        cur.add(v);
    ref.finish();
    cur.finish();
    return numericDrift(ref, cur, options);
}

Result<NumericDrift> numericDrift(const NumericSample& reference, const NumericSample& current,
                                  const NumericDriftOptions& options) {
    if (reference.count() == 0)
        return Error{{}, {}, "the reference sample has no finite value"};
    if (current.count() == 0)
        return Error{{}, {}, "the current sample has no finite value"};
    NumericDrift d;
    d.exact = reference.exact() && current.exact();
    d.reference = summarizeSample(reference);
    d.current = summarizeSample(current);
    d.ks = ksCore(reference.values(), reference.weights(), current.values(), current.weights(), options.ksMethod);
    d.binEdges = weightedBinEdges(reference, options.psiBins);
    d.referenceShares = shares(weightedBinCounts(reference, d.binEdges), d.reference.count);
    d.currentShares = shares(weightedBinCounts(current, d.binEdges), d.current.count);
    d.psi = populationStabilityIndex(d.referenceShares, d.currentShares);
    d.jensenShannon = jensenShannonDistance(d.referenceShares, d.currentShares);
    d.wasserstein = wassersteinCore(reference.values(), reference.weights(), current.values(), current.weights());
    // Evidently's floor on the norm keeps a constant reference from dividing by zero.
    d.wassersteinNormed = d.wasserstein / std::max(d.reference.std, 0.001);
    return d;
}

namespace {

struct CategoryTally {
    std::vector<CategoryCount> categories;  // sorted by value
    std::int64_t referenceCount = 0;
    std::int64_t currentCount = 0;
    std::int64_t referenceMissing = 0;
    std::int64_t currentMissing = 0;
};

CategoryTally tally(std::span<const std::string> reference, std::span<const std::string> current) {
    CategoryTally t;
    std::unordered_map<std::string_view, std::pair<std::int64_t, std::int64_t>> counts;
    for (const auto& v : reference) {
        if (isMissingToken(v)) {
            ++t.referenceMissing;
        } else {
            ++counts[v].first;
            ++t.referenceCount;
        }
    }
    for (const auto& v : current) {
        if (isMissingToken(v)) {
            ++t.currentMissing;
        } else {
            ++counts[v].second;
            ++t.currentCount;
        }
    }
    t.categories.reserve(counts.size());
    for (const auto& [value, c] : counts)
        t.categories.push_back({std::string(value), c.first, c.second});
    std::sort(t.categories.begin(), t.categories.end(),
              [](const CategoryCount& x, const CategoryCount& y) { return x.value < y.value; });
    return t;
}

CategoryTally tally(const CategorySample& reference, const CategorySample& current) {
    CategoryTally t;
    t.referenceCount = reference.count();
    t.currentCount = current.count();
    t.referenceMissing = reference.missing();
    t.currentMissing = current.missing();
    for (const auto& [value, count] : reference.counts()) {
        const auto it = current.counts().find(value);
        t.categories.push_back({value, count, it == current.counts().end() ? 0 : it->second});
    }
    for (const auto& [value, count] : current.counts()) {
        if (!reference.counts().contains(value))
            t.categories.push_back({value, 0, count});
    }
    std::sort(t.categories.begin(), t.categories.end(),
              [](const CategoryCount& x, const CategoryCount& y) { return x.value < y.value; });
    return t;
}

Result<CategoricalDrift> categoricalFromTally(CategoryTally t);
Result<BinaryDrift> binaryFromTally(const CategoryTally& t);

}  // namespace

Result<CategoricalDrift> categoricalDrift(std::span<const std::string> reference,
                                          std::span<const std::string> current) {
    return categoricalFromTally(tally(reference, current));
}

Result<CategoricalDrift> categoricalDrift(const CategorySample& reference, const CategorySample& current) {
    return categoricalFromTally(tally(reference, current));
}

Result<BinaryDrift> binaryDrift(std::span<const std::string> reference, std::span<const std::string> current) {
    return binaryFromTally(tally(reference, current));
}

Result<BinaryDrift> binaryDrift(const CategorySample& reference, const CategorySample& current) {
    return binaryFromTally(tally(reference, current));
}

namespace {

Result<CategoricalDrift> categoricalFromTally(CategoryTally t) {
    if (t.referenceCount == 0)
        return Error{{}, {}, "the reference sample has no value"};
    if (t.currentCount == 0)
        return Error{{}, {}, "the current sample has no value"};
    CategoricalDrift d;
    d.referenceCount = t.referenceCount;
    d.currentCount = t.currentCount;
    d.referenceMissing = t.referenceMissing;
    d.currentMissing = t.currentMissing;
    d.categories = std::move(t.categories);

    std::vector<double> referenceShares;
    std::vector<double> currentShares;
    const double scale = static_cast<double>(d.currentCount) / static_cast<double>(d.referenceCount);
    CompensatedSum chiSquare;
    for (const auto& c : d.categories) {
        if (c.reference == 0)
            d.newCategories.push_back(c.value);
        if (c.current == 0)
            d.vanishedCategories.push_back(c.value);
        referenceShares.push_back(static_cast<double>(c.reference) / static_cast<double>(d.referenceCount));
        currentShares.push_back(static_cast<double>(c.current) / static_cast<double>(d.currentCount));
        const double expected = static_cast<double>(c.reference) * scale;
        const double observed = static_cast<double>(c.current);
        if (expected > 0)
            chiSquare.add((observed - expected) * (observed - expected) / expected);
    }
    d.degreesOfFreedom = static_cast<int>(d.categories.size()) - 1;
    if (!d.newCategories.empty()) {
        d.chiSquare = std::numeric_limits<double>::infinity();
        d.chiSquarePValue = 0;
    } else if (d.degreesOfFreedom == 0) {
        d.chiSquare = 0;
        d.chiSquarePValue = 1;
    } else {
        d.chiSquare = chiSquare.value();
        d.chiSquarePValue = chiSquareSf(d.chiSquare, d.degreesOfFreedom);
    }
    d.jensenShannon = jensenShannonDistance(referenceShares, currentShares);
    d.psi = populationStabilityIndex(referenceShares, currentShares);
    return d;
}

Result<BinaryDrift> binaryFromTally(const CategoryTally& t) {
    if (t.referenceCount == 0)
        return Error{{}, {}, "the reference sample has no value"};
    if (t.currentCount == 0)
        return Error{{}, {}, "the current sample has no value"};
    if (t.categories.size() > 2)
        return Error{{}, {}, "a binary column has " + std::to_string(t.categories.size()) + " distinct values"};
    BinaryDrift d;
    d.successValue = t.categories.front().value;
    d.referenceCount = t.referenceCount;
    d.currentCount = t.currentCount;
    d.referenceMissing = t.referenceMissing;
    d.currentMissing = t.currentMissing;
    d.referenceSuccesses = t.categories.front().reference;
    d.currentSuccesses = t.categories.front().current;
    const auto n1 = static_cast<double>(d.referenceCount);
    const auto n2 = static_cast<double>(d.currentCount);
    const double p1 = static_cast<double>(d.referenceSuccesses) / n1;
    const double p2 = static_cast<double>(d.currentSuccesses) / n2;
    const double pooled = static_cast<double>(d.referenceSuccesses + d.currentSuccesses) / (n1 + n2);
    const double variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
    if (variance > 0) {
        d.z = (p1 - p2) / std::sqrt(variance);
        d.pValue = std::min(1.0, 2 * normalSf(std::fabs(d.z)));
    }
    return d;
}

}  // namespace

}  // namespace runlens::analysis
