"""API area 'layers' (being written)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("layers", __name__)

OPENAPI_PATHS: dict = {}
