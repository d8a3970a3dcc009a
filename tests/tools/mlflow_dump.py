# SPDX-License-Identifier: MIT
"""Dumps a tracking store as MLflow's own client sees it, as JSON, for the interop tests.

    python mlflow_dump.py --tracking-uri URI [--registry-uri URI] --out FILE

Everything goes through MlflowClient (search_experiments and search_runs with ViewType.ALL,
get_metric_history, search_registered_models, search_model_versions, get_model_version), so the dump is
MLflow's view, including what its API hides or rewrites. NaN and infinities are written as the strings
"NaN", "Infinity" and "-Infinity".
"""

import argparse
import json
import math
import os
import sys
import warnings

os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "true")
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

import mlflow  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.entities import ViewType  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)


def number(value):
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def pages(call, **kwargs):
    token = None
    while True:
        page = call(page_token=token, **kwargs)
        yield from page
        token = page.token
        if not token:
            return


def dump_metric(metric):
    point = [metric.step, metric.timestamp, number(metric.value)]
    # MLflow 3 ties metrics to datasets; the FileStore then writes 5-field lines (see the interop test).
    if getattr(metric, "dataset_name", None) or getattr(metric, "dataset_digest", None):
        point += [metric.dataset_name, metric.dataset_digest]
    return point


def dump_run(client, run, with_metrics):
    info, data = run.info, run.data
    out = {
        "run_id": info.run_id,
        "experiment_id": info.experiment_id,
        "name": info.run_name,
        "status": info.status,
        "lifecycle": info.lifecycle_stage,
        "start": info.start_time,
        "end": info.end_time,
        "user": info.user_id,
        "artifact_uri": info.artifact_uri,
        "params": dict(sorted(data.params.items())),
        "tags": dict(sorted(data.tags.items())),
        # MLflow's "latest" value per key: the point with the largest (step, timestamp, value).
        "latest": {k: number(v) for k, v in sorted(data.metrics.items())},
        "inputs": [],
    }
    for dataset_input in run.inputs.dataset_inputs if run.inputs else []:
        d = dataset_input.dataset
        tags = {t.key: t.value for t in dataset_input.tags}
        out["inputs"].append(
            {
                "name": d.name,
                "digest": d.digest,
                "source_type": d.source_type,
                "source": d.source,
                "schema": d.schema,
                "profile": d.profile,
                "context": tags.get("mlflow.data.context", ""),
                "tags": dict(sorted(tags.items())),
            }
        )
    if with_metrics:
        out["metrics"] = {
            key: [dump_metric(m) for m in client.get_metric_history(info.run_id, key)] for key in sorted(data.metrics)
        }
    return out


def dump_models(client):
    models = []
    for model in pages(client.search_registered_models, max_results=1000):
        versions = []
        for found in pages(client.search_model_versions, filter_string=f"name = '{model.name}'", max_results=1000):
            # search results may omit aliases on some stores; get_model_version carries them.
            v = client.get_model_version(model.name, found.version)
            versions.append(
                {
                    "version": int(v.version),
                    "stage": v.current_stage,
                    "run_id": v.run_id,
                    "source": v.source,
                    "status": v.status,
                    "description": v.description or "",
                    "aliases": sorted(v.aliases),
                    "tags": dict(sorted(v.tags.items())),
                }
            )
        versions.sort(key=lambda v: v["version"])
        full = client.get_registered_model(model.name)
        models.append(
            {
                "name": model.name,
                "description": full.description or "",
                "tags": dict(sorted(full.tags.items())),
                "aliases": dict(sorted((alias, int(version)) for alias, version in full.aliases.items())),
                "versions": versions,
            }
        )
    models.sort(key=lambda m: m["name"])
    return models


def dump_prompts(client):
    try:
        return sorted(p.name for p in pages(client.search_prompts, max_results=1000))
    except Exception as error:  # registries without prompt support
        print(f"mlflow_dump: no prompts ({error})", file=sys.stderr)
        return []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tracking-uri", required=True)
    parser.add_argument("--registry-uri")
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-metrics", action="store_true", help="skip metric histories (runs and latest only)")
    parser.add_argument("--no-registry", action="store_true")
    args = parser.parse_args()

    registry_uri = args.registry_uri or args.tracking_uri
    # MLflow's FileStore registry opens clients on the global URIs internally (else it creates ./mlflow.db).
    mlflow.set_tracking_uri(args.tracking_uri)
    mlflow.set_registry_uri(registry_uri)
    client = MlflowClient(tracking_uri=args.tracking_uri, registry_uri=registry_uri)
    experiments = sorted(
        pages(client.search_experiments, view_type=ViewType.ALL, max_results=1000), key=lambda e: e.experiment_id
    )
    result = {"mlflow_version": mlflow.__version__, "experiments": [], "runs": []}
    for e in experiments:
        result["experiments"].append(
            {
                "id": e.experiment_id,
                "name": e.name,
                "lifecycle": e.lifecycle_stage,
                "artifact_location": e.artifact_location,
                "creation_time": e.creation_time,
                "last_update_time": e.last_update_time,
                "tags": dict(sorted(e.tags.items())),
            }
        )
        for run in pages(
            client.search_runs, experiment_ids=[e.experiment_id], run_view_type=ViewType.ALL, max_results=1000
        ):
            result["runs"].append(dump_run(client, run, not args.no_metrics))
    result["runs"].sort(key=lambda r: r["run_id"])
    if not args.no_registry:
        result["models"] = dump_models(client)
        result["prompts"] = dump_prompts(client)

    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1, ensure_ascii=False, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
