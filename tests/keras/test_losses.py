"""engine.keras.losses against real Keras 3 (TF backend) on identical inputs.

Values and gradients wrt ``y_pred`` are compared for every loss and option
(reductions, sample-weight shapes, axis, from_logits, label smoothing,
ignore_class, masks), plus the fused stable path for activation outputs that
carry ``_keras_logits``, and losses inside ``engine.function`` traces.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import engine
from engine import keras as ek

RTOL = 1e-5
ATOL = 1e-6
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def _weight_cases(reduction, n, t, rng):
    """Every sample-weight shape for the default reduction; none and (N,) for the others (keeps the file fast)."""
    cases = _sample_weights(n, t, rng)
    if reduction != "sum_over_batch_size":
        cases = {k: v for k, v in cases.items() if k in ("none", "vector", "per_step")}
    return cases


@pytest.fixture(scope="module")
def rk(tf_oracle):
    """Real Keras 3 on the TF backend."""
    import keras
    assert keras.backend.backend() == "tensorflow"
    return keras


def _close(a, b, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=rtol, atol=atol)


def _data(kind, shape, rng):
    """(y_true, y_pred) float32 arrays suited to a loss family."""
    if kind == "positive":
        return rng.random(shape).astype("float32") + 0.05, rng.random(shape).astype("float32") + 0.05
    if kind == "probs":
        yt = rng.random(shape).astype("float32")
        yp = rng.random(shape).astype("float32")
        return yt / yt.sum(-1, keepdims=True), yp / yp.sum(-1, keepdims=True)
    if kind == "binary":
        return (rng.random(shape) > 0.5).astype("float32"), rng.uniform(0.02, 0.98, shape).astype("float32")
    if kind == "signs":
        return np.where(rng.random(shape) > 0.5, 1.0, -1.0).astype("float32"), rng.standard_normal(shape).astype("float32")
    if kind == "onehot":
        idx = rng.integers(0, shape[-1], shape[:-1])
        return np.eye(shape[-1], dtype="float32")[idx], rng.standard_normal(shape).astype("float32")
    if kind == "mape":
        yt = rng.uniform(0.5, 2.0, shape).astype("float32") * np.where(rng.random(shape) > 0.5, 1, -1)
        return yt.astype("float32"), rng.standard_normal(shape).astype("float32")
    return rng.standard_normal(shape).astype("float32"), rng.standard_normal(shape).astype("float32")


def _sample_weights(n, t, rng):
    """The sample-weight shapes Keras accepts: none, scalar, (N,), (N, 1), and (N, T) for 3-D losses."""
    out = {"none": None, "scalar": np.float32(0.7), "vector": rng.random(n).astype("float32"),
           "column": rng.random((n, 1)).astype("float32")}
    if t is not None:
        out["per_step"] = rng.random((n, t)).astype("float32")
    return out


def _compare_loss(rk, tf, ours, theirs, yt, yp, sw, grad=True):
    """Value and d(loss)/d(y_pred) of one engine loss and one Keras loss."""
    ypt = engine.constant(yp)
    with engine.GradientTape() as tape:
        tape.watch(ypt)
        a = ours(engine.constant(yt), ypt, sample_weight=None if sw is None else engine.constant(sw))
        total_a = engine.reduce_sum(a)
    ypk = tf.constant(yp)
    with tf.GradientTape() as ktape:
        ktape.watch(ypk)
        b = theirs(tf.constant(yt), ypk, sample_weight=None if sw is None else tf.constant(sw))
        total_b = tf.reduce_sum(b)
    assert tuple(a.shape) == tuple(b.shape)
    _close(a, b.numpy())
    if grad:
        ga = tape.gradient(total_a, ypt)
        gb = ktape.gradient(total_b, ypk)
        _close(ga, gb.numpy(), atol=1e-5)


# (class name, constructor kwargs, data kind)
REGRESSION = [
    ("MeanSquaredError", {}, "normal"),
    ("MeanAbsoluteError", {}, "normal"),
    ("MeanAbsolutePercentageError", {}, "mape"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("Huber", {}, "normal"),
    ("Huber", {"delta": 0.4}, "normal"),
    ("LogCosh", {}, "normal"),
    ("CosineSimilarity", {}, "normal"),
    ("Poisson", {}, "positive"),
    ("KLDivergence", {}, "probs"),
    ("Hinge", {}, "binary"),
    ("Hinge", {}, "signs"),
    ("SquaredHinge", {}, "binary"),
    ("SquaredHinge", {}, "signs"),
    ("CategoricalHinge", {}, "onehot"),
    ("Dice", {}, "binary"),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, "binary"),
]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name,kwargs,kind", REGRESSION, ids=[f"{n}-{k}" for n, _, k in REGRESSION])
def test_elementwise_losses_reductions_and_weights(rk, tf_oracle, rng, name, kwargs, kind, reduction):
    yt, yp = _data(kind, (6, 5), rng)
    ours = getattr(ek.losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(rk.losses, name)(reduction=reduction, **kwargs)
    for sw_name, sw in _weight_cases(reduction, 6, None, rng).items():
        if name in ("Dice", "Tversky") and sw is not None and sw.ndim:
            continue  # axis=None reduces to a scalar loss: only scalar weights apply
        _compare_loss(rk, tf_oracle, ours, theirs, yt, yp, sw)


@pytest.mark.parametrize("name,kind", [("MeanSquaredError", "normal"), ("MeanAbsoluteError", "normal"),
                                       ("Huber", "normal"), ("LogCosh", "normal"), ("Poisson", "positive"),
                                       ("KLDivergence", "probs"), ("CosineSimilarity", "normal")])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
def test_3d_inputs_with_per_timestep_weights(rk, tf_oracle, rng, name, kind, reduction):
    yt, yp = _data(kind, (4, 3, 5), rng)
    ours = getattr(ek.losses, name)(reduction=reduction)
    theirs = getattr(rk.losses, name)(reduction=reduction)
    for sw_name, sw in _sample_weights(4, 3, rng).items():
        if sw_name == "vector":  # (N,) against (N, T) values does not broadcast, in Keras either
            with pytest.raises(Exception):
                theirs(yt, yp, sample_weight=sw)
            with pytest.raises(Exception, match="broadcast"):
                ours(yt, yp, sample_weight=sw)
            continue
        _compare_loss(rk, tf_oracle, ours, theirs, yt, yp, sw)


def test_rank_alignment_of_labels(rk, tf_oracle, rng):
    """(N,) labels against (N, 1) predictions and back: Keras's squeeze/expand rules."""
    yt = rng.standard_normal(7).astype("float32")
    yp = rng.standard_normal((7, 1)).astype("float32")
    sw = rng.random(7).astype("float32")
    for name in ("MeanSquaredError", "MeanAbsoluteError", "Huber", "LogCosh"):
        _compare_loss(rk, tf_oracle, getattr(ek.losses, name)(), getattr(rk.losses, name)(), yt, yp, sw)
        _compare_loss(rk, tf_oracle, getattr(ek.losses, name)(), getattr(rk.losses, name)(),
                      yp, yt, sw, grad=False)


