"""``/api/runs``: create, list, inspect, steer (pause/resume/step/stop, learning rate), continue, fork, delete.

Every handler is a thin call into the app's :class:`~studio.runs.manager.RunManager`;
errors are its :class:`~studio.errors.ApiError` (400 bad input, 404 unknown id,
409 a control that does not fit the run's state).
"""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..context import services
from ..errors import bad_request, json_body
from ..openapi import error_response, json_request, json_response
from ..runs.runconfig import CONFIG_SCHEMA, MAX_LEARNING_RATE

bp = Blueprint("runs", __name__, url_prefix="/api/runs")

#: Largest page of ``GET /api/runs/{id}/events``.
MAX_EVENTS_PAGE = 10_000


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        bad_request(f"{name} must be an integer, got {raw!r}", {"field": name})
    if not low <= value <= high:
        bad_request(f"{name} must be between {low} and {high}, got {value}", {"field": name})
    return value


@bp.post("")
def create_run():
    """Validate and queue a run; it starts when a worker is free."""
    return jsonify(services().runs.create(json_body())), 201


@bp.get("")
def list_runs():
    """Every run (``?project_id=`` for one project's), newest first."""
    project_id = request.args.get("project_id") or None
    return jsonify(services().runs.list(project_id))


@bp.get("/<run_id>")
def get_run(run_id: str):
    """One run with its history, config, model and checkpoints."""
    return jsonify(services().runs.get(run_id))


@bp.patch("/<run_id>")
def update_run(run_id: str):
    """Change the learning rate of a live run (from its next batch) and/or the run's name."""
    return jsonify(services().runs.update(run_id, json_body()))


@bp.delete("/<run_id>")
def delete_run(run_id: str):
    """Delete a finished run with its events and checkpoints."""
    return jsonify(services().runs.delete(run_id))


@bp.post("/<run_id>/pause")
def pause_run(run_id: str):
    """Pause before the next batch."""
    return jsonify(services().runs.pause(run_id))


@bp.post("/<run_id>/resume")
def resume_run(run_id: str):
    """Resume a paused run."""
    return jsonify(services().runs.resume(run_id))


@bp.post("/<run_id>/step")
def step_run(run_id: str):
    """Train exactly ``steps`` (default 1) more batches of a paused run."""
    body = json_body(required=False)
    extra = sorted(set(body) - {"steps"})
    if extra:
        bad_request(f"{extra[0]}: unknown field; allowed: steps", {"field": extra[0]})
    return jsonify(services().runs.step(run_id, body.get("steps", 1)))


@bp.post("/<run_id>/stop")
def stop_run(run_id: str):
    """Stop after the current batch (the run is checkpointed and can continue)."""
    return jsonify(services().runs.stop(run_id))


@bp.post("/<run_id>/continue")
def continue_run(run_id: str):
    """Queue a stopped or interrupted run again from its latest checkpoint (same id)."""
    return jsonify(services().runs.continue_run(run_id, json_body(required=False)))


@bp.post("/<run_id>/fork")
def fork_run(run_id: str):
    """A new run from one of this run's checkpoints, optionally with a changed config."""
    return jsonify(services().runs.fork(run_id, json_body(required=False))), 201


@bp.get("/<run_id>/events")
def run_events(run_id: str):
    """The run's stored events after ``since`` (the same messages the socket sends)."""
    since = _int_arg("since", 0, 0, 2**62)
    limit = _int_arg("limit", MAX_EVENTS_PAGE, 1, MAX_EVENTS_PAGE)
    return jsonify(services().runs.events(run_id, since, limit))


# -- OpenAPI ------------------------------------------------------------------------------------
_RUN_REF = {"$ref": "#/components/schemas/Run"}
_ID_PARAM = {"name": "run_id", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "The run's id."}
_NOT_FOUND = error_response("No run with this id")
_BAD = error_response("Bad input: the message names the field or layer")
_CONFLICT = error_response("The run's state does not allow this (e.g. resume a completed run)")
_DATASET = {"oneOf": [
    {"type": "string", "minLength": 1, "description": "A dataset id (GET /api/datasets)."},
    {"type": "object", "required": ["id"], "additionalProperties": False,
     "properties": {"id": {"type": "string", "minLength": 1},
                    "options": {"type": "object", "description": "Generator options (num_samples, noise, ...)."}}},
]}
_NAME = {"type": "string", "minLength": 1, "maxLength": 200}


def _op(summary: str, op_id: str, ok: dict, *errors: tuple[str, dict], body: dict | None = None,
        params: list | None = None) -> dict:
    out: dict = {"summary": summary, "operationId": op_id, "tags": ["runs"],
                 "responses": {**ok, **dict(errors)}}
    if params:
        out["parameters"] = params
    if body is not None:
        out["requestBody"] = body
    return out


def _control(action: str, summary: str, body: dict | None = None) -> dict:
    return {"post": _op(summary, f"{action}Run", {"200": json_response("The run after the change", _RUN_REF)},
                        ("400", _BAD), ("404", _NOT_FOUND), ("409", _CONFLICT), body=body, params=[_ID_PARAM])}


