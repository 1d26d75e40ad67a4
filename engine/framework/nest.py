"""Nested-structure utilities (``tf.nest``): lists, tuples, namedtuples, dicts."""
from __future__ import annotations

from typing import Any, Callable


def is_nested(x: Any) -> bool:
    return isinstance(x, (list, tuple, dict))


def _items(x: Any) -> list:
    if isinstance(x, dict):
        return [x[k] for k in sorted(x, key=_sort_key)]
    return list(x)


def _sort_key(k: Any) -> Any:
    return (type(k).__name__, k) if not isinstance(k, (int, float, str)) else (0 if isinstance(k, (int, float)) else 1, k)


def flatten(structure: Any, expand_composites: bool = False) -> list:
    """Leaves in a fixed order (dicts by sorted key)."""
    if not isinstance(structure, (list, tuple, dict)):
        return [structure]
    if type(structure) is list or type(structure) is tuple:
        for x in structure:
            if isinstance(x, (list, tuple, dict)):
                break
        else:  # flat already (the common case on the hot path)
            return list(structure)
    out: list = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x: Any, out: list) -> None:
    if isinstance(x, (list, tuple, dict)):
        for v in _items(x):
            _flatten_into(v, out)
    else:
        out.append(x)


def _rebuild(template: Any, values: list) -> Any:
    if isinstance(template, dict):
        keys = sorted(template, key=_sort_key)
        d = dict(zip(keys, values))
        return type(template)((k, d[k]) for k in template) if type(template) is not dict else {k: d[k] for k in template}
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*values)
    if isinstance(template, tuple):
        return tuple(values)
    return list(values) if type(template) is list else type(template)(values)


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """Inverse of :func:`flatten`."""
    flat = list(flat_sequence)
    it = iter(flat)

    def build(t: Any) -> Any:
        if isinstance(t, (list, tuple, dict)):
            return _rebuild(t, [build(v) for v in _items(t)])
        return next(it)

    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError(f"Structure had {n} elements, but flat_sequence had {len(flat)} elements.")
    return build(structure)


def map_structure(func: Callable, *structures: Any, **kwargs: Any) -> Any:
    """Apply ``func`` leaf-wise over structures of the same shape."""
    if not structures:
        raise ValueError("Must provide at least one structure")
    for s in structures[1:]:
        assert_same_structure(structures[0], s)
    flats = [flatten(s) for s in structures]
    return pack_sequence_as(structures[0], [func(*xs) for xs in zip(*flats)])


def assert_same_structure(a: Any, b: Any, check_types: bool = True, expand_composites: bool = False) -> None:
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {a}\n\nSecond structure: {b}")
    if is_nested(a):
        ia, ib = _items(a), _items(b)
        if len(ia) != len(ib) or (isinstance(a, dict) and sorted(a, key=_sort_key) != sorted(b, key=_sort_key)):
            raise ValueError(f"The two structures don't have the same sequence length.\n\nFirst structure: {a}\n\nSecond structure: {b}")
        for x, y in zip(ia, ib):
            assert_same_structure(x, y, check_types)
