"""Bad input to /api/runs: every answer is a JSON 4xx that names the field or layer; never a 500."""
from __future__ import annotations

import copy

import pytest

from runs_support import SPIRAL, mlp, module_studio, run_body, start_run, wait_final


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """One server for the whole module: these tests only read, or make short runs."""
    yield from module_studio(tmp_path_factory.mktemp("runs_errors"))


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and "Traceback" not in body["error"]
    return body


def test_malformed_bodies(studio):
    _error(studio.post("/api/runs", data="{not json", headers={"Content-Type": "application/json"}), 400)
    _error(studio.post("/api/runs", json=[1, 2]), 400)
    _error(studio.post("/api/runs"), 400)
    assert "model" in _error(studio.post("/api/runs", json={"dataset": "spiral"}), 400)["error"]
    assert "dataset" in _error(studio.post("/api/runs", json={"model": mlp()}), 400)["error"]
    assert "layout" in _error(studio.post("/api/runs", json={**run_body(), "layout": {}}), 400)["error"]
    _error(studio.post("/api/runs", json={**run_body(), "model": "Sequential"}), 400)
    _error(studio.post("/api/runs", json={**run_body(), "model": {}}), 400)
    assert "name" in _error(studio.post("/api/runs", json={**run_body(), "name": "x" * 500}), 400)["error"]
    assert "project_id" in _error(studio.post("/api/runs", json={**run_body(), "project_id": "nope"}), 400)["error"]


@pytest.mark.parametrize("dataset, needle", [
    ("nope", "nope"), (5, "dataset"), ({"options": {}}, "dataset.id"), ({"id": "spiral", "extra": 1}, "extra"),
    ({"id": "spiral", "options": "many"}, "dataset.options"), ({"id": "spiral", "options": {"num_samples": -1}},
                                                               "num_samples"),
    ({"id": "spiral", "options": {"bogus": 1}}, "bogus"), ({"id": "iris", "options": {"noise": 0.1}}, "options"),
])
def test_bad_datasets(studio, dataset, needle):
    body = _error(studio.post("/api/runs", json=run_body(dataset=dataset)), 400)
    assert needle in body["error"] and str(body["details"]["field"]).startswith("dataset")


@pytest.mark.parametrize("config, field", [
    ({"epochs": "10"}, "config.epochs"), ({"epochs": 0}, "config.epochs"), ({"epochs": True}, "config.epochs"),
    ({"epochs": 2.5}, "config.epochs"), ({"learning_rate": -1}, "config.learning_rate"),
    ({"learning_rate": 0}, "config.learning_rate"), ({"learning_rate": "fast"}, "config.learning_rate"),
    ({"validation_split": 1.5}, "config.validation_split"), ({"batch_size": 0}, "config.batch_size"),
    ({"optimizer": "magic"}, "config.optimizer"), ({"optimizer": 3}, "config.optimizer"),
    ({"loss": "bogus_loss"}, "config.loss"), ({"loss": ""}, "config.loss"),
    ({"metrics": ["nope"]}, "config.metrics[0]"), ({"metrics": "accuracy"}, "config.metrics"),
    ({"seed": -1}, "config.seed"), ({"seed": "1"}, "config.seed"), ({"bogus": 1}, "config.bogus"),
])
def test_bad_config_fields_are_named(studio, config, field):
    body = _error(studio.post("/api/runs", json=run_body(**config)), 400)
    assert body["error"].startswith(field) and body["details"]["field"] == field


def test_config_must_be_an_object_and_split_must_leave_data(studio):
    body = run_body()
    body["config"] = [1]
    assert "config" in _error(studio.post("/api/runs", json=body), 400)["error"]
    tiny = run_body(dataset={"id": "spiral", "options": {"num_samples": 3}}, validation_split=0.9)
    assert _error(studio.post("/api/runs", json=tiny), 400)["details"]["field"] == "config.validation_split"


def test_bad_layer_config_names_the_layer(studio):
    model = mlp()
    model["config"]["layers"][1]["config"]["units"] = -5
    body = _error(studio.post("/api/runs", json=run_body(model)), 400)
    assert "hidden0" in body["error"] and body["details"]["layer"] == "hidden0"
    model = mlp()
    model["config"]["layers"][2]["config"]["activation"] = "bogus"
    body = _error(studio.post("/api/runs", json=run_body(model)), 400)
    assert "hidden1" in body["error"] and body["details"]["layer"] == "hidden1"


