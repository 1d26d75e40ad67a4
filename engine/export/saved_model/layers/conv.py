"""Convolutions: Conv1D/2D/3D, Conv1D/2D/3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D.

All ops run NHWC / NDHWC (formats.md §3.4: CPU kernels want channels-last);
``channels_first`` layers are wrapped in transposes.  1-D layers run as 2-D ops
on a unit-height image (``ExpandDims`` → op → ``Squeeze``).  Dilated kernels are
written pre-dilated (zeros between taps), which is the same convolution and
works for every op on CPU; grouped convolutions are split per group.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..graph import GT, GraphBuilder
from .. import protos as P
from ..protos import attr as A
from .activations import apply_activation
from .base import Call, channels_first, converter, to_channels_first, to_channels_last, to_numpy


def dilate_kernel(kernel: np.ndarray, dilation: Sequence[int]) -> np.ndarray:
    """Insert ``d - 1`` zeros between the taps of each spatial axis (the leading ``len(dilation)`` axes)."""
    if all(d == 1 for d in dilation):
        return kernel
    rank = len(dilation)
    shape = [(k - 1) * d + 1 for k, d in zip(kernel.shape[:rank], dilation)] + list(kernel.shape[rank:])
    out = np.zeros(shape, dtype=kernel.dtype)
    out[tuple(slice(None, None, d) for d in dilation)] = kernel
    return out


def out_len(n: int | None, k: int, s: int, padding: str) -> int | None:
    """Output length of a conv/pool window (``padding`` "valid" / "same")."""
    if n is None:
        return None
    return (n - k) // s + 1 if padding == "valid" else (n - 1) // s + 1


def same_pads(n: int, k: int, s: int) -> tuple:
    """TF's SAME padding (before, after) for one axis."""
    out = (n - 1) // s + 1
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def _conv_attrs(x: GT, strides: Sequence[int], padding: str, rank: int) -> dict:
    attrs = {"T": A.type(x.dt), "strides": A.ints([1, *strides, 1]), "padding": A.s(padding.upper()),
             "data_format": A.s("NHWC" if rank == 2 else "NDHWC"), "dilations": A.ints([1] * (rank + 2))}
    if rank == 2:
        attrs["explicit_paddings"] = A.ints([])
        attrs["use_cudnn_on_gpu"] = A.b(True)
    return attrs


def conv_nd(g: GraphBuilder, x: GT, kernel: np.ndarray, strides: Sequence[int], padding: str,
            dilation: Sequence[int], groups: int = 1) -> GT:
    """Channels-last convolution of rank 1–3 (no bias); ``padding`` "valid" / "same" / "causal"."""
    rank = x.rank - 2
    kernel = dilate_kernel(kernel, dilation)
    if padding == "causal":
        x = g.pad(x, [[0, 0], [kernel.shape[0] - 1, 0], [0, 0]])
        padding = "valid"
    if rank == 1:
        y = conv_nd(g, g.expand_dims(x, 1), kernel[None], (1, strides[0]), padding, (1, 1), groups)
        return g.squeeze(y, [1])
    if groups > 1:
        xs = g.split(x, groups, -1)
        per = kernel.shape[-1] // groups
        ys = [conv_nd(g, xi, kernel[..., i * per:(i + 1) * per], strides, padding, (1,) * rank)
              for i, xi in enumerate(xs)]
        return g.concat(ys, -1)
    ks = kernel.shape[:rank]
    shape = (None, *[out_len(n, k, s, padding) for n, k, s in zip(x.shape[1:-1], ks, strides)], kernel.shape[-1])
    w = g.const(kernel.astype(x.dtype), name="kernel")
    return g.node("Conv2D" if rank == 2 else "Conv3D", [x, w], _conv_attrs(x, strides, padding, rank),
                  x.dtype, shape)


def depthwise_nd(g: GraphBuilder, x: GT, kernel: np.ndarray, strides: Sequence[int], padding: str,
                 dilation: Sequence[int]) -> GT:
    """Channels-last depthwise convolution of rank 1 or 2 (``DepthwiseConv2dNative``)."""
    rank = x.rank - 2
    kernel = dilate_kernel(kernel, dilation)
    if rank == 1:  # a unit-height image; the row stride is irrelevant there, so keep strides equal
        y = depthwise_nd(g, g.expand_dims(x, 1), kernel[None], (strides[0], strides[0]), padding, (1, 1))
        return g.squeeze(y, [1])
    sh, sw = strides
    kh, kw = kernel.shape[:2]
    if sh != sw:  # TF's kernel needs equal strides: explicit SAME pads, stride-1 VALID conv, subsample
        if padding == "same":
            h, w_ = x.shape[1], x.shape[2]
            if h is None or w_ is None:
                raise ValueError("unequal strides need known spatial sizes")
            x = g.pad(x, [[0, 0], same_pads(h, kh, sh), same_pads(w_, kw, sw), [0, 0]])
        y = depthwise_nd(g, x, kernel, (1, 1), "valid", (1, 1))
        return g.slice_axis(g.slice_axis(y, 1, 0, None, sh), 2, 0, None, sw)
    shape = (None, out_len(x.shape[1], kh, sh, padding), out_len(x.shape[2], kw, sw, padding),
             None if x.shape[3] is None else x.shape[3] * kernel.shape[3])
    w = g.const(kernel.astype(x.dtype), name="depthwise_kernel")
    attrs = {"T": A.type(x.dt), "strides": A.ints([1, sh, sw, 1]), "padding": A.s(padding.upper()),
             "data_format": A.s("NHWC"), "dilations": A.ints([1, 1, 1, 1]), "explicit_paddings": A.ints([])}
    return g.node("DepthwiseConv2dNative", [x, w], attrs, x.dtype, shape)


