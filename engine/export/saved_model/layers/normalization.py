"""Normalization in inference form: BatchNormalization (``FusedBatchNormV3``, is_training=false, on
4-D channels-last input; folded ``Mul``/``AddV2`` otherwise), Layer/Group/Unit/RMS normalization."""
from __future__ import annotations

import numpy as np

from ..graph import GT
from ..protos import attr as A
from .base import Call, converter, to_numpy


def _axes(layer: object, rank: int) -> list:
    axis = layer.axis
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    return sorted(int(a) % rank for a in axes)


def _param(layer: object, name: str, flag: str, fill: float, size: tuple, dtype: np.dtype) -> np.ndarray:
    """gamma/beta as arrays (ones/zeros when the layer has ``scale``/``center`` off)."""
    if getattr(layer, flag, True) and getattr(layer, name, None) is not None:
        return to_numpy(getattr(layer, name), dtype)
    return np.full(size, fill, dtype=dtype)


@converter("BatchNormalization", masks=True)
def _batch_norm(call: Call) -> GT:
    g, layer, x = call.g, call.layer, call.x
    call.out_masks = [call.mask]  # the mask only matters for training statistics
    axes = _axes(layer, x.rank)
    dtype = x.dtype
    mean = to_numpy(layer.moving_mean, dtype)
    var = to_numpy(layer.moving_variance, dtype)
    gamma = _param(layer, "gamma", "scale", 1.0, mean.shape, dtype)
    beta = _param(layer, "beta", "center", 0.0, mean.shape, dtype)
    eps = float(layer.epsilon)
    if x.rank == 4 and axes == [3] and dtype == np.float32:
        # formats.md §3.3 pitfall: is_training defaults to true — always set it false, and epsilon
        attrs = {"T": A.type(x.dt), "U": A.type(x.dt), "epsilon": A.f(eps), "is_training": A.b(False),
                 "data_format": A.s("NHWC"), "exponential_avg_factor": A.f(1.0)}
        ins = [x, g.const(gamma, name="gamma"), g.const(beta, name="beta"), g.const(mean, name="moving_mean"),
               g.const(var, name="moving_variance")]
        c = (x.shape[3],)
        outs = g.node("FusedBatchNormV3", ins, attrs, dtype, [x.shape, c, c, c, c, None], num_outputs=6)
        return outs[0]
    # tf.nn.batch_normalization: inv = rsqrt(var + eps) * gamma; y = x * inv + (beta - mean * inv)
    inv = (1.0 / np.sqrt(var.astype(np.float64) + eps) * gamma.astype(np.float64))
    offset = beta.astype(np.float64) - mean.astype(np.float64) * inv
    shape = [1] * x.rank
    for a in axes:
        shape[a] = x.shape[a]
    inv = inv.astype(dtype).reshape(shape)
    offset = offset.astype(dtype).reshape(shape)
    return g.add(g.mul(x, g.const(inv, name="scale")), g.const(offset, name="offset"))


@converter("LayerNormalization")
def _layer_norm(call: Call) -> GT:
    """Keras 3: ``mean, var = moments(x)``; ``inv = rsqrt(var + eps) * gamma``; ``x*inv + (beta - mean*inv)``."""
    g, layer, x = call.g, call.layer, call.x
    axes = _axes(layer, x.rank)
    shape = [1] * x.rank
    for a in axes:
        shape[a] = x.shape[a]
    gamma = None if getattr(layer, "gamma", None) is None else to_numpy(layer.gamma, x.dtype).reshape(shape)
    beta = None if getattr(layer, "beta", None) is None else to_numpy(layer.beta, x.dtype).reshape(shape)
    eps = float(layer.epsilon)
    mean = g.reduce("Mean", x, axes, keepdims=True)
    var = g.reduce("Mean", g.binary("SquaredDifference", x, mean), axes, keepdims=True)
    inv = g.unary("Rsqrt", g.add(var, eps))
    if getattr(layer, "rms_scaling", False):
        y = g.mul(x, inv)
        return y if gamma is None else g.mul(y, g.const(gamma, name="gamma"))
    if gamma is not None:
        inv = g.mul(inv, g.const(gamma, name="gamma"))
    res = g.mul(g.unary("Neg", mean), inv)
    if beta is not None:
        res = g.add(res, g.const(beta, name="beta"))
    return g.add(g.mul(x, inv), res)


@converter("GroupNormalization")
def _group_norm(call: Call) -> GT:
    """The engine's composition: reshape channels into ``(groups, channels/groups)``, moments over the
    group's axes, ``x * inv + (beta - mean * inv)``, reshape back."""
    g, layer, x = call.g, call.layer, call.x
    if any(d is None for d in x.shape[1:]):
        raise call.fail("GroupNormalization needs every non-batch dimension known")
    ndim = x.rank
    axis = layer.axis % ndim
    groups = layer.groups
    size = x.shape[axis]
    group_shape = list(x.shape)
    group_shape[axis] = size // groups
    group_shape.insert(axis, groups)
    y = g.reshape(x, [-1, *group_shape[1:]])
    red = [i for i in range(1, ndim + 1) if i != axis]
    mean = g.reduce("Mean", y, red, keepdims=True)
    var = g.reduce("Mean", g.binary("SquaredDifference", y, mean), red, keepdims=True)
    bshape = [1] * (ndim + 1)
    bshape[axis], bshape[axis + 1] = groups, size // groups
    inv = g.unary("Rsqrt", g.add(var, float(layer.epsilon)))
    if getattr(layer, "gamma", None) is not None:
        inv = g.mul(inv, g.const(to_numpy(layer.gamma, x.dtype).reshape(bshape), name="gamma"))
    res = g.mul(g.unary("Neg", mean), inv)
    if getattr(layer, "beta", None) is not None:
        res = g.add(res, g.const(to_numpy(layer.beta, x.dtype).reshape(bshape), name="beta"))
    return g.reshape(g.add(g.mul(y, inv), res), [-1, *x.shape[1:]])


@converter("UnitNormalization")
def _unit_norm(call: Call) -> GT:
    """``x * min(rsqrt(sum(x**2, axis)), 1e12)``."""
    g, x = call.g, call.x
    axes = _axes(call.layer, x.rank)
    inv = g.unary("Rsqrt", g.reduce("Sum", g.unary("Square", x), axes, keepdims=True))
    return g.mul(x, g.binary("Minimum", inv, 1.0 / 1e-12))


@converter("RMSNormalization")
def _rms_norm(call: Call) -> GT:
    """``x * rsqrt(mean(x**2, axis) + epsilon) * scale``."""
    g, layer, x = call.g, call.layer, call.x
    axes = _axes(layer, x.rank)
    rrms = g.unary("Rsqrt", g.add(g.reduce("Mean", g.unary("Square", x), axes, keepdims=True), float(layer.epsilon)))
    return g.mul(g.mul(x, rrms), call.weight(layer.scale, "scale", x.dtype))
