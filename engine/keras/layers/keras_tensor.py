"""Symbolic tensors of the Functional API and the nodes that connect layers."""
from __future__ import annotations

from typing import Any

from ...framework import dtypes
from ...framework.tensor_shape import TensorShape


class KerasTensor:
    """A symbolic tensor: shape (``None`` = unknown), dtype and the layer call that made it."""

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None,
                 sparse: bool = False) -> None:
        self.shape = TensorShape(shape)
        self.dtype = dtypes.as_dtype(dtype)
        self.name = name
        self.sparse = sparse
        self._keras_history = None  # (layer, node_index, tensor_index)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return (f"<KerasTensor shape={tuple(self.shape)}, dtype={self.dtype.name}, "
                f"sparse={self.sparse}, name={self.name}>")

    def __bool__(self) -> bool:
        raise TypeError("A symbolic KerasTensor cannot be used as a Python `bool`.")

    def _op(self, *_: Any, **__: Any) -> Any:
        raise TypeError(
            "A KerasTensor is symbolic: it is a placeholder for a shape and a dtype. Use Keras "
            "layers (e.g. keras.layers.Add, Multiply, Lambda) to combine KerasTensors in a "
            "Functional model.")

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = _op
    __matmul__ = __pow__ = __neg__ = __getitem__ = _op
    __array__ = _op


class Node:
    """One call of a layer in a Functional graph."""

    def __init__(self, layer: Any, input_tensors: list, output_tensors: list,
                 call_args: tuple, call_kwargs: dict) -> None:
        self.layer = layer
        self.operation = layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.call_args = call_args
        self.call_kwargs = call_kwargs
        self.is_input = not input_tensors

    @property
    def parent_nodes(self) -> list:
        out = []
        for t in self.input_tensors:
            layer, ni, _ = t._keras_history
            out.append(layer._inbound_nodes[ni])
        return out

    def __repr__(self) -> str:
        return f"<Node {self.layer.name} in={len(self.input_tensors)} out={len(self.output_tensors)}>"