def transpose_size(g: GraphBuilder, n: int | GT, k: int, s: int, padding: str, output_padding: int | None) -> int | GT:
    """Keras's transposed-conv output size (``k`` already dilated): always ``n * s + c``."""
    if padding == "valid":
        c = k + ((max(k, s) - k) if output_padding is None else output_padding) - s
    else:
        c = 0 if output_padding is None else k % 2 + output_padding - s
    return g.int_arith("AddV2", g.int_arith("Mul", n, s), c) if c else g.int_arith("Mul", n, s)


def conv_transpose_nd(g: GraphBuilder, x: GT, kernel: np.ndarray, strides: Sequence[int], padding: str,
                      dilation: Sequence[int], output_padding: Sequence[int] | None) -> GT:
    """Channels-last transposed convolution (``Conv2DBackpropInput`` / ``Conv3DBackpropInputV2``);
    the ``input_sizes`` vector takes the batch size from ``Shape(x)`` at run time."""
    rank = x.rank - 2
    kernel = dilate_kernel(kernel, dilation)
    if rank == 1:
        op = None if output_padding is None else (0, output_padding[0])
        y = conv_transpose_nd(g, g.expand_dims(x, 1), kernel[None], (1, strides[0]), padding, (1, 1), op)
        return g.squeeze(y, [1])
    filters = kernel.shape[-2]
    sizes = [transpose_size(g, g.dim(x, i + 1), kernel.shape[i], strides[i], padding,
                            None if output_padding is None else output_padding[i]) for i in range(rank)]
    out_dims = [g.dim(x, 0), *sizes, filters]
    static = (None, *[None if isinstance(s, GT) else s for s in sizes], filters)
    w = g.const(kernel.astype(x.dtype), name="kernel")
    attrs = _conv_attrs(x, strides, padding, rank)
    if rank == 3:
        attrs["Tshape"] = A.type(P.DT_INT32)
    op = "Conv2DBackpropInput" if rank == 2 else "Conv3DBackpropInputV2"
    return g.node(op, [g.shape_vector(out_dims), w, x], attrs, x.dtype, static)


def _finish(call: Call, y: GT, first: bool) -> GT:
    layer = call.layer
    if getattr(layer, "use_bias", False) and layer.bias is not None:
        y = call.g.bias_add(y, call.weight(layer.bias, "bias"))
    y = apply_activation(call, y)
    return to_channels_first(call.g, y) if first else y


def _input(call: Call) -> tuple:
    first = channels_first(call.layer)
    x = to_channels_last(call.g, call.x) if first else call.x
    return x, first


@converter("Conv1D", "Conv2D", "Conv3D")
def _conv(call: Call) -> GT:
    layer = call.layer
    x, first = _input(call)
    y = conv_nd(call.g, x, to_numpy(layer.kernel), layer.strides, layer.padding, layer.dilation_rate,
                getattr(layer, "groups", 1))
    return _finish(call, y, first)


@converter("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose")
def _conv_transpose(call: Call) -> GT:
    layer = call.layer
    x, first = _input(call)
    y = conv_transpose_nd(call.g, x, to_numpy(layer.kernel), layer.strides, layer.padding, layer.dilation_rate,
                          layer.output_padding)
    return _finish(call, y, first)


@converter("DepthwiseConv1D", "DepthwiseConv2D")
def _depthwise(call: Call) -> GT:
    layer = call.layer
    x, first = _input(call)
    try:
        y = depthwise_nd(call.g, x, to_numpy(layer.kernel), layer.strides, layer.padding, layer.dilation_rate)
    except ValueError as e:
        raise call.fail(str(e)) from None
    return _finish(call, y, first)


@converter("SeparableConv1D", "SeparableConv2D")
def _separable(call: Call) -> GT:
    layer, g = call.layer, call.g
    x, first = _input(call)
    try:
        y = depthwise_nd(g, x, to_numpy(layer.depthwise_kernel), layer.strides, layer.padding, layer.dilation_rate)
    except ValueError as e:
        raise call.fail(str(e)) from None
    pointwise = to_numpy(layer.pointwise_kernel)
    y = conv_nd(g, y, pointwise, (1,) * (y.rank - 2), "valid", (1,) * (y.rank - 2))
    return _finish(call, y, first)
