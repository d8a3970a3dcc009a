// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace runlens::importers::textio {

// Lenient JSON (bare NaN/Infinity as Python writes them, via wandb::parseLenientJson). On failure the error names
// the file and "line L, column C" of the first byte the parser could not accept.
Result<nlohmann::json> parseJson(std::string_view text, const std::filesystem::path& file);
// Reads and parses a JSON file; an empty file is an error.
Result<nlohmann::json> loadJsonFile(const std::filesystem::path& file);

// "2024-01-02T03:04:05.678Z", "2024-01-02 03:04:05", an optional +hh:mm offset; without a zone read as UTC.
std::optional<double> parseIsoTimeMs(std::string_view text);

// One row of delimited text.
struct DelimitedRow {
    std::vector<std::string> fields;
    std::int64_t line = 0;   // line the row starts on, 1-based
    bool terminated = true;  // false when the text ended inside the row without a line break
};

// Splits CSV/TSV text: the given separator, '"' quoting with doubled quotes (quoted fields may hold line breaks),
// LF or CRLF line ends. Blank lines are skipped. An unterminated quote is an error naming the line.
Result<std::vector<DelimitedRow>> splitDelimited(std::string_view text, char separator,
                                                 const std::filesystem::path& file);

// Joins a nested JSON object's keys with sep; calls emit(key, leaf) for every non-object leaf (arrays are leaves).
template <typename Emit>
void flattenJson(const nlohmann::json& value, const std::string& prefix, std::string_view sep, Emit&& emit) {
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it)
            flattenJson(it.value(), prefix.empty() ? it.key() : prefix + std::string(sep) + it.key(), sep, emit);
        return;
    }
    emit(prefix, value);
}

}  // namespace runlens::importers::textio
