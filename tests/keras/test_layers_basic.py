"""Basic layers (core, activations, regularization, reshaping, merging, preprocessing) vs real Keras 3.

Each case builds the same layer in our engine and in real Keras (same config,
same weights) and compares outputs, symbolic output shapes, gradients of
``sum(output * r)`` w.r.t. inputs and weights, ``get_config()`` and
``from_config`` round trips.  Further tests cover masks, random layers'
statistics, ``Normalization.adapt`` and error messages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest

import engine as tf
from engine import keras as ek


def _affine(x):
    """A named function for Lambda (plain operators work on both libraries' tensors)."""
    return x * 2.0 + 1.0


@dataclass
class Case:
    id: str
    make: Callable[[Any], Any]           # k (engine.keras or keras) -> layer
    shapes: list                          # full input shapes (batch first); several = a list input
    kind: str = "float"                   # "float" or "int"
    high: int = 10                        # exclusive bound of int inputs
    deterministic: bool = True            # compare training=True outputs too
    grad: bool = True
    sym: list | None = None               # extra symbolic input shapes (without batch), one list per input
    init: Callable | None = None          # (rng, our_layer) -> weights to set before comparing
    multi: bool = False
    tol: float = 1e-5


def _rand_alpha(rng, layer):
    return [rng.uniform(0.05, 0.5, size=tuple(w.shape)).astype("float32") for w in layer.weights]


def _norm_stats(rng, layer):
    mean, var, count = layer.weights
    return [rng.normal(size=tuple(mean.shape)).astype("float32"),
            rng.uniform(0.5, 2.0, size=tuple(var.shape)).astype("float32"), np.array(7, dtype="int64")]


def _emb_table(rng, layer):
    return [rng.normal(size=tuple(w.shape)).astype("float32") for w in layer.weights]


CASES = [
    # -- core
    Case("activation_tanh", lambda k: k.layers.Activation("tanh"), [(4, 5)], sym=[[(None,)]]),
    Case("activation_softmax", lambda k: k.layers.Activation("softmax"), [(3, 2, 5)]),
    Case("embedding", lambda k: k.layers.Embedding(10, 3), [(4, 6)], kind="int", init=_emb_table,
         sym=[[(None,)]]),
    Case("embedding_mask_zero", lambda k: k.layers.Embedding(7, 2, mask_zero=True), [(3, 5)], kind="int",
         high=7, init=_emb_table),
    Case("masking", lambda k: k.layers.Masking(), [(3, 5, 4)], sym=[[(None, 4)]]),
    Case("masking_value", lambda k: k.layers.Masking(mask_value=0.5), [(3, 5, 2)]),
    Case("lambda_named", lambda k: k.layers.Lambda(_affine), [(3, 4)]),
    Case("lambda_activation", lambda k: k.layers.Lambda(k.activations.relu), [(3, 4)]),
    Case("lambda_output_shape", lambda k: k.layers.Lambda(_affine, output_shape=(4,)), [(3, 4)]),
    Case("identity", lambda k: k.layers.Identity(), [(3, 4)]),
    # -- activations
    Case("relu", lambda k: k.layers.ReLU(), [(4, 6)]),
    Case("relu6", lambda k: k.layers.ReLU(max_value=6.0), [(4, 6)]),
    Case("relu_full", lambda k: k.layers.ReLU(max_value=1.5, negative_slope=0.1, threshold=0.3), [(4, 6)]),
    Case("relu_slope", lambda k: k.layers.ReLU(negative_slope=0.2), [(4, 6)]),
    Case("leaky_relu", lambda k: k.layers.LeakyReLU(), [(4, 6)]),
    Case("leaky_relu_01", lambda k: k.layers.LeakyReLU(negative_slope=0.1), [(4, 6)]),
    Case("prelu", lambda k: k.layers.PReLU(), [(3, 4, 5)], init=_rand_alpha),
    Case("prelu_shared", lambda k: k.layers.PReLU(shared_axes=[1, 2]), [(2, 3, 4, 5)], init=_rand_alpha,
         sym=[[(None, None, 5)]]),
    Case("elu", lambda k: k.layers.ELU(), [(4, 6)]),
    Case("elu_alpha", lambda k: k.layers.ELU(alpha=0.5), [(4, 6)]),
    Case("softmax", lambda k: k.layers.Softmax(), [(4, 6)]),
    Case("softmax_axis1", lambda k: k.layers.Softmax(axis=1), [(3, 4, 5)]),
    Case("softmax_multi_axis", lambda k: k.layers.Softmax(axis=[1, 2]), [(3, 4, 5)]),
    # -- regularization (random only with training=True)
    Case("dropout", lambda k: k.layers.Dropout(0.5), [(4, 6)], deterministic=False),
    Case("dropout_noise_shape", lambda k: k.layers.Dropout(0.3, noise_shape=(None, 1, 4), seed=3), [(2, 3, 4)],
         deterministic=False),
    Case("spatial_dropout1d", lambda k: k.layers.SpatialDropout1D(0.2), [(2, 3, 4)], deterministic=False),
    Case("spatial_dropout2d", lambda k: k.layers.SpatialDropout2D(0.2, seed=1), [(2, 3, 4, 5)],
         deterministic=False),
    Case("spatial_dropout2d_cf", lambda k: k.layers.SpatialDropout2D(0.2, data_format="channels_first"),
         [(2, 3, 4, 5)], deterministic=False),
    Case("gaussian_noise", lambda k: k.layers.GaussianNoise(0.1, seed=2), [(4, 6)], deterministic=False),
    Case("gaussian_dropout", lambda k: k.layers.GaussianDropout(0.2), [(4, 6)], deterministic=False),
    Case("alpha_dropout", lambda k: k.layers.AlphaDropout(0.2, noise_shape=(None, 6)), [(4, 6)],
         deterministic=False),
    Case("activity_regularization", lambda k: k.layers.ActivityRegularization(l1=0.01, l2=0.02), [(4, 6)]),
    # -- reshaping
    Case("flatten", lambda k: k.layers.Flatten(), [(2, 3, 4)], sym=[[(None, 4)], [(3, 4)]]),
    Case("flatten_cf", lambda k: k.layers.Flatten(data_format="channels_first"), [(2, 3, 4, 5)]),
    Case("reshape", lambda k: k.layers.Reshape((2, -1)), [(2, 6)]),
    Case("reshape_unknown", lambda k: k.layers.Reshape((-1, 2)), [(2, 3, 4)], sym=[[(None, 4)]]),
    Case("reshape_full", lambda k: k.layers.Reshape((3, 2, 2)), [(2, 12)]),
    Case("permute", lambda k: k.layers.Permute((2, 1)), [(2, 3, 4)], sym=[[(None, 4)]]),
    Case("permute3", lambda k: k.layers.Permute((3, 1, 2)), [(2, 3, 4, 5)]),
    Case("repeat_vector", lambda k: k.layers.RepeatVector(3), [(2, 4)]),
    Case("zero_padding1d", lambda k: k.layers.ZeroPadding1D(2), [(2, 3, 4)], sym=[[(None, 4)]]),
    Case("zero_padding1d_asym", lambda k: k.layers.ZeroPadding1D((1, 3)), [(2, 3, 4)]),
    Case("zero_padding2d", lambda k: k.layers.ZeroPadding2D(), [(2, 3, 4, 2)], sym=[[(None, None, 2)]]),
    Case("zero_padding2d_asym", lambda k: k.layers.ZeroPadding2D(((1, 0), (2, 3))), [(2, 3, 4, 2)]),
    Case("zero_padding2d_cf", lambda k: k.layers.ZeroPadding2D(1, data_format="channels_first"),
         [(2, 2, 3, 4)]),
    Case("cropping1d", lambda k: k.layers.Cropping1D((1, 2)), [(2, 6, 3)], sym=[[(None, 3)]]),
    Case("cropping1d_end0", lambda k: k.layers.Cropping1D((2, 0)), [(2, 6, 3)]),
    Case("cropping2d", lambda k: k.layers.Cropping2D(((1, 0), (0, 2))), [(2, 5, 6, 3)],
         sym=[[(None, None, 3)]]),
    Case("cropping2d_cf", lambda k: k.layers.Cropping2D(1, data_format="channels_first"), [(2, 3, 5, 6)]),
    Case("up_sampling1d", lambda k: k.layers.UpSampling1D(3), [(2, 3, 4)], sym=[[(None, 4)]]),
    Case("up_sampling2d", lambda k: k.layers.UpSampling2D((2, 3)), [(2, 3, 4, 2)]),
    Case("up_sampling2d_cf", lambda k: k.layers.UpSampling2D(2, data_format="channels_first"), [(2, 2, 3, 4)]),
    Case("up_sampling2d_bilinear", lambda k: k.layers.UpSampling2D((2, 3), interpolation="bilinear"),
         [(2, 3, 4, 2)]),
    # -- merging
    Case("add", lambda k: k.layers.Add(), [(3, 4), (3, 4)], multi=True, sym=[[(None, 4), (None, 4)]]),
    Case("add3", lambda k: k.layers.Add(), [(3, 4), (3, 4), (3, 4)], multi=True),
    Case("add_broadcast", lambda k: k.layers.Add(), [(3, 4), (3, 1)], multi=True),
    Case("add_ranks", lambda k: k.layers.Add(), [(3, 4, 5), (3, 5)], multi=True),
    Case("subtract", lambda k: k.layers.Subtract(), [(3, 4), (3, 4)], multi=True),
    Case("multiply", lambda k: k.layers.Multiply(), [(3, 4), (3, 4), (3, 4)], multi=True),
    Case("average", lambda k: k.layers.Average(), [(3, 4), (3, 4)], multi=True),
    Case("maximum", lambda k: k.layers.Maximum(), [(3, 4), (3, 4)], multi=True),
    Case("minimum", lambda k: k.layers.Minimum(), [(3, 2, 4), (3, 2, 4)], multi=True),
    Case("concatenate", lambda k: k.layers.Concatenate(), [(3, 4), (3, 2)], multi=True,
         sym=[[(None, 4), (None, 2)]]),
    Case("concatenate_axis1", lambda k: k.layers.Concatenate(axis=1), [(3, 2, 4), (3, 5, 4), (3, 1, 4)],
         multi=True),
    Case("dot", lambda k: k.layers.Dot(axes=1), [(3, 4), (3, 4)], multi=True),
    Case("dot_pair", lambda k: k.layers.Dot(axes=(1, 2)), [(3, 4, 5), (3, 2, 4)], multi=True),
    Case("dot_normalize", lambda k: k.layers.Dot(axes=-1, normalize=True), [(3, 5, 4), (3, 6, 4)], multi=True),
    Case("dot_rank4", lambda k: k.layers.Dot(axes=(2, 1)), [(2, 3, 4, 5), (2, 4, 6)], multi=True),
    # -- preprocessing
    Case("rescaling", lambda k: k.layers.Rescaling(1 / 255.0, offset=-1.0), [(3, 4)]),
    Case("rescaling_channels", lambda k: k.layers.Rescaling([0.5, 2.0, 1.0]), [(2, 4, 3)]),
    Case("normalization_fixed", lambda k: k.layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 0.25]),
         [(5, 3)]),
    Case("normalization_scalar", lambda k: k.layers.Normalization(axis=None, mean=2.0, variance=9.0), [(5, 3)]),
    Case("normalization_weights", lambda k: k.layers.Normalization(), [(5, 2, 3)], init=_norm_stats),
    Case("normalization_axes", lambda k: k.layers.Normalization(axis=(1, 2)), [(5, 2, 3)], init=_norm_stats),
    Case("normalization_invert", lambda k: k.layers.Normalization(invert=True), [(5, 3)], init=_norm_stats),
    Case("category_one_hot", lambda k: k.layers.CategoryEncoding(5, output_mode="one_hot"), [(4,)], kind="int",
         high=5, grad=False),
    Case("category_one_hot_col", lambda k: k.layers.CategoryEncoding(5, output_mode="one_hot"), [(4, 1)],
         kind="int", high=5, grad=False),
    Case("category_multi_hot", lambda k: k.layers.CategoryEncoding(6), [(4, 3)], kind="int", high=6, grad=False),
    Case("category_count", lambda k: k.layers.CategoryEncoding(6, output_mode="count"), [(4, 5)], kind="int",
         high=6, grad=False),
]
IDS = [c.id for c in CASES]


