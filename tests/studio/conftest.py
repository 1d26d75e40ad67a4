"""Fixtures for the studio: a real server on loopback and real python-socketio clients.

- ``studio_factory(**config)``: start ``create_app(config)`` on 127.0.0.1 with a
  free port in a werkzeug threaded server; returns a :class:`LiveStudio`
  (``.url``, ``.app``, ``.services``, ``.get/.post/.patch/.delete`` with requests,
  ``.socket()`` → a connected ``socketio.Client`` over WebSocket, ``.restart()``
  keeps the data dir). Every studio is shut down at the end of the test.
- ``studio``: one such studio with default settings in a fresh data dir.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest
import requests
import socketio
from werkzeug.serving import make_server

from studio.app import create_app, shutdown_app
from studio.context import EXTENSION_KEY


class EventLog:
    """Collects events a socketio client receives, thread-safely, with a wait helper."""

    def __init__(self) -> None:
        self.items: list[tuple[str, dict]] = []
        self._cond = threading.Condition()

    def add(self, event: str, message: Any) -> None:
        with self._cond:
            self.items.append((event, message))
            self._cond.notify_all()

    def of(self, event: str, run: str | None = None) -> list[dict]:
        with self._cond:
            return [m for e, m in self.items if e == event and (run is None or m.get("run") == run)]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not predicate():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out after {timeout}s waiting; got {len(self.items)} events")
                self._cond.wait(min(left, 0.2))


def _quiet_disconnect(client: socketio.Client) -> None:
    try:
        client.disconnect()
    except Exception:
        pass


@dataclass
class LiveStudio:
    data_dir: Path
    config: dict
    app: Any = None
    server: Any = None
    thread: Any = None
    url: str = ""
    sockets: list = field(default_factory=list)

    def start(self) -> "LiveStudio":
        self.app = create_app({"data_dir": self.data_dir, **self.config})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def services(self) -> Any:
        return self.app.extensions[EXTENSION_KEY]

    def stop(self, timeout: float = 10.0) -> None:
        for sock in self.sockets:  # the client waits ~3 s for a close frame: don't block on it
            threading.Thread(target=_quiet_disconnect, args=(sock,), daemon=True).start()
        self.sockets.clear()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            shutdown_app(self.app, timeout=timeout)
            self.server = None

    def restart(self, **config: Any) -> "LiveStudio":
        self.stop()
        self.config = {**self.config, **config}
        return self.start()

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("timeout", 30)
        return requests.request(method, self.url + path, **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    def socket(self, events: tuple[str, ...] = ("metrics", "epoch", "status", "boundary", "confusion",
                                                 "norms"), auth: Any = None,
               headers: dict | None = None) -> tuple[socketio.Client, EventLog]:
        """A python-socketio client connected over WebSocket only, logging ``events``."""
        client = socketio.Client(reconnection=False)
        log = EventLog()
        for name in events:
            client.on(name, (lambda n: lambda data: log.add(n, data))(name))
        client.connect(self.url, transports=["websocket"], auth=auth, headers=headers or {},
                       wait_timeout=10)
        self.sockets.append(client)
        return client, log


@pytest.fixture
def studio_factory(tmp_path: Path):
    started: list[LiveStudio] = []

    def make(data_dir: Path | None = None, **config: Any) -> LiveStudio:
        live = LiveStudio(data_dir=data_dir or tmp_path / f"studio{len(started)}", config=config).start()
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


@pytest.fixture
def studio(studio_factory) -> LiveStudio:
    return studio_factory()
