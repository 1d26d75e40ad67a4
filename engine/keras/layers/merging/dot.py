"""``Dot``: per-sample dot product of two inputs along chosen axes (optionally cosine similarity)."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ... import backend
from ...saving.object_registry import register_layer
from .base_merge import Merge


def l2_normalize(x: Any, axis: int) -> Any:
    """Keras's ``ops.normalize(order=2)``: ``x * min(rsqrt(sum(x²)), 1 / epsilon)``."""
    inv = tf.rsqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=True))
    return tf.multiply(x, tf.minimum(inv, tf.cast(1.0 / backend.epsilon(), x.dtype)))


def batch_dot(x: Any, y: Any, axes: Any = None) -> Any:
    """Keras's ``batch_dot``: contract ``x``'s ``axes[0]`` with ``y``'s ``axes[1]`` for each sample."""
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    x_ndim, y_ndim = len(x_shape), len(y_shape)
    if x_ndim < 2 or y_ndim < 2:
        raise ValueError(f"Cannot do batch_dot on inputs with rank < 2. Received inputs with shapes {x_shape} "
                         f"and {y_shape}.")
    if x_shape[0] != y_shape[0]:
        raise ValueError(f"Cannot do batch_dot on inputs with different batch sizes. Received inputs with shapes "
                         f"{x_shape} and {y_shape}.")
    if isinstance(axes, int):
        axes = [axes, axes]
    if axes is None:
        axes = [x_ndim - 1, y_ndim - 1] if y_ndim == 2 else [x_ndim - 1, y_ndim - 2]
    axes = [a + (x_ndim if i == 0 else y_ndim) if a < 0 else a for i, a in enumerate(axes)]
    if 0 in axes:
        raise ValueError("Cannot perform batch_dot over axis 0. If your inputs are not batched, add a dummy batch "
                         "dimension to your inputs using keras.ops.expand_dims(x, 0)")
    a0, a1 = axes
    if x_shape[a0] != y_shape[a1]:
        raise ValueError(f"Cannot do batch_dot on inputs with shapes {x_shape} and {y_shape} with axes={axes}. "
                         f"x.shape[{a0}] != y.shape[{a1}] ({x_shape[a0]} != {y_shape[a1]}).")
    orig_x_ndim, orig_y_ndim = x_ndim, y_ndim
    if x_ndim == 2:
        x, a0, x_ndim = tf.expand_dims(x, 1), a0 + 1, 3
    if y_ndim == 2:
        y, y_ndim = tf.expand_dims(y, 2), 3
    if a0 != x_ndim - 1:  # move the contracted axis of x last
        perm = [i for i in range(x_ndim) if i != a0] + [a0]
        x = tf.transpose(x, perm)
    if a1 != 1:  # and that of y to position 1
        perm = [0, a1] + [i for i in range(1, y_ndim) if i != a1]
        y = tf.transpose(y, perm)
    xs, ys = tuple(x.shape), tuple(y.shape)
    if x_ndim > 3:
        x = tf.reshape(x, (xs[0], -1, xs[-1]))
    if y_ndim > 3:
        y = tf.reshape(y, (ys[0], ys[1], -1))
    result = tf.matmul(x, y)
    if x_ndim > 3 or y_ndim > 3:
        out_shape = (xs[0],) + (xs[1:-1] if x_ndim > 3 else (xs[1],)) + (ys[2:] if y_ndim > 3 else (ys[2],))
        result = tf.reshape(result, out_shape)
    if orig_x_ndim == 2:
        result = tf.squeeze(result, 1)
    elif orig_y_ndim == 2:
        result = tf.squeeze(result, -1)
    return result


@register_layer("Merge")
class Dot(Merge):
    """Dot product of two inputs along ``axes`` (an int or a pair); ``normalize=True`` gives cosine similarity."""

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Invalid type for argument `axes`: it should be a list or an int. Received: "
                                f"axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Invalid format for argument `axes`: it should contain two elements. Received: "
                                 f"axes={axes}")
            if not isinstance(axes[0], int) or not isinstance(axes[1], int):
                raise ValueError(f"Invalid format for argument `axes`: list elements should be integers. Received: "
                                 f"axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _axes_for(self, shape1: tuple, shape2: tuple) -> list:
        if isinstance(self.axes, int):
            return [self.axes % len(shape1), self.axes % len(shape2)] if self.axes < 0 else [self.axes] * 2
        return [a % len(s) if a < 0 else a for a, s in zip(self.axes, (shape1, shape2))]

    def build(self, input_shape: Any) -> None:
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) != 2 or \
                not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(f"A `Dot` layer should be called on a list of 2 inputs. Received: "
                             f"input_shape={input_shape}")
        shape1, shape2 = tuple(input_shape[0]), tuple(input_shape[1])
        axes = self._axes_for(shape1, shape2)
        if shape1[axes[0]] != shape2[axes[1]]:
            raise ValueError(f"Incompatible input shapes: axis values {shape1[axes[0]]} (at axis {axes[0]}) != "
                             f"{shape2[axes[1]]} (at axis {axes[1]}). Full input shapes: {shape1}, {shape2}")
        self.built = True

    def _merge_function(self, inputs: list) -> Any:
        if len(inputs) != 2:
            raise ValueError(f"A `Dot` layer should be called on exactly 2 inputs. Received: {len(inputs)} inputs")
        x1, x2 = inputs
        axes = self._axes_for(tuple(x1.shape), tuple(x2.shape))
        if self.normalize:
            x1, x2 = l2_normalize(x1, axes[0]), l2_normalize(x2, axes[1])
        return batch_dot(x1, x2, axes)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def dot(inputs: list, axes: Any = -1, **kwargs: Any) -> Any:
    """Functional interface to :class:`Dot`."""
    return Dot(axes=axes, **kwargs)(inputs)
