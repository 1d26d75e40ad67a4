"""The engine's heart: ``Tensor``, the op registry and the single ``execute`` path.

Every op is an :class:`OpDef` in one table: a numpy ``forward`` kernel and a
``vjp`` rule.  ``execute`` runs the kernel, and only when a tape or a tracer is
active does it record the op (one module-global check on the hot path);
the recording state is per thread, as in TensorFlow.

vjp rules are written once against a kernel namespace ``K`` whose attributes
are the registered op names: :data:`RAW` calls the numpy kernels directly (fast
first-order gradients), :data:`DIFF` calls ``execute`` (so a gradient is itself
recorded, which gives higher-order gradients and lets ``function`` trace the
backward pass).  Signature::

    vjp(K, g, xs, y, shapes, attrs, needs) -> sequence of input grads (or None)

``g`` is the output gradient (a tuple for multi-output ops), ``xs`` the saved
inputs (``None`` where the op does not save them), ``y`` the saved output(s),
``shapes`` the input shapes and ``needs`` the needs-input-grad mask.
"""
from __future__ import annotations

import itertools
import numbers
import threading
from typing import Any, Callable, Sequence

import numpy as np

from . import dtypes as _dt
from .errors import InvalidArgumentError
from .tensor_shape import TensorShape

_next_id = itertools.count(1).__next__

# --------------------------------------------------------------------------
# Recording state: per thread, like TensorFlow's eager context (a tape or a
# ``function`` trace in one thread never sees another thread's ops).  The hot
# path reads one module global, ``_active``: True while any thread records.
class _ThreadState(threading.local):
    def __init__(self) -> None:
        self.tapes: list = []      # tapes recording in this thread, innermost last
        self.tracer: Any = None    # this thread's active function tracer, if any
        self.active = False        # tapes or tracer
        self.var_watchers: list = []  # custom_gradient's watchers of variable reads


_state = _ThreadState()
_active = False                    # some thread has tapes or a tracer
_active_threads = 0
_active_lock = threading.Lock()


def _refresh_active() -> None:
    global _active, _active_threads
    st = _state
    now = bool(st.tapes) or st.tracer is not None
    if now != st.active:
        with _active_lock:
            st.active = now
            _active_threads += 1 if now else -1
            _active = _active_threads > 0


def push_tape(tape: Any) -> None:
    _state.tapes.append(tape)
    _refresh_active()


def pop_tape(tape: Any) -> None:
    if tape in _state.tapes:
        _state.tapes.remove(tape)
    _refresh_active()


def set_tracer(tracer: Any) -> Any:
    """Install ``tracer`` (or None) for this thread; returns the previous one."""
    st = _state
    prev, st.tracer = st.tracer, tracer
    _refresh_active()
    return prev


def get_tracer() -> Any:
    """This thread's active function tracer, or None."""
    return _state.tracer if _active else None


def current_tapes() -> list:
    """This thread's tapes (recording or paused), innermost last."""
    return _state.tapes


def variable_watchers() -> list:
    """This thread's custom_gradient watchers of variable reads (lists to append to)."""
    return _state.var_watchers


def recording_tapes() -> list:
    return [t for t in _state.tapes if t._recording] if _active else []


