"""``BasePooling``: windowed max/average pooling (Keras 3 ``pooling/base_pooling.py``).

``strides`` defaults to ``pool_size``; ``padding`` is kept as given (Keras does
not normalise it) and upper-cased for ``tf.nn.max_pool`` / ``avg_pool``.
"""
from __future__ import annotations

from typing import Any

from ....ops import pool_ops
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer, _layer_error
from ..convolutional.base_conv import shape_spec, tf_data_format


def compute_pooling_output_shape(input_shape: Any, pool_size: tuple, strides: tuple, padding: str = "valid",
                                 data_format: str = "channels_last") -> tuple:
    """Keras's ``compute_pooling_output_shape`` (``None`` sizes stay ``None``)."""
    input_shape = tuple(input_shape)
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    out = []
    for i, n in enumerate(spatial):
        if n is None:
            out.append(None)
        elif str(padding).lower() == "valid":
            size = (n - pool_size[i]) // strides[i] + 1
            if size <= 0:
                raise ValueError(f"Computed output size would be zero or negative. Received: `inputs.shape="
                                 f"{input_shape}`, `pool_size={tuple(pool_size)}`, `strides={tuple(strides)}`, "
                                 f"`padding={padding}`.")
            out.append(size)
        else:
            out.append((n - 1) // strides[i] + 1)
    if data_format == "channels_last":
        return (input_shape[0],) + tuple(out) + (input_shape[-1],)
    return (input_shape[0], input_shape[1]) + tuple(out)


class BasePooling(Layer):
    """Abstract N-D pooling: ``pool_mode`` is ``"max"`` or ``"average"``."""

    def __init__(self, pool_size: Any, strides: Any, pool_dimensions: int, pool_mode: str = "max",
                 padding: str = "valid", data_format: str | None = None, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        self.strides = standardize_tuple(strides, pool_dimensions, "strides", allow_zero=True)
        self.pool_mode = pool_mode
        self.padding = padding
        if str(padding).lower() not in ("valid", "same"):
            raise ValueError(f"{type(self).__name__}: `padding` must be 'valid' or 'same'. Received: "
                             f"padding={padding}")
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._tf_format = tf_data_format(pool_dimensions, self.data_format)
        self.built = True

    def call(self, inputs: Any) -> Any:
        try:  # TF would return an empty tensor for windows larger than the input; Keras's shape check raises
            self.compute_output_shape(tuple(inputs.shape))
        except ValueError as e:
            raise _layer_error(self, inputs, e) from None
        pool = pool_ops.max_pool if self.pool_mode == "max" else pool_ops.avg_pool
        return pool(inputs, self.pool_size, self.strides, str(self.padding).upper(), data_format=self._tf_format)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return compute_pooling_output_shape(input_shape, self.pool_size, self.strides, self.padding,
                                            self.data_format)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        return shape_spec(self, inputs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                    "data_format": self.data_format})
        return cfg
