"""engine.keras.metrics against real Keras 3 (TF backend) on identical inputs.

Each metric sees several ``update_state`` calls with sample weights, then
``result()``; then ``reset_state()``.  The same updates also run inside an
``engine.function`` trace that is replayed with new batches: the running
results must keep matching Keras (state lives in variables, nothing frozen).
"""
from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import keras as ek

RTOL = 1e-5
ATOL = 1e-6
N = 12


@pytest.fixture(scope="module")
def rk(tf_oracle):
    """Real Keras 3 on the TF backend."""
    import keras
    assert keras.backend.backend() == "tensorflow"
    return keras


def _close(a, b, rtol=RTOL, atol=ATOL):
    np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=rtol, atol=atol)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def _batch(kind, rng):
    """One (y_true, y_pred) batch of N samples for a data kind."""
    if kind == "binary":
        return (rng.random((N, 1)) > 0.5).astype("float32"), rng.random((N, 1)).astype("float32")
    if kind == "binary_flat":
        return (rng.random(N) > 0.5).astype("float32"), rng.random(N).astype("float32")
    if kind == "multilabel":
        return (rng.random((N, 4)) > 0.5).astype("float32"), rng.random((N, 4)).astype("float32")
    if kind == "logits":
        return (rng.random((N, 1)) > 0.5).astype("float32"), rng.standard_normal((N, 1)).astype("float32") * 2
    if kind == "onehot":
        return np.eye(5, dtype="float32")[rng.integers(0, 5, N)], _softmax(rng.standard_normal((N, 5)))
    if kind == "onehot_logits":
        return np.eye(5, dtype="float32")[rng.integers(0, 5, N)], rng.standard_normal((N, 5)).astype("float32")
    if kind == "sparse":
        return rng.integers(0, 5, N).astype("float32"), _softmax(rng.standard_normal((N, 5)))
    if kind == "sparse_col":
        return rng.integers(0, 5, (N, 1)).astype("int32"), _softmax(rng.standard_normal((N, 5)))
    if kind == "sorted_ids":
        return rng.integers(0, 5, N).astype("int32"), np.argsort(-rng.random((N, 5)), axis=-1).astype("int32")
    if kind == "classes":
        return rng.integers(0, 3, (N, 2)).astype("float32"), rng.integers(0, 3, (N, 2)).astype("float32")
    if kind == "positive":
        return rng.random((N, 3)).astype("float32") + 0.1, rng.random((N, 3)).astype("float32") + 0.1
    if kind == "probs":
        return _softmax(rng.standard_normal((N, 3))), _softmax(rng.standard_normal((N, 3)))
    if kind == "signs":
        return np.where(rng.random((N, 3)) > 0.5, 1.0, -1.0).astype("float32"), \
            rng.standard_normal((N, 3)).astype("float32")
    if kind == "mape":
        return rng.uniform(0.5, 2, (N, 3)).astype("float32"), rng.standard_normal((N, 3)).astype("float32")
    return rng.standard_normal((N, 3)).astype("float32"), rng.standard_normal((N, 3)).astype("float32")


def _weights(i, rng, kind):
    """Batch i's sample weights: (N,), none, (N, 1) in turn ((N, 1) does not fit 1-D data, in Keras either)."""
    column = rng.random(N).astype("float32") if kind.endswith("_flat") else rng.random((N, 1)).astype("float32")
    return [rng.random(N).astype("float32"), None, column][i % 3]


