"""``GaussianDropout``: multiply by ``N(1, rate / (1 - rate))`` noise while training."""
from __future__ import annotations

import math
from typing import Any

from ....ops import api as tf, random_ops
from ...saving.object_registry import register_layer
from ..layer import Layer
from .dropout import check_rate


@register_layer("Regularization")
class GaussianDropout(Layer):
    """Multiplicative 1-centred Gaussian noise with ``stddev = sqrt(rate / (1 - rate))``."""

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_rate(type(self).__name__, rate)
        self.rate = rate
        self.seed = seed
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            stddev = math.sqrt(self.rate / (1.0 - self.rate)) if self.rate < 1 else math.inf
            noise = random_ops.normal(tuple(inputs.shape), mean=1.0, stddev=stddev, dtype=inputs.dtype,
                                      seed=self.seed)
            return tf.multiply(inputs, noise)
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
