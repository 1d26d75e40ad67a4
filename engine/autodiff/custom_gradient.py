"""``tf.custom_gradient`` and ``tf.stop_gradient``."""
from __future__ import annotations

import functools
import inspect
from typing import Any, Callable

import numpy as np

from ..framework import core, nest
from ..framework.core import OPS, OpDef, RAW, Tensor, execute, register_op, wrap
from ..framework.variables import Variable


def _stop_vjp(K, g, xs, y, s, a, n):
    return (None,)


register_op("StopGradient", lambda x: x, _stop_vjp, save_inputs=False)


def stop_gradient_(input: Any, name: str | None = None) -> Tensor:
    """Identity whose gradient is None (``tf.stop_gradient``)."""
    return execute(OPS["StopGradient"], (core.convert_to_tensor(input),), {})


def custom_gradient(f: Callable | None = None) -> Callable:
    """Decorate ``f(*x) -> (y, grad_fn)``; ``grad_fn(*dy[, variables=...])`` gives the grads."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        tapes = core.recording_tapes()
        if not tapes and core.get_tracer() is None:
            result, _ = f(*args, **kwargs)
            return result
        inputs = [core.convert_to_tensor(a) if not isinstance(a, Tensor) else a
                  for a in nest.flatten(args) if isinstance(a, (Tensor, Variable, np.ndarray, float, int))]
        accessed: list = []
        core.variable_watchers().append(accessed)
        # f runs recorded, as in TF: tensors that grad_fn closes over stay
        # differentiable, so a higher-order tape sees through grad_fn.
        try:
            result, grad_fn = f(*args, **kwargs)
        finally:
            core.variable_watchers().remove(accessed)
        flat_args = nest.flatten((args, kwargs))
        variables = []
        for v in accessed:
            if (v.trainable and all(v is not w for w in variables)
                    and all(v is not a for a in flat_args)):  # variables passed as inputs are inputs
                variables.append(v)
        flat_res = nest.flatten(result)
        # Fresh output tensors (so the tape can mark them without touching f's).
        saved_tapes = tapes
        for tp in saved_tapes:
            tp._recording = False
        try:
            outs = [execute(OPS["Identity"], (core.convert_to_tensor(r),), {}) for r in flat_res]
        finally:
            for tp in saved_tapes:
                tp._recording = True
        accepts_vars = "variables" in inspect.signature(grad_fn).parameters or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in inspect.signature(grad_fn).parameters.values())
        if variables and not accepts_vars:
            raise TypeError("If using @custom_gradient with a function that uses variables, then "
                            "grad_fn must accept a keyword argument 'variables'.")
        n_in = len(inputs)

        def vjp(K, g, xs, y, shapes, attrs, needs):
            raw = K is RAW
            gs = g if isinstance(g, tuple) else (g,)
            dys = [wrap(x) if raw else x for x in gs]
            if variables:
                in_grads, var_grads = grad_fn(*dys, variables=variables)
            else:
                in_grads, var_grads = grad_fn(*dys), []
            in_grads = list(in_grads) if isinstance(in_grads, (list, tuple)) else [in_grads]
            if len(in_grads) != n_in:
                raise ValueError(f"custom_gradient function expected to return {n_in} gradients, "
                                 f"but returned {len(in_grads)} instead.")
            allg = in_grads + list(var_grads)
            res = []
            for x in allg:
                if x is None:
                    res.append(None)
                else:
                    t = core.convert_to_tensor(x)
                    res.append(t._np if raw else t)
            return tuple(res)

        op = OpDef("CustomGradient", None, vjp, len(outs), True, True)
        var_tensors = [v._value for v in variables]
        for tp in tapes:
            for v in variables:
                if tp._watch_accessed or v._id in tp._watched_var_ids:
                    core.watch(v._value, tp)
                    tp._note_variable(v)
        core._record(op, tuple(inputs) + tuple(var_tensors), tuple(outs), {})
        return nest.pack_sequence_as(result, outs)

    return wrapper
