// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

// Small text helpers for the byte strings RunLens reads (column names, file extensions, keywords). Case folding is
// ASCII only and independent of the C locale: bytes outside A-Z, UTF-8 sequences included, are kept as they are.
// Inline because some of them run once per cell of a large file.
namespace runlens::text {

// Spaces, tabs and the CR a CRLF line end leaves on the last field: what surrounds a value in delimited text.
inline constexpr std::string_view blanks = " \t\r";
// Everything std::isspace matches in the C locale.
inline constexpr std::string_view whitespace = " \t\n\v\f\r";

constexpr char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = lower(c);
    return out;
}

constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

constexpr bool istartsWith(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

constexpr bool iendsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && iequals(s.substr(s.size() - suffix.size()), suffix);
}

// s without the leading / trailing / surrounding characters that are in chars.
constexpr std::string_view trimFront(std::string_view s, std::string_view chars = blanks) {
    while (!s.empty() && chars.find(s.front()) != std::string_view::npos)
        s.remove_prefix(1);
    return s;
}

constexpr std::string_view trimBack(std::string_view s, std::string_view chars = blanks) {
    while (!s.empty() && chars.find(s.back()) != std::string_view::npos)
        s.remove_suffix(1);
    return s;
}

constexpr std::string_view trim(std::string_view s, std::string_view chars = blanks) {
    return trimBack(trimFront(s, chars), chars);
}

// "line L, column C" (both from 1) for a byte offset (0-based) into text, for error messages.
inline std::string lineColumn(std::string_view text, std::size_t offset) {
    if (offset > text.size())
        offset = text.size();
    std::size_t line = 1;
    std::size_t lineStart = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (text[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(offset - lineStart + 1);
}

}  // namespace runlens::text
