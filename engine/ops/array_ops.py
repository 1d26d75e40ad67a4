"""Array ops (``tf.reshape``, ``tf.concat``, ``tf.gather``, slicing, padding, sorting ...).

Shape moves and index ops with their gradients.  Every vjp is written with
``K.<Op>`` calls only, and every op a vjp uses has a vjp of its own
(StridedSlice <-> StridedSliceGrad, GatherV2 -> UnsortedSegmentSum <->
GatherDropNegatives, GatherNd <-> ScatterNd, MirrorPad <-> MirrorPadGrad,
TakeAlongAxis <-> PutAlongAxis ...), so gradients of gradients work.

Multi-output ops (Unpack, SplitV, TopKV2) mark their vjp ``accepts_none``: the
tape then passes ``None`` for outputs nobody used, and the vjp assembles one
dense buffer instead of materialising a zeros array per missing slice.
"""
from __future__ import annotations

import collections
import numbers
from typing import Any

import numpy as np

from ..framework import core
from ..framework import dtypes as _dtypes
from ..framework.core import OPS, Tensor, execute, register_op, wrap
from ..framework.errors import InvalidArgumentError
from .dispatch import tensor

_NOATTR: dict = {}
_pyslice = slice  # the builtin: this module defines ``tf.slice``
_convert = tensor  # for wrappers whose TF argument is named ``tensor``

__all__ = [
    "argsort", "boolean_mask", "broadcast_to", "cast", "concat", "expand_dims", "gather",
    "gather_nd", "getitem", "identity", "pad", "rank", "repeat", "reshape", "reverse", "scatter_nd",
    "shape", "shape_n", "size", "slice", "sort", "split", "squeeze", "stack", "strided_slice",
    "tensor_scatter_nd_add", "tensor_scatter_nd_sub", "tensor_scatter_nd_update", "tile", "top_k",
    "transpose", "unsorted_segment_sum", "unstack",
]


# ---------------------------------------------------------------------------
# Broadcasting and its gradient (the unbroadcast reduction with a gemv fast path).
def sum_to(g: Any, shape: tuple) -> Any:
    """Sum ``g`` down to ``shape`` (reverse of numpy broadcasting)."""
    gs = g.shape
    if gs == shape:
        return g
    nd = len(gs) - len(shape)
    axes = tuple(range(nd)) + tuple(i + nd for i, s in enumerate(shape) if s == 1 and gs[i + nd] != 1)
    if not axes:
        return np.reshape(g, shape)
    if (axes == tuple(range(len(axes))) and isinstance(g, np.ndarray) and g.flags.c_contiguous
            and g.dtype.kind == "f" and g.ndim >= 2):
        m = 1
        for a in axes:
            m *= gs[a]
        if m > 1:  # BLAS gemv: ~10x faster than g.sum(0) on tall arrays
            return (np.ones(m, dtype=g.dtype) @ g.reshape(m, -1)).reshape(shape)
    return np.reshape(g.sum(axis=axes), shape)


def _sum_to_vjp(K, g, xs, y, shapes, attrs, needs):
    return (K.BroadcastTo(g, shape=tuple(shapes[0])),)


def _broadcast_to_vjp(K, g, xs, y, shapes, attrs, needs):
    return (K.SumTo(g, shape=tuple(shapes[0])),)


register_op("SumTo", lambda g, shape: sum_to(g, tuple(shape)), _sum_to_vjp, save_inputs=False)
register_op("BroadcastTo", lambda x, shape: np.broadcast_to(x, tuple(shape)), _broadcast_to_vjp,
            save_inputs=False)


def _reshape_vjp(K, g, xs, y, shapes, attrs, needs):
    return (K.Reshape(g, shape=tuple(shapes[0])),)


register_op("Reshape", lambda x, shape: np.reshape(x, shape), _reshape_vjp, save_inputs=False)


def _transpose_vjp(K, g, xs, y, shapes, attrs, needs):
    perm = attrs["perm"]
    return (K.Transpose(g, perm=tuple(np.argsort(perm))),)


register_op("Transpose", lambda x, perm: np.transpose(x, perm), _transpose_vjp, save_inputs=False)


def _identity_vjp(K, g, xs, y, shapes, attrs, needs):
    return (g,)


register_op("Identity", lambda x: x, _identity_vjp, save_inputs=False)


def _cast_vjp(K, g, xs, y, shapes, attrs, needs):
    src = attrs["src"]
    if np.dtype(src).kind not in "fc":
        return (None,)
    return (K.Cast(g, dtype=src, src=np.dtype(attrs["dtype"]).str),)


def _cast_kernel(x, dtype, src):
    if src[1] in "fc" and dtype[1] in "iu":  # out-of-range floats: TF gives a value, not a warning
        with np.errstate(invalid="ignore", over="ignore"):
            return np.asarray(x).astype(dtype)
    return np.asarray(x).astype(dtype)


register_op("Cast", _cast_kernel, _cast_vjp, save_inputs=False)


def broadcast_to(input: Any, shape: Any, name: str | None = None) -> Tensor:
    """Broadcast ``input`` to ``shape`` (numpy rules)."""
    x = tensor(input)
    return execute(OPS["BroadcastTo"], (x,), {"shape": tuple(int(d) for d in np.asarray(tensor(shape)._np).reshape(-1))})


def reshape(tensor_: Any, shape: Any, name: str | None = None) -> Tensor:
    """``tf.reshape``; one dimension may be -1."""
    x = tensor(tensor_)
    if type(shape) is Tensor:
        shape = shape._np.tolist()
    shape = tuple(int(d) for d in np.asarray(shape, dtype=np.int64).reshape(-1)) if not isinstance(shape, tuple) else tuple(int(d) for d in shape)
    return execute(OPS["Reshape"], (x,), {"shape": shape})


def transpose(a: Any, perm: Any = None, conjugate: bool = False, name: str | None = None) -> Tensor:
    """``tf.transpose``; default reverses the axes."""
    x = tensor(a)
    if perm is None:
        perm = tuple(range(x._np.ndim))[::-1]
    else:
        perm = tuple(int(p) % max(x._np.ndim, 1) for p in np.asarray(tensor(perm)._np).reshape(-1))
    return execute(OPS["Transpose"], (x,), {"perm": perm})


def identity(input: Any, name: str | None = None) -> Tensor:
    """A new tensor with the same value (gradient passes through)."""
    return execute(OPS["Identity"], (tensor(input),), _NOATTR)


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """``tf.cast``: change the element type (float→int truncates toward zero)."""
    t = tensor(x)
    target = _dtypes.as_dtype(dtype)._np
    if t._np.dtype == target:
        return t
    return execute(OPS["Cast"], (t,), {"dtype": target.str, "src": t._np.dtype.str})


# ===========================================================================
# Helpers shared by the wrappers below.
def _bad(op: str, msg: str) -> InvalidArgumentError:
    """TF-style ``InvalidArgumentError`` for op ``op``."""
    return InvalidArgumentError(None, op, f"{msg} [Op:{op}]")


def _dims(shape: Any) -> str:
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _prod(shape: Any) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _is_tensorlike(v: Any) -> bool:
    return isinstance(v, Tensor) or hasattr(type(v), "_as_tensor")


def _value(v: Any) -> Any:
    """The numpy value of a tensor-like, else ``v`` itself."""
    if type(v) is Tensor:
        return v._np
    if _is_tensorlike(v):
        return core.convert_to_tensor(v)._np
    return v


def _int(v: Any) -> int:
    """A Python int from an int, numpy integer or scalar tensor."""
    if type(v) is int:
        return v
    return int(np.asarray(_value(v)).reshape(()))


