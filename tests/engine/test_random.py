"""``tf.random`` semantics vs real TensorFlow.

Bit streams cannot match TensorFlow's, so these tests compare what can be
compared: the *pattern* of equal/different draws under TF's seeding rules,
shapes/dtypes/errors, and distributions (two-sample KS tests against TF's own
samples), plus determinism, permutation and tracing properties.
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from scipy import stats

import engine
from engine.framework.errors import InvalidArgumentError
from engine.ops import random_ops


@pytest.fixture(autouse=True)
def _reset_seeds(tf_oracle):
    engine.random.set_seed(None)
    yield
    engine.random.set_seed(None)
    tf_oracle.random.set_seed(None)


def _same(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and a.dtype == b.dtype and bool(np.array_equal(a, b))


def _pattern(values: list) -> np.ndarray:
    return np.array([[_same(a, b) for b in values] for a in values])


def _seed_script(t) -> list:
    """A sequence of seeded calls; TF's rules decide which results coincide."""
    r = t.random
    out = []
    r.set_seed(1)
    out += [r.normal([2], seed=1), r.normal([2], seed=1), r.uniform([2], seed=1),
            r.normal([2], seed=1, dtype=t.float64), r.normal([2], seed=2), r.normal([2])]
    r.set_seed(1)
    out += [r.normal([2], seed=1), r.uniform([2], seed=1), r.normal([2], seed=1),
            r.normal([2], seed=1, dtype=t.float64), r.uniform([2], seed=1)]
    r.set_seed(2)
    out += [r.normal([2], seed=1), r.normal([2]), r.normal([2])]
    r.set_seed(2)
    out += [r.normal([2], seed=1), r.normal([2]), r.normal([2])]
    return [np.asarray(v) for v in out]


def test_seeding_pattern_matches_tf(tf_oracle):
    ours = _pattern(_seed_script(engine))
    theirs = _pattern(_seed_script(tf_oracle))
    np.testing.assert_array_equal(ours, theirs)


def test_global_seed_only_sequence_repeats(tf_oracle):
    for t in (engine, tf_oracle):
        t.random.set_seed(5)
        a = [t.random.normal([3]).numpy() for _ in range(3)] + [t.random.uniform([2]).numpy()]
        t.random.set_seed(5)
        b = [t.random.normal([3]).numpy() for _ in range(3)] + [t.random.uniform([2]).numpy()]
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        assert not np.array_equal(a[0], a[1]) and not np.array_equal(a[1], a[2])


def test_unseeded_calls_differ():
    a, b = engine.random.normal([8]), engine.random.normal([8])
    assert not np.array_equal(a.numpy(), b.numpy())
    c, d = engine.random.uniform([8], seed=3), engine.random.uniform([8], seed=3)
    assert not np.array_equal(c.numpy(), d.numpy())


def test_determinism_across_processes():
    code = textwrap.dedent("""
        import json
        import engine as tf
        a = tf.random.normal([4], seed=7).numpy().tolist()
        b = tf.random.normal([4]).numpy().tolist()
        tf.random.set_seed(3)
        c = tf.random.uniform([4]).numpy().tolist()
        print(json.dumps([a, b, c]))
    """)
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=str(pathlib.Path(engine.__file__).parent.parent)).stdout
            for _ in range(2)]
    a1, b1, c1 = json.loads(runs[0])
    a2, b2, c2 = json.loads(runs[1])
    assert a1 == a2, "op seed without global seed must be deterministic (TF's default graph seed)"
    assert c1 == c2, "global seed must make unseeded ops deterministic"
    assert b1 != b2, "no seed at all must be nondeterministic"


# ---------------------------------------------------------------------------
# Distributions: KS two-sample tests against TF's own samples.
N = 4000


