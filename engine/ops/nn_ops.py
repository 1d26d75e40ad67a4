"""``tf.nn``: activations, softmax family, dropout, normalization and losses.

Hot ops (relu, softmax, the fused cross-entropies, bias_add, dropout) are single
registered ops with hand-written vjps; the rarer ones are composites of engine
ops, written exactly as TensorFlow composes them so numerics and gradients match.
Every vjp is written against ``K`` (see ``framework/core.py``), so second-order
gradients and ``function`` tracing of the backward pass work throughout.
"""
from __future__ import annotations

import math as _pymath
import numbers
from typing import Any

import numpy as np

from ..autodiff.custom_gradient import stop_gradient_
from ..framework import dtypes
from ..framework.core import OPS, Tensor, execute, is_tensor, register_op, wrap
from ..framework.errors import InvalidArgumentError
from . import array_ops, math_ops, random_ops
from .array_ops import sum_to
from .dispatch import binary_args, normalize_axis, tensor
from .math_ops import sigmoid, tanh

__all__ = [
    "batch_normalization",
    "bias_add",
    "compute_average_loss",
    "dropout",
    "elu",
    "gelu",
    "l2_loss",
    "l2_normalize",
    "leaky_relu",
    "log_poisson_loss",
    "log_softmax",
    "moments",
    "normalize_moments",
    "relu",
    "relu6",
    "scale_regularization_loss",
    "selu",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "silu",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "softsign",
    "sparse_softmax_cross_entropy_with_logits",
    "swish",
    "tanh",
    "weighted_cross_entropy_with_logits",
    "weighted_moments",
    "zero_fraction",
]

_NOATTR: dict = {}
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
# TF's gelu casts its Python constants through float32 (``math_ops.cast(0.044715, dtype)``),
# so float64 results follow these rounded values; the gradients below use the same ones.
_GELU_C = float(np.float32(0.7071067811865476))       # ~1/sqrt(2)
_GELU_PDF = _GELU_C / _pymath.sqrt(_pymath.pi)        # d/dx 0.5*erfc(-c x) = PDF * exp(-(c x)^2)
_GELU_C0 = 0.7978845608028654                         # sqrt(2/pi), a Python float in TF
_GELU_C1 = float(np.float32(0.044715))


def _unb(K, g, shape):
    """Reduce a broadcast gradient back to ``shape`` (no-op when equal)."""
    return g if tuple(g.shape) == tuple(shape) else K.SumTo(g, shape=tuple(shape))


# ===========================================================================
# Activations (kernels + vjps).  The *Grad ops take (g, saved) like TF's and
# carry their own vjp, so second derivatives follow TF's registered rules.
_ZEROS: dict = {}


def _zeros_like_cached(x: np.ndarray) -> np.ndarray:
    """A read-only zeros array of ``x``'s shape/dtype, kept for reuse (a few recent shapes)."""
    key = (x.shape, x.dtype.str)
    z = _ZEROS.get(key)
    if z is None:
        if len(_ZEROS) >= 16:
            _ZEROS.pop(next(iter(_ZEROS)))
        z = _ZEROS[key] = np.zeros(x.shape, x.dtype)
        z.setflags(write=False)
    return z


def _relu_kernel(x):
    # max against a zeros array runs ~2x faster than against the scalar 0 (measured 0.37 vs
    # 0.81 ms on a (64, 26, 26, 16) float32 map); tiny inputs keep the scalar form.
    if x.size >= 4096:
        return np.maximum(x, _zeros_like_cached(x))
    return np.maximum(x, 0)


def _relu_vjp(K, g, xs, y, s, a, n):
    return (K.ReluGrad(g, y),)


def _relu_grad_vjp(K, gg, xs, y, s, a, n):
    return (K.ReluGrad(gg, xs[1]) if n[0] else None, None)


register_op("Relu", _relu_kernel, _relu_vjp, save_inputs=False, save_output=True)
register_op("ReluGrad", lambda g, y: g * (y > 0), _relu_grad_vjp, save_inputs=(1,))


def _relu6_vjp(K, g, xs, y, s, a, n):
    return (K.Relu6Grad(g, y),)


def _relu6_grad_vjp(K, gg, xs, y, s, a, n):
    return (K.Relu6Grad(gg, xs[1]) if n[0] else None, None)


register_op("Relu6", lambda x: np.minimum(np.maximum(x, 0), 6), _relu6_vjp, save_inputs=False,
            save_output=True)
register_op("Relu6Grad", lambda g, y: g * ((y > 0) & (y < 6)), _relu6_grad_vjp, save_inputs=(1,))


def _elu_kernel(x):
    # expm1(x) >= x everywhere, so max(x, expm1(min(x, 0))) is elu without a select.
    return np.maximum(x, np.expm1(np.minimum(x, 0)))


def _elu_vjp(K, g, xs, y, s, a, n):
    return (K.EluGrad(g, y),)


def _elu_grad_vjp(K, gg, xs, y, s, a, n):
    g0, yy = xs
    return (K.EluGrad(gg, yy) if n[0] else None,
            K.Select(K.Less(yy, 0.0), K.Mul(gg, g0), K.ZerosLike(yy)) if n[1] else None)


