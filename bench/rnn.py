"""LSTM training epoch: the engine's fused LSTM vs TensorFlow (tf.keras LSTM) vs PyTorch (nn.LSTM).

One epoch = 5,000 sequences in batches of 64 (79 steps, the last one short),
T = 50 timesteps of 32 features, LSTM(64) returning its last output; each
step runs forward + backward (gradients of every weight, not of the data) of
``sum(output * r)`` for a fixed random ``r``.  No optimizer update: this times
the recurrent layer itself.

* engine: ``keras.layers.LSTM(64)`` under ``GradientTape`` (eager), and the
  same step inside ``engine.function`` (traced once, replayed);
* tf: ``keras.layers.LSTM(64)`` (Keras 3, TF backend, CPU: the generic
  ``while_loop`` path) under ``tf.GradientTape`` inside ``tf.function``;
* torch: ``nn.LSTM(32, 64, batch_first=True)``, ``backward()``.

Every library runs single-threaded (threadpoolctl for numpy's BLAS,
``torch.set_num_threads(1)``, TF's intra/inter-op pools at 1).  Epochs are
interleaved across libraries; the table shows the best epoch of ``--repeats``.

    python bench/rnn.py [--repeats 3] [--clock wall|cpu]
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


def _batches(x: np.ndarray) -> list:
    return [x[i:i + BATCH] for i in range(0, len(x), BATCH)]


def _engine_epochs(x: np.ndarray, r: np.ndarray, weights: list) -> dict:
    from engine import keras
    layer = keras.layers.LSTM(UNITS)
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


def _tf_epoch(tf, keras, x: np.ndarray, r: np.ndarray, weights: list):
    layer = keras.layers.LSTM(UNITS)
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


def _torch_epoch(torch, x: np.ndarray, r: np.ndarray, weights: list):
    lstm = torch.nn.LSTM(F, UNITS, batch_first=True)
    k, rk, b = weights
    # Keras gates i, f, c, o == torch gates i, f, g, o; torch keeps [4u, in] matrices and two biases.
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(k.T.copy()))
        lstm.weight_hh_l0.copy_(torch.from_numpy(rk.T.copy()))
        lstm.bias_ih_l0.copy_(torch.from_numpy(b))
        lstm.bias_hh_l0.zero_()
    batches = [torch.from_numpy(b) for b in _batches(x)]
    rs = [torch.from_numpy(r[: len(b)]) for b in _batches(x)]

    def epoch():
        for xb, rb in zip(batches, rs):
            lstm.zero_grad()
            out, _ = lstm(xb)
            (out[:, -1] * rb).sum().backward()

    return epoch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--clock", choices=sorted(_CLOCK), default="wall",
                    help="wall: perf_counter; cpu: process CPU time (steadier on a shared, busy machine)")
    args = ap.parse_args()
    clock = _CLOCK[args.clock]

    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, T, F)).astype(np.float32)
    r = rng.standard_normal((BATCH, UNITS)).astype(np.float32)
    weights = [rng.uniform(-0.2, 0.2, (F, 4 * UNITS)).astype(np.float32),
               rng.uniform(-0.2, 0.2, (UNITS, 4 * UNITS)).astype(np.float32),
               rng.uniform(-0.1, 0.1, (4 * UNITS,)).astype(np.float32)]

    epochs = dict(_engine_epochs(x, r, weights))
    versions = [f"numpy {np.__version__}"]
    try:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        import keras
        epochs["tf keras"] = _tf_epoch(tf, keras, x, r, weights)
        versions.append(f"tensorflow {tf.__version__} / keras {keras.__version__}")
    except ImportError:
        print("note: tensorflow is not installed; skipping the TF column")
    try:
        import torch
        torch.set_num_threads(1)
        epochs["torch"] = _torch_epoch(torch, x, r, weights)
        versions.append(f"torch {torch.__version__}")
    except ImportError:
        print("note: torch is not installed; skipping the PyTorch column")

    for fn in epochs.values():   # warm up (traces, allocator)
        fn()
    best = {name: float("inf") for name in epochs}
    for _ in range(args.repeats):
        for name, fn in epochs.items():
            t = clock()
            fn()
            best[name] = min(best[name], clock() - t)

    print(f"LSTM({UNITS}) T={T} F={F} batch {BATCH}, {N} samples, forward+backward; best epoch of "
          f"{args.repeats} ({args.clock} clock), 1 thread each; " + ", ".join(versions))
    print(f"{'library':18s}{'epoch s':>10s}{'ms/step':>10s}")
    steps = len(_batches(x))
    for name, s in best.items():
        print(f"{name:18s}{s:10.3f}{s / steps * 1e3:10.2f}")
    base = best["engine eager"]
    for name in best:
        if not name.startswith("engine"):
            print(f"engine eager / {name}: {base / best[name]:.2f}x   "
                  f"engine function / {name}: {best['engine function'] / best[name]:.2f}x")


if __name__ == "__main__":
    main()