def _ks(ours, theirs) -> None:
    ours, theirs = np.asarray(ours, np.float64).ravel(), np.asarray(theirs, np.float64).ravel()
    p = stats.ks_2samp(ours, theirs).pvalue
    assert p > 1e-4, f"distributions differ from TF (KS p={p:.2g})"


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_normal_distribution(tf_oracle, dtype):
    engine.random.set_seed(11)
    tf_oracle.random.set_seed(11)
    e = engine.random.normal([N], mean=2.0, stddev=3.0, dtype=dtype)
    t = tf_oracle.random.normal([N], mean=2.0, stddev=3.0, dtype=dtype)
    assert e.dtype.name == t.dtype.name == dtype and e.shape == (N,)
    _ks(e, t)
    x = e.numpy().astype(np.float64)
    assert abs(x.mean() - 2.0) < 0.2 and abs(x.std() - 3.0) < 0.2


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_truncated_normal_distribution(tf_oracle, dtype):
    engine.random.set_seed(12)
    tf_oracle.random.set_seed(12)
    e = engine.random.truncated_normal([N], mean=-1.0, stddev=0.5, dtype=dtype).numpy()
    t = tf_oracle.random.truncated_normal([N], mean=-1.0, stddev=0.5, dtype=dtype).numpy()
    assert e.dtype == t.dtype
    assert np.all(np.abs(e.astype(np.float64) + 1.0) <= 2 * 0.5 + 1e-3)
    _ks(e, t)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_uniform_float_distribution(tf_oracle, dtype):
    engine.random.set_seed(13)
    tf_oracle.random.set_seed(13)
    e = engine.random.uniform([N], minval=-2, maxval=3, dtype=dtype).numpy()
    t = tf_oracle.random.uniform([N], minval=-2, maxval=3, dtype=dtype).numpy()
    assert e.dtype == t.dtype
    assert e.min() >= -2 and e.max() < 3
    _ks(e, t)
    u = engine.random.uniform([N], dtype=dtype).numpy()
    assert u.min() >= 0 and u.max() < 1


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_uniform_int(tf_oracle, dtype):
    engine.random.set_seed(14)
    tf_oracle.random.set_seed(14)
    e = engine.random.uniform([N], minval=-3, maxval=4, dtype=dtype).numpy()
    t = tf_oracle.random.uniform([N], minval=-3, maxval=4, dtype=dtype).numpy()
    assert e.dtype == t.dtype
    assert set(np.unique(e)) == set(range(-3, 4)) == set(np.unique(t))
    _ks(e, t)
    big = engine.random.uniform([50], minval=0, maxval=2 ** 40, dtype="int64").numpy()
    assert big.min() >= 0 and big.max() < 2 ** 40 and big.max() > 2 ** 31
    lo, hi = engine.constant(5, dtype=dtype), engine.constant(7, dtype=dtype)
    assert set(engine.random.uniform([200], lo, hi, dtype=dtype).numpy()) == {5, 6}


def test_tensor_parameters_broadcast_and_differentiate(tf_oracle):
    for t in (engine, tf_oracle):
        m = t.constant([[0.0], [10.0], [20.0], [30.0]])
        s = t.constant([1.0, 2.0, 3.0])
        with t.GradientTape(persistent=True) as tape:
            tape.watch([m, s])
            y = t.random.normal([2, 3], mean=t.reshape(m, [4, 1, 1]), stddev=s)
            u = t.random.uniform([3], minval=m, maxval=t.constant(40.0))
        assert tuple(y.shape) == (4, 2, 3) and tuple(u.shape) == (4, 3)
        gm, gs = tape.gradient(y, [m, s])
        np.testing.assert_allclose(np.asarray(gm), np.full((4, 1), 6.0))
        z = (y.numpy() - np.reshape(m.numpy(), [4, 1, 1])) / s.numpy()
        # z is rebuilt from float32 y = m + s*n (|m| up to 30), so a sum near zero needs an atol
        np.testing.assert_allclose(np.asarray(gs), z.sum(axis=(0, 1)), rtol=1e-5, atol=2e-5)
        r = (u.numpy() - m.numpy()) / (40.0 - m.numpy())
        np.testing.assert_allclose(np.asarray(tape.gradient(u, m)), (1 - r).sum(1, keepdims=True), rtol=1e-4)


def test_random_outputs_are_not_differentiable_wrt_shuffle_input(tf_oracle):
    for t in (engine, tf_oracle):
        x = t.constant([1.0, 2.0, 3.0])
        with t.GradientTape() as tape:
            tape.watch(x)
            y = t.random.shuffle(x)
        assert tape.gradient(y, x) is None


