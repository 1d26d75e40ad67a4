"""Guarantees every export format shares: the parity report, atomic writes, format names;
and a ``format="keras"`` export that real Keras 3 loads with the same predictions.

(tfjs and tf_saved_model parity are tested in their own files, with their runtimes.)
"""
from __future__ import annotations

import json
import os
import sys
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import engine
import zoo
from engine import keras as ek
from engine.export import FORMATS, export_model, registry
from engine.export.parity import SAMPLE_COUNT, engine_outputs

TOL = 1e-5
PARITY_FORMATS = ["keras", "python"]


@pytest.fixture(scope="module")
def real_keras(tf_oracle) -> Any:
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras  # noqa: PLC0415
    assert keras.__version__.startswith("3."), keras.__version__
    return keras


def leftovers(parent: Path) -> list:
    """Temporary or backup siblings an export may have left in ``parent``."""
    return sorted(p.name for p in parent.iterdir() if ".tmp-" in p.name or ".old-" in p.name)


def predict(model: Any, inputs: list) -> list:
    y = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    return [np.asarray(v) for v in (y if isinstance(y, (list, tuple)) else [y])]


# ---------------------------------------------------------------------------
# parity.json
@pytest.mark.parametrize("fmt", PARITY_FORMATS)
@pytest.mark.parametrize("name", ["mlp", "multi_io", "nested", "rnn"])
def test_parity_report_with_reference_runtime(fmt, name, tmp_path, real_keras):
    model = zoo.build(name, ek)
    target = tmp_path / "export"
    report = model.export(str(target), format=fmt)
    on_disk = json.loads((target / "parity.json").read_text())
    assert on_disk == json.loads(json.dumps(report))
    assert on_disk["engine_version"] == engine.__version__
    inputs = [np.asarray(x, dtype=t.dtype.as_numpy_dtype) for x, t in zip(on_disk["inputs"], model.inputs)]
    assert len(inputs) == len(model.inputs) and all(len(x) == SAMPLE_COUNT for x in inputs)
    assert on_disk["input_names"] == [t.name for t in model.inputs]
    ours = engine_outputs(model, inputs)
    assert len(on_disk["engine_outputs"]) == len(ours)
    for saved, now in zip(on_disk["engine_outputs"], ours):
        np.testing.assert_allclose(np.asarray(saved), now, rtol=1e-6, atol=1e-7)
    ref = on_disk["reference"]
    assert "error" not in ref, ref
    assert ref["runtime"].startswith(f"keras {real_keras.__version__}")
    assert ref["max_abs_diff"] < TOL
    for theirs, now in zip(ref["outputs"], ours):
        assert np.asarray(theirs).shape == now.shape
        np.testing.assert_allclose(np.asarray(theirs), now, atol=TOL)


@pytest.mark.parametrize("fmt", PARITY_FORMATS)
def test_parity_report_without_runtime_or_verification(fmt, tmp_path, monkeypatch):
    model = zoo.build("mlp", ek)
    unverified = model.export(str(tmp_path / "a"), format=fmt, verify=False)
    assert unverified["reference"] is None and unverified["engine_outputs"]
    monkeypatch.setitem(sys.modules, "keras", None)  # `import keras` raises ImportError: runtime missing
    missing = model.export(str(tmp_path / "b"), format=fmt)
    assert missing["reference"] == {"runtime": None, "reason": "reference runtime not installed"}
    assert json.loads((tmp_path / "b" / "parity.json").read_text())["reference"] == missing["reference"]


# ---------------------------------------------------------------------------
# Atomicity
def _failing_format(fail_after_writing: bool) -> types.ModuleType:
    mod = types.ModuleType("tapestudio_test_failing_format")
    mod.RUNTIME = None

    def write(model: Any, out_dir: Path, **options: Any) -> None:
        (Path(out_dir) / "model.json").write_text("{\"half\": ")
        (Path(out_dir) / "shards").mkdir()
        (Path(out_dir) / "shards" / "group1-shard1of2.bin").write_bytes(b"\0" * 64)
        if fail_after_writing:
            raise RuntimeError("disk full (simulated)")

    mod.write = write
    mod.reference_predict = lambda out_dir, inputs: None
    return mod


