"""Keras activations by name (``keras.activations.get("relu")``)."""
from __future__ import annotations

from typing import Any, Callable

from ... import nn as _nn
from ...ops import math_ops as _m

__all__ = ["relu", "relu6", "sigmoid", "softmax", "log_softmax", "tanh", "linear", "elu", "selu",
           "softplus", "softsign", "swish", "silu", "gelu", "exponential", "hard_sigmoid",
           "hard_silu", "hard_swish", "leaky_relu", "mish", "get", "serialize", "deserialize"]


def relu(x: Any, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Any:
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _nn.relu(x)
    y = _m.where(_m.greater_equal(x, threshold), x, _m.multiply(negative_slope, _m.subtract(x, threshold)))
    if max_value is not None:
        y = _m.minimum(y, max_value)
    return y


def relu6(x: Any) -> Any:
    return _nn.relu6(x)


def sigmoid(x: Any) -> Any:
    y = _m.sigmoid(x)
    y._keras_logits = x  # lets losses take the stable fused path (as Keras does)
    return y


def softmax(x: Any, axis: int = -1) -> Any:
    y = _nn.softmax(x, axis=axis)
    y._keras_logits = x
    return y


def log_softmax(x: Any, axis: int = -1) -> Any:
    return _nn.log_softmax(x, axis=axis)


def tanh(x: Any) -> Any:
    return _m.tanh(x)


def linear(x: Any) -> Any:
    return x


def elu(x: Any, alpha: float = 1.0) -> Any:
    y = _nn.elu(x)
    return y if alpha == 1.0 else _m.where(_m.greater(x, 0.0), y, _m.multiply(alpha, y))


def selu(x: Any) -> Any:
    return _nn.selu(x)


def softplus(x: Any) -> Any:
    return _nn.softplus(x)


def softsign(x: Any) -> Any:
    return _nn.softsign(x)


def silu(x: Any) -> Any:
    return _nn.silu(x)


swish = silu


def gelu(x: Any, approximate: bool = False) -> Any:
    return _nn.gelu(x, approximate=approximate)


def exponential(x: Any) -> Any:
    return _m.exp(x)


def hard_sigmoid(x: Any) -> Any:
    """Keras 3: relu6(x + 3) / 6."""
    return _m.divide(_nn.relu6(_m.add(x, 3.0)), 6.0)


def hard_silu(x: Any) -> Any:
    return _m.multiply(x, hard_sigmoid(x))


hard_swish = hard_silu


def leaky_relu(x: Any, negative_slope: float = 0.2) -> Any:
    return _nn.leaky_relu(x, alpha=negative_slope)


def mish(x: Any) -> Any:
    return _m.multiply(x, _m.tanh(_nn.softplus(x)))


_BY_NAME: dict[str, Callable] = {n: globals()[n] for n in __all__ if n not in ("get", "serialize", "deserialize")}


def get(identifier: Any) -> Callable:
    """A callable for a name, None (linear), a callable, or a serialized dict."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        identifier = identifier.get("config", identifier.get("class_name"))
        if isinstance(identifier, dict):
            identifier = identifier.get("name")
    if isinstance(identifier, str):
        fn = _BY_NAME.get(identifier)
        if fn is None:
            raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")
        return fn
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation: Callable) -> Any:
    name = getattr(activation, "__name__", None)
    for key, fn in _BY_NAME.items():
        if fn is activation:
            return "swish" if key == "swish" else key if key != "silu" else "silu"
    return name


def deserialize(config: Any, custom_objects: dict | None = None) -> Callable:
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return get(config)
