"""``engine.keras``: the Keras 3 API on the engine (``from engine import keras``)."""
import importlib as _importlib

from . import activations, backend, callbacks, constraints, initializers, layers, regularizers  # noqa: F401
from .layers import Input, InputLayer, Layer  # noqa: F401
from .models import Functional, Model, Sequential  # noqa: F401
from . import models  # noqa: F401

_LAZY = ("losses", "metrics", "optimizers", "saving", "utils", "ops", "random")


def __getattr__(name: str):
    if name in _LAZY:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'engine.keras' has no attribute '{name}'")
