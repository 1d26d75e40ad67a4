"""tf.nn activations, softmax family, dropout, normalization and losses vs real TensorFlow."""
import numpy as np
import pytest
from engine_oracle import check_against_tf, check_finite_differences

import engine
from engine.framework.errors import InvalidArgumentError

DTYPES = ["float32", "float64"]
SHAPES = [(), (1,), (3, 4), (2, 1, 3)]


def _away_from_kinks(x, kinks=(0.0, 6.0), gap=0.15):
    """Move values that sit within ``gap`` of a kink (relu at 0, relu6 at 6) off it."""
    x = np.array(x, copy=True)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = k + np.where(x[near] >= k, gap, -gap) * 2
    return x


def _inputs(rng, shape, dtype, lo=-8.0, hi=8.0):
    return _away_from_kinks(rng.uniform(lo, hi, size=shape)).astype(dtype)


ACTIVATIONS = {
    "relu": lambda t, x: t.nn.relu(x),
    "relu6": lambda t, x: t.nn.relu6(x),
    "elu": lambda t, x: t.nn.elu(x),
    "selu": lambda t, x: t.nn.selu(x),
    "softplus": lambda t, x: t.nn.softplus(x),
    "softsign": lambda t, x: t.nn.softsign(x),
    "gelu": lambda t, x: t.nn.gelu(x),
    "gelu_tanh": lambda t, x: t.nn.gelu(x, approximate=True),
    "leaky_relu": lambda t, x: t.nn.leaky_relu(x),
    "leaky_relu_0.5": lambda t, x: t.nn.leaky_relu(x, alpha=0.5),
    "leaky_relu_2": lambda t, x: t.nn.leaky_relu(x, alpha=2.0),
    "silu": lambda t, x: t.nn.silu(x),
    "silu_beta": lambda t, x: t.nn.silu(x, beta=1.7),
    "swish": lambda t, x: t.nn.swish(x),
    "sigmoid": lambda t, x: t.nn.sigmoid(x),
    "tanh": lambda t, x: t.nn.tanh(x),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_vs_tf(name, dtype, shape, tf_oracle, rng):
    x = _inputs(rng, shape, dtype)
    check_against_tf(ACTIVATIONS[name], [x], tf_oracle)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_finite_differences(name, rng):
    x = _inputs(rng, (2, 3), "float64", -4.0, 7.5)
    check_finite_differences(ACTIVATIONS[name], [x])


def _second_order(mod, fn, x, v, w):
    """d/dx sum(w * d/dx[sum(v * fn(x))]): exercises the vjp of every gradient op."""
    x = mod.constant(x)
    with mod.GradientTape() as outer:
        outer.watch(x)
        with mod.GradientTape() as inner:
            inner.watch(x)
            y = fn(mod, x)
        g = inner.gradient(y, x, output_gradients=mod.constant(v))
        s = mod.reduce_sum(g * mod.constant(w))
    gg = outer.gradient(s, x)
    return np.zeros(np.shape(x)) if gg is None else np.asarray(gg)   # None: no dependence (relu)


SECOND_ORDER = dict(ACTIVATIONS, **{
    "softmax": lambda t, x: t.nn.softmax(x),
    "softmax_axis0": lambda t, x: t.nn.softmax(x, axis=0),
    "log_softmax": lambda t, x: t.nn.log_softmax(x),
    "l2_normalize": lambda t, x: t.nn.l2_normalize(x, axis=-1),
})


@pytest.mark.parametrize("name", [n for n in SECOND_ORDER if n != "softsign"])   # TF: no SoftsignGrad gradient
def test_second_order_vs_tf(name, tf_oracle, rng):
    x = _inputs(rng, (3, 4), "float64", -4.0, 7.5)
    v = rng.standard_normal((3, 4))
    w = rng.standard_normal((3, 4))
    fn = SECOND_ORDER[name]
    np.testing.assert_allclose(_second_order(engine, fn, x, v, w), _second_order(tf_oracle, fn, x, v, w),
                               rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("name", list(SECOND_ORDER))
def test_second_order_finite_differences(name, rng):
    """Finite differences of the (recorded) first gradient: checks every gradient op's own vjp."""
    fn = SECOND_ORDER[name]
    v = rng.standard_normal((2, 3))

    def grad_of(t, x):
        with t.GradientTape() as inner:
            inner.watch(x)
            y = fn(t, x)
        return inner.gradient(y, x, output_gradients=t.constant(v))
    check_finite_differences(grad_of, [_inputs(rng, (2, 3), "float64", -4.0, 7.5)], rtol=1e-5, atol=1e-6)


def test_relu_integer_and_nan(tf_oracle):
    for arr in (np.array([-3, 0, 5], np.int32), np.array([-3, 0, 5], np.int64), np.array([-1, 7, 9], np.int8)):
        check_against_tf(lambda t, x: t.nn.relu(x), [arr], tf_oracle, grad=False)
        check_against_tf(lambda t, x: t.nn.relu6(x), [arr], tf_oracle, grad=False)
    check_against_tf(lambda t, x: t.nn.leaky_relu(x), [np.array([-3, 2], np.int32)], tf_oracle, grad=False)
    out = engine.nn.relu(engine.constant([np.nan, -np.inf, 0.0, 2.0])).numpy()
    assert np.isnan(out[0]) and list(out[1:]) == [0.0, 0.0, 2.0]


def test_kink_gradients_match_tf(tf_oracle):
    x = np.array([-1.0, 0.0, 6.0, 7.0, 3.0], np.float32)
    sig_xent = lambda t, x: t.nn.sigmoid_cross_entropy_with_logits(labels=x * 0 + 0.3, logits=x)  # noqa: E731
    for fn in (ACTIVATIONS["relu"], ACTIVATIONS["relu6"], ACTIVATIONS["elu"], ACTIVATIONS["selu"],
               ACTIVATIONS["leaky_relu"], sig_xent):
        check_against_tf(fn, [x], tf_oracle)


def test_stability_extreme_inputs(tf_oracle):
    big = np.array([-1e4, -100.0, -30.0, 0.0, 30.0, 100.0, 1e4], np.float32)
    for fn in (ACTIVATIONS["softplus"], ACTIVATIONS["elu"], ACTIVATIONS["selu"], ACTIVATIONS["gelu"],
               ACTIVATIONS["silu"], ACTIVATIONS["softsign"]):
        check_against_tf(fn, [big], tf_oracle)
    logits = np.array([[1000.0, 1001.0, -1000.0], [-1e4, 0.0, 1e4]], np.float32)
    check_against_tf(lambda t, x: t.nn.softmax(x), [logits], tf_oracle)
    check_against_tf(lambda t, x: t.nn.log_softmax(x), [logits], tf_oracle)
    check_against_tf(lambda t, x: t.nn.sparse_softmax_cross_entropy_with_logits(labels=[2, 0], logits=x),
                     [logits], tf_oracle)
    z = np.array([0.0, 1.0, 0.5, 0.25, 1.0, 0.0, 0.5], np.float32)
    check_against_tf(lambda t, x, z: t.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                     [big, z], tf_oracle)


@pytest.mark.parametrize("op", ["elu", "selu", "softplus", "softsign", "l2_loss"])
def test_float_only_activations_reject_ints(op):
    with pytest.raises(InvalidArgumentError, match="Value for attr 'T' of int32"):
        getattr(engine.nn, op)(engine.constant([1, 2]))


def test_activation_type_errors():
    with pytest.raises(InvalidArgumentError, match="attr 'T' of bool"):
        engine.nn.relu(engine.constant([True, False]))
    with pytest.raises(ValueError, match="must be a floating point tensor"):
        engine.nn.gelu(engine.constant([1, 2]))
    with pytest.raises(TypeError, match="Cannot convert 1e-12"):
        engine.nn.l2_normalize(engine.constant([1, 2]))


def test_silu_beta_gradient(tf_oracle, rng):
    for dtype in DTYPES:
        x = _inputs(rng, (3, 4), dtype)
        b = np.asarray(1.3, dtype)
        check_against_tf(lambda t, x, b: t.nn.silu(x, beta=b), [x, b], tf_oracle)
    check_finite_differences(lambda t, x, b: t.nn.silu(x, beta=b),
                             [_inputs(rng, (2, 3), "float64"), np.asarray(0.7)])


# ---------------------------------------------------------------------------
# Softmax family
SOFTMAX_CASES = [((5,), None), ((3, 4), None), ((3, 4), 0), ((3, 4), 1), ((3, 4), -2),
                 ((2, 3, 4), 1), ((2, 3, 4), -3), ((3, 1), -1), ((1, 4), 0), ((1,), 0)]


@pytest.mark.parametrize("shape,axis", SOFTMAX_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_vs_tf(fn, dtype, shape, axis, tf_oracle, rng):
    x = rng.standard_normal(shape).astype(dtype) * 3
    check_against_tf(lambda t, x: getattr(t.nn, fn)(x, axis=axis), [x], tf_oracle)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
def test_softmax_finite_differences(fn, rng):
    for shape, axis in [((2, 3), None), ((2, 3), 0), ((2, 2, 3), 1)]:
        check_finite_differences(lambda t, x: getattr(t.nn, fn)(x, axis=axis), [rng.standard_normal(shape)])


def test_softmax_keeps_logits_for_keras(tf_oracle):
    x = engine.constant([[1.0, 2.0, 3.0]])
    y = engine.nn.softmax(x)
    assert y._keras_logits is x
    assert engine.nn.softmax(x, axis=0)._keras_logits is x
    check_against_tf(lambda t, x: t.nn.softmax(x), [np.zeros((0, 3), np.float32)], tf_oracle)


def test_softmax_errors():
    x = engine.constant(np.ones((2, 3), np.float32))
    with pytest.raises(InvalidArgumentError, match=r"`dim` must be in the range \[-2, 2\).*dim=5"):
        engine.nn.softmax(x, axis=5)
    with pytest.raises(InvalidArgumentError, match=r"`dim` must be in the range"):
        engine.nn.log_softmax(x, axis=-3)
    with pytest.raises(InvalidArgumentError, match="logits must have >= 1 dimension"):
        engine.nn.softmax(engine.constant(2.0))
    with pytest.raises(InvalidArgumentError, match="attr 'T' of int32"):
        engine.nn.softmax(engine.constant([1, 2]))


# ---------------------------------------------------------------------------
# Cross-entropies
def _dist(rng, shape, axis=-1, dtype="float32"):
    e = np.exp(rng.standard_normal(shape))
    return (e / e.sum(axis=axis, keepdims=True)).astype(dtype)


XENT_CASES = [((3, 5), -1), ((2, 3, 4), -1), ((2, 3, 4), 1), ((3, 5), 0), ((4,), -1), ((3, 1), -1),
              ((1, 5), -1)]


@pytest.mark.parametrize("shape,axis", XENT_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_cross_entropy_vs_tf(dtype, shape, axis, tf_oracle, rng):
    logits = (rng.standard_normal(shape) * 2).astype(dtype)
    labels = _dist(rng, shape, axis, dtype)
    check_against_tf(lambda t, lb, lg: t.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg, axis=axis),
                     [labels, logits], tf_oracle)


def test_softmax_cross_entropy_broadcast_and_casts(tf_oracle, rng):
    logits = rng.standard_normal((3, 5)).astype("float32")
    labels = _dist(rng, (1, 5))
    # TF's own labels-gradient fails to reshape here; compare forward and the logits gradient.
    check_against_tf(lambda t, lb, lg: t.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg),
                     [labels, logits], tf_oracle, grad=[1])
    with engine.GradientTape() as tape:
        lb = engine.constant(labels)
        tape.watch(lb)
        y = engine.nn.softmax_cross_entropy_with_logits(labels=lb, logits=engine.constant(logits))
    g = tape.gradient(y, lb).numpy()
    want = -(logits - np.log(np.exp(logits).sum(-1, keepdims=True))).sum(0, keepdims=True)
    np.testing.assert_allclose(g, want, rtol=1e-5)
    onehot = np.eye(5, dtype=np.int32)[[1, 0, 4]]
    check_against_tf(lambda t, lb, lg: t.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg),
                     [onehot, logits], tf_oracle, grad=[1])
    check_against_tf(lambda t, lb, lg: t.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg),
                     [onehot.astype("float64"), logits], tf_oracle, grad=[1], rtol=1e-5, atol=1e-5)


