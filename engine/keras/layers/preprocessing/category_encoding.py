"""``CategoryEncoding``: integer ids → one-hot, multi-hot or count vectors."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ..keras_tensor import KerasTensor
from ..layer import Layer

_MODES = ("count", "one_hot", "multi_hot")


@register_layer("Preprocessing")
class CategoryEncoding(Layer):
    """Encode ids in ``[0, num_tokens)``: ``one_hot`` per id, ``multi_hot``/``count`` over the last axis."""

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in _MODES:
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens is not known "
                             "beforehand, use the IntegerLookup layer instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError(f"CategoryEncoding '{self.name}': sparse outputs are not supported by this engine. "
                             f"Received: sparse={sparse}")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = False

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> KerasTensor:
        shape = tuple(inputs.shape)
        if len(shape) == 0:
            return KerasTensor((self.num_tokens,), self.compute_dtype)
        if self.output_mode == "one_hot" and (shape[-1] != 1 or len(shape) == 1):
            return KerasTensor(shape + (self.num_tokens,), self.compute_dtype)
        return KerasTensor(shape[:-1] + (self.num_tokens,), self.compute_dtype)

    def call(self, inputs: Any, count_weights: Any = None) -> Any:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("`count_weights` is not used when `output_mode` is not `'count'`. "
                             f"Received `count_weights={count_weights}`.")
        ids = inputs if inputs.dtype.is_integer else tf.cast(inputs, "int64")
        if ids.ndim == 0:
            ids = tf.expand_dims(ids, -1)
        if self.output_mode == "one_hot":
            if ids.ndim > 1 and ids.shape[-1] == 1:
                ids = tf.squeeze(ids, -1)
            return tf.one_hot(ids, self.num_tokens, dtype=self.compute_dtype)
        if ids.ndim > 2:
            raise ValueError("When output_mode is not `'int'`, maximum supported output rank is 2. Received "
                             f"output_mode {self.output_mode} and input shape {tuple(inputs.shape)}, which would "
                             f"result in output rank {ids.ndim}.")
        hot = tf.one_hot(ids, self.num_tokens, dtype=self.compute_dtype)
        if self.output_mode == "multi_hot":
            return tf.reduce_max(hot, axis=-2)
        if count_weights is not None:
            hot = tf.multiply(hot, tf.expand_dims(tf.cast(count_weights, self.compute_dtype), -1))
        return tf.reduce_sum(hot, axis=-2)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}
