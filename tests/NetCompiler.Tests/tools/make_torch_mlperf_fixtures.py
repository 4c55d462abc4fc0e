#!/usr/bin/env python3
"""Writes the PyTorch fixtures of the MLPerf Tiny reference models (run once; the output is committed, so the test
command needs no Python). Needs PyTorch (Debian: apt-get install python3-torch; run it with /usr/bin/python3).

The layer lists follow the MLPerf Tiny training scripts (mlcommons/tiny, benchmark/training):
  anomaly_detection: the ToyADMOS autoencoder, 640 - 4 x [Linear 128, BatchNorm1d, ReLU] - Linear 8, BatchNorm1d, ReLU
                     - 4 x [Linear 128, BatchNorm1d, ReLU] - Linear 640, mean squared error;
  keyword_spotting:  DS-CNN on 1 x 49 x 10 MFCCs, Conv2d(64, 10x4, stride 2, TensorFlow "same": a ZeroPad2d before it),
                     BatchNorm2d, ReLU, Dropout(0.2), 4 x [depthwise 3x3 "same", BatchNorm2d, ReLU, pointwise 1x1 64,
                     BatchNorm2d, ReLU], Dropout(0.4), global average pooling, Linear 12, softmax cross-entropy.
The NetCompiler declarations are in Networks/Networks.MLPerf.cs.

For each model:
  Torch/mlperf_{name}.safetensors  model.state_dict() (random weights, gamma, beta, running statistics, and
                                   num_batches_tracked) in the safetensors format, F32 (I64 for the counters),
                                   header keys sorted, data in key order: what safetensors.torch.save_file writes;
  Torch/mlperf_{name}.json         eval-mode outputs for 4 inputs; and one training step: 8 rows, their targets, the
                                   learning rate and the dropout seed, and the mean loss in train mode;
  Torch/mlperf_{name}_step.safetensors  after one SGD step on that mean loss, three flat tensors: "parameters" (F64,
                                   NetCompiler's order: each module's weight then bias), "buffers" (F64, each BatchNorm's
                                   running mean then running variance) and "batches_tracked" (I64, one per BatchNorm).
The training step's dropout masks are NetCompiler's: a SplitMix64 sequence from the seed, one step per value, the
Dropout layers in order, then the rows, then the values (c, h, w); a value is kept when (next >> 11) * 2^-53 >= p and
then scaled by 1 / (1 - p) rounded to float, exactly as the generated code does.
"""
import json
import struct
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent.parent / "Torch"
MASK64 = (1 << 64) - 1


def write_safetensors(path, state):
    header, data = {}, b""
    for name in sorted(state):
        tensor = state[name].detach()
        begin = len(data)
        if tensor.dtype == torch.int64:
            values = tensor.reshape(-1).tolist()
            data += struct.pack("<%dq" % len(values), *values)
            dtype = "I64"
        else:
            values = tensor.to(torch.float32).contiguous().reshape(-1).tolist()
            data += struct.pack("<%df" % len(values), *values)
            dtype = "F32"
        header[name] = {"dtype": dtype, "shape": list(tensor.shape), "data_offsets": [begin, len(data)]}
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text.encode() + data)


class Masks:
    """NetCompiler's dropout sequence (SplitMix64 from DropoutSeed)."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def mask(self, rows, size, p):
        scale = struct.unpack("<f", struct.pack("<f", 1.0 / (1.0 - p)))[0]
        values = [[scale if (self.next() >> 11) * 2.0 ** -53 >= p else 0.0 for _ in range(size)] for _ in range(rows)]
        return torch.tensor(values, dtype=torch.float64)


class FixedDropout(nn.Module):
    """nn.Dropout with NetCompiler's masks in training (no parameters, so module indices stay those of nn.Dropout)."""

    def __init__(self, p):
        super().__init__()
        self.p = p
        self.source = None

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        m = self.source.mask(x.shape[0], x[0].numel(), self.p).reshape(x.shape)
        return x * m


def flat_parameters(model):
    values = []
    for module in model:
        for attr in ("weight", "bias"):
            p = getattr(module, attr, None)
            if isinstance(p, nn.Parameter):
                values += p.detach().reshape(-1).tolist()
    return values


def flat_buffers(model):
    values, counts = [], []
    for module in model:
        if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            values += module.running_mean.reshape(-1).tolist() + module.running_var.reshape(-1).tolist()
            counts.append(int(module.num_batches_tracked.item()))
    return values, counts