def test_cosine_similarity_axis(rk, tf_oracle, rng):
    yt, yp = _data("normal", (4, 3, 5), rng)
    for axis in (-1, 1, 2):
        _compare_loss(rk, tf_oracle, ek.losses.CosineSimilarity(axis=axis), rk.losses.CosineSimilarity(axis=axis),
                      yt, yp, None)


# ---------------------------------------------------------------------------
# Cross-entropies
@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.2])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
def test_binary_crossentropy(rk, tf_oracle, rng, from_logits, label_smoothing, reduction):
    yt, yp = _data("binary", (6, 4), rng)
    if from_logits:
        yp = rng.standard_normal((6, 4)).astype("float32") * 3
    kw = dict(from_logits=from_logits, label_smoothing=label_smoothing, reduction=reduction)
    for sw in _weight_cases(reduction, 6, None, rng).values():
        _compare_loss(rk, tf_oracle, ek.losses.BinaryCrossentropy(**kw), rk.losses.BinaryCrossentropy(**kw),
                      yt, yp, sw)
    # axis=0 averages over the batch axis instead.
    kw["axis"] = 0
    _compare_loss(rk, tf_oracle, ek.losses.BinaryCrossentropy(**kw), rk.losses.BinaryCrossentropy(**kw), yt, yp, None)