# ---------------------------------------------------------------------------
# Shapes, dtypes and errors vs TF.
_SHAPES = [[], [0, 3], (2, 3), [1, 1, 2]]


@pytest.mark.parametrize("shape", _SHAPES)
@pytest.mark.parametrize("op", ["normal", "uniform", "truncated_normal"])
def test_shapes_and_dtypes(tf_oracle, op, shape):
    e = getattr(engine.random, op)(shape)
    t = getattr(tf_oracle.random, op)(shape)
    assert tuple(e.shape) == tuple(t.shape) and e.dtype.name == t.dtype.name
    e2 = getattr(engine.random, op)(engine.constant(list(shape), dtype="int32"), dtype="float64")
    assert tuple(e2.shape) == tuple(t.shape) and e2.dtype.name == "float64"
    e3 = getattr(engine.random, op)(engine.TensorShape(shape))
    assert tuple(e3.shape) == tuple(t.shape)


_BAD_CALLS = [
    lambda t: t.random.normal([2], dtype=t.int32),
    lambda t: t.random.truncated_normal([2], dtype=t.int64),
    lambda t: t.random.uniform([2], dtype=t.int32),
    lambda t: t.random.uniform([2], dtype=t.uint8),
    lambda t: t.random.uniform([2], minval=5, maxval=2, dtype=t.int32),
    lambda t: t.random.uniform([2], minval=[0, 1], maxval=5, dtype=t.int32),
    lambda t: t.random.normal(3),
    lambda t: t.random.normal([[2, 3]]),
    lambda t: t.random.normal([-1, 2]),
    lambda t: t.random.uniform([2.0]),
    lambda t: t.random.normal([2], mean=t.zeros([2], t.float64)),
    lambda t: t.random.categorical([1.0, 2.0], 3),
    lambda t: t.random.categorical([[[1.0, 2.0]]], 3),
    lambda t: t.random.categorical([[1.0, 2.0]], -1),
    lambda t: t.random.categorical(t.zeros([2, 0]), 3),
    lambda t: t.random.categorical([[1.0, 2.0]], 3, dtype=t.float32),
    lambda t: t.random.stateless_normal([2], seed=[1]),
    lambda t: t.random.stateless_normal([2], seed=3),
    lambda t: t.random.stateless_normal([2], seed=[1.0, 2.0]),
    lambda t: t.random.stateless_uniform([2], seed=[1, 2], dtype=t.int32),
    lambda t: t.random.stateless_uniform([2], seed=[1, 2], minval=3, maxval=1, dtype=t.int32),
    lambda t: t.random.stateless_categorical([1.0, 2.0], 2, seed=[1, 2]),
]


@pytest.mark.parametrize("call", _BAD_CALLS)
def test_errors_match_tf(tf_oracle, call):
    with pytest.raises(Exception) as te:
        call(tf_oracle)
    with pytest.raises(Exception) as ee:
        call(engine)
    assert type(ee.value).__name__ == type(te.value).__name__, (ee.value, te.value)


# ---------------------------------------------------------------------------
# shuffle
@pytest.mark.parametrize("value", [np.arange(12).reshape(6, 2).astype("int32"),
                                   np.arange(5.0, dtype="float32"), np.array([[1.5]]),
                                   np.zeros((0, 3), "float32")])
def test_shuffle_is_row_permutation(tf_oracle, value):
    e = engine.random.shuffle(value).numpy()
    t = tf_oracle.random.shuffle(value).numpy()
    assert e.shape == t.shape == value.shape and e.dtype == t.dtype
    key = lambda a: sorted(map(tuple, a.reshape(a.shape[0], int(np.prod(a.shape[1:]))).tolist()))  # noqa: E731
    assert key(e) == key(value) == key(t)


def test_shuffle_permutes_and_is_seeded():
    x = np.arange(50)
    outs = [engine.random.shuffle(x).numpy() for _ in range(3)]
    assert any(not np.array_equal(o, x) for o in outs)
    assert not np.array_equal(outs[0], outs[1])
    engine.random.set_seed(4)
    a = [engine.random.shuffle(x, seed=1).numpy() for _ in range(2)]
    engine.random.set_seed(4)
    b = [engine.random.shuffle(x, seed=1).numpy() for _ in range(2)]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a[0], a[1])


