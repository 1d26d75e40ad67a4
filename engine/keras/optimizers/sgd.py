"""``keras.optimizers.SGD``: gradient descent with optional (Nesterov) momentum.

``m = momentum * m - lr * g``; ``w += m`` (Nesterov: ``w += momentum * m - lr * g``);
without momentum ``w -= lr * g``.  One fused kernel per variable.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import execute, register_op
from ._kernels import out_of
from .base_optimizer import Optimizer


def _sgd_kernel(var: np.ndarray, g: np.ndarray, lr: np.ndarray) -> np.ndarray:
    d = np.multiply(g, lr)
    return np.subtract(var, d, out=out_of(d))


def _sgd_momentum_kernel(var: np.ndarray, mom: np.ndarray, g: np.ndarray, lr: np.ndarray, *, momentum: float,
                         nesterov: bool) -> tuple:
    c = np.asarray(momentum, var.dtype)
    glr = np.multiply(g, lr)
    m_new = np.multiply(mom, c)
    m_new = np.subtract(m_new, glr, out=out_of(m_new))
    if nesterov:
        step = np.multiply(m_new, c)
        step = np.subtract(step, glr, out=out_of(step))
        var_new = np.add(var, step, out=out_of(step))
    else:
        var_new = np.add(var, m_new)
    return var_new, m_new


_SGD = register_op("KerasSGDUpdate", _sgd_kernel, None)
_SGD_MOMENTUM = register_op("KerasSGDMomentumUpdate", _sgd_momentum_kernel, None, n_out=2)


class SGD(Optimizer):
    """Gradient descent (with momentum) optimizer."""

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, name=name, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, **kwargs)
        if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def build(self, variables: list) -> None:
        """One ``momentum`` slot per variable (only when ``momentum != 0``)."""
        if self.built:
            return
        super().build(variables)
        self.momentums = []
        if self.momentum != 0:
            self.momentums = self.add_optimizer_variables(variables, "momentum")

    update_step = Optimizer._fused_update_step

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        (lr,) = coeffs
        g = self._grad_for(gradient, variable)
        var = core.convert_to_tensor(variable)
        if self.momentum != 0:
            mom = self.momentums[self._get_variable_index(variable)]
            var_new, m_new = execute(_SGD_MOMENTUM, (var, core.convert_to_tensor(mom), g, lr),
                                     {"momentum": float(self.momentum), "nesterov": bool(self.nesterov)})
            mom.assign(m_new)
            variable.assign(var_new)
        else:
            variable.assign(execute(_SGD, (var, g, lr), {}))

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
