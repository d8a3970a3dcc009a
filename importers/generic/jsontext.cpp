// SPDX-License-Identifier: MIT
#include "jsontext.h"

#include "common/numbers.h"
#include "common/paths.h"
#include "text.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

namespace runlens::importers::textio {

std::optional<double> parseIsoTimeMs(std::string_view text) {
    std::tm tm{};
    int consumed = 0;
    const std::string s(text);
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double ms = static_cast<double>(timegm(&tm)) * 1000.0;
    std::size_t pos = static_cast<std::size_t>(consumed);
    if (pos < s.size() && s[pos] == '.') {
        const std::size_t start = pos;
        ++pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])))
            ++pos;
        if (auto fraction = parseDouble("0" + s.substr(start, pos - start)))
            ms += *fraction * 1000.0;
    }
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int hh = 0;
        int mm = 0;
        if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &hh, &mm) >= 1)
            ms -= (s[pos] == '+' ? 1.0 : -1.0) * (hh * 3600.0 + mm * 60.0) * 1000.0;
    }
    return ms;
}

namespace {

// The byte where strict parsing fails once the non-standard tokens are replaced by numbers of the same length.
std::size_t failureOffset(std::string_view text) {
    std::string copy(text);
    bool inString = false;
    for (std::size_t i = 0; i < copy.size(); ++i) {
        const char c = copy[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (copy.compare(i, 3, "NaN") == 0) {
            copy.replace(i, 3, "0.0");
            i += 2;
        } else if (copy.compare(i, 8, "Infinity") == 0) {
            copy.replace(i, 8, "12345678");
            i += 7;
        }
    }
    try {
        const auto parsed = nlohmann::json::parse(copy);
        (void)parsed;
    } catch (const nlohmann::json::parse_error& e) {
        // nlohmann reports the last byte it read; point at the start of the offending token instead.
        std::size_t at = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, copy.size());
        if (at < copy.size()) {
            const auto tokenChar = [](char ch) {
                return std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == '.' || ch == '_';
            };
            if (copy[at] == '"' && at > 0) {
                std::size_t j = at;
                while (j > 0 && !(copy[j - 1] == '"' && (j < 2 || copy[j - 2] != '\\')))
                    --j;
                if (j > 0)
                    at = j - 1;
            } else if (tokenChar(copy[at])) {
                while (at > 0 && tokenChar(copy[at - 1]))
                    --at;
            }
        }
        return at;
    } catch (const std::exception&) {
    }
    return text.size();
}

}  // namespace

Result<nlohmann::json> parseJson(std::string_view text, const std::filesystem::path& file) {
    if (auto value = wandb::parseLenientJson(text))
        return std::move(*value);
    const std::size_t offset = failureOffset(text);
    std::size_t rest = offset;
    while (rest < text.size() && (text[rest] == ' ' || text[rest] == '\n' || text[rest] == '\r' || text[rest] == '\t'))
        ++rest;
    const bool atEnd = offset >= text.size() || rest >= text.size();
    return Error{displayPath(file), text::lineColumn(text, offset),
                 atEnd ? "the JSON ends early (truncated file?)" : "malformed JSON"};
}

Result<nlohmann::json> loadJsonFile(const std::filesystem::path& file) {
    auto text = readFile(file);
    if (!text)
        return text.error();
    if (text->find_first_not_of(" \t\r\n") == std::string::npos)
        return Error{displayPath(file), "line 1", "the file is empty; expected JSON"};
    return parseJson(*text, file);
}

Result<std::vector<DelimitedRow>> splitDelimited(std::string_view text, char separator,
                                                 const std::filesystem::path& file) {
    std::vector<DelimitedRow> rows;
    std::int64_t line = 1;
    std::size_t i = 0;
    if (text.starts_with("\xEF\xBB\xBF"))
        i = 3;
    while (i < text.size()) {
        DelimitedRow row;
        row.line = line;
        std::string field;
        bool quoted = false;
        bool fieldWasQuoted = false;
        bool ended = false;
        while (i < text.size()) {
            const char c = text[i];
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    ++i;
                    continue;
                }
                if (c == '\n')
                    ++line;
                field += c;
                ++i;
                continue;
            }
            if (c == '"' && field.empty() && !fieldWasQuoted) {
                quoted = true;
                fieldWasQuoted = true;
                ++i;
                continue;
            }
            if (c == separator) {
                row.fields.push_back(std::move(field));
                field.clear();
                fieldWasQuoted = false;
                ++i;
                continue;
            }
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
                continue;
            }
            if (c == '\n') {
                ++line;
                ++i;
                ended = true;
                break;
            }
            field += c;
            ++i;
        }
        if (quoted)
            return Error{displayPath(file), "line " + std::to_string(row.line),
                         "a quoted field is not closed before the end of the file"};
        row.fields.push_back(std::move(field));
        row.terminated = ended;
        if (row.fields.size() == 1 && row.fields[0].empty() && !fieldWasQuoted)
            continue;  // blank line
        rows.push_back(std::move(row));
    }
    return rows;
}

}  // namespace runlens::importers::textio
