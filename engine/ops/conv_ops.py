"""``tf.nn`` convolutions: conv1d/2d/3d, their transposes, depthwise and separable conv.

Kernels work channels-last on any number of spatial dims (NCHW inputs are
transposed by the wrappers).  Forward = im2col through one strided view and one
copy, then one GEMM (specs/engine-notes.md §A1' item 5).  Each backward is an
op of its own ("Conv2DBackpropInput", "Conv2DBackpropFilter", ...) whose vjp is
written with the other two, as TensorFlow does, so gradients of gradients are
exact.  Grouped convolution (input depth a multiple of the filter depth) runs
one GEMM per group.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from ..framework.core import OPS, Tensor, execute, register_op
from ..framework.errors import InvalidArgumentError, UnimplementedError
from . import _window as W
from .dispatch import binary_args, tensor

__all__ = [
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "convolution",
    "depthwise_conv2d",
    "separable_conv2d",
]

_DW_BLOCK_BYTES = 384 * 1024  # dW = colsᵀ @ dY runs in row blocks of about this many bytes of cols




# ---------------------------------------------------------------------------
# Kernels (channels-last, n spatial dims; attrs as TensorFlow names them)
def _im2col(x: np.ndarray, k_sp: tuple, ss: tuple, ds: tuple, pads: tuple, out_sp: tuple) -> np.ndarray:
    """(N, *S, C) → contiguous (N·prod(out), prod(k)·C) patch matrix, taps row-major then channel."""
    n, c = x.shape[0], x.shape[-1]
    nd = len(k_sp)
    t = math.prod(k_sp)
    m = n * math.prod(out_sp)
    if t == 1 and all(s == 1 for s in ss) and not W.is_padded(pads):
        return np.ascontiguousarray(x).reshape(m, c)
    xp = W.pad(x, pads)
    if c == 1:
        # Tap-major slice copies (each a contiguous block, inner loop over the output width),
        # returned as the transposed (M, taps) view: BLAS takes either layout, and the filter
        # gradient colsᵀ @ dY reads the tap rows directly (measured 0.20 vs 0.46 ms per build
        # for a 64x28x28x1 input and 3x3 taps).
        cols = np.empty((t, n, *out_sp), x.dtype)
        for i, tap in enumerate(W.taps(k_sp)):
            cols[i] = xp[W.window(tap, out_sp, ss, ds)][..., 0]
        return cols.reshape(t, m).T
    st = xp.strides
    lead = (st[0],) + tuple(st[1 + i] * ss[i] for i in range(nd))
    if ds[-1] == 1:  # the last kernel row is contiguous in memory: merge (kw, C)
        shape = (n, *out_sp, *k_sp[:-1], k_sp[-1] * c)
        strides = lead + tuple(st[1 + i] * ds[i] for i in range(nd - 1)) + (st[-1],)
    else:
        shape = (n, *out_sp, *k_sp, c)
        strides = lead + tuple(st[1 + i] * ds[i] for i in range(nd)) + (st[-1],)
    # np.ndarray over xp's buffer is as_strided without its ~8 µs of Python (and bounds-checked).
    return np.ascontiguousarray(np.ndarray(shape, xp.dtype, buffer=xp, strides=strides)).reshape(m, t * c)


def _geom(in_shape: tuple, k_sp: tuple, a: dict, op: str) -> tuple:
    return W.geometry(tuple(in_shape[1:-1]), tuple(k_sp), a["strides"][1:-1], a["dilations"][1:-1],
                      a["padding"], a["explicit_paddings"], op)


def _groups(c: int, cg: int) -> int:
    return c // cg if cg else 1


def _conv_core(x, w, ss, ds, pads, out_sp):
    n, f = x.shape[0], w.shape[-1]
    if x.size == 0 or w.size == 0 or 0 in out_sp:
        return np.zeros((n, *out_sp, f), np.result_type(x, w))
    cols = _im2col(x, w.shape[:-2], ss, ds, pads, out_sp)
    return (cols @ w.reshape(-1, f)).reshape(n, *out_sp, f)


def _conv_dx(w, dy, in_shape, ss, ds, pads):
    n, c, f = in_shape[0], in_shape[-1], w.shape[-1]
    k_sp, out_sp = w.shape[:-2], dy.shape[1:-1]
    dtype = np.result_type(w, dy)
    if dy.size == 0 or w.size == 0 or 0 in in_shape:
        return np.zeros(in_shape, dtype)
    t = math.prod(k_sp)
    dy2 = dy.reshape(-1, f)
    if t == 1 and all(s == 1 for s in ss) and not W.is_padded(pads):
        return (dy2 @ w.reshape(c, f).T).reshape(in_shape)
    dxp = np.zeros((n,) + tuple(s + b + a for s, (b, a) in zip(in_shape[1:-1], pads)) + (c,), dtype)
    if c == 1:  # one GEMM, then per-tap adds along the output width
        dc = (dy2 @ w.reshape(t, f).T).reshape(*dy.shape[:-1], t)
        for i, tap in enumerate(W.taps(k_sp)):
            dxp[W.window(tap, out_sp, ss, ds)] += dc[..., i, None]
    else:  # a contiguous (M, C) block per tap, added at its shifted window
        wt = w.reshape(t, c, f)
        shape = dy.shape[:-1] + (c,)
        for i, tap in enumerate(W.taps(k_sp)):
            dxp[W.window(tap, out_sp, ss, ds)] += (dy2 @ wt[i].T).reshape(shape)
    return dxp[W.interior(in_shape, pads)] if W.is_padded(pads) else dxp


def _conv_dw(x, dy, f_shape, ss, ds, pads):
    k_sp, out_sp, f = tuple(f_shape[:-2]), dy.shape[1:-1], f_shape[-1]
    dtype = np.result_type(x, dy)
    if x.size == 0 or dy.size == 0:
        return np.zeros(f_shape, dtype)
    cols = _im2col(x, k_sp, ss, ds, pads, out_sp)
    dy2 = dy.reshape(-1, f)
    m, k = cols.shape
    # One long-K GEMM is 2-4x slower than a sum of cache-sized blocks (measured: 7744x144x32
    # 4.8 ms whole vs 2.0 ms in 512-row blocks); small products stay one call.
    rows = 1 << max(7, min(11, (_DW_BLOCK_BYTES // (k * cols.itemsize)).bit_length() - 1))
    if m <= 2 * rows or k * f < 512:
        return (cols.T @ dy2).reshape(f_shape)
    acc = cols[:rows].T @ dy2[:rows]
    for s in range(rows, m, rows):
        acc += cols[s:s + rows].T @ dy2[s:s + rows]
    return acc.reshape(f_shape)


def _split(a: np.ndarray, g: int, k: int) -> np.ndarray:
    return a[..., g * k:(g + 1) * k]


def _make_conv_kernels(op: str):
    def fwd(x, w, *, strides, padding, explicit_paddings, dilations):
        a = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings, "dilations": dilations}
        out_sp, pads = _geom(x.shape, w.shape[:-2], a, op)
        ss, ds = strides[1:-1], dilations[1:-1]
        cg, f = w.shape[-2], w.shape[-1]
        groups = _groups(x.shape[-1], cg)
        if groups == 1:
            return _conv_core(x, w, ss, ds, pads, out_sp)
        fg = f // groups
        return np.concatenate([_conv_core(_split(x, g, cg), _split(w, g, fg), ss, ds, pads, out_sp)
                               for g in range(groups)], axis=-1)

    def backprop_input(w, dy, *, input_sizes, strides, padding, explicit_paddings, dilations):
        a = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings, "dilations": dilations}
        in_shape = tuple(input_sizes)
        _, pads = _geom(in_shape, w.shape[:-2], a, op)
        ss, ds = strides[1:-1], dilations[1:-1]
        cg, f = w.shape[-2], w.shape[-1]
        groups = _groups(in_shape[-1], cg)
        if groups == 1:
            return _conv_dx(w, dy, in_shape, ss, ds, pads)
        fg, gshape = f // groups, in_shape[:-1] + (cg,)
        return np.concatenate([_conv_dx(_split(w, g, fg), _split(dy, g, fg), gshape, ss, ds, pads)
                               for g in range(groups)], axis=-1)

    def backprop_filter(x, dy, *, filter_sizes, strides, padding, explicit_paddings, dilations):
        a = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings, "dilations": dilations}
        f_shape = tuple(filter_sizes)
        _, pads = _geom(x.shape, f_shape[:-2], a, op)
        ss, ds = strides[1:-1], dilations[1:-1]
        cg, f = f_shape[-2], f_shape[-1]
        groups = _groups(x.shape[-1], cg)
        if groups == 1:
            return _conv_dw(x, dy, f_shape, ss, ds, pads)
        fg = f // groups
        gshape = f_shape[:-1] + (fg,)
        return np.concatenate([_conv_dw(_split(x, g, cg), _split(dy, g, fg), gshape, ss, ds, pads)
                               for g in range(groups)], axis=-1)

    return fwd, backprop_input, backprop_filter


# -- depthwise: one multiply-add per tap over (N, *out, C, multiplier) ---------
def _dw_fwd(x, w, *, strides, padding, explicit_paddings, dilations):
    a = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings, "dilations": dilations}
    k_sp, (c, mult) = w.shape[:-2], w.shape[-2:]
    out_sp, pads = _geom(x.shape, k_sp, a, "DepthwiseConv2dNative")
    n = x.shape[0]
    dtype = np.result_type(x, w)
    if x.size == 0 or w.size == 0 or 0 in out_sp:
        return np.zeros((n, *out_sp, c * mult), dtype)
    ss, ds = strides[1:-1], dilations[1:-1]
    xp = W.pad(x, pads)
    wt = w.reshape(-1, c, mult)
    out = tmp = None
    for i, tap in enumerate(W.taps(k_sp)):
        v = xp[W.window(tap, out_sp, ss, ds)]
        if mult == 1:
            if out is None:
                out = v * wt[i, :, 0]
                tmp = np.empty_like(out)
            else:
                np.multiply(v, wt[i, :, 0], out=tmp)
                out += tmp
        else:
            if out is None:
                out = v[..., None] * wt[i]
                tmp = np.empty_like(out)
            else:
                np.multiply(v[..., None], wt[i], out=tmp)
                out += tmp
    return out.reshape(n, *out_sp, c * mult)


def _dw_backprop_input(w, dy, *, input_sizes, strides, padding, explicit_paddings, dilations):
    a = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings, "dilations": dilations}
    in_shape = tuple(input_sizes)
    k_sp, (c, mult) = w.shape[:-2], w.shape[-2:]
    out_sp, pads = _geom(in_shape, k_sp, a, "DepthwiseConv2dNativeBackpropInput")
    dtype = np.result_type(w, dy)
    if dy.size == 0 or w.size == 0 or 0 in in_shape:
        return np.zeros(in_shape, dtype)
    ss, ds = strides[1:-1], dilations[1:-1]
    dxp = np.zeros((in_shape[0],) + tuple(s + b + e for s, (b, e) in zip(in_shape[1:-1], pads)) + (c,), dtype)
    wt = w.reshape(-1, c, mult)
    dy5 = dy.reshape(*dy.shape[:-1], c, mult)
    for i, tap in enumerate(W.taps(k_sp)):
        contrib = dy5[..., 0] * wt[i, :, 0] if mult == 1 else (dy5 * wt[i]).sum(-1)
        dxp[W.window(tap, out_sp, ss, ds)] += contrib
    return dxp[W.interior(in_shape, pads)] if W.is_padded(pads) else dxp


def _dw_backprop_filter(x, dy, *, filter_sizes, strides, padding, explicit_paddings, dilations):
    a = {"strides": strides, "padding": padding, "explicit_paddings": explicit_paddings, "dilations": dilations}
    f_shape = tuple(filter_sizes)
    k_sp, (c, mult) = f_shape[:-2], f_shape[-2:]
    out_sp, pads = _geom(x.shape, k_sp, a, "DepthwiseConv2dNativeBackpropFilter")
    dtype = np.result_type(x, dy)
    if x.size == 0 or dy.size == 0:
        return np.zeros(f_shape, dtype)
    ss, ds = strides[1:-1], dilations[1:-1]
    xp = W.pad(x, pads)
    p = dy.size // (c * mult)
    ones = np.ones(p, dtype)
    dy5 = dy.reshape(*dy.shape[:-1], c, mult)
    tl = W.taps(k_sp)
    dw = np.empty((len(tl), c * mult), dtype)
    for i, tap in enumerate(tl):
        v = xp[W.window(tap, out_sp, ss, ds)]
        prod = v[..., None] * dy5
        np.matmul(ones, prod.reshape(p, c * mult), out=dw[i])  # gemv: fast sum over the batch rows
    return dw.reshape(f_shape)


# ---------------------------------------------------------------------------
# vjps: each op's gradient is written with its two siblings (exact at any order)
_ATTR_KEYS = ("strides", "padding", "explicit_paddings", "dilations")


def _common(a: dict) -> dict:
    return {k: a[k] for k in _ATTR_KEYS}


def _register_family(fwd_name: str, in_name: str, flt_name: str, kernels: tuple) -> None:
    fwd, bin_, bflt = kernels

    def fwd_vjp(K, g, xs, y, shapes, a, n):
        x, w = xs
        return (getattr(K, in_name)(w, g, input_sizes=tuple(shapes[0]), **a) if n[0] else None,
                getattr(K, flt_name)(x, g, filter_sizes=tuple(shapes[1]), **a) if n[1] else None)

    def in_vjp(K, g, xs, y, shapes, a, n):
        w, dy = xs
        c = _common(a)
        return (getattr(K, flt_name)(g, dy, filter_sizes=tuple(shapes[0]), **c) if n[0] else None,
                getattr(K, fwd_name)(g, w, **c) if n[1] else None)

    def flt_vjp(K, g, xs, y, shapes, a, n):
        x, dy = xs
        c = _common(a)
        return (getattr(K, in_name)(g, dy, input_sizes=tuple(shapes[0]), **c) if n[0] else None,
                getattr(K, fwd_name)(x, g, **c) if n[1] else None)

    register_op(fwd_name, fwd, fwd_vjp)
    register_op(in_name, bin_, in_vjp)
    register_op(flt_name, bflt, flt_vjp)


_register_family("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", _make_conv_kernels("Conv2D"))
_register_family("Conv3D", "Conv3DBackpropInputV2", "Conv3DBackpropFilterV2", _make_conv_kernels("Conv3D"))
_register_family("DepthwiseConv2dNative", "DepthwiseConv2dNativeBackpropInput",
                 "DepthwiseConv2dNativeBackpropFilter", (_dw_fwd, _dw_backprop_input, _dw_backprop_filter))


# ---------------------------------------------------------------------------
# Fused Conv2D + BiasAdd + Relu (Keras Conv2D with activation="relu"): the bias add and the
# ReLU run in place on the GEMM output and only the output is saved; the backward masks dY
# once (ReluGrad) and feeds the bias gradient and both conv backprops.  Every gradient is a
# registered op with its own vjp, so higher orders stay exact.
_CONV2D_FWD = _make_conv_kernels("Conv2D")[0]


def _conv2d_bias_relu_kernel(x, w, b, *, strides, padding, explicit_paddings, dilations):
    from .nn_ops import _zeros_like_cached
    y = _CONV2D_FWD(x, w, strides=strides, padding=padding, explicit_paddings=explicit_paddings,
                    dilations=dilations)
    if not (y.flags.c_contiguous and y.flags.writeable):  # (always a fresh GEMM/zeros result today)
        y = np.array(y)
    f = y.shape[-1]
    if y.size:
        k = 256 // f if f < 128 else 1
        m = y.size // f
        if k > 1 and m % k == 0:  # wide inner loop: tile the bias (engine-notes A1'.5)
            y2 = y.reshape(m // k, k * f)
            y2 += np.tile(b.astype(y.dtype, copy=False), k)
        else:
            y2 = y.reshape(m, f)
            y2 += b.astype(y.dtype, copy=False)
        np.maximum(y, _zeros_like_cached(y), out=y)
    return y


def _conv2d_bias_relu_vjp(K, g, xs, y, shapes, a, n):
    x, w, _ = xs
    gz = K.ReluGrad(g, y)
    return (K.Conv2DBackpropInput(w, gz, input_sizes=tuple(shapes[0]), **a) if n[0] else None,
            K.Conv2DBackpropFilter(x, gz, filter_sizes=tuple(shapes[1]), **a) if n[1] else None,
            K.BiasAddGrad(gz, channels_first=False) if n[2] else None)


_CONV2D_BIAS_RELU = register_op("KerasConv2DBiasRelu", _conv2d_bias_relu_kernel, _conv2d_bias_relu_vjp,
                                save_inputs=(0, 1), save_output=True)


def conv2d_bias_relu(input: Any, filters: Any, bias: Any, strides: Any, padding: str,
                     dilations: Any = None) -> Tensor:
    """``relu(bias_add(conv2d(input, filters), bias))`` for NHWC rank-4 input as one op."""
    x, w = binary_args("Conv2D", input, filters)
    x, b = binary_args("BiasAdd", x, bias)
    st = W.get_sequence(strides, 2, 3, "strides")
    dl = W.get_sequence(dilations, 2, 3, "dilations")
    pad_s, explicit = W.convert_padding(padding, 4)
    xs, ws = x._np.shape, w._np.shape
    _require_float("Conv2D", x)
    if len(xs) != 4 or len(ws) != 4 or xs[-1] != ws[-2] or tuple(b._np.shape) != (ws[-1],):
        raise ValueError("conv2d_bias_relu needs NHWC input, an ungrouped HWIO filter and a matching bias")
    _check_attrs("Conv2D", st, dl, pad_s, explicit)
    W.geometry(tuple(xs[1:3]), tuple(ws[:2]), st[1:-1], dl[1:-1], pad_s, explicit, "Conv2D")
    return execute(_CONV2D_BIAS_RELU, (x, w, b),
                   {"strides": st, "padding": pad_s, "explicit_paddings": explicit, "dilations": dl})


# ---------------------------------------------------------------------------
# Wrapper helpers
def _channels_first(data_format: Any) -> bool:
    return data_format is not None and str(data_format).startswith("NC")


def _to_last(seq: tuple) -> tuple:
    """Reorder a full-rank (N, C, *S) attribute tuple to (N, *S, C)."""
    return (seq[0],) + tuple(seq[2:]) + (seq[1],)


def _to_last_pairs(flat: tuple) -> tuple:
    if not flat:
        return flat
    pairs = [flat[i:i + 2] for i in range(0, len(flat), 2)]
    return tuple(p for pair in _to_last(tuple(pairs)) for p in pair)


def _perm_last(nd: int) -> tuple:
    return (0,) + tuple(range(2, nd)) + (1,)


def _perm_first(nd: int) -> tuple:
    return (0, nd - 1) + tuple(range(1, nd - 1))


def _transpose(x: Tensor, perm: tuple) -> Tensor:
    return execute(OPS["Transpose"], (x,), {"perm": perm})


def _reshape(x: Tensor, shape: tuple) -> Tensor:
    return execute(OPS["Reshape"], (x,), {"shape": tuple(shape)})


def _require_float(op: str, x: Tensor) -> None:
    if x._np.dtype.kind not in "fi":
        raise InvalidArgumentError(None, op, f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed "
                                             f"values: half, bfloat16, float, double, int32 [Op:{op}]")


def _shape_str(s: tuple) -> str:
    return "[" + ",".join(str(d) for d in s) + "]"


def _check_attrs(op: str, strides: tuple, dilations: tuple, padding: str, explicit: tuple) -> None:
    W.check_window_strides(strides, op)
    if dilations[0] != 1 or dilations[-1] != 1:
        raise UnimplementedError(None, op, "Current implementation does not yet support dilations in the batch "
                                           f"and depth dimensions. [Op:{op}]")
    if any(d < 1 for d in dilations):
        raise InvalidArgumentError(None, op, f"Dilated rates should be larger than 0. [Op:{op}]")
    if padding == "EXPLICIT":
        W.check_explicit(explicit, op)


def _conv_channels_last(op: str, x: Tensor, w: Tensor, strides: tuple, padding: str, explicit: tuple,
                        dilations: tuple, nsp: int) -> Tensor:
    """Validated conv on channels-last tensors; extra leading batch dims are folded."""
    xs, ws = x._np.shape, w._np.shape
    _require_float(op, x)
    if len(xs) < nsp + 2:
        raise InvalidArgumentError(None, op, f"input must be {nsp + 2}-dimensional{_shape_str(xs)} [Op:{op}]")
    if len(ws) != nsp + 2:
        raise InvalidArgumentError(None, op, f"filter must be {nsp + 2}-dimensional: {_shape_str(ws)} [Op:{op}]")
    c, cg, f = xs[-1], ws[-2], ws[-1]
    if cg == 0 or c % cg:
        raise InvalidArgumentError(None, op, f"input depth must be evenly divisible by filter depth: {c} vs {cg} "
                                             f"(input shape {_shape_str(xs)}, filter shape {_shape_str(ws)}) "
                                             f"[Op:{op}]")
    groups = c // cg
    if f % groups:
        raise InvalidArgumentError(None, op, f"output depth must be evenly divisible by number of groups: "
                                             f"{f} vs {groups} [Op:{op}]")
    _check_attrs(op, strides, dilations, padding, explicit)
    batch = xs[:len(xs) - nsp - 1]
    W.geometry(tuple(xs[-nsp - 1:-1]), tuple(ws[:nsp]), strides[1:-1], dilations[1:-1], padding, explicit, op)
    attrs = {"strides": strides, "padding": padding, "explicit_paddings": explicit, "dilations": dilations}
    if len(batch) == 1:
        return execute(OPS[op], (x, w), attrs)
    folded = _reshape(x, (-1,) + xs[-nsp - 1:])
    y = execute(OPS[op], (folded, w), attrs)
    return _reshape(y, batch + y._np.shape[1:])


def _conv_nd(op: str, input: Any, filters: Any, strides: Any, padding: Any, data_format: Any, dilations: Any,
             nsp: int) -> Tensor:
    x, w = binary_args(op, input, filters)
    first = _channels_first(data_format)
    ci = 1 if first else nsp + 1
    st = W.get_sequence(strides, nsp, ci, "strides")
    dl = W.get_sequence(dilations, nsp, ci, "dilations")
    pad_s, explicit = W.convert_padding(padding, nsp + 2)
    if not first:
        return _conv_channels_last(op, x, w, st, pad_s, explicit, dl, nsp)
    nd = x._np.ndim
    y = _conv_channels_last(op, _transpose(x, _perm_last(nd)), w, _to_last(st), pad_s, _to_last_pairs(explicit),
                            _to_last(dl), nsp)
    return _transpose(y, _perm_first(nd))


# ---------------------------------------------------------------------------
# Public API
def conv2d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NHWC",
           dilations: Any = None, name: str | None = None) -> Tensor:
    """2-D convolution of ``input`` [batch, h, w, in] with ``filters`` [fh, fw, in/groups, out]."""
    return _conv_nd("Conv2D", input, filters, strides, padding, data_format, dilations, 2)


def conv3d(input: Any, filters: Any, strides: Any, padding: Any, data_format: str = "NDHWC",
           dilations: Any = None, name: str | None = None) -> Tensor:
    """3-D convolution of ``input`` [batch, d, h, w, in] with ``filters`` [fd, fh, fw, in, out]."""
    if isinstance(padding, (list, tuple)):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    return _conv_nd("Conv3D", input, filters, strides, padding, data_format, dilations, 3)


def conv1d(input: Any, filters: Any, stride: Any, padding: Any, data_format: str = "NWC",
           dilations: Any = None, name: str | None = None) -> Tensor:
    """1-D convolution: ``input`` [batch, w, in], ``filters`` [fw, in, out]; runs Conv2D on an expanded axis."""
    if data_format not in (None, "NWC", "NHWC", "NCW", "NCHW"):
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    if isinstance(padding, (list, tuple)):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    first = _channels_first(data_format)
    ci = 1 if first else 2
    st = (1,) + W.get_sequence(stride, 1, ci, "stride")
    dl = (1,) + W.get_sequence(dilations, 1, ci, "dilations")
    x, w = binary_args("Conv2D", input, filters)
    if x._np.ndim < 3:
        raise ValueError(f"`input` must have rank at least 3. Received: input.shape={tuple(x._np.shape)}")
    if w._np.ndim != 3:
        raise ValueError(f"`filters` must have rank 3. Received: filters.shape={tuple(w._np.shape)}")
    if first:
        x = _transpose(x, _perm_last(x._np.ndim))
        st, dl = _to_last(st), _to_last(dl)
    xs = x._np.shape
    pad_s, _ = W.convert_padding(padding, 4)
    y = _conv_channels_last("Conv2D", _reshape(x, xs[:-2] + (1,) + xs[-2:]), _reshape(w, (1,) + w._np.shape),
                            st, pad_s, (), dl, 2)
    ys = y._np.shape
    y = _reshape(y, ys[:-3] + ys[-2:])
    return _transpose(y, _perm_first(y._np.ndim)) if first else y


def _conv_transpose(op: str, nsp: int, input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any,
                    data_format: Any, dilations: Any) -> Tensor:
    x, w = binary_args(op, input, filters)
    _require_float(op, x)
    first = _channels_first(data_format)
    ci = 1 if first else nsp + 1
    st = W.get_sequence(strides, nsp, ci, "strides")
    dl = W.get_sequence(dilations, nsp, ci, "dilations")
    pad_s, explicit = W.convert_padding(padding, nsp + 2)
    if isinstance(output_shape, Tensor):
        output_shape = output_shape._np
    out = tuple(int(d) for d in np.asarray(output_shape).reshape(-1))
    xs, ws = x._np.shape, w._np.shape
    if len(xs) != nsp + 2:
        raise InvalidArgumentError(None, op, f"input must be {nsp + 2}-dimensional{_shape_str(xs)} [Op:{op}]")
    if len(ws) != nsp + 2:
        raise InvalidArgumentError(None, op, f"filter must be {nsp + 2}-dimensional: {_shape_str(ws)} [Op:{op}]")
    if first:
        x = _transpose(x, _perm_last(nsp + 2))
        xs = x._np.shape
        st, dl, explicit = _to_last(st), _to_last(dl), _to_last_pairs(explicit)
        if len(out) == nsp + 2:
            out = _to_last(out)
    if len(out) == nsp:
        out = (xs[0],) + out + (ws[-2],)
    elif len(out) != nsp + 2:
        raise ValueError(f"output_shape must have shape ({nsp + 2},) or ({nsp},), got {_shape_str((len(out),))}")
    if out[0] != xs[0]:
        raise InvalidArgumentError(None, op, f"{op}: input and out_backprop must have the same batch size: "
                                             f"{out[0]} vs {xs[0]} [Op:{op}]")
    if ws[-1] != xs[-1]:
        raise InvalidArgumentError(None, op, f"{op}: filter and out_backprop must have the same out_depth: "
                                             f"filter shape {_shape_str(ws)} vs input shape {_shape_str(xs)} "
                                             f"[Op:{op}]")
    if ws[-2] == 0 or out[-1] % ws[-2] or ws[-1] % (out[-1] // ws[-2]):
        raise InvalidArgumentError(None, op, f"{op}: input depth must be evenly divisible by filter depth: "
                                             f"{out[-1]} vs {ws[-2]} [Op:{op}]")
    _check_attrs(op, st, dl, pad_s, explicit)
    computed, _ = W.geometry(out[1:-1], tuple(ws[:nsp]), st[1:-1], dl[1:-1], pad_s, explicit, op)
    for i, (got, want) in enumerate(zip(xs[1:-1], computed)):
        if got != want:
            raise InvalidArgumentError(
                None, op, f"{op}: Size of out_backprop doesn't match computed: actual = {got}, computed = {want} "
                          f"spatial_dim: {i + 1} input: {out[i + 1]} filter: {ws[i]} output: {got} "
                          f"stride: {st[i + 1]} dilation: {dl[i + 1]} [Op:{op}]")
    y = execute(OPS[op], (w, x), {"input_sizes": out, "strides": st, "padding": pad_s,
                                  "explicit_paddings": explicit, "dilations": dl})
    return _transpose(y, _perm_first(nsp + 2)) if first else y


def conv2d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",
                     data_format: str = "NHWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """Transposed 2-D convolution (the gradient of conv2d); ``filters`` is [fh, fw, out, in]."""
    return _conv_transpose("Conv2DBackpropInput", 2, input, filters, output_shape, strides, padding,
                           data_format, dilations)


def conv3d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",
                     data_format: str = "NDHWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """Transposed 3-D convolution; ``filters`` is [fd, fh, fw, out, in]."""
    if isinstance(padding, (list, tuple)):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    return _conv_transpose("Conv3DBackpropInputV2", 3, input, filters, output_shape, strides, padding,
                           data_format, dilations)


def conv1d_transpose(input: Any, filters: Any, output_shape: Any, strides: Any, padding: Any = "SAME",
                     data_format: str = "NWC", dilations: Any = None, name: str | None = None) -> Tensor:
    """Transposed 1-D convolution via conv2d_transpose on an expanded axis; ``filters`` is [fw, out, in]."""
    if data_format not in (None, "NWC", "NCW"):
        raise ValueError(f"`data_format` must be 'NWC' or 'NCW'. Received: data_format={data_format}")
    if isinstance(padding, (list, tuple)):
        raise TypeError(f"Expected string for argument 'padding' not {padding!r}.")
    first = _channels_first(data_format)
    ci = 1 if first else 2
    st = (1,) + W.get_sequence(strides, 1, ci, "strides")
    dl = (1,) + W.get_sequence(dilations, 1, ci, "dilations")
    x, w = binary_args("Conv2DBackpropInput", input, filters)
    if isinstance(output_shape, Tensor):
        output_shape = output_shape._np
    out = tuple(int(d) for d in np.asarray(output_shape).reshape(-1))
    if x._np.ndim != 3 or w._np.ndim != 3 or len(out) != 3:
        raise ValueError(f"conv1d_transpose expects rank-3 input and filters and a length-3 output_shape, got "
                         f"input {tuple(x._np.shape)}, filters {tuple(w._np.shape)}, output_shape {out}")
    if first:
        x = _transpose(x, (0, 2, 1))
        out = (out[0], out[2], out[1])
        st, dl = _to_last(st), _to_last(dl)
    xs = x._np.shape
    y = _conv_transpose("Conv2DBackpropInput", 2, _reshape(x, (xs[0], 1) + xs[1:]), _reshape(w, (1,) + w._np.shape),
                        (out[0], 1) + out[1:], st, padding, "NHWC", dl)
    y = _reshape(y, out)
    return _transpose(y, (0, 2, 1)) if first else y


def convolution(input: Any, filters: Any, strides: Any = None, padding: str = "VALID", data_format: Any = None,
                dilations: Any = None, name: str | None = None) -> Tensor:
    """N-D convolution, dispatched on the filter rank (3 → conv1d, 4 → conv2d, 5 → conv3d)."""
    w = tensor(filters)
    rank = w._np.ndim
    if rank == 3:
        return conv1d(input, w, 1 if strides is None else strides, padding, data_format or "NWC", dilations)
    if rank == 4:
        return conv2d(input, w, 1 if strides is None else strides, padding, data_format or "NHWC", dilations)
    if rank == 5:
        return conv3d(input, w, 1 if strides is None else strides, padding, data_format or "NDHWC", dilations)
    raise ValueError(f"`filters.shape.rank` must be 3, 4 or 5. Received: filters.shape={tuple(w._np.shape)} "
                     f"of rank {rank}")


def depthwise_conv2d(input: Any, filter: Any, strides: Any, padding: Any, data_format: Any = None,
                     dilations: Any = None, name: str | None = None) -> Tensor:
    """Depthwise 2-D convolution: ``filter`` [fh, fw, in, multiplier] → ``in * multiplier`` channels."""
    op = "DepthwiseConv2dNative"
    x, w = binary_args(op, input, filter)
    _require_float(op, x)
    first = _channels_first(data_format)
    ci = 1 if first else 3
    st = W.get_sequence(strides, 2, ci, "strides")
    rate = (1, 1) if dilations is None else tuple(W.get_sequence(dilations, 2, 3, "dilations")[1:3])
    if any(r > 1 for r in rate) and any(s != 1 for s in st):
        warnings.warn("When dilation rate is greater than 1, then all values of strides must be 1. "
                      f"Received: `dilation rate` {list(rate)} and `strides` {list(st)}", stacklevel=2)
    pad_s, explicit = W.convert_padding(padding, 4)
    if first:
        x = _transpose(x, _perm_last(4))
        st, explicit = _to_last(st), _to_last_pairs(explicit)
    dl = (1,) + rate + (1,)
    xs, ws = x._np.shape, w._np.shape
    if len(xs) != 4:
        raise InvalidArgumentError(None, op, f"input must be 4-dimensional{_shape_str(xs)} [Op:{op}]")
    if len(ws) != 4:
        raise InvalidArgumentError(None, op, f"filter must be 4-dimensional: {_shape_str(ws)} [Op:{op}]")
    if xs[-1] != ws[2]:
        raise InvalidArgumentError(None, op, f"input and filter must have the same depth: {xs[-1]} vs {ws[2]} "
                                             f"(input shape {_shape_str(xs)}, filter shape {_shape_str(ws)}) "
                                             f"[Op:{op}]")
    if st[1] != st[2]:
        raise InvalidArgumentError(None, op, "Current implementation only supports equal length strides in the "
                                             f"row and column dimensions. [Op:{op}]")
    _check_attrs(op, st, dl, pad_s, explicit)
    W.geometry(tuple(xs[1:3]), tuple(ws[:2]), st[1:3], dl[1:3], pad_s, explicit, op)
    y = execute(OPS[op], (x, w), {"strides": st, "padding": pad_s, "explicit_paddings": explicit,
                                  "dilations": dl})
    return _transpose(y, _perm_first(4)) if first else y


def separable_conv2d(input: Any, depthwise_filter: Any, pointwise_filter: Any, strides: Any, padding: Any,
                     data_format: Any = None, dilations: Any = None, name: str | None = None) -> Tensor:
    """Depthwise conv then a 1x1 ``pointwise_filter`` [1, 1, in * multiplier, out] conv."""
    pw = tensor(pointwise_filter)
    ps = pw._np.shape
    if len(ps) != 4 or ps[0] != 1 or ps[1] != 1:
        raise ValueError(f"`pointwise_filter` must have shape [1, 1, in_channels * channel_multiplier, "
                         f"out_channels]. Received: pointwise_filter.shape={tuple(ps)}")
    depth = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return conv2d(depth, pw, 1, "VALID", "NCHW" if _channels_first(data_format) else "NHWC")
