#!/usr/bin/env python3
"""Writes the learning rates of torch.optim.lr_scheduler that LrScheduleTest compares with.

Each case builds a one-parameter SGD with lr 0.1, a scheduler, and records the learning rate of
epochs 0 to 99 (the value before the first step(), then after each). Run with Debian's
/usr/bin/python3 and python3-torch:

    /usr/bin/python3 optim/scripts/torch_lr_schedules.py > optim/src/test/resources/dev/gradlab/optim/lr_schedules.txt

Each line: case name, the schedule in gradlab's words, then the 100 learning rates.
"""
import warnings

import torch
from torch.optim import lr_scheduler as s

EPOCHS = 100
BASE_LR = 0.1


def warmup(opt, n):
    return s.LinearLR(opt, start_factor=1 / (n + 1), end_factor=1.0, total_iters=n)


CASES = [
    ("step_30_0.1", "step:30:0.1", lambda o: s.StepLR(o, step_size=30, gamma=0.1)),
    ("step_7_0.5", "step:7:0.5", lambda o: s.StepLR(o, step_size=7, gamma=0.5)),
    ("cosine_100", "cosine:100", lambda o: s.CosineAnnealingLR(o, T_max=100)),
    ("cosine_30_min", "cosine:30:0.001", lambda o: s.CosineAnnealingLR(o, T_max=30, eta_min=0.001)),
    ("warmup_5", "warmup:5", lambda o: warmup(o, 5)),
    ("linear_0.25_1_10", "linear:0.25:1:10", lambda o: s.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=10)),
    ("warmup_5_cosine_100", "warmup:5,cosine:100",
     lambda o: s.ChainedScheduler([warmup(o, 5), s.CosineAnnealingLR(o, T_max=100)])),
    ("warmup_3_step_10_0.5", "warmup:3,step:10:0.5",
     lambda o: s.ChainedScheduler([warmup(o, 3), s.StepLR(o, step_size=10, gamma=0.5)])),
]


def main():
    warnings.simplefilter("ignore")
    print("# torch " + torch.__version__ + "; written by optim/scripts/torch_lr_schedules.py")
    for name, spec, make in CASES:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=BASE_LR)
        sched = make(opt)
        lrs = []
        for _ in range(EPOCHS):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        print(name, spec, " ".join(repr(v) for v in lrs))


if __name__ == "__main__":
    main()
