"""The OpenAPI 3.1 document at ``/api/openapi.json``, assembled from the blueprints.

Each API module declares the paths it serves next to its routes
(``OPENAPI_PATHS``) and any schemas they use (``OPENAPI_SCHEMAS``); this module
only merges them with the shared parts (the error body, the token scheme).
"""
from __future__ import annotations

from types import ModuleType
from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"type": "string"}, "details": {}},
}


def error_response(description: str) -> dict:
    """A response object whose body is the studio's JSON error."""
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def json_response(description: str, schema: dict) -> dict:
    """A JSON response object."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_request(schema: dict, required: bool = True) -> dict:
    """A JSON request body object."""
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def build_document(modules: list[ModuleType], version: str) -> dict:
    """Merge the modules' paths and schemas into one OpenAPI 3.1 document."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    for module in modules:
        for path, item in getattr(module, "OPENAPI_PATHS", {}).items():
            paths.setdefault(path, {}).update(item)
        schemas.update(getattr(module, "OPENAPI_SCHEMAS", {}))
    return {
        "openapi": "3.1.0",
        "info": {"title": "tapestudio", "version": version,
                 "description": "The tapestudio training studio's REST API. Errors are "
                                "`{\"error\": message, \"details\": ...}` with a 4xx status."},
        "servers": [{"url": "/"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer",
                                          "description": "Required only when the studio runs with a token."}},
        },
    }
