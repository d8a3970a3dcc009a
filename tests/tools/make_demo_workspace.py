# SPDX-License-Identifier: MIT
"""Writes the bundled demo workspace, a small realistic MLflow FileStore, with the real mlflow client.

    python make_demo_workspace.py [--out resources/demo/mlruns]

Two experiments (an image-classification sweep with a diverging and a failed run, a tabular model comparison),
curves with realistic noise, confusion matrices as JSON artifacts, a dataset input and a model registry with stages
and aliases, and predictions files (per-class and binary probabilities) for the evaluation views. The output is
byte-for-byte deterministic: ids come from a seeded generator, clocks are fixed, and artifact locations are
rewritten to mlflow-artifacts:/<experiment>/<run>/artifacts so no path of the generating machine is stored (`mlflow
server --backend-store-uri mlruns --artifacts-destination mlruns` serves it as is).
"""

import argparse
import json
import math
import os
import random
import shutil
import time
import uuid
import warnings
from pathlib import Path

os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"  # the FileStore is in maintenance mode since MLflow 3.7
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["GIT_PYTHON_REFRESH"] = "quiet"

SEED = 1234
BASE_MS = 1_714_550_400_000  # 2024-05-01T08:00:00Z

# Deterministic ids and clocks: MLflow draws run and experiment ids from uuid4 and stamps creation times
# with time.time(); both are replaced before mlflow is imported.
_ids = random.Random(SEED)
uuid.uuid4 = lambda: uuid.UUID(int=_ids.getrandbits(128), version=4)
random.seed(SEED)
_clock = [(BASE_MS - 600_000) / 1000.0]  # experiments are created ten minutes before the first run


def _fake_time():
    _clock[0] += 0.001
    return _clock[0]


time.time = _fake_time

import mlflow  # noqa: E402
import pandas as pd  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import DatasetInput, InputTag, Metric, Param, RunTag  # noqa: E402
from mlflow.models import Model, ModelSignature  # noqa: E402
from mlflow.types import ColSpec, Schema, TensorSpec  # noqa: E402
from mlflow.utils.yaml_utils import read_yaml, write_yaml  # noqa: E402
import numpy as np  # noqa: E402

warnings.filterwarnings("ignore")

CIFAR_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
COMMIT = "9c1e5d2b7a4f8e3c6d0b1a2f5e8c7d4b3a6f9e21"


def source_tags(script, name):
    return {
        "mlflow.runName": name,
        "mlflow.user": "demo",
        "mlflow.source.name": script,
        "mlflow.source.type": "LOCAL",
        "mlflow.source.git.commit": COMMIT,
    }


def log_points(client, run_id, points):
    """points: (key, step, timestamp_ms, value)."""
    metrics = [Metric(key, float(value), int(ts), int(step)) for key, step, ts, value in points]
    for start in range(0, len(metrics), 1000):
        client.log_batch(run_id, metrics=metrics[start : start + 1000])


def confusion(rng, classes, accuracy, total_per_class):
    """A confusion matrix whose diagonal matches accuracy, errors spread over similar classes."""
    matrix = []
    for i in range(len(classes)):
        correct = int(round(total_per_class * min(0.995, max(0.05, accuracy + rng.gauss(0, 0.04)))))
        row = [0] * len(classes)
        row[i] = correct
        wrong = total_per_class - correct
        for _ in range(wrong):
            j = (i + rng.choice([1, 1, 2, -1, 3, 5])) % len(classes)
            row[j if j != i else (i + 1) % len(classes)] += 1
        matrix.append(row)
    return {"labels": classes, "matrix": matrix, "normalize": None}


def model_artifact(client, run_id, inputs, outputs, flavor):
    model = Model(artifact_path="model", run_id=run_id, utc_time_created="2024-05-01 12:00:00.000000")
    model.flavors = {
        "python_function": {"loader_module": f"mlflow.{flavor}", "python_version": "3.11.9", "env": {}},
        flavor: {"code": None, "serialization_format": "cloudpickle"},
    }
    model.signature = ModelSignature(inputs=inputs, outputs=outputs)
    model.model_uuid = uuid.uuid4().hex
    client.log_text(run_id, model.to_yaml(), "model/MLmodel")


