"""Layer/Model structure vs real Keras 3: names, layer and weight order, summary, configs, files."""
from __future__ import annotations

import json

import numpy as np
import pytest

from engine import keras as ek


def _build(k, kind):
    """The same architecture in either library (k = engine.keras or real keras)."""
    L = k.layers
    if kind == "sequential":
        return k.Sequential([k.Input((8,)), L.Dense(16), L.Dense(4), L.Dense(1)], name="mlp")
    if kind == "multi_io":
        a, b = k.Input((4,), name="a"), k.Input((3,), name="b")
        h = L.Dense(5, name="d1")(a)
        h2 = L.Dense(5)(b)
        o = L.Dense(2)(h)
        return k.Model([a, b], [o, h2])
    if kind == "shared":
        a, b = k.Input((4,), name="a"), k.Input((4,), name="b")
        shared = L.Dense(3, name="shared")
        o1, o2 = shared(a), shared(b)
        return k.Model([a, b], [L.Dense(1)(o1), o2])
    if kind == "nested":
        inner = k.Sequential([k.Input((4,)), L.Dense(6), L.Dense(2)], name="inner")
        x = k.Input((4,), name="x")
        return k.Model(x, L.Dense(1)(inner(x)), name="outer")
    raise ValueError(kind)


KINDS = ["sequential", "multi_io", "shared", "nested"]


@pytest.mark.parametrize("kind", KINDS)
def test_layers_weights_and_params_match_keras(kind, real_keras):
    ours, theirs = _build(ek, kind), _build(real_keras, kind)
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
    assert [type(l).__name__ for l in ours.layers] == [type(l).__name__ for l in theirs.layers]
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    assert [tuple(w.shape) for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    assert ours.count_params() == theirs.count_params()
    assert [tuple(l.output.shape) if not isinstance(l.output, list) else None for l in ours.layers
            if hasattr(l, "_inbound_nodes") and len(l._inbound_nodes) == 1] == \
           [tuple(l.output.shape) if not isinstance(l.output, list) else None for l in theirs.layers
            if len(l._inbound_nodes) == 1]


@pytest.mark.parametrize("kind", KINDS)
def test_summary_text_matches_keras(kind, real_keras):
    ours, theirs = _build(ek, kind), _build(real_keras, kind)
    out_ours, out_theirs = [], []
    ours.summary(line_length=76, print_fn=out_ours.append)
    theirs.summary(line_length=76, print_fn=lambda s, **kw: out_theirs.append(s))
    strip = lambda s: "\n".join(line.rstrip() for line in s.strip().splitlines())
    assert strip("".join(out_ours)) == strip("".join(out_theirs))


@pytest.mark.parametrize("kind", KINDS)
def test_same_weights_same_outputs(kind, real_keras, rng):
    ours, theirs = _build(ek, kind), _build(real_keras, kind)
    theirs.set_weights(ours.get_weights())
    n_in = len(ours.inputs) if hasattr(ours, "inputs") and ours.inputs else 1
    shapes = [tuple(t.shape)[1:] for t in theirs.inputs]
    xs = [rng.standard_normal((5,) + s).astype("float32") for s in shapes]
    feed = xs if n_in > 1 else xs[0]
    got = ours.predict(feed, verbose=0) if False else ours(feed)
    want = theirs(feed)
    for g, w in zip(got if isinstance(got, (list, tuple)) else [got], want if isinstance(want, (list, tuple)) else [want]):
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-5, atol=1e-6)


def test_auto_names_and_get_layer():
    d1, d2 = ek.layers.Dense(2), ek.layers.Dense(2)
    assert (d1.name, d2.name) == ("dense", "dense_1")
    m = ek.Sequential([ek.Input((3,)), d1, d2])
    assert m.get_layer("dense_1") is d2 and m.get_layer(index=0) is d1
    with pytest.raises(ValueError, match="No such layer"):
        m.get_layer("nope")


def test_frozen_layer_weights(real_keras):
    for k in (ek, real_keras):
        m = _build(k, "sequential")
        m.layers[0].trainable = False
        assert len(m.trainable_weights) == 4 and len(m.non_trainable_weights) == 2
        assert [w.path for w in m.non_trainable_weights] == ["mlp/dense/kernel", "mlp/dense/bias"]


