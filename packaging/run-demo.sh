#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command for a newcomer: install what is missing, build, and open RunLens on its bundled demo workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev --target runlens runlens-gui

exec build/dev/app/runlens-gui --demo "$@"