@pytest.fixture
def broken_format(monkeypatch) -> str:
    """A format whose writer fails midway, after writing some files."""
    mod = _failing_format(fail_after_writing=True)
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    monkeypatch.setitem(registry.FORMATS, "broken", mod.__name__)
    return "broken"


def test_failing_exporter_leaves_nothing(tmp_path, broken_format):
    target = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk full"):
        export_model(zoo.build("mlp", ek), target, format=broken_format)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", PARITY_FORMATS)
def test_layer_failing_during_export_leaves_nothing(fmt, tmp_path, monkeypatch):
    model = zoo.build("multi_io", ek)

    def bad_config() -> dict:
        raise RuntimeError("config exploded")

    monkeypatch.setattr(model.get_layer("head2"), "get_config", bad_config)
    target = tmp_path / "out"
    with pytest.raises(RuntimeError, match="config exploded"):
        model.export(str(target), format=fmt)
    assert not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", PARITY_FORMATS)
def test_failure_after_files_are_written_leaves_nothing(fmt, tmp_path, monkeypatch):
    """The format wrote all its files, then the parity step fails: the half-made export vanishes."""
    from engine.export import parity

    def boom(*args: Any, **kwargs: Any) -> dict:
        raise OSError("parity failed (simulated)")

    monkeypatch.setattr(parity, "write_parity_report", boom)
    target = tmp_path / "out"
    with pytest.raises(OSError, match="parity failed"):
        zoo.build("mlp", ek).export(str(target), format=fmt)
    assert not target.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", PARITY_FORMATS)
def test_export_replaces_existing_directory(fmt, tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "stale.txt").write_text("from an older export")
    (target / "parity.json").write_text("{}")
    report = zoo.build("mlp", ek).export(str(target), format=fmt, verify=False)
    assert not (target / "stale.txt").exists()
    assert json.loads((target / "parity.json").read_text()) == json.loads(json.dumps(report))
    assert leftovers(tmp_path) == [] and [p.name for p in tmp_path.iterdir()] == ["out"]


def test_failed_export_keeps_previous_export(tmp_path, broken_format):
    target = tmp_path / "out"
    zoo.build("mlp", ek).export(str(target), format="python", verify=False)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with pytest.raises(RuntimeError):
        export_model(zoo.build("mlp", ek), target, format=broken_format)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert leftovers(tmp_path) == []


def test_unknown_format_lists_the_formats(tmp_path):
    target = tmp_path / "out"
    with pytest.raises(ValueError) as err:
        zoo.build("mlp", ek).export(str(target), format="onnx")
    message = str(err.value)
    assert "onnx" in message
    for name in FORMATS:
        assert name in message
    assert set(FORMATS) >= {"tf_saved_model", "tfjs", "keras", "python"}
    assert not target.exists() and list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# format="keras": real Keras 3 loads the file and predicts the same
@pytest.mark.parametrize("name", list(zoo.ZOO))
def test_keras_export_loads_in_real_keras(name, tmp_path, real_keras, rng):
    model = zoo.build(name, ek)
    model.export(str(tmp_path / "k"), format="keras", verify=False)
    theirs_model = real_keras.models.load_model(str(tmp_path / "k" / "model.keras"))
    assert [l.name for l in theirs_model.layers] == [l.name for l in model.layers]
    inputs = []
    for t in model.inputs:
        shape = (3,) + tuple(t.shape)[1:]
        if t.dtype.is_integer:
            inputs.append(rng.integers(0, 20, size=shape).astype(t.dtype.as_numpy_dtype))
        else:
            inputs.append(rng.standard_normal(shape).astype(np.float32))
    ours = predict(model, inputs)
    theirs = theirs_model(inputs if len(inputs) > 1 else inputs[0], training=False)
    theirs = theirs if isinstance(theirs, (list, tuple)) else [theirs]
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, real_keras.ops.convert_to_numpy(b), rtol=0, atol=TOL, err_msg=name)
