// SPDX-License-Identifier: MIT
#pragma once

#include <iosfwd>

namespace runlens::cli {

enum ExitCode { exitOk = 0, exitFailure = 1, exitUsage = 2 };

// The `runlens` command line. Output goes to out, diagnostics and progress to err.
// interactiveErr: err is a terminal, so progress is drawn on one line.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool interactiveErr);

}  // namespace runlens::cli
