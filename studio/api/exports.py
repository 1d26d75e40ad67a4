"""``/api/runs/{id}/export[/{format}]``: download a run's trained model as a zip of the engine's export.

The zip holds one folder ``<run name>-<format>/`` with the export of the run's
latest checkpoint and its ``parity.json`` (see :mod:`studio.serving.exports`).
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, current_app, jsonify, send_file

from ..context import services
from ..errors import ApiError, conflict, not_found
from ..openapi import error_response, json_response
from ..runs.trained import CheckpointUnreadable, NoCheckpoint, UnknownRun
from ..serving.exports import CONTENTS, EXPORT_FORMATS, ExportFailed, ExportZip, app_exports

log = logging.getLogger("tapestudio")

bp = Blueprint("exports", __name__, url_prefix="/api/runs")


@bp.get("/<run_id>/export")
def export_formats(run_id: str):
    """Which formats the run can be exported to now, and why not."""
    try:
        return jsonify(app_exports(current_app).availability(services().store, run_id))
    except LookupError:
        not_found("run", run_id)


@bp.get("/<run_id>/export/<fmt>")
def export_zip(run_id: str, fmt: str):
    """The zip of the run's latest checkpoint exported in ``fmt``."""
    store = services().store
    if store.get_run(run_id) is None:
        not_found("run", run_id)
    if fmt not in EXPORT_FORMATS:
        raise ApiError(404, f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}",
                       {"format": fmt, "formats": list(EXPORT_FORMATS)})
    for attempt in range(2):
        built = _build(store, run_id, fmt)
        try:  # opens the file now: a newer checkpoint's export may replace it at any time after
            response = send_file(built.path, mimetype="application/zip", as_attachment=True,
                                 download_name=built.download_name, max_age=0, etag=False)
            break
        except FileNotFoundError:
            if attempt:
                raise ApiError(409, "the run's checkpoint changed during the download; try again",
                               {"run": run_id, "format": fmt}) from None
    response.headers["X-Export-Epoch"] = str(built.epoch)
    response.headers["X-Export-Cached"] = "true" if built.cached else "false"
    return response


def _build(store: Any, run_id: str, fmt: str) -> ExportZip:
    """The export zip, or the API error for why there is none."""
    try:
        return app_exports(current_app).zip_for(store, run_id, fmt)
    except UnknownRun:
        not_found("run", run_id)
    except NoCheckpoint as exc:
        conflict(f"{exc}; nothing to export yet", {"run": run_id, "format": fmt})
    except CheckpointUnreadable as exc:
        conflict(str(exc), {"run": run_id, "format": fmt})
    except ExportFailed as exc:
        if exc.kind != "ExportError":
            log.error("export of run %s to %s failed: %s", run_id, fmt, exc.message)
        raise ApiError(422, exc.message, {"format": fmt, "layer": exc.layer, "kind": exc.kind}) from None


_RUN_ID = {"name": "run_id", "in": "path", "required": True, "description": "The run's id",
           "schema": {"type": "string"}}
_FORMAT = {"name": "format", "in": "path", "required": True, "description": "The export format",
           "schema": {"type": "string", "enum": list(EXPORT_FORMATS)}}

OPENAPI_SCHEMAS = {
    "ExportFormats": {
        "type": "object", "required": ["run", "epoch", "formats"],
        "properties": {
            "run": {"type": "string"},
            "epoch": {"type": ["integer", "null"], "description": "Epoch of the checkpoint an export would use"},
            "formats": {"type": "array", "items": {
                "type": "object", "required": ["format", "available", "contents", "verified_by"],
                "properties": {
                    "format": {"type": "string", "enum": list(EXPORT_FORMATS)},
                    "available": {"type": "boolean"},
                    "reason": {"type": "string", "description": "Why the format is not available"},
                    "contents": {"type": "string"},
                    "verified_by": {"type": ["string", "null"],
                                    "description": "The runtime that re-loads the export to check it, "
                                                   "or null when it is not installed"},
                }}},
        },
    },
}

