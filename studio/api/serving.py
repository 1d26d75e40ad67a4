"""TensorFlow Serving's REST API for trained runs: ``/v1/models/{run id}...`` (formats.md §4).

A run is a model named by its id; its checkpoints are the model's versions
(version N = the checkpoint written at the end of epoch N) and the latest one
is served by default — a run still training answers with its newest complete
checkpoint, a run with none yet is "not found", as a TF Serving model that is
not loaded. URLs are matched with TF Serving's own patterns (case-insensitive;
anything else under ``/v1/`` is a "Malformed request"), bodies are parsed and
answered as ``util/json_tensor.cc`` does, errors are ``{"error": message}``
with TF Serving's status codes. The signature is the one the run's
``tf_saved_model`` export carries, so the same client works against both.
"""
from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, request

from ..context import services
from ..openapi import json_request, json_response
from ..runs.engine_lock import ENGINE_LOCK
from ..runs.trained import CheckpointUnreadable, NoCheckpoint, TrainedModel, UnknownRun, app_cache, run_checkpoints
from ..serving.errors import ServingError, invalid_argument, not_found
from ..serving.request import check_signature_name, json_text, parse_body, parse_predict, signature_name
from ..serving.response import dumps, predict_json, run_model
from ..serving.signature import PREDICT_METHOD, SIGNATURE_NAME, metadata_json, signature_of, status_json

bp = Blueprint("serving", __name__)

# TF Serving's URL patterns (http_rest_api_util.cc), matched against the whole decoded path.
PREDICT_RE = re.compile(r"/v1/models/([^/:]+)(?:/versions/(\d+)|/labels/([^/:]+))?:(classify|regress|predict)",
                        re.IGNORECASE)
STATUS_RE = re.compile(r"/v1/models(?:/([^/:]+))?(?:/versions/(\d+)|/labels/([^/:]+))?(?:/(metadata))?",
                       re.IGNORECASE)
INT64_MAX = 2 ** 63 - 1
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.errorhandler(ServingError)
def _serving_error(exc: ServingError) -> Response:
    return _json(exc.body(), exc.status)


def _json(body: dict, status: int = 200) -> Response:
    return Response(dumps(body), status=status, mimetype="application/json")


@bp.route("/v1", defaults={"rest": ""}, methods=METHODS)
@bp.route("/v1/<path:rest>", methods=METHODS)
def dispatch(rest: str) -> Response:
    """Route a TF Serving REST request by TF Serving's patterns."""
    path, method = request.path, request.method
    if method == "POST":
        m = PREDICT_RE.fullmatch(path)
        if m:
            name, version, label, verb = m.groups()
            version_n = _version(version)
            verb = verb.lower()
            if verb == "predict":
                return _predict(name, version_n, label)
            return _classify_regress(name, version_n, label, verb)
    elif method == "GET":
        m = STATUS_RE.fullmatch(path)
        if m:
            name, version, label, metadata = m.groups()
            if not name:
                raise invalid_argument("Missing model name in request.")
            version_n = _version(version)
            if metadata:
                return _metadata(name, version_n, label)
            return _status(name, version_n, label)
    raise invalid_argument(f"Malformed request: {method} {path}")


def _version(text: str | None) -> int | None:
    if text is None:
        return None
    value = int(text)
    if value > INT64_MAX:
        raise invalid_argument(f"Failed to convert version: {text} to numeric.")
    return value


def _servable(name: str, version: int | None, label: str | None) -> TrainedModel:
    """The run's model at ``version`` (latest when None), or TF Serving's not-found error."""
    if label is not None:
        raise invalid_argument(f"Unrecognized servable version label: {label}")
    wanted = f"Latest({name})" if version is None else f"Specific({name}, {version})"
    try:
        return app_cache(current_app).get(services().store, name, epoch=version)
    except (UnknownRun, NoCheckpoint):
        raise not_found(f"Servable not found for request: {wanted}") from None
    except CheckpointUnreadable as exc:
        raise not_found(f"Servable not found for request: {wanted} ({exc})") from None


def _predict(name: str, version: int | None, label: str | None) -> Response:
    doc = parse_body(request.get_data(cache=False))
    sig_name = signature_name(doc)
    servable = _servable(name, version, label)
    check_signature_name(sig_name)
    signature = signature_of(servable.model)
    parsed = parse_predict(doc, signature)
    with ENGINE_LOCK:  # engine state is process-wide: never run ops beside a training run's batch
        outputs = run_model(servable.model, signature, parsed)
    return _json(predict_json(outputs, parsed.format))