register_op("Elu", _elu_kernel, _elu_vjp, save_inputs=False, save_output=True)
register_op("EluGrad", lambda g, y: g * (np.minimum(y, 0) + 1), _elu_grad_vjp)


def _selu_kernel(x):
    neg = np.expm1(np.minimum(x, 0))
    neg *= _SELU_ALPHA
    return np.where(x > 0, x, neg) * x.dtype.type(_SELU_SCALE)


def _selu_grad_kernel(g, y):
    return np.where(y < 0, g * (y + _SELU_SCALE * _SELU_ALPHA), g * _SELU_SCALE)


def _selu_vjp(K, g, xs, y, s, a, n):
    return (K.SeluGrad(g, y),)


def _selu_grad_vjp(K, gg, xs, y, s, a, n):
    g0, yy = xs
    return (K.SeluGrad(gg, yy) if n[0] else None,
            K.Select(K.Less(yy, 0.0), K.Mul(gg, g0), K.ZerosLike(yy)) if n[1] else None)


register_op("Selu", _selu_kernel, _selu_vjp, save_inputs=False, save_output=True)
register_op("SeluGrad", _selu_grad_kernel, _selu_grad_vjp)


def _leaky_kernel(x, alpha):
    ax = x * alpha
    return np.maximum(x, ax) if alpha <= 1 else np.minimum(x, ax)


def _leaky_vjp(K, g, xs, y, s, a, n):
    return (K.LeakyReluGrad(g, xs[0], alpha=a["alpha"]),)


def _leaky_grad_vjp(K, gg, xs, y, s, a, n):
    return (K.LeakyReluGrad(gg, xs[1], alpha=a["alpha"]) if n[0] else None, None)


register_op("LeakyRelu", _leaky_kernel, _leaky_vjp)
register_op("LeakyReluGrad", lambda g, x, alpha: np.where(x > 0, g, g * alpha), _leaky_grad_vjp,
            save_inputs=(1,))


def _softplus_vjp(K, g, xs, y, s, a, n):
    return (K.Mul(g, K.Sigmoid(xs[0])),)


def _softplus_kernel(x):
    # TF's kernel: x above -thr, exp(x) below thr, log(exp(x) + 1) between (thr = log(eps) + 2).
    # Cheaper than np.logaddexp / log1p, which are not vectorised in numpy.
    thr = _pymath.log(np.finfo(x.dtype).eps) + 2
    e = np.exp(np.minimum(x, -thr))
    return np.where(x > -thr, x, np.where(x < thr, e, np.log(e + 1)))


register_op("Softplus", _softplus_kernel, _softplus_vjp)


def _softsign_vjp(K, g, xs, y, s, a, n):
    return (K.RealDiv(g, K.Square(K.AddV2(K.Abs(xs[0]), 1.0))),)


register_op("Softsign", lambda x: x / (np.abs(x) + 1), _softsign_vjp)


def _erfc(x: np.ndarray) -> np.ndarray:
    from scipy.special import erfc
    r = erfc(x)
    return r.astype(x.dtype, copy=False) if isinstance(r, np.ndarray) else x.dtype.type(r)


def _gelu_kernel(x, approximate):
    if approximate:
        t = np.tanh(_GELU_C0 * (x + _GELU_C1 * (x * x * x)))
        t += 1
        return 0.5 * x * t
    # TF's form: erfc(-x/sqrt2) keeps the far negative tail accurate (1 + erf cancels).
    return 0.5 * x * _erfc(x * -_GELU_C)


def _gelu_grad_kernel(g, x, approximate):
    if approximate:
        x2 = x * x
        t = np.tanh(_GELU_C0 * x * (1 + _GELU_C1 * x2))
        d = 1 + t
        d += x * ((1 - t * t) * (_GELU_C0 * (1 + 3 * _GELU_C1 * x2)))
        d *= 0.5
    else:
        cx = x * _GELU_C
        d = _erfc(-cx)
        d *= 0.5
        d += x * (_GELU_PDF * np.exp(-(cx * cx)))
    return g * d


def _gelu_vjp(K, g, xs, y, s, a, n):
    return (K.GeluGrad(g, xs[0], approximate=a["approximate"]),)


def _gelu_grad_vjp(K, gg, xs, y, s, a, n):
    """Second derivative: d/dg is GeluGrad again, d/dx is gg * g * gelu''(x)."""
    g, x = xs
    gx = None
    if n[1]:
        x2 = K.Square(x)
        if a["approximate"]:
            t = K.Tanh(K.Mul(K.Mul(x, K.AddV2(K.Mul(x2, _GELU_C1), 1.0)), _GELU_C0))
            du = K.Mul(K.AddV2(K.Mul(x2, 3 * _GELU_C1), 1.0), _GELU_C0)
            ddu = K.Mul(x, 6 * _GELU_C0 * _GELU_C1)
            inner = K.AddV2(du, K.Mul(K.Mul(x, 0.5), K.Sub(ddu, K.Mul(K.Mul(t, 2.0), K.Square(du)))))
            d2 = K.Mul(K.Sub(1.0, K.Square(t)), inner)
        else:
            c2x2 = K.Mul(x2, _GELU_C * _GELU_C)
            d2 = K.Mul(K.Mul(K.Exp(K.Neg(c2x2)), 2 * _GELU_PDF), K.Sub(1.0, c2x2))
        gx = K.Mul(K.Mul(gg, g), d2)
    return (K.GeluGrad(gg, x, approximate=a["approximate"]) if n[0] else None, gx)


