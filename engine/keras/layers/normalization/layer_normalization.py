"""``LayerNormalization`` (Keras 3 ``normalization/layer_normalization.py``).

Each sample is normalised over ``axis`` (an int or a list):
``x * inv + (beta - mean * inv)`` with ``inv = gamma / sqrt(var + epsilon)``,
composed exactly as Keras's ``ops.layer_normalization``.  ``rms_scaling=True``
(deprecated in Keras) scales by ``1/sqrt(var + epsilon)`` without centring.
"""
from __future__ import annotations

import warnings
from typing import Any

from ....ops import array_ops, math_ops, nn_ops
from ... import constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import Layer


def check_axes(axis: Any, input_shape: tuple) -> None:
    """Keras's ``compute_output_shape`` check: every axis must index ``input_shape``."""
    for a in ([axis] if isinstance(axis, int) else axis):
        if a >= len(input_shape) or a < -len(input_shape):
            raise ValueError(f"Axis {a} is out of bounds for input shape {tuple(input_shape)}. "
                             f"Received: axis={axis}")


@register_layer("Normalization")
class LayerNormalization(Layer):
    """Normalise each sample over ``axis``, then scale by ``gamma`` and shift by ``beta``."""

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                 rms_scaling: bool = False, **kwargs: Any) -> None:
        if rms_scaling:
            warnings.warn("You passed `rms_scaling=True`, which is deprecated. This argument incorrectly scales "
                          "the input by the variance, not the root mean square. To correctly use RMS "
                          "Normalization, please use `keras.layers.RMSNormalization` instead.", stacklevel=2)
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"Expected an int or a list/tuple of ints for the argument 'axis', but received: "
                            f"{axis!r}")
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.rms_scaling = rms_scaling
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.autocast = False

    def build(self, input_shape: Any) -> None:
        check_axes(self.axis, tuple(input_shape))
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        if any(d is None for d in shape):
            raise ValueError(f"The normalized axes {self.axis} of the input to LayerNormalization must be "
                             f"defined. Received input shape {tuple(input_shape)}.")
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     trainable=True, autocast=False) if self.scale or self.rms_scaling else None
        self.beta = self.add_weight(name="beta", shape=shape, initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    trainable=True, autocast=False) if self.center and not self.rms_scaling else None
        self.built = True

    def call(self, inputs: Any) -> Any:
        ndim = len(inputs.shape)
        axes = sorted(a % ndim for a in self.axis)
        bshape = [1] * ndim
        for a in axes:
            bshape[a] = int(inputs.shape[a])

        def broadcast(v: Any) -> Any:
            if v is not None and len(v.shape) != ndim and axes != [ndim - 1]:
                return array_ops.reshape(v, bshape)
            return v

        if self.rms_scaling:
            variance = math_ops.reduce_variance(inputs, axis=axes, keepdims=True)
            outputs = math_ops.multiply(inputs, math_ops.rsqrt(math_ops.add(variance, self.epsilon)))
            if self.gamma is not None:
                outputs = math_ops.multiply(outputs, broadcast(self.gamma))
            return outputs
        mean, variance = nn_ops.moments(inputs, axes=axes, keepdims=True)
        inv = math_ops.rsqrt(math_ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = math_ops.multiply(inv, broadcast(self.gamma))
        res = math_ops.multiply(math_ops.negative(mean), inv)
        if self.beta is not None:
            res = math_ops.add(res, broadcast(self.beta))
        return math_ops.add(math_ops.multiply(inputs, inv), res)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes(self.axis, tuple(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
