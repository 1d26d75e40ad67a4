"""``Lambda``: wraps a Python function as a layer.

Configs name the function (Keras 3's ``{"module": "builtins", "class_name":
"function", "config": name}``); it is found again among registered custom
objects (``keras.saving.register_keras_serializable``), ``keras.activations``
and the engine's math / nn functions.  Python lambdas are not serialized:
Keras stores their bytecode, which is unsafe to load and tied to one Python
version, so ``get_config`` raises a clear error instead.
"""
from __future__ import annotations

import inspect
import types
from typing import Any, Callable

import numpy as np

from ....framework import nest
from ....framework.core import Tensor
from ... import activations
from ...saving.object_registry import CUSTOM_OBJECTS, register_layer
from ..keras_tensor import KerasTensor
from ..layer import Layer


def _is_lambda(fn: Any) -> bool:
    return isinstance(fn, types.LambdaType) and getattr(fn, "__name__", "") == "<lambda>"


def serialize_value(value: Any) -> Any:
    """Plain Python values as they are; numpy arrays and tensors in Keras 3's ``__numpy__``/``__tensor__`` form."""
    if isinstance(value, Tensor):
        arr = np.asarray(value)
        return {"class_name": "__tensor__", "config": {"value": arr.tolist(), "dtype": arr.dtype.name}}
    if isinstance(value, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": value.tolist(), "dtype": value.dtype.name}}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {k: serialize_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(serialize_value(v) for v in value)
    return value


def deserialize_value(value: Any) -> Any:
    """Inverse of :func:`serialize_value` (``__numpy__``/``__tensor__`` become numpy arrays)."""
    if isinstance(value, dict):
        if value.get("class_name") in ("__numpy__", "__tensor__") and isinstance(value.get("config"), dict):
            cfg = value["config"]
            return np.asarray(cfg.get("value"), dtype=cfg.get("dtype"))
        if value.get("class_name") == "__tuple__" and isinstance(value.get("config"), dict):
            return tuple(deserialize_value(v) for v in value["config"].get("value", []))
        return {k: deserialize_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deserialize_value(v) for v in value]
    return value


def _function_name(fn: Callable) -> str:
    for key, obj in CUSTOM_OBJECTS.items():
        if obj is fn and ">" in key:
            return key
    return fn.__name__


def _lookup_function(name: str, custom_objects: dict | None) -> Callable:
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in CUSTOM_OBJECTS:
        return CUSTOM_OBJECTS[name]
    short = name.split(">")[-1]
    if custom_objects:
        for key, obj in custom_objects.items():
            if key.split(">")[-1] == short:
                return obj
    try:
        return activations.get(short)
    except ValueError:
        pass
    from .... import math as tf_math, nn as tf_nn
    from ....ops import api as tf_api
    for mod in (tf_math, tf_nn, tf_api):
        fn = getattr(mod, short, None)
        if callable(fn) and not isinstance(fn, type):
            return fn
    raise ValueError(f"Could not locate function '{name}'. Make sure custom functions are decorated with "
                     f"`@keras.saving.register_keras_serializable()` or passed in `custom_objects`.")


@register_layer("Core")
class Lambda(Layer):
    """Apply ``function(inputs, **arguments)``; ``output_shape`` (without the batch axis) overrides inference."""

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None,
                 arguments: dict | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(f"Lambda layer '{self.name}': `function` must be callable. Received: "
                             f"function={function!r}")
        self.arguments = arguments or {}
        self.function = function
        self.supports_masking = mask is not None
        self.mask = mask
        self._output_shape = output_shape
        try:
            args = inspect.getfullargspec(function).args
        except TypeError:
            args = []
        self._fn_expects_training_arg = "training" in args
        self._fn_expects_mask_arg = "mask" in args

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if self._output_shape is None:
            return super().compute_output_spec(inputs, *args, **kwargs)
        input_shape = nest.map_structure(lambda t: tuple(t.shape), inputs) \
            if not isinstance(inputs, KerasTensor) else tuple(inputs.shape)
        if callable(self._output_shape):
            shape = self._output_shape(input_shape)
            return nest.map_structure(lambda s: KerasTensor(s, self.compute_dtype), shape) \
                if isinstance(shape, list) and shape and isinstance(shape[0], (tuple, list)) \
                else KerasTensor(shape, self.compute_dtype)
        batch = nest.flatten(input_shape)[0] if not isinstance(input_shape, tuple) or input_shape == () \
            else input_shape[0]
        out = self._output_shape
        if isinstance(out, list) and out and isinstance(out[0], (tuple, list)):
            return [KerasTensor((batch,) + tuple(s), self.compute_dtype) for s in out]
        return KerasTensor((batch,) + tuple(out), self.compute_dtype)

    def _serialize_function(self, fn: Callable, what: str) -> dict:
        if _is_lambda(fn):
            raise ValueError(
                f"Lambda layer '{self.name}': its `{what}` is a Python lambda, which cannot be saved in a "
                f"config (Keras would store unsafe bytecode). Use a named function registered with "
                f"`@keras.saving.register_keras_serializable()`, or a `keras.activations` function.")
        if isinstance(fn, (types.FunctionType, types.BuiltinFunctionType)) or hasattr(fn, "__name__"):
            return {"module": "builtins", "class_name": "function", "config": _function_name(fn),
                    "registered_name": "function"}
        raise ValueError(f"Lambda layer '{self.name}': cannot serialize `{what}`={fn!r} of type {type(fn)}.")

    def get_config(self) -> dict:
        config: dict = {"function": self._serialize_function(self.function, "function")}
        if self._output_shape is not None:
            config["output_shape"] = (self._serialize_function(self._output_shape, "output_shape")
                                      if callable(self._output_shape) else self._output_shape)
        if self.mask is not None:
            config["mask"] = (self._serialize_function(self.mask, "mask") if callable(self.mask)
                              else serialize_value(self.mask))
        config["arguments"] = serialize_value(self.arguments)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Lambda":
        """Rebuild from a config; named functions are looked up (lambdas' bytecode is refused)."""
        config = dict(config)

        def fn_from(value: Any, what: str) -> Any:
            if isinstance(value, dict):
                if value.get("class_name") == "__lambda__":
                    raise ValueError(f"Requested the deserialization of a `Lambda` layer whose `{what}` is a "
                                     f"Python lambda (stored as bytecode). This is not supported: it would run "
                                     f"arbitrary code. Use a named, registered function instead.")
                if value.get("class_name") == "function":
                    return _lookup_function(str(value.get("config")), custom_objects)
                return None
            if isinstance(value, str):
                return _lookup_function(value, custom_objects)
            if isinstance(value, (list, tuple)) and what == "function":
                raise ValueError("Requested the deserialization of a `Lambda` layer whose `function` is Python "
                                 "bytecode (Keras 2 format). This is not supported; use a named function.")
            return None

        config["function"] = fn_from(config.get("function"), "function")
        config.pop("function_type", None)
        config.pop("module", None)
        config.pop("output_shape_type", None)
        config.pop("output_shape_module", None)
        if config.get("output_shape") is not None:
            shape = config["output_shape"]
            fn = fn_from(shape, "output_shape")
            if fn is not None:
                config["output_shape"] = fn
            elif isinstance(shape, list) and all(isinstance(e, (int, type(None))) for e in shape):
                config["output_shape"] = tuple(shape)
        if config.get("mask") is not None:
            fn = fn_from(config["mask"], "mask")
            config["mask"] = fn if fn is not None else deserialize_value(config["mask"])
        if "arguments" in config:
            config["arguments"] = deserialize_value(config["arguments"])
        from ..layer import _known_kwargs
        return cls(**_known_kwargs(cls, config))
