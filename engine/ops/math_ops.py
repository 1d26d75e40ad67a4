"""``tf.math``: elementwise arithmetic, reductions, matmul/einsum, comparisons.

Each op is a numpy kernel + a vjp rule written against the kernel namespace K
(see ``framework/core.py``), so first-order gradients run on raw numpy and
higher-order ones on recorded engine ops.
"""
from __future__ import annotations

import math as _pymath
from typing import Any

import numpy as np

from ..framework import core, dtypes
from ..framework.core import OPS, Tensor, execute, register_op, wrap
from ..framework.errors import InvalidArgumentError
from .array_ops import sum_to
from .dispatch import binary_args, check_kind, normalize_axis, require_float, run_binary, run_unary, tensor

_NOATTR: dict = {}

__all__ = [
    "abs",
    "acos",
    "acosh",
    "add",
    "add_n",
    "add_v2",
    "argmax",
    "argmin",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "ceil",
    "clip_by_value",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "div_no_nan",
    "divide_no_nan",
    "divide",
    "einsum",
    "equal",
    "erf",
    "exp",
    "expm1",
    "floor",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "is_finite",
    "is_inf",
    "is_nan",
    "less",
    "less_equal",
    "log",
    "log1p",
    "log_sigmoid",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "matmul",
    "maximum",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "norm",
    "not_equal",
    "pow",
    "realdiv",
    "reciprocal",
    "reduce_all",
    "reduce_any",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reduce_variance",
    "round",
    "rsqrt",
    "scalar_mul",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "squared_difference",
    "subtract",
    "tan",
    "tanh",
    "tensordot",
    "truediv",
    "truncatediv",
    "where",
]


def _unb(K, g, shape):
    """Reduce a broadcast gradient back to ``shape`` (no-op when equal)."""
    return g if tuple(g.shape) == tuple(shape) else K.SumTo(g, shape=tuple(shape))


# ---------------------------------------------------------------------------
# Binary elementwise
def _add_vjp(K, g, xs, y, s, a, n):
    return (_unb(K, g, s[0]) if n[0] else None, _unb(K, g, s[1]) if n[1] else None)


def _sub_vjp(K, g, xs, y, s, a, n):
    return (_unb(K, g, s[0]) if n[0] else None, _unb(K, K.Neg(g), s[1]) if n[1] else None)


def _mul_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    return (_unb(K, K.Mul(g, x1), s[0]) if n[0] else None,
            _unb(K, K.Mul(g, x0), s[1]) if n[1] else None)


def _div_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    gx = _unb(K, K.RealDiv(g, x1), s[0]) if n[0] else None
    gy = _unb(K, K.Neg(K.Mul(g, K.RealDiv(K.RealDiv(x0, x1), x1))), s[1]) if n[1] else None
    return gx, gy


def _div_no_nan_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    gx = _unb(K, K.DivNoNan(g, x1), s[0]) if n[0] else None
    gy = _unb(K, K.Mul(g, K.DivNoNan(K.DivNoNan(K.Neg(x0), x1), x1)), s[1]) if n[1] else None
    return gx, gy


def _pow_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    gx = gy = None
    if n[0]:
        gx = _unb(K, K.Mul(g, K.Mul(x1, K.Pow(x0, K.Sub(x1, K.OnesLike(x1))))), s[0])
    if n[1]:
        safe = K.PowLogSafe(x0)
        gy = _unb(K, K.Mul(g, K.Mul(y, safe)), s[1])
    return gx, gy


def _maximum_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    m = K.GreaterEqual(x0, x1)
    return (_unb(K, K.Select(m, g, K.ZerosLike(g)), s[0]) if n[0] else None,
            _unb(K, K.Select(m, K.ZerosLike(g), g), s[1]) if n[1] else None)


def _minimum_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    m = K.LessEqual(x0, x1)
    return (_unb(K, K.Select(m, g, K.ZerosLike(g)), s[0]) if n[0] else None,
            _unb(K, K.Select(m, K.ZerosLike(g), g), s[1]) if n[1] else None)


def _sqdiff_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    d = K.Mul(K.Mul(g, K.Sub(x0, x1)), 2.0)
    return (_unb(K, d, s[0]) if n[0] else None, _unb(K, K.Neg(d), s[1]) if n[1] else None)


def _floormod_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    return (_unb(K, g, s[0]) if n[0] else None,
            _unb(K, K.Mul(K.Neg(g), K.FloorDiv(x0, x1)), s[1]) if n[1] else None)


def _atan2_vjp(K, g, xs, y, s, a, n):
    x0, x1 = xs
    den = K.AddV2(K.Square(x0), K.Square(x1))
    return (_unb(K, K.RealDiv(K.Mul(g, x1), den), s[0]) if n[0] else None,
            _unb(K, K.RealDiv(K.Mul(K.Neg(g), x0), den), s[1]) if n[1] else None)


