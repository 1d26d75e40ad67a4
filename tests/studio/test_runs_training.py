"""A run trains the spiral set through the engine's fit while every kind of event streams."""
from __future__ import annotations

import numpy as np

from runs_support import by_seq, mlp, points, run_body, start_run, stored_events, wait_final, watch


def test_spiral_run_trains_to_90_percent_while_events_stream(studio):
    run = start_run(studio, epochs=15)
    assert run["status"] in ("queued", "running") and run["epochs"] == 15
    _, log = watch(studio, run["id"])
    done = wait_final(studio, run["id"])
    assert done["status"] == "completed", done["reason"]
    assert done["epoch"] == 15 and done["step"] == 15 * 20  # 320 training samples / 16
    assert max(done["history"]["val_accuracy"]) >= 0.9
    assert done["history"]["val_accuracy"][-1] >= 0.9
    assert set(done["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 15 for v in done["history"].values())
    assert done["checkpoints"] and done["checkpoints"][-1] == 15
    plan = done["summary"]["plan"]
    assert (plan["loss"], plan["output"], plan["metrics"]) == ("binary_crossentropy", "binary", ["accuracy"])
    assert done["summary"]["final"]["val_accuracy"] == done["history"]["val_accuracy"][-1]

    log.wait_for(lambda: any(m["status"] == "completed" for m in log.of("status")))
    events = by_seq(log, run["id"])
    seqs = [m["seq"] for _, m in events]
    assert seqs == list(range(1, len(seqs) + 1))  # replay + live, no gap, no duplicate
    assert events == stored_events(studio, run["id"])  # the socket and the log say the same
    statuses = [m["status"] for e, m in events if e == "status"]
    assert statuses == ["queued", "running", "completed"]

    steps = [p["step"] for p in points(events)]
    assert steps == list(range(1, 301))  # every step's point, exactly once, in order
    first = points(events)[0]
    assert set(first) >= {"step", "epoch", "batch", "time", "loss", "accuracy"} and first["epoch"] == 1
    assert all(p["time"] <= m["ts"] for e, m in events if e == "metrics" for p in m["points"])
    epochs = [m for e, m in events if e == "epoch"]
    assert [m["epoch"] for m in epochs] == list(range(1, 16))
    assert epochs[-1]["logs"]["val_accuracy"] == done["history"]["val_accuracy"][-1]
    assert epochs[0]["learning_rate"] == 0.01

    boundary = [m for e, m in events if e == "boundary"]
    assert boundary and boundary[-1]["epoch"] == 15  # the final epoch always has the views
    grid = np.array(boundary[-1]["values"], dtype=float)
    assert grid.shape == (50, 50) and boundary[-1]["resolution"] == 50 and boundary[-1]["kind"] == "probability"
    assert np.all((grid >= 0) & (grid <= 1)) and grid.min() < 0.1 and grid.max() > 0.9
    lo, hi = boundary[-1]["x_range"]
    assert lo < -5 < 5 < hi  # spiral points lie within about [-5, 5], padded by 10 %

    confusion = [m for e, m in events if e == "confusion"][-1]
    matrix = np.array(confusion["matrix"])
    assert confusion["labels"] == ["0", "1"] and confusion["split"] == "validation"
    assert matrix.sum() == 80 and abs(np.trace(matrix) / 80 - done["history"]["val_accuracy"][-1]) < 1e-6

    norms = [m for e, m in events if e == "norms"][-1]
    assert [layer["name"] for layer in norms["layers"]] == ["hidden0", "hidden1", "hidden2", "out"]
    assert all(layer["weight_norm"] > 0 and layer["grad_norm"] is not None and layer["grad_norm"] >= 0
               for layer in norms["layers"])


def test_same_seed_same_run_and_multiclass_defaults(studio_factory):
    studio = studio_factory(max_concurrent_runs=2)
    model = mlp(units=8, layers=1, outputs=2, output_activation="softmax")
    ids = [studio.post("/api/runs", json=run_body(model, epochs=3, seed=7)).json()["id"] for _ in range(2)]
    first, second = (wait_final(studio, i) for i in ids)
    assert first["status"] == second["status"] == "completed"
    assert first["history"] == second["history"]  # seeded: weights and shuffles repeat, even side by side
    plan = first["summary"]["plan"]
    assert (plan["loss"], plan["output"]) == ("sparse_categorical_crossentropy", "multiclass")
    logits = mlp(units=8, layers=1, outputs=2, output_activation="linear")
    run = wait_final(studio, studio.post("/api/runs", json=run_body(logits, epochs=2)).json()["id"])
    assert run["status"] == "completed" and run["summary"]["plan"]["from_logits"] is True


def test_regression_run_defaults_and_boundary_values(studio):
    body = run_body(mlp(units=8, layers=1, output_activation="linear"),
                    dataset={"id": "reg_plane", "options": {"num_samples": 200, "seed": 2}}, epochs=3)
    run = studio.post("/api/runs", json=body).json()
    _, log = watch(studio, run["id"])
    done = wait_final(studio, run["id"])
    assert done["status"] == "completed", done["reason"]
    assert done["summary"]["plan"]["loss"] == "mse" and set(done["history"]) == {"loss", "mae", "val_loss", "val_mae"}
    log.wait_for(lambda: any(m["status"] == "completed" for m in log.of("status")))
    assert log.of("boundary")[-1]["kind"] == "value" and not log.of("confusion")


def test_an_uploaded_csv_trains_with_its_own_validation_split(studio):
    rows = ["x1,x2,label"] + [f"{i % 7 - 3},{(i * 3) % 5 - 2},{'yes' if i % 7 > 3 else 'no'}" for i in range(40)]
    upload = studio.post("/api/datasets", files={"file": ("points.csv", "\n".join(rows).encode(), "text/csv")},
                         data={"validation_split": "0.5"})
    assert upload.status_code == 201, upload.text
    body = run_body(mlp(units=8, layers=1), dataset=upload.json()["id"], epochs=2, batch_size=8)
    del body["config"]["validation_split"]
    run = studio.post("/api/runs", json=body).json()
    assert run["config"]["validation_split"] == 0.5  # the upload's split, since the config gave none
    _, log = watch(studio, run["id"])
    done = wait_final(studio, run["id"])
    assert done["status"] == "completed" and done["step"] == 2 * 3  # 20 training rows in batches of 8
    log.wait_for(lambda: log.of("confusion"))
    confusion = log.of("confusion")[-1]
    assert sum(map(sum, confusion["matrix"])) == 20 and confusion["split"] == "validation"
