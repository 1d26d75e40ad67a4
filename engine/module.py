"""``tf.Module``: a named container that finds its variables and submodules by attribute walk."""
from __future__ import annotations

import re
from typing import Any, Iterator

from .framework.variables import Variable

_counts: dict = {}


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Module:
    """Base class for objects that own variables (``tf.Module``)."""

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = _camel_to_snake(type(self).__name__)
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> Any:
        from .misc_api import name_scope
        return name_scope(self._name)

    def _flatten(self, predicate: Any, recursive: bool = True) -> list:
        seen: set = set()
        out: list = []

        def walk(obj: Any, depth: int) -> None:
            for value in _values(obj):
                if id(value) in seen:
                    continue
                if predicate(value):
                    seen.add(id(value))
                    out.append(value)
                if isinstance(value, Module) and (recursive or depth == 0):
                    if id(value) not in seen:
                        seen.add(id(value))
                    walk(value, depth + 1)
        walk(self, 0)
        return out

    @property
    def variables(self) -> tuple:
        return tuple(self._flatten(lambda v: isinstance(v, Variable)))

    @property
    def trainable_variables(self) -> tuple:
        return tuple(self._flatten(lambda v: isinstance(v, Variable) and v.trainable))

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(self._flatten(lambda v: isinstance(v, Variable) and not v.trainable))

    @property
    def submodules(self) -> tuple:
        return tuple(self._flatten(lambda v: isinstance(v, Module)))

    @classmethod
    def with_name_scope(cls, method: Any) -> Any:
        return method


def _values(obj: Any) -> Iterator[Any]:
    """Attribute values of a module, descending into lists, tuples and dicts (sorted keys)."""
    d = vars(obj) if hasattr(obj, "__dict__") else {}
    for key in sorted(d):
        yield from _leaves(d[key])


def _leaves(v: Any) -> Iterator[Any]:
    if isinstance(v, (list, tuple)):
        for x in v:
            yield from _leaves(x)
    elif isinstance(v, dict):
        for k in sorted(v, key=str):
            yield from _leaves(v[k])
    else:
        yield v
