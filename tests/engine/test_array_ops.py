"""Array ops (concat, stack, gather, slicing, pad, sort, scatter ...) against real TensorFlow.

Every op: forward values/dtypes/shapes and the vjp with a random upstream gradient
vs TF (float32 and float64), second-order gradients vs TF, finite differences in
float64, and the error class TF raises for bad arguments.
"""
from __future__ import annotations

import numpy as np
import pytest
from engine_oracle import check_against_tf, check_finite_differences

import engine
from engine.framework.errors import InvalidArgumentError

F32, F64 = np.float32, np.float64


def _r(rng: np.random.Generator, shape: tuple, dtype=F32) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def assert_same_error(fn, tf, match: str | None = None) -> None:
    """``fn(tf)`` and ``fn(engine)`` both raise, with the same exception family (and message part)."""
    with pytest.raises(Exception) as te:
        fn(tf)
    with pytest.raises(Exception) as ee:
        fn(engine)
    t_exc, e_exc = te.value, ee.value
    if type(t_exc).__name__ == "InvalidArgumentError":
        assert isinstance(e_exc, InvalidArgumentError), f"engine raised {e_exc!r}, TF {t_exc!r}"
    else:
        assert isinstance(e_exc, type(t_exc)), f"engine raised {e_exc!r}, TF {t_exc!r}"
    if match is not None:
        assert match in str(t_exc), f"TF message changed: {t_exc}"
        assert match in str(e_exc), f"engine message {e_exc} lacks {match!r}"


def check_second_order(fn, arrays, tf, rtol: float = 1e-9, atol: float = 1e-9, seed: int = 1) -> None:
    """Gradient of <grad(sum(fn(x)^3 * w)), v> with nested tapes, engine vs TF (float64)."""
    rng = np.random.default_rng(seed)

    def run(mod):
        xs = [mod.constant(a) for a in arrays]
        with mod.GradientTape() as outer:
            outer.watch(xs[0])
            with mod.GradientTape() as inner:
                inner.watch(xs[0])
                y = fn(mod, *xs)
                w = mod.constant(np.random.default_rng(seed).standard_normal(np.shape(y)))
                target = mod.reduce_sum(y * y * y * w)
            g = inner.gradient(target, xs[0])
            v = mod.constant(rng_v)
            s = mod.reduce_sum(g * v)
        return np.asarray(g), np.asarray(outer.gradient(s, xs[0]))

    rng_v = rng.standard_normal(np.shape(arrays[0]))
    eg, e2 = run(engine)
    tg, t2 = run(tf)
    np.testing.assert_allclose(eg, tg, rtol=rtol, atol=atol, err_msg="first order")
    np.testing.assert_allclose(e2, t2, rtol=rtol, atol=atol, err_msg="second order")


# ---------------------------------------------------------------------------
# concat / stack / unstack / split
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shapes,axis", [
    (((2, 3), (2, 1)), 1),
    (((2, 3), (2, 1), (2, 4)), -1),
    (((0, 3), (2, 3)), 0),
    (((2, 3, 4), (2, 1, 4)), -2),
    (((1,), (3,)), 0),
])
def test_concat(tf_oracle, rng, dtype, shapes, axis):
    arrays = [_r(rng, s, dtype) for s in shapes]
    check_against_tf(lambda t, *xs: t.concat(list(xs), axis), arrays, tf_oracle)


def test_concat_forward_variants(tf_oracle, rng):
    a = rng.integers(0, 9, (2, 3)).astype(np.int32)
    check_against_tf(lambda t, x: t.concat([x, x], 1), [a], tf_oracle)
    x = _r(rng, (2, 3))
    check_against_tf(lambda t, x: t.concat([x, [[1.0, 2.0, 3.0]]], 0), [x], tf_oracle)
    check_against_tf(lambda t, x: t.concat([x], 0), [x], tf_oracle)
    check_against_tf(lambda t, x: t.concat([x, x], t.constant(1)), [x], tf_oracle)


def test_concat_errors(tf_oracle):
    x = np.zeros((2, 3), F32)
    assert_same_error(lambda t: t.concat([x, np.zeros((2, 4), F32)], 0), tf_oracle, "Dimension 1 in both shapes")
    assert_same_error(lambda t: t.concat([x, x], 2), tf_oracle, "range [-2, 2), but got 2")
    assert_same_error(lambda t: t.concat([x, np.zeros(3, F32)], 0), tf_oracle, "Ranks of all input")
    assert_same_error(lambda t: t.concat([t.constant(1.0), t.constant(2.0)], 0), tf_oracle, "scalars")
    assert_same_error(lambda t: t.concat([t.constant(x), t.constant([[1, 2, 3]])], 0), tf_oracle,
                      "expected to be a float tensor but is a int32 tensor")
    assert_same_error(lambda t: t.concat([[1, 2], [3.5]], 0), tf_oracle)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,axis", [((2, 3), 0), ((2, 3), 1), ((2, 3), 2), ((2, 3), -1), ((2, 3), -3),
                                        ((), 0), ((0, 2), 1)])
def test_stack(tf_oracle, rng, dtype, shape, axis):
    arrays = [_r(rng, shape, dtype) for _ in range(3)]
    check_against_tf(lambda t, *xs: t.stack(list(xs), axis=axis), arrays, tf_oracle)


def test_stack_forward_variants(tf_oracle, rng):
    check_against_tf(lambda t, x: t.stack([x, x + 1]), [rng.integers(0, 5, (2,)).astype(np.int64)], tf_oracle)
    check_against_tf(lambda t, x: t.stack([[1.0, 2.0], [3, 4]]) + x, [_r(rng, (2, 2))], tf_oracle)
    check_against_tf(lambda t, x: t.stack([x, [1.0, 2.0]], axis=1), [_r(rng, (2,))], tf_oracle)
    assert engine.stack([]).shape == tf_oracle.stack([]).shape
    assert engine.stack([1, 2.0]).dtype == engine.float32


def test_stack_errors(tf_oracle):
    x = np.zeros((2, 3), F32)
    assert_same_error(lambda t: t.stack([x, np.zeros((3,), F32)]), tf_oracle, "Shapes of all inputs must match")
    assert_same_error(lambda t: t.stack([t.constant(x), t.constant(x)], axis=3), tf_oracle, "not in range [-3, 3)")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,axis", [((3, 4), 0), ((3, 4), 1), ((2, 3, 4), -1), ((2, 3, 4), -2), ((4,), 0)])
