"""Eager per-op overhead: the engine vs TensorFlow eager vs PyTorch eager (run by hand).

    python bench/ops.py [--rounds 7] [--profile]

Small ops, where the time is framework overhead rather than arithmetic:
``add`` on 4x4 float32 and ``matmul`` on 16x16 float32, each in three modes:

* ``fwd``       the op alone, no tape (torch: inputs without requires_grad);
* ``fwd+tape``  the op while a tape records it (a tape is entered per 100 ops and
                the input watched; torch: inputs with requires_grad=True);
* ``fwd+bwd``   one tape per iteration: watch, op, ``tape.gradient(y, [x, w])``
                (torch: op, then ``torch.autograd.grad(y, [x, w], ones)``).

All three frameworks are measured side by side in one process, in interleaved
rounds (the order is shuffled each round); each round keeps the best of a few
repeats, and the table shows the median over rounds (µs per op / iteration).
BLAS is pinned to one thread (threadpoolctl), ``torch.set_num_threads(1)`` and
TF's intra/inter-op threads are 1.  ``--profile`` adds a cProfile of the
engine's hot path for each mode.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import statistics
import sys
import time
from typing import Any, Callable

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import engine  # noqa: E402

_LIMITS = threadpool_limits(limits=1)
OPS_PER_TAPE = 100


def _load_tf() -> Any:
    try:
        import tensorflow as tf
    except ImportError:
        return None
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    return tf


def _load_torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


# ---------------------------------------------------------------------------
# Benchmarks: each factory returns a zero-argument callable doing ``inner`` units.
def tf_like(mod: Any, op: str, mode: str, a: np.ndarray, b: np.ndarray) -> tuple[Callable, int]:
    """The engine or TensorFlow (same API)."""
    fn = mod.add if op == "add" else mod.matmul
    x, w = mod.constant(a), mod.constant(b)
    if mode == "fwd":
        def run() -> None:
            for _ in range(OPS_PER_TAPE):
                fn(x, w)
        return run, OPS_PER_TAPE
    if mode == "fwd+tape":
        def run() -> None:
            with mod.GradientTape() as tape:
                tape.watch(x)
                for _ in range(OPS_PER_TAPE):
                    fn(x, w)
        return run, OPS_PER_TAPE

    def run() -> None:
        for _ in range(10):
            with mod.GradientTape() as tape:
                tape.watch([x, w])
                y = fn(x, w)
            tape.gradient(y, [x, w])
    return run, 10


def torch_bench(torch: Any, op: str, mode: str, a: np.ndarray, b: np.ndarray) -> tuple[Callable, int]:
    fn = torch.add if op == "add" else torch.matmul
    grad = mode != "fwd"
    x = torch.tensor(a, requires_grad=grad)
    w = torch.tensor(b, requires_grad=grad)
    if mode in ("fwd", "fwd+tape"):
        def run() -> None:
            for _ in range(OPS_PER_TAPE):
                fn(x, w)
        return run, OPS_PER_TAPE
    ones = torch.ones(tuple(np.broadcast_shapes(a.shape, b.shape)) if op == "add" else (a.shape[0], b.shape[1]))

    def run() -> None:
        for _ in range(10):
            y = fn(x, w)
            torch.autograd.grad(y, [x, w], ones)
    return run, 10


def numpy_bench(op: str, mode: str, a: np.ndarray, b: np.ndarray) -> tuple[Callable, int] | None:
    if mode != "fwd":
        return None
    fn = np.add if op == "add" else np.matmul

    def run() -> None:
        for _ in range(OPS_PER_TAPE):
            fn(a, b)
    return run, OPS_PER_TAPE


# ---------------------------------------------------------------------------
def measure(run: Callable, inner: int, repeats: int, target_s: float = 0.02) -> float:
    """Best-of-``repeats`` µs per unit, each repeat ~``target_s`` long."""
    run()
    t0 = time.perf_counter()
    run()
    one = max(time.perf_counter() - t0, 1e-6)
    loops = max(1, int(target_s / one))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(loops):
            run()
        best = min(best, (time.perf_counter() - t0) / (loops * inner))
    return best * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--profile", action="store_true", help="cProfile the engine's hot path")
    args = ap.parse_args()

    tf = _load_tf()
    torch = _load_torch()
    rng = np.random.default_rng(0)
    shapes = {"add 4x4": ("add", (4, 4), (4, 4)), "matmul 16x16": ("matmul", (16, 16), (16, 16))}
    modes = ["fwd", "fwd+tape", "fwd+bwd"]
    benches: dict = {}
    for label, (op, sa, sb) in shapes.items():
        a = rng.standard_normal(sa).astype(np.float32)
        b = rng.standard_normal(sb).astype(np.float32)
        for mode in modes:
            benches[(label, mode, "engine")] = tf_like(engine, op, mode, a, b)
            if tf is not None:
                benches[(label, mode, "tf")] = tf_like(tf, op, mode, a, b)
            if torch is not None:
                benches[(label, mode, "torch")] = torch_bench(torch, op, mode, a, b)
            nb = numpy_bench(op, mode, a, b)
            if nb is not None:
                benches[(label, mode, "numpy")] = nb

    results: dict = {k: [] for k in benches}
    keys = list(benches)
    for r in range(args.rounds):
        random.Random(r).shuffle(keys)
        for k in keys:
            run, inner = benches[k]
            results[k].append(measure(run, inner, args.repeats))
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)

    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"\nper-op overhead, µs (median of {args.rounds} interleaved rounds, best of {args.repeats} each; "
          f"1 thread)")
    print(f"numpy {np.__version__}  tensorflow {getattr(tf, '__version__', 'n/a')}  "
          f"torch {getattr(torch, '__version__', 'n/a')}\n")
    head = f"{'op':<14}{'mode':<10}{'engine':>9}{'TF':>9}{'torch':>9}{'numpy':>9}{'eng/TF':>9}{'eng/torch':>11}"
    print(head)
    print("-" * len(head))
    for label in shapes:
        for mode in modes:
            e = med[(label, mode, "engine")]
            t = med.get((label, mode, "tf"))
            p = med.get((label, mode, "torch"))
            n = med.get((label, mode, "numpy"))
            fmt = lambda v: f"{v:9.2f}" if v is not None else f"{'-':>9}"  # noqa: E731
            rt = f"{e / t:9.2f}" if t else f"{'-':>9}"
            rp = f"{e / p:11.2f}" if p else f"{'-':>11}"
            print(f"{label:<14}{mode:<10}{fmt(e)}{fmt(t)}{fmt(p)}{fmt(n)}{rt}{rp}")
    print("\nfwd, fwd+tape: µs per op; fwd+bwd: µs per (tape, op, gradient) iteration.")

    if args.profile:
        for label in shapes:
            for mode in modes:
                run, _ = benches[(label, mode, "engine")]
                prof = cProfile.Profile()
                prof.enable()
                for _ in range(300):
                    run()
                prof.disable()
                s = io.StringIO()
                pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(12)
                print(f"\n=== engine profile: {label} {mode} ===")
                print("\n".join(s.getvalue().splitlines()[4:24]))


if __name__ == "__main__":
    main()
