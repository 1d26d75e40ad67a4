"""Turn ``fit``/``evaluate``/``predict`` inputs into per-epoch batch iterators.

numpy arrays and tensors: one index permutation per epoch and one gather per
batch (engine-notes §B5); ``data.Dataset``: iterated as given; Python
generators / iterators: pulled ``steps_per_epoch`` times.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from ...data.dataset import Dataset
from ...framework import core, nest
from ...framework.core import Tensor, wrap


def _to_numpy(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, Tensor) or hasattr(type(x), "_as_tensor"):
        return np.asarray(core.convert_to_tensor(x)._np)
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (list, tuple)) and x and all(isinstance(v, (np.ndarray, Tensor)) for v in x):
        return type(x)(_to_numpy(v) for v in x)
    if isinstance(x, dict):
        return {k: _to_numpy(v) for k, v in x.items()}
    return np.asarray(x)


def unpack_x_y_sample_weight(data: Any) -> tuple:
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
                     f"found: {data!r}")


def class_weight_to_sample_weights(y: np.ndarray, class_weight: dict) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] > 1:
        idx = np.argmax(y, axis=-1)
    else:
        idx = np.round(y.reshape(y.shape[0], -1)[:, 0]).astype(np.int64)
    table = np.ones(int(max(max(class_weight) + 1, idx.max() + 1 if idx.size else 1)), dtype=np.float32)
    for k, v in class_weight.items():
        table[int(k)] = v
    return table[idx]


class ArrayAdapter:
    """In-memory arrays: shuffled index gathers per epoch."""

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = None,
                 shuffle: Any = False, class_weight: dict | None = None, steps: int | None = None) -> None:
        self.x, self.y = _to_numpy(x), _to_numpy(y)
        sw = _to_numpy(sample_weight)
        if class_weight is not None and self.y is not None:
            cw = class_weight_to_sample_weights(nest.flatten(self.y)[0], class_weight)
            sw = cw if sw is None else sw * cw
        self.sw = sw
        flat = [a for a in nest.flatten((self.x, self.y, self.sw)) if a is not None]
        sizes = {int(a.shape[0]) for a in flat}
        if len(sizes) > 1:
            raise ValueError(f"Data cardinality is ambiguous: make sure all arrays contain the same number of "
                             f"samples. Sizes: {sorted(sizes)}")
        self.n = sizes.pop() if sizes else 0
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self.steps = steps

    def num_batches(self) -> int:
        n = -(-self.n // self.batch_size)
        return min(n, self.steps) if self.steps is not None else n

    def epoch(self) -> Iterator[tuple]:
        n, b = self.n, self.batch_size
        flat, struct = nest.flatten((self.x, self.y, self.sw)), (self.x, self.y, self.sw)
        if self.shuffle and self.shuffle != "batch":
            perm = np.random.permutation(n)
            for k, s in enumerate(range(0, n, b)):
                if self.steps is not None and k >= self.steps:
                    return
                idx = perm[s:s + b]
                yield self._pack(struct, [None if a is None else np.take(a, idx, axis=0) for a in flat])
        else:
            order = list(range(0, n, b))
            if self.shuffle == "batch":
                np.random.shuffle(order)
            for k, s in enumerate(order):
                if self.steps is not None and k >= self.steps:
                    return
                yield self._pack(struct, [None if a is None else a[s:s + b] for a in flat])

    @staticmethod
    def _pack(struct: Any, flat: list) -> tuple:
        x, y, sw = nest.pack_sequence_as(struct, [None if a is None else wrap(a) for a in flat])
        return x, y, sw


class DatasetAdapter:
    def __init__(self, ds: Dataset, steps: int | None = None, class_weight: dict | None = None) -> None:
        self.ds, self.steps, self.class_weight = ds, steps, class_weight

    def num_batches(self) -> int | None:
        c = self.ds._cardinality()
        if self.steps is not None:
            return self.steps if c < 0 else min(self.steps, c)
        return c if c >= 0 else None

    def epoch(self) -> Iterator[tuple]:
        for k, data in enumerate(self.ds):
            if self.steps is not None and k >= self.steps:
                return
            x, y, sw = unpack_x_y_sample_weight(data)
            if self.class_weight is not None and y is not None:
                cw = wrap(class_weight_to_sample_weights(np.asarray(nest.flatten(y)[0]), self.class_weight))
                sw = cw if sw is None else sw * cw
            yield x, y, sw


class GeneratorAdapter:
    def __init__(self, gen: Any, steps: int | None = None) -> None:
        self.gen, self.steps = gen, steps
        self._it = None

    def num_batches(self) -> int | None:
        return self.steps

    def epoch(self) -> Iterator[tuple]:
        if self._it is None or self.steps is None:
            self._it = iter(self.gen() if callable(self.gen) else self.gen)
        k = 0
        while self.steps is None or k < self.steps:
            try:
                data = next(self._it)
            except StopIteration:
                self._it = None
                return
            x, y, sw = unpack_x_y_sample_weight(data)
            conv = lambda v: None if v is None else nest.map_structure(lambda a: a if isinstance(a, Tensor) else wrap(np.asarray(a)), v)
            yield conv(x), conv(y), conv(sw)
            k += 1


def get_adapter(x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = None,
                steps: int | None = None, shuffle: Any = False, class_weight: dict | None = None) -> Any:
    if isinstance(x, Dataset):
        if y is not None:
            raise ValueError("`y` argument is not supported when using a dataset as input.")
        return DatasetAdapter(x, steps, class_weight)
    if hasattr(x, "__next__") or (hasattr(x, "__iter__") and not isinstance(x, (np.ndarray, list, tuple, dict, Tensor))):
        return GeneratorAdapter(x, steps)
    return ArrayAdapter(x, y, sample_weight, batch_size, shuffle, class_weight, steps)


def train_validation_split(arrays: tuple, validation_split: float) -> tuple:
    """Split the LAST ``validation_split`` fraction off (before any shuffling), as Keras does."""
    flat = [a for a in nest.flatten(arrays) if a is not None]
    n = int(flat[0].shape[0])
    split_at = int(np.floor(n * (1.0 - validation_split)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"Training data contains {n} samples, which is not sufficient to split it into a "
                         f"validation and training set as specified by `validation_split={validation_split}`.")
    train = nest.map_structure(lambda a: None if a is None else a[:split_at], arrays)
    val = nest.map_structure(lambda a: None if a is None else a[split_at:], arrays)
    return train, val
