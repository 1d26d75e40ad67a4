"""``Wrapper``: base of layers that wrap another layer (``TimeDistributed``)."""
from __future__ import annotations

from typing import Any

from ...saving.serialization import deserialize_keras_object, serialize_keras_object
from ..layer import Layer
from .sublayer import build_sublayer


class Wrapper(Layer):
    """Holds ``self.layer``; its weights are the wrapper's weights."""

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Layer {layer} supplied to Wrapper isn't a supported layer type. Please ensure "
                             "wrapped layer is a valid Keras layer.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        build_sublayer(self.layer, input_shape, self.name)
        self.built = True

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Wrapper":
        config = dict(config)
        layer = deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        from ..layer import _known_kwargs
        return cls(layer, **{k: v for k, v in _known_kwargs(cls, config).items() if k != "layer"})