def test_softmax_cross_entropy_finite_differences(rng):
    for shape, axis in [((2, 3), -1), ((2, 3), 0), ((2, 2, 3), 1)]:
        check_finite_differences(
            lambda t, lb, lg: t.nn.softmax_cross_entropy_with_logits(labels=lb, logits=lg, axis=axis),
            [_dist(rng, shape, axis, "float64"), rng.standard_normal(shape)])


def test_softmax_cross_entropy_errors():
    with pytest.raises(InvalidArgumentError, match=r"logits and labels must be broadcastable: "
                                                   r"logits_size=\[2, 5\] labels_size=\[2, 4\]"):
        engine.nn.softmax_cross_entropy_with_logits(labels=np.zeros((2, 4), np.float32),
                                                    logits=np.zeros((2, 5), np.float32))
    with pytest.raises(InvalidArgumentError):
        engine.nn.softmax_cross_entropy_with_logits(labels=np.zeros((2, 5), np.float32),
                                                    logits=np.zeros((2, 5), np.float32), axis=5)


SPARSE_CASES = [((4, 5), "int32"), ((4, 5), "int64"), ((2, 3, 4), "int32"), ((5,), "int64"), ((3, 1), "int32"),
                ((1, 3), "int64")]


@pytest.mark.parametrize("shape,ldtype", SPARSE_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sparse_softmax_cross_entropy_vs_tf(dtype, shape, ldtype, tf_oracle, rng):
    logits = (rng.standard_normal(shape) * 2).astype(dtype)
    labels = rng.integers(0, shape[-1], size=shape[:-1]).astype(ldtype)
    check_against_tf(lambda t, lb, lg: t.nn.sparse_softmax_cross_entropy_with_logits(labels=lb, logits=lg),
                     [labels, logits], tf_oracle)


def test_sparse_softmax_cross_entropy_finite_differences_and_second_order(tf_oracle, rng):
    labels = np.array([[0, 2], [1, 1]], np.int64)
    logits = rng.standard_normal((2, 2, 3))
    fn = lambda t, lg: t.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=lg)  # noqa: E731
    check_finite_differences(fn, [logits])
    v = rng.standard_normal((2, 2))
    w = rng.standard_normal((2, 2, 3))
    np.testing.assert_allclose(_second_order(engine, fn, logits, v, w),
                               _second_order(tf_oracle, fn, logits, v, w), rtol=1e-9, atol=1e-10)
    dense = lambda t, lg: t.nn.softmax_cross_entropy_with_logits(labels=np.eye(3)[labels], logits=lg)  # noqa: E731
    np.testing.assert_allclose(_second_order(engine, dense, logits, v, w),
                               _second_order(tf_oracle, dense, logits, v, w), rtol=1e-9, atol=1e-10)


