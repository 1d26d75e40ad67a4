"""Restarts and checkpoints: finished runs keep their history, live ones end interrupted and continue; forks."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from runs_support import by_seq, run_body, start_run, stored_events, wait_final, wait_run, watch

ROOT = Path(__file__).resolve().parents[2]

SERVER = """
import sys
from werkzeug.serving import make_server
from studio.app import create_app
app = create_app({"data_dir": sys.argv[1]})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def test_restart_keeps_finished_runs_and_continues_an_interrupted_one(studio_factory):
    studio = studio_factory(max_concurrent_runs=2)
    done = wait_final(studio, start_run(studio, epochs=3)["id"])
    assert done["status"] == "completed"
    live = start_run(studio, epochs=1000)
    wait_run(studio, live["id"], lambda r: r["epoch"] >= 2)
    assert studio.post(f"/api/runs/{live['id']}/pause").json()["status"] == "paused"
    before = studio.get(f"/api/runs/{live['id']}").json()

    studio.restart()  # shutdown: the paused run wakes, is checkpointed and ends interrupted
    again = studio.get(f"/api/runs/{done['id']}").json()
    assert again["status"] == "completed" and again["history"] == done["history"]
    assert len(stored_events(studio, done["id"])) > 5
    stopped = studio.get(f"/api/runs/{live['id']}").json()
    assert stopped["status"] == "interrupted" and "server stopped" in stopped["reason"]
    assert (stopped["epoch"], stopped["step"]) == (before["epoch"], before["step"])
    assert stored_events(studio, live["id"])[-1][1]["status"] == "interrupted"

    epoch, step = stopped["epoch"], stopped["step"]
    resumed = studio.post(f"/api/runs/{live['id']}/continue", json={"epochs": epoch + 2})
    assert resumed.status_code == 200 and resumed.json()["status"] in ("queued", "running")
    assert studio.post(f"/api/runs/{live['id']}/continue").status_code == 409  # already live
    final = wait_final(studio, live["id"])
    assert final["status"] == "completed" and final["epoch"] == epoch + 2
    assert final["step"] == step + 2 * 20  # from the checkpoint: the rest of that epoch is trained again
    assert all(len(v) == epoch + 2 for v in final["history"].values())
    assert {k: v[:epoch] for k, v in final["history"].items()} == {k: v[:epoch] for k, v in before["history"].items()}
    running = [m for e, m in stored_events(studio, live["id"]) if e == "status" and m["status"] == "running"]
    assert running[-1]["resumed_from"] == {"epoch": epoch, "step": step}
    assert studio.post(f"/api/runs/{live['id']}/continue").status_code == 409  # completed, no more epochs


def test_a_killed_server_leaves_the_run_interrupted_and_it_resumes(studio_factory, tmp_path):
    data_dir = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(data_dir)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = f"http://127.0.0.1:{int(proc.stdout.readline())}"
        run = requests.post(f"{url}/api/runs", json=run_body(epochs=1000), timeout=30).json()
        deadline = time.monotonic() + 60
        while not requests.get(f"{url}/api/runs/{run['id']}", timeout=30).json()["checkpoints"]:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        proc.kill()  # SIGKILL: no shutdown, no last checkpoint
        proc.wait(timeout=30)

    studio = studio_factory(data_dir=data_dir)
    left = studio.get(f"/api/runs/{run['id']}").json()
    assert left["status"] == "interrupted" and "server stopped" in left["reason"]
    assert stored_events(studio, run["id"])[-1][1]["status"] == "interrupted"  # announced on start-up
    checkpoint = left["checkpoints"][-1]
    _, log = watch(studio, run["id"], since=len(stored_events(studio, run["id"])))
    assert studio.post(f"/api/runs/{run['id']}/continue", json={"epochs": checkpoint + 2}).status_code == 200
    final = wait_final(studio, run["id"])
    assert final["status"] == "completed" and final["epoch"] == checkpoint + 2
    assert all(len(v) == checkpoint + 2 for v in final["history"].values())
    log.wait_for(lambda: any(m["status"] == "completed" for m in log.of("status")))
    statuses = [m for e, m in by_seq(log) if e == "status"]
    assert [m["status"] for m in statuses] == ["queued", "running", "completed"]
    assert statuses[1]["resumed_from"]["epoch"] == checkpoint


def test_fork_from_a_checkpoint_with_a_changed_config_and_extend_a_run(studio):
    parent = wait_final(studio, start_run(studio, epochs=3)["id"])
    assert parent["checkpoints"][0] == 1 and parent["checkpoints"][-1] == 3
    response = studio.post(f"/api/runs/{parent['id']}/fork",
                           json={"epoch": 1, "config": {"epochs": 3, "learning_rate": 0.005}, "name": "slower"})
    assert response.status_code == 201, response.text
    fork = response.json()
    assert fork["parent_id"] == parent["id"] and fork["name"] == "slower" and fork["id"] != parent["id"]
    assert fork["config"]["learning_rate"] == 0.005 and fork["config"]["seed"] == parent["config"]["seed"]
    finished = wait_final(studio, fork["id"])
    assert finished["status"] == "completed" and finished["epoch"] == 3
    assert {k: v[:1] for k, v in finished["history"].items()} == {k: v[:1] for k, v in parent["history"].items()}
    assert finished["history"] != parent["history"]
    lrs = {m["learning_rate"] for e, m in stored_events(studio, fork["id"]) if e == "epoch"}
    assert lrs == {0.005} and finished["learning_rate"] == 0.005
    assert finished["summary"]["forked_from"] == {"run": parent["id"], "epoch": 1, "step": 20}

    other = studio.post(f"/api/runs/{parent['id']}/fork", json={"config": {"optimizer": "sgd", "epochs": 4}})
    assert other.status_code == 201 and wait_final(studio, other.json()["id"])["epoch"] == 4
    for body, field in (({"epoch": 2}, "epoch"), ({"epoch": "1"}, "epoch"), ({"config": {"epochs": 3}}, "epochs"),
                        ({"config": {"bogus": 1}}, "config.bogus"), ({"config": {"batch_size": 0}}, "batch_size"),
                        ({"parent": 1}, "parent")):
        response = studio.post(f"/api/runs/{parent['id']}/fork", json=body)
        assert response.status_code == 400 and field in response.json()["error"], (body, response.text)
    assert studio.post("/api/runs/nope/fork", json={}).status_code == 404

    extended = studio.post(f"/api/runs/{parent['id']}/continue", json={"epochs": 4})
    assert extended.status_code == 200
    longer = wait_final(studio, parent["id"])
    assert longer["status"] == "completed" and longer["epoch"] == 4
    assert {k: v[:3] for k, v in longer["history"].items()} == parent["history"]
    assert studio.post(f"/api/runs/{parent['id']}/continue", json={"epochs": 0}).status_code == 400
