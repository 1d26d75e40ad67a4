"""``tf.data.Dataset``: lazy input pipelines with a vectorised fast path.

Elements are nested structures of Tensors.  ``from_tensor_slices`` keeps the
whole arrays; ``shuffle`` / ``take`` / ``skip`` / ``repeat`` over such a source
work on an index plan, and ``batch`` gathers each batch with one fancy-index
per array (measured in engine-notes §B5: per-element Python batching costs ~30%
of an MLP epoch, index gathers ~5%).  Everything else falls back to
per-element iteration with TensorFlow's semantics.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable, Iterator

import numpy as np

from ..framework import core, nest
from ..framework.core import Tensor, wrap
from ..framework.tensor_shape import TensorShape

AUTOTUNE = -1
INFINITE = -1
UNKNOWN = -2


class _Spec:
    """Minimal ``tf.TensorSpec``-like element spec."""

    def __init__(self, shape: tuple, dtype: Any) -> None:
        from ..framework import dtypes
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype!r}, name=None)"

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, _Spec) and self.shape == other.shape and self.dtype == other.dtype


def _to_array(x: Any) -> np.ndarray:
    if isinstance(x, Tensor) or hasattr(type(x), "_as_tensor"):
        return np.asarray(core.convert_to_tensor(x)._np)
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(core.convert_to_tensor(x)._np)


def _wrap_struct(struct: Any) -> Any:
    return nest.map_structure(lambda a: a if isinstance(a, Tensor) else wrap(a), struct)


def _normalize_structure(x: Any) -> Any:
    """Lists become tensors (as in TF); tuples and dicts are structure."""
    if isinstance(x, dict):
        return {k: _normalize_structure(v) for k, v in x.items()}
    if isinstance(x, tuple):
        return tuple(_normalize_structure(v) for v in x) if not hasattr(x, "_fields") else type(x)(*[_normalize_structure(v) for v in x])
    return _to_array(x)


class Dataset:
    """A lazy, re-iterable sequence of elements (``tf.data.Dataset``)."""

    # -- sources -------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> "Dataset":
        """Slice every component along its first axis."""
        struct = _normalize_structure(tensors)
        flat = nest.flatten(struct)
        if not flat:
            raise ValueError("from_tensor_slices requires at least one component")
        n = {a.shape[0] if a.ndim else None for a in flat}
        if None in n:
            raise ValueError("Unbatching a tensor is only supported for rank >= 1")
        if len(n) != 1:
            raise ValueError("Dimensions of the components must agree on axis 0; got sizes "
                             f"{[a.shape[0] for a in flat]}")
        return _Slices(struct, flat)

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> "Dataset":
        """A dataset with one element: ``tensors``."""
        struct = _normalize_structure(tensors)
        return _FromList([struct])

    @staticmethod
    def range(*args: Any, output_type: Any = None, name: str | None = None) -> "Dataset":
        r = range(*[int(a) for a in args])
        dt = np.int64 if output_type is None else np.dtype(getattr(output_type, "_np", output_type))
        if len(r) <= 1 << 24:
            arr = np.arange(r.start, r.stop, r.step, dtype=dt)
            return _Slices(arr, [arr])
        return _Range(r, dt)

    @staticmethod
    def from_generator(generator: Callable, output_types: Any = None, output_shapes: Any = None,
                       args: Any = None, output_signature: Any = None, name: str | None = None) -> "Dataset":
        """Elements produced by calling ``generator(*args)`` anew for each iteration."""
        return _Generator(generator, tuple(args or ()), output_signature)

    @staticmethod
    def zip(*datasets: Any, name: str | None = None) -> "Dataset":
        ds = datasets[0] if len(datasets) == 1 and isinstance(datasets[0], (tuple, dict)) else datasets
        return _Zip(ds)

    # -- iteration -------------------------------------------------------------
    def _elements(self) -> Iterator[Any]:
        """Yield elements as nested numpy structures (each subclass defines it)."""
        raise TypeError(f"{type(self).__name__} does not define _elements")

    def __iter__(self) -> Iterator[Any]:
        for e in self._elements():
            yield _wrap_struct(e)

    def as_numpy_iterator(self) -> Iterator[Any]:
        for e in self._elements():
            yield nest.map_structure(lambda a: a[()] if isinstance(a, np.ndarray) and a.ndim == 0 else a, e)

    def cardinality(self) -> Tensor:
        return wrap(np.asarray(self._cardinality(), dtype=np.int64))

    def _cardinality(self) -> int:
        return UNKNOWN

    def __len__(self) -> int:
        c = self._cardinality()
        if c == INFINITE:
            raise TypeError("The dataset is infinite.")
        if c == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return c

    @property
    def element_spec(self) -> Any:
        first = next(iter(self._elements()))
        return nest.map_structure(lambda a: _Spec(np.shape(a), np.asarray(a).dtype), first)

    # -- transformations -----------------------------------------------------------
    def batch(self, batch_size: int, drop_remainder: bool = False, num_parallel_calls: Any = None,
              deterministic: Any = None, name: str | None = None) -> "Dataset":
        if int(batch_size) <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        return _Batch(self, int(batch_size), bool(drop_remainder))

    def unbatch(self, name: str | None = None) -> "Dataset":
        return _Unbatch(self)

    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True, name: str | None = None) -> "Dataset":
        return _Shuffle(self, int(buffer_size), seed, reshuffle_each_iteration)

    def map(self, map_func: Callable, num_parallel_calls: Any = None, deterministic: Any = None,
            name: str | None = None) -> "Dataset":
        return _Map(self, map_func)

    def filter(self, predicate: Callable, name: str | None = None) -> "Dataset":
        return _Filter(self, predicate)

    def repeat(self, count: int | None = None, name: str | None = None) -> "Dataset":
        return _Repeat(self, -1 if count is None else int(count))

    def take(self, count: int, name: str | None = None) -> "Dataset":
        return _Take(self, int(count))

    def skip(self, count: int, name: str | None = None) -> "Dataset":
        return _Skip(self, int(count))

    def prefetch(self, buffer_size: int, name: str | None = None) -> "Dataset":
        return self  # measured: a prefetch thread does not help on 2 cores (engine-notes §B5)

    def cache(self, filename: str = "", name: str | None = None) -> "Dataset":
        return _Cache(self)

    def concatenate(self, dataset: "Dataset", name: str | None = None) -> "Dataset":
        return _Concat(self, dataset)

    def enumerate(self, start: int = 0, name: str | None = None) -> "Dataset":
        return Dataset.zip((Dataset.range(start, 2**62), self))

    def apply(self, transformation_func: Callable) -> "Dataset":
        return transformation_func(self)

    def padded_batch(self, batch_size: int, padded_shapes: Any = None, padding_values: Any = None,
                     drop_remainder: bool = False, name: str | None = None) -> "Dataset":
        return _Batch(self, int(batch_size), bool(drop_remainder), pad=True,
                      padding_values=padding_values)

    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        state = initial_state
        for e in self:
            state = reduce_func(state, e)
        return state


class _Slices(Dataset):
    def __init__(self, struct: Any, flat: list) -> None:
        self._struct = struct
        self._flat = flat
        self._n = flat[0].shape[0]

    def _cardinality(self) -> int:
        return self._n

    def _plan(self) -> tuple:
        return self, None  # source, indices (None = in order)

    def _elements(self) -> Iterator[Any]:
        flat = self._flat
        for i in range(self._n):
            yield nest.pack_sequence_as(self._struct, [a[i] for a in flat])

    def _gather(self, idx: Any) -> Any:
        if isinstance(idx, slice):
            return nest.pack_sequence_as(self._struct, [a[idx] for a in self._flat])
        return nest.pack_sequence_as(self._struct, [np.take(a, idx, axis=0) for a in self._flat])


def _index_plan(ds: Dataset) -> Any:
    """(source, index iterator factory) if ``ds`` is an index transform of a slice source."""
    plan = getattr(ds, "_plan", None)
    return plan() if plan is not None else None


class _Range(Dataset):
    """A lazily generated (possibly huge) integer range."""

    def __init__(self, r: range, dtype: Any) -> None:
        self._r, self._dt = r, np.dtype(dtype)

    def _cardinality(self) -> int:
        return len(self._r)

    def _elements(self) -> Iterator[Any]:
        for i in self._r:
            yield np.asarray(i, dtype=self._dt)


class _FromList(Dataset):
    def __init__(self, items: list) -> None:
        self._items = items

    def _cardinality(self) -> int:
        return len(self._items)

    def _elements(self) -> Iterator[Any]:
        yield from self._items


class _Generator(Dataset):
    def __init__(self, gen: Callable, args: tuple, signature: Any) -> None:
        self._gen, self._args, self._sig = gen, args, signature

    def _elements(self) -> Iterator[Any]:
        for e in self._gen(*self._args):
            yield _normalize_structure(e)


class _Zip(Dataset):
    def __init__(self, datasets: Any) -> None:
        self._ds = datasets

    def _cardinality(self) -> int:
        cs = [d._cardinality() for d in nest.flatten(self._ds)]
        finite = [c for c in cs if c >= 0]
        if finite:
            return min(finite)
        return INFINITE if all(c == INFINITE for c in cs) else UNKNOWN

    def _elements(self) -> Iterator[Any]:
        flat = nest.flatten(self._ds)
        for parts in zip(*[d._elements() for d in flat]):
            yield nest.pack_sequence_as(self._ds, list(parts))


class _Shuffle(Dataset):
    def __init__(self, ds: Dataset, buffer: int, seed: Any, reshuffle: bool) -> None:
        if buffer <= 0:
            raise ValueError(f"buffer_size must be greater than zero, got {buffer}")
        self._ds, self._buffer, self._reshuffle = ds, buffer, reshuffle
        from ..ops import random_ops
        make = getattr(random_ops, "op_rng", None)
        self._seed_rng = make(seed) if make is not None else np.random.default_rng(seed)
        self._fixed = None

    def _epoch_rng(self) -> np.random.Generator:
        if not self._reshuffle:
            if self._fixed is None:
                self._fixed = int(self._seed_rng.integers(2**63))
            return np.random.default_rng(self._fixed)
        return np.random.default_rng(int(self._seed_rng.integers(2**63)))

    def _cardinality(self) -> int:
        return self._ds._cardinality()

    def _order(self, n: int, rng: np.random.Generator) -> np.ndarray:
        if self._buffer >= n:
            return rng.permutation(n)
        # TF's buffered shuffle over indices.
        out = np.empty(n, dtype=np.int64)
        buf = list(range(min(self._buffer, n)))
        nxt = len(buf)
        for k in range(n):
            j = int(rng.integers(len(buf)))
            out[k] = buf[j]
            if nxt < n:
                buf[j] = nxt
                nxt += 1
            else:
                buf[j] = buf[-1]
                buf.pop()
        return out

    def _plan(self) -> Any:
        inner = _index_plan(self._ds)
        if inner is None:
            return None
        src, idx_fn = inner
        def indices() -> np.ndarray:
            base = np.arange(src._n) if idx_fn is None else idx_fn()
            return base[self._order(len(base), self._epoch_rng())]
        return src, indices

    def _elements(self) -> Iterator[Any]:
        plan = self._plan()
        if plan is not None:
            src, idx_fn = plan
            for i in idx_fn():
                yield nest.pack_sequence_as(src._struct, [a[i] for a in src._flat])
            return
        rng = self._epoch_rng()
        buf: list = []
        for e in self._ds._elements():
            if len(buf) < self._buffer:
                buf.append(e)
                continue
            j = int(rng.integers(len(buf)))
            yield buf[j]
            buf[j] = e
        while buf:
            j = int(rng.integers(len(buf)))
            yield buf[j]
            buf[j] = buf[-1]
            buf.pop()


class _Take(Dataset):
    def __init__(self, ds: Dataset, count: int) -> None:
        self._ds, self._count = ds, count

    def _cardinality(self) -> int:
        c = self._ds._cardinality()
        if self._count < 0:
            return c
        return min(c, self._count) if c >= 0 else (self._count if c == INFINITE else UNKNOWN)

    def _plan(self) -> Any:
        inner = _index_plan(self._ds)
        if inner is None or self._count < 0:
            return inner
        src, idx_fn = inner
        return src, (lambda: (np.arange(src._n) if idx_fn is None else idx_fn())[:self._count])

    def _elements(self) -> Iterator[Any]:
        it = self._ds._elements()
        return it if self._count < 0 else itertools.islice(it, self._count)


class _Skip(Dataset):
    def __init__(self, ds: Dataset, count: int) -> None:
        self._ds, self._count = ds, count

    def _cardinality(self) -> int:
        c = self._ds._cardinality()
        if c < 0:
            return c
        return 0 if self._count < 0 else max(0, c - self._count)

    def _plan(self) -> Any:
        inner = _index_plan(self._ds)
        if inner is None or self._count < 0:
            return None
        src, idx_fn = inner
        return src, (lambda: (np.arange(src._n) if idx_fn is None else idx_fn())[self._count:])

    def _elements(self) -> Iterator[Any]:
        if self._count < 0:
            return iter(())
        return itertools.islice(self._ds._elements(), self._count, None)


class _Repeat(Dataset):
    def __init__(self, ds: Dataset, count: int) -> None:
        self._ds, self._count = ds, count

    def _cardinality(self) -> int:
        c = self._ds._cardinality()
        if self._count < 0:
            return 0 if c == 0 else INFINITE
        return c * self._count if c >= 0 else c

    def _elements(self) -> Iterator[Any]:
        k = 0
        while self._count < 0 or k < self._count:
            empty = True
            for e in self._ds._elements():
                empty = False
                yield e
            if empty:
                return
            k += 1


class _Batch(Dataset):
    def __init__(self, ds: Dataset, size: int, drop: bool, pad: bool = False, padding_values: Any = None) -> None:
        self._ds, self._size, self._drop, self._pad, self._padv = ds, size, drop, pad, padding_values

    def _cardinality(self) -> int:
        c = self._ds._cardinality()
        if c < 0:
            return c
        return c // self._size if self._drop else -(-c // self._size)

    def _elements(self) -> Iterator[Any]:
        plan = _index_plan(self._ds) if not self._pad else None
        if plan is not None:
            src, idx_fn = plan
            b = self._size
            if idx_fn is None:
                n = src._n
                stop = n - n % b if self._drop else n
                for s in range(0, stop, b):
                    yield src._gather(slice(s, min(s + b, n)))
                return
            idx = idx_fn()
            n = len(idx)
            stop = n - n % b if self._drop else n
            for s in range(0, stop, b):
                yield src._gather(idx[s:s + b])
            return
        buf: list = []
        for e in self._ds._elements():
            buf.append(e)
            if len(buf) == self._size:
                yield self._stack(buf)
                buf = []
        if buf and not self._drop:
            yield self._stack(buf)

    def _stack(self, items: list) -> Any:
        flats = [nest.flatten(e) for e in items]
        cols = []
        for k, col in enumerate(zip(*flats)):
            arrs = [np.asarray(c) for c in col]
            shapes = {a.shape for a in arrs}
            if len(shapes) > 1:
                if not self._pad:
                    raise core_errors().InvalidArgumentError(
                        None, "BatchDataset",
                        f"Cannot batch tensors with different shapes in component {k}. First element had "
                        f"shape {list(arrs[0].shape)} and element {next(i for i, a in enumerate(arrs) if a.shape != arrs[0].shape)} "
                        f"had shape {list(next(a.shape for a in arrs if a.shape != arrs[0].shape))}.")
                rank = arrs[0].ndim
                target = tuple(max(a.shape[d] for a in arrs) for d in range(rank))
                pv = 0 if self._padv is None else np.asarray(nest.flatten(self._padv)[k] if isinstance(self._padv, (tuple, list, dict)) else self._padv)
                arrs = [np.pad(a, [(0, t - s) for s, t in zip(a.shape, target)], constant_values=pv) for a in arrs]
            cols.append(np.stack(arrs))
        return nest.pack_sequence_as(items[0], cols)


def core_errors() -> Any:
    from ..framework import errors
    return errors


class _Unbatch(Dataset):
    def __init__(self, ds: Dataset) -> None:
        self._ds = ds

    def _elements(self) -> Iterator[Any]:
        for e in self._ds._elements():
            flat = nest.flatten(e)
            for i in range(np.shape(flat[0])[0]):
                yield nest.pack_sequence_as(e, [a[i] for a in flat])


class _Map(Dataset):
    def __init__(self, ds: Dataset, fn: Callable) -> None:
        self._ds, self._fn = ds, fn

    def _cardinality(self) -> int:
        return self._ds._cardinality()

    def _elements(self) -> Iterator[Any]:
        fn = self._fn
        for e in self._ds._elements():
            t = _wrap_struct(e)
            out = fn(*t) if isinstance(t, tuple) and not hasattr(t, "_fields") else fn(t)
            yield _normalize_structure(out)


class _Filter(Dataset):
    def __init__(self, ds: Dataset, pred: Callable) -> None:
        self._ds, self._pred = ds, pred

    def _elements(self) -> Iterator[Any]:
        for e in self._ds._elements():
            t = _wrap_struct(e)
            keep = self._pred(*t) if isinstance(t, tuple) else self._pred(t)
            if bool(np.asarray(core.convert_to_tensor(keep)._np)):
                yield e


class _Cache(Dataset):
    def __init__(self, ds: Dataset) -> None:
        self._ds, self._items = ds, None

    def _cardinality(self) -> int:
        return self._ds._cardinality()

    def _elements(self) -> Iterator[Any]:
        if self._items is not None:
            yield from self._items
            return
        items = []
        for e in self._ds._elements():
            items.append(e)
            yield e
        self._items = items


class _Concat(Dataset):
    def __init__(self, a: Dataset, b: Dataset) -> None:
        self._a, self._b = a, b

    def _cardinality(self) -> int:
        ca, cb = self._a._cardinality(), self._b._cardinality()
        if INFINITE in (ca, cb):
            return INFINITE
        return ca + cb if ca >= 0 and cb >= 0 else UNKNOWN

    def _elements(self) -> Iterator[Any]:
        yield from self._a._elements()
        yield from self._b._elements()


class _Experimental:
    AUTOTUNE = AUTOTUNE
    INFINITE_CARDINALITY = INFINITE
    UNKNOWN_CARDINALITY = UNKNOWN

    @staticmethod
    def cardinality(ds: Dataset) -> Tensor:
        return ds.cardinality()


experimental = _Experimental()
