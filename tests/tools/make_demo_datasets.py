#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the demo workspace's dataset pair: a reference (training) table and two current (serving) tables, one
drawn from the same distributions (no drift) and one that drifted (incomes up, a region grows, a new employment
category, more missing credit scores). Standard library only, seeded, so the files are the same on every run.

    python3 tests/tools/make_demo_datasets.py resources/demo/datasets
"""
import csv
import math
import os
import random
import sys

ROWS = 4000
REGIONS = ["north", "south", "east", "west", "centre"]
EMPLOYMENT = ["salaried", "self-employed", "student", "retired"]


def rows(seed, drifted):
    rng = random.Random(seed)
    out = []
    for i in range(ROWS):
        age = max(18, min(90, round(rng.gauss(41, 12))))
        income = round(math.exp(rng.gauss(10.6 + (0.25 if drifted else 0.0), 0.45)), 2)
        loan = round(income * rng.uniform(0.1, 0.6) * (1.15 if drifted else 1.0), 2)
        score = round(rng.gauss(680, 60))
        if rng.random() < (0.12 if drifted else 0.02):
            score = ""
        region_weights = [3, 2, 2, 2, 1] if not drifted else [2, 2, 1, 2, 4]
        region = rng.choices(REGIONS, region_weights)[0]
        employment = rng.choices(EMPLOYMENT, [6, 2, 1, 1])[0]
        if drifted and rng.random() < 0.08:
            employment = "gig-economy"
        default = "yes" if rng.random() < (0.11 if drifted else 0.08) else "no"
        tenure = round(rng.expovariate(1 / 6.0), 1)
        out.append([f"c{seed}-{i:05d}", age, income, loan, score, region, employment, tenure, default])
    return out


def write(path, table):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customer_id", "age", "income", "loan_amount", "credit_score", "region", "employment",
                    "tenure_years", "defaulted"])
        w.writerows(table)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "resources/demo/datasets"
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "reference.csv"), rows(1, False))
    write(os.path.join(out, "current_stable.csv"), rows(2, False))
    write(os.path.join(out, "current_drifted.csv"), rows(3, True))


if __name__ == "__main__":
    main()
