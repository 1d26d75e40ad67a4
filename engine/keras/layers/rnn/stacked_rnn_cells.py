"""``StackedRNNCells``: several cells run as one, each feeding the next (Keras 3)."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object
from ..layer import Layer
from .sublayer import build_sublayer


@register_layer("Recurrent")
class StackedRNNCells(Layer):
    """Wrap a list of RNN cells so that ``RNN`` runs them as one cell."""

    def __init__(self, cells: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        for cell in cells:
            if "call" not in dir(cell):
                raise ValueError(f"All cells must have a `call` method. Received cell without a `call` method: {cell}")
            if "state_size" not in dir(cell):
                raise ValueError(f"All cells must have a `state_size` attribute. Received cell without a "
                                 f"`state_size`: {cell}")
        self.cells = list(cells)

    @property
    def state_size(self) -> list:
        return [c.state_size for c in self.cells]

    @property
    def output_size(self) -> int:
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        if isinstance(last.state_size, (list, tuple)):
            return last.state_size[0]
        return last.state_size

    def get_initial_state(self, batch_size: int | None = None) -> list:
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                states.append(fn(batch_size=batch_size))
            elif isinstance(cell.state_size, int):
                states.append(tf.zeros((batch_size, cell.state_size), dtype=self.compute_dtype))
            else:
                states.append([tf.zeros((batch_size, d), dtype=self.compute_dtype) for d in cell.state_size])
        return states

    def call(self, inputs: Any, states: Any, training: Any = False, **kwargs: Any) -> tuple:
        new_states = []
        for cell, st in zip(self.cells, states):
            is_list = isinstance(st, (list, tuple))
            st = list(st) if is_list else [st]
            if isinstance(cell, Layer) and cell._call_has_training:
                kwargs["training"] = training
            else:
                kwargs.pop("training", None)
            fn = cell if callable(cell) else cell.call
            inputs, st = fn(inputs, st, **kwargs)
            if isinstance(st, (list, tuple)) and len(st) == 1 and not is_list:
                st = st[0]
            new_states.append(st)
        if len(new_states) == 1:
            new_states = new_states[0]
        return inputs, new_states

    def build(self, input_shape: Any) -> None:
        for cell in self.cells:
            build_sublayer(cell, tuple(input_shape), self.name)
            if getattr(cell, "output_size", None) is not None:
                output_dim = cell.output_size
            elif isinstance(cell.state_size, (list, tuple)):
                output_dim = cell.state_size[0]
            else:
                output_dim = cell.state_size
            input_shape = (tuple(input_shape)[0], output_dim)
        self.built = True

    def get_config(self) -> dict:
        return {**super().get_config(), "cells": [serialize_keras_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "StackedRNNCells":
        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)
