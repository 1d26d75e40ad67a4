"""``RMSNormalization``: ``x * rsqrt(mean(x**2, axis) + epsilon) * scale`` (Keras's ``ops.rms_normalization``)."""
from __future__ import annotations

from typing import Any

from ....ops import math_ops
from ...saving.object_registry import register_layer
from ..layer import Layer
from .layer_normalization import check_axes


@register_layer("Normalization")
class RMSNormalization(Layer):
    """Root-mean-square normalization over ``axis`` with a learned ``scale``."""

    def __init__(self, axis: Any = -1, epsilon: float = 1e-6, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape: Any) -> None:
        check_axes(self.axis, tuple(input_shape))
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, inputs: Any) -> Any:
        rrms = math_ops.rsqrt(math_ops.add(math_ops.reduce_mean(math_ops.square(inputs), axis=self.axis,
                                                                keepdims=True), self.epsilon))
        return math_ops.multiply(math_ops.multiply(inputs, rrms), self.scale)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes(self.axis, tuple(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
