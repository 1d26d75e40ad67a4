"""``tf.function``: trace Python into a FuncGraph once per input signature, then replay.

Cache key: the nested structure of the arguments, ``(shape, dtype)`` of every
tensor / numpy array, and the value of every other Python argument.  With an
``input_signature`` the arguments are checked against it (``None`` dims accept
any size) — a new concrete shape is traced internally for it.  Python side
effects therefore run only when a trace happens.  While a GradientTape outside
the function is recording, the call runs eagerly so the tape sees every op.
"""
from __future__ import annotations

import copy
import functools
import inspect
from typing import Any, Callable

import numpy as np

from ..framework import core, dtypes, nest
from ..framework.core import Tensor, wrap
from ..framework.errors import InvalidArgumentError
from ..framework.tensor_shape import TensorShape
from ..framework.variables import Variable
from .graph import FuncGraph, Tracer

RUN_EAGERLY = [False]


class TensorSpec:
    """Describes a tensor argument: shape (``None`` = any size) and dtype."""

    def __init__(self, shape: Any = None, dtype: Any = dtypes.float32, name: str | None = None) -> None:
        self.shape = TensorShape(shape) if shape is not None else None
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value: Any) -> bool:
        if isinstance(value, TensorSpec):
            shape, dt = value.shape, value.dtype
        else:
            t = core.convert_to_tensor(value)
            shape, dt = t.shape, t.dtype
        if dt != self.dtype:
            return False
        return self.shape is None or (shape is not None and self.shape.is_compatible_with(shape))

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> "TensorSpec":
        t = core.convert_to_tensor(tensor)
        return cls(t.shape, t.dtype, name)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, TensorSpec) and self.shape == other.shape and self.dtype == other.dtype

    def __hash__(self) -> int:
        return hash((tuple(self.shape) if self.shape is not None else None, self.dtype))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name={self.name!r})"


def _is_tensorlike(x: Any) -> bool:
    return type(x) is Tensor or isinstance(x, (Tensor, np.ndarray, np.generic))


_PY_NUMBERS = (bool, int, float, complex, np.generic, np.ndarray)


