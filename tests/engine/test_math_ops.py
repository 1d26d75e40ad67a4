"""Differential tests of every op in ``engine.ops.math_ops`` (and the Tensor operators) vs TensorFlow.

Forward values, dtypes and shapes, gradients (random upstream gradient) against
real TF in float32 and float64, finite differences in float64, broadcasting,
size-1 and empty dims, negative axes, and TF's conversion/error semantics.
"""
from __future__ import annotations

import operator

import numpy as np
import pytest
from engine_oracle import check_against_tf, check_finite_differences

import engine
from engine.framework import errors
from engine.ops import math_ops

FLOATS = ["float32", "float64"]


def _tf_name(name: str) -> str:
    return {"div_no_nan": "divide_no_nan", "add_v2": "add"}.get(name, name)


def _fn(name: str):
    """``fn(module, *xs)`` calling ``name`` from ``tf.math`` (TF) / ``engine.math`` (engine)."""
    def f(t, *xs, **kw):
        if t is engine:
            return getattr(engine.math, name)(*xs, **kw)
        n = _tf_name(name)
        return getattr(t.math if hasattr(t.math, n) else t, n)(*xs, **kw)
    return f


def test_every_public_name_is_covered():
    covered = (set(UNARY) | set(BINARY) | set(REDUCTIONS) | set(BOOL_BINARY) | set(COMPARISONS)
               | {"is_finite", "is_inf", "is_nan", "logical_not", "reduce_any", "reduce_all", "argmax", "argmin",
                  "count_nonzero", "cumsum", "cumprod", "matmul", "einsum", "tensordot", "norm",
                  "clip_by_value", "where", "add_n", "scalar_mul", "truncatediv"})
    assert set(math_ops.__all__) <= covered, sorted(set(math_ops.__all__) - covered)
    for name in math_ops.__all__:
        assert hasattr(engine.math, name)


# ---------------------------------------------------------------------------
# Samplers for op domains (away from singularities and kinks)
def _normal(rng, shape, dt):
    return rng.standard_normal(shape).astype(dt)


def _away0(rng, shape, dt):
    return (rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)).astype(dt)


def _unit(rng, shape, dt):
    return rng.uniform(-0.9, 0.9, shape).astype(dt)


def _pos(rng, shape, dt):
    return rng.uniform(0.3, 3.0, shape).astype(dt)


def _gt1(rng, shape, dt):
    return rng.uniform(1.2, 3.0, shape).astype(dt)


def _noninteger(rng, shape, dt):
    return (np.floor(rng.uniform(-4, 4, shape)) + rng.uniform(0.1, 0.4, shape)
            * rng.choice([1, 3], shape)).astype(dt)


# name -> (sampler, differentiable)
UNARY = {
    "abs": (_away0, True), "acos": (_unit, True), "acosh": (_gt1, True), "asin": (_unit, True),
    "asinh": (_normal, True), "atan": (_normal, True), "atanh": (_unit, True), "ceil": (_noninteger, False),
    "cos": (_normal, True), "cosh": (_normal, True), "erf": (_normal, True), "exp": (_normal, True),
    "expm1": (_normal, True), "floor": (_noninteger, False), "log": (_pos, True),
    "log1p": (lambda r, s, d: r.uniform(-0.5, 3.0, s).astype(d), True), "log_sigmoid": (_normal, True),
    "negative": (_normal, True), "reciprocal": (_away0, True), "round": (_noninteger, False),
    "rsqrt": (_pos, True), "sigmoid": (_normal, True), "sign": (_away0, True), "sin": (_normal, True),
    "sinh": (_normal, True), "sqrt": (_pos, True), "square": (_normal, True),
    "tan": (lambda r, s, d: r.uniform(-1.2, 1.2, s).astype(d), True), "tanh": (_normal, True),
}
SHAPES = [(), (3, 4), (0, 3), (2, 1, 3)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_vs_tf(tf_oracle, rng, name, shape, dtype):
    sampler, _ = UNARY[name]
    check_against_tf(_fn(name), [sampler(rng, shape, dtype)], tf_oracle)


@pytest.mark.parametrize("name", sorted(n for n, (_, d) in UNARY.items() if d))
def test_unary_finite_differences(rng, name):
    sampler, _ = UNARY[name]
    check_finite_differences(_fn(name), [sampler(rng, (2, 3), "float64")])


def test_unary_special_values(tf_oracle):
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.0, -0.0, np.inf, -np.inf, np.nan], "float32")
    for name in ("round", "floor", "ceil", "sign", "abs", "is_finite", "is_inf", "is_nan", "sigmoid",
                 "exp", "tanh", "negative", "square", "log_sigmoid"):
        check_against_tf(_fn(name), [x], tf_oracle, grad=False)
    big = np.array([-100.0, -30.0, 30.0, 100.0], "float32")
    for name in ("sigmoid", "log_sigmoid", "tanh"):
        check_against_tf(_fn(name), [big], tf_oracle)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("name", ["abs", "negative", "square", "sign", "round"])
def test_unary_int_forward(tf_oracle, name, dtype):
    check_against_tf(_fn(name), [np.array([[-3, 0, 2], [7, -1, 5]], dtype)], tf_oracle, grad=False)


# ---------------------------------------------------------------------------
# Binary elementwise ops
BINARY = {
    "add": (_normal, _normal), "add_v2": (_normal, _normal), "subtract": (_normal, _normal),
    "multiply": (_normal, _normal), "divide": (_normal, _away0), "truediv": (_normal, _away0),
    "realdiv": (_normal, _away0), "maximum": (_normal, _normal), "minimum": (_normal, _normal),
    "squared_difference": (_normal, _normal), "pow": (lambda r, s, d: r.uniform(0.5, 2.0, s).astype(d), _normal),
    "atan2": (_away0, _away0), "floormod": (lambda r, s, d: r.uniform(-4, 4, s).astype(d), _away0),
    "mod": (lambda r, s, d: r.uniform(-4, 4, s).astype(d), _away0),
    "floordiv": (lambda r, s, d: r.uniform(-4, 4, s).astype(d), _away0),
    "div_no_nan": (_normal, _away0), "divide_no_nan": (_normal, _away0),
}
PAIRS = [((3, 4), (3, 4)), ((), (3, 4)), ((3, 4), ()), ((3, 1), (1, 4)), ((2, 3, 4), (4,)),
         ((4,), (2, 3, 4)), ((1,), (2, 1, 3)), ((0, 3), (1, 3)), ((2, 0, 3), (3,)), ((2, 1, 1), (1, 3, 1))]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_vs_tf(tf_oracle, rng, name, shapes, dtype):
    sa, sb = BINARY[name]
    a, b = sa(rng, shapes[0], dtype), sb(rng, shapes[1], dtype)
    check_against_tf(_fn(name), [a, b], tf_oracle)


