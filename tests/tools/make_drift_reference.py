#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes tests/data/analysis/drift_reference.json: inputs and scipy's answers for the drift statistics.

Run with the pinned versions (tests/tools/requirements-reference.txt):
    python3 tests/tools/make_drift_reference.py [OUTPUT]

Conventions shared with models/analysis/drift.{h,cpp}:
* NaN is "missing": excluded from every statistic and counted (stored as null in the JSON).
* PSI and Jensen-Shannon use the same bins: interior edges are the reference quantiles at 1/10 .. 9/10 (numpy's
  linear method), duplicates removed; bins are (-inf, e1), [e1, e2), ..., [e_last, +inf). An empty bin's share is
  replaced by 1e-4 in PSI (not renormalised); Jensen-Shannon uses the raw shares, natural logarithm.
* Wasserstein (normed) = scipy.stats.wasserstein_distance / max(np.std(reference), 0.001), as Evidently.
* Chi-square: scipy.stats.chisquare(current counts, reference counts * n_cur / n_ref) over the sorted union of
  categories; a category new in current makes the statistic inf and the p-value 0.
* Z-test: statsmodels' proportions_ztest (pooled, two-sided) written out with scipy.stats.norm.
"""
import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial.distance import jensenshannon
from scipy.stats._stats_py import _attempt_exact_2kssamp

PSI_EMPTY_SHARE = 1e-4
BINS = 10
QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95]


def as_list(values):
    return [None if (isinstance(v, float) and math.isnan(v)) else float(v) for v in values]


def psi(ref_shares, cur_shares):
    r = np.where(ref_shares == 0, PSI_EMPTY_SHARE, ref_shares)
    c = np.where(cur_shares == 0, PSI_EMPTY_SHARE, cur_shares)
    return float(np.sum((c - r) * np.log(c / r)))


def summary(finite, missing):
    total = finite.size + missing
    return {
        "count": int(finite.size),
        "missing": int(missing),
        "missing_share": missing / total,
        "min": float(np.min(finite)),
        "max": float(np.max(finite)),
        "mean": float(np.mean(finite)),
        "std": float(np.std(finite)),
        "quantiles": [float(q) for q in np.quantile(finite, QUANTILES)],
    }


def numeric_case(name, ref, cur, decimals=None):
    ref = np.asarray(ref, dtype=float)
    cur = np.asarray(cur, dtype=float)
    if decimals is not None:  # short JSON for the large case; the rounding also makes ties
        ref = np.round(ref, decimals)
        cur = np.round(cur, decimals)
    r = np.sort(ref[~np.isnan(ref)])
    c = np.sort(cur[~np.isnan(cur)])
    auto = stats.ks_2samp(r, c, method="auto")
    asymp = stats.ks_2samp(r, c, method="asymp")
    expected = {
        "ks_statistic": float(auto.statistic),
        "ks_pvalue": float(auto.pvalue),
        "ks_exact": bool(max(r.size, c.size) <= 10000),
        "ks_asymp_pvalue": float(asymp.pvalue),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            exact = stats.ks_2samp(r, c, method="exact")
            expected["ks_exact_pvalue"] = float(exact.pvalue)
        except RuntimeWarning:
            pass  # scipy fell back to asymp; the C++ does too, tested through ks_pvalue
    edges = np.unique(np.quantile(r, np.arange(1, BINS) / BINS))
    ref_counts = np.bincount(np.searchsorted(edges, r, side="right"), minlength=edges.size + 1)
    cur_counts = np.bincount(np.searchsorted(edges, c, side="right"), minlength=edges.size + 1)
    ref_shares = ref_counts / r.size
    cur_shares = cur_counts / c.size
    wd = float(stats.wasserstein_distance(r, c))
    expected.update({
        "bin_edges": [float(e) for e in edges],
        "reference_shares": [float(s) for s in ref_shares],
        "current_shares": [float(s) for s in cur_shares],
        "psi": psi(ref_shares, cur_shares),
        "jensen_shannon": float(jensenshannon(ref_shares, cur_shares)),
        "wasserstein": wd,
        "wasserstein_normed": wd / max(float(np.std(r)), 0.001),
        "reference": summary(r, ref.size - r.size),
        "current": summary(c, cur.size - c.size),
    })
    return {"name": name, "reference": as_list(ref), "current": as_list(cur), "expected": expected}


def category_counts(values, keys):
    present = [v for v in values if v != ""]
    return np.array([present.count(k) for k in keys], dtype=float), len(present)


def categorical_case(name, ref, cur):
    keys = sorted({v for v in ref + cur if v != ""})
    ref_counts, n_ref = category_counts(ref, keys)
    cur_counts, n_cur = category_counts(cur, keys)
    f_exp = ref_counts * (n_cur / n_ref)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi = stats.chisquare(cur_counts, f_exp)
    ref_shares = ref_counts / n_ref
    cur_shares = cur_counts / n_cur
    statistic = float(chi.statistic)
    return {
        "name": name,
        "reference": ref,
        "current": cur,
        "expected": {
            "categories": keys,
            "reference_counts": [int(x) for x in ref_counts],
            "current_counts": [int(x) for x in cur_counts],
            "new": [k for k, rc in zip(keys, ref_counts) if rc == 0],
            "vanished": [k for k, cc in zip(keys, cur_counts) if cc == 0],
            "chi_square": "inf" if math.isinf(statistic) else statistic,
            "chi_square_pvalue": float(chi.pvalue),
            "dof": len(keys) - 1,
            "jensen_shannon": float(jensenshannon(ref_shares, cur_shares)),
            "psi": psi(ref_shares, cur_shares),
        },
    }


def binary_case(name, ref, cur):
    keys = sorted({v for v in ref + cur if v != ""})
    success = keys[0]
    count = np.array([sum(v == success for v in ref), sum(v == success for v in cur)], dtype=float)
    nobs = np.array([sum(v != "" for v in ref), sum(v != "" for v in cur)], dtype=float)
    # statsmodels.stats.proportion.proportions_ztest(count, nobs), value=None, prop_var=False, two-sided
    prop = count / nobs
    pooled = count.sum() / nobs.sum()
    var = pooled * (1 - pooled) * (1 / nobs[0] + 1 / nobs[1])
    z = (prop[0] - prop[1]) / np.sqrt(var)
    p = stats.norm.sf(np.abs(z)) * 2
    return {"name": name, "reference": ref, "current": cur,
            "expected": {"success": success, "z": float(z), "pvalue": float(p)}}


def special_values():
    gamma = []
    for a in [0.5, 1.0, 1.5, 2.5, 4.0, 10.0, 37.5, 150.0, 1000.0]:
        for x in [0.01, 0.3, 1.0, 2.0, 5.0, 9.5, 12.0, 40.0, 140.0, 160.0, 990.0, 1100.0]:
            gamma.append({"a": a, "x": x, "p": float(special.gammainc(a, x)), "q": float(special.gammaincc(a, x))})
    chi2 = [{"x": x, "dof": k, "sf": float(stats.chi2.sf(x, k))}
            for k in [1, 2, 3, 7, 30] for x in [0.0, 0.2, 1.0, 3.84, 10.0, 50.0, 120.0]]
    ndtr = [{"z": z, "cdf": float(special.ndtr(z))}
            for z in [-38.0, -10.0, -5.0, -1.96, -0.7, -0.1, 0.0, 0.3, 0.7071, 1.0, 1.96, 4.0, 9.0]]
    kolmogorov = [{"x": x, "sf": float(special.kolmogorov(x))}
                  for x in [0.02, 0.05, 0.2, 0.5, 0.8, 0.82, 0.83, 1.0, 1.36, 2.0, 3.0, 5.0]]
    smirnov = [{"n": n, "x": x, "sf": float(special.smirnov(n, x))}
               for n, x in [(1, 0.3), (5, 0.1), (5, 0.5), (10, 0.05), (10, 0.3), (10, 0.95), (50, 0.2),
                            (200, 0.1), (1000, 0.05), (1000, 0.01), (20000, 0.01), (500000, 0.002), (2000000, 0.001)]]
    kstwo = [{"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))}
             for n, x in [(5, 0.05), (5, 0.15), (5, 0.3), (5, 0.6), (5, 0.9), (10, 0.25), (10, 0.5),
                          (40, 0.1), (40, 0.2), (40, 0.35), (100, 0.05), (100, 0.15), (100, 0.25),
                          (140, 0.2), (141, 0.05), (1000, 0.01), (1000, 0.03), (1000, 0.06), (5000, 0.0005),
                          (5000, 0.01), (5000, 0.03), (100000, 0.0001), (200000, 0.001), (500000, 0.0015),
                          (500000, 0.003), (3, 0.2), (3, 0.7)]]
    ks_exact = []
    for n1, n2 in [(8, 11), (10, 10), (30, 45), (200, 150), (1000, 1000), (3000, 2500), (997, 1003)]:
        g = math.gcd(n1, n2)
        lcm = n1 // g * n2
        for frac in [0.05, 0.1, 0.2, 0.4, 0.7]:
            h = max(1, int(round(frac * lcm)))
            ok, d, p = _attempt_exact_2kssamp(n1, n2, g, h / lcm, "two-sided")
            if ok:
                ks_exact.append({"n1": n1, "n2": n2, "h": h, "sf": float(p)})
    return {"gamma": gamma, "chi2": chi2, "ndtr": ndtr, "kolmogorov": kolmogorov, "smirnov": smirnov,
            "kstwo": kstwo, "ks_exact": ks_exact}


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else \
        Path(__file__).resolve().parents[1] / "data" / "analysis" / "drift_reference.json"
    rng = np.random.default_rng(20240521)
    numeric = []
    same = rng.normal(0, 1, 600)
    numeric.append(numeric_case("identical", same, same.copy()))
    numeric.append(numeric_case("same_distribution", rng.normal(5, 2, 500), rng.normal(5, 2, 400)))
    numeric.append(numeric_case("shifted_normal", rng.normal(0, 1, 800), rng.normal(0.4, 1, 700)))
    numeric.append(numeric_case("scale_change", rng.normal(0, 1, 800), rng.normal(0, 2.5, 900)))
    numeric.append(numeric_case("small_8_11", rng.normal(0, 1, 8), rng.normal(0.8, 1, 11)))
    numeric.append(numeric_case("small_equal_9", rng.normal(0, 1, 9), rng.normal(1.5, 1, 9)))
    numeric.append(numeric_case("ties", rng.integers(0, 6, 300).astype(float), rng.integers(1, 7, 250).astype(float)))
    ref = rng.exponential(1.0, 400)
    cur = rng.exponential(1.3, 350)
    ref[rng.choice(400, 40, replace=False)] = np.nan
    cur[rng.choice(350, 70, replace=False)] = np.nan
    numeric.append(numeric_case("with_nan", ref, cur))
    numeric.append(numeric_case("constant_reference", np.full(50, 3.0), rng.normal(3, 0.1, 60)))
    numeric.append(numeric_case("exact_3000_2500", rng.normal(0, 1, 3000), rng.normal(0.05, 1, 2500), decimals=4))
    numeric.append(numeric_case("asymptotic_12000_10500", rng.normal(0, 1, 12000), rng.normal(0.03, 1.02, 10500),
                                decimals=3))

    cats = ["red", "green", "blue", "amber"]
    categorical = []
    categorical.append(categorical_case(
        "stable", list(rng.choice(cats, 400, p=[0.4, 0.3, 0.2, 0.1])), list(rng.choice(cats, 300, p=[0.4, 0.3, 0.2, 0.1]))))
    categorical.append(categorical_case(
        "shifted", list(rng.choice(cats, 400, p=[0.4, 0.3, 0.2, 0.1])), list(rng.choice(cats, 300, p=[0.25, 0.25, 0.25, 0.25]))))
    ref = list(rng.choice(cats, 200, p=[0.5, 0.3, 0.15, 0.05])) + [""] * 7
    cur = list(rng.choice(["red", "green", "blue", "violet"], 220, p=[0.5, 0.3, 0.15, 0.05])) + [""] * 3
    categorical.append(categorical_case("new_and_vanished", ref, cur))
    ref = list(rng.choice(cats, 300, p=[0.4, 0.3, 0.2, 0.1]))
    cur = list(rng.choice(cats[:3], 250, p=[0.5, 0.3, 0.2]))
    categorical.append(categorical_case("vanished_only", ref, cur))
    categorical = [{**c, "reference": [str(v) for v in c["reference"]], "current": [str(v) for v in c["current"]]}
                   for c in categorical]

    binary = []
    binary.append(binary_case("balanced", list(rng.choice(["no", "yes"], 500)), list(rng.choice(["no", "yes"], 450))))
    binary.append(binary_case("shifted", list(rng.choice(["0", "1"], 500, p=[0.7, 0.3])) + ["", ""],
                              list(rng.choice(["0", "1"], 400, p=[0.6, 0.4])) + [""]))
    binary = [{**b, "reference": [str(v) for v in b["reference"]], "current": [str(v) for v in b["current"]]}
              for b in binary]

    data = {
        "generator": "tests/tools/make_drift_reference.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "psi_empty_share": PSI_EMPTY_SHARE,
        "bins": BINS,
        "numeric": numeric,
        "categorical": categorical,
        "binary": binary,
        "special": special_values(),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
