// SPDX-License-Identifier: MIT
#include "taglist.h"

#include "paths.h"
#include "wandb/wandbjson.h"

#include <algorithm>
#include <vector>

namespace runlens::importers {

void addTagList(const nlohmann::json& list, std::string_view prefix, std::map<std::string, std::string>& tags) {
    std::vector<std::string> names;
    for (const auto& t : list)
        names.push_back(escapeInvalidUtf8(t.is_string() ? t.get<std::string>() : wandb::valueText(t)));
    std::sort(names.begin(), names.end());
    const std::string tagPrefix = std::string(prefix) + ".tag.";
    std::string joined;
    for (const auto& n : names) {
        tags[tagPrefix + n] = "";
        joined += (joined.empty() ? "" : ",") + n;
    }
    if (!joined.empty())
        tags[std::string(prefix) + ".tags"] = joined;
}

}  // namespace runlens::importers
