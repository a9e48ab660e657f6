#!/usr/bin/env python3
"""Writes the PyTorch reference values that core's TensorOpsPyTorchReferenceTest matches.

For every tensor op, and for a few composite expressions, seeded float32 inputs, the output, and
the gradients of each input for the loss sum(output * w) with fixed float32 weights w, computed by
PyTorch in float64 from the float32 inputs. The Java test holds the same expressions, by case name.

Needs Debian's python3-torch and python3-numpy.
Usage: /usr/bin/python3 core/scripts/tensor_ops_reference.py [output]
Output format, plain text, as pytorch_reference.txt: blocks of "name d0 d1 ..." on one line (no
dims for rank 0) and the values on the next. For case C: C.in0, C.in1, ... (float32 inputs),
C.w (float32 weights), C.out (float64), C.grad0, C.grad1, ... (float64); a case without
gradients (argmax) has no C.w and no C.grad blocks.
"""
import os
import sys

import numpy as np
import torch

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "src", "test", "resources", "dev", "gradlab", "core",
    "tensor_ops_reference.txt")
rng = np.random.default_rng(21)


def values(kind, shape):
    """float32 inputs: u in [-2, 2); pos in [0.5, 2); away: |x| in [0.5, 2); grid 0.2k + 0.05 and
    gridm 0.2k - 0.05 (never closer than 0.1 to each other); distinct: 0.1 apart, shuffled."""
    n = int(np.prod(shape))
    if kind == "u":
        v = rng.uniform(-2, 2, n)
    elif kind == "pos":
        v = rng.uniform(0.5, 2, n)
    elif kind == "away":
        v = rng.uniform(0.5, 2, n) * rng.choice([-1, 1], n)
    elif kind in ("grid", "gridm"):
        v = 0.2 * rng.integers(-8, 9, n) + (0.05 if kind == "grid" else -0.05)
    elif kind == "distinct":
        v = rng.permutation(0.1 * (np.arange(n) - n / 2.0))
    return torch.tensor(v.astype(np.float32).reshape(shape))


def requ(x):
    return torch.where(x > 0, x * x, torch.zeros_like(x))


def layer_norm(x):
    c = x - x.mean(-1, keepdim=True)
    return c / (c.pow(2).mean(-1, keepdim=True) + 1e-5).sqrt()


