"""``/api/layers``: the layer catalog (generated from the engine's registry, see :mod:`studio.catalog`).

- ``GET /api/layers`` → ``{"categories": [...], "layers": [{"class_name", "category", "description",
  "fields": [...], "min_inputs", "max_inputs", "weights", "input_ranks"}]}``.
- ``GET /api/layers/{class_name}`` → one entry; 404 for a class the catalog does not have.
"""
from __future__ import annotations

import difflib

from flask import Blueprint, jsonify

from ..catalog import FIELD_TYPES, get_catalog, layer_catalog
from ..errors import ApiError
from ..openapi import error_response, json_response

bp = Blueprint("layers", __name__, url_prefix="/api/layers")


@bp.get("")
def list_layers():
    """The whole catalog."""
    return jsonify(layer_catalog())


@bp.get("/<class_name>")
def get_layer(class_name: str):
    """One layer class's entry."""
    catalog = get_catalog()
    entry = catalog.entry(class_name)
    if entry is None:
        close = difflib.get_close_matches(class_name, list(catalog.by_name), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ApiError(404, f"no layer class {class_name!r} in the catalog{hint}",
                       {"kind": "layer", "id": class_name, "did_you_mean": close})
    return jsonify(entry)


_VALUE = {"description": "Any JSON value (the field's type says which)"}

OPENAPI_SCHEMAS = {
    "LayerField": {
        "type": "object",
        "required": ["name", "type", "default", "required", "nullable"],
        "properties": {
            "name": {"type": "string", "description": "The config key"},
            "type": {"enum": list(FIELD_TYPES), "description": (
                "int_list: an int or a list of ints (kernel_size, strides, target_shape); shape: a list of "
                "ints or nulls, batch axis first; activation / initializer / regularizer / constraint: a "
                "name from `choices` or a {class_name, config} object; json: anything else")},
            "default": _VALUE,
            "required": {"type": "boolean"},
            "nullable": {"type": "boolean"},
            "choices": {"type": "array", "description": "Allowed values (enum) or known names"},
            "min": {"type": "number"},
            "max": {"type": "number"},
            "description": {"type": "string"},
            "example": {"description": "A value the editor may prefill for a required field"},
        },
    },
    "LayerEntry": {
        "type": "object",
        "required": ["class_name", "category", "description", "fields", "min_inputs", "max_inputs", "weights"],
        "properties": {
            "class_name": {"type": "string"},
            "category": {"type": "string"},
            "description": {"type": "string"},
            "fields": {"type": "array", "items": {"$ref": "#/components/schemas/LayerField"}},
            "min_inputs": {"type": "integer", "minimum": 0},
            "max_inputs": {"type": ["integer", "null"], "description": "null: any number"},
            "weights": {"type": "array", "items": {"type": "string"},
                        "description": "Weight names of a default instance (kernel, bias, ...)"},
            "input_ranks": {"type": "array", "items": {"type": "integer"},
                            "description": "Input ranks (batch axis included) a default instance accepts"},
        },
    },
    "LayerCatalog": {
        "type": "object",
        "required": ["categories", "layers"],
        "properties": {
            "categories": {"type": "array", "items": {"type": "string"}, "description": "Palette order"},
            "layers": {"type": "array", "items": {"$ref": "#/components/schemas/LayerEntry"}},
        },
    },
}

OPENAPI_PATHS = {
    "/api/layers": {"get": {
        "summary": "The layer catalog", "operationId": "listLayers", "tags": ["layers"],
        "description": "Every layer the editor can place, with its config fields (types, defaults, "
                       "choices, bounds), input count and weight names; generated from the engine's registry.",
        "responses": {"200": json_response("The catalog", {"$ref": "#/components/schemas/LayerCatalog"})}}},
    "/api/layers/{class_name}": {"get": {
        "summary": "One layer class", "operationId": "getLayer", "tags": ["layers"],
        "parameters": [{"name": "class_name", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": json_response("The layer's entry", {"$ref": "#/components/schemas/LayerEntry"}),
                      "404": error_response("No such layer class")}}},
}
