"""Fused numpy kernels shared by every optimizer: weight decay and gradient clipping.

Each is one registered engine op (no vjp: optimizer updates are never
differentiated), so an eager step runs one kernel per variable and a traced
step replays one equation.  Kernels never mutate their inputs: they compute
into fresh temporaries (``out=`` on arrays they allocated themselves).
The per-optimizer update kernels live beside their classes (``adam.py`` ...).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework.core import register_op


def out_of(x: Any) -> Any:
    """``x`` when it is a fresh ndarray usable as ``out=``; None (allocate) for numpy scalars."""
    return x if type(x) is np.ndarray else None


def as_array(x: Any, dtype: Any = None) -> np.ndarray:
    """A 0-d-safe ndarray (numpy scalars from 0-d math become 0-d arrays)."""
    if type(x) is np.ndarray and (dtype is None or x.dtype == dtype):
        return x
    return np.asarray(x, dtype=dtype)


def _weight_decay_kernel(var: np.ndarray, lr: np.ndarray, *, weight_decay: float) -> np.ndarray:
    # Keras (TF backend): variable.assign_sub(variable * wd * lr)
    t = np.multiply(var, np.asarray(weight_decay, var.dtype))
    t = np.multiply(t, lr, out=out_of(t))
    return np.subtract(var, t, out=out_of(t))


def _clip_by_norm_kernel(t: np.ndarray, *, clip_norm: float) -> np.ndarray:
    # tf.clip_by_norm(t, clip_norm): t * clip / maximum(l2norm, clip), with the
    # two-tap where so an all-zero tensor stays zero.
    l2sum = np.sum(np.square(t), keepdims=True)
    l2norm = np.where(l2sum > 0, np.sqrt(np.where(l2sum > 0, l2sum, np.ones_like(l2sum))), l2sum)
    c = np.asarray(clip_norm, t.dtype)
    inter = np.multiply(t, c)
    return np.divide(inter, np.maximum(l2norm, c), out=out_of(inter))


def _global_clip_scale_kernel(*grads: np.ndarray, clip_norm: float) -> np.ndarray:
    # keras base_optimizer.clip_by_global_norm: the factor every gradient is multiplied by.
    dt = grads[0].dtype
    sq = np.asarray([np.sum(np.square(g)) for g in grads], dtype=dt)
    use_norm = np.sqrt(np.sum(sq)).astype(dt)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = np.divide(np.asarray(1.0, dt), use_norm)
        scale = np.multiply(np.asarray(clip_norm, dt), np.minimum(inv, np.asarray(1.0, dt) / np.asarray(clip_norm, dt)))
        scale = scale + (use_norm - use_norm)
    return as_array(scale, dt)


WEIGHT_DECAY = register_op("KerasOptimizerWeightDecay", _weight_decay_kernel, None)
CLIP_BY_NORM = register_op("KerasOptimizerClipByNorm", _clip_by_norm_kernel, None)
GLOBAL_CLIP_SCALE = register_op("KerasOptimizerGlobalClipScale", _global_clip_scale_kernel, None)
