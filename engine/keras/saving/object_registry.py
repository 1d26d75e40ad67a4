"""The registry of Keras objects by class name: one source of truth for
deserialization, ``model_from_json`` and the studio's layer catalog."""
from __future__ import annotations

from typing import Any, Callable

LAYERS: dict[str, type] = {}
LAYER_CATEGORY: dict[str, str] = {}
CUSTOM_OBJECTS: dict[str, Any] = {}
_ALIASES: dict[str, str] = {}


def register_layer(category: str, *aliases: str) -> Callable[[type], type]:
    """Class decorator: register a layer under its class name (and aliases) with a palette category."""
    def deco(cls: type) -> type:
        LAYERS[cls.__name__] = cls
        LAYER_CATEGORY[cls.__name__] = category
        for a in aliases:
            _ALIASES[a] = cls.__name__
        return cls
    return deco


def get_layer_class(name: str, custom_objects: dict | None = None) -> type:
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in CUSTOM_OBJECTS:
        return CUSTOM_OBJECTS[name]
    name = _ALIASES.get(name, name)
    cls = LAYERS.get(name)
    if cls is None:
        raise ValueError(f"Unknown layer: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
                         f"and that this object is included in the scope.")
    return cls


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[type], type]:
    def deco(obj: Any) -> Any:
        CUSTOM_OBJECTS[name or obj.__name__] = obj
        CUSTOM_OBJECTS[f"{package}>{name or obj.__name__}"] = obj
        return obj
    return deco