def test_binary_crossentropy_label_shapes(rk, tf_oracle, rng):
    """(N,) labels with (N, 1) probabilities, and saturated probabilities clipped to [eps, 1-eps]."""
    yt = (rng.random(8) > 0.5).astype("float32")
    yp = rng.uniform(0, 1, (8, 1)).astype("float32")
    yp[0, 0], yp[1, 0] = 0.0, 1.0
    sw = rng.random(8).astype("float32")
    _compare_loss(rk, tf_oracle, ek.losses.BinaryCrossentropy(), rk.losses.BinaryCrossentropy(), yt, yp, sw)


@pytest.mark.parametrize("apply_class_balancing", [False, True])
@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_focal_crossentropy(rk, tf_oracle, rng, apply_class_balancing, from_logits):
    yt, yp = _data("binary", (6, 4), rng)
    if from_logits:
        yp = rng.standard_normal((6, 4)).astype("float32") * 2
    for gamma, ls in ((2.0, 0.0), (1.5, 0.1)):
        kw = dict(apply_class_balancing=apply_class_balancing, alpha=0.3, gamma=gamma, from_logits=from_logits,
                  label_smoothing=ls)
        _compare_loss(rk, tf_oracle, ek.losses.BinaryFocalCrossentropy(**kw), rk.losses.BinaryFocalCrossentropy(**kw),
                      yt, yp, rng.random(6).astype("float32"))


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
def test_categorical_crossentropy(rk, tf_oracle, rng, from_logits, label_smoothing, reduction):
    yt, logits = _data("onehot", (6, 5), rng)
    yp = logits if from_logits else rng.random((6, 5)).astype("float32") + 0.01  # unnormalised: renormalised
    kw = dict(from_logits=from_logits, label_smoothing=label_smoothing, reduction=reduction)
    for sw in _weight_cases(reduction, 6, None, rng).values():
        _compare_loss(rk, tf_oracle, ek.losses.CategoricalCrossentropy(**kw), rk.losses.CategoricalCrossentropy(**kw),
                      yt, yp, sw)


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_crossentropy_axis(rk, tf_oracle, rng, from_logits):
    yt = np.eye(3, dtype="float32")[rng.integers(0, 3, (4, 5))].transpose(0, 2, 1).copy()  # classes on axis 1
    yp = rng.standard_normal((4, 3, 5)).astype("float32") if from_logits else rng.random((4, 3, 5)).astype("float32")
    for axis in ((1,) if from_logits else (1, -2)):  # Keras's TF xent op rejects negative axes != -1
        kw = dict(from_logits=from_logits, axis=axis, label_smoothing=0.1)
        _compare_loss(rk, tf_oracle, ek.losses.CategoricalCrossentropy(**kw), rk.losses.CategoricalCrossentropy(**kw),
                      yt, yp, rng.random((4, 5)).astype("float32"))


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_focal_crossentropy(rk, tf_oracle, rng, from_logits):
    yt, logits = _data("onehot", (6, 5), rng)
    yp = logits if from_logits else rng.random((6, 5)).astype("float32")
    kw = dict(alpha=0.4, gamma=1.5, from_logits=from_logits, label_smoothing=0.05)
    _compare_loss(rk, tf_oracle, ek.losses.CategoricalFocalCrossentropy(**kw),
                  rk.losses.CategoricalFocalCrossentropy(**kw), yt, yp, rng.random(6).astype("float32"))


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("ignore_class", [None, 2])
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
def test_sparse_categorical_crossentropy(rk, tf_oracle, rng, from_logits, ignore_class, reduction):
    labels = rng.integers(0, 5, 8)
    labels[:3] = 2  # make sure the ignored class occurs
    yp = rng.standard_normal((8, 5)).astype("float32")
    if not from_logits:
        yp = np.exp(yp) / np.exp(yp).sum(-1, keepdims=True)
    kw = dict(from_logits=from_logits, ignore_class=ignore_class, reduction=reduction)
    for yt in (labels.astype("float32"), labels.reshape(8, 1).astype("float32")):
        for sw in _weight_cases(reduction, 8, None, rng).values():
            _compare_loss(rk, tf_oracle, ek.losses.SparseCategoricalCrossentropy(**kw),
                          rk.losses.SparseCategoricalCrossentropy(**kw), yt, yp, sw)


