"""TensorFlow-style dtypes (``tf.float32`` ...) backed by numpy dtypes."""
from __future__ import annotations

from typing import Any

import numpy as np


class DType:
    """A tensor element type with TensorFlow's public attributes."""

    __slots__ = ("name", "as_numpy_dtype", "_np")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self._np = np.dtype(np_dtype)
        self.as_numpy_dtype = self._np.type

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind == "u"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_complex(self) -> bool:
        return self._np.kind == "c"

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self):
        return np.finfo(self._np).min if self.is_floating else (
            False if self.is_bool else np.iinfo(self._np).min)

    @property
    def max(self):
        return np.finfo(self._np).max if self.is_floating else (
            True if self.is_bool else np.iinfo(self._np).max)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, DType):
            return self._np == other._np
        try:
            return self._np == as_dtype(other)._np
        except TypeError:
            return False

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self._np)

    def __reduce__(self):
        return as_dtype, (self.name,)


float16 = DType("float16", np.float16)
half = float16
float32 = DType("float32", np.float32)
float64 = DType("float64", np.float64)
double = float64
int8 = DType("int8", np.int8)
int16 = DType("int16", np.int16)
int32 = DType("int32", np.int32)
int64 = DType("int64", np.int64)
uint8 = DType("uint8", np.uint8)
uint16 = DType("uint16", np.uint16)
uint32 = DType("uint32", np.uint32)
uint64 = DType("uint64", np.uint64)
bool_ = DType("bool", np.bool_)
complex64 = DType("complex64", np.complex64)
complex128 = DType("complex128", np.complex128)
string = DType("string", np.object_)

_ALL = (float16, float32, float64, int8, int16, int32, int64, uint8, uint16,
        uint32, uint64, bool_, complex64, complex128, string)
_BY_NP = {d._np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "double": float64, "float": float32})


def as_dtype(value: Any) -> DType:
    """Convert a DType, numpy dtype, Python type or name to a :class:`DType`."""
    if isinstance(value, DType):
        return value
    if isinstance(value, str):
        d = _BY_NAME.get(value)
        if d is not None:
            return d
    if value is float:
        return float32
    if value is int:
        return int32
    if value is bool:
        return bool_
    try:
        npd = np.dtype(value)
    except TypeError:
        raise TypeError(f"Cannot convert {value!r} to a dtype.") from None
    if npd.kind in "SUO":
        return string
    d = _BY_NP.get(npd)
    if d is None:
        raise TypeError(f"Cannot convert {value!r} to a dtype.")
    return d


def from_numpy(npd: np.dtype) -> DType:
    """Fast lookup of the DType for a numpy dtype."""
    d = _BY_NP.get(npd)
    return d if d is not None else as_dtype(npd)
