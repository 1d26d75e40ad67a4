"""The top-level op namespace (``tf.add``, ``tf.reshape``, ...), gathered from ops modules."""
from __future__ import annotations

from .math_ops import *  # noqa: F401,F403
from .array_ops import *  # noqa: F401,F403
from ..autodiff.custom_gradient import stop_gradient_ as stop_gradient  # noqa: F401
from .creation_ops import *  # noqa: F401,F403