def fixture(name, model, input_shape, loss, seed, lr, dropout_seed):
    torch.manual_seed(seed)
    model = model.double()
    with torch.no_grad():
        for module in model:
            if isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
                c = module.num_features
                module.weight.copy_(0.5 + torch.rand(c, dtype=torch.float64))
                module.bias.copy_(torch.rand(c, dtype=torch.float64) - 0.5)
                module.running_mean.copy_(0.2 * torch.randn(c, dtype=torch.float64))
                module.running_var.copy_(0.5 + torch.rand(c, dtype=torch.float64))
                module.num_batches_tracked.fill_(3)
        # The file holds F32 values: compute with exactly those, in double.
        for p in list(model.parameters()) + [b for b in model.buffers() if b.dtype == torch.float64]:
            p.copy_(p.to(torch.float32).to(torch.float64))
    write_safetensors(HERE / f"mlperf_{name}.safetensors", model.state_dict())

    model.eval()
    inputs = (torch.randn((4,) + input_shape, dtype=torch.float64)).to(torch.float32).to(torch.float64)
    with torch.no_grad():
        logits = model(inputs)
        outputs = torch.softmax(logits, dim=1) if loss == "cross-entropy" else logits

    rows = 8
    x = torch.randn((rows,) + input_shape, dtype=torch.float64).to(torch.float32).to(torch.float64)
    if loss == "cross-entropy":
        classes = torch.randint(0, logits.shape[1], (rows,))
        target = torch.zeros((rows, logits.shape[1]), dtype=torch.float64)
        target[torch.arange(rows), classes] = 1.0
    else:
        target = torch.randn((rows, logits.shape[1]), dtype=torch.float64).to(torch.float32).to(torch.float64)

    model.train()
    masks = Masks(dropout_seed)
    for module in model:
        if isinstance(module, FixedDropout):
            module.source = masks
    y = model(x)
    if loss == "cross-entropy":
        e = -(target * torch.log_softmax(y, dim=1)).sum(dim=1).mean()
    else:
        e = ((target - y) ** 2).mean()
    model.zero_grad()
    e.backward()
    with torch.no_grad():
        for p in model.parameters():
            p -= lr * p.grad
    buffers, counts = flat_buffers(model)

    (HERE / f"mlperf_{name}.json").write_text(json.dumps({
        "inputs": inputs.reshape(inputs.shape[0], -1).tolist(),
        "outputs": outputs.reshape(outputs.shape[0], -1).tolist(),
        "train": {
            "inputs": x.reshape(rows, -1).tolist(),
            "targets": target.reshape(rows, -1).tolist(),
            "learning_rate": lr,
            "dropout_seed": dropout_seed,
            "loss": e.item(),
        },
    }) + "\n")
    write_step(HERE / f"mlperf_{name}_step.safetensors", flat_parameters(model), buffers, counts)


def write_step(path, parameters, buffers, counts):
    header, data = {}, b""
    for name, values, code, dtype in (("batches_tracked", counts, "q", "I64"), ("buffers", buffers, "d", "F64"), ("parameters", parameters, "d", "F64")):
        begin = len(data)
        data += struct.pack("<%d%s" % (len(values), code), *values)
        header[name] = {"dtype": dtype, "shape": [len(values)], "data_offsets": [begin, len(data)]}
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text.encode() + data)


def dense_block(inputs, units):
    return [nn.Linear(inputs, units), nn.BatchNorm1d(units), nn.ReLU()]


HERE.mkdir(exist_ok=True)

# MLPerfAnomalyDetection: 640 -> 128 x 4 -> 8 -> 128 x 4 -> 640.
layers = []
sizes = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128]
for a, b in zip(sizes, sizes[1:]):
    layers += dense_block(a, b)
layers.append(nn.Linear(128, 640))
fixture("anomaly_detection", nn.Sequential(*layers), (640,), "mean-squared-error", 5, 0.01, 0)

# MLPerfKeywordSpotting: TensorFlow's "same" with stride 2 on 49 x 10 and a 10 x 4 kernel gives 25 x 5 and needs 9 rows
# of zeros (4 top, 5 bottom) and 2 columns (1 left, 1 right); the depthwise 3 x 3 "same" convolutions pad 1.
layers = [nn.ZeroPad2d((1, 1, 4, 5)), nn.Conv2d(1, 64, (10, 4), stride=2), nn.BatchNorm2d(64), nn.ReLU(), FixedDropout(0.2)]
for _ in range(4):
    layers += [nn.Conv2d(64, 64, 3, padding=1, groups=64), nn.BatchNorm2d(64), nn.ReLU(),
               nn.Conv2d(64, 64, 1), nn.BatchNorm2d(64), nn.ReLU()]
layers += [FixedDropout(0.4), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 12)]
fixture("keyword_spotting", nn.Sequential(*layers), (1, 49, 10), "cross-entropy", 6, 0.05, 7)
