"""Legacy HDF5 (Keras 2 style) files written by REAL Keras 3, loaded by the engine.

* ``model.save("m.h5")`` in Keras 3 writes the legacy whole-model format → ``ek.models.load_model``;
* ``legacy_h5_format.save_weights_to_hdf5_group`` writes a legacy weights-only file (Keras 3 itself
  only writes ``.weights.h5``) → ``model_from_json(json) + model.load_weights("w.h5")``;
* a Keras-2-form file (``keras_version`` 2.x, ``kernel:0`` names, nested node numbering from 1,
  chunked ``layer_names``) is synthesized from a real Keras model's weights.
Predictions are compared with real Keras within 1e-5.
"""
from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from engine import keras as ek

TOL = 1e-5


# ---------------------------------------------------------------------------
# Models in real Keras
def _mlp(k):
    L = k.layers
    return k.Sequential([k.Input((6,)), L.Dense(8, activation="relu"), L.Dense(3, activation="softmax")],
                        name="mlp")


def _functional(k):
    L = k.layers
    a, b = k.Input((4,), name="a"), k.Input((3,), name="b")
    h = L.Dense(5, activation="tanh", name="ha")(a)
    x = L.Concatenate(name="cat")([h, L.Dense(4, name="hb")(b)])
    return k.Model([a, b], [L.Dense(2, name="o1")(x), L.Dense(1, activation="sigmoid", name="o2")(x)],
                   name="multi_io")


def _cnn(k):
    L = k.layers
    return k.Sequential([k.Input((8, 8, 3)), L.Conv2D(4, 3, padding="same", name="conv"),
                         L.BatchNormalization(name="bn"), L.ReLU(), L.MaxPooling2D(), L.Flatten(),
                         L.Dense(2, name="head")], name="cnn")


def _rnn(k):
    L = k.layers
    return k.Sequential([k.Input((7,), dtype="int32"), L.Embedding(20, 5, name="emb"), L.LSTM(6, name="lstm"),
                         L.Dense(1, name="out")], name="rnn")


def _nested(k):
    L = k.layers
    inner = k.Sequential([k.Input((4,)), L.Dense(5, activation="relu", name="inner_dense"),
                          L.BatchNormalization(name="inner_bn")], name="inner")
    x = k.Input((4,), name="x")
    h = inner(x)
    return k.Model(x, L.Dense(2, name="top")(L.Concatenate(name="cat")([h, x])), name="outer")


BUILDERS = {"mlp": _mlp, "functional": _functional, "cnn_bn": _cnn, "embedding_lstm": _rnn, "nested": _nested}


def _inputs(name, rng):
    if name == "functional":
        return [rng.normal(size=(3, 4)).astype("float32"), rng.normal(size=(3, 3)).astype("float32")]
    if name == "cnn_bn":
        return rng.normal(size=(3, 8, 8, 3)).astype("float32")
    if name == "embedding_lstm":
        return rng.integers(0, 20, size=(3, 7)).astype("int32")
    if name == "nested":
        return rng.normal(size=(3, 4)).astype("float32")
    return rng.normal(size=(3, 6)).astype("float32")


def _real_model(real_keras, name, rng):
    """A real Keras model with random (non-default) weights, incl. BatchNorm moving statistics."""
    m = BUILDERS[name](real_keras)
    m.set_weights([(np.abs(rng.normal(size=w.shape)) + 0.5 if "variance" in w.path
                    else rng.normal(scale=0.5, size=w.shape)).astype("float32") for w in m.weights])
    return m


def _as_list(y):
    return [np.asarray(t) for t in y] if isinstance(y, (list, tuple)) else [np.asarray(y)]


def _assert_same(ours, theirs, x):
    a = _as_list(ours.predict(x, verbose=0))
    b = _as_list(theirs.predict(x, verbose=0))
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, rtol=0, atol=TOL)


def _legacy_weights_file(real_keras, model, path):
    from keras.src.legacy.saving import legacy_h5_format
    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, model)


def _legacy_json(model):
    """Keras 3's legacy (H5) model config, as ``model.save("x.h5")`` stores it in ``model_config``."""
    from keras.src.legacy.saving import json_utils, saving_options, saving_utils
    with saving_options.keras_option_scope(use_legacy_config=True):
        cfg = saving_utils.model_metadata(model, include_optimizer=False)["model_config"]
    return json.dumps(cfg, default=json_utils.get_json_type)


