# SPDX-License-Identifier: MIT
"""Times TensorBoard's own EventAccumulator loading every scalar of a log directory.

    python tb_read_bench.py LOGDIR [--json]

A run is each folder that directly holds event files, as TensorBoard sees it. For every run an EventAccumulator
with size_guidance 0 for scalars and tensors (keep every point, no reservoir sampling) does Reload(), then
Scalars(tag) is read for every scalar tag. Prints the seconds, the points and points/s (--json: one JSON object,
with the peak RSS of this process and whether TensorFlow's record reader or TensorBoard's pure-Python stub read
the files).
"""
import argparse
import json
import os
import resource
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("logdir")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    from tensorboard.backend.event_processing import event_accumulator as ea
    from tensorboard.compat import tf

    imported = time.perf_counter()
    runs = []
    for root, dirs, files in os.walk(args.logdir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if any("tfevents" in f for f in files):
            runs.append(root)
    if not runs:
        raise SystemExit(f"tb_read_bench: no event files below {args.logdir}")

    points = 0
    tags = 0
    reload_s = 0.0
    for run in runs:
        t0 = time.perf_counter()
        acc = ea.EventAccumulator(run, size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
        acc.Reload()
        reload_s += time.perf_counter() - t0
        for tag in acc.Tags()["scalars"]:
            items = acc.Scalars(tag)
            points += len(items)
            tags += 1
        del acc
    done = time.perf_counter()

    seconds = done - imported
    result = {
        "runs": len(runs),
        "tags": tags,
        "points": points,
        "seconds": round(seconds, 3),
        "reload_seconds": round(reload_s, 3),
        "import_seconds": round(imported - started, 3),
        "points_per_second": round(points / seconds) if seconds > 0 else None,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "record_reader": "tensorflow" if getattr(tf, "__name__", "") == "tensorflow" else "tensorboard stub",
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(f"EventAccumulator: {len(runs)} runs, {tags} tags, {points:,} points in {seconds:.2f} s "
              f"({points / seconds / 1e3:.0f} k points/s), peak RSS {result['peak_rss_kb'] / 1024:.0f} MB, "
              f"reader: {result['record_reader']}", file=sys.stdout)


if __name__ == "__main__":
    main()