# --------------------------------------------------------------------------
class Tensor:
    """An immutable n-dimensional array (an eager ``tf.Tensor``)."""

    __slots__ = ("_np", "_id", "_tapes", "_keras_mask", "_keras_logits",
                 "_keras_history", "__weakref__")
    __array_priority__ = 100

    def __init__(self, value: Any, dtype: Any = None) -> None:
        arr = convert_to_tensor(value, dtype)._np
        self._np = arr
        self._id = 0
        self._tapes = None

    # -- attributes ---------------------------------------------------------
    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._np.shape)

    def get_shape(self) -> TensorShape:
        return TensorShape(self._np.shape)

    def set_shape(self, shape: Any) -> None:
        if not TensorShape(self._np.shape).is_compatible_with(TensorShape(shape)):
            raise ValueError(f"Tensor's shape {tuple(self._np.shape)} is not compatible "
                             f"with supplied shape {tuple(shape)}.")

    @property
    def dtype(self) -> _dt.DType:
        return _dt.from_numpy(self._np.dtype)

    @property
    def ndim(self) -> int:
        return self._np.ndim

    @property
    def device(self) -> str:
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def numpy(self) -> Any:
        """A numpy copy of the value (a numpy scalar for rank 0)."""
        a = self._np
        return a.copy() if isinstance(a, np.ndarray) and a.ndim else a[()] if isinstance(a, np.ndarray) else a

    def ref(self) -> "_TensorRef":
        return _TensorRef(self)

    experimental_ref = ref

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = np.asarray(self._np)
        return a.astype(dtype) if dtype is not None else a

    def __len__(self) -> int:
        if self._np.ndim == 0:
            raise TypeError("Scalar tensor has no `len()`")
        return self._np.shape[0]

    def __iter__(self):
        if self._np.ndim == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        from ..ops import array_ops
        return iter(array_ops.unstack(self))

    def __bool__(self) -> bool:
        if _active and _state.tracer is not None:
            _state.tracer.on_python_bool(self)
        return bool(self._np)

    def __float__(self) -> float:
        return float(self._np)

    def __int__(self) -> int:
        return int(self._np)

    def __index__(self) -> int:
        return int(self._np.__index__()) if hasattr(self._np, "__index__") else int(self._np)

    def __complex__(self) -> complex:
        return complex(self._np)

    __hash__ = None  # like TF: use ``t.ref()`` as a dict key

    def __repr__(self) -> str:
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={_numpy_text(self._np, True)}>"

    def __str__(self) -> str:
        return f"tf.Tensor({_numpy_text(self._np, False)}, shape={self.shape}, dtype={self.dtype.name})"

    def __reduce__(self):
        return (constant_from_numpy, (np.asarray(self._np),))

    def __deepcopy__(self, memo: dict) -> "Tensor":
        return wrap(np.array(self._np, copy=True))

    def __copy__(self) -> "Tensor":
        return self


def _numpy_text(a: Any, is_repr: bool) -> str:
    """The value part of a Tensor's repr/str, as TensorFlow's ``numpy_text``."""
    a = np.asarray(a)
    if not is_repr:
        text = str(a)
    elif a.ndim == 0 and not isinstance(a[()], bytes):
        text = repr(a.item())  # TF shows numpy scalars as Python items
    else:
        text = repr(a)
    return "\n" + text if "\n" in text else text


class _TensorRef:
    """Hashable reference to a tensor (``Tensor.ref()``)."""

    __slots__ = ("_t",)

    def __init__(self, t: Tensor) -> None:
        self._t = t

    def deref(self) -> Tensor:
        return self._t

    def __hash__(self) -> int:
        return id(self._t)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, _TensorRef) and other._t is self._t


def wrap(arr: Any) -> Tensor:
    """Wrap a numpy array (or numpy scalar) as an untracked Tensor, no copy."""
    t = object.__new__(Tensor)
    t._np = arr
    t._id = 0
    t._tapes = None
    return t


def constant_from_numpy(arr: np.ndarray) -> Tensor:
    return wrap(arr)


# --------------------------------------------------------------------------
# Conversion
_PY_DEFAULTS = {float: np.float32, int: np.int32, bool: np.bool_, complex: np.complex128}


def _py_to_numpy(value: Any, npdtype: Any) -> np.ndarray:
    """Convert Python values (scalars, nested lists) like ``tf.constant`` does."""
    if npdtype is not None:
        arr = np.asarray(value)
        if arr.dtype.kind == "O":
            arr = np.asarray(_deep_numpy(value))
        target = np.dtype(npdtype)
        # TF: Python floats never convert to integer/bool dtypes (not even 1.0),
        # Python ints not to bool; out-of-range ints wrap (C cast) like TF.
        if arr.size and ((arr.dtype.kind in "fc" and target.kind in "iub") or (arr.dtype.kind in "iu" and target.kind == "b")):
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {_dt.as_dtype(target).name}")
        if arr.dtype == np.uint64 and target != np.uint64 or arr.dtype.kind == "O":
            raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")
        return arr.astype(target, copy=False)
    arr = np.asarray(value)
    if arr.dtype.kind == "O":
        arr = np.asarray(_deep_numpy(value))
    k = arr.dtype.kind
    if k == "f":
        return arr.astype(np.float32) if arr.dtype == np.float64 and not isinstance(value, (np.ndarray, np.generic)) else arr
    if k in "iu" and not isinstance(value, (np.ndarray, np.generic)):
        if arr.dtype == np.uint64:
            raise ValueError("Can't convert Python sequence with out-of-range integer to Tensor.")
        if arr.size and (arr.max() > 2**31 - 1 or arr.min() < -2**31):
            return arr.astype(np.int64)
        return arr.astype(np.int32)
    return arr


