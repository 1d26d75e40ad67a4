"""``Concatenate``: join a list of inputs along ``axis``."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from .base_merge import Merge


@register_layer("Merge")
class Concatenate(Merge):
    """Concatenate along ``axis``; every other axis must match (``None`` matches anything)."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) < 1 or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(f"A `Concatenate` layer should be called on a list of at least 1 input. "
                             f"Received: input_shape={input_shape}")
        shapes = [tuple(s) for s in input_shape]
        err = ("A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
               f"Received: input_shape={shapes}")
        reduced = set()
        for shape in shapes:
            dims = list(shape)
            if not -len(dims) <= self.axis < len(dims):
                raise ValueError(f"Concatenate: `axis`={self.axis} is out of range for inputs of rank "
                                 f"{len(dims)}. Received: input_shape={shapes}")
            del dims[self.axis]
            reduced.add(tuple(dims))
        if len(reduced) != 1:
            ranks = {len(s) for s in reduced}
            if len(ranks) != 1:
                raise ValueError(err)
            (rank,) = ranks
            for axis in range(rank):
                if len({s[axis] for s in reduced if s[axis] is not None}) > 1:
                    raise ValueError(err)
        self.built = True

    def _merge_function(self, inputs: list) -> Any:
        return tf.concat(inputs, axis=self.axis)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (tuple, list)):
            raise ValueError(f"`mask` should be a list. Received mask={mask}")
        if not isinstance(inputs, (tuple, list)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError(f"The lists `inputs` and `mask` should have the same length. Received: "
                             f"{len(inputs)} inputs and {len(mask)} masks")
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(tf.ones_like(x, dtype="bool"))
            elif m.ndim < x.ndim:
                masks.append(tf.logical_or(tf.expand_dims(m, axis=-1), tf.zeros_like(x, dtype="bool")))
            else:
                masks.append(m)
        return tf.reduce_any(tf.concat(masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs: list, axis: int = -1, **kwargs: Any) -> Any:
    """Functional interface to :class:`Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)
