// SPDX-License-Identifier: MIT
#pragma once

#include "error.h"

#include <QString>

namespace runlens::ui {

// The demo's tracker run that serves the credit-default model; the demo drift reports are kept with it.
inline constexpr const char* demoDriftRunId = "58a295d4eff34b6186f1e77124ed49b1";

// The bundled dataset pair (reference, a stable and a drifted current file) beside the demo store; empty when absent.
QString demoDatasetsPath();

// Compares the demo datasets (reference against the drifted and against the stable file) and stores both reports
// with the demo run, unless the run has them already, so the Drift tab shows a report on the demo's first open.
// Small files: a few tens of milliseconds.
Status ensureDemoDriftReports(const QString& cachePath, const QString& datasetsPath);

}  // namespace runlens::ui
