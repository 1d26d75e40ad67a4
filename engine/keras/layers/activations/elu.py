"""``ELU``: exponential linear unit, ``alpha * (exp(x) - 1)`` for ``x < 0``."""
from __future__ import annotations

from typing import Any

from ... import activations
from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Activation")
class ELU(Layer):
    """Exponential linear unit with scale ``alpha`` for the negative part."""

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.elu(inputs, alpha=self.alpha)

    def get_config(self) -> dict:
        return {**super().get_config(), "alpha": self.alpha}
