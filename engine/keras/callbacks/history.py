"""``History``: records every epoch's logs; ``fit`` returns it."""
from __future__ import annotations

from typing import Any

from .callback import Callback


class History(Callback):
    """``history.history`` is a dict of lists (one value per epoch); ``history.epoch`` the epochs."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict = {}
        self.epoch: list = []

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        self.epoch.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)
        self.model.history = self
