"""``format="tf_saved_model"`` / ``tf.saved_model.save``: SavedModels written without TensorFlow,
proven against real TensorFlow 2.21 — ``tf.saved_model.load`` (signature outputs within 1e-5 of the
engine), ``keras.layers.TFSMLayer``, ``saved_model_cli``, the TF1 session loader and the C API
loader TF Serving uses; the TF Serving ``<base>/<version>/`` layout; the protobuf bytes themselves;
and the errors for what cannot be exported.  A missing TensorFlow fails (``tf_oracle``), never skips.
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

import engine
from engine import keras
from engine.export import ExportError
from engine.export import saved_model as sm
from engine.export.parity import engine_outputs, sample_inputs
from engine.export.saved_model import protos as P
from engine.export.saved_model import reference, wire

sys.path.insert(0, str(Path(__file__).parent))
import zoo  # noqa: E402

TOL = 1e-5
CAPI = Path(__file__).with_name("saved_model_capi.py")
L = keras.layers


# ---------------------------------------------------------------------------------------------
# Models beyond the shared zoo: masks, states, wrappers, convolution variants, every activation
def sm_seq_masked(keras: ModuleType) -> Any:
    """Embedding(mask_zero) feeding GRU/Bidirectional/LSTM(go_backwards)/GlobalAveragePooling1D."""
    L = keras.layers
    t = keras.Input((6,), dtype="int32", name="tokens")
    e = L.Embedding(12, 5, mask_zero=True, name="emb")(t)
    a = L.GRU(3, return_sequences=True, name="gru_reset_after")(e)
    b = L.Bidirectional(L.SimpleRNN(3, return_sequences=True), merge_mode="concat", name="bidi_cat")(a)
    p = L.GlobalAveragePooling1D(name="gap_masked")(b)
    c = L.Bidirectional(L.GRU(2, reset_after=False), merge_mode="mul", name="bidi_mul")(b)
    d = L.LSTM(2, go_backwards=True, name="lstm_rev")(e)
    return keras.Model(t, [p, c, d], name="seq_masked")


def sm_rnn_states(keras: ModuleType) -> Any:
    """return_state, Bidirectional(merge_mode=None), TimeDistributed(Dense)."""
    L = keras.layers
    x = keras.Input((4, 3), name="x")
    o, h, c = L.LSTM(3, return_state=True, name="lstm_state")(x)
    outs = L.Bidirectional(L.GRU(2, return_sequences=True, return_state=True), merge_mode=None, name="bidi_none")(x)
    td = L.TimeDistributed(L.Dense(2, activation="relu"), name="td_dense")(x)
    return keras.Model(x, [o, h, c, *outs, td], name="rnn_states")


def sm_time_distributed_conv(keras: ModuleType) -> Any:
    """TimeDistributed(Conv2D) and TimeDistributed(Flatten) into a SimpleRNN."""
    L = keras.layers
    x = keras.Input((3, 6, 6, 2), name="frames")
    y = L.TimeDistributed(L.Conv2D(3, 3, activation="relu"), name="td_conv")(x)
    y = L.TimeDistributed(L.Flatten(), name="td_flat")(y)
    return keras.Model(x, L.SimpleRNN(4, name="srnn")(y), name="td_conv")


def sm_conv_variants(keras: ModuleType) -> Any:
    """Grouped and dilated Conv2D, unequal depthwise strides, transposed conv with output_padding and
    dilation, bilinear upsampling, dilated separable conv."""
    L = keras.layers
    x = keras.Input((10, 10, 4), name="img")
    outs = [
        L.Conv2D(4, 3, groups=2, dilation_rate=(2, 1), padding="same", name="grouped")(x),
        L.DepthwiseConv2D((3, 2), strides=(2, 1), padding="same", name="dw_unequal")(x),
        L.Conv2DTranspose(3, 3, strides=2, output_padding=1, name="deconv_outpad")(x),
        L.Conv2DTranspose(3, 3, dilation_rate=2, padding="same", name="deconv_dilated")(x),
        L.UpSampling2D((2, 3), interpolation="bilinear", name="bilinear")(x),
        L.Conv2D(2, 3, strides=(2, 1), name="strided")(x),
        L.SeparableConv2D(3, 3, dilation_rate=2, depth_multiplier=2, name="sep_dilated")(x),
    ]
    return keras.Model(x, outs, name="conv_variants")


def sm_channels_first(keras: ModuleType) -> Any:
    """channels_first conv/pool/BatchNormalization(axis=1)/global pooling/flatten/upsampling/padding."""
    L = keras.layers
    x = keras.Input((3, 8, 8), name="chw")
    y = L.Conv2D(4, 3, data_format="channels_first", padding="same", name="cf_conv")(x)
    y = L.MaxPooling2D(2, data_format="channels_first", name="cf_pool")(y)
    y = L.BatchNormalization(axis=1, name="cf_bn")(y)
    return keras.Model(x, [L.GlobalAveragePooling2D(data_format="channels_first", name="cf_gap")(y),
                           L.Flatten(data_format="channels_first", name="cf_flat")(y),
                           L.UpSampling2D(2, data_format="channels_first", name="cf_up")(y),
                           L.ZeroPadding2D(1, data_format="channels_first", name="cf_pad")(y)], name="cf")


ACTIVATION_NAMES = ["relu", "relu6", "elu", "selu", "sigmoid", "tanh", "softmax", "softplus", "softsign",
                    "swish", "silu", "gelu", "leaky_relu", "exponential", "linear", "hard_sigmoid", "log_softmax",
                    "mish", "hard_silu", "hard_swish"]


def sm_all_activations(keras: ModuleType) -> Any:
    """Every activation string, on a Dense layer each."""
    x = keras.Input((5,), name="v")
    return keras.Model(x, [keras.layers.Dense(3, activation=a, name=f"act_{a}")(x) for a in ACTIVATION_NAMES],
                       name="acts")


def sm_misc(keras: ModuleType) -> Any:
    """Dense on rank 3 (tensordot), multi-axis Softmax, Dot axes, adapted Normalization, Reshape(-1),
    LayerNormalization over two axes, BatchNormalization on rank 3, CategoryEncoding."""
    L = keras.layers
    x = keras.Input((4, 6), name="x")
    ids = keras.Input((3,), dtype="int32", name="ids")
    d = L.Dense(5, activation="gelu", name="dense3d")(x)
    norm = L.Normalization(name="adapted")
    norm.adapt(np.random.default_rng(1).normal(2.0, 3.0, (50, 4, 6)).astype("float32"))
    outs = [L.Softmax(axis=[1, 2], name="sm_multi")(d), L.Softmax(axis=1, name="sm_axis1")(d),
            L.Dot(axes=(1, 1), name="dot_11")([x, d]), L.Dot(axes=(2, 2), name="dot_22")([x, x]),
            L.Reshape((-1, 3), name="reshape_neg")(norm(x)),
            L.LayerNormalization(axis=[1, 2], name="ln2")(x), L.BatchNormalization(name="bn3d")(x),
            L.CategoryEncoding(num_tokens=6, output_mode="multi_hot", name="multi_hot")(ids),
            L.CategoryEncoding(num_tokens=6, output_mode="count", name="count")(ids)]
    return keras.Model([x, ids], outs, name="misc")


def sm_dynamic(keras: ModuleType) -> Any:
    """Unknown spatial sizes: shapes come from ``Shape`` at run time."""
    L = keras.layers
    x = keras.Input((None, None, 3), name="img")
    y = L.Conv2D(4, 3, padding="same", name="c")(x)
    y = L.Conv2DTranspose(2, 3, strides=2, padding="same", name="ct")(y)
    y = L.UpSampling2D(2, name="up")(y)
    b = L.UpSampling2D(2, interpolation="bilinear", name="upb")(y)
    f = L.Flatten(name="flat")(L.Cropping2D(1, name="crop")(y))
    return keras.Model(x, [L.GlobalMaxPooling2D(name="gmp")(b), y, f], name="dynamic")


def sm_encoder_decoder(keras: ModuleType) -> Any:
    """Seq2seq: the encoder LSTM's final ``[h, c]`` are the decoder LSTM's ``initial_state``."""
    L = keras.layers
    enc_in = keras.Input((5, 3), name="enc_in")
    dec_in = keras.Input((4, 2), name="dec_in")
    _, h, c = L.LSTM(8, return_state=True, name="encoder")(enc_in)
    dec = L.LSTM(8, name="decoder")(dec_in, initial_state=[h, c])
    return keras.Model([enc_in, dec_in], dec, name="encoder_decoder")


def sm_rnn_initial_states(keras: ModuleType) -> Any:
    """States from Inputs and layers: GRU (both ``reset_after``) from an Input, SimpleRNN(go_backwards)
    from a Dense, a positional ``initial_state`` and a stacked-cells RNN (LSTM + GRU: 3 states)."""
    L = keras.layers
    x = keras.Input((5, 3), name="x")
    s = keras.Input((6,), name="s")
    z = L.Dense(6, activation="tanh", name="to_state")(s)
    c = L.Dense(6, name="to_cell")(s)
    return keras.Model([x, s], [
        L.GRU(6, return_sequences=True, name="gru_state")(x, initial_state=s),
        L.GRU(6, reset_after=False, name="gru_v1_state")(x, initial_state=[z]),
        L.SimpleRNN(6, go_backwards=True, name="srnn_state")(x, [z]),
        L.RNN([L.LSTMCell(6), L.GRUCell(6)], return_sequences=True, name="stacked_state")(
            x, initial_state=[[z, c], [s]]),
    ], name="rnn_initial_states")


def sm_bidirectional_states(keras: ModuleType) -> Any:
    """Bidirectional(LSTM) started from 4 states: the forward layer's ``[h, c]`` then the backward one's."""
    L = keras.layers
    x = keras.Input((5, 3), name="x")
    _, hf, cf, hb, cb = L.Bidirectional(L.LSTM(4, return_state=True), name="bidi_enc")(x)
    y = L.Bidirectional(L.LSTM(4, return_sequences=True), name="bidi_dec")(x, initial_state=[hf, cf, hb, cb])
    return keras.Model(x, y, name="bidirectional_states")


EXTRA: dict[str, Callable[[ModuleType], Any]] = {
    f.__name__[3:]: f for f in (sm_seq_masked, sm_rnn_states, sm_time_distributed_conv, sm_conv_variants,
                                sm_channels_first, sm_all_activations, sm_misc, sm_dynamic,
                                sm_encoder_decoder, sm_rnn_initial_states, sm_bidirectional_states)}


def masked_tokens(shape: tuple, vocab: int, seed: int) -> np.ndarray:
    """Token ids with zero padding (trailing and leading) so mask_zero really masks."""
    ids = np.random.default_rng(seed).integers(1, vocab, size=shape).astype(np.int32)
    ids[:, 4:] = 0
    ids[1, :2] = 0
    return ids


# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def tf(tf_oracle: ModuleType) -> ModuleType:
    return tf_oracle


_EXPORTS: dict = {}


def exported(name: str, tmp_root: Path) -> tuple:
    """``(model, path, report)`` of a zoo/extra model exported with ``model.export`` (once per module)."""
    if name not in _EXPORTS:
        builder = zoo.ZOO.get(name) or EXTRA[name]
        model = zoo.randomize(builder(keras), seed=3)
        path = tmp_root / name
        report = model.export(str(path), format="tf_saved_model")
        _EXPORTS[name] = (model, path, report)
    return _EXPORTS[name]


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("saved_models")


@pytest.fixture(scope="module")
def background(tf: ModuleType, tmp_root: Path) -> dict:
    """The two TensorFlow subprocesses (``saved_model_cli`` and the studio's reference run), started
    together in threads at the first test so their TensorFlow imports overlap the other tests."""
    from concurrent.futures import ThreadPoolExecutor
    _, cli_path, _ = exported("multi_io", tmp_root)
    model, ref_path, _ = exported("conv1d", tmp_root)
    inputs = sample_inputs(model, n=2, seed=6)
    cli = [sys.executable, "-m", "tensorflow.python.tools.saved_model_cli", "show", "--all", "--dir", str(cli_path)]
    pool = ThreadPoolExecutor(max_workers=2)
    jobs = {"cli": pool.submit(subprocess.run, cli, capture_output=True, text=True, timeout=300,
                               env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")),
            "reference": pool.submit(reference.predict_subprocess, ref_path, inputs),
            "reference_inputs": inputs}
    yield jobs
    pool.shutdown(wait=True)


def assert_close(ours: list, theirs: list, tol: float = TOL) -> float:
    assert len(ours) == len(theirs)
    worst = 0.0
    for a, b in zip(ours, theirs):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape, (a.shape, b.shape)
        np.testing.assert_allclose(b, a, atol=tol, rtol=0, equal_nan=True)
        finite = np.isfinite(a) & np.isfinite(b)
        if finite.any():
            worst = max(worst, float(np.max(np.abs(a[finite] - b[finite]))))
    return worst


_LOADED: dict = {}


def signature(tf: ModuleType, path: Path) -> Any:
    """``tf.saved_model.load(path).signatures["serving_default"]`` (loaded once per path)."""
    key = str(path)
    if key not in _LOADED:
        _LOADED[key] = tf.saved_model.load(key).signatures["serving_default"]
    return _LOADED[key]


def check_signature(fn: Any, model: Any) -> None:
    """Input keys/shapes/dtypes are the model's; output keys are the output layers' names."""
    specs = fn.structured_input_signature[1]
    assert sorted(specs) == sorted(t.name for t in model.inputs)
    for t in model.inputs:
        spec = specs[t.name]
        assert tuple(spec.shape.as_list()) == tuple(t.shape), (t.name, spec.shape, t.shape)
        assert spec.dtype.name == t.dtype.name
    out_layers = {kt._keras_history[0].name for kt in model.outputs}
    assert set(fn.structured_outputs) >= out_layers and len(fn.structured_outputs) == len(model.outputs)


def run_signature(tf: ModuleType, path: Path, model: Any, inputs: list) -> list:
    fn = signature(tf, path)
    in_keys, out_keys = reference.signature_order(reference.locate(path))
    assert in_keys == [t.name for t in model.inputs]
    result = fn(**{k: tf.constant(x) for k, x in zip(in_keys, inputs)})
    return [result[k].numpy() for k in out_keys]


# ---------------------------------------------------------------------------------------------
# The zoo (and the extra models) load in tf.saved_model.load and predict like the engine
@pytest.mark.parametrize("name", list(zoo.ZOO) + list(EXTRA))
def test_export_loads_in_tensorflow_and_matches_engine(tf: ModuleType, tmp_root: Path, name: str,
                                                      background: dict) -> None:
    model, path, report = exported(name, tmp_root)
    assert (path / "saved_model.pb").is_file() and (path / "variables").is_dir()
    # parity.json: TensorFlow ran the export on the sample inputs
    parity = json.loads((path / "parity.json").read_text())
    assert parity == json.loads(json.dumps(report))
    assert parity["reference"]["runtime"] == f"tensorflow {tf.__version__}", parity["reference"]
    assert parity["reference"]["max_abs_diff"] < TOL
    fn = signature(tf, path)
    check_signature(fn, model)
    # fresh inputs (another batch size) through the signature
    inputs = sample_inputs(model, n=5, seed=11)
    if name == "seq_masked":
        inputs = [masked_tokens((5, 6), 12, seed=11)]
    assert_close(engine_outputs(model, inputs), run_signature(tf, path, model, inputs))


def _mask_pair(mask_zero: bool) -> Any:
    t = keras.Input((6,), dtype="int32", name="tokens")
    x = keras.Input((5, 3), name="frames")
    e = L.Embedding(9, 4, mask_zero=mask_zero, name="emb")(t)
    m = L.Masking(0.0, name="masking")(x) if mask_zero else x
    return keras.Model([t, x], [L.LSTM(3, name="lstm")(e), L.GRU(2, return_sequences=True, name="gru")(m)])


def test_masks_really_mask(tf: ModuleType, tmp_path: Path) -> None:
    """Embedding(mask_zero)/Masking change the recurrent results in the graph exactly as in the engine."""
    ids = masked_tokens((3, 6), 9, seed=5)
    frames = np.random.default_rng(5).standard_normal((3, 5, 3)).astype(np.float32)
    frames[:, 3:] = 0.0
    frames[0, 0] = 0.0
    results = {}
    for mask_zero in (True, False):
        model = zoo.randomize(_mask_pair(mask_zero), seed=2)
        path = tmp_path / f"mask_{mask_zero}"
        model.export(str(path), format="tf_saved_model", verify=False)
        ours = engine_outputs(model, [ids, frames])
        assert_close(ours, run_signature(tf, path, model, [ids, frames]))
        results[mask_zero] = ours
    for masked, plain in zip(results[True], results[False]):
        assert np.max(np.abs(masked - plain)) > 1e-3  # the masks did something


def test_dynamic_sizes_run_at_other_sizes(tmp_root: Path, tf: ModuleType) -> None:
    model, path, _ = exported("dynamic", tmp_root)
    for shape in [(2, 5, 6, 3), (1, 4, 4, 3)]:
        x = np.random.default_rng(2).standard_normal(shape).astype(np.float32)
        assert_close(engine_outputs(model, [x]), run_signature(tf, path, model, [x]))


def test_graph_structure(tmp_root: Path, tf: ModuleType) -> None:
    """formats.md §3.3: one MetaGraphDef tagged serve, predict method, placeholder shapes, inference BN."""
    from tensorflow.core.protobuf import saved_model_pb2
    model, path, _ = exported("mlp", tmp_root)
    proto = saved_model_pb2.SavedModel.FromString((path / "saved_model.pb").read_bytes())
    assert proto.saved_model_schema_version == 1 and len(proto.meta_graphs) == 1
    mg = proto.meta_graphs[0]
    assert list(mg.meta_info_def.tags) == ["serve"]
    assert mg.graph_def.versions.producer == P.GRAPH_DEF_VERSION
    assert not mg.HasField("saver_def") and not mg.HasField("object_graph_def")
    sig = mg.signature_def["serving_default"]
    assert sig.method_name == "tensorflow/serving/predict"
    assert sig.inputs["features"].name == "features:0"
    assert [d.size for d in sig.inputs["features"].tensor_shape.dim] == [-1, 8]
    assert set(sig.outputs) == {"probs"}
    nodes = {n.name: n for n in mg.graph_def.node}
    assert [d.size for d in nodes["features"].attr["shape"].shape.dim] == [-1, 8]
    bn_nodes = [n for n in mg.graph_def.node if n.op == "FusedBatchNormV3"]
    _, cnn_path, _ = exported("cnn", tmp_root)
    cnn = saved_model_pb2.SavedModel.FromString((cnn_path / "saved_model.pb").read_bytes())
    bn_nodes += [n for n in cnn.meta_graphs[0].graph_def.node if n.op == "FusedBatchNormV3"]
    assert bn_nodes, "a 4-D BatchNormalization must use FusedBatchNormV3"
    for n in bn_nodes:
        assert n.attr["is_training"].HasField("b") and n.attr["is_training"].b is False
        assert n.attr["epsilon"].f == pytest.approx(1e-3)
    assert not any(n.op in ("VarHandleOp", "VariableV2", "ReadVariableOp") for n in mg.graph_def.node)


# ---------------------------------------------------------------------------------------------
# The other loaders
def test_tf_saved_model_save_api(tf: ModuleType, tmp_path: Path) -> None:
    """``engine.saved_model.save`` (TF's ``tf.saved_model.save`` name) writes a loadable SavedModel."""
    model = zoo.build("multi_io", keras, seed=4)
    out = tmp_path / "via_save"
    engine.saved_model.save(model, str(out))
    assert engine.saved_model.contains_saved_model(out)
    assert tf.saved_model.contains_saved_model(str(out))
    assert json.loads((out / "parity.json").read_text())["reference"]["max_abs_diff"] < TOL
    check_signature(signature(tf, out), model)
    inputs = sample_inputs(model, n=3, seed=1)
    assert_close(engine_outputs(model, inputs), run_signature(tf, out, model, inputs))
    assert engine.saved_model.SERVING == tf.saved_model.SERVING
    assert engine.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY == tf.saved_model.DEFAULT_SERVING_SIGNATURE_DEF_KEY
    assert engine.saved_model.PREDICT_METHOD_NAME == tf.saved_model.PREDICT_METHOD_NAME


def test_tfsm_layer(tf: ModuleType, tmp_root: Path) -> None:
    """Real Keras 3 wraps the exports in ``TFSMLayer`` and uses them inside its own models."""
    import keras as real_keras
    for name in ("mlp", "cnn", "conv1d"):
        model, path, _ = exported(name, tmp_root)
        layer = real_keras.layers.TFSMLayer(str(path), call_endpoint="serving_default")
        x = sample_inputs(model, n=3, seed=8)[0]
        out = layer(x)
        key = model.outputs[0]._keras_history[0].name
        assert_close(engine_outputs(model, [x]), [np.asarray(out[key])])
    model, path, _ = exported("mlp", tmp_root)
    wrapper = real_keras.Sequential([real_keras.Input((8,)),
                                     real_keras.layers.TFSMLayer(str(path), call_endpoint="serving_default")])
    x = sample_inputs(model, n=2, seed=9)[0]
    assert_close(engine_outputs(model, [x]), [np.asarray(wrapper(x)["probs"])])


def test_saved_model_cli_lists_the_signature(background: dict) -> None:
    """``saved_model_cli show --all --dir`` (a subprocess) lists the serving signature and its inputs."""
    proc = background["cli"].result()
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = proc.stdout
    assert "MetaGraphDef with tag-set: 'serve'" in text
    assert "signature_def['serving_default']" in text
    for key in ("inputs['in_a']", "inputs['in_b']", "outputs['head1']", "outputs['head2']", "shape: (-1, 6)",
                "shape: (-1, 4)", "Method name is: tensorflow/serving/predict"):
        assert key in text, key


def test_tf1_session_loader(tf: ModuleType, tmp_root: Path) -> None:
    """The TF1 ``loader.load`` into a ``Session`` (graph mode) runs the signature tensors."""
    model, path, _ = exported("residual", tmp_root)
    x = sample_inputs(model, n=4, seed=3)[0]
    graph = tf.Graph()
    with tf.compat.v1.Session(graph=graph) as sess:
        meta = tf.compat.v1.saved_model.loader.load(sess, ["serve"], str(path))
        sig = meta.signature_def["serving_default"]
        y = sess.run(sig.outputs["out"].name, {sig.inputs["x"].name: x})
    assert_close(engine_outputs(model, [x]), [y])


def test_cxx_loader_used_by_tf_serving(tf: ModuleType, tmp_path: Path) -> None:
    """``TF_LoadSessionFromSavedModel`` (C++ ``LoadSavedModel``) loads the TF Serving layout and runs it."""
    model = zoo.build("mlp", keras, seed=6)
    base = tmp_path / "serving" / "mlp"
    model.export(str(base), format="tf_saved_model", serving_version=1)
    x = sample_inputs(model, n=3, seed=4)[0]
    np.save(tmp_path / "in.npy", x)
    tf_dir = Path(tf.__file__).parent
    proc = subprocess.run([sys.executable, str(CAPI), str(tf_dir), str(base / "1"), "features", "probs",
                           str(tmp_path / "in.npy"), str(tmp_path / "out.npy")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
    assert_close(engine_outputs(model, [x]), [np.load(tmp_path / "out.npy")])


def test_serving_version_layout(tf: ModuleType, tmp_path: Path) -> None:
    """``serving_version=N`` → ``<base>/N/saved_model.pb`` (+ empty variables/ and parity.json); other versions stay."""
    model = zoo.build("nested", keras, seed=2)
    base = tmp_path / "models" / "nested"
    model.export(str(base), format="tf_saved_model", serving_version=6, verify=False)
    report = model.export(str(base), format="tf_saved_model", serving_version=7)
    assert sorted(p.name for p in base.iterdir()) == ["6", "7"]
    assert sorted(p.name for p in (base / "7").iterdir()) == ["parity.json", "saved_model.pb", "variables"]
    assert list((base / "7" / "variables").iterdir()) == []
    assert report["reference"]["max_abs_diff"] < TOL
    assert reference.locate(base) == base / "7"
    inputs = sample_inputs(model, n=2, seed=5)
    assert_close(engine_outputs(model, inputs), run_signature(tf, base / "7", model, inputs))


def test_reference_runs_in_a_subprocess(tmp_root: Path, background: dict) -> None:
    """The studio path: TensorFlow runs in ``python -c`` (same numbers as in-process)."""
    model, _, _ = exported("conv1d", tmp_root)
    runtime, outs = background["reference"].result()
    assert runtime.startswith("tensorflow ")
    assert_close(engine_outputs(model, background["reference_inputs"]), outs)


def test_parity_report_without_tensorflow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without TensorFlow the export is still written; parity.json says the runtime is missing."""
    model = zoo.build("mlp", keras)
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # `import tensorflow` raises: runtime missing
    report = model.export(str(tmp_path / "m"), format="tf_saved_model")
    assert report["reference"] == {"runtime": None, "reason": "reference runtime not installed"}
    assert (tmp_path / "m" / "saved_model.pb").is_file()
    assert model.export(str(tmp_path / "n"), format="tf_saved_model", verify=False)["reference"] is None


# ---------------------------------------------------------------------------------------------
# The protobuf encoder produces exactly protobuf's bytes
def test_wire_encoding_matches_protobuf(tf: ModuleType, tmp_root: Path) -> None:
    from tensorflow.core.framework import attr_value_pb2, node_def_pb2, tensor_pb2, tensor_shape_pb2
    from tensorflow.core.protobuf import meta_graph_pb2, saved_model_pb2

    def same(encoded: bytes, message_type: Any) -> Any:
        msg = message_type.FromString(encoded)
        assert msg.SerializeToString(deterministic=True) == encoded
        return msg

    assert wire.varint(0) == b"\x00" and wire.varint(300) == b"\xac\x02"
    assert len(wire.varint(-1)) == 10
    shape = same(P.tensor_shape([None, 3, 0]), tensor_shape_pb2.TensorShapeProto)
    assert [d.size for d in shape.dim] == [-1, 3, 0]
    assert same(P.tensor_shape(None), tensor_shape_pb2.TensorShapeProto).unknown_rank
    for arr in [np.arange(6, dtype=np.float32).reshape(2, 3), np.asarray(7, np.int32), np.array([True, False]),
                np.array([-5, 2**40], np.int64), np.zeros((0, 3), np.float32), np.array([1.5], np.float16)]:
        t = same(P.tensor_proto(arr), tensor_pb2.TensorProto)
        np.testing.assert_array_equal(tf.make_ndarray(t), arr)
    b = same(P.attr.b(False), attr_value_pb2.AttrValue)
    assert b.WhichOneof("value") == "b" and b.b is False  # a oneof default is still present
    assert same(P.attr.i(0), attr_value_pb2.AttrValue).WhichOneof("value") == "i"
    assert same(P.attr.f(-0.25), attr_value_pb2.AttrValue).f == -0.25
    assert list(same(P.attr.ints([1, -2, 3]), attr_value_pb2.AttrValue).list.i) == [1, -2, 3]
    assert same(P.attr.ints([]), attr_value_pb2.AttrValue).WhichOneof("value") == "list"
    assert same(P.attr.s("SAME"), attr_value_pb2.AttrValue).s == b"SAME"
    assert same(P.attr.shape([]), attr_value_pb2.AttrValue).WhichOneof("value") == "shape"
    node = same(P.node_def("a/b", "Conv2D", ["x", "w:1", "^c"], {"T": P.attr.type(P.DT_FLOAT),
                                                                  "padding": P.attr.s("VALID")}),
                node_def_pb2.NodeDef)
    assert list(node.input) == ["x", "w:1", "^c"] and node.attr["T"].type == P.DT_FLOAT
    info = P.tensor_info("x:0", P.DT_INT32, [None, 7])
    sig = same(P.signature_def({"b": info, "a": info}, {"y": info}), meta_graph_pb2.SignatureDef)
    assert sorted(sig.inputs) == ["a", "b"]  # (the bytes above are already in sorted-key order)
    for name in ("mlp", "rnn"):  # whole files: python-protobuf (upb) orders map keys that share a prefix
        _, path, _ = exported(name, tmp_root)  # ("T", "Tshape") differently from C++'s sorted order, so
        data = (path / "saved_model.pb").read_bytes()  # compare sizes and re-encoded nodes
        model = saved_model_pb2.SavedModel.FromString(data)
        assert len(model.SerializeToString(deterministic=True)) == len(data)
        for node in model.meta_graphs[0].graph_def.node:
            assert P.node_def(node.name, node.op, list(node.input),
                              {k: v.SerializeToString(deterministic=True) for k, v in node.attr.items()}) in data


# ---------------------------------------------------------------------------------------------
# What cannot be exported: a clear ExportError naming the layer and the format, nothing written
def _refused(model: Any, path: Path, layer: str, words: str) -> ExportError:
    with pytest.raises(ExportError) as info:
        model.export(str(path), format="tf_saved_model")
    err = info.value
    assert err.layer == layer and err.format == "tf_saved_model"
    assert f"'{layer}'" in str(err) and "tf_saved_model" in str(err) and words in str(err)
    assert not path.exists()
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}")] == []
    return err


def test_unsupported_layer_names_layer_and_format(tmp_path: Path) -> None:
    x = keras.Input((4,), name="x")
    model = keras.Model(x, L.Lambda(lambda t: t * 2.0, name="doubler")(L.Dense(3, name="d")(x)))
    _refused(model, tmp_path / "lambda", "doubler", "Lambda")
    model = keras.Sequential([keras.Input((4,)), L.Dense(3, activation=lambda t: t * 3.0, name="custom_act")])
    _refused(model, tmp_path / "custom", "custom_act", "custom function")


def test_recurrent_layer_needs_a_fixed_sequence_length(tmp_path: Path) -> None:
    msg = "recurrent layers need a fixed sequence length for tf_saved_model export; set the Input shape's time dimension"
    x = keras.Input((None, 3), name="seq")
    _refused(keras.Model(x, L.LSTM(2, name="lstm_var")(x)), tmp_path / "lstm", "lstm_var", msg)
    y = keras.Input((None, 3), name="seq2")
    _refused(keras.Model(y, L.Bidirectional(L.GRU(2), name="bidi_var")(y)), tmp_path / "bidi", "bidi_var", msg)


def test_initial_states_change_the_exported_results(tf: ModuleType, tmp_root: Path) -> None:
    """The decoder really starts from the encoder's states: another encoder input changes the decoder's
    output in TensorFlow exactly as in the engine."""
    model, path, _ = exported("encoder_decoder", tmp_root)
    enc, dec = sample_inputs(model, n=3, seed=4)
    for enc_k in (enc, -2.0 * enc):
        assert_close(engine_outputs(model, [enc_k, dec]), run_signature(tf, path, model, [enc_k, dec]))
    first = run_signature(tf, path, model, [enc, dec])[0]
    assert np.abs(first - run_signature(tf, path, model, [-2.0 * enc, dec])[0]).max() > 1e-2


def test_initial_state_refusals(tmp_path: Path) -> None:
    """A constant initial_state or a symbolic argument the export cannot pass is refused by name."""
    x = keras.Input((4, 3), name="x")
    const = L.GRU(2, name="gru_const")(x, initial_state=[np.ones((1, 2), np.float32)])
    _refused(keras.Model(x, const), tmp_path / "const", "gru_const", "initial_state is a constant")
    seq = keras.Input((4, 3), name="seq")
    m = keras.Input((4,), dtype="bool", name="m")
    _refused(keras.Model([seq, m], L.LSTM(2, name="lstm_mask")(seq, mask=m)), tmp_path / "mask", "lstm_mask",
             "symbolic 'mask' argument")


def test_failed_export_keeps_the_previous_export(tf: ModuleType, tmp_path: Path) -> None:
    good = zoo.build("mlp", keras, seed=1)
    target = tmp_path / "m"
    good.export(str(target), format="tf_saved_model")
    x = keras.Input((8,), name="features")
    bad = keras.Model(x, L.Lambda(lambda t: t + 1.0, name="plus_one")(x))
    with pytest.raises(ExportError, match="plus_one"):
        bad.export(str(target), format="tf_saved_model")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    inputs = sample_inputs(good, n=2)
    assert_close(engine_outputs(good, inputs), run_signature(tf, target, good, inputs))


def test_subclassed_model_and_bad_options(tmp_path: Path) -> None:
    class Sub(keras.Model):
        def __init__(self) -> None:
            super().__init__(name="sub")
            self.d = L.Dense(2)

        def call(self, x: Any) -> Any:
            return self.d(x)

    sub = Sub()
    sub(np.zeros((1, 3), np.float32))
    with pytest.raises(ExportError, match="subclassed model"):
        sub.export(str(tmp_path / "sub"), format="tf_saved_model")
    model = zoo.build("mlp", keras)
    for version in ("1", -1, True, 1.5):
        with pytest.raises(ValueError, match="serving_version"):
            model.export(str(tmp_path / "v"), format="tf_saved_model", serving_version=version)
    with pytest.raises(TypeError, match="signature_name"):
        model.export(str(tmp_path / "o"), format="tf_saved_model", signature_name="x")
    with pytest.raises(ValueError, match="signatures"):
        engine.saved_model.save(model, str(tmp_path / "s"), signatures={"a": None})
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_every_engine_layer_class_has_a_mapping() -> None:
    """Adding a layer class to the engine without a SavedModel mapping (or a refusal) fails here."""
    import inspect
    from engine.keras.saving.object_registry import LAYERS
    from engine.export.saved_model.layers import CONVERTERS
    not_layers = {"Functional", "Sequential", "InputLayer", "LSTMCell", "GRUCell", "SimpleRNNCell",
                  "StackedRNNCells"}  # models expand; cells are converted inside their RNN layer
    names = {c.__name__ for c in LAYERS.values() if inspect.isclass(c)}
    assert sorted(names - set(CONVERTERS) - not_layers) == []
    from engine.keras import activations
    from engine.export.saved_model.layers.activations import ACTIVATIONS
    assert sorted(set(activations._BY_NAME) - set(ACTIVATIONS)) == []
    assert set(ACTIVATIONS) >= set(ACTIVATION_NAMES)
    assert sm.RUNTIME == "tensorflow" and sm.write.__module__ == "engine.export.saved_model"
