"""``/api/projects``: CRUD, saving invalid work in progress, persistence across a restart, bad input."""
from __future__ import annotations

GOOD = {"class_name": "Sequential", "config": {"name": "mlp", "layers": [
    {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 2]}},
    {"class_name": "Dense", "config": {"name": "hidden", "units": 8, "activation": "relu"}},
    {"class_name": "Dense", "config": {"name": "out", "units": 1, "activation": "sigmoid"}}]}}
BROKEN = {"class_name": "Sequential", "config": {"layers": [
    {"class_name": "InputLayer", "config": {"name": "x", "batch_input_shape": [None, 2]}},
    {"class_name": "Dense", "config": {"name": "hidden", "units": -8}}]}}
LAYOUT = {"nodes": {"x": {"x": 10, "y": 20}, "hidden": {"x": 10, "y": 120}}, "zoom": 1.5}


def test_project_crud_and_restart(studio):
    r = studio.post("/api/projects", json={"name": "  Spiral MLP ", "model": GOOD, "layout": LAYOUT,
                                           "dataset": {"id": "spiral", "options": {"noise": 0.1}},
                                           "config": {"optimizer": "adam", "epochs": 5}})
    assert r.status_code == 201, r.text
    created = r.json()
    pid = created["id"]
    assert created["name"] == "Spiral MLP" and created["model"] == GOOD and created["layout"] == LAYOUT
    assert created["validation"]["valid"] and created["validation"]["total_params"] == 8 * 3 + 9
    assert created["dataset"] == {"id": "spiral", "options": {"noise": 0.1}}

    # work in progress: an invalid model is saved, the response says what is wrong
    r = studio.post("/api/projects", json={"name": "draft", "model": BROKEN})
    assert r.status_code == 201
    draft = r.json()
    assert draft["model"] == BROKEN and draft["validation"]["valid"] is False
    assert draft["validation"]["errors"][0]["layer"] == "hidden"
    assert draft["validation"]["errors"][0]["field"] == "units"
    bare = studio.post("/api/projects", json={"name": "empty"}).json()
    assert bare["model"] is None and bare["validation"] is None

    listed = studio.get("/api/projects").json()
    assert {p["id"] for p in listed} == {pid, draft["id"], bare["id"]}
    assert all("model" not in p and "layout" not in p for p in listed)

    # PATCH only the layout (dragging nodes): no validation, the model stays
    moved = {"nodes": {"x": {"x": 0, "y": 0}}}
    r = studio.patch(f"/api/projects/{pid}", json={"layout": moved})
    assert r.status_code == 200 and r.json()["layout"] == moved and r.json()["model"] == GOOD
    assert r.json()["validation"] is None
    r = studio.patch(f"/api/projects/{draft['id']}", json={"model": GOOD, "name": "fixed"})
    assert r.json()["validation"]["valid"] and r.json()["name"] == "fixed"
    assert studio.get("/api/projects").json()[0]["id"] == draft["id"]  # most recently updated first

    # PUT replaces: fields left out become null
    r = studio.request("PUT", f"/api/projects/{bare['id']}", json={"name": "replaced", "model": BROKEN})
    assert r.status_code == 200
    assert r.json()["validation"]["valid"] is False and r.json()["layout"] is None

    before = studio.get(f"/api/projects/{pid}").json()
    assert before["layout"] == moved and before["validation"] is None
    studio.restart()
    after = studio.get(f"/api/projects/{pid}").json()
    assert after == before
    assert studio.get(f"/api/projects/{draft['id']}").json()["name"] == "fixed"

    assert studio.delete(f"/api/projects/{pid}").status_code == 204
    assert studio.get(f"/api/projects/{pid}").status_code == 404
    studio.restart()
    assert {p["id"] for p in studio.get("/api/projects").json()} == {draft["id"], bare["id"]}


def test_unknown_ids_answer_404(studio):
    for method in ("get", "patch", "put", "delete"):
        kwargs = {} if method in ("get", "delete") else {"json": {"name": "x"}}
        r = studio.request(method.upper(), "/api/projects/000000000000", **kwargs)
        assert r.status_code == 404, method
        assert "no project" in r.json()["error"]


MALFORMED = [
    "not json", "[]", "{}", '{"name": ""}', '{"name": "   "}', '{"name": 5}', '{"name": "' + "n" * 201 + '"}',
    '{"name": "a", "model": [1]}', '{"name": "a", "model": "Dense"}', '{"name": "a", "layout": [1, 2]}',
    '{"name": "a", "dataset": 5}', '{"name": "a", "config": "fast"}', '{"name": "a", "colour": "red"}',
    '{"name": "a", "config": {"lr": NaN}}',
]


def test_malformed_project_bodies_answer_400(studio):
    pid = studio.post("/api/projects", json={"name": "p"}).json()["id"]
    for body in MALFORMED:
        for method, path in (("POST", "/api/projects"), ("PUT", f"/api/projects/{pid}")):
            r = studio.request(method, path, data=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 400, (method, body, r.text)
            assert r.json()["error"]
        if body not in ("{}",):
            r = studio.patch(f"/api/projects/{pid}", data=body, headers={"Content-Type": "application/json"})
            assert r.status_code == 400, ("PATCH", body, r.text)
    assert studio.get(f"/api/projects/{pid}").json()["name"] == "p"


def test_layout_size_limit_and_patch_checks(studio):
    pid = studio.post("/api/projects", json={"name": "p"}).json()["id"]
    big = {"nodes": {f"n{i}": {"x": i, "y": i, "label": "x" * 100} for i in range(12_000)}}
    r = studio.patch(f"/api/projects/{pid}", json={"layout": big})
    assert r.status_code == 400 and "layout" in r.json()["error"] and "too large" in r.json()["error"]
    r = studio.patch(f"/api/projects/{pid}", json={"name": None})
    assert r.status_code == 400 and r.json()["details"]["field"] == "name"
    r = studio.request("PUT", f"/api/projects/{pid}", json={"layout": {}})
    assert r.status_code == 400 and "name" in r.json()["error"]
    assert studio.patch(f"/api/projects/{pid}", json={}).status_code == 200
    assert studio.get(f"/api/projects/{pid}").json()["name"] == "p"