register_op("Gelu", _gelu_kernel, _gelu_vjp)
register_op("GeluGrad", _gelu_grad_kernel, _gelu_grad_vjp)


def _swish_kernel(x, beta):
    bx = x * beta
    s = np.tanh(bx * 0.5)
    s += 1
    s *= 0.5
    return x * s


def _swish_vjp(K, g, xs, y, s, a, n):
    # TF's custom gradient for silu: d/dx and d/dbeta.
    x, beta = xs
    bx = K.Mul(x, beta)
    sg = K.Sigmoid(bx)
    gx = gb = None
    if n[0]:
        gx = _unb(K, K.Mul(g, K.Mul(sg, K.AddV2(K.Mul(bx, K.Sub(1.0, sg)), 1.0))), s[0])
    if n[1]:
        gb = _unb(K, K.Mul(g, K.Mul(K.Square(x), K.Mul(sg, K.Sub(1.0, sg)))), s[1])
    return gx, gb


register_op("Swish", _swish_kernel, _swish_vjp)


# --------------------------------------------------------------------------
# Softmax family
def _softmax_kernel(x, axis):
    if x.size == 0:
        return np.empty_like(x)
    e = x - x.max(axis, keepdims=True)
    np.exp(e, out=e)
    e /= e.sum(axis, keepdims=True)
    return e


def _log_softmax_kernel(x, axis):
    if x.size == 0:
        return np.empty_like(x)
    z = x - x.max(axis, keepdims=True)
    z -= np.log(np.exp(z).sum(axis, keepdims=True))
    return z


def _softmax_vjp(K, g, xs, y, s, a, n):
    ax = (a["axis"],)
    return (K.Mul(K.Sub(g, K.Sum(K.Mul(g, y), axis=ax, keepdims=True)), y),)


def _log_softmax_vjp(K, g, xs, y, s, a, n):
    ax = (a["axis"],)
    return (K.Sub(g, K.Mul(K.Exp(y), K.Sum(g, axis=ax, keepdims=True))),)


register_op("Softmax", _softmax_kernel, _softmax_vjp, save_inputs=False, save_output=True)
register_op("LogSoftmax", _log_softmax_kernel, _log_softmax_vjp, save_inputs=False, save_output=True)


# --------------------------------------------------------------------------
# Fused cross-entropies
def _xent_kernel(logits, labels, axis):
    z = _log_softmax_kernel(logits, axis)
    z *= labels
    return -z.sum(axis)


def _xent_vjp(K, g, xs, y, s, a, n):
    # d/dlogits = g * (softmax - labels); d/dlabels = -g * log_softmax (TF's rule).
    logits, labels = xs
    ax = a["axis"]
    kshape = tuple(1 if i == ax else d for i, d in enumerate(s[0]))
    ge = K.Reshape(g, shape=kshape)
    gl = glab = None
    if n[1]:
        lsm = K.LogSoftmax(logits, axis=ax)
        glab = _unb(K, K.Neg(K.Mul(ge, lsm)), s[1])
        if n[0]:
            gl = K.Mul(ge, K.Sub(K.Exp(lsm), labels))
    elif n[0]:
        gl = K.Mul(ge, K.Sub(K.Softmax(logits, axis=ax), labels))
    return gl, glab


register_op("SoftmaxCrossEntropyWithLogits", _xent_kernel, _xent_vjp)


def _check_labels(labels, n):
    if labels.size and (labels.min() < 0 or labels.max() >= n):
        flat = labels.reshape(-1)
        first = flat[np.argmax((flat < 0) | (flat >= n))]
        vals = " ".join(str(v) for v in flat[:1000])
        raise InvalidArgumentError(
            None, "SparseSoftmaxCrossEntropyWithLogits",
            f"Received a label value of {first} which is outside the valid range of [0, {n}).  "
            f"Label values: {vals} [Op:SparseSoftmaxCrossEntropyWithLogits]")


def _label_index(labels):
    """(rows, cols) fancy index of each row's label in an array viewed as (-1, classes)."""
    flat = labels.reshape(-1)
    return np.arange(flat.shape[0]), flat


def _sparse_xent_kernel(logits, labels):
    n = logits.shape[-1]
    _check_labels(labels, n)
    m = logits.max(-1, keepdims=True) if logits.size else np.zeros(logits.shape[:-1] + (1,), logits.dtype)
    e = logits - m
    picked = e.reshape(-1, n)[_label_index(labels)].reshape(labels.shape)
    np.exp(e, out=e)
    return np.log(e.sum(-1)) - picked


def _sparse_backprop_kernel(logits, labels):
    p = _softmax_kernel(logits, -1)
    p.reshape(-1, logits.shape[-1])[_label_index(labels)] -= 1
    return p


