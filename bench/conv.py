"""Convolution and pooling: engine vs TensorFlow eager vs PyTorch (forward + backward).

Shapes are the CNN of specs/engine-notes.md (batch 64): conv 28x28x1 → 16 3x3
filters (VALID), max-pool 2x2 on 26x26x16, conv 13x13x16 → 32 3x3 filters
(VALID).  Every library runs single-threaded (threadpoolctl for numpy's BLAS,
``set_num_threads(1)`` for torch, TF's intra/inter-op pools at 1); timings are
the best of N repeats, interleaved across libraries.

    python bench/conv.py [--repeats 30] [--clock wall|cpu]
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
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import engine  # noqa: E402

_LIMITS = threadpool_limits(limits=1)


_CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = time.perf_counter


def _best(fn, repeats: int) -> float:
    fn()
    best = float("inf")
    for _ in range(repeats):
        t = _clock()
        fn()
        best = min(best, _clock() - t)
    return best * 1e3


def _engine_cases(x, w, dy, need_dx):
    xe, we, dye = engine.constant(x), engine.constant(w), engine.constant(dy)

    def fwd():
        engine.nn.conv2d(xe, we, 1, "VALID")

    def fwd_bwd():
        with engine.GradientTape() as tape:
            tape.watch(we)
            if need_dx:
                tape.watch(xe)
            y = engine.nn.conv2d(xe, we, 1, "VALID")
        tape.gradient(y, [xe, we] if need_dx else [we], output_gradients=dye)

    return fwd, fwd_bwd


def _tf_cases(tf, x, w, dy, need_dx):
    xt, wt, dyt = tf.constant(x), tf.constant(w), tf.constant(dy)

    def fwd():
        tf.nn.conv2d(xt, wt, 1, "VALID").numpy()

    def fwd_bwd():
        with tf.GradientTape() as tape:
            tape.watch(wt)
            if need_dx:
                tape.watch(xt)
            y = tf.nn.conv2d(xt, wt, 1, "VALID")
        gs = tape.gradient(y, [xt, wt] if need_dx else [wt], output_gradients=dyt)
        [g.numpy() for g in gs]

    return fwd, fwd_bwd


def _torch_cases(torch, x, w, dy, need_dx):
    # NCHW / OIHW, the layout torch is fast in.
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    wt = torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))
    dyt = torch.from_numpy(np.ascontiguousarray(dy.transpose(0, 3, 1, 2)))
    conv = torch.nn.functional.conv2d

    def fwd():
        with torch.no_grad():
            conv(xt, wt)

    def fwd_bwd():
        xg = xt.detach().requires_grad_(need_dx)
        wg = wt.detach().requires_grad_(True)
        y = conv(xg, wg)
        y.backward(dyt)

    return fwd, fwd_bwd


def _engine_pool(x):
    xe = engine.constant(x)

    def fwd():
        engine.nn.max_pool2d(xe, 2, 2, "VALID")

    def fwd_bwd():
        with engine.GradientTape() as tape:
            tape.watch(xe)
            y = engine.nn.max_pool2d(xe, 2, 2, "VALID")
        tape.gradient(y, xe, output_gradients=y)

    return fwd, fwd_bwd


def _tf_pool(tf, x):
    xt = tf.constant(x)

    def fwd():
        tf.nn.max_pool2d(xt, 2, 2, "VALID").numpy()

    def fwd_bwd():
        with tf.GradientTape() as tape:
            tape.watch(xt)
            y = tf.nn.max_pool2d(xt, 2, 2, "VALID")
        tape.gradient(y, xt, output_gradients=y).numpy()

    return fwd, fwd_bwd


def _torch_pool(torch, x):
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))

    def fwd():
        with torch.no_grad():
            torch.nn.functional.max_pool2d(xt, 2, 2)

    def fwd_bwd():
        xg = xt.detach().requires_grad_(True)
        y = torch.nn.functional.max_pool2d(xg, 2, 2)
        y.backward(y.detach())

    return fwd, fwd_bwd


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--clock", choices=sorted(_CLOCK), default="wall",
                    help="wall: perf_counter; cpu: process CPU time (steadier on a shared, busy machine)")
    args = ap.parse_args()
    global _clock
    _clock = _CLOCK[args.clock]

    try:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
    except ImportError:
        tf = None
        print("note: tensorflow is not installed; skipping the TF column")
    try:
        import torch
        torch.set_num_threads(1)
    except ImportError:
        torch = None
        print("note: torch is not installed; skipping the PyTorch column")

    rng = np.random.default_rng(0)
    layers = [("conv1 64x28x28x1 -> 16 3x3", (64, 28, 28, 1), (3, 3, 1, 16), False),
              ("conv2 64x13x13x16 -> 32 3x3", (64, 13, 13, 16), (3, 3, 16, 32), True)]
    rows = []
    for label, xs, ws, need_dx in layers:
        x = rng.standard_normal(xs).astype(np.float32)
        w = rng.standard_normal(ws).astype(np.float32)
        dy = rng.standard_normal((xs[0], xs[1] - 2, xs[2] - 2, ws[-1])).astype(np.float32)
        libs = {"engine": _engine_cases(x, w, dy, need_dx)}
        if tf is not None:
            libs["tf"] = _tf_cases(tf, x, w, dy, need_dx)
        if torch is not None:
            libs["torch"] = _torch_cases(torch, x, w, dy, need_dx)
        what = "dX+dW" if need_dx else "dW"
        rows.append((f"{label} forward", {k: v[0] for k, v in libs.items()}))
        rows.append((f"{label} fwd+bwd ({what})", {k: v[1] for k, v in libs.items()}))
    xp = rng.standard_normal((64, 26, 26, 16)).astype(np.float32)
    pool = {"engine": _engine_pool(xp)}
    if tf is not None:
        pool["tf"] = _tf_pool(tf, xp)
    if torch is not None:
        pool["torch"] = _torch_pool(torch, xp)
    rows.append(("maxpool 2x2 64x26x26x16 forward", {k: v[0] for k, v in pool.items()}))
    rows.append(("maxpool 2x2 64x26x26x16 fwd+bwd", {k: v[1] for k, v in pool.items()}))

    libs = ["engine"] + (["tf"] if tf is not None else []) + (["torch"] if torch is not None else [])
    header = f"{'case':46s}" + "".join(f"{name + ' ms':>12s}" for name in libs)
    header += "".join(f"{'eng/' + name:>12s}" for name in libs[1:])
    print(f"best of {args.repeats} ({args.clock} clock), 1 thread each; numpy {np.__version__}"
          + (f", tensorflow {tf.__version__}" if tf else "") + (f", torch {torch.__version__}" if torch else ""))
    print(header)
    for label, fns in rows:
        times = {}
        for _round in range(3):  # interleave libraries so a noisy phase hits all of them
            for name in libs:
                t = _best(fns[name], max(1, args.repeats // 3))
                times[name] = min(times.get(name, float("inf")), t)
        line = f"{label:46s}" + "".join(f"{times[n]:12.3f}" for n in libs)
        line += "".join(f"{times['engine'] / times[n]:12.2f}" for n in libs[1:])
        print(line)


if __name__ == "__main__":
    main()
