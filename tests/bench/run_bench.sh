#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Import benchmark: RunLens CLI against MLflow's own client on one synthetic FileStore.
#   tests/bench/run_bench.sh            builds build/release (cmake --preset release) and measures
#   BUILD=build/dev tests/bench/run_bench.sh    uses an existing build tree instead
# Environment: RUNS, METRICS, STEPS (store size, default 1000 x 10 x 1000), VENV (Python venv with mlflow,
# default build/bench/venv), SKIP_MLFLOW=1 to leave out MLflow's client.
# Writes the table to build/bench/results.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

runs=${RUNS:-1000}
metrics=${METRICS:-10}
steps=${STEPS:-1000}
venv=${VENV:-$bench/venv}

use_build_tree release
build_targets runlens
runlens="$build/app/runlens"
[[ -x "$runlens" ]] || bench_fail "$runlens was not built"

store="$bench/store-$runs-$metrics-$steps"
if [[ ! -f "$store/manifest.json" ]]; then
    echo "generating $store (once)..." >&2
    rm -rf "$store"
    python3 "$root/tests/bench/make_synthetic_filestore.py" "$store" \
        --runs "$runs" --metrics "$metrics" --steps "$steps"
fi
points=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["points"])' "$store/manifest.json")

# One core, as the target says; /usr/bin/time -v gives the peak RSS.
pin_to_one_core "$bench/time.txt"

cache="$bench/cache.sqlite"
rm -f "$cache" "$cache-wal" "$cache-shm"
sync
import_s=$(measure "$bench/import" "$runlens" --cache "$cache" import "$store/mlruns")
rss_kb=n/a
[[ -f "$bench/time.txt" ]] && rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$bench/time.txt")
cat "$bench/import.out" >&2
reimport_s=$(measure "$bench/reimport" "$runlens" --cache "$cache" import "$store/mlruns")
cat "$bench/reimport.out" >&2
grep -q '^unchanged' "$bench/reimport.out" || echo "run_bench: warning: the re-import was not 'unchanged'" >&2

mlflow_s=""
if [[ "${SKIP_MLFLOW:-0}" != 1 ]]; then
    "$root/tests/tools/setup_venv.sh" "$venv"
    echo "MLflow's client reading the same store (slow)..." >&2
    store_uri="file://$(realpath "$store/mlruns")"
    mlflow_json=$("${pin[@]}" "$venv/bin/python" "$root/tests/bench/mlflow_read_bench.py" "$store_uri" --json)
    mlflow_s=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$mlflow_json")
fi

python3 - "$bench/results.md" "$points" "$import_s" "$rss_kb" "$reimport_s" "$mlflow_s" \
    "$runs" "$metrics" "$steps" <<'EOF'
import sys

out, points, imp, rss, reimp, mlflow, runs, metrics, steps = sys.argv[1:]
points, imp, reimp = int(points), float(imp), float(reimp)
rate = points / imp
rows = [
    ("import wall time", f"{imp:.2f} s", "", ""),
    ("import throughput (one core)", f"{rate / 1e6:.2f} M points/s", ">= 3 M points/s", rate >= 3e6),
]
if rss != "n/a":
    mb = int(rss) / 1024
    rows.append(("import peak RSS", f"{mb:.0f} MB", "< 300 MB", mb < 300))
rows.append(("re-import, unchanged store", f"{reimp:.3f} s", "< 0.5 s", reimp < 0.5))
if mlflow:
    m = float(mlflow)
    speed = f"{m:.1f} s ({points / m / 1e3:.0f} k points/s)"
    rows.append(("MLflow client (search_runs + get_metric_history)", speed, "", ""))
    rows.append(("speed-up over MLflow's client", f"{m / imp:.1f}x", ">= 20x", m / imp >= 20))
lines = [
    f"Synthetic MLflow FileStore: {runs} runs x {metrics} metrics x {steps} steps = {points:,} points"
    " (warm page cache).",
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
echo "written to $bench/results.md" >&2