class ConcreteFunction:
    """One trace: its graph, signature and outputs structure; callable."""

    def __init__(self, graph: FuncGraph, structured_inputs: Any, structured_outputs: Any,
                 out_template: Any, function: "Function | None" = None, in_sigs: list | None = None) -> None:
        self.graph = graph
        self.structured_input_signature = structured_inputs
        self.structured_outputs = structured_outputs
        self._out_template = out_template
        self._out_is_tensor: list = []
        self._single_tensor_out = False   # set after tracing: the output is one Tensor
        self._function = function
        self._in_sigs = in_sigs   # (shape, numpy dtype) of each traced tensor input

    def _view(self, structured_inputs: Any) -> "ConcreteFunction":
        """The same trace under another declared signature (e.g. with ``None`` dims)."""
        cf = copy.copy(self)
        cf.structured_input_signature = structured_inputs
        return cf

    @property
    def variables(self) -> list:
        return list(self.graph.variables)

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.graph.variables if v.trainable]

    def _run_flat(self, arrays: list) -> Any:
        outs = self.graph.run(arrays)
        if self._single_tensor_out:
            return wrap(outs[0])
        return nest.pack_sequence_as(self._out_template, [
            wrap(o) if isinstance(o, (np.ndarray, np.generic)) and m else o
            for o, m in zip(outs, self._out_is_tensor)])

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the trace.  Arguments bind like the Python function's (Python-valued
        parameters may be omitted: they are fixed by the trace).  Tensors of another
        shape run the owning function's trace for that shape: the engine's graphs are
        replayed numpy kernels with shapes fixed at trace time."""
        bound = self._bind(args, kwargs)
        if bound is None:  # no Python signature to bind to: tensors in flat order
            flat = [a for a in nest.flatten((args, kwargs)) if _is_tensorlike(a) or isinstance(a, Variable)]
            return self._run_flat([core.convert_to_tensor(a)._np for a in flat if not isinstance(a, Variable)])
        targs, tkwargs = bound
        if core.get_tracer() is not None or core.recording_tapes():
            # Under a tape (or inside another trace) run the ops so they are recorded.
            return self._function.python_function(*targs, **tkwargs)
        arrays = [a._np for a in nest.flatten((targs, tkwargs)) if isinstance(a, Tensor)]
        sigs = self._in_sigs
        if len(arrays) == len(sigs) and all(a.shape == sh and a.dtype == dt for a, (sh, dt) in zip(arrays, sigs)):
            return self._run_flat(arrays)
        for k, (a, (_, dt)) in enumerate(zip(arrays, sigs)):
            if a.dtype != dt:
                raise InvalidArgumentError(
                    None, self.graph.name,
                    f"cannot compute {self.graph.name} as input #{k}(zero-based) was expected to be a "
                    f"{dtypes.from_numpy(dt).name} tensor but is a {dtypes.from_numpy(a.dtype).name} tensor")
        return self._function._call_canonical(targs, tkwargs)

    def _bind(self, args: tuple, kwargs: dict) -> tuple | None:
        """Map call arguments onto the traced signature; tensors converted per TensorSpec."""
        fn = self._function
        if fn is None or fn._sig is None or fn._varpos or self._in_sigs is None:
            return None
        try:
            given = fn._sig.bind_partial(*args, **kwargs).arguments
        except TypeError:
            return None
        names = list(fn._sig.parameters)
        tmpl_args, tmpl_kwargs = self.structured_input_signature
        if len(tmpl_args) > len(names):
            return None
        new_args = tuple(_bind_leafwise(t, given[n]) if n in given else _unbound(t, n)
                         for t, n in zip(tmpl_args, names))
        new_kwargs = {k: _bind_leafwise(t, given[k]) if k in given else _unbound(t, k)
                      for k, t in tmpl_kwargs.items()}
        return new_args, new_kwargs


def _bind_leafwise(tmpl: Any, value: Any) -> Any:
    if isinstance(tmpl, TensorSpec):
        if isinstance(value, Tensor):
            return value
        if isinstance(value, Variable):
            return value._as_tensor()
        try:
            return core.convert_to_tensor(value, dtype=tmpl.dtype)
        except (TypeError, ValueError):
            return core.convert_to_tensor(value)
    if isinstance(tmpl, (list, tuple, dict)):
        if not isinstance(value, (list, tuple, dict)) or len(value) != len(tmpl):
            raise TypeError(f"Expected an argument structured like {tmpl!r}, got {value!r}")
        if isinstance(tmpl, dict):
            return {k: _bind_leafwise(t, value[k]) for k, t in tmpl.items()}
        return nest._rebuild(tmpl, [_bind_leafwise(t, v) for t, v in zip(tmpl, value)])
    return tmpl  # Python values are fixed by the trace


def _unbound(tmpl: Any, name: str) -> Any:
    if any(isinstance(t, TensorSpec) for t in nest.flatten(tmpl)):
        raise TypeError(f"ConcreteFunction missing required argument: {name!r}")
    return tmpl


def _signature_info(fn: Callable) -> tuple:
    """(signature, number of positional parameters, has *args) or (None, 0, False)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return None, 0, False
    kinds = [p.kind for p in sig.parameters.values()]
    n_pos = sum(k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                for k in kinds)
    return sig, n_pos, inspect.Parameter.VAR_POSITIONAL in kinds


def _bind_spec(spec: Any, arg: Any, fail: Callable) -> Any:
    """Convert ``arg`` to match ``spec`` (a TensorSpec or a nest of them); ``fail()`` raises."""
    if isinstance(spec, TensorSpec):
        if isinstance(arg, (Tensor, Variable)):
            t = arg
        else:
            try:
                t = core.convert_to_tensor(arg, dtype=spec.dtype)
            except (TypeError, ValueError):
                fail(arg, spec)
        if not spec.is_compatible_with(t):
            fail(t, spec)
        return t
    if isinstance(spec, dict):
        if not isinstance(arg, dict) or sorted(arg, key=str) != sorted(spec, key=str):
            fail(arg, spec)
        return type(arg)((k, _bind_spec(spec[k], arg[k], fail)) for k in arg)
    if isinstance(spec, (list, tuple)):
        if not isinstance(arg, (list, tuple)) or len(arg) != len(spec):
            fail(arg, spec)
        return nest._rebuild(arg, [_bind_spec(sp, a, fail) for sp, a in zip(spec, arg)])
    return arg


