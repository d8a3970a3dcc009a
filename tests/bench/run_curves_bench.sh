#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Learning-curve redraw benchmark (bench_curves.cpp): 20 runs x 1 M points and 1,000 runs x 1,000 points.
#   tests/bench/run_curves_bench.sh                  builds bench_curves in build/dev and measures
#   BUILD=build/other tests/bench/run_curves_bench.sh   uses another build tree
# Environment: REPEATS (zoom cycles, default 5). The synthetic caches are kept in build/bench for the next run.
# Writes the table to build/bench/curves-results.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(realpath "${BUILD:-$root/build/dev}")
bench="$root/build/bench"
mkdir -p "$bench"
cmake --build "$build" --target bench_curves -j2 >/dev/null
QT_QPA_PLATFORM=offscreen "$build/tests/bench/bench_curves" --work "$bench" --repeats "${REPEATS:-5}" \
    | tee "$bench/curves-results.md"
echo "written to $bench/curves-results.md"
