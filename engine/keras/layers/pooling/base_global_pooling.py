"""``BaseGlobalPooling``: reduce every spatial axis (Keras 3 ``pooling/base_global_pooling.py``)."""
from __future__ import annotations

from typing import Any

from ...utils.argument_validation import standardize_data_format
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer
from ..convolutional.base_conv import shape_spec


class BaseGlobalPooling(Layer):
    """Abstract global pooling; ``keepdims=True`` keeps the spatial axes with size 1."""

    def __init__(self, pool_dimensions: int, data_format: str | None = None, keepdims: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._spatial_axes = (tuple(range(1, pool_dimensions + 1)) if self.data_format == "channels_last"
                              else tuple(range(2, pool_dimensions + 2)))
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        n = len(input_shape) - 2
        if self.data_format == "channels_last":
            if self.keepdims:
                return (input_shape[0],) + (1,) * n + (input_shape[-1],)
            return (input_shape[0], input_shape[-1])
        if self.keepdims:
            return (input_shape[0], input_shape[1]) + (1,) * n
        return (input_shape[0], input_shape[1])

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        return shape_spec(self, inputs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return cfg
