"""Batch-granular control: pause / step / resume / stop, learning rate changes, NaN, the queue."""
from __future__ import annotations

import json
import time

from runs_support import by_seq, mlp, points, run_body, start_run, wait_final, wait_run, watch


def _max_point_step(log, run_id):
    return max((p["step"] for p in points(by_seq(log, run_id))), default=0)


def test_pause_step_resume_stop_at_batch_granularity(studio):
    run = start_run(studio, epochs=1000)
    rid = run["id"]
    _, log = watch(studio, rid)
    wait_run(studio, rid, lambda r: r["step"] >= 5)

    paused = studio.post(f"/api/runs/{rid}/pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    s1 = paused.json()["step"]
    log.wait_for(lambda: _max_point_step(log, rid) == s1)  # points are flushed when the run pauses
    time.sleep(0.3)
    assert studio.get(f"/api/runs/{rid}").json()["step"] == s1  # the step counter stands still
    assert _max_point_step(log, rid) == s1
    assert studio.post(f"/api/runs/{rid}/pause").status_code == 409

    one = studio.post(f"/api/runs/{rid}/step").json()
    assert (one["status"], one["step"]) == ("paused", s1 + 1)
    five = studio.post(f"/api/runs/{rid}/step", json={"steps": 5}).json()
    assert (five["status"], five["step"]) == ("paused", s1 + 6)
    log.wait_for(lambda: _max_point_step(log, rid) == s1 + 6)
    time.sleep(0.2)
    assert studio.get(f"/api/runs/{rid}").json()["step"] == s1 + 6
    for bad in ({"steps": 0}, {"steps": "2"}, {"steps": 1.5}, {"stepz": 1}):
        response = studio.post(f"/api/runs/{rid}/step", json=bad)
        assert response.status_code == 400 and "step" in response.json()["error"], bad

    resumed = studio.post(f"/api/runs/{rid}/resume").json()
    assert resumed["status"] == "running"
    wait_run(studio, rid, lambda r: r["step"] >= s1 + 10)
    assert studio.post(f"/api/runs/{rid}/step").status_code == 409  # stepping needs a paused run
    assert studio.post(f"/api/runs/{rid}/resume").status_code == 409

    stopped = studio.post(f"/api/runs/{rid}/stop").json()
    assert stopped["status"] == "stopped" and stopped["reason"] is None
    final_step = stopped["step"]
    log.wait_for(lambda: any(m["status"] == "stopped" for m in log.of("status")))
    time.sleep(0.2)
    after = studio.get(f"/api/runs/{rid}").json()
    assert after["step"] == final_step and after["finished_at"] is not None
    assert _max_point_step(log, rid) == final_step
    steps = [p["step"] for p in points(by_seq(log, rid))]
    assert steps == list(range(1, final_step + 1))
    assert [m["status"] for m in log.of("status")] == ["queued", "running", "paused", "running", "stopped"]
    assert after["checkpoints"]  # the stop wrote one
    for action in ("pause", "resume", "step", "stop"):
        response = studio.post(f"/api/runs/{rid}/{action}")
        assert response.status_code == 409 and "stopped" in response.json()["error"], action


def test_learning_rate_patch_takes_effect_before_the_next_batch(studio):
    run = start_run(studio, epochs=1000)
    rid = run["id"]
    _, log = watch(studio, rid)
    wait_run(studio, rid, lambda r: r["step"] >= 3)
    response = studio.patch(f"/api/runs/{rid}", json={"learning_rate": 0.5})
    assert response.status_code == 200 and response.json()["learning_rate"] == 0.5
    log.wait_for(lambda: log.of("learning_rate"))
    change = log.of("learning_rate")[0]
    assert (change["learning_rate"], change["previous"]) == (0.5, 0.01)  # read back from the optimizer
    log.wait_for(lambda: any(m["learning_rate"] == 0.5 for m in log.of("epoch")))
    assert studio.get(f"/api/runs/{rid}").json()["learning_rate"] == 0.5

    for bad in (0, -1, "fast", True, None, 1e7, [0.1]):
        response = studio.patch(f"/api/runs/{rid}", json={"learning_rate": bad})
        assert response.status_code == 400 and "learning_rate" in response.json()["error"], bad
    response = studio.patch(f"/api/runs/{rid}", data='{"learning_rate": NaN}')
    assert response.status_code == 400 and "finite" in response.json()["error"]
    assert studio.patch(f"/api/runs/{rid}", json={}).status_code == 400
    assert "bogus" in studio.patch(f"/api/runs/{rid}", json={"bogus": 1}).json()["error"]

    stopped = studio.post(f"/api/runs/{rid}/stop").json()
    assert stopped["status"] == "stopped" and stopped["learning_rate"] == 0.5
    latest = studio.services.store.data_dir / "runs" / rid / "checkpoints"
    state = json.loads((latest / (latest / "LATEST").read_text() / "state.json").read_text())
    assert abs(state["learning_rate"] - 0.5) < 1e-7  # the optimizer's own variable, checkpointed
    assert studio.patch(f"/api/runs/{rid}", json={"learning_rate": 0.1}).status_code == 409
    renamed = studio.patch(f"/api/runs/{rid}", json={"name": "fast lr"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "fast lr"


def test_nan_loss_fails_the_run_with_a_reason(studio):
    body = run_body(mlp(units=8, layers=1, output_activation="linear"),
                    dataset={"id": "reg_plane", "options": {"num_samples": 200, "seed": 2}},
                    optimizer="sgd", learning_rate=1e5, epochs=50)
    run = studio.post("/api/runs", json=body).json()
    _, log = watch(studio, run["id"])
    done = wait_final(studio, run["id"])
    assert done["status"] == "failed"
    assert "loss became" in done["reason"] and "step" in done["reason"] and done["reason"].count("\n") == 0
    assert ("nan" in done["reason"]) or ("inf" in done["reason"])
    assert done["epoch"] < 50 and all(len(v) == done["epoch"] for v in done["history"].values())
    log.wait_for(lambda: any(m["status"] == "failed" for m in log.of("status")))
    assert log.of("status")[-1]["reason"] == done["reason"]
    nan_points = [p for p in points(by_seq(log, run["id"])) if p["loss"] is None]
    assert nan_points and nan_points[0]["step"] == done["step"]  # NaN is null in JSON; the run ends there
    assert studio.post(f"/api/runs/{run['id']}/continue").status_code == 409


def test_queue_is_fifo_and_queued_runs_can_be_stopped_or_paused(studio_factory):
    studio = studio_factory(max_concurrent_runs=1)
    first = start_run(studio, epochs=1000)
    wait_run(studio, first["id"], lambda r: r["status"] == "running")
    second, third = start_run(studio, epochs=2), start_run(studio, epochs=2)
    assert studio.get(f"/api/runs/{second['id']}").json()["queue_position"] == 1
    assert studio.get(f"/api/runs/{third['id']}").json()["queue_position"] == 2
    assert studio.post(f"/api/runs/{second['id']}/stop").json()["status"] == "stopped"
    assert studio.post(f"/api/runs/{third['id']}/pause").json()["status"] == "queued"
    assert studio.get(f"/api/runs/{third['id']}").json()["queue_position"] == 1
    assert studio.delete(f"/api/runs/{first['id']}").status_code == 409  # live
    studio.post(f"/api/runs/{first['id']}/stop")
    paused = wait_run(studio, third["id"], lambda r: r["status"] == "paused")
    assert paused["step"] == 0  # paused before its first batch
    assert studio.post(f"/api/runs/{third['id']}/step").json()["step"] == 1
    assert studio.post(f"/api/runs/{third['id']}/resume").status_code == 200
    assert wait_final(studio, third["id"])["status"] == "completed"
    runs = studio.get("/api/runs").json()
    assert [r["id"] for r in runs] == [third["id"], second["id"], first["id"]] and "model" not in runs[0]
    gone = studio.delete(f"/api/runs/{second['id']}")
    assert gone.status_code == 200 and gone.json() == {"id": second["id"], "deleted": True}
    assert studio.get(f"/api/runs/{second['id']}").status_code == 404
    assert not (studio.services.store.data_dir / "runs" / second["id"]).exists()


def test_an_exception_in_training_fails_the_run_with_one_line(studio, monkeypatch, caplog):
    from studio.runs import runner

    def broken(*args, **kwargs):
        raise RuntimeError("the disk caught fire\nTraceback (most recent call last): ...")

    monkeypatch.setattr(runner.checkpoints, "save_checkpoint", broken)  # fails at the first epoch end
    run = start_run(studio, epochs=3)
    done = wait_final(studio, run["id"])
    assert done["status"] == "failed" and done["reason"] == "RuntimeError: the disk caught fire"
    assert done["epoch"] == 1 and done["step"] == 20  # the first epoch ended; its checkpoint did not
    assert any(f"run {run['id']} failed" in r.getMessage() and r.exc_info for r in caplog.records)  # logged
    last = studio.get(f"/api/runs/{run['id']}/events").json()["events"][-1]["message"]
    assert (last["status"], last["reason"]) == ("failed", done["reason"])
