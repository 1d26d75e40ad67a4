"""One process-wide, fair lock around every use of the engine from studio threads.

The engine's recording state (tapes, ``function`` tracers) is per thread, as
in TensorFlow, but some of its state is process-wide: the global seed of
``tf.random`` and numpy's global generator that ``fit`` shuffles with, the
BLAS thread pool, Keras's name counters. So studio threads take turns: a
training run holds :data:`ENGINE_LOCK` for its whole ``fit`` and lets go of
it only between batches (its callback's release window), where the other
runs train their batch. Runs interleave batch by batch, and a seeded run
draws the same weights and shuffles whatever runs beside it (on an engine
bound by the GIL, taking turns costs no throughput). Anything else that
builds or calls a model in the server (validation, serving, exports) holds
the lock too: ``with ENGINE_LOCK: ...``. It is reentrant, and granted in
arrival order so no run starves another.

The lock is process-wide because that engine state is (nothing else in the
studio is global).
"""
from __future__ import annotations

import threading
from collections import deque
from contextlib import contextmanager
from typing import Iterator


class FairRLock:
    """A reentrant lock handed to waiting threads in FIFO order."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._owner: int | None = None
        self._depth = 0
        self._waiters: deque[object] = deque()

    def acquire(self) -> bool:
        """Block until this thread holds the lock (immediately if it already does)."""
        me = threading.get_ident()
        with self._cond:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._waiters:
                self._owner, self._depth = me, 1
                return True
            ticket = object()
            self._waiters.append(ticket)
            while self._owner is not None or self._waiters[0] is not ticket:
                self._cond.wait()
            self._waiters.popleft()
            self._owner, self._depth = me, 1
            self._cond.notify_all()  # the next waiter re-checks its place
            return True

    def release(self) -> None:
        """Undo one :meth:`acquire` of this thread."""
        with self._cond:
            if self._owner != threading.get_ident():
                raise RuntimeError("release of an engine lock this thread does not hold")
            self._depth -= 1
            if self._depth == 0:
                self._owner = None
                self._cond.notify_all()

    def contended(self) -> bool:
        """Whether another thread is waiting for the lock (a racy hint, cheap to ask)."""
        return bool(self._waiters)

    def held(self) -> bool:
        """Whether the calling thread holds the lock."""
        return self._owner == threading.get_ident()

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let go of the lock entirely for the block (other threads run), then take it back in turn.

        Does nothing special when the calling thread does not hold the lock.
        """
        me = threading.get_ident()
        with self._cond:
            if self._owner != me:
                depth = 0
            else:
                depth, self._owner, self._depth = self._depth, None, 0
                self._cond.notify_all()
        try:
            yield
        finally:
            if depth:
                self.acquire()
                with self._cond:
                    self._depth = depth

    def __enter__(self) -> "FairRLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


#: The lock every studio thread holds while it runs engine code.
ENGINE_LOCK = FairRLock()
