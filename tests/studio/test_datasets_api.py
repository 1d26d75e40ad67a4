"""``/api/datasets``: the list, descriptors, previews of every kind, option checks, delete, OpenAPI."""
from __future__ import annotations

import numpy as np
import pytest
from openapi_spec_validator import validate

import sample_data
from sample_data import sequences

from datasets_live import LiveStudio, shared_studio

BUILTIN_IDS = ["digits", "iris", "circle", "xor", "gaussian", "spiral", "reg_plane", "reg_gauss", "sentiment",
               "waves"]
KINDS = {"digits": "image", "iris": "table", "sentiment": "text", "waves": "sequence"}
REQUIRED = ("id", "name", "task", "input_shape", "num_classes", "size", "source", "options", "class_names",
            "description", "license", "kind")


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> LiveStudio:
    yield from shared_studio(tmp_path_factory.mktemp("datasets_api"))


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    return body


def test_list_has_every_builtin_with_the_fixed_fields(live):
    listed = live.get("/api/datasets").json()
    assert [d["id"] for d in listed][:len(BUILTIN_IDS)] == BUILTIN_IDS
    for d in listed:
        for key in REQUIRED:
            assert key in d, (d["id"], key)
        assert d["source"] == "builtin"
        assert d["kind"] == KINDS.get(d["id"], "points")
        assert d["task"] in ("classification", "regression")
        if d["task"] == "classification":
            assert d["num_classes"] == len(d["class_names"]) >= 2
        else:
            assert d["num_classes"] is None
        assert d["license"] and d["description"]
    by_id = {d["id"]: d for d in listed}
    assert set(by_id["spiral"]["options"]) == {"num_samples", "noise", "seed", "shuffle"}
    assert by_id["spiral"]["options"]["num_samples"]["default"] == 500
    assert by_id["spiral"]["options"]["noise"] == {**by_id["spiral"]["options"]["noise"], "type": "number",
                                                   "minimum": 0.0, "maximum": 0.5}
    assert set(by_id["digits"]["options"]) == {"shuffle", "seed"}
    assert by_id["digits"]["input_shape"] == [8, 8, 1] and by_id["digits"]["license"] == "CC-BY-4.0"
    assert "archive.ics.uci.edu" in by_id["iris"]["provenance"]
    assert by_id["sentiment"]["vocabulary"] == list(sequences.VOCABULARY)
    assert by_id["waves"]["input_shape"] == [32, 1]


def test_get_one_descriptor_and_unknown_ids(live):
    d = live.get("/api/datasets/spiral").json()
    assert d["id"] == "spiral" and d["size"] == 500 and d["input_shape"] == [2]
    for bad in ("mnist", "SPIRAL", "..%2Firis", "%C3%A9t%C3%A9", "0123456789ab", "a%00b"):
        body = _error(live.get(f"/api/datasets/{bad}"), 404)
        assert "no dataset" in body["error"] or "no such endpoint" in body["error"]
        _error(live.get(f"/api/datasets/{bad}/preview"), 404)
        _error(live.delete(f"/api/datasets/{bad}"), 404)


def test_preview_points_are_every_generated_point(live):
    r = live.get("/api/datasets/spiral/preview", params={"num_samples": 300, "noise": 0.2, "seed": 3})
    assert r.status_code == 200
    p = r.json()
    x, y, _ = sample_data.load("spiral", num_samples=300, noise=0.2, seed=3)
    assert p["kind"] == "points" and p["total"] == p["shown"] == 300 and p["truncated"] is False
    assert p["options"] == {"num_samples": 300, "noise": 0.2, "seed": 3, "shuffle": True}
    np.testing.assert_allclose(p["x"], x, atol=1e-4)
    assert p["y"] == y.tolist() and p["class_counts"] == [150, 150]
    # Query text: booleans and integral floats are read as JSON Schema would.
    again = live.get("/api/datasets/spiral/preview?num_samples=300.0&noise=0.2&seed=3&shuffle=true").json()
    assert again["x"] == p["x"]
    unshuffled = live.get("/api/datasets/spiral/preview?num_samples=10&shuffle=false").json()
    assert unshuffled["y"] == [1] * 5 + [0] * 5
    limited = live.get("/api/datasets/spiral/preview?num_samples=300&limit=7").json()
    assert limited["shown"] == 7 and len(limited["x"]) == 7 and limited["truncated"] is True


def test_preview_regression_points(live):
    p = live.get("/api/datasets/reg_plane/preview", params={"num_samples": 50}).json()
    assert p["task"] == "regression" and "class_counts" not in p
    np.testing.assert_allclose(p["y"], np.sum(p["x"], axis=1) / 10, atol=2e-4)
    lo, hi = p["target_range"]
    assert lo == pytest.approx(min(p["y"]), abs=1e-4) and hi == pytest.approx(max(p["y"]), abs=1e-4)


