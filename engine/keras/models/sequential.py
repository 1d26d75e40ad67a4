"""``keras.Sequential``: a linear stack of layers, built as a Functional graph once the input is known."""
from __future__ import annotations

from typing import Any

from ...framework import nest
from .. import backend
from ..layers.input_layer import Input, InputLayer
from ..layers.keras_tensor import KerasTensor
from ..layers.layer import Layer, name_scope
from ..saving.object_registry import register_layer
from .model import Model


@register_layer("Models")
class Sequential(Model):
    """``Sequential([keras.Input((2,)), Dense(16, activation="relu"), Dense(1)])``."""

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None) -> None:
        Model.__init__(self, name=name or backend.unique_name("sequential"), trainable=trainable)
        self._tracking = False
        self._seq_layers: list = []
        self._input_layer: InputLayer | None = None
        self._is_graph_network = False
        self._tracking = True
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer: Any, rebuild: bool = True) -> None:
        """Append a layer (a ``keras.Input`` tensor or InputLayer sets the input)."""
        if isinstance(layer, KerasTensor):
            layer = layer._keras_history[0]
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._seq_layers:
                raise ValueError("Sequential model already has an input; an InputLayer must come first.")
            self._input_layer = layer
        elif isinstance(layer, Layer):
            if any(layer is l for l in self._seq_layers):
                raise ValueError(f"Layer {layer.name} is already in the model.")
            names = {l.name for l in self._seq_layers}
            if layer.name in names:
                raise ValueError(f"All layers added to a Sequential model should have unique names. "
                                 f"Name '{layer.name}' is already the name of a layer in this model.")
            if not self._seq_layers and self._input_layer is None and layer._batch_input_shape is not None:
                self._input_layer = InputLayer(batch_shape=layer._batch_input_shape,
                                               name=backend.unique_name("input_layer"))
            self._seq_layers.append(layer)
        else:
            raise ValueError(f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer!r}")
        if rebuild:
            self._maybe_rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        if not self._seq_layers:
            raise ValueError("There are no layers in the model.")
        layer = self._seq_layers.pop()
        self.built = False
        self._is_graph_network = False
        if rebuild:
            self._maybe_rebuild()
        return layer

    def _maybe_rebuild(self) -> None:
        self.built = False
        self._is_graph_network = False
        if self._input_layer is not None and self._seq_layers:
            self._build_graph(self._input_layer.output_tensor)

    def _build_graph(self, x: KerasTensor) -> None:
        inputs = x
        with name_scope(self.name):
            for layer in self._seq_layers:
                x = layer(x)
        self._init_graph(inputs, x)
        self._layers_with_input = self._layers

    @property
    def layers(self) -> list:
        return list(self._seq_layers)

    @property
    def _layers(self) -> list:
        return list(self._seq_layers)

    @_layers.setter
    def _layers(self, value: list) -> None:
        pass

    @property
    def input_shape(self) -> Any:
        if self._input_layer is not None:
            return self._input_layer.batch_shape
        raise AttributeError(f"Sequential model '{self.name}' has no defined input shape yet.")

    def build(self, input_shape: Any = None) -> None:
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        shape = tuple(input_shape)
        self._input_layer = InputLayer(batch_shape=shape, name=backend.unique_name("input_layer"))
        self._build_graph(self._input_layer.output_tensor)

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if self._is_graph_network:
            return self._run_graph(inputs, training, mask)
        x = inputs
        for layer in self._seq_layers:
            kwargs = {"training": training} if layer._call_has_training and training is not None else {}
            x = layer(x, **kwargs)
        return x

    def _maybe_build(self, inputs: Any) -> None:
        if self._is_graph_network or isinstance(inputs, KerasTensor):
            return
        flat = nest.flatten(inputs)
        if len(flat) == 1 and hasattr(flat[0], "shape"):
            self.build((None,) + tuple(flat[0].shape)[1:])

    def get_config(self) -> dict:
        from ..saving.serialization import sequential_config
        return sequential_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        from ..saving.serialization import sequential_from_config
        return sequential_from_config(cls, config, custom_objects)
