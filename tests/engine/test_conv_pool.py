"""Convolution and pooling (``tf.nn.conv*``, ``depthwise``, ``*_pool*``) against real TensorFlow.

Where TensorFlow's CPU kernels cannot compute something (gradients of dilated or
grouped convs, NCHW), the TF side computes the same quantity another way: a
dilated filter with explicit zeros, per-group convs, transposes.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from engine_oracle import check_against_tf, check_finite_differences

import engine
from engine.framework.errors import InvalidArgumentError, UnimplementedError

F32 = {"rtol": 1e-4, "atol": 1e-4}


def _tol(dtype):
    return F32 if np.dtype(dtype) == np.float32 else {}


def _dilate_tf(tf, w, d):
    """Insert d-1 zero taps between the taps of a [kh, kw, ...] filter (TF side, differentiable)."""
    dil = (d, d) if isinstance(d, int) else tuple(d)
    for axis in (0, 1):
        k, d = w.shape[axis], dil[axis]
        if k == 1 or d == 1:
            continue
        def tap(i):
            return w[i:i + 1] if axis == 0 else w[:, i:i + 1]
        zero = tf.zeros_like(tap(0))
        parts = []
        for i in range(k):
            parts.append(tap(i))
            if i + 1 < k:
                parts.extend([zero] * (d - 1))
        w = tf.concat(parts, axis)
    return w


def _second_order(mod, fn, arrays, seed=1):
    """d/dx of <grad(sum(y*y*r)), r2>: exercises the gradient ops' own gradients."""
    rng = np.random.default_rng(seed)
    xs = [mod.constant(a) for a in arrays]
    with mod.GradientTape() as outer:
        outer.watch(xs)
        with mod.GradientTape() as inner:
            inner.watch(xs)
            y = fn(mod, *xs)
            r = mod.constant(rng.standard_normal(tuple(y.shape)).astype(arrays[0].dtype))
            loss = mod.reduce_sum(y * y * r)
        gs = inner.gradient(loss, xs)
        s = None
        for g in gs:
            term = mod.reduce_sum(g * mod.constant(rng.standard_normal(tuple(g.shape)).astype(arrays[0].dtype)))
            s = term if s is None else s + term
    return [np.asarray(g) for g in outer.gradient(s, xs)]


def _check_second_order(fn, arrays, tf, rtol=1e-8, atol=1e-8):
    got = _second_order(engine, fn, arrays)
    want = _second_order(tf, fn, arrays)
    for k, (e, t) in enumerate(zip(got, want)):
        np.testing.assert_allclose(e, t, rtol=rtol, atol=atol, err_msg=f"second-order grad wrt input {k}")


# ---------------------------------------------------------------------------
# conv2d
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("nc", [(1, 1, 1), (2, 3, 4)], ids=["n1c1f1", "n2c3f4"])
@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_grid(tf_oracle, rng, stride, padding, k, nc, dtype):
    n, c, f = nc
    x = rng.standard_normal((n, 7, 9, c)).astype(dtype)
    w = rng.standard_normal((k, k, c, f)).astype(dtype)
    check_against_tf(lambda t, x, w: t.nn.conv2d(x, w, stride, padding), [x, w], tf_oracle, **_tol(dtype))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [2, 3, 5])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_dilated(tf_oracle, rng, stride, padding, k, dtype):
    # TF's CPU backprop kernels reject dilations > 1: its side convolves with an explicitly dilated filter.
    x = rng.standard_normal((2, 11, 10, 3)).astype(dtype)
    w = rng.standard_normal((k, k, 3, 2)).astype(dtype)

    def fn(t, x, w):
        if t is engine:
            return t.nn.conv2d(x, w, stride, padding, dilations=2)
        return t.nn.conv2d(x, _dilate_tf(t, w, 2), stride, padding)

    check_against_tf(fn, [x, w], tf_oracle, **_tol(dtype))
    ref = tf_oracle.nn.conv2d(x, w, stride, padding, dilations=2)  # TF's own dilated forward
    np.testing.assert_allclose(engine.nn.conv2d(x, w, stride, padding, dilations=2).numpy(), ref.numpy(),
                               **(_tol(dtype) or {"rtol": 1e-10, "atol": 1e-10}))


@pytest.mark.parametrize("strides,dilations", [((1, 2), (1, 1)), ((2, 1), (1, 2)), ((1, 2), (2, 1)),
                                               ([1, 2, 1, 1], None)])
