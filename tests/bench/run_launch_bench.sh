#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Time from launching runlens-gui to an interactive window on a workspace of many runs: the app prints the
# milliseconds from main() to the first event-loop pass after the run table is filled (--report-ready); the script
# also measures the whole process wall time (start-up of the process and libraries included) and its CPU time
# (user + system, all threads), which says more than wall time when other work shares the cores.
# Usage: bash tests/bench/run_launch_bench.sh   (BUILD=build/dev, RUNS=10000, REPEAT=7)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

use_build_tree dev
runs="${RUNS:-10000}"
repeat="${REPEAT:-7}"
out="$build/bench"
mkdir -p "$out"
build_targets runlens-gui make_launch_cache
cache="$out/launch-$runs.runlens"
if [[ ! -f "$cache" ]]; then
    "$build/tests/bench/make_launch_cache" "$cache" "$runs" 50
fi
# A private settings folder, so no saved window or workspace state changes what is measured.
config="$(mktemp -d)"
trap 'rm -rf "$config"' EXIT
export XDG_CONFIG_HOME="$config" XDG_DATA_HOME="$config/data"
platform="${QT_QPA_PLATFORM:-offscreen}"
results=()
walls=()
cpus=()
timing="$(mktemp)"
for i in $(seq 1 "$repeat"); do
    start=$(date +%s%N)
    line=$(QT_QPA_PLATFORM="$platform" /usr/bin/time -o "$timing" -f '%U %S' \
        "$build/app/runlens-gui" --cache "$cache" --report-ready | grep interactive_ms)
    end=$(date +%s%N)
    cpu=$(awk '{printf "%d", ($1 + $2) * 1000}' "$timing")
    results+=("$(echo "$line" | awk '{print $2}')")
    walls+=("$(( (end - start) / 1000000 ))")
    cpus+=("$cpu")
    echo "run $i: $line, process wall $(( (end - start) / 1000000 )) ms, process CPU $cpu ms"
done
rm -f "$timing"
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "runs=$runs platform=$platform median interactive_ms=$(median "${results[@]}") median process_wall_ms=$(median "${walls[@]}") median process_cpu_ms=$(median "${cpus[@]}") load=$(cut -d' ' -f1 /proc/loadavg)"
