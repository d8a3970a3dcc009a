// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace runlens::analysis {

// Exponential moving average with TensorBoard's debiasing: the running average starts at zero and is divided by
// (1 - weight^n), so early points are not pulled toward zero. Non-finite values pass through unsmoothed and do not
// enter the average. weight in [0, 1); 0 returns the input.
std::vector<double> emaSmooth(std::span<const double> values, double weight);

// A y range that ignores outliers: the [lowQuantile, highQuantile] range of the finite values, widened by
// padding (a fraction of its width) on both sides. Empty when there is no finite value.
std::optional<std::pair<double, double>> robustRange(std::span<const double> values, double lowQuantile = 0.05,
                                                     double highQuantile = 0.95, double padding = 0.1);

// Linear-interpolated quantile of sorted finite values (numpy's default method); q in [0, 1].
double quantileSorted(std::span<const double> sorted, double q);

}  // namespace runlens::analysis