def vision(client, rng):
    exp = client.create_experiment(
        "cifar10-resnet18",
        tags={
            "mlflow.note.content": "ResNet-18 on CIFAR-10: optimizer and learning-rate sweep, 300 steps per run.",
            "project": "vision-baselines",
        },
    )
    configs = [
        # name, optimizer, lr, seed, label smoothing, outcome
        ("adamw-lr1e-3-s0", "adamw", 1e-3, 0, 0.0, "ok"),
        ("adamw-lr1e-3-s1", "adamw", 1e-3, 1, 0.0, "ok"),
        ("adamw-lr3e-4-s0", "adamw", 3e-4, 0, 0.0, "ok"),
        ("adamw-lr1e-3-ls0.1", "adamw", 1e-3, 0, 0.1, "ok"),
        ("adamw-lr3e-3-s0", "adamw", 3e-3, 0, 0.0, "diverges"),
        ("sgd-lr0.1-s0", "sgd", 0.1, 0, 0.0, "ok"),
        ("sgd-lr0.05-s0", "sgd", 0.05, 0, 0.0, "ok"),
        ("sgd-lr0.1-s1", "sgd", 0.1, 1, 0.0, "failed"),
    ]
    steps, eval_every = 300, 10
    runs = {}
    for index, (name, optimizer, lr, seed, smoothing, outcome) in enumerate(configs):
        start = BASE_MS + index * 3_600_000
        run = client.create_run(exp, start_time=start, tags=source_tags("train_cifar.py", name), run_name=name)
        run_id = run.info.run_id
        runs[name] = run_id
        client.log_batch(
            run_id,
            params=[
                Param("model", "resnet18"),
                Param("optimizer", optimizer),
                Param("lr", repr(lr)),
                Param("batch_size", "128"),
                Param("weight_decay", "0.05" if optimizer == "adamw" else "0.0005"),
                Param("label_smoothing", repr(smoothing)),
                Param("seed", str(seed)),
                Param("steps", str(steps)),
                Param("augmentation", "random-crop(32, padding=4)\nhorizontal-flip(p=0.5)"),
            ]
            + ([Param("momentum", "0.9")] if optimizer == "sgd" else []),
        )
        # How well and how fast this configuration learns.
        quality = {"adamw": 0.91, "sgd": 0.93}[optimizer] - abs(
            math.log10(lr / (1e-3 if optimizer == "adamw" else 0.1))
        ) * 0.04
        speed = 4.0 + rng.uniform(-0.4, 0.4)
        last_step = 118 if outcome == "failed" else steps - 1
        points = []
        accuracy = 0.1
        for step in range(last_step + 1):
            t = step / (steps - 1)
            ts = start + 5_000 + step * 1_800 + rng.randint(0, 40)
            schedule = 0.5 * (1 + math.cos(math.pi * t))  # cosine decay after warm-up
            warmup = min(1.0, (step + 1) / 15)
            points.append(("lr", step, ts, lr * warmup * schedule))
            floor = 2.303 * (1 - quality) + smoothing * 0.8
            loss = floor + (2.303 - floor) * math.exp(-speed * t) + rng.gauss(0, 0.04 + 0.05 * math.exp(-3 * t))
            if outcome == "diverges" and step >= 140:
                # A loss spike the run never recovers from.
                loss += 6.0 * math.exp(-((step - 150) ** 2) / 40.0) + 0.9 * (1 - math.exp(-(step - 140) / 30))
            points.append(("train/loss", step, ts, max(0.01, loss)))
            if step % eval_every == eval_every - 1:
                val_loss = loss * 1.08 + 0.05 + rng.gauss(0, 0.02)
                accuracy = quality * (1 - math.exp(-speed * t * 1.1)) + 0.1 * math.exp(-speed * t) + rng.gauss(0, 0.006)
                if outcome == "diverges" and step >= 140:
                    accuracy = max(0.1, accuracy - 0.25 - 0.3 * math.exp(-((step - 150) ** 2) / 60.0))
                points.append(("val/loss", step, ts + 900, val_loss))
                points.append(("val/accuracy", step, ts + 900, min(0.99, accuracy)))
        log_points(client, run_id, points)
        end = points[-1][2] + 2_000
        if outcome == "failed":
            client.set_tag(run_id, "error", "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB")
            client.set_terminated(run_id, "FAILED", end_time=end)
            continue
        client.log_dict(run_id, confusion(rng, CIFAR_CLASSES, accuracy, 100), "eval/confusion_matrix.json")
        client.set_terminated(run_id, "FINISHED", end_time=end)
    for name in ("adamw-lr1e-3-s0", "adamw-lr1e-3-ls0.1", "sgd-lr0.1-s0"):
        model_artifact(
            client,
            runs[name],
            Schema([TensorSpec(np.dtype("float32"), (-1, 3, 32, 32), "image")]),
            Schema([TensorSpec(np.dtype("float32"), (-1, 10), "logits")]),
            "pytorch",
        )
    return runs


