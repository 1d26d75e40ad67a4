"""``StudioCallback``: the Keras callback through which a run is watched and steered.

It rides on the engine's real ``fit``:

- ``on_train_batch_begin``: the release window. The engine lock is let go
  (other runs train a batch), buffered points are flushed when the rate
  allows, and :meth:`RunControl.gate` pauses, single-steps or stops the run.
  Back under the lock, a pending learning rate is applied to the optimizer.
- ``on_train_batch_end``: the step's point is buffered; a NaN/Inf loss or a
  stop request sets ``model.stop_training`` (the run ends after this batch).
- ``on_epoch_end``: history, the ``epoch`` event, and, within their time
  budgets, the boundary/confusion/norms events and a checkpoint.

Counting: ``step`` is the 1-based number of batches trained so far (over all
epochs), ``epoch`` the number of finished epochs (points carry the 1-based
epoch they belong to), ``batch`` Keras's 0-based index within the epoch, ``time``
the wall-clock time (Unix seconds) the batch ended.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from engine import keras

from . import checkpoints
from .control import RunControl
from .engine_lock import ENGINE_LOCK, FairRLock
from .insights import PROBE_SAMPLES, BoundaryGrid, Budget, confusion, layer_norms
from .plan import TrainingPlan
from .reporter import RunReporter
from .stream import MetricStream, json_float, json_logs

#: Share of training CPU time the epoch-end views and checkpoints may each take.
INSIGHTS_FRACTION = 0.01
CHECKPOINT_FRACTION = 0.01
#: The epoch-end views are sent at most this often (seconds); they are large.
INSIGHTS_MIN_INTERVAL = 0.5


def epoch_seed(seed: int, epoch: int) -> int:
    """The numpy seed of an epoch's shuffle: the same for an epoch whether resumed or not."""
    return (int(seed) * 1_000_003 + int(epoch) * 7_919) % (2**32)


def lr_value(optimizer: Any) -> float | None:
    """The optimizer's current learning rate as a short float (7 significant digits)."""
    try:
        value = float(np.asarray(optimizer.learning_rate))
    except (TypeError, ValueError):
        return None
    return float(f"{value:.7g}") if math.isfinite(value) else None


@dataclass
class RunData:
    """The arrays one run sees: training part, validation part (or None) and the 2-D grid."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray | None
    y_val: np.ndarray | None
    grid: BoundaryGrid | None

    @classmethod
    def split(cls, x: np.ndarray, y: np.ndarray, validation_split: float) -> "RunData":
        """Split as Keras's ``validation_split`` does (the last samples, before shuffling)."""
        cut = int(math.floor(len(x) * (1.0 - validation_split))) if validation_split else len(x)
        x_val, y_val = (x[cut:], y[cut:]) if cut < len(x) else (None, None)
        grid = BoundaryGrid(x) if x.ndim == 2 and x.shape[1] == 2 else None
        return cls(x[:cut], y[:cut], x_val, y_val, grid)


