"""``tf.data``: input pipelines."""
from .dataset import AUTOTUNE, Dataset, experimental  # noqa: F401
