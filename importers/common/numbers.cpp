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
    if (text.empty())
        return std::nullopt;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    if (*begin == '+')
        ++begin;
    std::int64_t value = 0;
    const auto result = std::from_chars(begin, end, value);
    if (result.ec != std::errc() || result.ptr != end)
        return std::nullopt;
    return value;
}

}  // namespace runlens::importers
