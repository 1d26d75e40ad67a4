"""engine: an eager numpy engine with TensorFlow 2's public API.

    import engine as tf
    x = tf.constant([[1.0, 2.0]])
"""
from __future__ import annotations

from . import _runtime  # noqa: F401  (allocator + BLAS thread settings first)
from .framework import dtypes as _dtypes
from .framework.core import Tensor, convert_to_tensor, is_tensor
from .framework.dtypes import (DType, as_dtype, bool_ as bool, complex64, complex128, double, float16,
                               float32, float64, half, int8, int16, int32, int64, string, uint8,
                               uint16, uint32, uint64)
from .framework.tensor_shape import TensorShape
from .framework.variables import Variable
from .framework import errors, nest
from .ops import overloads as _overloads  # noqa: F401
from .ops.api import *  # noqa: F401,F403
from .autodiff.tape import GradientTape, UnconnectedGradients
from .autodiff.custom_gradient import custom_gradient, stop_gradient_ as _sg  # noqa: F401
from .function.function import function, TensorSpec
from .misc_api import *  # noqa: F401,F403
from .module import Module
from . import math, nn, random, config, dtypes, autodiff, data

__version__ = "0.1.0"
newaxis = None


def __getattr__(name: str):
    """``tf.keras`` and ``tf.saved_model`` load on first use (they are large)."""
    import importlib
    if name in ("keras", "saved_model", "distribute", "export"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'engine' has no attribute '{name}'")