def _int_list(v: Any) -> list:
    """A list of Python ints from an int, list, numpy array or tensor."""
    v = _value(v)
    if isinstance(v, (int, np.integer)):
        return [int(v)]
    if isinstance(v, (list, tuple)):
        return [_int(d) for d in v]
    return [int(d) for d in np.asarray(v).reshape(-1)]


def _np_dtype(t: Any) -> np.dtype:
    """dtype of a numpy array or Tensor (used on metadata only inside vjps)."""
    return t._np.dtype if isinstance(t, Tensor) else t.dtype


def _require_int_indices(t: Tensor, op: str, attr: str) -> None:
    if t._np.dtype.kind not in "iu":
        raise _bad(op, f"Value for attr '{attr}' of {t.dtype.name} is not in the list of allowed values: "
                       "int16, int32, int64")


def _has_tensor(v: Any) -> bool:
    if _is_tensorlike(v):
        return True
    return isinstance(v, (list, tuple)) and any(_has_tensor(e) for e in v)


_TF_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def _tf_type_name(npdtype: Any) -> str:
    """TF's DataTypeString (``float`` for float32, ``double`` for float64)."""
    name = _dtypes.as_dtype(npdtype).name
    return _TF_TYPE_NAMES.get(name, name)


def _convert_n(values: Any, op: str) -> list:
    """Convert a list of op inputs to one dtype like TF: the first tensor decides, Python values follow."""
    vals = list(values)
    conv: list = [None] * len(vals)
    ref = None
    for i, v in enumerate(vals):
        if _is_tensorlike(v):
            conv[i] = core.convert_to_tensor(v)
        elif isinstance(v, (list, tuple)) and _has_tensor(v):
            conv[i] = stack(v)  # nested lists of tensors pack (and stay differentiable)
        else:
            continue
        if ref is None:
            ref = conv[i]._np.dtype
    for i, v in enumerate(vals):
        if conv[i] is None:
            conv[i] = core.convert_to_tensor(v, ref) if ref is not None else core.convert_to_tensor(v)
            if ref is None:
                ref = conv[i]._np.dtype
        if conv[i]._np.dtype != ref:
            raise _bad(op, f"cannot compute {op} as input #{i}(zero-based) was expected to be a "
                           f"{_tf_type_name(ref)} tensor but is a {_tf_type_name(conv[i]._np.dtype)} tensor")
    return conv


def _same_dtype_tensors(values: Any) -> bool:
    if not values or type(values[0]) is not Tensor:
        return False
    d = values[0]._np.dtype
    for v in values:
        if type(v) is not Tensor or v._np.dtype != d:
            return False
    return True


def _scatter_add_rows(out2d: np.ndarray, rows: np.ndarray, data2d: np.ndarray) -> None:
    """``out2d[rows] += data2d`` with repeated rows summed (in place on a fresh buffer)."""
    width = out2d.shape[1]
    if not width or not rows.size:
        return
    if width == 1:
        np.add.at(out2d[:, 0], rows, data2d[:, 0])
        return
    # One flat 1-D add.at is 2-3x faster than a 2-D one (measured, numpy 2.4).
    flat = (rows.astype(np.intp)[:, None] * width + np.arange(width)).reshape(-1)
    np.add.at(out2d.reshape(-1), flat, data2d.reshape(-1))


# ===========================================================================
# concat / stack / unstack / split
def _concat_kernel(*xs, axis):
    return np.concatenate(xs, axis=axis)


def _concat_vjp(K, g, xs, y, s, a, n):
    axis = a["axis"]
    parts = K.SplitV(g, sizes=tuple(sh[axis] for sh in s), axis=axis)
    return tuple(p if need else None for p, need in zip(parts, n))


def _split_kernel(x, sizes, axis):
    pre = (_pyslice(None),) * axis
    out = []
    start = 0
    for k in sizes:
        out.append(x[pre + (_pyslice(start, start + k),)])
        start += k
    return tuple(out)


def _split_vjp(K, g, xs, y, s, a, n):
    axis, sizes = a["axis"], a["sizes"]
    if not isinstance(g, tuple):  # a one-piece split: the tape passes the bare gradient
        return (g,)
    if all(gi is not None for gi in g):
        return (K.ConcatV2(*g, axis=axis),)
    starts, lens, pieces = [], [], []
    off = 0
    for gi, k in zip(g, sizes):
        if gi is not None:
            starts.append(off)
            lens.append(k)
            pieces.append(gi)
        off += k
    return (K.AssembleSlices(*pieces, shape=tuple(s[0]), axis=axis, starts=tuple(starts), sizes=tuple(lens)),)


_split_vjp.accepts_none = True


def _pack_kernel(*xs, axis):
    return np.stack(xs, axis=axis)


def _pack_vjp(K, g, xs, y, s, a, n):
    parts = K.Unpack(g, num=len(s), axis=a["axis"])
    return tuple(p if need else None for p, need in zip(parts, n))


def _unpack_kernel(x, num, axis):
    return tuple(np.moveaxis(x, axis, 0) if axis else x)


def _unpack_vjp(K, g, xs, y, s, a, n):
    axis = a["axis"]
    if not isinstance(g, tuple):  # num == 1: the tape passes the bare gradient
        return (K.Reshape(g, shape=tuple(s[0])),)
    if all(gi is not None for gi in g):
        return (K.Pack(*g, axis=axis),)
    present = tuple(i for i, gi in enumerate(g) if gi is not None)
    return (K.AssembleSlices(*[g[i] for i in present], shape=tuple(s[0]), axis=axis, starts=present,
                             sizes=None),)


_unpack_vjp.accepts_none = True


def _assemble_kernel(*pieces, shape, axis, starts, sizes):
    """Zeros of ``shape`` with ``pieces`` written at ``starts`` along ``axis`` (squeezed if sizes is None)."""
    out = np.zeros(shape, dtype=pieces[0].dtype)
    pre = (_pyslice(None),) * axis
    for i, (p, st) in enumerate(zip(pieces, starts)):
        out[pre + ((st,) if sizes is None else (_pyslice(st, st + sizes[i]),))] = p
    return out


def _assemble_vjp(K, g, xs, y, s, a, n):
    axis, starts, sizes = a["axis"], a["starts"], a["sizes"]
    pre = ((None, None, None),) * axis
    out = []
    for i, st in enumerate(starts):
        if not n[i]:
            out.append(None)
            continue
        key = pre + ((st,) if sizes is None else ((st, st + sizes[i], None),))
        out.append(K.StridedSlice(g, key=key))
    return tuple(out)


# n_out=2 marks these as multi-output ops; the real count is in their attrs.
register_op("ConcatV2", _concat_kernel, _concat_vjp, save_inputs=False)
register_op("SplitV", _split_kernel, _split_vjp, n_out=2, save_inputs=False)
register_op("Pack", _pack_kernel, _pack_vjp, save_inputs=False)
register_op("Unpack", _unpack_kernel, _unpack_vjp, n_out=2, save_inputs=False)
register_op("AssembleSlices", _assemble_kernel, _assemble_vjp, save_inputs=False)


def _concat_error(xs: tuple, ax: int) -> InvalidArgumentError | None:
    s0 = xs[0]._np.shape
    for i, x in enumerate(xs[1:], 1):
        si = x._np.shape
        if len(si) != len(s0):
            return _bad("ConcatV2", f"ConcatOp : Ranks of all input tensors should match: shape[0] = "
                                    f"{_dims(s0)} vs. shape[{i}] = {_dims(si)}")
        for d, (p, q) in enumerate(zip(s0, si)):
            if d != ax and p != q:
                return _bad("ConcatV2", f"ConcatOp : Dimension {d} in both shapes must be equal: shape[0] = "
                                        f"{_dims(s0)} vs. shape[{i}] = {_dims(si)}")
    return None