def test_unstack(tf_oracle, rng, dtype, shape, axis):
    x = _r(rng, shape, dtype)
    check_against_tf(lambda t, x: t.unstack(x, axis=axis), [x], tf_oracle)
    # only some outputs used: the vjp fills the others with zeros in one buffer
    check_against_tf(lambda t, x: t.unstack(x, axis=axis)[1] * 2.0, [x], tf_oracle)
    check_against_tf(lambda t, x: [t.unstack(x, axis=axis)[0], t.unstack(x, axis=axis)[-1]], [x], tf_oracle)


def test_unstack_variants_and_errors(tf_oracle, rng):
    x = _r(rng, (2, 3))
    check_against_tf(lambda t, x: t.unstack(x, num=2), [x], tf_oracle)
    check_against_tf(lambda t, x: list(x), [x], tf_oracle)  # Tensor.__iter__
    assert engine.unstack(engine.zeros((0, 3))) == []
    assert [u.shape for u in engine.unstack(engine.zeros((3, 0)))] == [(0,)] * 3
    assert_same_error(lambda t: t.unstack(t.constant(x), axis=2), tf_oracle, "not in range [-2, 2)")
    assert_same_error(lambda t: t.unstack(t.constant(x), num=3), tf_oracle, "must equal 3")
    assert_same_error(lambda t: t.unstack(t.constant(1.0)), tf_oracle)


def test_unstack_missing_grads_use_one_buffer():
    """The Unpack vjp gets None for unused outputs (no per-slice zeros) and returns one dense gradient."""
    from engine.framework.core import OPS, RAW
    g = (None, np.ones(4), None)
    (gx,) = OPS["Unpack"].vjp(RAW, g, (None,), None, ((3, 4),), {"num": 3, "axis": 0}, (True,))
    np.testing.assert_array_equal(gx, np.r_[np.zeros(4), np.ones(4), np.zeros(4)].reshape(3, 4))
    assert getattr(OPS["Unpack"].vjp, "accepts_none", False)
    assert getattr(OPS["SplitV"].vjp, "accepts_none", False)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("split,axis", [(2, 0), (3, 1), ([1, 2], 1), ([2, -1, 1], -1), ([0, 3], 1), (1, 0),
                                        ([4], 2)])
def test_split(tf_oracle, rng, dtype, split, axis):
    x = _r(rng, (2, 3, 4), dtype)
    check_against_tf(lambda t, x: t.split(x, split, axis=axis), [x], tf_oracle)
    check_against_tf(lambda t, x: t.split(x, split, axis=axis)[-1] * 3.0, [x], tf_oracle)


def test_split_variants_and_errors(tf_oracle, rng):
    x = _r(rng, (2, 3, 4))
    check_against_tf(lambda t, x: t.split(x, t.constant([1, 2]), axis=1), [x], tf_oracle)
    assert_same_error(lambda t: t.split(t.constant(x), t.constant(2), axis=2), tf_oracle, "Rank-0 tensors")
    check_against_tf(lambda t, x: t.split(x, 2, axis=-1), [rng.integers(0, 5, (2, 4)).astype(np.int32)],
                     tf_oracle)
    assert_same_error(lambda t: t.split(t.constant(x), 2, axis=1), tf_oracle, "evenly divide")
    assert_same_error(lambda t: t.split(t.constant(x), [1, 1], axis=1), tf_oracle, "Determined shape")
    assert_same_error(lambda t: t.split(t.constant(x), [5, -1], axis=1), tf_oracle, "Determined shape")
    assert_same_error(lambda t: t.split(t.constant(x), [-1, -1, 1], axis=2), tf_oracle, "only be one -1")
    assert_same_error(lambda t: t.split(t.constant(x), 2, axis=3), tf_oracle, "but got 3")
    assert_same_error(lambda t: t.split(t.constant(x), 0, axis=1), tf_oracle)


# ---------------------------------------------------------------------------
# gather / gather_nd / segment sums / scatter
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("ishape_idx,axis,bd", [
    ([1, 0, 1], 0, 0),
    ([[1, 0], [1, 1]], 0, 0),
    ([3, 0, 3, 3], 1, 0),
    ([[4, 0]], 2, 0),
    ([1, 1], -1, 0),
    (2, 1, 0),
    ([], 1, 0),
    ([[0, 3, 3], [1, 2, 0]], 2, 1),
    ([[1], [2]], 1, 1),
    ([[0, 2], [1, 1]], -1, -1),
    ([[[1, 0]], [[3, 3]]], 2, 1),
])
def test_gather(tf_oracle, rng, dtype, ishape_idx, axis, bd):
    params = _r(rng, (2, 4, 5), dtype)
    idx = np.asarray(ishape_idx, dtype=np.int32)
    # ``p * 1.0``: TF returns IndexedSlices for a gather straight from a source; this densifies them
    check_against_tf(lambda t, p, i: t.gather(p * 1.0, i, axis=axis, batch_dims=bd), [params, idx], tf_oracle)


def test_gather_variants(tf_oracle, rng):
    p = _r(rng, (3, 4, 5))
    check_against_tf(lambda t, p, i: t.gather(p, i, axis=2, batch_dims=2),
                     [p, rng.integers(0, 5, (3, 4, 2)).astype(np.int64)], tf_oracle)
    check_against_tf(lambda t, p, i: t.gather(p, i, batch_dims=1),
                     [p, rng.integers(0, 4, (3, 2)).astype(np.int32)], tf_oracle)
    check_against_tf(lambda t, p, i: t.gather(p * 1.0, i, axis=0, batch_dims=1),  # TF drops batch_dims at axis 0
                     [p, np.array([[0]], np.int32)], tf_oracle)
    check_against_tf(lambda t, p, i: t.gather(p, i, axis=1),
                     [rng.integers(0, 9, (2, 3)).astype(np.int32), np.array([2, 0], np.int64)], tf_oracle)
    check_against_tf(lambda t, p: t.gather(p * 1.0, [[0, 1], [1, 0]]), [_r(rng, (2,))], tf_oracle)


