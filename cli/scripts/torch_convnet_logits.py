#!/usr/bin/env python3
"""Loads a gradlab model.safetensors of the reference convnet into PyTorch's own nn.Sequential of the
same layers (written out here, not read from the file's spec) with load_state_dict(strict=True), and
prints the logits of the first N images of an IDX test set (gzip, scaled by / 255), one image a line.

    /usr/bin/python3 cli/scripts/torch_convnet_logits.py MODEL t10k-images-idx3-ubyte.gz N
"""
import sys

import torch
from torch import nn

from torch_evaluate import idx, load


def main():
    _, tensors = load(sys.argv[1])
    n = int(sys.argv[3])
    net = nn.Sequential(nn.Unflatten(1, (1, 28, 28)), nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(512, 10))
    net.load_state_dict(tensors, strict=True)
    images = torch.from_numpy(idx(sys.argv[2], 16)[:n * 784].reshape(n, 784).astype("float32") / 255)
    with torch.no_grad():
        logits = net.double()(images.double())
    for row in logits:
        print(" ".join(repr(float(v)) for v in row))


if __name__ == "__main__":
    main()