def concat(values: Any, axis: Any, name: str = "concat") -> Tensor:
    """Join tensors along an existing ``axis`` (negative counts from the end)."""
    if not isinstance(values, (list, tuple)):
        values = [values]
    if not values:
        raise _bad("ConcatV2", "ConcatV2 needs at least one input tensor")
    if len(values) == 1:
        _int(axis)
        return identity(values[0])
    xs = tuple(values) if _same_dtype_tensors(values) else tuple(_convert_n(values, "ConcatV2"))
    nd = xs[0]._np.ndim
    ax = axis if type(axis) is int else _int(axis)
    if nd == 0:
        raise _bad("ConcatV2", "ConcatOp : Can't concatenate scalars (use tf.stack instead)")
    if not -nd <= ax < nd:
        raise _bad("ConcatV2", f"ConcatOp : Expected concatenating dimensions in the range [{-nd}, {nd}), "
                               f"but got {ax}")
    if ax < 0:
        ax += nd
    try:
        return execute(OPS["ConcatV2"], xs, {"axis": ax})
    except InvalidArgumentError:
        err = _concat_error(xs, ax)
        if err is None:
            raise
        raise err from None


def stack(values: Any, axis: int = 0, name: str = "stack") -> Tensor:
    """Pack same-shaped tensors along a new ``axis``."""
    vals = list(values)
    if (type(axis) is int and axis == 0) and not any(_has_tensor(v) for v in vals):
        try:  # a constant list converts directly, as in TF
            return core.convert_to_tensor(vals)
        except (TypeError, ValueError):
            pass
    if not vals:
        raise ValueError("stack needs at least one value")
    xs = tuple(vals) if _same_dtype_tensors(vals) else tuple(_convert_n(vals, "Pack"))
    nd = xs[0]._np.ndim + 1
    ax = _int(axis)
    if not -nd <= ax < nd:
        raise ValueError(f"Argument `axis` = {ax} not in range [{-nd}, {nd})")
    if ax < 0:
        ax += nd
    s0 = xs[0]._np.shape
    for i, x in enumerate(xs):
        if x._np.shape != s0:
            raise _bad("Pack", f"Shapes of all inputs must match: values[0].shape = {_dims(s0)} != "
                               f"values[{i}].shape = {_dims(x._np.shape)}")
    return execute(OPS["Pack"], xs, {"axis": ax})


def unstack(value: Any, num: int | None = None, axis: int = 0, name: str = "unstack") -> list:
    """Split ``value`` into a list of tensors along ``axis`` (that dimension removed)."""
    x = tensor(value)
    shape = x._np.shape
    nd = len(shape)
    ax = _int(axis)
    if not -nd <= ax < nd:
        raise ValueError(f"Argument `axis` = {ax} not in range [{-nd}, {nd})")
    if ax < 0:
        ax += nd
    n = shape[ax]
    if num is not None and _int(num) != n:
        raise _bad("Unpack", f"Input shape axis {ax} must equal {_int(num)}, got shape {_dims(shape)}")
    if n == 0:
        return []
    return list(execute(OPS["Unpack"], (x,), {"num": n, "axis": ax}))


