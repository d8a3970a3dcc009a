// SPDX-License-Identifier: MIT
#pragma once

#include "columnsample.h"
#include "error.h"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Drift statistics between a reference and a current sample of one column, as Evidently reports them and checked
// against scipy (tests/tools/make_drift_reference.py). Pure functions; nothing here knows about the cache or the UI.
namespace runlens::analysis {

// ---- Column typing -------------------------------------------------------------------------------------------------

enum class ColumnKind { Empty, Numeric, Binary, Categorical, Text };

// Thresholds of inferColumnKind; a caller who knows better passes its own, or skips the inference altogether.
struct ColumnTypingRules {
    int maxIntegerCategories = 10;      // whole numbers with at most this many distinct values are categories (labels)
    double textMinMeanLength = 32;      // non-numeric values this long on average are free text
    double textMinDistinctShare = 0.5;  // ...as are mostly-distinct values of which most contain a space
};

// True for the spellings of a missing value: "", "nan", "NaN", "NA", "N/A", "null", "None" (what pandas writes and
// reads back as NaN), ignoring surrounding spaces.
bool isMissingToken(std::string_view value);

// Guesses a column's kind from a sample of its values, missing tokens ignored:
//   no value left                                   -> Empty
//   exactly two distinct values                     -> Binary
//   all numbers (finite or not), whole numbers with at most maxIntegerCategories distinct values -> Categorical
//   all numbers otherwise                           -> Numeric
//   mean length >= textMinMeanLength, or distinct share > textMinDistinctShare with most values containing a space
//                                                   -> Text
//   anything else                                   -> Categorical
ColumnKind inferColumnKind(std::span<const std::string> sample, const ColumnTypingRules& rules = {});

// ---- Building blocks (exposed for tests and for callers that keep sorted data) -------------------------------------

// Sorts finite values in place (an LSD radix sort on the IEEE bit pattern: several times faster than std::sort on a
// million doubles) after moving non-finite values out; returns how many were removed. NaN and +-inf are "missing".
std::size_t dropNonFiniteAndSort(std::vector<double>& values);

enum class KsMethod { Auto, Exact, Asymptotic };

struct KsResult {
    double statistic = 0;  // sup |F_ref - F_cur|
    double pValue = 1;
    bool exact = false;   // which distribution gave the p-value
    double location = 0;  // a value where the largest gap between the two CDFs is reached (just after it)
};

// Two-sided two-sample Kolmogorov-Smirnov test on sorted, finite, non-empty samples, exactly as
// scipy.stats.ks_2samp(a, b, method=...) computes it: Auto means exact when max(n1, n2) <= 10000, else asymptotic;
// Exact falls back to asymptotic when lcm(n1, n2) is too large or the exact recursion fails; the asymptotic p-value is
// kstwo.sf(D, round(n1 n2 / (n1 + n2))), the one-sample finite-n distribution at the effective size.
KsResult ksTwoSampleSorted(std::span<const double> a, std::span<const double> b, KsMethod method = KsMethod::Auto);

// The same on weighted samples (sorted values, each standing for weight rows), as NumericSample keeps them.
KsResult ksTwoSampleWeighted(std::span<const double> a, std::span<const std::int64_t> aWeights,
                             std::span<const double> b, std::span<const std::int64_t> bWeights,
                             KsMethod method = KsMethod::Auto);

// scipy.stats.wasserstein_distance (first Wasserstein distance, equal weights) of two sorted, finite samples.
double wassersteinSorted(std::span<const double> a, std::span<const double> b);

// Interior bin edges for PSI and Jensen-Shannon: the reference quantiles at 1/bins, ..., (bins-1)/bins (numpy's linear
// method), duplicates removed. The bins are (-inf, e1), [e1, e2), ..., [e_last, +inf): values outside the reference
// range land in the outer bins, and a heavily tied reference gives fewer bins.
std::vector<double> quantileBinEdges(std::span<const double> sortedReference, int bins);

// Counts of sorted values in the bins defined by interior edges (edges.size() + 1 counts).
std::vector<std::int64_t> binCountsSorted(std::span<const double> sorted, std::span<const double> edges);

// The share substituted for an empty bin or category in PSI: 1e-4 (Evidently's constant), substituted without
// renormalising so a bin empty on both sides contributes nothing.
inline constexpr double psiEmptyShare = 1e-4;

// Population stability index sum (cur - ref) ln(cur / ref) over matching shares, zero shares replaced by psiEmptyShare.
double populationStabilityIndex(std::span<const double> referenceShares, std::span<const double> currentShares);

// scipy.spatial.distance.jensenshannon(p, q) with natural logarithms: each weight vector normalised to sum 1, then
// sqrt((KL(p||m) + KL(q||m)) / 2) with m = (p + q) / 2. Between 0 and sqrt(ln 2).
double jensenShannonDistance(std::span<const double> p, std::span<const double> q);

// ---- Numeric columns -----------------------------------------------------------------------------------------------

struct NumericSummary {
    std::int64_t count = 0;    // finite values
    std::int64_t missing = 0;  // NaN and +-inf
    double missingShare = 0;   // missing / (count + missing)
    double min = 0;
    double max = 0;
    double mean = 0;
    double std = 0;                     // population standard deviation (ddof = 0, numpy's default)
    std::array<double, 5> quantiles{};  // 5 %, 25 %, 50 %, 75 %, 95 %, numpy's linear method
};

inline constexpr std::array<double, 5> summaryQuantiles = {0.05, 0.25, 0.5, 0.75, 0.95};

// Summary of sorted finite values plus the count of values that were removed as missing.
NumericSummary summarizeSorted(std::span<const double> sorted, std::int64_t missing);

struct NumericDriftOptions {
    int psiBins = 10;
    KsMethod ksMethod = KsMethod::Auto;
};

struct NumericDrift {
    NumericSummary reference;
    NumericSummary current;
    KsResult ks;
    std::vector<double> binEdges;         // interior edges, see quantileBinEdges; shared by PSI and Jensen-Shannon
    std::vector<double> referenceShares;  // per bin, before the empty-bin substitution
    std::vector<double> currentShares;
    double psi = 0;
    double jensenShannon = 0;
    double wasserstein = 0;
    // Evidently's "Wasserstein distance (normed)": wasserstein / max(reference std, 0.001).
    double wassersteinNormed = 0;
    bool exact =
        true;  // false when a side was summarised (NumericSample::exact) and the statistics are close, not exact
};

// All numeric drift statistics for one column. Takes the samples by value: they are filtered and sorted in place.
// An Error when either side has no finite value.
Result<NumericDrift> numericDrift(std::vector<double> reference, std::vector<double> current,
                                  const NumericDriftOptions& options = {});
// The same from streamed samples (finish() must have been called on both).
Result<NumericDrift> numericDrift(const NumericSample& reference, const NumericSample& current,
                                  const NumericDriftOptions& options = {});

// Value at a quantile (numpy's linear method) of a weighted sorted sample, each value repeated weight times.
double weightedQuantile(std::span<const double> values, std::span<const std::int64_t> weights, std::int64_t total,
                        double q);

// ---- Categorical and binary columns --------------------------------------------------------------------------------

struct CategoryCount {
    std::string value;
    std::int64_t reference = 0;
    std::int64_t current = 0;
};

struct CategoricalDrift {
    std::vector<CategoryCount> categories;  // union of both sides, sorted by value; missing tokens excluded
    std::int64_t referenceCount = 0;        // non-missing
    std::int64_t currentCount = 0;
    std::int64_t referenceMissing = 0;
    std::int64_t currentMissing = 0;
    std::vector<std::string> newCategories;       // in current only
    std::vector<std::string> vanishedCategories;  // in reference only
    // Pearson chi-square of the current counts against the reference shares scaled to the current total, as
    // scipy.stats.chisquare(f_obs, f_exp) over the union of categories: a category new in current has an expected
    // count of 0, so the statistic is +inf and the p-value 0, as scipy gives (the reference said it never happens).
    // A vanished category counts with observed 0. With a single category there is nothing to test: statistic 0,
    // p-value 1 (scipy would give NaN for 0 degrees of freedom).
    double chiSquare = 0;
    int degreesOfFreedom = 0;  // categories - 1
    double chiSquarePValue = 1;
    double jensenShannon = 0;  // on the category shares
    double psi = 0;            // on the category shares, empty shares replaced by psiEmptyShare
};

// Categorical drift of string values; missing tokens (isMissingToken) are counted and excluded. An Error when either
// side has no non-missing value.
Result<CategoricalDrift> categoricalDrift(std::span<const std::string> reference, std::span<const std::string> current);
// The same from streamed counts.
Result<CategoricalDrift> categoricalDrift(const CategorySample& reference, const CategorySample& current);

struct BinaryDrift {
    std::string successValue;  // the smaller of the (at most two) values, the "1" of the proportions
    std::int64_t referenceCount = 0;
    std::int64_t referenceSuccesses = 0;
    std::int64_t currentCount = 0;
    std::int64_t currentSuccesses = 0;
    std::int64_t referenceMissing = 0;
    std::int64_t currentMissing = 0;
    // Pooled two-proportion z statistic (p_ref - p_cur) / sqrt(P (1 - P) (1/n_ref + 1/n_cur)) and its two-sided
    // p-value 2 sf(|z|), statsmodels' proportions_ztest. When the pooled share is 0 or 1 (one value on both sides)
    // z is 0 and p is 1, as Evidently special-cases it.
    double z = 0;
    double pValue = 1;
};

// Two-proportion Z-test of a column with at most two distinct non-missing values (over both sides). An Error when a
// side has no value or there are more than two distinct values.
Result<BinaryDrift> binaryDrift(std::span<const std::string> reference, std::span<const std::string> current);
Result<BinaryDrift> binaryDrift(const CategorySample& reference, const CategorySample& current);

}  // namespace runlens::analysis
