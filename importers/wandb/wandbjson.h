// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace YAML {
class Node;
}

namespace runlens::importers::wandb {

// JSON as W&B writes it: Python's json.dumps and the Go writer emit bare NaN, Infinity and -Infinity, which
// nlohmann::json rejects. Those tokens (outside strings) are parsed as the doubles they mean. nullopt when the
// text is not JSON.
std::optional<nlohmann::json> parseLenientJson(std::string_view text);

// A number for a metric: JSON numbers (including the NaN/Infinity tokens); booleans, strings, null, objects and
// arrays are not. Fast path for value_json text that is a plain number.
std::optional<double> numericJsonText(std::string_view text);
std::optional<double> numericValue(const nlohmann::json& value);

// Text for a param or tag: strings as they are, numbers in shortest round-trip form, NaN/Infinity spelled as
// Python does, containers as compact JSON.
std::string valueText(const nlohmann::json& value);

// A YAML node as JSON: plain scalars that read as integers, floats, booleans or null become those; quoted
// scalars stay strings.
nlohmann::json yamlToJson(const YAML::Node& node);

}  // namespace runlens::importers::wandb
