"""``Activation``: applies an activation function to its input."""
from __future__ import annotations

from typing import Any

from ... import activations
from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Core")
class Activation(Layer):
    """Apply ``activation`` (a name such as ``"relu"``, or a callable) elementwise."""

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