def test_conv2d_unequal_strides_dilations(tf_oracle, rng, strides, dilations):
    x = rng.standard_normal((2, 7, 8, 2)).astype("float32")
    w = rng.standard_normal((3, 2, 2, 3)).astype("float32")

    def fn(t, x, w):
        if t is engine or dilations in (None, (1, 1)):
            return t.nn.conv2d(x, w, strides, "SAME", dilations=dilations)
        return t.nn.conv2d(x, _dilate_tf(t, w, dilations), strides, "SAME")

    check_against_tf(fn, [x, w], tf_oracle, **F32)


@pytest.mark.parametrize("pads", [[[0, 0], [1, 2], [0, 1], [0, 0]], [[0, 0], [3, 0], [2, 2], [0, 0]]])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_explicit_padding(tf_oracle, rng, pads, stride):
    x = rng.standard_normal((2, 6, 5, 3))
    w = rng.standard_normal((3, 3, 3, 2))
    check_against_tf(lambda t, x, w: t.nn.conv2d(x, w, stride, pads), [x, w], tf_oracle)


def test_conv2d_large_batch_blocked_filter_grad(tf_oracle, rng):
    # Big enough that dW = colsᵀ @ dY runs as a sum of row blocks.
    x = rng.standard_normal((2, 50, 50, 8)).astype("float32")
    w = rng.standard_normal((3, 3, 8, 8)).astype("float32")
    check_against_tf(lambda t, x, w: t.nn.conv2d(x, w, 1, "SAME"), [x, w], tf_oracle, rtol=1e-4, atol=1e-3)


def test_conv2d_extra_batch_dims(tf_oracle, rng):
    x = rng.standard_normal((2, 3, 6, 6, 2)).astype("float32")
    w = rng.standard_normal((3, 3, 2, 4)).astype("float32")
    check_against_tf(lambda t, x, w: t.nn.conv2d(x, w, 1, "SAME"), [x, w], tf_oracle, **F32)


def test_conv2d_nchw(tf_oracle, rng):
    # TF has no NCHW conv on CPU: compare with NHWC plus transposes.
    x = rng.standard_normal((2, 3, 7, 6)).astype("float32")
    w = rng.standard_normal((3, 3, 3, 4)).astype("float32")

    def fn(t, x, w):
        if t is engine:
            return t.nn.conv2d(x, w, [1, 1, 2, 2], "SAME", data_format="NCHW")
        y = t.nn.conv2d(t.transpose(x, (0, 2, 3, 1)), w, 2, "SAME")
        return t.transpose(y, (0, 3, 1, 2))

    check_against_tf(fn, [x, w], tf_oracle, **F32)
    pads = [[0, 0], [0, 0], [1, 2], [0, 1]]  # NCHW order

    def fn_explicit(t, x, w):
        if t is engine:
            return t.nn.conv2d(x, w, 1, pads, data_format="NCHW")
        y = t.nn.conv2d(t.transpose(x, (0, 2, 3, 1)), w, 1, [pads[0], pads[2], pads[3], pads[1]])
        return t.transpose(y, (0, 3, 1, 2))

    check_against_tf(fn_explicit, [x, w], tf_oracle, **F32)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_grouped(tf_oracle, rng, dtype):
    # TF computes grouped convs forward on CPU but not their gradients: the TF side splits the groups.
    x = rng.standard_normal((2, 6, 7, 6)).astype(dtype)
    w = rng.standard_normal((3, 3, 2, 9)).astype(dtype)
    ref = tf_oracle.nn.conv2d(x, w, 2, "SAME")
    np.testing.assert_allclose(engine.nn.conv2d(x, w, 2, "SAME").numpy(), ref.numpy(),
                               **(_tol(dtype) or {"rtol": 1e-10, "atol": 1e-10}))

    def fn(t, x, w):
        if t is engine:
            return t.nn.conv2d(x, w, 2, "SAME")
        return t.concat([t.nn.conv2d(a, b, 2, "SAME")
                         for a, b in zip(t.split(x, 3, axis=3), t.split(w, 3, axis=3))], axis=3)

    check_against_tf(fn, [x, w], tf_oracle, **_tol(dtype))
    check_finite_differences(lambda t, x, w: t.nn.conv2d(x, w, 2, "SAME"),
                             [x[:1, :4, :4].astype("float64"), w[:2, :2].astype("float64")])