def test_gather_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.gather(x, [0, 5], axis=1), tf_oracle, "indices[1] = 5 is not in [0, 3)")
    assert_same_error(lambda t: t.gather(x, [-1], axis=1), tf_oracle, "indices[0] = -1 is not in [0, 3)")
    assert_same_error(lambda t: t.gather(x, [0], axis=3), tf_oracle, "Shape must be at least rank 4")
    assert_same_error(lambda t: t.gather(x, [0.0], axis=1), tf_oracle, "Tindices")
    assert_same_error(lambda t: t.gather(x, [[0], [0]], axis=1, batch_dims=2), tf_oracle,
                      "batch_dims (2) must be less than or equal to axis (1)")
    assert_same_error(lambda t: t.gather(x, [[0], [1], [1]], axis=1, batch_dims=1), tf_oracle,
                      "should be equal to indices.shape[0]")
    assert_same_error(lambda t: t.gather(x, [0], axis=2, batch_dims=2), tf_oracle,
                      "Expected batch_dims in the range [-1, 1], but got 2")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("idx,bd", [
    ([[0, 1], [1, 2], [0, 1]], 0),
    ([[1], [0], [1]], 0),
    ([[0, 2, 3], [1, 0, 0]], 0),
    ([[[1, 1]], [[0, 2]]], 0),
    ([[0], [2]], 1),
    ([[[1, 3], [0, 0]], [[2, 1], [2, 1]]], 1),
])
def test_gather_nd(tf_oracle, rng, dtype, idx, bd):
    params = _r(rng, (2, 3, 4), dtype)
    check_against_tf(lambda t, p, i: t.gather_nd(p * 1.0, i, batch_dims=bd),
                     [params, np.asarray(idx, dtype=np.int32)], tf_oracle)


def test_gather_nd_forward_only(tf_oracle, rng):
    """TF's own gradient fails for these index shapes (finite differences cover ours)."""
    params = _r(rng, (2, 3, 4))
    for idx in (np.array([0, 1], np.int32), np.zeros((2, 0), np.int32), np.array([[1, 2, 3]], np.int64)):
        check_against_tf(lambda t, p, i: t.gather_nd(p, i), [params, idx], tf_oracle, grad=False)
    check_finite_differences(lambda t, p: t.gather_nd(p, [1, 2]), [rng.standard_normal((2, 3, 4))])
    check_finite_differences(lambda t, p: t.gather_nd(p, np.zeros((2, 0), np.int32)), [rng.standard_normal((2, 2))])


def test_gather_nd_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.gather_nd(x, [[0, 5]]), tf_oracle, "does not index into param shape [2,3,4]")
    assert_same_error(lambda t: t.gather_nd(x, [[0, 1, 1, 1]]), tf_oracle, "must be <= params rank")
    assert_same_error(lambda t: t.gather_nd(x, 1), tf_oracle, "at least a vector")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("ids,num", [([0, 2, 0, 1], 3), ([1, -1, 1, 0], 4), ([[0, 1], [1, 0]], 2),
                                     ([[2, 2], [-1, 0]], 5), ([3, 3, 3, 3], 4)])
def test_unsorted_segment_sum(tf_oracle, rng, dtype, ids, num):
    ids = np.asarray(ids, np.int32)
    data = _r(rng, ids.shape + (3,), dtype)
    check_against_tf(lambda t, d, i: t.math.unsorted_segment_sum(d, i, num), [data, ids], tf_oracle)
    check_against_tf(lambda t, d, i: engine.unsorted_segment_sum(d, i, num) if t is engine
                     else t.math.unsorted_segment_sum(d, i, num), [data[..., 0], ids], tf_oracle)


def test_unsorted_segment_sum_errors(tf_oracle):
    x = np.ones((2, 3), F32)
    assert_same_error(lambda t: t.math.unsorted_segment_sum(x, [0, 5], 3), tf_oracle,
                      "segment_ids[1] = 5 is out of range [0, 3)")
    assert_same_error(lambda t: t.math.unsorted_segment_sum(x, [0, 1, 1], 3), tf_oracle,
                      "does not start with segment_ids.shape")
    check_against_tf(lambda t, x: t.math.unsorted_segment_sum(x, [0, 1], 3),
                     [np.arange(6, dtype=np.int32).reshape(2, 3)], tf_oracle)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("idx,shape", [([[1], [3], [1]], (5,)), ([[0, 1], [1, 0]], (2, 2, 3)),
                                       ([[1], [0]], (3, 2)), ([[[0, 0]], [[1, 1]]], (2, 2))])
def test_scatter_nd(tf_oracle, rng, dtype, idx, shape):
    idx = np.asarray(idx, np.int32)
    depth = idx.shape[-1]
    upd = _r(rng, idx.shape[:-1] + shape[depth:], dtype)
    check_against_tf(lambda t, i, u: t.scatter_nd(i, u, shape), [idx, upd], tf_oracle)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("op", ["tensor_scatter_nd_update", "tensor_scatter_nd_add", "tensor_scatter_nd_sub"])
@pytest.mark.parametrize("idx", [[[0, 1], [1, 2]], [[1]], [[0, 0], [1, 1], [0, 2]]])
def test_tensor_scatter(tf_oracle, rng, dtype, op, idx):
    idx = np.asarray(idx, np.int32)
    x = _r(rng, (2, 3, 4), dtype)
    upd = _r(rng, idx.shape[:-1] + (2, 3, 4)[idx.shape[-1]:], dtype)
    check_against_tf(lambda t, x, i, u: getattr(t, op)(x, i, u), [x, idx, upd], tf_oracle)


def test_scatter_duplicates_and_errors(tf_oracle):
    check_against_tf(lambda t, u: t.tensor_scatter_nd_add(t.zeros(3), [[1], [1]], u),
                     [np.array([1.0, 2.0], F32)], tf_oracle)
    check_against_tf(lambda t, u: t.tensor_scatter_nd_update(t.constant([1, 2, 3]), [[2]], u),
                     [np.array([7], np.int32)], tf_oracle)
    assert_same_error(lambda t: t.scatter_nd([[5]], [1.0], [3]), tf_oracle, "does not index into shape [3]")
    assert_same_error(lambda t: t.scatter_nd([[1]], [1.0, 2.0], [3]), tf_oracle, "Dimensions [0,1) of indices")
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.tensor_scatter_nd_update(x, [[0, 5]], np.zeros((1, 4), F32)), tf_oracle,
                      "does not index into shape [2,3,4]")
    assert_same_error(lambda t: t.tensor_scatter_nd_update(x, [[0, 1]], np.zeros((1, 3), F32)), tf_oracle,
                      "The inner 1 dimensions of output.shape=[2,3,4]")


def test_bad_indices_policy_ignore():
    x = engine.constant([[1.0, 2.0], [3.0, 4.0]])
    out = engine.gather_nd(x, [[0, 1], [5, 0]], bad_indices_policy="IGNORE")
    np.testing.assert_array_equal(out.numpy(), [2.0, 0.0])
    s = engine.scatter_nd([[1], [7]], [5.0, 6.0], [3], bad_indices_policy="IGNORE")
    np.testing.assert_array_equal(s.numpy(), [0.0, 5.0, 0.0])


