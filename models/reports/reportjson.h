// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// JSON as the reporting tools write it, read defensively: Python's bare NaN/Infinity tokens, a whole document
// double-encoded as a JSON string (Evidently 0.4 reports passed through json.dump), Jackson's "key" : value style.
namespace runlens::reports {

// Parses text; bare NaN, Infinity and -Infinity outside strings become the strings "NaN", "Infinity",
// "-Infinity" (read back by numberOf). A top-level string that itself holds a JSON object or array is decoded
// once more. Errors name file and "line L, column C" of the first byte that could not be read.
Result<nlohmann::json> parseReportJson(std::string_view text, const std::string& file);

// A number from a JSON number or one of the strings "NaN", "Infinity", "-Infinity"; nullopt otherwise.
std::optional<double> numberOf(const nlohmann::json& value);
// NaN and infinities as the strings the CLI JSON uses; finite numbers unchanged.
nlohmann::json numberJson(double value);
// Compact, single-line text for a JSON value: strings as they are, numbers in shortest form.
std::string valueText(const nlohmann::json& value);

// Milliseconds since the epoch from "2024-02-12 21:51:58.081312", "2022-03-23T16:13:02+00:00",
// "2023-01-30T00:00:00" (no zone: UTC) or the compact "20220323T051302.534345Z".
std::optional<std::int64_t> parseTimeMs(std::string_view text);
// "2022-03-23T05:13:02.534Z" for a time in milliseconds.
std::string isoTime(std::int64_t ms);

// Walks into a document and builds the JSON path of where it is ("results[3].expectation_config") so errors
// can say exactly which value is wrong.
class JsonCursor {
public:
    JsonCursor(const nlohmann::json& value, std::string file, std::string path = {})
        : m_value(&value), m_file(std::move(file)), m_path(std::move(path)) {}

    const nlohmann::json& value() const { return *m_value; }
    const std::string& path() const { return m_path; }
    const std::string& file() const { return m_file; }
    bool has(std::string_view key) const;
    // The member, or a null cursor when it is absent.
    JsonCursor operator[](std::string_view key) const;
    JsonCursor at(std::size_t index) const;
    JsonCursor child(const nlohmann::json& value, const std::string& key) const;

    // Typed reads: an Error naming the file, the path and what was expected when the value has another type.
    Result<const nlohmann::json*> object() const;
    Result<const nlohmann::json*> array() const;
    Result<std::string> string() const;
    Result<double> number() const;
    Result<bool> boolean() const;
    // Optional reads: nullopt when absent or null, an Error when present with another type.
    Result<std::optional<std::string>> optionalString() const;
    Result<std::optional<double>> optionalNumber() const;
    Result<std::optional<bool>> optionalBoolean() const;

    Error error(const std::string& message) const;

private:
    static const nlohmann::json& nullValue();
    const nlohmann::json* m_value;
    std::string m_file;
    std::string m_path;
};

}  // namespace runlens::reports
