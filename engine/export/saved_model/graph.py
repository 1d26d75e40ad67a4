"""``GraphBuilder``: emits the ``NodeDef`` list of a frozen TensorFlow graph.

Every op helper takes and returns :class:`GT` (graph tensor) handles that carry
the tensor's reference (``"node"`` / ``"node:k"``), numpy dtype and static
shape (``None`` for an unknown size; the batch dimension is always ``None``).
Attributes follow formats.md §3.4: each op gets its required attrs plus the
ones whose TF default differs from what we mean (``FusedBatchNormV3.is_training``).
Weights become ``Const`` nodes (deduplicated, so a shared layer stores its
weights once).
"""
from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from typing import Iterator, Sequence

import numpy as np

from . import protos as P
from .protos import attr as A

_INVALID = re.compile(r"[^A-Za-z0-9_.\-/>]")


def sanitize(name: str) -> str:
    """A valid TF node name (``[A-Za-z0-9.][A-Za-z0-9_.\\-/>]*``) from a Keras name."""
    name = _INVALID.sub("_", str(name)) or "node"
    if not re.match(r"[A-Za-z0-9.]", name[0]):
        name = "n" + name
    return name


Shape = tuple  # of int | None


@dataclass(frozen=True)
class GT:
    """A tensor in the graph under construction."""

    ref: str
    dtype: np.dtype
    shape: Shape | None

    @property
    def rank(self) -> int:
        if self.shape is None:
            raise ValueError(f"tensor {self.ref} has an unknown rank")
        return len(self.shape)

    @property
    def dt(self) -> int:
        return P.dtype_enum(self.dtype)

    def with_shape(self, shape: Sequence[int | None] | None) -> "GT":
        return GT(self.ref, self.dtype, None if shape is None else tuple(shape))


def broadcast_shapes(a: Shape | None, b: Shape | None) -> Shape | None:
    """numpy broadcasting of static shapes (``None`` = unknown size)."""
    if a is None or b is None:
        return None
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x == 1:
            out.append(y)
        elif y == 1:
            out.append(x)
        elif x is None or y is None:
            out.append(x if y is None else y)
        else:
            out.append(x)
    return tuple(out)