def _inputs(case: Case, rng) -> list:
    if case.kind == "int":
        return [rng.integers(0, case.high, size=s).astype("int32") for s in case.shapes]
    xs = [rng.normal(size=s).astype("float32") for s in case.shapes]
    if case.id.startswith("masking"):  # whole timesteps equal to the mask value
        value = 0.5 if case.id == "masking_value" else 0.0
        xs[0][0, 1, :] = value
        xs[0][2, [0, 4], :] = value
    return xs


def _feed(case: Case, xs: list) -> Any:
    return list(xs) if case.multi else xs[0]


def _pair(case: Case, real_keras, rng) -> tuple:
    """Our layer and Keras's, built on the same data with the same weights."""
    ours, theirs = case.make(ek), case.make(real_keras)
    xs = _inputs(case, rng)
    ours(_feed(case, xs))
    theirs(_feed(case, xs))
    if case.init is not None:
        ours.set_weights(case.init(rng, ours))
    if ours.weights:
        theirs.set_weights(ours.get_weights())
        if hasattr(theirs, "finalize_state"):  # Keras's Normalization caches its statistics until this call
            theirs.finalize_state()
    return ours, theirs, xs


def _np(x) -> np.ndarray:
    return np.asarray(x)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_outputs_and_masks_match_keras(case, real_keras, rng):
    ours, theirs, xs = _pair(case, real_keras, rng)
    modes = [False, True] if case.deterministic else [False]
    for training in modes:
        got = ours(_feed(case, xs), training=training)
        want = theirs(_feed(case, xs), training=training)
        assert got.dtype.name == want.dtype.name, (training, got.dtype, want.dtype)
        np.testing.assert_allclose(_np(got), _np(want), rtol=case.tol, atol=case.tol, err_msg=f"training={training}")
        want_mask = getattr(want, "_keras_mask", None)
        got_mask = getattr(got, "_keras_mask", None)
        assert (got_mask is None) == (want_mask is None), (got_mask, want_mask)
        if want_mask is not None:
            np.testing.assert_array_equal(_np(got_mask), _np(want_mask))
    if case.id == "activity_regularization":
        assert len(ours.losses) >= 1 and len(theirs.losses) >= 1
        np.testing.assert_allclose(_np(ours.losses[-1]), _np(theirs.losses[-1]), rtol=1e-5)


