"""Keras 3 loss classes and loss functions (``keras/src/losses/losses.py``), on engine ops."""
from __future__ import annotations

import warnings
from typing import Any, Callable

from ...ops import math_ops as m
from .. import backend
from . import _ops
from ._serialization import serialize_keras_object
from .loss import Loss, squeeze_or_expand_to_same_rank


class LossFunctionWrapper(Loss):
    """A ``Loss`` around a function ``fn(y_true, y_pred, **kwargs)`` of per-sample values."""

    def __init__(self, fn: Callable, reduction: Any = "sum_over_batch_size", name: str | None = None,
                 dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        if _is_tensorish(y_true) and _is_tensorish(y_pred):
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"fn": serialize_keras_object(self.fn, "keras.losses")})
        config.update(serialize_keras_object(self._fn_kwargs, "keras.losses"))
        return config

    @classmethod
    def from_config(cls, config: dict) -> "LossFunctionWrapper":
        config = dict(config)
        if "fn" in config:
            from . import deserialize
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


def _is_tensorish(x: Any) -> bool:
    return hasattr(x, "shape") and not isinstance(x, (list, tuple, dict))


class _Simple(LossFunctionWrapper):
    """A wrapper whose config is just ``name`` and ``reduction``."""

    _fn: Callable

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str | None = None, dtype: Any = None) -> None:
        super().__init__(type(self)._fn, name=name, reduction=reduction, dtype=dtype)

    def get_config(self) -> dict:
        return Loss.get_config(self)


