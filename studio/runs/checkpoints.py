"""Run checkpoints: weights + optimizer state + progress, written atomically at epoch ends.

Layout under the run's artifact dir (``<data_dir>/runs/<id>/``)::

    checkpoints/epoch-0003/   model.weights.h5  optimizer.npz  state.json
    latest -> the newest complete checkpoint's name, in ``checkpoints/LATEST``

``optimizer.npz`` holds ``optimizer.get_state()`` (numpy arrays, loaded with
``allow_pickle=False``); ``state.json`` holds ``{"epoch", "step", "history",
"learning_rate"}``. A checkpoint directory is written under a temporary name and
renamed into place, so a crash never leaves a half-written one behind.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS = "model.weights.h5"
OPTIMIZER = "optimizer.npz"
STATE = "state.json"
LATEST = "LATEST"


def checkpoint_root(run_dir: Path) -> Path:
    """``<run_dir>/checkpoints``, created."""
    root = Path(run_dir) / "checkpoints"
    root.mkdir(parents=True, exist_ok=True)
    return root


def save_checkpoint(run_dir: Path, model: Any, epoch: int, step: int = 0, history: dict | None = None,
                    extra: dict | None = None) -> Path:
    """Write a checkpoint for the end of ``epoch`` (1-based count of finished epochs)."""
    root = checkpoint_root(run_dir)
    name = f"epoch-{epoch:04d}"
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=root))
    try:
        model.save_weights(str(tmp / WEIGHTS))
        optimizer = getattr(model, "optimizer", None)
        state: dict[str, Any] = {"epoch": int(epoch), "step": int(step), "history": history or {}}
        if optimizer is not None:
            arrays = optimizer.get_state()
            np.savez(tmp / OPTIMIZER, **{_npz_key(k): np.asarray(v) for k, v in arrays.items()})
            state["optimizer_keys"] = {_npz_key(k): k for k in arrays}
            state["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        state.update(extra or {})
        (tmp / STATE).write_text(json.dumps(state, allow_nan=True))
        final = root / name
        stale = None
        if final.exists():  # a stop checkpoint at an epoch that has one: swap by two renames
            stale = Path(tempfile.mkdtemp(prefix=".old-", dir=root))
            os.replace(final, stale / name)
        os.replace(tmp, final)
        if stale is not None:
            shutil.rmtree(stale, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    latest_tmp = root / f".{LATEST}.tmp"
    latest_tmp.write_text(name)
    os.replace(latest_tmp, root / LATEST)
    return final


def _npz_key(key: str) -> str:
    return key.replace("/", "__").replace(":", "--")


def list_checkpoints(run_dir: Path) -> list[Path]:
    """Complete checkpoints of a run, oldest first."""
    root = Path(run_dir) / "checkpoints"
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("epoch-"))


def latest_checkpoint(run_dir: Path) -> Path | None:
    """The newest complete checkpoint, or None."""
    root = Path(run_dir) / "checkpoints"
    marker = root / LATEST
    if marker.is_file():
        path = root / marker.read_text().strip()
        if (path / STATE).is_file():
            return path
    found = list_checkpoints(run_dir)
    return found[-1] if found else None


def read_state(checkpoint: Path) -> dict:
    """The checkpoint's ``state.json``."""
    return json.loads((Path(checkpoint) / STATE).read_text())


def restore_checkpoint(checkpoint: Path, model: Any) -> dict:
    """Load weights (and, if the model is compiled, optimizer state) into ``model``; return the state."""
    checkpoint = Path(checkpoint)
    model.load_weights(str(checkpoint / WEIGHTS))
    state = read_state(checkpoint)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and (checkpoint / OPTIMIZER).is_file():
        keys = state.get("optimizer_keys", {})
        with np.load(checkpoint / OPTIMIZER, allow_pickle=False) as data:
            optimizer.set_state({keys.get(k, k): data[k] for k in data.files})
    return state
