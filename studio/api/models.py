"""``/api/models``: validate a model document, and show it as Keras code.

- ``POST /api/models/validate`` ``{"model": topology}`` → 200 the report (per-layer output shapes,
  parameter counts, summary, suggestions); 400 ``{"error": first message, "details": report}``
  when the document has errors (every error names its layer and field).
- ``POST /api/models/code`` ``{"model"}`` → ``{"code": python source}`` (the editor's code view:
  Keras 3 code that rebuilds the architecture); errors as for validate.
"""
from __future__ import annotations

from typing import Any

from engine.export import ExportError
from engine.export.python_code import model_to_python
from flask import Blueprint, jsonify, request

from ..catalog import engine_lock
from ..errors import ApiError, bad_request, json_body
from ..modeldoc import Validation, validate_document
from ..openapi import error_response, json_request, json_response

bp = Blueprint("models", __name__, url_prefix="/api/models")

#: Keys a request may carry (``layout``: the editor's node positions, accepted and ignored).
REQUEST_KEYS = {"model", "layout"}


def validated(body: dict, strict: bool = True) -> Validation:
    """The request's model, validated; with ``strict``, a 400 with the report when it has errors."""
    unknown = sorted(set(body) - REQUEST_KEYS)
    if unknown:
        bad_request(f"unknown key(s) in the request: {', '.join(unknown)}; expected {{\"model\": topology}}",
                    {"unknown": unknown})
    if "model" not in body:
        bad_request("the request needs 'model' (a Keras model topology)", {"field": "model"})
    if "layout" in body and not isinstance(body["layout"], (dict, type(None))):
        bad_request("'layout' must be an object", {"field": "layout"})
    result = validate_document(body["model"])
    if strict and not result.valid:
        raise ApiError(400, result.errors[0].message, result.report)
    return result


@bp.post("/validate")
def validate_model():
    """Per-layer shapes and parameter counts of a model document, or every error in it.

    ``?report=always`` (the editor's live check, where an invalid graph is the normal state
    while editing) answers 200 with the report, ``"valid": false`` included, instead of 400.
    """
    mode = request.args.get("report", "errors")
    if mode not in ("errors", "always"):
        bad_request("report must be 'errors' (400 when the model has errors) or 'always' (200 with the report)",
                    {"field": "report"})
    return jsonify(validated(json_body(), strict=mode == "errors").report)


@bp.post("/code")
def model_code():
    """Keras 3 code that rebuilds the document's model."""
    result = validated(json_body())
    try:
        with engine_lock():
            code = model_to_python(result.model)
    except ExportError as exc:
        layer: Any = getattr(exc, "layer", None)
        raise ApiError(400, str(exc), {"layer": layer, "field": "class_name" if layer else None}) from None
    except (ValueError, TypeError) as exc:  # a config the code writer cannot render
        raise ApiError(400, f"the model cannot be written as Keras code: {exc}", {"layer": None}) from None
    return jsonify({"code": code})


_MODEL_REQUEST = {
    "type": "object",
    "required": ["model"],
    "additionalProperties": False,
    "properties": {
        "model": {"$ref": "#/components/schemas/ModelDocument"},
        "layout": {"type": ["object", "null"], "description": "The editor's node positions (ignored here)"},
    },
}

_SHAPE = {"type": "array", "items": {"type": ["integer", "null"]}}