# ---------------------------------------------------------------------------
# slicing: getitem, slice, strided_slice
_GETITEM_KEYS = [
    lambda t: 0, lambda t: -1, lambda t: 2, lambda t: (0, 1), lambda t: (1, -1, 2),
    lambda t: slice(1, None), lambda t: slice(None, None, -1), lambda t: slice(None, None, 2),
    lambda t: slice(-2, None, -1), lambda t: slice(5, 10), lambda t: slice(2, 0, -1),
    lambda t: (slice(None), 1), lambda t: (slice(None), slice(1, 3), slice(None, None, -2)),
    lambda t: (Ellipsis, 0), lambda t: (Ellipsis, slice(None, None, -2)), lambda t: (0, Ellipsis, None),
    lambda t: None, lambda t: (None, 1, None), lambda t: (slice(None), None, 0), lambda t: Ellipsis,
    lambda t: (), lambda t: (1, slice(0, 4, 3), -1), lambda t: [1, 2], lambda t: [slice(0, 2), 0],
    lambda t: (slice(-100, 100), slice(3, -100, -1)), lambda t: (Ellipsis, None, slice(1, 2)),
    lambda t: t.constant(1), lambda t: (slice(None), t.constant(-1, dtype=t.int64)),
    lambda t: slice(t.constant(1), None), lambda t: (slice(None, t.constant(2), t.constant(-1)),),
    lambda t: np.int64(1), lambda t: np.array(2), lambda t: (np.int32(0), slice(None, None, -1)),
    lambda t: (slice(1, 1),), lambda t: (0, 0, 0), lambda t: (-3, -4, -5),
]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("k", range(len(_GETITEM_KEYS)))
def test_getitem(tf_oracle, rng, dtype, k):
    x = _r(rng, (3, 4, 5), dtype)
    key = _GETITEM_KEYS[k]
    check_against_tf(lambda t, x: x[key(t)], [x], tf_oracle)


def test_getitem_masks_ints_and_variables(tf_oracle, rng):
    x = _r(rng, (3, 4))
    mask = rng.standard_normal((3, 4)) > 0
    check_against_tf(lambda t, x: x[x > 0.0], [x], tf_oracle)
    check_against_tf(lambda t, x: x[mask], [x], tf_oracle)
    check_against_tf(lambda t, x: x[t.constant([True, False, True])], [x], tf_oracle)
    check_against_tf(lambda t, x: x[1:, ::-2], [np.arange(12, dtype=np.int32).reshape(3, 4)], tf_oracle)
    check_against_tf(lambda t, x: x[None, ..., 0], [np.array([True, False])], tf_oracle)
    check_against_tf(lambda t, x: x[...] + x[None] + x[()], [np.array(2.5, F32)], tf_oracle)
    v = engine.Variable(x)
    with engine.GradientTape() as tape:
        y = engine.reduce_sum(v[1:, 0] * 2.0)
    g = tape.gradient(y, v)
    expect = np.zeros_like(x)
    expect[1:, 0] = 2.0
    np.testing.assert_array_equal(g.numpy(), expect)


_BAD_KEYS = [
    (lambda t: 5, "slice index 5 of dimension 0 out of bounds."),
    (lambda t: -4, "slice index -1 of dimension 0 out of bounds."),
    (lambda t: (0, 4), "slice index 4 of dimension 1 out of bounds."),
    (lambda t: (Ellipsis, -6), "slice index -1 of dimension 2 out of bounds."),
    (lambda t: (0, 0, 0, 0), "Index out of range using input dim 3; input has only 3 dims"),
    (lambda t: (Ellipsis, Ellipsis), "Multiple ellipses in slice spec not allowed"),
    (lambda t: slice(None, None, 0), "strides[0] must be non-zero"),
    (lambda t: (0, slice(None, None, 0)), "strides[1] must be non-zero"),
    (lambda t: 1.0, "Only integers, slices"),
    (lambda t: slice(0.5, None), "Only integers, slices"),
    (lambda t: t.constant([0, 1]), "Only integers, slices"),
    (lambda t: t.constant(1.0), "Only integers, slices"),
    (lambda t: t.constant(1, dtype=t.uint8), "Only integers, slices"),
    (lambda t: np.array([0, 1]), "Only integers, slices"),
    (lambda t: (slice(None), [0, 1]), "Only integers, slices"),
    (lambda t: [[0]], "Only integers, slices"),
    (lambda t: "a", "Only integers, slices"),
    (lambda t: (True,), "Value for attr 'Index' of bool"),
    (lambda t: True, "mask cannot be scalar."),
    (lambda t: t.constant([True, False]), "are incompatible"),
]


@pytest.mark.parametrize("k", range(len(_BAD_KEYS)))
def test_getitem_errors(tf_oracle, k):
    key, msg = _BAD_KEYS[k]
    assert_same_error(lambda t: t.reshape(t.range(60.0), (3, 4, 5))[key(t)], tf_oracle, msg)


def test_getitem_scalar_errors(tf_oracle):
    assert_same_error(lambda t: t.constant(3.0)[0], tf_oracle, "Attempting to slice scalar input.")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("begin,size", [([0, 0, 0], [1, 2, 3]), ([1, 1, 1], [-1, -1, 2]), ([0, 3, 0], [2, 0, -1]),
                                        ([1, 0, 4], [1, 3, 1])])
def test_slice(tf_oracle, rng, dtype, begin, size):
    x = _r(rng, (2, 3, 5), dtype)
    check_against_tf(lambda t, x: t.slice(x, begin, size), [x], tf_oracle)
    check_against_tf(lambda t, x: t.slice(x, t.constant(begin), t.constant(size)), [x], tf_oracle)


def test_slice_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.slice(x, [0, 0, 0], [3, 1, 1]), tf_oracle, "Expected size[0] in [0, 2], but got 3")
    assert_same_error(lambda t: t.slice(x, [-1, 0, 0], [1, 1, 1]), tf_oracle, "Expected begin[0] in [0, 2], but got -1")
    assert_same_error(lambda t: t.slice(x, [1, 0, 0], [2, 1, 1]), tf_oracle, "Expected size[0] in [0, 1], but got 2")
    assert_same_error(lambda t: t.slice(x, [0, 0], [1, 1]), tf_oracle, "1-D tensors of size 3")


