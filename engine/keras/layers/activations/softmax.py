"""``Softmax``: softmax along ``axis`` (one or several), honouring a boolean mask."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ... import activations
from ...saving.object_registry import register_layer
from ..layer import Layer


def _large_negative_number(dtype: Any) -> float:
    return -3e4 if getattr(dtype, "name", str(dtype)) == "float16" else -1e9


@register_layer("Activation")
class Softmax(Layer):
    """``exp(x) / sum(exp(x))`` over ``axis``; masked positions get probability 0."""

    def __init__(self, axis: Any = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is not None:
            mshape, ishape = tuple(mask.shape), tuple(inputs.shape)
            if len(mshape) > len(ishape):
                raise ValueError("The `mask` must be broadcastable to `inputs` and must not have more dimensions. "
                                 f"Received: inputs.shape={ishape}, mask.shape={mshape}")
            for m_dim, i_dim in zip(mshape[::-1], ishape[::-1]):
                if m_dim != 1 and m_dim != i_dim:
                    raise ValueError("The `mask` must be broadcastable to `inputs`. Each mask dimension must be 1 "
                                     f"or match the corresponding input dimension. Received: inputs.shape={ishape}, "
                                     f"mask.shape={mshape}")
            if mask.dtype.name != "bool":
                mask = tf.greater(mask, tf.cast(0.5, mask.dtype))
            inputs = tf.where(mask, inputs, tf.cast(_large_negative_number(inputs.dtype), inputs.dtype))
        if isinstance(self.axis, (tuple, list)):
            if len(self.axis) > 1:
                axis = tuple(self.axis)
                outputs = tf.exp(tf.subtract(inputs, tf.reduce_logsumexp(inputs, axis=axis, keepdims=True)))
            else:
                outputs = activations.softmax(inputs, axis=self.axis[0])
        else:
            outputs = activations.softmax(inputs, axis=self.axis)
        if mask is not None:
            outputs = tf.where(mask, outputs, tf.zeros_like(outputs))
        return outputs

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}
