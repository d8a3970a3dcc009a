// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

namespace runlens::analysis {

// A class label as logged in JSON, as text: strings as they are, booleans as true/false, whole numbers without a
// fraction (1.0 and 1 are the same class), other numbers in their shortest form; nullopt for null, arrays, objects.
inline std::optional<std::string> jsonLabelText(const nlohmann::json& v) {
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_boolean())
        return v.get<bool>() ? "true" : "false";
    if (v.is_number_integer())
        return std::to_string(v.get<std::int64_t>());
    if (v.is_number_unsigned())
        return std::to_string(v.get<std::uint64_t>());
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (d == std::trunc(d) && std::fabs(d) < 1e15)
            return std::to_string(static_cast<std::int64_t>(d));
        char buffer[64];
        const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
        return std::string(buffer, ec == std::errc() ? end : buffer);
    }
    return std::nullopt;
}

}  // namespace runlens::analysis
