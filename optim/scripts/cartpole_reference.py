#!/usr/bin/env python3
"""Writes the states CartPole-v1 and the cart-pole swing-up reach from given states and actions.

The equations are those published with Gymnasium's CartPole-v1 (gymnasium/envs/classic_control/
cartpole.py, Euler integration) and EvoJAX's CartPoleSwingUp (evojax/task/cartpole.py), written out
here in float64 so that the Java environments are checked against the equations, not against
themselves. Run with /usr/bin/python3 from the repository root; the output is committed.
Actions are float32 values, as the Java environments take them. Each line: task, case, step,
action, x, x_dot, theta, theta_dot, reward, terminated.
"""
import math
import pathlib

OUT = pathlib.Path("optim/src/test/resources/dev/gradlab/optim/env/cartpole_reference.txt")


def cartpole_step(s, action):
    g, mc, mp, l, f, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total = mc + mp
    pml = mp * l
    x, x_dot, th, th_dot = s
    force = f if action == 1 else -f
    c, sn = math.cos(th), math.sin(th)
    temp = (force + pml * th_dot ** 2 * sn) / total
    th_acc = (g * sn - c * temp) / (l * (4.0 / 3.0 - mp * c ** 2 / total))
    x_acc = temp - pml * th_acc * c / total
    x = x + tau * x_dot
    x_dot = x_dot + tau * x_acc
    th = th + tau * th_dot
    th_dot = th_dot + tau * th_acc
    terminated = x < -2.4 or x > 2.4 or th < -12 * 2 * math.pi / 360 or th > 12 * 2 * math.pi / 360
    return (x, x_dot, th, th_dot), 1.0, terminated


def swingup_step(s, action):
    g, mc, mp, l, b, f, dt = 9.82, 0.5, 0.5, 0.6, 0.1, 10.0, 0.01
    a = min(max(action, -1.0), 1.0) * f
    x, x_dot, th, th_dot = s
    sn, c = math.sin(th), math.cos(th)
    total = mc + mp
    mpl = mp * l
    x_acc = (-2 * mpl * th_dot ** 2 * sn + 3 * mp * g * sn * c + 4 * a - 4 * b * x_dot) / (4 * total - 3 * mp * c ** 2)
    th_acc = (-3 * mpl * th_dot ** 2 * sn * c + 6 * total * g * sn + 6 * (a - b * x_dot) * c) / (
        4 * l * total - 3 * mpl * c ** 2)
    x = x + x_dot * dt
    th = th + th_dot * dt
    x_dot = x_dot + x_acc * dt
    th_dot = th_dot + th_acc * dt
    reward = (math.cos(th) + 1.0) / 2.0 * math.cos(x / 2.4 * (math.pi / 2.0))
    return (x, x_dot, th, th_dot), reward, x < -2.4 or x > 2.4


CASES = [
    ("cartpole", (0.01, -0.02, 0.03, 0.04), [1, 1, 0, 1, 0, 0, 0, 1]),
    ("cartpole", (-0.5, 1.5, 0.15, 1.0), [1] * 12),
    ("cartpole", (2.35, 2.0, 0.0, 0.0), [1, 1, 1, 1]),
    ("swingup", (0.1, -0.2, math.pi + 0.1, 0.3), [0.5, -1.0, 2.0, 0.0, -0.375, 1.0, -5.0, 0.25]),
    ("swingup", (2.3, 3.0, 0.2, -1.0), [1.0] * 8),
]

lines = []
for case, (task, state, actions) in enumerate(CASES):
    step_fn = cartpole_step if task == "cartpole" else swingup_step
    s = state
    lines.append(f"{task} {case} 0 NaN " + " ".join(repr(v) for v in s) + " NaN false")
    for t, a in enumerate(actions, start=1):
        s, r, done = step_fn(s, a)
        lines.append(f"{task} {case} {t} {a!r} " + " ".join(repr(v) for v in s) + f" {r!r} {str(done).lower()}")
        if done:
            break
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text("\n".join(lines) + "\n")
print(f"wrote {len(lines)} lines to {OUT}")
