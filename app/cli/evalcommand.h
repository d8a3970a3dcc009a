// SPDX-License-Identifier: MIT
#pragma once

#include <iosfwd>
#include <string>

namespace runlens::cli {

// `runlens eval`: evaluates a predictions file (and attaches it to a run with --run), or shows a run's
// evaluations. argv is the whole command line; global options (--cache) are skipped.
int evalCommand(const std::string& cachePath, int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace runlens::cli