class Function:
    """A Python callable traced on first use per signature (``tf.function``)."""

    def __init__(self, python_function: Callable, input_signature: Any = None,
                 autograph: bool = True, jit_compile: Any = None, reduce_retracing: bool = False,
                 name: str | None = None) -> None:
        self.python_function = python_function
        self.input_signature = list(input_signature) if input_signature is not None else None
        self._name = name or getattr(python_function, "__name__", "function")
        self._cache: dict = {}
        self._trace_count = 0
        self._sig, self._n_pos, self._varpos = _signature_info(python_function)
        functools.update_wrapper(self, python_function)

    @property
    def name(self) -> str:
        return self._name

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        # One Function per instance (method), cached on the instance.
        key = "_tf_function_" + self._name + "_" + str(id(self))
        bound = instance.__dict__.get(key) if hasattr(instance, "__dict__") else None
        if bound is None:
            bound = Function(self.python_function.__get__(instance, owner), self.input_signature,
                             name=self._name)
            try:
                instance.__dict__[key] = bound
            except (AttributeError, TypeError):
                pass
        return bound

    def experimental_get_tracing_count(self) -> int:
        return self._trace_count

    # -- keys ------------------------------------------------------------------
    def _canonicalize(self, args: tuple, kwargs: dict) -> tuple:
        """Bind to the Python signature like TF: keyword and defaulted arguments
        become positional, so ``f(x)``, ``f(x, 1.0)`` and ``f(x, k=1.0)`` share a trace."""
        sig = self._sig
        if sig is None or (not kwargs and (len(args) == self._n_pos or self._varpos and len(args) >= self._n_pos)):
            return args, kwargs
        bound = sig.bind(*args, **kwargs)
        if self.input_signature is None:
            bound.apply_defaults()
        return bound.args, bound.kwargs

    def _check_signature(self, args: tuple, kwargs: dict) -> tuple:
        """With an ``input_signature``: convert the arguments to it or raise TypeError."""
        if self.input_signature is None:
            return args
        if kwargs:
            raise TypeError(f"{self._name}: keyword arguments are not supported with an input_signature")
        if len(args) != len(self.input_signature):
            raise TypeError(f"{self._name}: expected {len(self.input_signature)} arguments matching "
                            f"input_signature {self.input_signature}, got {len(args)}")

        def fail(a: Any, spec: Any) -> None:
            got = TensorSpec.from_tensor(a) if isinstance(a, (Tensor, Variable)) else repr(a)
            raise TypeError(
                f"Binding inputs to tf.function failed due to `Can not cast {got} to {spec}`. "
                f"Received args: {args} and kwargs: {kwargs} for signature: {self.input_signature}.")
        return tuple(_bind_spec(spec, a, fail) for spec, a in zip(self.input_signature, args))

    @staticmethod
    def _key(args: tuple, kwargs: dict) -> Any:
        """Cache key: the structure, (shape, dtype) per tensor, Python values by value."""
        parts: list = []
        _walk_key((args, kwargs), parts, [])
        return tuple(parts)

    # -- call ------------------------------------------------------------------
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if RUN_EAGERLY[0] or core.get_tracer() is not None or core.recording_tapes():
            return self.python_function(*args, **kwargs)
        args, kwargs = self._canonicalize(args, kwargs)
        args = self._check_signature(args, kwargs)
        return self._call_canonical(args, kwargs)

    def _call_canonical(self, args: tuple, kwargs: dict) -> Any:
        """Replay the trace for these (canonical, checked) arguments, tracing first if new."""
        parts: list = []
        arrays: list = []
        _walk_key((args, kwargs), parts, arrays)  # one pass: key and input arrays
        key = tuple(parts)
        cf = self._cache.get(key)
        if cf is None:
            return self._trace(key, args, kwargs, return_result=True)
        return cf._run_flat(arrays)

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """Trace (if needed) for these arguments or TensorSpecs and return the trace."""
        if not args and not kwargs and self.input_signature is not None:
            args = tuple(self.input_signature)
        declared = self._canonicalize(args, kwargs)
        args, kwargs = nest.map_structure(_spec_to_example, declared)
        key = self._key(args, kwargs)
        if key not in self._cache:
            self._trace(key, args, kwargs, return_result=False)
        cf = self._cache[key]
        if any(isinstance(a, TensorSpec) for a in nest.flatten(declared)):
            cf = cf._view(nest.map_structure(
                lambda a: TensorSpec.from_tensor(a) if isinstance(a, (Tensor, np.ndarray, np.generic)) else a,
                declared))
        return cf

    def _trace(self, key: Any, args: tuple, kwargs: dict, return_result: bool) -> Any:
        graph = FuncGraph(self._name)
        tracer = Tracer(graph)
        flat = nest.flatten((args, kwargs))
        new_flat = []
        for a in flat:
            if isinstance(a, (Tensor, np.ndarray, np.generic)):
                t = wrap(a._np if isinstance(a, Tensor) else np.asarray(a))
                tracer.add_input(t)
                new_flat.append(t)
            else:
                new_flat.append(a)
        targs, tkwargs = nest.pack_sequence_as((args, kwargs), new_flat)
        prev = core.set_tracer(tracer)
        try:
            result = self.python_function(*targs, **tkwargs)
        finally:
            core.set_tracer(prev)
        self._trace_count += 1
        flat_out = nest.flatten(result)
        out_is_tensor = []
        ret_flat = []
        for o in flat_out:
            if isinstance(o, Variable):
                o = tracer.read_variable(o)  # its value after the function's assignments
            elif isinstance(o, _PY_NUMBERS):
                o = core.convert_to_tensor(o)  # TF returns Python numbers as Tensors
            ret_flat.append(o)
            if isinstance(o, Tensor):
                graph.output_slots.append(tracer.output_slot(o))
                out_is_tensor.append(True)
            else:
                graph.output_slots.append(("const", o))
                out_is_tensor.append(False)
        graph.finalize()
        specs = nest.map_structure(lambda a: TensorSpec.from_tensor(a) if isinstance(a, (Tensor, np.ndarray)) else a,
                                   (targs, tkwargs))
        result = nest.pack_sequence_as(result, ret_flat)
        in_sigs = [(a._np.shape, a._np.dtype) for a in nest.flatten((targs, tkwargs)) if isinstance(a, Tensor)]
        cf = ConcreteFunction(graph, specs, result, result, function=self, in_sigs=in_sigs)
        cf._out_is_tensor = out_is_tensor
        cf._single_tensor_out = isinstance(result, Tensor) and out_is_tensor == [True]
        self._cache[key] = cf
        return result if return_result else cf


