"""``GaussianNoise``: add zero-centred normal noise while training."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf, random_ops
from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Regularization")
class GaussianNoise(Layer):
    """``inputs + N(0, stddev²)`` with ``training=True``; the identity at inference."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(stddev, bool) or not isinstance(stddev, (int, float)) or not 0 <= stddev <= 1:
            raise ValueError("Invalid value received for argument `stddev` of GaussianNoise. Expected a float "
                             f"value between 0 and 1. Received: stddev={stddev}")
        self.stddev = stddev
        self.seed = seed
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.stddev > 0:
            noise = random_ops.normal(tuple(inputs.shape), mean=0.0, stddev=self.stddev, dtype=inputs.dtype,
                                      seed=self.seed)
            return tf.add(inputs, noise)
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
