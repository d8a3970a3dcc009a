#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/analysis/classification_reference.json: inputs and scikit-learn's answers for
tst_classification (confusion metrics, reliability diagrams, Brier, log loss, ROC and PR curves).

Run once in a venv made from requirements-reference.txt:
    python3 tests/tools/make_classification_reference.py [OUTPUT]
Inputs come from fixed seeds, so a rerun with the pinned versions writes the same file.

Definitions that scikit-learn does not spell out as one call are written here explicitly, and each is checked
against scikit-learn where it has an equivalent:
- reliability bins: the bin edges and bin ids of sklearn.calibration.calibration_curve (uniform and quantile), all
  bins kept (empty ones as null); observed and mean confidence are asserted equal to calibration_curve's output;
- Wilson score interval at z = 1.959963984540054, clamped to [0, 1];
- ECE = sum(count / n * |observed - confidence|), MCE = max over non-empty bins;
- multi-class Brier = mean over samples of sum over classes of (p - onehot)^2, which is brier_score_loss with
  scale_by_half=False (asserted);
- top-label calibration: confidence = max p, correct = (argmax p == truth), argmax taking the first maximum.
NaN is written as null and infinities as the strings "inf" / "-inf" (JSON has neither).
"""

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.calibration import calibration_curve
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    brier_score_loss,
    cohen_kappa_score,
    confusion_matrix,
    log_loss,
    matthews_corrcoef,
    precision_recall_curve,
    precision_recall_fscore_support,
    roc_auc_score,
    roc_curve,
)

Z95 = 1.959963984540054


def clean(value):
    """Plain JSON: numpy scalars to Python, NaN to None, infinities to strings."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [clean(v) for v in value]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return v
    return value


def wilson(successes, n):
    if n == 0:
        return math.nan, math.nan
    p = successes / n
    z2 = Z95 * Z95
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def reliability(y, p, n_bins, strategy):
    y = np.asarray(y, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    # The same edges and bin ids as calibration_curve (sklearn/calibration.py).
    if strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
    else:
        edges = np.linspace(0.0, 1.0, n_bins + 1)
    ids = np.searchsorted(edges[1:-1], p)
    count = np.bincount(ids, minlength=n_bins)
    score_sum = np.bincount(ids, weights=p, minlength=n_bins)
    hits = np.bincount(ids, weights=y, minlength=n_bins)
    nonzero = count > 0
    observed_nz = hits[nonzero] / count[nonzero]
    confidence_nz = score_sum[nonzero] / count[nonzero]
    prob_true, prob_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    assert np.array_equal(prob_true, observed_nz), "observed differs from calibration_curve"
    assert np.array_equal(prob_pred, confidence_nz), "confidence differs from calibration_curve"

    bins = []
    total = int(count.sum())
    ece = 0.0
    mce = 0.0
    for b in range(n_bins):
        n = int(count[b])
        if n == 0:
            bins.append(
                {"lower": edges[b], "upper": edges[b + 1], "count": 0, "confidence": None, "observed": None,
                 "wilson_low": None, "wilson_high": None})
            continue
        observed = hits[b] / n
        confidence = score_sum[b] / n
        low, high = wilson(int(hits[b]), n)
        gap = abs(observed - confidence)
        ece += n / total * gap
        mce = max(mce, gap)
        bins.append({"lower": edges[b], "upper": edges[b + 1], "count": n, "confidence": confidence,
                     "observed": observed, "wilson_low": low, "wilson_high": high})
    return {"bins": bins, "total": total, "ece": ece, "mce": mce}


def confusion_expected(y_true, y_pred):
    labels = sorted(set(y_true) | set(y_pred))
    out = {"labels": labels, "counts": confusion_matrix(y_true, y_pred, labels=labels).tolist()}
    for key, how in (("normalized_true", "true"), ("normalized_pred", "pred"), ("normalized_all", "all")):
        out[key] = confusion_matrix(y_true, y_pred, labels=labels, normalize=how).tolist()
    precision, recall, f1, support = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=None)
    out["per_class"] = {"precision": precision, "recall": recall, "f1": f1, "support": support}
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=labels, average=average)
        out[average] = {"precision": p, "recall": r, "f1": f}
    out["accuracy"] = accuracy_score(y_true, y_pred)
    out["balanced_accuracy"] = balanced_accuracy_score(y_true, y_pred)
    out["cohen_kappa"] = cohen_kappa_score(y_true, y_pred)
    out["matthews"] = matthews_corrcoef(y_true, y_pred)
    return out


