"""``tf.random``: seeded random ops (stateful and stateless) and ``tf.random.Generator``.

Seeding follows TensorFlow 2's rules (``tf.random.set_seed``):

* no global seed, no op seed: nondeterministic (one OS-seeded numpy Generator);
* global seed, no op seed: each call draws from a stream owned by the global
  seed, so the sequence of calls repeats after ``set_seed``;
* op seed (with or without a global seed; TF's default graph seed stands in):
  a stream per ``(global seed, op seed, kernel)`` that advances on every call
  (``normal([2], seed=1)`` twice gives different values) — as TF's cached
  stateful kernels do; ``set_seed`` resets all of them.

Every draw is a registered op whose attrs carry the numpy ``Generator`` itself,
so a traced ``function`` calls the kernel again on each replay and draws fresh
values.  The draws have no gradient; ``mean``/``stddev``/``minval``/``maxval``
given as tensors are applied with math ops afterwards (as TF does), so they
are differentiable.  Bit streams do not (cannot) match TensorFlow's.
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..framework import dtypes
from ..framework.core import OPS, Tensor, convert_to_tensor, execute, register_op
from ..framework.errors import InvalidArgumentError
from . import math_ops

__all__ = [
    "Generator",
    "categorical",
    "get_global_generator",
    "normal",
    "set_global_generator",
    "set_seed",
    "shuffle",
    "stateless_categorical",
    "stateless_normal",
    "stateless_truncated_normal",
    "stateless_uniform",
    "truncated_normal",
    "uniform",
]

_DEFAULT_GRAPH_SEED = 87654321   # TF's op-seed-only global seed
_MASK64 = (1 << 64) - 1
_FLOATS = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))
_INTS = (np.dtype(np.int32), np.dtype(np.int64))


# ---------------------------------------------------------------------------
# Seed state
class _SeedState:
    __slots__ = ("global_seed", "streams", "counter_stream", "nondet")

    def __init__(self) -> None:
        self.global_seed: int | None = None
        self.streams: dict = {}
        self.counter_stream: np.random.Generator | None = None
        self.nondet = np.random.default_rng()


_state = _SeedState()


def _philox(*words: int) -> np.random.Generator:
    """A Philox-backed Generator keyed directly by two 64-bit words."""
    key = np.array([w & _MASK64 for w in words[:2]] + [0] * (2 - len(words[:2])), dtype=np.uint64)
    return np.random.Generator(np.random.Philox(key=key))


def set_seed(seed: Any) -> None:
    """Set the global random seed and reset every op-seeded stream (``tf.random.set_seed``)."""
    _state.global_seed = None if seed is None else int(seed)
    _state.streams.clear()
    _state.counter_stream = None


def op_rng(seed: Any = None, kind: str = "") -> np.random.Generator:
    """The numpy Generator one op call draws from, following TF's seeding rules.

    ``seed`` is the op-level seed; ``kind`` names the kernel (op and dtype) so
    that, as in TF, each kernel with an op seed has its own stream.
    """
    g = _state.global_seed
    if seed is None:
        if g is None:
            return _state.nondet
        gen = _state.counter_stream
        if gen is None:
            gen = _state.counter_stream = np.random.default_rng([g & _MASK64, 0x5EED])
        return gen
    key = (_DEFAULT_GRAPH_SEED if g is None else g, int(seed), kind)
    gen = _state.streams.get(key)
    if gen is None:
        gen = _state.streams[key] = np.random.default_rng([key[0] & _MASK64, key[1] & _MASK64,
                                                          *kind.encode()])
    return gen


# ---------------------------------------------------------------------------
# Kernels (pure numpy; they draw from the Generator in their attrs)
def _std_normal(gen: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    if dt == np.float16:
        return gen.standard_normal(shape, dtype=np.float32).astype(np.float16)
    return gen.standard_normal(shape, dtype=dt)


def _affine(r: np.ndarray, dt: np.dtype, a: float, b: float) -> np.ndarray:
    """``r * a + b`` in place on a fresh array (skipping identities)."""
    if a != 1.0:
        r *= dt.type(a)
    if b != 0.0:
        r += dt.type(b)
    return r


def _normal_kernel(*, shape, dtype, generator, mean, stddev):
    dt = np.dtype(dtype)
    return _affine(_std_normal(generator, shape, dt), dt, stddev, mean)


def _truncated(gen: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    r = _std_normal(gen, shape, dt).reshape(-1)
    bad = np.flatnonzero(np.abs(r) > 2)
    while bad.size:
        r[bad] = _std_normal(gen, (bad.size,), dt)
        bad = bad[np.abs(r[bad]) > 2]
    return r.reshape(shape)


def _truncated_kernel(*, shape, dtype, generator, mean, stddev):
    dt = np.dtype(dtype)
    return _affine(_truncated(generator, shape, dt), dt, stddev, mean)


def _unit_uniform(gen: np.random.Generator, shape: tuple, dt: np.dtype) -> np.ndarray:
    if dt == np.float16:  # exact float16 values in [0, 1)
        return (gen.integers(0, 1 << 11, size=shape, dtype=np.int16).astype(np.float16)
                * np.float16(2.0 ** -11))
    return gen.random(shape, dtype=dt)


def _uniform_kernel(*, shape, dtype, generator, minval, maxval):
    dt = np.dtype(dtype)
    return _affine(_unit_uniform(generator, shape, dt), dt, maxval - minval, minval)


def _check_int_bounds(lo: np.ndarray, hi: np.ndarray, op: str) -> None:
    for nm, v in (("minval", lo), ("maxval", hi)):
        if np.ndim(v):
            raise InvalidArgumentError(None, op, f"{nm} must be 0-D, got shape {list(np.shape(v))} [Op:{op}]")
    if not lo < hi:
        raise InvalidArgumentError(None, op, f"Need minval < maxval, got {lo} >= {hi} [Op:{op}]")


def _uniform_int_kernel(lo, hi, *, shape, dtype, generator):
    _check_int_bounds(lo, hi, "RandomUniformInt")
    return generator.integers(int(lo), int(hi), size=shape, dtype=np.dtype(dtype))


def _shuffle_kernel(x, *, generator):
    if x.ndim == 0 or x.shape[0] < 2:
        return x.copy()
    return x[generator.permutation(x.shape[0])]


def _multinomial(gen: np.random.Generator, logits: np.ndarray, num_samples: int, out: np.dtype,
                 op: str) -> np.ndarray:
    if logits.ndim != 2:
        raise InvalidArgumentError(None, op, f"logits should be a matrix, got shape {list(logits.shape)} [Op:{op}]")
    if num_samples < 0:
        raise InvalidArgumentError(None, op, f"num_samples should be non-negative, got {num_samples} [Op:{op}]")
    b, c = logits.shape
    if c == 0:
        raise InvalidArgumentError(None, op, f"num_classes should be positive, got 0 [Op:{op}]")
    if b == 0 or num_samples == 0:
        return np.zeros((b, num_samples), dtype=out)
    x = logits.astype(np.float64)
    m = x.max(axis=1, keepdims=True)
    dead = ~np.isfinite(m[:, 0])          # all -inf (or nan): TF answers num_classes
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.exp(x - np.where(dead[:, None], 0.0, m))
        cdf = np.cumsum(p, axis=1)
        cdf /= cdf[:, -1:]
    rows = np.arange(b, dtype=np.float64)[:, None]
    # One searchsorted over all rows: row i's cdf lives in (i, i + 1].
    flat = (cdf + rows).reshape(-1)
    u = gen.random((b, num_samples)) + rows
    idx = np.searchsorted(flat, u.reshape(-1), side="right").reshape(b, num_samples)
    idx -= (np.arange(b) * c)[:, None]
    np.clip(idx, 0, c - 1, out=idx)
    if dead.any():
        idx[dead] = c
    return idx.astype(out)


def _multinomial_kernel(logits, *, num_samples, output_dtype, generator):
    return _multinomial(generator, logits, num_samples, np.dtype(output_dtype), "Multinomial")


def _seed_rng(seed: np.ndarray, op: str) -> np.random.Generator:
    if np.shape(seed) != (2,):
        raise InvalidArgumentError(None, op, f"seed must have shape [2], not {list(np.shape(seed))} [Op:{op}]")
    return _philox(int(seed[0]), int(seed[1]))


def _sl_normal_kernel(seed, *, shape, dtype, mean, stddev):
    dt = np.dtype(dtype)
    return _affine(_std_normal(_seed_rng(seed, "StatelessRandomNormal"), shape, dt), dt, stddev, mean)


def _sl_truncated_kernel(seed, *, shape, dtype, mean, stddev):
    dt = np.dtype(dtype)
    return _affine(_truncated(_seed_rng(seed, "StatelessTruncatedNormal"), shape, dt), dt, stddev, mean)


def _sl_uniform_kernel(seed, *, shape, dtype, minval, maxval):
    dt = np.dtype(dtype)
    r = _unit_uniform(_seed_rng(seed, "StatelessRandomUniform"), shape, dt)
    return _affine(r, dt, maxval - minval, minval)


def _sl_uniform_int_kernel(seed, lo, hi, *, shape, dtype):
    gen = _seed_rng(seed, "StatelessRandomUniformInt")
    _check_int_bounds(lo, hi, "StatelessRandomUniformInt")
    return gen.integers(int(lo), int(hi), size=shape, dtype=np.dtype(dtype))


def _sl_full_int_kernel(seed, *, shape, dtype):
    dt = np.dtype(dtype)
    info = np.iinfo(dt)
    return _seed_rng(seed, "StatelessRandomUniformFullInt").integers(
        info.min, info.max, size=shape, dtype=dt, endpoint=True)


def _sl_multinomial_kernel(logits, seed, *, num_samples, output_dtype):
    gen = _seed_rng(seed, "StatelessMultinomial")
    return _multinomial(gen, logits, num_samples, np.dtype(output_dtype), "StatelessMultinomial")


_NORMAL = register_op("RandomStandardNormal", _normal_kernel, None)
_TRUNC = register_op("TruncatedNormal", _truncated_kernel, None)
_UNIFORM = register_op("RandomUniform", _uniform_kernel, None)
_UNIFORM_INT = register_op("RandomUniformInt", _uniform_int_kernel, None)
_SHUFFLE = register_op("RandomShuffle", _shuffle_kernel, None)
_MULTINOMIAL = register_op("Multinomial", _multinomial_kernel, None)
_SL_NORMAL = register_op("StatelessRandomNormal", _sl_normal_kernel, None)
_SL_TRUNC = register_op("StatelessTruncatedNormal", _sl_truncated_kernel, None)
_SL_UNIFORM = register_op("StatelessRandomUniform", _sl_uniform_kernel, None)
_SL_UNIFORM_INT = register_op("StatelessRandomUniformInt", _sl_uniform_int_kernel, None)
_SL_FULL_INT = register_op("StatelessRandomUniformFullInt", _sl_full_int_kernel, None)
_SL_MULTINOMIAL = register_op("StatelessMultinomial", _sl_multinomial_kernel, None)


# ---------------------------------------------------------------------------
# Argument handling
def _shape_arg(shape: Any, op: str) -> tuple:
    """A TF shape argument (list, tuple, TensorShape, 1-D int tensor) → tuple of ints."""
    if type(shape) is list or type(shape) is tuple:
        for d in shape:
            if type(d) is not int or d < 0:
                break
        else:
            return tuple(shape)
    if isinstance(shape, Tensor):
        shape = shape._np
    arr = np.asarray(shape)
    if arr.dtype == object:
        raise InvalidArgumentError(None, op, f"shape must be fully defined, got {shape} [Op:{op}]")
    if arr.dtype.kind not in "iu":
        if arr.size:
            raise InvalidArgumentError(
                None, op, f"Value for attr 'T' of {dtypes.as_dtype(arr.dtype).name} is not in the list "
                          f"of allowed values: int32, int64 [Op:{op}]")
        arr = arr.astype(np.int64)
    if arr.ndim != 1:
        raise InvalidArgumentError(None, op, f"shape must be a vector of {{int32,int64}}, got shape "
                                             f"{list(arr.shape)} [Op:{op}]")
    for d in arr:
        if d < 0:
            raise InvalidArgumentError(None, op, f"Dimension {int(d)} must be >= 0 [Op:{op}]")
    return tuple(int(d) for d in arr)


def _is_num(v: Any) -> bool:
    t = type(v)
    if t is float or t is int:
        return True
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


def _float_dtype(dtype: Any, values: tuple) -> np.dtype:
    dt = dtype if type(dtype) is dtypes.DType else dtypes.as_dtype(dtype)
    if dt._np not in _FLOATS:
        bad = next((v for v in values if _is_num(v)), values[0])
        raise TypeError(f"Cannot convert {bad!r} to EagerTensor of dtype {dt.name}")
    return dt._np


def _scaled(raw: Tensor, scale: Any, shift: Any, dt: np.dtype) -> Tensor:
    """``raw * scale + shift`` with tensor arguments (differentiable, broadcasting)."""
    dtype = dtypes.as_dtype(dt)
    s = convert_to_tensor(scale, dtype)
    b = convert_to_tensor(shift, dtype)
    return math_ops.add(math_ops.multiply(raw, s), b)


def _normal_like(op: Any, shape: Any, mean: Any, stddev: Any, dt: np.dtype, gen: Any,
                 seed_t: Tensor | None = None) -> Tensor:
    shp = _shape_arg(shape, op.name)
    ins = () if seed_t is None else (seed_t,)
    attrs = {"shape": shp, "dtype": dt.str}
    if gen is not None:
        attrs["generator"] = gen
    if _is_num(mean) and _is_num(stddev):
        attrs["mean"] = float(mean)
        attrs["stddev"] = float(stddev)
        return execute(op, ins, attrs)
    attrs["mean"] = 0.0
    attrs["stddev"] = 1.0
    return _scaled(execute(op, ins, attrs), stddev, mean, dt)


def _uniform_float(op: Any, shape: Any, minval: Any, maxval: Any, dt: np.dtype, gen: Any,
                   seed_t: Tensor | None = None) -> Tensor:
    shp = _shape_arg(shape, op.name)
    ins = () if seed_t is None else (seed_t,)
    attrs = {"shape": shp, "dtype": dt.str}
    if gen is not None:
        attrs["generator"] = gen
    if maxval is None:
        maxval = 1.0
    if _is_num(minval) and _is_num(maxval):
        attrs["minval"] = float(minval)
        attrs["maxval"] = float(maxval)
        return execute(op, ins, attrs)
    attrs["minval"] = 0.0
    attrs["maxval"] = 1.0
    dtype = dtypes.as_dtype(dt)
    lo = convert_to_tensor(minval, dtype)
    hi = convert_to_tensor(maxval, dtype)
    return _scaled(execute(op, ins, attrs), math_ops.subtract(hi, lo), lo, dt)


def _uniform_dtype(dtype: Any) -> np.dtype:
    dt = dtype if type(dtype) is dtypes.DType else dtypes.as_dtype(dtype)
    if dt._np not in _FLOATS and dt._np not in _INTS:
        raise ValueError(f"Argument `dtype` got invalid value {dt!r}. Accepted dtypes are "
                         f"(tf.float16, tf.float32, tf.float64, tf.int32, tf.int64).")
    return dt._np


_KINDS: dict = {}


def _kind(op: Any, dt: np.dtype) -> str:
    k = _KINDS.get((op, dt))
    if k is None:
        k = _KINDS[(op, dt)] = op.name + dt.str
    return k


# ---------------------------------------------------------------------------
# Stateful ops
def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32,
           seed: Any = None, name: str | None = None) -> Tensor:
    """Samples from a normal distribution (``mean``/``stddev`` broadcast against ``shape``)."""
    dt = _float_dtype(dtype, (mean, stddev))
    return _normal_like(_NORMAL, shape, mean, stddev, dt, op_rng(seed, _kind(_NORMAL, dt)))


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32,
                     seed: Any = None, name: str | None = None) -> Tensor:
    """Normal samples redrawn until within two standard deviations of the mean."""
    dt = _float_dtype(dtype, (mean, stddev))
    return _normal_like(_TRUNC, shape, mean, stddev, dt, op_rng(seed, _kind(_TRUNC, dt)))


def uniform(shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = dtypes.float32,
            seed: Any = None, name: str | None = None) -> Tensor:
    """Uniform samples in ``[minval, maxval)``; integer dtypes need ``maxval``."""
    dt = _uniform_dtype(dtype)
    if dt.kind == "f":
        return _uniform_float(_UNIFORM, shape, minval, maxval, dt, op_rng(seed, _kind(_UNIFORM, dt)))
    if maxval is None:
        raise ValueError(f"Must specify maxval for integer dtype {dtypes.as_dtype(dt)!r}")
    shp = _shape_arg(shape, "RandomUniformInt")
    lo = convert_to_tensor(minval, dtypes.as_dtype(dt))
    hi = convert_to_tensor(maxval, dtypes.as_dtype(dt))
    return execute(_UNIFORM_INT, (lo, hi), {"shape": shp, "dtype": dt.str,
                                            "generator": op_rng(seed, _kind(_UNIFORM_INT, dt))})


def shuffle(value: Any, seed: Any = None, name: str | None = None) -> Tensor:
    """Randomly permute ``value`` along its first dimension."""
    x = value if type(value) is Tensor else convert_to_tensor(value)
    return execute(_SHUFFLE, (x,), {"generator": op_rng(seed, _kind(_SHUFFLE, x._np.dtype))})


def _cat_args(logits: Any, num_samples: Any, dtype: Any) -> tuple:
    x = logits if type(logits) is Tensor else convert_to_tensor(logits)
    if x._np.dtype.kind != "f":
        raise InvalidArgumentError(None, "Multinomial", f"Value for attr 'T' of {x.dtype.name} is not in "
                                   "the list of allowed values: half, float, double [Op:Multinomial]")
    out = dtypes.as_dtype(dtypes.int64 if dtype is None else dtype)
    if out._np not in _INTS:
        raise ValueError(f"Argument `dtype` got invalid value {out!r}. Accepted dtypes are (tf.int32, tf.int64).")
    return x, int(num_samples), out._np.str


def categorical(logits: Any, num_samples: Any, dtype: Any = None, seed: Any = None,
                name: str | None = None) -> Tensor:
    """Draw ``num_samples`` class indices per row of ``logits`` ``[batch, classes]``."""
    x, n, out = _cat_args(logits, num_samples, dtype)
    return execute(_MULTINOMIAL, (x,), {"num_samples": n, "output_dtype": out,
                                        "generator": op_rng(seed, _kind(_MULTINOMIAL, x._np.dtype))})


# ---------------------------------------------------------------------------
# Stateless ops: a pure function of (shape, seed)
def _seed_tensor(seed: Any, op: str) -> Tensor:
    s = seed if type(seed) is Tensor else convert_to_tensor(seed)
    if s._np.dtype not in _INTS:
        raise InvalidArgumentError(None, op, f"Value for attr 'Tseed' of {s.dtype.name} is not in the list "
                                   f"of allowed values: int32, int64 [Op:{op}]")
    return s


def stateless_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                     dtype: Any = dtypes.float32, name: str | None = None,
                     alg: Any = "auto_select") -> Tensor:
    """Normal samples, deterministic given ``seed`` (shape ``[2]`` ints)."""
    dt = _float_dtype(dtype, (mean, stddev))
    s = _seed_tensor(seed, _SL_NORMAL.name)
    return _normal_like(_SL_NORMAL, shape, mean, stddev, dt, None, s)


def stateless_truncated_normal(shape: Any, seed: Any, mean: Any = 0.0, stddev: Any = 1.0,
                               dtype: Any = dtypes.float32, name: str | None = None,
                               alg: Any = "auto_select") -> Tensor:
    """Truncated-normal samples, deterministic given ``seed``."""
    dt = _float_dtype(dtype, (mean, stddev))
    s = _seed_tensor(seed, _SL_TRUNC.name)
    return _normal_like(_SL_TRUNC, shape, mean, stddev, dt, None, s)


def stateless_uniform(shape: Any, seed: Any, minval: Any = 0, maxval: Any = None,
                      dtype: Any = dtypes.float32, name: str | None = None,
                      alg: Any = "auto_select") -> Tensor:
    """Uniform samples, deterministic given ``seed``; ints with both bounds None span the dtype."""
    dt = _uniform_dtype(dtype)
    s = _seed_tensor(seed, _SL_UNIFORM.name)
    if dt.kind == "f":
        return _uniform_float(_SL_UNIFORM, shape, minval, maxval, dt, None, s)
    if (minval is None) != (maxval is None):
        raise ValueError(f"For integer `dtype` argument {dtypes.as_dtype(dt)!r}, argument `minval` and "
                         f"`maxval` must be both None or not None. Got `minval`={minval} and `maxval`={maxval}.")
    if minval is None:
        shp = _shape_arg(shape, _SL_FULL_INT.name)
        return execute(_SL_FULL_INT, (s,), {"shape": shp, "dtype": dt.str})
    shp = _shape_arg(shape, _SL_UNIFORM_INT.name)
    lo = convert_to_tensor(minval, dtypes.as_dtype(dt))
    hi = convert_to_tensor(maxval, dtypes.as_dtype(dt))
    return execute(_SL_UNIFORM_INT, (s, lo, hi), {"shape": shp, "dtype": dt.str})


def stateless_categorical(logits: Any, num_samples: Any, seed: Any, dtype: Any = dtypes.int64,
                          name: str | None = None) -> Tensor:
    """``categorical``, deterministic given ``seed``."""
    x, n, out = _cat_args(logits, num_samples, dtype)
    s = _seed_tensor(seed, _SL_MULTINOMIAL.name)
    return execute(_SL_MULTINOMIAL, (x, s), {"num_samples": n, "output_dtype": out})


# ---------------------------------------------------------------------------
# tf.random.Generator
class Generator:
    """An explicit random-number generator object (``tf.random.Generator``).

    Its ops draw from one numpy Generator (Philox); ``reset_from_seed`` rewinds
    it in place, so functions traced earlier see the reset too.
    """

    def __init__(self, copy_from: "Generator | None" = None, state: Any = None, alg: Any = None) -> None:
        if copy_from is not None:
            bg = np.random.Philox()
            bg.state = copy_from._rng.bit_generator.state
            self._rng = np.random.Generator(bg)
        else:
            self._rng = np.random.Generator(np.random.Philox())
        self.algorithm = 1  # Philox, like TF's default

    @classmethod
    def from_seed(cls, seed: Any, alg: Any = None) -> "Generator":
        """A generator whose stream is a pure function of ``seed``."""
        g = cls()
        g.reset_from_seed(seed)
        return g

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> "Generator":
        """A generator seeded from OS entropy."""
        return cls()

    def reset_from_seed(self, seed: Any) -> None:
        """Rewind to the start of the stream for ``seed``."""
        self._rng.bit_generator.state = _philox(int(seed), 0x7F4A7C15).bit_generator.state

    def normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = dtypes.float32,
               name: str | None = None) -> Tensor:
        return _normal_like(_NORMAL, shape, mean, stddev, _float_dtype(dtype, (mean, stddev)), self._rng)

    def truncated_normal(self, shape: Any, mean: Any = 0.0, stddev: Any = 1.0,
                         dtype: Any = dtypes.float32, name: str | None = None) -> Tensor:
        return _normal_like(_TRUNC, shape, mean, stddev, _float_dtype(dtype, (mean, stddev)), self._rng)

    def uniform(self, shape: Any, minval: Any = 0, maxval: Any = None, dtype: Any = dtypes.float32,
                name: str | None = None) -> Tensor:
        dt = _uniform_dtype(dtype)
        if dt.kind == "f":
            return _uniform_float(_UNIFORM, shape, minval, maxval, dt, self._rng)
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {dtypes.as_dtype(dt)!r}")
        lo = convert_to_tensor(minval, dtypes.as_dtype(dt))
        hi = convert_to_tensor(maxval, dtypes.as_dtype(dt))
        return execute(_UNIFORM_INT, (lo, hi), {"shape": _shape_arg(shape, _UNIFORM_INT.name),
                                                "dtype": dt.str, "generator": self._rng})

    def make_seeds(self, count: int = 1) -> Tensor:
        """``[2, count]`` int64 seeds for the stateless ops."""
        return convert_to_tensor(self._rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max,
                                                    size=(2, int(count)), dtype=np.int64))

    def split(self, count: int = 1) -> list:
        """``count`` new independent generators (advances this one)."""
        seeds = self._rng.integers(0, np.iinfo(np.int64).max, size=int(count), dtype=np.int64)
        return [Generator.from_seed(int(s)) for s in seeds]


_global_generator: list = []


def get_global_generator() -> Generator:
    """The process-wide ``Generator`` (created from OS entropy on first use)."""
    if not _global_generator:
        _global_generator.append(Generator.from_non_deterministic_state())
    return _global_generator[0]


def set_global_generator(generator: Generator) -> None:
    """Replace the process-wide ``Generator``."""
    _global_generator[:] = [generator]
