"""Tensor helpers shared by losses and metrics (Keras's ``ops`` + TF-backend pieces).

Everything here goes through engine ops, so it records on tapes and replays
inside ``engine.function`` traces; nothing reads a tensor's value in Python.
The cross-entropies mirror ``keras/src/backend/tensorflow/nn.py``, including
``_get_logits``: a probability tensor that carries ``_keras_logits`` (set by
``activations.softmax``/``sigmoid``) is scored from its logits with the fused,
numerically stable kernels.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import Tensor
from ...ops import array_ops, math_ops as m, nn_ops
from .. import backend


def to_tensor(x: Any, dtype: Any = None) -> Tensor:
    """``ops.convert_to_tensor(x, dtype)``: casts (not fails) on a dtype change; keeps the object otherwise."""
    if isinstance(x, Tensor):
        if dtype is None or x.dtype.name == _name(dtype):
            return x
        return array_ops.cast(x, _name(dtype))
    if hasattr(type(x), "_as_tensor"):
        return to_tensor(core.convert_to_tensor(x), dtype)
    if dtype is None:
        return core.convert_to_tensor(x)
    arr = np.asarray(x)
    if arr.dtype.kind == "O":
        return array_ops.cast(core.convert_to_tensor(x), _name(dtype))
    return core.convert_to_tensor(arr.astype(_name(dtype)))


def _name(dtype: Any) -> str:
    return dtype if isinstance(dtype, str) else getattr(dtype, "name", str(dtype))


def cast(x: Any, dtype: Any) -> Tensor:
    """``ops.cast``: a no-op (same object) when the dtype already matches."""
    return to_tensor(x, dtype)


def rank(x: Any) -> int:
    return len(x.shape)


def shape(x: Any) -> tuple:
    return tuple(int(d) for d in x.shape)


def squeeze(x: Tensor, axis: int) -> Tensor:
    s = list(shape(x))
    del s[axis]
    return array_ops.reshape(x, s)


def expand_dims(x: Tensor, axis: int) -> Tensor:
    s = list(shape(x))
    axis = axis if axis >= 0 else len(s) + 1 + axis
    s.insert(axis, 1)
    return array_ops.reshape(x, s)


def canonicalize_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of bounds for an array with dimension {ndim}.")
    return axis % ndim


def get_keras_mask(x: Any) -> Any:
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x: Tensor, mask: Any) -> None:
    x._keras_mask = mask


def normalize(x: Tensor, axis: int = -1) -> Tensor:
    """L2 normalisation as ``keras.ops.normalize``: ``x * min(rsqrt(sum(x²)), 1/epsilon)``."""
    square_sum = m.reduce_sum(m.square(x), axis=axis, keepdims=True)
    inv_norm = m.minimum(m.rsqrt(square_sum), 1.0 / backend.epsilon())
    return m.multiply(x, inv_norm)


def _check_same_shape(target: Tensor, output: Tensor) -> None:
    if rank(target) != rank(output):
        raise ValueError("Arguments `target` and `output` must have the same rank (ndim). Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")
    if shape(target) != shape(output):
        raise ValueError("Arguments `target` and `output` must have the same shape. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")


def get_logits(output: Any, from_logits: bool, op_type: str, fn_name: str) -> tuple:
    """Keras's ``_get_logits``: use the cached logits of an activation's output when present."""
    logits = getattr(output, "_keras_logits", None)
    if logits is None:
        return output, from_logits
    if from_logits:
        warnings.warn(f'"`{fn_name}` received `from_logits=True`, but the `output` argument was produced by a '
                      f"{op_type} activation and thus does not represent logits. Was this intended?", stacklevel=3)
    return logits, True


def categorical_crossentropy(target: Any, output: Any, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Per-sample categorical cross-entropy (Keras TF backend)."""
    target = to_tensor(target)
    output = to_tensor(output)
    if rank(target) < 1:
        raise ValueError("Arguments `target` and `output` must be at least rank 1. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")
    _check_same_shape(target, output)
    output, from_logits = get_logits(output, from_logits, "Softmax", "categorical_crossentropy")
    target = cast(target, output.dtype)
    if from_logits:
        return nn_ops.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    output = m.divide(output, m.reduce_sum(output, axis=axis, keepdims=True))
    eps = backend.epsilon()
    output = m.clip_by_value(output, eps, 1.0 - eps)
    return m.negative(m.reduce_sum(m.multiply(target, m.log(output)), axis=axis))


def sparse_categorical_crossentropy(target: Any, output: Any, from_logits: bool = False,
                                    axis: int = -1) -> Tensor:
    """Per-sample sparse categorical cross-entropy (Keras TF backend)."""
    output = to_tensor(output)
    if axis != -1 and axis != rank(output) - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    output, from_logits = get_logits(output, from_logits, "Softmax", "sparse_categorical_crossentropy")
    target = cast(to_tensor(target), "int64")
    if rank(target) == rank(output) and shape(target)[-1] == 1:
        target = squeeze(target, -1)
    if rank(output) < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: output.shape={tuple(output.shape)}")
    if rank(target) != rank(output) - 1:
        raise ValueError("Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")
    if shape(target) != shape(output)[:-1]:
        raise ValueError("Arguments `target` and `output` must have the same shape up until the last dimension: "
                         f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}")
    if not from_logits:
        eps = backend.epsilon()
        output = m.log(m.clip_by_value(output, eps, 1.0 - eps))
    return nn_ops.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)


def binary_crossentropy(target: Any, output: Any, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy (Keras TF backend)."""
    target = to_tensor(target)
    output = to_tensor(output)
    _check_same_shape(target, output)
    output, from_logits = get_logits(output, from_logits, "Sigmoid", "binary_crossentropy")
    target = cast(target, output.dtype)
    if from_logits:
        return nn_ops.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = backend.epsilon()
    output = m.clip_by_value(output, eps, 1.0 - eps)
    bce = m.multiply(target, m.log(output))
    bce = m.add(bce, m.multiply(m.subtract(1.0, target), m.log(m.subtract(1.0, output))))
    return m.negative(bce)
