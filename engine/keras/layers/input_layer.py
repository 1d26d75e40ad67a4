"""``InputLayer`` and ``keras.Input``: the entry points of a Functional graph."""
from __future__ import annotations

from typing import Any

from .. import backend
from ..saving.object_registry import register_layer
from .keras_tensor import KerasTensor, Node
from .layer import Layer


@register_layer("Core")
class InputLayer(Layer):
    """Holds the input placeholder of a model (``batch_shape`` includes the batch dim)."""

    def __init__(self, shape: Any = None, batch_size: int | None = None, dtype: Any = None,
                 sparse: Any = None, batch_shape: Any = None, input_tensor: Any = None,
                 optional: bool = False, name: str | None = None, **kwargs: Any) -> None:
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        input_shape = kwargs.pop("input_shape", None)
        kwargs.pop("ragged", None)
        if batch_shape is None:
            batch_shape = batch_input_shape
        if shape is None:
            shape = input_shape
        if shape is not None and batch_shape is not None:
            raise ValueError("You cannot pass both `shape` and `batch_shape` at the same time.")
        if batch_shape is None:
            if shape is None:
                raise ValueError("You must pass a `shape` argument.")
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size,) + shape
        if name is None:
            name = backend.unique_name("input_layer")
        super().__init__(name=name, dtype=dtype, **kwargs)
        self._batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.sparse = bool(sparse)
        self.optional = optional
        self.built = True
        out = KerasTensor(self._batch_shape, self.dtype, name=name)
        out._keras_history = (self, 0, 0)
        self._inbound_nodes.append(Node(self, [], [out], (), {}))
        self.output_tensor = out

    @property
    def batch_shape(self) -> tuple:
        return self._batch_shape

    def call(self, inputs: Any) -> Any:
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": list(self._batch_shape), "dtype": self.dtype, "sparse": self.sparse,
                "name": self.name}


def Input(shape: Any = None, batch_size: int | None = None, dtype: Any = None, sparse: Any = None,
          batch_shape: Any = None, name: str | None = None, tensor: Any = None,
          optional: bool = False) -> KerasTensor:
    """A symbolic input (``keras.Input((784,))``) to start a Functional model."""
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, optional=optional)
    return layer.output_tensor
