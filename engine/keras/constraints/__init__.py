"""Weight constraints applied after each optimizer update."""
from __future__ import annotations

from typing import Any

from ...ops import math_ops as _m

__all__ = ["Constraint", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "get", "serialize", "deserialize"]


class Constraint:
    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        from ..saving.config_utils import known_kwargs
        return cls(**known_kwargs(cls, config))


class MaxNorm(Constraint):
    def __init__(self, max_value: float = 2, axis: int = 0) -> None:
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Any) -> Any:
        norms = _m.sqrt(_m.reduce_sum(_m.square(w), axis=self.axis, keepdims=True))
        desired = _m.clip_by_value(norms, 0.0, float(self.max_value))
        return _m.multiply(w, _m.divide(desired, _m.add(norms, 1e-7)))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    def __call__(self, w: Any) -> Any:
        return _m.maximum(w, 0.0)


class UnitNorm(Constraint):
    def __init__(self, axis: int = 0) -> None:
        self.axis = axis

    def __call__(self, w: Any) -> Any:
        return _m.divide(w, _m.add(_m.sqrt(_m.reduce_sum(_m.square(w), axis=self.axis, keepdims=True)), 1e-7))

    def get_config(self) -> dict:
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int = 0) -> None:
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Any) -> Any:
        norms = _m.sqrt(_m.reduce_sum(_m.square(w), axis=self.axis, keepdims=True))
        desired = _m.add(_m.multiply(self.rate, _m.clip_by_value(norms, float(self.min_value), float(self.max_value))),
                         _m.multiply(1.0 - self.rate, norms))
        return _m.multiply(w, _m.divide(desired, _m.add(norms, 1e-7)))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


_CLASSES = {"MaxNorm": MaxNorm, "NonNeg": NonNeg, "UnitNorm": UnitNorm, "MinMaxNorm": MinMaxNorm,
            "max_norm": MaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm}


def get(identifier: Any) -> Any:
    if identifier is None or isinstance(identifier, Constraint) or callable(identifier) and not isinstance(identifier, (str, dict)):
        return identifier
    if isinstance(identifier, str) and identifier in _CLASSES:
        return _CLASSES[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _CLASSES:
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config") or {})
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


def serialize(c: Any) -> Any:
    if c is None:
        return None
    return {"module": "keras.constraints", "class_name": type(c).__name__, "config": c.get_config(),
            "registered_name": None}


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    return get(config)
