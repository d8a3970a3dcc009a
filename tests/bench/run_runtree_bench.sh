#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The run browser's grouping on 10,000 runs (bench_runtree, Google Benchmark): re-grouping, sorting and a filter
# keystroke, flat and grouped. Usage: bash tests/bench/run_runtree_bench.sh   (BUILD=build/dev)
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
build="${BUILD:-$here/build/dev}"
cmake --build "$build" --target bench_runtree >/dev/null
"$build/tests/bench/bench_runtree" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
    --benchmark_min_time=0.2 "$@"
echo "load=$(cut -d' ' -f1 /proc/loadavg)"
