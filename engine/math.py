"""``tf.math``."""
from .ops.math_ops import *  # noqa: F401,F403
from .ops.math_ops import abs, pow, round  # noqa: F401
from .ops.array_ops import top_k, unsorted_segment_sum  # noqa: F401
