"""``tf.nn``: activations, softmax, dropout, convolution, pooling, normalization, losses."""
from __future__ import annotations

__all__: list = []
