"""The run manager: creates runs, queues them FIFO, trains at most N at once, and steers them.

``max_concurrent_runs`` worker threads take queued runs in order; each
trains through :class:`~studio.runs.runner.Trainer`. Runs share the engine
batch by batch (see :mod:`studio.runs.engine_lock`). Control requests (pause,
resume, step, stop, learning rate) go to the run's
:class:`~studio.runs.control.RunControl`; the call returns once the training
thread has acted on it (or after ``wait_timeout`` seconds). Runs never depend
on a socket: they go on when every browser has left.

The methods raise :class:`~studio.errors.ApiError` (400/404/409) for the API
to answer as JSON.
"""
from __future__ import annotations

import logging
import shutil
import threading
from collections import deque
from typing import Any

from ..datasets import DatasetRegistry
from ..errors import ApiError, bad_request, conflict, not_found
from ..events import EventHub
from ..store import FINAL_STATUSES, LIVE_STATUSES, Store
from . import checkpoints
from .control import RunControl
from .forking import copy_checkpoint
from .reporter import RunReporter
from .runconfig import FIELDS, ConfigError, check_learning_rate, check_value
from .runner import Trainer
from .validate import prepare_run

log = logging.getLogger("tapestudio.runs")

#: Keys a ``POST /api/runs`` body may have.
CREATE_KEYS = ("model", "dataset", "config", "project_id", "name")
MAX_NAME = 200
MAX_STEPS = 100_000
_EPOCHS_FIELD = next(f for f in FIELDS if f.name == "epochs")


def _unknown_keys(body: dict, allowed: tuple[str, ...], where: str = "") -> None:
    extra = sorted(set(body) - set(allowed))
    if extra:
        bad_request(f"{where}{extra[0]}: unknown field; allowed: {', '.join(allowed)}",
                    {"field": f"{where}{extra[0]}"})


def _name(value: Any, field: str = "name") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NAME:
        bad_request(f"{field} must be a non-empty string of at most {MAX_NAME} characters", {"field": field})
    return value.strip()


