"""API area 'serving' (being written)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("serving", __name__)

OPENAPI_PATHS: dict = {}
