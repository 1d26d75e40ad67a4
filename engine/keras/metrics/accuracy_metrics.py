"""Accuracy metrics (``keras/src/metrics/accuracy_metrics.py``)."""
from __future__ import annotations

from typing import Any

from ...ops import array_ops, math_ops as m
from .. import backend
from ..losses import _ops
from ..losses.loss import squeeze_or_expand_to_same_rank
from . import _kernels
from .reduction_metrics import MeanMetricWrapper


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``y_true == y_pred`` exactly."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _ops.cast(m.equal(y_true, y_pred), backend.floatx())


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where ``(y_pred > threshold) == y_true``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true)
    threshold = _ops.to_tensor(threshold, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = _ops.cast(m.greater(y_pred, threshold), y_true.dtype)
    return _ops.cast(m.equal(y_true, y_pred), backend.floatx())


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where ``argmax(y_true) == argmax(y_pred)`` (one-hot targets)."""
    y_true = m.argmax(_ops.to_tensor(y_true), axis=-1)
    reshape_matches = False
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true_org_shape = _ops.shape(y_true)
    if _ops.rank(y_true) == _ops.rank(y_pred):
        y_true = _ops.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = _ops.cast(m.argmax(y_pred, axis=-1), y_true.dtype)
    matches = _ops.cast(m.equal(y_true, y_pred), backend.floatx())
    if reshape_matches:
        matches = array_ops.reshape(matches, y_true_org_shape)
    return matches


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the integer label equals ``argmax(y_pred)``."""
    reshape_matches = False
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true_org_shape = _ops.shape(y_true)
    if _ops.rank(y_true) == _ops.rank(y_pred) and _ops.shape(y_true)[-1] == 1:
        y_true = _ops.squeeze(y_true, -1)
        reshape_matches = True
    y_pred = _ops.cast(m.argmax(y_pred, axis=-1), y_true.dtype)
    matches = _ops.cast(m.equal(y_true, y_pred), backend.floatx())
    if reshape_matches:
        matches = array_ops.reshape(matches, y_true_org_shape)
    if _ops.rank(matches) > 1 and _ops.shape(matches)[-1] == 1:
        matches = _ops.squeeze(matches, -1)
    return matches


def _flatten_for_top_k(y_true: Any, y_pred: Any) -> tuple:
    y_true_org_shape = _ops.shape(y_true)
    reshape_matches = False
    if _ops.rank(y_pred) > 2:
        y_pred = array_ops.reshape(y_pred, [-1, _ops.shape(y_pred)[-1]])
    if _ops.rank(y_true) > 1:
        reshape_matches = True
        y_true = array_ops.reshape(y_true, [-1])
    return y_true, y_pred, y_true_org_shape, reshape_matches


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the one-hot target's class is among the ``k`` highest predictions."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = m.argmax(_ops.to_tensor(y_true, y_pred.dtype), axis=-1)
    y_true, y_pred, org_shape, reshape_matches = _flatten_for_top_k(y_true, y_pred)
    matches = _ops.cast(_kernels.in_top_k(_ops.cast(y_true, "int32"), y_pred, k), backend.floatx())
    return array_ops.reshape(matches, org_shape) if reshape_matches else matches


def sparse_top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False) -> Any:
    """1.0 where the integer label is among the ``k`` highest predictions (or the first ``k`` sorted ids)."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype if from_sorted_ids else "int32")
    y_true, y_pred, org_shape, reshape_matches = _flatten_for_top_k(y_true, y_pred)
    if from_sorted_ids:
        first_k = _kernels.getitem(y_pred, (slice(None), slice(None, k)))
        matches = m.reduce_any(m.equal(_ops.expand_dims(y_true, 1), first_k), axis=1)
    else:
        matches = _kernels.in_top_k(y_true, y_pred, k)
    matches = _ops.cast(matches, backend.floatx())
    return array_ops.reshape(matches, org_shape) if reshape_matches else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels."""

    def __init__(self, name: str = "accuracy", dtype: Any = None) -> None:
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches the binary labels."""

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5) -> None:
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the one-hot label."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target is in the top ``k`` predictions."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None) -> None:
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer target is in the top ``k`` predictions."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None,
                 from_sorted_ids: bool = False) -> None:
        super().__init__(fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
