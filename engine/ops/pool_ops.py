"""``tf.nn`` pooling: max/avg pooling in 1, 2 and 3 spatial dims, with gradients.

Forward passes are separable: a window max (or sum) is reduced one spatial
axis at a time, so a 2x2/stride-2 pool is the measured-fast "row pairs, then
column pairs" (specs/engine-notes.md §A1' item 5) and a kxk pool costs 2k
passes instead of k².  Max-pool gradients follow TensorFlow's CPU kernels on
ties: 2-D (MaxPoolGrad) routes each window's gradient to its FIRST maximum in
row-major window order; 3-D (MaxPool3DGrad) gives it to every tied maximum.
Average pooling with SAME padding divides by the number of unpadded elements
in each window, like TF.
"""
from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np

from ..framework.core import OPS, Tensor, execute, register_op
from ..framework.errors import InvalidArgumentError, UnimplementedError
from . import _window as W
from .dispatch import tensor

__all__ = [
    "avg_pool",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "max_pool",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
]


# ---------------------------------------------------------------------------
# Kernels (channels-last, n spatial dims)
def _geom(shape: tuple, ksize: tuple, strides: tuple, padding: str, explicit: tuple, op: str) -> tuple:
    nd = len(shape) - 2
    return W.geometry(tuple(shape[1:-1]), ksize[1:-1], strides[1:-1], (1,) * nd, padding, explicit, op)


def _lowest(dtype: np.dtype) -> Any:
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _axis_slice(ndim: int, ax: int, off: int, o: int, s: int) -> tuple:
    idx = [slice(None)] * ndim
    idx[ax] = slice(off, off + (o - 1) * s + 1, s)
    return tuple(idx)


def _reduce_windows(xp: np.ndarray, k_sp: tuple, ss: tuple, out_sp: tuple, ufunc: Any) -> np.ndarray:
    """Window reduction of a padded array, one spatial axis at a time."""
    r = xp
    for i, (k, s, o) in enumerate(zip(k_sp, ss, out_sp)):
        ax = i + 1
        if k == 1 and s == 1 and r.shape[ax] == o:
            continue
        if k == 1:
            r = r[_axis_slice(r.ndim, ax, 0, o, s)]
            continue
        acc = ufunc(r[_axis_slice(r.ndim, ax, 0, o, s)], r[_axis_slice(r.ndim, ax, 1, o, s)])
        for off in range(2, k):
            ufunc(acc, r[_axis_slice(r.ndim, ax, off, o, s)], out=acc)
        r = acc
    return r


def _expand_windows(g: np.ndarray, k_sp: tuple, ss: tuple, padded_sp: tuple) -> np.ndarray:
    """Adjoint of a windowed sum: spread each output back over its window (padded shape)."""
    r = g
    for i in reversed(range(len(k_sp))):
        k, s, size, ax = k_sp[i], ss[i], padded_sp[i], i + 1
        o = r.shape[ax]
        if k == 1 and s == 1 and size == o:
            continue
        shape = r.shape[:ax] + (size,) + r.shape[ax + 1:]
        acc = np.zeros(shape, r.dtype)
        for off in range(k):
            view = acc[_axis_slice(acc.ndim, ax, off, o, s)]
            if k <= s:  # disjoint windows: plain stores
                view[...] = r
            else:
                view += r
        r = acc
    return r


def _max_pool(x, *, ksize, strides, padding, explicit_paddings=()):
    out_sp, pads = _geom(x.shape, ksize, strides, padding, explicit_paddings, "MaxPool")
    if x.size == 0 or 0 in out_sp:
        return np.zeros((x.shape[0], *out_sp, x.shape[-1]), x.dtype)
    xp = W.pad(x, pads, _lowest(x.dtype))
    return np.ascontiguousarray(_reduce_windows(xp, ksize[1:-1], strides[1:-1], out_sp, np.maximum))


def _max_masks(xp: np.ndarray, y: np.ndarray, k_sp: tuple, ss: tuple, out_sp: tuple, first: bool):
    """Yield (window index, mask) per tap, marking where the tap holds its window's maximum.

    ``first``: only each window's first maximum in row-major order (TF's MaxPoolGrad);
    otherwise every tied maximum (TF's MaxPool3DGrad).
    """
    ones = (1,) * len(k_sp)
    tl = W.taps(k_sp)
    m = np.empty(y.shape, bool)
    taken = None
    for j, tap in enumerate(tl):
        win = W.window(tap, out_sp, ss, ones)
        np.equal(xp[win], y, out=m)
        if first:
            if taken is None:
                taken = m.copy()
            else:
                np.greater(m, taken, out=m)  # m & ~taken: an earlier tap already holds the max
                if j + 1 < len(tl):
                    taken |= m
        yield win, m


