"""``keras.models``."""
from .model import Functional, Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
