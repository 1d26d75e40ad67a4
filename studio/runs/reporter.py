"""One run's voice: status changes and events, each written to the store and published.

Every status change updates the run row (``status``, ``reason``, progress)
and the live :class:`~studio.runs.control.RunControl`, then publishes a
``status`` event ``{"status", "reason"?, "epoch", "step", ...}``.
"""
from __future__ import annotations

import time
from typing import Any

from ..events import EventHub
from ..store import Store
from .control import RunControl


class RunReporter:
    """Publish one run's events and keep its row current."""

    def __init__(self, run_id: str, store: Store, hub: EventHub, control: RunControl | None = None) -> None:
        self.run_id = run_id
        self.store = store
        self.hub = hub
        self.control = control

    def publish(self, event: str, payload: dict) -> dict:
        """Publish one event of this run."""
        return self.hub.publish(self.run_id, event, payload)

    def status(self, status: str, *, epoch: int, step: int, reason: str | None = None,
               extra: dict | None = None, **row: Any) -> None:
        """Record and announce a status change (``row`` are more run columns to set)."""
        self.store.update_run(self.run_id, status=status, reason=reason, epoch=int(epoch), step=int(step), **row)
        if self.control is not None:
            self.control.update(status=status, epoch=int(epoch), step=int(step))
        payload: dict[str, Any] = {"status": status, "epoch": int(epoch), "step": int(step)}
        if reason:
            payload["reason"] = reason
        payload.update(extra or {})
        self.publish("status", payload)

    def progress(self, **row: Any) -> None:
        """Store progress columns (``epoch``, ``step``, ``history``, ``summary``...)."""
        self.store.update_run(self.run_id, **row)

    @staticmethod
    def now() -> float:
        """The timestamp the store uses."""
        return time.time()
