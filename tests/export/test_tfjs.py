"""TF.js Layers export and import, proven against real ``@tensorflow/tfjs`` 4.22.0 in Node (cpu backend).

``bash scripts/test`` installs tfjs into ``.cache/tfjs`` and exports ``TAPESTUDIO_TFJS_DIR``.
A missing node or tfjs fails these tests (in CI and locally); nothing is skipped.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import numpy as np
import pytest

from engine import keras
from engine.export import ExportError, tfjs
from engine.export.parity import engine_outputs, sample_inputs

sys.path.insert(0, str(Path(__file__).parent))
import zoo  # noqa: E402

TOL = 1e-5
MAKE_MODELS_JS = Path(__file__).with_name("tfjs_make_models.js")

# Shared-zoo models tfjs cannot express, and the layer the ExportError must name.
ZOO_REFUSED = {
    "multi_io": "diff",          # Subtract: not registered in tfjs 4.22
    "cnn": "sdrop",              # SpatialDropout2D: not registered
    "cnn_pool_heads": "gap_keep",  # keepdims=True: tfjs global pooling has no keepdims
    "conv1d": "pad1d",           # ZeroPadding1D: not registered (and its Conv1D is causal)
    "conv3d": "gap3d",           # GlobalAveragePooling3D: not registered
    "rnn": "bag",                # CategoryEncoding: broken in tfjs 4.22 (and its GRU has reset_after=True)
    "activations": "norm",       # Normalization: not registered
}


# ---------------------------------------------------------------------------
# The runtime: a missing one fails, never skips
@pytest.fixture(scope="module")
def tfjs_runtime() -> tuple[str, Path]:
    """``(node, tfjs package dir)``; fails the test when either is missing."""
    node, pkg = tfjs.find_node(), tfjs.find_tfjs_dir()
    if node is None or pkg is None:
        where = "in CI" if os.environ.get("CI") == "true" else "locally"
        missing = "node" if node is None else "@tensorflow/tfjs 4.22.0"
        pytest.fail(f"TF.js reference runtime missing ({where}): {missing} not found. Run `bash scripts/test`, "
                    f"which installs @tensorflow/tfjs@{tfjs.TFJS_VERSION} into .cache/tfjs and sets "
                    f"TAPESTUDIO_TFJS_DIR.", pytrace=False)
    version = json.loads((pkg / "package.json").read_text())["version"]
    assert version == tfjs.TFJS_VERSION, f"tfjs {version} at {pkg}, expected {tfjs.TFJS_VERSION}"
    return node, pkg


# ---------------------------------------------------------------------------
# tfjs-expressible models covering every class in tfjs.LAYER_RULES (with the shared zoo)
def tfjs_cnn(keras: ModuleType) -> Any:
    """2-D convolutions, pooling, padding, upsampling, cropping, normalization, global pooling."""
    L = keras.layers
    x = keras.Input((10, 10, 3), name="image")
    h = L.Conv2D(4, 3, padding="same", activation="relu", name="conv")(x)
    h = L.BatchNormalization(name="conv_bn")(h)
    h = L.ZeroPadding2D(((1, 0), (0, 1)), name="pad")(h)
    h = L.DepthwiseConv2D(3, depth_multiplier=2, name="depthwise")(h)
    h = L.SeparableConv2D(6, (3, 3), padding="same", name="separable")(h)
    h = L.Conv2DTranspose(5, 3, strides=2, padding="same", name="deconv")(h)
    h = L.Cropping2D(((1, 1), (2, 0)), name="crop")(h)
    h = L.MaxPooling2D(2, name="maxpool")(h)
    h = L.UpSampling2D((2, 1), name="up")(h)
    h = L.AveragePooling2D(pool_size=(2, 2), strides=(1, 1), padding="same", name="avgpool")(h)
    h = L.LayerNormalization(name="ln")(h)
    h = L.Conv2D(3, 3, strides=2, dilation_rate=1, name="strided")(h)
    g = L.Add(name="pool_sum")([L.GlobalAveragePooling2D(name="gap")(h), L.GlobalMaxPooling2D(name="gmp")(h)])
    f = L.Dense(4, name="dense")(L.Flatten(name="flatten")(h))
    return keras.Model(x, [f, g], name="tfjs_cnn")


def tfjs_conv1d(keras: ModuleType) -> Any:
    """1-D convolutions (dilated), pooling, spatial dropout, 1-D global pooling."""
    L = keras.layers
    x = keras.Input((16, 3), name="signal")
    h = L.Conv1D(4, 3, activation="relu", name="c1d")(x)
    h = L.Conv1D(4, 3, dilation_rate=2, padding="same", name="c1d_dilated")(h)
    h = L.MaxPooling1D(2, name="mp1d")(h)
    h = L.AveragePooling1D(2, padding="same", name="ap1d")(h)
    h = L.SpatialDropout1D(0.2, name="sdrop1d")(h)
    return keras.Model(x, [L.GlobalMaxPooling1D(name="gmp1d")(h), L.GlobalAveragePooling1D(name="gap1d")(h)],
                       name="tfjs_conv1d")


def tfjs_conv3d(keras: ModuleType) -> Any:
    """3-D convolution, transposed convolution and pooling."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((4, 4, 4, 2), name="volume"),
        L.Conv3D(3, 3, padding="same", activation="relu", name="c3d"),
        L.Conv3DTranspose(2, 2, strides=2, name="deconv3d"),
        L.MaxPooling3D(2, name="mp3d"),
        L.AveragePooling3D(2, name="ap3d"),
        L.Flatten(name="flat"),
    ], name="tfjs_conv3d")


