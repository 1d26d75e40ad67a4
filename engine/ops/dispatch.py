"""Argument conversion shared by the public op wrappers (the eager hot path)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import core
from ..framework.core import OPS, Tensor, convert_to_tensor, execute
from ..framework.errors import InvalidArgumentError

_KIND_WORD = {"f": "float", "i": "int32", "u": "uint8", "b": "bool", "c": "complex", "O": "string"}


def tensor(x: Any, dtype: Any = None) -> Tensor:
    """Fast ``convert_to_tensor`` for op inputs."""
    if type(x) is Tensor and dtype is None:
        return x
    return convert_to_tensor(x, dtype)


def binary_args(op_name: str, x: Any, y: Any) -> tuple:
    """Convert a binary op's operands like TF: Python values take the other's dtype.

    As in TF, a Python value that cannot take it raises TypeError, except for
    ``AddV2`` (``tf.add`` / ``+`` only hint the dtype: the op then raises
    InvalidArgumentError); numpy operands are cast to the tensor's dtype.
    """
    tx = type(x)
    ty = type(y)
    strict = op_name != "AddV2"
    if tx is Tensor:
        if ty is not Tensor:
            conv = None if ty is float or ty is int else getattr(ty, "_as_tensor", None)
            y = conv(y) if conv is not None else _like(y, x, strict)  # Variables: one read
    elif ty is Tensor:
        conv = None if tx is float or tx is int else getattr(tx, "_as_tensor", None)
        x = conv(x) if conv is not None else _like(x, y, strict)
    else:
        conv = getattr(tx, "_as_tensor", None)
        if conv is not None:
            x = conv(x)
        conv = getattr(ty, "_as_tensor", None)
        if conv is not None:
            y = conv(y)
        if type(x) is Tensor:
            if type(y) is not Tensor:
                y = _like(y, x, strict)
        elif type(y) is Tensor:
            x = _like(x, y, strict)
        else:
            x = convert_to_tensor(x)
            y = _like(y, x, strict)
    if x._np.dtype != y._np.dtype:
        raise InvalidArgumentError(
            None, op_name,
            f"cannot compute {op_name} as input #1(zero-based) was expected to be a "
            f"{_tf_type(x)} tensor but is a {_tf_type(y)} tensor [Op:{op_name}] name: ")
    return x, y


_TF_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def _tf_type(t: Tensor) -> str:
    """TF's C++ type name in op error messages (``float``, ``double``, ``int32`` ...)."""
    n = t.dtype.name
    return _TF_TYPE_NAMES.get(n, n)


def _like(v: Any, ref: Tensor, strict: bool = False) -> Tensor:
    tv = type(v)
    if (tv is float or tv is int) and ref._np.dtype.kind == "f":  # hot path: `x * 2.0`
        return core.wrap(np.array(v, dtype=ref._np.dtype))
    if type(v) is Tensor or hasattr(type(v), "_as_tensor"):
        return convert_to_tensor(v)
    if isinstance(v, (np.ndarray, np.generic)) and v.dtype.kind in "biuf" and ref._np.dtype.kind in "biuf":
        return core.wrap(np.asarray(v).astype(ref._np.dtype))  # TF casts numpy operands
    try:
        return convert_to_tensor(v, ref.dtype)
    except (TypeError, ValueError):
        if strict:
            raise
        return convert_to_tensor(v)


def run_binary(name: str, x: Any, y: Any) -> Tensor:
    x, y = binary_args(name, x, y)
    return execute(OPS[name], (x, y), {})


def run_unary(name: str, x: Any, **attrs: Any) -> Tensor:
    if type(x) is not Tensor:
        x = convert_to_tensor(x)
    return execute(OPS[name], (x,), attrs)


def require_float(name: str, x: Tensor) -> None:
    if x._np.dtype.kind not in "fc":
        raise InvalidArgumentError(
            None, name,
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values: "
            f"bfloat16, half, float, double, complex64, complex128 [Op:{name}]")


def normalize_axis(axis: Any, ndim: int, op_name: str = "") -> Any:
    """TF-style axis argument (int, list, tensor, negative) → tuple of ints or None."""
    if axis is None:
        return None
    if isinstance(axis, Tensor):
        axis = axis._np.tolist()
    if isinstance(axis, (list, tuple, np.ndarray)):
        axes = [int(a) for a in np.asarray(axis).reshape(-1)]
    else:
        axes = [int(axis)]
    out = []
    for a in axes:
        if a < -ndim or a >= max(ndim, 1):
            raise InvalidArgumentError(None, op_name, f"Invalid reduction dimension ({a} for input with {ndim} dimension(s)) [Op:{op_name}]")
        out.append(a % ndim if ndim else 0)
    return tuple(out)


_KIND_TYPES = {"f": "bfloat16, half, float, double", "i": "int8, int16, int32, int64",
               "u": "uint8, uint16, uint32, uint64", "c": "complex64, complex128", "b": "bool"}


def check_kind(name: str, x: Tensor, kinds: str) -> None:
    """Raise TF's InvalidArgumentError when ``x``'s dtype kind is not one of ``kinds`` ("fiucb")."""
    if x._np.dtype.kind not in kinds:
        allowed = ", ".join(_KIND_TYPES[k] for k in kinds)
        raise InvalidArgumentError(
            None, name,
            f"Value for attr 'T' of {_tf_type(x)} is not in the list of allowed values: {allowed} [Op:{name}]")
