"""``model.input`` / ``output`` / ``input_shape`` / ``output_shape`` as in Keras 3, also for models
rebuilt from JSON and for nested models that have been called."""
from __future__ import annotations

import keras as real_keras

from engine import keras


def _pair(lib):
    seq = lib.Sequential([lib.Input((2,)), lib.layers.Dense(3)])
    i = lib.Input((4,))
    multi = lib.Model(i, [lib.layers.Dense(2)(i), lib.layers.Dense(3)(i)])
    outer_in = lib.Input((2,))
    lib.Model(outer_in, seq(outer_in))  # seq is now called as a nested model
    return seq, multi


def test_shapes_match_real_keras():
    for ours, theirs in zip(_pair(keras), _pair(real_keras)):
        assert ours.output_shape == theirs.output_shape
        assert ours.input_shape == theirs.input_shape
    rebuilt = keras.models.model_from_json(_pair(keras)[0].to_json())
    assert rebuilt.output_shape == (None, 3) and rebuilt.input_shape == (None, 2)
    assert tuple(rebuilt.output.shape) == (None, 3)