def tfjs_activations(keras: ModuleType) -> Any:
    """Activation layers and strings, reshaping, rescaling and the inference-time identities."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((12,), name="v"),
        L.Rescaling(0.5, offset=0.1, name="rescale"),
        L.Dense(12, name="d"),
        L.ReLU(max_value=1.5, name="relu_capped"),
        L.Dense(12, name="d2"),
        L.ReLU(negative_slope=0.1, name="relu_leaky"),   # written as LeakyReLU(alpha=0.1)
        L.LeakyReLU(negative_slope=0.2, name="leaky"),    # Keras 3 negative_slope → tfjs alpha
        L.PReLU(name="prelu"),
        L.ELU(name="elu"),
        L.GaussianNoise(0.3, name="noise"),
        L.GaussianDropout(0.2, name="gdrop"),
        L.AlphaDropout(0.1, name="adrop"),
        L.Dropout(0.5, name="drop"),
        L.Reshape((3, 4), name="reshape"),
        L.Permute((2, 1), name="permute"),
        L.Softmax(axis=-1, name="softmax"),
        L.Flatten(name="flat"),
        L.RepeatVector(2, name="repeat"),
        L.Flatten(name="flat2"),
        L.Activation("gelu", name="gelu"),
        L.Activation("silu", name="silu"),                # written as swish
        L.Activation("leaky_relu", name="lrelu_act"),     # written as LeakyReLU(alpha=0.2)
        L.Dense(8, activation="selu", name="selu"),
        L.Dense(8, activation="softsign", name="softsign"),
        L.Dense(8, activation="mish", name="mish"),
        L.Dense(8, activation="relu6", name="relu6"),
        L.Dense(8, activation="log_softmax", name="log_softmax"),
        L.Dense(8, activation="swish", name="swish"),
        L.Dense(8, activation="elu", name="elu_act"),
        L.Dense(3, activation="softplus", kernel_initializer="lecun_normal", name="out"),
    ], name="tfjs_activations")


def tfjs_rnn(keras: ModuleType) -> Any:
    """Embedding (mask_zero), LSTM, GRU (reset_after=False), SimpleRNN, Bidirectional, TimeDistributed,
    the generic RNN over one cell and over stacked cells, Masking; two outputs."""
    L = keras.layers
    t = keras.Input((7,), dtype="int32", name="tokens")
    e = L.Embedding(20, 6, mask_zero=True, name="embed")(t)
    a = L.Bidirectional(L.LSTM(4, return_sequences=True, name="bl"), name="bi_lstm")(e)
    b = L.Bidirectional(L.GRU(3, reset_after=False, return_sequences=True, name="bg"), merge_mode="mul",
                        name="bi_gru")(a)
    c = L.TimeDistributed(L.Dense(3, activation="tanh", name="td_dense"), name="td")(b)
    c = L.SimpleRNN(3, return_sequences=True, activation="relu", name="srnn")(c)
    d = L.RNN(L.LSTMCell(3, name="one_cell"), name="rnn_cell")(c)
    s = L.RNN([L.LSTMCell(3), L.GRUCell(2, reset_after=False)], name="stacked")(c)
    g = L.GRU(2, reset_after=False, go_backwards=True, name="gru")(c)
    return keras.Model(t, [L.Concatenate(name="join")([d, g]), s], name="tfjs_rnn")


def tfjs_masking(keras: ModuleType) -> Any:
    """Masking in front of an LSTM that returns its states."""
    L = keras.layers
    x = keras.Input((5, 3), name="seq")
    out, h, c = L.LSTM(4, return_state=True, name="lstm")(L.Masking(mask_value=0.0, name="masking")(x))
    return keras.Model(x, [out, L.Add(name="hc")([h, c])], name="tfjs_masking")


TFJS_ZOO: dict[str, Callable[[ModuleType], Any]] = {
    "tfjs_cnn": tfjs_cnn, "tfjs_conv1d": tfjs_conv1d, "tfjs_conv3d": tfjs_conv3d,
    "tfjs_activations": tfjs_activations, "tfjs_rnn": tfjs_rnn, "tfjs_masking": tfjs_masking,
}


def _all_layers(model: Any) -> list:
    """Every layer of a model, recursing into nested models, wrappers and RNN cells."""
    out: list = []

    def visit(obj: Any) -> None:
        if obj is None:
            return
        out.append(obj)
        for sub in getattr(obj, "layers", None) or []:
            visit(sub)
        for attr in ("layer", "forward_layer", "cell"):
            visit(getattr(obj, attr, None))
        for c in getattr(obj, "cells", None) or []:
            visit(c)
    for layer in model.layers:
        visit(layer)
    return out


def _no_leftovers(target: Path) -> None:
    assert not target.exists(), f"a failed export left {target}"
    assert not [p for p in target.parent.iterdir() if p.name.startswith(f".{target.name}.")], \
        "a failed export left a temporary directory"


def _check_parity(report: dict, out: Path) -> float:
    ref = report["reference"]
    assert ref and "error" not in ref, f"tfjs failed: {ref}"
    assert ref["runtime"].startswith(f"tfjs {tfjs.TFJS_VERSION} (cpu"), ref
    for ours, theirs in zip(report["engine_outputs"], ref["outputs"]):
        assert np.shape(ours) == np.shape(theirs)
    assert ref["max_abs_diff"] <= TOL, f"tfjs differs from the engine by {ref['max_abs_diff']}"
    assert json.loads((out / "parity.json").read_text()) == json.loads(json.dumps(report))
    return ref["max_abs_diff"]


# ---------------------------------------------------------------------------
# Export → real tfjs
@pytest.mark.parametrize("name", sorted(zoo.ZOO))
def test_shared_zoo_exports_or_names_the_layer(name: str, tmp_path: Path, tfjs_runtime: Any) -> None:
    model = zoo.build(name, keras)
    out = tmp_path / name
    if name in ZOO_REFUSED:
        with pytest.raises(ExportError) as exc:
            model.export(out, format="tfjs")
        assert exc.value.layer == ZOO_REFUSED[name] and exc.value.format == "tfjs"
        assert f"'{ZOO_REFUSED[name]}'" in str(exc.value) and "tfjs" in str(exc.value)
        _no_leftovers(out)
        return
    report = model.export(out, format="tfjs")
    _check_parity(report, out)
    assert sorted(p.name for p in out.iterdir()) == ["group1-shard1of1.bin", "model.json", "parity.json"]


@pytest.mark.parametrize("name", sorted(TFJS_ZOO))
def test_tfjs_zoo_parity(name: str, tmp_path: Path, tfjs_runtime: Any) -> None:
    model = zoo.randomize(TFJS_ZOO[name](keras), seed=1)
    report = model.export(tmp_path / name, format="tfjs")
    _check_parity(report, tmp_path / name)


def test_every_tfjs_layer_rule_is_exercised() -> None:
    """Each class the exporter maps (and the engine has) appears in a model the parity tests export."""
    from engine.keras.saving.object_registry import LAYERS
    seen: set = set()
    for name, build in {**{n: zoo.ZOO[n] for n in zoo.ZOO if n not in ZOO_REFUSED}, **TFJS_ZOO}.items():
        model = build(keras)
        seen |= {type(l).__name__ for l in _all_layers(model)}
    expected = {c for c in tfjs.LAYER_RULES if c in LAYERS}
    assert expected - seen == set(), f"tfjs layer rules never exercised: {sorted(expected - seen)}"


def test_weight_names_are_the_ones_tfjs_creates(tmp_path: Path, tfjs_runtime: Any) -> None:
    """Manifest names == the ``originalName`` of every weight tfjs builds (wrappers, stacked cells, nested)."""
    for model in (zoo.randomize(tfjs_rnn(keras)), zoo.build("nested", keras)):
        out = tmp_path / model.name
        tfjs.write(model, out)
        manifest = json.loads((out / "model.json").read_text())["weightsManifest"][0]["weights"]
        reply = tfjs.run_tfjs(out / "model.json")
        assert sorted(w["name"] for w in manifest) == sorted(reply["weights"])
        assert any(n.startswith("bi_lstm/forward_bl/") for n in reply["weights"]) or model.name == "nested"


def test_parity_json_contents(tmp_path: Path, tfjs_runtime: Any) -> None:
    from engine import __version__
    model = zoo.build("mlp", keras)
    out = tmp_path / "mlp"
    report = model.export(out, format="tfjs")
    parity = json.loads((out / "parity.json").read_text())
    assert parity["engine_version"] == __version__ and parity["format"] == "tfjs"
    assert parity["input_names"] == ["features"]
    x = np.asarray(parity["inputs"][0], np.float32)
    assert x.shape == (4, 8)
    np.testing.assert_allclose(np.asarray(parity["engine_outputs"][0]), engine_outputs(model, [x])[0], atol=0)
    ref = parity["reference"]
    node_version = subprocess.run([tfjs_runtime[0], "--version"], capture_output=True, text=True).stdout.strip()
    assert ref["runtime"] == f"tfjs {tfjs.TFJS_VERSION} (cpu, node {node_version.lstrip('v')})"
    assert np.asarray(ref["outputs"][0]).shape == (4, 3)
    assert 0.0 <= ref["max_abs_diff"] <= TOL
    assert report["reference"]["max_abs_diff"] == ref["max_abs_diff"]


def test_model_json_is_the_canonical_form(tmp_path: Path) -> None:
    """formats.md §1.8: format, generatedBy, convertedBy, Keras-2 topology, one group, names without :0."""
    from engine import __version__
    model = zoo.build("mlp", keras)
    tfjs.write(model, tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    assert list(doc) == ["format", "generatedBy", "convertedBy", "modelTopology", "weightsManifest"]
    assert doc["format"] == "layers-model" and doc["generatedBy"] == f"tapestudio {__version__}"
    assert doc["convertedBy"] is None
    topo = doc["modelTopology"]
    assert topo["class_name"] == "Sequential" and topo["keras_version"] and topo["backend"] == "tensorflow"
    first = topo["config"]["layers"][0]
    assert first["class_name"] == "InputLayer" and first["config"]["batch_input_shape"] == [None, 8]
    bn = next(l for l in topo["config"]["layers"] if l["class_name"] == "BatchNormalization")
    assert isinstance(bn["config"]["axis"], int)
    for layer in topo["config"]["layers"]:
        assert tfjs.NAME_RE.match(layer["config"]["name"])
        assert layer["config"]["dtype"] == "float32"
        for k, v in layer["config"].items():
            if k.endswith("_initializer"):
                assert v["class_name"] in tfjs.INITIALIZERS.values() and "config" in v
    [group] = doc["weightsManifest"]
    assert group["paths"] == ["group1-shard1of1.bin"]
    names = [w["name"] for w in group["weights"]]
    assert names[:2] == ["hidden/kernel", "hidden/bias"] and not any(":" in n for n in names)
    assert "bn/moving_variance" in names and all(w["dtype"] == "float32" for w in group["weights"])
    data = (tmp_path / "group1-shard1of1.bin").read_bytes()
    assert len(data) == 4 * sum(int(np.prod(w["shape"])) for w in group["weights"])
    kernel = np.frombuffer(data[:8 * 16 * 4], "<f4").reshape(8, 16)
    np.testing.assert_array_equal(kernel, model.get_layer("hidden").kernel.numpy())


def test_rnn_config_spells_out_tfjs_defaults(tmp_path: Path) -> None:
    """recurrent_activation always written (tfjs defaults to hard_sigmoid); GRU reset_after false."""
    doc, _ = tfjs.model_json(zoo.randomize(tfjs_rnn(keras)))
    layers = {l["name"]: l for l in doc["modelTopology"]["config"]["layers"]}
    assert layers["gru"]["config"]["recurrent_activation"] == "sigmoid"
    assert layers["gru"]["config"]["reset_after"] is False
    inner = layers["bi_lstm"]["config"]["layer"]
    assert inner["class_name"] == "LSTM" and inner["config"]["name"] == "bl"
    assert inner["config"]["recurrent_activation"] == "sigmoid"
    assert layers["embed"]["config"]["mask_zero"] is True


def test_int_weights_are_int32() -> None:
    arr, dtype = tfjs._weight_array("layer/count", np.array([1, 2, 3], np.int64))
    assert dtype == "int32" and arr.dtype == np.dtype("<i4")
    with pytest.raises(ExportError, match="int32"):
        tfjs._weight_array("layer/count", np.array([2**40], np.int64))


def test_4mib_shards_load_in_tfjs(tmp_path: Path, tfjs_runtime: Any) -> None:
    """A > 4 MiB model is cut into 4 MiB shards (a weight straddles the boundary) and loads in tfjs."""
    model = keras.Sequential([keras.Input((1100,), name="x"), keras.layers.Dense(1000, name="big"),
                              keras.layers.Dense(2, name="small")])
    zoo.randomize(model)
    report = model.export(tmp_path / "big", format="tfjs")
    _check_parity(report, tmp_path / "big")
    doc = json.loads((tmp_path / "big" / "model.json").read_text())
    assert doc["weightsManifest"][0]["paths"] == ["group1-shard1of2.bin", "group1-shard2of2.bin"]
    sizes = [(tmp_path / "big" / p).stat().st_size for p in doc["weightsManifest"][0]["paths"]]
    assert sizes[0] == 4 * 1024 * 1024 and sum(sizes) == 4 * (1100 * 1000 + 1000 + 1000 * 2 + 2)


# ---------------------------------------------------------------------------
# Import: model.json written by tfjs and by this exporter
@pytest.fixture(scope="module")
def tfjs_written(tfjs_runtime: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Models built and saved by real tfjs in Node, with tfjs's own predictions."""
    node, pkg = tfjs_runtime
    out = tmp_path_factory.mktemp("tfjs_written")
    proc = subprocess.run([node, str(MAKE_MODELS_JS), str(pkg), str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out


@pytest.mark.parametrize("name", ["seq_cnn", "fn_rnn", "nested"])
def test_tfjs_written_model_imports_with_tfjs_predictions(name: str, tfjs_written: Path) -> None:
    expected = json.loads((tfjs_written / "predictions.json").read_text())[name]
    doc = json.loads((tfjs_written / name / "model.json").read_text())
    assert doc["generatedBy"].startswith("TensorFlow.js tfjs-layers v4.22.0")
    model = keras.models.load_model(str(tfjs_written / name / "model.json"))
    xs = [tfjs._decode(i) for i in expected["inputs"]]
    ys = engine_outputs(model, xs)
    assert len(ys) == len(expected["outputs"])
    for ours, theirs in zip(ys, expected["outputs"]):
        theirs = tfjs._decode(theirs)
        assert ours.shape == theirs.shape
        assert float(np.max(np.abs(ours - theirs))) <= TOL


def test_tfjs_lstm_keeps_keras2_hard_sigmoid_and_reexports(tfjs_written: Path, tmp_path: Path) -> None:
    """tfjs's default recurrent_activation is the Keras-2 hard_sigmoid: imported exactly, re-exported as such."""
    model = tfjs.load_layers_model(tfjs_written / "fn_rnn" / "model.json")
    lstm = next(l for l in model.layers if type(l).__name__ == "LSTM")
    assert lstm.recurrent_activation is tfjs.keras2_hard_sigmoid
    np.testing.assert_allclose(np.asarray(tfjs.keras2_hard_sigmoid(np.array([-3.0, 0.0, 1.0, 3.0], np.float32))),
                               [0.0, 0.5, 0.7, 1.0], atol=1e-7)
    doc, _ = tfjs.model_json(model)
    cfg = next(l for l in doc["modelTopology"]["config"]["layers"] if l["class_name"] == "LSTM")["config"]
    assert cfg["recurrent_activation"] == "hard_sigmoid"


@pytest.mark.parametrize("name", ["mlp", "residual", "rnn_cells", "nested"])
def test_export_import_round_trip(name: str, tmp_path: Path) -> None:
    model = zoo.build(name, keras)
    tfjs.write(model, tmp_path, shard_size_bytes=100)  # many shards; weights straddle files
    assert len(list(tmp_path.glob("group1-shard*of*.bin"))) > 1
    back = keras.models.load_model(str(tmp_path / "model.json"))
    assert type(back).__name__ == type(model).__name__
    xs = sample_inputs(model)
    for a, b in zip(engine_outputs(model, xs), engine_outputs(back, xs)):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------------------
# Negative cases: a clear error, and nothing half-written or half-built
def _exported(tmp_path: Path) -> Path:
    out = tmp_path / "m"
    tfjs.write(zoo.build("mlp", keras), out)
    return out


def test_corrupt_model_json(tmp_path: Path) -> None:
    out = _exported(tmp_path)
    text = (out / "model.json").read_text()
    (out / "model.json").write_text(text[: len(text) // 2])
    with pytest.raises(ValueError, match="not a valid TF.js model.json .*corrupt or truncated"):
        keras.models.load_model(str(out / "model.json"))
    (out / "model.json").write_text(json.dumps({"weightsManifest": []}))
    with pytest.raises(ValueError, match="no 'modelTopology'"):
        tfjs.load_layers_model(out / "model.json")


def test_weights_manifest_with_a_wrong_shape(tmp_path: Path) -> None:
    out = _exported(tmp_path)
    doc = json.loads((out / "model.json").read_text())
    doc["weightsManifest"][0]["weights"][0]["shape"] = [16, 8]
    (out / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"weight 'hidden/kernel' has shape \[16, 8\] .* expects \[8, 16\]"):
        tfjs.load_layers_model(out / "model.json")


def test_unknown_layer_class_on_import(tmp_path: Path) -> None:
    out = _exported(tmp_path)
    doc = json.loads((out / "model.json").read_text())
    doc["modelTopology"]["config"]["layers"][1]["class_name"] = "FancyLayer"
    (out / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="cannot build the model: Unknown layer: 'FancyLayer'"):
        keras.models.load_model(str(out / "model.json"))


def test_missing_and_truncated_shards(tmp_path: Path) -> None:
    out = _exported(tmp_path)
    shard = out / "group1-shard1of1.bin"
    data = shard.read_bytes()
    shard.write_bytes(data[:-4])
    with pytest.raises(ValueError, match="truncated or mismatched shards"):
        tfjs.load_layers_model(out / "model.json")
    shard.unlink()
    with pytest.raises(ValueError, match="weight shard 'group1-shard1of1.bin' .* is missing"):
        tfjs.load_layers_model(out / "model.json")


def test_manifest_missing_or_extra_weight(tmp_path: Path) -> None:
    out = _exported(tmp_path)
    doc = json.loads((out / "model.json").read_text())
    doc["weightsManifest"][0]["weights"][0]["name"] = "nowhere/kernel"
    (out / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match="'nowhere/kernel' has no target variable"):
        tfjs.load_layers_model(out / "model.json")
    del doc["weightsManifest"][0]["weights"][0]
    (out / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ValueError, match=r"1 of \d+ weights are not in the weights manifest: \['hidden/kernel'\]"):
        tfjs.load_layers_model(out / "model.json")


def test_gru_reset_after_true_is_refused(tmp_path: Path) -> None:
    L = keras.layers
    model = keras.Sequential([keras.Input((5, 3), name="seq"), L.GRU(4, name="my_gru"), L.Dense(1, name="out")])
    with pytest.raises(ExportError, match="'my_gru' \\(GRU\\) cannot be exported to tfjs: GRU with reset_after=True"):
        model.export(tmp_path / "gru", format="tfjs")
    _no_leftovers(tmp_path / "gru")
    bi = keras.Sequential([keras.Input((5, 3), name="seq"), L.Bidirectional(L.GRU(2, name="g"), name="bi")])
    with pytest.raises(ExportError, match="reset_after"):
        bi.export(tmp_path / "bi", format="tfjs")
    _no_leftovers(tmp_path / "bi")


@pytest.mark.parametrize("build, layer, why", [
    (lambda L: [L.Dense(4, name="a"), L.Lambda(lambda t: t * 2, name="double")], "double", "Lambda"),
    (lambda L: [L.Dense(4, activation="hard_sigmoid", name="hs")], "hs", "hard_sigmoid"),
    (lambda L: [L.Dense(4, activation="leaky_relu", name="lr")], "lr", "leaky_relu"),
    (lambda L: [L.Dense(4, activation="exponential", name="ex")], "ex", "exponential"),
    (lambda L: [L.Dense(4, name="bad name")], "bad name", "tensor-name pattern"),
    (lambda L: [L.Reshape((2, 2), name="r"), L.Softmax(axis=1, name="sm_axis1")], "sm_axis1", "last axis"),
    (lambda L: [L.ELU(alpha=0.5, name="elu_half")], "elu_half", "alpha=1.0"),
    (lambda L: [L.Reshape((4, 1), name="r"), L.UpSampling1D(2, name="up1d")], "up1d", "UpSampling1D"),
    (lambda L: [L.Identity(name="same")], "same", "Identity"),
])
def test_unsupported_layers_name_the_layer(build: Callable, layer: str, why: str, tmp_path: Path) -> None:
    model = keras.Sequential([keras.Input((4,), name="x"), *build(keras.layers)])
    with pytest.raises(ExportError) as exc:
        model.export(tmp_path / "m", format="tfjs")
    assert exc.value.layer == layer and exc.value.format == "tfjs"
    assert f"Layer '{layer}'" in str(exc.value) and why in str(exc.value)
    _no_leftovers(tmp_path / "m")


def test_subtract_refused_in_functional(tmp_path: Path) -> None:
    L = keras.layers
    a, b = keras.Input((3,), name="a"), keras.Input((3,), name="b")
    model = keras.Model([a, b], L.Subtract(name="minus")([a, b]))
    with pytest.raises(ExportError, match="Layer 'minus' \\(Subtract\\) cannot be exported to tfjs"):
        model.export(tmp_path / "m", format="tfjs")
    _no_leftovers(tmp_path / "m")


def test_failed_export_keeps_the_previous_export(tmp_path: Path) -> None:
    out = tmp_path / "m"
    tfjs.write(zoo.build("mlp", keras), out)
    before = (out / "model.json").read_bytes()
    model = keras.Sequential([keras.Input((5, 3), name="seq"), keras.layers.GRU(4, name="g")])
    with pytest.raises(ExportError):
        model.export(out, format="tfjs")
    assert (out / "model.json").read_bytes() == before


def test_converter_style_topology_cell_names_and_quantized_weights(tmp_path: Path) -> None:
    """The Python converter's form: ``{keras_version, backend, model_config}``, TF≥2.2 cell weight names
    (``lstm/lstm_cell/kernel``, matched like tfjs by dropping the cell component), and §1.5 quantization."""
    L = keras.layers
    model = zoo.randomize(keras.Sequential([keras.Input((4, 3), name="seq"), L.LSTM(5, name="lstm"),
                                            L.Dense(2, name="out")], name="conv"))
    tfjs.write(model, tmp_path)
    doc = json.loads((tmp_path / "model.json").read_text())
    topo = doc["modelTopology"]
    doc["modelTopology"] = {"keras_version": "2.21.0", "backend": "tensorflow",
                            "model_config": {"class_name": topo["class_name"], "config": topo["config"]}}
    data = (tmp_path / "group1-shard1of1.bin").read_bytes()
    blobs, offset = [], 0
    for i, spec in enumerate(doc["weightsManifest"][0]["weights"]):
        n = int(np.prod(spec["shape"]))
        arr = np.frombuffer(data[offset:offset + 4 * n], "<f4")
        offset += 4 * n
        if spec["name"].startswith("lstm/"):
            spec["name"] = spec["name"].replace("lstm/", "lstm/lstm_cell/")
        if i % 2:  # float16 storage
            spec["quantization"] = {"dtype": "float16"}
            blobs.append(arr.astype("<f2").tobytes())
        else:      # uint8 affine: value = q * scale + min
            lo, hi = float(arr.min()), float(arr.max())
            scale = (hi - lo) / 255 or 1.0
            spec["quantization"] = {"dtype": "uint8", "min": lo, "scale": scale}
            blobs.append(np.round((arr - lo) / scale).astype("u1").tobytes())
    (tmp_path / "group1-shard1of1.bin").write_bytes(b"".join(blobs))
    (tmp_path / "model.json").write_text(json.dumps(doc))
    back = tfjs.load_layers_model(tmp_path)  # a directory means its model.json
    for w, v in zip(model.weights, back.weights):
        step = (float(np.max(w.numpy())) - float(np.min(w.numpy()))) / 255
        np.testing.assert_allclose(v.numpy(), w.numpy(), atol=max(step, 2e-3))
