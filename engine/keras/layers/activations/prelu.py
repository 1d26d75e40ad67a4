"""``PReLU``: leaky ReLU with a learned slope ``alpha`` per input element (or shared along axes)."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from .... import nn
from ... import constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer


@register_layer("Activation")
class PReLU(Layer):
    """``relu(x) - alpha * relu(-x)``; ``shared_axes`` (1-based, batch excluded) share ``alpha``."""

    def __init__(self, alpha_initializer: Any = "Zeros", alpha_regularizer: Any = None,
                 alpha_constraint: Any = None, shared_axes: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif not isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [shared_axes]
        else:
            self.shared_axes = list(shared_axes)

    def build(self, input_shape: Any) -> None:
        param_shape = list(input_shape[1:])
        if self.shared_axes is not None:
            for i in self.shared_axes:
                if not 1 <= i < len(input_shape):
                    raise ValueError(f"PReLU: `shared_axes` must be axes in [1, {len(input_shape) - 1}] of the "
                                     f"input (the batch axis excluded). Received: shared_axes={self.shared_axes}")
                param_shape[i - 1] = 1
        if any(d is None for d in param_shape):
            raise ValueError(f"PReLU needs known sizes for the axes that are not shared. Received input_shape="
                             f"{tuple(input_shape)}, shared_axes={self.shared_axes}")
        self.alpha = self.add_weight(shape=param_shape, name="alpha", initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        axes = {}
        if self.shared_axes:
            for i in range(1, len(input_shape)):
                if i not in self.shared_axes:
                    axes[i] = input_shape[i]
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs: Any) -> Any:
        pos = nn.relu(inputs)
        neg = tf.multiply(tf.negative(self.alpha), nn.relu(tf.negative(inputs)))
        return tf.add(pos, neg)

    def get_config(self) -> dict:
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