def test_conv2d_float32_stays_float32(rng):
    x = engine.constant(rng.standard_normal((2, 5, 5, 3)).astype("float32"))
    w = engine.constant(rng.standard_normal((3, 3, 3, 2)).astype("float32"))
    with engine.GradientTape() as tape:
        tape.watch([x, w])
        y = engine.nn.conv2d(x, w, 2, "SAME")
    gx, gw = tape.gradient(y, [x, w])
    assert y.dtype == engine.float32 and gx.dtype == engine.float32 and gw.dtype == engine.float32


def test_conv2d_python_and_numpy_filters(tf_oracle, rng):
    x = rng.standard_normal((1, 4, 4, 1)).astype("float32")
    w = [[[[1.0]], [[0.5]]], [[[-1.0]], [[2.0]]]]
    np.testing.assert_allclose(engine.nn.conv2d(x, w, 1, "VALID").numpy(),
                               tf_oracle.nn.conv2d(x, w, 1, "VALID").numpy(), rtol=1e-6)
    w64 = np.asarray(w)  # float64 numpy filter converts to the input's dtype, as in TF
    assert engine.nn.conv2d(x, w64, 1, "VALID").dtype == engine.float32
    xi = (x * 10).astype("int32")
    wi = np.asarray(w, "int32")
    np.testing.assert_array_equal(engine.nn.conv2d(xi, wi, 1, "SAME").numpy(),
                                  tf_oracle.nn.conv2d(xi, wi, 1, "SAME").numpy())


def test_conv2d_second_order(tf_oracle, rng):
    x = rng.standard_normal((2, 6, 5, 2))
    w = rng.standard_normal((3, 3, 2, 3))
    _check_second_order(lambda t, x, w: t.nn.conv2d(x, w, 2, "SAME"), [x, w], tf_oracle)
    _check_second_order(lambda t, x, w: t.nn.conv2d(x, w, 1, "VALID"), [x, w], tf_oracle)


@pytest.mark.parametrize("stride,padding,dil", [(1, "SAME", 1), (2, "SAME", 2), (2, "VALID", 1), (1, "VALID", 2)])
def test_conv2d_finite_differences(stride, padding, dil, rng):
    x = rng.standard_normal((2, 5, 6, 2))
    w = rng.standard_normal((3, 2, 2, 2))
    check_finite_differences(lambda t, x, w: t.nn.conv2d(x, w, stride, padding, dilations=dil), [x, w])


def test_conv2d_second_order_finite_differences(rng):
    """The gradient of the backprop ops (dilated, strided) checked by finite differences."""
    x = rng.standard_normal((1, 5, 5, 2))
    w = rng.standard_normal((2, 2, 2, 2))
    dy = rng.standard_normal((1, 3, 3, 2))

    def bin_(t, w, dy):
        with t.GradientTape() as tape:
            xc = t.constant(x)
            tape.watch(xc)
            y = t.nn.conv2d(xc, w, 2, "SAME", dilations=2)
        return tape.gradient(y, xc, output_gradients=dy)

    def bflt(t, xx, dy):
        with t.GradientTape() as tape:
            wc = t.constant(w)
            tape.watch(wc)
            y = t.nn.conv2d(xx, wc, 2, "SAME", dilations=2)
        return tape.gradient(y, wc, output_gradients=dy)

    check_finite_differences(bin_, [w, dy])
    check_finite_differences(bflt, [x, dy])


# ---------------------------------------------------------------------------
# conv1d / conv3d / convolution
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv1d(tf_oracle, rng, stride, padding, k, dtype):
    x = rng.standard_normal((2, 9, 3)).astype(dtype)
    w = rng.standard_normal((k, 3, 4)).astype(dtype)
    check_against_tf(lambda t, x, w: t.nn.conv1d(x, w, stride, padding), [x, w], tf_oracle, **_tol(dtype))


def test_conv1d_ncw_dilated_batchdims(tf_oracle, rng):
    x = rng.standard_normal((2, 3, 11)).astype("float32")
    w = rng.standard_normal((3, 3, 2)).astype("float32")
    ref = tf_oracle.nn.conv1d(np.transpose(x, (0, 2, 1)), w, 1, "SAME", dilations=2)
    got = engine.nn.conv1d(x, w, 1, "SAME", data_format="NCW", dilations=2)
    np.testing.assert_allclose(got.numpy(), np.transpose(ref.numpy(), (0, 2, 1)), **F32)
    xb = rng.standard_normal((2, 2, 7, 3))
    check_against_tf(lambda t, x, w: t.nn.conv1d(x, w, 2, "VALID"), [xb, w.astype("float64")], tf_oracle)
    check_finite_differences(lambda t, x, w: t.nn.conv1d(x, w, 2, "SAME", dilations=2),
                             [np.ascontiguousarray(x[:1].astype("float64").transpose(0, 2, 1)), w.astype("float64")])


