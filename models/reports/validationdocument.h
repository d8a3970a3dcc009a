// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace runlens::reports {

// The validation document of a report whose every check ran and is in results (each with a boolean "success"):
// tool, suite, when it was evaluated (null when unknown), overall success and the statistics block counted from
// the results (100 % of nothing is a success).
nlohmann::json validationDocument(const std::string& tool, const std::string& suite,
                                  const std::optional<std::string>& evaluatedAt, nlohmann::json results);

}  // namespace runlens::reports
