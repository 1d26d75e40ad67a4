"""Learning-rate schedules (``keras/src/optimizers/schedules/learning_rate_schedule.py``).

A schedule is called with the optimizer's ``iterations`` Variable and returns
a scalar Tensor computed with engine ops only, so a traced training step
re-evaluates it at replay time.  Data-dependent branches of the Keras source
(``ops.cond``) become ``where`` selections; branches on Python config values
stay Python ``if``s.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ....framework import core
from ....framework.core import Tensor
from ....ops import math_ops as m
from ....ops.array_ops import cast
from ...saving import object_registry

__all__ = ["LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay", "PolynomialDecay",
           "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts", "serialize", "deserialize"]


def _t(x: Any) -> Tensor:
    return x if type(x) is Tensor else core.convert_to_tensor(x)


def _cast(x: Any, dtype: Any) -> Tensor:
    """``ops.cast``: Python numbers become constants of ``dtype``; tensors/Variables are cast."""
    if isinstance(x, Tensor) or hasattr(type(x), "_as_tensor"):
        t = _t(x)
        return t if t.dtype == dtype else cast(t, dtype)
    return core.convert_to_tensor(np.asarray(x, dtype=dtype._np))


class LearningRateSchedule:
    """Base class: ``__call__(step)`` returns the learning rate for ``step``."""

    def __call__(self, step: Any) -> Any:
        raise NotImplementedError(f"Learning rate schedule '{self.__class__.__name__}' must override "
                                  "`__call__(self, step)`.")

    def get_config(self) -> dict:
        raise NotImplementedError(f"Learning rate schedule '{self.__class__.__name__}' must override "
                                  "`get_config()` in order to be serializable.")

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        return cls(**config)


def _check_steps(name: str, value: Any) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored with ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "ExponentialDecay") -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step: Any) -> Tensor:
        initial_learning_rate = _t(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = _cast(self.decay_steps, dtype)
        decay_rate = _cast(self.decay_rate, dtype)
        p = m.divide(_cast(step, dtype), decay_steps)
        if self.staircase:
            p = m.floor(p)
        return m.multiply(initial_learning_rate, m.pow(decay_rate, p))

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[i]`` while ``boundaries[i-1] < step <= boundaries[i]``."""

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant") -> None:
        super().__init__()
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values. Received: "
                             f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length "
                             f"{len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        step = _t(step)
        boundaries = [_t(b) for b in self.boundaries]
        boundaries = [b if b.dtype == step.dtype else cast(b, step.dtype) for b in boundaries]
        values = [_t(v) for v in self.values]
        dt = values[0].dtype
        result = core.convert_to_tensor(np.zeros((), dt._np))
        result = m.add(result, m.multiply(cast(m.less_equal(step, boundaries[0]), dt), values[0]))
        result = m.add(result, m.multiply(cast(m.greater(step, boundaries[-1]), dt), values[-1]))
        for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
            in_range = m.logical_and(m.greater(step, low), m.less_equal(step, high))
            result = m.add(result, m.multiply(cast(in_range, dt), value))
        return result

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay") -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step: Any) -> Tensor:
        initial_learning_rate = _t(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        end_learning_rate = _cast(self.end_learning_rate, dtype)
        power = _cast(self.power, dtype)
        global_step = _cast(step, dtype)
        decay_steps = _cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = m.where(m.equal(global_step, _cast(0, dtype)), _cast(1.0, dtype),
                                 m.ceil(m.divide(global_step, _cast(self.decay_steps, dtype))))
            decay_steps = m.multiply(decay_steps, multiplier)
        else:
            global_step = m.minimum(global_step, decay_steps)
        p = m.divide(global_step, decay_steps)
        return m.add(m.multiply(m.subtract(initial_learning_rate, end_learning_rate),
                                m.pow(m.subtract(_cast(1, dtype), p), power)), end_learning_rate)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle,
                "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``."""

    def __init__(self, initial_learning_rate: float, decay_steps: Any, decay_rate: float, staircase: bool = False,
                 name: str = "InverseTimeDecay") -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name
        _check_steps("decay_steps", self.decay_steps)

    def __call__(self, step: Any) -> Tensor:
        initial_learning_rate = _t(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = _cast(self.decay_steps, dtype)
        decay_rate = _cast(self.decay_rate, dtype)
        p = m.divide(_cast(step, dtype), decay_steps)
        if self.staircase:
            p = m.floor(p)
        denom = m.add(_cast(1, dtype), m.multiply(decay_rate, p))
        return m.divide(initial_learning_rate, denom)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay over ``decay_steps``, after an optional linear warmup to ``warmup_target``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0, name: str = "CosineDecay",
                 warmup_target: float | None = None, warmup_steps: int = 0) -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target
        _check_steps("decay_steps", self.decay_steps)

    def _decay_function(self, step: Tensor, decay_steps: Tensor, decay_from_lr: Tensor, dtype: Any) -> Tensor:
        completed_fraction = m.divide(step, decay_steps)
        pi = _cast(math.pi, dtype)
        cosine_decayed = m.multiply(_cast(0.5, dtype),
                                    m.add(_cast(1.0, dtype), m.cos(m.multiply(pi, completed_fraction))))
        decayed = m.add(m.multiply(_cast(1 - self.alpha, dtype), cosine_decayed), _cast(self.alpha, dtype))
        return m.multiply(decay_from_lr, decayed)

    def _warmup_function(self, step: Tensor, warmup_steps: Tensor, warmup_target: Tensor,
                         initial_learning_rate: Tensor) -> Tensor:
        completed_fraction = m.divide(step, warmup_steps)
        total_step_delta = m.subtract(warmup_target, initial_learning_rate)
        return m.add(m.multiply(total_step_delta, completed_fraction), initial_learning_rate)

    def __call__(self, step: Any) -> Tensor:
        initial_learning_rate = _t(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        decay_steps = _cast(self.decay_steps, dtype)
        global_step = _cast(step, dtype)
        if self.warmup_target is None:
            global_step = m.minimum(global_step, decay_steps)
            return self._decay_function(global_step, decay_steps, initial_learning_rate, dtype)
        warmup_target = _cast(self.warmup_target, dtype)
        warmup_steps = _cast(self.warmup_steps, dtype)
        global_step = m.minimum(global_step, m.add(decay_steps, warmup_steps))
        decayed = self._decay_function(m.subtract(global_step, warmup_steps), decay_steps, warmup_target, dtype)
        if not self.warmup_steps > 0:  # step < warmup_steps never holds for step >= 0
            return decayed
        warm = self._warmup_function(global_step, warmup_steps, warmup_target, initial_learning_rate)
        return m.where(m.less(global_step, warmup_steps), warm, decayed)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR)."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0, m_mul: float = 1.0,
                 alpha: float = 0.0, name: str = "SGDRDecay") -> None:
        super().__init__()
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name
        _check_steps("first_decay_steps", self.first_decay_steps)

    def __call__(self, step: Any) -> Tensor:
        initial_learning_rate = _t(self.initial_learning_rate)
        dtype = initial_learning_rate.dtype
        first_decay_steps = _cast(self.first_decay_steps, dtype)
        alpha = _cast(self.alpha, dtype)
        t_mul = _cast(self._t_mul, dtype)
        m_mul = _cast(self._m_mul, dtype)
        completed_fraction = m.divide(_cast(step, dtype), first_decay_steps)
        one = _cast(1.0, dtype)
        if float(self._t_mul) == 1.0:
            i_restart = m.floor(completed_fraction)
            completed_fraction = m.subtract(completed_fraction, i_restart)
        else:
            i_restart = m.floor(m.divide(m.log(m.subtract(one, m.multiply(completed_fraction, m.subtract(one, t_mul)))),
                                         m.log(t_mul)))
            sum_r = m.divide(m.subtract(one, m.pow(t_mul, i_restart)), m.subtract(one, t_mul))
            completed_fraction = m.divide(m.subtract(completed_fraction, sum_r), m.pow(t_mul, i_restart))
        m_fac = m.pow(m_mul, i_restart)
        cosine_decayed = m.multiply(m.multiply(_cast(0.5, dtype), m_fac),
                                    m.add(one, m.cos(m.multiply(_cast(math.pi, dtype), completed_fraction))))
        decayed = m.add(m.multiply(m.subtract(one, alpha), cosine_decayed), alpha)
        return m.multiply(initial_learning_rate, decayed)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_CLASSES = {c.__name__: c for c in (LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                    InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule: Any) -> dict:
    """Keras 3 envelope: ``{"module", "class_name", "config", "registered_name"}``."""
    cls = type(learning_rate_schedule)
    builtin = _CLASSES.get(cls.__name__) is cls
    return {"module": "keras.optimizers.schedules" if builtin else cls.__module__, "class_name": cls.__name__,
            "config": learning_rate_schedule.get_config(),
            "registered_name": None if builtin else _registered_name(cls)}


def _registered_name(cls: type) -> str:
    for k, v in object_registry.CUSTOM_OBJECTS.items():
        if v is cls and ">" in k:
            return k
    return cls.__name__


def deserialize(config: Any, custom_objects: dict | None = None) -> LearningRateSchedule:
    """A schedule from ``serialize``'s envelope (or a Keras 2 ``{class_name, config}``)."""
    if isinstance(config, LearningRateSchedule):
        return config
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret decay identifier: {config}")
    name = config["class_name"]
    cls = None
    for key in (config.get("registered_name"), name):
        if key is None:
            continue
        if custom_objects and key in custom_objects:
            cls = custom_objects[key]
        elif key in object_registry.CUSTOM_OBJECTS:
            cls = object_registry.CUSTOM_OBJECTS[key]
        elif key in _CLASSES:
            cls = _CLASSES[key]
        if cls is not None:
            break
    if cls is None:
        raise ValueError(f"Unknown decay: '{name}'. Please ensure you are using a `keras.utils.custom_object_scope` "
                         "and that this object is included in the scope.")
    return cls.from_config(dict(config.get("config") or {}))