class RunManager:
    """Queue, train and control runs (one per app)."""

    def __init__(self, store: Store, hub: EventHub, datasets: DatasetRegistry, config: Any) -> None:
        self.store, self.hub, self.datasets, self.config = store, hub, datasets, config
        self.wait_timeout = 10.0
        self._cond = threading.Condition()
        self._queue: deque[str] = deque()
        self._live: dict[str, RunControl] = {}
        self._workers: list[threading.Thread] = []
        self._closing = False

    # -- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        """Start ``max_concurrent_runs`` worker threads (and log runs the last process left live)."""
        self._announce_interrupted()
        with self._cond:
            if self._workers:
                return
            self._closing = False
            for i in range(int(self.config.max_concurrent_runs)):
                worker = threading.Thread(target=self._work, name=f"tapestudio-run-{i}", daemon=True)
                self._workers.append(worker)
                worker.start()

    def shutdown(self, timeout: float = 10.0) -> None:
        """Stop: queued runs and live ones (after their current batch) end ``interrupted``."""
        with self._cond:
            self._closing = True
            queued = list(self._queue)
            self._queue.clear()
            for control in self._live.values():
                control.request_stop("interrupted")
            self._cond.notify_all()
        for run_id in queued:
            self._finish_unstarted(run_id, "interrupted", "the server stopped before this run started")
        for worker in self._workers:
            worker.join(timeout)
            if worker.is_alive():
                log.warning("run worker %s did not stop within %.0f s", worker.name, timeout)
        self._workers = []

    def _announce_interrupted(self) -> None:
        """Publish the ``interrupted`` status of runs a killed process left live (the store marked them)."""
        for row in self.store.list_runs():
            if row["status"] != "interrupted":
                continue
            statuses = self.store.events_since(row["id"], 0, types=("status",))
            if statuses and statuses[-1]["payload"].get("status") != "interrupted":
                RunReporter(row["id"], self.store, self.hub).status(
                    "interrupted", epoch=row["epoch"], step=row["step"], reason=row.get("reason"))

    def resume_interrupted(self, run_id: str) -> dict | None:
        """Queue an interrupted run again from its latest checkpoint (None, logged, if it cannot be)."""
        try:
            return self.continue_run(run_id, {})
        except ApiError as exc:
            log.warning("cannot resume run %s: %s", run_id, exc.message)
            return None

    def wait_finished(self, run_id: str, timeout: float | None = None) -> dict:
        """Block until the run is no longer live (or ``timeout`` seconds); its JSON (for headless use)."""
        with self._cond:
            self._cond.wait_for(lambda: run_id not in self._live, timeout)
        return self.get(run_id)

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                run_id = self._queue.popleft()
                control = self._live[run_id]
            try:
                Trainer(run_id, store=self.store, hub=self.hub, datasets=self.datasets, control=control,
                        emit_hz=self.config.emit_hz).run()
            except Exception:  # noqa: BLE001 - the trainer reports its own failures; this is a bug
                log.exception("run worker failed on run %s", run_id)
                control.finish("failed")
            finally:
                with self._cond:
                    self._live.pop(run_id, None)
                    self._cond.notify_all()

    def _enqueue(self, run_id: str, epoch: int = 0, step: int = 0) -> None:
        control = RunControl()
        control.update(epoch=epoch, step=step)
        with self._cond:
            self._live[run_id] = control
        RunReporter(run_id, self.store, self.hub, control).status("queued", epoch=epoch, step=step,
                                                                   finished_at=None)
        with self._cond:
            self._queue.append(run_id)
            self._cond.notify_all()

    def _finish_unstarted(self, run_id: str, status: str, reason: str | None) -> None:
        with self._cond:
            control = self._live.pop(run_id, None)
            self._cond.notify_all()
        row = self.store.get_run(run_id)
        if row is None:
            return
        RunReporter(run_id, self.store, self.hub, control).status(
            status, epoch=row["epoch"], step=row["step"], reason=reason, finished_at=RunReporter.now())
        if control is not None:
            control.finish(status)

    # -- views --------------------------------------------------------------------------
    def _row(self, run_id: str) -> dict:
        row = self.store.get_run(run_id) if isinstance(run_id, str) else None
        if row is None:
            not_found("run", run_id)
        return row

    def describe(self, row: dict, full: bool = True) -> dict:
        """The API's JSON for a run row (with live progress overlaid)."""
        config = row.get("config") or {}
        summary = row.get("summary") or {}
        out: dict[str, Any] = {
            "id": row["id"], "name": row["name"], "project_id": row.get("project_id"),
            "parent_id": row.get("parent_id"), "status": row["status"], "reason": row.get("reason"),
            "epoch": row["epoch"], "step": row["step"], "epochs": config.get("epochs"),
            "learning_rate": summary.get("learning_rate", config.get("learning_rate")),
            "history": row.get("history") or {}, "config": config, "dataset": row.get("dataset"),
            "summary": summary, "created_at": row["created_at"], "started_at": row.get("started_at"),
            "finished_at": row.get("finished_at"), "live": False, "queue_position": None,
        }
        with self._cond:
            control = self._live.get(row["id"])
            if control is not None and row["id"] in self._queue:
                out["queue_position"] = list(self._queue).index(row["id"]) + 1
        if control is not None and row["status"] in LIVE_STATUSES:
            out["live"] = True
            out["epoch"], out["step"] = control.epoch, control.step
            out["paused"] = control.pause_requested
            lr = control.pending_learning_rate or control.learning_rate
            if lr is not None:
                out["learning_rate"] = lr
        if full:
            out["model"] = row.get("model")
            out["checkpoints"] = self.checkpoint_epochs(row["id"])
        return out

    def checkpoint_epochs(self, run_id: str) -> list[int]:
        """Epochs the run has checkpoints for."""
        directory = self.store.data_dir / "runs" / run_id
        return [int(p.name.split("-", 1)[1]) for p in checkpoints.list_checkpoints(directory)
                if p.name.split("-", 1)[1].isdigit()]  # named epoch-NNNN by checkpoints.save_checkpoint

    def get(self, run_id: str) -> dict:
        """One run (404 if unknown)."""
        return self.describe(self._row(run_id))

    def list(self, project_id: str | None = None) -> list[dict]:
        """Every run (of a project), newest first, without model documents."""
        return [self.describe(row, full=False) for row in self.store.list_runs(project_id)]

    def events(self, run_id: str, since: int = 0, limit: int | None = None) -> dict:
        """The stored event log after ``since``, as the socket sent it."""
        self._row(run_id)
        items = [{"event": e["type"],
                  "message": {"run": run_id, "seq": e["seq"], "ts": e["created_at"], **e["payload"]}}
                 for e in self.store.events_since(run_id, since, limit=limit)]
        return {"run": run_id, "since": since, "events": items, "last_seq": self.store.last_seq(run_id)}

    # -- create / continue / fork / delete ----------------------------------------------------
    def create(self, body: dict) -> dict:
        """Validate and queue a new run (``POST /api/runs``)."""
        _unknown_keys(body, CREATE_KEYS)
        for key in ("model", "dataset"):
            if key not in body:
                bad_request(f"{key} is required", {"field": key})
        name = _name(body.get("name"))
        project_id = body.get("project_id")
        if project_id is not None and (not isinstance(project_id, str) or self.store.get_project(project_id) is None):
            bad_request(f"project_id: no project with id {project_id!r}", {"field": "project_id"})
        ref, config, plan = prepare_run(self.datasets, body["model"], body["dataset"], body.get("config"))
        row = self.store.create_run(model=body["model"], dataset=ref.as_json(), config=config, name=name,
                                    project_id=project_id)
        self.store.update_run(row["id"], summary={"plan": plan})
        self._enqueue(row["id"])
        return self.get(row["id"])

    def continue_run(self, run_id: str, body: dict | None = None) -> dict:
        """Queue a stopped/interrupted run again from its latest checkpoint (same id)."""
        body = body or {}
        _unknown_keys(body, ("epochs",))
        row = self._row(run_id)
        status, config = row["status"], dict(row["config"])
        if "epochs" in body:
            try:
                config["epochs"] = check_value(_EPOCHS_FIELD, body["epochs"], prefix="")
            except ConfigError as exc:
                bad_request(f"epochs: {exc.message.split(': ', 1)[1]}", {"field": "epochs"})
        with self._cond:
            if run_id in self._live:
                conflict(f"run {run_id!r} is {status}; only a finished run can continue", {"status": status})
            directory = self.store.artifact_dir("runs", run_id)
            latest = checkpoints.latest_checkpoint(directory)
            state = checkpoints.read_state(latest) if latest is not None else {"epoch": 0, "step": 0, "history": {}}
            if status == "completed" and config["epochs"] <= state["epoch"]:
                conflict(f"run {run_id!r} is completed; continue it with more \"epochs\" than {state['epoch']}",
                         {"status": status})
            if status not in ("stopped", "interrupted", "completed"):
                conflict(f"run {run_id!r} is {status}; only a stopped or interrupted run can continue"
                         + (" (fork it from a checkpoint instead)" if status == "failed" else ""),
                         {"status": status})
            if config["epochs"] < state["epoch"]:
                bad_request(f"epochs must be at least the checkpoint's epoch {state['epoch']}", {"field": "epochs"})
            self.store.update_run(run_id, config=config, reason=None, epoch=int(state["epoch"]),
                                  step=int(state["step"]), history=state.get("history") or {})
            self._live[run_id] = RunControl()  # reserve: a second continue now answers 409
        self._enqueue(run_id, int(state["epoch"]), int(state["step"]))
        return self.get(run_id)

    def fork(self, run_id: str, body: dict | None = None) -> dict:
        """A new run (``parent_id``) from one of this run's checkpoints, optionally with changed config."""
        body = body or {}
        _unknown_keys(body, ("epoch", "config", "name"))
        parent = self._row(run_id)
        name = _name(body.get("name")) or f"{parent['name']} (fork)"[:MAX_NAME]
        found = checkpoints.list_checkpoints(self.store.data_dir / "runs" / run_id)
        if not found:
            conflict(f"run {run_id!r} has no checkpoint yet; forks start from a checkpoint", {"checkpoints": []})
        by_epoch = {int(p.name.split("-", 1)[1]): p for p in found if p.name.split("-", 1)[1].isdigit()}
        epoch = body.get("epoch")
        if epoch is None:
            source = checkpoints.latest_checkpoint(self.store.data_dir / "runs" / run_id) or found[-1]
        else:
            if isinstance(epoch, bool) or not isinstance(epoch, int):
                bad_request("epoch must be an integer", {"field": "epoch"})
            if epoch not in by_epoch:
                bad_request(f"epoch: run {run_id!r} has no checkpoint at epoch {epoch}; it has "
                            f"{sorted(by_epoch) or 'none'}", {"field": "epoch", "checkpoints": sorted(by_epoch)})
            source = by_epoch[epoch]
        try:
            state = checkpoints.read_state(source)
        except (OSError, ValueError):  # replaced by a newer one of a live run just now
            conflict(f"run {run_id!r}'s checkpoint changed while reading it; try again")
        raw = body.get("config")
        ref, config, plan = prepare_run(self.datasets, parent["model"], parent["dataset"], raw, base=parent["config"])
        if config["epochs"] <= int(state["epoch"]):
            bad_request(f"config.epochs must be greater than the checkpoint's epoch {state['epoch']}",
                        {"field": "config.epochs"})
        row = self.store.create_run(model=parent["model"], dataset=ref.as_json(), config=config, name=name,
                                    project_id=parent.get("project_id"), parent_id=run_id)
        new_id = row["id"]
        raw = raw if isinstance(raw, dict) else {}
        try:
            copy_checkpoint(source, self.store.artifact_dir("runs", new_id),
                            learning_rate=config["learning_rate"] if "learning_rate" in raw else None,
                            fresh_optimizer=config["optimizer"] != parent["config"].get("optimizer"))
        except (OSError, ValueError):
            self.store.delete_run(new_id)
            shutil.rmtree(self.store.data_dir / "runs" / new_id, ignore_errors=True)
            conflict(f"run {run_id!r}'s checkpoint changed while copying it; try again")
        summary = {"plan": plan, "forked_from": {"run": run_id, "epoch": int(state["epoch"]),
                                                 "step": int(state.get("step", 0))}}
        self.store.update_run(new_id, epoch=int(state["epoch"]), step=int(state.get("step", 0)),
                              history=state.get("history") or {}, summary=summary)
        self._enqueue(new_id, int(state["epoch"]), int(state.get("step", 0)))
        return self.get(new_id)

    def delete(self, run_id: str) -> dict:
        """Delete a finished run, its events and artifacts (409 while live)."""
        row = self._row(run_id)
        with self._cond:
            if run_id in self._live or row["status"] in LIVE_STATUSES:
                conflict(f"run {run_id!r} is {row['status']}; stop it before deleting it", {"status": row["status"]})
            self.store.delete_run(run_id)
        shutil.rmtree(self.store.data_dir / "runs" / run_id, ignore_errors=True)
        return {"id": run_id, "deleted": True}

    # -- control --------------------------------------------------------------------------
    def _control(self, run_id: str, action: str) -> tuple[dict, RunControl]:
        row = self._row(run_id)
        with self._cond:
            control = self._live.get(run_id)
        if control is None or control.finished or row["status"] in FINAL_STATUSES:
            conflict(f"cannot {action} run {run_id!r}: it is {row['status']}", {"status": row["status"]})
        return row, control

    def pause(self, run_id: str) -> dict:
        """Pause before the next batch; returns once paused."""
        _, control = self._control(run_id, "pause")
        if control.pause_requested:
            conflict(f"run {run_id!r} is already paused", {"status": control.status})
        control.request_pause()
        if control.status == "running":
            control.wait(lambda c: c.blocked, self.wait_timeout)
        return self.get(run_id)

    def resume(self, run_id: str) -> dict:
        """Resume a paused run; returns once it trains again."""
        _, control = self._control(run_id, "resume")
        if not control.pause_requested:
            conflict(f"run {run_id!r} is not paused", {"status": control.status})
        control.request_resume()
        control.wait(lambda c: c.status != "paused", self.wait_timeout)
        return self.get(run_id)

    def step(self, run_id: str, steps: int = 1) -> dict:
        """Train exactly ``steps`` batches of a paused run, then pause again; returns once done."""
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS:
            bad_request(f"steps must be an integer from 1 to {MAX_STEPS}", {"field": "steps"})
        _, control = self._control(run_id, "step")
        if not control.pause_requested:
            conflict(f"run {run_id!r} is not paused; pause it before stepping", {"status": control.status})
        mark = control.request_steps(steps)
        if control.status == "paused":
            control.wait(lambda c: c._blocks > mark, self.wait_timeout)  # noqa: SLF001 - same package
        return self.get(run_id)

    def stop(self, run_id: str) -> dict:
        """Stop after the current batch (a queued run stops at once); returns once stopped."""
        row, control = self._control(run_id, "stop")
        with self._cond:
            queued = run_id in self._queue
            if queued:
                self._queue.remove(run_id)
        if queued:
            self._finish_unstarted(run_id, "stopped", None)
        else:
            control.request_stop("stopped")
            control.wait(lambda c: c.finished, self.wait_timeout)
        return self.get(run_id)

    def update(self, run_id: str, body: dict) -> dict:
        """``PATCH``: a new learning rate (live runs, from the next batch) and/or a new name."""
        _unknown_keys(body, ("learning_rate", "name"))
        if not body:
            bad_request("nothing to change: give \"learning_rate\" and/or \"name\"")
        row = self._row(run_id)
        lr = None
        if "learning_rate" in body:
            try:
                lr = check_learning_rate(body["learning_rate"])
            except ConfigError as exc:
                bad_request(exc.message, {"field": exc.field})
        name = _name(body["name"]) if "name" in body else None
        if lr is not None:
            _, control = self._control(run_id, "change the learning rate of")
            control.request_learning_rate(lr)
        if name is not None:
            self.store.update_run(row["id"], name=name)
        return self.get(run_id)
