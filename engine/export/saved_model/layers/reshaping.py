"""Reshaping: Flatten, Reshape, Permute, RepeatVector, ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D.

Static sizes are used when known, else ``Shape``-derived sizes (the batch is always dynamic)."""
from __future__ import annotations

import math

import numpy as np

from ..graph import GT, GraphBuilder
from ..protos import attr as A
from .base import Call, channels_first, converter, to_channels_first, to_channels_last


@converter("Flatten")
def _flatten(call: Call) -> GT:
    g, x = call.g, call.x
    if channels_first(call.layer) and x.rank > 2:
        x = g.transpose(x, [0, *range(2, x.rank), 1])
    rest = x.shape[1:]
    if all(d is not None for d in rest):
        n = math.prod(rest) if rest else 1
        return g.reshape(x, [-1, n], shape=(None, n))
    return g.reshape(x, [g.dim(x, 0), -1], shape=(None, None))


@converter("Reshape")
def _reshape(call: Call) -> GT:
    g, x = call.g, call.x
    out = tuple(call.out_shapes[0][1:])
    if all(d is not None for d in out):
        return g.reshape(x, [-1, *out], shape=(None, *out))
    target = [int(d) for d in call.layer.target_shape]
    return g.reshape(x, [g.dim(x, 0), *target], shape=(None, *out))


@converter("Permute")
def _permute(call: Call) -> GT:
    return call.g.transpose(call.x, [0, *call.layer.dims])


@converter("RepeatVector")
def _repeat_vector(call: Call) -> GT:
    g = call.g
    return g.tile(g.expand_dims(call.x, 1), [1, call.layer.n, 1])


def _pad_pairs(layer: object, rank: int) -> list:
    """Per-axis (before, after) pads of a ZeroPadding layer, batch and channel axes included."""
    pad = layer.padding
    spatial = [tuple(pad)] if rank == 1 else [tuple(p) for p in pad]
    if channels_first(layer):
        return [[0, 0], [0, 0], *spatial]
    return [[0, 0], *spatial, [0, 0]]


@converter("ZeroPadding1D", "ZeroPadding2D")
def _zero_padding(call: Call) -> GT:
    return call.g.pad(call.x, _pad_pairs(call.layer, call.x.rank - 2))


@converter("Cropping1D", "Cropping2D")
def _cropping(call: Call) -> GT:
    g, x, layer = call.g, call.x, call.layer
    rank = x.rank - 2
    crops = [tuple(layer.cropping)] if rank == 1 else [tuple(c) for c in layer.cropping]
    first_axis = 2 if channels_first(layer) else 1
    rank_all = x.rank
    begin, end, strides = [0] * rank_all, [0] * rank_all, [1] * rank_all
    bmask = emask = 0
    shape = list(x.shape)
    spatial_axes = [first_axis + i for i in range(rank)]
    for i in range(rank_all):
        if i not in spatial_axes:
            bmask |= 1 << i
            emask |= 1 << i
    for ax, (lo, hi) in zip(spatial_axes, crops):
        begin[ax] = lo
        if hi == 0:
            emask |= 1 << ax
        else:
            end[ax] = -hi
        if shape[ax] is not None:
            shape[ax] = shape[ax] - lo - hi
    return g.strided_slice(x, begin, end, strides, begin_mask=bmask, end_mask=emask, shape=tuple(shape))


def repeat_nearest(g: GraphBuilder, x: GT, factors: list) -> GT:
    """Repeat every element ``factors[i]`` times along spatial axis ``i`` (channels-last ``x``):
    ``Reshape`` to put a unit axis after each spatial axis, ``Tile`` it, ``Reshape`` back (exact)."""
    rank = x.rank - 2
    dims = [g.dim(x, i + 1) for i in range(rank)]
    channels = g.dim(x, x.rank - 1)
    split = [-1]
    for d in dims:
        split += [d, 1]
    split.append(channels)
    y = g.reshape(x, split, shape=(None, *sum(([d if not isinstance(d, GT) else None, 1] for d in dims), []),
                                   x.shape[-1]))
    mult = [1]
    for f in factors:
        mult += [1, f]
    mult.append(1)
    y = g.tile(y, mult)
    out = [-1] + [g.int_arith("Mul", d, f) for d, f in zip(dims, factors)] + [channels]
    static = (None, *[None if isinstance(d, GT) else d * f for d, f in zip(dims, factors)], x.shape[-1])
    return g.reshape(y, out, shape=static)


@converter("UpSampling1D")
def _upsampling1d(call: Call) -> GT:
    return repeat_nearest(call.g, call.x, [int(call.layer.size)])


@converter("UpSampling2D")
def _upsampling(call: Call) -> GT:
    g, layer = call.g, call.layer
    first = channels_first(layer)
    x = to_channels_last(g, call.x) if first else call.x
    size = [int(s) for s in layer.size]
    if getattr(layer, "interpolation", "nearest") == "nearest":
        y = repeat_nearest(g, x, size)
    elif getattr(layer, "interpolation") == "bilinear" and x.rank == 4:
        # Keras resizes with half-pixel centres and no antialiasing (TF: ResizeBilinear, half_pixel_centers)
        dims = [g.int_arith("Mul", g.dim(x, i + 1), f) for i, f in enumerate(size)]
        static = (None, *[None if isinstance(d, GT) else d for d in dims], x.shape[-1])
        y = g.node("ResizeBilinear", [x, g.shape_vector(dims)],
                   {"T": A.type(x.dt), "align_corners": A.b(False), "half_pixel_centers": A.b(True)},
                   np.float32, static)
        y = g.cast(y, x.dtype)
    else:
        raise call.fail(f"interpolation={layer.interpolation!r} is not supported")
    return to_channels_first(g, y) if first else y
