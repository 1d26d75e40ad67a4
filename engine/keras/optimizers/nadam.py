"""``keras.optimizers.Nadam``: Adam with Nesterov momentum (Dozat, 2015).

Keeps Keras's ``u_product`` Variable (the running product of the momentum
schedule ``u_t = b1 (1 - 0.5 * 0.96^t)``), updated once per step before the
per-variable updates.  Scalars come from one op per step, each variable's
update from one fused kernel.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import core, dtypes
from ...framework.core import execute, register_op
from .. import backend
from ._kernels import as_array, out_of
from .base_optimizer import Optimizer


def _u_product_kernel(u_product: np.ndarray, iterations: np.ndarray, *, beta_1: float) -> np.ndarray:
    dt = np.asarray(u_product).dtype
    step = np.asarray(iterations + 1).astype(dt)
    factor = 1.0 - 0.5 * np.power(np.asarray(0.96, dt), step)
    return as_array(u_product * np.asarray(beta_1, dt) * factor, dt)


def _nadam_coeffs_kernel(lr: np.ndarray, u_product: np.ndarray, iterations: np.ndarray, *, beta_1: float,
                         beta_2: float) -> tuple:
    dt = np.asarray(lr).dtype
    local_step = np.asarray(iterations + 1).astype(dt)
    next_step = np.asarray(iterations + 2).astype(dt)
    decay = np.asarray(0.96, dt)
    b1 = np.asarray(beta_1, dt)
    b2 = np.asarray(beta_2, dt)
    u_t = b1 * (1.0 - 0.5 * np.power(decay, local_step))
    u_t_1 = b1 * (1.0 - 0.5 * np.power(decay, next_step))
    u_product_t = np.asarray(u_product).astype(dt)
    u_product_t_1 = u_product_t * u_t_1
    beta_2_power = np.power(b2, local_step)
    return tuple(as_array(x, dt) for x in (u_t_1, 1 - u_product_t_1, 1 - u_t, 1 - u_product_t, 1 - beta_2_power,
                                            1 - b1, 1 - b2))


def _nadam_kernel(var, m, v, g, lr, u_t_1, one_m_upt1, one_m_ut, one_m_upt, one_m_b2p, one_m_b1, one_m_b2, *,
                  epsilon):
    m_new = np.subtract(g, m)
    m_new = np.multiply(m_new, one_m_b1, out=out_of(m_new))
    m_new = np.add(m, m_new, out=out_of(m_new))
    v_new = np.square(g)
    v_new = np.subtract(v_new, v, out=out_of(v_new))
    v_new = np.multiply(v_new, one_m_b2, out=out_of(v_new))
    v_new = np.add(v, v_new, out=out_of(v_new))
    m_hat = np.multiply(u_t_1, m_new)
    m_hat = np.divide(m_hat, one_m_upt1, out=out_of(m_hat))
    t = np.multiply(one_m_ut, g)
    t = np.divide(t, one_m_upt, out=out_of(t))
    m_hat = np.add(m_hat, t, out=out_of(m_hat))
    v_hat = np.divide(v_new, one_m_b2p)
    den = np.sqrt(v_hat, out=out_of(v_hat))
    den = np.add(den, epsilon, out=out_of(den))
    num = np.multiply(m_hat, lr, out=out_of(m_hat))
    num = np.divide(num, den, out=out_of(num))
    return np.subtract(var, num, out=out_of(num)), m_new, v_new


_U_PRODUCT = register_op("KerasNadamUProduct", _u_product_kernel, None)
_COEFFS = register_op("KerasNadamCoefficients", _nadam_coeffs_kernel, None, n_out=7)
_NADAM = register_op("KerasNadamUpdate", _nadam_kernel, None, n_out=3)


class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum."""

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
        """``momentum``/``velocity`` slots, then the scalar ``u_product`` (named ``variable``, as Keras)."""
        if self.built:
            return
        dtype = dtypes.as_dtype(var_list[0].dtype).name if var_list else backend.floatx()
        super().build(var_list)
        self._momentums, self._velocities = self.add_optimizer_variables(var_list, ["momentum", "velocity"])
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="variable")

    def _backend_update_step(self, grads: list, trainable_variables: list, learning_rate: Any) -> None:
        self._u_product.assign(execute(_U_PRODUCT, (core.convert_to_tensor(self._u_product),
                                                    core.convert_to_tensor(self.iterations)),
                                       {"beta_1": float(self.beta_1)}))
        super()._backend_update_step(grads, trainable_variables, learning_rate)

    update_step = Optimizer._fused_update_step

    def _coefficients(self, learning_rate: Any, dtype: np.dtype) -> tuple:
        (lr,) = super()._coefficients(learning_rate, dtype)
        coeffs = execute(_COEFFS, (lr, core.convert_to_tensor(self._u_product), core.convert_to_tensor(self.iterations)),
                         {"beta_1": float(self.beta_1), "beta_2": float(self.beta_2)})
        return (lr,) + tuple(coeffs)

    def _update_var(self, gradient: Any, variable: Any, coeffs: tuple) -> None:
        i = self._get_variable_index(variable)
        mom, vel = self._momentums[i], self._velocities[i]
        g = self._grad_for(gradient, variable)
        var_new, m_new, v_new = execute(
            _NADAM, (core.convert_to_tensor(variable), core.convert_to_tensor(mom), core.convert_to_tensor(vel), g)
            + tuple(coeffs), {"epsilon": float(self.epsilon)})
        mom.assign(m_new)
        vel.assign(v_new)
        variable.assign(var_new)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
