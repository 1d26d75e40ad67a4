"""``Minimum``: elementwise minimum of a list of inputs."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge


@register_layer("Merge")
class Minimum(Merge):
    """Elementwise minimum; a masked position takes the other inputs' value."""

    def _merge_function(self, inputs: list) -> Any:
        return self._apply_merge_op_and_or_mask(tf.minimum, inputs)


def minimum(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)
