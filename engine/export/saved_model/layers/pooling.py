"""Pooling: Max/AveragePooling1D/2D/3D (``MaxPool``/``AvgPool``[3D]) and Global*Pooling (``Mean``/``Max``)."""
from __future__ import annotations

from typing import Sequence

from ..graph import GT, GraphBuilder
from ..protos import attr as A
from .base import Call, channels_first, converter, to_channels_first, to_channels_last
from .conv import out_len


def pool_nd(g: GraphBuilder, x: GT, mode: str, pool_size: Sequence[int], strides: Sequence[int], padding: str) -> GT:
    """Channels-last max/average pooling of rank 1–3."""
    rank = x.rank - 2
    padding = str(padding).lower()
    if rank == 1:
        y = pool_nd(g, g.expand_dims(x, 1), mode, (1, pool_size[0]), (1, strides[0]), padding)
        return g.squeeze(y, [1])
    op = ("MaxPool" if mode == "max" else "AvgPool") + ("3D" if rank == 3 else "")
    attrs = {"T": A.type(x.dt), "ksize": A.ints([1, *pool_size, 1]), "strides": A.ints([1, *strides, 1]),
             "padding": A.s(padding.upper()), "data_format": A.s("NHWC" if rank == 2 else "NDHWC")}
    if op == "MaxPool":
        attrs["explicit_paddings"] = A.ints([])
    shape = (None, *[out_len(n, k, s, padding) for n, k, s in zip(x.shape[1:-1], pool_size, strides)], x.shape[-1])
    return g.node(op, [x], attrs, x.dtype, shape)


@converter("MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
           "AveragePooling3D")
def _pool(call: Call) -> GT:
    layer, g = call.layer, call.g
    first = channels_first(layer)
    x = to_channels_last(g, call.x) if first else call.x
    mode = "max" if type(layer).__name__.startswith("Max") else "average"
    mode = getattr(layer, "pool_mode", mode)
    y = pool_nd(g, x, mode, layer.pool_size, layer.strides, layer.padding)
    return to_channels_first(g, y) if first else y


@converter("GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "GlobalMaxPooling3D", masks=True)
def _global_pool(call: Call) -> GT:
    layer, g, x = call.layer, call.g, call.x
    first = channels_first(layer)
    axes = list(range(2, x.rank)) if first else list(range(1, x.rank - 1))
    keep = bool(getattr(layer, "keepdims", False))
    average = "Average" in type(layer).__name__
    mask = call.mask
    call.out_masks = [None]
    if average and mask is not None and x.rank == 3:  # the mean of the unmasked steps (engine / Keras)
        m = g.expand_dims(mask, 1 if first else 2)
        total = g.reduce("Sum", g.select(m, x, g.scalar_like(0.0, x)), axes, keep)
        count = g.reduce("Sum", g.cast(m, x.dtype), axes, keep)
        return g.div(total, count)
    return g.reduce("Mean" if average else "Max", x, axes, keep)
