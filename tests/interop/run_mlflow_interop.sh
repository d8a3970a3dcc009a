#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ctest fixture for the MLflow interop test: run_mlflow_interop.sh VENV_DIR OUT_DIR
# Ensures the venv, writes a FileStore and an SQLite store with the real MLflow client into OUT_DIR/stores and
# dumps both through MLflow's API to OUT_DIR/{filestore,sqlstore}.json.
# Without network outside CI it writes OUT_DIR/SKIPPED and exits 77 (the test's SKIP_RETURN_CODE); in CI
# (CI=true) every failure is a failure.
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
        echo "the Python package index is unreachable, so mlflow cannot be installed" >"$out/SKIPPED"
        echo "SKIPPED: $(cat "$out/SKIPPED")" >&2
        exit 77
    fi
    echo "interop: setting up the Python venv failed (exit $rc)" >&2
    exit 1
fi

python="$venv/bin/python"
export PYTHONWARNINGS=ignore
"$python" "$tools/mlflow_write_stores.py" "$out/stores"
"$python" "$tools/mlflow_dump.py" --tracking-uri "file://$out/stores/mlruns" --out "$out/filestore.json"
"$python" "$tools/mlflow_dump.py" --tracking-uri "sqlite:///$out/stores/sqlite/mlflow.db" --out "$out/sqlstore.json"
echo "interop: stores and dumps ready in $out"
