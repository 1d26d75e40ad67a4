"""Array ops (``tf.reshape``, ``tf.concat``, ``tf.gather``, slicing, padding, sorting ...).

Shape moves and index ops with their gradients.  Every vjp is written with
``K.<Op>`` calls only, and every op a vjp uses has a vjp of its own
(StridedSlice <-> StridedSliceGrad, GatherV2 -> UnsortedSegmentSum <->
GatherDropNegatives, GatherNd <-> ScatterNd, MirrorPad <-> MirrorPadGrad,
TakeAlongAxis <-> PutAlongAxis ...), so gradients of gradients work.

Multi-output ops (Unpack, SplitV, TopKV2) mark their vjp ``accepts_none``: the
tape then passes ``None`` for outputs nobody used, and the vjp assembles one
dense buffer instead of materialising a zeros array per missing slice.
"""
from __future__ import annotations

import collections
import numbers
from typing import Any

import numpy as np

from ..framework import core
from ..framework import dtypes as _dtypes
from ..framework.core import OPS, Tensor, execute, register_op, wrap
from ..framework.errors import InvalidArgumentError
from .dispatch import tensor

_NOATTR: dict = {}
_pyslice = slice  # the builtin: this module defines ``tf.slice``

__all__ = [
    "argsort", "boolean_mask", "broadcast_to", "cast", "concat", "expand_dims", "gather",
    "gather_nd", "getitem", "identity", "pad", "rank", "repeat", "reshape", "reverse", "scatter_nd",
    "shape", "shape_n", "size", "slice", "sort", "split", "squeeze", "stack", "strided_slice",
    "tensor_scatter_nd_add", "tensor_scatter_nd_sub", "tensor_scatter_nd_update", "tile", "top_k",
    "transpose", "unsorted_segment_sum", "unstack",
]


# ---------------------------------------------------------------------------
# Broadcasting and its gradient (the unbroadcast reduction with a gemv fast path).
def sum_to(g: Any, shape: tuple) -> Any:
    """Sum ``g`` down to ``shape`` (reverse of numpy broadcasting)."""
    gs = g.shape
    if gs == shape:
        return g
    nd = len(gs) - len(shape)
    axes = tuple(range(nd)) + tuple(i + nd for i, s in enumerate(shape) if s == 1 and gs[i + nd] != 1)
    if not axes:
        return np.reshape(g, shape)
    if (axes == tuple(range(len(axes))) and isinstance(g, np.ndarray) and g.flags.c_contiguous
            and g.dtype.kind == "f" and g.ndim >= 2):
        m = 1
        for a in axes:
            m *= gs[a]
        if m > 1:  # BLAS gemv: ~10x faster than g.sum(0) on tall arrays
            return (np.ones(m, dtype=g.dtype) @ g.reshape(m, -1)).reshape(shape)
    return np.reshape(g.sum(axis=axes), shape)


def _sum_to_vjp(K, g, xs, y, shapes, attrs, needs):
    return (K.BroadcastTo(g, shape=tuple(shapes[0])),)


def _broadcast_to_vjp(K, g, xs, y, shapes, attrs, needs):
    return (K.SumTo(g, shape=tuple(shapes[0])),)


register_op("SumTo", lambda g, shape: sum_to(g, tuple(shape)), _sum_to_vjp, save_inputs=False)
register_op("BroadcastTo", lambda x, shape: np.broadcast_to(x, tuple(shape)), _broadcast_to_vjp,
            save_inputs=False)


def _reshape_vjp(K, g, xs, y, shapes, attrs, needs):
    return (K.Reshape(g, shape=tuple(shapes[0])),)


register_op("Reshape", lambda x, shape: np.reshape(x, shape), _reshape_vjp, save_inputs=False)


def _transpose_vjp(K, g, xs, y, shapes, attrs, needs):
    perm = attrs["perm"]
    return (K.Transpose(g, perm=tuple(np.argsort(perm))),)


register_op("Transpose", lambda x, perm: np.transpose(x, perm), _transpose_vjp, save_inputs=False)


def _identity_vjp(K, g, xs, y, shapes, attrs, needs):
    return (g,)


register_op("Identity", lambda x: x, _identity_vjp, save_inputs=False)


def _cast_vjp(K, g, xs, y, shapes, attrs, needs):
    src = attrs["src"]
    if np.dtype(src).kind not in "fc":
        return (None,)
    return (K.Cast(g, dtype=src, src=np.dtype(attrs["dtype"]).str),)


register_op("Cast", lambda x, dtype, src: np.asarray(x).astype(dtype), _cast_vjp, save_inputs=False)


def broadcast_to(input: Any, shape: Any, name: str | None = None) -> Tensor:
    """Broadcast ``input`` to ``shape`` (numpy rules)."""
    x = tensor(input)
    return execute(OPS["BroadcastTo"], (x,), {"shape": tuple(int(d) for d in np.asarray(tensor(shape)._np).reshape(-1))})


def reshape(tensor_: Any, shape: Any, name: str | None = None) -> Tensor:
    """``tf.reshape``; one dimension may be -1."""
    x = tensor(tensor_)
    if type(shape) is Tensor:
        shape = shape._np.tolist()
    shape = tuple(int(d) for d in np.asarray(shape, dtype=np.int64).reshape(-1)) if not isinstance(shape, tuple) else tuple(int(d) for d in shape)
    return execute(OPS["Reshape"], (x,), {"shape": shape})


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str | None = None) -> Tensor:
    """``tf.transpose``; default reverses the axes."""
    x = tensor(a)
    if perm is None:
        perm = tuple(range(x._np.ndim))[::-1]
    else:
        perm = tuple(int(p) % max(x._np.ndim, 1) for p in np.asarray(tensor(perm)._np).reshape(-1))
    return execute(OPS["Transpose"], (x,), {"perm": perm})


def identity(input: Any, name: str | None = None) -> Tensor:
    """A new tensor with the same value (gradient passes through)."""
    return execute(OPS["Identity"], (tensor(input),), _NOATTR)


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """``tf.cast``: change the element type (float→int truncates toward zero)."""
    from ..framework import dtypes
    t = tensor(x)
    target = dtypes.as_dtype(dtype)._np
    if t._np.dtype == target:
        return t
    return execute(OPS["Cast"], (t,), {"dtype": target.str, "src": t._np.dtype.str})
