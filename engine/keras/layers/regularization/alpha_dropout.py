"""``AlphaDropout``: dropout that keeps SELU's self-normalising mean and variance."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf, random_ops
from ...saving.object_registry import register_layer
from ..layer import Layer
from .dropout import Dropout, check_rate

_ALPHA = 1.6732632423543772
_SCALE = 1.0507009873554805


@register_layer("Regularization")
class AlphaDropout(Layer):
    """Dropped units are set to SELU's negative saturation, then an affine map restores mean/variance."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_rate(type(self).__name__, rate)
        self.rate = rate
        self.seed = seed
        self.noise_shape = Dropout._validate_noise_shape(noise_shape)
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, training: Any = False) -> Any:
        if not (training and self.rate > 0):
            return inputs
        shape = tuple(inputs.shape)
        noise_shape = shape if self.noise_shape is None else \
            tuple(shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        alpha_p = -_ALPHA * _SCALE
        kept = tf.cast(tf.greater_equal(random_ops.uniform(noise_shape, dtype=inputs.dtype, seed=self.seed),
                                        tf.cast(self.rate, inputs.dtype)), inputs.dtype)
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = tf.add(tf.multiply(inputs, kept), tf.multiply(alpha_p, tf.subtract(1.0, kept)))
        return tf.add(tf.multiply(a, x), b)

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
