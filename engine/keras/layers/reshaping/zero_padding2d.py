"""``ZeroPadding2D``: pad the rows and columns of images with zeros."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..layer import InputSpec, Layer


def pairs_2d(value: Any, name: str, layer: str) -> tuple:
    """An int, ``(sym_h, sym_w)`` or ``((top, bottom), (left, right))`` as the last form."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"`{name}` of {layer} cannot be negative. Received: {name}={value}.")
        return ((value, value), (value, value))
    if hasattr(value, "__len__"):
        if len(value) != 2:
            raise ValueError(f"`{name}` of {layer} should have two elements. Received: {name}={value}.")
        return (standardize_tuple(value[0], 2, f"1st entry of {name}", allow_zero=True),
                standardize_tuple(value[1], 2, f"2nd entry of {name}", allow_zero=True))
    raise ValueError(f"`{name}` of {layer} should be either an int, a tuple of 2 ints (symmetric_height, "
                     f"symmetric_width), or a tuple of 2 tuples of 2 ints ((top, bottom), (left, right)). "
                     f"Received: {name}={value}.")


@register_layer("Reshaping")
class ZeroPadding2D(Layer):
    """``padding``: int, ``(h, w)`` or ``((top, bottom), (left, right))``."""

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = pairs_2d(padding, "padding", "ZeroPadding2D")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        if self.data_format == "channels_first":
            pads = ((0, 0), (0, 0), *self.padding)
        else:
            pads = ((0, 0), *self.padding, (0, 0))
        return tf.pad(inputs, [list(p) for p in pads])

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