def test_sparse_softmax_cross_entropy_errors():
    logits = engine.constant(np.zeros((3, 5), np.float32))
    with pytest.raises(InvalidArgumentError, match=r"Received a label value of 7 which is outside the valid "
                                                   r"range of \[0, 5\)\.  Label values: 1 7 2"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 7, 2], logits=logits)
    with pytest.raises(InvalidArgumentError, match=r"label value of -1 .*\[0, 5\)"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, -1, 2], logits=logits)
    with pytest.raises(ValueError, match=r"`labels.shape.rank` must equal `logits.shape.rank - 1`"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=[[1, 2, 3]], logits=logits)
    with pytest.raises(ValueError, match=r"`labels.shape` must equal `logits.shape` except for the last"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2], logits=logits)
    with pytest.raises(ValueError, match="cannot be a scalar"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=1, logits=engine.constant(1.0))
    with pytest.raises(InvalidArgumentError, match="attr 'Tlabels' of float"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=[1.0, 2.0, 0.0], logits=logits)
    with pytest.raises(InvalidArgumentError, match="attr 'T' of int32"):
        engine.nn.sparse_softmax_cross_entropy_with_logits(labels=[1, 2], logits=[[1, 2, 3], [1, 2, 3]])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_cross_entropy_vs_tf(dtype, shape, tf_oracle, rng):
    logits = _inputs(rng, shape, dtype, -6, 6)
    labels = rng.uniform(0, 1, size=shape).astype(dtype)
    check_against_tf(lambda t, z, x: t.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                     [labels, logits], tf_oracle)


