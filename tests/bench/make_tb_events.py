# SPDX-License-Identifier: MIT
"""Writes a large TensorBoard log directory directly in the event-file format, fast, with the standard library only.

    python3 make_tb_events.py OUT [--runs R] [--tags T] [--steps S]

OUT gets R run folders (run_000, ...), each with one event file of T scalar tags x S steps (default
1 x 1000 x 10000 = 10M points). The records are what PyTorch's SummaryWriter and tensorboardX write for
add_scalar: a first Event with file_version "brain.Event:2", then one Event per tag per step
(wall_time, step, Summary with one Value{tag, simple_value}), in TFRecord framing with masked CRC32C.
All tags of a step share its wall time. OUT/manifest.json records the counts.

The checksums are not computed byte by byte for 10M records: CRC32C is linear, so a record's CRC is the XOR
of the CRCs of its parts (step prefix, tag, value), each padded with zeros to its place in the record.
The step prefix is done once per step, the tag once per tag, and the 4 value bytes by two 64K-entry tables.
"""

import argparse
import json
import math
import struct
from pathlib import Path

POLY = 0x82F63B78  # CRC32C (Castagnoli), reflected
MASK_DELTA = 0xA282EAD8
BASE_TIME = 1_714_521_600.0

TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ POLY if _c & 1 else _c >> 1
    TABLE.append(_c)


def raw_crc(data, crc=0):
    """The CRC register after data, from crc, without the final inversion (linear in data when crc=0)."""
    for b in data:
        crc = TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def crc32c(data):
    return raw_crc(data, 0xFFFFFFFF) ^ 0xFFFFFFFF


def mask(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + MASK_DELTA) & 0xFFFFFFFF


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def frame(payload):
    """One TFRecord: uint64 length, masked CRC of the length, data, masked CRC of the data."""
    length = struct.pack("<Q", len(payload))
    return length + struct.pack("<I", mask(crc32c(length))) + payload + struct.pack("<I", mask(crc32c(payload)))


def tag_names(count):
    groups = ("train", "val", "test", "grad_norm", "lr")
    return [f"{groups[k % len(groups)]}/metric_{k}" for k in range(count)]


def write_run(path, tags, steps, seed):
    # Per tag: the bytes after the step prefix up to the value (Summary{Value{tag, simple_value=...}}).
    mids = []
    for tag in tags:
        name = tag.encode()
        value = b"\x0a" + varint(len(name)) + name + b"\x15"  # Value.tag (1), then simple_value (2) tag byte
        value_len = len(value) + 4
        summary = b"\x0a" + varint(value_len)  # Summary.value (1)
        summary_len = len(summary) + value_len
        mids.append(b"\x2a" + varint(summary_len) + summary + value)  # Event.summary (5)
    # raw CRC of the 4 value bytes as they end a record: two tables, one per 16-bit half (little-endian).
    low = [raw_crc(struct.pack("<H", v) + b"\0\0") for v in range(65536)]
    high = [raw_crc(b"\0\0" + struct.pack("<H", v)) for v in range(65536)]
    # raw CRC of each tag's part followed by the 4 value bytes as zeros.
    mid_crc = [raw_crc(m + b"\0\0\0\0") for m in mids]
    mid_lens = sorted({len(m) for m in mids})
    mid_class = [mid_lens.index(len(m)) for m in mids]
    # Register after n zero bytes from the initial 0xFFFFFFFF: what the initial value contributes.
    init_after = {}

    def init_contribution(n):
        if n not in init_after:
            init_after[n] = raw_crc(bytes(n), 0xFFFFFFFF)
        return init_after[n]

    rates = [1.0 / (500.0 + 37.0 * ((k * 7919 + seed) % 97)) for k in range(len(tags))]
    phases = [(k * 2654435761 + seed) % 1000 / 159.0 for k in range(len(tags))]
    pack_values = struct.Struct(f"<{len(tags)}f").pack
    unpack_bits = struct.Struct(f"<{len(tags)}I").unpack
    pack_crc = struct.Struct("<I").pack
    ntags = len(tags)

    with open(path, "wb", buffering=1 << 22) as out:
        out.write(frame(b"\x09" + struct.pack("<d", BASE_TIME) + b"\x1a\x0dbrain.Event:2"))
        for step in range(steps):
            wall = BASE_TIME + 1.0 + step * 0.05
            prefix = b"\x09" + struct.pack("<d", wall)
            if step:  # proto3 leaves out a zero step
                prefix += b"\x10" + varint(step)
            # Per length class: the record header and the CRC of prefix + init, the tag part and value as zeros.
            heads, bases = [], []
            for n in mid_lens:
                size = len(prefix) + n + 4
                length = struct.pack("<Q", size)
                heads.append(length + pack_crc(mask(crc32c(length))) + prefix)
                bases.append(raw_crc(prefix + bytes(n + 4)) ^ init_contribution(size) ^ 0xFFFFFFFF)
            values = [math.exp(-step * rates[k]) + 0.02 * math.sin(step * 0.013 + phases[k]) for k in range(ntags)]
            packed = pack_values(*values)
            bits = unpack_bits(packed)
            parts = []
            append = parts.append
            for k in range(ntags):
                c = mid_class[k]
                v = bits[k]
                crc = bases[c] ^ mid_crc[k] ^ low[v & 0xFFFF] ^ high[v >> 16]
                crc = ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + MASK_DELTA) & 0xFFFFFFFF
                append(heads[c])
                append(mids[k])
                append(packed[4 * k : 4 * k + 4])
                append(pack_crc(crc))
            out.write(b"".join(parts))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--tags", type=int, default=1000)
    parser.add_argument("--steps", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.exists():
        raise SystemExit(f"{args.out} exists; remove it first")
    tags = tag_names(args.tags)
    for r in range(args.runs):
        run = args.out / f"run_{r:03d}"
        run.mkdir(parents=True)
        # The name PyTorch's SummaryWriter gives: events.out.tfevents.<time>.<host>.<pid>.<counter>
        write_run(run / f"events.out.tfevents.{int(BASE_TIME) + r}.bench.1000.0", tags, args.steps, args.seed + r)
    manifest = {"runs": args.runs, "tags": args.tags, "steps": args.steps,
                "points": args.runs * args.tags * args.steps}
    (args.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")


if __name__ == "__main__":
    main()
