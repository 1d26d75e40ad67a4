"""The event hub: every run event gets the next ``seq``, is stored, then broadcast.

A run's events live in the store's log (so a client that reconnects with
``since`` misses nothing, even across server restarts) and go live to the
Socket.IO room ``run:<id>``. Publishing and subscribing hold the same per-run
lock, so a subscriber first receives the replay of everything after its
``since`` and then the live events, with no gap and no duplicate.

In-process listeners (the headless CLI, benchmarks, tests) see every event too.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any, Callable

from .store import Store

Listener = Callable[[str, dict], None]

#: Status changes of every run also go to this room (the run list).
LOBBY_ROOM = "runs"


def run_room(run_id: str) -> str:
    """The Socket.IO room of one run's events."""
    return f"run:{run_id}"


class EventHub:
    """Sequence, persist and broadcast run events."""

    def __init__(self, store: Store, socketio: Any = None) -> None:
        self.store = store
        self.socketio = socketio
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()
        self._listeners: list[Listener] = []

    def _lock(self, run_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks[run_id]

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(event_name, message)`` for every published event."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def publish(self, run_id: str, event: str, payload: dict) -> dict:
        """Store ``payload`` as the run's next event and broadcast it; returns the message sent.

        The message is ``{"run": id, "seq": n, "ts": unix_time, **payload}``.
        """
        with self._lock(run_id):
            ts = time.time()  # stored too, so a replayed message equals the live one
            seq = self.store.append_event(run_id, event, payload, created_at=ts)
            message = {"run": run_id, "seq": seq, "ts": ts, **payload}
            if self.socketio is not None:
                self.socketio.emit(event, message, to=run_room(run_id))
                if event == "status":
                    self.socketio.emit(event, message, to=LOBBY_ROOM)
            for listener in list(self._listeners):
                listener(event, message)
        return message

    def history(self, run_id: str, since: int = 0, types: tuple[str, ...] | None = None) -> list[dict]:
        """The stored messages after ``since``, as they were sent: ``[{"event", "message"}]``."""
        return [{"event": e["type"],
                 "message": {"run": run_id, "seq": e["seq"], "ts": e["created_at"], **e["payload"]}}
                for e in self.store.events_since(run_id, since, types)]

    def subscribe(self, run_id: str, since: int, join: Callable[[str], None],
                  send: Callable[[str, dict], None]) -> int:
        """Join the run's room and replay what came after ``since``; returns the last seq sent.

        ``join(room)`` adds the caller to a room, ``send(event, message)`` sends
        to the caller only; both run under the run's publish lock.
        """
        with self._lock(run_id):
            join(run_room(run_id))
            last = since
            for item in self.history(run_id, since):
                send(item["event"], item["message"])
                last = item["message"]["seq"]
        return last
