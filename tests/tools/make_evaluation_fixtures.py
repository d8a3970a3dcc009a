# SPDX-License-Identifier: MIT
"""Evaluation fixtures written by the real tools, with scikit-learn's numbers for them.

    python make_evaluation_fixtures.py [--out tests/data/evaluation]

Pinned in requirements-evaluation-fixtures.txt (the interop venv of setup_venv.sh has them all); runs offline.
Writes:
  predictions_binary.csv, predictions_multiclass.csv   predictions files (label + probabilities)
  sklearn_expected.json                               scikit-learn's metrics for both files
  wandb_confusion_matrix.table.json                   the table wandb.plot.confusion_matrix logs (offline run)
  wandb_expected.json                                 the confusion matrix scikit-learn computes for the same data
  mlflow_evaluate_metrics.json                        the metrics mlflow.evaluate() logs for a binary classifier
"""

import argparse
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

os.environ["WANDB_MODE"] = "offline"
os.environ["WANDB_SILENT"] = "true"
os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
os.environ["DO_NOT_TRACK"] = "true"
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"

import numpy as np  # noqa: E402
from sklearn import metrics  # noqa: E402

SEED = 20240501


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def binary_predictions(rng):
    y = (rng.random(400) < 0.35).astype(int)
    scores = np.round(sigmoid(1.6 * (2 * y - 1) + rng.normal(0, 1.3, y.size)), 6)
    scores[::37] = 0.5  # ties at the threshold
    return y, scores


def multiclass_predictions(rng, classes):
    n = 300
    truth = rng.integers(0, len(classes), n)
    logits = rng.normal(0, 1, (n, len(classes)))
    logits[np.arange(n), truth] += 1.8
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    return truth, np.round(probs, 6)


def binary_expected(y, scores):
    pred = (scores >= 0.5).astype(int)
    return {
        "labels": ["0", "1"],
        "confusion": metrics.confusion_matrix(y, pred).tolist(),
        "accuracy": metrics.accuracy_score(y, pred),
        "balanced_accuracy": metrics.balanced_accuracy_score(y, pred),
        "kappa": metrics.cohen_kappa_score(y, pred),
        "mcc": metrics.matthews_corrcoef(y, pred),
        "brier": metrics.brier_score_loss(y, scores),
        "log_loss": metrics.log_loss(y, scores),
        "roc_auc": metrics.roc_auc_score(y, scores),
        "average_precision": metrics.average_precision_score(y, scores),
        "f1_macro": metrics.f1_score(y, pred, average="macro"),
    }


def multiclass_expected(truth, probs, classes):
    pred = probs.argmax(axis=1)
    labels = list(range(len(classes)))
    return {
        "labels": classes,
        "confusion": metrics.confusion_matrix(truth, pred, labels=labels).tolist(),
        "accuracy": metrics.accuracy_score(truth, pred),
        "balanced_accuracy": metrics.balanced_accuracy_score(truth, pred),
        "kappa": metrics.cohen_kappa_score(truth, pred),
        "mcc": metrics.matthews_corrcoef(truth, pred),
        "log_loss": metrics.log_loss(truth, probs, labels=labels),
        # brier_score_loss of the one-hot matrix, not halved (RunLens' multi-class Brier).
        "brier": float(np.mean(np.sum((probs - np.eye(len(classes))[truth]) ** 2, axis=1))),
        "f1_macro": metrics.f1_score(truth, pred, average="macro"),
        "f1_weighted": metrics.f1_score(truth, pred, average="weighted"),
        "ovr_roc_auc": [metrics.roc_auc_score(truth == c, probs[:, c]) for c in labels],
        "ovr_average_precision": [metrics.average_precision_score(truth == c, probs[:, c]) for c in labels],
    }


def wandb_table(out, rng):
    import wandb

    classes = ["ant", "bee", "wasp"]
    truth = [int(v) for v in rng.integers(0, 3, 60)]
    preds = [t if rng.random() < 0.7 else int(rng.integers(0, 3)) for t in truth]
    with tempfile.TemporaryDirectory() as tmp:
        run = wandb.init(project="runlens-fixture", dir=tmp, mode="offline", settings=wandb.Settings(silent=True))
        run.log({"conf_mat": wandb.plot.confusion_matrix(y_true=truth, preds=preds, class_names=classes)})
        run.finish()
        tables = sorted(Path(tmp).rglob("*.table.json"))
        if not tables:
            raise SystemExit("wandb wrote no table")
        shutil.copy(tables[0], out / "wandb_confusion_matrix.table.json")
    expected = {"labels": classes, "confusion": metrics.confusion_matrix(truth, preds, labels=[0, 1, 2]).tolist()}
    (out / "wandb_expected.json").write_text(json.dumps(expected, indent=1) + "\n")


def mlflow_evaluate(out, rng):
    import mlflow
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    x = rng.normal(0, 1, (200, 3))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.8, 200) > 0).astype(int)
    model = LogisticRegression().fit(x[:120], y[:120])
    data = pd.DataFrame(x[120:], columns=["a", "b", "c"])
    data["label"] = y[120:]
    with tempfile.TemporaryDirectory() as tmp:
        mlflow.set_tracking_uri((Path(tmp) / "mlruns").as_uri())
        mlflow.set_experiment("runlens-fixture")
        with mlflow.start_run():
            info = mlflow.sklearn.log_model(model, name="model")
            result = mlflow.evaluate(info.model_uri, data, targets="label", model_type="classifier",
                                     evaluators=["default"],
                                     evaluator_config={"default": {"log_model_explainability": False}})
    keys = ["true_negatives", "false_positives", "false_negatives", "true_positives", "accuracy_score"]
    logged = {k: float(result.metrics[k]) for k in keys if k in result.metrics}
    pred = model.predict(x[120:])
    logged["sklearn_confusion"] = metrics.confusion_matrix(y[120:], pred).tolist()
    (out / "mlflow_evaluate_metrics.json").write_text(json.dumps(logged, indent=1) + "\n")


def main():
    default_out = Path(__file__).resolve().parents[1] / "data" / "evaluation"
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    random.seed(SEED)

    y, scores = binary_predictions(rng)
    lines = ["label,probability"] + [f"{a},{b!r}" for a, b in zip(y.tolist(), scores.tolist())]
    (out / "predictions_binary.csv").write_text("\n".join(lines) + "\n")
    classes = ["cat", "dog", "fox", "owl"]
    truth, probs = multiclass_predictions(rng, classes)
    lines = ["label," + ",".join(f"prob_{c}" for c in classes)]
    lines += [classes[t] + "," + ",".join(repr(p) for p in row) for t, row in zip(truth.tolist(), probs.tolist())]
    (out / "predictions_multiclass.csv").write_text("\n".join(lines) + "\n")
    expected = {"binary": binary_expected(y, scores), "multiclass": multiclass_expected(truth, probs, classes)}
    (out / "sklearn_expected.json").write_text(json.dumps(expected, indent=1) + "\n")

    wandb_table(out, rng)
    mlflow_evaluate(out, rng)
    print(json.dumps(sorted(p.name for p in out.iterdir())))


if __name__ == "__main__":
    main()
