"""API area 'datasets' (being written)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("datasets", __name__)

OPENAPI_PATHS: dict = {}