@pytest.mark.parametrize("name", sorted(n for n in BINARY if n != "floordiv"))
def test_binary_finite_differences(rng, name):
    sa, sb = BINARY[name]
    check_finite_differences(_fn(name), [sa(rng, (3, 1), "float64"), sb(rng, (1, 2), "float64")])
    check_finite_differences(_fn(name), [sa(rng, (2, 3), "float64"), sb(rng, (), "float64")])


def test_binary_special_values(tf_oracle):
    x = np.array([[1.0, -2.0, 0.0, 3.0], [0.0, 2.0, -1.0, 4.0]], "float32")
    y = np.array([[1.0, 0.0, 0.0, 3.0], [-1.0, 2.0, 0.5, 0.0]], "float32")
    # ties: TF sends the gradient of maximum/minimum to x where x == y
    for name in ("maximum", "minimum", "div_no_nan", "squared_difference", "multiply"):
        check_against_tf(_fn(name), [x, y], tf_oracle)
    check_against_tf(_fn("atan2"), [x, y], tf_oracle, grad=False)
    # pow: x = 0 with positive exponents, negative bases with integer exponents
    base = np.array([0.0, 0.0, -2.0, -1.5, 2.0], "float64")
    expo = np.array([2.0, 0.5, 3.0, 2.0, -1.0], "float64")
    check_against_tf(_fn("pow"), [base, expo], tf_oracle)
    # floor ops at negative operands and exact multiples
    a = np.array([-7.0, -6.0, 7.5, -0.5, 6.0], "float32")
    b = np.array([2.0, 3.0, -2.0, 2.0, -4.0], "float32")
    for name in ("floordiv", "floormod", "truncatediv"):
        check_against_tf(_fn(name), [a, b], tf_oracle, grad=False)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "maximum", "minimum", "floordiv", "floormod",
                                  "truncatediv", "squared_difference", "divide", "truediv", "pow"])
def test_binary_int_forward(tf_oracle, name, dtype):
    a = np.array([[-7, 7, 0], [5, -6, 9]], dtype)
    b = np.array([2, -3, 4], dtype) if name != "pow" else np.array([2, 3, 0], dtype)
    check_against_tf(_fn(name), [a, b], tf_oracle, grad=False)


def test_truediv_int_result_dtypes(tf_oracle):
    for dt in ("int8", "int16", "uint8", "int32", "int64"):
        a, b = np.array([1, 7], dt), np.array([2, 2], dt)
        check_against_tf(lambda t, x, y: t.math.truediv(x, y), [a, b], tf_oracle, grad=False)
        check_against_tf(lambda t, x, y: x / y, [a, b], tf_oracle, grad=False)


def test_scalar_mul_and_add_n(tf_oracle, rng):
    x = rng.standard_normal((3, 4)).astype("float32")
    check_against_tf(lambda t, s, x: t.math.scalar_mul(s, x), [np.array(2.5, "float32"), x], tf_oracle)
    for dt in FLOATS:
        xs = [rng.standard_normal((2, 3)).astype(dt) for _ in range(3)]
        check_against_tf(lambda t, *xs: t.add_n(list(xs)), xs, tf_oracle)
        check_against_tf(lambda t, x: t.add_n([x]), xs[:1], tf_oracle)
        check_finite_differences(lambda t, *xs: t.add_n(list(xs)), [x.astype("float64") for x in xs])


# ---------------------------------------------------------------------------
# Comparisons and logical ops (forward)
COMPARISONS = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
BOOL_BINARY = ["logical_and", "logical_or", "logical_xor"]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32", "int64"])
@pytest.mark.parametrize("name", COMPARISONS)
def test_comparisons(tf_oracle, name, dtype):
    a = np.array([[1, 2, 3], [3, 2, 1]], dtype)
    for b in (np.array([2, 2, 2], dtype), np.array([[3], [1]], dtype), np.array(2, dtype), a):
        check_against_tf(_fn(name), [a, b], tf_oracle, grad=False)
    check_against_tf(_fn(name), [np.zeros((0, 3), dtype), np.zeros((1, 3), dtype)], tf_oracle, grad=False)


@pytest.mark.parametrize("name", BOOL_BINARY)
def test_logical(tf_oracle, name):
    a = np.array([[True, True], [False, False]])
    for b in (np.array([True, False]), np.array([[True, False], [False, True]]), np.array(True)):
        check_against_tf(_fn(name), [a, b], tf_oracle, grad=False)
    check_against_tf(_fn("logical_not"), [a], tf_oracle, grad=False)


# ---------------------------------------------------------------------------
# Reductions
REDUCTIONS = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp",
              "reduce_std", "reduce_variance"]
AXES = [None, 0, 1, -1, [0, 2], [-1, -3], (1,), []]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_vs_tf(tf_oracle, rng, name, axis, keepdims, dtype):
    x = rng.uniform(0.5, 1.5, (2, 3, 4)).astype(dtype) * rng.choice([-1, 1], (2, 3, 4)).astype(dtype)
    check_against_tf(lambda t, x: _fn(name)(t, x, axis=axis, keepdims=keepdims), [x], tf_oracle)


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_finite_differences(rng, name):
    x = rng.uniform(0.5, 1.5, (2, 3)) * rng.choice([-1, 1], (2, 3))
    for axis in (None, 0, -1):
        check_finite_differences(lambda t, x: _fn(name)(t, x, axis=axis), [x])


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reductions_edge_shapes(tf_oracle, name, axis):
    for shape in ((0, 3), (1, 3), (3, 1)):
        x = np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape).astype("float32")
        check_against_tf(lambda t, x: _fn(name)(t, x, axis=axis), [x], tf_oracle)
    if axis is None:
        check_against_tf(lambda t, x: _fn(name)(t, x), [np.array(1.5, "float32")], tf_oracle)


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("name", ["reduce_max", "reduce_min"])
def test_reduce_max_min_ties_split_gradient(tf_oracle, name, axis):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [0.0, 0.0, 0.0]], "float64")
    check_against_tf(lambda t, x: _fn(name)(t, x, axis=axis), [x], tf_oracle)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
