"""The converter registry: Keras layer class name → function emitting TF ops for one layer call.

A converter receives a :class:`Call` (graph builder, layer, input tensors and
masks, the Keras output shapes) and returns its output tensors.  Adding a layer
to the SavedModel export is one ``@converter("ClassName")`` function.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ...errors import ExportError, unsupported_layer
from ..graph import GT, GraphBuilder

FORMAT = "tf_saved_model"


@dataclass
class Call:
    """One layer call being converted."""

    g: GraphBuilder
    layer: Any
    inputs: list
    masks: list
    out_shapes: list
    kwargs: dict = field(default_factory=dict)
    out_masks: list | None = None  # set by mask-aware converters; None → default propagation
    convert: Callable | None = None  # (layer, inputs, masks, out_shapes, kwargs) -> (outputs, masks): wrapped layers

    def sublayer(self, layer: Any, inputs: list, masks: list | None = None, in_shape: Any = None,
                 kwargs: dict | None = None) -> tuple:
        """Convert a wrapped layer (TimeDistributed's, Bidirectional's) on ``inputs`` (with call ``kwargs``
        such as ``initial_state``); ``(outputs, masks)``."""
        masks = masks if masks is not None else [None] * len(inputs)
        out_shapes = None
        if in_shape is not None:
            try:
                shapes = layer.compute_output_shape(tuple(in_shape))
            except Exception:  # noqa: BLE001 - shapes are only a hint; ours are used then
                shapes = None
            if shapes is not None:
                out_shapes = [tuple(s) for s in shapes] if shapes and isinstance(shapes[0], (tuple, list)) \
                    else [tuple(shapes)]
        with self.g.scope(layer.name):
            return self.convert(layer, inputs, masks, out_shapes, kwargs)

    @property
    def x(self) -> GT:
        """The single input."""
        return self.inputs[0]

    @property
    def mask(self) -> GT | None:
        """The single input's Keras mask (boolean, ``(batch, steps)``) or ``None``."""
        return self.masks[0] if self.masks else None

    def fail(self, why: str) -> ExportError:
        return unsupported_layer(self.layer, FORMAT, why)

    def weight(self, value: Any, name: str = "Const", dtype: Any = None) -> GT:
        """A weight (KerasVariable, tensor or array) as a ``Const`` node."""
        return self.g.const(to_numpy(value, dtype), name=name)


Converter = Callable[[Call], Any]
CONVERTERS: dict = {}
MASK_AWARE: set = set()


def converter(*names: str, masks: bool = False) -> Callable[[Converter], Converter]:
    """Register ``fn`` for the Keras classes ``names``; ``masks=True``: it consumes/propagates masks itself."""
    def deco(fn: Converter) -> Converter:
        for n in names:
            CONVERTERS[n] = fn
            if masks:
                MASK_AWARE.add(n)
        return fn
    return deco


def to_numpy(value: Any, dtype: Any = None) -> np.ndarray:
    """A weight's current value as a numpy array."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    arr = np.array(value, copy=True)
    if dtype is not None:
        arr = arr.astype(dtype)
    return arr


def channels_first(layer: Any) -> bool:
    return getattr(layer, "data_format", "channels_last") == "channels_first"


def to_channels_last(g: GraphBuilder, x: GT) -> GT:
    """NC... → N...C."""
    return g.transpose(x, [0] + list(range(2, x.rank)) + [1])


def to_channels_first(g: GraphBuilder, x: GT) -> GT:
    """N...C → NC...."""
    return g.transpose(x, [0, x.rank - 1] + list(range(1, x.rank - 1)))