@pytest.mark.parametrize("pw_shape", [(), (4,)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_weighted_cross_entropy_vs_tf(dtype, pw_shape, tf_oracle, rng):
    logits = _inputs(rng, (3, 4), dtype, -6, 6)
    labels = rng.uniform(0, 1, size=(3, 4)).astype(dtype)
    pw = rng.uniform(0.5, 3, size=pw_shape).astype(dtype)
    check_against_tf(lambda t, z, x, w: t.nn.weighted_cross_entropy_with_logits(labels=z, logits=x, pos_weight=w),
                     [labels, logits, pw], tf_oracle)


def test_logistic_losses_finite_differences(rng):
    logits = _inputs(rng, (2, 3), "float64", -5, 5)
    labels = rng.uniform(0, 1, size=(2, 3))
    check_finite_differences(lambda t, z, x: t.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
                             [labels, logits])
    check_finite_differences(lambda t, z, x, w: t.nn.weighted_cross_entropy_with_logits(z, x, w),
                             [labels, logits, rng.uniform(0.5, 2, size=(3,))])


def test_logistic_losses_errors():
    a, b = np.zeros((2, 5), np.float32), np.zeros((2, 4), np.float32)
    with pytest.raises(ValueError, match=r"`logits` and `labels` must have the same shape, "
                                         r"received \(\(2, 5\) vs \(2, 4\)\)"):
        engine.nn.sigmoid_cross_entropy_with_logits(labels=b, logits=a)
    with pytest.raises(ValueError, match="must have the same shape"):
        engine.nn.weighted_cross_entropy_with_logits(labels=b, logits=a, pos_weight=2.0)
    with pytest.raises(InvalidArgumentError, match="was expected to be a float tensor but is a double tensor"):
        engine.nn.sigmoid_cross_entropy_with_logits(labels=engine.constant(a.astype("float64")),
                                                    logits=engine.constant(a))


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
def test_log_poisson_loss_vs_tf(dtype, full, tf_oracle, rng):
    targets = np.array([[0.2, 0.7, 1.0], [1.5, 3.0, 6.0]], dtype)
    log_input = rng.standard_normal((2, 3)).astype(dtype)
    check_against_tf(lambda t, z, x: t.nn.log_poisson_loss(z, x, compute_full_loss=full),
                     [targets, log_input], tf_oracle)
    if dtype == "float64":   # away from the Stirling switch at targets == 1
        check_finite_differences(lambda t, z, x: t.nn.log_poisson_loss(z, x, compute_full_loss=full),
                                 [np.array([[0.2, 0.7, 0.9], [1.5, 3.0, 6.0]]), log_input])
    with pytest.raises(ValueError, match="`log_input` and `targets` must have the same shape"):
        engine.nn.log_poisson_loss(np.zeros((2, 3), dtype), np.zeros((2, 4), dtype))


# ---------------------------------------------------------------------------
# bias_add
BIAS_CASES = [((4, 3), None), ((2, 3, 4, 5), None), ((2, 3, 4, 5), "NHWC"), ((2, 3, 4, 5), "NCHW"),
              ((2, 3, 4), "NCW"), ((2, 3, 4), "NWC"), ((2, 3), "NCHW"), ((1, 1), None), ((2, 3, 4, 5), "NC"),
              ((0, 3), None), ((4, 16, 16, 16), None), ((3, 13, 13, 17), "NHWC")]


@pytest.mark.parametrize("shape,fmt", BIAS_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_bias_add_vs_tf(dtype, shape, fmt, tf_oracle, rng):
    c = shape[1] if fmt and fmt.startswith("NC") else shape[-1]
    x = rng.standard_normal(shape).astype(dtype)
    b = rng.standard_normal((c,)).astype(dtype)
    check_against_tf(lambda t, x, b: t.nn.bias_add(x, b, data_format=fmt), [x, b], tf_oracle)


def test_bias_add_finite_differences_and_second_order(tf_oracle, rng):
    for shape, fmt in [((3, 2), None), ((2, 3, 2), "NCW"), ((2, 2, 3), "NWC")]:
        c = shape[1] if fmt == "NCW" else shape[-1]
        check_finite_differences(lambda t, x, b: t.nn.bias_add(x, b, data_format=fmt),
                                 [rng.standard_normal(shape), rng.standard_normal(c)])
    # The bias gradient's own gradient (BiasAddGrad's vjp): d/dx of w . dL/db with dL/dy = x**2.
    for shape, fmt in [((3, 4), None), ((2, 3, 2, 2), "NCHW"), ((2, 2, 2, 3), "NHWC")]:
        x = rng.standard_normal(shape)
        c = shape[1] if fmt == "NCHW" else shape[-1]
        v, w = rng.standard_normal(shape), rng.standard_normal(c)

        def run(mod):
            xt = mod.constant(x)
            b = mod.constant(np.zeros(c))
            with mod.GradientTape() as outer:
                outer.watch(xt)
                with mod.GradientTape() as inner:
                    inner.watch(b)
                    y = mod.nn.bias_add(mod.constant(v), b, data_format=fmt)
                gb = inner.gradient(y, b, output_gradients=xt * xt)
                s = mod.reduce_sum(gb * w)
            return np.asarray(outer.gradient(s, xt))
        np.testing.assert_allclose(run(engine), run(tf_oracle), rtol=1e-10)


def test_bias_add_errors():
    z = lambda *s, d="float32": engine.constant(np.zeros(s, d))  # noqa: E731
    with pytest.raises(InvalidArgumentError, match=r"Input tensor must be at least 2D: \[3\]"):
        engine.nn.bias_add(z(3), z(3))
    with pytest.raises(InvalidArgumentError, match=r"Biases must be 1D: \[1, 3\]"):
        engine.nn.bias_add(z(2, 3), z(1, 3))
    with pytest.raises(InvalidArgumentError, match=r"Must provide as many biases as the last dimension of the "
                                                   r"input tensor: \[5\] vs. \[2, 3\]"):
        engine.nn.bias_add(z(2, 3), z(5))
    with pytest.raises(InvalidArgumentError, match=r"\[4\] vs. \[2, 3, 4\]"):
        engine.nn.bias_add(z(2, 3, 4), z(4), data_format="NCHW")
    with pytest.raises(InvalidArgumentError, match="was expected to be a float tensor but is a double tensor"):
        engine.nn.bias_add(z(2, 3), z(3, d="float64"))
    with pytest.raises(ValueError, match=r"`data_format` must be of the form `N...C` or `NC...`"):
        engine.nn.bias_add(z(2, 3), z(3), data_format="XYZ")
    out = engine.nn.bias_add(engine.constant([[1, 2, 3]]), [1, 1, 1])
    assert out.dtype == engine.int32 and out.numpy().tolist() == [[2, 3, 4]]


# ---------------------------------------------------------------------------
# Normalization, l2
@pytest.mark.parametrize("shape", [(), (5,), (2, 3, 4), (1, 1)], ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_l2_loss_vs_tf(dtype, shape, tf_oracle, rng):
    check_against_tf(lambda t, x: t.nn.l2_loss(x), [rng.standard_normal(shape).astype(dtype)], tf_oracle)


L2N_CASES = [((5,), None), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), [1, 2]), ((3, 1), 1), ((2, 3, 4), -2)]


@pytest.mark.parametrize("shape,axis", L2N_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_l2_normalize_vs_tf(dtype, shape, axis, tf_oracle, rng):
    x = rng.standard_normal(shape).astype(dtype)
    check_against_tf(lambda t, x: t.nn.l2_normalize(x, axis=axis), [x], tf_oracle)


def test_l2_normalize_zero_row_and_epsilon(tf_oracle, rng):
    x = np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0], [1e-8, 0.0, 0.0]], np.float32)
    check_against_tf(lambda t, x: t.nn.l2_normalize(x, axis=1), [x], tf_oracle)
    check_against_tf(lambda t, x: t.nn.l2_normalize(x, axis=1, epsilon=0.5), [x], tf_oracle)
    check_against_tf(lambda t, x: t.nn.l2_normalize(x, dim=0), [x], tf_oracle)