def _route(xp, y, dy, dxp, k_sp, ss, out_sp, first: bool) -> None:
    """Add ``dy`` into ``dxp`` at each window's max(es)."""
    disjoint = all(k <= s for k, s in zip(k_sp, ss))
    tmp = None if disjoint else np.empty(dy.shape, dy.dtype)
    for win, m in _max_masks(xp, y, k_sp, ss, out_sp, first):
        if disjoint:  # windows never overlap: write in place
            np.multiply(dy, m, out=dxp[win])
        else:
            np.multiply(dy, m, out=tmp)
            dxp[win] += tmp


@functools.lru_cache(maxsize=32)
def _pool2_base(shape: tuple, out_sp: tuple) -> tuple:
    """Flat index of each 2x2 window's top-left tap, and the flat offsets of its four taps."""
    n, h, w, c = shape
    oh, ow = out_sp
    b = (np.arange(n, dtype=np.intp)[:, None, None, None] * (h * w * c)
         + np.arange(oh, dtype=np.intp)[:, None, None] * (2 * w * c)
         + np.arange(ow, dtype=np.intp)[:, None] * (2 * c) + np.arange(c, dtype=np.intp)).reshape(-1)
    b.setflags(write=False)
    offs = np.array([0, c, w * c, w * c + c], np.intp)
    return b, offs


def _max_pool2_grad(x, y, dy, out_sp):
    """2x2 / stride-2 unpadded MaxPoolGrad (first max wins): one tap index per window, one scatter.

    The index ``k`` of the first tap equal to the window max is ``ne0 * (1 + ne1 * (1 + ne2))``
    (``ne_i``: tap i differs from the max); dx is then a single fancy store into zeros
    (measured ~2x faster than per-tap masks on conv feature maps).
    """
    n, _, _, c = x.shape
    oh, ow = out_sp
    x6 = x[:, :2 * oh, :2 * ow].reshape(n, oh, 2, ow, 2, c)
    k = np.not_equal(x6[:, :, 1, :, 0], y).view(np.uint8) + np.uint8(1)
    k *= np.not_equal(x6[:, :, 0, :, 1], y)
    k += np.uint8(1)
    k *= np.not_equal(x6[:, :, 0, :, 0], y)
    base, offs = _pool2_base(tuple(x.shape), (oh, ow))
    idx = offs.take(k.reshape(-1))
    idx += base
    dx = np.zeros(x.size, dy.dtype)
    dx[idx] = dy.reshape(-1)
    return dx.reshape(x.shape)


def _max_pool_grad(x, y, dy, first, ksize, strides, padding, explicit_paddings=()):
    out_sp, pads = _geom(x.shape, ksize, strides, padding, explicit_paddings, "MaxPoolGrad")
    if x.size == 0 or y.size == 0:
        return np.zeros(x.shape, dy.dtype)
    k_sp, ss = ksize[1:-1], strides[1:-1]
    if (first and x.ndim == 4 and k_sp == (2, 2) and ss == (2, 2) and not W.is_padded(pads)
            and y.shape == dy.shape and (x.dtype.kind != "f" or not np.isnan(y).any())):
        return _max_pool2_grad(x, y, np.ascontiguousarray(dy), out_sp)
    xp = W.pad(x, pads, _lowest(x.dtype))
    dxp = np.zeros(xp.shape, dy.dtype)
    # (No optimistic tie-free pass: after a ReLU, all-zero windows make ties the common case.)
    _route(xp, y, dy, dxp, k_sp, ss, out_sp, first)
    return dxp[W.interior(x.shape, pads)] if W.is_padded(pads) else dxp