@pytest.mark.parametrize("ignore_class", [None, 0])
def test_sparse_categorical_crossentropy_sequences(rk, tf_oracle, rng, ignore_class):
    """(N, T) labels against (N, T, C) scores; ignore_class masks padding steps."""
    labels = rng.integers(0, 4, (3, 6)).astype("float32")
    labels[:, -2:] = 0
    yp = rng.standard_normal((3, 6, 4)).astype("float32")
    for reduction in ("sum_over_batch_size", "sum", "none"):
        kw = dict(from_logits=True, ignore_class=ignore_class, reduction=reduction)
        for sw in (None, rng.random((3, 1)).astype("float32"), rng.random((3, 6)).astype("float32")):
            _compare_loss(rk, tf_oracle, ek.losses.SparseCategoricalCrossentropy(**kw),
                          rk.losses.SparseCategoricalCrossentropy(**kw), labels, yp, sw)


def test_integer_labels_are_cast(rk, tf_oracle, rng):
    """Integer label arrays go through the loss dtype (float32) like Keras's convert_to_tensor."""
    labels = rng.integers(0, 5, 8).astype("int32")
    yp = rng.standard_normal((8, 5)).astype("float32")
    a = ek.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, yp)
    b = rk.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, yp)
    _close(a, b)
    onehot = np.eye(5, dtype="int64")[labels]
    _close(ek.losses.CategoricalCrossentropy(from_logits=True)(onehot, yp),
           rk.losses.CategoricalCrossentropy(from_logits=True)(onehot, yp))


# ---------------------------------------------------------------------------
# Masks
def test_keras_mask_on_predictions(rk, tf_oracle, rng):
    tf = tf_oracle
    yt, yp = _data("normal", (5, 4, 3), rng)
    mask = rng.random((5, 4)) > 0.3
    for reduction in ("sum_over_batch_size", "sum", "none", "mean_with_sample_weight"):
        for sw in (None, rng.random((5, 1)).astype("float32"), rng.random((5, 4)).astype("float32")):
            ours_pred = engine.constant(yp)
            ours_pred._keras_mask = engine.constant(mask)
            theirs_pred = tf.constant(yp)
            theirs_pred._keras_mask = tf.constant(mask)
            a = ek.losses.MeanSquaredError(reduction=reduction)(yt, ours_pred, sample_weight=sw)
            b = rk.losses.MeanSquaredError(reduction=reduction)(yt, theirs_pred, sample_weight=sw)
            _close(a, b.numpy())


# ---------------------------------------------------------------------------
# The fused stable path (`_keras_logits`)
def _grad_wrt_logits(mod, act, loss, yt, logits):
    z = mod.constant(logits)
    with mod.GradientTape() as tape:
        tape.watch(z)
        value = loss(mod.constant(yt), act(z))
    return value, tape.gradient(value, z)


@pytest.mark.parametrize("case", ["categorical", "sparse", "binary"])
def test_fused_path_matches_keras_on_regular_inputs(rk, tf_oracle, rng, case):
    logits = rng.standard_normal((6, 5)).astype("float32")
    if case == "categorical":
        yt = np.eye(5, dtype="float32")[rng.integers(0, 5, 6)]
        ours, theirs = ek.losses.CategoricalCrossentropy(), rk.losses.CategoricalCrossentropy()
        act_e, act_k = ek.activations.softmax, rk.activations.softmax
    elif case == "sparse":
        yt = rng.integers(0, 5, 6).astype("float32")
        ours, theirs = ek.losses.SparseCategoricalCrossentropy(), rk.losses.SparseCategoricalCrossentropy()
        act_e, act_k = ek.activations.softmax, rk.activations.softmax
    else:
        yt = (rng.random((6, 5)) > 0.5).astype("float32")
        ours, theirs = ek.losses.BinaryCrossentropy(), rk.losses.BinaryCrossentropy()
        act_e, act_k = ek.activations.sigmoid, rk.activations.sigmoid
    va, ga = _grad_wrt_logits(engine, act_e, ours, yt, logits)
    vb, gb = _grad_wrt_logits(tf_oracle, act_k, theirs, yt, logits)
    _close(va, vb.numpy())
    _close(ga, gb.numpy())


