"""Merge layers (Keras 3 ``layers/merging``) and their functional forms (``keras.layers.add`` ...)."""
from .add import add  # noqa: F401
from .average import average  # noqa: F401
from .concatenate import concatenate  # noqa: F401
from .dot import dot  # noqa: F401
from .maximum import maximum  # noqa: F401
from .minimum import minimum  # noqa: F401
from .multiply import multiply  # noqa: F401
from .subtract import subtract  # noqa: F401

__all__ = ["add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract"]