# ---------------------------------------------------------------------------
# Whole-model files and JSON + weights pairs written by real Keras 3
@pytest.mark.parametrize("name", list(BUILDERS))
def test_load_model_h5_written_by_keras3(name, tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, name, rng)
    path = tmp_path / "m.h5"
    theirs.save(str(path))
    with h5py.File(path) as f:  # really the legacy layout
        assert "model_config" in f.attrs and "layer_names" in f["model_weights"].attrs
    ours = ek.models.load_model(str(path))
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
    _assert_same(ours, theirs, _inputs(name, rng))


@pytest.mark.parametrize("name", list(BUILDERS))
def test_json_plus_legacy_weights_h5(name, tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, name, rng)
    _legacy_weights_file(real_keras, theirs, tmp_path / "w.h5")
    x = _inputs(name, rng)
    # (a) the legacy (H5) config JSON Keras 3 writes, (b) Keras 2 / TF.js JSON from the engine's to_json
    ours = ek.models.model_from_json(_legacy_json(theirs))
    ours.load_weights(str(tmp_path / "w.h5"))
    _assert_same(ours, theirs, x)
    keras2_json = json.loads(ours.to_json())
    assert keras2_json["keras_version"].startswith("2.")
    again = ek.models.model_from_json(json.dumps(keras2_json))
    again.load_weights(str(tmp_path / "w.h5"))
    _assert_same(again, theirs, x)


def test_load_weights_from_whole_model_h5(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "cnn_bn", rng)
    theirs.save(str(tmp_path / "m.h5"))
    ours = _cnn(ek)  # built in code, same names
    ours.load_weights(str(tmp_path / "m.h5"))
    _assert_same(ours, theirs, _inputs("cnn_bn", rng))


def test_compiled_model_h5_is_compiled(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "mlp", rng)
    theirs.compile(optimizer="adam", loss="mse")
    theirs.save(str(tmp_path / "m.h5"))
    ours = ek.models.load_model(str(tmp_path / "m.h5"))
    assert ours.compiled and type(ours.optimizer).__name__ == "Adam"
    _assert_same(ours, theirs, _inputs("mlp", rng))
    assert not ek.models.load_model(str(tmp_path / "m.h5"), compile=False).compiled


# ---------------------------------------------------------------------------
# Keras 2 form (what tf.keras 2.x writes), synthesized from a real model's weights
def _keras2_nested_numbering(topology):
    """Keras 2 counts a nested model's construction as node 0: its calls are referenced from 1."""
    cfg = topology["config"]
    nested = {l["name"] for l in cfg["layers"] if l["class_name"] in ("Sequential", "Functional", "Model")}
    for l in cfg["layers"]:
        for node in l.get("inbound_nodes") or []:
            for ref in node:
                if ref[0] in nested:
                    ref[1] += 1
    for ref in cfg["output_layers"]:
        if ref[0] in nested:
            ref[1] += 1
    return topology