@pytest.mark.parametrize("stride,padding", [(1, "SAME"), (2, "VALID"), (2, "SAME")])
def test_conv3d(tf_oracle, rng, stride, padding):
    x = rng.standard_normal((2, 5, 4, 5, 2))
    w = rng.standard_normal((3, 2, 3, 2, 3))
    check_against_tf(lambda t, x, w: t.nn.conv3d(x, w, [1, stride, stride, stride, 1], padding), [x, w],
                     tf_oracle)


def test_conv3d_finite_differences(rng):
    x = rng.standard_normal((1, 4, 3, 4, 2))
    w = rng.standard_normal((2, 2, 2, 2, 2))
    check_finite_differences(lambda t, x, w: t.nn.conv3d(x, w, [1, 2, 1, 2, 1], "SAME"), [x, w])


def test_convolution_dispatch(tf_oracle, rng):
    x1, w1 = rng.standard_normal((2, 8, 3)), rng.standard_normal((3, 3, 2))
    x2, w2 = rng.standard_normal((2, 6, 6, 3)), rng.standard_normal((3, 3, 3, 2))
    check_against_tf(lambda t, x, w: t.nn.convolution(x, w, padding="SAME"), [x1, w1], tf_oracle)
    check_against_tf(lambda t, x, w: t.nn.convolution(x, w, strides=2), [x2, w2], tf_oracle)


# ---------------------------------------------------------------------------
# conv2d_transpose
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", [
    (1, "SAME", (5, 6)),
    (1, "VALID", (7, 8)),
    (2, "SAME", (9, 11)),
    (2, "SAME", (10, 12)),
    (2, "VALID", (11, 13)),
    (2, "VALID", (12, 14)),
    (3, "SAME", (13, 18)),
])
def test_conv2d_transpose(tf_oracle, rng, case, dtype):
    stride, padding, (oh, ow) = case
    x = rng.standard_normal((2, 5, 6, 4)).astype(dtype)
    w = rng.standard_normal((3, 3, 3, 4)).astype(dtype)  # [h, w, out, in]
    out = [2, oh, ow, 3]
    check_against_tf(lambda t, x, w: t.nn.conv2d_transpose(x, w, out, stride, padding), [x, w], tf_oracle,
                     **_tol(dtype))


def test_conv2d_transpose_explicit_and_tensor_shape(tf_oracle, rng):
    x = rng.standard_normal((1, 4, 4, 2))
    w = rng.standard_normal((3, 3, 1, 2))
    pads = [[0, 0], [1, 1], [0, 1], [0, 0]]
    check_against_tf(lambda t, x, w: t.nn.conv2d_transpose(x, w, t.constant([1, 7, 8, 1]), 2, pads), [x, w],
                     tf_oracle)


def test_conv2d_transpose_dilated(tf_oracle, rng):
    # TF's CPU kernel rejects dilated transposes: its side uses an explicitly dilated filter.
    x = rng.standard_normal((1, 4, 3, 2))
    w = rng.standard_normal((2, 3, 2, 2))

    def fn(t, x, w):
        if t is engine:
            return t.nn.conv2d_transpose(x, w, [1, 8, 6, 2], 2, "SAME", dilations=2)
        return t.nn.conv2d_transpose(x, _dilate_tf(t, w, 2), [1, 8, 6, 2], 2, "SAME")

    check_against_tf(fn, [x, w], tf_oracle)
    check_finite_differences(lambda t, x, w: t.nn.conv2d_transpose(x, w, [1, 8, 6, 2], 2, "SAME"), [x, w])
    check_finite_differences(lambda t, x, w: t.nn.conv2d_transpose(x, w, [1, 7, 5, 2], 1, "VALID", dilations=2),
                             [rng.standard_normal((1, 5, 1, 2)), w])


