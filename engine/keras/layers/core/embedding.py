"""``Embedding``: maps integer ids to dense vectors (a row gather from ``embeddings``)."""
from __future__ import annotations

import warnings
from typing import Any

from ....ops import api as tf
from ... import constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import Layer


def _positive_int(value: Any, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value} "
                         f"(of type {type(value).__name__}).")


@register_layer("Core")
class Embedding(Layer):
    """Turn ids in ``[0, input_dim)`` into ``output_dim``-vectors; ``mask_zero`` masks id 0."""

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None, mask_zero: bool = False,
                 weights: Any = None, lora_rank: int | None = None, lora_alpha: float | None = None,
                 quantization_config: Any = None, **kwargs: Any) -> None:
        _positive_int(input_dim, "input_dim")
        _positive_int(output_dim, "output_dim")
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Argument `input_length` is deprecated. Just remove it.", stacklevel=2)
        if quantization_config is not None:
            raise ValueError(f"Embedding: quantized embeddings are not supported by this engine. "
                             f"Received: quantization_config={quantization_config}")
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.autocast = False
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        self.quantization_config = None
        if weights is not None:
            self.build()
            if not (isinstance(weights, list) and len(weights) == 1):
                weights = [weights]
            self.set_weights(weights)

    def build(self, input_shape: Any = None) -> None:
        if self.built:
            return
        self._embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                           initializer=self.embeddings_initializer, name="embeddings",
                                           regularizer=self.embeddings_regularizer,
                                           constraint=self.embeddings_constraint, trainable=True)
        self.built = True
        if self.lora_rank:
            self.enable_lora(self.lora_rank, self.lora_alpha)

    @property
    def embeddings(self) -> Any:
        """The ``[input_dim, output_dim]`` table (plus the scaled LoRA product when enabled)."""
        if not self.built:
            raise AttributeError("You must build the layer before accessing `embeddings`.")
        if self.lora_enabled:
            return tf.add(self._embeddings, tf.multiply(self.lora_alpha / self.lora_rank,
                                                        tf.matmul(self.lora_embeddings_a, self.lora_embeddings_b)))
        return self._embeddings

    def enable_lora(self, rank: int, lora_alpha: float | None = None, a_initializer: Any = "he_uniform",
                    b_initializer: Any = "zeros") -> None:
        """Freeze ``embeddings`` and learn a rank-``rank`` update ``a @ b`` (Keras's LoRA)."""
        if self.embeddings_constraint:
            raise ValueError("Lora is incompatible with embedding constraints. In order to enable lora on this "
                             "layer, remove the `embeddings_constraint` argument.")
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        self.lora_embeddings_a = self.add_weight(name="lora_embeddings_a", shape=(self.input_dim, rank),
                                                 initializer=initializers.get(a_initializer),
                                                 regularizer=self.embeddings_regularizer)
        self.lora_embeddings_b = self.add_weight(name="lora_embeddings_b", shape=(rank, self.output_dim),
                                                 initializer=initializers.get(b_initializer),
                                                 regularizer=self.embeddings_regularizer)
        self._embeddings.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def call(self, inputs: Any) -> Any:
        if inputs.dtype.name not in ("int32", "int64"):
            inputs = tf.cast(inputs, "int32")
        # negative ids count from the end (Keras's ``ops.take`` "fill" mode)
        inputs = tf.where(tf.less(inputs, 0), tf.add(inputs, tf.cast(self.input_dim, inputs.dtype)), inputs)
        return tf.cast(tf.gather(self.embeddings, inputs, axis=0), self.compute_dtype)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if not self.mask_zero:
            return None
        return tf.not_equal(inputs, tf.cast(0, inputs.dtype))

    def get_config(self) -> dict:
        config = {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
        if self.lora_rank:
            config["lora_rank"] = self.lora_rank
            config["lora_alpha"] = self.lora_alpha
        return config
