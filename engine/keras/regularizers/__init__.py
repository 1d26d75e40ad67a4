"""Weight regularizers (``L1``, ``L2``, ``L1L2``): a penalty added to the model's losses."""
from __future__ import annotations

from typing import Any

from ...ops import math_ops as _m

__all__ = ["Regularizer", "L1", "L2", "L1L2", "l1", "l2", "l1_l2", "get", "serialize", "deserialize"]


class Regularizer:
    def __call__(self, x: Any) -> Any:
        return 0.0

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        from ..saving.config_utils import known_kwargs
        return cls(**known_kwargs(cls, config))


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x²)``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0) -> None:
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x: Any) -> Any:
        total = None
        if self.l1:
            total = _m.multiply(self.l1, _m.reduce_sum(_m.abs(x)))
        if self.l2:
            t = _m.multiply(self.l2, _m.reduce_sum(_m.square(x)))
            total = t if total is None else _m.add(total, t)
        return total if total is not None else _m.reduce_sum(_m.multiply(x, 0.0))

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    def __init__(self, l1: float = 0.01) -> None:
        super().__init__(l1=l1)

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    def __init__(self, l2: float = 0.01) -> None:
        super().__init__(l2=l2)

    def get_config(self) -> dict:
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2
_CLASSES = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": L1L2}


def get(identifier: Any) -> Any:
    if identifier is None or isinstance(identifier, Regularizer) or callable(identifier) and not isinstance(identifier, (str, dict)):
        return identifier
    if isinstance(identifier, str):
        if identifier not in _CLASSES:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
        return _CLASSES[identifier]()
    if isinstance(identifier, dict):
        cls = _CLASSES.get(identifier.get("class_name"))
        if cls is None:
            raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")
        return cls.from_config(identifier.get("config") or {})
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


def serialize(reg: Any) -> Any:
    if reg is None:
        return None
    return {"module": "keras.regularizers", "class_name": type(reg).__name__, "config": reg.get_config(),
            "registered_name": None}


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    return get(config)
