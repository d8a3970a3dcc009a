// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>
#include <vector>

namespace runlens::schema {

// migrations()[i] brings a cache from user_version i to i + 1. Append only; never edit a shipped step.
const std::vector<std::string_view>& migrations();

}  // namespace runlens::schema
