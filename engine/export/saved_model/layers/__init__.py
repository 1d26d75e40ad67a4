"""Layer → TF-op converters, one module per layer family; :data:`CONVERTERS` maps Keras class names."""
from .base import CONVERTERS, FORMAT, MASK_AWARE, Call, converter  # noqa: F401
from . import activations, conv, core, merging, normalization, pooling, recurrent, reshaping  # noqa: F401

__all__ = ["CONVERTERS", "MASK_AWARE", "Call", "converter", "FORMAT"]