OPENAPI_SCHEMAS = {
    "ModelDocument": {
        "type": "object",
        "anyOf": [{"required": ["class_name", "config"]}, {"required": ["modelTopology"]}],
        "properties": {"class_name": {"enum": ["Sequential", "Functional", "Model"]},
                       "config": {"type": ["object", "array"]}, "modelTopology": {"type": "object"}},
        "description": "A Keras model topology: {\"class_name\": \"Sequential\"|\"Functional\"|\"Model\", "
                       "\"config\": {\"layers\": [...], \"input_layers\", \"output_layers\"}} in the Keras-2 / "
                       "TF.js form (inbound_nodes [[[\"name\", 0, 0, {}]]]); also a whole TF.js model.json "
                       "(modelTopology) or a Keras 3 config.",
    },
    "LayerReport": {
        "type": "object",
        "required": ["name", "class_name", "inbound", "output_shape", "params", "trainable_params", "error"],
        "properties": {
            "name": {"type": "string"},
            "class_name": {"type": "string"},
            "inbound": {"type": "array", "items": {"type": "string"}, "description": "Names of the input layers"},
            "output_shape": {"description": "A shape (null for an unknown size), a list of shapes (several "
                                            "outputs), or null when it cannot be computed",
                             "anyOf": [{"type": "null"}, _SHAPE, {"type": "array", "items": _SHAPE}]},
            "params": {"type": "integer", "minimum": 0},
            "trainable_params": {"type": "integer", "minimum": 0},
            "error": {"type": ["string", "null"]},
        },
    },
    "ValidationIssue": {
        "type": "object",
        "required": ["layer", "field", "message"],
        "properties": {"layer": {"type": ["string", "null"]}, "field": {"type": ["string", "null"]},
                       "message": {"type": "string"}},
    },
    "Suggestion": {
        "type": "object",
        "required": ["layer", "message", "fix"],
        "properties": {
            "layer": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "fix": {"type": "object", "required": ["action"], "description": (
                "insert: {class_name, config?, after, before} puts a new layer between two; replace: "
                "{layer, class_name}; remove: {layer}; set_inputs / set_outputs: {layers}"),
                "properties": {"action": {"enum": ["insert", "replace", "remove", "set_inputs", "set_outputs"]},
                               "class_name": {"type": "string"}, "config": {"type": "object"},
                               "after": {"type": "string"}, "before": {"type": "string"},
                               "layer": {"type": "string"},
                               "layers": {"type": "array", "items": {"type": "string"}}}},
        },
    },
    "ValidationReport": {
        "type": "object",
        "required": ["valid", "layers", "total_params", "trainable_params", "non_trainable_params", "summary",
                     "errors", "suggestions"],
        "properties": {
            "valid": {"type": "boolean"},
            "layers": {"type": "array", "items": {"$ref": "#/components/schemas/LayerReport"}},
            "total_params": {"type": "integer", "minimum": 0},
            "trainable_params": {"type": "integer", "minimum": 0},
            "non_trainable_params": {"type": "integer", "minimum": 0},
            "summary": {"type": ["string", "null"], "description": "Keras-like summary table (valid models)"},
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/ValidationIssue"}},
            "suggestions": {"type": "array", "items": {"$ref": "#/components/schemas/Suggestion"}},
        },
    },
    "ValidationFailure": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "string", "description": "The first error (names the layer and field)"},
                       "details": {"description": "The ValidationReport with valid: false (or, for a malformed "
                                                  "request, what was wrong)"}},
    },
}

_FAILURE = {"description": "The request or the model has errors",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ValidationFailure"}}}}

OPENAPI_PATHS = {
    "/api/models/validate": {"post": {
        "summary": "Validate a model document", "operationId": "validateModel", "tags": ["models"],
        "description": "Builds the model with the engine: per-layer output shapes and parameter counts, a "
                       "Keras-like summary, and suggestions. With errors (cycles, dangling inputs, duplicate "
                       "names, unknown classes, bad config values, shape mismatches, missing inputs/outputs, "
                       "more than 500 layers) it answers 400 with the report in `details`: layers upstream of "
                       "an error keep their shapes.",
        "parameters": [{"name": "report", "in": "query", "required": False,
                        "description": "`errors` (default): 400 when the model has errors; `always`: 200 with "
                                       "the report (`valid: false` and the errors) — the editor's live check",
                        "schema": {"type": "string", "enum": ["errors", "always"], "default": "errors"}}],
        "requestBody": json_request(_MODEL_REQUEST),
        "responses": {"200": json_response("The model is valid (or, with report=always, the report either way)",
                                           {"$ref": "#/components/schemas/ValidationReport"}),
                      "400": _FAILURE, "413": error_response("The request body is too large")}}},
    "/api/models/code": {"post": {
        "summary": "Keras code for a model document", "operationId": "modelCode", "tags": ["models"],
        "description": "The editor's code view: Keras 3 Python that rebuilds the architecture "
                       "(`build_model()`), without weights.",
        "requestBody": json_request(_MODEL_REQUEST),
        "responses": {"200": json_response("The code", {"type": "object", "required": ["code"],
                                                        "properties": {"code": {"type": "string"}}}),
                      "400": _FAILURE, "413": error_response("The request body is too large")}}},
}