def test_l2_finite_differences(rng):
    check_finite_differences(lambda t, x: t.nn.l2_loss(x), [rng.standard_normal((2, 3))])
    for axis in (None, 0, -1):
        check_finite_differences(lambda t, x: t.nn.l2_normalize(x, axis=axis), [rng.standard_normal((2, 3))])


MOMENT_CASES = [((4, 3), [0], False), ((4, 3), [0, 1], False), ((2, 3, 4), [-1], True), ((2, 3, 4), [0, 2], True),
                ((3, 1), [1], False), ((5,), [0], True), ((2, 3), [], False)]


@pytest.mark.parametrize("shape,axes,keepdims", MOMENT_CASES, ids=str)
@pytest.mark.parametrize("dtype", DTYPES)
def test_moments_vs_tf(dtype, shape, axes, keepdims, tf_oracle, rng):
    x = (rng.standard_normal(shape) * 2 + 1).astype(dtype)
    check_against_tf(lambda t, x: t.nn.moments(x, axes, keepdims=keepdims), [x], tf_oracle)


def test_moments_finite_differences_and_errors(tf_oracle, rng):
    check_finite_differences(lambda t, x: t.nn.moments(x, [0]), [rng.standard_normal((3, 2))])
    check_finite_differences(lambda t, x: t.nn.moments(x, [0, 2], keepdims=True), [rng.standard_normal((2, 2, 3))])
    check_against_tf(lambda t, x: t.nn.moments(x, [0]), [np.array([[1, 2], [4, 7]], np.int32)], tf_oracle,
                     grad=False)
    with pytest.raises(InvalidArgumentError, match="Invalid reduction dimension"):
        engine.nn.moments(engine.constant(np.zeros((2, 3), np.float32)), [3])