def tabular(client, rng):
    exp = client.create_experiment(
        "credit-default-gbm",
        tags={"mlflow.note.content": "Gradient boosting on the credit-default table.", "project": "risk"},
    )
    frame = pd.DataFrame(
        {
            "age": [float(rng.randint(21, 75)) for _ in range(200)],
            "income": [round(rng.lognormvariate(10.5, 0.5), 2) for _ in range(200)],
            "utilization": [round(rng.random(), 4) for _ in range(200)],
            "default": [int(rng.random() < 0.2) for _ in range(200)],
        }
    )
    dataset = mlflow.data.from_pandas(frame, source="data/credit_default.csv", name="credit-default", targets="default")
    configs = [
        ("lightgbm-depth6", "lightgbm", 6, 0.05, 0.79),
        ("lightgbm-depth8", "lightgbm", 8, 0.05, 0.80),
        ("xgboost-depth6", "xgboost", 6, 0.1, 0.785),
        ("xgboost-depth4-lr0.3", "xgboost", 4, 0.3, 0.77),
    ]
    runs = {}
    for index, (name, library, depth, lr, auc) in enumerate(configs):
        start = BASE_MS + 86_400_000 + index * 600_000
        run = client.create_run(exp, start_time=start, tags=source_tags("train_gbm.py", name), run_name=name)
        run_id = run.info.run_id
        runs[name] = run_id
        client.log_batch(
            run_id,
            params=[
                Param("library", library),
                Param("max_depth", str(depth)),
                Param("learning_rate", repr(lr)),
                Param("n_estimators", "250"),
                Param("subsample", "0.8"),
            ],
            tags=[RunTag("feature_set", "v3")],
        )
        client.log_inputs(
            run_id,
            datasets=[DatasetInput(dataset._to_mlflow_entity(), tags=[InputTag("mlflow.data.context", "training")])],
        )
        points = []
        overfit = 0.0004 * depth
        for step in range(250):
            ts = start + 2_000 + step * 120
            t = step / 249
            train_auc = 0.5 + (auc + 0.12 + overfit * 40 - 0.5) * (1 - math.exp(-6 * t * lr * 10))
            val_auc = 0.5 + (auc - 0.5) * (1 - math.exp(-5 * t * lr * 10)) - overfit * max(0, step - 150) * 0.1
            points.append(("train/auc", step, ts, min(0.999, train_auc + rng.gauss(0, 0.002))))
            points.append(("val/auc", step, ts, val_auc + rng.gauss(0, 0.004)))
            points.append(("val/logloss", step, ts, 0.5 - 0.35 * (val_auc - 0.5) + rng.gauss(0, 0.003)))
        log_points(client, run_id, points)
        client.log_dict(run_id, confusion(rng, ["no default", "default"], auc, 500), "eval/confusion_matrix.json")
        client.set_terminated(run_id, "FINISHED", end_time=points[-1][2] + 1_000)
    model_artifact(
        client,
        runs["lightgbm-depth8"],
        Schema([ColSpec("double", "age"), ColSpec("double", "income"), ColSpec("double", "utilization")]),
        Schema([ColSpec("double", "probability")]),
        "lightgbm",
    )
    return runs


def registry(client, vision_runs, tabular_runs):
    name = "cifar10-classifier"
    client.create_registered_model(name, tags={"task": "image-classification"}, description="CIFAR-10 classifiers")
    for i, run in enumerate(("adamw-lr1e-3-s0", "sgd-lr0.1-s0", "adamw-lr1e-3-ls0.1"), start=1):
        run_id = vision_runs[run]
        client.create_model_version(
            name, f"runs:/{run_id}/model", run_id=run_id, tags={"trained_by": "demo"}, description=run
        )
    client.transition_model_version_stage(name, "1", "Archived")
    client.transition_model_version_stage(name, "2", "Production")
    client.transition_model_version_stage(name, "3", "Staging")
    client.set_registered_model_alias(name, "champion", "2")
    client.set_registered_model_alias(name, "challenger", "3")
    client.set_model_version_tag(name, "3", "validation_status", "pending")

    name = "credit-default"
    client.create_registered_model(name, tags={"task": "binary-classification"})
    run_id = tabular_runs["lightgbm-depth8"]
    client.create_model_version(name, f"runs:/{run_id}/model", run_id=run_id, description="LightGBM depth 8")
    client.set_registered_model_alias(name, "prod", "1")


