"""``keras.optimizers.Adadelta``.

``Eg = rho Eg + (1 - rho) g²``; ``d = -sqrt(Ed + eps) g / sqrt(Eg + eps)``;
``Ed = rho Ed + (1 - rho) d²``; ``w += lr d``.  One fused kernel per variable.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import execute, register_op
from ._kernels import out_of
from .base_optimizer import Optimizer


def _adadelta_kernel(var, acc_g, acc_d, g, lr, *, rho, epsilon):
    acc_g_new = np.multiply(acc_g, rho)
    g2 = np.square(g)
    g2 = np.multiply(g2, 1 - rho, out=out_of(g2))
    acc_g_new = np.add(acc_g_new, g2, out=out_of(acc_g_new))
    rms_d = np.add(acc_d, epsilon)
    rms_d = np.sqrt(rms_d, out=out_of(rms_d))
    rms_g = np.add(acc_g_new, epsilon)
    rms_g = np.sqrt(rms_g, out=out_of(rms_g))
    delta = np.multiply(rms_d, g, out=out_of(rms_d))
    delta = np.divide(delta, rms_g, out=out_of(delta))
    delta = np.negative(delta, out=out_of(delta))
    acc_d_new = np.multiply(acc_d, rho)
    d2 = np.square(delta)
    d2 = np.multiply(d2, 1 - rho, out=out_of(d2))
    acc_d_new = np.add(acc_d_new, d2, out=out_of(acc_d_new))
    step = np.multiply(lr, delta, out=out_of(delta))
    return np.add(var, step, out=out_of(step)), acc_g_new, acc_d_new


_ADADELTA = register_op("KerasAdadeltaUpdate", _adadelta_kernel, None, n_out=3)


class Adadelta(Optimizer):
    """Adadelta: per-dimension learning rates from running averages of updates."""

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        """``accumulated_grad`` and ``accumulated_delta_var`` slots, interleaved per variable."""
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = self.add_optimizer_variables(
            var_list, ["accumulated_grad", "accumulated_delta_var"])

    update_step = Optimizer._fused_update_step

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        (lr,) = coeffs
        i = self._get_variable_index(variable)
        acc_g, acc_d = self._accumulated_grads[i], self._accumulated_delta_vars[i]
        g = self._grad_for(gradient, variable)
        var_new, acc_g_new, acc_d_new = execute(
            _ADADELTA, (core.convert_to_tensor(variable), core.convert_to_tensor(acc_g), core.convert_to_tensor(acc_d),
                        g, lr), {"rho": float(self.rho), "epsilon": float(self.epsilon)})
        acc_g.assign(acc_g_new)
        acc_d.assign(acc_d_new)
        variable.assign(var_new)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
