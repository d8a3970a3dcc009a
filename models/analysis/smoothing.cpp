// SPDX-License-Identifier: MIT
#include "smoothing.h"

#include <algorithm>
#include <cmath>

namespace runlens::analysis {

std::vector<double> emaSmooth(std::span<const double> values, double weight) {
    std::vector<double> out(values.begin(), values.end());
    if (weight <= 0)
        return out;
    weight = std::min(weight, 0.999999);
    double average = 0;
    double debiasPower = 1;  // weight^n, kept incrementally
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i];
        if (!std::isfinite(v))
            continue;
        average = average * weight + (1 - weight) * v;
        debiasPower *= weight;
        out[i] = average / (1 - debiasPower);
    }
    return out;
}

double quantileSorted(std::span<const double> sorted, double q) {
    if (sorted.empty())
        return std::nan("");
    const double position = std::clamp(q, 0.0, 1.0) * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const auto above = std::min(below + 1, sorted.size() - 1);
    const double fraction = position - static_cast<double>(below);
    return sorted[below] + (sorted[above] - sorted[below]) * fraction;
}

std::optional<std::pair<double, double>> robustRange(std::span<const double> values, double lowQuantile,
                                                     double highQuantile, double padding) {
    std::vector<double> finite;
    finite.reserve(values.size());
    for (double v : values) {
        if (std::isfinite(v))
            finite.push_back(v);
    }
    if (finite.empty())
        return std::nullopt;
    std::sort(finite.begin(), finite.end());
    double low = quantileSorted(finite, lowQuantile);
    double high = quantileSorted(finite, highQuantile);
    const double width = high - low;
    if (width <= 0) {
        // A flat series still needs a visible band around it.
        const double pad = std::max(std::fabs(low) * padding, 1e-12);
        return std::pair{low - pad, high + pad};
    }
    return std::pair{low - width * padding, high + width * padding};
}

}  // namespace runlens::analysis
