"""Downloadable exports of a run: the engine's export of the latest checkpoint, zipped and cached.

``Exports.zip_for(store, run_id, format)`` returns the path of a zip holding
one folder ``<run name>-<format>/`` with what ``engine.export.export_model``
writes for that format plus its ``parity.json``. The export runs in a worker
process (:mod:`.export_worker`): verification loads the files in the real
runtime (TensorFlow, Keras, tfjs in Node) — heavy imports the studio server
itself never takes — and a crash or hang there cannot take the server down.
``verify`` is on exactly when the format's runtime is installed here; the
parity report says what was checked (``reference.runtime``) or why not.

Zips are cached beside the run's checkpoints (``<run dir>/exports/``), one per
(format, checkpoint): a second download is a file send. Exports are
serialised (one worker at a time) and each (run, format) is built once even
when several downloads ask for it together.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.export import FORMATS, ExportError, export_model

from ..modeldoc import build_model
from ..runs.checkpoints import STATE
from ..runs.engine_lock import ENGINE_LOCK
from ..runs.trained import checkpoint_epoch, find_checkpoint

log = logging.getLogger("tapestudio")

EXTENSION_KEY = "tapestudio.exports"
EXPORT_FORMATS: tuple[str, ...] = tuple(FORMATS)
WORKER_TIMEOUT_S = 900.0
AVAILABILITY_CACHE = 256  # runs whose per-format dry-run results are remembered
#: What each format's folder holds (for the API description and the UI).
CONTENTS = {
    "tf_saved_model": "saved_model.pb (a frozen-graph TensorFlow SavedModel, signature serving_default) "
                      "and an empty variables/ directory",
    "tfjs": "model.json and group1-shard*of*.bin (TF.js Layers format, tf.loadLayersModel)",
    "keras": "model.keras (Keras 3 file, keras.models.load_model)",
    "python": "model.py (rebuilds the model in Keras 3) and model.weights.h5",
}


class ExportFailed(RuntimeError):
    """The format cannot express the model (``layer`` names the culprit) or the export crashed."""

    def __init__(self, message: str, layer: str | None = None, format: str | None = None,
                 kind: str = "ExportError") -> None:
        super().__init__(message)
        self.message, self.layer, self.format, self.kind = message, layer, format, kind


def verifier(format: str) -> str | None:
    """The runtime that verifies ``format`` here (``tensorflow``, ``keras``, ``tfjs``), or None if absent."""
    if format == "tf_saved_model":
        return "tensorflow" if importlib.util.find_spec("tensorflow") is not None else None
    if format in ("keras", "python"):
        return "keras" if importlib.util.find_spec("keras") is not None else None
    if format == "tfjs":
        from engine.export import tfjs
        return "tfjs" if tfjs.find_node() and tfjs.find_tfjs_dir() else None
    return None


def safe_name(name: Any, fallback: str) -> str:
    """A file-name-safe version of a run name (ASCII letters, digits, ``._-``; at most 60 characters)."""
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name or "")).strip("._-")
    return text[:60].rstrip("._-") or fallback


@dataclass
class ExportZip:
    """A built (or cached) export."""

    path: Path
    download_name: str
    epoch: int
    cached: bool


class Exports:
    """Builds and caches a studio's export zips."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key_locks: dict[tuple, threading.Lock] = {}
        self._worker_slot = threading.Semaphore(1)  # exports are heavy: one at a time
        self._availability: dict[str, dict] = {}

    def zip_for(self, store: Any, run_id: str, format: str) -> ExportZip:
        """The zip of ``run_id``'s latest checkpoint in ``format`` (built on first request)."""
        run, checkpoint = find_checkpoint(store, run_id)
        run_dir = store.artifact_dir("runs", run_id)
        folder = safe_name(run.get("name"), f"run-{run_id}")
        download = f"{folder}-{format}.zip"
        target = run_dir / "exports" / f"{checkpoint.name}-{format}.zip"
        epoch = checkpoint_epoch(checkpoint)
        if _fresh(target, checkpoint):
            return ExportZip(target, download, epoch, cached=True)
        with self._lock:
            key_lock = self._key_locks.setdefault((run_id, format), threading.Lock())
        with key_lock:
            if _fresh(target, checkpoint):
                return ExportZip(target, download, epoch, cached=True)
            with self._worker_slot:
                self._build(run, checkpoint, format, target, f"{folder}-{format}")
        return ExportZip(target, download, epoch, cached=False)

    def _build(self, run: dict, checkpoint: Path, format: str, target: Path, folder: str) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent))
        try:
            out = work / folder
            job = {"model": run["model"], "checkpoint": str(checkpoint), "format": format, "out": str(out),
                   "verify": verifier(format) is not None}
            reply = run_worker(job, work)
            if job["verify"] and reply.get("kind") in ("WorkerCrashed", "Timeout"):
                # the reference runtime crashed or hung: still give the user the (unverified) files
                log.warning("verifying the %s export crashed (%s); exporting without verification",
                            format, reply.get("message"))
                shutil.rmtree(out, ignore_errors=True)
                reply = run_worker({**job, "verify": False, "unverified_reason": "not verified: the reference "
                                    f"runtime failed on the export ({reply.get('message')})"}, work)
            if not reply.get("ok"):
                raise ExportFailed(reply.get("message") or "the export failed", layer=reply.get("layer"),
                                   format=format, kind=reply.get("kind", "ExportError"))
            partial = work / "export.zip"
            write_zip(out, partial, folder)
            for stale in target.parent.glob(f"epoch-*-{format}.zip"):  # older checkpoints' zips
                stale.unlink(missing_ok=True)
            os.replace(partial, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def availability(self, store: Any, run_id: str) -> dict:
        """``{"formats": [{"format", "available", "reason"?, "verified_by"}]}`` for the run."""
        run = store.get_run(run_id)
        if run is None:
            raise LookupError(run_id)
        try:
            _, checkpoint = find_checkpoint(store, run_id)
        except LookupError:
            checkpoint = None
        with self._lock:
            expressible = self._availability.get(run_id)
        if expressible is None:
            expressible = dry_run(run["model"])
            with self._lock:
                if len(self._availability) >= AVAILABILITY_CACHE:
                    self._availability.clear()
                self._availability[run_id] = expressible
        formats = []
        for fmt in EXPORT_FORMATS:
            entry: dict[str, Any] = {"format": fmt, "available": False, "contents": CONTENTS.get(fmt, ""),
                                     "verified_by": verifier(fmt)}
            if checkpoint is None:
                entry["reason"] = "the run has no checkpoint yet: it saves one at the end of each epoch"
            elif expressible.get(fmt):
                entry["reason"] = expressible[fmt]
            else:
                entry["available"] = True
            formats.append(entry)
        return {"run": run_id, "epoch": None if checkpoint is None else checkpoint_epoch(checkpoint),
                "formats": formats}


def _fresh(target: Path, checkpoint: Path) -> bool:
    try:
        return target.stat().st_mtime_ns >= (checkpoint / STATE).stat().st_mtime_ns
    except FileNotFoundError:
        return False


def write_zip(src: Path, dest: Path, folder: str) -> None:
    """Zip the directory ``src`` as ``folder/...`` (empty directories kept, e.g. ``variables/``)."""
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo(f"{folder}/"), "")
        for path in sorted(src.rglob("*")):
            arc = f"{folder}/{path.relative_to(src).as_posix()}"
            if path.is_dir():
                zf.writestr(zipfile.ZipInfo(arc + "/"), "")
            else:
                zf.write(path, arc)


