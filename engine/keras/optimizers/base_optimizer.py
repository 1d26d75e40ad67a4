"""``keras.optimizers.Optimizer``: Keras 3's optimizer pipeline on engine Variables.

Mirrors ``keras/src/optimizers/base_optimizer.py`` (with the TF backend's
overrides): ``apply`` → filter ``None`` gradients (warning) → unscale →
clip (``clipnorm`` per variable, ``global_clipnorm``, ``clipvalue``) →
``_apply_weight_decay`` (``var -= var * wd * lr`` before the update) →
``update_step`` per variable → EMA → variable constraints → ``iterations += 1``.

All state (``iterations``, the learning rate, slots) lives in engine
Variables and every computation is an engine op, so a step traced by
``engine.function`` replays with the current learning rate and iteration
count.  Built-in optimizers update each variable with one fused kernel
(registered op) followed by ``assign``s; their scalar coefficients (bias
corrections, ...) are computed once per step per dtype.
"""
from __future__ import annotations

import re
import warnings
from typing import Any, Iterable

import numpy as np

from ...framework import core, dtypes
from ...framework.core import Tensor, execute
from ...framework.variables import Variable
from ...ops import math_ops as m
from ...ops.array_ops import cast
from ...ops.creation_ops import zeros_like
from .. import backend, initializers
from ..layers.layer import KerasVariable
from . import _kernels
from .schedules import learning_rate_schedule

__all__ = ["Optimizer", "BaseOptimizer", "global_norm", "clip_by_global_norm"]


def _to_tensor(x: Any) -> Tensor:
    return x if type(x) is Tensor else core.convert_to_tensor(x)


def _np_dtype(x: Any) -> np.dtype:
    return dtypes.as_dtype(x.dtype)._np


