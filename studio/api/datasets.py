"""``/api/datasets``: list, describe, preview, upload (CSV) and delete datasets.

- ``GET /api/datasets`` → every descriptor (built-ins, then uploads).
- ``GET /api/datasets/{id}`` → one descriptor; 404 unknown.
- ``GET /api/datasets/{id}/preview?<options>&limit=`` → something the UI can draw.
- ``POST /api/datasets`` → a CSV as ``multipart/form-data`` (field ``file``) or a
  ``text/csv`` body; options as form fields or query parameters; 201 with the
  descriptor and its ``report``; 400 naming what is wrong; 413 over
  ``max_upload_bytes``; 415 for other content types.
- ``DELETE /api/datasets/{id}`` → 204 for an upload; 409 for a built-in or one a live run uses.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request

from ..context import services
from ..datasets import (BuiltinDatasetError, CsvError, DatasetInUse, OptionError, UnknownDataset,
                        parse_options)
from ..datasets.csv_import import OPTION_SPECS
from ..datasets.options import from_query
from ..datasets.previews import LIMITS, limits_for
from ..errors import ApiError, bad_request, conflict, not_found
from ..openapi import error_response, json_response

bp = Blueprint("datasets", __name__, url_prefix="/api/datasets")

#: Content types accepted as a raw CSV body.
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "text/tab-separated-values", "application/octet-stream")
#: Room for multipart boundaries and form fields on top of the file's own size.
MULTIPART_SLACK = 64 * 1024
#: Query parameters that are not dataset options.
_RESERVED = ("limit", "token")
_INT = re.compile(r"^\s*\d{1,9}\s*$")


def _describe(dataset_id: str) -> dict:
    try:
        return services().datasets.describe(dataset_id)
    except UnknownDataset:
        not_found("dataset", dataset_id)


@bp.get("")
def list_datasets():
    """Every dataset's descriptor."""
    return jsonify(services().datasets.list())


@bp.get("/<dataset_id>")
def get_dataset(dataset_id: str):
    """One descriptor."""
    return jsonify(_describe(dataset_id))


@bp.get("/<dataset_id>/preview")
def preview_dataset(dataset_id: str):
    """Points, images, table rows or sequences of the dataset, generated with the given options."""
    descriptor = _describe(dataset_id)
    default, maximum = limits_for(descriptor.get("kind", "table"))
    text = request.args.get("limit")
    limit = default
    if text is not None:
        if not _INT.match(text) or int(text) < 1:
            bad_request(f"limit must be a positive integer, got {text!r}", {"option": "limit"})
        limit = min(int(text), maximum)  # at most the kind's maximum
    args = {k: v for k, v in request.args.items() if k not in _RESERVED}
    try:
        options = from_query(descriptor["options"], args, dataset_id)
        return jsonify(services().datasets.preview(dataset_id, options, limit))
    except OptionError as exc:
        bad_request(str(exc), {"option": exc.option})
    except UnknownDataset as exc:
        raise ApiError(404, str(exc), {"kind": "dataset", "id": dataset_id}) from None


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"the upload is too large: at most {limit:,} bytes ({limit / 2**20:.1f} MiB)",
                    {"max_upload_bytes": limit})


def _read_upload(limit: int) -> tuple[bytes, str | None, dict]:
    """``(file bytes, file name, form options)`` from a multipart or raw CSV request."""
    mimetype = request.mimetype
    if mimetype == "multipart/form-data":
        upload = request.files.get("file")
        form = {k: v for k, v in request.form.items() if k != "file"}
        if upload is None and "file" in request.form:  # a part without a filename arrives as a text field
            return request.form["file"].encode("utf-8"), None, form
        if upload is None:
            fields = sorted(set(request.files) | set(request.form))
            bad_request("a multipart upload needs the CSV file in a form field named 'file'"
                        + (f" (got fields: {', '.join(fields)})" if fields else " (the form is empty or malformed)"),
                        {"fields": fields})
        data = upload.stream.read(limit + 1)
        return data, upload.filename or None, form
    if mimetype in CSV_TYPES:
        return request.get_data(cache=False), None, {}
    raise ApiError(415, f"upload a CSV as multipart/form-data (field 'file') or as a text/csv body, "
                        f"not {mimetype or 'a body without Content-Type'}",
                   {"content_type": mimetype, "accepted": ["multipart/form-data", *CSV_TYPES]})