def binary_case(name, y, score, n_bins):
    y = np.asarray(y, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    y_true = ["pos" if v else "neg" for v in y]
    y_pred = ["pos" if s >= 0.5 else "neg" for s in score]
    fpr, tpr, roc_thresholds = roc_curve(y, score, drop_intermediate=True)
    precision, recall, pr_thresholds = precision_recall_curve(y, score)
    expected = {
        "confusion": confusion_expected(y_true, y_pred),
        "uniform": reliability(y, score, n_bins, "uniform"),
        "quantile": reliability(y, score, n_bins, "quantile"),
        "brier": brier_score_loss(y, score),
        "log_loss": log_loss(y, y_proba=score),
        "roc": {"fpr": fpr, "tpr": tpr, "thresholds": roc_thresholds, "auc": roc_auc_score(y, score)},
        "pr": {"precision": precision, "recall": recall, "thresholds": pr_thresholds,
               "average_precision": average_precision_score(y, score)},
    }
    return {"name": name, "kind": "binary", "bins": n_bins, "y": y, "score": score, "y_true": y_true,
            "y_pred": y_pred, "expected": expected}


def multiclass_case(name, class_names, y, proba, n_bins):
    y = np.asarray(y, dtype=np.int64)
    proba = np.asarray(proba, dtype=np.float64)
    k = proba.shape[1]
    y_true = [class_names[v] for v in y]
    predicted = np.argmax(proba, axis=1)
    y_pred = [class_names[v] for v in predicted]
    brier = float(np.mean(np.sum((proba - np.eye(k)[y]) ** 2, axis=1)))
    sk_brier = brier_score_loss(y, proba, labels=list(range(k)), scale_by_half=False)
    assert math.isclose(brier, sk_brier, rel_tol=1e-12), (brier, sk_brier)
    confidence = np.max(proba, axis=1)
    correct = (predicted == y).astype(np.int64)
    expected = {
        "confusion": confusion_expected(y_true, y_pred),
        "brier": sk_brier,
        "log_loss": log_loss(y, y_proba=proba, labels=list(range(k))),
    }
    for strategy in ("uniform", "quantile"):
        expected[strategy] = {
            "top_label": reliability(correct, confidence, n_bins, strategy),
            "per_class": [reliability((y == c).astype(np.int64), proba[:, c], n_bins, strategy) for c in range(k)],
        }
    return {"name": name, "kind": "multiclass", "bins": n_bins, "classes": class_names, "y": y,
            "proba": proba, "y_true": y_true, "y_pred": y_pred, "expected": expected}


def labels_case(name, y_true, y_pred):
    return {"name": name, "kind": "labels", "y_true": y_true, "y_pred": y_pred,
            "expected": {"confusion": confusion_expected(y_true, y_pred)}}


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def make_cases():
    cases = []

    rng = np.random.default_rng(20240501)
    y = (rng.random(600) < 0.5).astype(np.int64)
    score = sigmoid(rng.normal(1.1 * (2 * y - 1), 1.4)) ** 1.2  # overconfident toward 0
    cases.append(binary_case("binary-balanced", y, score, 10))

    rng = np.random.default_rng(7)
    y = (rng.random(800) < 0.06).astype(np.int64)
    score = sigmoid(rng.normal(-2.0 + 2.5 * y, 1.0))
    cases.append(binary_case("binary-imbalanced", y, score, 15))

    # Scores on a 0.05 grid: many ties across classes, exact 0 and 1, scores on the uniform bin edges.
    rng = np.random.default_rng(99)
    y = (rng.random(500) < 0.4).astype(np.int64)
    score = np.clip(np.round(sigmoid(rng.normal(1.5 * (2 * y - 1), 2.0)) * 20) / 20, 0.0, 1.0)
    score[:6] = [0.0, 1.0, 0.0, 1.0, 0.5, 0.5]
    y[:6] = [1, 0, 0, 1, 0, 1]  # confident misses: log loss clips to eps
    cases.append(binary_case("binary-ties", y, score, 10))

    # Only 0 and 1 (and one 0.3): quantile edges collapse, most bins are empty.
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 1], dtype=np.int64)
    score = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.3, 0.0, 1.0, 1.0])
    cases.append(binary_case("binary-extremes", y, score, 5))

    # Three classes, "cat" never true but sometimes predicted; some rows are exact one-hot vectors.
    rng = np.random.default_rng(3)
    names = ["bee", "ant", "cat"]  # column order differs from the sorted label order
    y = rng.integers(0, 2, 450)
    logits = rng.normal(0.0, 1.0, (450, 3))
    logits[np.arange(450), y] += 1.2
    logits[:, 2] += 0.3
    proba = softmax(logits)
    proba[:20] = np.eye(3)[rng.integers(0, 3, 20)]
    cases.append(multiclass_case("multiclass-3-absent-truth", names, y, proba, 10))

    # Ten classes, "kiwi" never predicted (its logit is pushed down), class 9 rare.
    rng = np.random.default_rng(10)
    names = ["pear", "apple", "fig", "kiwi", "lime", "date", "plum", "yuzu", "cherry", "banana"]
    y = rng.choice(10, 400, p=[0.12, 0.12, 0.12, 0.1, 0.12, 0.12, 0.12, 0.08, 0.08, 0.02])
    logits = rng.normal(0.0, 1.0, (400, 10))
    logits[np.arange(400), y] += 2.0
    logits[:, 3] -= 6.0
    proba = softmax(logits)
    cases.append(multiclass_case("multiclass-10-never-predicted", names, y, proba, 8))

    # Zero divisions: "only-pred" is never true, "only-true" never predicted.
    rng = np.random.default_rng(5)
    pool = ["x", "y", "z"]
    y_true = [pool[i] for i in rng.integers(0, 3, 60)] + ["only-true"] * 3
    y_pred = [pool[i] for i in rng.integers(0, 3, 60)] + ["only-pred"] * 3
    cases.append(labels_case("labels-zero-division", y_true, y_pred))

    # One label everywhere: kappa is undefined (NaN), MCC is 0 by convention.
    cases.append(labels_case("labels-single", ["x"] * 5, ["x"] * 5))
    # Perfect prediction across four labels.
    cases.append(labels_case("labels-perfect", ["a", "b", "c", "d"] * 3, ["a", "b", "c", "d"] * 3))
    return cases


def main():
    here = Path(__file__).resolve().parent
    default = here.parent / "data" / "analysis" / "classification_reference.json"
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    with warnings.catch_warnings():
        # Zero division and undefined kappa warn; the values they fall back to are what we test.
        warnings.simplefilter("ignore")
        cases = make_cases()
    document = {
        "generator": "tests/tools/make_classification_reference.py",
        "versions": {"scikit-learn": sklearn.__version__, "numpy": np.__version__},
        "wilson_z": Z95,
        "cases": cases,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(clean(document), separators=(",", ":"), allow_nan=False) + "\n")
    print(f"wrote {output} ({output.stat().st_size} bytes, {len(cases)} cases)")


if __name__ == "__main__":
    main()
