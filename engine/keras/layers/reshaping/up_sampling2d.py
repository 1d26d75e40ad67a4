"""``UpSampling2D``: enlarge images by integer factors (nearest-neighbour or bilinear)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...utils.argument_validation import standardize_data_format, standardize_tuple
from ..layer import InputSpec, Layer

_INTERPOLATIONS = ("nearest", "bilinear")


def _bilinear_axis(x: Any, axis: int, factor: int) -> Any:
    """Resize one axis by ``factor`` as ``tf.image.resize(method="bilinear")`` does (half-pixel centres)."""
    n = int(x.shape[axis])
    out = np.arange(n * factor, dtype=np.float64)
    src = (out + 0.5) / factor - 0.5
    floor = np.floor(src)
    lower = np.maximum(floor, 0).astype(np.int32)
    upper = np.minimum(np.ceil(src), n - 1).astype(np.int32)
    lerp = (src - floor).astype(x.dtype.as_numpy_dtype)
    shape = [1] * x.ndim
    shape[axis] = n * factor
    lerp = tf.constant(lerp.reshape(shape))
    lo, hi = tf.gather(x, lower, axis=axis), tf.gather(x, upper, axis=axis)
    return tf.add(lo, tf.multiply(tf.subtract(hi, lo), lerp))


@register_layer("Reshaping")
class UpSampling2D(Layer):
    """Repeat rows ``size[0]`` and columns ``size[1]`` times, or interpolate bilinearly."""

    def __init__(self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest",
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in _INTERPOLATIONS:
            raise ValueError(f"UpSampling2D: `interpolation` must be one of {_INTERPOLATIONS} in this engine. "
                             f"Received: interpolation={interpolation}")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        h, w = (2, 3) if self.data_format == "channels_first" else (1, 2)
        if self.interpolation == "nearest":
            return tf.repeat(tf.repeat(inputs, self.size[0], axis=h), self.size[1], axis=w)
        return _bilinear_axis(_bilinear_axis(inputs, h, self.size[0]), w, self.size[1])

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}