# name, [(kind, shape), ...], expression
CASES = [
    ("add_broadcast", [("u", (3, 1, 4)), ("u", (2, 4))], lambda a, b: a + b),
    ("add_rank0", [("u", (2, 3)), ("u", ())], lambda a, b: a + b),
    ("add_bias", [("u", (3, 4)), ("u", (4,))], lambda a, b: a + b),
    ("add_same", [("u", (2, 3)), ("u", (2, 3))], lambda a, b: a + b),
    ("sub", [("u", (2, 3, 4)), ("u", (3, 1))], lambda a, b: a - b),
    ("mul", [("u", (4, 1)), ("u", (1, 5))], lambda a, b: a * b),
    ("mul_same", [("u", (2, 3)), ("u", (2, 3))], lambda a, b: a * b),
    ("div", [("u", (2, 3)), ("away", (3,))], lambda a, b: a / b),
    ("pow", [("pos", (2, 3)), ("u", (2, 1))], lambda a, b: a ** b),
    ("maximum", [("grid", (3, 4)), ("gridm", (4,))], lambda a, b: torch.maximum(a, b)),
    ("minimum", [("grid", (2, 1, 3)), ("gridm", (4, 3))], lambda a, b: torch.minimum(a, b)),
    ("add_float", [("u", (2, 3))], lambda a: a + 1.5),
    ("sub_float", [("u", (2, 3))], lambda a: a - 1.5),
    ("mul_float", [("u", (2, 3))], lambda a: a * 1.5),
    ("div_float", [("u", (2, 3))], lambda a: a / 1.5),
    ("pow_float", [("pos", (2, 3))], lambda a: a ** 2.5),
    ("pow_float_negative_base", [("u", (2, 3))], lambda a: a ** 3.0),
    ("neg", [("u", (2, 3))], lambda a: -a),
    ("exp", [("u", (2, 3))], lambda a: a.exp()),
    ("log", [("pos", (2, 3))], lambda a: a.log()),
    ("sqrt", [("pos", (2, 3))], lambda a: a.sqrt()),
    ("abs", [("away", (2, 3))], lambda a: a.abs()),
    ("reciprocal", [("away", (2, 3))], lambda a: a.reciprocal()),
    ("square", [("u", (2, 3))], lambda a: a.square()),
    ("clamp", [("grid", (3, 4))], lambda a: a.clamp(-0.5, 0.5)),
    ("relu", [("away", (2, 3))], lambda a: a.relu()),
    ("sigmoid", [("u", (2, 3))], lambda a: a.sigmoid()),
    ("tanh", [("u", (2, 3))], lambda a: a.tanh()),
    ("requ", [("away", (2, 3))], requ),
    ("sum", [("u", (2, 3, 4))], lambda a: a.sum()),
    ("mean", [("u", (2, 3, 4))], lambda a: a.mean()),
    ("sum_dim", [("u", (2, 3, 4))], lambda a: a.sum(1)),
    ("sum_dim_keepdim", [("u", (2, 3, 4))], lambda a: a.sum(-1, keepdim=True)),
    ("mean_dim", [("u", (2, 3, 4))], lambda a: a.mean(0)),
    ("mean_dim_keepdim", [("u", (2, 3, 4))], lambda a: a.mean(-2, keepdim=True)),
    ("max_dim", [("distinct", (2, 3, 4))], lambda a: a.max(1).values),
    ("max_dim_keepdim", [("distinct", (2, 3, 4))], lambda a: a.max(-1, keepdim=True).values),
    ("min_dim", [("distinct", (3, 4))], lambda a: a.min(0).values),
    ("max", [("distinct", (3, 4))], lambda a: a.max()),
    ("min", [("distinct", (3, 4))], lambda a: a.min()),
    ("argmax", [("distinct", (3, 4))], lambda a: a.argmax(1).double()),
    ("softmax", [("u", (2, 3, 4))], lambda a: a.softmax(1)),
    ("softmax_last", [("u", (3, 4))], lambda a: a.softmax(-1)),
    ("log_softmax", [("u", (3, 4))], lambda a: a.log_softmax(0)),
    ("log_softmax_last", [("u", (3, 4))], lambda a: a.log_softmax(-1)),
    ("reshape", [("u", (2, 3, 2))], lambda a: a.reshape(4, -1)),
    ("transpose", [("u", (2, 3, 4))], lambda a: a.transpose(0, 2)),
    ("permute", [("u", (2, 3, 4))], lambda a: a.permute(2, 0, 1)),
    ("flatten", [("u", (2, 3, 4))], lambda a: a.flatten(1, 2)),
    ("unsqueeze", [("u", (2, 3))], lambda a: a.unsqueeze(1)),
    ("squeeze", [("u", (3, 1, 2))], lambda a: a.squeeze(1)),
    ("expand", [("u", (3, 1))], lambda a: a.expand(2, 3, 4)),
    ("cat", [("u", (2, 3)), ("u", (2, 1))], lambda a, b: torch.cat([a, b, a], 1)),
    ("stack", [("u", (2, 3)), ("u", (2, 3))], lambda a, b: torch.stack([a, b], 1)),
    ("select", [("u", (2, 3, 4))], lambda a: a.select(1, -1)),
    ("narrow", [("u", (2, 3, 4))], lambda a: a.narrow(2, 1, 2)),
    ("index_select", [("u", (3, 4))], lambda a: a.index_select(0, torch.tensor([2, 0, 2]))),
    ("detach", [("u", (2, 3))], lambda a: a * a.detach()),
    ("matmul", [("u", (3, 4)), ("u", (4, 5))], lambda a, b: a @ b),
    ("matmul_batched", [("u", (2, 3, 4)), ("u", (4, 5))], lambda a, b: a @ b),
    ("matmul_broadcast", [("u", (2, 1, 3, 4)), ("u", (3, 4, 2))], lambda a, b: a @ b),
    ("matmul_vector_matrix", [("u", (4,)), ("u", (4, 5))], lambda a, b: a @ b),
    ("matmul_matrix_vector", [("u", (3, 4)), ("u", (4,))], lambda a, b: a @ b),
    ("matmul_dot", [("u", (4,)), ("u", (4,))], lambda a, b: a @ b),
    ("composite_layer", [("u", (4, 3)), ("u", (5, 3)), ("u", (5,))],
     lambda x, w, b: (x @ w.transpose(0, 1) + b).tanh().mean(0)),
    ("composite_attention", [("u", (2, 3, 4)), ("u", (2, 3, 4)), ("u", (2, 3, 4))],
     lambda q, k, v: (q @ k.transpose(-1, -2) / 2.0).softmax(-1) @ v),
    ("composite_layer_norm", [("u", (3, 5))], layer_norm),
    ("composite_mix", [("u", (3, 4)), ("u", (4,))],
     lambda x, y: ((x.exp() + 1).log() * y.sigmoid()).sum(0) / (x.abs() + 1).max(0).values
     + torch.maximum(x, y).square().mean() - x.clamp(-1, 1).pow(2).sum(1, keepdim=True).sqrt().min()),
]


def fmt(t, kind):
    flat = t.detach().reshape(-1)
    if kind == "f32":
        return " ".join("0" if v == 0 else str(np.float32(v)) for v in flat.tolist())
    return " ".join("0" if v == 0 else "%.17g" % v for v in flat.tolist())


def block(name, t, kind):
    return name + "".join(" " + str(d) for d in t.shape) + "\n" + fmt(t, kind) + "\n"


text = "# Written by core/scripts/tensor_ops_reference.py (torch %s, float64); do not edit.\n" % torch.__version__
for name, specs, expr in CASES:
    inputs32 = [values(kind, shape) for kind, shape in specs]
    inputs = [t.double().requires_grad_(name != "argmax") for t in inputs32]
    out = expr(*inputs)
    for i, t in enumerate(inputs32):
        text += block("%s.in%d" % (name, i), t, "f32")
    text += block(name + ".out", out, "f64")
    if name == "argmax":
        continue
    w32 = torch.tensor(rng.uniform(-1, 1, tuple(out.shape)).astype(np.float32))
    (out * w32.double()).sum().backward()
    text += block(name + ".w", w32, "f32")
    for i, t in enumerate(inputs):
        text += block("%s.grad%d" % (name, i), t.grad, "f64")

with open(OUT, "w") as f:
    f.write(text)
print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")