OPENAPI_SCHEMAS = {
    "RunConfig": CONFIG_SCHEMA,
    "RunCreate": {
        "type": "object", "required": ["model", "dataset"], "additionalProperties": False,
        "properties": {
            "model": {"type": "object", "description": "The Keras-2 / TF.js model topology "
                                                       "({\"class_name\", \"config\"}, or a model.json)."},
            "dataset": _DATASET,
            "config": {"$ref": "#/components/schemas/RunConfig"},
            "project_id": {"type": ["string", "null"]},
            "name": _NAME,
        },
    },
    "Run": {
        "type": "object",
        "required": ["id", "name", "status", "epoch", "step", "history", "config", "dataset", "created_at"],
        "properties": {
            "id": {"type": "string"}, "name": {"type": "string"},
            "project_id": {"type": ["string", "null"]}, "parent_id": {"type": ["string", "null"]},
            "status": {"enum": ["queued", "running", "paused", "completed", "stopped", "failed", "interrupted"]},
            "reason": {"type": ["string", "null"]},
            "epoch": {"type": "integer", "description": "Finished epochs."},
            "step": {"type": "integer", "description": "Batches trained."},
            "epochs": {"type": ["integer", "null"]},
            "learning_rate": {"type": ["number", "null"]},
            "history": {"type": "object", "additionalProperties": {"type": "array",
                                                                   "items": {"type": ["number", "null"]}}},
            "config": {"$ref": "#/components/schemas/RunConfig"},
            "dataset": {"type": "object"},
            "summary": {"type": "object"},
            "live": {"type": "boolean"}, "paused": {"type": "boolean"},
            "queue_position": {"type": ["integer", "null"]},
            "model": {"type": "object"},
            "checkpoints": {"type": "array", "items": {"type": "integer"}},
            "created_at": {"type": "number"}, "started_at": {"type": ["number", "null"]},
            "finished_at": {"type": ["number", "null"]},
        },
    },
}

OPENAPI_PATHS = {
    "/api/runs": {
        "post": _op("Create and queue a training run", "createRun",
                    {"201": json_response("The new run (queued)", _RUN_REF)}, ("400", _BAD),
                    body=json_request({"$ref": "#/components/schemas/RunCreate"})),
        "get": _op("List runs, newest first", "listRuns",
                   {"200": json_response("The runs (without model documents)", {"type": "array", "items": _RUN_REF})},
                   params=[{"name": "project_id", "in": "query", "required": False, "schema": {"type": "string"}}]),
    },
    "/api/runs/{run_id}": {
        "get": _op("One run", "getRun", {"200": json_response("The run", _RUN_REF)}, ("404", _NOT_FOUND),
                   params=[_ID_PARAM]),
        "patch": _op("Change a live run's learning rate (from its next batch) and/or its name", "updateRun",
                     {"200": json_response("The run", _RUN_REF)}, ("400", _BAD), ("404", _NOT_FOUND),
                     ("409", _CONFLICT), params=[_ID_PARAM],
                     body=json_request({"type": "object", "additionalProperties": False, "minProperties": 1,
                                        "properties": {"learning_rate": {"type": "number", "exclusiveMinimum": 0,
                                                                         "maximum": MAX_LEARNING_RATE},
                                                       "name": _NAME}})),
        "delete": _op("Delete a finished run", "deleteRun",
                      {"200": json_response("Deleted", {"type": "object", "required": ["id", "deleted"],
                                                        "properties": {"id": {"type": "string"},
                                                                       "deleted": {"const": True}}})},
                      ("404", _NOT_FOUND), ("409", _CONFLICT), params=[_ID_PARAM]),
    },
    "/api/runs/{run_id}/pause": _control("pause", "Pause before the next batch"),
    "/api/runs/{run_id}/resume": _control("resume", "Resume a paused run"),
    "/api/runs/{run_id}/stop": _control("stop", "Stop after the current batch (checkpointed)"),
    "/api/runs/{run_id}/step": _control(
        "step", "Train exactly `steps` more batches of a paused run, then pause again",
        json_request({"type": "object", "additionalProperties": False,
                      "properties": {"steps": {"type": "integer", "minimum": 1, "maximum": 100_000,
                                               "default": 1}}}, required=False)),
    "/api/runs/{run_id}/continue": _control(
        "continue", "Continue a stopped or interrupted run from its latest checkpoint (same id)",
        json_request({"type": "object", "additionalProperties": False,
                      "properties": {"epochs": {"type": "integer", "minimum": 1, "maximum": 100_000,
                                                "description": "A new total (to extend a completed run)."}}},
                     required=False)),
    "/api/runs/{run_id}/fork": {"post": _op(
        "A new run from a checkpoint of this one", "forkRun",
        {"201": json_response("The new run (queued, parent_id set)", _RUN_REF)},
        ("400", _BAD), ("404", _NOT_FOUND), ("409", _CONFLICT), params=[_ID_PARAM],
        body=json_request({"type": "object", "additionalProperties": False,
                           "properties": {"epoch": {"type": "integer", "minimum": 0,
                                                    "description": "Checkpoint epoch (default: latest)."},
                                          "config": {"$ref": "#/components/schemas/RunConfig"},
                                          "name": _NAME}}, required=False))},
    "/api/runs/{run_id}/events": {"get": _op(
        "The run's stored events after `since`", "runEvents",
        {"200": json_response("Events in seq order", {
            "type": "object", "required": ["run", "events", "last_seq"],
            "properties": {"run": {"type": "string"}, "since": {"type": "integer"},
                           "last_seq": {"type": "integer"},
                           "events": {"type": "array", "items": {
                               "type": "object", "required": ["event", "message"],
                               "properties": {"event": {"type": "string"}, "message": {"type": "object"}}}}}})},
        ("400", _BAD), ("404", _NOT_FOUND),
        params=[_ID_PARAM,
                {"name": "since", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": MAX_EVENTS_PAGE}}])},
}
