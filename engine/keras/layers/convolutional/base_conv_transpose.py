"""``BaseConvTranspose``: transposed convolution behind Conv1D/2D/3DTranspose (Keras 3 ``base_conv_transpose.py``).

``kernel`` is ``kernel_size + (filters, in_channels)``; the output size follows
Keras's TF-padding formula (with ``output_padding`` when given) and the op is
``tf.nn.conv*_transpose`` (the engine's ``Conv*BackpropInput``).
"""
from __future__ import annotations

from typing import Any

from ....ops import conv_ops, nn_ops
from ... import activations, constraints, initializers, regularizers
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer
from .base_conv import channel_dim, shape_spec, standardize_padding, tf_data_format


def _transpose_size(size: Any, kernel: int, stride: int, padding: str, output_padding: Any, dilation: int) -> Any:
    """Keras's ``_get_output_shape_given_tf_padding`` for one spatial dim."""
    if size is None:
        return None
    kernel = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(kernel, stride) - kernel if output_padding is None else output_padding
        return (size - 1) * stride + kernel + extra
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + kernel % 2 + output_padding


def compute_conv_transpose_output_shape(input_shape: Any, kernel_size: tuple, filters: int, strides: tuple,
                                        padding: str, output_padding: Any = None,
                                        data_format: str = "channels_last", dilation_rate: tuple = (1,)) -> tuple:
    """Keras's ``compute_conv_transpose_output_shape`` (``None`` sizes stay ``None``)."""
    input_shape = tuple(input_shape)
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    out = tuple(_transpose_size(n, kernel_size[i], strides[i], padding,
                                None if output_padding is None else output_padding[i], dilation_rate[i])
                for i, n in enumerate(spatial))
    if data_format == "channels_last":
        return (input_shape[0],) + out + (filters,)
    return (input_shape[0], filters) + out


_OPS = {1: conv_ops.conv1d_transpose, 2: conv_ops.conv2d_transpose, 3: conv_ops.conv3d_transpose}


class BaseConvTranspose(Layer):
    """Abstract N-D transposed convolution ("deconvolution")."""

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 output_padding: Any = None, data_format: str | None = None, dilation_rate: Any = 1,
                 activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 trainable: bool = True, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, rank, "output_padding", allow_zero=True)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._tf_format = tf_data_format(rank, self.data_format)
        if self.filters is not None and self.filters <= 0:
            raise ValueError(f"Invalid value for argument `filters`. Expected a strictly positive value. "
                             f"Received filters={self.filters}.")
        if not all(self.kernel_size):
            raise ValueError(f"The argument `kernel_size` cannot contain 0. Received kernel_size={self.kernel_size}.")
        if not all(self.strides):
            raise ValueError(f"The argument `strides` cannot contains 0. Received strides={self.strides}.")
        if self.output_padding is not None:
            for i, (op, s) in enumerate(zip(self.output_padding, self.strides)):
                if op >= s:
                    raise ValueError(f"`output_padding` must be strictly less than `strides` for all dimensions. "
                                     f"At dimension {i}, `output_padding` is {op} but `strides` is {s}. Received: "
                                     f"output_padding={self.output_padding}, strides={self.strides}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                             f"strides={self.strides} and dilation_rate={self.dilation_rate}")

    def build(self, input_shape: Any) -> None:
        input_channel = channel_dim(input_shape, self.data_format)
        if input_channel is None:
            raise ValueError(f"The channel dimension of the inputs to {type(self).__name__} should be defined. "
                             f"Found None. Full input shape received: {tuple(input_shape)}")
        axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={axis: input_channel})
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, input_channel),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True, dtype=self.dtype)
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    trainable=True, dtype=self.dtype) if self.use_bias else None
        self.built = True

    def call(self, inputs: Any) -> Any:
        out_shape = self.compute_output_shape(tuple(inputs.shape))
        outputs = _OPS[self.rank](inputs, self.kernel, out_shape, strides=self.strides,
                                  padding=self.padding.upper(), data_format=self._tf_format,
                                  dilations=self.dilation_rate)
        if self.bias is not None:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=self._tf_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return compute_conv_transpose_output_shape(input_shape, self.kernel_size, self.filters, self.strides,
                                                   self.padding, self.output_padding, self.data_format,
                                                   self.dilation_rate)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        return shape_spec(self, inputs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "output_padding": self.output_padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        })
        return cfg
