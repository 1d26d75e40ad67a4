"""Shared checks for engine op tests: compare against real TensorFlow, and finite differences.

Usage in a test module (``tf_oracle`` is the session fixture giving real TensorFlow)::

    from engine_oracle import check_against_tf, check_finite_differences

    def test_relu(tf_oracle, rng):
        x = rng.standard_normal((3, 4)).astype("float32")
        check_against_tf(lambda t, x: t.nn.relu(x), [x], tf_oracle)
        check_finite_differences(lambda t, x: t.nn.relu(x), [x.astype("float64")])

The op function receives the module (``engine`` or ``tensorflow``) first, then the
input tensors, so one lambda describes both sides.
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

import engine

TOL = {np.float32: (1e-5, 1e-5), np.float64: (1e-10, 1e-10), np.float16: (1e-2, 1e-2)}


def _tol(dtype: Any, rtol: float | None, atol: float | None) -> tuple:
    r, a = TOL.get(np.dtype(dtype).type, (1e-5, 1e-5))
    return (r if rtol is None else rtol, a if atol is None else atol)


def _run(mod: Any, fn: Callable, arrays: Sequence[np.ndarray], grad_idx: Sequence[int], seed: int) -> tuple:
    xs = [mod.constant(a) for a in arrays]
    with mod.GradientTape(persistent=True) as tape:
        for i in grad_idx:
            tape.watch(xs[i])
        y = fn(mod, *xs)
    ys = y if isinstance(y, (list, tuple)) else [y]
    rng = np.random.default_rng(seed)
    ogs = [rng.standard_normal(np.shape(yy)).astype(np.asarray(yy).dtype)
           if np.asarray(yy).dtype.kind == "f" else None for yy in ys]
    grads = []
    if grad_idx:
        float_ys = [(yy, og) for yy, og in zip(ys, ogs) if og is not None]
        if float_ys:
            grads = tape.gradient([yy for yy, _ in float_ys], [xs[i] for i in grad_idx],
                                  output_gradients=[mod.constant(og) for _, og in float_ys])
    return [np.asarray(yy) for yy in ys], [None if g is None else np.asarray(g) for g in grads]


def check_against_tf(fn: Callable, arrays: Sequence[np.ndarray], tf: Any, *, grad: bool | Sequence[int] = True,
                     rtol: float | None = None, atol: float | None = None, seed: int = 0) -> None:
    """Forward values and vjp (random upstream gradient) of engine vs TensorFlow."""
    if grad is True:
        grad_idx = [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == "f"]
    elif grad is False:
        grad_idx = []
    else:
        grad_idx = list(grad)
    e_out, e_grads = _run(engine, fn, arrays, grad_idx, seed)
    t_out, t_grads = _run(tf, fn, arrays, grad_idx, seed)
    dt = next((np.asarray(a).dtype for a in arrays if np.asarray(a).dtype.kind == "f"), np.float32)
    r, a = _tol(dt, rtol, atol)
    assert len(e_out) == len(t_out)
    for k, (e, t) in enumerate(zip(e_out, t_out)):
        assert e.shape == t.shape, f"output {k}: shape {e.shape} != TF {t.shape}"
        assert e.dtype == t.dtype, f"output {k}: dtype {e.dtype} != TF {t.dtype}"
        np.testing.assert_allclose(e, t, rtol=r, atol=a, err_msg=f"forward output {k}")
    for k, (e, t) in enumerate(zip(e_grads, t_grads)):
        if t is None:
            assert e is None or not np.any(e), f"grad {k}: engine {e} but TF None"
            continue
        assert e is not None, f"grad {k}: engine None but TF has a gradient"
        assert e.shape == t.shape, f"grad {k}: shape {e.shape} != TF {t.shape}"
        np.testing.assert_allclose(e, t, rtol=r * 10, atol=a * 10, err_msg=f"gradient wrt input {grad_idx[k]}")


def check_finite_differences(fn: Callable, arrays: Sequence[np.ndarray], *, eps: float = 1e-6,
                             rtol: float = 1e-5, atol: float = 1e-7, grad: Sequence[int] | None = None,
                             seed: int = 0) -> None:
    """Tape gradient (float64) vs central differences of sum(y * r), independent of TF."""
    arrays = [np.asarray(a) for a in arrays]
    idx = list(grad) if grad is not None else [i for i, a in enumerate(arrays) if a.dtype == np.float64]
    rng = np.random.default_rng(seed)
    xs = [engine.constant(a) for a in arrays]
    with engine.GradientTape() as tape:
        for i in idx:
            tape.watch(xs[i])
        y = fn(engine, *xs)
    ys = y if isinstance(y, (list, tuple)) else [y]
    ws = [rng.standard_normal(np.shape(yy)) for yy in ys]
    grads = tape.gradient(list(ys), [xs[i] for i in idx],
                          output_gradients=[engine.constant(w) for w in ws])

    def scalar(vals: list) -> float:
        out = fn(engine, *[engine.constant(v) for v in vals])
        outs = out if isinstance(out, (list, tuple)) else [out]
        return float(sum(np.sum(np.asarray(o) * w) for o, w in zip(outs, ws)))

    for gi, i in enumerate(idx):
        a = arrays[i]
        num = np.zeros_like(a, dtype=np.float64)
        flat = num.reshape(-1)
        for j in range(a.size):
            plus = [v.copy() for v in arrays]
            minus = [v.copy() for v in arrays]
            plus[i].reshape(-1)[j] += eps
            minus[i].reshape(-1)[j] -= eps
            flat[j] = (scalar(plus) - scalar(minus)) / (2 * eps)
        g = grads[gi]
        got = np.zeros_like(num) if g is None else np.asarray(g)
        np.testing.assert_allclose(got, num, rtol=rtol, atol=atol,
                                   err_msg=f"finite-difference gradient wrt input {i}")
