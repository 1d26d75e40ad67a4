"""Helpers for the run tests: model documents, run requests, waiting on a run, socket watchers."""
from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path
from typing import Any, Iterator

from engine import keras

_spec = importlib.util.spec_from_file_location("_studio_conftest_for_runs", Path(__file__).with_name("conftest.py"))
_conftest = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _conftest  # dataclasses look their module up there
_spec.loader.exec_module(_conftest)  # type: ignore[union-attr]

SPIRAL = {"id": "spiral", "options": {"num_samples": 400, "seed": 1}}
#: A config under which the spiral MLP reaches >= 90 % validation accuracy in ~15 epochs.
SPIRAL_CONFIG = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16, "validation_split": 0.2, "seed": 3}
FINAL = ("completed", "stopped", "failed", "interrupted")


def mlp(inputs: int = 2, units: int = 32, layers: int = 3, outputs: int = 1, activation: str = "relu",
        output_activation: str = "sigmoid") -> dict:
    """A Sequential MLP as the model document (Keras-2 topology) the studio takes."""
    stack: list = [keras.Input((inputs,), name="points")]
    stack += [keras.layers.Dense(units, activation=activation, name=f"hidden{i}") for i in range(layers)]
    stack.append(keras.layers.Dense(outputs, activation=output_activation, name="out"))
    return json.loads(keras.Sequential(stack, name="mlp").to_json())


def run_body(model: dict | None = None, dataset: Any = None, **config: Any) -> dict:
    """A ``POST /api/runs`` body for the spiral MLP, with ``config`` over :data:`SPIRAL_CONFIG`."""
    return {"model": model or mlp(), "dataset": dataset or SPIRAL, "config": {**SPIRAL_CONFIG, **config}}


def start_run(studio: Any, **config: Any) -> dict:
    """Create a spiral run (201) and return its JSON."""
    response = studio.post("/api/runs", json=run_body(**config))
    assert response.status_code == 201, response.text
    return response.json()


def wait_run(studio: Any, run_id: str, predicate: Any, timeout: float = 60.0) -> dict:
    """Poll ``GET /api/runs/{id}`` until ``predicate(run)``; the run JSON."""
    deadline = time.monotonic() + timeout
    while True:
        run = studio.get(f"/api/runs/{run_id}").json()
        if predicate(run):
            return run
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting on run {run_id}: {run['status']} epoch {run['epoch']} "
                                 f"step {run['step']} reason {run.get('reason')}")
        time.sleep(0.05)


def wait_final(studio: Any, run_id: str, timeout: float = 60.0) -> dict:
    """Wait until the run has ended; its JSON."""
    return wait_run(studio, run_id, lambda r: r["status"] in FINAL, timeout)


def watch(studio: Any, run_id: str, since: int = 0,
          events: tuple[str, ...] = ("metrics", "epoch", "status", "boundary", "confusion", "norms",
                                     "learning_rate")) -> tuple[Any, Any]:
    """A socket client subscribed to one run: ``(client, log)``."""
    client, log = studio.socket(events=events)
    answer = client.call("subscribe", {"run": run_id, "since": since}, timeout=10)
    assert answer.get("ok"), answer
    return client, log


def by_seq(log: Any, run_id: str | None = None) -> list[tuple[str, dict]]:
    """A socket log's events in seq order (handlers may run out of order)."""
    with log._cond:  # noqa: SLF001 - the conftest's EventLog
        items = list(log.items)
    return sorted(((e, m) for e, m in items if run_id is None or m.get("run") == run_id), key=lambda em: em[1]["seq"])


def points(events: list[tuple[str, dict]]) -> list[dict]:
    """Every metric point in ``events``, in order."""
    return [p for e, m in events if e == "metrics" for p in m["points"]]


def stored_events(studio: Any, run_id: str) -> list[tuple[str, dict]]:
    """The run's stored event log, via the API."""
    body = studio.get(f"/api/runs/{run_id}/events", params={"since": 0}).json()
    return [(item["event"], item["message"]) for item in body["events"]]


def module_studio(data_dir: Path, **config: Any) -> Iterator[Any]:
    """A studio shared by a test module (conftest's fixtures are per test); use in a fixture."""
    server = _conftest.LiveStudio(data_dir=data_dir, config=config).start()
    try:
        yield server
    finally:
        server.stop()