def test_conv2d_transpose_second_order(tf_oracle, rng):
    x = rng.standard_normal((1, 3, 4, 2))
    w = rng.standard_normal((3, 3, 2, 2))
    _check_second_order(lambda t, x, w: t.nn.conv2d_transpose(x, w, [1, 6, 8, 2], 2, "SAME"), [x, w], tf_oracle)


def test_conv1d_transpose(tf_oracle, rng):
    x = rng.standard_normal((2, 5, 3))
    w = rng.standard_normal((3, 2, 3))
    check_against_tf(lambda t, x, w: t.nn.conv1d_transpose(x, w, [2, 10, 2], 2, "SAME"), [x, w], tf_oracle)


def test_conv3d_transpose(tf_oracle, rng):
    x = rng.standard_normal((1, 3, 2, 3, 2))
    w = rng.standard_normal((2, 2, 2, 3, 2))
    check_against_tf(lambda t, x, w: t.nn.conv3d_transpose(x, w, [1, 6, 4, 6, 3], 2, "SAME"), [x, w],
                     tf_oracle)


# ---------------------------------------------------------------------------
# depthwise / separable
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("mult", [1, 2])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("stride", [1, 2])
def test_depthwise_conv2d(tf_oracle, rng, stride, padding, mult, dtype):
    x = rng.standard_normal((2, 7, 8, 3)).astype(dtype)
    w = rng.standard_normal((3, 3, 3, mult)).astype(dtype)
    check_against_tf(lambda t, x, w: t.nn.depthwise_conv2d(x, w, [1, stride, stride, 1], padding), [x, w],
                     tf_oracle, **_tol(dtype))


@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_depthwise_conv2d_dilated(tf_oracle, rng, padding):
    x = rng.standard_normal((2, 9, 8, 2))
    w = rng.standard_normal((3, 2, 2, 2))
    check_against_tf(lambda t, x, w: t.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], padding, dilations=[2, 2]),
                     [x, w], tf_oracle)


def test_depthwise_conv2d_explicit_fd_second_order(tf_oracle, rng):
    x = rng.standard_normal((1, 5, 4, 2))
    w = rng.standard_normal((2, 3, 2, 2))
    pads = [[0, 0], [1, 0], [2, 1], [0, 0]]
    check_against_tf(lambda t, x, w: t.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], pads), [x, w], tf_oracle)
    check_finite_differences(lambda t, x, w: t.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"), [x, w])
    check_finite_differences(lambda t, x, w: t.nn.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME", dilations=[2, 1]),
                             [x, w])
    _check_second_order(lambda t, x, w: t.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME"), [x, w], tf_oracle)


def test_separable_conv2d(tf_oracle, rng):
    x = rng.standard_normal((2, 6, 7, 3)).astype("float32")
    dw = rng.standard_normal((3, 3, 3, 2)).astype("float32")
    pw = rng.standard_normal((1, 1, 6, 4)).astype("float32")
    check_against_tf(lambda t, x, a, b: t.nn.separable_conv2d(x, a, b, [1, 2, 2, 1], "SAME"), [x, dw, pw],
                     tf_oracle, **F32)


# ---------------------------------------------------------------------------
# pooling
def _tied(rng, shape, dtype):
    return rng.integers(0, 3, shape).astype(dtype)  # many exact ties


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ks", [(1, 1), (2, 2), (3, 3), (2, 3), (3, 2), (3, 1)],
                         ids=["k1s1", "k2s2", "k3s3", "k2s3", "k3s2", "k3s1"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_grid(tf_oracle, rng, kind, padding, ks, dtype):
    k, s = ks
    x = _tied(rng, (2, 7, 8, 3), dtype) if kind == "max" else rng.standard_normal((2, 7, 8, 3)).astype(dtype)
    check_against_tf(lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, k, s, padding), [x], tf_oracle,
                     **_tol(dtype))


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_rect_windows_and_negative_values(tf_oracle, rng, kind):
    x = -np.abs(rng.standard_normal((3, 9, 6, 2)))  # all negative: padding must never win a max
    check_against_tf(lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, [2, 3], [1, 2], "SAME"), [x], tf_oracle)
    check_against_tf(lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, [1, 3, 2, 1], [1, 3, 1, 1], "VALID"), [x],
                     tf_oracle)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool2d_window_larger_than_input(tf_oracle, rng, kind):
    # TF's CPU AvgPoolGrad miscounts a window clipped on both sides (GetBroadcastSize re-clips
    # with the full ksize), so its gradient disagrees with its own forward there: the engine
    # matches TF's forward and the finite differences of it instead.
    x = rng.standard_normal((2, 7, 5, 2))
    for k, s in [(9, 1), ([8, 6], [3, 4]), (6, 2)]:
        fn = lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, k, s, "SAME")  # noqa: E731
        check_against_tf(fn, [x], tf_oracle, grad=kind == "max")
        check_finite_differences(fn, [x[:1, :, :, :1]])


