"""Tensor creation: ``constant``, ``zeros``, ``ones``, ``fill``, ``eye``, ``range``, ``linspace``, ``one_hot``."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import core, dtypes
from ..framework.core import OPS, Tensor, convert_to_tensor, execute, register_op, wrap
from .dispatch import tensor

__all__ = ["constant", "zeros", "ones", "fill", "eye", "range", "linspace", "one_hot",
           "zeros_like", "ones_like", "convert_to_tensor"]

_builtin_range = range


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const") -> Tensor:
    """A tensor from a Python/numpy value; ``shape`` broadcasts a scalar (or reshapes)."""
    if isinstance(value, Tensor) or hasattr(type(value), "_as_tensor"):
        t = convert_to_tensor(value)
        if dtype is not None and t.dtype != dtypes.as_dtype(dtype):
            from .array_ops import cast
            t = cast(t, dtype)
        t = wrap(np.array(t._np, copy=True))
    else:
        t = convert_to_tensor(value, dtype)
    if shape is not None:
        shape = tuple(int(d) for d in np.asarray(shape).reshape(-1))
        a = t._np
        n = int(np.prod(shape, dtype=np.int64))
        if a.size == n:
            return wrap(np.reshape(a, shape))
        if a.size == 1:
            return wrap(np.full(shape, np.asarray(a).reshape(()), dtype=a.dtype))
        raise TypeError(f"Eager execution of tf.constant with unsupported shape. Tried to convert "
                        f"{a.size} elements to shape {list(shape)}.")
    return t


def _shape_arg(shape: Any) -> tuple:
    if isinstance(shape, Tensor):
        shape = shape._np
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in np.asarray(shape, dtype=np.int64).reshape(-1))


def zeros(shape: Any, dtype: Any = dtypes.float32, name: str | None = None, layout: Any = None) -> Tensor:
    return wrap(np.zeros(_shape_arg(shape), dtype=dtypes.as_dtype(dtype)._np))


def ones(shape: Any, dtype: Any = dtypes.float32, name: str | None = None, layout: Any = None) -> Tensor:
    return wrap(np.ones(_shape_arg(shape), dtype=dtypes.as_dtype(dtype)._np))


def fill(dims: Any, value: Any, name: str | None = None, layout: Any = None) -> Tensor:
    v = tensor(value)
    return wrap(np.full(_shape_arg(dims), v._np, dtype=v._np.dtype))


def zeros_like(input: Any, dtype: Any = None, name: str | None = None, layout: Any = None) -> Tensor:
    x = tensor(input)
    if dtype is None:
        return execute(OPS["ZerosLike"], (x,), {})
    return wrap(np.zeros(x._np.shape, dtype=dtypes.as_dtype(dtype)._np))


def ones_like(input: Any, dtype: Any = None, name: str | None = None, layout: Any = None) -> Tensor:
    x = tensor(input)
    if dtype is None:
        return execute(OPS["OnesLike"], (x,), {})
    return wrap(np.ones(x._np.shape, dtype=dtypes.as_dtype(dtype)._np))


def eye(num_rows: int, num_columns: int | None = None, batch_shape: Any = None,
        dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
    m = np.eye(int(num_rows), int(num_columns) if num_columns is not None else None,
               dtype=dtypes.as_dtype(dtype)._np)
    if batch_shape is not None:
        m = np.broadcast_to(m, _shape_arg(batch_shape) + m.shape).copy()
    return wrap(m)


def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name: str = "range") -> Tensor:
    """``tf.range``: int32 for int arguments, float32 when any is a float."""
    if limit is None:
        start, limit = 0, start
    vals = [v._np.item() if isinstance(v, Tensor) else v for v in (start, limit, delta)]
    if dtype is None:
        dts = [convert_to_tensor(v).dtype for v in (start, limit, delta)]
        order = [dtypes.int32, dtypes.int64, dtypes.float32, dtypes.float64]
        dt = max(dts, key=lambda d: order.index(d) if d in order else 0)
    else:
        dt = dtypes.as_dtype(dtype)
    npd = dt._np
    s, l, d = (np.asarray(v).astype(npd) for v in vals)  # TF casts the arguments first
    from ..framework.errors import InvalidArgumentError
    if d == 0:
        raise InvalidArgumentError(None, "Range", f"Requires delta != 0: {d} [Op:Range]")
    if d > 0 and s > l:
        raise InvalidArgumentError(None, "Range", f"Requires start <= limit when delta > 0: {s}/{l} [Op:Range]")
    if d < 0 and s < l:
        raise InvalidArgumentError(None, "Range", f"Requires start >= limit when delta < 0: {s}/{l} [Op:Range]")
    if npd.kind in "iu":
        n = -(-abs(int(l) - int(s)) // abs(int(d)))
    else:
        n = int(np.ceil(np.abs((l - s) / d)))
    # Like TF's kernel: element i is start + i * delta computed in the output dtype.
    return wrap((s + np.arange(n).astype(npd) * d).astype(npd, copy=False))


def linspace(start: Any, stop: Any, num: Any, name: str | None = None, axis: int = 0) -> Tensor:
    s, e = tensor(start), tensor(stop)
    dt = s._np.dtype if s._np.dtype.kind == "f" else np.float64  # TF: integer endpoints give float64
    r = np.linspace(s._np, e._np, int(tensor(num)._np), axis=axis).astype(dt)
    return wrap(r)


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None, axis: int | None = None,
            dtype: Any = None, name: str | None = None) -> Tensor:
    """One-hot encode ``indices`` (out-of-range indices give all ``off_value``)."""
    idx_t = tensor(indices)
    if dtype is None:
        dtype = tensor(on_value).dtype if on_value is not None else (tensor(off_value).dtype if off_value is not None else dtypes.float32)
    dt = dtypes.as_dtype(dtype)._np
    on = np.asarray(tensor(on_value)._np if on_value is not None else 1, dtype=dt)
    off = np.asarray(tensor(off_value)._np if off_value is not None else 0, dtype=dt)
    depth = int(tensor(depth)._np)
    return execute(OPS["OneHot"], (idx_t,), {"depth": depth, "on": on[()], "off": off[()], "dtype": np.dtype(dt).str,
                                            "axis": -1 if axis is None else int(axis)})


def _one_hot_kernel(idx, depth, on, off, dtype, axis):
    out = np.where(np.asarray(idx)[..., None] == np.arange(depth), np.asarray(on, dtype), np.asarray(off, dtype))
    return np.moveaxis(out, -1, axis) if axis != -1 else out


register_op("OneHot", _one_hot_kernel, None)
