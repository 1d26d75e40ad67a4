"""``Conv3DTranspose``: 3-D transposed convolution; kernel `(kd, kh, kw, filters, in_channels)`."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from .base_conv_transpose import BaseConvTranspose


@register_layer("Convolution", "Convolution3DTranspose")
class Conv3DTranspose(BaseConvTranspose):
    """3-D transposed convolution; kernel `(kd, kh, kw, filters, in_channels)`."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1, 1), padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = (1, 1, 1),
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(rank=3, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, **kwargs)
