"""``SpatialDropout1D`` / ``SpatialDropout2D``: drop whole feature maps (channels) while training."""
from __future__ import annotations

from typing import Any

from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_data_format
from ..layer import InputSpec
from .dropout import Dropout, dropout


class BaseSpatialDropout(Dropout):
    """Dropout whose mask is shared over the spatial axes (Keras's config: rate, seed, name, dtype)."""

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def _get_noise_shape(self, inputs: Any) -> tuple:
        """Channels-last: one decision per (sample, channel), shared over every spatial axis."""
        shape = tuple(inputs.shape)
        return (shape[0],) + (1,) * (len(shape) - 2) + (shape[-1],)

    def call(self, inputs: Any, training: Any = False) -> Any:
        if training and self.rate > 0:
            return dropout(inputs, self.rate, self._get_noise_shape(inputs), self.seed)
        return inputs

    def get_config(self) -> dict:
        return {"rate": self.rate, "seed": self.seed, "name": self.name, "dtype": self.dtype}


@register_layer("Regularization")
class SpatialDropout1D(BaseSpatialDropout):
    """For ``(batch, steps, channels)``: one keep/drop decision per (sample, channel)."""

    def __init__(self, rate: float, seed: int | None = None, name: str | None = None, dtype: Any = None,
                 **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.input_spec = InputSpec(ndim=3)



@register_layer("Regularization")
class SpatialDropout2D(BaseSpatialDropout):
    """For images: one keep/drop decision per (sample, channel)."""

    def __init__(self, rate: float, data_format: str | None = None, seed: int | None = None,
                 name: str | None = None, dtype: Any = None, **kwargs: Any) -> None:
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=4)

    def _get_noise_shape(self, inputs: Any) -> tuple:
        shape = tuple(inputs.shape)
        if self.data_format == "channels_first":
            return (shape[0], shape[1], 1, 1)
        return (shape[0], 1, 1, shape[3])

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}
