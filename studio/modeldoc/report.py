"""The pieces of a validation report: issues (errors), suggestions with a machine-usable fix."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: How much of a user value an error message quotes.
_QUOTE_CHARS = 60


def quote(value: Any) -> str:
    """A short ``repr`` of a user value for a message."""
    text = repr(value)
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 3] + "..."


def shape_text(shape: Any) -> str:
    """``(None, 28, 28, 1)`` (or a list of shapes)."""
    if shape and isinstance(shape[0], (list, tuple)):
        return "[" + ", ".join(shape_text(s) for s in shape) + "]"
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (",)" if len(shape) == 1 else ")")


@dataclass
class Issue:
    """One error: the layer (None for the model as a whole), the config field, the message."""

    layer: str | None
    field: str | None
    message: str

    def as_json(self) -> dict:
        """``{"layer", "field", "message"}``."""
        return {"layer": self.layer, "field": self.field, "message": self.message}


@dataclass
class Suggestion:
    """An obvious fix: ``fix`` is what the editor applies (``{"action": "insert", ...}``)."""

    layer: str | None
    message: str
    fix: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """``{"layer", "message", "fix"}``."""
        return {"layer": self.layer, "message": self.message, "fix": self.fix}


def empty_report(errors: list[Issue], suggestions: list[Suggestion] | None = None) -> dict:
    """The report of a document whose layers could not even be listed."""
    return {"valid": False, "layers": [], "total_params": 0, "trainable_params": 0, "non_trainable_params": 0,
            "summary": None, "errors": [e.as_json() for e in errors],
            "suggestions": [s.as_json() for s in suggestions or []]}
