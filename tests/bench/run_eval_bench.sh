#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Evaluation benchmark: confusion, calibration and ROC/PR of 10 M binary predictions and of 1 M rows x 100 classes,
# and a 10 M row predictions CSV read and evaluated end to end (bench_classification, Google Benchmark).
#   tests/bench/run_eval_bench.sh                 uses build/dev (configured with cmake --preset dev)
#   BUILD=build/ci tests/bench/run_eval_bench.sh   another build tree
#   SMALL=1 tests/bench/run_eval_bench.sh          a hundredth of the rows: a quick run of the timings and checks
# Single-threaded code; CPU time is the figure to read on a shared machine, wall time is printed beside it with the
# load average at the start.
# Writes the table to build/bench/eval_results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

use_build_tree dev
build_targets bench_classification
program="$build/tests/bench/bench_classification"
[[ -x "$program" ]] || bench_fail "$program was not built (is libbenchmark-dev installed?)"

json="$bench/eval_bench.json"
load=$(cut -d' ' -f1 /proc/loadavg)
# The program checks its fast paths against the reference ones after the timings and fails when they disagree.
"$program" ${SMALL:+--small} --benchmark_filter="${FILTER:-binaryAll|binaryRocAndPr|multiclassAll|binaryPredictionsFile}" \
    --benchmark_format=json >"$json"

python3 - "$json" "$bench/eval_results.md" "$load" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
goals = {"binaryAll": ("10 M binary: confusion, calibration (15 bins), Brier, log loss, ROC, PR", 2000),
         "binaryRocAndPr": ("10 M binary: ROC and PR alone", None),
         "multiclassAll/0": ("1 M x 100 classes: confusion, uniform bins, top label + 100 one-vs-rest", 5000),
         "multiclassAll/1": ("1 M x 100 classes: confusion, equal-mass bins, top label + 100 one-vs-rest", 5000),
         "binaryPredictionsFile/10000000": ("10 M row predictions CSV: read + everything above", None)}
lines = ["| measure | CPU | wall | target |", "|---|---|---|---|"]
for b in data["benchmarks"]:
    name = b["name"].split("/iterations")[0]
    if name not in goals:
        continue
    what, goal = goals[name]
    lines.append(f"| {what} | {b['cpu_time'] / 1000:.2f} s | {b['real_time'] / 1000:.2f} s | "
                 f"{'under %g s' % (goal / 1000) if goal else ''} |")
text = "\n".join(lines) + f"\n\nLoad average {sys.argv[3]} on {data['context']['num_cpus']} CPUs at the start.\n"
open(sys.argv[2], "w").write(text)
print(text, end="")
PY
