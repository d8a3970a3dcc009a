// SPDX-License-Identifier: MIT
#include "numbers.h"

#include <fast_float/fast_float.h>

#include <charconv>

namespace runlens::importers {

std::optional<double> parseDouble(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (*begin == '+')  // Python never writes it, but hand-edited files do
        ++begin;
    double value = 0;
    const auto result = fast_float::from_chars(begin, end, value);
    if (result.ec != std::errc() || result.ptr != end)
        return std::nullopt;
    return value;
}

std::optional<std::int64_t> parseInt64(std::string_view text) {
    // Hand-rolled: metric files hold two integers a line, and this loop is several times faster than
    // std::from_chars on them. Up to 18 digits cannot overflow; longer numbers take the checked path.
    std::size_t i = 0;
    bool negative = false;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        i = 1;
    }
    const std::size_t digits = text.size() - i;
    if (digits == 0)
        return std::nullopt;
    if (digits <= 18) {
        std::int64_t value = 0;
        for (; i < text.size(); ++i) {
            const auto d = static_cast<unsigned>(text[i] - '0');
            if (d > 9)
                return std::nullopt;
            value = value * 10 + static_cast<std::int64_t>(d);
        }
        return negative ? -value : value;
    }
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    const char* end = text.data() + text.size();
    std::int64_t value = 0;
    const auto result = std::from_chars(begin, end, value);
    if (result.ec != std::errc() || result.ptr != end)
        return std::nullopt;
    return value;
}

}  // namespace runlens::importers
