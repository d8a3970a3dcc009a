# SPDX-License-Identifier: MIT
"""Writes a large MLflow FileStore directly in MLflow's on-disk layout, fast, without the mlflow package.

    python make_synthetic_filestore.py OUT [--runs N] [--metrics K] [--steps S] [--seed SEED]

OUT/mlruns gets experiment 0 (Default, empty) and one experiment of N runs, each with K metrics of S steps
(default 1000 x 10 x 1000 = 10M points), params and tags; files look as MLflow 3 writes them (meta.yaml with
sorted keys, int status, one "timestamp value step" line per point). OUT/manifest.json records the counts.
"""

import argparse
import json
import math
import os
import random
from pathlib import Path

BASE_MS = 1_714_521_600_000


def experiment_meta(root, exp_id, name):
    return (
        f"artifact_location: {(root / exp_id).as_uri()}\n"
        f"creation_time: {BASE_MS}\n"
        "effective_trace_archival_retention: null\n"
        f"experiment_id: '{exp_id}'\n"
        f"last_update_time: {BASE_MS}\n"
        "lifecycle_stage: active\n"
        f"name: {name}\n"
        "trace_location: null\n"
        "workspace: default\n"
    )


def run_meta(root, exp_id, run_id, name, start, end):
    return (
        f"artifact_uri: {(root / exp_id / run_id / 'artifacts').as_uri()}\n"
        "deleted_time: null\n"
        f"end_time: {end}\n"
        "entry_point_name: ''\n"
        f"experiment_id: '{exp_id}'\n"
        "lifecycle_stage: active\n"
        f"run_id: {run_id}\n"
        f"run_name: {name}\n"
        "source_name: ''\n"
        "source_type: 4\n"
        "source_version: ''\n"
        f"start_time: {start}\n"
        "status: 3\n"
        "tags: []\n"
        "user_id: bench\n"
    )


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--metrics", type=int, default=10)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    root = (args.out / "mlruns").resolve()
    if root.exists():
        raise SystemExit(f"{root} exists; remove it first")
    write(root / "0" / "meta.yaml", experiment_meta(root, "0", "Default"))
    exp_id = str(rng.randrange(10**17, 10**18))  # MLflow 2.0.1+ uses random 18-digit ids
    write(root / exp_id / "meta.yaml", experiment_meta(root, exp_id, "synthetic-sweep"))

    keys = [f"{('train', 'val', 'test')[k % 3]}/metric_{k}" for k in range(args.metrics)]
    steps = list(range(args.steps))
    step_text = [str(s) for s in steps]
    for r in range(args.runs):
        run_id = "%032x" % rng.getrandbits(128)
        run_dir = root / exp_id / run_id
        start = BASE_MS + r * 60_000
        end = start + args.steps * 100 + 1
        write(run_dir / "meta.yaml", run_meta(root, exp_id, run_id, f"run-{r:05d}", start, end))
        (run_dir / "artifacts").mkdir()
        params = {"lr": repr(10 ** rng.uniform(-5, -1)), "batch_size": str(2 ** rng.randint(4, 9)), "seed": str(r)}
        params["optimizer"] = rng.choice(["adam", "adamw", "sgd"])
        for key, value in params.items():
            write(run_dir / "params" / key, value)
        tags = {"mlflow.runName": f"run-{r:05d}", "mlflow.user": "bench", "mlflow.source.type": "LOCAL"}
        tags["mlflow.source.name"] = "train.py"
        for key, value in tags.items():
            write(run_dir / "tags" / key, value)
        for k, key in enumerate(keys):
            scale = rng.uniform(0.5, 3.0)
            rate = rng.uniform(1.0, 6.0)
            noise = rng.uniform(0.001, 0.05)
            gauss = rng.gauss
            inv = 1.0 / max(1, args.steps - 1)
            lines = [
                f"{start + s * 100 + k} {scale * math.exp(-rate * s * inv) + gauss(0, noise)!r} {step_text[s]}\n"
                for s in steps
            ]
            write(run_dir / "metrics" / key, "".join(lines))

    manifest = {
        "runs": args.runs,
        "metrics": args.metrics,
        "steps": args.steps,
        "points": args.runs * args.metrics * args.steps,
        "seed": args.seed,
    }
    write(args.out / "manifest.json", json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {root}: {manifest['points']:,} points")


if __name__ == "__main__":
    os.umask(0o022)
    main()
