// SPDX-License-Identifier: MIT
#include "calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <tuple>

namespace runlens::analysis {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double eps = std::numeric_limits<double>::epsilon();

bool isProbability(double p) {
    return p >= 0.0 && p <= 1.0;  // false for NaN
}

Error lengthError(std::size_t a, std::size_t b) {
    return Error{{}, {}, "scores and labels differ in length (" + std::to_string(a) + " vs " + std::to_string(b) + ")"};
}

Error rangeError(std::size_t index, double value) {
    return Error{{}, "row " + std::to_string(index), "probability " + std::to_string(value) + " is outside [0, 1]"};
}

// np.linspace(0, 1, bins + 1): i * (1 / bins), with the last edge exactly 1.
std::vector<double> uniformEdges(int bins) {
    std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
    const double step = 1.0 / bins;
    for (std::size_t i = 0; i < edges.size(); ++i)
        edges[i] = static_cast<double>(i) * step;
    edges.back() = 1.0;
    return edges;
}

// The number of inner edges strictly below s (np.searchsorted(edges[1:-1], s), side "left"), starting from a guess.
std::size_t binOf(const std::vector<double>& edges, double s, std::size_t guess) {
    const std::size_t bins = edges.size() - 1;
    std::size_t b = std::min(guess, bins - 1);
    while (b > 0 && s <= edges[b])
        --b;
    while (b + 1 < bins && s > edges[b + 1])
        ++b;
    return b;
}

// numpy's _lerp: the b-side formula for t >= 0.5 keeps the result monotonic and exact at t == 1.
double lerp(double a, double b, double t) {
    const double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

ReliabilityDiagram finish(const std::vector<double>& edges, const std::vector<std::int64_t>& count,
                          const std::vector<std::int64_t>& positives, const std::vector<double>& scoreSum) {
    ReliabilityDiagram diagram;
    const std::size_t bins = count.size();
    diagram.bins.resize(bins);
    for (std::size_t b = 0; b < bins; ++b)
        diagram.total += count[b];
    double ece = 0;
    double mce = diagram.total == 0 ? nan : 0.0;
    for (std::size_t b = 0; b < bins; ++b) {
        auto& bin = diagram.bins[b];
        bin.lower = edges[b];
        bin.upper = edges[b + 1];
        bin.count = count[b];
        if (count[b] == 0) {
            bin.meanConfidence = bin.observed = bin.wilsonLow = bin.wilsonHigh = nan;
            continue;
        }
        const auto n = static_cast<double>(count[b]);
        bin.meanConfidence = scoreSum[b] / n;
        bin.observed = static_cast<double>(positives[b]) / n;
        std::tie(bin.wilsonLow, bin.wilsonHigh) = wilsonInterval(positives[b], count[b]);
        const double gap = std::fabs(bin.observed - bin.meanConfidence);
        ece += n * gap;
        mce = std::max(mce, gap);
    }
    diagram.ece = diagram.total == 0 ? nan : ece / static_cast<double>(diagram.total);
    diagram.mce = mce;
    return diagram;
}

// np.percentile(sorted, q * 100) with the linear method, where `valueAt` reads the k-th smallest score.
template <typename ValueAt> double percentileEdge(std::size_t n, double fraction, ValueAt valueAt) {
    const double q = fraction * 100.0 / 100.0;  // the round trip numpy takes, kept for bit-identical edges
    const double virtualIndex = static_cast<double>(n - 1) * q;
    if (virtualIndex >= static_cast<double>(n - 1))
        return valueAt(n - 1);
    const double previous = std::floor(virtualIndex);
    const auto below = static_cast<std::size_t>(previous);
    return lerp(valueAt(below), valueAt(below + 1), virtualIndex - previous);
}

// Puts the order statistics of ranks (sorted, unique) of v[first, last) where a full sort would, in O(n log ranks).
void selectRanks(std::vector<double>& v, std::size_t first, std::size_t last, std::span<const std::size_t> ranks) {
    if (ranks.empty() || first >= last)
        return;
    const std::size_t middle = ranks.size() / 2;
    const std::size_t rank = ranks[middle];
    std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(first), v.begin() + static_cast<std::ptrdiff_t>(rank),
                     v.begin() + static_cast<std::ptrdiff_t>(last));
    selectRanks(v, first, rank, ranks.first(middle));
    selectRanks(v, rank + 1, last, ranks.subspan(middle + 1));
}

// Value buckets for probabilities: bucket u holds [u / M, (u + 1) / M), the last one also 1.0. Multiplying by a power
// of two is exact, so the mapping is monotonic and needs no comparisons.
constexpr std::size_t valueBuckets = 1 << 16;

inline std::size_t valueBucket(double p) {
    return std::min(valueBuckets - 1, static_cast<std::size_t>(p * static_cast<double>(valueBuckets)));
}

// Quantile edges of probabilities in [0, 1], exact (the same order statistics a sort would give), in two linear
// passes: a histogram over value buckets tells which bucket holds each wanted rank, then only the values of those
// buckets are gathered and selected among. Far cheaper than selection over the whole column when there are many.
std::vector<double> selectedQuantileEdges(std::span<const double> scores, int bins) {
    const std::size_t n = scores.size();
    if (n == 0)
        return uniformEdges(bins);
    std::vector<double> fractions(static_cast<std::size_t>(bins) + 1);
    for (std::size_t e = 0; e < fractions.size(); ++e)
        fractions[e] = e + 1 == fractions.size() ? 1.0 : static_cast<double>(e) * (1.0 / bins);
    std::vector<std::size_t> ranks;
    for (double f : fractions) {
        percentileEdge(n, f, [&](std::size_t k) {
            ranks.push_back(k);
            return 0.0;
        });
    }
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());

