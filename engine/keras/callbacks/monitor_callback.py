"""``MonitorCallback``: the improvement test shared by EarlyStopping, ModelCheckpoint, ReduceLROnPlateau."""
from __future__ import annotations

import operator
import warnings
from typing import Any

from .callback import Callback


class MonitorCallback(Callback):
    """Watches ``monitor`` in the epoch logs; ``mode`` auto infers min/max from the metric."""

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: Any = None,
                 min_delta: float = 0) -> None:
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=2)
            mode = "auto"
        self.monitor, self.mode, self.best = monitor, mode, baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = operator.lt
        elif self.mode == "max":
            self.monitor_op = operator.gt
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss" or name.endswith("_loss"):
                self.monitor_op = operator.lt
            for m in getattr(self.model, "metrics", []) or []:
                if m.name == name and getattr(m, "_direction", None) in ("up", "down"):
                    self.monitor_op = operator.gt if m._direction == "up" else operator.lt
            if self.monitor_op is None:
                if any(k in name for k in ("acc", "auc", "precision", "recall")):
                    self.monitor_op = operator.gt
                else:
                    raise ValueError(
                        f"{type(self).__name__} callback received monitor={self.monitor}, but Keras isn't able "
                        f"to automatically determine whether that metric should be maximized or minimized. "
                        f"Pass `mode='max'` in order to monitor based on the highest metric value, or pass "
                        f"`mode='min'` in order to use the lowest value.")
        if self.monitor_op is operator.lt:
            self.min_delta *= -1

    def _is_improvement(self, value: float, reference: Any) -> bool:
        if reference is None:
            return True
        return bool(self.monitor_op(value - self.min_delta, reference))