def _sparse_xent_vjp(K, g, xs, y, s, a, n):
    logits, labels = xs
    ge = K.Reshape(g, shape=tuple(s[0][:-1]) + (1,))
    return (K.Mul(ge, K.SparseSoftmaxXentBackprop(logits, labels)), None)


def _sparse_backprop_vjp(K, gg, xs, y, s, a, n):
    # backprop = softmax(logits) - onehot: its derivative is the softmax jacobian.
    p = K.Softmax(xs[0], axis=-1)
    ax = (len(s[0]) - 1,)
    return (K.Mul(K.Sub(gg, K.Sum(K.Mul(gg, p), axis=ax, keepdims=True)), p), None)


register_op("SparseSoftmaxCrossEntropyWithLogits", _sparse_xent_kernel, _sparse_xent_vjp)
register_op("SparseSoftmaxXentBackprop", _sparse_backprop_kernel, _sparse_backprop_vjp)


def _sigmoid_xent_kernel(logits, labels):
    r = np.log1p(np.exp(-np.abs(logits)))
    r += np.maximum(logits, 0)
    r -= logits * labels
    return r


def _sigmoid_xent_vjp(K, g, xs, y, s, a, n):
    x, z = xs
    return (K.Mul(g, K.Sub(K.Sigmoid(x), z)) if n[0] else None,
            K.Mul(g, K.Neg(x)) if n[1] else None)


register_op("SigmoidCrossEntropyWithLogits", _sigmoid_xent_kernel, _sigmoid_xent_vjp)


