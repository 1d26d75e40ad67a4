"""Sliding-window geometry shared by convolution and pooling (TF's exact arithmetic).

Everything here works on channels-last arrays ``(N, *spatial, C)`` with any
number of spatial dims.  ``geometry`` reproduces TensorFlow's
``GetWindowedOutputSizeVerbose``: SAME gives ``ceil(in / stride)`` outputs and
pads ``max((out - 1) * stride + eff_k - in, 0)`` in total, the extra element
at the end; VALID and explicit padding give
``(in + pad_before + pad_after - eff_k + stride) / stride`` (C++ division).
"""
from __future__ import annotations

import functools
import itertools
from typing import Any, Sequence

import numpy as np

from ..framework.core import Tensor
from ..framework.errors import InvalidArgumentError, UnimplementedError


def get_sequence(value: Any, n: int, channel_index: int, name: str) -> tuple:
    """TF's ``_get_sequence``: int / 1 / n / n+2 values → a full ``n + 2`` tuple of ints."""
    if value is None:
        return (1,) * (n + 2)
    if isinstance(value, Tensor):
        value = value._np.tolist()
    if isinstance(value, (int, np.integer)):
        value = [value]
    elif isinstance(value, np.ndarray):
        value = value.reshape(-1).tolist()
    else:
        value = list(value)
    ln = len(value)
    if ln == n + 2:
        return tuple(int(v) for v in value)
    if ln == 1:
        value = value * n
    elif ln != n:
        raise ValueError(f"{name} should be of length 1, {n} or {n + 2}. Received: {name}={value} of length {ln}")
    value = [int(v) for v in value]
    if channel_index == 1:
        return (1, 1, *value)
    return (1, *value, 1)


def convert_padding(padding: Any, expected_length: int) -> tuple:
    """TF's ``convert_padding``: a string, or a list of ``[before, after]`` pairs → (str, flat tuple)."""
    if isinstance(padding, (list, tuple)):
        flat = []
        for i, pair in enumerate(padding):
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise ValueError("When `padding` is a list, each element of `padding` must be a list/tuple "
                                 f"of size 2. Received: padding={padding} with element at index {i} "
                                 f"of {pair!r}")
            flat.extend(int(p) for p in pair)
        if len(padding) != expected_length:
            raise ValueError(f"When padding is a list, it must be of size {expected_length}. "
                             f"Received: padding={padding} of size {len(padding)}")
        return "EXPLICIT", tuple(flat)
    if isinstance(padding, bytes):
        padding = padding.decode()
    if padding == "EXPLICIT":
        raise ValueError('"EXPLICIT" is not a valid value for `padding`. To use explicit padding, '
                         "`padding` must be a list.")
    if padding not in ("SAME", "VALID"):
        raise InvalidArgumentError(None, None, f"Value for attr 'padding' of \"{padding}\" is not in the list of "
                                               "allowed values: \"SAME\", \"VALID\", \"EXPLICIT\"")
    return padding, ()


def check_explicit(explicit: tuple, op: str) -> None:
    """Explicit paddings must be non-negative and zero on the batch and depth dims."""
    if any(p < 0 for p in explicit):
        raise InvalidArgumentError(None, op, f"All elements of explicit_paddings must be nonnegative [Op:{op}]")
    if explicit[:2] != (0, 0) or explicit[-2:] != (0, 0):
        raise InvalidArgumentError(None, op, "Nonzero explicit padding in the batch or depth dimensions is "
                                             f"not supported [Op:{op}]")


def check_window_strides(strides: tuple, op: str, what: str = "strides") -> None:
    if strides[0] != 1 or strides[-1] != 1:
        raise UnimplementedError(None, op, f"Current implementation does not yet support {what} in the batch "
                                           f"and depth dimensions. [Op:{op}]")
    if any(s < 1 for s in strides):
        raise InvalidArgumentError(None, op, f"Row and column {what} should be larger than 0. [Op:{op}]")


def _cdiv(a: int, b: int) -> int:
    """C++ integer division (truncates toward zero)."""
    return a // b if a >= 0 else -((-a) // b)


@functools.lru_cache(maxsize=4096)
def geometry(in_sp: tuple, k_sp: tuple, strides: tuple, dilations: tuple, padding: str,
             explicit: tuple, op: str = "Conv2D") -> tuple:
    """→ (out spatial sizes, ((before, after), ...) per spatial dim).

    ``strides``/``dilations`` are spatial; ``explicit`` is the flat full-rank
    explicit_paddings tuple (only read when padding == "EXPLICIT").
    """
    out, pads = [], []
    for i, (n, k, s, d) in enumerate(zip(in_sp, k_sp, strides, dilations)):
        eff = (k - 1) * d + 1
        if padding == "SAME":
            o = _cdiv(n + s - 1, s)
            total = max((o - 1) * s + eff - n, 0)
            before = total // 2
            pb = (before, total - before)
        else:
            pb = (explicit[2 * (i + 1)], explicit[2 * (i + 1) + 1]) if padding == "EXPLICIT" else (0, 0)
            o = _cdiv(n + pb[0] + pb[1] - eff + s, s)
        if o < 0:
            raise InvalidArgumentError(None, op, f"Computed output size would be negative: {o} [input_size: {n}, "
                                                 f"effective_filter_size: {eff}, stride: {s}] [Op:{op}]")
        out.append(o)
        pads.append(pb)
    return tuple(out), tuple(pads)


def pad(x: np.ndarray, pads: tuple, value: Any = 0) -> np.ndarray:
    """Pad the spatial dims of a channels-last array; a C-contiguous result (``x`` itself if it already is)."""
    if not any(map(any, pads)):
        return x if x.flags.c_contiguous else np.ascontiguousarray(x)
    sp = x.shape
    shape = [sp[0]]
    for n, (b, a) in zip(sp[1:-1], pads):
        shape.append(n + b + a)
    shape.append(sp[-1])
    xp = np.zeros(shape, x.dtype) if value == 0 else np.full(shape, value, x.dtype)
    xp[interior(sp, pads)] = x
    return xp


def interior(shape: tuple, pads: tuple) -> tuple:
    """Index of the unpadded region inside a padded array."""
    idx = [slice(None)]
    for n, (b, _) in zip(shape[1:-1], pads):
        idx.append(slice(b, b + n))
    idx.append(slice(None))
    return tuple(idx)


def taps(k_sp: Sequence[int]) -> list:
    """Window tap positions in row-major order (TF's scan order)."""
    return list(itertools.product(*[range(k) for k in k_sp]))


def window(tap: tuple, out_sp: tuple, strides: tuple, dilations: tuple) -> tuple:
    """Index of the strided view of a padded input seen by one window tap."""
    return (slice(None),) + tuple(slice(t * d, t * d + (o - 1) * s + 1, s)
                                  for t, o, s, d in zip(tap, out_sp, strides, dilations)) + (slice(None),)


def is_padded(pads: tuple) -> bool:
    return any(map(any, pads))
