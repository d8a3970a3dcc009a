#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds RunLens and runs every test: unit, corpus, GUI (offscreen) and interop against the real Python writers.
# CI runs exactly this (with CI=true: warnings are errors and nothing may be skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/install-deps.sh

preset=dev
if [ "${CI:-}" = "true" ]; then
    preset=ci
fi

# GUI tests use the offscreen platform; a virtual display is started only for tests that ask for xcb.
export QT_QPA_PLATFORM=offscreen
if [ -z "${RUNLENS_CORPUS:-}" ] && [ -d ../shared/corpus ]; then
    RUNLENS_CORPUS="$(cd ../shared/corpus && pwd)"
    export RUNLENS_CORPUS
fi

cmake --preset "$preset"
cmake --build --preset "$preset"
ctest --preset "$preset" --output-on-failure --no-tests=error "$@"
