"""``BaseSeparableConv``: depthwise then 1x1 pointwise convolution (Keras 3 ``base_separable_conv.py``).

Weights: ``depthwise_kernel`` ``kernel_size + (in, depth_multiplier)``,
``pointwise_kernel`` ``(1,) * rank + (in * depth_multiplier, filters)``, ``bias``.
"""
from __future__ import annotations

from typing import Any

from ....ops import nn_ops
from ... import activations, constraints, initializers, regularizers
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer
from .base_conv import channel_dim, compute_conv_output_shape, shape_spec, standardize_padding, tf_data_format
from .base_depthwise_conv import depthwise_conv


class BaseSeparableConv(Layer):
    """Abstract separable convolution: per-channel spatial filters, then a channel-mixing 1x1 convolution."""

    def __init__(self, rank: int, depth_multiplier: int, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, depthwise_initializer: Any = "glorot_uniform",
                 pointwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 depthwise_regularizer: Any = None, pointwise_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, depthwise_constraint: Any = None, pointwise_constraint: Any = None,
                 bias_constraint: Any = None, trainable: bool = True, name: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._tf_format = tf_data_format(rank, self.data_format)
        if self.depth_multiplier is not None and self.depth_multiplier <= 0:
            raise ValueError(f"Invalid value for argument `depth_multiplier`. Expected a strictly positive value. "
                             f"Received depth_multiplier={self.depth_multiplier}.")
        if self.filters is not None and self.filters <= 0:
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={self.filters}.")
        if not all(self.kernel_size):
            raise ValueError(f"The argument `kernel_size` cannot contain 0. Received: kernel_size={self.kernel_size}.")
        if not all(self.strides):
            raise ValueError(f"The argument `strides` cannot contains 0(s). Received: strides={self.strides}")

    def build(self, input_shape: Any) -> None:
        input_channel = channel_dim(input_shape, self.data_format)
        if input_channel is None:
            raise ValueError(f"The channel dimension of the inputs to {type(self).__name__} should be defined. "
                             f"Found None. Full input shape received: {tuple(input_shape)}")
        axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: input_channel})
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (input_channel, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint, trainable=True, dtype=self.dtype)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=(1,) * self.rank + (self.depth_multiplier * input_channel, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint, trainable=True, dtype=self.dtype)
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    trainable=True, dtype=self.dtype) if self.use_bias else None
        self.built = True

    def call(self, inputs: Any) -> Any:
        outputs = depthwise_conv(inputs, self.depthwise_kernel, self.strides, self.padding, self.data_format,
                                 self.dilation_rate, pointwise_kernel=self.pointwise_kernel)
        if self.bias is not None:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=self._tf_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return compute_conv_output_shape(input_shape, self.filters, self.kernel_size, strides=self.strides,
                                         padding=self.padding, data_format=self.data_format,
                                         dilation_rate=self.dilation_rate)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        return shape_spec(self, inputs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({
            "depth_multiplier": self.depth_multiplier,
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": regularizers.serialize(self.depthwise_regularizer),
            "pointwise_regularizer": regularizers.serialize(self.pointwise_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "depthwise_constraint": constraints.serialize(self.depthwise_constraint),
            "pointwise_constraint": constraints.serialize(self.pointwise_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return cfg
