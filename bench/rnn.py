"""Recurrent training steps: the engine's fused LSTM / GRU / SimpleRNN vs TensorFlow (Keras 3) vs PyTorch.

One epoch = 5,000 sequences in batches of 64 (79 steps, the last one short),
T = 50 timesteps of 32 features, a 64-unit layer returning its last output;
each step runs forward + backward (gradients of every weight, not of the
data) of ``sum(output * r)`` for a fixed random ``r``.  No optimizer update:
this times the recurrent layer itself.

* engine: ``keras.layers.<Layer>(64)`` under ``GradientTape`` (eager), and the
  same step inside ``engine.function`` (traced once, replayed);
* tf: ``keras.layers.<Layer>(64)`` (Keras 3, TF backend, CPU: the generic
  ``while_loop`` path) under ``tf.GradientTape`` inside ``tf.function``;
* torch: ``nn.LSTM`` / ``nn.GRU`` / ``nn.RNN`` (tanh), ``batch_first``, ``backward()``,
  with the same weights (gates reordered: Keras LSTM ``i,f,c,o`` == torch ``i,f,g,o``;
  Keras GRU ``z,r,h`` → torch ``r,z,n``; GRU ``reset_after=True`` == torch's GRU).

Every library runs single-threaded (threadpoolctl for numpy's BLAS,
``torch.set_num_threads(1)``, TF's intra/inter-op pools at 1).  Epochs are
interleaved across libraries; the table shows the best epoch of ``--repeats``.

    python bench/rnn.py [--layers lstm,gru,simple_rnn] [--repeats 3] [--clock wall|cpu]
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import engine  # noqa: E402

_LIMITS = threadpool_limits(limits=1)
_CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}

N, T, F, UNITS, BATCH = 5000, 50, 32, 64, 64
LAYERS = {"lstm": ("LSTM", 4), "gru": ("GRU", 3), "simple_rnn": ("SimpleRNN", 1)}


def _batches(x: np.ndarray) -> list:
    return [x[i:i + BATCH] for i in range(0, len(x), BATCH)]


def _weights(rng: np.random.Generator, kind: str) -> list:
    gates = LAYERS[kind][1]
    k = rng.uniform(-0.2, 0.2, (F, gates * UNITS)).astype(np.float32)
    rk = rng.uniform(-0.2, 0.2, (UNITS, gates * UNITS)).astype(np.float32)
    shape = (2, 3 * UNITS) if kind == "gru" else (gates * UNITS,)
    return [k, rk, rng.uniform(-0.1, 0.1, shape).astype(np.float32)]


def _engine_epochs(kind: str, x: np.ndarray, r: np.ndarray, weights: list) -> dict:
    from engine import keras
    layer = getattr(keras.layers, LAYERS[kind][0])(UNITS)
    layer(engine.constant(x[:2]))
    layer.set_weights(weights)
    batches = [engine.constant(b) for b in _batches(x)]
    rs = [engine.constant(r[: len(b)]) for b in _batches(x)]
    params = layer.trainable_weights

    def step(xb, rb):
        with engine.GradientTape() as tape:
            loss = engine.reduce_sum(engine.multiply(layer(xb), rb))
        return tape.gradient(loss, params)

    traced = engine.function(step)

    def eager_epoch():
        for xb, rb in zip(batches, rs):
            step(xb, rb)

    def traced_epoch():
        for xb, rb in zip(batches, rs):
            traced(xb, rb)

    return {"engine eager": eager_epoch, "engine function": traced_epoch}


def _tf_epoch(tf, keras, kind: str, x: np.ndarray, r: np.ndarray, weights: list):
    layer = getattr(keras.layers, LAYERS[kind][0])(UNITS)
    layer(x[:2])
    layer.set_weights(weights)
    batches = [tf.constant(b) for b in _batches(x)]
    rs = [tf.constant(r[: len(b)]) for b in _batches(x)]

    @tf.function(reduce_retracing=True)
    def step(xb, rb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(xb) * rb)
        return tape.gradient(loss, layer.trainable_weights)

    def epoch():
        for xb, rb in zip(batches, rs):
            [g.numpy() for g in step(xb, rb)]

    return epoch


def _torch_layer(torch, kind: str, weights: list):
    k, rk, b = weights
    u = UNITS
    if kind == "lstm":
        # Keras gates i, f, c, o == torch gates i, f, g, o; torch keeps [gates*u, in] matrices and two biases.
        layer, perm, b_ih, b_hh = torch.nn.LSTM(F, u, batch_first=True), np.arange(4 * u), b, np.zeros_like(b)
    elif kind == "gru":
        # Keras z, r, h → torch r, z, n; Keras reset_after bias [input; recurrent] == torch b_ih, b_hh.
        layer = torch.nn.GRU(F, u, batch_first=True)
        perm = np.concatenate([np.arange(u, 2 * u), np.arange(u), np.arange(2 * u, 3 * u)])
        b_ih, b_hh = b[0], b[1]
    else:
        layer, perm, b_ih, b_hh = torch.nn.RNN(F, u, batch_first=True), np.arange(u), b, np.zeros_like(b)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(torch.from_numpy(k[:, perm].T.copy()))
        layer.weight_hh_l0.copy_(torch.from_numpy(rk[:, perm].T.copy()))
        layer.bias_ih_l0.copy_(torch.from_numpy(b_ih[perm].copy()))
        layer.bias_hh_l0.copy_(torch.from_numpy(b_hh[perm].copy()))
    return layer


def _torch_epoch(torch, kind: str, x: np.ndarray, r: np.ndarray, weights: list):
    layer = _torch_layer(torch, kind, weights)
    batches = [torch.from_numpy(b) for b in _batches(x)]
    rs = [torch.from_numpy(r[: len(b)]) for b in _batches(x)]

    def epoch():
        for xb, rb in zip(batches, rs):
            layer.zero_grad()
            out, _ = layer(xb)
            (out[:, -1] * rb).sum().backward()

    return epoch


def _peers() -> tuple:
    peers, versions = {}, [f"numpy {np.__version__}"]
    try:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        import keras
        peers["tf keras"] = lambda kind, x, r, w: _tf_epoch(tf, keras, kind, x, r, w)
        versions.append(f"tensorflow {tf.__version__} / keras {keras.__version__}")
    except ImportError:
        print("note: tensorflow is not installed; skipping the TF column")
    try:
        import torch
        torch.set_num_threads(1)
        peers["torch"] = lambda kind, x, r, w: _torch_epoch(torch, kind, x, r, w)
        versions.append(f"torch {torch.__version__}")
    except ImportError:
        print("note: torch is not installed; skipping the PyTorch column")
    return peers, versions


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--layers", default=",".join(LAYERS), help=f"comma-separated, from {list(LAYERS)}")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--clock", choices=sorted(_CLOCK), default="wall",
                    help="wall: perf_counter; cpu: process CPU time (steadier on a shared, busy machine)")
    args = ap.parse_args()
    kinds = [s.strip() for s in args.layers.split(",") if s.strip()]
    unknown = set(kinds) - set(LAYERS)
    if unknown:
        ap.error(f"unknown --layers {sorted(unknown)}; choose from {list(LAYERS)}")
    clock = _CLOCK[args.clock]

    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, T, F)).astype(np.float32)
    r = rng.standard_normal((BATCH, UNITS)).astype(np.float32)
    peers, versions = _peers()
    epochs = {}
    for kind in kinds:
        w = _weights(rng, kind)
        for name, fn in _engine_epochs(kind, x, r, w).items():
            epochs[kind, name] = fn
        for name, make in peers.items():
            epochs[kind, name] = make(kind, x, r, w)

    for fn in epochs.values():   # warm up (traces, allocator)
        fn()
    best = {key: float("inf") for key in epochs}
    for _ in range(args.repeats):
        for key, fn in epochs.items():
            t = clock()
            fn()
            best[key] = min(best[key], clock() - t)

    steps = len(_batches(x))
    print(f"T={T} F={F} units {UNITS} batch {BATCH}, {N} samples, forward+backward; best epoch of "
          f"{args.repeats} ({args.clock} clock), 1 thread each; " + ", ".join(versions))
    for kind in kinds:
        print(f"\n{LAYERS[kind][0]}({UNITS})")
        print(f"  {'library':18s}{'epoch s':>10s}{'ms/step':>10s}")
        mine = {name: s for (k, name), s in best.items() if k == kind}
        for name, s in mine.items():
            print(f"  {name:18s}{s:10.3f}{s / steps * 1e3:10.2f}")
        for name in mine:
            if not name.startswith("engine"):
                print(f"  engine eager / {name}: {mine['engine eager'] / mine[name]:.2f}x   "
                      f"engine function / {name}: {mine['engine function'] / mine[name]:.2f}x")


if __name__ == "__main__":
    main()
