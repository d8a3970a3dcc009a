#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Creates (or reuses) the Python venv for the interop tests and benchmarks: setup_venv.sh VENV_DIR
# A stamp holding the hash of the requirements and the interpreter version makes a second run instant.
# Exit codes: 0 ready, 2 usage, 3 the package index cannot be reached, 1 anything else.
set -euo pipefail

if [[ $# -ne 1 || -z "$1" ]]; then
    echo "usage: $0 VENV_DIR" >&2
    exit 2
fi

venv=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
requirements="$here/requirements-interop.txt"
python=${PYTHON:-python3}

if ! command -v "$python" >/dev/null 2>&1; then
    echo "setup_venv: $python not found; install python3 and python3-venv" >&2
    exit 1
fi

wanted=$({
    cat "$requirements"
    "$python" -c 'import sys; print(sys.version)'
} | sha256sum | cut -d' ' -f1)
stamp="$venv/.runlens-requirements.sha256"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    exit 0
fi

mkdir -p "$(dirname "$venv")"
# Two builds sharing a venv must not install into it at the same time.
exec 9>"$venv.lock"
flock 9
if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
    exit 0
fi

echo "setup_venv: creating $venv (first run downloads mlflow and its dependencies, about 1-2 minutes)" >&2
rm -rf "$venv"
if ! "$python" -m venv "$venv"; then
    echo "setup_venv: '$python -m venv' failed; on Debian install python3-venv" >&2
    rm -rf "$venv"
    exit 1
fi

pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input)
log="$venv.pip.log"
if ! "${pip[@]}" install --quiet --retries 2 --timeout 30 -r "$requirements" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    # Tell "no network" apart from a broken pin so callers can skip the former outside CI.
    if ! "${pip[@]}" download --quiet --no-deps --retries 0 --timeout 15 --dest "$venv/probe" pip >/dev/null 2>&1; then
        echo "setup_venv: the Python package index cannot be reached (see $log)" >&2
        rm -rf "$venv"
        exit 3
    fi
    echo "setup_venv: pip install -r $requirements failed (see $log)" >&2
    rm -rf "$venv"
    exit 1
fi

if ! "$venv/bin/python" -c 'import mlflow, pandas, sqlalchemy' 2>>"$log"; then
    echo "setup_venv: the venv was installed but mlflow does not import (see $log)" >&2
    exit 1
fi

echo "$wanted" >"$stamp"
rm -f "$log"
