"""The browser UI: ``/`` serves ``frontend/index.html``; ``/static/...`` the frontend's files;
``/vendor/plotly.min.js`` the plotly.js bundled in the ``plotly`` Python package (works offline)."""
from __future__ import annotations

from pathlib import Path

import frontend
from flask import Blueprint, abort, send_from_directory

bp = Blueprint("web", __name__)

FRONTEND_DIR = Path(frontend.__file__).resolve().parent


def _plotly_dir() -> Path:
    import plotly  # noqa: PLC0415 - only when the page asks for it

    return Path(plotly.__file__).resolve().parent / "package_data"


@bp.get("/")
def index():
    """The single-page studio."""
    if not (FRONTEND_DIR / "index.html").is_file():
        abort(404)
    return send_from_directory(FRONTEND_DIR, "index.html")


@bp.get("/static/<path:filename>")
def static_file(filename: str):
    """A frontend file (send_from_directory refuses paths outside the folder)."""
    return send_from_directory(FRONTEND_DIR, filename)


@bp.get("/vendor/plotly.min.js")
def plotly_js():
    """plotly.js from the installed plotly package."""
    return send_from_directory(_plotly_dir(), "plotly.min.js")
