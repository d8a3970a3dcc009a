#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the Comet and ClearML offline fixtures with the real writers (pinned in requirements-fixtures.txt).

Run once, in a throw-away virtual environment, fully offline:

    python3 -m venv /tmp/fixvenv
    /tmp/fixvenv/bin/pip install -r tests/tools/requirements-fixtures.txt
    /tmp/fixvenv/bin/python tests/tools/make_comet_clearml_fixtures.py tests/data

Comet: comet_ml.OfflineExperiment writes <experiment key>.zip (experiment.json + messages.json + uploaded
files) without any API key. ClearML: Task.set_offline(True) writes offline-<32 hex>/ (task.json,
metrics.jsonl, log.jsonl, data/) and zips it at close. The zips (and the ClearML folder) are copied unchanged
into OUT/comet and OUT/clearml. Both writers run in a fixed scratch folder (WORK, default
/tmp/runlens-fixture-work) so that the absolute paths ClearML embeds (task.json offline_folder, debug-image
urls) are neutral, and from a copy of this script there so that ClearML finds no git repository to record; host-describing
options are switched off and ClearML's worker name is fixed. Timestamps and ClearML task ids are the writers'
own and change on every run.
"""

import argparse
import os
import shutil
import subprocess
import sys
import zipfile

COMET_KEY = "runlensfixture000000000000000001"  # 32 alphanumerics: Comet's experiment-key format
COMET_KEY_MIN = "runlensfixture000000000000000002"


def comet_job(work: str) -> None:
    import comet_ml

    common = dict(
        workspace="runlens",
        offline_directory=os.path.join(work, "comet"),
        log_code=False,
        log_graph=False,
        auto_param_logging=False,
        auto_metric_logging=False,
        parse_args=False,
        auto_output_logging=False,
        log_env_details=False,
        log_git_metadata=False,
        log_git_patch=False,
        log_env_gpu=False,
        log_env_host=False,
        log_env_cpu=False,
        log_env_network=False,
        log_env_disk=False,
        display_summary_level=0,
    )
    exp = comet_ml.OfflineExperiment(project_name="runlens-fixture", experiment_key=COMET_KEY, **common)
    exp.set_name("fixture-run")
    exp.log_parameters({"lr": 0.001, "batch_size": 32, "optimizer": "adam", "layers": [64, 32]})
    exp.log_parameter("dropout", 0.1)
    for step in range(6):
        exp.log_metric("train/loss", 1.0 / (step + 1), step=step, epoch=step // 2)
        if step % 2 == 1:
            exp.log_metric("val_acc", 0.5 + step / 20.0, step=step, epoch=step // 2)
    exp.log_metric("unstable", float("nan"), step=6)
    exp.log_metric("unstable", float("inf"), step=7)
    exp.log_metric("unstable", float("-inf"), step=8)
    exp.add_tags(["baseline", "fixture"])
    exp.log_other("dataset", "mnist")
    exp.log_other("seed", 7)
    exp.log_asset_data({"labels": ["cat", "dog"], "accuracy": 0.875}, name="eval/summary.json")
    exp.log_asset_data("epoch,loss\n0,1.0\n1,0.5\n", name="history.csv")
    exp.log_text("a note from the fixture", step=3)
    exp.end()

    # The smallest useful experiment: no parameters, a single metric, no tags, no project name.
    exp = comet_ml.OfflineExperiment(experiment_key=COMET_KEY_MIN, **common)
    exp.log_metric("score", 42, step=0)
    exp.end()


def clearml_job(work: str) -> None:
    import numpy as np
    from clearml import Task

    Task.set_offline(offline_mode=True)
    task = Task.init(
        project_name="runlens-fixture",
        task_name="fixture-task",
        auto_connect_frameworks=False,
        auto_resource_monitoring=False,
        auto_connect_streams=False,
        auto_connect_arg_parser=False,
    )
    task.connect({"lr": 0.001, "batch_size": 32, "optimizer": "adam"}, name="General")
    task.set_parameter("Data/split", "train")
    task.add_tags(["baseline", "fixture"])
    logger = task.get_logger()
    for it in range(6):
        logger.report_scalar("loss", "train", value=1.0 / (it + 1), iteration=it)
        if it % 2 == 1:
            logger.report_scalar("loss", "val", value=1.5 / (it + 1), iteration=it)
    logger.report_scalar("accuracy", "val", value=float("nan"), iteration=6)  # written as 0 by default
    logger.report_confusion_matrix("confusion", "val", iteration=5, matrix=np.array([[5, 1], [2, 7]]))
    logger.report_image("samples", "first", iteration=5, image=np.zeros((4, 4, 3), dtype=np.uint8))
    task.close()


def run_child(kind: str, work: str) -> None:
    env = dict(os.environ)
    env.update(
        {
            "COMET_API_KEY": "",
            "COMET_OFFLINE_DIRECTORY": os.path.join(work, "comet"),
            "CLEARML_CACHE_DIR": os.path.join(work, "clearml-cache"),
            "CLEARML_CONFIG_FILE": os.path.join(work, "clearml.conf"),  # absent: built-in defaults
            "CLEARML_WORKER_NAME": "fixture-worker",
            "CLEARML_OFFLINE_MODE": "1",
            "HOME": os.path.join(work, "home"),
        }
    )
    os.makedirs(env["HOME"], exist_ok=True)
    # Run a copy of this script from the scratch folder: ClearML records the calling script's git repository,
    # branch, commit and uncommitted diff, which must not leak the checkout into the fixture.
    script = os.path.join(work, "fixture_writer.py")
    shutil.copy2(os.path.abspath(__file__), script)
    subprocess.run([sys.executable, "fixture_writer.py", "--child", kind, "--work", work], cwd=work, env=env,
                   check=True)


def describe(zip_path: str) -> None:
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            print(f"  {info.filename} {info.file_size} B")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "data"))
    parser.add_argument("--work", default="/tmp/runlens-fixture-work")
    parser.add_argument("--child", choices=["comet", "clearml"])
    args = parser.parse_args()
    if args.child == "comet":
        comet_job(args.work)
        return
    if args.child == "clearml":
        clearml_job(args.work)
        return

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    run_child("comet", args.work)
    run_child("clearml", args.work)

    out_comet = os.path.join(args.out, "comet")
    out_clearml = os.path.join(args.out, "clearml")
    for d in (out_comet, out_clearml):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    comet_dir = os.path.join(args.work, "comet")
    for name in sorted(os.listdir(comet_dir)):
        if name.endswith(".zip"):
            shutil.copy2(os.path.join(comet_dir, name), out_comet)
            print(f"comet/{name}")
            describe(os.path.join(out_comet, name))
    offline = os.path.join(args.work, "clearml-cache", "offline")
    for name in sorted(os.listdir(offline)):
        src = os.path.join(offline, name)
        if name.endswith(".zip"):
            shutil.copy2(src, out_clearml)
            print(f"clearml/{name}")
            describe(os.path.join(out_clearml, name))
        elif os.path.isdir(src):
            shutil.copytree(src, os.path.join(out_clearml, name))
            print(f"clearml/{name}/")


if __name__ == "__main__":
    main()
