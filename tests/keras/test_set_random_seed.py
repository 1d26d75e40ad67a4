"""``keras.utils.set_random_seed`` makes initial weights, numpy and Python draws repeat."""
from __future__ import annotations

import random

import numpy as np
import pytest

from engine import keras


def _draw():
    layer = keras.layers.Dense(4)
    layer.build((None, 3))
    return layer.kernel.numpy(), np.random.rand(), random.random()


def test_same_seed_same_draws():
    keras.utils.set_random_seed(7)
    first = _draw()
    keras.utils.set_random_seed(7)
    again = _draw()
    keras.utils.set_random_seed(8)
    other = _draw()
    np.testing.assert_array_equal(first[0], again[0])
    assert first[1:] == again[1:]
    assert not np.array_equal(first[0], other[0]) and first[1] != other[1]


def test_seed_must_be_an_integer():
    with pytest.raises(ValueError, match="seed"):
        keras.utils.set_random_seed(1.5)
