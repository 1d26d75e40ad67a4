"""``TensorShape``: a tuple of ints (or ``None`` for unknown dims) with TF's API."""
from __future__ import annotations

from typing import Any, Iterable


class TensorShape(tuple):
    """Shape of a tensor; compares equal to plain tuples and lists."""

    __slots__ = ()

    def __new__(cls, dims: Iterable[Any] | None = ()) -> "TensorShape":
        if dims is None:
            return tuple.__new__(cls, ())
        if isinstance(dims, int):
            dims = (dims,)
        return tuple.__new__(cls, (None if d is None else int(d) for d in dims))

    @property
    def rank(self) -> int:
        return len(self)

    ndims = rank

    @property
    def dims(self) -> list:
        return list(self)

    def as_list(self) -> list:
        return list(self)

    def num_elements(self) -> int | None:
        n = 1
        for d in self:
            if d is None:
                return None
            n *= d
        return n

    def is_fully_defined(self) -> bool:
        return None not in self

    def is_compatible_with(self, other: Iterable[Any]) -> bool:
        other = tuple(other)
        if len(other) != len(self):
            return False
        return all(a is None or b is None or a == b for a, b in zip(self, other))

    def __getitem__(self, key: Any) -> Any:
        r = tuple.__getitem__(self, key)
        return TensorShape(r) if isinstance(key, slice) else r

    def __eq__(self, other: Any) -> bool:
        try:
            return tuple(self) == tuple(other)
        except TypeError:
            return False

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    __hash__ = tuple.__hash__

    def __repr__(self) -> str:
        return f"TensorShape({list(self)})"

    def __str__(self) -> str:
        if len(self) == 1:
            return f"({'None' if self[0] is None else self[0]},)"
        return "(" + ", ".join("None" if d is None else str(d) for d in self) + ")"
