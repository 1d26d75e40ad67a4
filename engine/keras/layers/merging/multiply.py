"""``Multiply``: elementwise product of a list of inputs."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge, get_mask


@register_layer("Merge")
class Multiply(Merge):
    """Elementwise product; masked positions count as 1, and as 0 where every input is masked."""

    def _merge_function(self, inputs: list) -> Any:
        masks = [get_mask(x) for x in inputs]
        has_output_mask = all(m is not None for m in masks)
        output = output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = tf.broadcast_to(tf.expand_dims(mask, -1), tuple(x.shape))
                x = tf.where(mask, x, tf.ones_like(x))
                if has_output_mask:
                    output_mask = mask if output_mask is None else tf.logical_or(output_mask, mask)
            output = x if output is None else tf.multiply(output, x)
        if has_output_mask:
            output = tf.where(output_mask, output, tf.zeros_like(output))
            output._keras_mask = tf.reduce_any(output_mask, axis=-1)
        return output


def multiply(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)
