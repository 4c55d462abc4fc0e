#!/usr/bin/env python3
"""Writes the PyTorch fixtures of the convolutional-network tests (run once; the output is committed, so the test
command needs no Python). Needs PyTorch (Debian: apt-get install python3-torch; run it with /usr/bin/python3).

For each model below, a torch.nn.Sequential with the same layers as a declaration in ConvolutionTests.cs:
  Torch/{name}.safetensors  model.state_dict() in the safetensors format (keys by module index: 0.weight, 0.bias,
                            3.weight, ...; F32 little-endian; header keys sorted, data in key order), written here by
                            hand from the format's definition, as safetensors.torch.save_file writes such a dict;
  Torch/{name}.json         inputs, PyTorch's outputs for them (eval mode, with the declaration's last activation), and
                            for the first input and a target, the loss and d(loss)/d(parameters) from autograd,
                            flattened in NetCompiler's parameter order (each module's weight, then its bias).
"""
import json
import struct
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent.parent / "Torch"


def write_safetensors(path, state):
    header, data = {}, b""
    for name in sorted(state):
        values = state[name].detach().to(torch.float32).contiguous().reshape(-1).tolist()
        begin = len(data)
        data += struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": list(state[name].shape), "data_offsets": [begin, len(data)]}
    text = json.dumps(header, separators=(",", ":"))
    text += " " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text.encode() + data)


def fixture(name, model, input_shape, last, loss, seed):
    torch.manual_seed(seed)
    for module in model:
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()
    model = model.double()
    model.eval()
    write_safetensors(HERE / f"{name}.safetensors", model.state_dict())

    inputs = torch.rand((4,) + input_shape, dtype=torch.float64) * 4 - 2
    # The file holds F32 values: compute with exactly those, in double.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.float32).to(torch.float64))
        inputs = inputs.to(torch.float32).to(torch.float64)
        outputs = last(model(inputs))

    x = inputs[:1]
    logits = model(x)
    if loss == "cross-entropy":
        target = torch.zeros_like(logits)
        target[0, 1] = 1.0
        e = -(target * torch.log_softmax(logits, dim=1)).sum()
    elif loss == "binary-cross-entropy":
        target = torch.tensor([[1.0, 0.0]], dtype=torch.float64)
        e = nn.functional.binary_cross_entropy_with_logits(logits, target, reduction="sum")
    else:
        target = torch.linspace(-0.5, 0.5, logits[0].numel(), dtype=torch.float64).reshape(logits.shape)
        e = 0.5 * ((target - last(logits)) ** 2).sum()
    model.zero_grad()
    e.backward()
    gradient = []
    for module in model:
        for attr in ("weight", "bias"):
            p = getattr(module, attr, None)
            if isinstance(p, torch.nn.Parameter):
                gradient += p.grad.reshape(-1).tolist()

    (HERE / f"{name}.json").write_text(json.dumps({
        "inputs": inputs.reshape(inputs.shape[0], -1).tolist(),
        "outputs": outputs.reshape(outputs.shape[0], -1).tolist(),
        "target": target.reshape(-1).tolist(),
        "loss": e.item(),
        "gradient": gradient,
    }, indent=1) + "\n")


HERE.mkdir(exist_ok=True)
softmax = lambda y: torch.softmax(y, dim=1)
identity = lambda y: y

# ConvolutionTests.TorchDigitsCnn: the digits CNN.
fixture("digits_cnn", nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64, 10)), (1, 8, 8), softmax, "cross-entropy", 1)

# ConvolutionTests.TorchSequence: strided grouped Conv1d with padding, count_include_pad average pooling, a dilated
# Conv1d without bias, global average pooling, a sigmoid output (binary cross-entropy).
fixture("sequence", nn.Sequential(
    nn.Conv1d(3, 6, 5, stride=2, padding=2, groups=3), nn.Tanh(), nn.AvgPool1d(3, stride=1, padding=1),
    nn.Conv1d(6, 4, 3, dilation=2, bias=False), nn.LeakyReLU(0.01), nn.AdaptiveAvgPool1d(1),
    nn.Flatten(), nn.Linear(4, 2)), (3, 24), torch.sigmoid, "binary-cross-entropy", 2)

# ConvolutionTests.TorchKeywordSpotting: a small DS-CNN. TensorFlow's "same" with stride 2 is a ZeroPad2d before the
# convolution in PyTorch (its padding="same" allows stride 1 only): for an 11x6 input, a 4x2 kernel and stride 2, the
# output is 6x3 and the zeros are 1 top and 2 bottom (an odd total of 3: the extra one at the end), none left or right.
# Then a depthwise 3x3, a pointwise 1x1, a padded overlapping max pool, global average pooling and a softmax.
fixture("keyword_spotting", nn.Sequential(
    nn.ZeroPad2d((0, 0, 1, 2)), nn.Conv2d(1, 4, (4, 2), stride=2), nn.ReLU(),
    nn.Conv2d(4, 4, 3, padding=1, groups=4), nn.ReLU(),
    nn.Conv2d(4, 8, 1), nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1),
    nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 3)), (1, 11, 6), softmax, "cross-entropy", 3)

# ConvolutionTests.TorchSpatialOutput: a network that ends with a convolution (outputs are its values), squared error.
fixture("spatial_output", nn.Sequential(
    nn.Conv2d(2, 3, 3, padding=1), nn.Sigmoid(), nn.AvgPool2d(2),
    nn.Conv2d(3, 2, 2, stride=1)), (2, 6, 6), identity, "half-squared-error", 4)
