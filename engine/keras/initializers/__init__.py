"""Keras initializers (``GlorotUniform`` default for kernels, ``Zeros`` for biases)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...framework import core, dtypes
from ...framework.core import Tensor, wrap

__all__ = ["Initializer", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
           "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
           "LecunUniform", "Orthogonal", "Identity", "get", "serialize", "deserialize"]


def _rng(seed: Any) -> np.random.Generator:
    if seed is not None:
        return np.random.default_rng(seed)
    from ...ops import random_ops
    make = getattr(random_ops, "op_rng", None)
    return make(None) if make is not None else np.random.default_rng()


class Initializer:
    """Base: ``init(shape, dtype) -> Tensor``; serializable via ``get_config``."""

    def __call__(self, shape: Any, dtype: Any = None) -> Tensor:
        dt = dtypes.as_dtype(dtype or "float32")._np
        return wrap(np.asarray(self._generate(tuple(int(d) for d in shape), dt), dtype=dt))

    def _generate(self, shape: tuple, dtype: np.dtype) -> np.ndarray:
        raise TypeError(f"{type(self).__name__} must define _generate")

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        from ..saving.config_utils import known_kwargs
        return cls(**known_kwargs(cls, config))


class Zeros(Initializer):
    def _generate(self, shape, dtype):
        return np.zeros(shape, dtype)


class Ones(Initializer):
    def _generate(self, shape, dtype):
        return np.ones(shape, dtype)


class Constant(Initializer):
    def __init__(self, value: Any = 0.0) -> None:
        self.value = value

    def _generate(self, shape, dtype):
        return np.broadcast_to(np.asarray(self.value, dtype=dtype), shape).copy()

    def get_config(self) -> dict:
        v = self.value
        return {"value": v.tolist() if isinstance(v, np.ndarray) else v}


class _Seeded(Initializer):
    def __init__(self, seed: Any = None) -> None:
        self.seed = seed
        self._gen = None

    def _g(self) -> np.random.Generator:
        # Keras: a seeded initializer gives the same values each call; unseeded, fresh ones.
        return np.random.default_rng(self.seed) if self.seed is not None else _rng(None)


class RandomNormal(_Seeded):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def _generate(self, shape, dtype):
        return self._g().normal(self.mean, self.stddev, shape)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_Seeded):
    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None) -> None:
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def _generate(self, shape, dtype):
        return self._g().uniform(self.minval, self.maxval, shape)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


def _truncated(g: np.random.Generator, shape: tuple, stddev: float, mean: float = 0.0) -> np.ndarray:
    out = g.normal(0.0, 1.0, shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = g.normal(0.0, 1.0, int(bad.sum()))
        bad = np.abs(out) > 2
    return out * stddev + mean


class TruncatedNormal(_Seeded):
    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None) -> None:
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def _generate(self, shape, dtype):
        return _truncated(self._g(), shape, self.stddev, self.mean)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


def _fans(shape: tuple, input_axes: Any = None, output_axes: Any = None) -> tuple:
    if input_axes is not None and output_axes is not None:  # Keras 3.15 ``compute_fans``
        return int(np.prod([shape[a] for a in input_axes])), int(np.prod([shape[a] for a in output_axes]))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = int(np.prod(shape[:-2]))
    return shape[-2] * receptive, shape[-1] * receptive


class VarianceScaling(_Seeded):
    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        super().__init__(seed)
        self.input_axes, self.output_axes = input_axes, output_axes
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(f"Invalid `mode` argument: {mode}")
        distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in ("uniform", "truncated_normal", "untruncated_normal"):
            raise ValueError(f"Invalid `distribution` argument: {distribution}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def _generate(self, shape, dtype):
        fan_in, fan_out = _fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        g = self._g()
        if self.distribution == "truncated_normal":
            return _truncated(g, shape, math.sqrt(scale) / 0.87962566103423978)
        if self.distribution == "untruncated_normal":
            return g.normal(0.0, math.sqrt(scale), shape)
        limit = math.sqrt(3.0 * scale)
        return g.uniform(-limit, limit, shape)

    def get_config(self) -> dict:
        return {"seed": self.seed, "scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "input_axes": self.input_axes, "output_axes": self.output_axes}


def _vs(name: str, scale: float, mode: str, dist: str) -> type:
    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None) -> None:
        VarianceScaling.__init__(self, scale=scale, mode=mode, distribution=dist, seed=seed,
                                 input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}
    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config,
                                           "__doc__": f"VarianceScaling(scale={scale}, mode={mode!r}, distribution={dist!r})."})


GlorotUniform = _vs("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _vs("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _vs("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _vs("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _vs("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _vs("LecunUniform", 1.0, "fan_in", "uniform")


class Orthogonal(_Seeded):
    def __init__(self, gain: float = 1.0, seed: Any = None) -> None:
        super().__init__(seed)
        self.gain = gain

    def _generate(self, shape, dtype):
        if len(shape) < 2:
            raise ValueError(f"The tensor to initialize must be at least two-dimensional. Received: shape={shape}")
        rows = int(np.prod(shape[:-1]))
        cols = shape[-1]
        a = self._g().normal(0.0, 1.0, (max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return (self.gain * q[:rows, :cols]).reshape(shape)

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    def __init__(self, gain: float = 1.0) -> None:
        self.gain = gain

    def _generate(self, shape, dtype):
        if len(shape) != 2:
            raise ValueError("Identity matrix initializer can only be used for 2D matrices.")
        return self.gain * np.eye(*shape)

    def get_config(self) -> dict:
        return {"gain": self.gain}


_CLASSES = {c.__name__: c for c in (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal,
                                    VarianceScaling, GlorotUniform, GlorotNormal, HeNormal, HeUniform,
                                    LecunNormal, LecunUniform, Orthogonal, Identity)}
_ALIASES = {"zeros": "Zeros", "ones": "Ones", "constant": "Constant", "random_normal": "RandomNormal",
            "random_uniform": "RandomUniform", "truncated_normal": "TruncatedNormal",
            "variance_scaling": "VarianceScaling", "glorot_uniform": "GlorotUniform",
            "glorot_normal": "GlorotNormal", "he_normal": "HeNormal", "he_uniform": "HeUniform",
            "lecun_normal": "LecunNormal", "lecun_uniform": "LecunUniform", "orthogonal": "Orthogonal",
            "identity": "Identity", "LeCunNormal": "LecunNormal", "LeCunUniform": "LecunUniform",
            "IdentityInitializer": "Identity", "uniform": "RandomUniform", "normal": "RandomNormal",
            "zero": "Zeros", "one": "Ones"}


def get(identifier: Any) -> Any:
    """An initializer from a name, a ``{class_name, config}`` dict, an instance or a callable."""
    if identifier is None:
        return None
    if isinstance(identifier, Initializer) or (callable(identifier) and not isinstance(identifier, (str, dict, type))):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, str):
        name = _ALIASES.get(identifier, identifier)
        if name not in _CLASSES:
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
        return _CLASSES[name]()
    if isinstance(identifier, dict):
        name = _ALIASES.get(identifier.get("class_name"), identifier.get("class_name"))
        if name not in _CLASSES:
            raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")
        cfg = dict(identifier.get("config") or {})
        return _CLASSES[name].from_config(cfg)
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def serialize(initializer: Any) -> Any:
    if initializer is None:
        return None
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    return get(config)