def test_shuffle_scalar_and_strings(tf_oracle):
    assert engine.random.shuffle(engine.constant(3.0)).numpy() == 3.0
    s = engine.random.shuffle(engine.constant(["a", "b", "c"]))
    assert sorted(np.asarray(s).tolist()) == sorted(np.asarray(tf_oracle.constant(["a", "b", "c"])).astype(str).tolist())


# ---------------------------------------------------------------------------
# categorical
def test_categorical_frequencies_and_dtype(tf_oracle):
    logits = np.log(np.array([[0.1, 0.2, 0.7], [0.5, 0.0, 0.5]], dtype="float32") + 1e-30)
    logits[1, 1] = -np.inf
    engine.random.set_seed(15)
    tf_oracle.random.set_seed(15)
    e = engine.random.categorical(logits, 6000)
    t = tf_oracle.random.categorical(logits, 6000)
    assert e.shape == t.shape and e.dtype.name == t.dtype.name == "int64"
    en, tn = e.numpy(), t.numpy()
    for row in range(2):
        fe = np.bincount(en[row], minlength=3) / 6000
        ft = np.bincount(tn[row], minlength=3) / 6000
        np.testing.assert_allclose(fe, ft, atol=0.03)
    assert not np.any(en[1] == 1)
    e32 = engine.random.categorical(engine.constant(logits, dtype="float64"), 5, dtype="int32")
    assert e32.dtype.name == "int32" and e32.shape == (2, 5)


@pytest.mark.parametrize("logits,n", [([[1.0, 2.0]], 0), (np.zeros((0, 3), "float32"), 3),
                                      ([[-np.inf, -np.inf]], 4), ([[-np.inf, 0.0, -np.inf]], 5)])
def test_categorical_edges_match_tf(tf_oracle, logits, n):
    e = engine.random.categorical(logits, n).numpy()
    t = tf_oracle.random.categorical(logits, n).numpy()
    assert e.shape == t.shape and e.dtype == t.dtype
    np.testing.assert_array_equal(e, t)  # degenerate cases are deterministic


# ---------------------------------------------------------------------------
# stateless
@pytest.mark.parametrize("fn", ["stateless_normal", "stateless_uniform", "stateless_truncated_normal"])
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_stateless_determinism(tf_oracle, fn, dtype):
    f = getattr(engine.random, fn)
    a = f([3, 4], seed=[1, 2], dtype=dtype)
    b = f([3, 4], seed=engine.constant([1, 2], dtype="int64"), dtype=dtype)
    c = f([3, 4], seed=[1, 3], dtype=dtype)
    d = f([3, 4], seed=[-5, 2], dtype=dtype)
    t = getattr(tf_oracle.random, fn)([3, 4], seed=[1, 2], dtype=dtype)
    assert a.dtype.name == t.dtype.name and a.shape == t.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.array_equal(a.numpy(), c.numpy()) and not np.array_equal(a.numpy(), d.numpy())
    engine.random.set_seed(9)  # the global seed does not matter
    np.testing.assert_array_equal(a.numpy(), f([3, 4], seed=[1, 2], dtype=dtype).numpy())


def test_stateless_distributions(tf_oracle):
    for fn, kw in (("stateless_normal", dict(mean=1.0, stddev=2.0)),
                   ("stateless_truncated_normal", dict(mean=1.0, stddev=2.0)),
                   ("stateless_uniform", dict(minval=-1.0, maxval=2.0))):
        e = getattr(engine.random, fn)([N], seed=[3, 4], **kw)
        t = getattr(tf_oracle.random, fn)([N], seed=[3, 4], **kw)
        _ks(e, t)
    e = engine.random.stateless_uniform([N], seed=[3, 4], minval=0, maxval=5, dtype="int64").numpy()
    t = tf_oracle.random.stateless_uniform([N], seed=[3, 4], minval=0, maxval=5, dtype="int64").numpy()
    assert e.dtype == t.dtype and set(e) == set(t) == set(range(5))
    full = engine.random.stateless_uniform([N], seed=[1, 2], minval=None, maxval=None, dtype="int32").numpy()
    tfull = tf_oracle.random.stateless_uniform([N], seed=[1, 2], minval=None, maxval=None, dtype="int32").numpy()
    assert full.dtype == tfull.dtype and full.min() < -2 ** 30 and full.max() > 2 ** 30
    _ks(full, tfull)


