// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <optional>
#include <string>

namespace runlens::importers {

// Parses a YAML file with yaml-cpp, which never constructs objects from tags such as !!python/object.
// The error names the file and the line; an empty document is an error too.
Result<YAML::Node> loadYamlFile(const std::filesystem::path& path);
Result<YAML::Node> loadYamlText(const std::string& text, const std::filesystem::path& pathForMessages);

// Scalar helpers that never throw: a missing key, null or non-scalar gives nullopt.
std::optional<std::string> yamlString(const YAML::Node& map, const char* key);
std::optional<std::int64_t> yamlInt(const YAML::Node& map, const char* key);

}  // namespace runlens::importers