@pytest.mark.parametrize("case", ["categorical", "sparse", "binary"])
def test_fused_path_is_stable_when_saturated(rk, tf_oracle, rng, case):
    """Outputs saturated to exactly 0/1 still give the finite logits-based loss (and gradient)."""
    logits = (rng.standard_normal((6, 5)) * 200).astype("float32")
    if case == "binary":
        yt = (rng.random((6, 5)) > 0.5).astype("float32")
        act, loss, ref = ek.activations.sigmoid, ek.losses.BinaryCrossentropy(), \
            ek.losses.BinaryCrossentropy(from_logits=True)
        kref = rk.losses.BinaryCrossentropy(from_logits=True)
    else:
        labels = rng.integers(0, 5, 6)
        yt = np.eye(5, dtype="float32")[labels] if case == "categorical" else labels.astype("float32")
        cls = "CategoricalCrossentropy" if case == "categorical" else "SparseCategoricalCrossentropy"
        act, loss, ref = ek.activations.softmax, getattr(ek.losses, cls)(), getattr(ek.losses, cls)(from_logits=True)
        kref = getattr(rk.losses, cls)(from_logits=True)
    probs = act(engine.constant(logits)).numpy()
    assert ((probs == 0.0) | (probs == 1.0)).any()  # really saturated
    value, grad = _grad_wrt_logits(engine, act, loss, yt, logits)
    ref_value, ref_grad = _grad_wrt_logits(engine, lambda z: z, ref, yt, logits)
    assert np.isfinite(value.numpy()) and np.all(np.isfinite(grad.numpy()))
    _close(value, ref_value)
    _close(grad, ref_grad)
    # The clipped probability path would be bounded by -log(1e-7) ≈ 16.1 per element; the fused one is not.
    assert float(value.numpy()) > 20.0
    kv = kref(tf_oracle.constant(yt), tf_oracle.constant(logits))
    _close(value, kv.numpy(), rtol=1e-5)


def test_plain_probabilities_use_the_clipped_path(rk, tf_oracle, rng):
    """A probability tensor with no cached logits is clipped to [eps, 1 - eps], like Keras."""
    yt = np.eye(4, dtype="float32")[[0, 1, 2, 3]]
    yp = np.eye(4, dtype="float32")[[1, 1, 3, 3]]  # exact zeros on two true classes
    a = ek.losses.CategoricalCrossentropy()(yt, yp)
    b = rk.losses.CategoricalCrossentropy()(yt, yp)
    _close(a, b)
    assert np.isfinite(float(a.numpy()))


def test_from_logits_on_activation_output_warns_and_uses_logits(rk, tf_oracle, rng):
    logits = rng.standard_normal((4, 3)).astype("float32")
    yt = np.eye(3, dtype="float32")[[0, 1, 2, 0]]
    probs = ek.activations.softmax(engine.constant(logits))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = ek.losses.CategoricalCrossentropy(from_logits=True)(yt, probs)
    assert any("from_logits=True" in str(w.message) for w in caught)
    _close(a, ek.losses.CategoricalCrossentropy(from_logits=True)(yt, logits))


