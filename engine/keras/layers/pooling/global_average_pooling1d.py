"""``GlobalAveragePooling1D``: the mean over the steps axis, skipping masked steps."""
from __future__ import annotations

from typing import Any

from ....ops import array_ops, math_ops
from ...saving.object_registry import register_layer
from .base_global_pooling import BaseGlobalPooling


@register_layer("Pooling", "GlobalAvgPool1D")
class GlobalAveragePooling1D(BaseGlobalPooling):
    """``(batch, steps, features) → (batch, features)``; with a mask, the mean of the unmasked steps."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        steps_axis = 1 if self.data_format == "channels_last" else 2
        if mask is None:
            return math_ops.reduce_mean(inputs, axis=steps_axis, keepdims=self.keepdims)
        mask = array_ops.cast(array_ops.expand_dims(mask, 2 if self.data_format == "channels_last" else 1), "bool")
        inputs = math_ops.where(mask, inputs, 0.0)
        weights = array_ops.cast(mask, inputs.dtype)
        return math_ops.divide(math_ops.reduce_sum(inputs, axis=steps_axis, keepdims=self.keepdims),
                               math_ops.reduce_sum(weights, axis=steps_axis, keepdims=self.keepdims))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None
