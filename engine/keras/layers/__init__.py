"""``keras.layers``: every layer class, registered in the object registry (the studio's catalog source)."""
from ..saving.object_registry import _ALIASES, LAYERS as _LAYERS
from .layer import InputSpec, Layer  # noqa: F401
from .input_layer import Input, InputLayer  # noqa: F401
from .core.dense import Dense  # noqa: F401
from ._families import *  # noqa: F401,F403
from .merging import add, average, concatenate, dot, maximum, minimum, multiply, subtract  # noqa: F401

globals().update(_LAYERS)


def __getattr__(name: str):
    cls = _LAYERS.get(name)
    if cls is None and name in _ALIASES:  # Keras's alternative names: MaxPool2D, Convolution2D, ...
        cls = _LAYERS.get(_ALIASES[name])
    if cls is None:
        raise AttributeError(f"module 'keras.layers' has no attribute '{name}'")
    return cls