def evaluation_artifacts(client, vision_runs, tabular_runs):
    """Predictions files for the evaluation views: per-class probabilities for three vision runs and the default
    probability for every tabular run, each model calibrated differently (over-confident, smoothed, well
    calibrated), written next to the confusion matrices as eval/predictions.csv."""
    rng = random.Random(SEED + 5)  # its own stream, so the runs above stay byte-for-byte the same

    def softmax(logits, temperature):
        top = max(logits)
        exps = [math.exp((v - top) / temperature) for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    vision = [("adamw-lr1e-3-s0", 2.6, 0.7), ("sgd-lr0.1-s0", 2.9, 1.0), ("adamw-lr1e-3-ls0.1", 2.5, 1.5)]
    for name, separation, temperature in vision:
        lines = ["id,label," + ",".join(f"prob_{c}" for c in CIFAR_CLASSES)]
        for i in range(600):
            truth = i % len(CIFAR_CLASSES)
            logits = [rng.gauss(0, 1) for _ in CIFAR_CLASSES]
            logits[truth] += separation
            # Confusable neighbours (cat/dog, automobile/truck) pull probability towards each other.
            neighbour = {3: 5, 5: 3, 1: 9, 9: 1}.get(truth)
            if neighbour is not None:
                logits[neighbour] += separation * 0.45
            probs = [round(p, 6) for p in softmax(logits, temperature)]
            lines.append(f"{i},{CIFAR_CLASSES[truth]}," + ",".join(repr(p) for p in probs))
        client.log_text(vision_runs[name], "\n".join(lines) + "\n", "eval/predictions.csv")

    tabular = {"lightgbm-depth6": (0.95, 1.0), "lightgbm-depth8": (1.0, 0.6), "xgboost-depth6": (0.9, 1.3),
               "xgboost-depth4-lr0.3": (0.75, 0.8)}
    for name, (separation, temperature) in tabular.items():
        lines = ["label,probability"]
        for _ in range(800):
            y = int(rng.random() < 0.2)
            logit = (separation * (1 if y else -1) - 1.0 + rng.gauss(0, 1.2)) / temperature
            lines.append(f"{y},{round(1 / (1 + math.exp(-logit)), 6)!r}")
        client.log_text(tabular_runs[name], "\n".join(lines) + "\n", "eval/predictions.csv")


def strip_machine_paths(root):
    """Rewrites artifact locations, MLflow's only absolute paths, to the server-relative form."""
    for meta in sorted(root.rglob("meta.yaml")):
        data = read_yaml(str(meta.parent), meta.name)
        rel = meta.parent.relative_to(root).parts
        if "artifact_location" in data:
            data["artifact_location"] = f"mlflow-artifacts:/{rel[-1]}"
        elif "artifact_uri" in data:
            data["artifact_uri"] = f"mlflow-artifacts:/{rel[-2]}/{rel[-1]}/artifacts"
        else:
            continue
        write_yaml(str(meta.parent), meta.name, data, overwrite=True)


def main():
    default_out = Path(__file__).resolve().parents[2] / "resources" / "demo" / "mlruns"
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    root = args.out.resolve()
    if root.exists():
        shutil.rmtree(root)
    uri = root.as_uri()
    # The FileStore registry opens a client on the global URI internally; without this it creates ./mlflow.db.
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.get_experiment("0")  # creates the store and the Default experiment first, for stable ids
    rng = random.Random(SEED)
    vision_runs = vision(client, rng)
    tabular_runs = tabular(client, rng)
    _clock[0] = (BASE_MS + 2 * 86_400_000) / 1000.0  # models are registered after the runs end
    registry(client, vision_runs, tabular_runs)
    evaluation_artifacts(client, vision_runs, tabular_runs)
    strip_machine_paths(root)
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    print(json.dumps({"out": root.name, "runs": len(vision_runs) + len(tabular_runs), "bytes": size}))


if __name__ == "__main__":
    main()
