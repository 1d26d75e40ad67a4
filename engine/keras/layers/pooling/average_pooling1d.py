"""``AveragePooling1D``: average pooling over `(batch, steps, channels)`."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from .base_pooling import BasePooling


@register_layer("Pooling", "AvgPool1D")
class AveragePooling1D(BasePooling):
    """Average of each ``pool_size`` window, moved by ``strides`` (default: ``pool_size``)."""

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)