_SS_CASES = [
    dict(begin=[1, 0], end=[2, 2], strides=[1, 1], shrink_axis_mask=1),
    dict(begin=[0, 1], end=[0, -1], strides=[1, -1], ellipsis_mask=1),
    dict(begin=[0, 0], end=[1, 1], new_axis_mask=3),
    dict(begin=[1], end=[0], strides=[-1]),
    dict(begin=[-1, 0], end=[0, 0], strides=[1, 1], shrink_axis_mask=1, end_mask=2),
    dict(begin=[0, 3, 1], end=[2, 0, 5], strides=[1, -1, 2], begin_mask=1),
    dict(begin=[0, 0, 0], end=[0, 0, 0], strides=[1, 1, 1], begin_mask=7, end_mask=7),
    dict(begin=[0, 2], end=[0, 0], strides=[1, -1], ellipsis_mask=1, end_mask=2),
    dict(begin=[1, 0, 0], end=[2, 4, 5], new_axis_mask=2),
]


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("k", range(len(_SS_CASES)))
def test_strided_slice(tf_oracle, rng, dtype, k):
    x = _r(rng, (2, 4, 5), dtype)
    check_against_tf(lambda t, x: t.strided_slice(x, **_SS_CASES[k]), [x], tf_oracle)


def test_strided_slice_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.strided_slice(x, [0, 0], [1, 1], [1]), tf_oracle, "1D equal size tensors")
    assert_same_error(lambda t: t.strided_slice(x, [5], [7], shrink_axis_mask=1), tf_oracle, "slice index 5")
    assert_same_error(lambda t: t.strided_slice(x, [1], [0], [-1], shrink_axis_mask=1), tf_oracle,
                      "only stride 1 allowed")


# ---------------------------------------------------------------------------
# pad / tile / reverse / expand_dims / squeeze
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("mode,paddings,cv", [
    ("CONSTANT", [[1, 0], [2, 1]], 0), ("CONSTANT", [[0, 0], [0, 3]], 1.5), ("constant", [[2, 2], [0, 0]], -1),
    ("REFLECT", [[1, 1], [2, 1]], 0), ("REFLECT", [[2, 0], [0, 3]], 0), ("reflect", [[0, 2], [1, 0]], 0),
    ("SYMMETRIC", [[3, 1], [2, 4]], 0), ("SYMMETRIC", [[0, 3], [1, 0]], 0), ("SYMMETRIC", [[0, 0], [0, 0]], 0),
])
def test_pad(tf_oracle, rng, dtype, mode, paddings, cv):
    x = _r(rng, (3, 4), dtype)
    check_against_tf(lambda t, x: t.pad(x, paddings, mode=mode, constant_values=cv), [x], tf_oracle)


def test_pad_variants_and_errors(tf_oracle, rng):
    check_against_tf(lambda t, x: t.pad(x, [[1, 1]], constant_values=7), [np.array([1, 2], np.int32)], tf_oracle)
    check_against_tf(lambda t, x: t.pad(x, t.constant([[1, 0], [0, 0], [2, 1]]), mode="SYMMETRIC"),
                     [_r(rng, (2, 3, 2))], tf_oracle)
    check_against_tf(lambda t, x: t.pad(x, [[1, 2]], constant_values=t.constant(2.0)), [_r(rng, (0,))], tf_oracle)
    x = np.zeros((2, 3), F32)
    assert_same_error(lambda t: t.pad(x, [[1, 1]]), tf_oracle, "The first dimension of paddings must be the rank")
    assert_same_error(lambda t: t.pad(x, [[1, 1], [-1, 0]]), tf_oracle, "Paddings must be non-negative")
    assert_same_error(lambda t: t.pad(x, [[2, 0], [0, 0]], mode="REFLECT"), tf_oracle, "must be less than")
    assert_same_error(lambda t: t.pad(x, [[3, 0], [0, 0]], mode="SYMMETRIC"), tf_oracle, "no greater than")
    assert_same_error(lambda t: t.pad(x, [[1, 0], [0, 0]], mode="FOO"), tf_oracle, "Received `mode` = FOO")
    assert_same_error(lambda t: t.pad(t.constant([1, 2]), [[1, 1]], constant_values=7.5), tf_oracle)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,mult", [((2, 3), [2, 1]), ((2, 3), [1, 3]), ((2, 1, 3), [2, 2, 2]), ((3,), [0]),
                                        ((), []), ((2, 2), [1, 1])])
def test_tile(tf_oracle, rng, dtype, shape, mult):
    check_against_tf(lambda t, x: t.tile(x, mult), [_r(rng, shape, dtype)], tf_oracle)


def test_tile_errors(tf_oracle):
    x = np.zeros((2, 3), F32)
    assert_same_error(lambda t: t.tile(x, [2]), tf_oracle, "vector of length 2 but got length 1")
    assert_same_error(lambda t: t.tile(x, [2, -1]), tf_oracle, "Expected multiples[1] >= 0")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("axis", [[0], [1], [-1], [0, 2], [], [2, 0, 1]])
def test_reverse(tf_oracle, rng, dtype, axis):
    check_against_tf(lambda t, x: t.reverse(x, axis), [_r(rng, (2, 3, 4), dtype)], tf_oracle)


def test_reverse_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.reverse(x, [0, -3]), tf_oracle, "axis 0 specified more than once.")
    assert_same_error(lambda t: t.reverse(x, [3]), tf_oracle, "out of valid range")
    assert_same_error(lambda t: t.reverse(x, 1), tf_oracle, "must be 1-dimension")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,axis", [((2, 3), 0), ((2, 3), 2), ((2, 3), -1), ((2, 3), -3), ((), 0), ((), -1)])
def test_expand_dims(tf_oracle, rng, dtype, shape, axis):
    check_against_tf(lambda t, x: t.expand_dims(x, axis), [_r(rng, shape, dtype)], tf_oracle)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,axis", [((1, 2, 1), None), ((1, 2, 1), [0]), ((1, 2, 1), [-1]),
                                        ((1, 2, 1), [0, 2]), ((1, 2, 1), 2), ((1, 1), None), ((2, 0, 1), [-1])])
def test_squeeze(tf_oracle, rng, dtype, shape, axis):
    check_against_tf(lambda t, x: t.squeeze(x, axis), [_r(rng, shape, dtype)], tf_oracle)


