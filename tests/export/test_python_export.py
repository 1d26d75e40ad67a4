"""``format="python"``: the generated script runs under real TensorFlow/Keras 3, its ``summary()``
matches the engine's, and ``build_model()`` predicts what the engine predicts."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from typing import Any, Iterator

import numpy as np
import pytest

import zoo
from engine import keras as ek
from engine.export import ExportError, python_code
from engine.export.parity import engine_outputs, sample_inputs

TOL = 1e-5
ZOO_NAMES = list(zoo.ZOO)
# Registered engine classes that are not layers a model file would construct directly.
NOT_LAYERS = {"InputLayer", "Sequential", "Functional", "Lambda"}


# ---------------------------------------------------------------------------
# Helpers
def parse_summary(text: str) -> dict:
    """Keras's summary table as data: the model line, the rows (cells joined across wrapped
    lines, whitespace removed so table widths don't matter) and the params lines."""
    rows: list = []
    cur: list | None = None
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("│"):
            cells = [c.strip() for c in s.strip("│").split("│")]
            cur = cells if cur is None else [a + b for a, b in zip(cur, cells)]
        elif s.startswith(("├", "└")) and cur is not None:
            rows.append(tuple(re.sub(r"\s+", "", c) for c in cur))
            cur = None
    lines = [l.strip() for l in text.splitlines()]
    return {
        "model": [l for l in lines if l.startswith("Model:")],
        "rows": rows,
        "params": [l for l in lines if re.match(r"(Total|Trainable|Non-trainable) params:", l)],
    }


KERAS_MASK_OPS = {"NotEqual", "Any", "All", "LogicalAnd", "LogicalOr", "LogicalNot", "Equal"}


def _row_class(row: tuple) -> str:
    """The class in a row's "name (Class)" cell."""
    m = re.search(r"\((\w+)\)$", row[0])
    return m.group(1) if m else ""


COLUMNS = "160"  # the same terminal width for both summaries (Keras: min(88 or 108, columns - 4))


def engine_summary(model: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """The engine's ``summary()`` text at the width the subprocess uses."""
    out: list = []
    with monkeypatch.context() as m:
        m.setenv("COLUMNS", COLUMNS)
        model.summary(print_fn=out.append)
    return "".join(out)


def subprocess_env() -> dict:
    """The environment for ``python model.py``: UTF-8 output, quiet TF, one thread, same width."""
    env = dict(os.environ)
    env.update(PYTHONIOENCODING="utf-8", TF_CPP_MIN_LOG_LEVEL="3", KERAS_BACKEND="tensorflow", COLUMNS=COLUMNS,
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", TF_NUM_INTRAOP_THREADS="1",
               TF_NUM_INTEROP_THREADS="1")
    return env


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, tf_oracle: Any) -> Iterator[dict]:
    """Every zoo model built in the engine and exported; ``python model.py`` started for each
    (the processes run concurrently while the in-process tests go on)."""
    base = tmp_path_factory.mktemp("python_export")
    out = {}
    for name in ZOO_NAMES:
        model = zoo.build(name, ek)
        path = base / name
        model.export(str(path), format="python", verify=False)
        proc = subprocess.Popen([sys.executable, python_code.SCRIPT], cwd=path, env=subprocess_env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        out[name] = {"model": model, "path": path, "proc": proc}
    yield out
    for item in out.values():
        if item["proc"].poll() is None:
            item["proc"].kill()
            item["proc"].communicate()


@pytest.fixture(scope="module")
def real_keras(tf_oracle: Any) -> Any:
    """The real Keras 3 (TensorFlow backend)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras  # noqa: PLC0415
    assert keras.__version__.startswith("3."), keras.__version__
    return keras


def run_result(item: dict) -> tuple:
    """``(returncode, stdout, stderr)`` of the item's ``python model.py`` (waits for it once)."""
    if "result" not in item:
        stdout, stderr = item["proc"].communicate(timeout=300)
        item["result"] = (item["proc"].returncode, stdout, stderr)
    return item["result"]


def test_output_files(exported):
    for name, item in exported.items():
        files = sorted(p.name for p in item["path"].iterdir())
        assert files == ["model.py", "model.weights.h5", "parity.json"], (name, files)
        assert not list(item["path"].parent.glob(".*tmp-*")), "temporary directory left behind"


# ---------------------------------------------------------------------------
# In-process: build_model() under real Keras predicts what the engine predicts
@pytest.mark.parametrize("name", ZOO_NAMES)
def test_build_model_predicts_like_engine(name, exported, real_keras):
    item = exported[name]
    model = item["model"]
    inputs = sample_inputs(model, n=5, seed=1)
    if name == "rnn_cells":  # make Masking bite: zero whole timesteps in some sequences
        inputs[0][0, 3:] = 0.0
        inputs[0][2, :2] = 0.0
    ours = engine_outputs(model, inputs)
    km = python_code.load_script(item["path"] / "model.py").build_model()
    assert [l.name for l in km.layers] == [l.name for l in model.layers]
    assert [type(l).__name__ for l in km.layers] == [type(l).__name__ for l in model.layers]
    assert km.count_params() == model.count_params()
    theirs = km(inputs if len(inputs) > 1 else inputs[0], training=False)
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    assert len(theirs) == len(ours)
    for a, b in zip(ours, theirs):
        b = np.asarray(real_keras.ops.convert_to_numpy(b))
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL, err_msg=name)


