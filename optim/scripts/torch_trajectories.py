#!/usr/bin/env python3
"""Writes the optimizer trajectories the Java tests replay: torch.optim.SGD, Adam and AdamW.

Each case starts two float32 parameters (3x4 and 5) from fixed values and takes a few steps on
loss = sum(a * (p - c)^2) + sum(sin(p)). The file records, per step, the gradient PyTorch computed
and the parameters after the optimizer's step, so the Java test feeds the same gradients and
compares the parameters. A case with a "group" line puts parameter 1 in a second parameter group
with the options given there. Needs Debian's python3-torch; run with /usr/bin/python3:

    /usr/bin/python3 optim/scripts/torch_trajectories.py > optim/src/test/resources/dev/gradlab/optim/torch_trajectories.txt
"""
import torch

STEPS = 6
CASES = [
    ("sgd_plain", "sgd", dict(lr=0.1)),
    ("sgd_momentum", "sgd", dict(lr=0.1, momentum=0.9)),
    ("sgd_dampening_decay", "sgd", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01)),
    ("sgd_nesterov", "sgd", dict(lr=0.1, momentum=0.9, weight_decay=0.001, nesterov=True)),
    ("adam_default", "adam", dict(lr=0.001)),
    ("adam_tuned", "adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)),
    ("adamw_default", "adamw", dict(lr=0.001)),
    ("adamw_tuned", "adamw", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("sgd_two_groups", "sgd", dict(lr=0.1, momentum=0.9), dict(lr=0.02, momentum=0.5, weight_decay=0.01)),
    ("adam_two_groups", "adam", dict(lr=0.01), dict(lr=0.003, betas=(0.5, 0.9))),
]
OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}
DEFAULT_DECAY = {"sgd": 0.0, "adam": 0.0, "adamw": 0.01}


def values(t):
    return " ".join(repr(float(v)) for v in t.detach().flatten().tolist())


def options(kind, o):
    if kind == "sgd":
        return (f"lr={o['lr']} momentum={o.get('momentum', 0.0)} dampening={o.get('dampening', 0.0)}"
                f" weight_decay={o.get('weight_decay', 0.0)} nesterov={int(o.get('nesterov', False))}")
    beta1, beta2 = o.get("betas", (0.9, 0.999))
    return (f"lr={o['lr']} beta1={beta1} beta2={beta2} eps={o.get('eps', 1e-8)}"
            f" weight_decay={o.get('weight_decay', DEFAULT_DECAY[kind])}")


def main():
    print("# torch " + torch.__version__ + "; written by optim/scripts/torch_trajectories.py")
    for name, kind, opts, *group in CASES:
        gen = torch.Generator().manual_seed(1234)
        params = [torch.randn(3, 4, generator=gen).requires_grad_(),
                  torch.randn(5, generator=gen).requires_grad_()]
        a = [torch.rand(3, 4, generator=gen) + 0.5, torch.rand(5, generator=gen) + 0.5]
        c = [torch.randn(3, 4, generator=gen), torch.randn(5, generator=gen)]
        if group:
            opt = OPTIMIZERS[kind]([{"params": params[:1]}, {"params": params[1:], **group[0]}], **opts)
        else:
            opt = OPTIMIZERS[kind](params, **opts)
        print(f"case {name}")
        print(f"optimizer {kind} " + options(kind, opts))
        if group:
            print("group 1 " + options(kind, {**opts, **group[0]}))
        for i, p in enumerate(params):
            print(f"shape {i} " + " ".join(str(d) for d in p.shape))
            print(f"init {i} " + values(p))
        for step in range(1, STEPS + 1):
            opt.zero_grad()
            loss = sum((ai * (p - ci) ** 2).sum() + torch.sin(p).sum() for p, ai, ci in zip(params, a, c))
            loss.backward()
            for i, p in enumerate(params):
                print(f"grad {step} {i} " + values(p.grad))
            opt.step()
            for i, p in enumerate(params):
                print(f"param {step} {i} " + values(p))
        print("end")


if __name__ == "__main__":
    main()
