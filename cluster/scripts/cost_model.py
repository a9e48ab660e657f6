#!/usr/bin/env python3
"""The per-step cost model of docs/cluster.md: predicted efficiency of population evaluation on M
worker machines for the reference MLP (784-512-10, no biases) and the reference convnet, full-rank
and low-rank (r = 1) antithetic ES, batch 100, and the population (pairs) that keeps efficiency at
or above 90%. FLOPs are counted from the shapes; R, W and the latency are assumptions to replace by
measured values:  cluster/scripts/cost_model.py --flops 100e9 --bandwidth 1.25e9 --latency 1e-4
"""
import argparse

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--flops", type=float, default=100e9, help="FLOP/s of one machine (default 100e9)")
p.add_argument("--bandwidth", type=float, default=1.25e9, help="bytes/s of the trainer's link (default 10 Gbit/s)")
p.add_argument("--latency", type=float, default=1e-4, help="seconds per message round trip (default 0.1 ms)")
p.add_argument("--gaussian", type=float, default=10, help="FLOP counted per Gaussian number (default 10)")
p.add_argument("--pairs", type=int, default=500, help="antithetic pairs P (default 500)")
a = p.parse_args()
R, W, lat, g, B = a.flops, a.bandwidth, a.latency, a.gaussian, 100


def cases():
    """(name, D, FLOP per pair, trainer's update FLOP per direction, unperturbed forward FLOP)."""
    d = 784 * 512 + 512 * 10
    member_full = 2 * B * 5120 + B * 512 * 10                       # layer 2 on the member's own input, sigmoid
    yield "MLP full-rank", d, 2 * B * 784 * 512 + d * g + 2 * member_full, d * g + 2 * d, 2 * B * d
    noise = (784 + 512) + (512 + 10)
    member_low = 2 * B * 512 + B * 512 + B * 512 * 10 + 2 * B * 5120 + 2 * B * 512 + 2 * B * 10 + B * 100
    yield "MLP low-rank r=1", d, 2 * B * 784 + noise * g + 2 * member_low, 2 * 512 * 784 + 2 * 10 * 512 + noise * g, 2 * B * d
    dc = 18378
    forward = 2 * B * (24 * 24 * 16 * 25 + 8 * 8 * 32 * 400 + 512 * 10)   # conv 1->16 5x5, conv 16->32 5x5, linear
    yield "convnet full-rank", dc, 2 * forward + dc * g + 2 * dc, dc * g + 2 * dc, forward
    noise_c = (16 + 25) + 16 + (32 + 400) + 32 + (10 + 512) + 10
    yield "convnet low-rank r=1", dc, 2 * forward + noise_c * g + 4 * dc, noise_c * g + 2 * dc, forward


def efficiency(d, pair, update, center, pairs, machines):
    t1 = (center + pairs * pair + pairs * update) / R
    tm = ((center + pairs * pair / machines + pairs * update) / R + machines * 4 * d / W + 3 * lat
          + 4 * 2 * pairs / W)
    return t1 / (machines * tm)


print(f"R = {R:.3g} FLOP/s, W = {W:.3g} B/s, latency {lat * 1e3:.2g} ms, P = {a.pairs} pairs")
for name, d, pair, update, center in cases():
    print(f"{name}: D {d}, {pair / 1e6:.2f} MFLOP per pair, update {update / 1e6:.3f} MFLOP per direction"
          f" ({100 * update / (pair + update):.2f}% of a local step), unperturbed forward {center / 1e6:.0f} MFLOP")
    for m in (10, 100):
        need = next((q for q in range(10, 10 ** 7, 10) if efficiency(d, pair, update, center, q, m) >= 0.9), None)
        print(f"  {m:3d} machines: {100 * efficiency(d, pair, update, center, a.pairs, m):.0f}%;"
              f" pairs for >= 90%: {need if need else 'none'}")
