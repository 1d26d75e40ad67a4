"""``GroupNormalization`` (Keras 3 ``normalization/group_normalization.py``).

Channels are split into ``groups``; each sample is normalised over its
group's channels and every other non-batch axis.  ``groups=-1`` is instance
normalization (one channel per group).
"""
from __future__ import annotations

from typing import Any

from ....ops import array_ops, math_ops, nn_ops
from ... import constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer
from .layer_normalization import check_axes


@register_layer("Normalization")
class GroupNormalization(Layer):
    """Normalise each sample within channel groups, then scale by ``gamma`` and shift by ``beta``."""

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, **kwargs: Any) -> None:
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ValueError(f"Received an invalid value for argument `groups`, expected a positive integer (or "
                             f"`-1` for instance normalization). Received: groups={groups}")
        super().__init__(**kwargs)
        self.supports_masking = True
        self.autocast = False
        self.groups = groups
        self.axis = axis
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)

    def build(self, input_shape: Any) -> None:
        check_axes(self.axis, tuple(input_shape))
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of input tensor should have a defined dimension but the layer "
                             f"received an input with shape {tuple(input_shape)}.")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the number of channels ({dim}).")
        if dim % self.groups != 0:
            raise ValueError(f"Number of groups ({self.groups}) must be a multiple of the number of channels "
                             f"({dim}).")
        self.input_spec = InputSpec(ndim=len(input_shape), axes={self.axis: dim})
        self.gamma = self.add_weight(shape=(dim,), name="gamma", initializer=self.gamma_initializer,
                                     regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                     autocast=False) if self.scale else None
        self.beta = self.add_weight(shape=(dim,), name="beta", initializer=self.beta_initializer,
                                    regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                    autocast=False) if self.center else None
        self.built = True

    def call(self, inputs: Any) -> Any:
        shape = tuple(int(d) for d in inputs.shape)
        ndim = len(shape)
        axis = self.axis % ndim
        group_shape = list(shape)
        group_shape[axis] = shape[axis] // self.groups
        group_shape.insert(axis, self.groups)
        x = array_ops.reshape(inputs, group_shape)
        red = [i for i in range(1, ndim + 1) if i != axis]  # every axis but batch and the group index
        mean, variance = nn_ops.moments(x, axes=red, keepdims=True)
        bshape = [1] * (ndim + 1)
        bshape[axis], bshape[axis + 1] = self.groups, shape[axis] // self.groups
        inv = math_ops.rsqrt(math_ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = math_ops.multiply(inv, array_ops.reshape(self.gamma, bshape))
        res = math_ops.multiply(math_ops.negative(mean), inv)
        if self.beta is not None:
            res = math_ops.add(res, array_ops.reshape(self.beta, bshape))
        return array_ops.reshape(math_ops.add(math_ops.multiply(x, inv), res), shape)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        check_axes(self.axis, tuple(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }
