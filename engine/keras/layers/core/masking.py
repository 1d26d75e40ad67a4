"""``Masking``: masks timesteps whose features all equal ``mask_value``."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Core")
class Masking(Layer):
    """Zero the timesteps where every feature equals ``mask_value`` and mask them for later layers."""

    def __init__(self, mask_value: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config") is not None:
            mask_value = mask_value["config"]
            mask_value = mask_value.get("value", mask_value) if isinstance(mask_value, dict) else mask_value
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return tf.reduce_any(tf.not_equal(inputs, tf.cast(self.mask_value, inputs.dtype)), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = tf.reduce_any(tf.not_equal(inputs, tf.cast(self.mask_value, inputs.dtype)), axis=-1, keepdims=True)
        outputs = tf.where(keep, inputs, tf.zeros_like(inputs))
        outputs._keras_mask = tf.squeeze(keep, axis=-1)
        return outputs

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}
