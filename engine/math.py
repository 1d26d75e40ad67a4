"""``tf.math``."""
from .ops.math_ops import *  # noqa: F401,F403
from .ops.math_ops import abs, pow, round  # noqa: F401
