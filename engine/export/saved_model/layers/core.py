"""Core, regularization and preprocessing layers: Dense, Embedding, Masking, Identity, dropouts,
Rescaling, Normalization, CategoryEncoding."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..graph import GT, GraphBuilder
from .. import protos as P
from ..protos import attr as A
from .activations import apply_activation
from .base import Call, converter, to_numpy


def dense_matmul(g: GraphBuilder, x: GT, kernel: GT) -> GT:
    """``x @ kernel`` over the last axis: ``MatMul``, or ``Reshape → MatMul → Reshape`` (Keras's
    tensordot) for rank > 2."""
    units = kernel.shape[1]
    if x.rank == 2:
        return g.matmul(x, kernel)
    flat = g.reshape(x, [-1, x.shape[-1]])
    y = g.matmul(flat, kernel)
    lead = x.shape[1:-1]
    if all(d is not None for d in lead):
        return g.reshape(y, [-1, *lead, units], shape=(None, *lead, units))
    dims = [-1] + [g.dim(x, i) for i in range(1, x.rank - 1)] + [units]
    return g.reshape(y, dims, shape=(None, *lead, units))


@converter("Dense")
def _dense(call: Call) -> GT:
    g, layer = call.g, call.layer
    kernel = to_numpy(layer.kernel)
    y = dense_matmul(g, call.x, g.const(kernel.astype(call.x.dtype), name="kernel"))
    if layer.use_bias:
        y = g.bias_add(y, call.weight(layer.bias, "bias"))
    return apply_activation(call, y)


@converter("Embedding", masks=True)
def _embedding(call: Call) -> GT:
    g, layer, ids = call.g, call.layer, call.x
    if ids.dtype.kind not in "iu" or ids.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        ids = g.cast(ids, np.int32)
    # negative ids count from the end, as the engine (Keras's take) does
    wrapped = g.select(g.compare("Less", ids, g.const(np.asarray(0, ids.dtype))),
                       g.add(ids, g.const(np.asarray(layer.input_dim, ids.dtype))), ids)
    table = call.weight(layer.embeddings, "embeddings")
    y = g.gather(table, wrapped, axis=0)
    if layer.mask_zero:
        call.out_masks = [g.compare("NotEqual", call.x, g.const(np.asarray(0, call.x.dtype)))]
    else:
        call.out_masks = [None]
    return y


@converter("Masking", masks=True)
def _masking(call: Call) -> GT:
    """Zero the fully-masked steps; the boolean mask goes to downstream mask users (RNNs...)."""
    g, x = call.g, call.x
    value = g.scalar_like(float(call.layer.mask_value), x)
    keep = g.reduce("Any", g.compare("NotEqual", x, value), [-1], keepdims=True)
    y = g.mul(x, g.cast(keep, x.dtype))
    call.out_masks = [g.squeeze(keep, [-1])]
    return y


@converter("Identity", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise",
           "GaussianDropout", "AlphaDropout", "ActivityRegularization")
def _identity(call: Call) -> GT:
    """Inference-time identities (dropout and noise only act while training)."""
    return call.g.identity(call.x)


@converter("Rescaling")
def _rescaling(call: Call) -> GT:
    from ....keras import backend
    g, layer = call.g, call.layer
    dtype = np.dtype(layer.compute_dtype)
    x = g.cast(call.x, dtype)
    scale = np.asarray(layer.scale, dtype=dtype)
    offset = np.asarray(layer.offset, dtype=dtype)
    if scale.ndim > 0 and backend.image_data_format() == "channels_first":  # as the engine's Rescaling
        scale = scale.reshape(scale.shape + (1,) * (3 - scale.ndim))
    return g.add(g.mul(x, g.const(scale, name="scale")), g.const(offset, name="offset"))


@converter("Normalization")
def _normalization(call: Call) -> GT:
    """``(x - mean) / max(sqrt(variance), epsilon)`` with the adapted statistics as constants."""
    from ....keras import backend
    g, layer = call.g, call.layer
    dtype = np.dtype(layer.compute_dtype)
    x = g.cast(call.x, dtype)
    mean, variance = layer._stats()
    mean = to_numpy(mean, dtype)
    std = np.maximum(np.sqrt(to_numpy(variance, dtype)), dtype.type(backend.epsilon())).astype(dtype)
    if layer.invert:
        return g.add(g.const(mean, name="mean"), g.mul(x, g.const(std, name="std")))
    return g.div(g.sub(x, g.const(mean, name="mean")), g.const(std, name="std"))


@converter("CategoryEncoding")
def _category_encoding(call: Call) -> GT:
    g, layer, ids = call.g, call.layer, call.x
    if call.kwargs.get("count_weights") is not None:
        raise call.fail("count_weights are not supported")
    if ids.dtype.kind not in "iu":
        ids = g.cast(ids, np.int64)
    if ids.rank == 1 and layer.output_mode != "one_hot":
        ids = g.expand_dims(ids, -1)
    if layer.output_mode == "one_hot" and ids.rank > 1 and ids.shape[-1] == 1:
        ids = g.squeeze(ids, [-1])
    dtype = np.dtype(layer.compute_dtype)
    hot = g.node("OneHot", [ids, g.i32(layer.num_tokens), g.const(np.asarray(1, dtype)), g.const(np.asarray(0, dtype))],
                 {"axis": A.i(-1), "T": A.type(P.dtype_enum(dtype)), "TI": A.type(ids.dt)},
                 dtype, tuple(ids.shape) + (layer.num_tokens,))
    if layer.output_mode == "one_hot":
        return hot
    return g.reduce("Max" if layer.output_mode == "multi_hot" else "Sum", hot, [-2])


@converter("Lambda")
def _lambda(call: Call) -> Any:
    raise call.fail("a Lambda layer runs arbitrary Python code, which a TensorFlow graph cannot hold; "
                    "replace it with built-in layers")