def test_reduce_prod_with_zeros(tf_oracle, axis):
    x = np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, -3.0]], "float64")
    check_against_tf(lambda t, x: t.reduce_prod(x, axis=axis), [x], tf_oracle)
    check_against_tf(lambda t, x: t.reduce_prod(x, axis=axis, keepdims=True), [x.astype("float32")], tf_oracle)


def test_reduce_logsumexp_infinities(tf_oracle):
    x = np.array([[-np.inf, 0.0, 1.0], [-np.inf, -np.inf, -np.inf], [1000.0, 1000.0, -1000.0]], "float32")
    check_against_tf(lambda t, x: t.reduce_logsumexp(x, axis=1), [x], tf_oracle, grad=False)
    check_against_tf(lambda t, x: t.reduce_logsumexp(x[2:], axis=1), [x], tf_oracle)


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("name", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"])
def test_int_reductions(tf_oracle, name, dtype):
    x = np.array([[-1, -2, 4], [3, -7, 0]], dtype)
    for axis in (None, 0, 1):
        check_against_tf(lambda t, x: _fn(name)(t, x, axis=axis), [x], tf_oracle, grad=False)


@pytest.mark.parametrize("axis", [None, 0, -1, [0, 1]])
@pytest.mark.parametrize("name", ["reduce_any", "reduce_all"])
def test_bool_reductions(tf_oracle, name, axis):
    x = np.array([[True, False, True], [True, True, True]])
    for keepdims in (False, True):
        check_against_tf(lambda t, x: _fn(name)(t, x, axis=axis, keepdims=keepdims), [x], tf_oracle, grad=False)
    check_against_tf(lambda t, x: _fn(name)(t, x, axis=axis), [np.zeros((0, 2), bool)], tf_oracle, grad=False)


@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_count_nonzero(tf_oracle, dtype):
    x = np.array([[0, 1, 2], [0, 0, 3]]).astype(dtype)
    for axis, keep in ((None, False), (0, False), (1, True), (-1, False)):
        check_against_tf(lambda t, x: t.math.count_nonzero(x, axis=axis, keepdims=keep), [x], tf_oracle,
                         grad=False)
    check_against_tf(lambda t, x: t.math.count_nonzero(x, dtype=t.int32), [x], tf_oracle, grad=False)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_argmax_argmin(tf_oracle, rng, name):
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]], "float32")  # ties: first index
    for axis in (None, 0, 1, -1, -2):
        check_against_tf(lambda t, x: getattr(t.math, name)(x, axis=axis), [x], tf_oracle, grad=False)
    check_against_tf(lambda t, x: getattr(t.math, name)(x, axis=1, output_type=t.int32), [x], tf_oracle,
                     grad=False)
    y = rng.integers(-5, 5, (3, 4, 2)).astype("int64")
    check_against_tf(lambda t, y: getattr(t.math, name)(y, axis=1), [y], tf_oracle, grad=False)


# ---------------------------------------------------------------------------
# Scans
@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans_vs_tf(tf_oracle, rng, name, axis, exclusive, reverse, dtype):
    x = rng.uniform(0.5, 1.5, (3, 4)).astype(dtype) * rng.choice([-1, 1], (3, 4)).astype(dtype)
    check_against_tf(lambda t, x: getattr(t.math, name)(x, axis=axis, exclusive=exclusive, reverse=reverse),
                     [x], tf_oracle)


@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans_finite_differences_and_ints(tf_oracle, rng, name):
    x = rng.uniform(0.5, 1.5, (2, 3))
    for ex in (False, True):
        for rev in (False, True):
            check_finite_differences(lambda t, x: getattr(t.math, name)(x, axis=1, exclusive=ex, reverse=rev), [x])
            check_against_tf(lambda t, x: getattr(t.math, name)(x, exclusive=ex, reverse=rev),
                             [np.array([[1, -2, 3], [4, 5, -6]], "int32")], tf_oracle, grad=False)
    check_against_tf(lambda t, x: getattr(t.math, name)(x, axis=0), [np.zeros((0, 3), "float32")], tf_oracle)


