// SPDX-License-Identifier: MIT
#include "reportjson.h"

#include "text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>
#include <vector>

namespace runlens::reports {
namespace {

using json = nlohmann::json;

// Quotes the non-standard number tokens so a strict parser accepts them. insertedAt records, for every token
// quoted, its offset in the original text; each one adds two bytes, which the error mapping takes back out.
std::string quoteSpecialNumbers(std::string_view text, std::vector<std::size_t>& insertedAt) {
    std::string out;
    out.reserve(text.size() + 16);
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) {
                out += text[++i];
            } else if (c == '"') {
                inString = false;
            }
            continue;
        }
        if (c == '"') {
            inString = true;
            out += c;
            continue;
        }
        std::string_view token;
        if (text.substr(i, 3) == "NaN")
            token = "NaN";
        else if (text.substr(i, 8) == "Infinity")
            token = "Infinity";
        else if (text.substr(i, 9) == "-Infinity")
            token = "-Infinity";
        if (!token.empty()) {
            insertedAt.push_back(i);
            out += '"';
            out += token;
            out += '"';
            i += token.size() - 1;
            continue;
        }
        out += c;
    }
    return out;
}

Result<json> parseOnce(std::string_view text, const std::string& file, const std::string& where) {
    std::vector<std::size_t> insertedAt;
    const std::string quoted = quoteSpecialNumbers(text, insertedAt);
    try {
        return json::parse(quoted);
    } catch (const json::parse_error& e) {
        // Map the byte back into the original text: every quoted token before it added two bytes.
        std::size_t offset = e.byte > 0 ? e.byte - 1 : 0;
        std::size_t shift = 0;
        for (std::size_t original : insertedAt) {
            if (original + shift * 2 >= offset)
                break;
            ++shift;
        }
        offset = offset >= shift * 2 ? offset - shift * 2 : 0;
        std::string message = offset >= text.size() ? "the JSON ends too early (truncated file?)"
                                                    : "not valid JSON at byte offset " + std::to_string(offset);
        return Error{file, where + text::lineColumn(text, offset), message};
    }
}

bool looksLikeJsonText(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    return first != std::string::npos && (s[first] == '{' || s[first] == '[');
}

}  // namespace

Result<json> parseReportJson(std::string_view text, const std::string& file) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return Error{file, {}, "the file is empty; expected a JSON report"};
    auto parsed = parseOnce(text, file, {});
    if (!parsed)
        return parsed;
    if (parsed->is_string() && looksLikeJsonText(parsed->get_ref<const std::string&>())) {
        // Double-encoded: the document was serialised to a string and that string written as JSON.
        const std::string inner = parsed->get<std::string>();
        return parseOnce(inner, file, "inside the JSON string, ");
    }
    return parsed;
}

std::optional<double> numberOf(const json& value) {
    if (value.is_number())
        return value.get<double>();
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        if (s == "NaN")
            return std::numeric_limits<double>::quiet_NaN();
        if (s == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (s == "-Infinity")
            return -std::numeric_limits<double>::infinity();
    }
    return std::nullopt;
}

json numberJson(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "Infinity" : "-Infinity";
    return value;
}

std::string valueText(const json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_null())
        return "null";
    if (value.is_number_float()) {
        const double v = value.get<double>();
        char buffer[64];
        auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
        return ec == std::errc() ? std::string(buffer, end) : value.dump();
    }
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::int64_t> parseTimeMs(std::string_view text) {
    const std::string s(text);
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6 &&
        std::sscanf(s.c_str(), "%4d%2d%2dT%2d%2d%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                    &tm.tm_sec, &consumed) != 6)
        return std::nullopt;
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
        tm.tm_sec > 60)
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    double ms = static_cast<double>(timegm(&tm)) * 1000.0;
    auto pos = static_cast<std::size_t>(consumed);
    if (pos < s.size() && s[pos] == '.') {
        double scale = 100.0;
        for (++pos; pos < s.size() && s[pos] >= '0' && s[pos] <= '9'; ++pos, scale /= 10.0)
            ms += (s[pos] - '0') * scale;
    }
    if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int hh = 0;
        int mm = 0;
        if (std::sscanf(s.c_str() + pos + 1, "%2d:%2d", &hh, &mm) >= 1)
            ms -= (s[pos] == '+' ? 1.0 : -1.0) * (hh * 3600.0 + mm * 60.0) * 1000.0;
    }
    return static_cast<std::int64_t>(std::floor(ms));
}

std::string isoTime(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
    const auto millis = static_cast<int>(ms - static_cast<std::int64_t>(seconds) * 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buffer[80];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
    return buffer;
}

const json& JsonCursor::nullValue() {
    static const json null;
    return null;
}

bool JsonCursor::has(std::string_view key) const {
    return m_value->is_object() && m_value->contains(key);
}

JsonCursor JsonCursor::operator[](std::string_view key) const {
    const std::string path = m_path.empty() ? std::string(key) : m_path + "." + std::string(key);
    if (m_value->is_object()) {
        auto it = m_value->find(key);
        if (it != m_value->end())
            return {*it, m_file, path};
    }
    return {nullValue(), m_file, path};
}

JsonCursor JsonCursor::at(std::size_t index) const {
    const std::string path = m_path + "[" + std::to_string(index) + "]";
    if (m_value->is_array() && index < m_value->size())
        return {(*m_value)[index], m_file, path};
    return {nullValue(), m_file, path};
}

JsonCursor JsonCursor::child(const json& value, const std::string& key) const {
    return {value, m_file, m_path.empty() ? key : m_path + "." + key};
}

Error JsonCursor::error(const std::string& message) const {
    return Error{m_file, m_path.empty() ? std::string("top level") : m_path, message};
}

namespace {
std::string typeName(const json& v) {
    if (v.is_null())
        return "nothing (missing or null)";
    if (v.is_boolean())
        return "a boolean";
    if (v.is_number())
        return "a number";
    if (v.is_string())
        return "a string";
    if (v.is_array())
        return "an array";
    return "an object";
}
}  // namespace

Result<const json*> JsonCursor::object() const {
    if (!m_value->is_object())
        return error("expected an object, found " + typeName(*m_value));
    return m_value;
}

Result<const json*> JsonCursor::array() const {
    if (!m_value->is_array())
        return error("expected an array, found " + typeName(*m_value));
    return m_value;
}

Result<std::string> JsonCursor::string() const {
    if (!m_value->is_string())
        return error("expected a string, found " + typeName(*m_value));
    return m_value->get<std::string>();
}

Result<double> JsonCursor::number() const {
    if (auto v = numberOf(*m_value))
        return *v;
    return error("expected a number, found " + typeName(*m_value));
}

Result<bool> JsonCursor::boolean() const {
    if (!m_value->is_boolean())
        return error("expected true or false, found " + typeName(*m_value));
    return m_value->get<bool>();
}

Result<std::optional<std::string>> JsonCursor::optionalString() const {
    if (m_value->is_null())
        return std::optional<std::string>();
    auto s = string();
    if (!s)
        return s.error();
    return std::optional<std::string>(*s);
}

Result<std::optional<double>> JsonCursor::optionalNumber() const {
    if (m_value->is_null())
        return std::optional<double>();
    auto n = number();
    if (!n)
        return n.error();
    return std::optional<double>(*n);
}

Result<std::optional<bool>> JsonCursor::optionalBoolean() const {
    if (m_value->is_null())
        return std::optional<bool>();
    auto b = boolean();
    if (!b)
        return b.error();
    return std::optional<bool>(*b);
}

}  // namespace runlens::reports