def test_expand_squeeze_errors(tf_oracle):
    x = np.zeros((2, 3, 1), F32)
    assert_same_error(lambda t: t.expand_dims(x, 4), tf_oracle, "Tried to expand dim index 4")
    assert_same_error(lambda t: t.expand_dims(x, -5), tf_oracle, "Tried to expand dim index -5")
    assert_same_error(lambda t: t.squeeze(x, [1]), tf_oracle, "Can not squeeze dim[1], expected a dimension of 1, got 3")
    assert_same_error(lambda t: t.squeeze(x, [3]), tf_oracle, "Tried to squeeze dim index 3")


# ---------------------------------------------------------------------------
# boolean_mask / repeat / where
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("mask_shape,axis", [((3,), None), ((3, 4), None), ((4,), 1), ((4, 5), 1), ((5,), 2)])
def test_boolean_mask(tf_oracle, rng, dtype, mask_shape, axis):
    x = _r(rng, (3, 4, 5), dtype)
    mask = rng.standard_normal(mask_shape) > 0
    check_against_tf(lambda t, x, m: t.boolean_mask(x, m, axis=axis), [x, mask], tf_oracle)


def test_boolean_mask_variants_and_errors(tf_oracle, rng):
    check_against_tf(lambda t, x: t.boolean_mask(x, t.zeros((0,), t.bool)), [_r(rng, (0, 3))], tf_oracle)
    check_against_tf(lambda t, x: t.boolean_mask(x, [1, 0, 2]), [_r(rng, (3, 2))], tf_oracle)
    check_against_tf(lambda t, x: t.boolean_mask(x, x > 0), [rng.integers(-3, 3, (4, 3)).astype(np.int32)], tf_oracle)
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.boolean_mask(x, True), tf_oracle, "mask cannot be scalar.")
    assert_same_error(lambda t: t.boolean_mask(x, [True, False, True]), tf_oracle, "Shapes (2,) and (3,) are incompatible")
    assert_same_error(lambda t: t.boolean_mask(x, [True, False, True, True], axis=-1), tf_oracle,
                      "Shapes () and (4,) are incompatible")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("repeats,axis", [(2, None), (2, 0), ([1, 0, 3], 0), ([2], 1), ([1, 2, 0, 1], -1),
                                          (np.int64(3), 1), (0, 0)])
def test_repeat(tf_oracle, rng, dtype, repeats, axis):
    check_against_tf(lambda t, x: t.repeat(x, repeats, axis=axis), [_r(rng, (3, 4), dtype)], tf_oracle)


def test_repeat_errors(tf_oracle):
    x = np.zeros((2, 3), F32)
    assert_same_error(lambda t: t.repeat(x, [1, 2, 3], axis=0), tf_oracle, "Dimensions 2 and 3 are not compatible")
    assert_same_error(lambda t: t.repeat(x, 2, axis=2), tf_oracle, "out of bounds")
    assert_same_error(lambda t: t.repeat(x, -1, axis=0), tf_oracle, "Expected multiples[1] >= 0")


@pytest.mark.parametrize("x", [np.array([[1, 0], [0, 2]], np.int32), np.array([True, False, True]),
                               np.array([[0.0, 1.5, 0.0]], F32), np.zeros((2, 0), F32),
                               np.array([[[True], [False]], [[True], [True]]])])
def test_where_single_arg(tf_oracle, x):
    check_against_tf(lambda t, x: t.where(x), [x], tf_oracle, grad=False)


def test_where_single_arg_scalar_error(tf_oracle):
    assert_same_error(lambda t: t.where(t.constant(True)), tf_oracle, "Unhandled input dimensions: 0")


# ---------------------------------------------------------------------------
# sort / argsort / top_k
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,axis,direction", [((6,), -1, "ASCENDING"), ((3, 5), -1, "DESCENDING"),
                                                  ((3, 5), 0, "ASCENDING"), ((2, 3, 4), 1, "DESCENDING"),
                                                  ((2, 3, 4), -3, "ASCENDING"), ((0, 3), 1, "ASCENDING")])
def test_sort_argsort(tf_oracle, rng, dtype, shape, axis, direction):
    x = _r(rng, shape, dtype)
    check_against_tf(lambda t, x: t.sort(x, axis=axis, direction=direction), [x], tf_oracle)
    check_against_tf(lambda t, x: t.argsort(x, axis=axis, direction=direction), [x], tf_oracle)


@pytest.mark.parametrize("direction", ["ASCENDING", "DESCENDING"])
def test_sort_ties_and_ints(tf_oracle, direction):
    for x in (np.array([1.0, 3.0, 3.0, 2.0, 3.0, 1.0], F32), np.array([[5, 1, 5, 1], [2, 2, 2, 0]], np.int32),
              np.array([[-0.0, 0.0, 1.0, -0.0]], F64)):
        check_against_tf(lambda t, x: [t.sort(x, direction=direction), t.argsort(x, direction=direction),
                                       t.argsort(x, direction=direction, stable=True)], [x], tf_oracle, grad=False)


def test_sort_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.sort(x, direction="UP"), tf_oracle, "should be one of ASCENDING, DESCENDING")
    assert_same_error(lambda t: t.sort(x, axis=3), tf_oracle, "slice index 3 of dimension 0 out of bounds.")
    assert_same_error(lambda t: t.argsort(t.constant(3.0)), tf_oracle, "slice index -1 of dimension 0 out of bounds.")


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("shape,k", [((5,), 2), ((3, 6), 1), ((3, 6), 6), ((2, 3, 4), 3), ((3, 4), 0)])
def test_top_k(tf_oracle, rng, dtype, shape, k):
    x = _r(rng, shape, dtype)
    check_against_tf(lambda t, x: t.math.top_k(x, k), [x], tf_oracle)
    check_against_tf(lambda t, x: t.math.top_k(x, k=k).values * 2.0, [x], tf_oracle)


def test_top_k_ties_and_errors(tf_oracle):
    x = np.array([[1.0, 3.0, 3.0, 2.0, 3.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]], F32)
    check_against_tf(lambda t, x: t.math.top_k(x, 4), [x], tf_oracle)
    check_against_tf(lambda t, x: t.math.top_k(x, 2, index_type=t.int64), [np.array([3, 1, 3], np.int32)],
                     tf_oracle)
    r = engine.math.top_k(engine.constant([1.0, 3.0]), 1)
    assert type(r).__name__ == "TopKV2" and r.indices.dtype == engine.int32 and engine.top_k is engine.math.top_k
    assert_same_error(lambda t: t.math.top_k(np.zeros((2, 3), F32), 4), tf_oracle, "Had 3, needed 4")
    assert_same_error(lambda t: t.math.top_k(np.zeros((2, 3), F32), -1), tf_oracle, "Need k >= 0, got -1")
    assert_same_error(lambda t: t.math.top_k(t.constant(1.0), 1), tf_oracle, "input must be >= 1-D")


