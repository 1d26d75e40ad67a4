"""``Flatten``: collapse every non-batch axis into one."""
from __future__ import annotations

import math
from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_data_format
from ..layer import InputSpec, Layer


@register_layer("Reshaping")
class Flatten(Layer):
    """``(batch, d1, ..., dn) → (batch, d1*...*dn)``; channels-first inputs are moved to channels-last first."""

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        rank = len(shape)
        if self._channels_first and rank > 1:
            inputs = tf.transpose(inputs, (0, *range(2, rank), 1))
        return tf.reshape(inputs, (shape[0], math.prod(shape[1:]) if rank > 1 else 1))

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