    std::vector<std::size_t> start(valueBuckets + 1, 0);  // counts, then the rank of each bucket's first value
    for (double p : scores)
        ++start[valueBucket(p) + 1];
    for (std::size_t u = 1; u <= valueBuckets; ++u)
        start[u] += start[u - 1];
    // The buckets holding wanted ranks, each with its own candidate list.
    std::vector<std::int32_t> slot(valueBuckets, -1);
    std::vector<std::size_t> slotBucket;
    std::vector<std::size_t> rankBucket(ranks.size());
    for (std::size_t i = 0; i < ranks.size(); ++i) {
        const std::size_t u =
            static_cast<std::size_t>(std::upper_bound(start.begin(), start.end(), ranks[i]) - start.begin()) - 1;
        rankBucket[i] = u;
        if (slot[u] < 0) {
            slot[u] = static_cast<std::int32_t>(slotBucket.size());
            slotBucket.push_back(u);
        }
    }
    std::vector<std::vector<double>> candidates(slotBucket.size());
    for (std::size_t i = 0; i < slotBucket.size(); ++i)
        candidates[i].reserve(start[slotBucket[i] + 1] - start[slotBucket[i]]);
    for (double p : scores) {
        const std::int32_t at = slot[valueBucket(p)];
        if (at >= 0)
            candidates[static_cast<std::size_t>(at)].push_back(p);
    }
    std::vector<double> statistic(ranks.size());
    for (std::size_t i = 0; i < ranks.size();) {
        // Ranks are sorted, so those sharing a bucket are consecutive: select them together.
        std::size_t j = i;
        std::vector<std::size_t> local;
        const std::size_t u = rankBucket[i];
        while (j < ranks.size() && rankBucket[j] == u)
            local.push_back(ranks[j++] - start[u]);
        auto& values = candidates[static_cast<std::size_t>(slot[u])];
        selectRanks(values, 0, values.size(), local);
        for (std::size_t r = i; r < j; ++r)
            statistic[r] = values[local[r - i]];
        i = j;
    }
    auto valueAt = [&](std::size_t k) {
        return statistic[static_cast<std::size_t>(std::lower_bound(ranks.begin(), ranks.end(), k) - ranks.begin())];
    };
    std::vector<double> edges;
    for (double f : fractions)
        edges.push_back(percentileEdge(n, f, valueAt));
    return edges;
}

