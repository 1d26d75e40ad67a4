"""``keras.optimizers.RMSprop`` (plain momentum, optionally centered).

``v = rho v + (1 - rho) g²``; centered: ``a = rho a + (1 - rho) g`` and
``denom = v - a² + eps`` else ``denom = v + eps`` (eps inside the sqrt);
``inc = lr g / sqrt(denom)``; momentum: ``mom = momentum mom + inc``,
``w -= mom``, else ``w -= inc``.  One fused kernel per variable.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import execute, register_op
from ._kernels import out_of
from .base_optimizer import Optimizer


def _rmsprop_kernel(var, vel, g, lr, *extra, rho, momentum, epsilon, centered, use_momentum):
    vel_new = np.multiply(vel, rho)
    g2 = np.square(g)
    g2 = np.multiply(g2, 1 - rho, out=out_of(g2))
    vel_new = np.add(vel_new, g2, out=out_of(vel_new))
    outs = [vel_new]
    k = 0
    mom = None
    if use_momentum:
        mom = extra[k]
        k += 1
    if centered:
        avg = extra[k]
        avg_new = np.multiply(avg, rho)
        ga = np.multiply(g, 1 - rho)
        avg_new = np.add(avg_new, ga, out=out_of(avg_new))
        den = np.square(avg_new)
        den = np.subtract(vel_new, den, out=out_of(den))
        den = np.add(den, epsilon, out=out_of(den))
    else:
        den = np.add(vel_new, epsilon)
    den = np.sqrt(den, out=out_of(den))
    inc = np.multiply(lr, g)
    inc = np.divide(inc, den, out=out_of(inc))
    if use_momentum:
        mom_new = np.multiply(mom, momentum)
        mom_new = np.add(mom_new, inc, out=out_of(mom_new))
        var_new = np.subtract(var, mom_new)
        outs.append(mom_new)
    else:
        var_new = np.subtract(var, inc, out=out_of(inc))
    if centered:
        outs.append(avg_new)
    return (var_new, *outs)


def _variant(centered: bool, use_momentum: bool):
    def kernel(*args, rho, momentum, epsilon):
        return _rmsprop_kernel(*args, rho=rho, momentum=momentum, epsilon=epsilon, centered=centered,
                               use_momentum=use_momentum)
    return kernel


_OPS = {(c, u): register_op("KerasRMSpropUpdate" + ("Centered" if c else "") + ("Momentum" if u else ""),
                            _variant(c, u), None, n_out=2 + int(c) + int(u))
        for c in (False, True) for u in (False, True)}


class RMSprop(Optimizer):
    """RMSprop: divide the gradient by a running root-mean-square."""

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, var_list: list) -> None:
        """``velocity`` slots, then ``momentum`` (momentum > 0), then ``average_gradient`` (centered)."""
        if self.built:
            return
        super().build(var_list)
        self._velocities = self.add_optimizer_variables(var_list, "velocity")
        self._momentums = []
        if self.momentum > 0:
            self._momentums = self.add_optimizer_variables(var_list, "momentum")
        self._average_gradients = []
        if self.centered:
            self._average_gradients = self.add_optimizer_variables(var_list, "average_gradient")

    update_step = Optimizer._fused_update_step

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        (lr,) = coeffs
        i = self._get_variable_index(variable)
        g = self._grad_for(gradient, variable)
        use_momentum = self.momentum > 0
        centered = bool(self.centered)
        slots = [self._velocities[i]]
        extra = []
        if use_momentum:
            extra.append(self._momentums[i])
        if centered:
            extra.append(self._average_gradients[i])
        ins = (core.convert_to_tensor(variable), core.convert_to_tensor(slots[0]), g, lr) + tuple(
            core.convert_to_tensor(s) for s in extra)
        outs = execute(_OPS[(centered, use_momentum)], ins,
                       {"rho": float(self.rho), "momentum": float(self.momentum), "epsilon": float(self.epsilon)})
        for slot, value in zip(slots + extra, outs[1:]):
            slot.assign(value)
        variable.assign(outs[0])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                       "centered": self.centered})
        return config