def _walk_key(x: Any, parts: list, arrays: list) -> None:
    """Append ``x``'s cache-key parts and (in ``nest.flatten`` order) its input arrays."""
    if isinstance(x, Tensor):
        a = x._np
        parts.append(("T", a.shape, a.dtype.str))
        arrays.append(a)
    elif isinstance(x, (list, tuple)):
        parts.append((type(x), len(x)))
        for v in x:
            _walk_key(v, parts, arrays)
    elif isinstance(x, dict):
        keys = sorted(x, key=nest._sort_key)
        parts.append((type(x), tuple(keys)))
        for k in keys:
            _walk_key(x[k], parts, arrays)
    elif isinstance(x, (np.ndarray, np.generic)):
        parts.append(("T", x.shape, x.dtype.str))
        arrays.append(np.asarray(x))
    elif isinstance(x, Variable):
        parts.append(("V", id(x)))
    else:
        try:
            hash(x)
            parts.append(("P", x))  # by value, as TF: 1, 1.0 and True share a trace
        except TypeError:
            parts.append(("O", id(x)))


def _spec_to_example(a: Any) -> Any:
    if isinstance(a, TensorSpec):
        shape = [1 if d is None else d for d in (a.shape or ())]
        return wrap(np.zeros(shape, dtype=a.dtype._np))
    return a


def function(func: Callable | None = None, input_signature: Any = None, autograph: bool = True,
             jit_compile: Any = None, reduce_retracing: bool = False,
             experimental_implements: Any = None, experimental_autograph_options: Any = None,
             experimental_attributes: Any = None, experimental_relax_shapes: Any = None,
             experimental_compile: Any = None, experimental_follow_type_hints: Any = None,
             name: str | None = None) -> Any:
    """Decorator: trace ``func`` into a replayable graph (``tf.function``)."""
    def deco(f: Callable) -> Function:
        return Function(f, input_signature=input_signature, autograph=autograph,
                        jit_compile=jit_compile, reduce_retracing=reduce_retracing, name=name)
    return deco(func) if func is not None else deco