def test_a_model_that_does_not_fit_the_data_names_the_layer_and_shapes(studio):
    body = _error(studio.post("/api/runs", json=run_body(mlp(outputs=3, output_activation="softmax"))), 400)
    assert "'out'" in body["error"] and "(None, 3)" in body["error"] and "2 classes" in body["error"]
    assert body["details"]["layer"] == "out"
    body = _error(studio.post("/api/runs", json=run_body(mlp(inputs=3))), 400)
    assert "'points'" in body["error"] and "(3,)" in body["error"] and "(2,)" in body["error"]
    regression = {"id": "reg_plane", "options": {"num_samples": 100}}
    body = _error(studio.post("/api/runs", json=run_body(mlp(outputs=2, output_activation="linear"), regression)), 400)
    assert "'out'" in body["error"] and "(None, 2)" in body["error"] and "(None, 1)" in body["error"]
    wrong_loss = run_body(mlp(outputs=2, output_activation="softmax"), loss="binary_crossentropy")
    body = _error(studio.post("/api/runs", json=wrong_loss), 400)
    assert "'out'" in body["error"] and "binary_crossentropy" in body["error"]


def test_unknown_run_ids_are_404_everywhere(studio):
    for method, path in (("GET", ""), ("PATCH", ""), ("DELETE", ""), ("POST", "/pause"), ("POST", "/resume"),
                         ("POST", "/step"), ("POST", "/stop"), ("POST", "/continue"), ("POST", "/fork"),
                         ("GET", "/events")):
        kwargs = {"json": {"name": "x"}} if method == "PATCH" else {}
        body = _error(studio.request(method, f"/api/runs/nope{path}", **kwargs), 404)
        assert "nope" in body["error"], (method, path)


def test_events_query_and_control_conflicts(studio):
    run = start_run(studio, epochs=1)
    done = wait_final(studio, run["id"])
    assert done["status"] == "completed"
    for query in ({"since": -1}, {"since": "abc"}, {"limit": 0}, {"limit": 10**6}):
        _error(studio.get(f"/api/runs/{run['id']}/events", params=query), 400)
    page = studio.get(f"/api/runs/{run['id']}/events", params={"since": 1, "limit": 2}).json()
    assert [item["message"]["seq"] for item in page["events"]] == [2, 3] and page["last_seq"] > 3
    for action in ("pause", "resume", "step", "stop"):
        assert "completed" in _error(studio.post(f"/api/runs/{run['id']}/{action}"), 409)["error"]
    _error(studio.post(f"/api/runs/{run['id']}/continue"), 409)
    _error(studio.post(f"/api/runs/{run['id']}/continue", json={"epochs": "2"}), 400)
    _error(studio.post(f"/api/runs/{run['id']}/continue", json={"more": 1}), 400)
    _error(studio.patch(f"/api/runs/{run['id']}", json={"learning_rate": 0.1}), 409)
    _error(studio.post(f"/api/runs/{run['id']}/continue", data="[", headers={"Content-Type": "application/json"}), 400)


def test_openapi_describes_every_run_route(studio):
    doc = studio.get("/api/openapi.json").json()
    paths = {p for p in doc["paths"] if p.startswith("/api/runs") and "/export" not in p}  # exports: not ours
    assert paths == {"/api/runs", "/api/runs/{run_id}", "/api/runs/{run_id}/pause", "/api/runs/{run_id}/resume",
                     "/api/runs/{run_id}/step", "/api/runs/{run_id}/stop", "/api/runs/{run_id}/continue",
                     "/api/runs/{run_id}/fork", "/api/runs/{run_id}/events"}
    rules = {r.rule for r in studio.app.url_map.iter_rules() if r.rule.startswith("/api/runs") and "/export" not in r.rule}
    assert {r.replace("<run_id>", "{run_id}") for r in rules} == paths
    for path in paths:
        for method, op in doc["paths"][path].items():
            assert any(code.startswith("4") for code in op["responses"]) or path == "/api/runs" and method == "get"
    assert copy.deepcopy(SPIRAL)["id"] in {d["id"] for d in studio.get("/api/datasets").json()}
