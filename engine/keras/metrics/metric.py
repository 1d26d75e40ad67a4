"""The ``Metric`` base class (``keras/src/metrics/metric.py``).

State lives in non-trainable engine variables (``add_variable``); ``update_state``
changes them only through ``assign*`` and ``result`` reads them with engine ops,
so both run unchanged inside ``engine.function`` traces.
"""
from __future__ import annotations

from typing import Any

from ...ops import creation_ops
from .. import backend, initializers
from ..layers.layer import KerasVariable
from ..losses.loss import _dtype_name


class Metric:
    """Encapsulates metric logic and state: ``update_state`` / ``result`` / ``reset_state``."""

    def __init__(self, dtype: Any = None, name: str | None = None) -> None:
        self.name = name or backend.unique_name(backend.to_snake_case(type(self).__name__))
        self._dtype = _dtype_name(dtype or backend.floatx())
        self._metrics: list = []
        self._variables: list = []

    # -- state ---------------------------------------------------------------------------
    def add_variable(self, shape: Any, initializer: Any, dtype: Any = None, aggregation: str = "sum",
                     name: str | None = None) -> KerasVariable:
        """A non-trainable state variable (path ``<metric name>/<name>``)."""
        self._check_super_called()
        init = initializers.get(initializer)
        shape = tuple(int(d) for d in (shape or ()))
        value = init(shape, dtype=_dtype_name(dtype or self._dtype))
        variable = KerasVariable(value, name=name or "variable", path=f"{self.name.replace('/', '>')}/{name}",
                                 trainable=False)
        variable.aggregation = aggregation
        self._variables.append(variable)
        return variable

    def add_weight(self, shape: Any = (), initializer: Any = None, dtype: Any = None,
                   name: str | None = None) -> KerasVariable:
        """Backwards-compatible alias of :meth:`add_variable`."""
        return self.add_variable(shape=shape, initializer=initializer or "zeros", dtype=dtype, name=name)

    @property
    def variables(self) -> list:
        out = list(self._variables)
        for metric in self._metrics:
            out.extend(metric.variables)
        return out

    def reset_state(self) -> None:
        """Set every state variable back to zeros."""
        for v in self.variables:
            v.assign(creation_ops.zeros(tuple(v.shape), dtype=v.dtype))

    def update_state(self, *args: Any, **kwargs: Any) -> Any:
        """Accumulate statistics; subclasses implement this."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update_state()`.")

    def result(self) -> Any:
        """The current value: a scalar tensor (or a dict of them)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `result()`.")

    # -- stateless API (state passed in and returned as tensors) -----------------------------
    def stateless_update_state(self, metric_variables: list, *args: Any, **kwargs: Any) -> list:
        """Run ``update_state`` on the given state values; return the new values (variables untouched)."""
        with _SwappedState(self.variables, metric_variables) as state:
            self.update_state(*args, **kwargs)
            return state.current()

    def stateless_result(self, metric_variables: list) -> Any:
        with _SwappedState(self.variables, metric_variables):
            return self.result()

    def stateless_reset_state(self) -> list:
        with _SwappedState(self.variables, [v.value() for v in self.variables]) as state:
            self.reset_state()
            return state.current()

    # -- misc ----------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``update_state(...)`` then ``result()``."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Metric) and "_metrics" in self.__dict__ and value is not self:
            if all(value is not mt for mt in self._metrics):
                self._metrics.append(value)
        super().__setattr__(name, value)

    def _check_super_called(self) -> None:
        if "_variables" not in self.__dict__:
            raise RuntimeError("You forgot to call `super().__init__()` in the `__init__()` method. Go add it!")

    def _obj_type(self) -> str:
        return "Metric"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


class _SwappedState:
    """Temporarily give ``variables`` the values ``values``; restore them on exit."""

    def __init__(self, variables: list, values: list) -> None:
        if len(values) != len(variables):
            raise ValueError("Argument `metric_variables` must be a list of tensors corresponding 1:1 to "
                             f"the metric's variables. Received list with length {len(values)}, but expected "
                             f"{len(variables)} variables.")
        self.variables = variables
        self.values = values

    def __enter__(self) -> "_SwappedState":
        self.saved = [v.value() for v in self.variables]
        for v, val in zip(self.variables, self.values):
            v.assign(val)
        return self

    def current(self) -> list:
        return [v.value() for v in self.variables]

    def __exit__(self, *exc: Any) -> None:
        for v, val in zip(self.variables, self.saved):
            v.assign(val)