def _deep_numpy(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._np
    if hasattr(type(value), "_as_tensor"):
        return value._as_tensor()._np
    if isinstance(value, (list, tuple)):
        return [_deep_numpy(v) for v in value]
    return value


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None,
                      name: str | None = None) -> Tensor:
    """Convert ``value`` (Tensor, Variable, numpy array, Python value) to a Tensor."""
    if type(value) is Tensor:
        if dtype is not None and value._np.dtype != _dt.as_dtype(dtype)._np:
            raise ValueError(f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} "
                             f"for Tensor with dtype {value.dtype.name}: {value!r}")
        return value
    conv = getattr(type(value), "_as_tensor", None)
    if conv is not None:
        t = conv(value)
        if dtype is not None and t._np.dtype != _dt.as_dtype(dtype)._np:
            raise ValueError(f"Tensor conversion requested dtype {_dt.as_dtype(dtype).name} "
                             f"for Tensor with dtype {t.dtype.name}")
        return t
    if isinstance(value, Tensor):  # subclasses
        return value
    if value is None:
        raise ValueError("Attempt to convert a value (None) with an unsupported type "
                         "(<class 'NoneType'>) to a Tensor.")
    npd = _dt.as_dtype(dtype)._np if dtype is not None else None
    if npd is None and dtype_hint is not None and not isinstance(value, (np.ndarray, np.generic)):
        hint = _dt.as_dtype(dtype_hint)._np
        try:
            return wrap(_py_to_numpy(value, hint))
        except (TypeError, ValueError):
            pass
    if isinstance(value, (np.ndarray, np.generic)) and npd is not None:
        return wrap(np.asarray(value).astype(npd, copy=True))  # TF casts numpy values (C cast)
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SUO":
            return wrap(value.astype(object))
        return wrap(value.copy())
    if isinstance(value, np.generic):
        return wrap(np.asarray(value))
    if isinstance(value, str) or (isinstance(value, (list, tuple)) and value and isinstance(_first_leaf(value), (str, bytes))):
        return wrap(np.asarray(value, dtype=object))
    return wrap(_py_to_numpy(value, npd))


def _first_leaf(value: Any) -> Any:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return value


def is_tensor(x: Any) -> bool:
    return isinstance(x, Tensor) or hasattr(type(x), "_as_tensor")


# --------------------------------------------------------------------------
# Op registry
class OpDef:
    """One op: a numpy forward kernel, a vjp rule and what backward must save."""

    __slots__ = ("name", "forward", "vjp", "n_out", "save_inputs", "save_output")

    def __init__(self, name: str, forward: Callable, vjp: Callable | None,
                 n_out: int, save_inputs: Any, save_output: bool) -> None:
        self.name = name
        self.forward = forward
        self.vjp = vjp
        self.n_out = n_out
        self.save_inputs = save_inputs
        self.save_output = save_output

    def __repr__(self) -> str:
        return f"<OpDef {self.name}>"


OPS: dict[str, OpDef] = {}


class _Kernels:
    """Namespace of kernels by op name (``K.MatMul(a, b, ...)``)."""


RAW = _Kernels()
DIFF = _Kernels()


def _diff_kernel(op: OpDef) -> Callable:
    def run(*args: Any, **attrs: Any) -> Any:
        ref = None
        for a in args:
            if type(a) is Tensor:
                ref = a._np.dtype
                break
        ins = tuple(a if type(a) is Tensor else
                    wrap(np.asarray(a, dtype=ref) if (ref is not None and isinstance(a, (float, int)) and not isinstance(a, bool)) else np.asarray(a))
                    for a in args)
        return execute(op, ins, attrs)
    run.__name__ = op.name
    return run


def register_op(name: str, forward: Callable, vjp: Callable | None = None, *,
                n_out: int = 1, save_inputs: Any = True,
                save_output: bool = False) -> OpDef:
    """Add an op to the table. ``save_inputs``: True, False or a tuple of indices."""
    if name in OPS:
        raise ValueError(f"op {name!r} is already registered")
    op = OpDef(name, forward, vjp, n_out, save_inputs, save_output)
    OPS[name] = op
    setattr(RAW, name, forward)
    setattr(DIFF, name, _diff_kernel(op))
    return op


def _op_error(op: OpDef, inputs: Sequence[Tensor], exc: Exception) -> InvalidArgumentError:
    shapes = ", ".join(f"{tuple(t._np.shape)} {t._np.dtype}" for t in inputs)
    return InvalidArgumentError(None, op.name, f"{exc} (inputs: {shapes}) [Op:{op.name}]")


