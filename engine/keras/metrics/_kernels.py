"""Small fused numpy kernels that metrics need (no gradients: metric updates are never differentiated).

Registered as engine ops so that ``engine.function`` traces and replays them
like any other op: slicing, ``unsorted_segment_sum``, a top-k mask and
``in_top_k`` (TF semantics).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework.core import OPS, Tensor, execute, register_op


def _op(name: str, kernel: Any) -> Any:
    return OPS.get(name) or register_op(name, kernel, None)


def _getitem_kernel(x: np.ndarray, key: Any) -> np.ndarray:
    return np.array(x[key])


def _segment_sum_kernel(data: np.ndarray, ids: np.ndarray, num_segments: int) -> np.ndarray:
    """Sum ``data`` into ``num_segments`` buckets along the last axis; out-of-range ids are dropped."""
    lead = data.shape[:-1]
    flat_d = data.reshape(-1, data.shape[-1])
    flat_i = ids.reshape(-1, ids.shape[-1]).astype(np.int64, copy=False)
    out = np.zeros((flat_d.shape[0], num_segments), dtype=data.dtype)
    for r in range(flat_d.shape[0]):
        ok = (flat_i[r] >= 0) & (flat_i[r] < num_segments)
        np.add.at(out[r], flat_i[r][ok], flat_d[r][ok])
    return out.reshape(lead + (num_segments,))


def _top_k_mask_kernel(x: np.ndarray, k: int) -> np.ndarray:
    """1 where an entry is among the ``k`` largest of its row (ties: lower index first, as ``top_k``)."""
    order = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    mask = np.zeros(x.shape, dtype=x.dtype)
    np.put_along_axis(mask, order, 1, axis=-1)
    return mask


def _in_top_k_kernel(targets: np.ndarray, predictions: np.ndarray, k: int) -> np.ndarray:
    """``tf.math.in_top_k``: the target's score has fewer than ``k`` strictly larger scores in its row."""
    n = predictions.shape[-1]
    t = targets.astype(np.int64, copy=False)
    valid = (t >= 0) & (t < n)
    safe = np.where(valid, t, 0)
    target_score = np.take_along_axis(predictions, safe[:, None], axis=-1)
    larger = (predictions > target_score).sum(axis=-1)
    finite = np.isfinite(predictions).all(axis=-1)
    return valid & finite & (larger < k)


_GETITEM = _op("KerasGetItem", _getitem_kernel)
_SEGMENT_SUM = _op("KerasUnsortedSegmentSum", _segment_sum_kernel)
_TOP_K_MASK = _op("KerasTopKMask", _top_k_mask_kernel)
_IN_TOP_K = _op("KerasInTopK", _in_top_k_kernel)


def getitem(x: Tensor, key: Any) -> Tensor:
    """Basic indexing (ints, slices, ``...``, ``None``) as an op."""
    return execute(_GETITEM, (x,), {"key": key})


def segment_sum(data: Tensor, segment_ids: Tensor, num_segments: int) -> Tensor:
    """``unsorted_segment_sum`` along the last axis (leading axes are batched)."""
    return execute(_SEGMENT_SUM, (data, segment_ids), {"num_segments": int(num_segments)})


def top_k_mask(x: Tensor, k: int) -> Tensor:
    return execute(_TOP_K_MASK, (x,), {"k": int(k)})


def in_top_k(targets: Tensor, predictions: Tensor, k: int) -> Tensor:
    return execute(_IN_TOP_K, (targets, predictions), {"k": int(k)})
