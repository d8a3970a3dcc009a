// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace runlens::ui {

// The bundled demo store: installed under share/runlens/demo, or in the source tree for a developer build.
// Empty when neither exists.
QString demoStorePath();
// The workspace the demo is imported into (in the user's data folder, never in the installation).
QString demoCachePath();

}  // namespace runlens::ui