# ---------------------------------------------------------------------------
# Function forms, get / serialize / deserialize
FUNCTIONS = [("mean_squared_error", "normal", {}), ("mean_absolute_error", "normal", {}),
             ("mean_absolute_percentage_error", "mape", {}), ("mean_squared_logarithmic_error", "positive", {}),
             ("huber", "normal", {"delta": 0.5}), ("log_cosh", "normal", {}), ("cosine_similarity", "normal", {}),
             ("poisson", "positive", {}), ("kl_divergence", "probs", {}), ("hinge", "binary", {}),
             ("squared_hinge", "signs", {}), ("categorical_hinge", "onehot", {}),
             ("binary_crossentropy", "binary", {"label_smoothing": 0.1}),
             ("categorical_crossentropy", "onehot", {"from_logits": True}),
             ("binary_focal_crossentropy", "binary", {"gamma": 1.0}),
             ("categorical_focal_crossentropy", "probs", {})]


@pytest.mark.parametrize("fn,kind,kwargs", FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
def test_loss_functions(rk, tf_oracle, rng, fn, kind, kwargs):
    yt, yp = _data(kind, (5, 4), rng)
    _close(getattr(ek.losses, fn)(yt, yp, **kwargs), getattr(rk.losses, fn)(yt, yp, **kwargs).numpy())


def test_sparse_categorical_crossentropy_function(rk, tf_oracle, rng):
    labels = rng.integers(0, 4, 6)
    yp = rng.standard_normal((6, 4)).astype("float32")
    _close(ek.losses.sparse_categorical_crossentropy(labels, yp, from_logits=True),
           rk.losses.sparse_categorical_crossentropy(labels, yp, from_logits=True).numpy())


ALIASES = ["mse", "mae", "mape", "msle", "kld", "bce", "MSE", "binary_crossentropy", "categorical_crossentropy",
           "sparse_categorical_crossentropy", "kl_divergence", "huber", "log_cosh", "hinge", "squared_hinge",
           "categorical_hinge", "poisson", "cosine_similarity", "mean_squared_error", "MeanSquaredError",
           "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "BinaryCrossentropy", "Huber", "LogCosh",
           "KLDivergence", "CosineSimilarity", "Hinge", "Poisson"]


@pytest.mark.parametrize("name", ALIASES)
def test_get_by_name(rk, tf_oracle, rng, name):
    ours, theirs = ek.losses.get(name), rk.losses.get(name)
    assert isinstance(ours, ek.losses.Loss) == isinstance(theirs, rk.losses.Loss)
    if isinstance(ours, ek.losses.Loss):
        assert type(ours).__name__ == type(theirs).__name__
        assert ours.get_config() == theirs.get_config()
    else:
        assert ours.__name__ == theirs.__name__
    labels = rng.integers(0, 3, 4)
    yt = labels.astype("float32") if "sparse" in name.lower() else np.eye(3, dtype="float32")[labels]
    yp = rng.uniform(0.05, 0.95, (4, 3)).astype("float32")
    _close(ours(yt, yp), theirs(yt, yp).numpy())


def test_get_other_identifiers(rk):
    assert ek.losses.get(None) is None
    loss = ek.losses.Huber(delta=0.3)
    assert ek.losses.get(loss) is loss
    assert isinstance(ek.losses.get(ek.losses.Poisson), ek.losses.Poisson)
    made = ek.losses.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert isinstance(made, ek.losses.CategoricalCrossentropy) and made.from_logits
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        ek.losses.get("no_such_loss")
    with pytest.raises(ValueError, match="reduction"):
        ek.losses.MeanSquaredError(reduction="average")


CONFIG_CASES = [("MeanSquaredError", {}), ("Huber", {"delta": 2.0}), ("CosineSimilarity", {"axis": 1}),
                ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1, "axis": 0}),
                ("CategoricalCrossentropy", {"label_smoothing": 0.2, "reduction": "sum"}),
                ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 3, "name": "scce"}),
                ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "gamma": 3.0}),
                ("CategoricalFocalCrossentropy", {"alpha": 0.5}), ("Dice", {"axis": 1}),
                ("Tversky", {"alpha": 0.2, "beta": 0.8}), ("KLDivergence", {"reduction": None})]


