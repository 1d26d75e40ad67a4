"""``UnitNormalization``: scale each sample to unit L2 norm over ``axis`` (Keras's ``ops.normalize``)."""
from __future__ import annotations

from typing import Any

from ....ops import math_ops
from ...saving.object_registry import register_layer
from ..layer import Layer
from .layer_normalization import check_axes


@register_layer("Normalization")
class UnitNormalization(Layer):
    """``x * min(1/sqrt(sum(x**2, axis)), 1e12)``."""

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Invalid value for `axis` argument: expected an int or a list/tuple of ints. "
                            f"Received: axis={axis}")
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any) -> Any:
        check_axes(self.axis, tuple(inputs.shape))
        square_sum = math_ops.reduce_sum(math_ops.square(inputs), axis=self.axis, keepdims=True)
        inv_norm = math_ops.minimum(math_ops.rsqrt(square_sum), 1.0 / 1e-12)
        return math_ops.multiply(inputs, inv_norm)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes(self.axis, tuple(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
