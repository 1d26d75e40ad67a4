"""Activation functions and the activation layers (Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..graph import GT, GraphBuilder
from ..protos import attr as A
from .base import Call, converter


def _softmax(g: GraphBuilder, x: GT, axis: Any = -1, op: str = "Softmax") -> GT:
    """``Softmax`` / ``LogSoftmax`` (TF's ops work on the last axis: transpose other axes there)."""
    if isinstance(axis, (list, tuple)):
        if len(axis) == 1:
            axis = axis[0]
        else:  # several axes: exp(x - logsumexp(x, axes)), as the engine's Softmax layer
            m = g.reduce("Max", x, axis, keepdims=True)
            lse = g.add(m, g.unary("Log", g.reduce("Sum", g.unary("Exp", g.sub(x, m)), axis, keepdims=True)))
            z = g.sub(x, lse)
            return z if op == "LogSoftmax" else g.unary("Exp", z)
    ax = axis % x.rank
    if ax == x.rank - 1:
        return g.unary(op, x)
    perm = list(range(x.rank))
    perm[ax], perm[-1] = perm[-1], perm[ax]
    return g.transpose(g.unary(op, g.transpose(x, perm)), perm)


def _hard_sigmoid(g: GraphBuilder, x: GT) -> GT:
    return g.div(g.unary("Relu6", g.add(x, 3.0)), 6.0)  # Keras 3: relu6(x + 3) / 6


def _gelu(g: GraphBuilder, x: GT, approximate: bool = False) -> GT:
    if approximate:  # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        inner = g.mul(g.add(x, g.mul(g.mul(g.mul(x, x), x), 0.044715)), math.sqrt(2.0 / math.pi))
        return g.mul(g.mul(x, 0.5), g.add(g.unary("Tanh", inner), 1.0))
    # exact, TF's form: 0.5 x erfc(-x / sqrt(2))
    return g.mul(g.mul(x, 0.5), g.unary("Erfc", g.mul(x, -1.0 / math.sqrt(2.0))))


ACTIVATIONS: dict = {  # Keras activation name → emitter
    "linear": lambda g, x: x,
    "relu": lambda g, x: g.unary("Relu", x),
    "relu6": lambda g, x: g.unary("Relu6", x),
    "elu": lambda g, x: g.unary("Elu", x),
    "selu": lambda g, x: g.unary("Selu", x),
    "sigmoid": lambda g, x: g.unary("Sigmoid", x),
    "tanh": lambda g, x: g.unary("Tanh", x),
    "softmax": lambda g, x: _softmax(g, x, -1),
    "log_softmax": lambda g, x: _softmax(g, x, -1, "LogSoftmax"),
    "softplus": lambda g, x: g.unary("Softplus", x),
    "softsign": lambda g, x: g.unary("Softsign", x),
    "swish": lambda g, x: g.mul(x, g.unary("Sigmoid", x)),
    "silu": lambda g, x: g.mul(x, g.unary("Sigmoid", x)),
    "gelu": lambda g, x: _gelu(g, x, False),
    "exponential": lambda g, x: g.unary("Exp", x),
    "hard_sigmoid": _hard_sigmoid,
    "hard_silu": lambda g, x: g.mul(x, _hard_sigmoid(g, x)),
    "hard_swish": lambda g, x: g.mul(x, _hard_sigmoid(g, x)),
    "leaky_relu": lambda g, x: g.unary("LeakyRelu", x, alpha=A.f(0.2)),
    "mish": lambda g, x: g.mul(x, g.unary("Tanh", g.unary("Softplus", x))),
}


def activation_name(fn: Callable) -> str | None:
    """The Keras name of a built-in activation function, or ``None`` for a custom callable."""
    from ....keras import activations
    by_name = getattr(activations, "_BY_NAME", {})
    for name, f in by_name.items():
        if f is fn:
            return name
    return None


def apply_activation(call: Call, x: GT, fn: Callable | None = None) -> GT:
    """Apply ``fn`` (default: the layer's ``activation``) with TF ops."""
    fn = call.layer.activation if fn is None else fn
    name = activation_name(fn)
    if name is None:
        raise call.fail(f"its activation {getattr(fn, '__name__', fn)!r} is a custom function, "
                        "which has no TensorFlow op equivalent")
    if name not in ACTIVATIONS:
        raise call.fail(f"the activation {name!r} has no TensorFlow op mapping")
    return ACTIVATIONS[name](call.g, x)


def relu_general(g: GraphBuilder, x: GT, negative_slope: float = 0.0, max_value: float | None = None,
                 threshold: float = 0.0) -> GT:
    """Keras's ``relu(x, negative_slope, max_value, threshold)``."""
    if negative_slope == 0.0 and threshold == 0.0:
        y = g.unary("Relu", x)
    else:
        low = g.mul(g.sub(x, float(threshold)), float(negative_slope))
        y = g.select(g.compare("GreaterEqual", x, float(threshold)), x, low)
    if max_value is not None:
        y = g.binary("Minimum", y, float(max_value))
    return y


@converter("Activation")
def _activation_layer(call: Call) -> GT:
    return apply_activation(call, call.x)


@converter("ReLU")
def _relu(call: Call) -> GT:
    l = call.layer
    return relu_general(call.g, call.x, float(l.negative_slope), None if l.max_value is None else float(l.max_value),
                        float(l.threshold))


@converter("LeakyReLU")
def _leaky_relu(call: Call) -> GT:
    return call.g.unary("LeakyRelu", call.x, alpha=A.f(float(np.float32(call.layer.negative_slope))))


@converter("ELU")
def _elu(call: Call) -> GT:
    g, x = call.g, call.x
    y = g.unary("Elu", x)
    alpha = float(call.layer.alpha)
    if alpha == 1.0:
        return y
    return g.select(g.compare("Greater", x, 0.0), y, g.mul(y, alpha))


@converter("PReLU")
def _prelu(call: Call) -> GT:
    """``relu(x) - alpha * relu(-x)`` with ``-alpha`` folded into the constant."""
    g, x = call.g, call.x
    alpha = g.const(-np.asarray(call.layer.alpha.numpy()), name="neg_alpha")
    pos = g.unary("Relu", x)
    neg = g.mul(alpha, g.unary("Relu", g.unary("Neg", x)))
    return g.add(pos, neg)


@converter("Softmax", masks=True)
def _softmax_layer(call: Call) -> GT:
    g, x, mask = call.g, call.x, call.mask
    if mask is not None:
        x = g.select(mask, x, g.scalar_like(-1e9, x))
    y = _softmax(g, x, call.layer.axis)
    if mask is not None:
        y = g.select(mask, y, g.scalar_like(0.0, y))
    call.out_masks = [mask]
    return y
