"""``Rescaling``: ``inputs * scale + offset`` (e.g. ``scale=1/255`` for pixel values)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ....ops import api as tf
from ... import backend
from ...saving.object_registry import register_layer
from ..core.lambda_layer import deserialize_value, serialize_value
from ..layer import Layer


@register_layer("Preprocessing")
class Rescaling(Layer):
    """Cast to the layer dtype, multiply by ``scale`` and add ``offset`` (scalars or per-channel arrays)."""

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scale = deserialize_value(scale)
        self.offset = deserialize_value(offset)
        self.supports_masking = True

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype
        scale = tf.cast(np.asarray(self.scale), dtype)
        offset = tf.cast(np.asarray(self.offset), dtype)
        if scale.ndim > 0 and backend.image_data_format() == "channels_first":
            scale = tf.reshape(scale, tuple(scale.shape) + (1,) * (3 - scale.ndim))
        return tf.add(tf.multiply(tf.cast(inputs, dtype), scale), offset)

    def get_config(self) -> dict:
        return {**super().get_config(), "scale": serialize_value(self.scale), "offset": serialize_value(self.offset)}
