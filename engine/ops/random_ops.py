"""``tf.random``: seeded random ops."""
from __future__ import annotations

__all__: list = []
