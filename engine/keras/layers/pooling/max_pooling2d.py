"""``MaxPooling2D``: max pooling over images."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from .base_pooling import BasePooling


@register_layer("Pooling", "MaxPool2D")
class MaxPooling2D(BasePooling):
    """Max of each ``pool_size`` window, moved by ``strides`` (default: ``pool_size``)."""

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: str | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)
