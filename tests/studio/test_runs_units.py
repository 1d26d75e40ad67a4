"""The run machinery's parts on their own: config table, metric batching, the engine lock, control, budgets."""
from __future__ import annotations

import threading
import time

import jsonschema
import numpy as np
import pytest
from engine import keras

from studio.runs.control import RunAborted, RunControl
from studio.runs.engine_lock import FairRLock
from studio.runs.insights import BoundaryGrid, Budget
from studio.runs.runconfig import CONFIG_SCHEMA, OPTIMIZERS, ConfigError, check_learning_rate, validate_config
from studio.runs.stream import MetricStream, json_logs, json_number


def test_config_defaults_seed_and_schema_agree():
    config = validate_config({"epochs": 3})
    assert config["epochs"] == 3 and config["optimizer"] == "adam" and config["loss"] is None
    assert isinstance(config["seed"], int) and 0 <= config["seed"] < 2**31
    assert validate_config({"seed": 5})["seed"] == 5
    assert validate_config({"optimizer": "SGD"})["optimizer"] == "sgd"
    assert validate_config({}, base={"epochs": 7, "seed": 1}) == {**validate_config({"seed": 1}), "epochs": 7}
    jsonschema.validate(config, CONFIG_SCHEMA)
    for bad in ({"epochs": 0}, {"epochs": "1"}, {"learning_rate": 0}, {"validation_split": 0.95},
                {"metrics": [1]}, {"extra": 1}, {"optimizer": "ftrl"}, {"batch_size": True}):
        with pytest.raises(ConfigError):
            validate_config(bad)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, CONFIG_SCHEMA)
    with pytest.raises(ConfigError, match=r"^config\.epochs: must be at least 1, got 0$"):
        validate_config({"epochs": 0})
    with pytest.raises(ConfigError, match=r"config\.learning_rate: must be a finite number"):
        validate_config({"learning_rate": float("inf")})
    assert check_learning_rate(0.5) == 0.5
    with pytest.raises(ConfigError, match=r"^learning_rate: must be greater than 0"):
        check_learning_rate(-1)


def test_every_optimizer_name_builds_in_the_engine():
    for name in OPTIMIZERS:
        optimizer = keras.optimizers.get(name)
        optimizer.learning_rate = 0.25
        assert float(np.asarray(optimizer.learning_rate)) == 0.25


def test_metric_stream_batches_by_rate_and_loses_nothing():
    now = [0.0]
    sent: list[list] = []
    stream = MetricStream(sent.append, hz=10, clock=lambda: now[0])
    for step in range(1, 101):  # 100 steps over 1 s
        stream.add({"step": step})
        stream.flush()
        now[0] += 0.01
    stream.flush(force=True)
    assert [p["step"] for batch in sent for p in batch] == list(range(1, 101))
    assert len(sent) <= 11 and stream.events == len(sent)
    assert not stream.flush(force=True)  # nothing pending, nothing sent


def test_json_numbers():
    assert json_number(float("nan")) is None and json_number(float("inf")) is None
    assert json_number(np.float32(0.5)) == 0.5 and json_number(np.int64(3)) == 3 and json_number("x") is None
    assert json_logs({"loss": np.float32(np.nan), "acc": 1.0, "vec": np.ones(3)}) == {"loss": None, "acc": 1.0}


def test_fair_lock_is_reentrant_fifo_and_can_be_released_for_a_while():
    lock = FairRLock()
    order: list[int] = []
    with lock:
        with lock:
            assert lock.held()
        threads = []
        for i in range(3):
            t = threading.Thread(target=lambda i=i: (lock.acquire(), order.append(i), lock.release()))
            t.start()
            while len(lock._waiters) < i + 1:  # noqa: SLF001 - wait until each has queued
                time.sleep(0.001)
            threads.append(t)
        assert lock.contended()
        with lock.released():  # the waiters run, in arrival order, while we are out
            for t in threads:
                t.join(5)
        assert lock.held() and order == [0, 1, 2]
    assert not lock.held()
    with pytest.raises(RuntimeError):
        lock.release()


def test_control_gate_pauses_steps_and_stops():
    control = RunControl()
    control.update(status="running")
    batches: list[int] = []
    events: list[str] = []

    def on_pause() -> None:  # as the callback: announce a pause once, however often it settles
        if control.status != "paused":
            events.append("paused")
            control.update(status="paused")

    def train() -> None:
        try:
            for batch in range(1000):
                control.gate(on_pause, lambda: (events.append("running"), control.update(status="running")))
                batches.append(batch)
                time.sleep(0.001)
        except RunAborted as exc:
            events.append(exc.outcome)

    control.request_pause()
    thread = threading.Thread(target=train)
    thread.start()
    assert control.wait(lambda c: c.blocked, 5) and batches == []
    mark = control.request_steps(3)
    assert control.wait(lambda c: c._blocks > mark, 5) and len(batches) == 3  # noqa: SLF001
    control.request_resume()
    assert control.wait(lambda c: len(batches) > 10, 5)
    control.request_pause()
    assert control.wait(lambda c: c.blocked, 5)
    control.request_stop()
    thread.join(5)
    assert events == ["paused", "running", "paused", "stopped"]


def test_budget_and_boundary_grid():
    now = [0.0]
    budget = Budget(0.05, min_interval=0.25, clock=lambda: now[0])
    assert budget.due(1.0)
    budget.charge(0.1)
    now[0] = 1.0
    assert not budget.due(1.0) and budget.due(2.0)  # 0.1 s of work needs 2 s of training
    budget.charge(0.0)
    now[0] = 1.1
    assert not budget.due(100.0)  # and at most four times a second
    grid = BoundaryGrid(np.array([[0.0, -1.0], [10.0, 1.0]], dtype=np.float32), resolution=5)
    assert np.allclose(grid.lo, [-1.0, -1.2]) and np.allclose(grid.hi, [11.0, 1.2])
    assert grid.points.shape == (25, 2) and np.allclose(grid.points[:5, 1], -1.2)  # row 0 is the lowest y
