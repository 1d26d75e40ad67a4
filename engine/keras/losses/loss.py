"""The ``Loss`` base class and the weighting/reduction maths of Keras 3 (``keras/src/losses/loss.py``)."""
from __future__ import annotations

from typing import Any

from ...framework import nest
from ...ops import math_ops as m
from .. import backend
from . import _ops

_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


class Loss:
    """Loss base class: ``__call__`` → ``call`` (per-sample values) → masking, weighting, reduction.

    ``reduction`` is ``"sum_over_batch_size"`` (default; same as ``"mean"``: the weighted sum
    divided by the number of elements), ``"sum"``, ``"mean_with_sample_weight"`` (divided by the
    sum of the sample weights) or ``"none"``/``None``.
    """

    def __init__(self, name: str | None = None, reduction: str | None = "sum_over_batch_size",
                 dtype: Any = None) -> None:
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = _dtype_name(dtype or backend.floatx())

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """The reduced (weighted) loss of a batch."""
        in_mask = _ops.get_keras_mask(y_pred)
        y_pred = nest.map_structure(lambda x: _ops.to_tensor(x, self.dtype), y_pred)
        y_true = nest.map_structure(lambda x: _ops.to_tensor(x, self.dtype), y_true)
        losses = self.call(y_true, y_pred)
        out_mask = _ops.get_keras_mask(losses)
        if in_mask is not None and out_mask is not None:
            mask = m.logical_and(_ops.cast(in_mask, "bool"), _ops.cast(out_mask, "bool"))
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(losses, sample_weight=sample_weight, mask=mask,
                                      reduction=self.reduction, dtype=self.dtype)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample loss values; subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `call(y_true, y_pred)`.")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"


def _dtype_name(dtype: Any) -> str:
    """The compute dtype of a dtype or dtype-policy name (``"mixed_float16"`` computes in float16)."""
    if isinstance(dtype, str):
        return dtype[len("mixed_"):] if dtype.startswith("mixed_") else dtype
    name = getattr(dtype, "name", None)
    if isinstance(name, str):
        return name
    policy = getattr(dtype, "compute_dtype", None)
    return str(policy) if policy is not None else str(dtype)


def standardize_reduction(reduction: Any) -> Any:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of {set(_REDUCTIONS)}. "
                         f"Received: reduction={reduction}")
    return reduction


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Squeeze/expand the last dim if the ranks differ by exactly 1 (and that dim is 1)."""
    r1, r2 = len(x1.shape), len(x2.shape)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and int(x1.shape[-1]) == 1:
        if r2 == 1 and expand_rank_1:
            x2 = _ops.expand_dims(x2, -1)
        else:
            x1 = _ops.squeeze(x1, -1)
    if r2 == r1 + 1 and int(x2.shape[-1]) == 1:
        if r1 == 1 and expand_rank_1:
            x1 = _ops.expand_dims(x1, -1)
        else:
            x2 = _ops.squeeze(x2, -1)
    return x1, x2


def _num_elements(values: Any) -> int:
    n = 1
    for d in values.shape:
        n *= int(d)
    return n


def reduce_values(values: Any, sample_weight: Any = None, reduction: Any = "sum_over_batch_size") -> Any:
    shape = tuple(int(d) for d in values.shape)
    if reduction is None or reduction == "none" or shape == () or shape == (0,):
        return values
    loss = m.reduce_sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = _ops.cast(m.reduce_sum(sample_weight), loss.dtype)
        else:
            divisor = _ops.to_tensor(float(_num_elements(values)), loss.dtype)
        loss = m.div_no_nan(loss, divisor)
    return loss


def reduce_weighted_values(values: Any, sample_weight: Any = None, mask: Any = None,
                           reduction: Any = "sum_over_batch_size", dtype: Any = None) -> Any:
    """Merge mask and sample weights, weight the values, reduce (``keras.losses.loss``)."""
    reduction = standardize_reduction(reduction)
    values = _ops.to_tensor(values, dtype)
    if sample_weight is not None:
        sample_weight = _ops.to_tensor(sample_weight, dtype)
    if mask is not None:
        mask = _ops.to_tensor(mask, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = _ops.cast(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = m.multiply(values, sample_weight)
    return reduce_values(values, sample_weight, reduction)


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, reduction: Any) -> Any:
    """Fold a mask into the sample weights (mean reductions reweight by total/valid)."""
    if mask is None:
        return sample_weight
    dtype = _dtype_name(dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = _ops.to_tensor(float(_num_elements(mask)), dtype)
        valid = m.reduce_sum(_ops.cast(mask, dtype))
        mask_weight = m.div_no_nan(total, valid)
        float_mask = m.where(_ops.cast(mask, "bool"), mask_weight, 0.0)
    else:
        float_mask = _ops.cast(mask, dtype)
    if sample_weight is not None:
        sample_weight = _ops.cast(sample_weight, dtype)
        float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
        sample_weight = m.multiply(sample_weight, float_mask)
    else:
        sample_weight = float_mask
    return sample_weight