# (class name, constructor kwargs, data kind)
CASES = [
    ("Accuracy", {}, "classes"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary_flat"),
    ("CategoricalAccuracy", {}, "onehot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("SparseCategoricalAccuracy", {}, "sparse_col"),
    ("TopKCategoricalAccuracy", {"k": 2}, "onehot"),
    ("TopKCategoricalAccuracy", {}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, "sparse_col"),
    ("SparseTopKCategoricalAccuracy", {"k": 2, "from_sorted_ids": True}, "sorted_ids"),
    ("Precision", {}, "binary"),
    ("Precision", {"thresholds": [0.3, 0.6]}, "multilabel"),
    ("Precision", {"top_k": 2}, "multilabel"),
    ("Precision", {"class_id": 1}, "multilabel"),
    ("Precision", {"top_k": 2, "class_id": 3, "thresholds": 0.4}, "multilabel"),
    ("Recall", {}, "binary_flat"),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "multilabel"),
    ("Recall", {"top_k": 1}, "multilabel"),
    ("Recall", {"class_id": 2}, "multilabel"),
    ("TruePositives", {}, "binary"),
    ("FalsePositives", {"thresholds": [0.2, 0.5, 0.8]}, "multilabel"),
    ("TrueNegatives", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "binary"),
    ("FalseNegatives", {}, "binary_flat"),
    ("AUC", {}, "binary"),
    ("AUC", {"curve": "PR"}, "binary"),
    ("AUC", {"curve": "PRGAIN"}, "binary"),
    ("AUC", {"summation_method": "minoring"}, "multilabel"),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, "binary_flat"),
    ("AUC", {"num_thresholds": 17}, "binary"),
    ("AUC", {"thresholds": [0.1, 0.45, 0.9]}, "binary"),
    ("AUC", {"thresholds": [0.25, 0.5, 0.75]}, "multilabel"),
    ("AUC", {"from_logits": True}, "logits"),
    ("AUC", {"multi_label": True, "num_labels": 4, "curve": "PR"}, "multilabel"),
    ("AUC", {"multi_label": True, "label_weights": [0.1, 0.2, 0.3, 0.4]}, "multilabel"),
    ("AUC", {"label_weights": [0.5, 1.0, 2.0, 0.0]}, "multilabel"),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, "binary"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.6, "num_thresholds": 50}, "binary"),
    ("PrecisionAtRecall", {"recall": 0.5, "class_id": 2}, "multilabel"),
    ("RecallAtPrecision", {"precision": 0.6}, "binary_flat"),
    ("SensitivityAtSpecificity", {"specificity": 0.4, "num_thresholds": 1}, "binary"),
    ("MeanSquaredError", {}, "normal"),
    ("RootMeanSquaredError", {}, "normal"),
    ("MeanAbsoluteError", {}, "normal"),
    ("MeanAbsolutePercentageError", {}, "mape"),
    ("MeanSquaredLogarithmicError", {}, "positive"),
    ("CosineSimilarity", {}, "normal"),
    ("LogCoshError", {}, "normal"),
    ("R2Score", {}, "normal"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "normal"),
    ("R2Score", {"class_aggregation": None, "num_regressors": 2}, "normal"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "logits"),
    ("CategoricalCrossentropy", {}, "onehot"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"ignore_class": 1}, "sparse_col"),
    ("KLDivergence", {}, "probs"),
    ("Poisson", {}, "positive"),
    ("Hinge", {}, "binary"),
    ("SquaredHinge", {}, "signs"),
    ("CategoricalHinge", {}, "onehot"),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}-{d}" for n, kw, d in CASES]


def _make_batches(kind, rng, count=3):
    out = []
    for i in range(count):
        yt, yp = _batch(kind, rng)
        out.append((yt, yp, _weights(i, rng, kind)))
    return out


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=IDS)
def test_metric_matches_keras(rk, tf_oracle, rng, name, kwargs, kind):
    ours, theirs = getattr(ek.metrics, name)(**kwargs), getattr(rk.metrics, name)(**kwargs)
    for yt, yp, sw in _make_batches(kind, rng):
        ours.update_state(yt, yp, sample_weight=sw)
        theirs.update_state(yt, yp, sample_weight=sw)
        _close(ours.result(), theirs.result().numpy())
    assert len(ours.variables) == len(theirs.variables)
    assert [tuple(v.shape) for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
    assert [v.path for v in ours.variables] == [v.path.replace(theirs.name, ours.name, 1) for v in theirs.variables]
    ours.reset_state()
    theirs.reset_state()
    _close(ours.result(), theirs.result().numpy())
    yt, yp, sw = _make_batches(kind, rng, 1)[0]
    _close(ours(yt, yp, sample_weight=sw), theirs(yt, yp, sample_weight=sw).numpy())


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=IDS)
def test_metric_inside_function(rng, name, kwargs, kind):
    """The update is traced once and replayed on new batches: the running result equals the eager
    metric's (which ``test_metric_matches_keras`` ties to Keras) after every step."""
    traced, eager = getattr(ek.metrics, name)(**kwargs), getattr(ek.metrics, name)(**kwargs)
    batches = _make_batches(kind, rng, 4)
    sw = rng.random(N).astype("float32")

    @engine.function
    def step(yt, yp, sw):
        traced.update_state(yt, yp, sample_weight=sw)
        return traced.result()

    for yt, yp, _ in batches:
        got = step(engine.constant(yt), engine.constant(yp), engine.constant(sw))
        eager.update_state(yt, yp, sample_weight=sw)
        np.testing.assert_allclose(np.asarray(got), np.asarray(eager.result()), rtol=1e-6, atol=1e-7)
    traced.reset_state()
    eager.reset_state()
    np.testing.assert_allclose(np.asarray(traced.result()), np.asarray(eager.result()))  # nan-aware


