#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TensorBoard import benchmark: RunLens CLI against TensorBoard's own EventAccumulator on the same event files.
#   tests/bench/run_tb_bench.sh            builds build/release (cmake --preset release) and measures
#   BUILD=build/dev tests/bench/run_tb_bench.sh    uses an existing build tree instead
# Environment: RUNS, TAGS, STEPS (log size, default 1 x 1000 x 10000 = 10M points, one Event per tag per step as
# PyTorch's SummaryWriter writes them), VENV (Python venv with tensorboard, default build/bench/venv),
# SKIP_TB=1 to leave out the EventAccumulator (6-7 minutes and about 2 GB on the default log).
# Writes the table to build/bench/tb_results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

runs=${RUNS:-1}
tags=${TAGS:-1000}
steps=${STEPS:-10000}
venv=${VENV:-$bench/venv}

use_build_tree release
build_targets runlens
runlens="$build/app/runlens"
[[ -x "$runlens" ]] || bench_fail "$runlens was not built"

logdir="$bench/tb-$runs-$tags-$steps"
if [[ ! -f "$logdir/manifest.json" ]]; then
    echo "generating $logdir (once, about a minute)..." >&2
    rm -rf "$logdir"
    python3 "$root/tests/bench/make_tb_events.py" "$logdir" --runs "$runs" --tags "$tags" --steps "$steps"
fi
points=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["points"])' "$logdir/manifest.json")
bytes=$(du -sb "$logdir" | cut -f1)

# One core for each reader; /usr/bin/time -v gives the peak RSS.
pin_to_one_core "$bench/tb_time.txt"
peak_kb() {
    if [[ -f "$bench/tb_time.txt" ]]; then awk -F': ' '/Maximum resident set size/ {print $2}' "$bench/tb_time.txt"
    else echo n/a; fi
}
cpu_s() {  # user + system seconds of the last measured command: steadier than wall time on a busy machine
    if [[ -f "$bench/tb_time.txt" ]]; then awk -F': ' '/(User|System) time/ {s += $2} END {printf "%.2f\n", s}' "$bench/tb_time.txt"
    else echo n/a; fi
}

# Warm the page cache so both readers see the same (cached) files.
cat "$logdir"/*/*tfevents* >/dev/null

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cache="$bench/tb_cache.sqlite"
rm -f "$cache" "$cache-wal" "$cache-shm"
sync
import_s=$(measure "$bench/tb_import" "$runlens" --cache "$cache" import "$logdir")
rss_kb=$(peak_kb)
import_cpu=$(cpu_s)
cat "$bench/tb_import.out" >&2
reimport_s=$(measure "$bench/tb_reimport" "$runlens" --cache "$cache" import "$logdir")
cat "$bench/tb_reimport.out" >&2
grep -q '^unchanged' "$bench/tb_reimport.out" || echo "run_tb_bench: warning: the re-import was not 'unchanged'" >&2

tb_json=""
tb_cpu=n/a
if [[ "${SKIP_TB:-0}" != 1 ]]; then
    "$root/tests/tools/setup_venv.sh" "$venv"
    echo "TensorBoard's EventAccumulator reading the same files (slow)..." >&2
    "${timer[@]}" "${pin[@]}" "$venv/bin/python" "$root/tests/bench/tb_read_bench.py" "$logdir" --json \
        >"$bench/tb_accumulator.out"
    tb_json=$(tail -n 1 "$bench/tb_accumulator.out")
    tb_cpu=$(cpu_s)
    tb_json=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["peak_rss_kb"]=int(sys.argv[2]) if sys.argv[2].isdigit() else d["peak_rss_kb"]; print(json.dumps(d))' "$tb_json" "$(peak_kb)")
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$bench/tb_results.md" "$points" "$bytes" "$import_s" "$import_cpu" "$rss_kb" "$reimport_s" "$tb_json" \
    "$tb_cpu" "$runs" "$tags" "$steps" "$load_before" "$load_after" <<'EOF'
import json
import sys

out, points, size, imp, imp_cpu, rss, reimp, tb, tb_cpu, runs, tags, steps, load_before, load_after = sys.argv[1:]
points, imp, reimp = int(points), float(imp), float(reimp)
rate = points / imp
rows = [
    ("import wall time (CPU time)", f"{imp:.2f} s ({imp_cpu} s)", "", ""),
    ("import throughput (one core)", f"{rate / 1e6:.2f} M points/s", "", ""),
]
if rss != "n/a":
    rows.append(("import peak RSS", f"{int(rss) / 1024:.0f} MB", "", ""))
rows.append(("re-import, unchanged log", f"{reimp:.3f} s", "", ""))
if tb:
    t = json.loads(tb)
    if t["points"] != points:
        print(f"run_tb_bench: warning: EventAccumulator saw {t['points']} points, not {points}", file=sys.stderr)
    secs = t["seconds"]
    rows.append(("EventAccumulator (Reload + Scalars of every tag)",
                 f"{secs:.1f} s ({t['points'] / secs / 1e3:.0f} k points/s), {t['peak_rss_kb'] / 1024:.0f} MB peak, "
                 f"{t['record_reader']} record reader", "", ""))
    rows.append(("speed-up over EventAccumulator, wall time", f"{secs / imp:.1f}x", ">= 10x", secs / imp >= 10))
    if tb_cpu != "n/a" and imp_cpu != "n/a" and float(imp_cpu) > 0:
        rows.append(("speed-up over EventAccumulator, CPU time",
                     f"{float(tb_cpu) / float(imp_cpu):.1f}x ({tb_cpu} s vs {imp_cpu} s)", "", ""))
lines = [
    f"Synthetic TensorBoard log: {runs} run(s) x {tags} tags x {steps} steps = {points:,} scalar points,"
    f" one Event per tag per step ({int(size) / 1e6:.0f} MB, warm page cache); each reader pinned to one core.",
    f"Load average (1/5/15 min) before: {load_before}; after: {load_after}.",
    "",
    "| measure | result | target | met |",
    "|---|---|---|---|",
]
for name, value, target, ok in rows:
    met = "" if ok == "" else ("yes" if ok else "**no**")
    lines.append(f"| {name} | {value} | {target} | {met} |")
text = "\n".join(lines) + "\n"
open(out, "w").write(text)
print(text)
EOF
echo "written to $bench/tb_results.md" >&2
