"""Property tests (hypothesis) for broadcasting gradients and ``array_ops.sum_to``.

For random broadcast-compatible shape pairs, the engine's gradient of
``sum(f(a, b) * w)`` must equal the numpy-derived expectation (the elementwise
partial derivative times ``w``, summed over the broadcast axes down to each
input's shape) and have exactly the input's shape.  ``sum_to`` itself is
checked against a plain ``np.sum`` reference, including its gemv fast path.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import engine
from engine.ops.array_ops import sum_to

SETTINGS = settings(max_examples=60, deadline=None, database=None, derandomize=True)


@st.composite
def broadcast_pair(draw):
    """(out_shape, shape_a, shape_b): ranks 0-4, dims 1-4, some dims set to 1, ranks may differ."""
    out = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=4)))

    def operand():
        rank = draw(st.integers(0, len(out)))
        dims = list(out[len(out) - rank:])
        return tuple(1 if draw(st.booleans()) else d for d in dims)

    a, b = operand(), operand()
    return np.broadcast_shapes(a, b), a, b


def ref_sum_to(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Reverse of broadcasting with plain np.sum."""
    g = np.asarray(g)
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True).reshape(shape)


# op -> (engine function, d f/da, d f/db) on broadcast arrays
OPS = {
    "add": (lambda a, b: engine.add(a, b), lambda a, b: np.ones_like(a * b), lambda a, b: np.ones_like(a * b)),
    "subtract": (lambda a, b: engine.subtract(a, b), lambda a, b: np.ones_like(a * b),
                 lambda a, b: -np.ones_like(a * b)),
    "multiply": (lambda a, b: engine.multiply(a, b), lambda a, b: b + 0 * a, lambda a, b: a + 0 * b),
    "divide": (lambda a, b: engine.divide(a, b), lambda a, b: 1 / b + 0 * a, lambda a, b: -a / b ** 2),
    "maximum": (lambda a, b: engine.maximum(a, b), lambda a, b: (a >= b).astype(float),
                lambda a, b: (a < b).astype(float)),
    "minimum": (lambda a, b: engine.minimum(a, b), lambda a, b: (a <= b).astype(float),
                lambda a, b: (a > b).astype(float)),
    "squared_difference": (lambda a, b: engine.math.squared_difference(a, b), lambda a, b: 2 * (a - b),
                           lambda a, b: -2 * (a - b)),
    "operator +": (lambda a, b: a + b, lambda a, b: np.ones_like(a * b), lambda a, b: np.ones_like(a * b)),
    "operator *": (lambda a, b: a * b, lambda a, b: b + 0 * a, lambda a, b: a + 0 * b),
}


@pytest.mark.parametrize("name", sorted(OPS))
@SETTINGS
@given(shapes=broadcast_pair(), seed=st.integers(0, 2 ** 16))
def test_broadcast_gradient(name, shapes, seed):
    out, sa, sb = shapes
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(sa)
    b = rng.uniform(0.5, 2.0, sb) * rng.choice([-1.0, 1.0], sb)
    w = rng.standard_normal(out)
    fn, da, db = OPS[name]
    ta, tb = engine.constant(a), engine.constant(b)
    with engine.GradientTape() as tape:
        tape.watch([ta, tb])
        y = fn(ta, tb)
        loss = engine.reduce_sum(y * engine.constant(w))
    ga, gb = tape.gradient(loss, [ta, tb])
    assert tuple(y.shape) == out
    assert tuple(ga.shape) == sa and tuple(gb.shape) == sb
    ab, bb = np.broadcast_arrays(a, b)
    np.testing.assert_allclose(ga.numpy(), ref_sum_to(w * da(ab, bb), sa), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gb.numpy(), ref_sum_to(w * db(ab, bb), sb), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(shapes=broadcast_pair(), seed=st.integers(0, 2 ** 16),
       dtype=st.sampled_from(["float32", "float64"]),
       layout=st.sampled_from(["c", "fortran", "strided"]))
def test_sum_to_matches_reference(shapes, seed, dtype, layout):
    out, sa, _ = shapes
    rng = np.random.default_rng(seed)
    g = (rng.standard_normal(out) * 10).astype(dtype)
    if layout == "fortran" and g.ndim >= 2:
        g = np.asfortranarray(g)
    elif layout == "strided" and g.ndim:
        g = np.repeat(g, 2, axis=-1)[..., ::2]
    before = g.copy()
    r = sum_to(g, sa)
    assert np.shape(r) == sa
    assert np.asarray(r).dtype == g.dtype
    ref = ref_sum_to(g, sa)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.asarray(r), ref, rtol=tol, atol=tol * 10)
    np.testing.assert_array_equal(g, before)  # never mutates its input


GEMV_CASES = [((64, 8), (8,)), ((64, 8), (1, 8)), ((3, 5, 7), (7,)), ((3, 5, 7), (5, 7)), ((3, 5, 7), (1, 7)),
              ((3, 5, 7), (1, 1, 7)), ((2, 1, 4), (4,)), ((1000, 3), (3,)), ((5, 4), (1, 1)), ((5, 4), ())]


@pytest.mark.parametrize("gshape,shape", GEMV_CASES, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sum_to_gemv_fast_path(gshape, shape, dtype):
    """C-contiguous float inputs reduced over leading axes (the BLAS gemv path) vs np.sum."""
    g = np.random.default_rng(1).standard_normal(gshape).astype(dtype)
    assert g.flags.c_contiguous
    r = sum_to(g, shape)
    assert np.shape(r) == shape and np.asarray(r).dtype == g.dtype
    tol = 1e-4 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(np.asarray(r), ref_sum_to(g, shape), rtol=tol, atol=tol)


def test_sum_to_identity_and_op():
    g = np.arange(6.0).reshape(2, 3)
    assert sum_to(g, (2, 3)) is g
    x = engine.constant(np.ones((1, 3)))
    with engine.GradientTape() as tape:
        tape.watch(x)
        y = engine.broadcast_to(x, [4, 2, 3])
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), np.full((1, 3), 8.0))
