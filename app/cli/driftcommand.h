// SPDX-License-Identifier: MIT
#pragma once

#include <iosfwd>
#include <optional>

namespace runlens::cli {

// Exit status of `runlens drift`: 0 nothing drifted, 1 the policy's verdict is drift, 2 usage error, 3 an input
// (a data file, the policy, the cache or the run) could not be read.
inline constexpr int exitDriftReadError = 3;

// Runs `runlens [--cache FILE] drift ...` when that is the command (the first word that is not an option), else
// returns nothing. It parses its own options because most of them take values.
std::optional<int> runDriftCommand(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace runlens::cli