_new_tensor = object.__new__


def execute(op: OpDef, inputs: tuple, attrs: dict) -> Any:
    """Run ``op`` on Tensors ``inputs``; record it if a tape/tracer is active."""
    try:
        n = len(inputs)
        if n == 2:
            out = op.forward(inputs[0]._np, inputs[1]._np, **attrs)
        elif n == 1:
            out = op.forward(inputs[0]._np, **attrs)
        else:
            out = op.forward(*[t._np for t in inputs], **attrs)
    except (ValueError, IndexError, np.linalg.LinAlgError) as e:
        if isinstance(e, InvalidArgumentError):
            raise
        raise _op_error(op, inputs, e) from None
    if op.n_out == 1:
        res = _new_tensor(Tensor)  # wrap(out), inlined: this is the eager hot path
        res._np = out
        res._id = 0
        res._tapes = None
        if _active:
            _record(op, inputs, (res,), attrs)
        return res
    res = tuple(wrap(o) for o in out)
    if _active:
        _record(op, inputs, res, attrs)
    return res


def emit(op: OpDef, inputs: tuple, attrs: dict, out: Any) -> Tensor:
    """Finish a single-output op whose result ``out`` a wrapper computed itself
    (exactly ``op.forward(*inputs, **attrs)``, e.g. a validated fast path): wrap it
    and record it like :func:`execute`."""
    res = _new_tensor(Tensor)
    res._np = out
    res._id = 0
    res._tapes = None
    if _active:
        _record(op, inputs, (res,), attrs)
    return res


# A tape record is a plain tuple (cheapest to build on the hot path):
#   (op, inputs, outputs, attrs, in_ids, out_ids, shapes)
# inputs: the saved input Tensors (None where not saved, or None for none);
# outputs: the output Tensors when backward needs them (save_output / multi-output).
REC_OP, REC_INPUTS, REC_OUTPUTS, REC_ATTRS, REC_IN_IDS, REC_OUT_IDS, REC_SHAPES = range(7)


def _merge_tapes(a: tuple, b: tuple) -> tuple:
    return a + tuple(t for t in b if t not in a)


def _record(op: OpDef, inputs: tuple, outputs: tuple, attrs: dict) -> None:
    tapes = None
    if op.vjp is not None:
        for t in inputs:
            tp = t._tapes
            if tp is not None and tp is not tapes:
                if tapes is None:
                    tapes = tp
                elif tp != tapes:
                    tapes = _merge_tapes(tapes, tp)
        if tapes is not None:
            for tape in tapes:
                if not tape._recording:
                    tapes = tuple(x for x in tapes if x._recording) or None
                    break
    if tapes is not None:
        if len(outputs) == 1:
            o = outputs[0]
            if o._np.dtype.kind in "fc":
                oid = o._id = _next_id()
                o._tapes = tapes
            else:
                oid = 0
            out_ids = (oid,)
        else:
            ids = []
            for o in outputs:
                if o._np.dtype.kind in "fc":
                    o._id = _next_id()
                    o._tapes = tapes
                    ids.append(o._id)
                else:
                    ids.append(0)
            out_ids = tuple(ids)
        si = op.save_inputs
        if len(inputs) == 2:
            a, b = inputs
            in_ids = (a._id, b._id)
            shapes = (a._np.shape, b._np.shape)
        else:
            in_ids = tuple([t._id for t in inputs])
            shapes = tuple([t._np.shape for t in inputs])
        rec = (op,
               inputs if si is True else None if si is False else
               tuple([t if i in si else None for i, t in enumerate(inputs)]),
               outputs if (op.save_output or op.n_out > 1) else None,
               attrs, in_ids, out_ids, shapes)
        for tape in tapes:
            tape._records.append(rec)
    tracer = _state.tracer
    if tracer is not None:
        tracer.record(op, inputs, outputs, attrs)


def watch(tensor: Tensor, tape: Any) -> None:
    """Mark ``tensor`` as watched by ``tape`` (gives it an id if it has none)."""
    if not tensor._id:
        tensor._id = _next_id()
    tp = tensor._tapes
    if tp is None:
        tensor._tapes = (tape,)
    elif tape not in tp:
        # Drop tapes that have exited (so a long-lived tensor does not keep every
        # old tape alive); keep active ones, including a tape paused by stop_recording().
        tensor._tapes = tuple(x for x in tp if x in _state.tapes) + (tape,)


def new_id() -> int:
    return _next_id()
