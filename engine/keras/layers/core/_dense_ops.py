"""The fused ``Dense`` op: ``act(x @ kernel + bias)`` for ``act`` in {linear, relu}.

Forward is one GEMM with the bias add and the relu done in place in its output
(no temporaries).  The backward is one op: the relu mask in one pass, the bias
gradient as a BLAS gemv, and the two GEMMs (``dx`` only when needed).  The
values are those of the unfused ``MatMul`` → ``AddV2`` → ``Relu`` chain.  When
an outer tape records the backward (higher-order gradients) it is built from
primitive ops instead, so it is differentiable again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ....framework import core
from ....framework.core import execute, register_op
from ....ops.nn_ops import _zeros_like_cached


def _dense_kernel(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, *, relu: bool) -> np.ndarray:
    y = np.matmul(x, kernel)
    np.add(y, bias, out=y)
    if relu:
        np.maximum(y, _zeros_like_cached(y) if y.size >= 4096 else 0, out=y)
    return y


def _dense_grad_kernel(g: np.ndarray, x: np.ndarray, kernel: np.ndarray, y: np.ndarray, *, relu: bool,
                       need_dx: bool) -> tuple:
    if relu:
        g = np.multiply(g, y > 0)
    dw = np.matmul(x.T, g)
    if g.shape[0] > 1 and g.flags.c_contiguous:
        db = np.ones(g.shape[0], g.dtype) @ g   # BLAS gemv
    else:
        db = g.sum(axis=0)
    dx = np.matmul(g, kernel.T) if need_dx else np.zeros((0,), g.dtype)
    return dx, dw, db


def _dense_vjp(K: Any, g: Any, xs: tuple, y: Any, shapes: tuple, a: dict, n: tuple) -> tuple:
    x, kernel = xs[0], xs[1]
    relu = a["relu"]
    if K is core.DIFF and core.recording_tapes():
        gz = K.ReluGrad(g, y) if relu else g
        dx = K.MatMul(gz, kernel, transpose_a=False, transpose_b=True) if n[0] else None
        dw = K.MatMul(x, gz, transpose_a=True, transpose_b=False) if n[1] else None
        db = K.SumTo(gz, shape=tuple(shapes[2])) if n[2] else None
        return dx, dw, db
    dx, dw, db = K.KerasDenseGrad(g, x, kernel, y, relu=relu, need_dx=bool(n[0]))
    return (dx if n[0] else None, dw if n[1] else None, db if n[2] else None)


_DENSE = register_op("KerasDense", _dense_kernel, _dense_vjp, save_inputs=(0, 1), save_output=True)
register_op("KerasDenseGrad", _dense_grad_kernel, None, n_out=3)


def fused_dense(x: Any, kernel: Any, bias: Any, relu: bool) -> Any:
    """``x @ kernel + bias`` (relu'd when ``relu``) as one op; all Tensors of one float dtype."""
    return execute(_DENSE, (x, kernel, bias), {"relu": relu})
