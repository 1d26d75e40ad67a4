"""``keras.optimizers.Adagrad``: ``acc += g²``; ``w -= lr g / sqrt(acc + eps)``
(accumulators start at ``initial_accumulator_value``).  One fused kernel per variable."""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core
from ...framework.core import execute, register_op
from .. import initializers
from ._kernels import out_of
from .base_optimizer import Optimizer


def _adagrad_kernel(var, acc, g, lr, *, epsilon):
    acc_new = np.square(g)
    acc_new = np.add(acc, acc_new, out=out_of(acc_new))
    den = np.add(acc_new, epsilon)
    den = np.sqrt(den, out=out_of(den))
    num = np.multiply(lr, g)
    num = np.divide(num, den, out=out_of(num))
    return np.subtract(var, num, out=out_of(num)), acc_new


_ADAGRAD = register_op("KerasAdagradUpdate", _adagrad_kernel, None, n_out=2)


class Adagrad(Optimizer):
    """Adagrad: per-parameter learning rates scaled by accumulated squared gradients."""

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency,
                         loss_scale_factor=loss_scale_factor,
                         gradient_accumulation_steps=gradient_accumulation_steps, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list: list) -> None:
        """One ``accumulator`` slot per variable, filled with ``initial_accumulator_value``."""
        if self.built:
            return
        super().build(var_list)
        initializer = initializers.Constant(self.initial_accumulator_value)
        self._accumulators = self.add_optimizer_variables(var_list, "accumulator", initializer=initializer)

    update_step = Optimizer._fused_update_step

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        (lr,) = coeffs
        acc = self._accumulators[self._get_variable_index(variable)]
        g = self._grad_for(gradient, variable)
        var_new, acc_new = execute(_ADAGRAD, (core.convert_to_tensor(variable), core.convert_to_tensor(acc), g, lr),
                                   {"epsilon": float(self.epsilon)})
        acc.assign(acc_new)
        variable.assign(var_new)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon})
        return config
