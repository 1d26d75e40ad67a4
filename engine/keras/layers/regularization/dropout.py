"""``Dropout``: zero a fraction ``rate`` of inputs while training, scaling the rest by ``1/(1-rate)``."""
from __future__ import annotations

from typing import Any

from .... import nn
from ....ops import api as tf
from ...saving.object_registry import register_layer
from ..layer import Layer


def check_rate(layer: str, rate: Any) -> None:
    """Keras's check: ``rate`` is a number in ``[0, 1]``."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
        raise ValueError(f"Invalid value received for argument `rate` of {layer}. Expected a float value "
                         f"between 0 and 1. Received: rate={rate}")


def dropout(inputs: Any, rate: float, noise_shape: Any, seed: int | None) -> Any:
    """``tf.nn.dropout`` that also accepts ``rate == 1`` (everything dropped)."""
    if rate >= 1:
        return tf.multiply(inputs, tf.zeros_like(inputs))
    return nn.dropout(inputs, rate, noise_shape=noise_shape, seed=seed)


@register_layer("Regularization")
class Dropout(Layer):
    """Active only with ``training=True``; ``noise_shape`` (``None`` = the input's size) shares the mask."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        check_rate(type(self).__name__, rate)
        self.rate = rate
        self.seed = seed
        self.noise_shape = self._validate_noise_shape(noise_shape)
        self.supports_masking = True
        self.built = True

    @staticmethod
    def _validate_noise_shape(noise_shape: Any) -> tuple | None:
        if noise_shape is None:
            return None
        if isinstance(noise_shape, str):
            raise ValueError("Invalid value received for argument `noise_shape`. Expected a tuple or list of "
                             f"integers. Received: noise_shape={noise_shape}")
        try:
            noise_shape = tuple(noise_shape)
        except TypeError:
            raise ValueError("Invalid value received for argument `noise_shape`. Expected an iterable of integers "
                             f"(e.g., a tuple or list). Received: noise_shape={noise_shape}") from None
        for i, dim in enumerate(noise_shape):
            if dim is None:
                continue
            if not isinstance(dim, int) or isinstance(dim, bool):
                raise ValueError("Invalid value received for argument `noise_shape`. Expected all elements to be "
                                 f"integers or None. Received element at index {i}: {dim} (type: {type(dim).__name__})")
            if dim <= 0:
                raise ValueError("Invalid value received for argument `noise_shape`. Expected all dimensions to be "
                                 f"positive integers or None. Received negative or zero value at index {i}: {dim}")
        return noise_shape

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            return dropout(inputs, self.rate, self.noise_shape, self.seed)
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape}
