"""Keras-3-style ``{"module", "class_name", "config", "registered_name"}`` dicts for losses and metrics."""
from __future__ import annotations

import inspect
import types
from typing import Any


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
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "get_config"):
        cls = type(obj)
        builtin = cls.__module__.startswith("engine.keras.")
        return {"module": module if builtin else cls.__module__, "class_name": cls.__name__,
                "config": obj.get_config(), "registered_name": None if builtin else cls.__name__}
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
    inner = dict(inner or {})
    return cls.from_config(inner)