@pytest.mark.parametrize("name,kwargs,kind", [
    ("SparseCategoricalAccuracy", {}, "sparse"), ("BinaryAccuracy", {}, "binary"),
    ("AUC", {}, "binary"), ("Precision", {"top_k": 2}, "multilabel"), ("RootMeanSquaredError", {}, "normal"),
    ("CategoricalCrossentropy", {}, "onehot")])
def test_traced_metric_matches_keras(rk, tf_oracle, rng, name, kwargs, kind):
    """Replays of one trace against Keras's running results directly."""
    ours, theirs = getattr(ek.metrics, name)(**kwargs), getattr(rk.metrics, name)(**kwargs)
    sw = rng.random(N).astype("float32")
    step = engine.function(lambda yt, yp, sw: (ours.update_state(yt, yp, sample_weight=sw), ours.result())[1])
    for yt, yp, _ in _make_batches(kind, rng, 3):
        got = step(engine.constant(yt), engine.constant(yp), engine.constant(sw))
        theirs.update_state(yt, yp, sample_weight=sw)
        _close(got, theirs.result().numpy())


def test_mean_and_sum(rk, tf_oracle, rng):
    for cls in ("Mean", "Sum"):
        ours, theirs = getattr(ek.metrics, cls)(), getattr(rk.metrics, cls)()
        for values, sw in [(rng.standard_normal(6), rng.random(6)), (rng.standard_normal((4, 3)), None),
                           (rng.standard_normal((4, 3)), rng.random(4)), (rng.standard_normal((4, 3)), rng.random((4, 3))),
                           (rng.standard_normal((2, 3, 2)), rng.random((2, 3))), (np.float32(2.5), 3),
                           (np.float32(1.5), None)]:
            values = np.asarray(values, dtype="float32")
            ours.update_state(values, sample_weight=sw)
            theirs.update_state(values, sample_weight=sw)
            _close(ours.result(), theirs.result().numpy())
        assert ours.get_config() == theirs.get_config()
        ours.reset_state()
        _close(ours.result(), 0.0)


def test_mean_inside_function_like_the_loss_tracker(rk, tf_oracle, rng):
    """The trainer's loss tracker: ``update_state(loss, sample_weight=batch_size)`` in a traced step."""
    ours, theirs = ek.metrics.Mean(name="loss"), rk.metrics.Mean(name="loss")
    step = engine.function(lambda v: (ours.update_state(v, sample_weight=8), ours.result())[1])
    for _ in range(3):
        v = np.float32(rng.random())
        got = step(engine.constant(v))
        theirs.update_state(v, sample_weight=8)
        _close(got, theirs.result().numpy())


def test_mean_metric_wrapper(rk, tf_oracle, rng):
    ours = ek.metrics.MeanMetricWrapper(ek.losses.mean_squared_error, name="wrapped")
    theirs = rk.metrics.MeanMetricWrapper(rk.losses.mean_squared_error, name="wrapped")
    for i, (yt, yp, sw) in enumerate(_make_batches("normal", rng)):
        ours.update_state(yt, yp, sample_weight=sw)
        theirs.update_state(yt, yp, sample_weight=sw)
    _close(ours.result(), theirs.result().numpy())
    assert ours.get_config() == theirs.get_config()
    back = ek.metrics.MeanMetricWrapper.from_config(ours.get_config())
    assert back._fn is ek.losses.mean_squared_error and back.name == "wrapped"
    assert ours._direction == "down"
    with_kwargs = ek.metrics.MeanMetricWrapper(ek.losses.huber, delta=0.3)
    assert with_kwargs.get_config()["delta"] == 0.3


def test_mask_on_predictions(rk, tf_oracle, rng):
    """A ``_keras_mask`` on ``y_pred`` zeroes the masked samples' weights."""
    tf = tf_oracle
    yt, yp = rng.standard_normal((6, 4, 2)).astype("float32"), rng.standard_normal((6, 4, 2)).astype("float32")
    mask = rng.random((6, 4)) > 0.4
    ours, theirs = ek.metrics.MeanSquaredError(), rk.metrics.MeanSquaredError()
    for sw in (None, rng.random((6, 4)).astype("float32")):
        p_e, p_k = engine.constant(yp), tf.constant(yp)
        p_e._keras_mask, p_k._keras_mask = engine.constant(mask), tf.constant(mask)
        ours.update_state(yt, p_e, sample_weight=sw)
        theirs.update_state(yt, p_k, sample_weight=sw)
        _close(ours.result(), theirs.result().numpy())


