"""``keras.layers.Layer``: weights, build/call, symbolic calls, masks, config.

Modelled on Keras 3 (``keras/src/layers/layer.py``): weights are created by
``add_weight`` in ``build``; ``weights`` lists own variables then sublayers';
``trainable=False`` freezes the layer and its sublayers.  Calling a layer on
:class:`KerasTensor` inputs builds the Functional graph; the output shape is
found by running ``call`` once on a tiny concrete batch, so every layer
(including user subclasses) gets shape inference for free.
"""
from __future__ import annotations

import inspect
import threading
from typing import Any

import numpy as np

from ...framework import core, dtypes, nest
from ...framework.core import Tensor, wrap
from ...framework.tensor_shape import TensorShape
from ...framework.variables import Variable
from ...module import Module
from .. import backend, constraints, initializers, regularizers
from ..saving.config_utils import known_kwargs
from .keras_tensor import KerasTensor, Node

_context = threading.local()


def _current_training() -> Any:
    return getattr(_context, "training", None)


def _scope() -> list:
    stack = getattr(_context, "scope", None)
    if stack is None:
        stack = _context.scope = []
    return stack


class name_scope:
    """Prefix for weight paths of layers built inside (Keras builds a Sequential's layers under its name)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> "name_scope":
        _scope().append(self.name)
        return self

    def __exit__(self, *exc: Any) -> None:
        _scope().pop()


class KerasVariable(Variable):
    """A layer weight: ``name`` is the short name (``kernel``), ``path`` is ``layer/kernel``."""

    def __init__(self, value: Any, name: str, path: str, trainable: bool = True,
                 regularizer: Any = None, constraint: Any = None) -> None:
        super().__init__(value, trainable=trainable, name=name)
        self.path = path
        self.regularizer = regularizer
        self.constraint = constraint

    @property
    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<KerasVariable shape={tuple(self.shape)}, dtype={self.dtype.name}, path={self.path}>"


def _is_symbolic(x: Any) -> bool:
    return any(isinstance(t, KerasTensor) for t in nest.flatten(x))


def _to_tensor(x: Any, floatx: str) -> Any:
    if isinstance(x, KerasTensor) or x is None:
        return x
    if not isinstance(x, Tensor):
        if hasattr(type(x), "_as_tensor"):
            x = core.convert_to_tensor(x)
        elif isinstance(x, (np.ndarray, list, float, int, np.generic)):
            arr = np.asarray(x)
            if arr.dtype.kind == "f" and arr.dtype != np.dtype(floatx):
                arr = arr.astype(floatx)
            elif arr.dtype.kind in "iu" and arr.dtype not in (np.int32, np.int64):
                arr = arr.astype(np.int32)
            x = wrap(arr)
        else:
            return x
    elif x._np.dtype.kind == "f" and x._np.dtype != np.dtype(floatx):
        from ...ops.array_ops import cast
        x = cast(x, floatx)
    return x


class Layer(Module):
    """Base class of all layers."""

    def __init__(self, *, activity_regularizer: Any = None, trainable: bool = True, dtype: Any = None,
                 autocast: bool = True, name: str | None = None, **kwargs: Any) -> None:
        self._tracking = False
        input_dim = kwargs.pop("input_dim", None)
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        batch_size = kwargs.pop("batch_size", None)
        kwargs.pop("input_dtype", None)
        kwargs.pop("weights", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + tuple(input_shape)
        else:
            self._batch_input_shape = None
        if name is None:
            name = backend.unique_name(backend.to_snake_case(type(self).__name__))
        elif not isinstance(name, str) or not name:
            raise ValueError(f"Argument `name` must be a non-empty string. Received: name={name!r}")
        super().__init__(name=name)
        if isinstance(dtype, dict):
            dtype = (dtype.get("config") or {}).get("name", "float32")
        self._dtype = dtypes.as_dtype(dtype or backend.floatx()).name
        self._trainable = bool(trainable)
        self._trainable_variables: list = []
        self._non_trainable_variables: list = []
        self._layers: list = []
        self._losses: list = []
        self._metrics: list = []
        self._inbound_nodes: list = []
        self._outbound_nodes: list = []
        self.built = False
        self.supports_masking = getattr(self, "supports_masking", False)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.autocast = autocast
        self.input_spec = None
        sig = inspect.signature(self.call).parameters
        self._call_has_training = "training" in sig
        self._call_has_mask = "mask" in sig
        self._build_shapes = None
        self._tracking = True

    # -- attribute tracking ------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_tracking", False) and not name.startswith("_"):
            for v in nest.flatten(value) if isinstance(value, (list, tuple)) else [value]:
                if isinstance(v, Layer) and all(v is not l for l in self._layers):
                    self._layers.append(v)
        object.__setattr__(self, name, value)

    # -- properties --------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def compute_dtype(self) -> str:
        return self._dtype

    @property
    def variable_dtype(self) -> str:
        return self._dtype

    @property
    def dtype_policy(self) -> Any:
        return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": self._dtype},
                "registered_name": None}

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def weights(self) -> list:
        out, seen = [], set()
        for w in self._trainable_variables + self._non_trainable_variables:
            if id(w) not in seen:
                out.append(w)
                seen.add(id(w))
        for layer in self._layers:
            for w in layer.weights:
                if id(w) not in seen:
                    out.append(w)
                    seen.add(id(w))
        return out

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def losses(self) -> list:
        """Activity-regularization losses of the last call, plus weight penalties (fresh)."""
        out = list(self._losses)
        for v in self._trainable_variables + self._non_trainable_variables:
            reg = getattr(v, "regularizer", None)
            if reg is not None:
                out.append(reg(v))
        for layer in self._layers:
            out.extend(layer.losses)
        return out

    def add_loss(self, loss: Any) -> None:
        self._losses.append(loss)

    def _clear_losses(self) -> None:
        self._losses = []
        for layer in self._layers:
            layer._clear_losses()

    @property
    def metrics(self) -> list:
        m = list(self._metrics)
        for layer in self._layers:
            m.extend(layer.metrics)
        return m

    # -- weights -----------------------------------------------------------------------
    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None,
                   trainable: bool = True, autocast: bool = True, regularizer: Any = None,
                   constraint: Any = None, aggregation: str = "none",
                   overwrite_with_gradient: bool = False, name: str | None = None, **kwargs: Any) -> KerasVariable:
        """Create a weight variable owned by this layer (Keras 3 signature; Keras 2's name-first works)."""
        if isinstance(shape, str):  # Keras 2: add_weight(name, shape, ...)
            shape, name = initializer if initializer is not None else kwargs.pop("shape", ()), shape
            initializer = kwargs.pop("initializer", None)
        shape = () if shape is None else tuple(int(d) for d in shape)
        dt = dtypes.as_dtype(dtype or self._dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dt.is_floating else "zeros"
        init = initializers.get(initializer)
        value = init(shape, dtype=dt) if not isinstance(init, (np.ndarray, Tensor)) else init
        value = core.convert_to_tensor(value, dtype=dt)
        if tuple(value.shape) != shape:
            raise ValueError(f"Initializer for weight '{name}' of layer '{self.name}' gave shape "
                             f"{tuple(value.shape)}, expected {shape}")
        name = name or f"variable_{len(self._trainable_variables) + len(self._non_trainable_variables)}"
        var = KerasVariable(value, name=name, path="/".join(_scope() + [self.name, name]), trainable=trainable and self.trainable,
                            regularizer=regularizers.get(regularizer), constraint=constraints.get(constraint))
        (self._trainable_variables if trainable else self._non_trainable_variables).append(var)
        return var

    def add_variable(self, shape: Any, initializer: Any, dtype: Any = None, trainable: bool = True,
                     autocast: bool = True, regularizer: Any = None, constraint: Any = None,
                     name: str | None = None) -> KerasVariable:
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype, trainable=trainable,
                               regularizer=regularizer, constraint=constraint, name=name)

    def get_weights(self) -> list:
        """Weights as numpy arrays, in ``weights`` order."""
        return [np.array(v.numpy()) for v in self.weights]

    def set_weights(self, weights: list) -> None:
        """Assign numpy arrays in ``weights`` order (shapes must match)."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of "
                             f"length {len(weights)}, but the layer was expecting {len(params)} weights.")
        for v, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(v.shape) != w.shape:
                raise ValueError(f"Layer {self.name} weight shape {tuple(v.shape)} is not compatible with "
                                 f"provided weight shape {w.shape}.")
            v.assign(w.astype(v.dtype.as_numpy_dtype))

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                             f"built. You can build it manually via: `layer.build(input_shape)`.")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- build / call --------------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return inputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask if self.supports_masking else None

    def _maybe_build(self, inputs: Any) -> None:
        if self.built:
            return
        shapes = nest.map_structure(lambda t: TensorShape(t.shape) if hasattr(t, "shape") else None, inputs)
        if isinstance(shapes, (list, tuple)) and len(shapes) == 1 and not isinstance(inputs, (list, tuple)):
            shapes = shapes[0]
        try:
            self.build(_plain_shape(shapes))
        except (ValueError, TypeError) as e:
            raise type(e)(f'Exception encountered when building layer "{self.name}" '
                          f"({type(self).__name__}) with input shape {_fmt_shapes(shapes)}: {e}") from None
        self._build_shapes = shapes
        self.built = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if not args:
            if "inputs" in kwargs:
                args = (kwargs.pop("inputs"),)
            else:
                raise TypeError(f"Layer {self.name} was called without inputs")
        if _is_symbolic(args) or _is_symbolic(kwargs):
            return self._symbolic_call(args, kwargs)
        return self._eager_call(args, kwargs)

    def _eager_call(self, args: tuple, kwargs: dict) -> Any:
        fx = self._dtype if self.autocast else None
        inputs = nest.map_structure(lambda x: _to_tensor(x, fx or backend.floatx()), args[0]) \
            if isinstance(args[0], (list, tuple, dict)) else _to_tensor(args[0], fx or backend.floatx())
        args = (inputs,) + tuple(args[1:])
        self._check_input_spec(inputs)
        self._maybe_build(inputs)
        training = kwargs.get("training", None)
        if self._call_has_training:
            if training is None:
                training = _current_training()
            kwargs["training"] = training
        elif "training" in kwargs:
            kwargs.pop("training")
        if self._call_has_mask and kwargs.get("mask") is None:
            m = _collect_mask(inputs)
            if m is not None:
                kwargs["mask"] = m
        prev = _current_training()
        if training is not None:
            _context.training = training
        depth = getattr(_context, "depth", 0)
        if depth == 0:
            self._clear_losses()  # as Keras: activity losses are reset by each outermost call
        _context.depth = depth + 1
        try:
            outputs = self.call(*args, **kwargs)
        finally:
            _context.training = prev
            _context.depth = depth
        if self.supports_masking or self._call_has_mask:
            out_mask = self.compute_mask(inputs, kwargs.get("mask", _collect_mask(inputs)))
            if out_mask is not None:
                for o, m in zip(nest.flatten(outputs), nest.flatten(out_mask) if isinstance(out_mask, (list, tuple)) else [out_mask] * len(nest.flatten(outputs))):
                    if isinstance(o, Tensor) and m is not None:
                        o._keras_mask = m
        if self.activity_regularizer is not None:
            for o in nest.flatten(outputs):
                self.add_loss(self.activity_regularizer(o) / max(1, int(o.shape[0]) if o.shape else 1))
        return outputs

    def _check_input_spec(self, inputs: Any) -> None:
        spec = self.input_spec
        if spec is None:
            return
        for i, (x, s) in enumerate(zip(nest.flatten(inputs), spec if isinstance(spec, (list, tuple)) else [spec])):
            if s is None or not hasattr(x, "shape"):
                continue
            s.check(x, self.name, i)

    def _symbolic_call(self, args: tuple, kwargs: dict) -> Any:
        inputs = args[0]
        # as Keras 3's Node: every KerasTensor among the call's arguments is an input of the node
        # (e.g. ``initial_state=[h, c]``); the first argument's come first, then the rest in order
        flat_in = [t for t in nest.flatten([inputs, list(args[1:]), [kwargs[k] for k in sorted(kwargs)]])
                   if isinstance(t, KerasTensor)]
        self._check_input_spec(inputs)
        self._maybe_build(inputs)
        outputs = self.compute_output_spec(inputs, *args[1:], **kwargs)
        node_index = len(self._inbound_nodes)
        flat_out = nest.flatten(outputs)
        for k, o in enumerate(flat_out):
            o._keras_history = (self, node_index, k)
            if o.name is None:
                o.name = f"{self.name}" if len(flat_out) == 1 else f"{self.name}_{k}"
        node = Node(self, flat_in, flat_out, args, dict(kwargs))
        node._input_structure = inputs
        self._inbound_nodes.append(node)
        for t in flat_in:
            if t._keras_history is not None:
                t._keras_history[0]._outbound_nodes.append(node)
        return outputs

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        """Output KerasTensors, found by running ``call`` on a tiny concrete batch."""
        def concrete(sizes: tuple) -> Any:
            def make(t: Any) -> Any:
                if not isinstance(t, KerasTensor):
                    return t
                dims = [sizes[0] if i == 0 and d is None else (sizes[1] if d is None else d)
                        for i, d in enumerate(t.shape)]
                return wrap(np.zeros(dims, dtype=t.dtype._np) if t.dtype.is_floating or t.dtype.is_integer or t.dtype.is_bool
                            else np.zeros(dims, dtype=np.float32))
            return nest.map_structure(make, (inputs, args, kw))

        kw = {k: v for k, v in kwargs.items() if k != "training"}
        has_unknown = any(d is None for t in nest.flatten([inputs, list(args), kw]) if isinstance(t, KerasTensor)
                          for d in t.shape[1:])
        try:
            out1 = self._run_for_spec(*concrete((1, 2)))
            out2 = self._run_for_spec(*concrete((2, 3))) if has_unknown else None
        except Exception as e:  # noqa: BLE001 - re-raised with the layer's name
            raise _layer_error(self, inputs, e) from None
        flat1 = nest.flatten(out1)
        flat2 = nest.flatten(out2) if out2 is not None else None
        kts = []
        # a static batch size (``Input(batch_size=...)``, needed by stateful RNNs) stays static
        sym = [t for t in nest.flatten(inputs) if isinstance(t, KerasTensor)]
        static_batch = bool(sym) and all(len(t.shape) and t.shape[0] is not None for t in sym)
        for k, o in enumerate(flat1):
            shape = list(o.shape)
            if shape and not static_batch:
                shape[0] = None
            if flat2 is not None:
                shape = [None if ((i == 0 and not static_batch) or a != b) else a
                         for i, (a, b) in enumerate(zip(o.shape, flat2[k].shape))]
            kts.append(KerasTensor(shape, o.dtype))
        return nest.pack_sequence_as(out1, kts)

    def _run_for_spec(self, inputs: Any, args: tuple, kwargs: dict) -> Any:
        tapes = core.recording_tapes()
        for t in tapes:
            t._recording = False
        try:
            return self._eager_call((inputs,) + tuple(args), dict(kwargs, training=False))
        finally:
            for t in tapes:
                t._recording = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        spec = self.compute_output_spec(nest.map_structure(lambda s: KerasTensor(s), input_shape,)
                                        if not isinstance(input_shape, tuple) or (input_shape and isinstance(input_shape[0], (tuple, list)))
                                        else KerasTensor(input_shape))
        return nest.map_structure(lambda t: tuple(t.shape), spec)

    # -- graph introspection -------------------------------------------------------------------
    def _node_attr(self, attr: str) -> Any:
        if not self._inbound_nodes:
            raise AttributeError(f"Layer {self.name} has never been called and thus has no defined {attr}.")
        node = self._inbound_nodes[0]
        ts = node.input_tensors if attr == "input" else node.output_tensors
        return ts[0] if len(ts) == 1 else ts

    @property
    def input(self) -> Any:
        return self._node_attr("input")

    @property
    def output(self) -> Any:
        return self._node_attr("output")

    @property
    def input_shape(self) -> Any:
        x = self.input
        return tuple(x.shape) if not isinstance(x, list) else [tuple(t.shape) for t in x]

    @property
    def output_shape(self) -> Any:
        x = self.output
        return tuple(x.shape) if not isinstance(x, list) else [tuple(t.shape) for t in x]

    # -- config -----------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Base config: name, trainable, dtype (a Keras 3 DTypePolicy dict)."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy}
        if self.activity_regularizer is not None:
            cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        return cfg

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        """``cls(**config)``, ignoring keys the constructor does not know (as TF.js does)."""
        return cls(**_known_kwargs(cls, config))

    def get_build_config(self) -> dict | None:
        if self._build_shapes is None:
            return None
        return {"input_shape": _plain_shape(self._build_shapes, as_list=True)}

    def build_from_config(self, config: dict) -> None:
        if config and config.get("input_shape") is not None and not self.built:
            self.build(config["input_shape"])
            self.built = True
            self._build_shapes = config["input_shape"]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


class InputSpec:
    """Declares the rank / last-axis size a layer accepts (checked on every call)."""

    def __init__(self, dtype: Any = None, shape: Any = None, ndim: int | None = None, max_ndim: int | None = None,
                 min_ndim: int | None = None, axes: dict | None = None, allow_last_axis_squeeze: bool = False,
                 name: str | None = None) -> None:
        self.ndim = len(shape) if shape is not None else ndim
        self.shape = shape
        self.max_ndim, self.min_ndim = max_ndim, min_ndim
        self.axes = axes or {}

    def check(self, x: Any, layer_name: str, index: int) -> None:
        shape = tuple(x.shape)
        nd = len(shape)
        if self.ndim is not None and nd != self.ndim:
            raise ValueError(f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
                             f"expected ndim={self.ndim}, found ndim={nd}. Full shape received: {shape}")
        if self.min_ndim is not None and nd < self.min_ndim:
            raise ValueError(f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
                             f"expected min_ndim={self.min_ndim}, found ndim={nd}. Full shape received: {shape}")
        if self.max_ndim is not None and nd > self.max_ndim:
            raise ValueError(f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
                             f"expected max_ndim={self.max_ndim}, found ndim={nd}. Full shape received: {shape}")
        for axis, value in self.axes.items():
            if value is not None and -nd <= axis < nd and shape[axis] not in (value, None):
                raise ValueError(f'Input {index} of layer "{layer_name}" is incompatible with the layer: '
                                 f"expected axis {axis} of input shape to have value {value}, but received "
                                 f"input with shape {shape}")


_BASE_KWARGS = {"name", "trainable", "dtype", "activity_regularizer", "autocast", "input_shape",
                "batch_input_shape", "batch_size", "input_dim", "input_dtype"}


def _known_kwargs(cls: type, config: dict) -> dict:
    return known_kwargs(cls, config, _BASE_KWARGS)


def _collect_mask(inputs: Any) -> Any:
    flat = nest.flatten(inputs)
    masks = [getattr(t, "_keras_mask", None) if isinstance(t, Tensor) else None for t in flat]
    if all(m is None for m in masks):
        return None
    return masks[0] if len(masks) == 1 and not isinstance(inputs, (list, tuple)) else masks


def _plain_shape(shapes: Any, as_list: bool = False) -> Any:
    if isinstance(shapes, TensorShape):
        return list(shapes) if as_list else tuple(shapes)
    if isinstance(shapes, (list, tuple)):
        return [_plain_shape(s, as_list) for s in shapes]
    if isinstance(shapes, dict):
        return {k: _plain_shape(v, as_list) for k, v in shapes.items()}
    return shapes


def _fmt_shapes(shapes: Any) -> str:
    return str(_plain_shape(shapes))


def _layer_error(layer: Layer, inputs: Any, e: Exception) -> Exception:
    shapes = nest.map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else t, inputs)
    msg = (f'Exception encountered when calling layer "{layer.name}" ({type(layer).__name__}) '
           f"on inputs of shape {shapes}: {e}")
    err = ValueError(msg) if not isinstance(e, TypeError) else TypeError(msg)
    err.layer_name = layer.name
    return err
