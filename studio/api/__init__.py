"""The REST API: one blueprint per area, all registered by :func:`register_blueprints`."""
from __future__ import annotations

from types import ModuleType

from flask import Flask

from . import datasets, exports, layers, meta, models, projects, runs, serving, web

#: Every API module: each has ``bp`` and may have ``OPENAPI_PATHS`` / ``OPENAPI_SCHEMAS``.
MODULES: list[ModuleType] = [meta, layers, datasets, models, projects, runs, exports, serving, web]


def register_blueprints(app: Flask) -> None:
    """Register every area's blueprint on ``app``."""
    for module in MODULES:
        app.register_blueprint(module.bp)
