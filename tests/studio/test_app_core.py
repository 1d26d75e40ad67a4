"""The app factory, JSON errors, the token, the store and the event hub's replay."""
from __future__ import annotations

import pytest
import socketio
from openapi_spec_validator import validate

from studio.store import Store


def test_health_and_json_errors(studio):
    assert studio.get("/api/health").json() == {"status": "ok", "version": studio.get("/api/health").json()["version"]}
    r = studio.get("/api/does-not-exist")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert "does-not-exist" in r.json()["error"]
    r = studio.post("/api/health")
    assert r.status_code == 405 and "not allowed" in r.json()["error"]


def test_openapi_document_validates(studio):
    doc = studio.get("/api/openapi.json").json()
    validate(doc)
    assert "/api/health" in doc["paths"]


def test_token_required_everywhere_when_set(studio_factory):
    live = studio_factory(token="s3cret")
    assert live.get("/api/health").status_code == 401
    assert live.get("/api/health", params={"token": "wrong"}).status_code == 401
    assert live.get("/api/health", params={"token": "s3cret"}).status_code == 200
    assert live.get("/api/health", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    with pytest.raises(socketio.exceptions.ConnectionError):
        live.socket()
    client, _ = live.socket(auth={"token": "s3cret"})
    assert client.connected


def test_socket_rejects_foreign_origin(studio):
    with pytest.raises(socketio.exceptions.ConnectionError):
        studio.socket(headers={"Origin": "http://evil.example"})
    client, _ = studio.socket()  # python-socketio sends the server's own origin
    assert client.connected


def test_store_events_replay_in_order(tmp_path):
    store = Store(tmp_path)
    run = store.create_run(model={"class_name": "Sequential", "config": {}}, dataset={"id": "xor"}, config={})
    seqs = [store.append_event(run["id"], "metrics", {"i": i}) for i in range(5)]
    assert seqs == [1, 2, 3, 4, 5]
    assert [e["payload"]["i"] for e in store.events_since(run["id"], 2)] == [2, 3, 4]
    store.update_run(run["id"], status="running")
    store.close()
    again = Store(tmp_path)
    assert again.mark_interrupted() == [run["id"]]
    assert again.get_run(run["id"])["status"] == "interrupted"
    assert again.last_seq(run["id"]) == 5


def test_subscribe_unknown_run_answers_error(studio):
    client, _ = studio.socket()
    answer = client.call("subscribe", {"run": "nope", "since": 0}, timeout=10)
    assert "no run" in answer["error"]
    answer = client.call("subscribe", {"run": "nope", "since": -1}, timeout=10)
    assert "since" in answer["error"]