class Optimizer:
    """Base class of Keras optimizers (Keras 3 semantics).

    Subclasses create slots in ``build`` (with ``add_variable_from_reference``
    / ``add_optimizer_variables``) and implement ``update_step(gradient,
    variable, learning_rate)``; ``get_config`` adds their hyperparameters.
    """

    def __init__(self, learning_rate: Any, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        self._lock = False
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        if name is None:
            name = backend.unique_name(backend.to_snake_case(type(self).__name__))
        self.name = name
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        if gradient_accumulation_steps:
            if not gradient_accumulation_steps >= 2:
                raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. Received: "
                                 f"gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema:
            if ema_momentum > 1 or ema_momentum < 0:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int)
                                            or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. Received: "
                                 f"ema_overwrite_frequency={ema_overwrite_frequency}")
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. Received: "
                             f"clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.built = False
        self._variables: list = []
        self._trainable_variables: list = []
        self._trainable_variables_indices: dict = {}
        self._pending_state: dict | None = None
        self._pending_missing: list = []
        iterations = self._make_variable(np.asarray(0, np.int64), "iteration", "int64")
        self._track_variable(iterations)
        self._iterations = iterations
        if isinstance(learning_rate, learning_rate_schedule.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if not (isinstance(learning_rate, (float, np.floating))):
                raise ValueError(
                    "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or a "
                    "callable (that takes in the current iteration value and returns the corresponding learning "
                    f"rate value). Received instead: learning_rate={learning_rate}")
            lr = self._make_variable(np.asarray(learning_rate, backend.floatx()), "learning_rate", backend.floatx())
            self._track_variable(lr)
            self._learning_rate = lr

    # -- attribute tracking ----------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if name != "_lock":
            self._check_super_called()
        if isinstance(value, Variable) and "_variables" in self.__dict__:
            self._track_variable(value)
        object.__setattr__(self, name, value)

    def _check_super_called(self) -> None:
        if "_lock" not in self.__dict__:
            raise RuntimeError(f"In optimizer '{type(self).__name__}', you forgot to call `super().__init__()` as "
                               "the first statement in the `__init__()` method. Go add it!")

    def _track_variable(self, variable: Any) -> None:
        if all(v is not variable for v in self._variables):
            self._variables.append(variable)

    def _untrack_variable(self, variable: Any) -> None:
        self._variables[:] = [v for v in self._variables if v is not variable]

    def _make_variable(self, value: Any, name: str, dtype: Any) -> KerasVariable:
        arr = np.asarray(core.convert_to_tensor(value)._np if isinstance(value, Tensor) else value,
                         dtype=dtypes.as_dtype(dtype)._np)
        return KerasVariable(np.array(arr, copy=True), name=name, path=f"{self.name}/{name}", trainable=False)

    # -- properties -------------------------------------------------------------------
    @property
    def iterations(self) -> Any:
        """The step counter (int64 Variable); ``//`` accumulation steps when accumulating."""
        if self.gradient_accumulation_steps:
            return m.floordiv(self._iterations, np.int64(self.gradient_accumulation_steps))
        return self._iterations

    @property
    def variables(self) -> list:
        """``iterations``, the learning rate (unless a schedule) and every slot, in creation order."""
        return self._variables[:]

    @property
    def learning_rate(self) -> Any:
        """The lr Variable, or the schedule evaluated at ``iterations`` (a Tensor)."""
        return self._get_current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        prev_lr_var = self._learning_rate if isinstance(self._learning_rate, Variable) else None
        if isinstance(learning_rate, learning_rate_schedule.LearningRateSchedule) or callable(learning_rate):
            self._learning_rate = learning_rate
        else:
            if isinstance(self._learning_rate, learning_rate_schedule.LearningRateSchedule):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                    "constructor argument, hence its learning rate is not settable. If you need the learning rate "
                    "to be settable, you should instantiate the optimizer with a float `learning_rate` argument.")
            if not isinstance(self._learning_rate, Variable):
                raise TypeError("This optimizer was created with a callable `learning_rate`; it is not settable "
                                "to a number.")
            self._learning_rate.assign(core.convert_to_tensor(learning_rate, dtype=self._learning_rate.dtype)
                                       if not isinstance(learning_rate, (Tensor, Variable))
                                       else cast(learning_rate, self._learning_rate.dtype))
        if prev_lr_var is not None and not isinstance(self._learning_rate, Variable):
            self._untrack_variable(prev_lr_var)

    def _get_current_learning_rate(self) -> Any:
        lr = self._learning_rate
        if isinstance(lr, learning_rate_schedule.LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    def _lr_tensor(self) -> Tensor:
        return _to_tensor(self._get_current_learning_rate())

    # -- building -----------------------------------------------------------------------
    def build(self, variables: list) -> None:
        """Create the base slots (EMA averages, gradient accumulators) and index ``variables``."""
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = []
        for i, variable in enumerate(variables):
            self._trainable_variables_indices[self._var_key(variable)] = i
            if self.gradient_accumulation_steps:
                self._accumulated_gradients.append(
                    self.add_variable_from_reference(variable, name="gradient_accumulator"))
        self._trainable_variables = list(variables)
        self.built = True

    def _var_key(self, variable: Any) -> int:
        return id(variable)

    def _get_variable_index(self, variable: Any) -> int:
        return self._trainable_variables_indices[self._var_key(variable)]

    def add_variable(self, shape: Any, initializer: Any = "zeros", dtype: Any = None, aggregation: str = "none",
                     layout: Any = None, name: str | None = None) -> KerasVariable:
        """Create and track an optimizer variable (non-trainable)."""
        self._check_super_called()
        name = name or "variable"
        dtype = dtypes.as_dtype(dtype or backend.floatx()).name
        shape = tuple(int(d) for d in shape)
        value = self._take_pending(name, shape)
        if value is None:
            value = initializers.get(initializer)(shape, dtype=dtype)
        variable = self._make_variable(value, name, dtype)
        self._track_variable(variable)
        return variable

    def add_variable_from_reference(self, reference_variable: Any, name: str | None = None,
                                    initializer: Any = "zeros") -> KerasVariable:
        """A slot shaped like ``reference_variable``, named ``{path with _}_{name}``."""
        name = name or "var"
        if hasattr(reference_variable, "path"):
            name = f"{reference_variable.path.replace('/', '_')}_{name}"
        else:
            ref = str(reference_variable.name).replace("/", "_").replace(":", "_")
            name = f"{ref}_{name}"
        return self.add_variable(shape=tuple(reference_variable.shape), initializer=initializer,
                                 dtype=reference_variable.dtype, name=name)

    def add_optimizer_variables(self, trainable_variables: list, name: Any, initializer: Any = "zeros") -> Any:
        """One slot per variable per name; several names interleave per variable (Keras order)."""
        name_list, init_list = name, initializer
        if isinstance(name, str):
            name_list, init_list = [name], [initializer]
        elif isinstance(initializer, (str, initializers.Initializer)) or not isinstance(initializer, (list, tuple)):
            init_list = [initializer] * len(name_list)
        if len(name_list) != len(init_list):
            raise ValueError("The number of provided names must match the number of provided initializers.  "
                             f"Received name='{name}', initializer='{initializer}'")
        out: tuple = tuple([] for _ in name_list)
        for variable in trainable_variables:
            if not self._overwrite_variable_with_gradient(variable):
                for i, (var_name, var_init) in enumerate(zip(name_list, init_list)):
                    out[i].append(self.add_variable_from_reference(variable, name=var_name, initializer=var_init))
            else:
                for i in range(len(name_list)):
                    out[i].append(None)
        return out[0] if isinstance(name, str) else out

    def _overwrite_variable_with_gradient(self, variable: Any) -> bool:
        return bool(getattr(variable, "overwrite_with_gradient", False))

    def _check_variables_are_known(self, variables: list) -> None:
        for v in variables:
            if self._var_key(v) not in self._trainable_variables_indices:
                raise ValueError(f"Unknown variable: {v}. This optimizer can only be called for the variables it "
                                 "was originally built with. When working with a new set of variables, you should "
                                 "recreate a new optimizer instance.")

    # -- variable helpers (Keras API) ------------------------------------------------------
    def assign(self, variable: Any, value: Any) -> None:
        variable.assign(self._cast_to(value, variable))

    def assign_add(self, variable: Any, value: Any) -> None:
        variable.assign_add(self._cast_to(value, variable))

    def assign_sub(self, variable: Any, value: Any) -> None:
        variable.assign_sub(self._cast_to(value, variable))

    @staticmethod
    def _cast_to(value: Any, variable: Any) -> Tensor:
        t = _to_tensor(value)
        return t if t._np.dtype == _np_dtype(variable) else cast(t, variable.dtype)

    # -- applying ------------------------------------------------------------------------------
    def update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """Update one variable from its gradient (subclasses implement it)."""
        raise NotImplementedError

    def _fused_update_step(self, gradient: Any, variable: Any, learning_rate: Any) -> None:
        """Keras's update rule for one variable: coefficients, then one fused kernel and assigns."""
        self._update_var(gradient, variable, self._coefficients(_to_tensor(learning_rate), _np_dtype(variable)))

    _fused_update_step._fused = True  # type: ignore[attr-defined]

    def _coefficients(self, learning_rate: Tensor, dtype: np.dtype) -> tuple:
        """Per-step scalars for the fused kernels (default: the lr in the variable dtype)."""
        lr = learning_rate if learning_rate._np.dtype == dtype else cast(learning_rate, dtypes.as_dtype(dtype))
        return (lr,)

    def _grad_for(self, gradient: Any, variable: Any) -> Tensor:
        g = _to_tensor(gradient)
        dt = _np_dtype(variable)
        return g if g._np.dtype == dt else cast(g, dtypes.as_dtype(dt))

    def apply_gradients(self, grads_and_vars: Iterable) -> Any:
        """Apply ``(gradient, variable)`` pairs; returns ``iterations``."""
        pairs = list(grads_and_vars)
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        self.apply(grads, variables)
        return self._iterations

    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        """Update variables from ``grads`` (building the optimizer on first use)."""
        grads = list(grads)
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer must already be built on "
                                 "a list of variables. Call `optimizer.build(trainable_variables)` first. ")
            if len(grads) != len(self._trainable_variables_indices):
                raise ValueError("When passing `grads` as a list of gradient tensors, the gradients must match "
                                 f"`optimizer.variables` one-to-on. Received a list of {len(grads)} gradients, but "
                                 f"the optimizer is tracking {len(self._trainable_variables)} trainable variables.")
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)
        self._check_pending()
        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        grads, trainable_variables = self._overwrite_variables_directly_with_gradients(grads, trainable_variables)
        if len(grads) > 0:
            grads = [_to_tensor(g) for g in grads]
            scale = self.loss_scale_factor
            if scale is not None:
                grads = [m.divide(g, scale) for g in grads]
            self._backend_apply_gradients(grads, trainable_variables)
            for variable in trainable_variables:
                constraint = getattr(variable, "constraint", None)
                if constraint is not None:
                    variable.assign(constraint(variable))
        self._iterations.assign_add(1)

    def _backend_apply_gradients(self, grads: list, trainable_variables: list) -> None:
        if self.gradient_accumulation_steps:
            self._apply_accumulated(grads, trainable_variables)
        else:
            grads = self._clip_gradients(grads)
            lr = self._lr_tensor()
            self._apply_weight_decay(trainable_variables, lr)
            self._backend_update_step(grads, trainable_variables, lr)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                should = m.equal(m.floormod(m.add(_to_tensor(self.iterations), np.int64(1)),
                                            np.int64(self.ema_overwrite_frequency)), np.int64(0))
                for var, average in zip(self._trainable_variables, self._model_variables_moving_average):
                    if average is not None:
                        var.assign(m.where(should, _to_tensor(average), _to_tensor(var)))

    def _backend_update_step(self, grads: list, trainable_variables: list, learning_rate: Any) -> None:
        update = type(self).update_step
        if getattr(update, "_fused", False):
            lr = _to_tensor(learning_rate)
            coeffs: dict = {}
            for grad, var in zip(grads, trainable_variables):
                dt = _np_dtype(var)
                c = coeffs.get(dt)
                if c is None:
                    c = coeffs[dt] = self._coefficients(lr, dt)
                self._update_var(grad, var, c)
        else:
            for grad, var in zip(grads, trainable_variables):
                self.update_step(grad, var, learning_rate)

    def _apply_accumulated(self, grads: list, trainable_variables: list) -> None:
        """Gradient accumulation without control flow: run the update, then keep it only on update steps."""
        steps = self.gradient_accumulation_steps
        is_update = m.equal(m.floormod(m.add(_to_tensor(self._iterations), np.int64(1)), np.int64(steps)),
                            np.int64(0))
        accs = [self._accumulated_gradients[self._get_variable_index(v)] for v in trainable_variables]
        acc_ids = {id(a) for a in self._accumulated_gradients if a is not None}
        skip = acc_ids | {id(self._iterations), id(self._learning_rate)}
        skip |= {id(a) for a in getattr(self, "_model_variables_moving_average", []) if a is not None}
        touched = list(trainable_variables) + [v for v in self._variables if id(v) not in skip]
        before = [_to_tensor(v) for v in touched]
        acc_before = {id(a): _to_tensor(a) for a in self._accumulated_gradients if a is not None}
        new_grads = [m.divide(m.add(g, acc_before[id(a)]), np.asarray(steps, _np_dtype(g))) for g, a in zip(grads, accs)]
        new_grads = self._clip_gradients(new_grads)
        lr = self._lr_tensor()
        self._apply_weight_decay(trainable_variables, lr)
        self._backend_update_step(new_grads, trainable_variables, lr)
        for var, old in zip(touched, before):
            var.assign(m.where(is_update, _to_tensor(var), old))
        incremented = {id(a): m.add(g, acc_before[id(a)]) for g, a in zip(grads, accs)}
        for acc in self._accumulated_gradients:
            if acc is None:
                continue
            old = acc_before[id(acc)]
            kept = incremented.get(id(acc), old)
            acc.assign(m.where(is_update, zeros_like(old), kept))

    def _filter_empty_gradients(self, grads: list, variables: list) -> tuple:
        fgrads, fvars, missing = list(grads), list(variables), []
        for i in range(len(fgrads) - 1, -1, -1):
            if fgrads[i] is None:
                fgrads.pop(i)
                v = fvars.pop(i)
                missing.append(getattr(v, "path", None) or v.name)
        if not fgrads:
            raise ValueError("No gradients provided for any variable.")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {list(reversed(missing))} when minimizing the loss."
                          " If using `model.compile()`, did you forget to provide a `loss` argument?")
        return fgrads, fvars

    def _overwrite_variables_directly_with_gradients(self, grads: list, variables: list) -> tuple:
        if not any(self._overwrite_variable_with_gradient(v) for v in variables):
            return grads, variables
        fgrads, fvars = list(grads), list(variables)
        for i in range(len(fgrads) - 1, -1, -1):
            g, v = fgrads[i], fvars[i]
            if self._overwrite_variable_with_gradient(v):
                g = self._grad_for(g, v)
                if self.gradient_accumulation_steps:
                    steps = self.gradient_accumulation_steps
                    is_update = m.equal(m.floormod(m.add(_to_tensor(self._iterations), np.int64(1)),
                                                   np.int64(steps)), np.int64(0))
                    acc = self._accumulated_gradients[self._get_variable_index(v)]
                    mx = m.maximum(g, _to_tensor(acc))
                    v.assign(m.where(is_update, mx, _to_tensor(v)))
                    acc.assign(m.where(is_update, zeros_like(mx), mx))
                else:
                    v.assign(g)
                fgrads.pop(i)
                fvars.pop(i)
        return fgrads, fvars

    # -- clipping and weight decay ----------------------------------------------------------------
    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) if g is not None else g for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [m.clip_by_value(g, -v, v) if g is not None else g for g in grads]
        return grads

    def _clip_by_norm(self, values: Any, axes: Any = None) -> Tensor:
        return execute(_kernels.CLIP_BY_NORM, (_to_tensor(values),), {"clip_norm": float(self.clipnorm)})

    def exclude_from_weight_decay(self, var_list: list | None = None, var_names: list | None = None) -> None:
        """Exclude variables (or variables whose name matches any of ``var_names``) from weight decay."""
        self._exclude_from_weight_decay = {self._var_key(v) for v in var_list} if var_list else set()
        self._exclude_from_weight_decay_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._exclude_from_weight_decay_cache = {}

    def _use_weight_decay(self, variable: Any) -> bool:
        key = self._var_key(variable)
        cache = self.__dict__.get("_exclude_from_weight_decay_cache")
        if cache is None:
            cache = self._exclude_from_weight_decay_cache = {}
        if key in cache:
            return cache[key]
        if key in getattr(self, "_exclude_from_weight_decay", set()):
            cache[key] = False
            return False
        pattern = getattr(self, "_exclude_from_weight_decay_pattern", None)
        if pattern is not None and re.search(pattern, variable.name) is not None:
            cache[key] = False
            return False
        cache[key] = True
        return True

    def _apply_weight_decay(self, variables: list, learning_rate: Any = None) -> None:
        if self.weight_decay is None:
            return
        lr = self._lr_tensor() if learning_rate is None else _to_tensor(learning_rate)
        for variable in variables:
            if self._use_weight_decay(variable):
                dt = _np_dtype(variable)
                lr_d = lr if lr._np.dtype == dt else cast(lr, dtypes.as_dtype(dt))
                variable.assign(execute(_kernels.WEIGHT_DECAY, (_to_tensor(variable), lr_d),
                                        {"weight_decay": float(self.weight_decay)}))

    # -- EMA ---------------------------------------------------------------------------------------
    def _update_model_variables_moving_average(self, trainable_variables: list) -> None:
        if not self.use_ema:
            return
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is None:
                continue
            dt = dtypes.as_dtype(var.dtype)
            not_first = cast(m.not_equal(_to_tensor(self.iterations), np.int64(0)), dt)
            momentum = m.multiply(not_first, self.ema_momentum)
            average.assign(m.add(m.multiply(momentum, average), m.multiply(m.subtract(1.0, momentum), var)))

    def _overwrite_model_variables_with_average_value(self, trainable_variables: list) -> None:
        if len(trainable_variables) != len(self._model_variables_moving_average):
            raise ValueError(f"The length of model variables ({len(trainable_variables)}) to override does not match "
                             "the length of model variables stored in the optimizer "
                             f"({len(self._model_variables_moving_average)}). Please check if the optimizer was "
                             "called on your model.")
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            if average is not None:
                var.assign(average)

    def finalize_variable_values(self, var_list: list) -> None:
        """With ``use_ema``, overwrite the model variables with their moving averages."""
        if self.use_ema:
            self._overwrite_model_variables_with_average_value(var_list)

    def scale_loss(self, loss: Any) -> Any:
        """Multiply the loss by ``loss_scale_factor`` (if set)."""
        if self.loss_scale_factor is not None:
            return m.multiply(loss, self.loss_scale_factor)
        return loss

    # -- state -------------------------------------------------------------------------------------
    def _state_keys(self) -> list:
        keys, seen = [], {}
        for v in self._variables:
            k = seen.get(v.name, 0)
            seen[v.name] = k + 1
            keys.append(v.name if k == 0 else f"{v.name}:{k}")
        return keys

    def get_state(self) -> dict:
        """Every optimizer variable as a numpy array, keyed by its name within the optimizer
        (``iteration``, ``learning_rate``, ``dense_kernel_momentum`` ...)."""
        return {k: np.array(v.numpy(), copy=True) for k, v in zip(self._state_keys(), self._variables)}

    def set_state(self, state: dict) -> None:
        """Restore a ``get_state()`` dict.  Before ``build`` the slot values are kept and
        used as the initial values of the slots when the optimizer is built."""
        clean = {str(k).rsplit("/", 1)[-1]: np.asarray(v) for k, v in dict(state).items()}
        current = dict(zip(self._state_keys(), self._variables))
        if self.built:
            unknown = sorted(set(clean) - set(current))
            missing = sorted(set(current) - set(clean))
            if unknown or missing:
                raise ValueError(f"Optimizer '{self.name}' state does not match: unknown keys {unknown}, "
                                 f"missing keys {missing}.")
        for k, v in current.items():
            if k in clean:
                self._assign_checked(v, clean.pop(k))
        if not self.built:
            self._pending_state = clean
            self._pending_missing = []

    @staticmethod
    def _assign_checked(variable: Any, value: np.ndarray) -> None:
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(f"Optimizer variable {variable.name} has shape {tuple(variable.shape)} not compatible "
                             f"with provided weight shape {tuple(value.shape)}.")
        variable.assign(value.astype(_np_dtype(variable), copy=False))

    def _take_pending(self, name: str, shape: tuple) -> np.ndarray | None:
        pending = self._pending_state
        if pending is None:
            return None
        taken = sum(1 for v in self._variables if v.name == name)
        key = name if taken == 0 else f"{name}:{taken}"
        value = pending.pop(key, None)
        if value is None:
            self._pending_missing.append(key)
            return None
        if tuple(value.shape) != shape:
            raise ValueError(f"Optimizer variable {name} has shape {shape} not compatible with provided weight "
                             f"shape {tuple(value.shape)}.")
        return value

    def _check_pending(self) -> None:
        if self._pending_state is None or not self.built:
            return
        unknown, missing = sorted(self._pending_state), list(self._pending_missing)
        self._pending_state, self._pending_missing = None, []
        if unknown or missing:
            raise ValueError(f"Optimizer '{self.name}' state does not match its variables: unknown keys {unknown}, "
                             f"missing keys {missing}.")

    def set_weights(self, weights: list) -> None:
        """Assign every optimizer variable (in ``variables`` order)."""
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. Please "
                             "call `optimizer.build(trainable_variables)` to create the optimizer weights before "
                             "calling `set_weights()`.")
        for variable, weight in zip(self._variables, weights):
            self._assign_checked(variable, np.asarray(weight))

    def save_own_variables(self, store: dict) -> None:
        """Write every variable to ``store["0"], store["1"], ...`` (the .keras layout)."""
        for i, variable in enumerate(self.variables):
            store[str(i)] = np.array(variable.numpy(), copy=True)

    def load_own_variables(self, store: Any) -> None:
        """Read the variables back from a ``save_own_variables`` store."""
        if len(store.keys()) != len(self.variables):
            msg = (f"Skipping variable loading for optimizer '{self.name}', because it has {len(self.variables)} "
                   f"variables whereas the saved optimizer has {len(store.keys())} variables. ")
            if len(self.variables) == 0:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self.variables):
            variable.assign(np.asarray(store[str(i)]).astype(_np_dtype(variable), copy=False))

    # -- config ------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras 3 config (``learning_rate`` a float, or a serialized schedule)."""
        lr = self._learning_rate
        if isinstance(lr, learning_rate_schedule.LearningRateSchedule):
            learning_rate: Any = learning_rate_schedule.serialize(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(lr.numpy())
        elif isinstance(lr, Tensor):
            learning_rate = float(lr)
        elif callable(lr):
            learning_rate = {"module": getattr(lr, "__module__", None), "class_name": "function",
                             "config": getattr(lr, "__name__", repr(lr)),
                             "registered_name": getattr(lr, "__name__", None)}
        else:
            learning_rate = 0.5
        return {
            "name": self.name,
            "learning_rate": learning_rate,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Optimizer":
        """``cls(**config)``, deserializing a schedule ``learning_rate``."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = learning_rate_schedule.deserialize(config["learning_rate"],
                                                                         custom_objects=custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


BaseOptimizer = Optimizer


def global_norm(value_list: list) -> Tensor:
    """sqrt of the sum of squares of every tensor in ``value_list`` (None entries skipped)."""
    vals = [_to_tensor(v) for v in value_list if v is not None]
    return m.sqrt(m.add_n([m.reduce_sum(m.square(v)) for v in vals]))


def clip_by_global_norm(value_list: list, clip_norm: float) -> list:
    """Scale every tensor by ``clip_norm / max(global_norm, clip_norm)`` (Keras's formula, one fused op)."""
    vals = [_to_tensor(v) for v in value_list if v is not None]
    scale = execute(_kernels.GLOBAL_CLIP_SCALE, tuple(vals), {"clip_norm": float(clip_norm)})
    out = []
    for v in value_list:
        if v is None:
            out.append(v)
            continue
        t = _to_tensor(v)
        out.append(m.multiply(t, scale if t._np.dtype == scale._np.dtype else cast(scale, t.dtype)))
    return out
