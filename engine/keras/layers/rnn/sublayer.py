"""Building a layer's sublayers the way Keras does (weight paths and build configs)."""
from __future__ import annotations

from typing import Any

from ....framework.tensor_shape import TensorShape
from ..layer import Layer, name_scope


def build_sublayer(layer: Any, input_shape: Any, scope: str) -> None:
    """Build ``layer`` under ``scope`` (weight paths ``scope/layer/...``) and record its build config.

    As in Keras, a nested layer serializes with ``build_config`` (its input shape)
    when it was built by its parent; a layer built at construction has none.
    """
    if not isinstance(layer, Layer) or layer.built:
        return
    with name_scope(scope):
        layer.build(input_shape)
    layer.built = True
    nested = isinstance(input_shape, (list, tuple)) and bool(input_shape) and isinstance(input_shape[0], (list, tuple))
    layer._build_shapes = input_shape if nested else TensorShape(input_shape)
