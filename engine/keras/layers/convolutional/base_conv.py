"""``BaseConv``: the N-D convolution layer behind Conv1D/2D/3D (Keras 3 ``convolutional/base_conv.py``).

``kernel`` is ``kernel_size + (in_channels // groups, filters)``; the forward is
one engine convolution op (im2col + GEMM, grouped when ``groups > 1``), then
``BiasAdd`` and the activation.  Output shapes come from Keras's formula, so
symbolic inputs with unknown spatial sizes work.
"""
from __future__ import annotations

from typing import Any

from ....ops import conv_ops, nn_ops
from ... import activations, constraints, initializers, regularizers
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer, _layer_error

_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def tf_data_format(rank: int, data_format: str) -> str:
    """The ``tf.nn`` data-format string for ``rank`` spatial dims (``NHWC`` / ``NCHW`` ...)."""
    return _FORMATS[rank][data_format == "channels_first"]


def standardize_padding(value: Any, allow_causal: bool = False) -> str:
    """Lower-case ``padding`` and check it (Keras's ``argument_validation.standardize_padding``)."""
    if isinstance(value, (list, tuple)):
        return value
    padding = str(value).lower()
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be a list/tuple or one of {allowed}. Received: {padding}")
    return padding


def channel_dim(input_shape: Any, data_format: str) -> Any:
    return input_shape[-1] if data_format == "channels_last" else input_shape[1]


def compute_conv_output_shape(input_shape: Any, filters: int, kernel_size: tuple, strides: tuple,
                              padding: str = "valid", data_format: str = "channels_last",
                              dilation_rate: tuple = (1,)) -> tuple:
    """Keras's ``compute_conv_output_shape``: ``None`` spatial sizes stay ``None``."""
    input_shape = tuple(input_shape)
    if data_format == "channels_last":
        spatial, kernel_shape = input_shape[1:-1], tuple(kernel_size) + (input_shape[-1], filters)
    else:
        spatial, kernel_shape = input_shape[2:], tuple(kernel_size) + (input_shape[1], filters)
    if len(kernel_shape) != len(input_shape):
        raise ValueError(f"Kernel shape must have the same length as input, but received kernel of shape "
                         f"{kernel_shape} and input of shape {input_shape}.")
    out = []
    for i, n in enumerate(spatial):
        if n is None:
            out.append(None)
        elif padding == "valid":
            size = (n - dilation_rate[i] * (kernel_size[i] - 1) - 1) // strides[i] + 1
            if size <= 0:
                raise ValueError(f"Computed output size would be zero or negative. Received `inputs shape="
                                 f"{input_shape}`, `kernel shape={kernel_shape}`, `dilation_rate="
                                 f"{tuple(dilation_rate)}`, `strides={tuple(strides)}`, `padding={padding}`.")
            out.append(size)
        elif padding in ("same", "causal"):
            out.append((n - 1) // strides[i] + 1)
        else:
            raise ValueError(f"`padding` must be either `'valid'` or `'same'`. Received {padding}.")
    if data_format == "channels_last":
        return (input_shape[0],) + tuple(out) + (kernel_shape[-1],)
    return (input_shape[0], kernel_shape[-1]) + tuple(out)


def shape_spec(layer: Layer, inputs: Any) -> KerasTensor:
    """A symbolic output from ``layer.compute_output_shape`` (errors name the layer)."""
    try:
        shape = layer.compute_output_shape(tuple(inputs.shape))
    except (ValueError, TypeError) as e:
        raise _layer_error(layer, inputs, e) from None
    return KerasTensor(shape, layer.compute_dtype)


class BaseConv(Layer):
    """Abstract N-D convolution: ``activation(conv(inputs, kernel) + bias)``."""

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, lora_rank: Any = None,
                 lora_alpha: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if lora_rank:
            raise ValueError(f"{type(self).__name__}: LoRA (`lora_rank={lora_rank}`) is not supported by this "
                             f"engine's convolution layers.")
        self.rank = rank
        self.filters = filters
        self.groups = groups
        self.kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
        self.strides = standardize_tuple(strides, rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
        self.padding = standardize_padding(padding, allow_causal=rank == 1)
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
        if self.groups <= 0:
            raise ValueError(f"The number of groups must be a positive integer. Received: groups={self.groups}.")
        if self.filters is not None and self.filters % self.groups != 0:
            raise ValueError(f"The number of filters must be evenly divisible by the number of groups. "
                             f"Received: groups={self.groups}, filters={self.filters}.")
        if not all(self.kernel_size):
            raise ValueError(f"The argument `kernel_size` cannot contain 0. Received kernel_size={self.kernel_size}.")
        if not all(self.strides):
            raise ValueError(f"The argument `strides` cannot contains 0. Received strides={self.strides}")
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
        if input_channel % self.groups != 0:
            raise ValueError(f"The number of input channels must be evenly divisible by the number of groups. "
                             f"Received groups={self.groups}, but the input has {input_channel} channels (full "
                             f"input shape is {tuple(input_shape)}).")
        self.compute_output_shape(input_shape)  # validates: every output size must be positive
        self.kernel = self.add_weight(name="kernel",
                                      shape=self.kernel_size + (input_channel // self.groups, self.filters),
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True, dtype=self.dtype)
        self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    trainable=True, dtype=self.dtype) if self.use_bias else None
        self.built = True

    def convolution_op(self, inputs: Any, kernel: Any, padding: str | None = None) -> Any:
        """The bare convolution (``tf.nn.convolution`` with this layer's strides/padding/dilation)."""
        return conv_ops.convolution(inputs, kernel, strides=self.strides, padding=(padding or self.padding).upper(),
                                    data_format=self._tf_format, dilations=self.dilation_rate)

    def _finish(self, outputs: Any) -> Any:
        if self.bias is not None:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=self._tf_format)
        return self.activation(outputs)

    def _fused_relu_ok(self, inputs: Any) -> bool:
        """Conv2D + bias + plain relu on NHWC input: one fused op (same math, fewer passes)."""
        return (self.rank == 2 and self.groups == 1 and self.bias is not None
                and self.activation is activations.relu and self.data_format == "channels_last"
                and type(self).convolution_op is BaseConv.convolution_op
                and getattr(inputs, "ndim", None) == 4 and inputs.dtype.is_floating)

    def call(self, inputs: Any) -> Any:
        if self._fused_relu_ok(inputs):
            return conv_ops.conv2d_bias_relu(inputs, self.kernel, self.bias, strides=self.strides,
                                             padding=self.padding.upper(), dilations=self.dilation_rate)
        return self._finish(self.convolution_op(inputs, self.kernel))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return compute_conv_output_shape(input_shape, self.filters, self.kernel_size, strides=self.strides,
                                         padding=self.padding, data_format=self.data_format,
                                         dilation_rate=self.dilation_rate)

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        return shape_spec(self, inputs)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
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
