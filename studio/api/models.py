"""API area 'models' (being written)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("models", __name__)

OPENAPI_PATHS: dict = {}
