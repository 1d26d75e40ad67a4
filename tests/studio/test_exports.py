"""``GET /api/runs/{id}/export[/{format}]``: zips of the engine's exports, verified and cached.

Runs are made directly in the store with ``save_checkpoint`` (no run manager).
The SavedModel and Keras zips are loaded with real TensorFlow 2.21 / Keras 3
and must answer what the studio's TF Serving API answers for the same inputs.
"""
from __future__ import annotations

import io
import json
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
import sample_data
from engine import keras

from studio.runs.checkpoints import save_checkpoint
from studio.serving import exports as exports_module

FILES = {
    "tf_saved_model": {"saved_model.pb", "variables/", "parity.json"},
    "tfjs": {"model.json", "group1-shard1of1.bin", "parity.json"},
    "keras": {"model.keras", "parity.json"},
    "python": {"model.py", "model.weights.h5", "parity.json"},
}
RUNTIME = {"tf_saved_model": "tensorflow 2.21", "tfjs": "tfjs 4.22.0", "keras": "keras 3.", "python": "keras 3."}


def iris_model() -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def make_run(studio, model: keras.Model, epoch: int | None = 1, name: str = "Iris / demo #1") -> str:
    store = studio.services.store
    run = store.create_run(model=json.loads(model.to_json()), dataset={"id": "iris"}, config={}, name=name)
    if epoch is not None:
        save_checkpoint(store.artifact_dir("runs", run["id"]), model, epoch=epoch)
    return run["id"]


@pytest.fixture
def iris():
    x, y, _ = sample_data.load("iris")
    return x.astype(np.float32), y


@pytest.fixture
def trained(studio, iris):
    model = iris_model()
    model.fit(*iris, epochs=3, batch_size=16, verbose=0)
    return make_run(studio, model), model


def unzip(response, dest: Path) -> tuple[Path, dict]:
    """Extract the zip; returns (its one top folder, parity report)."""
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        tops = {n.split("/", 1)[0] for n in zf.namelist()}
        assert len(tops) == 1, zf.namelist()
        zf.extractall(dest)
    folder = dest / tops.pop()
    return folder, json.loads((folder / "parity.json").read_text())


def zip_files(response) -> set:
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        return {n.split("/", 1)[1] for n in zf.namelist() if n.split("/", 1)[1]}


#: Formats whose parity check runs in the export worker here (the real runtime re-loads the files there);
#: the Keras-based two are re-loaded by real Keras in this process instead, which keeps TensorFlow's
#: import to one per test session (verification of those two is the same worker path as these).
VERIFIED_IN_WORKER = ("tf_saved_model", "tfjs")


@pytest.mark.parametrize("fmt", list(FILES))
def test_export_zip_has_the_files_and_a_parity_report(studio, trained, iris, fmt, tmp_path, monkeypatch):
    run_id, model = trained
    if fmt not in VERIFIED_IN_WORKER:
        monkeypatch.setattr(exports_module, "verifier", lambda fmt: None)
    r = studio.get(f"/api/runs/{run_id}/export/{fmt}", timeout=600)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/zip"
    assert r.headers["content-disposition"] == f"attachment; filename=Iris_demo_1-{fmt}.zip"
    assert r.headers["x-export-epoch"] == "1" and r.headers["x-export-cached"] == "false"
    assert zip_files(r) == FILES[fmt]
    folder, parity = unzip(r, tmp_path)
    assert folder.name == f"Iris_demo_1-{fmt}"
    assert parity["format"] == fmt
    np.testing.assert_allclose(np.array(parity["engine_outputs"][0]),
                               model.predict(np.array(parity["inputs"][0], np.float32), verbose=0), atol=1e-6)
    reference = parity["reference"]
    if fmt in VERIFIED_IN_WORKER:
        assert reference["runtime"].startswith(RUNTIME[fmt]), reference
        assert reference["max_abs_diff"] < 1e-5
    else:
        assert reference == {"runtime": None, "reason": "not verified: Keras is not installed where the studio runs"}

    again = studio.get(f"/api/runs/{run_id}/export/{fmt}")
    assert again.headers["x-export-cached"] == "true" and again.content == r.content

    # the real runtime loads the files and answers what the studio's TF Serving API answers
    x = iris[0][::15]
    served = np.array(studio.post(f"/v1/models/{run_id}:predict", json={"instances": x.tolist()}).json()["predictions"])
    if fmt == "tf_saved_model":
        import tensorflow as tf
        fn = tf.saved_model.load(str(folder)).signatures["serving_default"]
        meta = studio.get(f"/v1/models/{run_id}/metadata").json()["metadata"]["signature_def"]["signature_def"][
            "serving_default"]
        (in_key,), (out_key,) = meta["inputs"], meta["outputs"]  # the same signature keys as /v1 metadata
        assert set(fn.structured_input_signature[1]) == {in_key}
        out = fn(**{in_key: tf.constant(x)})
        assert set(out) == {out_key}
        np.testing.assert_allclose(out[out_key].numpy(), served, atol=1e-5)
    elif fmt == "keras":
        import keras as real_keras
        loaded = real_keras.models.load_model(str(folder / "model.keras"))
        np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)), served, atol=1e-5)
    elif fmt == "python":
        from engine.export import python_code
        runtime, (out,) = python_code.reference_predict(folder, [x])  # imports model.py under real Keras
        assert runtime.startswith("keras 3.")
        np.testing.assert_allclose(out, served, atol=1e-5)
    else:
        doc = json.loads((folder / "model.json").read_text())
        assert doc["format"] == "layers-model" and doc["weightsManifest"][0]["paths"] == ["group1-shard1of1.bin"]


def test_new_checkpoint_new_zip_and_concurrent_downloads_build_once(studio, iris):
    model = iris_model()
    run_id = make_run(studio, model, name="run ünïcode: <x>")
    url = f"/api/runs/{run_id}/export/tfjs"
    replies = []
    threads = [threading.Thread(target=lambda: replies.append(studio.get(url, timeout=600))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in replies] == [200] * 3
    assert sorted(r.headers["x-export-cached"] for r in replies) == ["false", "true", "true"]
    assert len({r.content for r in replies}) == 1
    assert replies[0].headers["content-disposition"] == "attachment; filename=run_n_code_x-tfjs.zip"

    model.fit(*iris, epochs=1, verbose=0)
    save_checkpoint(studio.services.store.artifact_dir("runs", run_id), model, epoch=2)
    r = studio.get(url, timeout=600)
    assert r.headers["x-export-epoch"] == "2" and r.headers["x-export-cached"] == "false"
    exports_dir = studio.services.store.artifact_dir("runs", run_id) / "exports"
    assert sorted(p.name for p in exports_dir.iterdir()) == ["epoch-0002-tfjs.zip"]  # the stale zip is gone


def test_without_the_runtime_the_export_says_it_is_not_verified(studio, trained, monkeypatch, tmp_path):
    run_id, _ = trained
    monkeypatch.setattr(exports_module, "verifier", lambda fmt: None)
    r = studio.get(f"/api/runs/{run_id}/export/tfjs", timeout=600)
    assert r.status_code == 200
    _, parity = unzip(r, tmp_path)
    assert parity["reference"] == {"runtime": None, "reason": "not verified: Node.js with @tensorflow/tfjs is "
                                                              "not installed where the studio runs"}
    listing = studio.get(f"/api/runs/{run_id}/export").json()
    assert all(f["verified_by"] is None for f in listing["formats"])


def test_a_crashing_verifier_still_gives_the_files(studio, trained, monkeypatch, tmp_path):
    run_id, _ = trained
    real = exports_module.run_worker
    jobs = []

    def crash_when_verifying(job, work, **kw):
        jobs.append(job["verify"])
        if job["verify"]:
            return {"ok": False, "kind": "WorkerCrashed", "message": "the export process failed (exit -11)"}
        return real(job, work, **kw)
    monkeypatch.setattr(exports_module, "run_worker", crash_when_verifying)
    r = studio.get(f"/api/runs/{run_id}/export/tfjs", timeout=600)
    assert r.status_code == 200 and jobs == [True, False]
    _, parity = unzip(r, tmp_path)
    assert parity["reference"]["runtime"] is None
    assert "the reference runtime failed on the export (the export process failed (exit -11))" in \
        parity["reference"]["reason"]


def test_export_errors(studio):
    r = studio.get("/api/runs/nosuchrun/export/keras")
    assert r.status_code == 404 and "nosuchrun" in r.json()["error"]
    assert studio.get("/api/runs/nosuchrun/export").status_code == 404

    run_id = make_run(studio, iris_model())
    r = studio.get(f"/api/runs/{run_id}/export/onnx")
    assert r.status_code == 404
    assert r.json()["error"] == "unknown export format 'onnx': choose one of tf_saved_model, tfjs, keras, python"
    assert r.json()["details"]["formats"] == ["tf_saved_model", "tfjs", "keras", "python"]

    fresh = make_run(studio, iris_model(), epoch=None)
    r = studio.get(f"/api/runs/{fresh}/export/keras")
    assert r.status_code == 409 and "has no checkpoint yet" in r.json()["error"]
    listing = studio.get(f"/api/runs/{fresh}/export").json()
    assert listing["epoch"] is None
    assert [f["available"] for f in listing["formats"]] == [False] * 4
    assert all("no checkpoint" in f["reason"] for f in listing["formats"])

    # tfjs 4.22 has no UnitNormalization layer: 422 naming the layer, and the listing says so up front
    model = keras.Sequential([keras.Input((4,)), keras.layers.UnitNormalization(name="unit_norm"),
                              keras.layers.Dense(3, activation="softmax")])
    odd = make_run(studio, model)
    listing = studio.get(f"/api/runs/{odd}/export").json()
    assert listing["epoch"] == 1
    by_format = {f["format"]: f for f in listing["formats"]}
    assert by_format["tfjs"]["available"] is False and "'unit_norm'" in by_format["tfjs"]["reason"]
    assert all(by_format[f]["available"] for f in ("tf_saved_model", "keras", "python"))
    r = studio.get(f"/api/runs/{odd}/export/tfjs", timeout=600)
    assert r.status_code == 422
    assert "Layer 'unit_norm' (UnitNormalization) cannot be exported to tfjs" in r.json()["error"]
    assert r.json()["details"] == {"format": "tfjs", "layer": "unit_norm", "kind": "ExportError"}


def test_openapi_describes_exports(studio):
    doc = studio.get("/api/openapi.json").json()
    op = doc["paths"]["/api/runs/{run_id}/export/{format}"]["get"]
    assert {"200", "404", "409", "422"} <= set(op["responses"])
    assert "application/zip" in op["responses"]["200"]["content"]
    assert "/api/runs/{run_id}/export" in doc["paths"]
