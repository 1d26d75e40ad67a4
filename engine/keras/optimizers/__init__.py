"""``keras.optimizers``: Keras 3 optimizers on engine Variables, plus ``get`` /
``serialize`` / ``deserialize`` and ``schedules``."""
from __future__ import annotations

from typing import Any

from ..saving import object_registry
from . import schedules  # noqa: F401
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base_optimizer import BaseOptimizer, Optimizer
from .nadam import Nadam
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "BaseOptimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam",
           "schedules", "get", "serialize", "deserialize"]

ALL_OBJECTS = {Optimizer, Adam, SGD, RMSprop, Adadelta, AdamW, Adagrad, Adamax, Nadam}
ALL_OBJECTS_DICT = {cls.__name__.lower(): cls for cls in ALL_OBJECTS}


def serialize(optimizer: Any) -> dict:
    """The optimizer as Keras 3's ``{"module", "class_name", "config", "registered_name"}``."""
    if optimizer is None:
        return None
    cls = type(optimizer)
    builtin = ALL_OBJECTS_DICT.get(cls.__name__.lower()) is cls
    registered = None
    if not builtin:
        registered = next((k for k, v in object_registry.CUSTOM_OBJECTS.items() if v is cls and ">" in k),
                          cls.__name__)
    return {"module": "keras.optimizers" if builtin else cls.__module__, "class_name": cls.__name__,
            "config": optimizer.get_config(), "registered_name": registered}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """An optimizer from ``serialize``'s dict (class names case-insensitive for built-ins)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret optimizer identifier: {config}")
    name = config["class_name"]
    cls = None
    for key in (config.get("registered_name"), name):
        if key is None:
            continue
        if custom_objects and key in custom_objects:
            cls = custom_objects[key]
        elif key in object_registry.CUSTOM_OBJECTS:
            cls = object_registry.CUSTOM_OBJECTS[key]
        elif str(key).lower() in ALL_OBJECTS_DICT:
            cls = ALL_OBJECTS_DICT[str(key).lower()]
        if cls is not None:
            break
    if cls is None:
        raise ValueError(f"Could not interpret optimizer identifier: {name}")
    inner = dict(config.get("config") or {})
    return cls.from_config(inner, custom_objects=custom_objects) if _takes_custom(cls) else cls.from_config(inner)


def _takes_custom(cls: type) -> bool:
    import inspect
    try:
        return "custom_objects" in inspect.signature(cls.from_config).parameters
    except (TypeError, ValueError):
        return False


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a name (``"adam"``), a config dict, or an instance (returned unchanged)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = deserialize({"class_name": identifier, "config": {}})
    else:
        obj = identifier
    if isinstance(obj, Optimizer):
        return obj
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")
