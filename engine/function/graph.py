"""The traced program of a ``function``: a flat list of numpy kernel calls.

Tracing runs the Python once for real (like TinyJit's capture): every engine op
that executes is appended as an equation ``(kernel, input slots, output slots,
attrs)``; variable reads and assignments become steps too.  Replay is one
Python loop over prebound kernels with no Tensor objects and no tape checks.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Any

import numpy as np

from ..framework import core
from ..framework.core import Tensor, wrap
from ..framework.errors import OperatorNotAllowedInGraphError


class Operation:
    """One inspectable equation of a traced graph."""

    __slots__ = ("type", "inputs", "outputs", "attrs")

    def __init__(self, type_: str, inputs: tuple, outputs: tuple, attrs: dict) -> None:
        self.type = type_
        self.inputs = inputs
        self.outputs = outputs
        self.attrs = attrs

    @property
    def name(self) -> str:
        return self.type

    def __repr__(self) -> str:
        return f"<Operation {self.type} in={list(self.inputs)} out={list(self.outputs)}>"


class FuncGraph:
    """A traced function: slots, constants, and the equations between them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.operations: list[Operation] = []
        self.input_slots: list[int] = []
        self.output_slots: list[Any] = []   # slot index, or ("const", value)
        self.constants: dict[int, Any] = {}
        self.variables: list = []
        self._program: list = []
        self._nslots = 0

    def get_operations(self) -> list[Operation]:
        return list(self.operations)

    def new_slot(self) -> int:
        s = self._nslots
        self._nslots += 1
        return s

    def finalize(self) -> None:
        """Prebind the replay program."""
        self._program = [(op_fn, _input_getter(ins), outs, attrs) for op_fn, ins, outs, attrs in self._steps]

    def run(self, input_arrays: list) -> list:
        """Replay on new input arrays; returns the output arrays (or constants)."""
        vals = [None] * self._nslots
        for s, v in self.constants.items():
            vals[s] = v
        for s, a in zip(self.input_slots, input_arrays):
            vals[s] = a
        for fn, get, outs, attrs in self._program:
            if get.__class__ is int:
                r = fn(vals[get], **attrs)
            elif get is None:
                r = fn(**attrs)
            else:
                r = fn(*get(vals), **attrs)
            if outs.__class__ is int:
                vals[outs] = r
            elif outs:
                for s, v in zip(outs, r):
                    vals[s] = v
        return [vals[s] if s.__class__ is int else s[1] for s in self.output_slots]


def _input_getter(ins: tuple) -> Any:
    """How replay gathers a step's inputs: None (no inputs), a slot (one), or an itemgetter (a tuple)."""
    if not ins:
        return None
    if len(ins) == 1:
        return ins[0]
    return itemgetter(*ins)


class Tracer:
    """Installed in ``core`` while a function traces; records into a FuncGraph."""

    def __init__(self, graph: FuncGraph) -> None:
        self.graph = graph
        self._slot_of: dict[int, int] = {}
        self._keep: list = []           # keeps traced tensors alive (ids stay unique)
        self._derived: set[int] = set()  # slots that depend on inputs or variables
        graph._steps = []

    def add_input(self, t: Tensor) -> None:
        s = self.graph.new_slot()
        self._slot_of[id(t)] = s
        self._keep.append(t)
        self._derived.add(s)
        self.graph.input_slots.append(s)

    def slot(self, t: Tensor) -> int:
        s = self._slot_of.get(id(t))
        if s is None:  # a tensor made outside the trace: a captured constant
            s = self.graph.new_slot()
            self._slot_of[id(t)] = s
            self._keep.append(t)
            self.graph.constants[s] = t._np
        return s

    def record(self, op: Any, inputs: tuple, outputs: tuple, attrs: dict) -> None:
        if op.forward is None:  # custom_gradient marker: its outputs are traced already
            return
        ins = tuple(self.slot(t) for t in inputs)
        outs = []
        for o in outputs:
            s = self.graph.new_slot()
            self._slot_of[id(o)] = s
            self._keep.append(o)
            outs.append(s)
        if not ins or any(i in self._derived for i in ins):
            self._derived.update(outs)
        out_spec = outs[0] if op.n_out == 1 else tuple(outs)
        self.graph._steps.append((op.forward, ins, out_spec, attrs))
        self.graph.operations.append(Operation(op.name, ins, tuple(outs), attrs))

    def read_variable(self, var: Any) -> Tensor:
        t = wrap(var._value._np)
        t._id = var._id
        s = self.graph.new_slot()
        self._slot_of[id(t)] = s
        self._keep.append(t)
        self._derived.add(s)
        if all(v is not var for v in self.graph.variables):
            self.graph.variables.append(var)
        self.graph._steps.append((_reader(var), (), s, {}))
        self.graph.operations.append(Operation("ReadVariableOp", (), (s,), {"variable": var.name}))
        return t

    def assign_variable(self, var: Any, value: Tensor) -> None:
        s = self.slot(value)
        if all(v is not var for v in self.graph.variables):
            self.graph.variables.append(var)
        self.graph._steps.append((_assigner(var), (s,), (), {}))
        self.graph.operations.append(Operation("AssignVariableOp", (s,), (), {"variable": var.name}))

    def on_python_bool(self, t: Tensor) -> None:
        s = self._slot_of.get(id(t))
        if s is not None and s in self._derived:
            raise OperatorNotAllowedInGraphError(
                "Using a tf.Tensor as a Python `bool` is not allowed inside tf.function: the "
                "branch would be frozen at trace time. Use tf.where / tf.cond, or call the "
                "function eagerly (tf.config.run_functions_eagerly(True)).")

    def output_slot(self, t: Tensor) -> Any:
        s = self._slot_of.get(id(t))
        return s if s is not None else ("const", t._np)


def _reader(var: Any):
    def read() -> Any:
        return var._value._np
    return read


def _assigner(var: Any):
    def assign(v: Any) -> None:
        if isinstance(v, np.ndarray) and v.base is not None:
            v = v.copy()
        var._value = var._make_value(v)
    return assign