@pytest.mark.parametrize("name,kwargs", CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_config_and_serialization_match_keras(rk, name, kwargs):
    ours = getattr(ek.losses, name)(**kwargs)
    theirs = getattr(rk.losses, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert ek.losses.serialize(ours) == rk.losses.serialize(theirs)
    again = ek.losses.deserialize(ek.losses.serialize(ours))
    assert type(again) is type(ours) and again.get_config() == ours.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_function_serialization_and_wrapper(rk):
    assert ek.losses.serialize(ek.losses.mean_squared_error) == rk.losses.serialize(rk.losses.mean_squared_error)
    assert ek.losses.deserialize(ek.losses.serialize(ek.losses.huber)) is ek.losses.huber
    from keras.src.losses.losses import LossFunctionWrapper
    ours = ek.losses.LossFunctionWrapper(ek.losses.huber, name="w", delta=0.5)
    theirs = LossFunctionWrapper(rk.losses.huber, name="w", delta=0.5)
    assert ours.get_config() == theirs.get_config()
    back = ek.losses.LossFunctionWrapper.from_config(ours.get_config())
    assert back.fn is ek.losses.huber and back._fn_kwargs == {"delta": 0.5}


def test_default_names(rk):
    assert ek.losses.MeanSquaredError().name == "mean_squared_error"
    assert ek.losses.Huber().name == "huber_loss"
    assert ek.losses.LossFunctionWrapper(ek.losses.mean_squared_error).name.startswith("loss_function_wrapper")
    assert rk.losses.Huber().name == "huber_loss"


class _Custom(ek.losses.Loss):
    def call(self, y_true, y_pred):
        return engine.reduce_mean(engine.abs(y_true - y_pred) ** 3, axis=-1)


def test_custom_subclass(rk, tf_oracle, rng):
    class KCustom(rk.losses.Loss):
        def call(self, y_true, y_pred):
            return rk.ops.mean(rk.ops.abs(y_true - y_pred) ** 3, axis=-1)

    yt, yp = _data("normal", (5, 3), rng)
    sw = rng.random(5).astype("float32")
    _compare_loss(rk, tf_oracle, _Custom(), KCustom(), yt, yp, sw)
    assert _Custom().name.startswith("private__custom")  # Keras's to_snake_case of a leading "_"


# ---------------------------------------------------------------------------
# Inside engine.function
def test_losses_inside_function_replay(rk, tf_oracle, rng):
    """A traced loss (+ gradient) is replayed with new data: values stay correct, not frozen."""
    loss_e = ek.losses.SparseCategoricalCrossentropy()
    loss_k = rk.losses.SparseCategoricalCrossentropy()
    w = engine.Variable(rng.standard_normal((3, 4)).astype("float32"))

    @engine.function
    def step(x, y, sw):
        with engine.GradientTape() as tape:
            probs = ek.activations.softmax(engine.matmul(x, w))
            value = loss_e(y, probs, sample_weight=sw)
        return value, tape.gradient(value, w)

    wk = tf_oracle.Variable(w.numpy())
    for _ in range(3):
        x = rng.standard_normal((5, 3)).astype("float32")
        y = rng.integers(0, 4, 5).astype("int32")
        sw = rng.random(5).astype("float32")
        value, grad = step(engine.constant(x), engine.constant(y), engine.constant(sw))
        with tf_oracle.GradientTape() as tape:
            kvalue = loss_k(y, rk.activations.softmax(tf_oracle.matmul(x, wk)), sample_weight=sw)
        _close(value, kvalue.numpy())
        _close(grad, tape.gradient(kvalue, wk).numpy())


def test_hinge_label_conversion_is_traced(rk, tf_oracle, rng):
    """The {0,1} → {-1,1} switch is decided by tensor values: a trace must not freeze it."""
    hinge = ek.losses.Hinge()
    fn = engine.function(lambda yt, yp: hinge(yt, yp))
    yp = rng.standard_normal((4, 3)).astype("float32")
    binary = (rng.random((4, 3)) > 0.5).astype("float32")
    signs = np.where(binary > 0, 1.0, -0.5).astype("float32")  # not binary: left as is
    for yt in (binary, signs, binary):
        _close(fn(engine.constant(yt), engine.constant(yp)), rk.losses.Hinge()(yt, yp).numpy())
