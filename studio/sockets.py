"""Socket.IO handlers (default namespace): connect with the token, subscribe to runs.

Client → server: ``subscribe`` ``{"run": id, "since": seq}`` (replays every
event after ``since``, then streams live ones), ``unsubscribe`` ``{"run": id}``,
``subscribe_runs`` (status changes of every run). Each answers through the
Socket.IO acknowledgement: ``{"ok": true, ...}`` or ``{"error": message}``.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_socketio import SocketIO, emit, join_room, leave_room

from .auth import token_ok
from .events import LOBBY_ROOM, EventHub, run_room
from .store import Store


def _since(data: dict) -> int | None:
    since = data.get("since", 0)
    if since is None:
        return 0
    if isinstance(since, bool) or not isinstance(since, int) or since < 0:
        return None
    return since


def register_socket_handlers(socketio: SocketIO, store: Store, hub: EventHub, token: str | None) -> None:
    """Attach the studio's handlers to ``socketio``."""

    @socketio.on("connect")
    def _connect(auth: Any = None) -> bool:
        return token_ok(token, auth)

    @socketio.on("subscribe")
    def _subscribe(data: Any = None) -> dict:
        if not isinstance(data, dict) or not isinstance(data.get("run"), str):
            return {"error": "subscribe needs {\"run\": id, \"since\": seq}"}
        run_id, since = data["run"], _since(data)
        if since is None:
            return {"error": "'since' must be a non-negative integer sequence number"}
        if store.get_run(run_id) is None:
            return {"error": f"no run with id {run_id!r}"}
        sid = request.sid  # type: ignore[attr-defined]
        last = hub.subscribe(run_id, since,
                             join=lambda room: join_room(room, sid=sid),
                             send=lambda event, message: emit(event, message, to=sid))
        return {"ok": True, "run": run_id, "last_seq": last}

    @socketio.on("unsubscribe")
    def _unsubscribe(data: Any = None) -> dict:
        if not isinstance(data, dict) or not isinstance(data.get("run"), str):
            return {"error": "unsubscribe needs {\"run\": id}"}
        leave_room(run_room(data["run"]))
        return {"ok": True, "run": data["run"]}

    @socketio.on("subscribe_runs")
    def _subscribe_runs(data: Any = None) -> dict:
        join_room(LOBBY_ROOM)
        return {"ok": True}
