"""``Add``: elementwise sum of a list of inputs."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge


@register_layer("Merge")
class Add(Merge):
    """``inputs[0] + inputs[1] + ...`` (shapes broadcast; all the same shape in the usual case)."""

    def _merge_function(self, inputs: list) -> Any:
        output = inputs[0]
        for x in inputs[1:]:
            output = tf.add(output, x)
        return output


def add(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Add`."""
    return Add(**kwargs)(inputs)
