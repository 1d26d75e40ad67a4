"""Regression metrics (``keras/src/metrics/regression_metrics.py``)."""
from __future__ import annotations

from typing import Any

from ...ops import array_ops, math_ops as m
from ..losses import _ops
from ..losses.loss import squeeze_or_expand_to_same_rank
from ..losses.losses import (log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                             mean_squared_logarithmic_error)
from .metric import Metric
from .reduction_metrics import Mean, MeanMetricWrapper


class _LossMean(MeanMetricWrapper):
    """The running mean of a loss function; config is ``name`` and ``dtype``."""

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_LossMean):
    """Running mean of the squared error."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None) -> None:
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"


class MeanAbsoluteError(_LossMean):
    """Running mean of the absolute error."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_error, name, dtype=dtype)
        self._direction = "down"


class MeanAbsolutePercentageError(_LossMean):
    """Running mean of the absolute percentage error."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None) -> None:
        super().__init__(mean_absolute_percentage_error, name, dtype=dtype)
        self._direction = "down"


class MeanSquaredLogarithmicError(_LossMean):
    """Running mean of the squared logarithmic error."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None) -> None:
        super().__init__(mean_squared_logarithmic_error, name, dtype=dtype)
        self._direction = "down"


class LogCoshError(_LossMean):
    """Running mean of ``log(cosh(error))``."""

    def __init__(self, name: str = "logcosh", dtype: Any = None) -> None:
        super().__init__(log_cosh, name, dtype=dtype)
        self._direction = "down"


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Cosine similarity along ``axis`` (positive: the metric, not the loss)."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return m.reduce_sum(m.multiply(_ops.normalize(y_true, axis=axis), _ops.normalize(y_pred, axis=axis)), axis=axis)


class CosineSimilarity(_LossMean):
    """Running mean of the cosine similarity between labels and predictions."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1) -> None:
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"


class RootMeanSquaredError(Mean):
    """``sqrt`` of the running mean of the squared error."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None) -> None:
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = _ops.to_tensor(y_true, self._dtype)
        y_pred = _ops.to_tensor(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(m.square(m.subtract(y_pred, y_true)), sample_weight=sample_weight)

    def result(self) -> Any:
        return m.sqrt(super().result())


class R2Score(Metric):
    """Coefficient of determination, per output then aggregated (``uniform_average`` by default)."""

    def __init__(self, class_aggregation: str | None = "uniform_average", num_regressors: int = 0,
                 name: str = "r2_score", dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                             f"Received: class_aggregation={class_aggregation}")
        if num_regressors < 0:
            raise ValueError(f"Invalid value for argument `num_regressors`. Expected a value >= 0. "
                             f"Received: num_regressors={num_regressors}")
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape: tuple, y_pred_shape: tuple) -> None:
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError("R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                             f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}.")
        num_classes = int(y_pred_shape[-1])
        self.squared_sum = self.add_variable(name="squared_sum", shape=[num_classes], initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=[num_classes], initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=[num_classes], initializer="zeros")
        self.count = self.add_variable(name="count", shape=[num_classes], initializer="zeros")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true = _ops.to_tensor(y_true, self._dtype)
        y_pred = _ops.to_tensor(y_pred, self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(_ops.shape(y_true), _ops.shape(y_pred))
        sample_weight = _ops.to_tensor(1.0 if sample_weight is None else sample_weight, self.dtype)
        if _ops.rank(sample_weight) == 1:
            sample_weight = _ops.expand_dims(sample_weight, 1)
        sample_weight = array_ops.broadcast_to(sample_weight, _ops.shape(y_true))
        weighted_y_true = m.multiply(y_true, sample_weight)
        self.sum.assign(m.add(self.sum, m.reduce_sum(weighted_y_true, axis=0)))
        self.squared_sum.assign(m.add(self.squared_sum, m.reduce_sum(m.multiply(y_true, weighted_y_true), axis=0)))
        residual = m.multiply(m.square(m.subtract(y_true, y_pred)), sample_weight)
        self.total_mse.assign(m.add(self.total_mse, m.reduce_sum(residual, axis=0)))
        self.count.assign(m.add(self.count, m.reduce_sum(sample_weight, axis=0)))
        size = 1
        for d in _ops.shape(y_true):
            size *= d
        self.num_samples.assign(m.add(self.num_samples, float(size)))

    def result(self) -> Any:
        total_sum, count = self.sum.value(), self.count.value()
        mean = m.divide(total_sum, count)
        total = m.subtract(self.squared_sum.value(), m.multiply(total_sum, mean))
        raw_scores = m.subtract(1.0, m.divide(self.total_mse.value(), total))
        raw_scores = m.where(m.is_inf(raw_scores), 0.0, raw_scores)
        if self.class_aggregation == "uniform_average":
            r2_score = m.reduce_mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            r2_score = m.divide(m.reduce_sum(m.multiply(total, raw_scores)), m.reduce_sum(total))
        else:
            r2_score = raw_scores
        if self.num_regressors != 0:
            # Adjusted R2 where it is defined (n - 1 > p); the plain score otherwise (Keras warns there).
            n = self.num_samples.value()
            p = float(self.num_regressors)
            adjusted = m.subtract(1.0, m.divide(m.multiply(m.subtract(1.0, r2_score), m.subtract(n, 1.0)),
                                                m.subtract(m.subtract(n, p), 1.0)))
            r2_score = m.where(m.greater(m.subtract(n, 1.0), p), adjusted, r2_score)
        return r2_score

    def get_config(self) -> dict:
        return {**super().get_config(), "name": self.name, "dtype": self.dtype,
                "class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}