def test_max_pool2d_ties_route_to_first_max(tf_oracle):
    x = np.array([[1, 3, 3, 2], [3, 1, 2, 3], [0, 0, 1, 1], [1, 1, 0, 0]], "float32").reshape(1, 4, 4, 1)
    for k, s, p in [(2, 2, "VALID"), (3, 1, "SAME"), (2, 1, "VALID"), (3, 2, "SAME")]:
        check_against_tf(lambda t, x: t.nn.max_pool2d(x, k, s, p), [x], tf_oracle)
    z = np.zeros((1, 5, 5, 2), "float32")  # every element tied
    check_against_tf(lambda t, x: t.nn.max_pool2d(x, 3, 2, "SAME"), [z], tf_oracle)


def test_max_pool2d_explicit_padding(tf_oracle, rng):
    x = _tied(rng, (2, 5, 6, 2), "float32") - 1.0
    pads = [[0, 0], [1, 1], [0, 1], [0, 0]]  # TF: each pad must be smaller than the window
    check_against_tf(lambda t, x: t.nn.max_pool2d(x, 2, 2, pads), [x], tf_oracle)
    check_against_tf(lambda t, x: t.nn.max_pool2d(x, 3, 1, pads), [x], tf_oracle)


def test_pool2d_nchw(tf_oracle, rng):
    x = _tied(rng, (2, 3, 6, 7), "float32")
    for kind in ("max", "avg"):
        def fn(t, x):
            f = getattr(t.nn, f"{kind}_pool2d")
            if t is engine:
                return f(x, 2, 2, "SAME", data_format="NCHW")
            return t.transpose(f(t.transpose(x, (0, 2, 3, 1)), 2, 2, "SAME"), (0, 3, 1, 2))
        check_against_tf(fn, [x], tf_oracle)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("ks,padding", [((2, 2), "VALID"), ((3, 2), "SAME"), ((3, 1), "VALID")])
def test_pool1d(tf_oracle, rng, kind, ks, padding):
    k, s = ks
    x = _tied(rng, (2, 9, 3), "float32") if kind == "max" else rng.standard_normal((2, 9, 3))
    check_against_tf(lambda t, x: getattr(t.nn, f"{kind}_pool1d")(x, k, s, padding), [x], tf_oracle)
    xc = np.ascontiguousarray(np.transpose(x, (0, 2, 1)))

    def ncw(t, x):
        f = getattr(t.nn, f"{kind}_pool1d")
        if t is engine:
            return f(x, k, s, padding, data_format="NCW")
        return t.transpose(f(t.transpose(x, (0, 2, 1)), k, s, padding), (0, 2, 1))

    check_against_tf(ncw, [xc], tf_oracle)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("padding", ["SAME", "VALID"])
def test_pool3d(tf_oracle, rng, kind, padding):
    # TF's CPU 3-D pools are float32 only.
    x = _tied(rng, (2, 5, 4, 5, 2), "float32") if kind == "max" else rng.standard_normal((2, 5, 4, 5, 2))
    x = x.astype("float32")
    check_against_tf(lambda t, x: getattr(t.nn, f"{kind}_pool3d")(x, [2, 3, 2], 2, padding), [x], tf_oracle)


@pytest.mark.parametrize("rank", [3, 4, 5])
@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_generic_dispatch(tf_oracle, rng, kind, rank):
    x = _tied(rng, (2,) + (5,) * (rank - 2) + (2,), "float32")
    fmt = {3: "NWC", 4: "NHWC", 5: "NDHWC"}[rank]  # TF's 3-D pool gradient needs an explicit format
    check_against_tf(lambda t, x: getattr(t.nn, f"{kind}_pool")(x, 2, 2, "SAME", None if t is engine else fmt),
                     [x], tf_oracle)


