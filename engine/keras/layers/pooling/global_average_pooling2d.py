"""``GlobalAveragePooling2D``: the average over every spatial axis."""
from __future__ import annotations

from typing import Any

from ....ops import math_ops
from ...saving.object_registry import register_layer
from .base_global_pooling import BaseGlobalPooling


@register_layer("Pooling", "GlobalAvgPool2D")
class GlobalAveragePooling2D(BaseGlobalPooling):
    """``(batch, *spatial, channels) → (batch, channels)`` (or size-1 spatial axes with ``keepdims``)."""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any) -> None:
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)

    def call(self, inputs: Any) -> Any:
        return math_ops.reduce_mean(inputs, axis=self._spatial_axes, keepdims=self.keepdims)
