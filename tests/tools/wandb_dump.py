#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Dumps W&B run folders the way W&B's own reader sees them, for the interop and corpus tests.

wandb_dump.py [--count] ROOT [--out FILE]

Reads every run folder (run-*, offline-run-*, dryrun-*) below ROOT without following symlinks. Transaction
logs are read with wandb.sdk.internal.datastore.DataStore and the Record protobuf from the installed wandb
package (an implementation independent of RunLens); pre-0.10 folders from wandb-history.jsonl with Python's json.
The metric rules are RunLens's documented ones (importers/wandb/wandbimporter.cpp): every numeric history value is
a point keyed by its nested key path joined with '/', `_step`/`_timestamp` are not series, media objects (with
`_type`) and booleans are not numbers, numeric summary keys missing from history are one point.

The output is JSON: {"runs": {run_id: {"series": {key: [[step, value], ...]}, "config": {...}, "exit_code": n}}}
with NaN and infinities as the strings "NaN", "Infinity", "-Infinity". --count prints runs and points only.
"""
import argparse
import json
import math
import os
import sys

PREFIXES = ("run-", "offline-run-", "dryrun-")


def find_run_dirs(root):
    out = []
    for dirpath, dirnames, _ in os.walk(root, followlinks=False):
        keep = []
        for d in sorted(dirnames):
            full = os.path.join(dirpath, d)
            if os.path.islink(full):
                continue
            if d.startswith(PREFIXES):
                out.append(full)
            elif not (d.startswith(".") and d != ".wandb") and d != "latest-run":
                keep.append(d)
        dirnames[:] = keep
    return sorted(out, key=lambda p: (os.path.basename(p), p))


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def flatten_numeric(value, key, out):
    if isinstance(value, dict):
        if "_type" in value:
            return
        for k, v in value.items():
            flatten_numeric(v, key + "/" + k, out)
    elif is_number(value):
        out.append((key, float(value)))


def add_row(run, leaves, step):
    for key, value in leaves:
        run["series"].setdefault(key, []).append([step, value])
    run["last_step"] = step if run["last_step"] is None else max(run["last_step"], step)
    run["rows"] += 1


def read_log(path, run):
    from wandb.proto import wandb_internal_pb2 as pb
    from wandb.sdk.internal import datastore

    ds = datastore.DataStore()
    ds.open_for_scan(path)
    while True:
        try:
            data = ds.scan_data()
        except AssertionError:
            break  # W&B's reader stops at damage too
        if data is None:
            break
        rec = pb.Record()
        rec.ParseFromString(data)
        kind = rec.WhichOneof("record_type")
        if kind == "history":
            items = []
            for item in rec.history.item:
                path = list(item.nested_key) if item.nested_key else [item.key]
                items.append((path, json.loads(item.value_json)))
            media = {"/".join(p[:-1]) for p, _ in items if len(p) >= 2 and p[-1] == "_type"}
            step = None
            leaves = []
            for p, v in items:
                if len(p) == 1 and p[0] == "_step":
                    step = v
                    continue
                if p[0] == "_wandb" or (len(p) == 1 and p[0] == "_timestamp"):
                    continue
                key = "/".join(p)
                if any(key == m or key.startswith(m + "/") for m in media):
                    continue
                flatten_numeric(v, key, leaves)
            if not (is_number(step) and float(step).is_integer()):
                step = rec.history.step.num if rec.history.HasField("step") else run["rows"]
            add_row(run, leaves, int(step))
        elif kind in ("summary", "config") or kind == "run":
            blocks = []
            if kind == "run":
                blocks = [("config", rec.run.config), ("summary", rec.run.summary)]
                run["exit_code"] = None
            else:
                blocks = [(kind, getattr(rec, kind))]
            for which, block in blocks:
                target = run[which]
                sep = "/" if which == "summary" else "."
                for item in block.update:
                    path = list(item.nested_key) if item.nested_key else [item.key]
                    if which == "config" and path == ["_wandb"]:
                        continue
                    set_flat(target, sep.join(path), json.loads(item.value_json), sep)
                for item in block.remove:
                    path = list(item.nested_key) if item.nested_key else [item.key]
                    erase_under(target, sep.join(path), sep)
        elif kind == "exit":
            run["exit_code"] = rec.exit.exit_code


def erase_under(target, key, sep):
    for k in [k for k in target if k == key or k.startswith(key + sep)]:
        del target[k]


def set_flat(target, key, value, sep):
    erase_under(target, key, sep)
    if isinstance(value, dict) and value and "_type" not in value:
        for k, v in value.items():
            set_flat(target, key + sep + k, v, sep)
    else:
        target[key] = value


def read_jsonl(path, run):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            leaves = []
            for k, v in row.items():
                if k not in ("_step", "_timestamp", "_wandb"):
                    flatten_numeric(v, k, leaves)
            step = row.get("_step")
            if not (is_number(step) and float(step).is_integer()):
                step = run["rows"]
            add_row(run, leaves, int(step))


def run_id(d):
    for name in sorted(os.listdir(d)):
        if name.startswith("run-") and name.endswith(".wandb") and os.path.isfile(os.path.join(d, name)):
            return name[4:-6]
    name = os.path.basename(d)
    for p in PREFIXES:
        if name.startswith(p):
            name = name[len(p):]
            break
    if len(name) > 16 and name[8] == "_" and name[15] == "-":
        name = name[16:].split("-")[0]
    return name


def dump(root):
    runs = {}
    for d in find_run_dirs(root):
        files = os.path.join(d, "files") if os.path.isdir(os.path.join(d, "files")) else d
        logs = sorted(n for n in os.listdir(d) if n.startswith("run-") and n.endswith(".wandb"))
        legacy = os.path.join(files, "wandb-history.jsonl")
        if not logs and not any(os.path.isfile(os.path.join(files, n))
                                for n in ("wandb-summary.json", "config.yaml", "wandb-metadata.json",
                                          "wandb-history.jsonl")):
            continue
        rid = run_id(d)
        run = runs.setdefault(rid, {"series": {}, "summary": {}, "config": {}, "exit_code": None,
                                    "last_step": None, "rows": 0})
        for name in logs:
            read_log(os.path.join(d, name), run)
        if not logs and os.path.isfile(legacy):
            read_jsonl(legacy, run)
        summary_file = os.path.join(files, "wandb-summary.json")
        if os.path.isfile(summary_file) and os.path.getsize(summary_file) > 0:
            with open(summary_file, encoding="utf-8") as f:
                file_summary = {}
                for k, v in json.load(f).items():
                    if k != "_wandb":
                        set_flat(file_summary, k, v, "/")
            for k, v in file_summary.items():
                run["summary"].setdefault(k, v)
    for run in runs.values():
        summary = run.pop("summary")
        media = {k for k, v in summary.items() if isinstance(v, dict) and "_type" in v}
        media |= {k[:-6] for k in summary if k.endswith("/_type")}
        step = summary.get("_step")
        step = int(step) if is_number(step) else (run["last_step"] or 0)
        for k, v in summary.items():
            if k.startswith("_") or any(k == m or k.startswith(m + "/") for m in media):
                continue
            if is_number(v) and k not in run["series"]:
                run["series"][k] = [[step, float(v)]]
        del run["last_step"]
    return {"runs": runs}


def encode(value):
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("root")
    parser.add_argument("--out")
    parser.add_argument("--count", action="store_true")
    args = parser.parse_args()
    result = dump(args.root)
    if args.count:
        points = sum(len(s) for r in result["runs"].values() for s in r["series"].values())
        print(f"runs {len(result['runs'])} points {points}")
        return 0
    text = json.dumps(encode(result), sort_keys=True)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
