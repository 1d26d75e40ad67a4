"""Train one run: load its data, build and compile its model, ``fit`` with the studio callback.

:func:`train_run` is what a worker thread calls. A run with a checkpoint in
its artifact dir (a continued, resumed or forked run) starts from it: weights,
optimizer state, history and progress, then ``fit(initial_epoch=...)``. The
run ends ``completed``, ``stopped`` or ``interrupted`` (both checkpointed
first), or ``failed`` with a one-line reason; tracebacks stay in the log.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import engine as tf
import numpy as np

from ..datasets import DatasetRegistry
from ..events import EventHub
from ..modeldoc import build_model
from ..store import Store
from . import checkpoints
from .callback import RunData, StudioCallback, lr_value
from .control import RunAborted, RunControl
from .engine_lock import ENGINE_LOCK, FairRLock
from .plan import make_plan, parse_dataset, prepare_arrays
from .reporter import RunReporter

log = logging.getLogger("tapestudio.runs")

#: Longest ``reason`` stored for a failed run.
MAX_REASON = 300


def one_line(exc: BaseException) -> str:
    """``exc`` as one short line for clients (no traceback)."""
    lines = str(getattr(exc, "message", None) or exc).strip().splitlines()
    line = lines[0] if lines else ""
    if not line:
        out = type(exc).__name__
    elif isinstance(exc, ValueError):  # the engine's and the studio's messages name what is wrong
        out = line
    else:
        out = f"{type(exc).__name__}: {line}"
    return out if len(out) <= MAX_REASON else out[:MAX_REASON - 1] + "…"


def seed_everything(seed: int) -> None:
    """Seed numpy's global generator and the engine's (``tf.random.set_seed``)."""
    np.random.seed(int(seed) % (2**32))
    tf.random.set_seed(int(seed))


def run_dir(store: Store, run_id: str) -> Path:
    """The run's artifact dir (checkpoints live under it)."""
    return store.artifact_dir("runs", run_id)


class Trainer:
    """One training of one run (a worker thread's job)."""

    def __init__(self, run_id: str, *, store: Store, hub: EventHub, datasets: DatasetRegistry,
                 control: RunControl, emit_hz: float, lock: FairRLock = ENGINE_LOCK) -> None:
        self.run_id = run_id
        self.store = store
        self.datasets = datasets
        self.control = control
        self.emit_hz = emit_hz
        self.lock = lock
        self.reporter = RunReporter(run_id, store, hub, control)
        self.callback: StudioCallback | None = None

    def run(self) -> str:
        """Train to the end; returns the final status."""
        row = self.store.get_run(self.run_id)
        if row is None:
            return "failed"
        epoch, step = int(row.get("epoch") or 0), int(row.get("step") or 0)
        stop = self.control.stop_requested
        if stop is not None:
            reason = "the server stopped before this run started" if stop == "interrupted" else None
            self._finish(stop, reason, epoch, step, row)
            return stop
        started = row.get("started_at") or time.time()
        self.store.update_run(self.run_id, started_at=started, finished_at=None)
        try:
            status, reason = self._train(row)
        except RunAborted as exc:  # stopped while setting up
            status, reason = exc.outcome, None
        except Exception as exc:  # noqa: BLE001 - any failure ends the run, never the server
            log.exception("run %s failed", self.run_id)
            status, reason = "failed", one_line(exc)
        cb = self.callback
        if cb is not None:
            cb.stream.flush(force=True)
            epoch, step = cb.epochs_done, cb.step
        self._finish(status, reason, epoch, step, row)
        return status

    def _train(self, row: dict) -> tuple[str, str | None]:
        config = row["config"]
        ref = parse_dataset(row["dataset"])
        x, y, descriptor = self.datasets.load(ref.id, ref.options)
        x, y = prepare_arrays(x, y, descriptor)
        directory = run_dir(self.store, self.run_id)
        summary = dict(row.get("summary") or {})
        with self.lock:
            seed_everything(config["seed"])
            model = build_model(row["model"])
            plan = make_plan(model, x, y, descriptor, config)
            plan.compile(model, config)
            model.optimizer.build(model.trainable_variables)
            start_epoch, start_step, history, resumed = 0, 0, {}, None
            latest = checkpoints.latest_checkpoint(directory)
            if latest is not None:
                state = checkpoints.restore_checkpoint(latest, model)
                start_epoch, start_step = int(state.get("epoch", 0)), int(state.get("step", 0))
                history = state.get("history") or {}
                resumed = {"epoch": start_epoch, "step": start_step}
            seed_everything(config["seed"] + start_epoch)
            previous = lr_value(model.optimizer)
            pending = self.control.take_learning_rate()  # PATCHed while queued
            if pending is not None:
                model.optimizer.learning_rate = pending
            lr = lr_value(model.optimizer)
            summary.update(plan=plan.as_json(), learning_rate=lr)
            self.control.update(learning_rate=lr)
            data = RunData.split(x, y, config["validation_split"])
            cb = self.callback = StudioCallback(
                reporter=self.reporter, control=self.control, plan=plan, config=config, data=data,
                run_dir=directory, emit_hz=self.emit_hz, start_step=start_step, history=history,
                summary=summary, lock=self.lock)
            cb.epochs_done = start_epoch
            self.reporter.status("running", epoch=start_epoch, step=start_step, history=history, summary=summary,
                                 extra={"resumed_from": resumed} if resumed else None)
            if pending is not None:
                self.reporter.publish("learning_rate", {"learning_rate": lr, "previous": previous,
                                                        "epoch": start_epoch, "step": start_step})
            outcome: str | None = None
            with np.errstate(all="ignore"):
                try:
                    model.fit(x, y, batch_size=config["batch_size"], epochs=config["epochs"],
                              validation_split=config["validation_split"], shuffle=True, callbacks=[cb],
                              verbose=0, initial_epoch=start_epoch)
                except RunAborted as exc:
                    outcome = exc.outcome
            if cb.failure:
                return "failed", cb.failure
            outcome = outcome or cb.stopping
            if outcome == "stopped" and cb.epochs_done >= config["epochs"]:
                outcome = None  # the stop came with the very last batch: the run is complete
            if outcome in ("stopped", "interrupted"):
                cb.save_checkpoint()
                reason = "the server stopped while this run was training" if outcome == "interrupted" else None
                return outcome, reason
            cb.save_checkpoint()
            return "completed", None

    def _finish(self, status: str, reason: str | None, epoch: int, step: int, row: dict) -> None:
        summary = dict(row.get("summary") or {})
        fields: dict[str, Any] = {"finished_at": time.time()}
        cb = self.callback
        if cb is not None:
            summary = cb.summary
            if cb.last_logs:
                summary["final"] = cb.last_logs
            fields["history"] = cb.history
        summary["steps"] = step
        fields["summary"] = summary
        self.reporter.status(status, epoch=epoch, step=step, reason=reason, **fields)
        self.control.finish(status)