# ---------------------------------------------------------------------------
# shape / size / rank / shape_n
@pytest.mark.parametrize("x", [np.zeros((2, 3, 4), F32), np.zeros((), np.int32), np.zeros((0, 5), F64),
                               np.array([True, False])])
def test_shape_size_rank(tf_oracle, x):
    check_against_tf(lambda t, x: [t.shape(x), t.shape(x, out_type=t.int64), t.size(x),
                                   t.size(x, out_type=t.int64), t.rank(x)] + t.shape_n([x, x[None]]),
                     [x], tf_oracle, grad=False)


def test_shape_ops_are_traced():
    """Shape-like and data-dependent ops are real ops, so a traced function recomputes them."""
    f = engine.function(lambda x: (engine.boolean_mask(x, x > 0), engine.where(x > 0), engine.shape(x)))
    for vals in ([1.0, -2.0, 3.0], [-1.0, 2.0, -3.0]):
        x = np.array(vals, F32)
        m, w, s = f(engine.constant(x))
        np.testing.assert_array_equal(m.numpy(), x[x > 0])
        np.testing.assert_array_equal(w.numpy(), np.argwhere(x > 0))
        assert s.numpy().tolist() == [3] and s.dtype == engine.int32


# ---------------------------------------------------------------------------
# ops that already existed: reshape / transpose / broadcast_to / identity / cast
@pytest.mark.parametrize("dtype", [F32, F64])
def test_reshape_transpose_broadcast_identity(tf_oracle, rng, dtype):
    x = _r(rng, (2, 3, 4), dtype)
    check_against_tf(lambda t, x: t.reshape(x, [4, -1]), [x], tf_oracle)
    check_against_tf(lambda t, x: t.reshape(x, t.constant([-1])), [x], tf_oracle)
    check_against_tf(lambda t, x: t.reshape(x, [2, 0, 5]), [_r(rng, (0, 4), dtype)], tf_oracle)
    check_against_tf(lambda t, x: t.transpose(x), [x], tf_oracle)
    check_against_tf(lambda t, x: t.transpose(x, [2, 0, 1]), [x], tf_oracle)
    check_against_tf(lambda t, x: t.transpose(x, [-1, 0, 1]), [x], tf_oracle, grad=False)  # TF's grad rejects it
    check_against_tf(lambda t, x: t.broadcast_to(x, [2, 2, 3]), [_r(rng, (2, 1, 3), dtype)], tf_oracle)
    check_against_tf(lambda t, x: t.broadcast_to(x, [3, 2]), [_r(rng, (), dtype)], tf_oracle)
    check_against_tf(lambda t, x: t.identity(x), [x], tf_oracle)


def test_reshape_transpose_broadcast_errors(tf_oracle):
    x = np.zeros((2, 3, 4), F32)
    assert_same_error(lambda t: t.reshape(x, [5, -1]), tf_oracle)
    assert_same_error(lambda t: t.reshape(x, [-1, -1]), tf_oracle)
    assert_same_error(lambda t: t.transpose(x, [0, 1]), tf_oracle)
    assert_same_error(lambda t: t.transpose(x, [0, 0, 1]), tf_oracle)
    assert_same_error(lambda t: t.broadcast_to(x, [3, 3, 4]), tf_oracle)


@pytest.mark.parametrize("src,dst", [(F32, "int32"), (F64, "int64"), (F32, "float64"), (F64, "float32"),
                                     (np.int32, "float32"), (np.int64, "float64"), (F32, "bool"),
                                     (np.bool_, "float32"), (np.bool_, "int32"), (np.int32, "bool"),
                                     (F32, "uint8"), (np.int32, "int64")])
def test_cast(tf_oracle, src, dst):
    base = np.array([-1.7, -0.5, 0.0, 0.4, 2.9, 3.0, 100.2])
    x = (base > 0).astype(src) if src is np.bool_ else np.abs(base).astype(src) if dst == "uint8" else base.astype(src)
    check_against_tf(lambda t, x: t.cast(x, getattr(t, dst)), [x], tf_oracle)
    check_against_tf(lambda t, x: t.cast(x * x, getattr(t, dst)), [x], tf_oracle, grad=src in (F32, F64))


# ---------------------------------------------------------------------------
# second-order gradients (vjps written with K ops) vs TF
_SECOND = [
    ("concat", lambda t, x: t.concat([x, x[:, :1] * 2.0], 1), (3, 4)),
    ("stack", lambda t, x: t.stack([x, x * x], axis=1), (3, 4)),
    ("unstack", lambda t, x: t.unstack(x, axis=1)[2] + t.unstack(x, axis=1)[0], (3, 4)),
    ("split", lambda t, x: t.split(x, [1, -1], axis=1)[1], (3, 4)),
    ("getitem", lambda t, x: x[1:, ::-2], (3, 4)),
    ("slice", lambda t, x: t.slice(x, [1, 0], [2, -1]), (3, 4)),
    ("gather", lambda t, x: t.gather(x, [2, 0, 2], axis=1), (3, 4)),
    ("gather_bd", lambda t, x: t.gather(x, [[0, 3], [1, 1], [2, 2]], axis=1, batch_dims=1), (3, 4)),
    ("gather_nd", lambda t, x: t.gather_nd(x, [[0, 1], [2, 3], [0, 1]]), (3, 4)),
    ("segment_sum", lambda t, x: t.math.unsorted_segment_sum(x, [1, -1, 1], 2), (3, 4)),
    ("scatter_nd", lambda t, x: t.scatter_nd([[2], [0], [2]], x, [4, 4]), (3, 4)),
    ("tensor_scatter_update", lambda t, x: t.tensor_scatter_nd_update(x, [[1]], x[:1] * x[:1]), (3, 4)),
    ("tensor_scatter_add", lambda t, x: t.tensor_scatter_nd_add(x, [[1, 1], [1, 1]], x[0, :2]), (3, 4)),
    ("pad_constant", lambda t, x: t.pad(x, [[1, 0], [0, 2]], constant_values=0.5), (3, 4)),
    ("pad_reflect", lambda t, x: t.pad(x, [[2, 1], [1, 3]], mode="REFLECT"), (3, 4)),
    ("pad_symmetric", lambda t, x: t.pad(x, [[3, 0], [1, 4]], mode="SYMMETRIC"), (3, 4)),
    ("tile", lambda t, x: t.tile(x, [2, 3]), (3, 4)),
    ("reverse", lambda t, x: t.reverse(x, [0, 1]), (3, 4)),
    ("expand_squeeze", lambda t, x: t.squeeze(t.expand_dims(x, 1)), (3, 4)),
    ("boolean_mask", lambda t, x: t.boolean_mask(x, [True, False, True]), (3, 4)),
    ("repeat", lambda t, x: t.repeat(x, [2, 0, 1, 3], axis=1), (3, 4)),
    ("sort", lambda t, x: t.sort(x, direction="DESCENDING", axis=0), (3, 4)),
    ("top_k", lambda t, x: t.math.top_k(x, 2).values, (3, 4)),
    ("strided_slice", lambda t, x: t.strided_slice(x, [0, 3], [0, 0], [1, -2], begin_mask=1, end_mask=3), (3, 4)),
]


