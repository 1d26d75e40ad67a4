"""``keras.losses``: loss classes, loss functions, and ``get``/``serialize``/``deserialize``."""
from __future__ import annotations

import inspect
from typing import Any

from ._serialization import deserialize_keras_object, serialize_keras_object
from .loss import Loss, reduce_weighted_values, squeeze_or_expand_to_same_rank  # noqa: F401
from .losses import (BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
                     CategoricalFocalCrossentropy, CategoricalHinge, CosineSimilarity, Dice, Hinge, Huber,
                     KLDivergence, LogCosh, LossFunctionWrapper, MeanAbsoluteError, MeanAbsolutePercentageError,
                     MeanSquaredError, MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy,
                     SquaredHinge, Tversky, binary_crossentropy, binary_focal_crossentropy,
                     categorical_crossentropy, categorical_focal_crossentropy, categorical_hinge,
                     cosine_similarity, dice, hinge, huber, kl_divergence, log_cosh, mean_absolute_error,
                     mean_absolute_percentage_error, mean_squared_error, mean_squared_logarithmic_error, poisson,
                     sparse_categorical_crossentropy, squared_hinge, tversky)

ALL_OBJECTS = {
    Loss, LossFunctionWrapper,
    KLDivergence, Poisson, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy,
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError,
    CosineSimilarity, LogCosh, Huber,
    Hinge, SquaredHinge, CategoricalHinge,
    Dice, Tversky,
    kl_divergence, poisson, binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
    categorical_focal_crossentropy, sparse_categorical_crossentropy,
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error, mean_squared_logarithmic_error,
    cosine_similarity, log_cosh, huber,
    hinge, squared_hinge, categorical_hinge,
    dice, tversky,
}

ALL_OBJECTS_DICT: dict[str, Any] = {obj.__name__: obj for obj in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({
    "bce": binary_crossentropy, "BCE": binary_crossentropy,
    "kld": kl_divergence, "KLD": kl_divergence,
    "mae": mean_absolute_error, "MAE": mean_absolute_error,
    "mse": mean_squared_error, "MSE": mean_squared_error,
    "mape": mean_absolute_percentage_error, "MAPE": mean_absolute_percentage_error,
    "msle": mean_squared_logarithmic_error, "MSLE": mean_squared_logarithmic_error,
    # tf.keras (Keras 2) spellings found in older configs and tfjs models.
    "logcosh": log_cosh, "huber_loss": huber, "kullback_leibler_divergence": kl_divergence,
})

__all__ = sorted({o.__name__ for o in ALL_OBJECTS} | {"get", "serialize", "deserialize"})


def serialize(loss: Any) -> Any:
    """A ``Loss`` instance or loss function as a Keras 3 config dict."""
    return serialize_keras_object(loss, "keras.losses")


def deserialize(name: Any, custom_objects: dict | None = None) -> Any:
    """A loss instance or function from a name or a config dict."""
    return deserialize_keras_object(name, ALL_OBJECTS_DICT, custom_objects, kind="loss")


def get(identifier: Any) -> Any:
    """A loss function or ``Loss`` instance: from None, a name, a config dict, a class or a callable.

    Names of functions (``"mse"``, ``"categorical_crossentropy"``) give the function, class
    names (``"CategoricalCrossentropy"``) a default instance, as in Keras.
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
    raise ValueError(f"Could not interpret loss identifier: {identifier}")
