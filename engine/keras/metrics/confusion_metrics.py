"""Confusion-matrix metrics: TP/FP/TN/FN counts, Precision, Recall, AUC and the *AtX family
(``keras/src/metrics/confusion_metrics.py``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...ops import creation_ops, math_ops as m
from .. import activations, backend
from ..losses import _ops
from . import _kernels, metrics_utils
from .metric import Metric
from .metrics_utils import ConfusionMatrix


def _zeros(shape: Any) -> Any:
    return creation_ops.zeros(tuple(shape), dtype="float32")


class _ConfusionMatrixConditionCount(Metric):
    """Weighted count of one confusion-matrix cell at one or more thresholds."""

    def __init__(self, confusion_matrix_cond: ConfusionMatrix, thresholds: Any = None, name: str | None = None,
                 dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), initializer="zeros", name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        metrics_utils.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator}, y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly, sample_weight=sample_weight)

    def result(self) -> Any:
        if len(self.thresholds) == 1:
            return _kernels.getitem(self.accumulator.value(), 0)
        return self.accumulator.value()

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted number of false positives (``y_pred > threshold`` on a negative label)."""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(ConfusionMatrix.FALSE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted number of false negatives."""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(ConfusionMatrix.FALSE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted number of true negatives."""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(ConfusionMatrix.TRUE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted number of true positives."""

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None) -> None:
        super().__init__(ConfusionMatrix.TRUE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionRecall(Metric):
    """Shared state of Precision and Recall: true positives and one error count per threshold."""

    _other: ConfusionMatrix
    _other_name: str

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros", name="true_positives")
        setattr(self, self._other_name, self.add_variable(shape=(n,), initializer="zeros", name=self._other_name))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        metrics_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives, self._other: getattr(self, self._other_name)},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly, top_k=self.top_k,
            class_id=self.class_id, sample_weight=sample_weight)

    def result(self) -> Any:
        tp = self.true_positives.value()
        result = m.div_no_nan(tp, m.add(tp, getattr(self, self._other_name).value()))
        return _kernels.getitem(result, 0) if len(self.thresholds) == 1 else result

    def reset_state(self) -> None:
        n = len(metrics_utils.to_list(self.thresholds))
        self.true_positives.assign(_zeros((n,)))
        getattr(self, self._other_name).assign(_zeros((n,)))

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k,
                "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """``TP / (TP + FP)`` at each threshold (optionally restricted to ``top_k`` or one ``class_id``)."""

    _other = ConfusionMatrix.FALSE_POSITIVES
    _other_name = "false_positives"


class Recall(_PrecisionRecall):
    """``TP / (TP + FN)`` at each threshold (optionally restricted to ``top_k`` or one ``class_id``)."""

    _other = ConfusionMatrix.FALSE_NEGATIVES
    _other_name = "false_negatives"


class SensitivitySpecificityBase(Metric):
    """All four confusion counts over ``num_thresholds`` evenly spaced thresholds."""

    def __init__(self, value: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}")
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        n = len(self.thresholds)
        self.true_positives = self.add_variable(shape=(n,), initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=(n,), initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=(n,), initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=(n,), initializer="zeros", name="false_negatives")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        metrics_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives, ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
             ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
             ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly, class_id=self.class_id,
            sample_weight=sample_weight)

    def reset_state(self) -> None:
        n = len(self.thresholds)
        for v in (self.true_positives, self.false_positives, self.true_negatives, self.false_negatives):
            v.assign(_zeros((n,)))

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id}

    def _rates(self) -> tuple:
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        sensitivity = m.div_no_nan(tp, m.add(tp, fn))
        specificity = m.div_no_nan(tn, m.add(tn, fp))
        precision = m.div_no_nan(tp, m.add(tp, fp))
        return sensitivity, specificity, precision

    def _find_max_under_constraint(self, constrained: Any, dependent: Any) -> Any:
        feasible = m.greater_equal(constrained, self.value)
        return m.maximum(m.reduce_max(m.where(feasible, dependent, 0.0)), 0.0)


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """Best sensitivity (recall) where specificity ≥ ``specificity``."""

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        if specificity < 0 or specificity > 1:
            raise ValueError(f"Argument `specificity` must be in the range [0, 1]. Received: specificity={specificity}")
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        sensitivity, specificity, _ = self._rates()
        return self._find_max_under_constraint(specificity, sensitivity)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "specificity": self.specificity}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """Best specificity where sensitivity ≥ ``sensitivity``."""

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        if sensitivity < 0 or sensitivity > 1:
            raise ValueError(f"Argument `sensitivity` must be in the range [0, 1]. Received: sensitivity={sensitivity}")
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        sensitivity, specificity, _ = self._rates()
        return self._find_max_under_constraint(sensitivity, specificity)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """Best precision where recall ≥ ``recall``."""

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        if recall < 0 or recall > 1:
            raise ValueError(f"Argument `recall` must be in the range [0, 1]. Received: recall={recall}")
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        recall, _, precision = self._rates()
        return self._find_max_under_constraint(recall, precision)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "recall": self.recall}


class RecallAtPrecision(SensitivitySpecificityBase):
    """Best recall where precision ≥ ``precision``."""

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None) -> None:
        if precision < 0 or precision > 1:
            raise ValueError(f"Argument `precision` must be in the range [0, 1]. Received: precision={precision}")
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self) -> Any:
        recall, _, precision = self._rates()
        return self._find_max_under_constraint(precision, recall)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "precision": self.precision}


class AUC(Metric):
    """Area under the ROC or PR curve, by a Riemann sum over ``num_thresholds`` thresholds."""

    def __init__(self, num_thresholds: int = 200, curve: Any = "ROC", summation_method: Any = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None, from_logits: bool = False) -> None:
        self._direction = "up"
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0]))
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: "
                                 f"num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = backend.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        self.curve = curve if isinstance(curve, metrics_utils.AUCCurve) else metrics_utils.AUCCurve.from_str(curve)
        self.summation_method = (summation_method if isinstance(summation_method, metrics_utils.AUCSummationMethod)
                                 else metrics_utils.AUCSummationMethod.from_str(summation_method))
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        # A tensor, as Keras keeps it (its config then serializes as a ``__tensor__`` dict).
        self.label_weights = _ops.to_tensor(np.asarray(label_weights), self.dtype) if label_weights is not None else None
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self) -> list:
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                                 f"Full shape received for `y_pred`: {shape}")
            self._num_labels = int(shape[1])
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        self.true_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self._built:
            self._build(tuple(y_pred.shape))
        label_weights = None if self.multi_label else self.label_weights
        if self._from_logits:
            y_pred = activations.sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {ConfusionMatrix.TRUE_POSITIVES: self.true_positives, ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
             ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
             ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives},
            y_true, y_pred, self._thresholds, thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight, multi_label=self.multi_label, label_weights=label_weights)

    def _by_label(self, terms: Any) -> Any:
        if not self.multi_label:
            return m.reduce_sum(terms)
        by_label_auc = m.reduce_sum(terms, axis=0)
        if self.label_weights is None:
            return m.reduce_mean(by_label_auc)
        lw = self.label_weights
        return m.div_no_nan(m.reduce_sum(m.multiply(by_label_auc, lw)), m.reduce_sum(lw))

    def interpolate_pr_auc(self) -> Any:
        """PR-AUC by interpolating true/false positives between thresholds (Davis & Goadrich, 2006)."""
        n = self.num_thresholds
        head, tail = (slice(None, n - 1),), (slice(1, None),)
        tp = self.true_positives.value()
        p = m.add(tp, self.false_positives.value())
        fn = self.false_negatives.value()
        tp_head, tp_tail = _kernels.getitem(tp, head), _kernels.getitem(tp, tail)
        p_head, p_tail = _kernels.getitem(p, head), _kernels.getitem(p, tail)
        dtp = m.subtract(tp_head, tp_tail)
        dp = m.subtract(p_head, p_tail)
        prec_slope = m.div_no_nan(dtp, m.maximum(dp, 0.0))
        intercept = m.subtract(tp_tail, m.multiply(prec_slope, p_tail))
        safe_p_ratio = m.where(m.logical_and(m.greater(p_head, 0.0), m.greater(p_tail, 0.0)),
                               m.div_no_nan(p_head, m.maximum(p_tail, 0.0)), creation_ops.ones_like(p_tail))
        pr_auc_increment = m.div_no_nan(
            m.multiply(prec_slope, m.add(dtp, m.multiply(intercept, m.log(safe_p_ratio)))),
            m.maximum(m.add(tp_tail, _kernels.getitem(fn, tail)), 0.0))
        return self._by_label(pr_auc_increment)

    def result(self) -> Any:
        Curve, Summation = metrics_utils.AUCCurve, metrics_utils.AUCSummationMethod
        if self.curve == Curve.PR and self.summation_method == Summation.INTERPOLATION:
            return self.interpolate_pr_auc()
        tp, fp = self.true_positives.value(), self.false_positives.value()
        tn, fn = self.true_negatives.value(), self.false_negatives.value()
        recall = m.div_no_nan(tp, m.add(tp, fn))
        if self.curve == Curve.ROC:
            x, y = m.div_no_nan(fp, m.add(fp, tn)), recall
        elif self.curve == Curve.PR:
            x, y = recall, m.div_no_nan(tp, m.add(tp, fp))
        else:
            scaling_factor = m.div_no_nan(m.add(tp, fn), m.add(tn, fp))
            recall_gain = m.subtract(1.0, m.multiply(scaling_factor, m.div_no_nan(fn, tp)))
            precision_gain = m.subtract(1.0, m.multiply(scaling_factor, m.div_no_nan(fp, tp)))
            recall_gain = m.where(m.equal(tp, 0.0), 0.0, recall_gain)
            precision_gain = m.where(m.equal(tp, 0.0), 1.0, precision_gain)
            x, y = m.maximum(recall_gain, 0.0), precision_gain
        n = self.num_thresholds
        y_head, y_tail = _kernels.getitem(y, (slice(None, n - 1),)), _kernels.getitem(y, (slice(1, None),))
        if self.summation_method == Summation.INTERPOLATION:
            heights = m.divide(m.add(y_head, y_tail), 2.0)
        elif self.summation_method == Summation.MINORING:
            heights = m.minimum(y_head, y_tail)
        else:
            heights = m.maximum(y_head, y_tail)
        x_head, x_tail = _kernels.getitem(x, (slice(None, n - 1),)), _kernels.getitem(x, (slice(1, None),))
        return self._by_label(m.multiply(m.subtract(x_head, x_tail), heights))

    def reset_state(self) -> None:
        if self._built:
            shape = (self.num_thresholds, self._num_labels) if self.multi_label else (self.num_thresholds,)
            for v in (self.true_positives, self.false_positives, self.true_negatives, self.false_negatives):
                v.assign(_zeros(shape))

    def get_config(self) -> dict:
        config = {"num_thresholds": self.num_thresholds, "curve": self.curve.value,
                  "summation_method": self.summation_method.value, "multi_label": self.multi_label,
                  "num_labels": self.num_labels, "label_weights": self.label_weights,
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
