#!/usr/bin/env python3
"""Writes data/src/test/resources/torch-randperm.txt: PyTorch's shuffled orders, which Batcher repeats.

Each line is "n seed sha256 v0 v1 ...": torch.randperm(n, generator=torch.Generator().manual_seed(seed)),
the SHA-256 of the whole permutation as little-endian int32s, and its first (at most 100) values.
Needs Debian's python3-torch (CPU).

    /usr/bin/python3 data/scripts/torch_randperm_reference.py
"""
import hashlib
import pathlib

import numpy as np
import torch

CASES = [(1, 0), (2, 1), (10, 43), (1000, 43), (1000, 44), (60000, 43), (60000, 52), (59999, 7)]
out = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/torch-randperm.txt"
lines = [f"# torch {torch.__version__}: n seed sha256 first-values"]
for n, seed in CASES:
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).numpy().astype("<i4")
    digest = hashlib.sha256(perm.tobytes()).hexdigest()
    lines.append(" ".join([str(n), str(seed), digest] + [str(v) for v in perm[:100]]))
out.write_text("\n".join(lines) + "\n")
print(f"wrote {out}")