@pytest.mark.parametrize("with_scale,with_offset", [(True, True), (False, True), (True, False), (False, False)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_normalization_vs_tf(dtype, with_scale, with_offset, tf_oracle, rng):
    x = rng.standard_normal((2, 2, 2, 3)).astype(dtype)
    mean = rng.standard_normal(3).astype(dtype)
    var = rng.uniform(0.5, 2, 3).astype(dtype)
    offset = rng.standard_normal(3).astype(dtype)
    scale = rng.uniform(0.5, 2, 3).astype(dtype)

    def fn(t, x, m, v, o, s):
        return t.nn.batch_normalization(x, m, v, o if with_offset else None, s if with_scale else None, 1e-3)
    check_against_tf(fn, [x, mean, var, offset, scale], tf_oracle)
    if dtype == "float64":
        check_finite_differences(fn, [x[:1, :1], mean, var, offset, scale])


def test_batch_normalization_with_moments(tf_oracle, rng):
    x = rng.standard_normal((4, 3)).astype("float32")
    g = rng.uniform(0.5, 2, 3).astype("float32")
    b = rng.standard_normal(3).astype("float32")

    def fn(t, x, g, b):
        m, v = t.nn.moments(x, [0])
        return t.nn.batch_normalization(x, m, v, b, g, 1e-3)
    check_against_tf(fn, [x, g, b], tf_oracle, atol=1e-4, rtol=1e-4)
    check_finite_differences(fn, [x.astype("float64"), g.astype("float64"), b.astype("float64")])


def test_weighted_and_normalize_moments_vs_tf(tf_oracle, rng):
    x = rng.standard_normal((4, 3))
    w = rng.uniform(0.1, 2, (4, 1))
    for axes, keep in (([0], False), ([0, 1], True)):
        check_against_tf(lambda t, x, w: t.nn.weighted_moments(x, axes, w, keepdims=keep), [x, w], tf_oracle)
    counts = np.asarray(4.0)
    ss = rng.standard_normal(3)
    vss = rng.uniform(1, 2, 3)
    check_against_tf(lambda t, c, m, v: t.nn.normalize_moments(c, m, v, None), [counts, ss, vss], tf_oracle)
    check_against_tf(lambda t, c, m, v, s: t.nn.normalize_moments(c, m, v, s), [counts, ss, vss, np.asarray(0.5)],
                     tf_oracle)


def test_loss_helpers_vs_tf(tf_oracle, rng):
    per = rng.uniform(0, 2, 6).astype("float32")
    check_against_tf(lambda t, p: t.nn.compute_average_loss(p), [per], tf_oracle)
    check_against_tf(lambda t, p: t.nn.compute_average_loss(p, global_batch_size=8), [per], tf_oracle)
    check_against_tf(lambda t, p, w: t.nn.compute_average_loss(p, sample_weight=w, global_batch_size=4),
                     [per, rng.uniform(0, 1, 6).astype("float32")], tf_oracle)
    check_against_tf(lambda t, p: t.nn.scale_regularization_loss(p), [per], tf_oracle)
    with pytest.raises(ValueError, match="Expected a tensor with at least rank 1"):
        engine.nn.compute_average_loss(engine.constant(2.0))
    with pytest.raises(TypeError, match="global_batch_size must be an integer"):
        engine.nn.compute_average_loss(engine.constant([2.0]), global_batch_size=2.5)
    z = np.array([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]], np.float32)
    assert engine.nn.zero_fraction(z).numpy() == pytest.approx(float(tf_oracle.nn.zero_fraction(z)))


def test_traced_function_replays_forward_and_gradients(rng):
    """A ``function`` trace (forward + DIFF-mode backward) replays to the eager values."""
    def loss_and_grads(t, x, b, labels):
        with t.GradientTape() as tape:
            tape.watch([x, b])
            h = t.nn.gelu(t.nn.bias_add(x, b))
            h = t.nn.leaky_relu(h) + t.nn.elu(h) + t.nn.log_softmax(h)
            y = t.reduce_mean(t.nn.sparse_softmax_cross_entropy_with_logits(labels, t.nn.relu(h) + t.nn.softmax(h)))
            y = y + t.nn.l2_loss(b) + t.reduce_sum(t.nn.moments(h, [0])[1])
        return [y] + tape.gradient(y, [x, b])
    traced = engine.function(lambda x, b, l: loss_and_grads(engine, x, b, l))
    for _ in range(2):
        x = engine.constant(rng.standard_normal((4, 5)))
        b = engine.constant(rng.standard_normal(5))
        labels = engine.constant(rng.integers(0, 5, 4).astype(np.int32))
        for got, want in zip(traced(x, b, labels), loss_and_grads(engine, x, b, labels)):
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)


