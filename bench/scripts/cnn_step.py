"""PyTorch's side of the SGD step in bench/run cnn, timed as CnnStep times gradlab's.

The reference convnet of ../shared/reference/pytorch_train.py --model cnn (seed 42), SGD lr 0.05
momentum 0.9, batches of 100 of the first 1000 Fashion-MNIST training images in order. After
WARMUP untimed steps, ROUNDS rounds of STEPS steps are timed; prints the median milliseconds per
step with the fastest and slowest round:

    cnn_sgd_step_ms threads=1 median=6.10 min=5.95 max=6.42

Usage: /usr/bin/python3 cnn_step.py THREADS [WARMUP STEPS ROUNDS]   (FASHION_MNIST_DIR as the reference)
"""
import gzip, os, sys, time
import numpy as np
import torch

threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
warmup, steps, rounds = (int(v) for v in (sys.argv[2:5] if len(sys.argv) > 4 else (100, 100, 7)))
torch.set_num_threads(threads)
data = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
with gzip.open(os.path.join(data, "train-images-idx3-ubyte.gz")) as f:
    x = torch.tensor(np.frombuffer(f.read(), np.uint8, offset=16)[:1000 * 784].reshape(-1, 1, 28, 28) / 255.0,
                     dtype=torch.float32)
with gzip.open(os.path.join(data, "train-labels-idx1-ubyte.gz")) as f:
    y = torch.tensor(np.frombuffer(f.read(), np.uint8, offset=8)[:1000], dtype=torch.long)
torch.manual_seed(42)
model = torch.nn.Sequential(torch.nn.Conv2d(1, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                            torch.nn.Conv2d(16, 32, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                            torch.nn.Flatten(), torch.nn.Linear(512, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
loss_fn = torch.nn.CrossEntropyLoss()
batches = [(x[k:k + 100], y[k:k + 100]) for k in range(0, 1000, 100)]
step = 0


def run(count):
    global step
    for _ in range(count):
        xb, yb = batches[step % len(batches)]
        opt.zero_grad()
        loss_fn(model(xb), yb).backward()
        opt.step()
        step += 1


run(warmup)
ms = []
for _ in range(rounds):
    t0 = time.perf_counter()
    run(steps)
    ms.append((time.perf_counter() - t0) * 1000 / steps)
ms.sort()
print(f"cnn_sgd_step_ms threads={threads} median={ms[rounds // 2]:.3f} min={ms[0]:.3f} max={ms[-1]:.3f}")
