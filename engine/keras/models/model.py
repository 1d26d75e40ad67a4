"""``keras.Model``: a Layer with a training API; Functional when built from inputs/outputs.

``Model(inputs, outputs)`` (or a subclass calling ``super().__init__(inputs,
outputs)``) runs its graph of layer calls; a subclass that defines ``call`` is
a subclassed model.  Training lives in :class:`~engine.keras.trainers.trainer.Trainer`.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import nest
from ...framework.core import Tensor
from .. import backend
from ..layers.keras_tensor import KerasTensor
from ..layers.layer import Layer, _current_training, _context
from ..saving.object_registry import register_layer
from ..trainers.trainer import Trainer
from .graph import map_graph


def _is_graph_init(args: tuple, kwargs: dict) -> bool:
    return (len(args) >= 2 or ("inputs" in kwargs and "outputs" in kwargs)
            or (len(args) == 1 and "outputs" in kwargs))


class Model(Trainer, Layer):
    """Groups layers into an object with training and inference features."""

    def __new__(cls, *args: Any, **kwargs: Any) -> "Model":
        if cls is Model and _is_graph_init(args, kwargs):
            return object.__new__(Functional)
        return object.__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        Trainer.__init__(self)
        if _is_graph_init(args, kwargs):
            inputs = args[0] if args else kwargs.pop("inputs")
            outputs = args[1] if len(args) > 1 else kwargs.pop("outputs")
            if args:
                kwargs.pop("inputs", None)
                kwargs.pop("outputs", None)
            name = kwargs.pop("name", None) or backend.unique_name("functional")
            trainable = kwargs.pop("trainable", True)
            Layer.__init__(self, name=name, trainable=trainable, **kwargs)
            self._init_graph(inputs, outputs)
        else:
            name = kwargs.pop("name", None)
            Layer.__init__(self, name=name, **kwargs)
            self._is_graph_network = False

    # -- graph ---------------------------------------------------------------------
    def _init_graph(self, inputs: Any, outputs: Any) -> None:
        self._tracking = False
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        flat_in = nest.flatten(inputs)
        flat_out = nest.flatten(outputs)
        for t in flat_in:
            if not isinstance(t, KerasTensor):
                raise ValueError(f"All `inputs` values must be KerasTensors (from keras.Input). Received: {t!r}")
        self.inputs = flat_in
        self.outputs = flat_out
        self._run_nodes, layers = map_graph(flat_in, flat_out)
        self._layers = layers
        self._is_graph_network = True
        self.built = True
        self._tracking = True

    @property
    def layers(self) -> list:
        return list(self._layers)

    @layers.setter
    def layers(self, value: Any) -> None:
        raise AttributeError("`Model.layers` attribute is reserved and should not be used.")

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer by name or by index in ``layers``."""
        if index is not None and name is not None:
            raise ValueError("Provide only a layer name or a layer index.")
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[l.name for l in self.layers]}.")

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if not getattr(self, "_is_graph_network", False):
            raise TypeError(f"Model {self.name} must define `call()` or be built from inputs and outputs.")
        return self._run_graph(inputs, training, mask)

    def _run_graph(self, inputs: Any, training: Any, mask: Any) -> Any:
        flat = _match_inputs(self._inputs_struct, inputs, self.name)
        values: dict = {}
        for t, x in zip(self.inputs, flat):
            values[id(t)] = x
        for node in self._run_nodes:
            args = _substitute(node._input_structure, values)
            kwargs = _substitute(node.call_kwargs, values)   # symbolic kwargs, e.g. initial_state
            if training is not None and node.layer._call_has_training and "training" not in kwargs:
                kwargs["training"] = training
            extra = tuple(_substitute(a, values) for a in node.call_args[1:])
            out = node.layer(args, *extra, **kwargs)
            for t, v in zip(node.output_tensors, nest.flatten(out)):
                values[id(t)] = v
        out = nest.pack_sequence_as(self._outputs_struct, [values[id(t)] for t in self.outputs])
        if isinstance(out, (list, tuple)) and len(out) == 1:  # Keras 3: unpack_singleton
            return out[0]
        return out

    def _maybe_build(self, inputs: Any) -> None:
        if getattr(self, "_is_graph_network", False):
            return
        if not self.built:
            shapes = nest.map_structure(lambda t: tuple(t.shape) if hasattr(t, "shape") else None, inputs)
            self._build_shapes = shapes
            if type(self).build is not Layer.build:
                self.build(shapes)
            self.built = True

    def build(self, input_shape: Any = None) -> None:
        if getattr(self, "_is_graph_network", False) or self.built:
            self.built = True
            return
        if input_shape is not None and type(self).build is Model.build:
            from ..layers.input_layer import Input
            shapes = input_shape
            if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
                dummy = [Input(batch_shape=tuple(s)) for s in shapes]
            else:
                dummy = Input(batch_shape=tuple(shapes))
            try:
                self(dummy)
            except Exception:  # noqa: BLE001 - Keras also ignores a failed symbolic build here
                pass
        self.built = True

    @property
    def input(self) -> Any:
        """The model's input KerasTensor (a list for several inputs), as in Keras 3."""
        ins = getattr(self, "inputs", None)
        if ins:
            return ins[0] if len(ins) == 1 else list(ins)
        return Layer.input.fget(self)

    @property
    def output(self) -> Any:
        """The model's output KerasTensor (a list for several outputs), as in Keras 3."""
        outs = getattr(self, "outputs", None)
        if outs:
            return outs[0] if len(outs) == 1 else list(outs)
        return Layer.output.fget(self)

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Any = None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
        """Print Keras's summary table (layers, output shapes, parameter counts)."""
        from ..utils.summary import print_summary
        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      show_trainable=show_trainable)

    def get_config(self) -> dict:
        from ..saving.serialization import functional_config
        if getattr(self, "_is_graph_network", False):
            return functional_config(self)
        return Layer.get_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        from ..saving.serialization import functional_from_config
        if "layers" in config:
            return functional_from_config(cls if cls is not Model else Functional, config, custom_objects)
        return cls(**config)

    def to_json(self, **kwargs: Any) -> str:
        """Keras-2 / TF.js style JSON topology (see formats.md §1.8)."""
        from ..saving.serialization import model_to_json
        return model_to_json(self, **kwargs)

    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        from ..saving.weights_io import save_weights
        save_weights(self, filepath)

    def load_weights(self, filepath: str, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Load a Keras 3 ``.weights.h5``, or a legacy (Keras 2 style) ``.h5`` / ``.hdf5`` weights file
        (matched by layer name; ``by_name=`` as in Keras 2)."""
        path = str(filepath)
        if path.endswith((".h5", ".hdf5")) and not path.endswith(".weights.h5"):
            from ..saving.legacy_h5 import load_legacy_h5_weights
            load_legacy_h5_weights(self, path, skip_mismatch=skip_mismatch, by_name=kwargs.get("by_name"))
            return
        from ..saving.weights_io import load_weights
        load_weights(self, filepath)

    def save(self, filepath: str, overwrite: bool = True, **kwargs: Any) -> None:
        from ..saving.keras_file import save_model
        save_model(self, filepath)

    def export(self, filepath: str, format: str = "tf_saved_model", **kwargs: Any) -> Any:
        from ...export import export_model
        return export_model(self, filepath, format=format, **kwargs)


@register_layer("Models", "Model")
class Functional(Model):
    """A Model defined by a graph of layer calls from ``inputs`` to ``outputs``."""


def _match_inputs(struct: Any, inputs: Any, model_name: str) -> list:
    if isinstance(struct, dict) and isinstance(inputs, dict):
        missing = [k for k in struct if k not in inputs]
        if missing:
            raise ValueError(f"Missing data for input(s) {missing} of model {model_name}")
        return nest.flatten({k: inputs[k] for k in struct})
    flat_struct = nest.flatten(struct)
    if isinstance(inputs, dict):
        by_name = [inputs.get(t.name) for t in flat_struct]
        if all(v is not None for v in by_name):
            return by_name
    flat = nest.flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
    if len(flat) != len(flat_struct):
        raise ValueError(f"Model {model_name} expects {len(flat_struct)} input(s), but it received "
                         f"{len(flat)} input tensors.")
    return flat


def _substitute(struct: Any, values: dict) -> Any:
    if isinstance(struct, KerasTensor):
        return values[id(struct)]
    if isinstance(struct, (list, tuple)):
        return type(struct)(_substitute(s, values) for s in struct) if not hasattr(struct, "_fields") else struct
    if isinstance(struct, dict):
        return {k: _substitute(v, values) for k, v in struct.items()}
    return struct