def _div_no_nan_kernel(x, y):
    if (y.__class__ is np.ndarray and x.__class__ is np.ndarray and y.ndim == 0 and y.dtype.kind == "f"
            and x.dtype == y.dtype):  # scalar divisor (metric results, loss reductions): no errstate/where
        yv = float(y)
        if yv == 0:
            return np.zeros(x.shape, y.dtype)
        if yv - yv == 0:  # finite and non-zero: x / y raises neither divide nor invalid
            return np.divide(x, y, out=np.empty((), y.dtype)) if x.ndim == 0 else np.divide(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.divide(x, y)
    return np.where(y == 0, np.zeros((), r.dtype), r)


def _floordiv_kernel(x, y):
    if np.asarray(x).dtype.kind in "iu" and np.any(np.asarray(y) == 0):
        raise InvalidArgumentError(None, "FloorDiv", "Integer division by zero [Op:FloorDiv]")
    return np.floor_divide(x, y)


def _floormod_kernel(x, y):
    if np.asarray(x).dtype.kind in "iu" and np.any(np.asarray(y) == 0):
        raise InvalidArgumentError(None, "FloorMod", "Integer division by zero [Op:FloorMod]")
    return np.mod(x, y)


def _truncdiv_kernel(x, y):
    x, y = np.asarray(x), np.asarray(y)
    if x.dtype.kind in "iu":  # exact integer arithmetic (no float round trip)
        if np.any(y == 0):
            raise InvalidArgumentError(None, "TruncateDiv", "Integer division by zero [Op:TruncateDiv]")
        q = np.floor_divide(x, y)
        return q + ((np.remainder(x, y) != 0) & ((x < 0) != (y < 0))).astype(q.dtype)
    return np.trunc(np.true_divide(x, y))


def _pow_log_safe(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(x > 0, np.log(np.where(x > 0, x, 1)), np.zeros((), np.asarray(x).dtype))


register_op("AddV2", np.add, _add_vjp, save_inputs=False)
register_op("Sub", np.subtract, _sub_vjp, save_inputs=False)
register_op("Mul", np.multiply, _mul_vjp)
def _realdiv_kernel(x, y):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(x, y)


register_op("RealDiv", _realdiv_kernel, _div_vjp)
register_op("DivNoNan", _div_no_nan_kernel, _div_no_nan_vjp)
register_op("Pow", np.power, _pow_vjp, save_output=True)
register_op("PowLogSafe", _pow_log_safe, None)
register_op("Maximum", np.maximum, _maximum_vjp)
register_op("Minimum", np.minimum, _minimum_vjp)
register_op("SquaredDifference", lambda x, y: np.square(np.subtract(x, y)), _sqdiff_vjp)
register_op("FloorDiv", _floordiv_kernel, None)
register_op("FloorMod", _floormod_kernel, _floormod_vjp)
register_op("Atan2", np.arctan2, _atan2_vjp)
register_op("TruncateDiv", _truncdiv_kernel, None)

for _name, _fn in (("Equal", np.equal), ("NotEqual", np.not_equal), ("Less", np.less),
                   ("LessEqual", np.less_equal), ("Greater", np.greater),
                   ("GreaterEqual", np.greater_equal), ("LogicalAnd", np.logical_and),
                   ("LogicalOr", np.logical_or), ("LogicalXor", np.logical_xor),
                   ("BitwiseAnd", np.bitwise_and), ("BitwiseOr", np.bitwise_or),
                   ("BitwiseXor", np.bitwise_xor)):
    register_op(_name, _fn, None)
register_op("LogicalNot", np.logical_not, None)
register_op("Invert", np.invert, None)


# ---------------------------------------------------------------------------
# Unary elementwise: (name, kernel, vjp(K, g, x, y), saves x, saves y)
def _u(name, kernel, rule, save_x=True, save_y=False):
    def vjp(K, g, xs, y, s, a, n):
        return (rule(K, g, xs[0], y),)
    register_op(name, kernel, vjp if rule is not None else None, save_inputs=save_x, save_output=save_y)


def _sigmoid_kernel(x):
    return 0.5 * (np.tanh(0.5 * x) + 1) if x.dtype.kind == "f" else 1 / (1 + np.exp(-x))


def _erf_kernel(x):
    from scipy.special import erf
    r = erf(x)
    return r.astype(x.dtype, copy=False) if isinstance(r, np.ndarray) else x.dtype.type(r)


def _rsqrt_kernel(x):
    with np.errstate(divide="ignore"):
        return np.reciprocal(np.sqrt(x))


def _reciprocal_kernel(x):
    with np.errstate(divide="ignore"):
        return np.reciprocal(x) if x.dtype.kind in "fc" else np.floor_divide(1, x)


def _log_kernel(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x)


def _log1p_kernel(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log1p(x)


def _sqrt_kernel(x):
    with np.errstate(invalid="ignore"):
        return np.sqrt(x)


def _errs(fn):
    def k(x):
        with np.errstate(invalid="ignore", divide="ignore"):
            return fn(x)
    return k


_u("Neg", np.negative, lambda K, g, x, y: K.Neg(g), save_x=False)
_u("Exp", np.exp, lambda K, g, x, y: K.Mul(g, y), save_x=False, save_y=True)
_u("Expm1", np.expm1, lambda K, g, x, y: K.Mul(g, K.AddV2(y, 1.0)), save_x=False, save_y=True)
_u("Log", _log_kernel, lambda K, g, x, y: K.RealDiv(g, x))
_u("Log1p", _log1p_kernel, lambda K, g, x, y: K.RealDiv(g, K.AddV2(x, 1.0)))
_u("Sqrt", _sqrt_kernel, lambda K, g, x, y: K.RealDiv(K.Mul(g, 0.5), y), save_x=False, save_y=True)
_u("Rsqrt", _rsqrt_kernel, lambda K, g, x, y: K.Mul(K.Mul(g, -0.5), K.Mul(y, K.Square(y))),
   save_x=False, save_y=True)
_u("Square", np.square, lambda K, g, x, y: K.Mul(g, K.Mul(x, 2.0)))
_u("Reciprocal", _reciprocal_kernel, lambda K, g, x, y: K.Neg(K.Mul(g, K.Square(y))), save_x=False,
   save_y=True)
_u("Abs", np.abs, lambda K, g, x, y: K.Mul(g, K.Sign(x)))
_u("Sign", np.sign, lambda K, g, x, y: K.ZerosLike(g), save_x=False)
_u("Sin", np.sin, lambda K, g, x, y: K.Mul(g, K.Cos(x)))
_u("Cos", np.cos, lambda K, g, x, y: K.Neg(K.Mul(g, K.Sin(x))))
_u("Tan", np.tan, lambda K, g, x, y: K.Mul(g, K.AddV2(K.Square(y), 1.0)), save_x=False, save_y=True)
_u("Asin", _errs(np.arcsin), lambda K, g, x, y: K.Mul(g, K.Rsqrt(K.Sub(1.0, K.Square(x)))))
_u("Acos", _errs(np.arccos), lambda K, g, x, y: K.Neg(K.Mul(g, K.Rsqrt(K.Sub(1.0, K.Square(x))))))
_u("Atan", np.arctan, lambda K, g, x, y: K.RealDiv(g, K.AddV2(K.Square(x), 1.0)))
_u("Sinh", np.sinh, lambda K, g, x, y: K.Mul(g, K.Cosh(x)))
_u("Cosh", np.cosh, lambda K, g, x, y: K.Mul(g, K.Sinh(x)))
_u("Asinh", np.arcsinh, lambda K, g, x, y: K.Mul(g, K.Rsqrt(K.AddV2(K.Square(x), 1.0))))
_u("Acosh", _errs(np.arccosh), lambda K, g, x, y: K.Mul(g, K.Rsqrt(K.Sub(K.Square(x), 1.0))))
_u("Atanh", _errs(np.arctanh), lambda K, g, x, y: K.RealDiv(g, K.Sub(1.0, K.Square(x))))
_u("Tanh", np.tanh, lambda K, g, x, y: K.Mul(g, K.Sub(1.0, K.Square(y))), save_x=False, save_y=True)
_u("Sigmoid", _sigmoid_kernel, lambda K, g, x, y: K.Mul(g, K.Mul(y, K.Sub(1.0, y))), save_x=False,
   save_y=True)
_u("Erf", _erf_kernel,
   lambda K, g, x, y: K.Mul(g, K.Mul(K.Exp(K.Neg(K.Square(x))), 2.0 / _pymath.sqrt(_pymath.pi))))
_u("Floor", np.floor, None)
_u("Ceil", np.ceil, None)
_u("Round", np.round, None)
_u("IsNan", np.isnan, None)
_u("IsInf", np.isinf, None)
_u("IsFinite", np.isfinite, None)
_u("ZerosLike", np.zeros_like, lambda K, g, x, y: K.ZerosLike(g), save_x=False)
_u("OnesLike", np.ones_like, lambda K, g, x, y: K.ZerosLike(g), save_x=False)


# ---------------------------------------------------------------------------
# Select (tf.where with x, y) and clip
def _select_kernel(c, x, y):
    return np.where(c, x, y)


def _select_vjp(K, g, xs, y, s, a, n):
    c = xs[0]
    z = K.ZerosLike(g)
    return (None,
            _unb(K, K.Select(c, g, z), s[1]) if n[1] else None,
            _unb(K, K.Select(c, z, g), s[2]) if n[2] else None)


register_op("Select", _select_kernel, _select_vjp, save_inputs=(0,))


def _clip_vjp(K, g, xs, y, s, a, n):
    t, lo, hi = xs
    z = K.ZerosLike(g)
    below = K.Less(t, lo)
    above = K.Greater(t, hi)
    inside = K.LogicalNot(K.LogicalOr(below, above))
    return (_unb(K, K.Select(inside, g, z), s[0]) if n[0] else None,
            _unb(K, K.Select(below, g, z), s[1]) if n[1] else None,
            _unb(K, K.Select(above, g, z), s[2]) if n[2] else None)


register_op("ClipByValue", lambda t, lo, hi: np.maximum(np.minimum(t, hi), lo), _clip_vjp)  # TF: lo wins


# ---------------------------------------------------------------------------
# Reductions
def _kshape(shape, axis):
    if axis is None:
        return (1,) * len(shape)
    return tuple(1 if i in axis else d for i, d in enumerate(shape))


def _sum_kernel(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype if x.dtype.kind in "iu" else None)


def _sum_vjp(K, g, xs, y, s, a, n):
    shape = tuple(s[0])
    if not a["keepdims"]:
        g = K.Reshape(g, shape=_kshape(shape, a["axis"]))
    return (K.BroadcastTo(g, shape=shape),)


def _mean_kernel(x, axis, keepdims):
    if x.dtype.kind in "iu":  # TF: integer sum / count, truncated toward zero
        t = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64 if x.dtype.kind == "i" else np.uint64)
        return (np.sign(t) * (np.abs(t) // max(1, _count(x.shape, axis)))).astype(x.dtype)
    return np.mean(x, axis=axis, keepdims=keepdims)


def _max_kernel(x, axis, keepdims):
    if x.size == 0:  # TF: the identity (-inf, or the dtype's lowest value)
        low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        return np.max(x, axis=axis, keepdims=keepdims, initial=low)
    return np.max(x, axis=axis, keepdims=keepdims)


def _min_kernel(x, axis, keepdims):
    if x.size == 0:
        high = np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).max
        return np.min(x, axis=axis, keepdims=keepdims, initial=high)
    return np.min(x, axis=axis, keepdims=keepdims)


def _count(shape, axis):
    if axis is None:
        return int(np.prod(shape, dtype=np.int64))
    return int(np.prod([shape[i] for i in axis], dtype=np.int64))


def _mean_vjp(K, g, xs, y, s, a, n):
    shape = tuple(s[0])
    cnt = _count(shape, a["axis"])
    if not a["keepdims"]:
        g = K.Reshape(g, shape=_kshape(shape, a["axis"]))
    return (K.BroadcastTo(K.RealDiv(g, float(max(cnt, 1))), shape=shape),)


def _minmax_vjp(K, g, xs, y, s, a, n):
    x = xs[0]
    shape = tuple(s[0])
    ks = _kshape(shape, a["axis"])
    yk = y if a["keepdims"] else K.Reshape(y, shape=ks)
    gk = g if a["keepdims"] else K.Reshape(g, shape=ks)
    eq = K.Cast(K.Equal(x, yk), dtype=np.dtype(x.dtype.as_numpy_dtype if isinstance(x, Tensor) else x.dtype).str,
                src="|b1")
    cnt = K.Sum(eq, axis=a["axis"], keepdims=True)
    return (K.Mul(K.RealDiv(eq, cnt), gk),)


def _prod_grad_kernel(x, g, axis, keepdims):
    """d prod / dx via exclusive products (exact with zeros), times g."""
    if x.size == 0:
        return np.zeros(x.shape, x.dtype)
    nd = x.ndim
    axes = tuple(range(nd)) if axis is None else axis
    rest = tuple(i for i in range(nd) if i not in axes)
    perm = rest + axes
    xt = np.transpose(x, perm)
    rshape = xt.shape[:len(rest)]
    flat = xt.reshape(rshape + (-1,))
    ones = np.ones(rshape + (1,), dtype=x.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., ::-1][..., :-1]], axis=-1), axis=-1)[..., ::-1]
    gk = np.reshape(g, _kshape(x.shape, axes) if not keepdims else g.shape)
    gk = np.transpose(gk, perm).reshape(rshape + (1,))
    res = (left * right * gk).reshape(xt.shape)
    return np.transpose(res, np.argsort(perm))