@pytest.mark.parametrize("case", [c for c in CASES if c.grad], ids=[c.id for c in CASES if c.grad])
def test_gradients_match_keras(case, real_keras, tf_oracle, rng):
    ours, theirs, xs = _pair(case, real_keras, rng)
    out_shape = tuple(_np(theirs(_feed(case, xs))).shape)
    r = rng.normal(size=out_shape).astype("float32")
    float_in = case.kind == "float"

    with tf.GradientTape() as tape:
        ins = [tf.constant(x) for x in xs]
        for t in ins:
            tape.watch(t)
        y = ours(_feed(case, ins))
        loss = tf.reduce_sum(y * r)
    targets = (ins if float_in else []) + list(ours.trainable_weights)
    got = tape.gradient(loss, targets)

    with tf_oracle.GradientTape() as ttape:
        tins = [tf_oracle.constant(x) for x in xs]
        for t in tins:
            ttape.watch(t)
        ty = theirs(_feed(case, tins))
        tloss = tf_oracle.reduce_sum(ty * r)
    ttargets = (tins if float_in else []) + list(theirs.trainable_weights)
    want = ttape.gradient(tloss, ttargets)

    assert len(got) == len(want) == len(targets)
    for i, (g, w) in enumerate(zip(got, want)):
        w = np.zeros(tuple(ttargets[i].shape), "float32") if w is None else _np(tf_oracle.convert_to_tensor(w))
        g = np.zeros_like(w) if g is None else _np(tf.convert_to_tensor(g))
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5, err_msg=f"gradient {i}")


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_symbolic_output_shapes_match_keras(case, real_keras):
    dtype = "int32" if case.kind == "int" else "float32"
    variants = [[s[1:] for s in case.shapes]] + (case.sym or [])
    for shapes in variants:
        ins_o = [ek.Input(s, dtype=dtype) for s in shapes]
        ins_t = [real_keras.Input(s, dtype=dtype) for s in shapes]
        got = case.make(ek)(ins_o if case.multi else ins_o[0])
        want = case.make(real_keras)(ins_t if case.multi else ins_t[0])
        assert tuple(got.shape) == tuple(want.shape), shapes
        assert got.dtype.name == want.dtype, shapes