def test_reference_predict_matches_parity_inputs(exported, real_keras):
    item = exported["multi_io"]
    inputs = sample_inputs(item["model"])
    runtime, outs = python_code.reference_predict(item["path"], inputs)
    assert runtime.startswith(f"keras {real_keras.__version__}")
    for a, b in zip(engine_outputs(item["model"], inputs), outs):
        np.testing.assert_allclose(a, b, atol=TOL)


def test_reference_predict_without_keras(exported, monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", None)  # `import keras` raises ImportError
    assert python_code.reference_predict(exported["mlp"]["path"], [np.zeros((1, 8), np.float32)]) is None


# ---------------------------------------------------------------------------
# Subprocess: `python model.py` under real TensorFlow prints the engine's summary
@pytest.mark.parametrize("name", ZOO_NAMES)
def test_script_runs_and_summary_matches(name, exported, monkeypatch):
    item = exported[name]
    code, stdout, stderr = run_result(item)
    assert code == 0, f"python model.py failed for {name}:\n{stderr[-3000:]}"
    theirs, ours = parse_summary(stdout), parse_summary(engine_summary(item["model"], monkeypatch))
    assert theirs["rows"], stdout
    assert theirs["model"] == ours["model"]
    # Keras 3 lists the ops that compute masks symbolically (Embedding(mask_zero)/Masking feeding an
    # RNN) as rows of their own, e.g. "not_equal (NotEqual)"; they have no weights and are not layers.
    op_rows = [r for r in theirs["rows"] if _row_class(r) in KERAS_MASK_OPS]
    layer_rows = [r for r in theirs["rows"] if r not in op_rows]
    if op_rows:
        assert [r[:3] for r in layer_rows] == [r[:3] for r in ours["rows"]]  # name (type), shape, params
    else:
        assert layer_rows == ours["rows"]  # also "Connected to"
    assert theirs["params"] == ours["params"]
    assert theirs["params"][0].startswith("Total params:")


# ---------------------------------------------------------------------------
# The code itself
def test_code_is_readable_python(exported):
    for name, item in exported.items():
        code = (item["path"] / "model.py").read_text()
        compile(code, "model.py", "exec")
        imports = sorted(set(re.findall(r"^(?:import|from) (\w+)", code, flags=re.M)))
        assert imports == ["keras", "os"], (name, imports)
        assert "engine" not in imports and "numpy" not in code
        assert "def build_model(" in code and 'if __name__ == "__main__":' in code
        assert "model.load_weights(weights_file)" in code
        assert max(len(l) for l in code.splitlines()) <= python_code.LINE_LENGTH, name
        for layer in item["model"].layers:  # every layer keeps its name
            assert f'name="{layer.name}"' in code, (name, layer.name)


def test_code_keeps_only_non_default_arguments(exported):
    mlp = (exported["mlp"]["path"] / "model.py").read_text()
    assert "keras.Sequential(" in mlp and 'keras.Input(shape=(8,), name="features")' in mlp
    assert 'keras.layers.Dense(units=16, activation="relu", name="hidden")' in mlp
    assert 'keras.layers.Dense(units=8, activation="tanh", use_bias=False, name="hidden2")' in mlp
    assert 'keras.layers.BatchNormalization(name="bn")' in mlp
    for default in ("kernel_initializer", "use_bias=True", "trainable=True", "dtype=", "momentum"):
        assert default not in mlp, default
    multi = (exported["multi_io"]["path"] / "model.py").read_text()
    assert "keras.Model(" in multi and "trainable=False" in multi
    # the shared layer is created once and called twice
    assert multi.count('name="shared"') == 1
    assert len(re.findall(r"= shared_layer\(", multi)) == 2
    act = (exported["activations"]["path"] / "model.py").read_text()
    assert "keras.initializers.HeNormal()" in act and "max_value=1.5" in act
    nested = (exported["nested"]["path"] / "model.py").read_text()
    assert "def build_inner_seq():" in nested and "def build_inner_fn():" in nested
    rnn = (exported["rnn_cells"]["path"] / "model.py").read_text()
    assert "backward_layer" not in rnn  # Keras derives the default backward layer itself


def test_model_to_python_without_weights(real_keras):
    model = zoo.build("multi_io", ek)
    code = python_code.model_to_python(model)
    compile(code, "<code view>", "exec")
    assert "load_weights" not in code and "WEIGHTS_FILE" not in code and "import os" not in code
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own generated code
    km = namespace["build_model"]()
    assert [l.name for l in km.layers] == [l.name for l in model.layers]
    assert [tuple(w.shape) for w in km.weights] == [tuple(w.shape) for w in model.weights]
    assert km.count_params() == model.count_params()


def test_python_keywords_and_odd_names_are_valid_identifiers(real_keras):
    L = ek.layers
    x = ek.Input((3,), name="input")
    h = L.Dense(2, name="lambda")(x)
    h = L.Dense(2, name="2nd-layer")(h)
    h = L.Dense(2, name="model")(h)
    model = ek.Model(x, L.Dense(1, name="keras")(h), name="odd names")
    code = python_code.model_to_python(model)
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102
    assert [l.name for l in namespace["build_model"]().layers] == [l.name for l in model.layers]


# ---------------------------------------------------------------------------
# Coverage and errors
def test_every_engine_layer_has_a_python_mapping():
    from engine.keras.saving.object_registry import LAYERS
    missing = sorted(set(LAYERS) - NOT_LAYERS - set(python_code.LAYERS))
    assert not missing, f"layers with no entry in python_code.LAYERS: {missing}"


def test_zoo_uses_every_mapped_layer():
    from engine.keras.saving.object_registry import LAYERS

    def walk(obj: Any, seen: set) -> None:
        seen.add(type(obj).__name__)
        for attr in ("layers", "cells"):
            for sub in getattr(obj, attr, None) or []:
                walk(sub, seen)
        for attr in ("layer", "forward_layer", "backward_layer", "cell"):
            sub = getattr(obj, attr, None)
            if sub is not None and hasattr(sub, "get_config"):
                walk(sub, seen)

    used: set = set()
    for name in ZOO_NAMES:
        walk(zoo.ZOO[name](ek), used)
    unused = sorted(c for c in python_code.LAYERS if c in LAYERS and c not in used)
    assert not unused, f"exportable layers the zoo never uses: {unused}"


def test_lambda_layer_is_refused_naming_layer_and_format(tmp_path):
    x = ek.Input((3,), name="x")
    y = ek.layers.Lambda(lambda t: t * 2, name="double")(x)
    model = ek.Model(x, ek.layers.Dense(1, name="d")(y))
    target = tmp_path / "out"
    with pytest.raises(ExportError, match=r"'double' \(Lambda\).*python") as err:
        model.export(str(target), format="python")
    assert err.value.layer == "double" and err.value.format == "python"
    assert not target.exists() and list(tmp_path.iterdir()) == []


def test_subclassed_model_is_refused(tmp_path):
    class Tiny(ek.Model):
        def __init__(self) -> None:
            super().__init__(name="tiny")
            self.d = ek.layers.Dense(2)

        def call(self, x: Any) -> Any:
            return self.d(x)

    model = Tiny()
    model(np.zeros((1, 3), np.float32))
    with pytest.raises(ExportError, match="subclassed"):
        python_code.model_to_python(model)


def test_unknown_option_is_an_error(tmp_path):
    with pytest.raises(TypeError, match="no options"):
        zoo.build("mlp", ek).export(str(tmp_path / "o"), format="python", shards=2)
    assert not (tmp_path / "o").exists()


def test_custom_layers_are_refused_even_when_wrapped():
    class Custom(ek.layers.Layer):
        def call(self, x: Any) -> Any:
            return x

    x = ek.Input((3, 4), name="x")
    direct = ek.Model(x, Custom(name="mine")(x))
    with pytest.raises(ExportError, match=r"'mine' \(Custom\) cannot be exported to python"):
        python_code.model_to_python(direct)
    wrapped = ek.Model(x, ek.layers.TimeDistributed(Custom(name="inner"), name="td")(x))
    with pytest.raises(ExportError, match=r"'td' cannot be exported to python: it wraps a Custom"):
        python_code.model_to_python(wrapped)


def test_trained_model_with_adapted_normalization(tmp_path, real_keras, rng):
    """Weights after fit() and adapt(): the script loads them (optimizer state is left out)."""
    import h5py
    L = ek.layers
    norm = L.Normalization(name="norm")
    model = ek.Sequential([ek.Input((4,), name="x"), norm, L.Dense(8, activation="relu", name="h"),
                           L.Dense(1, name="y")], name="trained")
    data = rng.normal(3.0, 2.0, size=(64, 4)).astype(np.float32)
    norm.adapt(data)
    model.compile(optimizer="adam", loss="mse")
    model.fit(data, data.sum(axis=1, keepdims=True), epochs=2, batch_size=16, verbose=0)
    report = model.export(str(tmp_path / "out"), format="python")
    assert report["reference"]["max_abs_diff"] < TOL, report["reference"]
    with h5py.File(tmp_path / "out" / "model.weights.h5", "r") as f:
        assert "optimizer" not in f and "layers" in f
    km = python_code.load_script(tmp_path / "out" / "model.py").build_model()
    np.testing.assert_allclose(np.asarray(km(data[:5])), np.asarray(model(data[:5])), atol=TOL)
