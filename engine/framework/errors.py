"""TensorFlow-style error classes (``tf.errors``)."""
from __future__ import annotations

from typing import Any


class OpError(Exception):
    """Base class of errors raised while running an op (as in TensorFlow)."""

    error_code = 2

    def __init__(self, node_def: Any = None, op: Any = None, message: str = "",
                 *args: Any) -> None:
        if op is None and not message and isinstance(node_def, str):
            # Allow the convenient one-argument form OpError("message").
            message, node_def = node_def, None
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message

    def __str__(self) -> str:
        return self.message


class CancelledError(OpError):
    error_code = 1


class UnknownError(OpError):
    error_code = 2


class InvalidArgumentError(OpError):
    error_code = 3


class DeadlineExceededError(OpError):
    error_code = 4


class NotFoundError(OpError):
    error_code = 5


class AlreadyExistsError(OpError):
    error_code = 6


class PermissionDeniedError(OpError):
    error_code = 7


class ResourceExhaustedError(OpError):
    error_code = 8


class FailedPreconditionError(OpError):
    error_code = 9


class AbortedError(OpError):
    error_code = 10


class OutOfRangeError(OpError):
    error_code = 11


class UnimplementedError(OpError):
    error_code = 12


class InternalError(OpError):
    error_code = 13


class UnavailableError(OpError):
    error_code = 14


class DataLossError(OpError):
    error_code = 15


class UnauthenticatedError(OpError):
    error_code = 16


class OperatorNotAllowedInGraphError(TypeError):
    """A Python operation (e.g. ``bool(tensor)``) that a traced function cannot capture."""


def invalid_argument(op_name: str, message: str) -> InvalidArgumentError:
    """Build an InvalidArgumentError formatted like TensorFlow's eager errors."""
    return InvalidArgumentError(None, op_name, f"{{{{function_node __wrapped__{op_name}}}}} {message} [Op:{op_name}]")
