"""``BatchNormalization`` (Keras 3 ``normalization/batch_normalization.py``).

Training (``training=True`` on a trainable layer) normalises with the batch's
mean and (biased) variance over every axis but ``axis`` and then updates
``moving = moving * momentum + batch * (1 - momentum)`` with ``assign``, as
Keras does; otherwise it uses the moving statistics.  ``trainable=False`` makes
the layer run in inference mode, as in Keras 3.

The common training path (no mask, no renorm) is one fused op,
``KerasBatchNormTrain`` (x, gamma, beta) → (y, mean, variance), whose backward
is one op with the closed-form gradient
``dx = gamma * inv / m * (m * dy - sum(dy) - xhat * sum(dy * xhat))``,
``dgamma = sum(dy * xhat)``, ``dbeta = sum(dy)`` (``inv = 1/sqrt(var + eps)``).
When an outer tape records the backward (higher-order gradients) the same
formula is built from primitive ops instead, so it is differentiable again.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ....framework import core
from ....framework.core import execute, register_op
from ....ops import array_ops, math_ops, nn_ops
from ....ops.dispatch import tensor
from ....autodiff.custom_gradient import stop_gradient_
from ... import backend, constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer


# ---------------------------------------------------------------------------
# The fused training op
def _channel_sum(a: np.ndarray, axis: int) -> np.ndarray:
    """Sum over every axis but ``axis`` (a BLAS gemv when ``axis`` is last: ~10x faster than ``sum(0)``)."""
    if axis == a.ndim - 1:
        a2 = np.ascontiguousarray(a).reshape(-1, a.shape[-1])
        return np.ones(a2.shape[0], a.dtype) @ a2
    return a.sum(axis=tuple(i for i in range(a.ndim) if i != axis))


def _bshape(ndim: int, axis: int, c: int) -> tuple:
    shape = [1] * ndim
    shape[axis] = c
    return tuple(shape)


def _bn_train_kernel(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, *, axis: int,
                     epsilon: float) -> tuple:
    c = x.shape[axis]
    m = x.size // c if c else 0
    bs = _bshape(x.ndim, axis, c)
    mean = _channel_sum(x, axis) / x.dtype.type(max(m, 1))
    d = x - mean.reshape(bs)
    var = _channel_sum(d * d, axis) / x.dtype.type(max(m, 1))
    scale = gamma / np.sqrt(var + x.dtype.type(epsilon))
    np.multiply(d, scale.reshape(bs), out=d)
    d += beta.reshape(bs)
    return d, mean, var


def _bn_grad_kernel(x: np.ndarray, gamma: np.ndarray, mean: np.ndarray, var: np.ndarray, dy: np.ndarray, *,
                    axis: int, epsilon: float, need_dx: bool) -> tuple:
    c = x.shape[axis]
    m = x.dtype.type(max(x.size // c if c else 0, 1))
    bs = _bshape(x.ndim, axis, c)
    inv = 1 / np.sqrt(var + x.dtype.type(epsilon))
    d = x - mean.reshape(bs)
    t = dy * d
    s = _channel_sum(t, axis)              # sum(dy * (x - mean))
    dbeta = _channel_sum(dy, axis)
    dgamma = s * inv                       # sum(dy * xhat)
    if not need_dx:
        return np.zeros((0,), x.dtype), dgamma, dbeta
    a = gamma * inv                        # dx = a*dy - (a*inv^2*s/m)*(x-mean) - a*dbeta/m
    np.multiply(dy, a.reshape(bs), out=t)
    np.multiply(d, (a * inv * inv * s / m).reshape(bs), out=d)
    t -= d
    t -= (a * dbeta / m).reshape(bs)
    return t, dgamma, dbeta


def _bn_grad_composed(K: Any, x: Any, gamma: Any, mean: Any, var: Any, dy: Any, axis: int, epsilon: float) -> tuple:
    """The same gradient from primitive ops (recorded, hence differentiable again)."""
    nd, c = len(x.shape), x.shape[axis]
    red = tuple(i for i in range(nd) if i != axis)
    bs = _bshape(nd, axis, c)
    m = float(max(int(np.prod(x.shape)) // c if c else 0, 1))
    inv = K.Rsqrt(K.AddV2(var, epsilon))
    xhat = K.Mul(K.Sub(x, K.Reshape(mean, shape=bs)), K.Reshape(inv, shape=bs))
    dbeta = K.Sum(dy, axis=red, keepdims=False)
    dgamma = K.Sum(K.Mul(dy, xhat), axis=red, keepdims=False)
    inner = K.Sub(K.Sub(K.Mul(dy, m), K.Reshape(dbeta, shape=bs)), K.Mul(xhat, K.Reshape(dgamma, shape=bs)))
    dx = K.Mul(inner, K.Reshape(K.RealDiv(K.Mul(gamma, inv), m), shape=bs))
    return dx, dgamma, dbeta


def _bn_train_vjp(K: Any, g: tuple, xs: tuple, ys: tuple, shapes: tuple, a: dict, n: tuple) -> tuple:
    x, gamma, _ = xs
    _, mean, var = ys
    gy, gmean, gvar = g
    axis, eps = a["axis"], a["epsilon"]
    dx = dgamma = dbeta = None
    if gy is not None:
        if K is core.DIFF and core.recording_tapes():
            dx, dgamma, dbeta = _bn_grad_composed(K, x, gamma, mean, var, gy, axis, eps)
        else:
            dx, dgamma, dbeta = K.KerasBatchNormTrainGrad(x, gamma, mean, var, gy, axis=axis, epsilon=eps,
                                                          need_dx=bool(n[0]))
    if n[0] and (gmean is not None or gvar is not None):  # gradients through the returned statistics
        shape = tuple(shapes[0])
        bs = _bshape(len(shape), axis, shape[axis])
        m = float(max(int(np.prod(shape)) // shape[axis] if shape[axis] else 0, 1))
        if gmean is not None:
            extra = K.BroadcastTo(K.RealDiv(K.Reshape(gmean, shape=bs), m), shape=shape)
            dx = extra if dx is None else K.AddV2(dx, extra)
        if gvar is not None:
            extra = K.Mul(K.Sub(x, K.Reshape(mean, shape=bs)), K.Reshape(K.Mul(gvar, 2.0 / m), shape=bs))
            dx = extra if dx is None else K.AddV2(dx, extra)
    return (dx if n[0] else None, dgamma if n[1] else None, dbeta if n[2] else None)


_bn_train_vjp.accepts_none = True

_BN_TRAIN = register_op("KerasBatchNormTrain", _bn_train_kernel, _bn_train_vjp, n_out=3, save_inputs=(0, 1))
register_op("KerasBatchNormTrainGrad", _bn_grad_kernel, None, n_out=3)


def fused_batch_norm_train(x: Any, gamma: Any, beta: Any, axis: int, epsilon: float) -> tuple:
    """Training-mode batch norm over every axis but ``axis``: ``(y, batch_mean, batch_variance)``."""
    x = tensor(x)
    return execute(_BN_TRAIN, (x, tensor(gamma, x.dtype), tensor(beta, x.dtype)),
                   {"axis": int(axis), "epsilon": float(epsilon)})


# ---------------------------------------------------------------------------
def _clone_initializer(initializer: Any) -> Any:
    if isinstance(initializer, initializers.Initializer):
        return type(initializer).from_config(initializer.get_config())
    return initializer


@register_layer("Normalization")
class BatchNormalization(Layer):
    """Normalise each channel with batch statistics (training) or moving averages (inference)."""

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: dict | None = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        # One process holds every replica here, so synchronized statistics equal the plain ones.
        self.synchronized = synchronized
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError(f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                                 f"Supported values: {keys}.")
            rmax, rmin, dmax = (renorm_clipping.get(k) for k in ("rmax", "rmin", "dmax"))
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError(f"rmax should be greater than rmin in the `renorm_clipping` argument. "
                                 f"Received: rmax={rmax}, rmin={rmin}.")
            if dmax is not None and dmax < 0:
                raise ValueError(f"dmax should be non-negative in the `renorm_clipping` argument. "
                                 f"Received: dmax={dmax}.")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.gamma = None
        self.beta = None
        self.moving_mean = None
        self.moving_variance = None
        self._reduction_axes = None

    def build(self, input_shape: Any) -> None:
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"Axis {self.axis} is out of bounds for input shape {tuple(input_shape)}. "
                             f"Received: axis={self.axis}")
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of the input to BatchNormalization should have a defined "
                             f"dimension but the layer received an input with shape {tuple(input_shape)}.")
        shape = (dim,)
        if self.scale:
            self.gamma = self.add_weight(shape=shape, name="gamma", initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True, autocast=False)
        if self.center:
            self.beta = self.add_weight(shape=shape, name="beta", initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True, autocast=False)
        self.moving_mean = self.add_weight(shape=shape, name="moving_mean", initializer=self.moving_mean_initializer,
                                           trainable=False, autocast=False)
        self.moving_variance = self.add_weight(shape=shape, name="moving_variance",
                                               initializer=self.moving_variance_initializer, trainable=False,
                                               autocast=False)
        if self.renorm:
            def moving_stddev_initializer(shape: Any, dtype: Any = None) -> Any:
                return math_ops.sqrt(_clone_initializer(self.moving_variance_initializer)(shape, dtype=dtype))

            self.moving_stddev = self.add_weight(shape=shape, name="moving_stddev",
                                                 initializer=moving_stddev_initializer, trainable=False,
                                                 autocast=False)
            self.renorm_mean = self.add_weight(shape=shape, name="renorm_mean",
                                               initializer=_clone_initializer(self.moving_mean_initializer),
                                               trainable=False, autocast=False)
            self.renorm_stddev = self.add_weight(shape=shape, name="renorm_stddev",
                                                 initializer=moving_stddev_initializer, trainable=False,
                                                 autocast=False)
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: dim})
        reduction_axes = list(range(ndim))
        del reduction_axes[self.axis]
        self._reduction_axes = reduction_axes
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            raise ValueError(f"The mask provided should be one dimension less than the inputs. Received: "
                             f"mask.shape={tuple(mask.shape)}, inputs.shape={tuple(inputs.shape)}")
        ndim = len(inputs.shape)
        axis = self.axis % ndim
        c = int(inputs.shape[axis])
        gamma, beta = self.gamma, self.beta
        if training and self.trainable:
            if mask is None and not self.renorm:
                ones = None if gamma is not None else np.ones((c,), inputs.dtype.as_numpy_dtype)
                zeros = None if beta is not None else np.zeros((c,), inputs.dtype.as_numpy_dtype)
                outputs, mean, variance = fused_batch_norm_train(
                    inputs, gamma if gamma is not None else ones, beta if beta is not None else zeros, axis,
                    self.epsilon)
                self._update_moving(mean, variance)
                return outputs
            mean, variance = self._moments(inputs, mask)
            if self.renorm:
                r, d, mean, variance = self._renorm_correction_and_moments(mean, variance)
                gamma, beta = self._compose_transforms(r, d, gamma, beta, inputs.dtype)
                self._update_renorm_statistics(mean, variance)
            else:
                self._update_moving(mean, variance)
        else:
            mean, variance = self.moving_mean, self.moving_variance
        if axis != ndim - 1:
            shape = _bshape(ndim, axis, c)
            mean, variance = array_ops.reshape(mean, shape), array_ops.reshape(variance, shape)
            gamma = None if gamma is None else array_ops.reshape(gamma, shape)
            beta = None if beta is None else array_ops.reshape(beta, shape)
        return nn_ops.batch_normalization(inputs, mean, variance, beta, gamma, self.epsilon)

    def _update_moving(self, mean: Any, variance: Any) -> None:
        self.moving_mean.assign(math_ops.add(math_ops.multiply(self.moving_mean, self.momentum),
                                             math_ops.multiply(mean, 1.0 - self.momentum)))
        self.moving_variance.assign(math_ops.add(math_ops.multiply(self.moving_variance, self.momentum),
                                                 math_ops.multiply(variance, 1.0 - self.momentum)))

    def _moments(self, inputs: Any, mask: Any) -> tuple:
        if mask is None:
            return nn_ops.moments(inputs, axes=self._reduction_axes)
        m = array_ops.cast(array_ops.broadcast_to(array_ops.expand_dims(mask, -1), tuple(inputs.shape)), "bool")
        weights = array_ops.cast(m, inputs.dtype)
        total = math_ops.add(math_ops.reduce_sum(weights, self._reduction_axes, keepdims=True), backend.epsilon())
        mean = math_ops.divide(math_ops.reduce_sum(math_ops.where(m, inputs, 0.0), self._reduction_axes,
                                                   keepdims=True), total)
        sq = math_ops.square(math_ops.where(m, math_ops.subtract(inputs, mean), 0.0))
        variance = math_ops.divide(math_ops.reduce_sum(sq, self._reduction_axes, keepdims=True), total)
        return array_ops.squeeze(mean), array_ops.squeeze(variance)

    def _renorm_correction_and_moments(self, mean: Any, variance: Any) -> tuple:
        stddev = math_ops.sqrt(math_ops.add(variance, self.epsilon))
        renorm_mean = self.renorm_mean
        renorm_stddev = math_ops.maximum(self.renorm_stddev, math_ops.sqrt(tensor(self.epsilon, mean.dtype)))
        r = math_ops.divide(stddev, renorm_stddev)
        d = math_ops.divide(math_ops.subtract(mean, renorm_mean), renorm_stddev)
        rmin, rmax, dmax = (self.renorm_clipping.get(k) for k in ("rmin", "rmax", "dmax"))
        if rmin is not None:
            r = math_ops.maximum(r, rmin)
        if rmax is not None:
            r = math_ops.minimum(r, rmax)
        if dmax is not None:
            d = math_ops.clip_by_value(d, -dmax, dmax)
        return r, d, mean, variance

    def _compose_transforms(self, r: Any, d: Any, gamma: Any, beta: Any, dtype: Any) -> tuple:
        r, d = stop_gradient_(r), stop_gradient_(d)
        if gamma is not None:
            eff_gamma, eff_beta = math_ops.multiply(r, gamma), math_ops.multiply(d, gamma)
        else:
            eff_gamma, eff_beta = array_ops.cast(r, dtype), array_ops.cast(d, dtype)
        if beta is not None:
            eff_beta = math_ops.add(eff_beta, beta)
        return eff_gamma, eff_beta

    def _update_renorm_statistics(self, mean: Any, variance: Any) -> None:
        stddev = math_ops.sqrt(math_ops.add(variance, self.epsilon))
        rm = self.renorm_momentum
        self.renorm_mean.assign(math_ops.add(math_ops.multiply(self.renorm_mean, rm),
                                             math_ops.multiply(mean, 1.0 - rm)))
        self.renorm_stddev.assign(math_ops.add(math_ops.multiply(self.renorm_stddev, rm),
                                               math_ops.multiply(stddev, 1.0 - rm)))
        self.moving_mean.assign(math_ops.add(math_ops.multiply(self.moving_mean, self.momentum),
                                             math_ops.multiply(mean, 1.0 - self.momentum)))
        new_stddev = math_ops.add(math_ops.multiply(self.moving_stddev, self.momentum),
                                  math_ops.multiply(stddev, 1.0 - self.momentum))
        self.moving_stddev.assign(new_stddev)
        self.moving_variance.assign(nn_ops.relu(math_ops.subtract(math_ops.multiply(new_stddev, new_stddev),
                                                                  self.epsilon)))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        input_shape = tuple(input_shape)
        if self.axis >= len(input_shape) or self.axis < -len(input_shape):
            raise ValueError(f"Axis {self.axis} is out of bounds for input shape {input_shape}. "
                             f"Received: axis={self.axis}")
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        }
