"""``keras.metrics``: metric classes, metric functions, and ``get``/``serialize``/``deserialize``."""
from __future__ import annotations

import inspect
from typing import Any

from .. import backend
from ..losses._serialization import deserialize_keras_object, serialize_keras_object
from ..losses.losses import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,  # noqa: F401
                             categorical_focal_crossentropy, categorical_hinge, hinge, huber, kl_divergence,
                             log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                             mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy,
                             squared_hinge)
from .accuracy_metrics import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                               SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, binary_accuracy,
                               categorical_accuracy, sparse_categorical_accuracy, sparse_top_k_categorical_accuracy,
                               top_k_categorical_accuracy)
from .confusion_metrics import (AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
                                RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives,
                                TruePositives)
from .hinge_metrics import CategoricalHinge, Hinge, SquaredHinge
from .metric import Metric
from .probabilistic_metrics import (BinaryCrossentropy, CategoricalCrossentropy, KLDivergence, Poisson,
                                    SparseCategoricalCrossentropy)
from .reduction_metrics import Mean, MeanMetricWrapper, Sum
from .regression_metrics import (CosineSimilarity, LogCoshError, MeanAbsoluteError, MeanAbsolutePercentageError,
                                 MeanSquaredError, MeanSquaredLogarithmicError, R2Score, RootMeanSquaredError)

ALL_OBJECTS = {
    Metric, Mean, Sum, MeanMetricWrapper,
    MeanSquaredError, RootMeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, LogCoshError, R2Score,
    AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall, RecallAtPrecision,
    SensitivityAtSpecificity, SpecificityAtSensitivity, TrueNegatives, TruePositives,
    Hinge, SquaredHinge, CategoricalHinge,
    KLDivergence, Poisson, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy,
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
}

ALL_OBJECTS_DICT: dict[str, Any] = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({backend.to_snake_case(cls.__name__): cls for cls in ALL_OBJECTS})
ALL_OBJECTS_DICT.update({
    "bce": BinaryCrossentropy, "BCE": BinaryCrossentropy,
    "mse": MeanSquaredError, "MSE": MeanSquaredError,
    "mae": MeanAbsoluteError, "MAE": MeanAbsoluteError,
    "mape": MeanAbsolutePercentageError, "MAPE": MeanAbsolutePercentageError,
    "msle": MeanSquaredLogarithmicError, "MSLE": MeanSquaredLogarithmicError,
})
# Functions (what ``serialize`` writes for a metric function, and what ``deserialize`` must find).
_FUNCTIONS = {fn.__name__: fn for fn in (
    binary_accuracy, categorical_accuracy, sparse_categorical_accuracy, top_k_categorical_accuracy,
    sparse_top_k_categorical_accuracy, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, sparse_categorical_crossentropy, categorical_hinge, hinge, squared_hinge, huber,
    kl_divergence, log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
    mean_squared_logarithmic_error, poisson)}

__all__ = sorted({c.__name__ for c in ALL_OBJECTS} | set(_FUNCTIONS) | {"get", "serialize", "deserialize"})


def serialize(metric: Any) -> Any:
    """A ``Metric`` instance or metric function as a Keras 3 config dict."""
    return serialize_keras_object(metric, "keras.metrics")


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """A metric instance or function from a name or a config dict."""
    if isinstance(config, dict) and config.get("class_name") == "function":
        return deserialize_keras_object(config, {**ALL_OBJECTS_DICT, **_FUNCTIONS}, custom_objects, kind="metric")
    return deserialize_keras_object(config, ALL_OBJECTS_DICT, custom_objects, kind="metric")


def get(identifier: Any) -> Any:
    """A metric: from None, a name (``"accuracy"``, ``"mse"``, ``"AUC"``), a config dict, a class or a callable.

    Names give a fresh default instance (``"mse"`` → ``MeanSquaredError()``), as in Keras.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = ALL_OBJECTS_DICT.get(identifier, None)
    else:
        obj = identifier
    if callable(obj):
        if inspect.isclass(obj):
            obj = obj()
        return obj
    raise ValueError(f"Could not interpret metric identifier: {identifier}")