def _max_pool_grad_grad(x, y, gg, *, ksize, strides, padding, explicit_paddings=()):
    """Gradient of MaxPoolGrad wrt its upstream grad: gather ``gg`` at each window's first max.

    (TF's 2-D and 3-D GradGrad kernels both take the first max, even where MaxPool3DGrad
    spreads over every tie.)
    """
    out_sp, pads = _geom(x.shape, ksize, strides, padding, explicit_paddings, "MaxPoolGradGrad")
    out = np.zeros(y.shape, gg.dtype)
    if x.size == 0 or y.size == 0:
        return out
    k_sp, ss = ksize[1:-1], strides[1:-1]
    xp = W.pad(x, pads, _lowest(x.dtype))
    gp = W.pad(gg, pads, 0)
    for win, m in _max_masks(xp, y, k_sp, ss, out_sp, True):
        np.copyto(out, gp[win], where=m)
    return out


@functools.lru_cache(maxsize=512)
def _counts(in_sp: tuple, k_sp: tuple, ss: tuple, pads: tuple, out_sp: tuple, dtype: str) -> Any:
    """Unpadded elements per window, shaped (1, *out, 1) (a scalar when no window is clipped)."""
    if not W.is_padded(pads):
        return math.prod(k_sp)
    c = np.ones((1,) * (len(in_sp) + 2), dtype)
    for i, (n, k, s, (b, _), o) in enumerate(zip(in_sp, k_sp, ss, pads, out_sp)):
        start = np.arange(o) * s - b
        ci = (np.minimum(start + k, n) - np.maximum(start, 0)).astype(dtype)
        shape = [1] * c.ndim
        shape[i + 1] = o
        c = c * ci.reshape(shape)
    c.setflags(write=False)
    return c


def _avg_pool(x, *, ksize, strides, padding):
    out_sp, pads = _geom(x.shape, ksize, strides, padding, (), "AvgPool")
    if x.size == 0 or 0 in out_sp:
        return np.zeros((x.shape[0], *out_sp, x.shape[-1]), x.dtype)
    k_sp, ss = ksize[1:-1], strides[1:-1]
    s = _reduce_windows(W.pad(x, pads), k_sp, ss, out_sp, np.add)
    cnt = _counts(tuple(x.shape[1:-1]), k_sp, ss, pads, out_sp, x.dtype.str)
    if s.base is None and s is not x:  # a fresh sum array: divide in place
        np.divide(s, cnt, out=s)
        return s
    return np.ascontiguousarray(s / cnt)


def _avg_pool_grad(dy, *, orig_input_shape, ksize, strides, padding):
    in_shape = tuple(orig_input_shape)
    out_sp, pads = _geom(in_shape, ksize, strides, padding, (), "AvgPoolGrad")
    if dy.size == 0 or 0 in in_shape:
        return np.zeros(in_shape, dy.dtype)
    k_sp, ss = ksize[1:-1], strides[1:-1]
    cnt = _counts(in_shape[1:-1], k_sp, ss, pads, out_sp, dy.dtype.str)
    g = dy / cnt
    padded = tuple(n + b + a for n, (b, a) in zip(in_shape[1:-1], pads))
    dxp = _expand_windows(g, k_sp, ss, padded)
    return dxp[W.interior(in_shape, pads)] if W.is_padded(pads) else dxp


# ---------------------------------------------------------------------------
# vjps (closed under differentiation, as TF's MaxPoolGrad/MaxPoolGradGrad/AvgPoolGrad)
def _register_max(fwd: str, grad: str, gradgrad: str, first: bool) -> None:
    def fwd_vjp(K, g, xs, y, shapes, a, n):
        return (getattr(K, grad)(xs[0], y, g, **a),)

    def grad_vjp(K, g, xs, y, shapes, a, n):
        return (None, None, getattr(K, gradgrad)(xs[0], xs[1], g, **a) if n[2] else None)

    def gradgrad_vjp(K, g, xs, y, shapes, a, n):
        return (None, None, getattr(K, grad)(xs[0], xs[1], g, **a) if n[2] else None)

    def grad_kernel(x, y, dy, **a):
        return _max_pool_grad(x, y, dy, first, **a)

    register_op(fwd, _max_pool, fwd_vjp, save_output=True)
    register_op(grad, grad_kernel, grad_vjp, save_inputs=(0, 1))
    register_op(gradgrad, _max_pool_grad_grad, gradgrad_vjp, save_inputs=(0, 1))


