#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Dumps every scalar point of a TensorBoard log root as TensorBoard's own EventAccumulator reports it.

tb_dump.py LOGDIR --out FILE.json
A run is each folder that directly holds event files (relative path, "." for LOGDIR). size_guidance 0 keeps every
point (no reservoir sampling); purge_orphaned_data stays on, as in TensorBoard. Scalars are simple_value summaries
and rank-0 tensors of the "scalars" plugin. Output: {"runs": {run: {"scalars": {tag: [[step, wall_time, value]]},
"hparams": {name: text}}}}. Non-finite values are written as the strings "NaN", "Infinity", "-Infinity".
"""
import argparse
import json
import math
import os

from tensorboard.backend.event_processing import event_accumulator as ea
from tensorboard.plugins.hparams import plugin_data_pb2
from tensorboard.util import tensor_util


def number(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


def hparam_text(value):
    kind = value.WhichOneof("kind")
    if kind == "number_value":
        v = value.number_value
        return repr(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    return None


def dump_run(path):
    acc = ea.EventAccumulator(path, size_guidance={ea.SCALARS: 0, ea.TENSORS: 0, ea.HISTOGRAMS: 1,
                                                   ea.IMAGES: 1, ea.AUDIO: 1, ea.COMPRESSED_HISTOGRAMS: 1})
    acc.Reload()
    tags = acc.Tags()
    scalars = {}
    for tag in tags.get("scalars", []):
        scalars[tag] = [[e.step, e.wall_time, number(e.value)] for e in acc.Scalars(tag)]
    hparams = {}
    for tag in tags.get("tensors", []):
        meta = acc.summary_metadata.get(tag)
        plugin = meta.plugin_data.plugin_name if meta else ""
        if plugin == "scalars":
            points = []
            for e in acc.Tensors(tag):
                arr = tensor_util.make_ndarray(e.tensor_proto)
                if arr.ndim == 0:
                    points.append([e.step, e.wall_time, number(arr.item())])
            scalars[tag] = points
        elif plugin == "hparams":
            data = plugin_data_pb2.HParamsPluginData.FromString(meta.plugin_data.content)
            if data.HasField("session_start_info"):
                for k, v in data.session_start_info.hparams.items():
                    text = hparam_text(v)
                    if text is not None:
                        hparams[k] = text
    # hparams summaries without a value (PyTorch) never reach Tensors(); read their metadata directly.
    for tag, meta in acc.summary_metadata.items():
        if meta.plugin_data.plugin_name == "hparams" and tag.endswith("session_start_info"):
            data = plugin_data_pb2.HParamsPluginData.FromString(meta.plugin_data.content)
            for k, v in data.session_start_info.hparams.items():
                text = hparam_text(v)
                if text is not None:
                    hparams[k] = text
    return {"scalars": scalars, "hparams": hparams}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("logdir")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    runs = {}
    for root, dirs, files in os.walk(args.logdir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if any("tfevents" in f for f in files):
            rel = os.path.relpath(root, args.logdir).replace(os.sep, "/")
            runs[rel] = dump_run(root)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump({"runs": runs}, out, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