def _json(x: Any) -> Any:
    return json.loads(json.dumps(x))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_matches_keras_and_round_trips(case, real_keras, rng):
    ours, theirs, xs = _pair(case, real_keras, rng)
    cfg, kcfg = ours.get_config(), theirs.get_config()
    assert cfg == kcfg
    # from_config: our own config, its JSON form, and Keras's config all rebuild the same layer
    for source in (cfg, _json(cfg), kcfg):
        if isinstance(ours, ek.layers.Lambda):
            again = type(ours).from_config(dict(source), custom_objects={"_affine": _affine})
        else:
            again = type(ours).from_config(dict(source))
        assert _json(again.get_config()) == _json(cfg)
        if case.init is None or not ours.weights:
            again.build([tuple(s) for s in case.shapes] if case.multi else case.shapes[0])
            again.set_weights(ours.get_weights()) if ours.weights else None
            np.testing.assert_allclose(_np(again(_feed(case, xs))), _np(ours(_feed(case, xs))), rtol=1e-6)
    # and real Keras reads ours
    custom = {"_affine": _affine}
    with real_keras.saving.custom_object_scope(custom):
        back = type(theirs).from_config(dict(cfg))
    assert _json(back.get_config()) == _json(kcfg)


# ---------------------------------------------------------------------------
# masks
def _mask_chain(k, ids, feats, merge):
    emb = k.layers.Embedding(9, 4, mask_zero=True)(ids)
    masked = k.layers.Masking()(feats)
    return merge(k)([emb, masked])


MERGES = {
    "add": lambda k: k.layers.Add(),
    "maximum": lambda k: k.layers.Maximum(),
    "minimum": lambda k: k.layers.Minimum(),
    "multiply": lambda k: k.layers.Multiply(),
    "average": lambda k: k.layers.Average(),
    "concatenate": lambda k: k.layers.Concatenate(),
}


