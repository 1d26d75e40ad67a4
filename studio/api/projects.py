"""``/api/projects``: the editor's saved work (model document + layout + dataset + training config).

- ``POST /api/projects`` ``{"name", "model"?, "layout"?, "dataset"?, "config"?}`` → 201 the project.
- ``GET /api/projects`` → every project (without the bulky model and layout), newest first.
- ``GET /api/projects/{id}``; ``PUT`` (replace: fields left out become null), ``PATCH`` (change the
  fields given), ``DELETE`` (204; its runs stay, detached). 404 for an unknown id.

A project saves even when its model is invalid (work in progress is never lost):
a response to a request that carried a model has ``validation`` (the report of
``POST /api/models/validate``, with ``valid``), otherwise ``validation`` is null.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify

from ..context import services
from ..errors import bad_request, json_body, not_found
from ..modeldoc import validate_document
from ..openapi import error_response, json_request, json_response

bp = Blueprint("projects", __name__, url_prefix="/api/projects")

MAX_NAME_CHARS = 200
MAX_DATASET_ID_CHARS = 200
#: Largest ``layout`` / ``config`` / ``dataset`` (JSON-encoded bytes); the model is bounded by the request size.
MAX_LAYOUT_BYTES = 1024 * 1024
MAX_CONFIG_BYTES = 64 * 1024
FIELDS = ("name", "model", "layout", "dataset", "config")
_SUMMARY_KEYS = ("id", "name", "dataset", "config", "created_at", "updated_at")


def _size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), allow_nan=False))


def _checked(body: dict, partial: bool) -> dict:
    """The project fields of a request body, checked (400 naming the field)."""
    try:
        _size(body)
    except (ValueError, RecursionError):
        bad_request("the project holds a value JSON cannot store (NaN or Infinity, or nesting too deep)")
    unknown = sorted(set(body) - set(FIELDS))
    if unknown:
        bad_request(f"unknown project field(s): {', '.join(unknown)}; a project has {', '.join(FIELDS)}",
                    {"unknown": unknown})
    if not partial and "name" not in body:
        bad_request("a project needs a 'name'", {"field": "name"})
    out: dict[str, Any] = {}
    if "name" in body:
        name = body["name"]
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
            bad_request(f"'name' must be a non-blank string of at most {MAX_NAME_CHARS} characters",
                        {"field": "name"})
        out["name"] = name.strip()
    for key in ("model", "layout", "config"):
        if key in body:
            if body[key] is not None and not isinstance(body[key], dict):
                bad_request(f"'{key}' must be a JSON object or null; got {type(body[key]).__name__}",
                            {"field": key})
            out[key] = body[key]
    if "dataset" in body:
        dataset = body["dataset"]
        if dataset is not None and not isinstance(dataset, (str, dict)) or \
                isinstance(dataset, str) and len(dataset) > MAX_DATASET_ID_CHARS:
            bad_request(f"'dataset' must be a dataset id (at most {MAX_DATASET_ID_CHARS} characters), an object "
                        "{\"id\", \"options\"}, or null", {"field": "dataset"})
        out["dataset"] = body["dataset"]
    for key, limit in (("layout", MAX_LAYOUT_BYTES), ("config", MAX_CONFIG_BYTES), ("dataset", MAX_CONFIG_BYTES)):
        if out.get(key) is not None and _size(out[key]) > limit:
            bad_request(f"'{key}' is too large ({_size(out[key]):,} bytes; at most {limit:,})", {"field": key})
    if not partial:
        out = {key: out.get(key) for key in FIELDS}
    return out


def _with_validation(project: dict, validate: bool) -> dict:
    model = project.get("model")
    project["validation"] = validate_document(model).report if validate and model is not None else None
    return project


def _project_or_404(project_id: str) -> dict:
    project = services().store.get_project(project_id)
    if project is None:
        not_found("project", project_id)
    return project


@bp.post("")
def create_project():
    """Save a new project (its model may be invalid: the response says how)."""
    fields = _checked(json_body(), partial=False)
    project = services().store.create_project(**fields)
    return jsonify(_with_validation(project, validate=True)), 201


@bp.get("")
def list_projects():
    """Every project, most recently updated first, without model and layout."""
    return jsonify([{k: p[k] for k in _SUMMARY_KEYS} for p in services().store.list_projects()])


@bp.get("/<project_id>")
def get_project(project_id: str):
    """One project, with its model and layout."""
    return jsonify(_with_validation(_project_or_404(project_id), validate=False))


@bp.put("/<project_id>")
def replace_project(project_id: str):
    """Replace every field (those left out become null)."""
    _project_or_404(project_id)
    fields = _checked(json_body(), partial=False)
    project = services().store.update_project(project_id, **fields)
    if project is None:
        not_found("project", project_id)
    return jsonify(_with_validation(project, validate=True))


@bp.patch("/<project_id>")
def update_project(project_id: str):
    """Change the fields given (e.g. only ``layout`` while nodes are dragged)."""
    _project_or_404(project_id)
    fields = _checked(json_body(), partial=True)
    project = services().store.update_project(project_id, **fields)
    if project is None:
        not_found("project", project_id)
    return jsonify(_with_validation(project, validate="model" in fields))


@bp.delete("/<project_id>")
def delete_project(project_id: str):
    """Delete the project (its runs stay, detached)."""
    if not services().store.delete_project(project_id):
        not_found("project", project_id)
    return Response(status=204)


_OBJECT_OR_NULL = {"type": ["object", "null"]}
_PROPERTIES = {
    "name": {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS, "pattern": r"\S"},
    "model": {**_OBJECT_OR_NULL, "description": "The model document (see ModelDocument); saved even when it is "
                                                "invalid or incomplete: the response's `validation` says how"},
    "layout": {**_OBJECT_OR_NULL, "description": f"Node positions etc. (free JSON, at most {MAX_LAYOUT_BYTES:,} "
                                                  "bytes)"},
    "dataset": {"anyOf": [{"type": "string", "maxLength": MAX_DATASET_ID_CHARS}, {"type": "object"},
                           {"type": "null"}],
                "description": "A dataset id, or {\"id\", \"options\"}"},
    "config": {**_OBJECT_OR_NULL, "description": "Training settings (optimizer, learning_rate, loss, ...)"},
}
_ID = [{"name": "project_id", "in": "path", "required": True, "schema": {"type": "string"}}]
_PROJECT = {"$ref": "#/components/schemas/Project"}

OPENAPI_SCHEMAS = {
    "ProjectInput": {"type": "object", "required": ["name"], "additionalProperties": False,
                     "properties": _PROPERTIES},
    "ProjectPatch": {"type": "object", "additionalProperties": False, "properties": _PROPERTIES},
    "ProjectSummary": {
        "type": "object", "required": list(_SUMMARY_KEYS),
        "properties": {"id": {"type": "string"}, "name": {"type": "string"},
                       "dataset": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "null"}]},
                       "config": _OBJECT_OR_NULL, "created_at": {"type": "number"}, "updated_at": {"type": "number"}},
    },
    "Project": {
        "type": "object",
        "required": ["id", "name", "model", "layout", "dataset", "config", "created_at", "updated_at", "validation"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "model": _OBJECT_OR_NULL, "layout": _OBJECT_OR_NULL,
            "dataset": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "null"}]},
            "config": _OBJECT_OR_NULL, "created_at": {"type": "number"}, "updated_at": {"type": "number"},
            "validation": {"anyOf": [{"$ref": "#/components/schemas/ValidationReport"}, {"type": "null"}],
                           "description": "The model's validation when the request carried a model"},
        },
    },
}

OPENAPI_PATHS = {
    "/api/projects": {
        "post": {"summary": "Create a project", "operationId": "createProject", "tags": ["projects"],
                 "requestBody": json_request({"$ref": "#/components/schemas/ProjectInput"}),
                 "responses": {"201": json_response("The project (with its model's validation)", _PROJECT),
                               "400": error_response("A field is malformed"),
                               "413": error_response("The request body is too large")}},
        "get": {"summary": "List projects", "operationId": "listProjects", "tags": ["projects"],
                "responses": {"200": json_response("Every project, newest first", {
                    "type": "array", "items": {"$ref": "#/components/schemas/ProjectSummary"}})}},
    },
    "/api/projects/{project_id}": {
        "get": {"summary": "One project", "operationId": "getProject", "tags": ["projects"], "parameters": _ID,
                "responses": {"200": json_response("The project", _PROJECT),
                              "404": error_response("No such project")}},
        "put": {"summary": "Replace a project", "operationId": "replaceProject", "tags": ["projects"],
                "parameters": _ID, "requestBody": json_request({"$ref": "#/components/schemas/ProjectInput"}),
                "responses": {"200": json_response("The project", _PROJECT),
                              "400": error_response("A field is malformed"),
                              "404": error_response("No such project"),
                              "413": error_response("The request body is too large")}},
        "patch": {"summary": "Change some fields of a project", "operationId": "updateProject",
                  "tags": ["projects"], "parameters": _ID,
                  "requestBody": json_request({"$ref": "#/components/schemas/ProjectPatch"}),
                  "responses": {"200": json_response("The project", _PROJECT),
                                "400": error_response("A field is malformed"),
                                "404": error_response("No such project"),
                                "413": error_response("The request body is too large")}},
        "delete": {"summary": "Delete a project", "operationId": "deleteProject", "tags": ["projects"],
                   "parameters": _ID,
                   "responses": {"204": {"description": "Deleted (its runs stay, detached)"},
                                 "404": error_response("No such project")}},
    },
}