def test_preview_images(live):
    p = live.get("/api/datasets/digits/preview", params={"limit": 4, "shuffle": "false"}).json()
    x, y, _ = sample_data.load("digits")
    assert p["kind"] == "image" and p["shown"] == 4 and p["total"] == 1797
    assert np.asarray(p["images"]).shape == (4, 8, 8)
    np.testing.assert_allclose(p["images"], x[:4, :, :, 0], atol=1e-3)
    assert p["labels"] == y[:4].tolist() and p["label_names"] == [str(v) for v in y[:4]]
    assert p["value_range"] == [0.0, 1.0] and p["image_shape"] == [8, 8, 1]
    assert len(live.get("/api/datasets/digits/preview").json()["images"]) == 36  # the default limit
    assert live.get("/api/datasets/digits/preview?limit=100000").json()["shown"] == 500  # capped


def test_preview_table(live):
    p = live.get("/api/datasets/iris/preview", params={"shuffle": "false", "limit": 3}).json()
    assert p["kind"] == "table" and p["columns"][-1] == "species" and len(p["columns"]) == 5
    assert p["rows"][0] == [5.1, 3.5, 1.4, 0.2, "setosa"] and len(p["rows"]) == 3
    assert p["class_counts"] == [50, 50, 50]
    shuffled = live.get("/api/datasets/iris/preview", params={"limit": 150}).json()
    assert {row[-1] for row in shuffled["rows"][:10]} != {"setosa"}  # shuffled by default (seed 0)


def test_preview_text_sequences(live):
    p = live.get("/api/datasets/sentiment/preview", params={"num_samples": 40, "seed": 2, "limit": 5}).json()
    x, y, _ = sample_data.load("sentiment", num_samples=40, seed=2)
    assert p["kind"] == "text" and p["shown"] == 5 and p["vocabulary_size"] == len(sequences.VOCABULARY)
    for item, row, label in zip(p["sequences"], x, y):
        assert item["tokens"] == row.tolist() and len(item["tokens"]) == 20
        assert item["words"] == sequences.decode(row) and item["text"] == " ".join(item["words"])
        assert item["label"] == label and item["label_name"] == ("positive" if label else "negative")


def test_preview_numeric_sequences(live):
    p = live.get("/api/datasets/waves/preview", params={"num_samples": 8, "noise": 0, "limit": 3}).json()
    x, y, _ = sample_data.load("waves", num_samples=8, noise=0.0)
    assert p["kind"] == "sequence" and p["sequence_length"] == 32 and p["shown"] == 3
    np.testing.assert_allclose(p["sequences"][0]["values"], x[0], atol=1e-4)
    assert [s["label_name"] for s in p["sequences"]] == [sequences.WAVE_NAMES[v] for v in y[:3]]


@pytest.mark.parametrize("dataset_id,query,option", [
    ("spiral", "noise=0.9", "noise"),
    ("spiral", "noise=abc", "noise"),
    ("spiral", "noise=nan", "noise"),
    ("spiral", "noise=inf", "noise"),
    ("spiral", "num_samples=1", "num_samples"),
    ("spiral", "num_samples=2.5", "num_samples"),
    ("spiral", "num_samples=99999999999999999999999", "num_samples"),
    ("sentiment", "num_samples=50001", "num_samples"),
    ("spiral", "seed=-1", "seed"),
    ("spiral", "seed=", "seed"),
    ("spiral", "shuffle=maybe", "shuffle"),
    ("spiral", "size=3", "size"),
    ("digits", "noise=0.1", "noise"),
    ("iris", "seed=x", "seed"),
    ("spiral", "limit=0", "limit"),
    ("spiral", "limit=abc", "limit"),
    ("digits", "limit=-3", "limit"),
])
def test_preview_bad_options_name_the_option(live, dataset_id, query, option):
    body = _error(live.get(f"/api/datasets/{dataset_id}/preview?{query}"), 400)
    assert repr(option) in body["error"] or option in body["error"]
    assert body["details"]["option"] == option


def test_delete_builtin_is_a_conflict(live):
    body = _error(live.delete("/api/datasets/iris"), 409)
    assert "built-in" in body["error"]
    assert live.get("/api/datasets/iris").status_code == 200


def test_openapi_describes_every_dataset_route(live):
    doc = live.get("/api/openapi.json").json()
    validate(doc)
    paths = doc["paths"]
    assert set(paths["/api/datasets"]) >= {"get", "post"}
    assert set(paths["/api/datasets/{dataset_id}"]) >= {"get", "delete"}
    assert {"400", "413", "415"} <= set(paths["/api/datasets"]["post"]["responses"])
    assert {"404", "409"} <= set(paths["/api/datasets/{dataset_id}"]["delete"]["responses"])
    assert {"400", "404"} <= set(paths["/api/datasets/{dataset_id}/preview"]["get"]["responses"])
    assert "Dataset" in doc["components"]["schemas"]
    # Every route the blueprint serves is in the document.
    rules = {r.rule.replace("<dataset_id>", "{dataset_id}") for r in live.app.url_map.iter_rules()
             if r.endpoint.startswith("datasets.")}
    assert rules == {"/api/datasets", "/api/datasets/{dataset_id}", "/api/datasets/{dataset_id}/preview"}
