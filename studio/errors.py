"""JSON errors for every failure: ``{"error": message, "details": ...}`` with a 4xx status.

Endpoints raise :class:`ApiError` (or one of its helpers); the handlers
registered by :func:`register_error_handlers` turn it, and every werkzeug
HTTP error (404, 405, 413, ...), into JSON. Anything else is a bug: it is
logged with its traceback server-side and answered with a JSON 500 that
carries no trace.
"""
from __future__ import annotations

import logging
from typing import Any, NoReturn

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("tapestudio")


class ApiError(Exception):
    """An error the client caused (or may fix): answered as JSON with ``status``."""

    def __init__(self, status: int, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details

    def body(self) -> dict:
        """The JSON body sent to the client."""
        out: dict[str, Any] = {"error": self.message}
        if self.details is not None:
            out["details"] = self.details
        return out


def bad_request(message: str, details: Any = None) -> NoReturn:
    """Raise a 400 with ``message``."""
    raise ApiError(400, message, details)


def not_found(kind: str, ident: Any) -> NoReturn:
    """Raise a 404 for an unknown id: ``"no run with id 'x'"``."""
    raise ApiError(404, f"no {kind} with id {str(ident)!r}", {"kind": kind, "id": str(ident)})


def conflict(message: str, details: Any = None) -> NoReturn:
    """Raise a 409: the request is valid but not in the resource's current state."""
    raise ApiError(409, message, details)


def json_body(required: bool = True) -> dict:
    """The request's JSON object, whatever its Content-Type; 400 if it is not a JSON object."""
    data = request.get_json(force=True, silent=True)
    if data is None:
        raw = request.get_data(cache=True)
        if not raw and not required:
            return {}
        bad_request("the request body must be a JSON object" if not raw else "the request body is not valid JSON")
    if not isinstance(data, dict):
        bad_request(f"the request body must be a JSON object, not {type(data).__name__}")
    return data


def register_error_handlers(app: Flask) -> None:
    """Answer every error as JSON; never a stack trace."""

    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        return jsonify(exc.body()), exc.status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        message = exc.description or exc.name
        if exc.code == 404:
            message = f"no such endpoint: {request.method} {request.path}"
        elif exc.code == 405:
            message = f"method {request.method} is not allowed on {request.path}"
        elif exc.code == 413:
            message = "the request body is too large"
        body = {"error": message, "details": {"status": exc.code, "name": exc.name}}
        response = jsonify(body)
        response.status_code = exc.code or 400
        if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):  # a bug: keep the trace in the log, not in the answer
        log.exception("unhandled error on %s %s", request.method, request.path)
        return jsonify({"error": "internal error", "details": {"type": type(exc).__name__}}), 500
