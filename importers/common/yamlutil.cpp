// SPDX-License-Identifier: MIT
#include "yamlutil.h"

#include "numbers.h"
#include "paths.h"

#include <cmath>

namespace runlens::importers {

Result<YAML::Node> loadYamlText(const std::string& text, const std::filesystem::path& pathForMessages) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        return Error{displayPath(pathForMessages), {}, "the file is empty"};
    try {
        YAML::Node node = YAML::Load(text);
        if (!node.IsMap())
            return Error{displayPath(pathForMessages), "line 1", "expected a YAML mapping of keys to values"};
        return node;
    } catch (const YAML::Exception& e) {
        return Error{displayPath(pathForMessages), "line " + std::to_string(e.mark.line + 1),
                     "malformed YAML: " + e.msg};
    }
}

Result<YAML::Node> loadYamlFile(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text)
        return text.error();
    return loadYamlText(*text, path);
}

std::optional<std::string> yamlString(const YAML::Node& map, const char* key) {
    try {
        const YAML::Node value = map[key];
        if (!value || value.IsNull() || !value.IsScalar())
            return std::nullopt;
        return value.Scalar();
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
}

std::optional<std::int64_t> yamlInt(const YAML::Node& map, const char* key) {
    auto text = yamlString(map, key);
    if (!text)
        return std::nullopt;
    if (auto v = parseInt64(*text))
        return v;
    // Some writers store times as floats (1.6e12).
    if (auto d = parseDouble(*text); d && std::isfinite(*d))
        return static_cast<std::int64_t>(*d);
    return std::nullopt;
}

}  // namespace runlens::importers