class GraphBuilder:
    """Collects ``NodeDef`` messages with unique names under a stack of name scopes."""

    def __init__(self) -> None:
        self.nodes: list = []
        self.op_types: list = []
        self._names: set = set()
        self._scope: list = []
        self._consts: dict = {}
        self.memo: dict = {}  # converters' cache of derived tensors (e.g. per-step masks)

    # -- names ---------------------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix the names of nodes created inside with ``name/``."""
        self._scope.append(sanitize(name))
        try:
            yield
        finally:
            self._scope.pop()

    def reserve(self, name: str) -> str:
        """Claim an exact top-level name (made unique with ``_1``, ``_2`` ... if taken)."""
        base = sanitize(name)
        cand, k = base, 0
        while cand in self._names:
            k += 1
            cand = f"{base}_{k}"
        self._names.add(cand)
        return cand

    def unique(self, name: str) -> str:
        return self.reserve("/".join(self._scope + [sanitize(name)]))

    # -- raw nodes -----------------------------------------------------------------------------
    def node(self, op: str, inputs: Sequence, attrs: dict, dtype: object, shape: Shape | None,
             name: str | None = None, num_outputs: int = 1, exact_name: bool = False) -> GT | list:
        """Append a node; returns its output(s) as :class:`GT` (a list when ``num_outputs > 1``)."""
        node_name = self.reserve(name) if exact_name else self.unique(name or op)
        refs = [t.ref if isinstance(t, GT) else str(t) for t in inputs]
        self.nodes.append(P.node_def(node_name, op, refs, attrs))
        self.op_types.append(op)
        dt = np.dtype(dtype)
        if num_outputs == 1:
            return GT(node_name, dt, None if shape is None else tuple(shape))
        shapes = shape if isinstance(shape, list) else [shape] * num_outputs
        return [GT(node_name if k == 0 else f"{node_name}:{k}", dt, None if s is None else tuple(s))
                for k, s in enumerate(shapes)]

    def placeholder(self, name: str, dtype: object, shape: Shape) -> GT:
        """A graph input; its ``shape`` attr is set (the loader builds the TensorSpec from it, §3.3)."""
        dt = np.dtype(dtype)
        return self.node("Placeholder", [], {"dtype": A.type(P.dtype_enum(dt)), "shape": A.shape(shape)},
                         dt, shape, name=name, exact_name=True)

    def const(self, value: object, dtype: object = None, name: str = "Const") -> GT:
        """A ``Const`` node (identical constants are emitted once)."""
        arr = np.array(value, dtype=dtype, order="C", copy=True)
        key = (arr.dtype.str, arr.shape, hashlib.sha1(arr.tobytes()).hexdigest())
        hit = self._consts.get(key)
        if hit is not None:
            return hit
        t = self.node("Const", [], {"dtype": A.type(P.dtype_enum(arr.dtype)), "value": A.tensor(arr)},
                      arr.dtype, arr.shape, name=name)
        self._consts[key] = t
        return t

    def i32(self, values: object, name: str = "Const") -> GT:
        return self.const(np.asarray(values, dtype=np.int32), name=name)

    def scalar_like(self, value: float, x: GT, name: str = "Const") -> GT:
        return self.const(np.asarray(value, dtype=x.dtype), name=name)

    # -- elementwise ---------------------------------------------------------------------------
    def unary(self, op: str, x: GT, name: str | None = None, **attrs: bytes) -> GT:
        return self.node(op, [x], {"T": A.type(x.dt), **attrs}, x.dtype, x.shape, name=name)

    def binary(self, op: str, x: GT, y: GT | float, name: str | None = None) -> GT:
        if not isinstance(y, GT):
            y = self.scalar_like(float(y), x)
        return self.node(op, [x, y], {"T": A.type(x.dt)}, x.dtype, broadcast_shapes(x.shape, y.shape), name=name)

    def add(self, x: GT, y: GT | float) -> GT:
        return self.binary("AddV2", x, y)

    def sub(self, x: GT, y: GT | float) -> GT:
        return self.binary("Sub", x, y)

    def mul(self, x: GT, y: GT | float) -> GT:
        return self.binary("Mul", x, y)

    def div(self, x: GT, y: GT | float) -> GT:
        return self.binary("RealDiv", x, y)

    def compare(self, op: str, x: GT, y: GT | float) -> GT:
        if not isinstance(y, GT):
            y = self.scalar_like(y, x)
        attrs = {"T": A.type(x.dt)}
        if op in ("NotEqual", "Equal"):
            attrs["incompatible_shape_error"] = A.b(True)
        return self.node(op, [x, y], attrs, np.bool_, broadcast_shapes(x.shape, y.shape))

    def logical_or(self, x: GT, y: GT) -> GT:
        return self.node("LogicalOr", [x, y], {}, np.bool_, broadcast_shapes(x.shape, y.shape))

    def bool_like(self, x: GT, value: bool) -> GT:
        """A boolean tensor of ``x``'s shape filled with ``value`` (``Cast(OnesLike/ZerosLike)``)."""
        base = self.node("OnesLike" if value else "ZerosLike", [x], {"T": A.type(x.dt)}, x.dtype, x.shape)
        return self.cast(base, np.bool_)

    def select(self, cond: GT, t: GT, e: GT) -> GT:
        """``SelectV2`` (broadcasting ``where``)."""
        shape = broadcast_shapes(broadcast_shapes(cond.shape, t.shape), e.shape)
        return self.node("SelectV2", [cond, t, e], {"T": A.type(t.dt)}, t.dtype, shape)

    def cast(self, x: GT, dtype: object) -> GT:
        dt = np.dtype(dtype)
        if dt == x.dtype:
            return x
        return self.node("Cast", [x], {"SrcT": A.type(x.dt), "DstT": A.type(P.dtype_enum(dt)),
                                      "Truncate": A.b(False)}, dt, x.shape)

    def identity(self, x: GT, name: str | None = None, exact_name: bool = False) -> GT:
        return self.node("Identity", [x], {"T": A.type(x.dt)}, x.dtype, x.shape, name=name or "Identity",
                         exact_name=exact_name)

    # -- linear algebra ------------------------------------------------------------------------
    def matmul(self, a: GT, b: GT, transpose_a: bool = False, transpose_b: bool = False) -> GT:
        m = a.shape[1] if transpose_a else a.shape[0]
        n = b.shape[0] if transpose_b else b.shape[1]
        attrs = {"T": A.type(a.dt), "transpose_a": A.b(transpose_a), "transpose_b": A.b(transpose_b)}
        return self.node("MatMul", [a, b], attrs, a.dtype, (m, n))

    def batch_matmul(self, x: GT, y: GT) -> GT:
        batch = broadcast_shapes(x.shape[:-2], y.shape[:-2])
        return self.node("BatchMatMulV2", [x, y], {"T": A.type(x.dt), "adj_x": A.b(False), "adj_y": A.b(False)},
                         x.dtype, tuple(batch) + (x.shape[-2], y.shape[-1]))

    def bias_add(self, x: GT, bias: GT) -> GT:
        return self.node("BiasAdd", [x, bias], {"T": A.type(x.dt), "data_format": A.s("NHWC")}, x.dtype, x.shape)

    # -- shapes --------------------------------------------------------------------------------
    def shape_of(self, x: GT) -> GT:
        return self.node("Shape", [x], {"T": A.type(x.dt), "out_type": A.type(P.DT_INT32)}, np.int32, (x.rank,))

    def dim(self, x: GT, axis: int) -> int | GT:
        """Size of ``axis``: a Python int when static, else a scalar int32 tensor from ``Shape``."""
        if x.shape is not None and x.shape[axis] is not None:
            return int(x.shape[axis])
        return self.strided_slice(self.shape_of(x), [axis], [axis + 1], [1], shrink_axis_mask=1, shape=())

    def shape_vector(self, dims: Sequence[int | GT]) -> GT:
        """An int32 shape vector from static ints and scalar int32 tensors (``Pack`` when mixed)."""
        if all(not isinstance(d, GT) for d in dims):
            return self.i32(list(dims))
        parts = [d if isinstance(d, GT) else self.i32(int(d)) for d in dims]
        return self.node("Pack", parts, {"N": A.i(len(parts)), "T": A.type(P.DT_INT32), "axis": A.i(0)},
                         np.int32, (len(parts),))

    def int_arith(self, op: str, a: int | GT, b: int) -> int | GT:
        """``a (op) b`` on a static or dynamic scalar size (op: ``AddV2`` / ``Mul`` / ``Sub``)."""
        if not isinstance(a, GT):
            return {"AddV2": a + b, "Mul": a * b, "Sub": a - b}[op]
        return self.node(op, [a, self.i32(b)], {"T": A.type(P.DT_INT32)}, np.int32, ())

    def reshape(self, x: GT, dims: Sequence[int | GT], shape: Shape | None = None) -> GT:
        """``Reshape`` to ``dims`` (ints, ``-1`` allowed once, or scalar int32 tensors)."""
        if shape is None:
            shape = tuple(None if isinstance(d, GT) or d == -1 else int(d) for d in dims)
            if -1 in [d for d in dims if not isinstance(d, GT)] and x.shape is not None \
                    and None not in x.shape and all(not isinstance(d, GT) for d in dims):
                known = int(np.prod([d for d in dims if d != -1]))
                total = int(np.prod(x.shape))
                shape = tuple(total // known if d == -1 else d for d in dims)
        return self.node("Reshape", [x, self.shape_vector(dims)], {"T": A.type(x.dt), "Tshape": A.type(P.DT_INT32)},
                         x.dtype, shape)

    def transpose(self, x: GT, perm: Sequence[int]) -> GT:
        perm = [int(p) for p in perm]
        if perm == list(range(len(perm))):
            return x
        shape = None if x.shape is None else tuple(x.shape[p] for p in perm)
        return self.node("Transpose", [x, self.i32(perm)], {"T": A.type(x.dt), "Tperm": A.type(P.DT_INT32)},
                         x.dtype, shape)

    def expand_dims(self, x: GT, axis: int) -> GT:
        shape = list(x.shape)
        pos = axis if axis >= 0 else len(shape) + 1 + axis
        shape.insert(pos, 1)
        return self.node("ExpandDims", [x, self.i32(axis)], {"T": A.type(x.dt), "Tdim": A.type(P.DT_INT32)},
                         x.dtype, tuple(shape))

    def squeeze(self, x: GT, axes: Sequence[int]) -> GT:
        axes = [a % x.rank for a in axes]
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        return self.node("Squeeze", [x], {"T": A.type(x.dt), "squeeze_dims": A.ints(axes)}, x.dtype, shape)

    def concat(self, xs: Sequence[GT], axis: int) -> GT:
        if len(xs) == 1:
            return xs[0]
        rank = xs[0].rank
        ax = axis % rank
        shape = list(xs[0].shape)
        sizes = [t.shape[ax] for t in xs]
        shape[ax] = None if any(s is None for s in sizes) else int(sum(sizes))
        for t in xs[1:]:
            for i, d in enumerate(t.shape):
                if i != ax and shape[i] is None and d is not None:
                    shape[i] = d
        return self.node("ConcatV2", list(xs) + [self.i32(axis)],
                         {"N": A.i(len(xs)), "T": A.type(xs[0].dt), "Tidx": A.type(P.DT_INT32)},
                         xs[0].dtype, tuple(shape))

    def pack(self, xs: Sequence[GT], axis: int) -> GT:
        shape = list(xs[0].shape)
        pos = axis if axis >= 0 else len(shape) + 1 + axis
        shape.insert(pos, len(xs))
        return self.node("Pack", list(xs), {"N": A.i(len(xs)), "T": A.type(xs[0].dt), "axis": A.i(axis)},
                         xs[0].dtype, tuple(shape))

    def unpack(self, x: GT, axis: int) -> list:
        num = x.shape[axis]
        if num is None:
            raise ValueError("Unpack needs a static size")
        shape = tuple(d for i, d in enumerate(x.shape) if i != axis % x.rank)
        out = self.node("Unpack", [x], {"num": A.i(num), "T": A.type(x.dt), "axis": A.i(axis)},
                        x.dtype, shape, num_outputs=num)
        return out if isinstance(out, list) else [out]

    def split(self, x: GT, num: int, axis: int) -> list:
        shape = list(x.shape)
        ax = axis % len(shape)
        shape[ax] = None if shape[ax] is None else shape[ax] // num
        out = self.node("Split", [self.i32(axis), x], {"num_split": A.i(num), "T": A.type(x.dt)},
                        x.dtype, tuple(shape), num_outputs=num)
        return out if isinstance(out, list) else [out]

    def strided_slice(self, x: GT, begin: Sequence[int], end: Sequence[int], strides: Sequence[int],
                      begin_mask: int = 0, end_mask: int = 0, shrink_axis_mask: int = 0,
                      shape: Shape | None = None) -> GT:
        attrs = {"T": A.type(x.dt), "Index": A.type(P.DT_INT32), "begin_mask": A.i(begin_mask),
                 "end_mask": A.i(end_mask), "ellipsis_mask": A.i(0), "new_axis_mask": A.i(0),
                 "shrink_axis_mask": A.i(shrink_axis_mask)}
        return self.node("StridedSlice", [x, self.i32(begin), self.i32(end), self.i32(strides)], attrs,
                         x.dtype, shape)

    def slice_axis(self, x: GT, axis: int, start: int, stop: int | None, step: int = 1) -> GT:
        """``x[..., start:stop:step, ...]`` along one axis (``stop=None``: to the end)."""
        rank = x.rank
        ax = axis % rank
        begin, end, strides = [0] * rank, [0] * rank, [1] * rank
        bmask = emask = 0
        for i in range(rank):
            if i != ax:
                bmask |= 1 << i
                emask |= 1 << i
        begin[ax], strides[ax] = start, step
        if stop is None:
            emask |= 1 << ax
        else:
            end[ax] = stop
        shape = list(x.shape)
        if shape[ax] is not None:
            shape[ax] = len(range(*slice(start, stop, step).indices(shape[ax])))
        elif stop is not None and start >= 0 and stop >= 0:
            shape[ax] = len(range(start, stop, step))
        return self.strided_slice(x, begin, end, strides, begin_mask=bmask, end_mask=emask, shape=tuple(shape))

    def pad(self, x: GT, paddings: Sequence[Sequence[int]]) -> GT:
        pads = [[int(a), int(b)] for a, b in paddings]
        shape = tuple(None if d is None else d + a + b for d, (a, b) in zip(x.shape, pads))
        return self.node("Pad", [x, self.i32(pads)], {"T": A.type(x.dt), "Tpaddings": A.type(P.DT_INT32)},
                         x.dtype, shape)

    def tile(self, x: GT, multiples: Sequence[int]) -> GT:
        shape = tuple(None if d is None else d * m for d, m in zip(x.shape, multiples))
        return self.node("Tile", [x, self.i32(list(multiples))],
                         {"T": A.type(x.dt), "Tmultiples": A.type(P.DT_INT32)}, x.dtype, shape)

    def reduce(self, op: str, x: GT, axes: Sequence[int], keepdims: bool = False) -> GT:
        """``Mean`` / ``Max`` / ``Min`` / ``Sum`` / ``Prod`` / ``Any`` / ``All`` over ``axes``."""
        axes = sorted(a % x.rank for a in axes)
        if keepdims:
            shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
        else:
            shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
        attrs = {"keep_dims": A.b(keepdims), "Tidx": A.type(P.DT_INT32)}
        if op not in ("Any", "All"):
            attrs["T"] = A.type(x.dt)
        return self.node(op, [x, self.i32(axes)], attrs, x.dtype, shape)

    def gather(self, params: GT, indices: GT, axis: int = 0) -> GT:
        shape = tuple(params.shape[:axis]) + tuple(indices.shape) + tuple(params.shape[axis + 1:])
        attrs = {"Tparams": A.type(params.dt), "Tindices": A.type(indices.dt), "Taxis": A.type(P.DT_INT32),
                 "batch_dims": A.i(0)}
        return self.node("GatherV2", [params, indices, self.i32(axis)], attrs, params.dtype, shape)
