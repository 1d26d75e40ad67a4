"""Python operators on Tensor and Variable (``+ - * / @ ** < == [] ...``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..framework.core import OPS, Tensor, convert_to_tensor, execute, wrap
from ..framework.variables import Variable
from . import math_ops as m
from .dispatch import _like, binary_args, check_kind

_ADD, _SUB, _MUL = OPS["AddV2"], OPS["Sub"], OPS["Mul"]
_NOATTR: dict = {}


def _fast(op, kinds="fiuc"):
    def f(x: Any, y: Any) -> Tensor:
        if type(y) is Tensor and type(x) is Tensor and x._np.dtype == y._np.dtype and x._np.dtype.kind in kinds:
            return execute(op, (x, y), _NOATTR)
        x, y = binary_args(op.name, x, y)
        check_kind(op.name, x, kinds)
        return execute(op, (x, y), _NOATTR)

    def r(x: Any, y: Any) -> Tensor:
        return f(_strict(x, y), x)
    return f, r


def _strict(x: Any, y: Any) -> Any:
    """TF's reflected operators convert the other operand to self's dtype (TypeError if it cannot)."""
    if type(y) is Tensor or hasattr(type(y), "_as_tensor"):
        return y
    return _like(y, x if type(x) is Tensor else convert_to_tensor(x), True)


def _rev(fn):
    return lambda x, y: fn(_strict(x, y), x)


def _compare(op_name: str, unequal: bool):
    """``==`` / ``!=`` like TF 2: elementwise, and shape-incompatible operands compare unequal."""
    def f(x: Any, y: Any) -> Any:
        if y is None:
            return unequal
        xt, yt = binary_args(op_name, x, y)
        try:
            np.broadcast_shapes(xt._np.shape, yt._np.shape)
        except ValueError:
            return wrap(np.asarray(unequal))
        return execute(OPS[op_name], (xt, yt), _NOATTR)
    return f


_eq, _ne = _compare("Equal", False), _compare("NotEqual", True)


def _logic(bool_name, bit_name):
    def f(x: Any, y: Any) -> Tensor:
        x, y = binary_args(bool_name, x, y)
        check_kind(bit_name, x, "biu")
        return execute(OPS[bool_name if x._np.dtype == np.bool_ else bit_name], (x, y), _NOATTR)
    return f


def _invert(x: Any) -> Tensor:
    x = convert_to_tensor(x)
    check_kind("Invert", x, "biu")
    return execute(OPS["LogicalNot" if x._np.dtype == np.bool_ else "Invert"], (x,), _NOATTR)


from .array_ops import getitem as _getitem  # noqa: E402  (converts x itself; no per-call import)


_and, _or, _xor = _logic("LogicalAnd", "BitwiseAnd"), _logic("LogicalOr", "BitwiseOr"), _logic("LogicalXor", "BitwiseXor")

METHODS = {
    "__add__": _fast(_ADD)[0], "__radd__": _fast(_ADD)[1],
    "__sub__": _fast(_SUB)[0], "__rsub__": _fast(_SUB)[1],
    "__mul__": _fast(_MUL, "fiucb")[0], "__rmul__": _fast(_MUL, "fiucb")[1],  # bool * bool: logical and
    "__truediv__": m.truediv, "__rtruediv__": _rev(m.truediv),
    "__floordiv__": m.floordiv, "__rfloordiv__": _rev(m.floordiv),
    "__mod__": m.floormod, "__rmod__": _rev(m.floormod),
    "__pow__": m.pow, "__rpow__": _rev(m.pow),
    "__matmul__": m.matmul, "__rmatmul__": _rev(m.matmul),
    "__neg__": m.negative, "__abs__": m.abs,  # no unary + (TF raises TypeError)
    "__lt__": m.less, "__le__": m.less_equal, "__gt__": m.greater, "__ge__": m.greater_equal,
    "__eq__": _eq, "__ne__": _ne,
    "__and__": _and, "__rand__": _rev(_and), "__or__": _or, "__ror__": _rev(_or),
    "__xor__": _xor, "__rxor__": _rev(_xor), "__invert__": _invert,
    "__getitem__": _getitem,
}

for _cls in (Tensor, Variable):
    for _name, _fn in METHODS.items():
        setattr(_cls, _name, _fn)
Tensor.__hash__ = None
Variable.__hash__ = None