@pytest.mark.parametrize("name,fn,shape", _SECOND, ids=[c[0] for c in _SECOND])
def test_second_order(tf_oracle, rng, name, fn, shape):
    check_second_order(fn, [rng.standard_normal(shape)], tf_oracle)


# ---------------------------------------------------------------------------
# finite differences (float64, independent of TF) for every differentiable op
_FD = [
    ("concat", lambda t, a, b: t.concat([a, b], -1), [(2, 3), (2, 2)]),
    ("stack", lambda t, a, b: t.stack([a, b], axis=1), [(2, 3), (2, 3)]),
    ("unstack", lambda t, a: t.unstack(a, axis=1)[1:], [(2, 3)]),
    ("split", lambda t, a: t.split(a, [2, -1], axis=1)[0], [(2, 4)]),
    ("gather", lambda t, a: t.gather(a, [1, 1, 0], axis=1), [(2, 3)]),
    ("gather_bd", lambda t, a: t.gather(a, [[2, 0], [1, 1]], axis=2, batch_dims=1), [(2, 2, 3)]),
    ("gather_nd", lambda t, a: t.gather_nd(a, [[1, 0], [1, 0], [0, 2]]), [(2, 3)]),
    ("gather_nd_bd", lambda t, a: t.gather_nd(a, [[[2]], [[0]]], batch_dims=1), [(2, 3)]),
    ("segment_sum", lambda t, a: engine.unsorted_segment_sum(a, [0, 2, 0], 3) if t is engine else None, [(3, 2)]),
    ("scatter_nd", lambda t, a: t.scatter_nd([[1], [1], [3]], a, [4, 2]), [(3, 2)]),
    ("tensor_scatter_update", lambda t, a, b: t.tensor_scatter_nd_update(a, [[0, 1]], b), [(2, 3), (1,)]),
    ("tensor_scatter_add", lambda t, a, b: t.tensor_scatter_nd_add(a, [[1], [1]], b), [(2, 3), (2, 3)]),
    ("slice", lambda t, a: t.slice(a, [1, 0], [1, -1]), [(2, 3)]),
    ("strided_slice", lambda t, a: t.strided_slice(a, [1, 0], [0, 3], [-1, 2], end_mask=1), [(2, 3)]),
    ("getitem", lambda t, a: a[None, ::-1, 1:], [(2, 3)]),
    ("pad_constant", lambda t, a: t.pad(a, [[1, 0], [0, 2]], constant_values=3.0), [(2, 3)]),
    ("pad_reflect", lambda t, a: t.pad(a, [[1, 1], [2, 2]], mode="REFLECT"), [(2, 3)]),
    ("pad_symmetric", lambda t, a: t.pad(a, [[2, 1], [0, 3]], mode="SYMMETRIC"), [(2, 3)]),
    ("tile", lambda t, a: t.tile(a, [2, 2]), [(2, 3)]),
    ("expand_dims", lambda t, a: t.expand_dims(a, -1), [(2, 3)]),
    ("squeeze", lambda t, a: t.squeeze(a), [(2, 1, 3)]),
    ("boolean_mask", lambda t, a: t.boolean_mask(a, [[True, False, True], [False, True, True]]), [(2, 3)]),
    ("reverse", lambda t, a: t.reverse(a, [1]), [(2, 3)]),
    ("sort", lambda t, a: t.sort(a, axis=0), [(3, 2)]),
    ("top_k", lambda t, a: t.math.top_k(a, 2).values, [(2, 3)]),
    ("repeat", lambda t, a: t.repeat(a, [0, 2, 1], axis=1), [(2, 3)]),
    ("reshape", lambda t, a: t.reshape(a, [3, 2]), [(2, 3)]),
    ("transpose", lambda t, a: t.transpose(a), [(2, 3)]),
    ("broadcast_to", lambda t, a: t.broadcast_to(a, [2, 2, 3]), [(2, 1, 3)]),
    ("identity", lambda t, a: t.identity(a), [(2, 3)]),
    ("cast", lambda t, a: t.cast(t.cast(a, t.float32), t.float64) * 0.0 + t.cast(a, t.float64), [(2, 3)]),
]


@pytest.mark.parametrize("name,fn,shapes", _FD, ids=[c[0] for c in _FD])
def test_finite_differences(rng, name, fn, shapes):
    check_finite_differences(fn, [rng.standard_normal(s) for s in shapes])


def test_gradients_inside_function_match_eager(rng):
    """Traced backward passes (DIFF-mode vjps, replayed as a graph) equal the eager gradients."""
    def step(x, i):
        with engine.GradientTape() as tape:
            tape.watch(x)
            parts = engine.unstack(x, axis=1)
            y = (engine.reduce_sum(engine.gather(x, i, axis=1) ** 2) + engine.reduce_sum(parts[0] * parts[2])
                 + engine.reduce_sum(engine.math.top_k(x, 2).values) + engine.reduce_sum(x[1:, ::-1] ** 3)
                 + engine.reduce_sum(engine.pad(x, [[1, 1], [2, 0]], mode="REFLECT") ** 2)
                 + engine.reduce_sum(engine.split(x, [1, -1], axis=0)[1] * 0.5))
        return tape.gradient(y, x)

    f = engine.function(step)
    for _ in range(2):
        x = engine.constant(rng.standard_normal((3, 4)))
        i = engine.constant(rng.integers(0, 4, (5,)).astype(np.int32))
        np.testing.assert_allclose(f(x, i).numpy(), step(x, i).numpy(), rtol=1e-12, atol=1e-12)
