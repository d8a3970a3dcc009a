#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes TensorBoard log roots with the real writers for the interop test: tb_write_events.py OUT_DIR

tensorboardX: simple_value scalars, add_hparams (a sub-run with the
hparams plugin), a restarted run (purge_step). TensorBoard's own writer: scalars-plugin tensors in float_val,
tensor_content (DT_FLOAT, as TF2) and double_val (DT_DOUBLE, as PyTorch's double_precision)."""
import math
import os
import struct
import sys

from tensorboardX import SummaryWriter
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tensorboard.summary.writer.event_file_writer import EventFileWriter


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    base_time = 1_700_000_000.0

    w = SummaryWriter(os.path.join(out, "tbx_simple"))
    for step in range(300):
        w.add_scalar("train/loss", math.exp(-step / 50.0), step, walltime=base_time + step * 0.125)
        if step % 10 == 0:
            w.add_scalar("val/acc", 1 - math.exp(-step / 70.0), step, walltime=base_time + step * 0.125 + 0.01)
    w.add_scalar("edge/nan", float("nan"), 0, walltime=base_time)
    w.add_scalar("edge/inf", float("inf"), 1, walltime=base_time + 1)
    w.close()

    # Tensor scalars as TF2 writes them (DT_FLOAT in tensor_content) and as PyTorch's double_precision does
    # (DT_DOUBLE in double_val), metadata on the first value only, through TensorBoard's own event writer.
    writer = EventFileWriter(os.path.join(out, "tensor_scalars"))
    for step in range(100):
        values = []
        for tag, dtype, fill in (("tensor/float", types_pb2.DT_FLOAT, "content"),
                                 ("tensor/double", types_pb2.DT_DOUBLE, "double_val")):
            tensor = tensor_pb2.TensorProto(dtype=dtype, tensor_shape=tensor_shape_pb2.TensorShapeProto())
            if fill == "content":
                tensor.tensor_content = struct.pack("<f", 0.1 * step)
            else:
                tensor.double_val.append(0.1 * step)
            value = summary_pb2.Summary.Value(tag=tag, tensor=tensor)
            if step == 0:
                value.metadata.plugin_data.plugin_name = "scalars"
            values.append(value)
        writer.add_event(event_pb2.Event(wall_time=base_time + step, step=step,
                                         summary=summary_pb2.Summary(value=values)))
    writer.close()

    w = SummaryWriter(os.path.join(out, "tbx_hparams"))
    w.add_hparams({"lr": 0.001, "batch": 32, "optimizer": "adam", "nesterov": True},
                  {"hparam/accuracy": 0.91, "hparam/loss": 0.25}, name="trial_1")
    w.close()

    # A restart: the second writer purges everything from step 50 on, then logs 50..119 again.
    w = SummaryWriter(os.path.join(out, "restart"))
    for step in range(100):
        w.add_scalar("loss", 1.0 / (step + 1), step, walltime=base_time + step)
    w.close()
    w = SummaryWriter(os.path.join(out, "restart"), purge_step=50, filename_suffix=".restart")
    for step in range(50, 120):
        w.add_scalar("loss", 2.0 / (step + 1), step, walltime=base_time + 1000 + step)
    w.close()

    # DT_FLOAT in float_val with the scalars plugin on every value, as TensorBoard's scalar_pb helper writes it.
    writer = EventFileWriter(os.path.join(out, "tb_native"))
    for step in range(50):
        tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, tensor_shape=tensor_shape_pb2.TensorShapeProto(),
                                        float_val=[step * 0.5])
        value = summary_pb2.Summary.Value(tag="native/value", tensor=tensor)
        value.metadata.plugin_data.plugin_name = "scalars"
        writer.add_event(event_pb2.Event(wall_time=base_time + step, step=step,
                                         summary=summary_pb2.Summary(value=[value])))
    writer.close()


if __name__ == "__main__":
    main()
