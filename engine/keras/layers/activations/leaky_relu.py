"""``LeakyReLU``: ``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
from __future__ import annotations

import warnings
from typing import Any

from ... import activations
from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Activation")
class LeakyReLU(Layer):
    """Leaky ReLU (Keras 3 default slope 0.3; the Keras 2 name ``alpha`` is accepted)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("Argument `alpha` is deprecated. Use `negative_slope` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if negative_slope is None or negative_slope < 0:
            raise ValueError("The negative_slope value of a Leaky ReLU layer cannot be None or negative value. "
                             f"Expected a float. Received: negative_slope={negative_slope}")
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    @classmethod
    def from_config(cls, config: dict) -> "LeakyReLU":
        """Also reads Keras 2 / TF.js configs, which call the slope ``alpha``."""
        config = dict(config)
        if "alpha" in config and "negative_slope" not in config:
            config["negative_slope"] = config.pop("alpha")
        return super().from_config(config)

    def get_config(self) -> dict:
        return {**super().get_config(), "negative_slope": self.negative_slope}