Result<ReliabilityDiagram> quantileDiagram(std::vector<double> scores, std::span<const std::uint8_t> positive,
                                           int bins) {
    const std::size_t n = scores.size();
    // Partition the scores in place, positives first: position i is untouched until the loop reaches it, so
    // positive[i] still describes scores[i] there. Both halves are then sorted and never need their labels again.
    std::size_t positives = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (positive[i] != 0)
            std::swap(scores[positives++], scores[i]);
    }
    const auto split = scores.begin() + static_cast<std::ptrdiff_t>(positives);
    std::sort(scores.begin(), split);
    std::sort(split, scores.end());
    const std::span<const double> pos(scores.data(), positives);
    const std::span<const double> neg(scores.data() + positives, n - positives);

    std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
    if (n > 0) {
        // The k-th smallest of the two sorted halves, by binary search on how many come from the first.
        auto valueAt = [&](std::size_t k) {
            std::size_t lo = k + 1 > neg.size() ? k + 1 - neg.size() : 0;
            std::size_t hi = std::min(k + 1, pos.size());
            while (lo < hi) {  // smallest taken-from-pos count i such that pos[i] >= neg[k - i]
                const std::size_t i = lo + (hi - lo) / 2;
                if (pos[i] < neg[k - i])
                    lo = i + 1;
                else
                    hi = i;
            }
            const std::size_t i = lo;
            const std::size_t j = k + 1 - i;  // elements taken from neg
            const double fromPos = i > 0 ? pos[i - 1] : -HUGE_VAL;
            const double fromNeg = j > 0 ? neg[j - 1] : -HUGE_VAL;
            return std::max(fromPos, fromNeg);
        };
        const double step = 1.0 / bins;
        for (std::size_t e = 0; e < edges.size(); ++e) {
            const double fraction = e + 1 == edges.size() ? 1.0 : static_cast<double>(e) * step;
            edges[e] = percentileEdge(n, fraction, valueAt);
        }
    } else {
        edges = uniformEdges(bins);
    }

    const auto b = static_cast<std::size_t>(bins);
    std::vector<std::int64_t> count(b, 0);
    std::vector<std::int64_t> hits(b, 0);
    std::vector<double> scoreSum(b, 0.0);
    auto tally = [&](std::span<const double> sorted, bool isPositive) {
        std::size_t bin = 0;
        for (double s : sorted) {
            bin = binOf(edges, s, bin);
            ++count[bin];
            hits[bin] += isPositive ? 1 : 0;
            scoreSum[bin] += s;
        }
    };
    tally(pos, true);
    tally(neg, false);
    return finish(edges, count, hits, scoreSum);
}

Status checkBinary(std::span<const double> scores, std::span<const std::uint8_t> positive) {
    if (scores.size() != positive.size())
        return lengthError(scores.size(), positive.size());
    for (std::size_t i = 0; i < scores.size(); ++i) {
        if (!isProbability(scores[i]))
            return rangeError(i, scores[i]);
    }
    return {};
}

double clippedLog(double p) {
    return std::log(std::clamp(p, eps, 1 - eps));
}

}  // namespace