# ---------------------------------------------------------------------------
# Dropout
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("rate", [0.1, 0.3, 0.75])
def test_dropout_statistics_and_exact_scaling(rate, dtype, tf_oracle, rng):
    x = rng.uniform(0.5, 2.0, (200, 300)).astype(dtype)
    xt = engine.constant(x)
    with engine.GradientTape() as tape:
        tape.watch(xt)
        y = engine.nn.dropout(xt, rate)
    g = tape.gradient(y, xt, output_gradients=engine.constant(np.ones_like(x) * 3)).numpy()
    y = y.numpy()
    assert y.dtype == x.dtype and y.shape == x.shape
    kept = y != 0
    assert abs(kept.mean() - (1 - rate)) < 0.01
    # Kept units are exactly x * scale with the scale rounded to x's dtype, as TF does.
    want = tf_oracle.nn.dropout(x, rate).numpy()
    tf_scale = (want[want != 0] / x[want != 0])
    np.testing.assert_array_equal(y[kept], x[kept] * x.dtype.type(1 / (1 - rate)))
    np.testing.assert_allclose(y[kept] / x[kept], tf_scale[0], rtol=np.finfo(x.dtype).eps * 4)
    # The gradient reuses the forward mask.
    np.testing.assert_array_equal(g, np.where(kept, 3 * x.dtype.type(1 / (1 - rate)), 0).astype(x.dtype))


