"""Check a layer's config values against the catalog's field descriptions (before the engine sees them).

The engine raises for bad values too, but not always naming the field (or
only deep in ``build``); these checks give "Layer 'dense_1' (Dense): 'units'
must be an integer >= 1; got -3" up front. Object-valued fields
(activations, initializers, regularizers, constraints) are checked by the
engine's own ``get`` so that whatever the engine accepts passes.
"""
from __future__ import annotations

import math
from typing import Any, Callable

from engine import keras

from .report import Issue, quote

_GETTERS: dict[str, Callable[[Any], Any]] = {
    "activation": keras.activations.get,
    "initializer": keras.initializers.get,
    "regularizer": keras.regularizers.get,
    "constraint": keras.constraints.get,
}


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


def _bounds(spec: dict) -> str:
    lo, hi = spec.get("min"), spec.get("max")
    if lo is not None and hi is not None:
        return f" between {lo} and {hi}"
    if lo is not None:
        return f" >= {lo}"
    if hi is not None:
        return f" <= {hi}"
    return ""


def _in_bounds(v: float, spec: dict) -> bool:
    lo, hi = spec.get("min"), spec.get("max")
    return (lo is None or v >= lo) and (hi is None or v <= hi)


def _int_leaves(value: Any, depth: int = 0) -> list | None:
    """The ints of an int / list of ints / list of pairs; None if anything else is in there."""
    if _is_int(value):
        return [value]
    if isinstance(value, (list, tuple)) and depth < 2:
        out: list = []
        for v in value:
            leaves = _int_leaves(v, depth + 1)
            if leaves is None:
                return None
            out.extend(leaves)
        return out
    return None


def check_value(spec: dict, value: Any) -> str | None:
    """Why ``value`` is not valid for the field ``spec`` (a catalog field), or None."""
    kind = spec["type"]
    if value is None:
        return None if spec.get("nullable") and not spec.get("required") else "is required (not null)"
    if kind == "int":
        if not _is_int(value) or not _in_bounds(value, spec):
            return f"must be an integer{_bounds(spec)}"
    elif kind == "float":
        if not _is_number(value) or not _in_bounds(value, spec):
            return f"must be a number{_bounds(spec)}"
    elif kind == "bool":
        if not isinstance(value, bool):
            return "must be true or false"
    elif kind == "string":
        if not isinstance(value, str):
            return "must be a string"
    elif kind == "enum":
        if value not in spec.get("choices", []):
            return "must be one of " + ", ".join(repr(c) for c in spec.get("choices", []))
    elif kind == "int_list":
        leaves = _int_leaves(value)
        if leaves is None or not all(_in_bounds(v, spec) for v in leaves):
            return f"must be an integer or a list of integers{_bounds(spec)}"
        if spec["name"] == "target_shape" and (0 in leaves or leaves.count(-1) > 1):
            return "must be a list of positive integers, with at most one -1"
    elif kind == "shape":
        if not isinstance(value, (list, tuple)) or not value or not all(
                d is None or (_is_int(d) and d >= 1) for d in value):
            return "must be a list of positive integers (or null for an unknown size), batch axis first"
    elif kind in _GETTERS:
        if isinstance(value, str) or isinstance(value, dict):
            try:
                _GETTERS[kind](value)
            except Exception:  # noqa: BLE001 - the engine does not know it
                known = spec.get("choices") or []
                return f"must be a known {kind}" + (f" ({', '.join(known)})" if known else "")
        else:
            return f"must be a {kind} name or a {{\"class_name\", \"config\"}} object"
    return None


def check_config(layer: str, class_name: str, config: dict, fields: dict[str, dict]) -> list[Issue]:
    """Every field of ``config`` the catalog describes, and every required one, checked."""
    issues = []
    for name, spec in fields.items():
        if name not in config:
            if spec.get("required"):
                issues.append(Issue(layer, name, f"Layer '{layer}' ({class_name}): '{name}' is required"))
            continue
        problem = check_value(spec, config[name])
        if problem:
            issues.append(Issue(layer, name, f"Layer '{layer}' ({class_name}): '{name}' {problem}; "
                                             f"got {quote(config[name])}"))
    return issues
