"""Small top-level utilities: ``name_scope``, ``device``, ``cond``, ``print``, ``executing_eagerly`` ..."""
from __future__ import annotations

import contextlib
import sys
from typing import Any, Callable

import numpy as np

from .framework import core, nest

__all__ = ["name_scope", "device", "executing_eagerly", "cond", "case", "while_loop", "print",
           "get_static_value", "init_scope", "no_gradient", "control_dependencies"]

_builtin_print = print


@contextlib.contextmanager
def name_scope(name: str):
    """Accepted for API compatibility; names do not affect eager execution."""
    yield name


@contextlib.contextmanager
def device(device_name: str):
    """Everything runs on the CPU; accepted for API compatibility."""
    yield


@contextlib.contextmanager
def init_scope():
    yield


@contextlib.contextmanager
def control_dependencies(control_inputs: Any):
    yield


def executing_eagerly() -> bool:
    """False while a ``function`` is being traced, like TF."""
    return core.get_tracer() is None


def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None, name: str | None = None) -> Any:
    """Run ``true_fn`` or ``false_fn`` on a scalar boolean (Python or tensor)."""
    if true_fn is None or false_fn is None:
        raise TypeError("cond(): true_fn and false_fn arguments must be callable.")
    return true_fn() if bool(pred) else false_fn()


def case(pred_fn_pairs: Any, default: Callable | None = None, exclusive: bool = False, strict: bool = False,
         name: str = "case") -> Any:
    for pred, fn in pred_fn_pairs:
        if bool(pred):
            return fn()
    if default is None:
        raise ValueError("No predicate was true and no default was given")
    return default()


def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any = None,
               parallel_iterations: int = 10, back_prop: bool = True, swap_memory: bool = False,
               maximum_iterations: Any = None, name: str | None = None) -> Any:
    """Eager ``tf.while_loop``: ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``."""
    single = not isinstance(loop_vars, (list, tuple))
    vars_ = [loop_vars] if single else list(loop_vars)
    i = 0
    while bool(cond(*vars_)):
        if maximum_iterations is not None and i >= int(maximum_iterations):
            break
        out = body(*vars_)
        vars_ = [out] if single else list(out)
        i += 1
    return vars_[0] if single else type(loop_vars)(vars_) if isinstance(loop_vars, tuple) else vars_


def print(*inputs: Any, output_stream: Any = sys.stderr, summarize: int = 3, sep: str = " ", end: str = "\n",
          name: str | None = None) -> None:
    """``tf.print``: prints tensor values (numpy formatting)."""
    parts = []
    for x in inputs:
        if isinstance(x, core.Tensor) or hasattr(type(x), "_as_tensor"):
            parts.append(str(np.asarray(core.convert_to_tensor(x)._np)))
        else:
            parts.append(str(x))
    stream = output_stream if hasattr(output_stream, "write") else sys.stderr
    _builtin_print(*parts, sep=sep, end=end, file=stream)


def get_static_value(tensor: Any, partial: bool = False) -> Any:
    if isinstance(tensor, core.Tensor):
        return np.asarray(tensor._np)
    return tensor


def no_gradient(op_type: str) -> None:
    op = core.OPS.get(op_type)
    if op is not None:
        op.vjp = None