@pytest.mark.parametrize("kind", KINDS)
def test_to_json_roundtrip_and_keras2_shape(kind, rng):
    m = _build(ek, kind)
    j = json.loads(m.to_json())
    assert j["keras_version"].startswith("2.") and j["backend"] == "tensorflow"
    layers = j["config"]["layers"]
    assert layers[0]["class_name"] == "InputLayer" and "batch_input_shape" in layers[0]["config"]
    for lc in layers:
        assert "module" not in lc and isinstance(lc["config"].get("dtype", "float32"), str)
    m2 = ek.models.model_from_json(m.to_json())
    m2.set_weights(m.get_weights())
    xs = [rng.standard_normal((2,) + tuple(t.shape)[1:]).astype("float32") for t in m.inputs]
    a, b = m(xs if len(xs) > 1 else xs[0]), m2(xs if len(xs) > 1 else xs[0])
    for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
        np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


@pytest.mark.parametrize("kind", KINDS)
def test_model_from_keras3_json(kind, real_keras):
    theirs = _build(real_keras, kind)
    ours = ek.models.model_from_json(theirs.to_json())
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
    assert ours.count_params() == theirs.count_params()


@pytest.mark.parametrize("kind", KINDS)
def test_keras2_json_loads_in_real_keras_legacy_loader(kind, real_keras, rng):
    from keras.src.legacy.saving import saving_utils
    m = _build(ek, kind)
    theirs = saving_utils.model_from_config(json.loads(m.to_json()))
    theirs.set_weights(m.get_weights())
    xs = [rng.standard_normal((2,) + tuple(t.shape)[1:]).astype("float32") for t in m.inputs]
    a, b = m(xs if len(xs) > 1 else xs[0]), theirs(xs if len(xs) > 1 else xs[0])
    for x, y in zip(a if isinstance(a, list) else [a], b if isinstance(b, list) else [b]):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", KINDS)
def test_keras_file_both_ways(kind, real_keras, tmp_path, rng):
    m = _build(ek, kind)
    m.save(str(tmp_path / "ours.keras"))
    theirs = real_keras.models.load_model(str(tmp_path / "ours.keras"))
    xs = [rng.standard_normal((3,) + tuple(t.shape)[1:]).astype("float32") for t in m.inputs]
    feed = xs if len(xs) > 1 else xs[0]
    for x, y in zip(*(o if isinstance(o, list) else [o] for o in (m(feed), theirs(feed)))):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-5, atol=1e-6)
    other = _build(real_keras, kind)
    other.save(str(tmp_path / "theirs.keras"))
    back = ek.models.load_model(str(tmp_path / "theirs.keras"))
    for x, y in zip(*(o if isinstance(o, list) else [o] for o in (back(feed), other(feed)))):
        np.testing.assert_allclose(np.asarray(x), np.asarray(y), rtol=1e-5, atol=1e-6)


def test_weights_h5_both_ways(real_keras, tmp_path):
    m, theirs = _build(ek, "sequential"), _build(real_keras, "sequential")
    m.save_weights(str(tmp_path / "a.weights.h5"))
    theirs.load_weights(str(tmp_path / "a.weights.h5"))
    for a, b in zip(m.get_weights(), theirs.get_weights()):
        np.testing.assert_array_equal(a, b)
    theirs2 = _build(real_keras, "sequential")
    theirs2.save_weights(str(tmp_path / "b.weights.h5"))
    m.load_weights(str(tmp_path / "b.weights.h5"))
    for a, b in zip(m.get_weights(), theirs2.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_bad_inputs_give_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="units"):
        ek.layers.Dense(0)
    m = _build(ek, "sequential")
    with pytest.raises(ValueError, match="dense"):
        m(np.ones((2, 5), "float32"))
    with pytest.raises(ValueError, match="set_weights"):
        m.set_weights([np.ones(3)])
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(ValueError, match="not a valid .keras"):
        ek.models.load_model(str(bad))
    with pytest.raises(ValueError, match="Unknown layer"):
        ek.models.model_from_json(json.dumps({"class_name": "Sequential", "config": {"layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2]}},
            {"class_name": "NoSuchLayer", "config": {}}]}}))
