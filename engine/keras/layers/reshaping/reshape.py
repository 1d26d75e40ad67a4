"""``Reshape``: reshape the non-batch axes to ``target_shape`` (one ``-1`` allowed)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ..layer import Layer


def validate_reshape_shape(newshape: tuple, name: str = "target_shape") -> None:
    """Every entry is ``>= 0`` or the single ``-1``."""
    neg_one = 0
    for dim in newshape:
        if not isinstance(dim, (int, np.integer)):
            continue
        if dim < -1:
            raise ValueError(f"Each dimension in `{name}` must be a non-negative integer, or `-1` for a single "
                             f"unknown dimension. Received: {name}={newshape}.")
        if dim == -1:
            neg_one += 1
    if neg_one > 1:
        raise ValueError(f"There must be at most one unknown dimension (-1) in `{name}`. Received: {name}={newshape}.")


def reshape_output_shape(input_shape: tuple, newshape: tuple, name: str = "target_shape") -> tuple:
    """Keras's ``compute_reshape_output_shape``: resolve ``-1`` or check that the size is unchanged."""
    validate_reshape_shape(newshape, name)
    newshape = tuple(d if isinstance(d, (int, np.integer)) else None for d in newshape)
    if None in input_shape or None in newshape:
        return tuple(d if d != -1 else None for d in newshape)
    input_size = math.prod(input_shape)
    if -1 not in newshape:
        if input_size != math.prod(newshape):
            raise ValueError(f"The total size of the tensor must be unchanged. Received: input_shape={input_shape}, "
                             f"{name}={newshape}")
        return newshape
    known = math.prod(d for d in newshape if d != -1)
    if known == 0 or input_size % known != 0:
        raise ValueError("The total size of the tensor must be unchanged, however, the input size cannot by divided "
                         f"by the specified dimensions in {name}. Received: input_shape={input_shape}, "
                         f"{name}={newshape}")
    return tuple(input_size // known if d == -1 else d for d in newshape)


@register_layer("Reshaping")
class Reshape(Layer):
    """``(batch, ...) → (batch, *target_shape)``."""

    def __init__(self, target_shape: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        validate_reshape_shape(target_shape, "target_shape")
        self.target_shape = target_shape
        self.built = True

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        target = reshape_output_shape(shape[1:], self.target_shape, "target_shape")
        return tf.reshape(inputs, (shape[0],) + tuple(-1 if d is None else int(d) for d in target))

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}
