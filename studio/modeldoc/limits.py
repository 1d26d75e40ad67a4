"""Size limits that keep one document from exhausting the server.

Building a layer allocates its weights, and the engine infers output shapes
by running each layer on a batch of one; a document with ``units: 10**9`` or
a 100000x100000 input would take the process down. Before a layer is built,
:func:`layer_cost` gives an upper estimate of its weight count and of the
largest array its shape inference touches, from its config and input shapes
(generic: sizes found anywhere in the config, wrapped layers included).
"""
from __future__ import annotations

import math
from typing import Any

#: Largest weight count of one layer, and of the whole model.
MAX_LAYER_PARAMS = 50_000_000
MAX_TOTAL_PARAMS = 100_000_000
#: Largest per-sample array a layer's shape inference may create (elements).
MAX_ACTIVATION = 100_000_000

_SIZE_KEYS = ("units", "filters")
_WINDOW_KEYS = ("kernel_size", "pool_size", "size")


def _ints(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        return [i for v in value for i in _ints(v)]
    return []


def _find(config: Any, key: str, depth: int = 0) -> list:
    """Every value of ``key`` in ``config`` and its nested configs (a wrapped layer, a cell)."""
    if depth > 6:
        return []
    out = []
    if isinstance(config, dict):
        for k, v in config.items():
            if k == key:
                out.append(v)
            elif isinstance(v, (dict, list)):
                out.extend(_find(v, key, depth + 1))
    elif isinstance(config, list):
        for v in config:
            out.extend(_find(v, key, depth + 1))
    return out


def _largest(config: dict, key: str) -> int:
    values = [i for v in _find(config, key) for i in _ints(v)]
    return max([abs(v) for v in values] + [1])


def _window(config: dict) -> int:
    best = 1
    for key in _WINDOW_KEYS:
        for v in _find(config, key):
            ints = [abs(i) for i in _ints(v)] or [1]
            best = max(best, math.prod(ints) if len(ints) > 1 else ints[0] ** 2)
    return best


def layer_cost(config: dict, input_shapes: list[tuple]) -> tuple[int, int]:
    """``(weights, activation)``: upper estimates of the layer's weight count and largest array."""
    last = max([int(s[-1]) for s in input_shapes if s and s[-1] is not None] + [1])
    per_sample = max([math.prod(int(d) for d in s[1:] if d is not None) for s in input_shapes] + [1])
    size = max(_largest(config, k) for k in _SIZE_KEYS)
    window = _window(config)
    vocabulary = _largest(config, "input_dim") * _largest(config, "output_dim")
    recurrent = bool(_find(config, "recurrent_activation") or _find(config, "recurrent_initializer"))
    gates = 8 if recurrent else 1  # 4 gates (LSTM), twice in a Bidirectional
    weights = max(gates * size * (last * window + (size if recurrent else 0) + 1), vocabulary,
                  _largest(config, "depth_multiplier") * last * window, last * 4)
    spatial = max([len(s) - 2 for s in input_shapes] + [1])
    padding = max([abs(i) for v in _find(config, "padding") for i in _ints(v)] + [0])
    grows = 1
    if "output_padding" in config:  # a transposed convolution: strides multiply the size
        strides = [abs(i) for v in _find(config, "strides") for i in _ints(v)] or [1]
        grows = math.prod(strides) if len(strides) > 1 else strides[0] ** spatial
    growth = max(window * grows, _largest(config, "n"), _largest(config, "output_dim"),
                 _largest(config, "num_tokens"), _largest(config, "depth_multiplier"), (1 + 2 * padding) ** spatial, 1)
    activation = max(per_sample * growth, (per_sample // last) * size * gates)
    return weights, activation


def cost_problem(config: dict, input_shapes: list[tuple]) -> str | None:
    """Why building this layer is refused, or None."""
    weights, activation = layer_cost(config, input_shapes)
    if weights > MAX_LAYER_PARAMS:
        return (f"would have about {weights:,} weights; the studio builds layers of at most "
                f"{MAX_LAYER_PARAMS:,}")
    if activation > MAX_ACTIVATION:
        return (f"would produce about {activation:,} values per sample; the studio's limit is "
                f"{MAX_ACTIVATION:,}")
    return None


def input_problem(shape: list) -> str | None:
    """Why an input shape is refused (too many values per sample), or None."""
    per_sample = math.prod(int(d) for d in shape[1:] if d is not None) if len(shape) > 1 else 1
    if per_sample > MAX_ACTIVATION:
        return f"has {per_sample:,} values per sample; the studio's limit is {MAX_ACTIVATION:,}"
    return None
