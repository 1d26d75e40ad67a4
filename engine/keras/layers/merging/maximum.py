"""``Maximum``: elementwise maximum of a list of inputs."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge


@register_layer("Merge")
class Maximum(Merge):
    """Elementwise maximum; a masked position takes the other inputs' value."""

    def _merge_function(self, inputs: list) -> Any:
        return self._apply_merge_op_and_or_mask(tf.maximum, inputs)


def maximum(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)