def test_sparse_crossentropy_ignore_class_mask(rk, tf_oracle, rng):
    """The loss's own mask (ignore_class) is applied when sample weights are given, as Keras does."""
    ours = ek.metrics.SparseCategoricalCrossentropy(ignore_class=0)
    theirs = rk.metrics.SparseCategoricalCrossentropy(ignore_class=0)
    labels = rng.integers(0, 3, (N, 5)).astype("float32")
    probs = _softmax(rng.standard_normal((N, 5, 3)))
    for sw in (rng.random((N, 5)).astype("float32"), None):
        ours.update_state(labels, probs, sample_weight=sw)
        theirs.update_state(labels, probs, sample_weight=sw)
        _close(ours.result(), theirs.result().numpy())


# ---------------------------------------------------------------------------
# get / serialize / deserialize / config
NAMES = ["accuracy", "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
         "top_k_categorical_accuracy", "sparse_top_k_categorical_accuracy", "mse", "mae", "mape", "msle", "bce",
         "MSE", "mean_squared_error", "root_mean_squared_error", "auc", "AUC", "precision", "Recall",
         "true_positives", "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
         "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge", "cosine_similarity",
         "log_cosh_error", "r2_score", "mean", "sum", "Mean"]


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(rk, name):
    ours, theirs = ek.metrics.get(name), rk.metrics.get(name)
    assert type(ours).__name__ == type(theirs).__name__
    assert isinstance(ours, ek.metrics.Metric)
    assert ours.get_config() == {**theirs.get_config(), "name": ours.name}


def test_get_other_identifiers(rk):
    assert ek.metrics.get(None) is None
    m = ek.metrics.AUC()
    assert ek.metrics.get(m) is m
    assert ek.metrics.get(ek.metrics.binary_accuracy) is ek.metrics.binary_accuracy
    assert isinstance(ek.metrics.get(ek.metrics.Precision), ek.metrics.Precision)
    made = ek.metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.3}})
    assert isinstance(made, ek.metrics.BinaryAccuracy) and made.threshold == 0.3
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        ek.metrics.get("acc")  # compile resolves "acc"; get does not (as in Keras)


def _plain(config):
    """Config values that are tensors (AUC's label_weights, in Keras too) as lists."""
    return {k: np.asarray(v).tolist() if hasattr(v, "shape") else v for k, v in config.items()}


@pytest.mark.parametrize("name,kwargs,kind", CASES, ids=IDS)
def test_config_matches_keras(rk, name, kwargs, kind):
    ours, theirs = getattr(ek.metrics, name)(name="m", **kwargs), getattr(rk.metrics, name)(name="m", **kwargs)
    assert _plain(ours.get_config()) == _plain(theirs.get_config())
    assert ek.metrics.serialize(ours) == rk.metrics.serialize(theirs)
    again = ek.metrics.deserialize(ek.metrics.serialize(ours))
    assert type(again) is type(ours) and _plain(again.get_config()) == _plain(ours.get_config())


def test_default_names_and_directions(rk):
    for cls in ("AUC", "Precision", "Recall", "TruePositives", "Mean", "BinaryAccuracy", "RootMeanSquaredError"):
        ours = getattr(ek.metrics, cls)()
        theirs = getattr(rk.metrics, cls)()
        base = theirs.name.rsplit("_", 1)[0] if theirs.name[-1].isdigit() else theirs.name
        assert ours.name == base or ours.name.startswith(base + "_")
        assert getattr(ours, "_direction", None) == getattr(theirs, "_direction", None)


def test_stateless_api(rk, tf_oracle, rng):
    m = ek.metrics.Mean()
    m.update_state(np.float32(4.0))
    state = [engine.constant(np.float32(10.0)), engine.constant(np.float32(2.0))]
    new_state = m.stateless_update_state(state, np.float32(2.0))
    _close(new_state[0], 12.0)
    _close(new_state[1], 3.0)
    _close(m.stateless_result(new_state), 4.0)
    _close(m.result(), 4.0)  # the variables are untouched
    _close(m.stateless_reset_state()[0], 0.0)


class _Custom(ek.metrics.Metric):
    def __init__(self, name="custom", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.inner = ek.metrics.Mean(name="inner")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.total.assign_add(engine.reduce_sum(engine.cast(engine.equal(y_true, y_pred), "float32")))
        self.inner.update_state(y_pred)

    def result(self):
        return self.total + self.inner.result()


def test_custom_metric_subclass(rng):
    m = _Custom()
    assert [v.path for v in m.variables] == ["custom/total", "inner/total", "inner/count"]
    yt = np.array([1.0, 2.0, 3.0], dtype="float32")
    m.update_state(yt, np.array([1.0, 0.0, 3.0], dtype="float32"))
    _close(m.result(), 2.0 + 4.0 / 3.0)
    m.reset_state()
    _close(m.result(), 0.0)

    class Broken(ek.metrics.Metric):
        def __init__(self):
            self.v = self.add_variable(shape=(), initializer="zeros", name="v")

    with pytest.raises(RuntimeError, match="super"):
        Broken()
