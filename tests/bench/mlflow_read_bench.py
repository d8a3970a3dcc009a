# SPDX-License-Identifier: MIT
"""Times MLflow's own Python client reading a whole store: what a script needs to get every curve.

    python mlflow_read_bench.py TRACKING_URI [--json]

search_runs over every experiment (ViewType.ALL, paged), then get_metric_history for every run and key.
Prints seconds and points per second (with --json, one JSON object).
"""

import argparse
import json
import os
import time

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("tracking_uri")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    mlflow.set_tracking_uri(args.tracking_uri)  # internal clients follow the global URI
    client = MlflowClient(tracking_uri=args.tracking_uri)
    started = time.perf_counter()
    experiment_ids = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL, max_results=1000)]
    runs = []
    token = None
    while True:
        page = client.search_runs(experiment_ids, run_view_type=ViewType.ALL, max_results=1000, page_token=token)
        runs.extend(page)
        token = page.token
        if not token:
            break
    searched = time.perf_counter()
    points = 0
    for run in runs:
        for key in run.data.metrics:
            points += len(client.get_metric_history(run.info.run_id, key))
    finished = time.perf_counter()

    seconds = finished - started
    result = {
        "runs": len(runs),
        "points": points,
        "seconds": seconds,
        "search_seconds": searched - started,
        "history_seconds": finished - searched,
        "points_per_second": points / seconds if seconds > 0 else 0.0,
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"MLflow client: {len(runs)} runs, {points:,} points in {seconds:.2f} s "
            f"(search_runs {result['search_seconds']:.2f} s), {result['points_per_second']:,.0f} points/s"
        )


if __name__ == "__main__":
    main()
