"""``create_app(config)``: the studio's application factory (nothing global).

It opens the store, marks runs the last process left live as ``interrupted``,
builds the event hub, the dataset registry and the run manager, registers the
API blueprints, the Socket.IO handlers and JSON error handlers, and returns
the Flask app; ``app.extensions["socketio"]`` is the :class:`SocketIO` that
serves it (``socketio.run(app)`` or any WSGI server in threaded mode).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from flask import Flask
from flask_socketio import SocketIO
from socketio.packet import Packet

from . import __version__
from .api import register_blueprints
from .auth import install_token_check
from .config import StudioConfig
from .context import EXTENSION_KEY, Services
from .datasets import DatasetRegistry
from .errors import register_error_handlers
from .events import EventHub
from .runs import RunManager
from .sockets import register_socket_handlers
from .store import Store

log = logging.getLogger("tapestudio")


class JsonPacket(Packet):
    """Socket.IO packets without binary attachments: the studio sends JSON only, so the
    per-emit scan of every value for ``bytes`` (python-socketio's default; ~15% of a
    run's CPU with per-step points and boundary grids) is skipped."""

    uses_binary_events = False


def _as_config(config: StudioConfig | dict | None) -> StudioConfig:
    if config is None:
        return StudioConfig()
    if isinstance(config, StudioConfig):
        return config
    return replace(StudioConfig(), **config)


def create_app(config: StudioConfig | dict | None = None) -> Flask:
    """Build a studio app over ``config.data_dir``; start its run workers."""
    cfg = _as_config(config)
    app = Flask("studio", static_folder=None)
    app.config.update(MAX_CONTENT_LENGTH=cfg.max_request_bytes, JSON_SORT_KEYS=False)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config["TAPESTUDIO_VERSION"] = __version__

    origins: Any = list(cfg.cors_allowed_origins) or None  # None: same origin only
    socketio = SocketIO(app, async_mode="threading", cors_allowed_origins=origins, serializer=JsonPacket,
                        max_http_buffer_size=cfg.max_request_bytes, logger=False, engineio_logger=False)
    store = Store(cfg.data_dir)
    interrupted = store.mark_interrupted()
    if interrupted:
        log.info("marked %d run(s) interrupted: %s", len(interrupted), ", ".join(interrupted))
    hub = EventHub(store, socketio)
    datasets = DatasetRegistry(store)
    runs = RunManager(store=store, hub=hub, datasets=datasets, config=cfg)
    app.extensions[EXTENSION_KEY] = Services(config=cfg, store=store, hub=hub, socketio=socketio,
                                             datasets=datasets, runs=runs)

    install_token_check(app, cfg.token)
    register_error_handlers(app)
    register_blueprints(app)
    register_socket_handlers(socketio, store, hub, cfg.token)
    runs.start()
    if cfg.resume_interrupted:
        for run_id in interrupted:
            runs.resume_interrupted(run_id)
    return app


def shutdown_app(app: Flask, timeout: float = 10.0) -> None:
    """Stop the run workers (live runs end as ``interrupted``) and close the store."""
    services: Services = app.extensions[EXTENSION_KEY]
    services.runs.shutdown(timeout=timeout)
    services.store.close()
