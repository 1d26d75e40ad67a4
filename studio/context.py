"""The services one studio app owns, reachable from any request as :func:`services`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app

from .config import StudioConfig
from .events import EventHub
from .store import Store

EXTENSION_KEY = "tapestudio"


@dataclass
class Services:
    """Per-app singletons: no module-level globals anywhere in the studio."""

    config: StudioConfig
    store: Store
    hub: EventHub
    socketio: Any
    datasets: Any  # studio.datasets.DatasetRegistry
    runs: Any  # studio.runs.RunManager


def services() -> Services:
    """The current app's :class:`Services`."""
    return current_app.extensions[EXTENSION_KEY]
