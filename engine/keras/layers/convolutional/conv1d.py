"""``Conv1D``: temporal convolution; ``padding="causal"`` left-pads so outputs never see the future."""
from __future__ import annotations

from typing import Any

from ....ops import array_ops
from ...saving.object_registry import register_layer
from .base_conv import BaseConv


@register_layer("Convolution", "Convolution1D")
class Conv1D(BaseConv):
    """1-D convolution over ``(batch, steps, channels)``; kernel ``(kernel_size, in // groups, filters)``."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any) -> None:
        super().__init__(rank=1, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate, groups=groups, activation=activation,
                         use_bias=use_bias, kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, **kwargs)

    def _compute_causal_padding(self) -> list:
        left_pad = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        if self.data_format == "channels_last":
            return [[0, 0], [left_pad, 0], [0, 0]]
        return [[0, 0], [0, 0], [left_pad, 0]]

    def call(self, inputs: Any) -> Any:
        if self.padding == "causal":
            inputs = array_ops.pad(inputs, self._compute_causal_padding())
            return self._finish(self.convolution_op(inputs, self.kernel, padding="valid"))
        return self._finish(self.convolution_op(inputs, self.kernel))
