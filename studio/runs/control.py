"""Batch-granular control of one live run, shared by API threads and its training thread.

API threads *request* (pause, resume, step N, stop, a new learning rate); the
training thread acts at its next batch boundary through :meth:`RunControl.gate`,
which blocks on a condition while the run is paused. Requests are plain state
changes; :meth:`wait` lets the API answer once the training thread has acted.
"""
from __future__ import annotations

import threading
import time
from typing import Callable


class RunAborted(Exception):
    """Raised in the training thread to leave ``fit`` at a batch boundary (stop or shutdown)."""

    def __init__(self, outcome: str) -> None:
        super().__init__(outcome)
        self.outcome = outcome


class RunControl:
    """The control state of one run (thread-safe)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.status = "queued"
        self.epoch = 0
        self.step = 0
        self.learning_rate: float | None = None
        self.finished = False
        self._pause = False
        self._grants = 0
        self._stop: str | None = None
        self._pending_lr: float | None = None
        self._blocked = False
        self._blocks = 0  # how many times the training thread has settled at a pause

    # -- read-only views ------------------------------------------------------------
    @property
    def pause_requested(self) -> bool:
        """A pause is asked for or in force."""
        return self._pause

    @property
    def stop_requested(self) -> str | None:
        """``"stopped"`` / ``"interrupted"`` once asked for, else None."""
        return self._stop

    @property
    def blocked(self) -> bool:
        """The training thread is waiting at a pause."""
        return self._blocked

    @property
    def pending_learning_rate(self) -> float | None:
        """A learning rate waiting for the next batch."""
        return self._pending_lr

    def blocks(self) -> int:
        """A counter that grows each time the training thread settles at a pause."""
        with self._cond:
            return self._blocks

    # -- API side -------------------------------------------------------------------
    def request_pause(self) -> None:
        """Pause before the next batch."""
        with self._cond:
            self._pause, self._grants = True, 0
            self._cond.notify_all()

    def request_resume(self) -> None:
        """Train on freely."""
        with self._cond:
            self._pause, self._grants = False, 0
            self._cond.notify_all()

    def request_steps(self, n: int) -> int:
        """Train exactly ``n`` more batches, then pause again; returns the pause counter to wait past."""
        with self._cond:
            self._grants += int(n)
            self._cond.notify_all()
            return self._blocks

    def request_stop(self, outcome: str = "stopped") -> None:
        """End the run after the current batch (``"stopped"``, or ``"interrupted"`` at shutdown)."""
        with self._cond:
            if self._stop is None or outcome == "interrupted":
                self._stop = outcome
            self._cond.notify_all()

    def request_learning_rate(self, value: float) -> None:
        """Use ``value`` from the next batch on."""
        with self._cond:
            self._pending_lr = float(value)
            self._cond.notify_all()

    def wait(self, predicate: Callable[["RunControl"], bool], timeout: float) -> bool:
        """Wait until ``predicate(self)`` or the run finished; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while not (self.finished or predicate(self)):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(min(left, 0.5))
            return True

    # -- training-thread side ---------------------------------------------------------
    def take_learning_rate(self) -> float | None:
        """The pending learning rate (once), or None."""
        with self._cond:
            value, self._pending_lr = self._pending_lr, None
            return value

    def update(self, **fields: object) -> None:
        """Set progress/status fields and wake waiters."""
        with self._cond:
            for key, value in fields.items():
                setattr(self, key, value)
            self._cond.notify_all()

    def gate(self, on_pause: Callable[[], None], on_resume: Callable[[], None]) -> None:
        """Called before every batch: return to train it, block while paused, raise :class:`RunAborted` to stop.

        ``on_pause`` runs (outside the condition) when the run settles into a
        pause, ``on_resume`` when it leaves one for good.
        """
        announced = False
        while True:
            with self._cond:
                if self._stop is not None:
                    raise RunAborted(self._stop)
                if not self._pause:
                    resumed = self.status == "paused"
                    break
                if self._grants > 0:
                    self._grants -= 1
                    return
                if announced:
                    self._blocked = True
                    self._blocks += 1
                    self._cond.notify_all()
                    while self._pause and self._grants == 0 and self._stop is None:
                        self._cond.wait()
                    self._blocked = False
                    continue
            on_pause()
            announced = True
        if resumed:
            on_resume()

    def finish(self, status: str) -> None:
        """Mark the run over (wakes every waiter)."""
        with self._cond:
            self.status, self.finished = status, True
            self._cond.notify_all()
