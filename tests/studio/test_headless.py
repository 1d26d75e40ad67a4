"""``tapestudio train``: a headless run through the studio's own runner, with an export."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from engine import keras
from studio.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _train(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studio.cli", "train", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


def test_train_headless_writes_history_and_export(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(8, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    (tmp_path / "m.json").write_text(model.to_json())
    proc = _train(str(tmp_path / "m.json"), "--dataset", "gaussian", "--option", "num_samples=200",
                  "--epochs", "3", "--data-dir", str(tmp_path / "data"), "--export", "tfjs",
                  "--out", str(tmp_path / "out"), "--name", "headless")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("epoch ") >= 3 and "status: completed" in proc.stdout
    (zip_path,) = (tmp_path / "out").glob("*.zip")
    names = zipfile.ZipFile(zip_path).namelist()
    assert any(n.endswith("model.json") for n in names) and any(n.endswith("parity.json") for n in names)
    store = Store(tmp_path / "data")
    (run,) = store.list_runs()
    assert run["status"] == "completed" and run["name"] == "headless" and len(run["history"]["loss"]) == 3


def test_train_headless_bad_input_is_a_clear_error(tmp_path):
    (tmp_path / "bad.json").write_text(json.dumps({"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"name": "d", "units": -3}}]}}))
    proc = _train(str(tmp_path / "bad.json"), "--dataset", "xor", "--data-dir", str(tmp_path / "d"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "error" in proc.stderr
    proc = _train(str(tmp_path / "missing.json"), "--dataset", "xor", "--data-dir", str(tmp_path / "d"))
    assert proc.returncode == 2 and "missing.json" in proc.stderr
    proc = _train(str(tmp_path / "bad.json"), "--dataset", "nope", "--data-dir", str(tmp_path / "d"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
