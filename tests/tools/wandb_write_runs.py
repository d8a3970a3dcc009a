#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes W&B run folders with the real wandb client in offline mode, for the interop test.

wandb_write_runs.py OUT_DIR

OUT_DIR/wandb/ gets two offline runs: "dense" (10,000 history steps with nested keys, NaN and infinities,
a custom step, config with nested values, summary overrides) and "crashed" (exits with code 3).
No network is used (WANDB_MODE=offline).
"""
import math
import os
import sys


def main():
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    os.environ.update({"WANDB_MODE": "offline", "WANDB_SILENT": "true", "WANDB_DIR": out,
                       "WANDB_CONSOLE": "off", "WANDB_DISABLE_GIT": "true", "WANDB_DISABLE_CODE": "true"})
    import wandb

    run = wandb.init(project="interop", entity="runlens", name="dense", id="dense001", tags=["interop", "dense"],
                     group="g1", job_type="train", notes="written by wandb_write_runs.py",
                     config={"lr": 0.001, "batch": 64, "optimizer": {"name": "adam", "betas": [0.9, 0.999]},
                             "label": "with.dot"})
    for step in range(10000):
        row = {"train": {"loss": 1.0 / (step + 1), "acc": step / 10000.0}, "lr": 0.001 * 0.999 ** step}
        if step % 100 == 0:
            row["eval/loss"] = 0.5 + step * 1e-5
        if step == 7:
            row["weird"] = float("nan")
        if step == 8:
            row["weird"] = float("inf")
        if step == 9:
            row["weird"] = float("-inf")
        if step == 10:
            row["flag"] = True
            row["text"] = "hello"
        wandb.log(row, step=step)
    run.summary["best_acc"] = 0.999
    run.summary["final"] = {"score": 42}
    run.config.update({"epochs": 3})
    run.finish()

    run = wandb.init(project="interop", entity="runlens", name="crashed", id="crash002")
    for step in range(5):
        wandb.log({"x": step * 2})
    run.finish(exit_code=3)
    return 0


if __name__ == "__main__":
    sys.exit(main())
