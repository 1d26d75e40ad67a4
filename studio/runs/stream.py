"""Per-step metric points, batched into ``metrics`` events at most ``hz`` times a second.

Every point goes into exactly one event, in step order, so a client that
replays the log from any ``seq`` reassembles every step exactly once. Also
the JSON helpers: NaN and infinities become ``null`` (the store and the wire
are strict JSON).
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np


def json_float(value: Any) -> float | None:
    """``value`` as a Python float (NaN and Inf kept), or None if it is not a number."""
    try:
        return float(np.asarray(value))
    except (TypeError, ValueError):
        return None


def json_number(value: Any) -> float | int | None:
    """A finite float (or int), or None for NaN/Inf/non-numbers."""
    if type(value) is float:  # the common case: fit's logs are Python floats
        return value if value - value == 0.0 else None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def json_logs(logs: dict | None) -> dict:
    """Keras logs with every value a JSON number or null (arrays dropped)."""
    out: dict[str, Any] = {}
    for key, value in (logs or {}).items():
        if isinstance(value, np.ndarray) and value.ndim > 0:
            continue
        out[str(key)] = json_number(value)
    return out


class MetricStream:
    """Buffer points; hand them to ``publish(points)`` no more than ``hz`` times a second."""

    def __init__(self, publish: Callable[[list], None], hz: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._publish = publish
        self._period = 1.0 / float(hz)
        self._clock = clock
        self._points: list[dict] = []
        self._last = -float("inf")
        self.events = 0

    def add(self, point: dict) -> None:
        """Queue one step's point."""
        self._points.append(point)

    @property
    def pending(self) -> int:
        """Points not yet published."""
        return len(self._points)

    def due(self) -> bool:
        """Whether a flush now keeps within the rate."""
        return self._clock() - self._last >= self._period

    def flush(self, force: bool = False) -> bool:
        """Publish the buffered points if any and (``force`` or :meth:`due`); True if published."""
        if not self._points or not (force or self.due()):
            return False
        points, self._points = self._points, []
        self._last = self._clock()
        self.events += 1
        self._publish(points)
        return True
