"""``CallbackList``: fans every hook out to the callbacks (History and the progress bar included)."""
from __future__ import annotations

from typing import Any

from .callback import Callback


class CallbackList(Callback):
    """A list of callbacks called in order."""

    def __init__(self, callbacks: Any = None, add_history: bool = False, add_progbar: bool = False,
                 model: Any = None, mode: str = "train", **params: Any) -> None:
        super().__init__()
        from .history import History
        from .progbar_logger import ProgbarLogger
        self.callbacks = list(callbacks or [])
        if add_history and not any(isinstance(c, History) for c in self.callbacks):
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.insert(0, ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        for c in self.callbacks:
            c.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for c in self.callbacks:
            c.set_params(params)

    def append(self, callback: Callback) -> None:
        self.callbacks.append(callback)


def _indexed(name: str) -> Any:
    def hook(self: CallbackList, index: int, logs: dict | None = None) -> None:
        for c in self.callbacks:
            getattr(c, name)(index, logs if logs is not None else {})
    hook.__name__ = name
    return hook


def _plain(name: str) -> Any:
    def hook(self: CallbackList, logs: dict | None = None) -> None:
        for c in self.callbacks:
            getattr(c, name)(logs if logs is not None else {})
    hook.__name__ = name
    return hook


for _name in ("on_epoch_begin", "on_epoch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end"):
    setattr(CallbackList, _name, _indexed(_name))
for _name in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end", "on_predict_begin",
              "on_predict_end"):
    setattr(CallbackList, _name, _plain(_name))
