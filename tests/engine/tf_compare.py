"""Compare an engine computation with the same computation in real TensorFlow.

``same(fn, tf)`` runs ``fn(engine)`` and ``fn(tf)`` and asserts equal results:
tensors by shape, dtype and value (float tolerance ~2e-6 relative), nested
lists/tuples/dicts element-wise, other values with ``==``; when a side raises,
the exception class names are compared.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

import engine


class Raised:
    """What :func:`outcome` returns when the computation raised."""

    def __init__(self, exc: BaseException) -> None:
        self.name = type(exc).__name__
        self.exc = exc


def outcome(fn: Callable, mod: Any) -> Any:
    """``fn(mod)``, or a :class:`Raised` naming the exception class it raised."""
    try:
        return fn(mod)
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return Raised(e)


def _norm(v: Any) -> Any:
    """Tensors → ("tensor", shape, dtype, array); Raised → ("raises", class name)."""
    if isinstance(v, Raised):
        return ("raises", v.name)
    if isinstance(v, (list, tuple)):
        return type(v)(_norm(x) for x in v)
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, np.ndarray) or (hasattr(v, "numpy") and hasattr(v, "dtype")):
        a = np.asarray(v if isinstance(v, np.ndarray) else v.numpy())
        return ("tensor", a.shape, a.dtype.str, a)
    return v


def _equal(e: Any, t: Any) -> bool:
    if isinstance(e, tuple) and e[:1] == ("tensor",) and isinstance(t, tuple) and t[:1] == ("tensor",):
        if e[1:3] != t[1:3]:
            return False
        a, b = e[3], t[3]
        if a.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=2e-6, atol=1e-7, equal_nan=True))
        return a.tolist() == b.tolist()
    if isinstance(e, (list, tuple)) and isinstance(t, (list, tuple)):
        return type(e) is type(t) and len(e) == len(t) and all(_equal(x, y) for x, y in zip(e, t))
    if isinstance(e, dict) and isinstance(t, dict):
        return e.keys() == t.keys() and all(_equal(e[k], t[k]) for k in e)
    return e == t


def same(fn: Callable, tf: Any) -> Any:
    """Assert engine and TF give the same value (or raise the same exception class)."""
    e, t = _norm(outcome(fn, engine)), _norm(outcome(fn, tf))
    assert _equal(e, t), f"engine {e!r} != TF {t!r}"
    return e
