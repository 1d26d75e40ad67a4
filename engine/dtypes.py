"""``tf.dtypes``."""
from .framework.dtypes import *  # noqa: F401,F403
from .framework.dtypes import DType, as_dtype, bool_ as bool  # noqa: F401
