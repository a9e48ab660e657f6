#!/usr/bin/env python3
"""Evaluates a gradlab model.safetensors in PyTorch, to show the file loads unchanged.

The file is parsed with json and numpy alone (no safetensors package): an 8-byte little-endian
header length, the JSON header, then little-endian float32 data at each tensor's data_offsets.
The network comes from the header's __metadata__ (its "spec", or the layers, activation and bias
entries of the earlier MLP format); the tensors go into the equivalent nn.Sequential with
load_state_dict(strict=True), and the script prints the number of correctly classified images of an
IDX test set (gzip), scaled by / 255 as gradlab does. Run with Debian's /usr/bin/python3 and
python3-torch:

    /usr/bin/python3 cli/scripts/torch_evaluate.py MODEL t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz
"""
import gzip
import json
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU, "tanh": nn.Tanh}


class ReQU(nn.Module):
    """z = x^2 for x > 0, else 0."""

    def forward(self, x):
        return torch.where(x > 0, x * x, torch.zeros_like(x))


def load(path):
    b = open(path, "rb").read()
    n = int.from_bytes(b[:8], "little")
    assert (8 + n) % 8 == 0, f"the data must start 8-byte aligned, the header ends at byte {8 + n}"
    header = json.loads(b[8:8 + n])
    meta = header.pop("__metadata__")
    data = b[8 + n:]
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", t
        begin, end = t["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return meta, tensors


def module(spec):
    """The PyTorch module a gradlab spec (its JSON, see ModelSpec) describes."""
    t = spec["type"]
    if t == "Sequential":
        return nn.Sequential(OrderedDict((layer["name"], module(layer)) for layer in spec["layers"]))
    if t == "Linear":
        return nn.Linear(spec["in_features"], spec["out_features"], bias=spec["bias"])
    if t == "Conv2d":
        return nn.Conv2d(spec["in_channels"], spec["out_channels"], spec["kernel_size"], spec["stride"],
                         spec["padding"], bias=spec["bias"])
    if t == "MaxPool2d":
        return nn.MaxPool2d(spec["kernel_size"], spec["stride"])
    if t == "AvgPool2d":
        return nn.AvgPool2d(spec["kernel_size"], spec["stride"])
    if t == "Flatten":
        return nn.Flatten(spec["start_dim"], spec["end_dim"])
    if t == "Unflatten":
        return nn.Unflatten(spec["dim"], tuple(spec["unflattened_size"]))
    if t == "Dropout":
        return nn.Dropout(float(spec["p"]))
    if t == "ReQU":
        return ReQU()
    return ACTIVATIONS[t.lower()]()


def model(meta):
    if "spec" in meta:
        return module(json.loads(meta["spec"]))
    sizes = [int(s) for s in meta["layers"].split("-")]
    bias = meta["bias"] == "true"
    layers = []
    for i in range(len(sizes) - 1):
        if i > 0:
            layers.append(ReQU() if meta["activation"] == "requ" else ACTIVATIONS[meta["activation"]]())
        layers.append(nn.Linear(sizes[i], sizes[i + 1], bias=bias))
    return nn.Sequential(*layers)


def idx(path, offset):
    return np.frombuffer(gzip.open(path).read(), dtype=np.uint8, offset=offset)


def main():
    meta, tensors = load(sys.argv[1])
    net = model(meta)
    net.load_state_dict(tensors, strict=True)
    net.eval()
    labels = torch.from_numpy(idx(sys.argv[3], 8).astype(np.int64))
    images = torch.from_numpy(idx(sys.argv[2], 16).reshape(len(labels), -1).astype(np.float32) / 255)
    with torch.no_grad():
        correct = int((net(images).argmax(dim=1) == labels).sum())
    print(f"correct {correct} of {len(labels)}")


if __name__ == "__main__":
    main()