def _write_keras2_h5(theirs, topology, path, whole_model=True):
    """A tf.keras-2.x-style file: ``<layer>/<layer>/kernel:0``, keras_version 2.15.0, chunked layer_names."""
    with h5py.File(path, "w") as f:
        g = f.create_group("model_weights") if whole_model else f
        if whole_model:
            f.attrs["model_config"] = json.dumps(topology).encode()
            f.attrs["keras_version"] = b"2.15.0"
            f.attrs["backend"] = b"tensorflow"
        names = [l.name.encode() for l in theirs.layers]
        half = max(1, len(names) // 2)  # Keras splits big attributes as layer_names0, layer_names1, …
        g.attrs["layer_names0"], g.attrs["layer_names1"] = names[:half], names[half:]
        g.attrs["keras_version"], g.attrs["backend"] = b"2.15.0", b"tensorflow"
        for layer in theirs.layers:
            lg = g.create_group(layer.name)
            ws = layer.trainable_weights + layer.non_trainable_weights
            # Keras 2 names: "<layer>/<weight>:0" (e.g. lstm/lstm_cell/kernel:0); inside a nested model,
            # "<sublayer>/<weight>:0" — Keras 3 paths carry the Sequential's name in front.
            is_model = hasattr(layer, "layers")
            wnames = []
            for w in ws:
                parts = w.path.split("/")
                i = parts.index(layer.name)
                wnames.append("/".join(parts[i + 1 if is_model else i:]) + ":0")
            lg.attrs["weight_names"] = [n.encode() for n in wnames]
            for n, w in zip(wnames, ws):
                lg.create_dataset(n, data=np.asarray(w.numpy()))


@pytest.mark.parametrize("name", ["functional", "cnn_bn", "embedding_lstm", "nested"])
def test_keras2_form_h5(name, tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, name, rng)
    theirs.save(str(tmp_path / "k3.h5"))
    topology = json.loads(ek.models.load_model(str(tmp_path / "k3.h5")).to_json())  # Keras 2 JSON form
    if name == "nested":
        _keras2_nested_numbering(topology)
        assert any(ref[1] == 1 for l in topology["config"]["layers"] for node in l.get("inbound_nodes") or []
                   for ref in node if ref[0] == "inner")
    _write_keras2_h5(theirs, topology, tmp_path / "k2.h5")
    x = _inputs(name, rng)
    _assert_same(ek.models.load_model(str(tmp_path / "k2.h5")), theirs, x)
    # the Keras 2 pair: model.json + weights-only .h5
    _write_keras2_h5(theirs, topology, tmp_path / "k2w.h5", whole_model=False)
    ours = ek.models.model_from_json(json.dumps(topology))
    ours.load_weights(str(tmp_path / "k2w.h5"))
    _assert_same(ours, theirs, x)


def test_keras2_file_means_keras2_hard_sigmoid(tmp_path, real_keras, rng):
    L = real_keras.layers
    theirs = real_keras.Sequential([real_keras.Input((3,)), L.Dense(4, activation="hard_sigmoid", name="d")])
    theirs.set_weights([rng.normal(scale=2.0, size=w.shape).astype("float32") for w in theirs.weights])
    path = tmp_path / "m.h5"
    theirs.save(str(path))
    x = rng.normal(scale=2.0, size=(5, 3)).astype("float32")
    _assert_same(ek.models.load_model(str(path)), theirs, x)  # Keras 3 file: Keras 3 hard_sigmoid
    with h5py.File(path, "a") as f:
        f.attrs["keras_version"] = b"2.15.0"
    z = x @ theirs.get_weights()[0] + theirs.get_weights()[1]
    np.testing.assert_allclose(ek.models.load_model(str(path)).predict(x, verbose=0),
                               np.clip(0.2 * z + 0.5, 0.0, 1.0), rtol=0, atol=TOL)


# ---------------------------------------------------------------------------
# Matching by name / order
def test_layers_matched_by_name_not_position(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "functional", rng)
    _legacy_weights_file(real_keras, theirs, tmp_path / "w.h5")
    with h5py.File(tmp_path / "w.h5", "a") as f:  # reorder the file's layer list
        f.attrs["layer_names"] = list(reversed(list(f.attrs["layer_names"])))
    ours = _functional(ek)
    ours.load_weights(str(tmp_path / "w.h5"))
    _assert_same(ours, theirs, _inputs("functional", rng))


def test_order_fallback_and_by_name(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "mlp", rng)
    _legacy_weights_file(real_keras, theirs, tmp_path / "w.h5")
    L = ek.layers
    renamed = ek.Sequential([ek.Input((6,)), L.Dense(8, activation="relu", name="p"),
                             L.Dense(3, activation="softmax", name="q")])
    renamed.load_weights(str(tmp_path / "w.h5"))  # names differ, counts agree: topological order
    x = _inputs("mlp", rng)
    _assert_same(renamed, theirs, x)
    partial = ek.Sequential([ek.Input((6,)), L.Dense(8, activation="relu", name=theirs.layers[0].name),
                             L.Dense(3, activation="softmax", name="q")])
    before = partial.layers[1].get_weights()
    partial.load_weights(str(tmp_path / "w.h5"), by_name=True)  # only the matching layer
    np.testing.assert_array_equal(partial.layers[0].get_weights()[0], theirs.layers[0].get_weights()[0])
    np.testing.assert_array_equal(partial.layers[1].get_weights()[0], before[0])
    bigger = ek.Sequential([ek.Input((6,)), L.Dense(8, name="p"), L.Dense(8, name="q"), L.Dense(3, name="r")])
    with pytest.raises(ValueError, match=r"cannot match layers by name.*\['p', 'q', 'r'\]"):
        bigger.load_weights(str(tmp_path / "w.h5"))


def test_keras3_layout_named_h5_is_delegated(tmp_path, rng):
    m = _mlp(ek)
    m.save_weights(str(tmp_path / "w.weights.h5"))
    (tmp_path / "w.weights.h5").rename(tmp_path / "w.h5")
    other = _mlp(ek)
    other.load_weights(str(tmp_path / "w.h5"))
    x = _inputs("mlp", rng)
    np.testing.assert_allclose(other.predict(x, verbose=0), m.predict(x, verbose=0), rtol=0, atol=0)


# ---------------------------------------------------------------------------
# Errors
@pytest.fixture
def cnn_file(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "cnn_bn", rng)
    theirs.save(str(tmp_path / "m.h5"))
    return tmp_path / "m.h5"


def test_wrong_shape_names_layer_weight_and_shapes(cnn_file):
    L = ek.layers
    wrong = ek.Sequential([ek.Input((8, 8, 3)), L.Conv2D(5, 3, padding="same", name="conv"),
                           L.BatchNormalization(name="bn"), L.ReLU(), L.MaxPooling2D(), L.Flatten(),
                           L.Dense(2, name="head")])
    before = [w.numpy().copy() for w in wrong.weights]
    with pytest.raises(ValueError) as e:
        wrong.load_weights(str(cnn_file))
    msg = str(e.value)
    assert "layer 'conv'" in msg and "'kernel'" in msg and "(3, 3, 3, 5)" in msg and "(3, 3, 3, 4)" in msg
    assert str(cnn_file) in msg
    for b, w in zip(before, wrong.weights):  # nothing was assigned
        np.testing.assert_array_equal(b, w.numpy())
    with pytest.warns(UserWarning, match="Skipping"):
        wrong.load_weights(str(cnn_file), skip_mismatch=True)


def test_wrong_shape_in_nested_model_names_sublayer(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "nested", rng)
    _legacy_weights_file(real_keras, theirs, tmp_path / "w.h5")
    L = ek.layers
    inner = ek.Sequential([ek.Input((4,)), L.Dense(6, name="inner_dense"), L.BatchNormalization(name="inner_bn")],
                          name="inner")
    x = ek.Input((4,), name="x")
    wrong = ek.Model(x, L.Dense(2, name="top")(L.Concatenate(name="cat")([inner(x), x])))
    with pytest.raises(ValueError, match=r"layer 'inner' \(sublayer 'inner/inner_dense'\) weight 'kernel' "
                                         r"expects shape \(4, 6\) but the file has shape \(4, 5\)"):
        wrong.load_weights(str(tmp_path / "w.h5"))


def test_weight_count_mismatch(cnn_file):
    L = ek.layers
    wrong = ek.Sequential([ek.Input((8, 8, 3)), L.Conv2D(4, 3, padding="same", name="conv", use_bias=False),
                           L.BatchNormalization(name="bn"), L.ReLU(), L.MaxPooling2D(), L.Flatten(),
                           L.Dense(2, name="head")])
    with pytest.raises(ValueError, match=r"layer 'conv' has 1 weight\(s\) \['kernel'\] but the file has 2"):
        wrong.load_weights(str(cnn_file))


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty"])
def test_corrupt_h5_raises_valueerror_with_path(damage, cnn_file, tmp_path):
    data = cnn_file.read_bytes()
    bad = tmp_path / f"{damage}.h5"
    bad.write_bytes({"truncated": data[:len(data) // 2], "garbage": b"\x00junk" * 500, "empty": b""}[damage])
    with pytest.raises(ValueError, match=str(bad).replace(".", r"\.")):
        ek.models.load_model(str(bad))
    with pytest.raises(ValueError, match=str(bad).replace(".", r"\.")):
        _cnn(ek).load_weights(str(bad))


def test_corrupted_bytes_raise_only_valueerror_with_path(cnn_file, tmp_path):
    """Overwrite 64 bytes at every 1 KiB of the file (same length, so HDF5's EOF check passes): each
    load either succeeds (the damage hit raw weight data or free space; HDF5 keeps no checksums) or
    raises ValueError naming the file, never a bare h5py/JSON error."""
    data = cnn_file.read_bytes()
    bad = tmp_path / "damaged.h5"
    failures = 0
    for pos in range(0, len(data) - 64, 1024):
        d = bytearray(data)
        d[pos:pos + 64] = b"\xff" * 64
        bad.write_bytes(bytes(d))
        for load in (lambda: ek.models.load_model(str(bad)), lambda: _cnn(ek).load_weights(str(bad))):
            try:
                load()
            except ValueError as e:
                assert "damaged.h5" in str(e), (pos, str(e))
                failures += 1
    assert failures >= 10


def test_not_a_whole_model_file(tmp_path, real_keras, rng):
    theirs = _real_model(real_keras, "mlp", rng)
    _legacy_weights_file(real_keras, theirs, tmp_path / "w.h5")
    with pytest.raises(ValueError, match="no 'model_config'.*weights-only"):
        ek.models.load_model(str(tmp_path / "w.h5"))
    with pytest.raises(ValueError, match="weights-only"):
        ek.models.load_model(str(tmp_path / "x.weights.h5"))
    with h5py.File(tmp_path / "other.h5", "w") as f:
        f.create_dataset("data", data=np.zeros(3))
    with pytest.raises(ValueError, match="not a legacy Keras weights file"):
        _mlp(ek).load_weights(str(tmp_path / "other.h5"))
    with pytest.raises(FileNotFoundError):
        _mlp(ek).load_weights(str(tmp_path / "missing.h5"))