def test_stateless_categorical(tf_oracle):
    logits = [[0.0, 1.0, 2.0], [2.0, 0.0, -np.inf]]
    a = engine.random.stateless_categorical(logits, 2000, seed=[7, 8])
    b = engine.random.stateless_categorical(logits, 2000, seed=[7, 8])
    t = tf_oracle.random.stateless_categorical(logits, 2000, seed=[7, 8])
    assert a.dtype.name == t.dtype.name and a.shape == t.shape
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    for row in range(2):
        np.testing.assert_allclose(np.bincount(a.numpy()[row], minlength=3) / 2000,
                                   np.bincount(t.numpy()[row], minlength=3) / 2000, atol=0.04)


# ---------------------------------------------------------------------------
# function tracing: replay draws again
def test_function_redraws_on_every_call():
    @engine.function
    def f(x):
        return x + engine.random.normal([3]), engine.random.uniform([2], seed=5), engine.random.shuffle(x)

    x = engine.constant(np.arange(30, dtype="float32")[:3])
    r1, r2, r3 = f(x), f(x), f(x)
    assert f.experimental_get_tracing_count() == 1
    assert not np.array_equal(r1[0].numpy(), r2[0].numpy())
    assert not np.array_equal(r2[1].numpy(), r3[1].numpy())
    ops = {op.type for op in f.get_concrete_function(x).graph.get_operations()}
    assert {"RandomStandardNormal", "RandomUniform", "RandomShuffle"} <= ops


def test_function_stateless_follows_seed_argument():
    @engine.function
    def f(seed):
        return engine.random.stateless_normal([4], seed=seed)

    s1, s2 = engine.constant([1, 2]), engine.constant([3, 4])
    a, b, c = f(s1), f(s2), f(s1)
    assert f.experimental_get_tracing_count() == 1
    np.testing.assert_array_equal(a.numpy(), c.numpy())
    np.testing.assert_array_equal(b.numpy(), engine.random.stateless_normal([4], seed=[3, 4]).numpy())
    assert not np.array_equal(a.numpy(), b.numpy())


# ---------------------------------------------------------------------------
# op_rng (used by dropout) and tf.random.Generator
def test_op_rng_streams():
    engine.random.set_seed(3)
    g1 = random_ops.op_rng(1)
    assert random_ops.op_rng(1) is g1 and random_ops.op_rng(2) is not g1
    a = g1.random(3)
    engine.random.set_seed(3)
    np.testing.assert_array_equal(random_ops.op_rng(1).random(3), a)
    engine.random.set_seed(None)
    assert isinstance(random_ops.op_rng(None), np.random.Generator)


def test_generator_object(tf_oracle):
    g = engine.random.Generator.from_seed(1)
    a = g.normal([3])
    b = g.normal([3])
    assert not np.array_equal(a.numpy(), b.numpy())
    g.reset_from_seed(1)
    np.testing.assert_array_equal(g.normal([3]).numpy(), a.numpy())
    np.testing.assert_array_equal(engine.random.Generator.from_seed(1).normal([3]).numpy(), a.numpy())
    u = g.uniform([100], minval=2, maxval=5, dtype="int32").numpy()
    assert u.dtype == np.int32 and u.min() >= 2 and u.max() < 5
    seeds = g.make_seeds(3)
    tseeds = tf_oracle.random.Generator.from_seed(1).make_seeds(3)
    assert seeds.shape == tseeds.shape and seeds.dtype.name == tseeds.dtype.name
    s1, s2 = g.split(2)
    assert not np.array_equal(s1.normal([3]).numpy(), s2.normal([3]).numpy())
    gg = engine.random.get_global_generator()
    assert engine.random.get_global_generator() is gg
    engine.random.set_global_generator(g)
    assert engine.random.get_global_generator() is g
    engine.random.set_global_generator(gg)
    t = g.truncated_normal([500], stddev=2.0).numpy()
    assert np.abs(t).max() <= 4.0
