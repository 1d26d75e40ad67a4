"""``Identity``: returns its input unchanged (masks pass through)."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Core")
class Identity(Layer):
    """A placeholder layer: ``call`` returns ``inputs`` as they are."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs
