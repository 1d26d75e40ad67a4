"""``/api/health`` and ``/api/openapi.json``."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from .. import __version__
from ..openapi import build_document, json_response

bp = Blueprint("meta", __name__, url_prefix="/api")


@bp.get("/health")
def health():
    """Liveness and version."""
    return jsonify({"status": "ok", "version": __version__})


@bp.get("/openapi.json")
def openapi_document():
    """This API's OpenAPI 3.1 document."""
    from . import MODULES  # noqa: PLC0415 - the package imports this module

    return jsonify(build_document(MODULES, current_app.config["TAPESTUDIO_VERSION"]))


OPENAPI_PATHS = {
    "/api/health": {"get": {
        "summary": "Liveness and version", "operationId": "health",
        "responses": {"200": json_response("The studio is up", {
            "type": "object", "required": ["status", "version"],
            "properties": {"status": {"const": "ok"}, "version": {"type": "string"}}})}}},
    "/api/openapi.json": {"get": {
        "summary": "This document", "operationId": "openapi",
        "responses": {"200": json_response("The OpenAPI document", {"type": "object"})}}},
}
