"""``keras.utils.set_random_seed``: seed every generator a training run draws from."""
from __future__ import annotations

import random

import numpy as np


def set_random_seed(seed: int) -> None:
    """Seed Python's ``random``, numpy's global generator and the engine's (``tf.random.set_seed``),
    as Keras 3 does, so that initial weights, shuffling and dropout repeat."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed} (of type {type(seed)})")
    from ... import random as tf_random  # noqa: PLC0415 - engine.random, avoids an import cycle

    random.seed(int(seed))
    np.random.seed(int(seed) % (2**32))
    tf_random.set_seed(int(seed))