def split(value: Any, num_or_size_splits: Any, axis: Any = 0, num: int | None = None,
          name: str = "split") -> list:
    """Split into ``num_or_size_splits`` equal parts, or parts of the listed sizes (one may be -1)."""
    x = tensor(value)
    shape = x._np.shape
    nd = len(shape)
    s = num_or_size_splits
    if _is_tensorlike(s) and np.ndim(_value(s)) == 0:
        raise ValueError("Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
                         f"Argument provided: {s}")
    is_num = isinstance(s, (int, np.integer))
    op = "Split" if is_num else "SplitV"
    ax = _int(axis)
    if not -nd <= ax < nd:
        raise _bad(op, f"-input rank(-{nd}) <= split_dim < input rank ({nd}), but got {ax}")
    if ax < 0:
        ax += nd
    dim = shape[ax]
    if is_num:
        k = _int(s)
        if k < 1:
            raise _bad(op, f"Value for attr 'num_split' of {k} must be at least minimum 1")
        if dim % k:
            raise _bad(op, f"Number of ways to split should evenly divide the split dimension, but got "
                           f"split_dim {ax} (size = {dim}) and num_split {k}")
        sizes = (dim // k,) * k
    else:
        sz = _int_list(s)
        if not sz:
            raise _bad(op, "Value for attr 'num_split' of 0 must be at least minimum 1")
        if sz.count(-1) > 1:
            raise _bad(op, "There can only be one -1 in the input.")
        for i, v in enumerate(sz):
            if v < -1:
                raise _bad(op, f"Split size at index {i} must be >= 0. Got: {v}")
        known = sum(v for v in sz if v != -1)
        if (known > dim) if -1 in sz else (known != dim):
            raise _bad(op, "Determined shape must either match input shape along split_dim exactly if fully "
                           "specified, or be less than the size of the input along split_dim if not fully "
                           f"specified.  Got: {known}")
        if -1 in sz:
            sz[sz.index(-1)] = dim - known
        sizes = tuple(sz)
    return list(execute(OPS["SplitV"], (x,), {"sizes": sizes, "axis": ax}))


# ===========================================================================
# Slicing: one StridedSlice op for ``x[key]``, ``tf.slice`` and ``tf.strided_slice``.
# Its ``key`` attr is a tuple of: int (index, drops the axis), None (new axis),
# Ellipsis, or a (start, stop, step) tuple for a slice - numpy basic indexing.
_KEY_CACHE: dict = {}


def _np_key(key: tuple) -> tuple:
    """The numpy index for a key attr (memoised: slices are rebuilt on every call otherwise)."""
    r = _KEY_CACHE.get(key)
    if r is None:
        if len(_KEY_CACHE) > 4096:
            _KEY_CACHE.clear()
        r = _KEY_CACHE[key] = tuple(_pyslice(*k) if k.__class__ is tuple else k for k in key)
    return r


def _strided_slice_kernel(x, key):
    return x[_np_key(key)]


def _strided_slice_vjp(K, g, xs, y, s, a, n):
    return (K.StridedSliceGrad(g, shape=tuple(s[0]), key=a["key"]),)


def _strided_slice_grad_kernel(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    out[_np_key(key)] = g
    return out


def _strided_slice_grad_vjp(K, g, xs, y, s, a, n):
    return (K.StridedSlice(g, key=a["key"]),)


register_op("StridedSlice", _strided_slice_kernel, _strided_slice_vjp, save_inputs=False)
register_op("StridedSliceGrad", _strided_slice_grad_kernel, _strided_slice_grad_vjp, save_inputs=False)
_SS = OPS["StridedSlice"]

_SLICE_TYPE_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                     "tf.int32/tf.int64 tensors are valid indices")
_INDEX_DTYPES = (np.dtype(np.int16), np.dtype(np.int32), np.dtype(np.int64))


def _index_value(k: Any) -> int:
    """A Python int from an index (int, numpy integer, scalar int16/32/64 tensor); TypeError otherwise."""
    if isinstance(k, bool):
        raise _bad("StridedSlice", "Value for attr 'Index' of bool is not in the list of allowed values: "
                                   "int16, int32, int64")
    if isinstance(k, numbers.Integral):
        return int(k)
    if getattr(k, "dtype", None) is not None:
        arr = np.asarray(_value(k))
        if arr.ndim == 0 and arr.dtype in _INDEX_DTYPES:
            return int(arr)
    raise TypeError(f"{_SLICE_TYPE_ERROR}, got {k!r}")


def _encode_key(shape: tuple, spec: Any) -> tuple:
    """Validate an index spec against ``shape`` like TF; return the op's key attr.

    Items may be ints, slices, None, Ellipsis or index-likes (numpy ints, scalar int tensors)."""
    nd = len(shape)
    n_ell = consume = 0
    for k in spec:
        if k is Ellipsis:
            n_ell += 1
        elif k is not None:
            consume += 1
    if n_ell > 1:
        raise _bad("StridedSlice", "Multiple ellipses in slice spec not allowed")
    if consume > nd:
        raise _bad("StridedSlice", "Attempting to slice scalar input." if nd == 0 else
                   f"Index out of range using input dim {nd}; input has only {nd} dims")
    out = []
    d = 0
    for pos, k in enumerate(spec):
        c = k.__class__
        if c is _pyslice:
            a, b, st = k.start, k.stop, k.step
            if not ((a is None or a.__class__ is int) and (b is None or b.__class__ is int)
                    and (st is None or st.__class__ is int)):
                a, b, st = (None if v is None else _index_value(v) for v in (a, b, st))
            if st == 0:
                raise _bad("StridedSlice", f"strides[{pos}] must be non-zero")
            out.append((a, b, st))
            d += 1
        elif k is None:
            out.append(None)
        elif k is Ellipsis:
            d += nd - consume
            out.append(k)
        else:
            if c is not int:
                k = _index_value(k)
            n = shape[d]
            if k < -n or k >= n:
                raise _bad("StridedSlice", f"slice index {k + n if k < 0 else k} of dimension {d} out of bounds.")
            out.append(k)
            d += 1
    return tuple(out)


def getitem(tensor_: Any, key: Any) -> Tensor:
    """``tensor[key]`` with TF's rules: ints, slices (any step), ``...``, ``None``, scalar int
    tensors, and a boolean mask (``tf.boolean_mask``); other keys raise TypeError."""
    x = tensor_ if type(tensor_) is Tensor else tensor(tensor_)
    c = key.__class__
    if c is int:
        shape = x._np.shape
        if not shape:
            raise _bad("StridedSlice", "Attempting to slice scalar input.")
        n = shape[0]
        if key < -n or key >= n:
            raise _bad("StridedSlice", f"slice index {key + n if key < 0 else key} of dimension 0 out of bounds.")
        return execute(_SS, (x,), {"key": (key,)})
    if c is tuple:
        return execute(_SS, (x,), {"key": _encode_key(x._np.shape, key)})
    if c is list:
        return execute(_SS, (x,), {"key": _encode_key(x._np.shape, key)})
    if c is bool or (c is np.ndarray and key.dtype == np.bool_) or (
            _is_tensorlike(key) and _value(key).dtype == np.bool_):
        return boolean_mask(x, key)
    return execute(_SS, (x,), {"key": _encode_key(x._np.shape, (key,))})


def slice(input_: Any, begin: Any, size: Any, name: str | None = None) -> Tensor:
    """``tf.slice``: the block starting at ``begin`` of extent ``size`` (-1 = to the end)."""
    x = tensor(input_)
    shape = x._np.shape
    nd = len(shape)
    b, sz = _int_list(begin), _int_list(size)
    if len(b) != nd or len(sz) != nd:
        raise _bad("Slice", f"Expected begin and size arguments to be 1-D tensors of size {nd}, but got "
                            f"shapes [{len(b)}] and [{len(sz)}] instead.")
    key = []
    for i, n in enumerate(shape):
        if not 0 <= b[i] <= n:
            raise _bad("Slice", f"Expected begin[{i}] in [0, {n}], but got {b[i]}")
        k = n - b[i] if sz[i] == -1 else sz[i]
        if not 0 <= k <= n - b[i]:
            raise _bad("Slice", f"Expected size[{i}] in [0, {n - b[i]}], but got {sz[i]}")
        key.append((b[i], b[i] + k, None))
    return execute(_SS, (x,), {"key": tuple(key)})


def strided_slice(input_: Any, begin: Any, end: Any, strides: Any = None, begin_mask: int = 0,
                  end_mask: int = 0, ellipsis_mask: int = 0, new_axis_mask: int = 0,
                  shrink_axis_mask: int = 0, var: Any = None, name: str | None = None) -> Tensor:
    """``tf.strided_slice`` with the five bit masks (TF semantics)."""
    x = tensor(input_)
    b, e = _int_list(begin), _int_list(end)
    st = _int_list(strides) if strides is not None else [1] * len(b)
    if not len(b) == len(e) == len(st):
        raise _bad("StridedSlice", f"Expected begin, end, and strides to be 1D equal size tensors, but got "
                                   f"shapes [{len(b)}], [{len(e)}], and [{len(st)}] instead.")
    spec: list = []
    for i in range(len(b)):
        bit = 1 << i
        if ellipsis_mask & bit:
            spec.append(Ellipsis)
        elif new_axis_mask & bit:
            spec.append(None)
        elif shrink_axis_mask & bit:
            if st[i] != 1:
                raise _bad("StridedSlice", "only stride 1 allowed on non-range indexing.")
            spec.append(b[i])
        else:
            spec.append(_pyslice(None if begin_mask & bit else b[i], None if end_mask & bit else e[i], st[i]))
    return execute(_SS, (x,), {"key": _encode_key(x._np.shape, spec)})


# ===========================================================================
# pad / tile / reverse / expand_dims / squeeze
def _pad_kernel(x, paddings, constant_values):
    shape = tuple(d + lo + hi for d, (lo, hi) in zip(x.shape, paddings))
    out = (np.full(shape, constant_values, dtype=x.dtype) if constant_values
           else np.zeros(shape, dtype=x.dtype))
    out[tuple(_pyslice(lo, lo + d) for d, (lo, _) in zip(x.shape, paddings))] = x
    return out


def _pad_vjp(K, g, xs, y, s, a, n):
    key = tuple((lo, lo + d, None) for d, (lo, _) in zip(s[0], a["paddings"]))
    return (K.StridedSlice(g, key=key),)


def _mirror_pad_kernel(x, paddings, mode):
    return np.pad(x, paddings, mode="reflect" if mode == "REFLECT" else "symmetric")


def _mirror_pad_grad_kernel(g, paddings, mode):
    """Fold the mirrored borders of ``g`` back onto the interior (adjoint of MirrorPad)."""
    off = 1 if mode == "REFLECT" else 0
    for ax, (lo, hi) in enumerate(paddings):
        if not lo and not hi:
            continue
        gm = np.moveaxis(g, ax, 0)
        n = gm.shape[0] - lo - hi
        inner = gm[lo:lo + n].copy()
        if lo:
            inner[off:off + lo] += gm[:lo][::-1]
        if hi:
            inner[n - off - hi:n - off] += gm[lo + n:][::-1]
        g = np.moveaxis(inner, 0, ax)
    return g


def _mirror_pad_vjp(K, g, xs, y, s, a, n):
    return (K.MirrorPadGrad(g, paddings=a["paddings"], mode=a["mode"]),)


def _mirror_pad_grad_vjp(K, g, xs, y, s, a, n):
    return (K.MirrorPad(g, paddings=a["paddings"], mode=a["mode"]),)


def _tile_vjp(K, g, xs, y, s, a, n):
    shape, mult = tuple(s[0]), a["multiples"]
    if all(m == 1 for m in mult):
        return (g,)
    inter = tuple(v for m, d in zip(mult, shape) for v in (m, d))
    return (K.Sum(K.Reshape(g, shape=inter), axis=tuple(range(0, 2 * len(shape), 2)), keepdims=False),)


def _reverse_vjp(K, g, xs, y, s, a, n):
    return (K.ReverseV2(g, axis=a["axis"]),)


register_op("Pad", _pad_kernel, _pad_vjp, save_inputs=False)
register_op("MirrorPad", _mirror_pad_kernel, _mirror_pad_vjp, save_inputs=False)
register_op("MirrorPadGrad", _mirror_pad_grad_kernel, _mirror_pad_grad_vjp, save_inputs=False)
register_op("Tile", lambda x, multiples: np.tile(x, multiples), _tile_vjp, save_inputs=False)
register_op("ReverseV2", lambda x, axis: np.flip(x, axis), _reverse_vjp, save_inputs=False)


def pad(tensor: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0,
        name: str | None = None) -> Tensor:
    """Pad with ``constant_values`` (CONSTANT) or by mirroring (REFLECT excludes the edge, SYMMETRIC repeats it)."""
    x = _convert(tensor)
    nd = x._np.ndim
    p = np.asarray(_value(paddings))
    if p.ndim != 2 or p.shape[0] != nd or p.shape[1] != 2:
        op = "Pad" if str(mode).upper() == "CONSTANT" else "MirrorPad"
        raise _bad(op, f"The first dimension of paddings must be the rank of inputs{_dims(p.shape)} "
                       f"{_dims(x._np.shape)}")
    pads = tuple((int(lo), int(hi)) for lo, hi in p)
    m = str(mode).upper()
    if m not in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        raise ValueError('Value of argument `mode` expected to be one of "CONSTANT", "REFLECT", or '
                         f'"SYMMETRIC". Received `mode` = {mode}')
    op = "Pad" if m == "CONSTANT" else "MirrorPad"
    for lo, hi in pads:
        if lo < 0 or hi < 0:
            raise _bad(op, f"Paddings must be non-negative: {lo} {hi}")
    if m == "CONSTANT":
        cv = constant_values
        if not (type(cv) is int or (type(cv) is float and x._np.dtype.kind in "fc")):
            cv = core.convert_to_tensor(cv, x.dtype)._np.reshape(()).item()
        return execute(OPS["Pad"], (x,), {"paddings": pads, "constant_values": cv})
    for (lo, hi), d in zip(pads, x._np.shape):
        if m == "REFLECT" and (lo >= d or hi >= d):
            raise _bad(op, f"paddings must be less than the dimension size: {lo}, {hi} not less than {d}")
        if m == "SYMMETRIC" and (lo > d or hi > d):
            raise _bad(op, f"paddings must be no greater than the dimension size: {lo}, {hi} greater than {d}")
    return execute(OPS["MirrorPad"], (x,), {"paddings": pads, "mode": m})


def tile(input: Any, multiples: Any, name: str | None = None) -> Tensor:
    """Repeat the whole tensor ``multiples[i]`` times along each axis i."""
    x = tensor(input)
    m = _int_list(multiples)
    nd = x._np.ndim
    if len(m) != nd:
        raise _bad("Tile", f"Expected multiples argument to be a vector of length {nd} but got length {len(m)}")
    for i, v in enumerate(m):
        if v < 0:
            raise _bad("Tile", f"Expected multiples[{i}] >= 0, but got {v}")
    return execute(OPS["Tile"], (x,), {"multiples": tuple(m)})


def reverse(tensor: Any, axis: Any, name: str | None = None) -> Tensor:
    """Reverse the order of elements along each axis in ``axis`` (a list)."""
    x = _convert(tensor)
    nd = x._np.ndim
    if np.ndim(_value(axis)) == 0:
        raise _bad("ReverseV2", "'dims' must be 1-dimension, not 0")
    axes: list = []
    for i, a in enumerate(_int_list(axis)):
        if not -nd <= a < nd:
            raise _bad("ReverseV2", f"'axis'[{i}] = {a} is out of valid range [0, {nd - 1}")
        a = a + nd if a < 0 else a
        if a in axes:
            raise _bad("ReverseV2", f"axis {a} specified more than once.")
        axes.append(a)
    return execute(OPS["ReverseV2"], (x,), {"axis": tuple(axes)})


def expand_dims(input: Any, axis: Any, name: str | None = None) -> Tensor:
    """Insert a size-1 dimension at ``axis`` (in ``[-rank-1, rank]``)."""
    x = tensor(input)
    shape = x._np.shape
    nd = len(shape)
    ax = _int(axis)
    if not -nd - 1 <= ax <= nd:
        raise _bad("ExpandDims", f"Tried to expand dim index {ax} for tensor with {nd} dimensions.")
    if ax < 0:
        ax += nd + 1
    return execute(OPS["Reshape"], (x,), {"shape": shape[:ax] + (1,) + shape[ax:]})


def squeeze(input: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """Remove size-1 dimensions (all of them, or those in ``axis``, which must be 1)."""
    x = tensor(input)
    shape = x._np.shape
    nd = len(shape)
    if axis is None:
        new = tuple(d for d in shape if d != 1)
    else:
        drop = set()
        for a in _int_list(axis):
            if not -nd <= a < nd:
                raise _bad("Squeeze", f"Tried to squeeze dim index {a} for tensor with {nd} dimensions.")
            a = a + nd if a < 0 else a
            if shape[a] != 1:
                raise _bad("Squeeze", f"Can not squeeze dim[{a}], expected a dimension of 1, got {shape[a]}")
            drop.add(a)
        new = tuple(d for i, d in enumerate(shape) if i not in drop)
    return execute(OPS["Reshape"], (x,), {"shape": new})


# ===========================================================================
# Gather / scatter.  Gradients are dense (no IndexedSlices).
def _check_range(ids: np.ndarray, n: int, op: str) -> None:
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        pos = tuple(np.argwhere((ids < 0) | (ids >= n))[0])
        raise _bad(op, f"indices[{','.join(str(int(i)) for i in pos)}] = {ids[pos]} is not in [0, {n})")


def _batch_offsets(bshape: tuple, width: int, trailing: int, dtype: Any) -> np.ndarray:
    """``b * width`` for every batch position ``b`` (row-major), shaped ``bshape + (1,) * trailing``."""
    return (np.arange(_prod(bshape), dtype=dtype) * width).reshape(tuple(bshape) + (1,) * trailing)


def _gather_kernel(params, indices, axis, batch_dims):
    n = params.shape[axis]
    _check_range(indices, n, "GatherV2")
    if not batch_dims:
        return np.take(params, indices, axis=axis)
    bshape = params.shape[:batch_dims]
    pt = np.moveaxis(params, axis, batch_dims)  # B + (A,) + M + R
    pr = pt.reshape((_prod(bshape) * n,) + pt.shape[batch_dims + 1:])
    ni = indices.ndim - batch_dims
    out = np.take(pr, indices + _batch_offsets(bshape, n, ni, indices.dtype), axis=0)  # B + I + M + R
    nm = axis - batch_dims
    if nm and ni:
        bd = batch_dims
        perm = (tuple(range(bd)) + tuple(range(bd + ni, bd + ni + nm)) + tuple(range(bd, bd + ni))
                + tuple(range(bd + ni + nm, out.ndim)))
        out = np.transpose(out, perm)
    return out


def _gather_vjp(K, g, xs, y, s, a, n):
    if not n[0]:
        return (None, None)
    ids = xs[1]
    shape = tuple(s[0])
    axis, bd = a["axis"], a["batch_dims"]
    width = shape[axis]
    ni, nm = len(s[1]) - bd, axis - bd
    if nm and ni:  # B + M + I + R  ->  B + I + M + R
        nd = len(shape) - 1 + ni
        perm = (tuple(range(bd)) + tuple(range(bd + nm, bd + nm + ni)) + tuple(range(bd, bd + nm))
                + tuple(range(bd + nm + ni, nd)))
        g = K.Transpose(g, perm=perm)
    if bd:
        bshape = shape[:bd]
        ids = K.AddV2(ids, _batch_offsets(bshape, width, ni, _np_dtype(ids)))
        seg = K.UnsortedSegmentSum(g, ids, num_segments=_prod(bshape) * width)
        seg = K.Reshape(seg, shape=bshape + (width,) + shape[bd:axis] + shape[axis + 1:])
    else:
        seg = K.UnsortedSegmentSum(g, ids, num_segments=width)  # (A,) + M + R
    if nm:  # B + (A,) + M + R  ->  B + M + (A,) + R
        perm = tuple(range(bd)) + tuple(range(bd + 1, axis + 1)) + (bd,) + tuple(range(axis + 1, len(shape)))
        seg = K.Transpose(seg, perm=perm)
    return (seg, None)


def _uss_kernel(data, segment_ids, num_segments):
    ids = np.reshape(segment_ids, -1)
    rest = data.shape[np.ndim(segment_ids):]
    out = np.zeros((num_segments,) + rest, dtype=data.dtype)
    if ids.size:
        if ids.max() >= num_segments:
            pos = int(np.flatnonzero(ids >= num_segments)[0])
            raise _bad("UnsortedSegmentSum", f"segment_ids[{pos}] = {ids[pos]} is out of range [0, {num_segments})")
        width = _prod(rest)
        d = np.reshape(data, (ids.size, width))
        if ids.min() < 0:  # negative ids are dropped (TF)
            keep = ids >= 0
            ids, d = ids[keep], d[keep]
        _scatter_add_rows(out.reshape(num_segments, width), ids, d)
    return out


def _uss_vjp(K, g, xs, y, s, a, n):
    return (K.GatherDropNegatives(g, xs[1]) if n[0] else None, None)


def _gather_drop_negatives_kernel(params, ids):
    neg = ids < 0
    if neg.any():
        out = np.take(params, np.where(neg, 0, ids), axis=0)
        out[neg] = 0
        return out
    return np.take(params, ids, axis=0)


def _gather_drop_negatives_vjp(K, g, xs, y, s, a, n):
    return (K.UnsortedSegmentSum(g, xs[1], num_segments=s[0][0]) if n[0] else None, None)


def _nd_bad_rows(ind: np.ndarray, shape: tuple) -> np.ndarray:
    return ((ind < 0) | (ind >= np.asarray(shape, dtype=np.int64))).any(-1)


def _gather_nd_kernel(params, indices, bad_indices_policy):
    depth = indices.shape[-1]
    lead = indices.shape[:-1]
    if depth == 0:
        return np.array(np.broadcast_to(params, lead + params.shape))
    bad = _nd_bad_rows(indices, params.shape[:depth])
    if bad.any():
        if bad_indices_policy != "IGNORE":
            i = int(np.flatnonzero(bad)[0])
            row = indices.reshape(-1, depth)[i]
            raise _bad("GatherNd", f"indices[{i}] = [{', '.join(str(int(v)) for v in row)}] does not index into "
                                   f"param shape {_dims(params.shape)}, node name: GatherNd")
        out = params[tuple(np.moveaxis(np.where(bad[..., None], 0, indices), -1, 0))]
        out[bad] = 0
        return out
    return params[tuple(np.moveaxis(indices, -1, 0))]


def _gather_nd_vjp(K, g, xs, y, s, a, n):
    if not n[0]:
        return (None, None)
    return (K.ScatterNd(xs[1], g, shape=tuple(s[0]), bad_indices_policy=a["bad_indices_policy"]), None)


def _scatter_into(out: np.ndarray, indices: np.ndarray, updates: np.ndarray, op: str, add: bool,
                  policy: str = "") -> np.ndarray:
    """Write (or add) ``updates`` into the fresh array ``out`` at ``indices`` (last dim = index depth)."""
    depth = indices.shape[-1]
    m = _prod(indices.shape[:-1])
    ind = indices.reshape(m, depth)
    width = _prod(out.shape[depth:])
    upd = np.reshape(updates, (m, width))
    bad = _nd_bad_rows(ind, out.shape[:depth])
    if bad.any():
        if policy != "IGNORE":
            i = int(np.flatnonzero(bad)[0])
            raise _bad(op, f"indices[{i}] = [{', '.join(str(int(v)) for v in ind[i])}] does not index into "
                           f"shape {_dims(out.shape)}")
        ind, upd = ind[~bad], upd[~bad]
    rows = (np.ravel_multi_index(tuple(ind.T), out.shape[:depth]) if depth
            else np.zeros(len(ind), dtype=np.intp))
    o2 = out.reshape(_prod(out.shape[:depth]), width)
    if add:
        _scatter_add_rows(o2, rows, upd)
    else:
        o2[rows] = upd
    return out


def _scatter_nd_kernel(indices, updates, shape, bad_indices_policy):
    out = np.zeros(shape, dtype=np.asarray(updates).dtype)
    return _scatter_into(out, indices, updates, "ScatterNd", True, bad_indices_policy)


def _scatter_nd_vjp(K, g, xs, y, s, a, n):
    if not n[1]:
        return (None, None)
    return (None, K.GatherNd(g, xs[0], bad_indices_policy=a["bad_indices_policy"]))


def _tensor_scatter_update_vjp(K, g, xs, y, s, a, n):
    ids = xs[1]
    gu = K.GatherNd(g, ids, bad_indices_policy="")
    gt = K.TensorScatterUpdate(g, ids, K.ZerosLike(gu)) if n[0] else None
    return (gt, None, gu if n[2] else None)


def _tensor_scatter_add_vjp(K, g, xs, y, s, a, n):
    return (g if n[0] else None, None, K.GatherNd(g, xs[1], bad_indices_policy="") if n[2] else None)


register_op("GatherV2", _gather_kernel, _gather_vjp, save_inputs=(1,))
register_op("UnsortedSegmentSum", _uss_kernel, _uss_vjp, save_inputs=(1,))
register_op("GatherDropNegatives", _gather_drop_negatives_kernel, _gather_drop_negatives_vjp, save_inputs=(1,))
register_op("GatherNd", _gather_nd_kernel, _gather_nd_vjp, save_inputs=(1,))
register_op("ScatterNd", _scatter_nd_kernel, _scatter_nd_vjp, save_inputs=(0,))
register_op("TensorScatterUpdate",
            lambda t, i, u: _scatter_into(np.array(t, copy=True), i, u, "TensorScatterUpdate", False),
            _tensor_scatter_update_vjp, save_inputs=(1,))
register_op("TensorScatterAdd",
            lambda t, i, u: _scatter_into(np.array(t, copy=True), i, u, "TensorScatterAdd", True),
            _tensor_scatter_add_vjp, save_inputs=(1,))
def _where_kernel(x):
    if np.ndim(x) == 0:
        raise _bad("Where", "WhereOp : Unhandled input dimensions: 0")
    return np.argwhere(x).astype(np.int64)


register_op("Where", _where_kernel, None)
register_op("MaskIndices", lambda m: np.flatnonzero(m).astype(np.int64), None)  # Where on the flat mask


def gather(params: Any, indices: Any, validate_indices: Any = None, axis: Any = None, batch_dims: int = 0,
           name: str | None = None) -> Tensor:
    """Take slices of ``params`` along ``axis`` at ``indices`` (``batch_dims`` leading dims matched)."""
    p, i = tensor(params), tensor(indices)
    _require_int_indices(i, "GatherV2", "Tindices")
    bd = _int(batch_dims)
    ax = bd if axis is None else _int(axis)
    if ax == 0:  # TF's Python wrapper drops batch_dims when axis is 0
        bd = 0
    pr, ir = p._np.ndim, i._np.ndim
    if bd:
        if not -ir <= bd <= ir:
            raise _bad("GatherV2", f"Expected batch_dims in the range [{-ir}, {ir}], but got {bd}")
        if bd < 0:
            bd += ir
    if not -pr <= ax < pr:
        raise _bad("GatherV2", f"Shape must be at least rank {max(ax + 1, -ax)} but is rank {pr}")
    if ax < 0:
        ax += pr
    if bd:
        if bd > ax:
            raise _bad("GatherV2", f"batch_dims ({bd}) must be less than or equal to axis ({ax}).")
        for d in range(bd):
            if p._np.shape[d] != i._np.shape[d]:
                raise _bad("GatherV2", f"params.shape[{d}]: {p._np.shape[d]} should be equal to "
                                       f"indices.shape[{d}]: {i._np.shape[d]}")
    return execute(OPS["GatherV2"], (p, i), {"axis": ax, "batch_dims": bd})


def _policy(p: str) -> str:
    p = (p or "").upper()
    if p not in ("", "DEFAULT", "ERROR", "IGNORE"):
        raise ValueError(f"bad_indices_policy must be one of '', 'DEFAULT', 'ERROR', 'IGNORE'; got {p!r}")
    return "IGNORE" if p == "IGNORE" else ""


def gather_nd(params: Any, indices: Any, batch_dims: int = 0, name: str | None = None,
              bad_indices_policy: str = "") -> Tensor:
    """Gather slices of ``params`` addressed by the last dimension of ``indices``."""
    p, i = tensor(params), tensor(indices)
    _require_int_indices(i, "GatherNd", "Tindices")
    policy = _policy(bad_indices_policy)
    if i._np.ndim < 1:
        raise _bad("GatherNd", "indices must be at least a vector")
    depth = i._np.shape[-1]
    bd = _int(batch_dims)
    if bd < 0:
        raise ValueError(f"batch_dims must be non-negative, got {bd}")
    if bd == 0:
        if depth > p._np.ndim:
            raise _bad("GatherNd", f"index innermost dimension length must be <= params rank; saw: {depth} "
                                   f"vs. {p._np.ndim}")
        return execute(OPS["GatherNd"], (p, i), {"bad_indices_policy": policy})
    ps, ish = p._np.shape, i._np.shape
    if bd >= i._np.ndim or bd > p._np.ndim or ps[:bd] != ish[:bd]:
        raise _bad("GatherNd", f"batch dimensions of params {_dims(ps)} and indices {_dims(ish)} must match "
                               f"(batch_dims={bd})")
    if depth > p._np.ndim - bd:
        raise _bad("GatherNd", f"index innermost dimension length must be <= params rank; saw: {depth} "
                               f"vs. {p._np.ndim - bd}")
    # Fold the batch dims into one leading index column, then one plain GatherNd.
    bshape = ps[:bd]
    nb = _prod(bshape)
    inner = ish[bd:-1]
    pf = execute(OPS["Reshape"], (p,), {"shape": (nb,) + ps[bd:]})
    ifl = execute(OPS["Reshape"], (i,), {"shape": (nb,) + inner + (depth,)})
    col = np.broadcast_to(np.arange(nb, dtype=i._np.dtype).reshape((nb,) + (1,) * (len(inner) + 1)),
                          (nb,) + inner + (1,))
    full = execute(OPS["ConcatV2"], (wrap(np.array(col)), ifl), {"axis": len(inner) + 1})
    out = execute(OPS["GatherNd"], (pf, full), {"bad_indices_policy": policy})
    return execute(OPS["Reshape"], (out,), {"shape": bshape + inner + ps[bd + depth:]})


def _check_scatter(op: str, ish: tuple, ush: tuple, oshape: tuple) -> None:
    if len(ish) < 1:
        raise _bad(op, f"Indices shape must have rank at least one. Found:{_dims(ish)}")
    depth = ish[-1]
    if depth > len(oshape):
        raise _bad(op, f"indices.shape[-1] must be <= shape.rank, but saw indices shape: {_dims(ish)} and "
                       f"shape: {_dims(oshape)}")
    outer = len(ish) - 1
    if len(ush) < outer or tuple(ush[:outer]) != tuple(ish[:outer]):
        raise _bad(op, f"Dimensions [0,{outer}) of indices[shape={_dims(ish)}] must match dimensions "
                       f"[0,{outer}) of updates[shape={_dims(ush)}]")
    if tuple(ush[outer:]) != tuple(oshape[depth:]):
        raise _bad(op, f"The inner {len(oshape) - depth} dimensions of output.shape={_dims(oshape)} must match "
                       f"the inner {len(ush) - outer} dimensions of updates.shape={_dims(ush)}")


def scatter_nd(indices: Any, updates: Any, shape: Any, bad_indices_policy: str = "",
               name: str | None = None) -> Tensor:
    """Zeros of ``shape`` with ``updates`` summed in at ``indices``."""
    i, u = tensor(indices), tensor(updates)
    _require_int_indices(i, "ScatterNd", "Tindices")
    oshape = tuple(_int_list(shape))
    _check_scatter("ScatterNd", i._np.shape, u._np.shape, oshape)
    return execute(OPS["ScatterNd"], (i, u), {"shape": oshape, "bad_indices_policy": _policy(bad_indices_policy)})


def _tensor_scatter(op: str, tensor_: Any, indices: Any, updates: Any) -> Tensor:
    t, i = tensor(tensor_), tensor(indices)
    _require_int_indices(i, op, "Tindices")
    u = updates if type(updates) is Tensor and updates._np.dtype == t._np.dtype else _convert_n([t, updates], op)[1]
    _check_scatter(op, i._np.shape, u._np.shape, t._np.shape)
    return execute(OPS[op], (t, i, u), _NOATTR)


def tensor_scatter_nd_update(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """A copy of ``tensor`` with the slices at ``indices`` replaced by ``updates``."""
    return _tensor_scatter("TensorScatterUpdate", tensor, indices, updates)


def tensor_scatter_nd_add(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (duplicates sum)."""
    return _tensor_scatter("TensorScatterAdd", tensor, indices, updates)


def tensor_scatter_nd_sub(tensor: Any, indices: Any, updates: Any, name: str | None = None) -> Tensor:
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices``."""
    t = _convert(tensor)
    u = _convert_n([t, updates], "TensorScatterSub")[1]
    return _tensor_scatter("TensorScatterAdd", t, indices, execute(OPS["Neg"], (u,), _NOATTR))


def unsorted_segment_sum(data: Any, segment_ids: Any, num_segments: Any, name: str | None = None) -> Tensor:
    """Sum the rows of ``data`` into ``num_segments`` buckets by ``segment_ids`` (negative ids dropped)."""
    d, ids = tensor(data), tensor(segment_ids)
    _require_int_indices(ids, "UnsortedSegmentSum", "Tindices")
    ish, dsh = ids._np.shape, d._np.shape
    if dsh[:len(ish)] != ish:
        raise _bad("UnsortedSegmentSum", f"data.shape = {_dims(dsh)} does not start with segment_ids.shape = "
                                         f"{_dims(ish)}")
    return execute(OPS["UnsortedSegmentSum"], (d, ids), {"num_segments": _int(num_segments)})


def boolean_mask(tensor: Any, mask: Any, axis: Any = None, name: str = "boolean_mask") -> Tensor:
    """The entries of ``tensor`` where ``mask`` is true; ``mask`` covers dims ``axis .. axis+mask.ndim``."""
    x, m = _convert(tensor), _convert(mask)
    md = m._np.ndim
    if md == 0:
        raise ValueError("mask cannot be scalar.")
    ax = 0 if axis is None else _int(axis)
    shape = x._np.shape
    sub = shape[ax:ax + md]
    if sub != m._np.shape:
        raise ValueError(f"Shapes {sub} and {m._np.shape} are incompatible")
    if md > 1:
        x = execute(OPS["Reshape"], (x,), {"shape": shape[:ax] + (_prod(sub),) + shape[ax + md:]})
    idx = execute(OPS["MaskIndices"], (m,), _NOATTR)
    return execute(OPS["GatherV2"], (x, idx), {"axis": ax, "batch_dims": 0})


def repeat(input: Any, repeats: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """Repeat each element (``axis=None``: of the flattened tensor) ``repeats`` times."""
    x = tensor(input)
    if axis is None:
        x = execute(OPS["Reshape"], (x,), {"shape": (-1,)})
        ax = 0
    else:
        nd = x._np.ndim
        ax = _int(axis)
        if not -nd <= ax < nd:
            raise ValueError(f"axis={ax} out of bounds: expected {-nd}<=axis<{nd}")
        if ax < 0:
            ax += nd
    n = x._np.shape[ax]
    r = np.asarray(_value(repeats))
    if r.dtype.kind not in "iu":
        raise TypeError(f"repeats must be integers, got {r.dtype}")
    if r.ndim > 1:
        raise ValueError(f"Shape must be rank 0 or 1, got repeats of rank {r.ndim}")
    if r.size == 1:
        r = np.full(n, r.reshape(-1)[0])
    elif r.shape[0] != n:
        raise ValueError(f"Dimensions {n} and {r.shape[0]} are not compatible")
    if r.size and r.min() < 0:
        raise _bad("Tile", f"Expected multiples[1] >= 0, but got {int(r.min())}")
    idx = np.repeat(np.arange(n, dtype=np.int64), r)
    return execute(OPS["GatherV2"], (x, wrap(idx)), {"axis": ax, "batch_dims": 0})


# ===========================================================================
# sort / argsort / top_k.  Ties keep the lower index first in both directions (TF).
def _argsort(x: np.ndarray, axis: int, descending: bool) -> np.ndarray:
    if not descending:
        return np.argsort(x, axis=axis, kind="stable")
    if x.dtype.kind in "fc":  # negation keeps ties in index order and costs one pass
        return np.argsort(np.negative(x), axis=axis, kind="stable")
    n = x.shape[axis]
    r = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return (n - 1) - np.flip(r, axis)


def _put_along_axis_kernel(g, indices, axis, dim):
    """Zeros with ``g`` written at ``indices`` along ``axis`` (indices are unique along it)."""
    shape = list(np.shape(g))
    shape[axis] = dim
    out = np.zeros(shape, dtype=g.dtype)
    np.put_along_axis(out, indices, g, axis)
    return out


def _take_along_axis_vjp(K, g, xs, y, s, a, n):
    if not n[0]:
        return (None, None)
    axis = a["axis"]
    return (K.PutAlongAxis(g, xs[1], axis=axis, dim=s[0][axis]), None)


def _put_along_axis_vjp(K, g, xs, y, s, a, n):
    return (K.TakeAlongAxis(g, xs[1], axis=a["axis"]) if n[0] else None, None)


def _topk_kernel(x, k, sorted, index_type):
    idx = _argsort(x, -1, True)[..., :k]
    return np.take_along_axis(x, idx, -1), idx.astype(index_type)


def _topk_vjp(K, g, xs, y, s, a, n):
    if g[0] is None:
        return (None,)
    return (K.PutAlongAxis(g[0], y[1], axis=-1, dim=s[0][-1]),)


_topk_vjp.accepts_none = True

register_op("ArgSort", lambda x, axis, descending: _argsort(x, axis, descending).astype(np.int32), None)
register_op("TakeAlongAxis", lambda x, indices, axis: np.take_along_axis(x, indices, axis),
            _take_along_axis_vjp, save_inputs=(1,))
register_op("PutAlongAxis", _put_along_axis_kernel, _put_along_axis_vjp, save_inputs=(1,))
register_op("TopKV2", _topk_kernel, _topk_vjp, n_out=2, save_inputs=False, save_output=True)

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _sort_args(values: Any, axis: Any, direction: str) -> tuple:
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"Argument `direction` should be one of ASCENDING, DESCENDING. Received: "
                         f"direction={direction}")
    x = tensor(values)
    nd = x._np.ndim
    ax = _int(axis)
    if not -nd <= ax < nd:
        raise _bad("StridedSlice", f"slice index {ax + nd if ax < 0 else ax} of dimension 0 out of bounds.")
    return x, (ax + nd if ax < 0 else ax), direction == "DESCENDING"


def sort(values: Any, axis: int = -1, direction: str = "ASCENDING", name: str | None = None) -> Tensor:
    """Sorted copy of ``values`` along ``axis`` (differentiable: the gradient is routed back)."""
    x, ax, desc = _sort_args(values, axis, direction)
    idx = execute(OPS["ArgSort"], (x,), {"axis": ax, "descending": desc})
    return execute(OPS["TakeAlongAxis"], (x, idx), {"axis": ax})


def argsort(values: Any, axis: int = -1, direction: str = "ASCENDING", stable: bool = False,
            name: str | None = None) -> Tensor:
    """int32 indices that sort ``values`` along ``axis`` (always stable)."""
    x, ax, desc = _sort_args(values, axis, direction)
    return execute(OPS["ArgSort"], (x,), {"axis": ax, "descending": desc})


def top_k(input: Any, k: Any = 1, sorted: bool = True, index_type: Any = _dtypes.int32,
          name: str | None = None) -> TopKV2:
    """The ``k`` largest entries of the last axis and their indices (always in descending order)."""
    x = tensor(input)
    kk = _int(k)
    shape = x._np.shape
    if not shape:
        raise _bad("TopKV2", "input must be >= 1-D, got shape []")
    if kk < 0:
        raise _bad("TopKV2", f"Need k >= 0, got {kk}")
    if shape[-1] < kk:
        raise _bad("TopKV2", f"input must have at least k columns. Had {shape[-1]}, needed {kk}")
    v, i = execute(OPS["TopKV2"], (x,), {"k": kk, "sorted": bool(sorted),
                                         "index_type": _dtypes.as_dtype(index_type)._np.str})
    return TopKV2(v, i)


# ===========================================================================
# shape / size / rank (ops, so a traced function recomputes them)
register_op("Shape", lambda x, out_type: np.array(np.shape(x), dtype=out_type), None)
register_op("Size", lambda x, out_type: np.array(np.size(x), dtype=out_type), None)
register_op("Rank", lambda x: np.array(np.ndim(x), dtype=np.int32), None)


def _out_type(out_type: Any) -> str:
    return (_dtypes.int32 if out_type is None else _dtypes.as_dtype(out_type))._np.str


def shape(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:
    """The shape of ``input`` as a 1-D int32 (or ``out_type``) tensor."""
    return execute(OPS["Shape"], (tensor(input),), {"out_type": _out_type(out_type)})


def shape_n(input: Any, out_type: Any = _dtypes.int32, name: str | None = None) -> list:
    """``[tf.shape(t) for t in input]``."""
    return [shape(t, out_type) for t in input]


def size(input: Any, out_type: Any = None, name: str | None = None) -> Tensor:
    """The number of elements of ``input`` (int32 scalar by default)."""
    return execute(OPS["Size"], (tensor(input),), {"out_type": _out_type(out_type)})


def rank(input: Any, name: str | None = None) -> Tensor:
    """The number of dimensions of ``input`` (int32 scalar)."""
    return execute(OPS["Rank"], (tensor(input),), _NOATTR)
