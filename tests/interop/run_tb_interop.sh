#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctest fixture for the TensorBoard interop test: run_tb_interop.sh VENV_DIR OUT_DIR
# Ensures the venv, writes log roots with tensorboardX and TensorBoard's own writer into OUT_DIR/logs and dumps them
# through TensorBoard's EventAccumulator (no sampling) to OUT_DIR/dump.json. Without network outside CI it writes
# OUT_DIR/SKIPPED and exits 77; in CI (CI=true) every failure is a failure.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 VENV_DIR OUT_DIR" >&2
    exit 2
fi
venv=$1
out=$(realpath -m "$2")
tools=$(cd "$(dirname "${BASH_SOURCE[0]}")/../tools" && pwd)

rm -rf "$out"
mkdir -p "$out"

rc=0
"$tools/setup_venv.sh" "$venv" || rc=$?
if [[ $rc -ne 0 ]]; then
    if [[ $rc -eq 3 && "${CI:-}" != "true" ]]; then
        echo "the Python package index is unreachable, so tensorboard cannot be installed" >"$out/SKIPPED"
        echo "SKIPPED: $(cat "$out/SKIPPED")" >&2
        exit 77
    fi
    echo "interop: setting up the Python venv failed (exit $rc)" >&2
    exit 1
fi

python="$venv/bin/python"
export PYTHONWARNINGS=ignore
"$python" "$tools/tb_write_events.py" "$out/logs"
"$python" "$tools/tb_dump.py" "$out/logs" --out "$out/dump.json"
echo "interop: TensorBoard logs and dump ready in $out"