@bp.post("")
def upload_dataset():
    """Import a CSV file as a new dataset."""
    datasets = services().datasets
    limit = services().config.max_upload_bytes
    if request.content_length is not None and request.content_length > limit + MULTIPART_SLACK:
        raise _too_large(limit)
    data, filename, form = _read_upload(limit)
    if len(data) > limit:
        raise _too_large(limit)
    raw_options = {k: v for k, v in request.args.items() if k != "token"}
    raw_options.update(form)
    try:
        options = parse_options(raw_options)
        descriptor = datasets.add_upload(data, options, filename)
    except CsvError as exc:
        bad_request(exc.message, exc.details)
    response = jsonify(descriptor)
    response.status_code = 201
    response.headers["Location"] = f"/api/datasets/{descriptor['id']}"
    return response


@bp.delete("/<dataset_id>")
def delete_dataset(dataset_id: str):
    """Delete an uploaded dataset."""
    try:
        services().datasets.delete(dataset_id)
    except UnknownDataset:
        not_found("dataset", dataset_id)
    except (BuiltinDatasetError, DatasetInUse) as exc:
        conflict(str(exc), {"id": dataset_id})
    return Response(status=204)


# -- OpenAPI ----------------------------------------------------------------------------------

_OPTION_SPEC = {
    "type": "object",
    "required": ["type", "default"],
    "properties": {"type": {"enum": ["integer", "number", "boolean"]}, "default": {},
                   "minimum": {"type": "number"}, "maximum": {"type": "number"},
                   "description": {"type": "string"}},
}
_NULLABLE_STRINGS = {"type": ["array", "null"], "items": {"type": "string"}}

OPENAPI_SCHEMAS = {
    "Dataset": {
        "type": "object",
        "required": ["id", "name", "task", "kind", "input_shape", "num_classes", "class_names", "size", "source",
                     "options"],
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "task": {"enum": ["classification", "regression"]},
            "kind": {"enum": ["points", "image", "table", "text", "sequence"],
                     "description": "How to draw it (and what its preview holds)"},
            "input_shape": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "num_classes": {"type": ["integer", "null"]},
            "class_names": _NULLABLE_STRINGS,
            "size": {"type": "integer", "minimum": 0},
            "source": {"enum": ["builtin", "upload"]},
            "options": {"type": "object", "additionalProperties": _OPTION_SPEC,
                        "description": "The options load and preview take (name → spec)"},
            "description": {"type": ["string", "null"]},
            "license": {"type": ["string", "null"]},
            "feature_names": _NULLABLE_STRINGS,
            "generated": {"type": "boolean"},
            "provenance": {"type": ["string", "null"], "description": "Built-ins: where the data comes from"},
            "citation": {"type": ["string", "null"]},
            "vocabulary": {"type": "array", "items": {"type": "string"}, "description": "Text sets: id → word"},
            "features": {"type": "array", "items": {"type": "object"},
                         "description": "Uploads: each feature column, its type, categories and encoding"},
            "label": {"type": "object", "description": "Uploads: the label column"},
            "validation_split": {"type": "number", "description": "Uploads: the default validation split"},
            "report": {"$ref": "#/components/schemas/UploadReport"},
            "created_at": {"type": "number"},
        },
    },
    "UploadReport": {
        "type": "object",
        "required": ["rows", "columns", "header", "types", "missing", "dropped_rows", "dropped_columns"],
        "properties": {
            "rows": {"type": "integer"}, "rows_read": {"type": "integer"}, "columns": {"type": "integer"},
            "header": {"type": "boolean"}, "header_detection": {"type": "string"},
            "delimiter": {"type": "string"}, "delimiter_detection": {"type": "string"},
            "blank_rows_skipped": {"type": "integer"},
            "types": {"type": "object", "additionalProperties": {
                "enum": ["numeric", "categorical", "label", "dropped", "empty"]}},
            "label": {"type": "object"}, "features": {"type": "integer"},
            "missing": {"type": "array", "items": {"type": "object", "properties": {
                "column": {"type": "string"}, "count": {"type": "integer"},
                "lines": {"type": "array", "items": {"type": "integer"}}, "action": {"type": "string"}}}},
            "missing_policy": {"enum": ["impute", "drop", "reject"]},
            "dropped_rows": {"type": "object"}, "dropped_columns": {"type": "array"},
            "notes": {"type": "array", "items": {"type": "string"}},
        },
    },
    "DatasetPreview": {
        "type": "object",
        "required": ["id", "kind", "task", "total", "shown", "truncated", "options"],
        "properties": {
            "id": {"type": "string"}, "kind": {"type": "string"}, "task": {"type": "string"},
            "class_names": _NULLABLE_STRINGS, "total": {"type": "integer"}, "shown": {"type": "integer"},
            "truncated": {"type": "boolean"}, "options": {"type": "object"},
            "class_counts": {"type": "array", "items": {"type": "integer"}},
            "target_range": {"type": "array", "items": {"type": "number"}},
            "x": {"type": "array", "description": "points: [[x1, x2], ...]"},
            "y": {"type": "array", "description": "points: labels or targets"},
            "images": {"type": "array", "description": "image: [H][W] (or [H][W][C]) per image"},
            "labels": {"type": "array"},
            "columns": {"type": "array", "items": {"type": "string"}, "description": "table"},
            "rows": {"type": "array", "items": {"type": "array"}, "description": "table"},
            "sequences": {"type": "array", "items": {"type": "object"}, "description": "text / sequence"},
        },
    },
}

