"""``ZeroPadding1D``: pad the steps axis of ``(batch, steps, channels)`` with zeros."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..layer import InputSpec, Layer


@register_layer("Reshaping")
class ZeroPadding1D(Layer):
    """``padding``: an int (both sides) or ``(left, right)``."""

    def __init__(self, padding: Any = 1, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs: Any) -> Any:
        if self.data_format == "channels_first":
            pads = ((0, 0), (0, 0), self.padding)
        else:
            pads = ((0, 0), self.padding, (0, 0))
        return tf.pad(inputs, [list(p) for p in pads])

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}
