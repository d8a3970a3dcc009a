// SPDX-License-Identifier: MIT
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace runlens::importers {

// Locale-independent parsing of Python-style number text: "0.1", "1e-05", "nan", "inf", "-inf",
// "NaN", "Infinity". The whole text must be the number.
std::optional<double> parseDouble(std::string_view text);
std::optional<std::int64_t> parseInt64(std::string_view text);

}  // namespace runlens::importers