std::pair<double, double> wilsonInterval(std::int64_t successes, std::int64_t n, double z) {
    if (n <= 0)
        return {nan, nan};
    const auto count = static_cast<double>(n);
    const double p = static_cast<double>(successes) / count;
    const double z2 = z * z;
    const double denominator = 1 + z2 / count;
    const double centre = (p + z2 / (2 * count)) / denominator;
    const double half = z * std::sqrt(p * (1 - p) / count + z2 / (4 * count * count)) / denominator;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

CalibrationAccumulator::CalibrationAccumulator(int bins)
    : m_edges(uniformEdges(std::max(1, bins))), m_count(m_edges.size() - 1, 0), m_positives(m_count.size(), 0),
      m_scoreSum(m_count.size(), 0.0) {}

bool CalibrationAccumulator::add(double score, bool positive) {
    if (!isProbability(score))
        return false;
    const std::size_t bins = m_count.size();
    const std::size_t b = binOf(m_edges, score, static_cast<std::size_t>(score * static_cast<double>(bins)));
    ++m_count[b];
    m_positives[b] += positive ? 1 : 0;
    m_scoreSum[b] += score;
    return true;
}

ReliabilityDiagram CalibrationAccumulator::result() const {
    return finish(m_edges, m_count, m_positives, m_scoreSum);
}

Result<ReliabilityDiagram> reliabilityDiagram(std::vector<double> scores, std::span<const std::uint8_t> positive,
                                              int bins, Binning binning) {
    if (bins < 1)
        return Error{{}, {}, "a reliability diagram needs at least one bin"};
    if (auto status = checkBinary(scores, positive); !status)
        return status.error();
    if (binning == Binning::Quantile)
        return quantileDiagram(std::move(scores), positive, bins);
    CalibrationAccumulator accumulator(bins);
    for (std::size_t i = 0; i < scores.size(); ++i)
        accumulator.add(scores[i], positive[i] != 0);
    return accumulator.result();
}

Result<double> brierScore(std::span<const double> probabilities, std::span<const std::uint8_t> positive) {
    if (auto status = checkBinary(probabilities, positive); !status)
        return status.error();
    if (probabilities.empty())
        return nan;
    double sum = 0;
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        const double d = probabilities[i] - (positive[i] != 0 ? 1.0 : 0.0);
        sum += d * d;
    }
    return sum / static_cast<double>(probabilities.size());
}

Result<double> logLoss(std::span<const double> probabilities, std::span<const std::uint8_t> positive) {
    if (auto status = checkBinary(probabilities, positive); !status)
        return status.error();
    if (probabilities.empty())
        return nan;
    double sum = 0;
    for (std::size_t i = 0; i < probabilities.size(); ++i) {
        // scikit-learn clips the column [1 - p, p] it builds, so the negative side is 1 - p clipped, not p.
        const double p = probabilities[i];
        sum -= positive[i] != 0 ? clippedLog(p) : clippedLog(1 - p);
    }
    return sum / static_cast<double>(probabilities.size());
}

