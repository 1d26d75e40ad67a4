"""``ProgbarLogger``: Keras-style progress output (verbose=1 bar, verbose=2 one line per epoch)."""
from __future__ import annotations

import sys
import time
from typing import Any

from .callback import Callback


def _fmt(logs: dict) -> str:
    parts = []
    for k in sorted(logs):
        v = logs[k]
        if isinstance(v, (int, float)):
            parts.append(f"{k}: {v:.4f}")
    return " - ".join(parts)


class ProgbarLogger(Callback):
    """Prints ``Epoch i/N`` then ``steps/steps - Xs - Yms/step - metric: v ...``."""

    def __init__(self, stream: Any = None) -> None:
        super().__init__()
        self.stream = stream
        self._t0 = 0.0
        self._seen = 0

    def _out(self) -> Any:
        return self.stream or sys.stdout

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if self.params.get("verbose", 1):
            print(f"Epoch {epoch + 1}/{self.params.get('epochs', '?')}", file=self._out())
        self._t0 = time.perf_counter()
        self._seen = 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._seen = batch + 1
        if self.params.get("verbose", 1) == 1:
            steps = self.params.get("steps") or "?"
            width = 30
            frac = (self._seen / steps) if isinstance(steps, int) and steps else 0
            bar = "━" * int(width * frac) + " " * (width - int(width * frac))
            print(f"\r{self._seen}/{steps} {bar} {_fmt(logs or {})}", end="", file=self._out(), flush=True)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        verbose = self.params.get("verbose", 1)
        if not verbose:
            return
        dt = time.perf_counter() - self._t0
        per = dt / max(self._seen, 1) * 1000
        steps = self.params.get("steps") or self._seen
        line = f"{steps}/{steps} - {dt:.0f}s - {per:.0f}ms/step - {_fmt(logs or {})}"
        print(("\r" if verbose == 1 else "") + line, file=self._out())
