"""``Cropping1D``: remove steps from both ends of ``(batch, steps, channels)``."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_tuple
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer, _layer_error


@register_layer("Reshaping")
class Cropping1D(Layer):
    """``cropping``: an int (both ends) or ``(start, end)``."""

    def __init__(self, cropping: Any = (1, 1), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def _check(self, shape: tuple) -> None:
        if shape[1] is not None and sum(self.cropping) >= shape[1]:
            raise ValueError("`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
                             f"Received: inputs.shape={shape}, cropping={self.cropping}")

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        shape = tuple(inputs.shape)
        try:
            self._check(shape)
        except ValueError as e:
            raise _layer_error(self, inputs, e) from None
        length = None if shape[1] is None else shape[1] - sum(self.cropping)
        return KerasTensor((shape[0], length, shape[2]), inputs.dtype)

    def call(self, inputs: Any) -> Any:
        self._check(tuple(inputs.shape))
        start, end = self.cropping
        return inputs[:, start:inputs.shape[1] - end, :]

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping}
