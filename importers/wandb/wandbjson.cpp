// SPDX-License-Identifier: MIT
#include "wandbjson.h"

#include "common/numbers.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <limits>

namespace runlens::importers::wandb {
namespace {

using json = nlohmann::json;

// Stand-ins for the non-standard tokens; control characters cannot occur unescaped in real JSON strings.
constexpr std::string_view nanMark = "\x01runlens:NaN";
constexpr std::string_view posInfMark = "\x01runlens:+Inf";
constexpr std::string_view negInfMark = "\x01runlens:-Inf";

void restoreMarks(json& value) {
    if (value.is_string()) {
        const auto& s = value.get_ref<const std::string&>();
        if (s.size() > 1 && s[0] == '\x01') {
            if (s == nanMark)
                value = std::numeric_limits<double>::quiet_NaN();
            else if (s == posInfMark)
                value = std::numeric_limits<double>::infinity();
            else if (s == negInfMark)
                value = -std::numeric_limits<double>::infinity();
        }
        return;
    }
    if (value.is_structured()) {
        for (auto& child : value)
            restoreMarks(child);
    }
}

std::string escapedMark(std::string_view mark) {
    return "\"\\u0001" + std::string(mark.substr(1)) + "\"";
}

}  // namespace

std::optional<json> parseLenientJson(std::string_view text) {
    std::string rewritten;
    bool rewrote = false;
    bool inString = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                if (rewrote)
                    rewritten += text.substr(i, 2);
                ++i;
                continue;
            }
            if (c == '"')
                inString = false;
        } else if (c == '"') {
            inString = true;
        } else if (c == 'N' && text.substr(i, 3) == "NaN") {
            if (!rewrote) {
                rewritten.assign(text.substr(0, i));
                rewrote = true;
            }
            rewritten += escapedMark(nanMark);
            i += 2;
            continue;
        } else if ((c == 'I' && text.substr(i, 8) == "Infinity") || (c == '-' && text.substr(i, 9) == "-Infinity")) {
            if (!rewrote) {
                rewritten.assign(text.substr(0, i));
                rewrote = true;
            }
            const bool negative = c == '-';
            rewritten += escapedMark(negative ? negInfMark : posInfMark);
            i += negative ? 8 : 7;
            continue;
        }
        if (rewrote)
            rewritten += c;
    }
    const std::string_view input = rewrote ? std::string_view(rewritten) : text;
    json value = json::parse(input.begin(), input.end(), nullptr, false);
    if (value.is_discarded())
        return std::nullopt;
    if (rewrote)
        restoreMarks(value);
    return value;
}

std::optional<double> numericJsonText(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\n' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' || text.back() == '\r'))
        text.remove_suffix(1);
    if (text.empty())
        return std::nullopt;
    if (text == "NaN")
        return std::numeric_limits<double>::quiet_NaN();
    if (text == "Infinity")
        return std::numeric_limits<double>::infinity();
    if (text == "-Infinity")
        return -std::numeric_limits<double>::infinity();
    const char c = text.front();
    if (c != '-' && (c < '0' || c > '9'))
        return std::nullopt;
    // JSON numbers only: reject the words parseDouble also accepts ("nan", "inf").
    if (text.find_first_of("nNiI") != std::string_view::npos)
        return std::nullopt;
    return parseDouble(text);
}

std::optional<double> numericValue(const json& value) {
    if (value.is_number())
        return value.get<double>();
    return std::nullopt;
}

std::string valueText(const json& value) {
    if (value.is_string())
        return value.get<std::string>();
    if (value.is_number_float()) {
        const double v = value.get<double>();
        if (std::isnan(v))
            return "NaN";
        if (std::isinf(v))
            return v > 0 ? "Infinity" : "-Infinity";
    }
    if (value.is_structured()) {
        json copy = value;
        // dump() would write null for NaN; spell the non-finite values out.
        std::function<void(json&)> mark = [&](json& v) {
            if (v.is_number_float() && !std::isfinite(v.get<double>()))
                v = valueText(v);
            else if (v.is_structured())
                for (auto& child : v)
                    mark(child);
        };
        mark(copy);
        return copy.dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json yamlToJson(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        json out = json::object();
        for (const auto& entry : node)
            out[entry.first.Scalar()] = yamlToJson(entry.second);
        return out;
    }
    case YAML::NodeType::Sequence: {
        json out = json::array();
        for (const auto& item : node)
            out.push_back(yamlToJson(item));
        return out;
    }
    case YAML::NodeType::Scalar: {
        const std::string& s = node.Scalar();
        if (node.Tag() == "!")
            return s;  // quoted: a string even when it looks like a number
        if (s == "null" || s == "Null" || s == "NULL" || s == "~")
            return nullptr;
        if (s == "true" || s == "True" || s == "TRUE")
            return true;
        if (s == "false" || s == "False" || s == "FALSE")
            return false;
        if (auto i = parseInt64(s))
            return *i;
        if (s == ".nan" || s == ".NaN" || s == ".NAN")
            return std::numeric_limits<double>::quiet_NaN();
        if (s == ".inf" || s == ".Inf" || s == "+.inf")
            return std::numeric_limits<double>::infinity();
        if (s == "-.inf" || s == "-.Inf")
            return -std::numeric_limits<double>::infinity();
        if (auto d = numericJsonText(s); d && std::isfinite(*d))
            return *d;
        return s;
    }
    default:
        return nullptr;
    }
}

}  // namespace runlens::importers::wandb