OPENAPI_PATHS = {
    "/api/runs/{run_id}/export": {"get": {
        "summary": "Export formats available for a run", "operationId": "listRunExports",
        "tags": ["exports"], "parameters": [_RUN_ID],
        "responses": {
            "200": json_response("The formats, whether each can express the model, and what verifies it",
                                 {"$ref": "#/components/schemas/ExportFormats"}),
            "404": error_response("Unknown run"),
        }}},
    "/api/runs/{run_id}/export/{format}": {"get": {
        "summary": "Download the run's trained model as a zip",
        "description": "Exports the latest checkpoint with the engine and zips the folder "
                       "`<run name>-<format>/` with `parity.json` (sample inputs, the engine's outputs and, "
                       "when the runtime is installed, the runtime's outputs on the exported files). "
                       + " ".join(f"`{k}`: {v}." for k, v in CONTENTS.items())
                       + " A second download of the same checkpoint is served from a cache.",
        "operationId": "exportRun", "tags": ["exports"], "parameters": [_RUN_ID, _FORMAT],
        "responses": {
            "200": {"description": "The zip",
                    "headers": {"Content-Disposition": {"schema": {"type": "string"},
                                                        "description": "attachment; filename=<run name>-<format>.zip"},
                                "X-Export-Epoch": {"schema": {"type": "string"},
                                                   "description": "The exported checkpoint's epoch"}},
                    "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}},
            "404": error_response("Unknown run, or unknown format (the message lists the formats)"),
            "409": error_response("The run has no checkpoint yet"),
            "422": error_response("The format cannot express the model (the message names the layer)"),
        }}},
}


# -- one file of an export (added for the browser UI's "Try it") --------------------------------
# tf.loadLayersModel needs model.json and its weight shards over HTTP, side by side; the Export
# panel also reads parity.json. Served straight from the cached zip (no unzipped copy on disk).

_FILE_TYPES = {".json": "application/json", ".py": "text/x-python", ".txt": "text/plain"}


@bp.get("/<run_id>/export/<fmt>/files/<name>")
def export_file(run_id: str, fmt: str, name: str):
    """One top-level file of the run's export in ``fmt`` (e.g. tfjs ``model.json``, a shard, ``parity.json``)."""
    import zipfile  # noqa: PLC0415 - only this route reads zips
    from pathlib import PurePosixPath  # noqa: PLC0415

    from flask import Response  # noqa: PLC0415

    store = services().store
    if store.get_run(run_id) is None:
        not_found("run", run_id)
    if fmt not in EXPORT_FORMATS:
        raise ApiError(404, f"unknown export format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}",
                       {"format": fmt, "formats": list(EXPORT_FORMATS)})
    if not name or name in (".", "..") or "/" in name or "\\" in name:
        raise ApiError(404, f"no file {name!r} in the {fmt} export", {"format": fmt, "name": name})
    for attempt in range(2):
        built = _build(store, run_id, fmt)
        try:
            with zipfile.ZipFile(built.path) as zf:
                members = {PurePosixPath(m).name: m for m in zf.namelist()
                           if not m.endswith("/") and len(PurePosixPath(m).parts) == 2}
                if name not in members:
                    raise ApiError(404, f"no file {name!r} in the {fmt} export; it has: {', '.join(sorted(members))}",
                                   {"format": fmt, "name": name, "files": sorted(members)})
                data = zf.read(members[name])
            break
        except FileNotFoundError:  # a newer checkpoint's export replaced the zip: build again
            if attempt:
                raise ApiError(409, "the run's checkpoint changed while reading the export; try again",
                               {"run": run_id, "format": fmt}) from None
    mimetype = _FILE_TYPES.get(PurePosixPath(name).suffix, "application/octet-stream")
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-cache, max-age=0"
    response.headers["X-Export-Epoch"] = str(built.epoch)
    return response


OPENAPI_PATHS["/api/runs/{run_id}/export/{format}/files/{name}"] = {"get": {
    "summary": "One file of the run's export (e.g. the TF.js model.json and its shards, or parity.json)",
    "description": "The same export as the zip (built on first request, then cached), one top-level file at a "
                   "time, so that `tf.loadLayersModel(\".../export/tfjs/files/model.json\")` loads the trained "
                   "model over HTTP (its weight shards resolve next to it).",
    "operationId": "exportRunFile", "tags": ["exports"],
    "parameters": [_RUN_ID, _FORMAT, {"name": "name", "in": "path", "required": True,
                                      "description": "The file's name, e.g. model.json, group1-shard1of1.bin, "
                                                     "parity.json", "schema": {"type": "string"}}],
    "responses": {
        "200": {"description": "The file",
                "headers": {"X-Export-Epoch": {"schema": {"type": "string"},
                                               "description": "The exported checkpoint's epoch"}},
                "content": {"application/json": {"schema": {}},
                            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        "404": error_response("Unknown run, format or file (the message lists the files)"),
        "409": error_response("The run has no checkpoint yet"),
        "422": error_response("The format cannot express the model (the message names the layer)"),
    }}}
