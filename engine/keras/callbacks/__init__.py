"""``keras.callbacks``."""
from .callback import Callback  # noqa: F401
from .callback_list import CallbackList  # noqa: F401
from .history import History  # noqa: F401
from .progbar_logger import ProgbarLogger  # noqa: F401
