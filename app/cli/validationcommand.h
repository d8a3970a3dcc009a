// SPDX-License-Identifier: MIT
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace runlens::cli {

// `runlens validation RUN [--json]`: the validation documents of an imported report run (Great Expectations,
// SageMaker Model Monitor, Evidently tests, TFDV anomalies). Exit 0 when every check passed, 1 when one failed
// or the run has none, 2 for usage errors.
int commandValidation(const std::string& cachePath, const std::vector<std::string>& positional,
                      const std::vector<std::string>& flags, std::ostream& out, std::ostream& err);

// `runlens report RUN [--json]`: every normalised document of an imported report run, drift and validation.
// Exit 0 when nothing drifted and every check passed, 1 otherwise.
int commandReport(const std::string& cachePath, const std::vector<std::string>& positional,
                  const std::vector<std::string>& flags, std::ostream& out, std::ostream& err);

}  // namespace runlens::cli