Result<MulticlassCalibration> multiclassCalibration(ProbabilityMatrix probabilities,
                                                    std::span<const std::int32_t> truth, int bins, Binning binning) {
    const std::size_t k = probabilities.classes;
    if (k < 2)
        return Error{{}, {}, "a probability matrix needs at least two classes"};
    if (bins < 1)
        return Error{{}, {}, "a reliability diagram needs at least one bin"};
    if (probabilities.values.size() % k != 0)
        return Error{{},
                     {},
                     std::to_string(probabilities.values.size()) + " probabilities do not fill rows of " +
                         std::to_string(k) + " classes"};
    const std::size_t rows = probabilities.rows();
    if (rows != truth.size())
        return lengthError(rows, truth.size());

    MulticlassCalibration out;
    const bool uniform = binning == Binning::Uniform;
    CalibrationAccumulator topLabel(bins);
    std::vector<CalibrationAccumulator> perClass(uniform ? k : 0, CalibrationAccumulator(bins));
    std::vector<double> confidence;
    std::vector<std::uint8_t> correct;
    if (!uniform) {
        confidence.reserve(rows);
        correct.reserve(rows);
    }
    double brier = 0;
    double logLossSum = 0;
    for (std::size_t r = 0; r < rows; ++r) {
        const double* row = probabilities.values.data() + r * k;
        const std::int32_t t = truth[r];
        if (t < 0 || static_cast<std::size_t>(t) >= k)
            return Error{{}, "row " + std::to_string(r), "true class " + std::to_string(t) + " is out of range"};
        std::size_t best = 0;
        double squares = 0;
        for (std::size_t c = 0; c < k; ++c) {
            const double p = row[c];
            if (!isProbability(p))
                return rangeError(r, p);
            if (p > row[best])
                best = c;
            const double d = c == static_cast<std::size_t>(t) ? p - 1.0 : p;
            squares += d * d;
            if (uniform)
                perClass[c].add(p, c == static_cast<std::size_t>(t));
        }
        brier += squares;
        logLossSum -= clippedLog(row[t]);
        const bool hit = best == static_cast<std::size_t>(t);
        if (uniform) {
            topLabel.add(row[best], hit);
        } else {
            confidence.push_back(row[best]);
            correct.push_back(hit ? 1 : 0);
        }
    }
    out.brier = rows == 0 ? nan : brier / static_cast<double>(rows);
    out.logLoss = rows == 0 ? nan : logLossSum / static_cast<double>(rows);
    if (uniform) {
        out.topLabel = topLabel.result();
        for (const auto& a : perClass)
            out.perClass.push_back(a.result());
        return out;
    }

    out.topLabel = *quantileDiagram(std::move(confidence), correct, bins);
    // Columns are gathered a block at a time in one row-major pass (one strided pass per class would sweep the whole
    // matrix each time; a full transpose would hold it twice). Each gathered column gives its exact quantile edges
    // from a value histogram, then is binned through a per-bucket lookup: a bucket without an edge inside it maps to
    // one bin, so the binary search runs only for the few values near an edge. Bins fill in row order, as
    // np.bincount does.
    constexpr std::size_t block = 16;
    const auto b = static_cast<std::size_t>(bins);
    std::vector<double> columns(std::min(block, k) * rows);
    std::vector<std::int32_t> lookup(valueBuckets);
    for (std::size_t first = 0; first < k; first += block) {
        const std::size_t last = std::min(k, first + block);
        const std::size_t width = last - first;
        for (std::size_t r = 0; r < rows; ++r) {
            const double* row = probabilities.values.data() + r * k + first;
            for (std::size_t c = 0; c < width; ++c)
                columns[c * rows + r] = row[c];
        }
        for (std::size_t c = first; c < last; ++c) {
            const std::span<const double> column(columns.data() + (c - first) * rows, rows);
            const std::vector<double> e = selectedQuantileEdges(column, bins);
            // lookup[u]: the bin of every value in bucket u, or -1 when an inner edge falls inside the bucket.
            {
                std::size_t below = 0;  // inner edges strictly below the bucket's lower bound
                std::size_t edge = 1;
                for (std::size_t u = 0; u < valueBuckets; ++u) {
                    const double lower = static_cast<double>(u) / static_cast<double>(valueBuckets);
                    const double upper = u + 1 == valueBuckets ? 1.0 : static_cast<double>(u + 1) / valueBuckets;
                    while (edge < b && e[edge] < lower) {
                        ++edge;
                        ++below;
                    }
                    const bool inside = edge < b && (e[edge] < upper || (u + 1 == valueBuckets && e[edge] < 1.0));
                    lookup[u] = inside ? -1 : static_cast<std::int32_t>(below);
                }
            }
            std::vector<std::int64_t> count(b, 0);
            std::vector<std::int64_t> hits(b, 0);
            std::vector<double> scoreSum(b, 0.0);
            const auto cls = static_cast<std::int32_t>(c);
            for (std::size_t r = 0; r < rows; ++r) {
                const double s = column[r];
                std::int32_t bin = lookup[valueBucket(s)];
                if (bin < 0)  // np.searchsorted(edges[1:-1], s): the number of inner edges strictly below s
                    bin = static_cast<std::int32_t>(std::lower_bound(e.begin() + 1, e.end() - 1, s) - (e.begin() + 1));
                const auto at = static_cast<std::size_t>(bin);
                ++count[at];
                hits[at] += truth[r] == cls ? 1 : 0;
                scoreSum[at] += s;
            }
            out.perClass.push_back(finish(e, count, hits, scoreSum));
        }
    }
    return out;
}

}  // namespace runlens::analysis
