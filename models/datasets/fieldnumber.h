// SPDX-License-Identifier: MIT
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace runlens::datasets {

// Plain decimals ("-12.3456", "7", ".5", "+2.") with at most 15 digits, read straight from the field's bytes: the
// integer of the digits divided by a power of ten. Both are exact doubles and division rounds correctly, so the result
// is the nearest double, as strtod gives (Clinger's fast path). Anything else (exponents, more digits, spaces, words)
// returns false and goes to the general parser.
inline bool parsePlainDecimal(std::string_view s, double& value) {
    static constexpr double exactPowersOfTen[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                                  1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    const std::size_t n = s.size();
    // A sign, a dot and fifteen digits make seventeen characters; anything longer has too many digits.
    if (n == 0 || n > 17)
        return false;
    const char* const p = s.data();
    const bool negative = p[0] == '-';
    const std::size_t start = negative || p[0] == '+' ? 1 : 0;
    // One loop over a known length, the dot remembered where it is: cheaper than loops that stop at the dot and at
    // the end, whose exits depend on the value.
    std::uint64_t mantissa = 0;
    std::size_t dot = n;
    for (std::size_t i = start; i < n; ++i) {
        const auto digit = static_cast<unsigned>(static_cast<unsigned char>(p[i])) - unsigned{'0'};
        if (digit < 10) [[likely]] {
            mantissa = mantissa * 10 + digit;
        } else if (p[i] == '.' && dot == n) {
            dot = i;
        } else {
            return false;
        }
    }
    const std::size_t fraction = dot == n ? 0 : n - dot - 1;
    const std::size_t digits = n - start - (dot == n ? 0 : 1);
    if (digits == 0 || digits > 15)
        return false;
    const double magnitude = static_cast<double>(mantissa) / exactPowersOfTen[fraction];
    // The sign as a bit, not a branch: some columns change sign at random.
    value = std::bit_cast<double>(std::bit_cast<std::uint64_t>(magnitude) | (std::uint64_t{negative} << 63));
    return true;
}

}  // namespace runlens::datasets
