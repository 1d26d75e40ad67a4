"""Dataset options (``num_samples``, ``noise``, ``seed``, ``shuffle``): checked against a dataset's schema.

A dataset's descriptor carries ``"options"``: ``{name: {"type": "integer" |
"number" | "boolean", "default", "minimum"?, "maximum"?, "description"?}}``.
:func:`validate` checks a JSON options object against it (as JSON Schema
would: an integer may be written ``5.0``), :func:`from_query` first turns
query-string text into those types. Both fill in defaults and raise
:class:`OptionError` naming the option.
"""
from __future__ import annotations

import math
import re
from typing import Any, Mapping

_INT = re.compile(r"^[+-]?\d{1,20}$")
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class OptionError(ValueError):
    """A dataset option is unknown or has a bad value; ``option`` names it."""

    def __init__(self, message: str, option: str | None = None) -> None:
        super().__init__(message)
        self.option = option


def _range_text(spec: dict) -> str:
    lo, hi = spec.get("minimum"), spec.get("maximum")
    if lo is not None and hi is not None:
        return f" from {lo} to {hi}"
    if lo is not None:
        return f" of at least {lo}"
    return ""


def _check_value(name: str, spec: dict, value: Any) -> Any:
    kind = spec["type"]
    if kind == "boolean":
        if not isinstance(value, bool):
            raise OptionError(f"option {name!r} must be true or false, got {value!r}", name)
        return value
    wanted = "an integer" if kind == "integer" else "a number"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise OptionError(f"option {name!r} must be {wanted}{_range_text(spec)}, got {value!r}", name)
    if isinstance(value, float) and not math.isfinite(value):
        raise OptionError(f"option {name!r} must be a finite number, got {value!r}", name)
    if kind == "integer":
        if isinstance(value, float):
            if not value.is_integer():
                raise OptionError(f"option {name!r} must be an integer{_range_text(spec)}, got {value!r}", name)
            value = int(value)
    else:
        value = float(value)
    lo, hi = spec.get("minimum"), spec.get("maximum")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise OptionError(f"option {name!r} must be {wanted}{_range_text(spec)}, got {value!r}", name)
    return value


def validate(schema: dict, options: Mapping[str, Any] | None, dataset_id: str) -> dict[str, Any]:
    """Every option of ``schema`` with its checked value (defaults for the ones not given)."""
    if options is None:
        options = {}
    if not isinstance(options, Mapping):
        raise OptionError(f"dataset options must be an object, got {type(options).__name__}")
    unknown = sorted(set(options) - set(schema))
    if unknown:
        allowed = ", ".join(schema) if schema else "none"
        raise OptionError(f"dataset {dataset_id!r} has no option {unknown[0]!r}; its options are: {allowed}",
                          unknown[0])
    return {name: _check_value(name, spec, options[name]) if name in options else spec["default"]
            for name, spec in schema.items()}


def _parse_text(name: str, spec: dict, text: str) -> Any:
    kind, raw = spec["type"], text.strip()
    if kind == "boolean":
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        raise OptionError(f"option {name!r} must be true or false, got {text!r}", name)
    if kind == "integer" and _INT.match(raw):
        return int(raw)
    try:
        return float(raw)  # "5.0" is an integer too (as in JSON Schema); range checks follow
    except ValueError:
        wanted = "an integer" if kind == "integer" else "a number"
        raise OptionError(f"option {name!r} must be {wanted}{_range_text(spec)}, got {text!r}", name) from None


def from_query(schema: dict, args: Mapping[str, str], dataset_id: str) -> dict[str, Any]:
    """Options given as query-string text, parsed by their schema type, then :func:`validate`-d."""
    parsed: dict[str, Any] = {}
    for name, text in args.items():
        spec = schema.get(name)
        parsed[name] = _parse_text(name, spec, text) if spec is not None else text
    return validate(schema, parsed, dataset_id)
