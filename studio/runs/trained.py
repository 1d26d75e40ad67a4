"""A run's trained model: its model document rebuilt, a checkpoint's weights restored.

``trained_model(store, run_id)`` gives the engine model of a run's latest
checkpoint (``TrainedModelCache.get`` gives a chosen one, by epoch, plus which
checkpoint it is). A run that is still training is served from its newest
complete checkpoint; one with no checkpoint yet raises :class:`NoCheckpoint`.

Loading takes a model build and an HDF5 read, so the serving and export
endpoints share one small LRU cache per app (:func:`app_cache`), keyed by
``(run id, checkpoint name, checkpoint mtime)`` — a new epoch's checkpoint is
a new key, so a cached model is never stale. Building, restoring and calling
a model is engine work: it happens under :data:`~.engine_lock.ENGINE_LOCK`
(callers hold it while they call ``.model``).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..modeldoc import build_model
from .checkpoints import STATE, latest_checkpoint, list_checkpoints, restore_checkpoint
from .engine_lock import ENGINE_LOCK

#: Key of the per-app cache in ``app.extensions``.
CACHE_KEY = "tapestudio.trained_models"
DEFAULT_CAPACITY = 4


class UnknownRun(LookupError):
    """No run has this id."""


class NoCheckpoint(LookupError):
    """The run has no (such) checkpoint yet."""


class CheckpointUnreadable(RuntimeError):
    """The checkpoint exists but the model cannot be rebuilt from it."""


@dataclass
class TrainedModel:
    """A loaded model and the checkpoint it came from."""

    run_id: str
    checkpoint: Path
    epoch: int
    model: Any


def checkpoint_epoch(checkpoint: Path) -> int:
    """The epoch of a checkpoint directory named ``epoch-NNNN``."""
    return int(Path(checkpoint).name.split("-", 1)[1])


def run_checkpoints(store: Any, run_id: str) -> dict[int, Path]:
    """The run's complete checkpoints by epoch (empty when there is none or the run is unknown)."""
    if store.get_run(run_id) is None:
        return {}
    out: dict[int, Path] = {}
    for path in list_checkpoints(store.artifact_dir("runs", run_id)):
        try:
            epoch = checkpoint_epoch(path)
        except (IndexError, ValueError):
            continue
        if (path / STATE).is_file():
            out[epoch] = path
    return out


def find_checkpoint(store: Any, run_id: str, epoch: int | None = None) -> tuple[dict, Path]:
    """``(run, checkpoint dir)``: the latest checkpoint, or the one of ``epoch``."""
    run = store.get_run(run_id)
    if run is None:
        raise UnknownRun(f"no run with id {run_id!r}")
    if epoch is None:
        checkpoint = latest_checkpoint(store.artifact_dir("runs", run_id))
        if checkpoint is None:
            raise NoCheckpoint(f"run {run_id!r} has no checkpoint yet: it saves one at the end of "
                               "each epoch")
        return run, checkpoint
    checkpoint = run_checkpoints(store, run_id).get(int(epoch))
    if checkpoint is None:
        raise NoCheckpoint(f"run {run_id!r} has no checkpoint for epoch {epoch}")
    return run, checkpoint


def load_trained(model_doc: Any, checkpoint: Path) -> Any:
    """Build the model of ``model_doc`` and restore the checkpoint's weights (uncached)."""
    try:
        with ENGINE_LOCK:
            model = build_model(model_doc)
            restore_checkpoint(checkpoint, model)
    except FileNotFoundError as exc:
        raise NoCheckpoint(f"checkpoint {Path(checkpoint).name} disappeared while loading: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - the caller answers with this message
        raise CheckpointUnreadable(f"the model cannot be restored from checkpoint "
                                   f"{Path(checkpoint).name}: {exc}") from exc
    return model


class TrainedModelCache:
    """A thread-safe LRU of loaded models; each checkpoint is loaded once even under concurrent requests."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = max(1, int(capacity))
        self._items: OrderedDict[tuple, TrainedModel] = OrderedDict()
        self._loading: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, store: Any, run_id: str, epoch: int | None = None) -> TrainedModel:
        """The run's model at its latest checkpoint (or at ``epoch``), loading it on a miss."""
        run, checkpoint = find_checkpoint(store, run_id, epoch)
        try:
            stamp = (checkpoint / STATE).stat().st_mtime_ns
        except FileNotFoundError:
            raise NoCheckpoint(f"checkpoint {checkpoint.name} of run {run_id!r} disappeared") from None
        key = (run_id, checkpoint.name, stamp)
        with self._lock:
            hit = self._lookup(key)
            if hit is not None:
                return hit
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:  # one loader per checkpoint; the others wait for it and take the cached model
            with self._lock:
                hit = self._lookup(key)
            if hit is not None:
                return hit
            try:
                entry = TrainedModel(run_id=run_id, checkpoint=checkpoint, epoch=checkpoint_epoch(checkpoint),
                                     model=load_trained(run["model"], checkpoint))
                with self._lock:
                    self._items[key] = entry
                    while len(self._items) > self.capacity:
                        self._items.popitem(last=False)
            finally:
                with self._lock:
                    self._loading.pop(key, None)
        return entry

    def _lookup(self, key: tuple) -> TrainedModel | None:
        hit = self._items.get(key)
        if hit is not None:
            self._items.move_to_end(key)
        return hit

    def forget(self, run_id: str) -> None:
        """Drop every cached model of ``run_id`` (e.g. when the run is deleted)."""
        with self._lock:
            for key in [k for k in self._items if k[0] == run_id]:
                del self._items[key]

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


def app_cache(app: Any) -> TrainedModelCache:
    """The app's shared cache (created on first use; lives in ``app.extensions``)."""
    cache = app.extensions.get(CACHE_KEY)
    if cache is None:
        cache = app.extensions.setdefault(CACHE_KEY, TrainedModelCache())
    return cache


def trained_model(store: Any, run_id: str, cache: TrainedModelCache | None = None) -> Any:
    """The engine model of the run's latest checkpoint (through ``cache`` when given).

    Raises :class:`UnknownRun`, :class:`NoCheckpoint` (nothing saved yet) or
    :class:`CheckpointUnreadable`.
    """
    if cache is not None:
        return cache.get(store, run_id).model
    run, checkpoint = find_checkpoint(store, run_id)
    return load_trained(run["model"], checkpoint)
