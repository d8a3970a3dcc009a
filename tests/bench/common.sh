# SPDX-License-Identifier: MIT
# Sourced by the run_*_bench.sh scripts: the paths they share, the build tree, and timing helpers.
# After sourcing: root (the repository), bench (build/bench, created) and bench_name (for messages).

bench_name=$(basename "$0" .sh)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bench="$root/build/bench"
mkdir -p "$bench"

bench_fail() {  # bench_fail MESSAGE: prints "<script>: MESSAGE" and stops
    echo "$bench_name: $*" >&2
    exit 1
}

# use_build_tree DEFAULT [CMAKE ARGS...]: sets build to $BUILD when given; otherwise to DEFAULT, a preset name
# (dev: the tree must exist already; release: configured here with the preset and the extra arguments).
use_build_tree() {
    local preset=$1
    shift
    if [[ -n "${BUILD:-}" ]]; then
        build=$(realpath "$BUILD")
    elif [[ "$preset" == dev ]]; then
        build=$(realpath "$root/build/dev")
    else
        build="$root/build/$preset"
        (cd "$root" && cmake --preset "$preset" "$@" >/dev/null)
    fi
}

# build_targets TARGET...: builds them in $build; on failure shows the end of the build log and stops.
build_targets() {
    local log="$bench/${bench_name}_build.log"
    cmake --build "$build" --target "$@" -j2 >"$log" 2>&1 ||
        { tail -n 20 "$log" >&2; bench_fail "building $* failed"; }
}

# pin_to_one_core TIMEFILE: sets pin (taskset on core 0) and timer (/usr/bin/time -v into TIMEFILE) when available.
pin_to_one_core() {
    pin=()
    command -v taskset >/dev/null && pin=(taskset -c 0)
    timer=()
    [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -v -o "$1")
    [[ ${#timer[@]} -eq 0 ]] && echo "$bench_name: /usr/bin/time missing (Debian package 'time'); no peak memory" >&2
    return 0
}

measure() {  # measure NAME CMD... -> prints wall seconds; output in NAME.out; a failing command stops the script
    local log=$1.out start end
    shift
    start=$EPOCHREALTIME
    "${timer[@]}" "${pin[@]}" "$@" >"$log" 2>&1 || { cat "$log" >&2; bench_fail "'$*' failed"; }
    end=$EPOCHREALTIME
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }'
}
