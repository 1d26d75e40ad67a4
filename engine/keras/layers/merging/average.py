"""``Average``: elementwise mean of a list of inputs."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge


@register_layer("Merge")
class Average(Merge):
    """``(inputs[0] + ... + inputs[n-1]) / n``."""

    def _merge_function(self, inputs: list) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = tf.add(output, x)
        return tf.divide(output, tf.cast(len(inputs), output.dtype))


def average(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Average`."""
    return Average(**kwargs)(inputs)
