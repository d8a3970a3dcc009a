#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Drift benchmark: `runlens drift` on two CSV files of ROWS rows x 100 columns (80 numeric, 15 categorical, 5
# binary), end to end (reading, typing, statistics, JSON), with /usr/bin/time for the peak memory.
#   tests/bench/run_drift_bench.sh              builds build/release (cmake --preset release) and measures
#   BUILD=build/dev tests/bench/run_drift_bench.sh    uses an existing build tree instead
# Environment: ROWS (default 1000000), RUNS (repetitions, best wall time kept, default 3).
# Writes the table to build/bench/drift-results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rows=${ROWS:-1000000}
runs=${RUNS:-3}

use_build_tree release -DRUNLENS_BUILD_TESTS=ON -DRUNLENS_BUILD_BENCHMARKS=ON
build_targets runlens make_drift_bench_data
runlens="$build/app/runlens"
generator="$build/tests/bench/make_drift_bench_data"
[[ -x /usr/bin/time ]] || bench_fail "/usr/bin/time is missing (Debian package 'time')"

data="$bench/drift-$rows"
if [[ ! -f "$data/current.csv" ]]; then
    echo "generating $data (once)..." >&2
    "$generator" "$data" "$rows"
fi

best_wall=""
for ((i = 1; i <= runs; i++)); do
    status=0
    /usr/bin/time -f "%e %U %S %M" -o "$bench/drift-time.txt" \
        "$runlens" drift --reference "$data/reference.csv" --current "$data/current.csv" --json \
        >"$bench/drift-report.json" 2>"$bench/drift-stderr.txt" || status=$?
    # Exit 1 is the drift verdict (the current file drifts on purpose); anything else is a failure.
    if [[ $status -ne 0 && $status -ne 1 ]]; then
        cat "$bench/drift-stderr.txt" >&2
        bench_fail "runlens drift failed with status $status"
    fi
    # /usr/bin/time puts "Command exited with non-zero status 1" first for the drift verdict; the figures are last.
    read -r wall user sys rss < <(tail -n 1 "$bench/drift-time.txt")
    echo "run $i: ${wall}s wall, ${user}s user, ${sys}s system, $((rss / 1024)) MB peak" >&2
    if [[ -z "$best_wall" ]] || awk -v a="$wall" -v b="$best_wall" 'BEGIN { exit !(a < b) }'; then
        best_wall=$wall best_user=$user best_rss=$rss
    fi
done

python3 - "$bench/drift-results.md" "$rows" "$best_wall" "$best_user" "$best_rss" "$bench/drift-report.json" \
    "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys

out, rows, wall, user, rss, report, cores, load = sys.argv[1:]
rows, wall, user, mb = int(rows), float(wall), float(user), int(rss) / 1024
doc = json.load(open(report))
lines = [
    f"`runlens drift`, two CSV files of {rows:,} rows x 100 columns each "
    f"({doc['columns_total']} compared, {doc['columns_drifted']} drifted), {cores} cores, load average {load}.",
    "",
    "| measure | result | target | met |",
    "|---|---|---|---|",
    f"| wall time | {wall:.2f} s | < 5 s | {'yes' if wall < 5 else '**no**'} |",
    f"| CPU time (user) | {user:.2f} s | | |",
    f"| peak RSS | {mb:.0f} MB | < 500 MB | {'yes' if mb < 500 else '**no**'} |",
]
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
PY
echo "written to $bench/drift-results.md" >&2