def _register_avg(fwd: str, grad: str) -> None:
    def fwd_vjp(K, g, xs, y, shapes, a, n):
        return (getattr(K, grad)(g, orig_input_shape=tuple(shapes[0]), **a),)

    def grad_vjp(K, g, xs, y, shapes, a, n):
        return (getattr(K, fwd)(g, ksize=a["ksize"], strides=a["strides"], padding=a["padding"]),)

    register_op(fwd, _avg_pool, fwd_vjp, save_inputs=False)
    register_op(grad, _avg_pool_grad, grad_vjp, save_inputs=False)


_register_max("MaxPool", "MaxPoolGrad", "MaxPoolGradGrad", first=True)
_register_max("MaxPool3D", "MaxPool3DGrad", "MaxPool3DGradGrad", first=False)
_register_avg("AvgPool", "AvgPoolGrad")
_register_avg("AvgPool3D", "AvgPool3DGrad")


# ---------------------------------------------------------------------------
# Wrappers
_MAX_OPS = {2: "MaxPool", 3: "MaxPool3D"}
_AVG_OPS = {2: "AvgPool", 3: "AvgPool3D"}


def _perm_last(nd: int) -> tuple:
    return (0,) + tuple(range(2, nd)) + (1,)


def _perm_first(nd: int) -> tuple:
    return (0, nd - 1) + tuple(range(1, nd - 1))


def _to_last(seq: tuple) -> tuple:
    return (seq[0],) + tuple(seq[2:]) + (seq[1],)


def _shape_str(s: tuple) -> str:
    return "[" + ",".join(str(d) for d in s) + "]"


def _pool_nd(kind: str, input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any, nsp: int) -> Tensor:
    """Validated pooling over ``nsp`` (2 or 3) spatial dims; NC* formats run through transposes."""
    op = (_MAX_OPS if kind == "max" else _AVG_OPS)[nsp]
    x = tensor(input)
    first = data_format is not None and str(data_format).startswith("NC")
    ci = 1 if first else nsp + 1
    ks = W.get_sequence(ksize, nsp, ci, "ksize")
    st = W.get_sequence(strides, nsp, ci, "strides")
    if op != "MaxPool" and isinstance(padding, (list, tuple)):  # only 2-D max pooling takes explicit pads
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    pad_s, explicit = W.convert_padding(padding, nsp + 2)
    nd = x._np.ndim
    if nd != nsp + 2:
        raise InvalidArgumentError(None, op, f"input must be {nsp + 2}-dimensional{_shape_str(x._np.shape)} "
                                             f"[Op:{op}]")
    if first:
        x = _transpose(x, _perm_last(nd))
        ks, st = _to_last(ks), _to_last(st)
        if explicit:
            pairs = [explicit[i:i + 2] for i in range(0, len(explicit), 2)]
            explicit = tuple(p for pair in _to_last(tuple(pairs)) for p in pair)
    if kind == "avg" and x._np.dtype.kind != "f":
        raise InvalidArgumentError(None, op, f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                                             f"values: half, bfloat16, float, double [Op:{op}]")
    if kind == "max" and x._np.dtype.kind not in "fiu":
        raise InvalidArgumentError(None, op, f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                                             f"values for {op} [Op:{op}]")
    for i, k in enumerate(ks):
        if k < 1:
            raise InvalidArgumentError(None, op, f"Sliding window ksize for dimension {i} was zero. [Op:{op}]")
    if ks[0] != 1 or st[0] != 1:
        raise UnimplementedError(None, op, f"Pooling is not yet supported on the batch dimension. [Op:{op}]")
    if ks[-1] != 1 or st[-1] != 1:
        raise UnimplementedError(None, op, f"Pooling over the depth dimension is not supported (ksize {list(ks)}, "
                                           f"strides {list(st)}). [Op:{op}]")
    W.check_window_strides(st, op)
    if pad_s == "EXPLICIT":
        W.check_explicit(explicit, op)
        for i, k in enumerate(ks[1:-1]):
            for side, p in zip(("Left", "Right"), explicit[2 * i + 2:2 * i + 4]):
                if p >= k:
                    raise InvalidArgumentError(None, op, f"{side} padding {p} needs to be smaller than the window "
                                                         f"size {k} [Op:{op}]")
    W.geometry(tuple(x._np.shape[1:-1]), ks[1:-1], st[1:-1], (1,) * nsp, pad_s, explicit, op)
    attrs = {"ksize": ks, "strides": st, "padding": pad_s}
    if op == "MaxPool":
        attrs["explicit_paddings"] = explicit
    y = execute(OPS[op], (x,), attrs)
    return _transpose(y, _perm_first(nd)) if first else y


