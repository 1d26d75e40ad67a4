"""Confusion-matrix accumulation shared by Precision/Recall/AUC/... (``keras/src/metrics/metrics_utils.py``)."""
from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np

from ...ops import array_ops, math_ops as m, nn_ops
from .. import backend
from ..losses import _ops
from ..losses.loss import squeeze_or_expand_to_same_rank
from . import _kernels

NEG_INF = -1e10


def to_list(x: Any) -> list:
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return [x]


def assert_thresholds_range(thresholds: Any) -> None:
    if thresholds is not None:
        invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")


def parse_init_thresholds(thresholds: Any, default_threshold: float = 0.5) -> list:
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return to_list(default_threshold if thresholds is None else thresholds)


class ConfusionMatrix(Enum):
    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


class AUCCurve(Enum):
    """Type of AUC curve (ROC, PR or PR-gain)."""
    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key: str) -> "AUCCurve":
        if key in ("pr", "PR"):
            return AUCCurve.PR
        if key in ("roc", "ROC"):
            return AUCCurve.ROC
        if key in ("prgain", "PRGAIN"):
            return AUCCurve.PRGAIN
        raise ValueError(f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"]')


class AUCSummationMethod(Enum):
    """Riemann summation of the AUC: interpolation, majoring or minoring."""
    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key: str) -> "AUCSummationMethod":
        if key in ("interpolation", "Interpolation"):
            return AUCSummationMethod.INTERPOLATION
        if key in ("majoring", "Majoring"):
            return AUCSummationMethod.MAJORING
        if key in ("minoring", "Minoring"):
            return AUCSummationMethod.MINORING
        raise ValueError(f'Invalid AUC summation method value: "{key}". '
                         'Expected values are ["interpolation", "majoring", "minoring"]')


