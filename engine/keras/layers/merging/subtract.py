"""``Subtract``: the first of two inputs minus the second."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge


@register_layer("Merge")
class Subtract(Merge):
    """``inputs[0] - inputs[1]``; exactly two inputs."""

    def build(self, input_shape: Any) -> None:
        self._check_list(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: "
                             f"input_shape={[tuple(s) for s in input_shape]}")
        super().build(input_shape)

    def _merge_function(self, inputs: list) -> Any:
        if len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: "
                             f"{len(inputs)} inputs")
        return tf.subtract(inputs[0], inputs[1])


def subtract(inputs: list, **kwargs: Any) -> Any:
    """Functional interface to :class:`Subtract`."""
    return Subtract(**kwargs)(inputs)
