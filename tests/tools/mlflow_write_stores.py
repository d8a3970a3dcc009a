# SPDX-License-Identifier: MIT
"""Writes the same tracking content twice with the real MLflow client: a FileStore and an SQLite store.

    python mlflow_write_stores.py OUT

OUT/mlruns is the FileStore (tracking and registry), OUT/sqlite/mlflow.db the SQL store with its artifacts
under OUT/sqlite/artifacts. The content exercises what importers get wrong: nested runs, deleted and failed
runs, a deleted experiment, a long series, NaN and infinities, unsorted and repeated steps, keys with '/',
multi-line and empty values, datasets, and a model registry with stages, aliases, tags and a deleted version.
Values and metric timestamps come from a fixed seed; run ids and creation times are MLflow's own.
"""

import argparse
import math
import os
import random
import sys
import warnings
from pathlib import Path

# The FileStore is in maintenance mode since MLflow 3.7 and refuses to open without this opt-out.
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["GIT_PYTHON_REFRESH"] = "quiet"

import mlflow  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import Metric, Param  # noqa: E402
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore  # noqa: E402

SEED = 20240501
BASE_MS = 1_714_521_600_000  # 2024-05-01T00:00:00Z; metric timestamps are offsets from it
LONG_SERIES = 10_000
BATCH = 1000  # MLflow's log_batch limit for metrics

warnings.filterwarnings("ignore", category=FutureWarning)  # stage transitions are deprecated, still supported


def log_series(client, run_id, key, points):
    """points: (step, timestamp_ms, value) in logging order."""
    metrics = [Metric(key, value, ts, step) for step, ts, value in points]
    for start in range(0, len(metrics), BATCH):
        client.log_batch(run_id, metrics=metrics[start : start + BATCH])


def noisy_curve(rng, steps, start, end, noise):
    out = []
    for i in range(steps):
        t = i / max(1, steps - 1)
        out.append(end + (start - end) * math.exp(-5 * t) + rng.gauss(0, noise))
    return out