# ---------------------------------------------------------------------------
# matmul / einsum / tensordot
MATMUL = [
    ((3, 4), (4, 5), {}),
    ((4, 3), (4, 5), {"transpose_a": True}),
    ((3, 4), (5, 4), {"transpose_b": True}),
    ((4, 3), (5, 4), {"transpose_a": True, "transpose_b": True}),
    ((4, 3), (5, 4), {"adjoint_a": True, "adjoint_b": True}),
    ((2, 3, 4), (4, 5), {}),
    ((3, 4), (2, 4, 5), {}),
    ((2, 3, 4), (2, 4, 5), {}),
    ((2, 1, 3, 4), (5, 4, 6), {}),
    ((2, 4, 3), (1, 5, 4), {"transpose_a": True, "transpose_b": True}),
    ((1, 4), (4, 1), {}),
    ((0, 4), (4, 5), {}),
    ((3, 0), (0, 5), {}),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("sa,sb,kw", MATMUL, ids=str)
def test_matmul_vs_tf(tf_oracle, rng, sa, sb, kw, dtype):
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    check_against_tf(lambda t, a, b: t.matmul(a, b, **kw), [a, b], tf_oracle)
    check_against_tf(lambda t, a, b: t.linalg.matmul(a, b, **kw) if t is not engine else t.matmul(a, b, **kw),
                     [a, b], tf_oracle, grad=False)


def test_matmul_finite_differences_and_ints(tf_oracle, rng):
    for sa, sb, kw in MATMUL[:10]:
        check_finite_differences(lambda t, a, b: t.matmul(a, b, **kw),
                                 [rng.standard_normal(sa), rng.standard_normal(sb)])
    a, b = rng.integers(-3, 3, (2, 3)).astype("int32"), rng.integers(-3, 3, (3, 2)).astype("int32")
    check_against_tf(lambda t, a, b: t.matmul(a, b), [a, b], tf_oracle, grad=False)
    check_against_tf(lambda t, a, b: a @ b, [a, b], tf_oracle, grad=False)


EINSUM = [
    ("ij,jk->ik", [(3, 4), (4, 5)]),
    ("ij,jk", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->i", [(3, 4)]),
    ("ij->j", [(3, 4)]),
    ("ij->", [(3, 4)]),
    ("ijk->kji", [(2, 3, 4)]),
    ("i,j->ij", [(3,), (4,)]),
    ("i,i->", [(4,), (4,)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,ij->i", [(3, 4), (3, 4)]),
    ("bi,bj->bij", [(2, 3), (2, 4)]),
    ("...ij,...jk->...ik", [(2, 3, 4), (2, 4, 5)]),
    ("...ij,...jk->...ik", [(3, 4), (4, 5)]),
    ("...ij,jk->...ik", [(2, 2, 3, 4), (4, 5)]),
    ("bij,jk->bik", [(2, 3, 4), (4, 5)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
    ("i,ij->j", [(3,), (3, 4)]),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("eq,shapes", EINSUM, ids=str)
def test_einsum_vs_tf(tf_oracle, rng, eq, shapes, dtype):
    xs = [rng.standard_normal(s).astype(dtype) for s in shapes]
    check_against_tf(lambda t, *xs: t.einsum(eq, *xs), xs, tf_oracle)


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=str)
def test_einsum_finite_differences(rng, eq, shapes):
    check_finite_differences(lambda t, *xs: t.einsum(eq, *xs), [rng.standard_normal(s) for s in shapes])


def test_einsum_repeated_index_forward(tf_oracle, rng):
    x = rng.standard_normal((3, 3)).astype("float32")
    for eq in ("ii->", "ii->i"):
        check_against_tf(lambda t, x: t.einsum(eq, x), [x], tf_oracle, grad=False)


TENSORDOT = [
    ((3, 4), (4, 5), 1),
    ((2, 3, 4), (3, 4, 5), 2),
    ((2,), (3,), 0),
    ((2, 3), (3, 2), [[1], [0]]),
    ((2, 3), (3, 2), [1, 0]),
    ((3, 4, 5), (5, 2, 3), [[0, 2], [2, 0]]),
    ((3, 4), (4, 3), [[-1], [0]]),
    ((2, 3), (3, 2), [[0, 1], [1, 0]]),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("sa,sb,axes", TENSORDOT, ids=str)
def test_tensordot_vs_tf(tf_oracle, rng, sa, sb, axes, dtype):
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    check_against_tf(lambda t, a, b: t.tensordot(a, b, axes), [a, b], tf_oracle)
    if dtype == "float64":
        check_finite_differences(lambda t, a, b: t.tensordot(a, b, axes), [a, b])


# ---------------------------------------------------------------------------
# norm, clip_by_value, where
NORMS = [("euclidean", None, False), ("euclidean", 0, False), ("euclidean", 1, True), ("euclidean", -1, False),
         (2, None, False), (2, 1, False), (1, None, False), (1, 1, True), (np.inf, None, False),
         (np.inf, 0, False), (3, None, False), (3, -1, True), ("fro", [0, 1], False), ("euclidean", [0, 1], True),
         (1, [0, 1], False), (np.inf, [0, 1], False), (1, [1, 0], False), ("fro", [-2, -1], True)]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ord,axis,keepdims", NORMS, ids=str)
def test_norm_vs_tf(tf_oracle, rng, ord, axis, keepdims, dtype):
    x = _away0(rng, (3, 4), dtype)
    x[0, 0] = 3.0  # unique max (inf norms have a kink at ties)
    check_against_tf(lambda t, x: t.norm(x, ord=ord, axis=axis, keepdims=keepdims), [x], tf_oracle)
    if dtype == "float64":
        check_finite_differences(lambda t, x: t.norm(x, ord=ord, axis=axis, keepdims=keepdims), [x])


def test_norm_batched_matrix(tf_oracle, rng):
    x = _away0(rng, (2, 3, 4), "float64")
    for ord in ("fro", 1, np.inf):
        check_against_tf(lambda t, x: t.norm(x, ord=ord, axis=[-2, -1]), [x], tf_oracle)


CLIP_BOUNDS = [(-0.5, 0.5), (np.array([-0.5, 0.0, -1.0, 0.2]), 0.6), (np.array([[-0.3], [0.1], [-2.0]]),
                                                                      np.array([[0.3], [0.5], [2.0]]))]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("lo,hi", CLIP_BOUNDS, ids=["scalars", "row", "column"])
def test_clip_by_value_vs_tf(tf_oracle, rng, lo, hi, dtype):
    x = rng.standard_normal((3, 4)).astype(dtype)
    lo_a, hi_a = np.asarray(lo, dtype), np.asarray(hi, dtype)
    check_against_tf(lambda t, x, lo, hi: t.clip_by_value(x, lo, hi), [x, lo_a, hi_a], tf_oracle)
    check_against_tf(lambda t, x: t.clip_by_value(x, lo_a, hi_a), [x], tf_oracle)
    if dtype == "float64":
        check_finite_differences(lambda t, x, lo, hi: t.clip_by_value(x, lo, hi), [x, lo_a, hi_a])
    xi = np.array([[-3, 0, 2], [5, 1, -1]], "int32")
    check_against_tf(lambda t, x: t.clip_by_value(x, -1, 2), [xi], tf_oracle, grad=False)
    check_against_tf(lambda t, x: t.clip_by_value(x, 0, 1), [x], tf_oracle)


WHERE = [((3, 4), (3, 4), (3, 4)), ((3, 1), (1, 4), ()), ((4,), (3, 4), (3, 1)), ((), (2, 3), (2, 3)),
         ((2, 1, 3), (4, 1), (1, 3)), ((0, 3), (1, 3), (0, 3))]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("sc,sx,sy", WHERE, ids=str)
def test_where_vs_tf(tf_oracle, rng, sc, sx, sy, dtype):
    c = rng.random(sc) > 0.5
    x, y = rng.standard_normal(sx).astype(dtype), rng.standard_normal(sy).astype(dtype)
    check_against_tf(lambda t, c, x, y: t.where(c, x, y), [c, x, y], tf_oracle)
    if dtype == "float64":
        check_finite_differences(lambda t, c, x, y: t.where(c, x, y), [c, x, y], grad=[1, 2])


@pytest.mark.parametrize("value", [np.array([[True, False, True], [False, False, True]]),
                                   np.array([[1.0, 0.0], [0.0, -2.0]], "float32"), np.zeros((0, 3), bool),
                                   np.array([[[1, 0], [0, 3]], [[0, 0], [5, 0]]], "int32")])
def test_where_one_arg(tf_oracle, value):
    check_against_tf(lambda t, c: t.where(c), [value], tf_oracle, grad=False)


# ---------------------------------------------------------------------------
# Tensor operators
BIN_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
                 "//": operator.floordiv, "%": operator.mod, "**": operator.pow}


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("sym", sorted(BIN_OPERATORS))
def test_float_operators(tf_oracle, rng, sym, dtype):
    op = BIN_OPERATORS[sym]
    a = rng.uniform(0.5, 2.0, (3, 1)).astype(dtype)
    b = _away0(rng, (1, 4), dtype)
    grad = sym not in ("//",)
    check_against_tf(lambda t, a, b: op(a, b), [a, b], tf_oracle, grad=grad)
    check_against_tf(lambda t, a: op(a, 2), [a], tf_oracle, grad=grad)
    check_against_tf(lambda t, a: op(1.5, a), [a], tf_oracle, grad=grad)
    check_against_tf(lambda t, a: op(a, np.array([1.0, 2.0, 3.0, 4.0])), [a], tf_oracle, grad=grad)


@pytest.mark.parametrize("sym", ["+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<", "<=", ">", ">=",
                                 "==", "!="])
def test_int_operators(tf_oracle, sym):
    ops = dict(BIN_OPERATORS, **{"&": operator.and_, "|": operator.or_, "^": operator.xor, "<": operator.lt,
                                 "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
                                 "!=": operator.ne})
    op = ops[sym]
    a = np.array([[-7, 3, 1], [5, -6, 9]], "int32")
    b = np.array([2, 3, 4], "int32")
    check_against_tf(lambda t, a, b: op(a, b), [a, b], tf_oracle, grad=False)
    check_against_tf(lambda t, a: op(a, 3), [a], tf_oracle, grad=False)
    check_against_tf(lambda t, a: op(2, a) if sym != "**" else op(a, 2), [a], tf_oracle, grad=False)


def test_unary_and_bool_operators(tf_oracle, rng):
    x = _away0(rng, (3, 4), "float32")
    check_against_tf(lambda t, x: -x, [x], tf_oracle)
    check_against_tf(lambda t, x: abs(x), [x], tf_oracle)
    check_against_tf(lambda t, x: ~x, [np.array([1, -2, 0], "int32")], tf_oracle, grad=False)
    p, q = np.array([[True, False], [True, True]]), np.array([True, False])
    for op in (operator.and_, operator.or_, operator.xor):
        check_against_tf(lambda t, p, q: op(p, q), [p, q], tf_oracle, grad=False)
        check_against_tf(lambda t, p: op(p, True), [p], tf_oracle, grad=False)
        check_against_tf(lambda t, p: op(False, p), [p], tf_oracle, grad=False)
    check_against_tf(lambda t, p: ~p, [p], tf_oracle, grad=False)


@pytest.mark.parametrize("sym", ["<", "<=", ">", ">=", "==", "!="])
def test_comparison_operators(tf_oracle, rng, sym):
    op = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
          "!=": operator.ne}[sym]
    a = np.array([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], "float32")
    check_against_tf(lambda t, a, b: op(a, b), [a, np.array([2.0, 2.0, 2.0], "float32")], tf_oracle, grad=False)
    check_against_tf(lambda t, a: op(a, 2), [a], tf_oracle, grad=False)
    check_against_tf(lambda t, a: op(2.0, a), [a], tf_oracle, grad=False)


def test_matmul_operator(tf_oracle, rng):
    a, b = rng.standard_normal((2, 3, 4)).astype("float32"), rng.standard_normal((4, 5)).astype("float32")
    check_against_tf(lambda t, a, b: a @ b, [a, b], tf_oracle)
    check_against_tf(lambda t, a: a @ np.ones((4, 2), "float32"), [a], tf_oracle)
    check_against_tf(lambda t, b: np.ones((3, 4), "float32") @ b, [b], tf_oracle)


# ---------------------------------------------------------------------------
# Conversion and error semantics: the same outcome (value/dtype or exception class) as TF
def _outcome(t, fn):
    try:
        r = fn(t)
    except Exception as e:  # noqa: BLE001 - the class is what we compare
        return ("raise", type(e).__name__, str(e))
    if isinstance(r, bool):
        return ("ok", r)
    return ("ok", np.asarray(r), r.dtype.name)


_NO_KERNEL = {"NotFoundError", "InternalError"}   # TF: op exists but no kernel for the dtype

BEHAVIOUR = {
    "int + 1.5": lambda t: t.constant([1, 2]) + 1.5,
    "1.5 + int": lambda t: 1.5 + t.constant([1, 2]),
    "int + 1.0": lambda t: t.constant([1, 2]) + 1.0,
    "float + 1": lambda t: t.constant([1.0, 2.0]) + 1,
    "2 * float": lambda t: 2 * t.constant([1.0, 2.0]),
    "f64 + 1.5": lambda t: t.constant([1.0, 2.0], t.float64) + 1.5,
    "f32 + np.float64": lambda t: t.constant([1.0, 2.0]) + np.float64(1.5),
    "f32 + np f64 array": lambda t: t.constant([1.0, 2.0]) + np.array([1.5, 2.5]),
    "int + np int64 array": lambda t: t.constant([1, 2]) + np.array([1, 2]),
    "f32 + int": lambda t: t.constant([1.0, 2.0]) + t.constant([1, 2]),
    "add(f32, i32)": lambda t: t.add(t.constant([1.0]), t.constant([1])),
    "add(f32, f64)": lambda t: t.add(t.constant([1.0]), t.constant([1.0], t.float64)),
    "subtract(f64, f32)": lambda t: t.subtract(t.constant([1.0], t.float64), t.constant([1.0])),
    "multiply(i32, i64)": lambda t: t.multiply(t.constant([1]), t.constant([1], t.int64)),
    "maximum(f32, f64)": lambda t: t.maximum(t.constant([1.0]), t.constant([1.0], t.float64)),
    "pow(f32, i32)": lambda t: t.pow(t.constant([1.0]), t.constant([2])),
    "add(1, 2)": lambda t: t.add(1, 2),
    "add(1., 2)": lambda t: t.add(1.0, 2),
    "add(1, 2.)": lambda t: t.add(1, 2.0),
    "multiply([1,2], 2.5)": lambda t: t.multiply([1, 2], 2.5),
    "int / int": lambda t: t.constant([1, 2]) / t.constant([2, 2]),
    "int / 2": lambda t: t.constant([1, 2]) / 2,
    "int / 2.5": lambda t: t.constant([1, 2]) / 2.5,
    "int // 2": lambda t: t.constant([1, 2]) // 2,
    "float // 2": lambda t: t.constant([1.0, 2.0]) // 2,
    "-int % 3": lambda t: -t.constant([1, 2]) % 3,
    "int ** 2": lambda t: t.constant([1, 2]) ** 2,
    "int ** -1": lambda t: t.constant([1, 2]) ** -1,
    "2 ** float": lambda t: 2 ** t.constant([1.0, 2.0]),
    "bool & bool": lambda t: t.constant([True, False]) & t.constant([True, True]),
    "bool & True": lambda t: t.constant([True, False]) & True,
    "int & 3": lambda t: t.constant([1, 2]) & 3,
    "~bool": lambda t: ~t.constant([True, False]),
    "~int": lambda t: ~t.constant([1, 2]),
    "f == 1": lambda t: t.constant([1.0, 2.0]) == 1,
    "f == int tensor": lambda t: t.constant([1.0, 2.0]) == t.constant([1, 2]),
    "f == None": lambda t: t.constant([1.0, 2.0]) == None,  # noqa: E711
    "f == incompatible": lambda t: t.constant([1.0, 2.0]) == t.constant([1.0, 2.0, 3.0]),
    "f != incompatible": lambda t: t.constant([1.0, 2.0]) != t.constant([1.0, 2.0, 3.0]),
    "f != int tensor": lambda t: t.constant([1.0, 2.0]) != t.constant([1, 2]),
    "f < int tensor": lambda t: t.constant([1.0, 2.0]) < t.constant([1, 2]),
    "abs(int)": lambda t: abs(t.constant([-1, 2])),
    "-bool": lambda t: -t.constant([True]),
    "bool + bool": lambda t: t.constant([True]) + t.constant([True]),
    "truediv(bool)": lambda t: t.math.truediv(t.constant([True]), t.constant([True])),
    "realdiv(int)": lambda t: t.realdiv(t.constant([1, 2]), t.constant([1, 2])),
    "divide(int, int)": lambda t: t.divide(t.constant([1, 2]), t.constant([2, 2])),
    "truncatediv(int by 0)": lambda t: t.truncatediv(t.constant([-3, 3]), t.constant([0, 2])),
    "floordiv(int by 0)": lambda t: t.math.floordiv(t.constant([-3, 3]), t.constant([0, 2])),
    "floormod(int by 0)": lambda t: t.math.floormod(t.constant([-3, 3]), t.constant([0, 2])),
    "reciprocal(int)": lambda t: t.math.reciprocal(t.constant([-2, 1, 3])),
    "reduce_mean int empty": lambda t: t.reduce_mean(t.zeros([0], t.int32)),
    "reduce_max int empty": lambda t: t.reduce_max(t.zeros([0], t.int32)),
    "reduce_sum axis 2 of rank 2": lambda t: t.reduce_sum(t.zeros([2, 3]), axis=2),
    "reduce_sum axis -3 of rank 2": lambda t: t.reduce_sum(t.zeros([2, 3]), axis=-3),
    "reduce_sum duplicate axes": lambda t: t.reduce_sum(t.zeros([2, 3]), axis=[0, 0]),
    "reduce_sum duplicate axes neg": lambda t: t.reduce_sum(t.zeros([2, 3]), axis=[0, -2]),
    "reduce_sum scalar axis 0": lambda t: t.reduce_sum(t.constant(3.0), axis=0),
    "reduce_sum bool": lambda t: t.reduce_sum(t.constant([True, True])),
    "reduce_any float": lambda t: t.reduce_any(t.constant([0.0, 1.0])),
    "reduce_std int": lambda t: t.math.reduce_std(t.constant([1, 2])),
    "reduce_variance int": lambda t: t.math.reduce_variance(t.constant([1, 2])),
    "cumsum bad axis": lambda t: t.cumsum(t.constant([1, 2, 3]), axis=1),
    "cumsum scalar": lambda t: t.cumsum(t.constant(3.0)),
    "matmul 1-D": lambda t: t.matmul(t.constant([1.0, 2.0]), t.constant([1.0, 2.0])),
    "matmul size mismatch": lambda t: t.matmul(t.zeros([2, 3]), t.zeros([2, 3])),
    "matmul f32 f64": lambda t: t.matmul(t.zeros([2, 3]), t.zeros([3, 2], t.float64)),
    "matmul batch mismatch": lambda t: t.matmul(t.zeros([2, 2, 3]), t.zeros([3, 3, 2])),
    "matmul lists": lambda t: t.matmul([[1.0, 2.0]], [[3.0], [4.0]]),
    "where non-bool cond": lambda t: t.where(t.constant([1.0, 0.0]), t.constant([1.0, 2.0]), t.constant([1.0, 2.0])),
    "where x only": lambda t: t.where(t.constant([True]), t.constant([1.0])),
    "where f32 i32": lambda t: t.where(t.constant([True, False]), t.constant([1.0, 2.0]), t.constant([1, 2])),
    "where python y": lambda t: t.where(t.constant([[True], [False]]), t.zeros([1, 3]), 1.0),
    "clip min > max": lambda t: t.clip_by_value(t.constant([1.0, 2.0]), 2.0, 1.0),
    "clip int": lambda t: t.clip_by_value(t.constant([1, 2]), 0, 1),
    "clip float by ints": lambda t: t.clip_by_value(t.constant([1.0, 2.0]), 0, 1),
    "norm ord 0": lambda t: t.norm(t.constant([1.0, 2.0]), ord=0),
    "norm ord -1": lambda t: t.norm(t.constant([1.0, 2.0]), ord=-1),
    "norm fro without axis": lambda t: t.norm(t.ones([2, 3]), ord="fro"),
    "norm int": lambda t: t.norm(t.constant([1, 2])),
    "add_n shape mismatch": lambda t: t.add_n([t.zeros([2]), t.zeros([3])]),
    "add_n broadcast": lambda t: t.add_n([t.zeros([2, 2]), t.zeros([2])]),
    "add_n empty": lambda t: t.add_n([]),
    "scalar_mul non-scalar": lambda t: t.math.scalar_mul(t.constant([1.0, 2.0]), t.constant([1.0, 2.0])),
    "log(int)": lambda t: t.math.log(t.constant([1, 2])),
    "sqrt(int)": lambda t: t.sqrt(t.constant([1, 2])),
    "square(bool)": lambda t: t.square(t.constant([True])),
    "abs(bool)": lambda t: t.abs(t.constant([True])),
    "floor(int)": lambda t: t.floor(t.constant([1, 2])),
    "is_nan(int)": lambda t: t.math.is_nan(t.constant([1, 2])),
    "sigmoid(int)": lambda t: t.sigmoid(t.constant([1, 2])),
    "negative(bool)": lambda t: t.negative(t.constant([True])),
    "logical_and(int)": lambda t: t.logical_and(t.constant([1]), t.constant([1])),
    "logical_not(int)": lambda t: t.logical_not(t.constant([1])),
    "equal(str)": lambda t: t.equal(t.constant(["a", "b"]), t.constant(["a", "c"])),
    "pow(int, negative int)": lambda t: t.pow(t.constant([2]), t.constant([-1])),
    "maximum(bool)": lambda t: t.maximum(t.constant([True]), t.constant([False])),
    "argmax output_type float": lambda t: t.argmax(t.constant([[1.0, 3.0]]), axis=-1, output_type=t.float32),
    "argmax scalar": lambda t: t.argmax(t.constant(3.0)),
    "argmax empty axis": lambda t: t.argmax(t.zeros([0, 3]), axis=0),
    "argmax over empty rows": lambda t: t.argmax(t.zeros([0, 3]), axis=1),
    "atan2(int)": lambda t: t.math.atan2(t.constant([1]), t.constant([1])),
    "squared_difference(int)": lambda t: t.math.squared_difference(t.constant([1, 5]), t.constant([3, 2])),
    "tensordot size mismatch": lambda t: t.tensordot(t.ones([2]), t.ones([3]), 1),
    "einsum operand count": lambda t: t.einsum("ij,jk->ik", t.ones([2, 3])),
    "cumprod int": lambda t: t.math.cumprod(t.constant([2, -3, 4]), exclusive=True),
    "erf(int)": lambda t: t.math.erf(t.constant([1])),
    "where(scalar)": lambda t: t.where(True),
    "unary + (TF has none)": lambda t: +t.constant([1.0]),
    "int * 1.5": lambda t: t.constant([1, 2]) * 1.5,
    "1.5 * int": lambda t: 1.5 * t.constant([1, 2]),
    "int - 1.5": lambda t: t.constant([1, 2]) - 1.5,
    "int // 2.5": lambda t: t.constant([1, 2]) // 2.5,
    "int ** 2.5": lambda t: t.constant([1, 2]) ** 2.5,
    "1.5 / int": lambda t: 1.5 / t.constant([1, 2]),
    "1.5 // int": lambda t: 1.5 // t.constant([1, 2]),
    "int > 1.5": lambda t: t.constant([1, 2]) > 1.5,
    "int == 1.5": lambda t: t.constant([1, 2]) == 1.5,
    "float + [1, 2]": lambda t: t.constant([1.0, 2.0]) + [1, 2],
    "[1, 2] + float": lambda t: [1, 2] + t.constant([1.0, 2.0]),
    "[1., 2.] * int": lambda t: [1.0, 2.0] * t.constant([1, 2]),
    "np f64 array + f32": lambda t: np.array([1.5, 2.0]) + t.constant([1.0, 2.0]),
    "np f64 array * int (TF casts)": lambda t: np.array([1.5, 2.0]) * t.constant([1, 2]),
    "int + np.float64 (TF casts)": lambda t: t.constant([1, 2]) + np.float64(1.5),
    "np.float64 + f32": lambda t: np.float64(1.0) + t.constant([1.0, 2.0]),
    "add(f32, np f64 array)": lambda t: t.add(t.constant([1.0, 2.0]), np.array([1.5, 2.0])),
    "subtract(np f64 array, f32)": lambda t: t.subtract(np.array([1.5, 2.0]), t.constant([1.0, 2.0])),
    "multiply(np f64 array, int)": lambda t: t.multiply(np.array([1.5, 2.0]), t.constant([1, 2])),
    "maximum(int, 2.5)": lambda t: t.maximum(t.constant([1, 2]), 2.5),
    "subtract(2.5, int)": lambda t: t.subtract(2.5, t.constant([1, 2])),
    "truediv(f32, int)": lambda t: t.math.truediv(t.constant([1.0]), t.constant([1])),
    "f32 / f64": lambda t: t.constant([1.0]) / t.constant([1.0], t.float64),
    "divide(2.5, int)": lambda t: t.divide(2.5, t.constant([1, 2])),
    "int8 / 2": lambda t: t.constant([1], t.int8) / 2,
    "np array / int": lambda t: np.array([1.0, 2.0]) / t.constant([1, 2]),
    "bool * bool (logical and)": lambda t: t.constant([True, False]) * t.constant([True, True]),
    "multiply(bool, bool)": lambda t: t.multiply(t.constant([True]), t.constant([True])),
    "bool == True": lambda t: t.constant([True, False]) == True,  # noqa: E712
    "bool == 1": lambda t: t.constant([True, False]) == 1,
    "int == [1, 2, 3]": lambda t: t.constant([1, 2]) == [1, 2, 3],
    "f > incompatible": lambda t: t.constant([1.0, 2.0]) > t.constant([1.0, 2.0, 3.0]),
    "f & f": lambda t: t.constant([1.0]) & t.constant([1.0]),
    "~float": lambda t: ~t.constant([1.0]),
    "1 & bool": lambda t: 1 & t.constant([True]),
    "bool | 0": lambda t: t.constant([True]) | 0,
    "True & bool": lambda t: True & t.constant([True, False]),
    "int & 1.5": lambda t: t.constant([1, 2]) & 1.5,
    "int ^ int": lambda t: t.constant([1, 2]) ^ t.constant([3, 3]),
    "bool < bool": lambda t: t.constant([True]) < t.constant([False]),
    "less(bool)": lambda t: t.less(t.constant([True]), t.constant([False])),
    "equal(bool)": lambda t: t.equal(t.constant([True]), t.constant([False])),
    "clip broadcasting t": lambda t: t.clip_by_value(t.constant([1.0, 2.0]), t.zeros([3, 2]), 1.0),
    "clip f64 bound": lambda t: t.clip_by_value(t.constant([1.0, 2.0]), t.constant(0.0, t.float64), 1.0),
    "reduce_mean(bool)": lambda t: t.reduce_mean(t.constant([True])),
    "reduce_max(bool)": lambda t: t.reduce_max(t.constant([True])),
    "reduce_logsumexp(int)": lambda t: t.reduce_logsumexp(t.constant([1, 2])),
    "cumsum(bool)": lambda t: t.cumsum(t.constant([True])),
    "matmul(bool)": lambda t: t.matmul(t.constant([[True]]), t.constant([[True]])),
    "matmul int @ float": lambda t: t.reshape(t.constant([1, 2]), [1, 2]) @ t.reshape(t.constant([1.0, 2.0]), [2, 1]),
    "einsum mixed dtypes": lambda t: t.einsum("ij,jk->ik", t.ones([2, 2]), t.ones([2, 2], t.float64)),
    "einsum int": lambda t: t.einsum("ij,jk->ik", t.ones([2, 2], t.int32), t.ones([2, 2], t.int32)),
    "tensordot mixed dtypes": lambda t: t.tensordot(t.ones([2, 2]), t.ones([2, 2], t.float64), 1),
    "add_n mixed dtypes": lambda t: t.add_n([t.constant([1.0]), t.constant([1.0], t.float64)]),
    "add_n ints": lambda t: t.add_n([t.constant([1, 2]), t.constant([3, 4])]),
    "add_n lists": lambda t: t.add_n([[1.0, 2.0], [3.0, 4.0]]),
    "sign(bool)": lambda t: t.sign(t.constant([True])),
    "round(bool)": lambda t: t.round(t.constant([True])),
    "abs(uint8)": lambda t: t.abs(t.constant([1], t.uint8)),
    "negative(uint8)": lambda t: t.negative(t.constant([1], t.uint8)),
    "square(uint8)": lambda t: t.square(t.constant([3], t.uint8)),
    "floordiv(bool)": lambda t: t.math.floordiv(t.constant([True]), t.constant([True])),
    "pow(bool)": lambda t: t.pow(t.constant([True]), t.constant([True])),
    "subtract(bool)": lambda t: t.subtract(t.constant([True]), t.constant([True])),
    "truncatediv(bool)": lambda t: t.truncatediv(t.constant([True]), t.constant([True])),
    "divide_no_nan(int)": lambda t: t.math.divide_no_nan(t.constant([1, 2]), t.constant([0, 2])),
    "uint8 subtract wraps": lambda t: t.subtract(t.constant([1], t.uint8), t.constant([2], t.uint8)),
    "uint8 multiply wraps": lambda t: t.multiply(t.constant([100], t.uint8), t.constant([3], t.uint8)),
    "reduce_sum int8 wraps": lambda t: t.reduce_sum(t.constant([100, 100], t.int8)),
    "reduce_mean uint8": lambda t: t.reduce_mean(t.constant([200, 100], t.uint8)),
    "cumsum int8 wraps": lambda t: t.cumsum(t.constant([100, 100], t.int8)),
    "argmax(bool)": lambda t: t.argmax(t.constant([False, True])),
    "argmin int32 output": lambda t: t.argmin(t.constant([[3, 1], [0, 2]]), axis=1, output_type=t.int32),
    "count_nonzero(str)": lambda t: t.math.count_nonzero(t.constant(["", "a"])),
    "norm matrix ord 3": lambda t: t.norm(t.ones([2, 3]), ord=3, axis=[0, 1]),
    "reduce_prod empty": lambda t: t.reduce_prod(t.zeros([0, 3]), axis=0),
    "reduce_min empty int": lambda t: t.reduce_min(t.zeros([0, 2], t.int64), axis=0),
    "truncatediv int64 exact": lambda t: t.truncatediv(t.constant([2 ** 62 + 1, -(2 ** 62) - 1], t.int64),
                                                      t.constant([3, 3], t.int64)),
}


@pytest.mark.parametrize("case", sorted(BEHAVIOUR))
def test_conversion_and_errors_match_tf(tf_oracle, case):
    fn = BEHAVIOUR[case]
    theirs = _outcome(tf_oracle, fn)
    ours = _outcome(engine, fn)
    if theirs[0] == "raise":
        assert ours[0] == "raise", f"TF raises {theirs[1]}: {theirs[2][:200]}; engine returned {ours[1:]}"
        if theirs[1] in _NO_KERNEL:
            assert ours[1] in {"InvalidArgumentError", "NotFoundError", "TypeError"}, ours
        else:
            assert ours[1] == theirs[1], f"TF: {theirs[1]}: {theirs[2][:200]} / engine: {ours[1]}: {ours[2]}"
        return
    assert ours[0] == "ok", f"engine raised {ours[1]}: {ours[2]}; TF gives {theirs[1:]}"
    if len(theirs) == 2:
        assert ours[1:] == theirs[1:]
        return
    assert ours[2] == theirs[2], f"dtype {ours[2]} != TF {theirs[2]}"
    assert ours[1].shape == theirs[1].shape
    if theirs[1].dtype == object:
        assert ours[1].tolist() == theirs[1].tolist()
    else:
        np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-6)


def test_errors_are_engine_error_classes():
    with pytest.raises(errors.InvalidArgumentError, match="float32|float"):
        engine.add(engine.constant([1.0]), engine.constant([1]))
    with pytest.raises(errors.InvalidArgumentError):
        engine.matmul(engine.zeros([2, 3]), engine.zeros([2, 3]))