def test_dropout_noise_shape_and_identity(rng):
    x = engine.constant(np.ones((300, 8), np.float32))
    y = engine.nn.dropout(x, 0.5, noise_shape=[300, 1]).numpy()
    assert all(len(set(row)) == 1 for row in y)          # whole rows kept or dropped
    assert 0.35 < (y[:, 0] != 0).mean() < 0.65
    y = engine.nn.dropout(x, 0.5, noise_shape=[None, 1]).numpy()
    assert all(len(set(row)) == 1 for row in y)
    y = engine.nn.dropout(x, 0.5, noise_shape=[8]).numpy()   # broadcast from the right: whole columns
    assert all(len(set(col)) == 1 for col in y.T)
    assert engine.nn.dropout(x, 0.0) is x
    assert engine.nn.dropout(x, 0) is x
    y = engine.nn.dropout(x, engine.constant(0.25), seed=3).numpy()
    assert set(np.unique(y)) <= {0.0, np.float32(1 / 0.75)}


def test_dropout_fresh_masks_and_in_function():
    x = engine.constant(np.ones((20, 20), np.float32))
    a = engine.nn.dropout(x, 0.5, seed=1).numpy()
    b = engine.nn.dropout(x, 0.5, seed=1).numpy()
    assert not np.array_equal(a, b)   # a seeded op still draws a new mask per call, like TF

    @engine.function
    def step(x):
        with engine.GradientTape() as tape:
            tape.watch(x)
            y = engine.nn.dropout(x, 0.5)
        return y, tape.gradient(y, x)
    y1, g1 = step(x)
    y2, g2 = step(x)
    assert not np.array_equal(y1.numpy(), y2.numpy())   # the traced graph redraws its mask
    np.testing.assert_array_equal(g1.numpy(), y1.numpy())
    np.testing.assert_array_equal(g2.numpy(), y2.numpy())


def test_dropout_errors():
    x = engine.constant(np.ones((2, 5), np.float32))
    for rate in (1.0, 1, -0.1, 1.5):
        with pytest.raises(ValueError, match=r"`rate` must be a scalar tensor or a float in the range \[0, 1\)\. "
                                             rf"Received: rate={rate}"):
            engine.nn.dropout(x, rate)
    with pytest.raises(ValueError, match=r"`x.dtype` must be a floating point tensor as `x` will be scaled"):
        engine.nn.dropout(engine.constant([1, 2]), 0.5)
    with pytest.raises(ValueError, match="`rate` must be a scalar or scalar tensor"):
        engine.nn.dropout(x, "a")
    with pytest.raises(InvalidArgumentError):
        engine.nn.dropout(x, 0.5, noise_shape=[3, 5])