_ID_PARAM = {"name": "dataset_id", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "A built-in id (e.g. spiral, iris, digits, sentiment) or an upload's id"}
_DATASET_REF = {"$ref": "#/components/schemas/Dataset"}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


_PREVIEW_PARAMS = [
    _ID_PARAM,
    _query("num_samples", {"type": "integer", "minimum": 2, "maximum": 1_000_000},
           "Generated sets: how many examples (range per dataset: see its options)"),
    _query("noise", {"type": "number", "minimum": 0, "maximum": 0.5}, "Generated sets: the noise"),
    _query("seed", {"type": "integer", "minimum": 0, "maximum": 2**32 - 1}, "Random seed"),
    _query("shuffle", {"type": "boolean"}, "Shuffle the examples"),
    _query("limit", {"type": "integer", "minimum": 1},
           "How many examples to show; larger values are capped (default and cap by kind: "
           + ", ".join(f"{k} {d}/{m}" for k, (d, m) in LIMITS.items()) + ")"),
]


def _upload_option_schema(name: str) -> dict:
    spec = OPTION_SPECS[name]
    return {k: v for k, v in spec.items() if k in ("type", "enum", "maxLength", "minimum", "maximum", "default")}


_UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {"file": {"type": "string", "contentMediaType": "text/csv", "minLength": 1,
                            "description": "The CSV file (UTF-8)"},
                   **{name: _upload_option_schema(name) for name in OPTION_SPECS}},
    "additionalProperties": False,
}

OPENAPI_PATHS = {
    "/api/datasets": {
        "get": {
            "summary": "List every dataset (built-in and uploaded)", "operationId": "listDatasets",
            "tags": ["datasets"],
            "responses": {"200": json_response("Descriptors", {"type": "array", "items": _DATASET_REF})},
        },
        "post": {
            "summary": "Upload a CSV file as a dataset", "operationId": "uploadDataset", "tags": ["datasets"],
            "description": "The CSV as multipart/form-data (field `file`, options as more fields) or as a "
                           "text/csv body (options as query parameters). Header and delimiter are detected, "
                           "text columns one-hot encoded, missing values reported and imputed (or dropped/"
                           "rejected per `missing`).",
            "parameters": [_query(name, _upload_option_schema(name), OPTION_SPECS[name].get("description", name))
                           for name in OPTION_SPECS],
            "requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": _UPLOAD_FORM},
                "text/csv": {"schema": {"type": "string"}},
            }},
            "responses": {
                "201": json_response("The new dataset's descriptor, with the import report", _DATASET_REF),
                "400": error_response("The CSV or an option is not valid (the message names the column, line, "
                                      "value or option)"),
                "413": error_response("The upload is larger than the studio's max_upload_bytes"),
                "415": error_response("Neither multipart/form-data nor a CSV body"),
            },
        },
    },
    "/api/datasets/{dataset_id}": {
        "get": {
            "summary": "A dataset's descriptor", "operationId": "getDataset", "tags": ["datasets"],
            "parameters": [_ID_PARAM],
            "responses": {"200": json_response("The descriptor", _DATASET_REF),
                          "404": error_response("No dataset with this id")},
        },
        "delete": {
            "summary": "Delete an uploaded dataset", "operationId": "deleteDataset", "tags": ["datasets"],
            "parameters": [_ID_PARAM],
            "responses": {"204": {"description": "Deleted"},
                          "404": error_response("No dataset with this id"),
                          "409": error_response("A built-in dataset, or one a live run uses")},
        },
    },
    "/api/datasets/{dataset_id}/preview": {
        "get": {
            "summary": "Preview a dataset (points, images, table rows or sequences)",
            "operationId": "previewDataset", "tags": ["datasets"],
            "description": "Options apply only to the datasets that take them (see the descriptor's "
                           "`options`); any other is a 400 naming it.",
            "parameters": _PREVIEW_PARAMS,
            "responses": {"200": json_response("The preview", {"$ref": "#/components/schemas/DatasetPreview"}),
                          "400": error_response("A bad option or limit (the message names it)"),
                          "404": error_response("No dataset with this id")},
        },
    },
}
