// SPDX-License-Identifier: MIT
#include "validationdocument.h"

namespace runlens::reports {

nlohmann::json validationDocument(const std::string& tool, const std::string& suite,
                                  const std::optional<std::string>& evaluatedAt, nlohmann::json results) {
    std::size_t successful = 0;
    for (const auto& r : results)
        successful += r["success"].get<bool>() ? 1 : 0;
    const std::size_t evaluated = results.size();
    nlohmann::json doc;
    doc["tool"] = tool;
    doc["suite"] = suite;
    doc["evaluated_at"] = evaluatedAt ? nlohmann::json(*evaluatedAt) : nlohmann::json(nullptr);
    doc["success"] = successful == evaluated;
    doc["statistics"] = {
        {"evaluated", evaluated},
        {"successful", successful},
        {"unsuccessful", evaluated - successful},
        {"success_percent",
         evaluated ? 100.0 * static_cast<double>(successful) / static_cast<double>(evaluated) : 100.0}};
    doc["results"] = std::move(results);
    return doc;
}

}  // namespace runlens::reports