# --------------------------------------------------------------------------
# Bias add (bias gradient through the gemv fast path of sum_to)
def _bias_add_kernel(x, b, channels_first):
    if channels_first and x.ndim > 2:
        return x + b.reshape((-1,) + (1,) * (x.ndim - 2))
    c = b.shape[0]
    if c < 128 and x.size >= 8192 and x.flags.c_contiguous:
        # Narrow channels: tile the bias so numpy's inner loop runs >= 256 wide
        # (measured ~1.6x faster on conv feature maps; engine-notes A1'.5).
        k = 256 // c
        m = x.size // c
        if m % k == 0:
            return (x.reshape(m // k, k * c) + np.tile(b, k)).reshape(x.shape)
    return x + b


def _bias_add_grad_kernel(g, channels_first):
    if channels_first and g.ndim > 2:
        c = g.shape[1]
        return g.reshape(g.shape[0], c, -1).sum(axis=(0, 2))
    c = g.shape[-1]
    if g.ndim > 2:
        g = np.ascontiguousarray(g).reshape(-1, c)
    return sum_to(g, (c,))


def _bias_add_vjp(K, g, xs, y, s, a, n):
    return (g if n[0] else None,
            K.BiasAddGrad(g, channels_first=a["channels_first"]) if n[1] else None)


def _bias_add_grad_vjp(K, gg, xs, y, s, a, n):
    shape = tuple(s[0])
    if a["channels_first"] and len(shape) > 2:
        gg = K.Reshape(gg, shape=(-1,) + (1,) * (len(shape) - 2))
    return (K.BroadcastTo(gg, shape=shape),)


register_op("BiasAdd", _bias_add_kernel, _bias_add_vjp, save_inputs=False)
register_op("BiasAddGrad", _bias_add_grad_kernel, _bias_add_grad_vjp, save_inputs=False)


# --------------------------------------------------------------------------
# L2 loss and dropout
def _l2_loss_kernel(x):
    f = x.reshape(-1)
    return np.asarray(np.dot(f, f) * x.dtype.type(0.5), dtype=x.dtype)


register_op("L2Loss", _l2_loss_kernel, lambda K, g, xs, y, s, a, n: (K.Mul(xs[0], g),))


def _dropout_mask_kernel(*, shape, rate, dtype, generator):
    """Kept units hold 1/(1-rate) (in ``dtype``), dropped ones 0.

    ``generator`` is bound when the op is called (``random_ops.op_rng``), so a
    traced ``function`` keeps drawing fresh masks from it on every replay.
    """
    dt = np.dtype(dtype)
    if rate >= 1:
        return np.zeros(shape, dt)
    u = generator.random(shape, dtype=dt if dt in (np.float32, np.float64) else np.float32)
    return np.multiply(u >= rate, dt.type(1.0 / (1.0 - rate)), dtype=dt)


def _dropout_vjp(K, g, xs, y, s, a, n):
    return (_unb(K, K.Mul(g, xs[1]), s[0]) if n[0] else None, None)


register_op("DropoutMask", _dropout_mask_kernel, None)
register_op("Dropout", np.multiply, _dropout_vjp, save_inputs=(1,))


# ===========================================================================
# Public API
_RELU = OPS["Relu"]


def _float_op(x: Any, op_name: str) -> Tensor:
    if type(x) is not Tensor:
        x = tensor(x)
    if x._np.dtype.kind != "f":
        _bad_type(x, op_name, "half, bfloat16, float, double")
    return execute(OPS[op_name], (x,), _NOATTR)


def _bad_type(x: Tensor, op_name: str, allowed: str, attr: str = "T") -> None:
    raise InvalidArgumentError(
        None, op_name,
        f"Value for attr '{attr}' of {x.dtype.name} is not in the list of allowed values: "
        f"{allowed} [Op:{op_name}]")


def relu(features: Any, name: str | None = None) -> Tensor:
    """Rectified linear unit: ``max(features, 0)``."""
    if type(features) is not Tensor:
        features = tensor(features)
    if features._np.dtype.kind not in "fiu":
        _bad_type(features, "Relu", "float, double, int32, uint8, int16, int8, int64, bfloat16, "
                  "uint16, half, uint32, uint64")
    return execute(_RELU, (features,), _NOATTR)


def relu6(features: Any, name: str | None = None) -> Tensor:
    """``min(max(features, 0), 6)``."""
    if type(features) is not Tensor:
        features = tensor(features)
    if features._np.dtype.kind not in "fiu":
        _bad_type(features, "Relu6", "float, double, int32, uint8, int16, int8, int64, bfloat16, "
                  "uint16, half, uint32, uint64")
    return execute(OPS["Relu6"], (features,), _NOATTR)


def elu(features: Any, name: str | None = None) -> Tensor:
    """Exponential linear unit: ``x`` if ``x > 0`` else ``exp(x) - 1``."""
    return _float_op(features, "Elu")


def selu(features: Any, name: str | None = None) -> Tensor:
    """Scaled ELU: ``scale * (x if x > 0 else alpha * (exp(x) - 1))``."""
    return _float_op(features, "Selu")


def softplus(features: Any, name: str | None = None) -> Tensor:
    """``log(exp(features) + 1)``, computed stably."""
    return _float_op(features, "Softplus")


def softsign(features: Any, name: str | None = None) -> Tensor:
    """``features / (abs(features) + 1)``."""
    return _float_op(features, "Softsign")


def gelu(features: Any, approximate: bool = False, name: str | None = None) -> Tensor:
    """Gaussian error linear unit: exact (erf) or the tanh approximation."""
    x = tensor(features)
    if x._np.dtype.kind != "f":
        raise ValueError("`features.dtype` must be a floating point tensor."
                         f"Received:features.dtype={x.dtype!r}")
    return execute(OPS["Gelu"], (x,), {"approximate": bool(approximate)})


def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """``features`` where positive, else ``alpha * features`` (ints are cast to float32)."""
    x = tensor(features)
    if x._np.dtype.kind in "iu":
        x = array_ops.cast(x, dtypes.float32)
    elif x._np.dtype.kind != "f":
        _bad_type(x, "LeakyRelu", "half, bfloat16, float, double")
    if isinstance(alpha, Tensor):
        alpha = alpha._np
    if isinstance(alpha, np.ndarray):
        alpha = alpha.item()
    # TF's alpha is a 32-bit float attr: round it the same way.
    return execute(OPS["LeakyRelu"], (x,), {"alpha": float(np.float32(alpha))})


def silu(features: Any, beta: Any = 1.0) -> Tensor:
    """Sigmoid linear unit ``features * sigmoid(beta * features)``; differentiable in beta too."""
    x = tensor(features)
    if x._np.dtype.kind != "f":
        _bad_type(x, "Sigmoid", "bfloat16, half, float, double, complex64, complex128")
    # As TF: beta converts on its own (a Python float becomes float32), then casts to x's dtype.
    if isinstance(beta, (float, int)) and not isinstance(beta, bool):
        b = wrap(np.asarray(np.float32(beta), dtype=x._np.dtype))   # a constant: no cast op needed
    else:
        b = tensor(beta)
        if b._np.dtype != x._np.dtype:
            b = array_ops.cast(b, x.dtype)
    return execute(OPS["Swish"], (x, b), _NOATTR)


swish = silu


def _softmax_axis(x: Tensor, axis: Any, op_name: str) -> int:
    nd = x._np.ndim
    if x._np.dtype.kind != "f":
        _bad_type(x, op_name, "half, bfloat16, float, double")
    if nd == 0:
        raise InvalidArgumentError(None, op_name, f"logits must have >= 1 dimension, got [] [Op:{op_name}]")
    if axis is None:
        return nd - 1
    if isinstance(axis, Tensor):
        axis = axis._np
    a = int(axis)
    if a < -nd or a >= nd:
        raise InvalidArgumentError(
            None, op_name, f"`dim` must be in the range [{-nd}, {nd}) where {nd} is the number of "
            f"dimensions in the input. Received: dim={a}")
    return a % nd


def softmax(logits: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """``exp(logits) / sum(exp(logits), axis)`` (stable); keeps ``logits`` for Keras's fused loss."""
    x = logits if type(logits) is Tensor else tensor(logits)
    if axis is None and x._np.ndim and x._np.dtype.kind == "f":
        ax = x._np.ndim - 1            # the common case, checked inline
    else:
        ax = _softmax_axis(x, axis, "Softmax")
    out = execute(OPS["Softmax"], (x,), {"axis": ax})
    out._keras_logits = x
    return out


def log_softmax(logits: Any, axis: Any = None, name: str | None = None) -> Tensor:
    """``logits - log(sum(exp(logits), axis))`` (stable)."""
    x = logits if type(logits) is Tensor else tensor(logits)
    ax = _softmax_axis(x, axis, "LogSoftmax")
    return execute(OPS["LogSoftmax"], (x,), {"axis": ax})


def softmax_cross_entropy_with_logits(labels: Any, logits: Any, axis: int = -1,
                                      name: str | None = None) -> Tensor:
    """Cross-entropy of ``softmax(logits)`` against label distributions (gradient wrt both)."""
    lg = tensor(logits)
    if lg._np.dtype.kind != "f":
        _bad_type(lg, "SoftmaxCrossEntropyWithLogits", "half, bfloat16, float, double")
    lb = tensor(labels)
    if lb._np.dtype != lg._np.dtype:
        lb = array_ops.cast(lb, lg.dtype)
    nd = lg._np.ndim
    op = "SoftmaxCrossEntropyWithLogits"
    if nd == 0:
        raise InvalidArgumentError(None, op, f"logits must have >= 1 dimension, got [] [Op:{op}]")
    a = int(axis)
    if a < -nd or a >= nd:
        raise InvalidArgumentError(None, op, f"axis {a} is out of range for logits of rank {nd} [Op:{op}]")
    ls, bs = lg._np.shape, lb._np.shape
    if ls != bs:
        try:
            ok = np.broadcast_shapes(ls, bs) == ls
        except ValueError:
            ok = False
        if not ok:
            raise InvalidArgumentError(
                None, "SoftmaxCrossEntropyWithLogits",
                f"logits and labels must be broadcastable: logits_size={list(ls)} labels_size={list(bs)} "
                "[Op:SoftmaxCrossEntropyWithLogits]")
    return execute(OPS["SoftmaxCrossEntropyWithLogits"], (lg, lb), {"axis": a % nd})


def sparse_softmax_cross_entropy_with_logits(labels: Any, logits: Any, name: str | None = None) -> Tensor:
    """Cross-entropy of ``softmax(logits)`` against integer class ids (``labels``)."""
    lg = logits if type(logits) is Tensor else tensor(logits)
    lb = labels if type(labels) is Tensor else tensor(labels)
    ls, bs = lg._np.shape, lb._np.shape
    if not ls:
        raise ValueError(f"`logits` cannot be a scalar. Received logits={lg._np!r}`")
    if len(bs) != len(ls) - 1:
        raise ValueError(f"`labels.shape.rank` must equal `logits.shape.rank - 1`. Received: "
                         f"labels.shape={bs} of rank {len(bs)} and logits.shape={ls} of rank {len(ls)}")
    if bs != ls[:-1]:
        raise ValueError(f"`labels.shape` must equal `logits.shape` except for the last dimension. "
                         f"Received: labels.shape={bs} and logits.shape={ls}")
    if lb._np.dtype not in (np.int32, np.int64):
        _bad_type(lb, "SparseSoftmaxCrossEntropyWithLogits", "int32, int64", attr="Tlabels")
    if lg._np.dtype.kind != "f":
        _bad_type(lg, "SparseSoftmaxCrossEntropyWithLogits", "half, bfloat16, float, double")
    return execute(OPS["SparseSoftmaxCrossEntropyWithLogits"], (lg, lb), _NOATTR)


def _same_shape(logits: Tensor, labels: Tensor, what: str = "`logits` and `labels`") -> None:
    if logits._np.shape != labels._np.shape:
        raise ValueError(f"{what} must have the same shape, received "
                         f"({tuple(logits._np.shape)} vs {tuple(labels._np.shape)}).")


def sigmoid_cross_entropy_with_logits(labels: Any = None, logits: Any = None, name: str | None = None) -> Tensor:
    """Elementwise logistic loss ``max(x, 0) - x * z + log1p(exp(-|x|))`` (stable)."""
    if labels is None or logits is None:
        raise ValueError("Both labels and logits must be provided.")
    lg, lb = binary_args("Mul", logits, labels)
    _same_shape(lg, lb)
    if lg._np.dtype.kind != "f":
        _bad_type(lg, "Exp", "bfloat16, half, float, double, complex64, complex128")
    return execute(OPS["SigmoidCrossEntropyWithLogits"], (lg, lb), _NOATTR)


def weighted_cross_entropy_with_logits(labels: Any, logits: Any, pos_weight: Any,
                                       name: str | None = None) -> Tensor:
    """Logistic loss with positive examples weighted by ``pos_weight`` (TF's composition)."""
    lg, lb = binary_args("Mul", logits, labels)
    _same_shape(lg, lb)
    _, pw = binary_args("Mul", lg, pos_weight)
    log_weight = math_ops.add(math_ops.multiply(math_ops.subtract(pw, 1), lb), 1)
    return math_ops.add(
        math_ops.multiply(math_ops.subtract(1, lb), lg),
        math_ops.multiply(log_weight, math_ops.add(math_ops.log1p(math_ops.exp(math_ops.negative(math_ops.abs(lg)))),
                                                   relu(math_ops.negative(lg)))))


def log_poisson_loss(targets: Any, log_input: Any, compute_full_loss: bool = False,
                     name: str | None = None) -> Tensor:
    """Negative log-likelihood of a Poisson with log-rate ``log_input`` (Stirling term optional)."""
    li, tg = binary_args("Mul", log_input, targets)
    _same_shape(li, tg, "`log_input` and `targets`")
    result = math_ops.subtract(math_ops.exp(li), math_ops.multiply(li, tg))
    if compute_full_loss:
        stirling = math_ops.add(math_ops.subtract(math_ops.multiply(tg, math_ops.log(tg)), tg),
                                math_ops.multiply(0.5, math_ops.log(math_ops.multiply(2 * _pymath.pi, tg))))
        zeros = wrap(np.zeros_like(tg._np))
        cond = math_ops.logical_and(math_ops.greater_equal(tg, 0), math_ops.less_equal(tg, 1))
        result = math_ops.add(result, math_ops.where(cond, zeros, stirling))
    return result


def bias_add(value: Any, bias: Any, data_format: str | None = None, name: str | None = None) -> Tensor:
    """Add a 1-D ``bias`` along the channel axis (last, or 1 for ``NC...`` formats)."""
    if type(value) is not Tensor or type(bias) is not Tensor or value._np.dtype != bias._np.dtype:
        value, bias = binary_args("BiasAdd", value, bias)
    if data_format is None:
        cf = False
    elif data_format.startswith("NC"):
        cf = True
    elif data_format.startswith("N") and data_format.endswith("C"):
        cf = False
    else:
        raise ValueError("`data_format` must be of the form `N...C` or `NC...`. "
                         f"Received: data_format={data_format}")
    vs, bs = value._np.shape, bias._np.shape
    if len(vs) < 2:
        raise InvalidArgumentError(None, "BiasAdd", f"Input tensor must be at least 2D: {list(vs)} [Op:BiasAdd]")
    if len(bs) != 1:
        raise InvalidArgumentError(None, "BiasAdd", f"Biases must be 1D: {list(bs)} [Op:BiasAdd]")
    c = vs[1] if cf and len(vs) > 2 else vs[-1]
    if bs[0] != c:
        raise InvalidArgumentError(
            None, "BiasAdd", "Must provide as many biases as the last dimension of the input tensor: "
            f"{list(bs)} vs. {list(vs)} [Op:BiasAdd]")
    return execute(OPS["BiasAdd"], (value, bias), {"channels_first": cf})


def l2_loss(t: Any, name: str | None = None) -> Tensor:
    """``sum(t ** 2) / 2``."""
    return _float_op(t, "L2Loss")


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None,
                 dim: Any = None) -> Tensor:
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``."""
    x = tensor(x)
    if axis is None:
        axis = dim
    if x._np.dtype.kind != "f":
        raise TypeError(f"Cannot convert {epsilon!r} to EagerTensor of dtype {x.dtype.name}")
    square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
    x_inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, epsilon))
    return math_ops.multiply(x, x_inv_norm)


def _rate_value(rate: Any) -> float:
    if isinstance(rate, numbers.Real) and not isinstance(rate, bool):
        if rate < 0 or rate >= 1:
            raise ValueError("`rate` must be a scalar tensor or a float in the range [0, 1). "
                             f"Received: rate={rate}")
        return float(rate)
    if isinstance(rate, Tensor) or hasattr(type(rate), "_as_tensor"):
        r = tensor(rate)._np
        if r.ndim == 0 and r.dtype.kind == "f":
            return float(r)
    raise ValueError(f"`rate` must be a scalar or scalar tensor. Received: rate={rate}")


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: int | None = None,
            name: str | None = None) -> Tensor:
    """Zero each element with probability ``rate`` and scale the rest by ``1 / (1 - rate)``."""
    rate_is_number = isinstance(rate, numbers.Real) and not isinstance(rate, bool)
    r = _rate_value(rate)
    x = tensor(x)
    if x._np.dtype.kind != "f":
        raise ValueError("`x.dtype` must be a floating point tensor as `x` will be scaled. "
                         f"Received: x_dtype={x.dtype!r}")
    if rate_is_number and r == 0:
        return x
    shape = x._np.shape
    if noise_shape is not None:
        if isinstance(noise_shape, Tensor):
            noise_shape = noise_shape._np.tolist()
        ns = list(noise_shape)
        if len(ns) == len(shape):
            ns = [shape[i] if d is None else d for i, d in enumerate(ns)]
        shape = tuple(int(d) for d in ns)
    dt = x._np.dtype.str
    gen = random_ops.op_rng(seed, "DropoutMask" + dt)
    mask = execute(OPS["DropoutMask"], (), {"shape": shape, "rate": r, "dtype": dt, "generator": gen})
    return execute(OPS["Dropout"], (x, mask), _NOATTR)


def moments(x: Any, axes: Any, shift: Any = None, keepdims: bool = False,
            name: str | None = None) -> tuple:
    """Mean and (population) variance of ``x`` over ``axes``; ``shift`` is unused, as in TF."""
    x = tensor(x)
    y = array_ops.cast(x, dtypes.float32) if x._np.dtype == np.float16 else x
    ax = normalize_axis(axes, y._np.ndim, "Mean")
    mean = math_ops.reduce_mean(y, ax, keepdims=True)
    variance = math_ops.reduce_mean(math_ops.squared_difference(y, stop_gradient_(mean)), ax, keepdims=True)
    if not keepdims:
        out_shape = tuple(d for i, d in enumerate(y._np.shape) if i not in ax)
        mean = array_ops.reshape(mean, out_shape)
        variance = array_ops.reshape(variance, out_shape)
    if x._np.dtype == np.float16:
        mean, variance = array_ops.cast(mean, dtypes.float16), array_ops.cast(variance, dtypes.float16)
    return mean, variance


def weighted_moments(x: Any, axes: Any, frequency_weights: Any, keepdims: bool = False,
                     name: str | None = None) -> tuple:
    """Frequency-weighted mean and variance of ``x`` over ``axes``."""
    x = tensor(x)
    w = tensor(frequency_weights) if is_tensor(frequency_weights) else tensor(frequency_weights, x.dtype)
    w = array_ops.cast(w, x.dtype)
    ax = normalize_axis(axes, x._np.ndim, "Sum")
    sum_wx = math_ops.reduce_sum(math_ops.multiply(w, x), ax, keepdims=True)
    sum_w = math_ops.reduce_sum(math_ops.add(w, wrap(np.zeros_like(x._np))), ax, keepdims=True)
    mean = math_ops.div_no_nan(sum_wx, sum_w)
    wdev = math_ops.reduce_sum(math_ops.multiply(w, math_ops.squared_difference(x, mean)), ax, keepdims=True)
    variance = math_ops.div_no_nan(wdev, sum_w)
    if not keepdims:
        out_shape = tuple(d for i, d in enumerate(x._np.shape) if i not in ax)
        mean = array_ops.reshape(mean, out_shape)
        variance = array_ops.reshape(variance, out_shape)
    return mean, variance


def normalize_moments(counts: Any, mean_ss: Any, variance_ss: Any, shift: Any,
                      name: str | None = None) -> tuple:
    """Mean and variance from sufficient statistics (sum, sum of squares, optional shift)."""
    mean_ss = tensor(mean_ss)
    _, counts = binary_args("Mul", mean_ss, counts)
    divisor = math_ops.reciprocal(counts)
    shifted_mean = math_ops.multiply(mean_ss, divisor)
    mean = shifted_mean if shift is None else math_ops.add(shifted_mean, shift)
    variance = math_ops.subtract(math_ops.multiply(variance_ss, divisor), math_ops.square(shifted_mean))
    return mean, variance


def batch_normalization(x: Any, mean: Any, variance: Any, offset: Any, scale: Any,
                        variance_epsilon: float, name: str | None = None) -> Tensor:
    """``scale * (x - mean) / sqrt(variance + eps) + offset``, composed as TF does (all inputs differentiable)."""
    x = tensor(x)
    inv = math_ops.rsqrt(math_ops.add(variance, variance_epsilon))
    if scale is not None:
        inv = math_ops.multiply(inv, scale)
    inv = array_ops.cast(inv, x.dtype)
    shift = math_ops.subtract(offset, math_ops.multiply(mean, inv)) if offset is not None \
        else math_ops.negative(math_ops.multiply(mean, inv))
    return math_ops.add(math_ops.multiply(x, inv), array_ops.cast(shift, x.dtype))


def zero_fraction(value: Any, name: str | None = None) -> Tensor:
    """Fraction of zeros in ``value`` (float32 scalar)."""
    v = tensor(value)._np
    return wrap(np.float32(0.0 if v.size == 0 else np.count_nonzero(v == 0) / v.size).reshape(()))


def compute_average_loss(per_example_loss: Any, sample_weight: Any = None,
                         global_batch_size: Any = None) -> Tensor:
    """``sum(per_example_loss * sample_weight) / global_batch_size`` (one replica)."""
    loss = tensor(per_example_loss)
    if loss._np.ndim == 0:
        raise ValueError("Invalid value passed for `per_example_loss`. Expected a tensor with at least "
                         f"rank 1. Received per_example_loss={loss._np!r} with rank 0")
    if sample_weight is not None:
        loss, w = binary_args("Mul", loss, sample_weight)
        loss = math_ops.multiply(loss, w)
    if global_batch_size is None:
        global_batch_size = loss._np.shape[0]
    gbs = tensor(global_batch_size)._np
    if gbs.ndim != 0:
        raise ValueError("global_batch_size must be scalar.")
    if gbs.dtype.kind not in "iu":
        raise TypeError("global_batch_size must be an integer.")
    total = math_ops.reduce_sum(loss)
    with np.errstate(divide="ignore", invalid="ignore"):
        return math_ops.truediv(total, wrap(np.asarray(gbs.item(), dtype=loss._np.dtype)))


def scale_regularization_loss(regularization_loss: Any) -> Tensor:
    """Scale a regularization loss by the number of replicas (one here): the sum of the losses."""
    if isinstance(regularization_loss, (list, tuple)):
        regularization_loss = math_ops.add_n(list(regularization_loss))
    return math_ops.reduce_sum(tensor(regularization_loss))
