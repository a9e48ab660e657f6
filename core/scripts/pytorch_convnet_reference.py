#!/usr/bin/env python3
"""Writes the PyTorch reference values that core's ConvnetPyTorchReferenceTest matches.

  conv.*     F.conv2d on random float32 inputs, weights (nn.Conv2d's init) and output gradients g
             for several shapes, strides and paddings, with and without a bias: the output and the
             gradients of x, weight and bias of sum(y * g), in float64 from the float32 values.
  maxpool.*, avgpool.*  the same for F.max_pool2d and F.avg_pool2d (no padding).
  init.*     the float32 bits of nn.Conv2d's initial weight and bias after torch.manual_seed(seed).
  cnn.*      the reference convnet of pytorch_train.py --model cnn after torch.manual_seed(42), with
             nn.Unflatten(1, (1, 28, 28)) in front: its initial parameters (float32 bits, in
             parameters() order), the first BATCH Fashion-MNIST training images (pixels / 255), and,
             in float64 from the float32 values, the logits, the mean cross-entropy and every
             parameter's gradient.

Needs Debian's python3-torch, python3-numpy and dataset-fashion-mnist; refuses PyTorch's default CPU
kernels, whose uniform_ differs in the last bit (see torch_init_reference.py).
Usage: /usr/bin/python3 core/scripts/pytorch_convnet_reference.py [output]
Output format, plain text: blocks of "name kind d0 d1 ..." on one line and the values on the next;
kind is f64, f32 (shortest text that reads back as the same float32), int, or bits (float32 bit
patterns in hex).
"""
import gzip
import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

BATCH, SEED = 8, 42
DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "gradlab", "core",
    "pytorch_convnet_reference.txt")
# name: N, C, H, W, out channels, kernel, stride, padding, bias
CONVS = {"a": (2, 3, 7, 6, 4, 3, 1, 0, True), "b": (2, 2, 8, 7, 3, 3, 2, 1, True),
         "c": (1, 3, 5, 5, 2, 2, 3, 2, False), "d": (3, 1, 6, 6, 2, 5, 1, 2, True)}
# name: N, C, H, W, kernel, stride
POOLS = {"a": (2, 3, 6, 7, 2, 2), "b": (1, 2, 7, 7, 3, 2), "c": (2, 1, 5, 6, 2, 1)}
# name: seed, in, out, kernel, stride, padding, bias
INITS = {"a": (-5, 3, 4, 3, 2, 1, True), "b": (2**40 + 7, 2, 3, 2, 1, 0, False)}

capability = re.search(r"CPU capability usage: ([^\n]+)", torch.__config__.show())
capability = capability.group(1).strip() if capability else "unknown"
if not capability.startswith("AVX"):
    sys.exit("torch runs its default CPU kernels (capability %s); see torch_init_reference.py" % capability)

blocks = []


def add(name, t, kind):
    blocks.append((name, t.detach(), kind))


def fmt(t, kind):
    flat = t.reshape(-1)
    if kind == "f32":
        return " ".join("0" if v == 0 else str(np.float32(v)) for v in flat.tolist())
    if kind == "int":
        return " ".join(str(int(v)) for v in flat.tolist())
    if kind == "bits":
        return " ".join("%08x" % b for b in flat.numpy().astype(np.float32).view(np.uint32).tolist())
    return " ".join("0" if v == 0 else "%.12g" % v for v in flat.tolist())


def gradients(name, forward, inputs):
    """forward(*float64 inputs) -> y; stores y and the gradients of sum(y * g) for a random float32 g."""
    leaves = [t.detach().double().requires_grad_(True) for t in inputs]
    y = forward(*leaves)
    g = torch.empty(y.shape).uniform_(-1, 1)
    (y * g.double()).sum().backward()
    add(name + ".g", g, "f32")
    add(name + ".y", y, "f64")
    return leaves


for name, (n, c, h, w, o, k, s, p, bias) in CONVS.items():
    torch.manual_seed(len(blocks) + 1)
    x = torch.empty(n, c, h, w).uniform_(-1, 1)
    conv = nn.Conv2d(c, o, k, stride=s, padding=p, bias=bias)
    inputs = [x, conv.weight] + ([conv.bias] if bias else [])
    for label, t in zip(["x", "weight", "bias"], inputs):
        add("conv.%s.%s" % (name, label), t, "f32")
    leaves = gradients("conv." + name, lambda *a: F.conv2d(a[0], a[1], a[2] if bias else None, stride=s, padding=p),
                       inputs)
    for label, t in zip(["x", "weight", "bias"], leaves):
        add("conv.%s.grad_%s" % (name, label), t.grad, "f64")

for name, (n, c, h, w, k, s) in POOLS.items():
    for pool, op in [("maxpool", F.max_pool2d), ("avgpool", F.avg_pool2d)]:
        torch.manual_seed(len(blocks) + 1)
        x = torch.empty(n, c, h, w).uniform_(-1, 1)
        add("%s.%s.x" % (pool, name), x, "f32")
        leaves = gradients("%s.%s" % (pool, name), lambda t: op(t, k, s), [x])
        add("%s.%s.grad_x" % (pool, name), leaves[0].grad, "f64")

with torch.no_grad():
    for name, (seed, i, o, k, s, p, bias) in INITS.items():
        torch.manual_seed(seed)
        conv = nn.Conv2d(i, o, k, stride=s, padding=p, bias=bias)
        add("init.%s.weight" % name, conv.weight, "bits")
        if bias:
            add("init.%s.bias" % name, conv.bias, "bits")


def idx(name, offset):
    with gzip.open(os.path.join(DATA, name)) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


torch.manual_seed(SEED)
model = nn.Sequential(nn.Unflatten(1, (1, 28, 28)),
                      nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Flatten(), nn.Linear(512, 10))
assert sum(q.numel() for q in model.parameters()) == 18378
pixels = idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 784)[:BATCH]
labels = torch.tensor(idx("train-labels-idx1-ubyte.gz", 8)[:BATCH], dtype=torch.long)
# float32(p / 255), computed in double and rounded once, which is what Java's (float) (p / 255.0) gives.
x32 = torch.tensor(pixels / 255.0, dtype=torch.float32)
add("cnn.pixels", torch.tensor(pixels.astype(np.int64)), "int")
add("cnn.labels", labels, "int")
for name, q in model.named_parameters():
    add("cnn.init." + name, q, "bits")
model64 = model.double()
logits = model64(x32.double())
loss = F.cross_entropy(logits, labels)
loss.backward()
add("cnn.logits", logits, "f64")
add("cnn.loss", loss.reshape(1), "f64")
for name, q in model64.named_parameters():
    add("cnn.grad." + name, q.grad, "f64")

with open(OUT, "w") as f:
    f.write("# Written by core/scripts/pytorch_convnet_reference.py (torch %s, CPU capability %s); do not edit.\n"
            % (torch.__version__, capability))
    for name, t, kind in blocks:
        f.write(" ".join([name, kind] + [str(d) for d in t.shape]) + "\n" + fmt(t, kind) + "\n")
print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")
