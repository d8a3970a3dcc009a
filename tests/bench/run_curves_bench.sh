#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Learning-curve redraw benchmark (bench_curves.cpp): 20 runs x 1 M points and 1,000 runs x 1,000 points.
#   tests/bench/run_curves_bench.sh                  builds bench_curves in build/dev and measures
#   BUILD=build/other tests/bench/run_curves_bench.sh   uses another build tree
# Environment: REPEATS (zoom cycles, default 5). The synthetic caches are kept in build/bench for the next run.
# Writes the table to build/bench/curves-results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

use_build_tree dev
build_targets bench_curves
# The program checks the decimation it timed and fails when a run or a column's extremes went missing.
QT_QPA_PLATFORM=offscreen "$build/tests/bench/bench_curves" --work "$bench" --repeats "${REPEATS:-5}" \
    | tee "$bench/curves-results.md"
echo "written to $bench/curves-results.md"
