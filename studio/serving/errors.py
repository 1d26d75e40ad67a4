"""TF Serving's error model: a canonical code, its HTTP status, and the ``{"error": message}`` body.

The status mapping is TF Serving's ``http_server.cc ToHTTPStatusCode`` (formats.md §4.5), limited
to the client-error codes: the studio never answers a 5xx.
"""
from __future__ import annotations

#: canonical error code → HTTP status (formats.md §4.5)
HTTP_STATUS = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "ABORTED": 409,
    "RESOURCE_EXHAUSTED": 429,
}


class ServingError(Exception):
    """A request TF Serving would refuse: ``code`` is the canonical code, ``status`` its HTTP status."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = HTTP_STATUS.get(code, 400)

    def body(self) -> dict:
        """TF Serving's error body: only ``error``."""
        return {"error": self.message}


def invalid_argument(message: str) -> ServingError:
    """A 400 INVALID_ARGUMENT error."""
    return ServingError("INVALID_ARGUMENT", message)


def not_found(message: str) -> ServingError:
    """A 404 NOT_FOUND error."""
    return ServingError("NOT_FOUND", message)
