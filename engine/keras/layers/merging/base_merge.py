"""``Merge``: the base of the elementwise merge layers (shape checks, rank alignment, masks)."""
from __future__ import annotations

from typing import Any, Callable

from ....ops import api as tf
from ..layer import Layer


def get_mask(x: Any) -> Any:
    """The Keras mask attached to a tensor, or ``None``."""
    return getattr(x, "_keras_mask", None)


class Merge(Layer):
    """Combines a list of tensors; subclasses define ``_merge_function``."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.supports_masking = True
        self._reshape_required = False

    def _merge_function(self, inputs: list) -> Any:
        """Combine the (rank-aligned) inputs; every concrete merge layer overrides this."""
        raise TypeError(f"{type(self).__name__} is an abstract merge layer: it must define `_merge_function`")

    def _apply_merge_op_and_or_mask(self, op_fn: Callable, inputs: list) -> Any:
        """Fold ``op_fn`` over inputs; masked positions take the other operand (Keras's Maximum/Minimum)."""
        output = output_mask = None
        for x in inputs:
            mask = get_mask(x)
            if mask is not None:
                mask = tf.broadcast_to(tf.expand_dims(mask, -1), tuple(x.shape))
            if output is None:
                output, output_mask = x, mask
                continue
            if mask is not None:
                x = tf.where(mask, x, output)
            if output_mask is not None:
                output = tf.where(output_mask, output, x)
            output_mask = tf.logical_or(output_mask, mask) if mask is not None and output_mask is not None else None
            output = op_fn(output, x)
        if output_mask is not None:
            output._keras_mask = tf.reduce_any(output_mask, axis=-1)
        return output

    def _compute_elemwise_op_output_shape(self, shape1: Any, shape2: Any) -> Any:
        if shape1 is None or shape2 is None:
            return None
        if len(shape1) < len(shape2):
            return self._compute_elemwise_op_output_shape(shape2, shape1)
        if not shape2:
            return tuple(shape1)
        output_shape = list(shape1[:-len(shape2)])
        for i, j in zip(shape1[-len(shape2):], shape2):
            if i is None or j is None:
                output_shape.append(None)
            elif i == 1:
                output_shape.append(j)
            elif j == 1:
                output_shape.append(i)
            else:
                if i != j:
                    raise ValueError(f"Inputs have incompatible shapes. Received shapes {tuple(shape1)} and "
                                     f"{tuple(shape2)}")
                output_shape.append(i)
        return tuple(output_shape)

    def _check_list(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or not input_shape or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: "
                             f"input_shape={input_shape} (not a list of shapes)")

    def build(self, input_shape: Any) -> None:
        self._check_list(input_shape)
        batch_sizes = {s[0] for s in input_shape if s} - {None}
        if len(batch_sizes) > 1:
            raise ValueError(f"Cannot merge tensors with different batch sizes. Received tensors with shapes "
                             f"{[tuple(s) for s in input_shape]}")
        output_shape = tuple(input_shape[0][1:]) if input_shape[0] is not None else None
        for shape in input_shape[1:]:
            output_shape = self._compute_elemwise_op_output_shape(
                output_shape, None if shape is None else tuple(shape[1:]))
        self._reshape_required = not (None not in input_shape and len(set(map(len, input_shape))) == 1)
        self.built = True

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"A merge layer should be called on a list of inputs. Received: inputs={inputs} "
                             f"(not a list of tensors)")
        if self._reshape_required:
            max_ndim = max(x.ndim for x in inputs)
            reshaped = []
            for x in inputs:
                for _ in range(max_ndim - x.ndim):
                    x = tf.expand_dims(x, axis=1)
                reshaped.append(x)
            return self._merge_function(reshaped)
        return self._merge_function(list(inputs))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        if not isinstance(mask, (tuple, list)):
            raise ValueError(f"`mask` should be a list. Received: mask={mask}")
        if not isinstance(inputs, (tuple, list)):
            raise ValueError(f"`inputs` should be a list. Received: inputs={inputs}")
        if len(mask) != len(inputs):
            raise ValueError(f"The lists `inputs` and `mask` should have the same length. Received: "
                             f"{len(inputs)} inputs and {len(mask)} masks")
        if any(m is None for m in mask):
            return None
        output_mask = mask[0]
        for m in mask[1:]:
            output_mask = tf.logical_or(output_mask, m)
        return output_mask
