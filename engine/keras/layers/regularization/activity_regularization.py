"""``ActivityRegularization``: adds an L1/L2 penalty on its input to the model's losses."""
from __future__ import annotations

from typing import Any

from ... import regularizers
from ...saving.object_registry import register_layer
from ..layer import Layer


@register_layer("Regularization")
class ActivityRegularization(Layer):
    """Identity on the data; each call adds ``(l1 * sum|x| + l2 * sum x²) / batch_size`` to ``losses``."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any) -> None:
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