def test_max_pool_int_forward(tf_oracle, rng):
    x = rng.integers(-5, 5, (2, 5, 5, 2)).astype("int32")
    got = engine.nn.max_pool2d(x, 2, 1, "SAME")
    want = tf_oracle.nn.max_pool2d(x, 2, 1, "SAME")
    assert got.dtype == engine.int32
    np.testing.assert_array_equal(got.numpy(), want.numpy())


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_second_order(tf_oracle, rng, kind):
    x = rng.standard_normal((2, 5, 6, 2))
    _check_second_order(lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, 3, 2, "SAME"), [x], tf_oracle)
    _check_second_order(lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, 2, 2, "VALID"), [x], tf_oracle)


def test_max_pool_second_order_ties(tf_oracle, rng):
    x = _tied(rng, (2, 5, 6, 2), "float64")
    _check_second_order(lambda t, x: t.nn.max_pool2d(x, 3, 2, "SAME"), [x], tf_oracle)
    _check_second_order(lambda t, x: t.nn.max_pool2d(x, 2, 2, "VALID"), [x], tf_oracle)
    x3 = _tied(rng, (1, 4, 5, 4, 2), "float32")
    for k, s in [(2, 2), (3, 1)]:
        _check_second_order(lambda t, x: t.nn.max_pool3d(x, k, s, "SAME", "NDHWC"), [x3], tf_oracle,
                            rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pool_finite_differences(rng, kind):
    x = rng.standard_normal((2, 5, 5, 2))  # distinct values: max pool is differentiable here
    for k, s, p in [(3, 2, "SAME"), (2, 2, "VALID"), (2, 1, "SAME")]:
        check_finite_differences(lambda t, x: getattr(t.nn, f"{kind}_pool2d")(x, k, s, p), [x])
    check_finite_differences(lambda t, x: getattr(t.nn, f"{kind}_pool1d")(x, 3, 2, "SAME"), [x[:, 0]])
    check_finite_differences(lambda t, x: getattr(t.nn, f"{kind}_pool3d")(x, 2, 2, "SAME"), [x[..., None]])


# ---------------------------------------------------------------------------
# function tracing and empty shapes
def test_conv_pool_under_function(tf_oracle, rng):
    x = rng.standard_normal((2, 8, 8, 1)).astype("float32")
    w = rng.standard_normal((3, 3, 1, 4)).astype("float32")

    def step(t):
        @t.function
        def f(x, w):
            with t.GradientTape() as tape:
                tape.watch(w)
                y = t.nn.max_pool2d(t.nn.conv2d(x, w, 1, "VALID"), 2, 2, "VALID")
                loss = t.reduce_sum(y * y)
            return loss, tape.gradient(loss, w)
        return [np.asarray(v) for v in f(t.constant(x), t.constant(w))]

    for e, r in zip(step(engine), step(tf_oracle)):
        np.testing.assert_allclose(e, r, rtol=1e-4, atol=1e-3)


def test_empty_batch(tf_oracle):
    x = np.zeros((0, 5, 5, 2), "float32")
    w = np.ones((3, 3, 2, 3), "float32")
    check_against_tf(lambda t, x, w: t.nn.conv2d(x, w, 2, "SAME"), [x, w], tf_oracle)
    check_against_tf(lambda t, x: t.nn.max_pool2d(x, 2, 2, "SAME"), [x], tf_oracle)


def test_output_size_zero(tf_oracle):
    x = np.ones((1, 7, 7, 1), "float32")
    w = np.ones((8, 8, 1, 1), "float32")
    check_against_tf(lambda t, x, w: t.nn.conv2d(x, w, 1, "VALID"), [x, w], tf_oracle, grad=False)


# ---------------------------------------------------------------------------
# errors (types and messages as TF gives them)
def _tf_error(tf, fn):
    with pytest.raises(Exception) as info:
        fn(tf)
    return info.value


def test_conv2d_channel_mismatch_error(tf_oracle):
    x = np.zeros((2, 7, 7, 3), "float32")
    w = np.zeros((3, 3, 2, 4), "float32")
    with pytest.raises(InvalidArgumentError, match=r"input depth must be evenly divisible by filter depth: 3 vs 2"):
        engine.nn.conv2d(x, w, 1, "SAME")
    err = _tf_error(tf_oracle, lambda t: t.nn.conv2d(x, w, 1, "SAME"))
    assert type(err).__name__ == "InvalidArgumentError" and "3 vs 2" in str(err)


def test_conv_errors_match_tf_kinds(tf_oracle):
    x = np.zeros((2, 7, 7, 3), "float32")
    w = np.zeros((3, 3, 3, 4), "float32")
    cases = [
        lambda t: t.nn.conv2d(x, np.zeros((9, 9, 3, 4), "float32"), 1, "VALID"),      # negative output size
        lambda t: t.nn.conv2d(x, w, 1, [[0, 0], [-1, 2], [0, 1], [0, 0]]),              # negative padding
        lambda t: t.nn.conv2d(x, w, [2, 1, 1, 1], "SAME"),                             # batch stride
        lambda t: t.nn.depthwise_conv2d(x, np.zeros((3, 3, 2, 2), "float32"), [1, 1, 1, 1], "SAME"),
        lambda t: t.nn.depthwise_conv2d(x, np.zeros((3, 3, 3, 2), "float32"), [1, 1, 2, 1], "SAME"),
        lambda t: t.nn.conv2d_transpose(x, np.zeros((3, 3, 5, 3), "float32"), [2, 17, 14, 5], 2, "SAME"),
        lambda t: t.nn.conv2d_transpose(x, np.zeros((3, 3, 5, 4), "float32"), [2, 14, 14, 5], 2, "SAME"),
        lambda t: t.nn.max_pool2d(x, 9, 1, "VALID"),
        lambda t: t.nn.max_pool2d(x, [2, 1, 1, 1], [2, 1, 1, 1], "VALID"),
        lambda t: t.nn.conv2d(x, w, 1, [[0, 0], [1, 1], [1, 1]]),
        lambda t: t.nn.max_pool2d(x, [1, 2, 2], 1, "VALID"),
        lambda t: t.nn.avg_pool2d(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]]),
        lambda t: t.nn.max_pool2d(x, 2, 2, [[0, 0], [1, 2], [1, 1], [0, 0]]),
        lambda t: t.nn.conv2d(x, w, 1, "same"),
        lambda t: t.nn.avg_pool2d(x, 2, 2, "FOO"),
        lambda t: t.nn.conv2d(x, w, 1, "EXPLICIT"),
        lambda t: t.nn.conv2d(x, w, 0, "SAME"),
        lambda t: t.nn.conv2d(x, w, 1, "SAME", dilations=0),
        lambda t: t.nn.max_pool2d(x, 0, 1, "SAME"),
        lambda t: t.nn.conv2d(x, w, [1, 1, 1], "SAME"),
    ]
    for i, case in enumerate(cases):
        want = type(_tf_error(tf_oracle, case)).__name__
        got = _tf_error(engine, case)
        assert type(got).__name__ == want, f"case {i}: engine raised {type(got).__name__}: {got}; TF {want}"
    with pytest.raises(InvalidArgumentError, match=r"Computed output size would be negative: -1 \[input_size: 7, "
                                                   r"effective_filter_size: 9, stride: 1\]"):
        engine.nn.conv2d(x, np.zeros((9, 9, 3, 4), "float32"), 1, "VALID")
    with pytest.raises(InvalidArgumentError, match=r"Size of out_backprop doesn't match computed: actual = 7, "
                                                   r"computed = 9"):
        engine.nn.conv2d_transpose(x, np.zeros((3, 3, 5, 3), "float32"), [2, 17, 14, 5], 2, "SAME")
    with pytest.raises(InvalidArgumentError, match=r"input and filter must have the same depth: 3 vs 2"):
        engine.nn.depthwise_conv2d(x, np.zeros((3, 3, 2, 2), "float32"), [1, 1, 1, 1], "SAME")
    with pytest.raises(InvalidArgumentError, match=r"float tensor but is a double tensor"):
        engine.nn.conv2d(engine.constant(x), engine.constant(np.zeros((3, 3, 3, 4))), 1, "SAME")


def test_depthwise_dilation_with_stride_warns(rng):
    x = rng.standard_normal((1, 7, 7, 2)).astype("float32")
    w = rng.standard_normal((3, 3, 2, 1)).astype("float32")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine.nn.depthwise_conv2d(x, w, [1, 2, 2, 1], "SAME", dilations=[2, 2])
    assert any("dilation rate is greater than 1" in str(c.message) for c in caught)


def test_unimplemented_depth_pooling():
    with pytest.raises(UnimplementedError):
        engine.nn.max_pool2d(np.zeros((1, 4, 4, 4), "float32"), [1, 1, 1, 2], [1, 1, 1, 2], "VALID")
