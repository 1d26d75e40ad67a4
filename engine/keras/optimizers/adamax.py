"""``keras.optimizers.Adamax`` (Adam with the infinity norm).

``m += (g - m)(1 - b1)``; ``u = max(b2 u, |g|)``;
``w -= lr m / ((1 - b1^t)(u + eps))``.  One fused kernel per variable.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import execute, register_op
from ._kernels import as_array, out_of
from .base_optimizer import Optimizer


def _one_minus_power_kernel(iterations: np.ndarray, dtype_ref: np.ndarray, *, beta: float) -> np.ndarray:
    dt = np.asarray(dtype_ref).dtype
    local_step = np.asarray(iterations + 1).astype(dt)
    return as_array(1 - np.power(np.asarray(beta, dt), local_step), dt)


def _adamax_kernel(var, m, u, g, lr, one_minus_b1p, *, beta_1, beta_2, epsilon):
    m_new = np.subtract(g, m)
    m_new = np.multiply(m_new, 1 - beta_1, out=out_of(m_new))
    m_new = np.add(m, m_new, out=out_of(m_new))
    u_new = np.multiply(beta_2, u)
    u_new = np.maximum(u_new, np.abs(g), out=out_of(u_new))
    den = np.add(u_new, epsilon)
    den = np.multiply(one_minus_b1p, den, out=out_of(den))
    num = np.multiply(lr, m_new)
    num = np.divide(num, den, out=out_of(num))
    return np.subtract(var, num, out=out_of(num)), m_new, u_new


_ONE_MINUS_POWER = register_op("KerasAdamaxBiasCorrection", _one_minus_power_kernel, None)
_ADAMAX = register_op("KerasAdamaxUpdate", _adamax_kernel, None, n_out=3)


class Adamax(Optimizer):
    """Adamax: a variant of Adam based on the infinity norm."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        """``momentum`` and ``norm`` slots, interleaved per variable."""
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = self.add_optimizer_variables(var_list, ["momentum", "norm"])

    update_step = Optimizer._fused_update_step

    def _coefficients(self, learning_rate: Any, dtype: np.dtype) -> tuple:
        (lr,) = super()._coefficients(learning_rate, dtype)
        corr = execute(_ONE_MINUS_POWER, (core.convert_to_tensor(self.iterations), lr), {"beta": float(self.beta_1)})
        return lr, corr

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        lr, corr = coeffs
        i = self._get_variable_index(variable)
        mom, norm = self._m[i], self._u[i]
        g = self._grad_for(gradient, variable)
        var_new, m_new, u_new = execute(
            _ADAMAX, (core.convert_to_tensor(variable), core.convert_to_tensor(mom), core.convert_to_tensor(norm),
                      g, lr, corr),
            {"beta_1": float(self.beta_1), "beta_2": float(self.beta_2), "epsilon": float(self.epsilon)})
        mom.assign(m_new)
        norm.assign(u_new)
        variable.assign(var_new)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
