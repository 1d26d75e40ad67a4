"""Symbolic ``initial_state`` in Functional graphs, against real Keras 3 (TF backend).

``LSTM(8)(x, initial_state=[h, c])`` with KerasTensors ``h``/``c`` (from ``keras.Input``
or another layer) must wire the states into the graph as Keras 3 does: they are
inputs of the layer's node, its ``get_config`` node carries them in ``kwargs``
(``__keras_tensor__`` entries), and the model computes what Keras computes with the
same weights.  The Keras-2 / TF.js JSON (``to_json``) writes them as extra inbound
entries of the node (``layer([x, *states])``, as tf.keras 2 did and tfjs reads).
"""
from __future__ import annotations

import json
from typing import Any, Callable

import numpy as np
import pytest

import engine as etf
from engine import keras as ek
from engine.export import tfjs as tfjs_format

STATES = 8


def encoder_decoder(k: Any) -> Any:
    """The seq2seq pattern: the encoder's final states start the decoder."""
    enc_in = k.Input((5, 3), name="enc_in")
    dec_in = k.Input((4, 2), name="dec_in")
    _, h, c = k.layers.LSTM(STATES, return_state=True, name="enc")(enc_in)
    dec = k.layers.LSTM(STATES, return_sequences=True, name="dec")(dec_in, initial_state=[h, c])
    return k.Model([enc_in, dec_in], k.layers.Dense(2, name="head")(dec), name="seq2seq")


def gru_from_input(k: Any) -> Any:
    """One state, given as a bare tensor straight from an Input."""
    x = k.Input((5, 3), name="x")
    s = k.Input((STATES,), name="s")
    return k.Model([x, s], k.layers.GRU(STATES, name="gru")(x, initial_state=s), name="gru_state")


def simple_rnn_from_layer(k: Any) -> Any:
    """One state (in a list) computed by a Dense layer from a second input."""
    x = k.Input((5, 3), name="x")
    z = k.Input((4,), name="z")
    s = k.layers.Dense(STATES, activation="tanh", name="to_state")(z)
    y = k.layers.SimpleRNN(STATES, go_backwards=True, name="srnn")(x, initial_state=[s])
    return k.Model([x, z], y, name="srnn_state")


def bidirectional_states(k: Any) -> Any:
    """Bidirectional: the first half of the states starts the forward layer, the rest the backward one."""
    x = k.Input((5, 3), name="x")
    _, hf, cf, hb, cb = k.layers.Bidirectional(k.layers.LSTM(STATES, return_state=True), name="enc")(x)
    y = k.layers.Bidirectional(k.layers.LSTM(STATES), name="dec")(x, initial_state=[hf, cf, hb, cb])
    return k.Model(x, y, name="bidi_state")


MODELS: dict[str, Callable[[Any], Any]] = {
    "encoder_decoder": encoder_decoder,
    "gru_from_input": gru_from_input,
    "simple_rnn_from_layer": simple_rnn_from_layer,
    "bidirectional_states": bidirectional_states,
}


def _inputs(model: Any, rng: np.random.Generator, n: int = 3) -> list:
    return [rng.standard_normal((n, *tuple(t.shape)[1:])).astype("float32") for t in model.inputs]


def _pair(real_keras: Any, name: str, rng: np.random.Generator) -> tuple:
    ours, theirs = MODELS[name](ek), MODELS[name](real_keras)
    weights = [(rng.standard_normal(w.shape) * 0.4).astype("float32") for w in theirs.get_weights()]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return ours, theirs


def _predict(model: Any, xs: list) -> np.ndarray:
    y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    # a model rebuilt from Keras-2 JSON keeps its outputs as a list (output_layers is a list there)
    return np.asarray(y[0] if isinstance(y, list) and len(y) == 1 else y)


def _history(entry: Any) -> list:
    return list(entry["config"]["keras_history"])


def _node_refs(config: dict) -> dict:
    """layer name → its (only) node as ``(arg histories, {kwarg: histories})``."""
    out = {}
    for layer in config["layers"]:
        for node in layer["inbound_nodes"]:
            args = [_history(t) for t in _tensors(node["args"])]
            kwargs = {k: [_history(t) for t in _tensors(v)] for k, v in node["kwargs"].items() if _tensors(v)}
            out[layer["name"]] = (args, kwargs)
    return out