@pytest.mark.parametrize("merge", list(MERGES), ids=list(MERGES))
def test_masks_propagate_embedding_masking_merge(merge, real_keras, rng):
    ids = rng.integers(0, 9, size=(4, 6)).astype("int32")
    ids[0, :2] = 0
    ids[3, 5] = 0
    feats = rng.normal(size=(4, 6, 4)).astype("float32")
    feats[0, 0] = 0.0
    feats[1, 3] = 0.0
    feats[3, 5] = 0.0
    table = rng.normal(size=(9, 4)).astype("float32")

    emb_o, emb_t = ek.layers.Embedding(9, 4, mask_zero=True), real_keras.layers.Embedding(9, 4, mask_zero=True)
    emb_o.build(), emb_t.build()
    emb_o.set_weights([table]), emb_t.set_weights([table])
    outs = []
    for k, emb in ((ek, emb_o), (real_keras, emb_t)):
        e = emb(ids)
        m = k.layers.Masking()(feats)
        outs.append((e, m, MERGES[merge](k)([e, m])))
    (e_o, m_o, y_o), (e_t, m_t, y_t) = outs
    np.testing.assert_array_equal(_np(e_o._keras_mask), _np(e_t._keras_mask))
    np.testing.assert_array_equal(_np(m_o._keras_mask), _np(m_t._keras_mask))
    np.testing.assert_allclose(_np(y_o), _np(y_t), rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(_np(y_o._keras_mask), _np(y_t._keras_mask))


def test_masks_flow_through_a_functional_model(real_keras, rng):
    """Embedding(mask_zero) → Dropout → Maximum with a Masking branch, as a Functional model."""
    ids = rng.integers(0, 6, size=(3, 5)).astype("int32")
    ids[1, 3:] = 0
    feats = rng.normal(size=(3, 5, 4)).astype("float32")
    feats[1, 4] = 0.0
    feats[2, 0] = 0.0
    table = rng.normal(size=(6, 4)).astype("float32")
    outs = []
    for k in (ek, real_keras):
        a, b = k.Input((5,), dtype="int32"), k.Input((5, 4))
        e = k.layers.Dropout(0.5)(k.layers.Embedding(6, 4, mask_zero=True, name="emb")(a))
        out = k.layers.Maximum()([e, k.layers.Masking()(b)])
        model = k.Model([a, b], out)
        model.get_layer("emb").set_weights([table])
        outs.append(_np(model([ids, feats])))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-6, atol=1e-6)


def test_softmax_with_explicit_mask(real_keras, rng):
    x = rng.normal(size=(3, 4, 6)).astype("float32")
    for mask in (rng.random((3, 4, 6)) > 0.3, rng.random((3, 1, 6)) > 0.3, rng.random((6,)) > 0.3):
        got = ek.layers.Softmax()(x, mask=tf.constant(mask))
        want = real_keras.layers.Softmax()(x, mask=mask)
        np.testing.assert_allclose(_np(got), _np(want), rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="broadcastable"):
        ek.layers.Softmax()(x, mask=tf.constant(rng.random((3, 4)) > 0.5))


# ---------------------------------------------------------------------------
# random layers: statistics at training=True, identity at inference
def _stats(layer, x):
    return _np(layer(x, training=True))


def test_dropout_statistics_and_inference_identity(real_keras, rng):
    x = np.ones((400, 250), "float32")
    ours, theirs = ek.layers.Dropout(0.3), real_keras.layers.Dropout(0.3)
    np.testing.assert_array_equal(_np(ours(x)), x)
    np.testing.assert_array_equal(_np(ours(x, training=False)), x)
    yo, yt = _stats(ours, x), _stats(theirs, x)
    assert set(np.unique(yo)) <= {0.0, np.float32(1 / 0.7)}
    assert set(np.unique(yo)) == set(np.unique(yt))
    assert abs((yo == 0).mean() - (yt == 0).mean()) < 0.01
    assert abs(yo.mean() - yt.mean()) < 0.02
    # noise_shape shares one decision along axis 1, SpatialDropout along the spatial axes
    x3 = np.ones((64, 7, 32), "float32")
    y = _stats(ek.layers.Dropout(0.5, noise_shape=(None, 1, 32)), x3)
    assert (y == y[:, :1, :]).all() and 0.3 < (y == 0).mean() < 0.7
    y = _stats(ek.layers.SpatialDropout1D(0.5), x3)
    assert (y == y[:, :1, :]).all() and 0.3 < (y == 0).mean() < 0.7
    x4 = np.ones((16, 3, 4, 32), "float32")
    y = _stats(ek.layers.SpatialDropout2D(0.5), x4)
    assert (y == y[:, :1, :1, :]).all() and 0.3 < (y == 0).mean() < 0.7
    y = _stats(ek.layers.SpatialDropout2D(0.5, data_format="channels_first"), np.ones((16, 32, 3, 4), "float32"))
    assert (y == y[:, :, :1, :1]).all()


@pytest.mark.parametrize("name,make", [
    ("gaussian_noise", lambda k: k.layers.GaussianNoise(0.2)),
    ("gaussian_dropout", lambda k: k.layers.GaussianDropout(0.3)),
    ("alpha_dropout", lambda k: k.layers.AlphaDropout(0.2)),
])
def test_noise_layers_statistics_match_keras(name, make, real_keras, rng):
    x = rng.normal(size=(300, 200)).astype("float32")
    ours, theirs = make(ek), make(real_keras)
    np.testing.assert_array_equal(_np(ours(x)), x)
    yo, yt = _stats(ours, x), _stats(theirs, x)
    for f in (np.mean, np.std):
        assert abs(f(yo) - f(yt)) < 0.02, (f.__name__, f(yo), f(yt))
    assert abs(np.std(yo - x) - np.std(yt - x)) < 0.02