def populate(client, artifact_root, rng):
    """Writes the whole content through client (and the fluent API, which follows the global URIs)."""
    ids = {}

    def experiment(name, tags=None):
        location = f"{artifact_root}/{name}" if artifact_root else None
        return client.create_experiment(name, artifact_location=location, tags=tags)

    # A plain run in Default with a few scalars.
    default_run = client.create_run("0", start_time=BASE_MS, run_name="smoke", tags={"kind": "smoke"})
    client.log_batch(
        default_run.info.run_id,
        metrics=[Metric("accuracy", 0.5, BASE_MS + 10, 0), Metric("accuracy", 0.75, BASE_MS + 20, 1)],
        params=[Param("epochs", "2")],
    )
    client.set_terminated(default_run.info.run_id, "FINISHED", end_time=BASE_MS + 1000)
    ids["smoke"] = default_run.info.run_id

    # Image classification: a sweep parent with nested children through the fluent API.
    vision = experiment(
        "image-classification",
        tags={"mlflow.note.content": "ResNet sweep.\nSecond line of the note.", "team": "vision"},
    )
    mlflow.set_experiment(experiment_id=vision)
    with mlflow.start_run(run_name="sweep") as parent:
        mlflow.log_params({"sweep/strategy": "grid", "seed": str(SEED)})
        mlflow.set_tag("empty", "")
        ids["sweep"] = parent.info.run_id

        with mlflow.start_run(run_name="long-series", nested=True) as child:
            run_id = child.info.run_id
            ids["long-series"] = run_id
            mlflow.log_params({"optimizer": "adamw", "lr": "0.001", "batch_size": "128"})
            loss = noisy_curve(rng, LONG_SERIES, 2.3, 0.1, 0.02)
            log_series(client, run_id, "train/loss", [(s, BASE_MS + s * 37, loss[s]) for s in range(LONG_SERIES)])
            acc = noisy_curve(rng, 50, 0.1, 0.93, 0.005)
            log_series(client, run_id, "val/accuracy", [(s * 200, BASE_MS + s * 7400, acc[s]) for s in range(50)])
            mlflow.log_dict({"labels": ["cat", "dog"], "matrix": [[40, 3], [5, 52]]}, "eval/confusion.json")
            mlflow.log_text("epoch,loss\n0,2.3\n1,1.1\n", "eval/history.csv")

        with mlflow.start_run(run_name="edge-values", nested=True) as child:
            run_id = child.info.run_id
            ids["edge-values"] = run_id
            mlflow.log_params({"optimizer": "sgd", "lr": "0.1"})
            edge = [
                (5, BASE_MS + 500, 1.0),
                (3, BASE_MS + 300, float("nan")),
                (4, BASE_MS + 400, float("inf")),
                (1, BASE_MS + 100, float("-inf")),
                (3, BASE_MS + 310, 0.5),  # repeated step, later time
                (3, BASE_MS + 300, 0.25),  # repeated step and time, other value
                (2, BASE_MS + 200, 0.1 + 0.2),
                (2, BASE_MS + 200, 0.1 + 0.2),  # exact repeat: the SQL store keeps one, the FileStore two
                (0, BASE_MS + 0, -0.0),
                (-1, BASE_MS - 100, 5e-324),
                (6, BASE_MS + 600, 1.7976931348623157e308),
                (7, BASE_MS + 700, -1.5e20),
                (1_000_000_000_000, BASE_MS + 800, 1 / 3),
                (8, BASE_MS + 650, 1e-05),  # time goes backwards
            ]
            log_series(client, run_id, "edge/values", edge)
            log_series(client, run_id, "edge/all_nan", [(s, BASE_MS + s, float("nan")) for s in range(3)])
            log_series(client, run_id, "a/b/c/deep key", [(0, BASE_MS, 42.0)])

        with mlflow.start_run(run_name="diverged", nested=True) as child:
            ids["diverged"] = child.info.run_id
            mlflow.log_params({"optimizer": "sgd", "lr": "1.0"})
            log_series(
                client,
                child.info.run_id,
                "train/loss",
                [(0, BASE_MS, 2.3), (1, BASE_MS + 50, 7.9), (2, BASE_MS + 100, float("nan"))],
            )
            mlflow.set_tag("failure", "loss became NaN")
            mlflow.end_run(status="FAILED")

    # Tabular: odd values, datasets, artifacts, deleted, running and killed runs.
    tabular = experiment("tabular")
    long_text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(5000))
    mlflow.set_experiment(experiment_id=tabular)
    with mlflow.start_run(run_name="gbm baseline") as run:
        ids["gbm"] = run.info.run_id
        mlflow.log_params(
            {
                "multi_line": "first line\nsecond line\n\nfourth line after a blank\n",
                "empty": "",
                "unicode": "Überprüfung ✓ 学习率",
                "long": long_text,
                "spaces ": " leading and trailing ",
                "model/depth": "6",
            }
        )
        mlflow.set_tags({"note": "line one\r\nline two", "empty_tag": "", "json": '{"a": [1, 2]}'})
        frame = pd.DataFrame(
            {
                "age": [rng.randint(18, 90) for _ in range(20)],
                "income": [round(rng.uniform(1e4, 1e5), 2) for _ in range(20)],
                "label": [rng.randint(0, 1) for _ in range(20)],
            }
        )
        dataset = mlflow.data.from_pandas(frame, source="datasets/credit.csv", name="credit", targets="label")
        mlflow.log_input(dataset, context="training", tags={"split": "train"})
        for step in range(5):
            mlflow.log_metric("auc", 0.7 + 0.04 * step + rng.uniform(0, 0.005), step=step, timestamp=BASE_MS + step)
        # A metric tied to a dataset: the FileStore writes 5-field lines for it.
        mlflow.log_metric("eval/auc", 0.81, step=4, timestamp=BASE_MS + 10, dataset=dataset)
        mlflow.log_metric("eval/auc", 0.83, step=9, timestamp=BASE_MS + 20, dataset=dataset)
        mlflow.log_dict({"threshold": 0.5, "scores": [0.1, 0.9]}, "report.json")
        mlflow.log_text("id,score\n1,0.25\n2,0.75\n", "predictions/scores.csv")

    deleted = client.create_run(tabular, run_name="deleted run", start_time=BASE_MS + 5000)
    client.log_param(deleted.info.run_id, "kept", "yes")
    client.log_metric(deleted.info.run_id, "auc", 0.5, timestamp=BASE_MS + 5001, step=0)
    client.set_terminated(deleted.info.run_id, "FINISHED", end_time=BASE_MS + 6000)
    client.delete_run(deleted.info.run_id)
    ids["deleted"] = deleted.info.run_id

    running = client.create_run(tabular, run_name="still running", start_time=BASE_MS + 7000)
    client.log_metric(running.info.run_id, "auc", 0.6, timestamp=BASE_MS + 7001, step=0)
    ids["running"] = running.info.run_id

    killed = client.create_run(tabular, run_name="killed", start_time=BASE_MS + 8000)
    client.set_terminated(killed.info.run_id, "KILLED", end_time=BASE_MS + 8500)
    ids["killed"] = killed.info.run_id

    unnamed = client.create_run(tabular, start_time=BASE_MS + 9000)  # MLflow picks a random name
    client.set_terminated(unnamed.info.run_id, "FINISHED", end_time=BASE_MS + 9100)

    # An experiment deleted with its runs.
    doomed = experiment("scratch", tags={"purpose": "to be deleted"})
    for i in range(2):
        r = client.create_run(doomed, run_name=f"scratch-{i}", start_time=BASE_MS + 10_000 + i)
        client.log_metric(r.info.run_id, "loss", 1.0 / (i + 1), timestamp=BASE_MS + 10_010 + i, step=0)
        client.set_terminated(r.info.run_id, "FINISHED", end_time=BASE_MS + 10_100 + i)
    client.delete_experiment(doomed)

    # Registry: four versions, the last deleted; stages, aliases, tags and descriptions.
    name = "resnet-classifier"
    client.create_registered_model(name, tags={"task": "vision", "owner": "ml-team"}, description="ResNet family")
    sources = [ids["long-series"], ids["edge-values"], ids["diverged"], ids["sweep"]]
    for i, run_id in enumerate(sources, start=1):
        client.create_model_version(
            name,
            f"runs:/{run_id}/model",
            run_id=run_id,
            tags={"index": str(i), "multi": "a\nb"} if i == 2 else {"index": str(i)},
            description=f"version {i}",
        )
    client.transition_model_version_stage(name, "1", "Archived")
    client.transition_model_version_stage(name, "2", "Production")
    client.transition_model_version_stage(name, "3", "Staging")
    client.set_registered_model_alias(name, "champion", "2")
    client.set_registered_model_alias(name, "challenger", "3")
    client.set_model_version_tag(name, "3", "validation", "pending")
    client.delete_model_version(name, "4")

    client.create_registered_model("credit-gbm")
    client.create_model_version("credit-gbm", f"runs:/{ids['gbm']}/model", run_id=ids["gbm"])
    client.set_registered_model_alias("credit-gbm", "prod", "1")

    # A prompt is a registered model tagged mlflow.prompt.is_prompt; MLflow's model searches hide it.
    mlflow.genai.register_prompt(name="summarize", template="Summarize: {{text}}", commit_message="first")
    return ids


def write(uri, artifact_root, seed):
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    try:
        populate(client, artifact_root, random.Random(seed))
    finally:
        while mlflow.active_run():
            mlflow.end_run()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    out = args.out.resolve()
    if (out / "mlruns").exists() or (out / "sqlite").exists():
        sys.exit(f"{out} already holds stores; pass an empty folder")

    write((out / "mlruns").as_uri(), None, args.seed)

    sqlite_dir = out / "sqlite"
    artifacts = sqlite_dir / "artifacts"
    artifacts.mkdir(parents=True)
    uri = f"sqlite:///{sqlite_dir / 'mlflow.db'}"
    # Creating the store first fixes the Default experiment's artifact root, otherwise ./mlruns of the cwd.
    SqlAlchemyStore(uri, artifacts.as_uri()).engine.dispose()
    write(uri, artifacts.as_uri(), args.seed)
    print(f"wrote {out / 'mlruns'} and {sqlite_dir / 'mlflow.db'}")


if __name__ == "__main__":
    main()