def is_evenly_distributed_thresholds(thresholds: Any) -> bool:
    """True for ≥3 thresholds equal to ``arange(n) / (n - 1)`` (within epsilon)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=backend.epsilon()))


def _filter_top_k(x: Any, k: int) -> Any:
    """Keep the top-k values of the last axis and set the rest to ``NEG_INF``."""
    mask = _kernels.top_k_mask(x, k)
    return m.add(m.multiply(x, mask), m.multiply(NEG_INF, m.subtract(1.0, mask)))


def _add(variable: Any, delta: Any) -> None:
    variable.assign(m.add(variable, _ops.cast(delta, variable.dtype)))


def _update_optimized(variables_to_update: dict, y_true: Any, y_pred: Any, num_thresholds: int,
                      multi_label: bool = False, sample_weights: Any = None, label_weights: Any = None,
                      thresholds_with_epsilon: bool = False) -> None:
    """Bucket predictions into evenly spaced thresholds and take reverse cumulative sums: O(T + N)."""
    if sample_weights is None:
        sample_weights = 1.0
    else:
        sample_weights = array_ops.broadcast_to(_ops.cast(sample_weights, y_pred.dtype), _ops.shape(y_pred))
        if not multi_label:
            sample_weights = array_ops.reshape(sample_weights, [-1])
    if label_weights is None:
        label_weights = 1.0
    else:
        label_weights = _ops.expand_dims(_ops.to_tensor(label_weights, y_pred.dtype), 0)
        label_weights = array_ops.broadcast_to(label_weights, _ops.shape(y_pred))
        if not multi_label:
            label_weights = array_ops.reshape(label_weights, [-1])
    weights = _ops.cast(m.multiply(_ops.to_tensor(sample_weights, y_pred.dtype), label_weights), y_true.dtype)
    y_pred = m.clip_by_value(y_pred, 0.0, 1.0)
    y_true = _ops.cast(_ops.cast(y_true, "bool"), y_true.dtype)
    if not multi_label:
        y_true = array_ops.reshape(y_true, [-1])
        y_pred = array_ops.reshape(y_pred, [-1])
    true_labels = m.multiply(y_true, weights)
    false_labels = m.multiply(m.subtract(1.0, y_true), weights)
    bucket_indices = m.subtract(m.ceil(m.multiply(y_pred, float(num_thresholds - 1))), 1.0)
    if thresholds_with_epsilon:
        bucket_indices = nn_ops.relu(bucket_indices)
    bucket_indices = _ops.cast(bucket_indices, "int32")
    if multi_label:
        true_labels = array_ops.transpose(true_labels)
        false_labels = array_ops.transpose(false_labels)
        bucket_indices = array_ops.transpose(bucket_indices)
        tp = array_ops.transpose(m.cumsum(_kernels.segment_sum(true_labels, bucket_indices, num_thresholds),
                                          axis=1, reverse=True))
        fp = array_ops.transpose(m.cumsum(_kernels.segment_sum(false_labels, bucket_indices, num_thresholds),
                                          axis=1, reverse=True))
    else:
        tp = m.cumsum(_kernels.segment_sum(true_labels, bucket_indices, num_thresholds), reverse=True)
        fp = m.cumsum(_kernels.segment_sum(false_labels, bucket_indices, num_thresholds), reverse=True)
    if ConfusionMatrix.TRUE_NEGATIVES in variables_to_update or ConfusionMatrix.FALSE_NEGATIVES in variables_to_update:
        axis = 1 if multi_label else None
        total_true_labels = m.reduce_sum(true_labels, axis=axis)
        total_false_labels = m.reduce_sum(false_labels, axis=axis)
    if ConfusionMatrix.TRUE_POSITIVES in variables_to_update:
        _add(variables_to_update[ConfusionMatrix.TRUE_POSITIVES], tp)
    if ConfusionMatrix.FALSE_POSITIVES in variables_to_update:
        _add(variables_to_update[ConfusionMatrix.FALSE_POSITIVES], fp)
    if ConfusionMatrix.TRUE_NEGATIVES in variables_to_update:
        _add(variables_to_update[ConfusionMatrix.TRUE_NEGATIVES], m.subtract(total_false_labels, fp))
    if ConfusionMatrix.FALSE_NEGATIVES in variables_to_update:
        _add(variables_to_update[ConfusionMatrix.FALSE_NEGATIVES], m.subtract(total_true_labels, tp))


def update_confusion_matrix_variables(variables_to_update: dict, y_true: Any, y_pred: Any, thresholds: Any,
                                      top_k: int | None = None, class_id: int | None = None,
                                      sample_weight: Any = None, multi_label: bool = False,
                                      label_weights: Any = None, thresholds_distributed_evenly: bool = False) -> None:
    """Add the weighted TP/FP/TN/FN counts at each threshold (``y_pred > threshold`` is positive)."""
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multilabel data should be handled outside of "
                         "`update_confusion_matrix_variables` when `multi_label` is True.")
    if variables_to_update is None:
        return
    if not any(key in list(ConfusionMatrix) for key in variables_to_update):
        raise ValueError("Please provide at least one valid confusion matrix variable to update. Valid variable "
                         f'key options are: "{list(ConfusionMatrix)}". Received: "{variables_to_update.keys()}"')
    invalid_keys = [key for key in variables_to_update if key not in list(ConfusionMatrix)]
    if invalid_keys:
        raise ValueError(f'Invalid keys: "{invalid_keys}". Valid variable key options are: "{list(ConfusionMatrix)}"')
    variable_dtype = list(variables_to_update.values())[0].dtype.name
    y_true = _ops.cast(_ops.to_tensor(y_true), variable_dtype)
    y_pred = _ops.cast(_ops.to_tensor(y_pred), variable_dtype)
    thresholds_list = to_list(thresholds)
    thresholds_with_epsilon = False
    if thresholds_distributed_evenly:
        thresholds_with_epsilon = thresholds_list[0] < 0.0 or thresholds_list[-1] > 1.0
    num_thresholds = len(thresholds_list)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = _ops.expand_dims(_ops.cast(_ops.to_tensor(sample_weight), variable_dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if _ops.rank(y_pred) == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with shape "
                             f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}")
        y_true = _kernels.getitem(y_true, (Ellipsis, class_id, None))
        y_pred = _kernels.getitem(y_pred, (Ellipsis, class_id, None))
    if thresholds_distributed_evenly:
        return _update_optimized(variables_to_update, y_true, y_pred, num_thresholds, multi_label=multi_label,
                                 sample_weights=sample_weight, label_weights=label_weights,
                                 thresholds_with_epsilon=thresholds_with_epsilon)
    thresholds_t = _ops.to_tensor(np.asarray(thresholds_list, dtype=np.float64), variable_dtype)
    pred_shape = _ops.shape(y_pred)
    if multi_label:
        # (T, N, L): predictions against every threshold, per label.
        preds = _ops.expand_dims(y_pred, 0)
        labels = _ops.expand_dims(_ops.cast(y_true, "bool"), 0)
        thresh = array_ops.reshape(thresholds_t, [num_thresholds, 1, 1])
    else:
        # (T, N*L): everything flattened.
        preds = array_ops.reshape(y_pred, [1, -1])
        labels = array_ops.reshape(_ops.cast(y_true, "bool"), [1, -1])
        thresh = array_ops.reshape(thresholds_t, [num_thresholds, 1])
    pred_is_pos = m.greater(preds, thresh)
    tiled_shape = _ops.shape(pred_is_pos)
    label_is_pos = array_ops.broadcast_to(labels, tiled_shape)
    weights_tiled = None
    if sample_weight is not None:
        sw = array_ops.broadcast_to(_ops.cast(sample_weight, y_pred.dtype), pred_shape)
        weights_tiled = array_ops.reshape(sw, [1] + list(_ops.shape(preds)[1:]))
    if label_weights is not None and not multi_label:
        lw = _ops.expand_dims(_ops.to_tensor(label_weights, y_pred.dtype), 0)
        lw = array_ops.reshape(array_ops.broadcast_to(lw, pred_shape), [1, -1])
        weights_tiled = lw if weights_tiled is None else m.multiply(weights_tiled, lw)

    def weighted_assign_add(label: Any, pred: Any, var: Any) -> None:
        label_and_pred = m.logical_and(label, pred)
        if weights_tiled is not None:
            w = array_ops.broadcast_to(_ops.cast(weights_tiled, var.dtype), tiled_shape)
            result = m.where(label_and_pred, w, 0.0)
        else:
            result = _ops.cast(label_and_pred, var.dtype)
        _add(var, m.reduce_sum(result, axis=1))

    update_tn = ConfusionMatrix.TRUE_NEGATIVES in variables_to_update
    update_fp = ConfusionMatrix.FALSE_POSITIVES in variables_to_update
    update_fn = ConfusionMatrix.FALSE_NEGATIVES in variables_to_update
    loop_vars = {ConfusionMatrix.TRUE_POSITIVES: (label_is_pos, pred_is_pos)}
    if update_fn or update_tn:
        pred_is_neg = m.logical_not(pred_is_pos)
        loop_vars[ConfusionMatrix.FALSE_NEGATIVES] = (label_is_pos, pred_is_neg)
    if update_fp or update_tn:
        label_is_neg = m.logical_not(label_is_pos)
        loop_vars[ConfusionMatrix.FALSE_POSITIVES] = (label_is_neg, pred_is_pos)
        if update_tn:
            loop_vars[ConfusionMatrix.TRUE_NEGATIVES] = (label_is_neg, pred_is_neg)
    for cond, (label, pred) in loop_vars.items():
        if cond in variables_to_update:
            weighted_assign_add(label, pred, variables_to_update[cond])