def test_dropout_draws_fresh_masks_in_a_traced_function():
    layer = ek.layers.Dropout(0.5)
    step = tf.function(lambda x: layer(x, training=True))
    x = tf.ones((20, 30))
    a, b = _np(step(x)), _np(step(x))
    assert not np.array_equal(a, b)
    assert 0.3 < (a == 0).mean() < 0.7 and 0.3 < (b == 0).mean() < 0.7


def test_activity_regularization_loss_reaches_training():
    model = ek.Sequential([ek.Input((4,)), ek.layers.ActivityRegularization(l1=0.1)])
    x = np.ones((2, 4), "float32")
    model(x)
    np.testing.assert_allclose(float(sum(_np(l) for l in model.losses)), 0.1 * 8 / 2, rtol=1e-6)


# ---------------------------------------------------------------------------
# Normalization.adapt
@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1])
def test_normalization_adapt_numpy_matches_keras(axis, real_keras, rng):
    data = (rng.normal(size=(50, 3, 4)) * [1.0, 2.0, 5.0, 0.5] + 3.0).astype("float32")
    ours, theirs = ek.layers.Normalization(axis=axis), real_keras.layers.Normalization(axis=axis)
    ours.adapt(data)
    theirs.adapt(data)
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(_np(ours(data)), _np(theirs(data)), rtol=1e-4, atol=1e-5)
    assert ours.get_build_config() == {"input_shape": [50, 3, 4]}


