"""``engine.data.Dataset`` vs real ``tf.data`` on the same pipelines (shuffling compared by properties)."""
from __future__ import annotations

import numpy as np
import pytest

import engine


def _collect(ds):
    return [tuple(np.asarray(v) for v in (e if isinstance(e, tuple) else (e,))) for e in ds.as_numpy_iterator()]


def _same(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert len(x) == len(y)
        for u, v in zip(x, y):
            np.testing.assert_array_equal(u, v)
            assert np.asarray(u).dtype == np.asarray(v).dtype, (np.asarray(u).dtype, np.asarray(v).dtype)


X = np.arange(30, dtype=np.float32).reshape(10, 3)
Y = np.arange(10, dtype=np.int64)

PIPELINES = {
    "slices": lambda d: d.Dataset.from_tensor_slices((X, Y)),
    "batch": lambda d: d.Dataset.from_tensor_slices((X, Y)).batch(4),
    "batch_drop": lambda d: d.Dataset.from_tensor_slices((X, Y)).batch(4, drop_remainder=True),
    "take_skip": lambda d: d.Dataset.from_tensor_slices((X, Y)).skip(2).take(5).batch(2),
    "repeat": lambda d: d.Dataset.from_tensor_slices(Y).repeat(2).batch(3),
    "map": lambda d: d.Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (x * 2.0, y + 1)),
    "map_batched": lambda d: d.Dataset.from_tensor_slices((X, Y)).batch(3).map(lambda x, y: (x + 1.0, y)),
    "filter": lambda d: d.Dataset.from_tensor_slices(Y).filter(lambda y: y % 2 == 0),
    "range": lambda d: d.Dataset.range(3, 11, 2),
    "zip": lambda d: d.Dataset.zip((d.Dataset.range(4), d.Dataset.from_tensor_slices(X[:4]))),
    "concat": lambda d: d.Dataset.range(3).concatenate(d.Dataset.range(5, 7)),
    "unbatch": lambda d: d.Dataset.from_tensor_slices(X).batch(4).unbatch(),
    "enumerate": lambda d: d.Dataset.from_tensor_slices(Y[:4]).enumerate(),
    "from_tensors": lambda d: d.Dataset.from_tensors((X[0], Y[0])),
    "padded_batch": lambda d: d.Dataset.range(1, 5).map(lambda n: d_fill(d, n)).padded_batch(2),
}


def d_fill(d, n):
    mod = engine if d is engine.data else __import__("tensorflow")
    return mod.fill([n], n)


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_matches_tf_data(name, tf_oracle):
    ours = PIPELINES[name](engine.data)
    theirs = PIPELINES[name](tf_oracle.data)
    _same(_collect(ours), _collect(theirs))
    assert int(ours.cardinality()) == int(theirs.cardinality())


def test_dict_elements_and_iteration_tensors():
    ds = engine.data.Dataset.from_tensor_slices({"a": X, "b": Y}).batch(5)
    batches = list(ds)
    assert len(batches) == 2 and set(batches[0]) == {"a", "b"}
    assert isinstance(batches[0]["a"], engine.Tensor) and batches[0]["a"].shape == (5, 3)


def test_shuffle_properties():
    ds = engine.data.Dataset.from_tensor_slices(Y).shuffle(10, seed=3)
    e1, e2 = [int(v) for v in ds.as_numpy_iterator()], [int(v) for v in ds.as_numpy_iterator()]
    assert sorted(e1) == list(range(10)) and sorted(e2) == list(range(10))
    assert e1 != e2  # reshuffled each iteration
    fixed = engine.data.Dataset.from_tensor_slices(Y).shuffle(10, seed=3, reshuffle_each_iteration=False)
    assert list(fixed.as_numpy_iterator()) == list(fixed.as_numpy_iterator())
    small = engine.data.Dataset.from_tensor_slices(np.arange(100)).shuffle(4, seed=1)
    order = [int(v) for v in small.as_numpy_iterator()]
    assert sorted(order) == list(range(100))
    # a buffer of 4 cannot move an element more than 3 places earlier
    assert all(order.index(i) >= i - 3 for i in range(100))


def test_shuffle_batch_fast_path_keeps_pairs():
    ds = engine.data.Dataset.from_tensor_slices((X, Y)).shuffle(10, seed=0).batch(4)
    for x, y in ds:
        np.testing.assert_array_equal(np.asarray(x)[:, 0], np.asarray(y) * 3)


def test_errors_are_clear():
    with pytest.raises(ValueError, match="axis 0"):
        engine.data.Dataset.from_tensor_slices((X, Y[:3]))
    with pytest.raises(ValueError, match="batch_size"):
        engine.data.Dataset.range(3).batch(0)
    with pytest.raises(engine.errors.InvalidArgumentError, match="different shapes"):
        list(engine.data.Dataset.range(1, 4).map(lambda n: engine.fill([n], n)).batch(3))