def dry_run(model_doc: Any) -> dict[str, str]:
    """``{format: reason}`` for each format that cannot express the architecture (export without verifying)."""
    reasons: dict[str, str] = {}
    with ENGINE_LOCK, tempfile.TemporaryDirectory(prefix="tapestudio-dry-") as tmp:
        try:
            model = build_model(model_doc)
        except Exception as exc:  # noqa: BLE001 - reported per format
            return {fmt: f"the model cannot be built: {exc}" for fmt in EXPORT_FORMATS}
        for fmt in EXPORT_FORMATS:
            try:
                export_model(model, Path(tmp) / fmt, format=fmt, verify=False)
            except ExportError as exc:
                reasons[fmt] = str(exc)
            except Exception as exc:  # noqa: BLE001
                reasons[fmt] = f"{type(exc).__name__}: {exc}"
    return reasons


def run_worker(job: dict, work: Path, timeout: float = WORKER_TIMEOUT_S) -> dict:
    """Run :mod:`.export_worker` on ``job`` in a fresh interpreter; its JSON reply."""
    job_file = work / "job.json"
    reply_file = work / "reply.json"
    reply_file.unlink(missing_ok=True)
    job_file.write_text(json.dumps({**job, "reply": str(reply_file)}))
    root = str(Path(__file__).resolve().parents[2])  # the directory holding the studio and engine packages
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    try:
        proc = subprocess.run([sys.executable, "-m", "studio.serving.export_worker", str(job_file)],
                              capture_output=True, text=True, timeout=timeout, env=env, cwd=str(work))
    except subprocess.TimeoutExpired:
        return {"ok": False, "kind": "Timeout", "message": f"the export took longer than {timeout:.0f} s and "
                                                           "was stopped"}
    if reply_file.is_file():
        return json.loads(reply_file.read_text())
    tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-3:])
    log.error("export worker failed (exit %s): %s", proc.returncode, proc.stderr)
    return {"ok": False, "kind": "WorkerCrashed", "message": f"the export process failed (exit "
                                                             f"{proc.returncode}): {tail[-500:]}"}


def app_exports(app: Any) -> Exports:
    """The app's :class:`Exports` (created on first use; lives in ``app.extensions``)."""
    exports = app.extensions.get(EXTENSION_KEY)
    if exports is None:
        exports = app.extensions.setdefault(EXTENSION_KEY, Exports())
    return exports