def _tensors(v: Any) -> list:
    if isinstance(v, dict):
        return [v] if v.get("class_name") == "__keras_tensor__" else [t for x in v.values() for t in _tensors(x)]
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in _tensors(x)]
    return []


# ---------------------------------------------------------------------------
# the graph computes what Keras computes
@pytest.mark.parametrize("name", list(MODELS))
def test_outputs_and_gradients_match_keras(name, real_keras, rng):
    import tensorflow as tf
    ours, theirs = _pair(real_keras, name, rng)
    xs = _inputs(theirs, rng)
    np.testing.assert_allclose(_predict(ours, xs), _predict(theirs, xs), rtol=1e-5, atol=2e-6)
    # the states carry gradient back into whatever produced them (the encoder, the Dense, the Inputs)
    xe, xt = [etf.constant(x) for x in xs], [tf.constant(x) for x in xs]
    with etf.GradientTape() as tape:
        tape.watch(xe)
        loss = etf.reduce_sum(etf.square(ours(xe if len(xe) > 1 else xe[0])))
    g_o = tape.gradient(loss, xe + ours.trainable_weights)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss_t = tf.reduce_sum(tf.square(theirs(xt if len(xt) > 1 else xt[0])))
    g_t = tape.gradient(loss_t, xt + theirs.trainable_weights)
    assert len(g_o) == len(g_t)
    for a, b, w in zip(g_o, g_t, ["input"] * len(xs) + [v.path for v in theirs.trainable_weights]):
        assert a is not None, w
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=2e-6, err_msg=w)


def test_states_are_inputs_of_the_node(real_keras, rng):
    ours, theirs = _pair(real_keras, "encoder_decoder", rng)
    dec, enc = ours.get_layer("dec"), ours.get_layer("enc")
    node = dec._inbound_nodes[0]
    assert [t._keras_history[0].name for t in node.input_tensors] == ["dec_in", "enc", "enc"]
    assert [t._keras_history[2] for t in node.input_tensors] == [0, 1, 2]
    assert node in enc._outbound_nodes
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
    lines: list[str] = []
    ours.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "enc[0][1]" in text and "enc[0][2]" in text


def test_disconnected_state_is_reported():
    """A state from an Input that is not among the model's inputs: the graph error names it."""
    x = ek.Input((5, 3), name="x")
    s = ek.Input((STATES,), name="lost_state")
    y = ek.layers.GRU(STATES, name="gru")(x, initial_state=s)
    with pytest.raises(ValueError, match="lost_state"):
        ek.Model(x, y)


# ---------------------------------------------------------------------------
# configs and JSON keep the wiring
@pytest.mark.parametrize("name", list(MODELS))
def test_get_config_nodes_match_keras(name, real_keras, rng):
    ours, theirs = _pair(real_keras, name, rng)
    assert _node_refs(ours.get_config()) == _node_refs(theirs.get_config())


@pytest.mark.parametrize("name", list(MODELS))
def test_config_and_json_round_trips(name, real_keras, rng):
    ours, theirs = _pair(real_keras, name, rng)
    xs = _inputs(theirs, rng)
    want = _predict(ours, xs)
    config = ours.get_config()
    rebuilt = {
        "from_config": ek.Model.from_config(config),
        "model_from_json": ek.models.model_from_json(ours.to_json()),
        "from_keras_config": ek.Model.from_config(json.loads(json.dumps(theirs.get_config()))),
    }
    for how, model in rebuilt.items():
        model.set_weights(ours.get_weights())
        np.testing.assert_allclose(_predict(model, xs), want, rtol=1e-6, atol=1e-7, err_msg=how)
        assert _node_refs(model.get_config()) == _node_refs(config), how
    # real Keras builds the same model from our config
    keras_model = real_keras.Model.from_config(json.loads(json.dumps(config)))
    keras_model.set_weights(ours.get_weights())
    np.testing.assert_allclose(_predict(keras_model, xs), want, rtol=1e-5, atol=2e-6)


