"""``tf.Variable``: mutable state read by ops; assignment replaces the array.

Assignment never mutates an array in place, so tensors saved by a tape for
backward keep the values they were computed with.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import core
from . import dtypes as _dt
from .tensor_shape import TensorShape





class Variable:
    """A mutable tensor-valued state, as ``tf.Variable``."""

    def __init__(self, initial_value: Any = None, trainable: bool = True,
                 validate_shape: bool = True, caching_device: Any = None,
                 name: str | None = None, variable_def: Any = None,
                 dtype: Any = None, import_scope: Any = None,
                 constraint: Any = None, synchronization: Any = None,
                 aggregation: Any = None, shape: Any = None,
                 experimental_enable_variable_lifting: bool = True) -> None:
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if callable(initial_value):
            initial_value = initial_value()
        t = core.convert_to_tensor(initial_value, dtype=dtype)
        self._id = core.new_id()
        self._value = self._make_value(np.array(t._np, copy=True))
        self._trainable = bool(trainable)
        self._shape = TensorShape(shape) if shape is not None else TensorShape(t._np.shape)
        self._validate_shape = validate_shape
        self._name = (name or "Variable")
        self.constraint = constraint
        self.synchronization = synchronization
        self.aggregation = aggregation

    # -- reading --------------------------------------------------------------
    def _make_value(self, arr: Any) -> core.Tensor:
        t = core.wrap(arr)
        t._id = self._id
        return t

    def _as_tensor(self) -> core.Tensor:
        if core._active:  # a tape, tracer or custom_gradient watcher in some thread
            return self._slow_read()
        return self._value

    def _slow_read(self) -> core.Tensor:
        t = self._value
        for w in core.variable_watchers():
            w.append(self)
        tracer = core.get_tracer()
        if tracer is not None:
            t = tracer.read_variable(self)
        for tape in core.current_tapes():
            if tape._recording and ((tape._watch_accessed and self._trainable)
                                    or self._id in tape._watched_var_ids):
                core.watch(t, tape)
                tape._note_variable(self)
        return t

    def read_value(self) -> core.Tensor:
        return self._as_tensor()

    def value(self) -> core.Tensor:
        return self._as_tensor()

    def numpy(self) -> Any:
        return self._value.numpy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._value.__array__(dtype)

    # -- attributes -------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name + ":0" if ":" not in self._name else self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value._np.shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def dtype(self) -> _dt.DType:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value._np.ndim

    @property
    def device(self) -> str:
        return self._value.device

    def ref(self) -> "_VariableRef":
        return _VariableRef(self)

    experimental_ref = ref
    __hash__ = None

    # -- assignment ---------------------------------------------------------------
    def assign(self, value: Any, use_locking: Any = None, name: Any = None,
               read_value: bool = True) -> Any:
        """Replace the value (same dtype; same shape unless ``validate_shape=False``)."""
        t = core.convert_to_tensor(value, dtype=self.dtype)
        if self._validate_shape and tuple(t._np.shape) != tuple(self._value._np.shape):
            raise ValueError(
                f"Cannot assign value to variable ' {self.name}': Shape mismatch."
                f"The variable shape {tuple(self._value._np.shape)}, and the assigned value "
                f"shape {tuple(t._np.shape)} are incompatible.")
        arr = t._np
        if t is self._value or not isinstance(arr, np.ndarray) or arr.base is not None:
            arr = np.array(arr, copy=True)
        self._value = self._make_value(arr)
        tracer = core.get_tracer()
        if tracer is not None:
            tracer.assign_variable(self, t)
        return self if read_value else None

    def assign_add(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: bool = True) -> Any:
        from ..ops import math_ops
        return self.assign(math_ops.add(self, core.convert_to_tensor(delta, dtype=self.dtype)),
                           read_value=read_value)

    def assign_sub(self, delta: Any, use_locking: Any = None, name: Any = None,
                   read_value: bool = True) -> Any:
        from ..ops import math_ops
        return self.assign(math_ops.subtract(self, core.convert_to_tensor(delta, dtype=self.dtype)),
                           read_value=read_value)

    def __repr__(self) -> str:
        body = repr(self._value).split("numpy=", 1)[1][:-1]
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, numpy={body}>"

    def __iter__(self):
        return iter(self._as_tensor())

    def __len__(self) -> int:
        return len(self._value)

    def __bool__(self) -> bool:
        return bool(self._as_tensor())

    def __float__(self) -> float:
        return float(self._value._np)

    def __int__(self) -> int:
        return int(self._value._np)

    def __index__(self) -> int:
        return int(self._value._np)

    def __deepcopy__(self, memo: dict) -> "Variable":
        return Variable(self._value._np.copy(), trainable=self._trainable, name=self._name)

    def __reduce__(self):
        return (Variable, (self._value._np.copy(), self._trainable, True, None, self._name))


class _VariableRef:
    __slots__ = ("_v",)

    def __init__(self, v: Variable) -> None:
        self._v = v

    def deref(self) -> Variable:
        return self._v

    def __hash__(self) -> int:
        return id(self._v)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, _VariableRef) and other._v is self._v
