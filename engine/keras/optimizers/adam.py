"""``keras.optimizers.Adam`` (with AMSGrad).

``alpha = lr * sqrt(1 - b2^t) / (1 - b1^t)``; ``m += (g - m)(1 - b1)``;
``v += (g² - v)(1 - b2)``; (AMSGrad: ``v̂ = max(v̂, v)``, used for ``v``);
``w -= alpha * m / (sqrt(v) + eps)``.  ``alpha`` is one scalar op per step,
the per-variable update one fused kernel.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import execute, register_op
from ._kernels import as_array, out_of
from .base_optimizer import Optimizer


def _adam_alpha_kernel(lr: np.ndarray, iterations: np.ndarray, *, beta_1: float, beta_2: float) -> np.ndarray:
    dt = np.asarray(lr).dtype
    local_step = np.asarray(iterations + 1).astype(dt)
    b1p = np.power(np.asarray(beta_1, dt), local_step)
    b2p = np.power(np.asarray(beta_2, dt), local_step)
    return as_array(lr * np.sqrt(1 - b2p) / (1 - b1p), dt)


def _adam_moments(m: np.ndarray, v: np.ndarray, g: np.ndarray, beta_1: float, beta_2: float) -> tuple:
    m_new = np.subtract(g, m)
    m_new = np.multiply(m_new, 1 - beta_1, out=out_of(m_new))
    m_new = np.add(m, m_new, out=out_of(m_new))
    v_new = np.square(g)
    v_new = np.subtract(v_new, v, out=out_of(v_new))
    v_new = np.multiply(v_new, 1 - beta_2, out=out_of(v_new))
    v_new = np.add(v, v_new, out=out_of(v_new))
    return m_new, v_new


def _adam_var(var: np.ndarray, m_new: np.ndarray, v_use: np.ndarray, alpha: np.ndarray, epsilon: float) -> np.ndarray:
    # Keras: var - (m * alpha) / (sqrt(v) + eps); computed as (m / den) * alpha
    # so every pass after the sqrt reuses its buffer (one temporary fewer).
    den = np.sqrt(v_use)
    den = np.add(den, epsilon, out=out_of(den))
    den = np.divide(m_new, den, out=out_of(den))
    den = np.multiply(den, alpha, out=out_of(den))
    return np.subtract(var, den, out=out_of(den))


def _adam_kernel(var, m, v, g, alpha, *, beta_1, beta_2, epsilon):
    m_new, v_new = _adam_moments(m, v, g, beta_1, beta_2)
    return _adam_var(var, m_new, v_new, alpha, epsilon), m_new, v_new


def _amsgrad_kernel(var, m, v, vhat, g, alpha, *, beta_1, beta_2, epsilon):
    m_new, v_new = _adam_moments(m, v, g, beta_1, beta_2)
    vhat_new = np.maximum(vhat, v_new)
    return _adam_var(var, m_new, vhat_new, alpha, epsilon), m_new, v_new, vhat_new


_ALPHA = register_op("KerasAdamAlpha", _adam_alpha_kernel, None)
_ADAM = register_op("KerasAdamUpdate", _adam_kernel, None, n_out=3)
_AMSGRAD = register_op("KerasAdamAMSGradUpdate", _amsgrad_kernel, None, n_out=4)


class Adam(Optimizer):
    """Adam: adaptive moment estimation (Kingma & Ba, 2014)."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, var_list: list) -> None:
        """``momentum`` and ``velocity`` slots (and ``velocity_hat`` with AMSGrad)."""
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        if self.amsgrad:
            self._velocity_hats = self.add_optimizer_variables(var_list, "velocity_hat")

    update_step = Optimizer._fused_update_step

    def _coefficients(self, learning_rate: Any, dtype: np.dtype) -> tuple:
        (lr,) = super()._coefficients(learning_rate, dtype)
        alpha = execute(_ALPHA, (lr, core.convert_to_tensor(self.iterations)),
                        {"beta_1": float(self.beta_1), "beta_2": float(self.beta_2)})
        return (alpha,)

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        (alpha,) = coeffs
        i = self._get_variable_index(variable)
        g = self._grad_for(gradient, variable)
        mom, vel = self._momentums[i], self._velocities[i]
        attrs = {"beta_1": float(self.beta_1), "beta_2": float(self.beta_2), "epsilon": float(self.epsilon)}
        ins = (core.convert_to_tensor(variable), core.convert_to_tensor(mom), core.convert_to_tensor(vel))
        if self.amsgrad:
            vhat = self._velocity_hats[i]
            var_new, m_new, v_new, vhat_new = execute(_AMSGRAD, ins + (core.convert_to_tensor(vhat), g, alpha), attrs)
            vhat.assign(vhat_new)
        else:
            var_new, m_new, v_new = execute(_ADAM, ins + (g, alpha), attrs)
        mom.assign(m_new)
        vel.assign(v_new)
        variable.assign(var_new)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                       "amsgrad": self.amsgrad})
        return config
