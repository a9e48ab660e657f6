#!/usr/bin/env python3
"""Writes the PyTorch reference values that core's PyTorchReferenceTest matches.

A reduced reference MLP, 784-HIDDEN-10 without biases, on the first BATCH Fashion-MNIST training
images (pixels / 255), with PyTorch's default nn.Linear init (seed 7) stored as float32; then, for
each activation (sigmoid, relu, requ, tanh), the logits, the mean cross-entropy and the gradients
of both weights, computed in float64 from those float32 inputs and weights.

Needs Debian's python3-torch, python3-numpy and dataset-fashion-mnist.
Usage: /usr/bin/python3 core/scripts/pytorch_reference.py [output]
Output format, plain text: blocks of "name d0 d1 ..." on one line and the values on the next;
the input is stored as integer pixels, x = float32(pixels / 255).
"""
import gzip
import os
import sys

import numpy as np
import torch

HIDDEN, BATCH, SEED = 6, 4, 7
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "gradlab", "core",
    "pytorch_reference.txt")


def idx(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def requ(z):
    return torch.where(z > 0, z * z, torch.zeros_like(z))


ACTIVATIONS = {"sigmoid": torch.sigmoid, "relu": torch.relu, "requ": requ, "tanh": torch.tanh}

pixels = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)[:BATCH]
# float32(p / 255), computed in double and rounded once, which is what Java's (float) (p / 255.0) gives.
x32 = torch.tensor(pixels / 255.0, dtype=torch.float32)
labels = torch.tensor(idx("train-labels-idx1-ubyte.gz", 8)[:BATCH], dtype=torch.long)
torch.manual_seed(SEED)
w1_32 = torch.nn.Linear(784, HIDDEN, bias=False).weight.detach().clone()
w2_32 = torch.nn.Linear(HIDDEN, 10, bias=False).weight.detach().clone()

# The Java side rounds the same float32 values; keep every pre-activation far from ReLU's kink.
pre = x32.double() @ w1_32.double().t()
assert pre.abs().min().item() > 1e-3, "a pre-activation is too close to 0; change SEED"


def fmt(t, kind):
    flat = t.detach().reshape(-1)
    if kind == "f32":  # shortest text that reads back as the same float32
        return " ".join("0" if v == 0 else str(np.float32(v)) for v in flat.tolist())
    if kind == "int":
        return " ".join(str(int(v)) for v in flat.tolist())
    return " ".join("0" if v == 0 else "%.9g" % v for v in flat.tolist())


blocks = [("pixels", torch.tensor(pixels.astype(np.int64)), "int"), ("labels", labels, "int"), ("w1", w1_32, "f32"), ("w2", w2_32, "f32")]
for name, act in ACTIVATIONS.items():
    w1 = w1_32.double().requires_grad_(True)
    w2 = w2_32.double().requires_grad_(True)
    logits = act(x32.double() @ w1.t()) @ w2.t()
    loss = torch.nn.functional.cross_entropy(logits, labels)
    loss.backward()
    blocks += [(name + ".logits", logits, "f64"), (name + ".loss", loss.reshape(1), "f64"),
               (name + ".grad_w1", w1.grad, "f64"), (name + ".grad_w2", w2.grad, "f64")]

with open(OUT, "w") as f:
    f.write("# Written by core/scripts/pytorch_reference.py (torch %s, float64); do not edit.\n" % torch.__version__)
    for name, t, kind in blocks:
        f.write(name + " " + " ".join(str(d) for d in t.shape) + "\n" + fmt(t, kind) + "\n")
print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")