# ---------------------------------------------------------------------------
# Functions (per-sample values)
def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return m.reduce_mean(m.square(m.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return m.reduce_mean(m.abs(m.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    eps = _ops.to_tensor(backend.epsilon(), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    diff = m.abs(m.divide(m.subtract(y_true, y_pred), m.maximum(m.abs(y_true), eps)))
    return m.multiply(100.0, m.reduce_mean(diff, axis=-1))


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    eps = _ops.to_tensor(backend.epsilon(), y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    first_log = m.log(m.add(m.maximum(y_pred, eps), 1.0))
    second_log = m.log(m.add(m.maximum(y_true, eps), 1.0))
    return m.reduce_mean(m.square(m.subtract(first_log, second_log)), axis=-1)


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = _ops.normalize(y_pred, axis=axis)
    y_true = _ops.normalize(y_true, axis=axis)
    return m.negative(m.reduce_sum(m.multiply(y_true, y_pred), axis=axis))


def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Quadratic for ``|error| <= delta``, linear beyond; mean over the last axis."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    delta = _ops.to_tensor(delta, y_pred.dtype)
    error = m.subtract(y_pred, y_true)
    abs_error = m.abs(error)
    half = _ops.to_tensor(0.5, abs_error.dtype)
    return m.reduce_mean(m.where(m.less_equal(abs_error, delta),
                                 m.multiply(half, m.square(error)),
                                 m.subtract(m.multiply(delta, abs_error), m.multiply(half, m.square(delta)))),
                         axis=-1)


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed as ``x + softplus(-2x) - log 2``."""
    from ...ops import nn_ops
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    log2 = m.log(_ops.to_tensor(2.0, y_pred.dtype))
    x = m.subtract(y_pred, y_true)
    return m.reduce_mean(m.subtract(m.add(x, nn_ops.softplus(m.multiply(x, -2.0))), log2), axis=-1)


def convert_binary_labels_to_hinge(y_true: Any) -> Any:
    """Map {0, 1} labels to {-1, 1} (labels that are not all 0/1 stay as they are)."""
    is_binary = m.reduce_all(m.logical_or(m.equal(y_true, 0), m.equal(y_true, 1)))
    return m.where(is_binary, m.subtract(m.multiply(2.0, y_true), 1.0), y_true)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)`` with {0,1} labels mapped to {-1,1}."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = convert_binary_labels_to_hinge(_ops.cast(y_true, y_pred.dtype))
    return m.reduce_mean(m.maximum(m.subtract(1.0, m.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = convert_binary_labels_to_hinge(_ops.cast(y_true, y_pred.dtype))
    return m.reduce_mean(m.square(m.maximum(m.subtract(1.0, m.multiply(y_true, y_pred)), 0.0)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    pos = m.reduce_sum(m.multiply(y_true, y_pred), axis=-1)
    neg = m.reduce_max(m.multiply(m.subtract(1.0, y_true), y_pred), axis=-1)
    return m.maximum(m.add(m.subtract(neg, pos), 1.0), _ops.to_tensor(0.0, y_pred.dtype))


def kl_divergence(y_true: Any, y_pred: Any) -> Any:
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` on values clipped to ``[epsilon, 1]``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    eps = backend.epsilon()
    y_true = m.clip_by_value(y_true, eps, 1.0)
    y_pred = m.clip_by_value(y_pred, eps, 1.0)
    return m.reduce_sum(m.multiply(y_true, m.log(m.divide(y_true, y_pred))), axis=-1)


def poisson(y_true: Any, y_pred: Any) -> Any:
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.to_tensor(y_true, y_pred.dtype)
    eps = _ops.to_tensor(backend.epsilon(), y_pred.dtype)
    return m.reduce_mean(m.subtract(y_pred, m.multiply(y_true, m.log(m.add(y_pred, eps)))), axis=-1)


def _check_axis(axis: Any) -> None:
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")


def _smooth_categorical(y_true: Any, y_pred: Any, label_smoothing: float) -> Any:
    if label_smoothing:
        num_classes = _ops.to_tensor(float(_ops.shape(y_true)[-1]), y_pred.dtype)
        y_true = m.add(m.multiply(y_true, 1.0 - label_smoothing), m.divide(label_smoothing, num_classes))
    return y_true


def _warn_one_class(fn_name: str, y_pred: Any) -> None:
    if _ops.rank(y_pred) and _ops.shape(y_pred)[-1] == 1:
        warnings.warn(f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
                      f"num_classes > 1. Received: y_pred.shape={tuple(y_pred.shape)}. Consider using "
                      "'binary_crossentropy' if you only have 2 classes.", SyntaxWarning, stacklevel=3)


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                             axis: int = -1) -> Any:
    """Cross-entropy against one-hot (or soft) targets along ``axis``."""
    _check_axis(axis)
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    _warn_one_class("categorical_crossentropy", y_pred)
    y_true = _smooth_categorical(y_true, y_pred, label_smoothing)
    return _ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def categorical_focal_crossentropy(y_true: Any, y_pred: Any, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1) -> Any:
    """Focal cross-entropy: ``alpha * (1 - p)^gamma * cross-entropy``, summed over ``axis``."""
    from ...ops import nn_ops
    _check_axis(axis)
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    _warn_one_class("categorical_focal_crossentropy", y_pred)
    y_true = _smooth_categorical(y_true, y_pred, label_smoothing)
    if from_logits:
        y_pred = nn_ops.softmax(y_pred, axis=axis)
    output = m.divide(y_pred, m.reduce_sum(y_pred, axis=axis, keepdims=True))
    eps = backend.epsilon()
    output = m.clip_by_value(output, eps, 1.0 - eps)
    cce = m.multiply(m.negative(y_true), m.log(output))
    modulating_factor = m.pow(m.subtract(1.0, output), gamma)
    weighting_factor = m.multiply(modulating_factor, alpha)
    return m.reduce_sum(m.multiply(weighting_factor, cce), axis=axis)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1) -> Any:
    """Cross-entropy against integer class ids; ``ignore_class`` entries score 0 and are masked."""
    y_true = _ops.to_tensor(y_true)
    y_pred = _ops.to_tensor(y_pred)
    if _ops.rank(y_true) == _ops.rank(y_pred) and _ops.shape(y_true)[axis] == 1:
        y_true = _ops.squeeze(y_true, axis)
    valid_mask = None
    if ignore_class is not None:
        class_axis = _ops.canonicalize_axis(axis, _ops.rank(y_pred))
        res_shape = [d for i, d in enumerate(_ops.shape(y_pred)) if i != class_axis]
        valid_mask = m.not_equal(_ops.cast(y_true, y_pred.dtype), _ops.to_tensor(float(ignore_class), y_pred.dtype))
        y_true = m.where(valid_mask, y_true, 0)
        y_pred = m.where(_ops.expand_dims(valid_mask, axis), y_pred, 0.0)
    res = _ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    if valid_mask is not None:
        from ...ops import array_ops
        valid_mask = array_ops.reshape(valid_mask, res_shape)
        res = m.where(valid_mask, res, 0.0)
        _ops.set_keras_mask(res, valid_mask)
    return res


def binary_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False, label_smoothing: float = 0.0,
                        axis: int = -1) -> Any:
    """Element-wise binary cross-entropy, averaged over ``axis``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = m.add(m.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return m.reduce_mean(_ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(y_true: Any, y_pred: Any, apply_class_balancing: bool = False, alpha: float = 0.25,
                              gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                              axis: int = -1) -> Any:
    """Binary cross-entropy scaled by ``(1 - p_t)^gamma`` (optionally class-balanced by ``alpha``)."""
    from .. import activations
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    if label_smoothing:
        y_true = m.add(m.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    if from_logits:
        y_pred = activations.sigmoid(y_pred)
    bce = _ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = m.add(m.multiply(y_true, y_pred), m.multiply(m.subtract(1.0, y_true), m.subtract(1.0, y_pred)))
    focal_bce = m.multiply(m.pow(m.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = m.add(m.multiply(y_true, alpha), m.multiply(m.subtract(1.0, y_true), 1.0 - alpha))
        focal_bce = m.multiply(weight, focal_bce)
    return m.reduce_mean(focal_bce, axis=axis)


def dice(y_true: Any, y_pred: Any, axis: Any = None) -> Any:
    """``1 - 2·sum(y_true·y_pred) / (sum(y_true) + sum(y_pred) + epsilon)``."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    intersection = m.reduce_sum(m.multiply(y_true, y_pred), axis=axis)
    denom = m.add(m.add(m.reduce_sum(y_true, axis=axis), m.reduce_sum(y_pred, axis=axis)), backend.epsilon())
    return m.subtract(1.0, m.divide(m.multiply(2.0, intersection), denom))


def tversky(y_true: Any, y_pred: Any, alpha: float = 0.5, beta: float = 0.5, axis: Any = None) -> Any:
    """``1 - TP / (TP + alpha·FP + beta·FN + epsilon)`` on soft counts."""
    y_pred = _ops.to_tensor(y_pred)
    y_true = _ops.cast(y_true, y_pred.dtype)
    intersection = m.reduce_sum(m.multiply(y_true, y_pred), axis=axis)
    fp = m.reduce_sum(m.multiply(m.subtract(1.0, y_pred), y_true), axis=axis)
    fn = m.reduce_sum(m.multiply(y_pred, m.subtract(1.0, y_true)), axis=axis)
    denom = m.add(m.add(m.add(intersection, m.multiply(fp, alpha)), m.multiply(fn, beta)), backend.epsilon())
    return m.subtract(1.0, m.divide(intersection, denom))


# ---------------------------------------------------------------------------
# Classes
class MeanSquaredError(_Simple):
    """Mean of squares of errors between labels and predictions."""
    _fn = staticmethod(mean_squared_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_error",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(_Simple):
    """Mean of absolute differences between labels and predictions."""
    _fn = staticmethod(mean_absolute_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_error",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Simple):
    """Mean absolute percentage error."""
    _fn = staticmethod(mean_absolute_percentage_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_percentage_error",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Simple):
    """Mean squared logarithmic error."""
    _fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_logarithmic_error",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class LogCosh(_Simple):
    """Logarithm of the hyperbolic cosine of the prediction error."""
    _fn = staticmethod(log_cosh)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "log_cosh", dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Hinge(_Simple):
    """Hinge loss (labels in {-1, 1}; {0, 1} are converted)."""
    _fn = staticmethod(hinge)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "hinge", dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_Simple):
    """Squared hinge loss."""
    _fn = staticmethod(squared_hinge)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "squared_hinge",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_Simple):
    """Categorical hinge loss."""
    _fn = staticmethod(categorical_hinge)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "categorical_hinge",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class KLDivergence(_Simple):
    """Kullback-Leibler divergence."""
    _fn = staticmethod(kl_divergence)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "kl_divergence",
                 dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Poisson(_Simple):
    """Poisson loss."""
    _fn = staticmethod(poisson)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "poisson", dtype: Any = None) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis``."""

    def __init__(self, axis: int = -1, reduction: Any = "sum_over_batch_size", name: str = "cosine_similarity",
                 dtype: Any = None) -> None:
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class Huber(LossFunctionWrapper):
    """Huber loss with threshold ``delta``."""

    def __init__(self, delta: float = 1.0, reduction: Any = "sum_over_batch_size", name: str = "huber_loss",
                 dtype: Any = None) -> None:
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self) -> dict:
        return Loss.get_config(self)


class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy (probabilities, or logits with ``from_logits=True``)."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "binary_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(binary_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing, "axis": self.axis})
        return config


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary focal cross-entropy."""

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "binary_focal_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(binary_focal_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing, "axis": self.axis,
                       "apply_class_balancing": self.apply_class_balancing, "alpha": self.alpha,
                       "gamma": self.gamma})
        return config


class CategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy against one-hot targets."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "categorical_crossentropy",
                 dtype: Any = None) -> None:
        super().__init__(categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing, "axis": self.axis})
        return config


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """Categorical focal cross-entropy."""

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: Any = "sum_over_batch_size",
                 name: str = "categorical_focal_crossentropy", dtype: Any = None) -> None:
        super().__init__(categorical_focal_crossentropy, name=name, reduction=reduction, dtype=dtype, alpha=alpha,
                         gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self.alpha = alpha
        self.gamma = gamma

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "label_smoothing": self.label_smoothing, "axis": self.axis,
                       "alpha": self.alpha, "gamma": self.gamma})
        return config


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Categorical cross-entropy against integer class ids."""

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None,
                 reduction: Any = "sum_over_batch_size", axis: int = -1,
                 name: str = "sparse_categorical_crossentropy", dtype: Any = None) -> None:
        super().__init__(sparse_categorical_crossentropy, name=name, reduction=reduction, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"from_logits": self.from_logits, "ignore_class": self.ignore_class})
        return config


class Dice(LossFunctionWrapper):
    """Dice loss (``1 - Dice coefficient``)."""

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "dice", axis: Any = None,
                 dtype: Any = None) -> None:
        super().__init__(dice, name=name, reduction=reduction, dtype=dtype, axis=axis)
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"axis": self.axis})
        return config


class Tversky(LossFunctionWrapper):
    """Tversky loss (``alpha``/``beta`` weigh false positives/negatives)."""

    def __init__(self, alpha: float = 0.5, beta: float = 0.5, reduction: Any = "sum_over_batch_size",
                 name: str = "tversky", axis: Any = None, dtype: Any = None) -> None:
        super().__init__(tversky, name=name, reduction=reduction, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({"alpha": self.alpha, "beta": self.beta, "axis": self.axis})
        return config


# Keras 2 / tf.keras spellings still met in saved configs.
logcosh = log_cosh
huber_loss = huber
kld = kl_divergence
kullback_leibler_divergence = kl_divergence
