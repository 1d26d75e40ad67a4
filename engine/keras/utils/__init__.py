"""``keras.utils``."""
from .summary import print_summary, summary_rows  # noqa: F401
from ..saving.object_registry import register_keras_serializable  # noqa: F401
from .random import set_random_seed  # noqa: F401