def _pool_1d(kind: str, input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any) -> Tensor:
    """1-D pooling as 2-D pooling over an inserted unit height axis (as TF does)."""
    if data_format is None:
        data_format = "NWC"
    first = str(data_format).startswith("NC")
    ci = 1 if first else 2
    ks = (1,) + W.get_sequence(ksize, 1, ci, "ksize")
    st = (1,) + W.get_sequence(strides, 1, ci, "strides")
    x = tensor(input)
    if x._np.ndim != 3:
        raise ValueError(f"`input` must have rank 3 for 1-D pooling. Received: input.shape={tuple(x._np.shape)}")
    if kind == "max":
        pad_s, explicit = W.convert_padding(padding, 3)
        padding = [[0, 0]] + [list(explicit[i:i + 2]) for i in range(0, len(explicit), 2)] if explicit else pad_s
    if first:
        x = _transpose(x, (0, 2, 1))
        ks, st = (1, 1, ks[3], 1), (1, 1, st[3], 1)
        if isinstance(padding, list):
            padding = [padding[0], padding[1], padding[3], padding[2]]
    xs = x._np.shape
    y = _pool_nd(kind, _reshape(x, (xs[0], 1) + xs[1:]), ks, st, padding, "NHWC", 2)
    ys = y._np.shape
    y = _reshape(y, (ys[0],) + ys[2:])
    return _transpose(y, (0, 2, 1)) if first else y


def _transpose(x: Tensor, perm: tuple) -> Tensor:
    return execute(OPS["Transpose"], (x,), {"perm": perm})


def _reshape(x: Tensor, shape: tuple) -> Tensor:
    return execute(OPS["Reshape"], (x,), {"shape": tuple(shape)})


def _rank_dispatch(kind: str, input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any) -> Tensor:
    x = tensor(input)
    n = x._np.ndim - 2
    if not 1 <= n <= 3:
        raise ValueError(f"`input.shape.rank` must be 3, 4 or 5. Received: input.shape={tuple(x._np.shape)} "
                         f"of rank {n + 2}.")
    if n == 1:
        return _pool_1d(kind, x, ksize, strides, padding, data_format)
    return _pool_nd(kind, x, ksize, strides, padding, data_format, n)


# ---------------------------------------------------------------------------
# Public API
def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: str | None = None) -> Tensor:
    """Max pooling over [batch, h, w, channels]; ``padding`` may be SAME, VALID or explicit pairs."""
    return _pool_nd("max", input, ksize, strides, padding, data_format, 2)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NHWC",
               name: str | None = None) -> Tensor:
    """Average pooling over [batch, h, w, channels]; SAME windows average their unpadded elements."""
    return _pool_nd("avg", input, ksize, strides, padding, data_format, 2)


def max_pool3d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NDHWC",
               name: str | None = None) -> Tensor:
    """Max pooling over [batch, d, h, w, channels]."""
    if isinstance(padding, (list, tuple)):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    return _pool_nd("max", input, ksize, strides, padding, data_format, 3)


def avg_pool3d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NDHWC",
               name: str | None = None) -> Tensor:
    """Average pooling over [batch, d, h, w, channels]."""
    return _pool_nd("avg", input, ksize, strides, padding, data_format, 3)


def max_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",
               name: str | None = None) -> Tensor:
    """Max pooling over [batch, width, channels]."""
    return _pool_1d("max", input, ksize, strides, padding, data_format)


def avg_pool1d(input: Any, ksize: Any, strides: Any, padding: Any, data_format: str = "NWC",
               name: str | None = None) -> Tensor:
    """Average pooling over [batch, width, channels]."""
    return _pool_1d("avg", input, ksize, strides, padding, data_format)


def max_pool(input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = None,
             name: str | None = None) -> Tensor:
    """Max pooling of a rank 3, 4 or 5 ``input`` (1, 2 or 3 spatial dims)."""
    return _rank_dispatch("max", input, ksize, strides, padding, data_format)


def avg_pool(input: Any, ksize: Any, strides: Any, padding: Any, data_format: Any = None,
             name: str | None = None) -> Tensor:
    """Average pooling of a rank 3, 4 or 5 ``input`` (1, 2 or 3 spatial dims)."""
    return _rank_dispatch("avg", input, ksize, strides, padding, data_format)
