"""``Dense``: ``activation(inputs @ kernel + bias)``."""
from __future__ import annotations

from typing import Any

from ....framework import core
from ....framework.core import Tensor
from ....ops import math_ops as m
from ... import activations, constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer
from ._dense_ops import fused_dense


@register_layer("Core")
class Dense(Layer):
    """Densely-connected layer; ``kernel`` is ``[input_dim, units]``."""

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, lora_rank: Any = None,
                 lora_alpha: Any = None, quantization_config: Any = None, **kwargs: Any) -> None:
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
            raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: units={units}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f"The last dimension of the inputs to a Dense layer should be defined. Found None. "
                             f"Full input shape received: {tuple(input_shape)}")
        self.kernel = self.add_weight(shape=(input_dim, self.units), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                    name="bias") if self.use_bias else None
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs: Any) -> Any:
        act = self.activation
        if (self.bias is not None and (act is activations.relu or act is activations.linear)
                and type(inputs) is Tensor and inputs._np.ndim == 2):
            kernel, bias = core.convert_to_tensor(self.kernel), core.convert_to_tensor(self.bias)
            dt = inputs._np.dtype
            if (dt.kind == "f" and kernel._np.dtype == dt and bias._np.dtype == dt and kernel._np.ndim == 2
                    and inputs._np.shape[1] == kernel._np.shape[0]):
                # one op: GEMM, bias and relu in place; one-op backward (see _dense_ops)
                return fused_dense(inputs, kernel, bias, act is activations.relu)
        x = m.matmul(inputs, self.kernel) if inputs.ndim == 2 else m.tensordot(inputs, self.kernel, [[inputs.ndim - 1], [0]])
        if self.bias is not None:
            x = m.add(x, self.bias)
        return self.activation(x)

    def get_config(self) -> dict:
        cfg = super().get_config()
        cfg.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "quantization_config": None,
        })
        return cfg