def test_normalization_adapt_datasets_and_tensors_match_keras(real_keras, tf_oracle, rng):
    data = (rng.normal(size=(300, 3)) * [1.0, 4.0, 0.1] - 2.0).astype("float32")
    theirs = real_keras.layers.Normalization()
    theirs.adapt(tf_oracle.data.Dataset.from_tensor_slices(data).batch(64))
    want = theirs.get_weights()[:2]
    sources = [
        tf.data.Dataset.from_tensor_slices(data).batch(64),       # batched
        tf.data.Dataset.from_tensor_slices(data),                 # rows: batched by 128 inside adapt
        tf.data.Dataset.from_tensor_slices((data, data[:, 0])).batch(50),  # (x, y) pairs
        tf.constant(data),
        [data[:100], data[100:]],                                 # an iterable of batches
    ]
    for src in sources:
        ours = ek.layers.Normalization()
        ours.adapt(src)
        for a, b in zip(ours.get_weights()[:2], want):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_normalization_adapted_in_a_model_trains_and_saves(tmp_path, rng):
    data = (rng.normal(size=(64, 3)) * 3.0 + 1.0).astype("float32")
    y = rng.normal(size=(64, 1)).astype("float32")
    norm = ek.layers.Normalization()
    norm.adapt(data)
    model = ek.Sequential([ek.Input((3,)), norm, ek.layers.Dense(4, activation="relu"),
                           ek.layers.Dropout(0.2), ek.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    hist = model.fit(data, y, epochs=2, batch_size=16, verbose=0)
    assert np.isfinite(hist.history["loss"]).all()
    np.testing.assert_allclose(norm.get_weights()[0], data.mean(0), rtol=1e-5)  # statistics are not trained
    path = str(tmp_path / "m.keras")
    model.save(path)
    again = ek.models.load_model(path)
    np.testing.assert_allclose(_np(again(data)), _np(model(data)), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# errors name the layer and the offending value
def test_merge_errors_name_the_layer():
    a, b = ek.Input((4,)), ek.Input((3,))
    with pytest.raises(ValueError, match=r'"concatenate".*A `Concatenate` layer requires inputs with matching '
                                         r"shapes except for the concatenation axis"):
        ek.layers.Concatenate(axis=1)([ek.Input((2, 4)), ek.Input((3, 5))])
    with pytest.raises(ValueError, match=r'"add".*Inputs have incompatible shapes'):
        ek.layers.Add()([a, b])
    with pytest.raises(ValueError, match=r"exactly 2 inputs"):
        ek.layers.Subtract()([a, a, a])
    with pytest.raises(ValueError, match=r"Incompatible input shapes: axis values 4"):
        ek.layers.Dot(axes=1)([a, b])
    with pytest.raises(ValueError, match="list of inputs"):
        ek.layers.Add()(a)


def test_constructor_errors_name_the_value():
    L = ek.layers
    cases = [
        (lambda: L.Dropout(1.5), "rate=1.5"),
        (lambda: L.Dropout(0.5, noise_shape=(None, 0)), "index 1: 0"),
        (lambda: L.Embedding(0, 3), "input_dim=0"),
        (lambda: L.ReLU(max_value=-1.0), "max_value=-1.0"),
        (lambda: L.LeakyReLU(negative_slope=-0.1), "negative_slope=-0.1"),
        (lambda: L.Reshape((-1, -1)), "at most one unknown dimension"),
        (lambda: L.Permute((1, 3)), "dims=(1, 3)"),
        (lambda: L.ZeroPadding2D((1, 2, 3)), "padding=(1, 2, 3)"),
        (lambda: L.UpSampling2D(interpolation="bicubic"), "interpolation=bicubic"),
        (lambda: L.GaussianNoise(2.0), "stddev=2.0"),
        (lambda: L.Normalization(mean=1.0), "both `mean` and `variance`"),
        (lambda: L.CategoryEncoding(0), "num_tokens=0"),
        (lambda: L.Flatten(data_format="nchw"), "data_format=nchw"),
    ]
    for make, text in cases:
        with pytest.raises((ValueError, TypeError), match=text.replace("(", r"\(").replace(")", r"\)")):
            make()
    with pytest.raises(ValueError, match=r'"reshape(_\d+)?".*total size of the tensor must be unchanged'):
        L.Reshape((5,))(ek.Input((6,)))
    with pytest.raises(ValueError, match=r'"cropping1d".*must be smaller than the input length'):
        L.Cropping1D((2, 2))(ek.Input((4, 3)))


def test_lambda_config_rules(real_keras):
    layer = ek.layers.Lambda(lambda x: x + 1.0)
    np.testing.assert_allclose(_np(layer(np.zeros((1, 2), "float32"))), [[1.0, 1.0]])
    with pytest.raises(ValueError, match=r"Lambda layer 'lambda'.*Python lambda"):
        layer.get_config()
    # a function registered with register_keras_serializable is saved under its registered name
    @ek.saving.register_keras_serializable(package="test_pkg")
    def twice(x):
        return x * 2.0
    cfg = ek.layers.Lambda(twice, arguments={}).get_config()
    assert cfg["function"] == {"module": "builtins", "class_name": "function", "config": "test_pkg>twice",
                               "registered_name": "function"}
    again = ek.layers.Lambda.from_config(cfg)
    np.testing.assert_allclose(_np(again(np.ones((1, 2), "float32"))), [[2.0, 2.0]])
    # arguments reach the function; a mask given as a function is applied
    def scale(x, factor):
        return x * factor
    lay = ek.layers.Lambda(scale, arguments={"factor": 3.0}, mask=lambda inputs, mask: inputs[:, :, 0] > 0)
    y = lay(np.array([[[1.0], [-1.0]]], "float32"))
    np.testing.assert_allclose(_np(y), [[[3.0], [-3.0]]])
    np.testing.assert_array_equal(_np(y._keras_mask), [[True, False]])


def test_functional_merge_helpers_match_classes(real_keras, rng):
    xs = [rng.normal(size=(3, 4)).astype("float32") for _ in range(2)]
    for name in ("add", "subtract", "multiply", "average", "maximum", "minimum", "concatenate"):
        got = getattr(ek.layers, name)(xs)
        want = getattr(real_keras.layers, name)(xs)
        np.testing.assert_allclose(_np(got), _np(want), rtol=1e-6, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(_np(ek.layers.dot(xs, axes=1)), _np(real_keras.layers.dot(xs, axes=1)), rtol=1e-6)


def test_layers_are_registered_with_palette_categories():
    from engine.keras.saving.object_registry import LAYER_CATEGORY
    expect = {"Embedding": "Core", "Lambda": "Core", "Masking": "Core", "Activation": "Core",
              "Identity": "Core", "ReLU": "Activation", "PReLU": "Activation", "Softmax": "Activation",
              "Dropout": "Regularization", "SpatialDropout2D": "Regularization", "Flatten": "Reshaping",
              "UpSampling2D": "Reshaping", "Concatenate": "Merge", "Dot": "Merge", "Rescaling": "Preprocessing",
              "Normalization": "Preprocessing", "CategoryEncoding": "Preprocessing"}
    for name, cat in expect.items():
        assert LAYER_CATEGORY[name] == cat, name


def test_embedding_lora_matches_keras(real_keras, rng):
    ids = rng.integers(0, 8, size=(3, 4)).astype("int32")
    ours, theirs = ek.layers.Embedding(8, 3, lora_rank=2), real_keras.layers.Embedding(8, 3, lora_rank=2)
    ours.build(), theirs.build()
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [w.path for w in ours.trainable_weights] == [w.path for w in theirs.trainable_weights]
    weights = [rng.normal(size=tuple(w.shape)).astype("float32") for w in ours.weights]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    np.testing.assert_allclose(_np(ours(ids)), _np(theirs(ids)), rtol=1e-5, atol=1e-6)
    assert ours.get_config() == theirs.get_config()


def test_keras2_and_tfjs_style_configs_load(rng):
    """Configs written by Keras 2 / TF.js (lists for tuples, ``alpha`` for the leak, extra keys) still load."""
    from engine.keras.saving.serialization import deserialize_keras_object
    x = rng.normal(size=(2, 4, 6, 3)).astype("float32")
    cases = [
        ({"class_name": "LeakyReLU", "config": {"name": "lr", "trainable": True, "dtype": "float32", "alpha": 0.1}},
         lambda y: np.where(x > 0, x, 0.1 * x)),
        ({"class_name": "ZeroPadding2D", "config": {"name": "zp", "padding": [[1, 0], [0, 2]],
                                                    "data_format": "channels_last"}},
         lambda y: np.pad(x, ((0, 0), (1, 0), (0, 2), (0, 0)))),
        ({"class_name": "Cropping2D", "config": {"name": "cr", "cropping": [[1, 1], [2, 0]]}},
         lambda y: x[:, 1:-1, 2:, :]),
        ({"class_name": "Reshape", "config": {"name": "rs", "target_shape": [24, 3]}},
         lambda y: x.reshape(2, 24, 3)),
        ({"class_name": "Permute", "config": {"name": "pm", "dims": [3, 1, 2]}},
         lambda y: x.transpose(0, 3, 1, 2)),
        ({"class_name": "UpSampling2D", "config": {"name": "up", "size": [1, 2], "interpolation": "nearest",
                                                   "data_format": "channels_last"}},
         lambda y: x.repeat(2, axis=2)),
        ({"class_name": "SpatialDropout2D", "config": {"name": "sd", "trainable": True, "rate": 0.5,
                                                       "noise_shape": None, "seed": None}},
         lambda y: x),
        ({"class_name": "Dropout", "config": {"name": "do", "trainable": True, "rate": 0.5,
                                              "noise_shape": None, "seed": None, "batch_input_shape": [None, 4, 6, 3]}},
         lambda y: x),
    ]
    for cfg, expected in cases:
        layer = deserialize_keras_object(cfg)
        np.testing.assert_allclose(_np(layer(x)), expected(x), rtol=1e-6, err_msg=cfg["class_name"])


def _summary_models(k):
    L = k.layers
    seq = k.Sequential([k.Input((6, 6, 3)), L.Rescaling(1 / 255.0), L.ZeroPadding2D(1), L.Cropping2D(((1, 0), (0, 1))),
                        L.UpSampling2D(2), L.SpatialDropout2D(0.1), L.Flatten(), L.Reshape((-1, 6)),
                        L.Permute((2, 1)), L.PReLU(), L.Softmax(), L.Dropout(0.2)], name="seq")
    ids, feats = k.Input((5,), dtype="int32", name="ids"), k.Input((5, 4), name="feats")
    e = L.Embedding(20, 4, mask_zero=True)(ids)
    f = L.Normalization(mean=0.5, variance=2.0)(L.Masking()(feats))
    merged = L.Concatenate()([L.Add()([e, f]), L.Multiply()([e, f]), L.Maximum()([e, f])])
    out = L.Dot(axes=(1, 1))([merged, f])
    rep = L.RepeatVector(3)(L.Flatten()(L.Identity()(f)))
    func = k.Model([ids, feats], [L.LeakyReLU()(out), L.Subtract()([e, f]), rep], name="func")
    return [seq, func]


@pytest.mark.filterwarnings("ignore:Layer 'flatten:UserWarning")  # Keras notes that Flatten drops the mask
def test_model_summaries_with_these_layers_match_keras(real_keras):
    for ours, theirs in zip(_summary_models(ek), _summary_models(real_keras)):
        out_o, out_t = [], []
        ours.summary(line_length=100, print_fn=out_o.append)
        theirs.summary(line_length=100, print_fn=lambda s, **kw: out_t.append(s))
        strip = lambda s: "\n".join(line.rstrip() for line in s.strip().splitlines())  # noqa: E731
        assert strip("".join(out_o)) == strip("".join(out_t))


def _fit_model(k):
    L = k.layers
    ids, feats = k.Input((6,), dtype="int32"), k.Input((6, 3))
    e = L.Embedding(12, 3)(ids)
    h = L.Concatenate()([L.Add()([e, feats]), L.PReLU()(feats)])
    h = L.Flatten()(L.ZeroPadding1D(1)(L.Permute((2, 1))(h)))
    return k.Model([ids, feats], L.Activation("tanh")(L.Dense(1)(h)))


def test_fit_through_these_layers_matches_keras(real_keras, rng):
    ids = rng.integers(0, 12, size=(32, 6)).astype("int32")
    feats = rng.normal(size=(32, 6, 3)).astype("float32")
    y = rng.normal(size=(32, 1)).astype("float32")
    ours, theirs = _fit_model(ek), _fit_model(real_keras)
    ours.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3 for w in ours.get_weights()])
    theirs.set_weights(ours.get_weights())
    hist = []
    for m in (ours, theirs):
        m.compile(optimizer="sgd", loss="mse")
        hist.append(m.fit([ids, feats], y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(hist[0], hist[1], rtol=1e-4)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