class StudioCallback(keras.callbacks.Callback):
    """Streams a run's progress and applies its controls at batch boundaries."""

    def __init__(self, *, reporter: RunReporter, control: RunControl, plan: TrainingPlan, config: dict,
                 data: RunData, run_dir: Path, emit_hz: float, start_step: int = 0,
                 history: dict | None = None, summary: dict | None = None,
                 lock: FairRLock = ENGINE_LOCK) -> None:
        super().__init__()
        self.reporter = reporter
        self.control = control
        self.plan = plan
        self.config = config
        self.data = data
        self.run_dir = Path(run_dir)
        self.lock = lock
        self.stream = MetricStream(lambda points: reporter.publish("metrics", {"points": points}), emit_hz)
        self.step = int(start_step)
        self.epochs_done = 0
        self.history: dict = {k: list(v) for k, v in (history or {}).items()}
        self.summary = summary if summary is not None else {}
        self.failure: str | None = None
        self.stopping: str | None = None
        self.last_logs: dict = {}
        self.checkpoint_step: int | None = None
        self._epoch = 0
        self._batches = 0
        self._cpu0 = 0.0
        self._insights = Budget(INSIGHTS_FRACTION, INSIGHTS_MIN_INTERVAL)
        self._checkpoints = Budget(CHECKPOINT_FRACTION)
        n = min(len(data.x_train), int(config.get("batch_size") or 32), PROBE_SAMPLES)
        self._probe = (data.x_train[:n], data.y_train[:n])

    # -- helpers ------------------------------------------------------------------------
    def _training_cpu(self) -> float:
        return time.thread_time() - self._cpu0 - self._insights.spent - self._checkpoints.spent

    def _paused(self) -> None:
        self.stream.flush(force=True)
        if self.control.status != "paused":
            self.reporter.status("paused", epoch=self.epochs_done, step=self.step)
        else:
            self.reporter.progress(epoch=self.epochs_done, step=self.step)

    def _resumed(self) -> None:
        self.reporter.status("running", epoch=self.epochs_done, step=self.step)

    def _apply_learning_rate(self, value: float) -> None:
        optimizer = self.model.optimizer
        previous = lr_value(optimizer)
        optimizer.learning_rate = value
        current = lr_value(optimizer)
        self.control.update(learning_rate=current)
        self.summary["learning_rate"] = current
        self.reporter.progress(summary=self.summary)
        self.reporter.publish("learning_rate", {"learning_rate": current, "previous": previous,
                                                "epoch": self.epochs_done, "step": self.step})

    def save_checkpoint(self) -> None:
        """Write a checkpoint of the current state (skipped if this step is saved already)."""
        if self.checkpoint_step == self.step:
            return
        start = time.thread_time()
        checkpoints.save_checkpoint(self.run_dir, self.model, self.epochs_done, self.step, self.history,
                                    extra={"seed": self.config.get("seed")})
        self._checkpoints.charge(time.thread_time() - start)
        self.checkpoint_step = self.step

    def _publish_insights(self, epoch: int) -> None:
        start = time.thread_time()
        model, data, plan = self.model, self.data, self.plan
        if data.grid is not None:
            self.reporter.publish("boundary", {"epoch": epoch, **data.grid.payload(model, plan)})
        if plan.task == "classification":
            on_val = data.x_val is not None and len(data.x_val) > 0
            x, y = (data.x_val, data.y_val) if on_val else (data.x_train, data.y_train)
            self.reporter.publish("confusion", {"epoch": epoch, **confusion(model, plan, x, y,
                                                                            "validation" if on_val else "training")})
        self.reporter.publish("norms", {"epoch": epoch, **layer_norms(model, *self._probe)})
        self._insights.charge(time.thread_time() - start)

    # -- Keras hooks ----------------------------------------------------------------------
    def on_train_begin(self, logs: dict | None = None) -> None:
        self._cpu0 = time.thread_time()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch, self._batches = int(epoch), 0
        self.epochs_done = int(epoch)
        np.random.seed(epoch_seed(self.config.get("seed") or 0, epoch))  # fit's shuffle draws right after

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        control = self.control
        if control.pause_requested or control.stop_requested or self.lock.contended():
            with self.lock.released():  # other runs train, or this one waits at a pause
                self.stream.flush()
                control.gate(self._paused, self._resumed)
        else:  # nobody else waits for the engine and nothing to act on: the fast path
            self.stream.flush()
        if control.pending_learning_rate is not None:
            value = control.take_learning_rate()
            if value is not None:
                self._apply_learning_rate(value)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self.step += 1
        self._batches += 1
        values = json_logs(logs)
        self.stream.add({"step": self.step, "epoch": self._epoch + 1, "batch": int(batch),
                         "time": round(time.time(), 4), **values})
        self.control.step = self.step  # read by the API; waiters need no wake-up for it
        if values.get("loss") is None:  # NaN, Inf or missing: JSON null
            raw = json_float((logs or {}).get("loss"))
            kind = "inf" if raw is not None and math.isinf(raw) else "nan"
            self.failure = (f"the loss became {kind} at step {self.step} (epoch {self._epoch + 1}, batch {batch}); "
                            f"try a lower learning rate")
            self.model.stop_training = True
        elif self.control.stop_requested:
            self.stopping = self.control.stop_requested
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        complete = self._batches >= int(self.params.get("steps") or 0)
        if self.failure or (self.stopping and not complete):
            return  # a partial epoch: not part of the history
        self.epochs_done = done = int(epoch) + 1
        values = json_logs(logs)
        self.last_logs = values
        for key, value in values.items():
            self.history.setdefault(key, []).append(value)
        self.stream.flush()
        self.reporter.publish("epoch", {"epoch": done, "logs": values, "step": self.step,
                                        "learning_rate": lr_value(self.model.optimizer)})
        final = done >= int(self.params.get("epochs") or done)
        cpu = self._training_cpu()
        if final or self._insights.due(cpu):
            self._publish_insights(done)
        if final or self.stopping or self._checkpoints.due(cpu):
            self.save_checkpoint()
        self.reporter.progress(epoch=done, step=self.step, history=self.history)
        self.control.update(epoch=done)

