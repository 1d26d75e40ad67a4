"""Keras-3-style ``{"module", "class_name", "config", "registered_name"}`` dicts for losses and metrics."""
from __future__ import annotations

import inspect
import types
from typing import Any

import numpy as np

from ...framework.core import Tensor, convert_to_tensor


def serialize_keras_object(obj: Any, module: str) -> Any:
    """Serialize a loss/metric instance, a function, or plain config values (as Keras does)."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(v, module) for v in obj]
    if isinstance(obj, dict):
        return {k: serialize_keras_object(v, module) for k, v in obj.items()}
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return {"module": "builtins", "class_name": "function", "config": obj.__name__,
                "registered_name": "function"}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (Tensor, np.ndarray)):
        arr = np.asarray(obj)
        if isinstance(obj, np.ndarray) and arr.ndim == 0:
            return arr.item()
        return {"class_name": "__tensor__" if isinstance(obj, Tensor) else "__numpy__",
                "config": {"value": arr.tolist(), "dtype": arr.dtype.name}}
    if hasattr(obj, "get_config"):
        cls = type(obj)
        builtin = cls.__module__.startswith("engine.keras.")
        return {"module": module if builtin else cls.__module__, "class_name": cls.__name__,
                "config": serialize_keras_object(obj.get_config(), module),
                "registered_name": None if builtin else cls.__name__}
    raise TypeError(f"Cannot serialize object {obj!r} of type {type(obj)}.")


def deserialize_keras_object(config: Any, module_objects: dict, custom_objects: dict | None = None,
                             kind: str = "object") -> Any:
    """Inverse of :func:`serialize_keras_object`: a name, a function dict or a class dict."""
    from ..saving import object_registry
    custom = dict(object_registry.CUSTOM_OBJECTS)
    custom.update(custom_objects or {})

    def lookup(name: str) -> Any:
        if name in custom:
            return custom[name]
        if name in module_objects:
            return module_objects[name]
        raise ValueError(f"Could not interpret {kind} identifier: {name}")

    if config is None:
        return None
    if isinstance(config, str):
        return lookup(config)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret {kind} identifier: {config}")
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":
        return lookup(inner)
    cls = lookup(config.get("registered_name") or class_name) if config.get("registered_name") in custom \
        else lookup(class_name)
    if not inspect.isclass(cls):
        return cls
    inner = {k: _decode_arrays(v) for k, v in (inner or {}).items()}
    return cls.from_config(inner)


def _decode_arrays(value: Any) -> Any:
    """Turn Keras's ``{"class_name": "__tensor__" | "__numpy__", ...}`` config values back into arrays."""
    if isinstance(value, dict) and value.get("class_name") in ("__tensor__", "__numpy__"):
        cfg = value["config"]
        arr = np.asarray(cfg["value"], dtype=cfg.get("dtype"))
        return convert_to_tensor(arr) if value["class_name"] == "__tensor__" else arr
    return value
