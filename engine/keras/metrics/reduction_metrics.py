"""``Sum``, ``Mean`` and ``MeanMetricWrapper`` (``keras/src/metrics/reduction_metrics.py``)."""
from __future__ import annotations

from typing import Any, Callable

from ...ops import array_ops, math_ops as m
from .. import backend
from ..losses import _ops
from ..losses._serialization import serialize_keras_object
from ..losses.loss import apply_mask, squeeze_or_expand_to_same_rank
from .metric import Metric


def reduce_to_samplewise_values(values: Any, sample_weight: Any, reduce_fn: Callable, dtype: Any) -> tuple:
    """Weight ``values`` and reduce them to one value per sample (Keras's rules for ranks)."""
    dtype = dtype or backend.floatx()
    mask = _ops.get_keras_mask(values)
    values = _ops.cast(_ops.to_tensor(values), dtype)
    if sample_weight is not None:
        sample_weight = _ops.to_tensor(sample_weight, dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = _ops.rank(sample_weight)
        values_ndim = _ops.rank(values)
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = array_ops.broadcast_to(sample_weight, _ops.shape(values))
        values = m.multiply(values, sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    values_ndim = _ops.rank(values)
    if values_ndim > 1:
        values = reduce_fn(values, axis=list(range(1, values_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the given values."""

    def __init__(self, name: str = "sum", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, _ = reduce_to_samplewise_values(values, sample_weight, reduce_fn=m.reduce_sum, dtype=self.dtype)
        self.total.assign_add(m.reduce_sum(values))

    def reset_state(self) -> None:
        self.total.assign(_ops.to_tensor(0.0, self.total.dtype))

    def result(self) -> Any:
        return _ops.cast(self.total.value(), self.dtype)


class Mean(Metric):
    """The (weighted) mean of the given values: ``total / count``."""

    def __init__(self, name: str = "mean", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, reduce_fn=m.reduce_mean,
                                                            dtype=self.dtype)
        self.total.assign_add(m.reduce_sum(values))
        if sample_weight is not None:
            num_samples = m.reduce_sum(sample_weight)
        elif _ops.rank(values) >= 1:
            num_samples = _ops.to_tensor(float(_ops.shape(values)[0]), self.dtype)
        else:
            num_samples = _ops.to_tensor(1.0, self.dtype)
        self.count.assign_add(_ops.cast(num_samples, self.dtype))

    def reset_state(self) -> None:
        self.total.assign(_ops.to_tensor(0.0, self.total.dtype))
        self.count.assign(_ops.to_tensor(0.0, self.count.dtype))

    def result(self) -> Any:
        return m.div_no_nan(self.total.value(), _ops.cast(self.count.value(), self.dtype))


class MeanMetricWrapper(Mean):
    """The running mean of a stateless function ``fn(y_true, y_pred, **kwargs)`` of per-sample values."""

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        from .. import losses
        if fn in losses.ALL_OBJECTS or type(fn) in losses.ALL_OBJECTS:
            self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mask = _ops.get_keras_mask(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        sample_weight = apply_mask(sample_weight, mask, dtype=self.dtype, reduction="sum")
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        base_config = super().get_config()
        config = {"fn": serialize_keras_object(self._fn, "keras.metrics")}
        config.update(serialize_keras_object(self._fn_kwargs, "keras.metrics"))
        return {**base_config, **config}

    @classmethod
    def from_config(cls, config: dict) -> "MeanMetricWrapper":
        config = dict(config)
        if "fn" in config:
            from . import deserialize
            config["fn"] = deserialize(config["fn"])
        return cls(**config)
