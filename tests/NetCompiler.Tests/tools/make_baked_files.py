#!/usr/bin/env python3
"""Writes the parameter files the baked-network tests compile in (run once; the output is committed).

Laid out by hand from the safetensors definition, independent of NetCompiler's own writer:
  mixed.safetensors  NetCompiler names (layers.{i}.weight/bias), F32, for a 6-12-3 network
                     (layer 0 has 72 weights: looped by default; layer 1 has 36: unrolled).
  torch.safetensors  PyTorch nn.Sequential(Linear(4, 5), Tanh(), Linear(5, 2, bias=False)) names
                     (0.weight, 0.bias, 2.weight), F64, header keys in a shuffled order.
"""
import json
import random
import struct
from pathlib import Path

def write(path, tensors, dtype, order=None):
    fmt, size = {"F32": ("<f", 4), "F64": ("<d", 8)}[dtype]
    header, data = {}, b""
    for name, shape, values in tensors:
        begin = len(data)
        data += b"".join(struct.pack(fmt, v) for v in values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [begin, len(data)]}
    keys = order or list(header)
    text = json.dumps({k: header[k] for k in keys}, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text.encode() + data)

rng = random.Random(20261127)
def values(n):
    return [rng.uniform(-0.8, 0.8) for _ in range(n)]

here = Path(__file__).resolve().parent.parent / "Baked"
write(here / "mixed.safetensors", [
    ("layers.0.bias", [12], values(12)),
    ("layers.0.weight", [12, 6], values(72)),
    ("layers.1.bias", [3], values(3)),
    ("layers.1.weight", [3, 12], values(36)),
], "F32")
write(here / "torch.safetensors", [
    ("0.bias", [5], values(5)),
    ("0.weight", [5, 4], values(20)),
    ("2.weight", [2, 5], values(10)),
], "F64", order=["2.weight", "0.bias", "0.weight"])