def _classify_regress(name: str, version: int | None, label: str | None, verb: str) -> Response:
    """The checks TF Serving makes before it finds that the signature is a predict signature."""
    doc = parse_body(request.get_data(cache=False))
    sig_name = signature_name(doc)
    examples = doc.get("examples")
    if "examples" not in doc:
        raise invalid_argument(f"JSON Value: {json_text(doc)} When method is {verb}, key 'examples' is "
                               "expected and was not found")
    if not isinstance(examples, list):
        raise invalid_argument(f"JSON Value: {json_text(doc)} Expecting 'examples' value to be an list/array")
    if not examples:
        raise invalid_argument(f"JSON Value: {json_text(doc)} 'examples' value is an empty array")
    _servable(name, version, label)
    check_signature_name(sig_name)
    kind = "classification" if verb == "classify" else "regression"
    raise invalid_argument(f"Expected {kind} signature method_name to be tensorflow/serving/{verb}. "
                           f"Was: {PREDICT_METHOD}")


def _status(name: str, version: int | None, label: str | None) -> Response:
    if label is not None:
        raise invalid_argument(f"Unrecognized servable version label: {label}")
    versions = sorted(run_checkpoints(services().store, name))
    if not versions:
        raise not_found(f"Could not find any versions of model {name}")
    if version is not None:
        if version not in versions:
            raise not_found(f"Could not find version {version} of model {name}")
        versions = [version]
    return _json(status_json(versions))


def _metadata(name: str, version: int | None, label: str | None) -> Response:
    servable = _servable(name, version, label)
    return _json(metadata_json(name, servable.epoch, signature_of(servable.model)))


