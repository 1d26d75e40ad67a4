"""``Cropping2D``: remove rows and columns from the borders of images."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_data_format
from ..keras_tensor import KerasTensor
from ..layer import InputSpec, Layer, _layer_error
from .zero_padding2d import pairs_2d


@register_layer("Reshaping")
class Cropping2D(Layer):
    """``cropping``: int, ``(h, w)`` or ``((top, bottom), (left, right))``."""

    def __init__(self, cropping: Any = ((0, 0), (0, 0)), data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = pairs_2d(cropping, "cropping", "Cropping2D")
        self.input_spec = InputSpec(ndim=4)

    def _spatial(self) -> tuple:
        return (2, 3) if self.data_format == "channels_first" else (1, 2)

    def _check(self, shape: tuple) -> None:
        h, w = self._spatial()
        if (shape[h] is not None and sum(self.cropping[0]) >= shape[h]) or \
                (shape[w] is not None and sum(self.cropping[1]) >= shape[w]):
            raise ValueError("Values in `cropping` argument should be smaller than the corresponding spatial "
                             f"dimension of the input. Received: inputs.shape={shape}, cropping={self.cropping}")

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        shape = list(inputs.shape)
        try:
            self._check(tuple(shape))
        except ValueError as e:
            raise _layer_error(self, inputs, e) from None
        for axis, crop in zip(self._spatial(), self.cropping):
            if shape[axis] is not None:
                shape[axis] -= sum(crop)
        return KerasTensor(shape, inputs.dtype)

    def call(self, inputs: Any) -> Any:
        shape = tuple(inputs.shape)
        self._check(shape)
        (top, bottom), (left, right) = self.cropping
        h, w = self._spatial()
        rows, cols = slice(top, shape[h] - bottom), slice(left, shape[w] - right)
        if self.data_format == "channels_first":
            return inputs[:, :, rows, cols]
        return inputs[:, rows, cols, :]

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}
