#!/usr/bin/env python3
"""Recompute, independently in numpy, the loss and the BPTT gradient that
`chunker gradients` prints, and compare them with the printed ones.

The net (Schmidhuber 1991-93 nets and the modern softmax net), with h_0 = 0, y_0 = 0:
    h_t = f(W_hx x_t + W_hh h_(t-1) + W_hy y_(t-1) + b_h)
    y_t = g(W_yh h_t + W_yx x_t + W_yy y_(t-1) + b_y)
f is logistic or tanh. g is logistic with E = 1/2 sum mask (d - y)^2, or softmax with
E = -sum d log y over the steps whose mask is not all zero.

Usage: chunker gradients [flags] | python3 scripts/check_gradients.py
       python3 scripts/check_gradients.py FILE.json
Exits 1 when the loss or any gradient element differs by more than TOLERANCE (relative).
"""
import json
import sys

import numpy as np

TOLERANCE = 1e-9
NAMES = ["w_hx", "w_hh", "w_hy", "b_h", "w_yh", "w_yx", "w_yy", "b_y"]


def hidden(z, kind):
    return np.tanh(z) if kind == "tanh" else 1.0 / (1.0 + np.exp(-z))


def hidden_derivative(h, kind):
    return 1.0 - h * h if kind == "tanh" else h * (1.0 - h)


def loss_and_gradient(w, X, D, M, f, g):
    T = X.shape[0]
    H, O = w["w_hh"].shape[0], w["w_yy"].shape[0]
    hs, ys, As = [np.zeros(H)], [np.zeros(O)], []
    loss = 0.0
    deltas = []
    for t in range(T):
        h = hidden(w["w_hx"] @ X[t] + w["w_hh"] @ hs[-1] + w["w_hy"] @ ys[-1] + w["b_h"], f)
        a = w["w_yh"] @ h + w["w_yx"] @ X[t] + w["w_yy"] @ ys[-1] + w["b_y"]
        if g == "softmax":
            shifted = a - a.max()
            log_y = shifted - np.log(np.exp(shifted).sum())
            y = np.exp(log_y)
            if M[t].any():
                loss -= (D[t] * log_y).sum()
                deltas.append(y * D[t].sum() - D[t])
            else:
                deltas.append(np.zeros(O))
        else:
            y = 1.0 / (1.0 + np.exp(-a))
            loss += 0.5 * (M[t] * (y - D[t]) ** 2).sum()
            deltas.append(M[t] * (y - D[t]) * y * (1.0 - y))
        hs.append(h); ys.append(y); As.append(a)

    grad = {k: np.zeros_like(v) for k, v in w.items()}
    gh, gy = np.zeros(H), np.zeros(O)
    for t in reversed(range(T)):
        y = ys[t + 1]
        if g == "softmax":
            da = deltas[t] + y * (gy - y @ gy)
        else:
            da = deltas[t] + y * (1.0 - y) * gy
        dz = hidden_derivative(hs[t + 1], f) * (w["w_yh"].T @ da + gh)
        grad["w_yh"] += np.outer(da, hs[t + 1]); grad["w_yx"] += np.outer(da, X[t])
        grad["w_yy"] += np.outer(da, ys[t]); grad["b_y"] += da
        grad["w_hx"] += np.outer(dz, X[t]); grad["w_hh"] += np.outer(dz, hs[t])
        grad["w_hy"] += np.outer(dz, ys[t]); grad["b_h"] += dz
        gh = w["w_hh"].T @ dz
        gy = w["w_yy"].T @ da + w["w_hy"].T @ dz
    return loss, grad


def relative(a, b):
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-6)


def main():
    data = json.load(open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin)
    w = {k: np.array(data["weights"][k], dtype=float) for k in NAMES}
    X, D, M = (np.array(data[k], dtype=float) for k in ("inputs", "targets", "mask"))
    loss, grad = loss_and_gradient(w, X, D, M, data["hidden_activation"], data["output_activation"])

    # A disabled connection (w_yx without --direct, w_hy and w_yy without
    # --fully-recurrent) prints all-zero weights and must print an all-zero gradient.
    disabled = [k for k in NAMES if not w[k].any()]
    for k in disabled:
        grad[k][...] = 0.0

    worst = ("loss", float(relative(loss, data["loss"])))
    for source in ("grad_bptt", "grad_rtrl"):
        for k in NAMES:
            err = float(relative(grad[k], np.array(data[source][k], dtype=float)).max(initial=0.0))
            if err > worst[1]:
                worst = (f"{source}.{k}", err)
    print(f"disabled connections: {', '.join(disabled) or 'none'}")
    print(f"loss: numpy {loss!r}, chunker {data['loss']!r}")
    print(f"largest relative difference: {worst[1]:.3e} in {worst[0]} (tolerance {TOLERANCE:g})")
    if worst[1] > TOLERANCE:
        print("MISMATCH")
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