def test_json_writes_states_as_extra_inbound_entries(real_keras, rng):
    ours, _ = _pair(real_keras, "encoder_decoder", rng)
    layers = {l["name"]: l for l in json.loads(ours.to_json())["config"]["layers"]}
    assert layers["dec"]["inbound_nodes"] == [[["dec_in", 0, 0, {}], ["enc", 0, 1, {}], ["enc", 0, 2, {}]]]
    assert layers["enc"]["inbound_nodes"] == [[["enc_in", 0, 0, {}]]]


def test_keras2_tensor_references_in_kwargs_load(real_keras, rng):
    """tf.keras 2 writes a symbolic kwarg as ``[layer, node, tensor]`` lists inside the node's kwargs."""
    ours, _ = _pair(real_keras, "encoder_decoder", rng)
    topo = json.loads(ours.to_json())
    for layer in topo["config"]["layers"]:
        if layer["name"] == "dec":
            layer["inbound_nodes"] = [[["dec_in", 0, 0, {"initial_state": [["enc", 0, 1], ["enc", 0, 2]]}]]]
    model = ek.models.model_from_json(json.dumps(topo))
    model.set_weights(ours.get_weights())
    xs = _inputs(ours, rng)
    np.testing.assert_allclose(_predict(model, xs), _predict(ours, xs), rtol=1e-6, atol=1e-7)
    assert len(model.get_layer("dec")._inbound_nodes[0].input_tensors) == 3


def test_symbolic_kwargs_of_any_layer(rng):
    """Not only RNNs: a layer whose ``call`` takes a tensor keyword gets it wired and serialized."""
    class Shift(ek.layers.Layer):
        def call(self, inputs, offset=None, scale=1.0):
            return etf.add(etf.multiply(inputs, scale), offset)

    def build():
        a = ek.Input((4,), name="a")
        b = ek.Input((4,), name="b")
        y = Shift(name="shift")(a, offset=ek.layers.Dense(4, name="dense")(b), scale=2.0)
        return ek.Model([a, b], y)

    model = build()
    xs = _inputs(model, rng)
    want = _predict(model, xs)
    dense_w = model.get_layer("dense").get_weights()
    np.testing.assert_allclose(want, 2 * xs[0] + xs[1] @ dense_w[0] + dense_w[1], rtol=1e-6)
    node = [l for l in model.get_config()["layers"] if l["name"] == "shift"][0]["inbound_nodes"][0]
    assert node["kwargs"]["scale"] == 2.0
    assert _history(node["kwargs"]["offset"]) == ["dense", 0, 0]
    entry = [l for l in json.loads(model.to_json())["config"]["layers"] if l["name"] == "shift"][0]
    assert entry["inbound_nodes"] == [[["a", 0, 0, {"offset": ["dense", 0, 0], "scale": 2.0}]]]
    for rebuilt in (ek.Model.from_config(model.get_config(), custom_objects={"Shift": Shift}),
                    ek.models.model_from_json(model.to_json(), custom_objects={"Shift": Shift})):
        rebuilt.set_weights(model.get_weights())
        np.testing.assert_allclose(_predict(rebuilt, xs), want, rtol=1e-6)


# ---------------------------------------------------------------------------
# export
@pytest.mark.parametrize("fmt", ["keras", "python", "tfjs", "tf_saved_model"])
def test_encoder_decoder_exports_with_reference_parity(fmt, real_keras, rng, tmp_path):
    if fmt == "tfjs" and (tfjs_format.find_node() is None or tfjs_format.find_tfjs_dir() is None):
        pytest.fail("TF.js reference runtime missing: run `bash scripts/test` (installs @tensorflow/tfjs into "
                    ".cache/tfjs)", pytrace=False)
    ours, _ = _pair(real_keras, "encoder_decoder", rng)
    report = ours.export(tmp_path / fmt, format=fmt)
    ref = report["reference"]
    assert ref and "error" not in ref and ref.get("runtime"), ref
    assert ref["max_abs_diff"] <= 1e-5, ref