# -- OpenAPI ---------------------------------------------------------------------------------
_ERR = {"description": "TF Serving's error body",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ServingError"}}}}
_MODEL = {"name": "model", "in": "path", "required": True,
          "description": "The run's id (the model name)", "schema": {"type": "string"}}
_VERSION = {"name": "version", "in": "path", "required": True,
            "description": "A checkpoint's epoch (GET /v1/models/{model} lists them)",
            "schema": {"type": "integer", "minimum": 0}}


def _err(description: str) -> dict:
    return {**_ERR, "description": description}


def _predict_op(versioned: bool) -> dict:
    return {"post": {
        "summary": "Predict with the run's " + ("checkpoint of epoch {version}" if versioned else "latest checkpoint"),
        "description": "TensorFlow Serving's predict API: `instances` (row format: one entry per example; "
                       "for a multi-input model an object keyed by input name) or `inputs` (columnar format: "
                       "a batched tensor, or an object of them keyed by input name). Answers `predictions` "
                       "(row) or `outputs` (columnar); with several outputs, objects keyed by output name.",
        "operationId": "servingPredictVersion" if versioned else "servingPredict", "tags": ["serving"],
        "parameters": [_MODEL, _VERSION] if versioned else [_MODEL],
        "requestBody": json_request({"$ref": "#/components/schemas/PredictRequest"}),
        "responses": {
            "200": json_response("The model's outputs", {"$ref": "#/components/schemas/PredictResponse"}),
            "400": _err("Malformed JSON, a missing or extra key, a value of the wrong type or shape "
                        "(INVALID_ARGUMENT), or an unknown signature_name"),
            "404": _err("Unknown run, or a run with no checkpoint (version) to serve yet"),
            "413": _err("The request body is too large"),
        }}}


def _unsupported_op(verb: str, versioned: bool) -> dict:
    kind = "classification" if verb == "classify" else "regression"
    return {"post": {
        "summary": f"TF Serving's {verb} API (the run's signature is a predict signature: always an error)",
        "description": f"Checks the request as TF Serving does, then answers 400 because `serving_default` "
                       f"is not a {kind} signature. Use `:predict`.",
        "operationId": f"serving{verb.capitalize()}" + ("Version" if versioned else ""), "tags": ["serving"],
        "parameters": [_MODEL, _VERSION] if versioned else [_MODEL],
        "requestBody": json_request({"type": "object", "properties": {
            "signature_name": {"type": "string"}, "context": {"type": "object"},
            "examples": {"type": "array", "items": {"type": "object"}}}}),
        "responses": {"400": _err("Malformed request, or the signature is not a " + kind + " signature"),
                      "404": _err("Unknown run or version"),
                      "413": _err("The request body is too large")}}}


def _status_op(versioned: bool) -> dict:
    return {"get": {
        "summary": "Model status: the run's servable versions (one per checkpoint)",
        "operationId": "servingStatusVersion" if versioned else "servingStatus", "tags": ["serving"],
        "parameters": [_MODEL, _VERSION] if versioned else [_MODEL],
        "responses": {"200": json_response("The versions, all AVAILABLE, newest first",
                                           {"$ref": "#/components/schemas/ModelStatus"}),
                      "400": _err("Malformed request"),
                      "404": _err("Unknown run, no checkpoint yet, or no such version")}}}


def _metadata_op(versioned: bool) -> dict:
    return {"get": {
        "summary": "Model metadata: the serving_default signature (inputs and outputs with dtype and shape)",
        "operationId": "servingMetadataVersion" if versioned else "servingMetadata", "tags": ["serving"],
        "parameters": [_MODEL, _VERSION] if versioned else [_MODEL],
        "responses": {"200": json_response("The signature def metadata",
                                           {"$ref": "#/components/schemas/ModelMetadata"}),
                      "400": _err("Malformed request"),
                      "404": _err("Unknown run, no checkpoint yet, or no such version")}}}


_TENSOR_INFO = {"type": "object", "required": ["dtype", "tensor_shape", "name"], "properties": {
    "dtype": {"type": "string"}, "name": {"type": "string"},
    "tensor_shape": {"type": "object", "required": ["dim", "unknown_rank"], "properties": {
        "dim": {"type": "array", "items": {"type": "object", "required": ["size", "name"], "properties": {
            "size": {"type": "string"}, "name": {"type": "string"}}}},
        "unknown_rank": {"type": "boolean"}}}}}

OPENAPI_SCHEMAS = {
    "ServingError": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
    "PredictRequest": {
        "type": "object",
        "description": "Exactly one of `instances` and `inputs`; other keys are ignored, as TF Serving does.",
        "properties": {
            "signature_name": {"type": "string", "description": f"Only `{SIGNATURE_NAME}` exists",
                               "default": SIGNATURE_NAME},
            "instances": {"type": "array", "minItems": 1, "description": "Row format"},
            "inputs": {"description": "Columnar format: a tensor (nested lists) or an object of named tensors"},
        },
        "oneOf": [{"required": ["instances"], "not": {"required": ["inputs"]}},
                  {"required": ["inputs"], "not": {"required": ["instances"]}}],
    },
    "PredictResponse": {"type": "object", "properties": {
        "predictions": {"type": "array", "description": "Row format answer"},
        "outputs": {"description": "Columnar format answer"}}},
    "ModelStatus": {"type": "object", "required": ["model_version_status"], "properties": {
        "model_version_status": {"type": "array", "items": {
            "type": "object", "required": ["version", "state", "status"], "properties": {
                "version": {"type": "string"}, "state": {"type": "string", "enum": ["AVAILABLE"]},
                "status": {"type": "object", "properties": {"error_code": {"type": "string"},
                                                            "error_message": {"type": "string"}}}}}}}},
    "ModelMetadata": {"type": "object", "required": ["model_spec", "metadata"], "properties": {
        "model_spec": {"type": "object", "properties": {"name": {"type": "string"},
                                                        "signature_name": {"type": "string"},
                                                        "version": {"type": "string"}}},
        "metadata": {"type": "object", "properties": {"signature_def": {"type": "object", "properties": {
            "signature_def": {"type": "object", "additionalProperties": {
                "type": "object", "properties": {
                    "inputs": {"type": "object", "additionalProperties": _TENSOR_INFO},
                    "outputs": {"type": "object", "additionalProperties": _TENSOR_INFO},
                    "method_name": {"type": "string"}, "defaults": {"type": "object"}}}}}}}}}},
}

OPENAPI_PATHS = {
    "/v1/models/{model}:predict": _predict_op(False),
    "/v1/models/{model}/versions/{version}:predict": _predict_op(True),
    "/v1/models/{model}:classify": _unsupported_op("classify", False),
    "/v1/models/{model}:regress": _unsupported_op("regress", False),
    "/v1/models/{model}": _status_op(False),
    "/v1/models/{model}/versions/{version}": _status_op(True),
    "/v1/models/{model}/metadata": _metadata_op(False),
    "/v1/models/{model}/versions/{version}/metadata": _metadata_op(True),
}
