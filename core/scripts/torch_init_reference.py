#!/usr/bin/env python3
"""Writes the PyTorch initial weights that core's TorchGeneratorTest matches bit for bit.

For each seed: torch.manual_seed(seed), then nn.Linear(784, 512, bias=False) and
nn.Linear(512, 10, bias=False) drawn one after the other from that generator (the reference MLP);
torch.manual_seed(seed) again, then nn.Linear(5, 3) with its bias; torch.manual_seed(seed) again,
then torch.empty(1000).uniform_(-0.3, 0.8).

PyTorch's float uniform_ computes x * (to - from) + from, which its AVX2 and AVX-512 kernels fuse
into one multiply-add and its default kernel (pre-AVX2 CPUs, or ATEN_CPU_CAPABILITY=default) does
not; gradlab follows the fused kernels, so this script refuses to run on the default one.

Needs Debian's python3-torch and python3-numpy.
Usage: /usr/bin/python3 core/scripts/torch_init_reference.py [output]
Output format, plain text, one tensor a line:
  seed name shape count sum fnv first...
shape is d0xd1; sum is the float32 values added in order in double (Python repr); fnv is FNV-1a
(64-bit) over the values' float32 bit patterns taken as 32-bit words in order, in hex; then the
bit patterns of the first (at most) 64 values, in hex.
"""
import math
import os
import re
import sys

import numpy as np
import torch
from torch import nn

SEEDS = [0, 42, 2**40 + 7, -5]
HEAD = 64
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "gradlab", "core",
    "torch_init_reference.txt")


def fnv1a64(bits):
    h = 0xCBF29CE484222325
    for word in bits.tolist():
        h = ((h ^ word) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def line(seed, name, tensor):
    values = tensor.detach().numpy().astype(np.float32).ravel()
    bits = values.view(np.uint32)
    total = float(np.cumsum(values.astype(np.float64))[-1])  # in order, unlike np.sum's pairwise sum
    shape = "x".join(str(d) for d in tensor.shape)
    head = " ".join("%08x" % b for b in bits[:HEAD])
    return "%d %s %s %d %r %016x %s" % (seed, name, shape, values.size, total, fnv1a64(bits), head)


capability = re.search(r"CPU capability usage: ([^\n]+)", torch.__config__.show())
capability = capability.group(1).strip() if capability else "unknown"
if not capability.startswith("AVX"):
    sys.exit("torch runs its default CPU kernels (capability %s), whose uniform_ rounds x * (to - from) before adding from; "
             "run this on a CPU with AVX2 or AVX-512 and without ATEN_CPU_CAPABILITY=default" % capability)

lines = ["# Written by core/scripts/torch_init_reference.py (torch %s, CPU capability %s); do not edit."
         % (torch.__version__, capability),
         "# seed name shape count sum fnv1a64 first-bits..."]
with torch.no_grad():
    for seed in SEEDS:
        torch.manual_seed(seed)
        hidden = nn.Linear(784, 512, bias=False)
        output = nn.Linear(512, 10, bias=False)
        lines.append(line(seed, "mlp.0.weight", hidden.weight))
        lines.append(line(seed, "mlp.2.weight", output.weight))
        torch.manual_seed(seed)
        small = nn.Linear(5, 3)
        lines.append(line(seed, "linear.weight", small.weight))
        lines.append(line(seed, "linear.bias", small.bias))
        torch.manual_seed(seed)
        lines.append(line(seed, "uniform", torch.empty(1000).uniform_(-0.3, 0.8)))

with open(OUT, "w") as f:
    f.write("\n".join(lines) + "\n")
print("wrote %s (%d tensors)" % (os.path.normpath(OUT), len(lines) - 2))