def _prod_vjp(K, g, xs, y, s, a, n):
    return (K.ProdGrad(xs[0], g, axis=a["axis"], keepdims=a["keepdims"]),)


def _lse_kernel(x, axis, keepdims):
    m = _max_kernel(x, axis, True)
    m = np.where(np.isfinite(m), m, np.zeros((), x.dtype))
    with np.errstate(divide="ignore"):
        r = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return r if keepdims else np.reshape(r, np.sum(x, axis=axis).shape)


def _lse_vjp(K, g, xs, y, s, a, n):
    x = xs[0]
    ks = _kshape(tuple(s[0]), a["axis"])
    yk = y if a["keepdims"] else K.Reshape(y, shape=ks)
    gk = g if a["keepdims"] else K.Reshape(g, shape=ks)
    return (K.Mul(gk, K.Exp(K.Sub(x, yk))),)


def _cumsum_kernel(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    r = np.cumsum(x, axis=axis, dtype=x.dtype)
    if exclusive:
        r = np.roll(r, 1, axis=axis)
        idx = [slice(None)] * x.ndim
        idx[axis] = 0
        r[tuple(idx)] = 0
    return np.flip(r, axis) if reverse else r


def _cumsum_vjp(K, g, xs, y, s, a, n):
    return (K.Cumsum(g, axis=a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"]),)


def _cumprod_kernel(x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    if exclusive:
        pad = [(0, 0)] * x.ndim
        pad[axis] = (1, 0)
        x = np.take(np.pad(x, pad, constant_values=1), range(x.shape[axis]), axis=axis)
    r = np.cumprod(x, axis=axis, dtype=x.dtype)
    return np.flip(r, axis) if reverse else r


def _cumprod_vjp(K, g, xs, y, s, a, n):
    # TF's formula (valid for non-zero inputs).
    x = xs[0]
    out = K.Cumsum(K.Mul(y, g), axis=a["axis"], exclusive=a["exclusive"], reverse=not a["reverse"])
    return (K.RealDiv(out, x),)


register_op("Sum", _sum_kernel, _sum_vjp, save_inputs=False)
register_op("Mean", _mean_kernel, _mean_vjp, save_inputs=False)
register_op("Max", _max_kernel, _minmax_vjp, save_output=True)
register_op("Min", _min_kernel, _minmax_vjp, save_output=True)
register_op("Prod", lambda x, axis, keepdims: np.prod(x, axis=axis, keepdims=keepdims,
                                                      dtype=x.dtype if x.dtype.kind in "iu" else None), _prod_vjp)
register_op("ProdGrad", _prod_grad_kernel, None)
register_op("LogSumExp", _lse_kernel, _lse_vjp, save_output=True)
register_op("Any", lambda x, axis, keepdims: np.any(x, axis=axis, keepdims=keepdims), None)
register_op("All", lambda x, axis, keepdims: np.all(x, axis=axis, keepdims=keepdims), None)
register_op("ArgMax", lambda x, axis, output_type: np.argmax(x, axis=axis).astype(output_type), None)
register_op("ArgMin", lambda x, axis, output_type: np.argmin(x, axis=axis).astype(output_type), None)
register_op("Cumsum", _cumsum_kernel, _cumsum_vjp, save_inputs=False)
register_op("Cumprod", _cumprod_kernel, _cumprod_vjp, save_output=True)


# ---------------------------------------------------------------------------
# MatMul (batch dims broadcast, like BatchMatMulV2)
def _t(x):
    return np.swapaxes(x, -1, -2)


def _matmul_kernel(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = _t(a)
    if transpose_b:
        b = _t(b)
    return np.matmul(a, b)


def _matmul_vjp(K, g, xs, y, s, at, n):
    a, b = xs
    ta, tb = at.get("transpose_a", False), at.get("transpose_b", False)
    ga = gb = None
    if n[0]:
        if not ta:
            ga = K.MatMul(g, b, transpose_a=False, transpose_b=not tb)
        else:
            ga = K.MatMul(b, g, transpose_a=tb, transpose_b=True)
        ga = _unb(K, ga, s[0])
    if n[1]:
        if not tb:
            gb = K.MatMul(a, g, transpose_a=not ta, transpose_b=False)
        else:
            gb = K.MatMul(g, a, transpose_a=True, transpose_b=ta)
        gb = _unb(K, gb, s[1])
    return ga, gb


_MATMUL = register_op("MatMul", _matmul_kernel, _matmul_vjp)
_np_matmul = np.matmul
_NO_TRANSPOSE = {"transpose_a": False, "transpose_b": False}  # shared attrs: never mutated


# ---------------------------------------------------------------------------
# Einsum
def _einsum_vjp(K, g, xs, y, s, a, n):
    eq = a["equation"]
    ins, out = eq.split("->")
    subs = ins.split(",")
    grads = []
    for i, sub in enumerate(subs):
        if not n[i]:
            grads.append(None)
            continue
        others = [subs[j] for j in range(len(subs)) if j != i]
        avail = set(out) | set("".join(others))
        tok = sub.replace("...", "\0")  # the ellipsis is one token
        target = "".join(c for c in dict.fromkeys(tok) if c in avail or c == "\0").replace("\0", "...")
        lhs = ",".join([out] + others)
        ell = "..." in lhs and "..." not in target  # numpy cannot sum an ellipsis away: keep, then Sum
        gi = K.Einsum(g, *[xs[j] for j in range(len(subs)) if j != i],
                      equation=lhs + "->" + ("..." if ell else "") + target)
        if ell:
            gi = K.Sum(gi, axis=tuple(range(len(gi.shape) - len(target))), keepdims=False)
        # Indices summed only in this operand, or repeated (diagonals): expand back.
        if target != sub:
            gi = K.EinsumExpand(gi, xs[i], target=target, sub=sub)
        grads.append(_unb(K, gi, s[i]))
    return tuple(grads)


def _einsum_expand_kernel(gi, x, target, sub):
    shape = x.shape
    letters = sub.replace("...", "")
    if len(set(letters)) != len(letters):
        raise InvalidArgumentError(None, "Einsum", f"gradient of einsum with repeated index in {sub!r} is not supported")
    # Broadcast gi over the missing letters in the order of ``sub``.
    sizes = {}
    ell = sub.find("...")
    pos = 0
    for c in sub.replace("...", "\0"):
        if c == "\0":
            pos += x.ndim - len(letters)
            continue
        sizes[c] = shape[pos]
        pos += 1
    src = target.replace("...", "\0")
    g = gi
    expanded = "".join(c for c in src)
    for c in sub.replace("...", "\0"):
        if c not in expanded:
            g = np.expand_dims(g, -1)
            expanded += c
    perm_src = list(expanded)
    dst = list(sub.replace("...", "\0"))
    # Map to axes (ellipsis may span several axes).
    def axes_of(seq, nd_ell):
        res, k = {}, 0
        for c in seq:
            w = nd_ell if c == "\0" else 1
            res[c] = list(range(k, k + w))
            k += w
        return res
    nd_ell = x.ndim - len(letters) if ell >= 0 else 0
    src_axes = axes_of(perm_src, nd_ell)
    perm = [ax for c in dst for ax in src_axes[c]]
    g = np.transpose(g, perm)
    return np.broadcast_to(g, shape).copy()


register_op("Einsum", lambda *xs, equation: np.einsum(equation, *xs, optimize=len(xs) > 2), _einsum_vjp)
register_op("EinsumExpand", _einsum_expand_kernel, None)


# ===========================================================================
# Public API
def _bin(name, kinds="fiuc"):
    """Public binary op; ``kinds``: the dtype kinds TF registers kernels for."""
    op = OPS[name]

    def f(x: Any, y: Any, name: str | None = None) -> Tensor:
        if type(x) is Tensor and type(y) is Tensor and x._np.dtype == y._np.dtype and x._np.dtype.kind in kinds:
            return execute(op, (x, y), _NOATTR)
        x, y = binary_args(op.name, x, y)
        check_kind(op.name, x, kinds)
        return execute(op, (x, y), _NOATTR)
    return f


add = _bin("AddV2")
subtract = _bin("Sub")
multiply = _bin("Mul")
maximum = _bin("Maximum")
minimum = _bin("Minimum")
squared_difference = _bin("SquaredDifference")
floordiv = _bin("FloorDiv")
floormod = _bin("FloorMod")
mod = floormod
atan2 = _bin("Atan2", "f")
pow = _bin("Pow")
div_no_nan = _bin("DivNoNan")
divide_no_nan = div_no_nan
realdiv = _bin("RealDiv", "fc")
truncatediv = _bin("TruncateDiv")
equal = _bin("Equal", "fiucbO")
not_equal = _bin("NotEqual", "fiucbO")
less = _bin("Less", "fiu")
less_equal = _bin("LessEqual", "fiu")
greater = _bin("Greater", "fiu")
greater_equal = _bin("GreaterEqual", "fiu")
logical_and = _bin("LogicalAnd", "b")
logical_or = _bin("LogicalOr", "b")
logical_xor = _bin("LogicalXor", "b")


def add_v2(x: Any, y: Any, name: str | None = None) -> Tensor:
    return add(x, y)


def truediv(x: Any, y: Any, name: str | None = None) -> Tensor:
    """``x / y``; integer inputs are cast to float (int8/16→float32, int32/64→float64) like TF."""
    try:
        x, y = binary_args("RealDiv", x, y)
    except InvalidArgumentError:  # TF's truediv raises TypeError for mixed dtypes
        raise TypeError(f"`x` and `y` must have the same dtype, got {tensor(x).dtype!r} != "
                        f"{tensor(y).dtype!r}.") from None
    k = x._np.dtype
    if k.kind in "iu":
        from .array_ops import cast
        target = np.float32 if k.itemsize <= 2 else np.float64
        x, y = cast(x, target), cast(y, target)
    elif k.kind == "b":
        raise TypeError("x and y must not be bool for truediv")
    return execute(OPS["RealDiv"], (x, y), _NOATTR)


def divide(x: Any, y: Any, name: str | None = None) -> Tensor:
    return truediv(x, y)


def negative(x: Any, name: str | None = None) -> Tensor:
    x = tensor(x)
    check_kind("Neg", x, "fic")
    return execute(OPS["Neg"], (x,), _NOATTR)


def logical_not(x: Any, name: str | None = None) -> Tensor:
    x = tensor(x)
    check_kind("LogicalNot", x, "b")
    return execute(OPS["LogicalNot"], (x,), _NOATTR)


def _float_unary(op_name):
    op = OPS[op_name]

    def f(x: Any, name: str | None = None) -> Tensor:
        if type(x) is not Tensor:
            x = tensor(x)
        if x._np.dtype.kind not in "fc":
            require_float(op_name, x)
        return execute(op, (x,), _NOATTR)
    f.__name__ = op_name.lower()
    return f


def _any_unary(op_name, kinds):
    op = OPS[op_name]

    def f(x: Any, name: str | None = None) -> Tensor:
        if type(x) is not Tensor:
            x = tensor(x)
        if x._np.dtype.kind not in kinds:
            check_kind(op_name, x, kinds)
        return execute(op, (x,), _NOATTR)
    return f


exp = _float_unary("Exp")
expm1 = _float_unary("Expm1")
log = _float_unary("Log")
log1p = _float_unary("Log1p")
sqrt = _float_unary("Sqrt")
rsqrt = _float_unary("Rsqrt")
sin = _float_unary("Sin")
cos = _float_unary("Cos")
tan = _float_unary("Tan")
asin = _float_unary("Asin")
acos = _float_unary("Acos")
atan = _float_unary("Atan")
sinh = _float_unary("Sinh")
cosh = _float_unary("Cosh")
asinh = _float_unary("Asinh")
acosh = _float_unary("Acosh")
atanh = _float_unary("Atanh")
tanh = _float_unary("Tanh")
sigmoid = _float_unary("Sigmoid")
erf = _float_unary("Erf")
floor = _float_unary("Floor")
ceil = _float_unary("Ceil")
is_nan = _float_unary("IsNan")
is_inf = _float_unary("IsInf")
is_finite = _float_unary("IsFinite")
square = _any_unary("Square", "fiuc")
abs = _any_unary("Abs", "fic")
sign = _any_unary("Sign", "fic")
reciprocal = _any_unary("Reciprocal", "fc")
round = _any_unary("Round", "fic")


def log_sigmoid(x: Any, name: str | None = None) -> Tensor:
    """log(sigmoid(x)) computed stably as -softplus(-x)."""
    from . import nn_ops
    return negative(nn_ops.softplus(negative(x)))


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Tensor:
    """``tf.where``: select from x/y (broadcasting), or indices of true elements."""
    c = tensor(condition)
    if x is None and y is None:
        return execute(OPS["Where"], (c,), _NOATTR)  # an op, so traced functions recompute it
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    if c._np.dtype != np.bool_:
        raise InvalidArgumentError(None, "SelectV2", f"condition must be bool, got {c.dtype.name} [Op:SelectV2]")
    x, y = binary_args("SelectV2", x, y)
    return execute(OPS["Select"], (c, x, y), _NOATTR)


def clip_by_value(t: Any, clip_value_min: Any, clip_value_max: Any, name: str | None = None) -> Tensor:
    """Clamp ``t`` to ``[min, max]``; gradient flows where ``t`` is inside."""
    t = tensor(t)
    lo = _as(clip_value_min, t)
    hi = _as(clip_value_max, t)
    if (lo._np.ndim or hi._np.ndim) and np.broadcast_shapes(t._np.shape, lo._np.shape, hi._np.shape) != t._np.shape:
        big = lo if lo._np.ndim >= hi._np.ndim else hi
        raise ValueError(f"Shapes {t._np.shape} and {big._np.shape} are incompatible")
    return execute(OPS["ClipByValue"], (t, lo, hi), _NOATTR)


def _as(v: Any, ref: Tensor) -> Tensor:
    _, v = binary_args("ClipByValue", ref, v)
    return v


def _reduce(op_name, kinds="fiuc"):
    op = OPS[op_name]

    def f(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
        x = tensor(input_tensor)
        if x._np.dtype.kind not in kinds:
            check_kind(op_name, x, kinds)
        ax = normalize_axis(axis, x._np.ndim, op_name)
        return execute(op, (x,), {"axis": ax, "keepdims": bool(keepdims)})
    f.__name__ = "reduce_" + op_name.lower()
    return f


reduce_sum = _reduce("Sum")
reduce_mean = _reduce("Mean")
reduce_max = _reduce("Max", "fiu")
reduce_min = _reduce("Min", "fiu")
reduce_prod = _reduce("Prod")
reduce_logsumexp = _reduce("LogSumExp", "f")
reduce_any = _reduce("Any", "b")
reduce_all = _reduce("All", "b")


def reduce_variance(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    x = tensor(input_tensor)
    if x._np.dtype.kind not in "fc":
        raise TypeError(f"Input must be either real or complex. Received integer type {x.dtype!r}.")
    m = reduce_mean(x, axis=axis, keepdims=True)
    return reduce_mean(square(subtract(x, m)), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor: Any, axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def argmax(input: Any, axis: Any = None, output_type: Any = dtypes.int64, name: str | None = None) -> Tensor:
    """Index of the largest value along ``axis`` (default 0), first on ties."""
    x = tensor(input)
    return execute(OPS["ArgMax"], (x,), _arg_attrs(x, axis, output_type, "ArgMax"))


def argmin(input: Any, axis: Any = None, output_type: Any = dtypes.int64, name: str | None = None) -> Tensor:
    """Index of the smallest value along ``axis`` (default 0), first on ties."""
    x = tensor(input)
    return execute(OPS["ArgMin"], (x,), _arg_attrs(x, axis, output_type, "ArgMin"))


def _arg_attrs(x: Tensor, axis: Any, output_type: Any, op: str) -> dict:
    out = dtypes.as_dtype(output_type)
    if out.name not in ("int16", "uint16", "int32", "int64"):
        raise InvalidArgumentError(None, op, f"Value for attr 'output_type' of {out.name} is not in the list of "
                                   f"allowed values: int16, uint16, int32, int64 [Op:{op}]")
    if x._np.ndim == 0:
        raise InvalidArgumentError(None, op, f"Expected dimension in the range [0, 0), but got 0 [Op:{op}]")
    ax = 0 if axis is None else normalize_axis(axis, x._np.ndim, op)[0]
    return {"axis": ax, "output_type": out._np.str}


def _scan_axis(t: Tensor, axis: Any, op: str) -> int:
    check_kind(op, t, "fiuc")
    if t._np.ndim == 0:
        raise InvalidArgumentError(None, op, f"ScanOp: Expected scan axis in the range [0, 0), but got {axis} [Op:{op}]")
    return normalize_axis(axis, t._np.ndim, op)[0]


def cumsum(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None) -> Tensor:
    t = tensor(x)
    ax = _scan_axis(t, axis, "Cumsum")
    return execute(OPS["Cumsum"], (t,), {"axis": ax, "exclusive": bool(exclusive), "reverse": bool(reverse)})


def cumprod(x: Any, axis: int = 0, exclusive: bool = False, reverse: bool = False, name: str | None = None) -> Tensor:
    t = tensor(x)
    ax = _scan_axis(t, axis, "Cumprod")
    return execute(OPS["Cumprod"], (t,), {"axis": ax, "exclusive": bool(exclusive), "reverse": bool(reverse)})


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           adjoint_a: bool = False, adjoint_b: bool = False, a_is_sparse: bool = False,
           b_is_sparse: bool = False, output_type: Any = None, grad_a: bool = False,
           grad_b: bool = False, name: str | None = None) -> Tensor:
    """Matrix product of the last two dims; leading (batch) dims broadcast."""
    if type(b) is not Tensor and hasattr(type(b), "_as_tensor"):
        b = b._as_tensor()  # a Variable (e.g. a Dense kernel): read it once
    if type(a) is not Tensor and hasattr(type(a), "_as_tensor"):
        a = a._as_tensor()
    if (type(a) is Tensor and type(b) is Tensor and not (transpose_a or transpose_b or adjoint_a or adjoint_b)):
        an, bn = a._np, b._np  # fast path: plain float 2-D @ 2-D, already valid
        if (an.ndim == 2 and bn.ndim == 2 and an.dtype == bn.dtype and an.dtype.kind in "fc"
                and an.shape[1] == bn.shape[0]):
            return core.emit(_MATMUL, (a, b), _NO_TRANSPOSE, _np_matmul(an, bn))
    if type(a) is not Tensor or type(b) is not Tensor or a._np.dtype != b._np.dtype:
        a, b = binary_args("MatMul", a, b)
    if a._np.ndim < 2 or b._np.ndim < 2:
        raise InvalidArgumentError(None, "MatMul", f"In[0] and In[1] has different ndims: {list(a.shape)} vs. {list(b.shape)} [Op:MatMul]"
                                   if a._np.ndim != b._np.ndim else
                                   f"In[0] and In[1] must be at least rank 2: {list(a.shape)} vs. {list(b.shape)} [Op:MatMul]")
    if a._np.dtype.kind not in "fiuc":
        check_kind("MatMul", a, "fiuc")
    ta = bool(transpose_a or adjoint_a)
    tb = bool(transpose_b or adjoint_b)
    ka = a._np.shape[-2] if ta else a._np.shape[-1]
    kb = b._np.shape[-1] if tb else b._np.shape[-2]
    if ka != kb:
        raise InvalidArgumentError(
            None, "MatMul",
            f"Matrix size-incompatible: In[0]: {list(a.shape)}, In[1]: {list(b.shape)} [Op:MatMul] name: ")
    return execute(OPS["MatMul"], (a, b), {"transpose_a": ta, "transpose_b": tb})


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Tensor:
    """``tf.einsum`` (differentiable; explicit ``->`` output or implicit)."""
    xs = [tensor(x) for x in inputs]
    eq = equation.replace(" ", "")
    if "->" not in eq:
        ins = eq.split(",")
        letters = "".join(c for c in "".join(ins).replace(".", "") )
        out = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
        eq = eq + "->" + ("..." if "..." in eq else "") + out
    n_in = eq.split("->")[0].count(",") + 1
    if n_in != len(xs):
        raise ValueError(f'Got {len(xs)} inputs for equation "{equation}", expecting {n_in}')
    for i, x in enumerate(xs[1:], 1):
        if x._np.dtype != xs[0]._np.dtype:
            raise InvalidArgumentError(None, "Einsum", f"cannot compute Einsum as input #{i}(zero-based) was expected "
                                       f"to be a {xs[0].dtype.name} tensor but is a {x.dtype.name} tensor [Op:Einsum]")
    return execute(OPS["Einsum"], tuple(xs), {"equation": eq})


def tensordot(a: Any, b: Any, axes: Any, name: str | None = None) -> Tensor:
    """Sum over ``axes`` of ``a`` and ``b`` (an int N or a pair of axis lists)."""
    a, b = binary_args("TensorDot", a, b)
    na, nb = a._np.ndim, b._np.ndim
    if isinstance(axes, Tensor):
        axes = axes._np.tolist()
    if isinstance(axes, (int, np.integer)):
        ax_a = list(range(na - int(axes), na))
        ax_b = list(range(int(axes)))
    else:
        ax_a, ax_b = axes
        ax_a = [int(i) % na for i in np.atleast_1d(ax_a)]
        ax_b = [int(i) % nb for i in np.atleast_1d(ax_b)]
    letters = "abcdefghijklmnopqrstuvwxyz"
    sa = list(letters[:na])
    sb = list(letters[na:na + nb])
    for i, j in zip(ax_a, ax_b):
        sb[j] = sa[i]
    out = [c for k, c in enumerate(sa) if k not in ax_a] + [c for k, c in enumerate(sb) if k not in ax_b]
    return execute(OPS["Einsum"], (a, b), {"equation": "".join(sa) + "," + "".join(sb) + "->" + "".join(out)})


def norm(tensor_: Any, ord: Any = "euclidean", axis: Any = None, keepdims: bool = False, name: str | None = None) -> Tensor:
    """Vector norms (``euclidean``/2, 1, inf, p); matrix norms (fro, 1, inf) over an axis pair."""
    x = tensor(tensor_)
    pair = axis is not None and not isinstance(axis, (int, np.integer)) and len(list(np.ravel(axis))) == 2
    if not pair and ord == "fro":
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    if pair and ord not in ("euclidean", "fro", 1, 2, np.inf):
        raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], got {ord}")
    if pair and isinstance(ord, (int, float)) and ord in (1, np.inf):
        ax = normalize_axis(axis, x._np.ndim, "norm")
        s_ax, m_ax = (ax[0], ax[1]) if ord == 1 else (ax[1], ax[0])  # 1: max column sum, inf: max row sum
        r = reduce_max(reduce_sum(abs(x), axis=s_ax, keepdims=True), axis=m_ax, keepdims=True)
        if keepdims:
            return r
        from .array_ops import reshape
        return reshape(r, tuple(d for i, d in enumerate(x._np.shape) if i not in ax))
    if ord in ("euclidean", 2, 2.0, "fro"):
        return sqrt(reduce_sum(square(x), axis=axis, keepdims=keepdims))
    if ord in (1, 1.0):
        return reduce_sum(abs(x), axis=axis, keepdims=keepdims)
    if ord in (np.inf, "inf"):
        return reduce_max(abs(x), axis=axis, keepdims=keepdims)
    p = float(ord)
    if p <= 0:
        raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
    return pow(reduce_sum(pow(abs(x), p), axis=axis, keepdims=keepdims), 1.0 / p)


def count_nonzero(input: Any, axis: Any = None, keepdims: bool = False, dtype: Any = dtypes.int64, name: str | None = None) -> Tensor:
    x = tensor(input)
    ax = normalize_axis(axis, x._np.ndim, "CountNonzero")
    return wrap(np.asarray(np.count_nonzero(x._np, axis=ax, keepdims=keepdims)).astype(dtypes.as_dtype(dtype)._np))


def add_n(inputs: Any, name: str | None = None) -> Tensor:
    """Sum of a list of same-shaped tensors."""
    xs = [tensor(x) for x in inputs]
    if not xs:
        raise ValueError("inputs must be a non-empty list")
    for i, x in enumerate(xs[1:], 1):
        if x._np.shape != xs[0]._np.shape:
            raise InvalidArgumentError(None, "AddN", "Inputs to operation AddN of type AddN must have the same size "
                                       f"and shape.  Input 0: {list(xs[0]._np.shape)} != input {i}: "
                                       f"{list(x._np.shape)} [Op:AddN]")
    out = xs[0]
    for x in xs[1:]:
        out = add(out, x)
    return out if len(xs) > 1 else identity_(out)


def identity_(x: Tensor) -> Tensor:
    from .array_ops import identity
    return identity(x)


def scalar_mul(scalar: Any, x: Any, name: str | None = None) -> Tensor:
    """``scalar * x`` for a 0-D ``scalar``."""
    if np.ndim(scalar._np if type(scalar) is Tensor else scalar) != 0:
        raise ValueError(f"The input scalar must be a 0-D value. Received shape {np.shape(tensor(scalar)._np)}.")
    return multiply(scalar, x)

