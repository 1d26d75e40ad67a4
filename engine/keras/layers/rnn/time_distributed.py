"""``TimeDistributed``: apply a layer to every temporal slice of its input."""
from __future__ import annotations

from typing import Any

from ....framework import nest
from ....ops import api as tf
from ...saving.object_registry import register_layer
from ..layer import Layer
from .wrapper import Wrapper


@register_layer("Recurrent")
class TimeDistributed(Wrapper):
    """``[batch, time, ...]`` → ``layer`` on ``[batch * time, ...]`` → ``[batch, time, ...]`` (one call)."""

    def __init__(self, layer: Layer, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. "
                             f"Received: {layer}")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape: Any) -> tuple:
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with at least 3 "
                             f"dimensions, received: {input_shape}")
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape: Any) -> tuple:
        child_out = self.layer.compute_output_shape(self._get_child_input_shape(input_shape))
        return (child_out[0], input_shape[1], *child_out[1:])

    def build(self, input_shape: Any) -> None:
        super().build(self._get_child_input_shape(tuple(input_shape)))

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        shape = tuple(inputs.shape)
        if mask is not None:
            mshape = tuple(mask.shape)
            if len(mshape) < 2:
                raise ValueError("The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., "
                                 f"`(batch_size, timesteps)`), but it has {len(mshape)} dimension(s) with shape "
                                 f"{mshape}.")
            if mshape[:2] != shape[:2]:
                raise ValueError(f"The `mask` passed to the `TimeDistributed` layer has a shape {mshape} that is "
                                 f"incompatible with the input shape {shape}. The first two dimensions of the mask "
                                 "(batch size and timesteps) must match the input's first two dimensions. "
                                 f"Expected mask shape prefix: ({shape[0]}, {shape[1]}).")
        batch, steps = int(shape[0]), int(shape[1])
        x = tf.reshape(inputs, [batch * steps, *shape[2:]])
        kwargs = {}
        if self.layer._call_has_mask and mask is not None:
            kwargs["mask"] = tf.reshape(mask, [batch * steps, *tuple(mask.shape)[2:]])
        if self.layer._call_has_training:
            kwargs["training"] = training
        y = self.layer.call(x, **kwargs)
        return nest.map_structure(lambda t: tf.reshape(t, [batch, steps, *tuple(t.shape)[1:]]), y)
