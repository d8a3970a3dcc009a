// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace runlens::importers {

// A tracker's list of run tags as RunLens keeps them: "<prefix>.tag.<name>" with an empty value for each, and
// "<prefix>.tags" with every name, sorted and comma-joined. Names are made valid UTF-8; an entry that is not a
// string is written as its JSON text. An empty list adds nothing.
void addTagList(const nlohmann::json& list, std::string_view prefix, std::map<std::string, std::string>& tags);

}  // namespace runlens::importers
