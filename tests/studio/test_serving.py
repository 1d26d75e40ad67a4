"""TF Serving's REST API on trained runs (``/v1/models/{run id}...``), against a real server on loopback.

Runs are made directly in the store with a checkpoint written by
``save_checkpoint`` (no run manager involved); predictions are compared with
the engine model's own ``predict``.
"""
from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
import sample_data
from engine import keras

from studio.runs.checkpoints import save_checkpoint
from studio.runs.trained import NoCheckpoint, TrainedModelCache, UnknownRun, trained_model

TOL = 1e-6


# -- models and runs ------------------------------------------------------------------------
def iris_model() -> keras.Model:
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def multi_io_model() -> keras.Model:
    a = keras.Input((3,), name="a")
    b = keras.Input((2, 2), name="b")
    x = keras.layers.Concatenate()([a, keras.layers.Flatten()(b)])
    x = keras.layers.Dense(6, activation="tanh", name="hidden")(x)
    probs = keras.layers.Dense(2, activation="softmax", name="probs")(x)
    value = keras.layers.Dense(1, name="value")(x)
    return keras.Model([a, b], [probs, value])


def token_model() -> keras.Model:
    tokens = keras.Input((5,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(10, 4)(tokens)
    x = keras.layers.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, keras.layers.Dense(2, name="logits")(x))


def make_run(studio, model: keras.Model, epochs: tuple[int, ...] = (1,),
             train: tuple | None = None) -> tuple[str, dict]:
    """A run row for ``model`` with a checkpoint per epoch in ``epochs`` (trained one epoch each if ``train``);
    returns (run id, {epoch: weights})."""
    store = studio.services.store
    run = store.create_run(model=json.loads(model.to_json()), dataset={"id": "iris"},
                           config={"epochs": max(epochs, default=0)}, name="Iris / demo #1")
    weights = {}
    for epoch in epochs:
        if train is not None:
            model.fit(*train, epochs=1, batch_size=32, verbose=0)
        save_checkpoint(store.artifact_dir("runs", run["id"]), model, epoch=epoch)
        weights[epoch] = [np.array(w) for w in model.get_weights()]
    return run["id"], weights


@pytest.fixture
def iris():
    x, y, _ = sample_data.load("iris")
    return x.astype(np.float32), y


@pytest.fixture
def iris_run(studio, iris):
    model = iris_model()
    run_id, weights = make_run(studio, model, epochs=(1, 2), train=iris)
    return run_id, model, weights


def predict(studio, run_id: str, body, suffix: str = ":predict"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return studio.post(f"/v1/models/{run_id}{suffix}", data=data)


def assert_error(response, status: int, *fragments: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}, body  # TF Serving's error body: nothing but "error"
    for fragment in fragments:
        assert fragment in body["error"], (fragment, body["error"])


# -- status and metadata -------------------------------------------------------------------------
def test_status_lists_checkpoints_as_versions(studio, iris_run):
    run_id, _, _ = iris_run
    r = studio.get(f"/v1/models/{run_id}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    ok = {"error_code": "OK", "error_message": ""}
    assert r.json() == {"model_version_status": [{"version": "2", "state": "AVAILABLE", "status": ok},
                                                 {"version": "1", "state": "AVAILABLE", "status": ok}]}
    assert studio.get(f"/v1/models/{run_id}/versions/1").json() == {
        "model_version_status": [{"version": "1", "state": "AVAILABLE", "status": ok}]}
    assert_error(studio.get(f"/v1/models/{run_id}/versions/7"), 404, f"Could not find version 7 of model {run_id}")
    assert_error(studio.get("/v1/models/nosuchrun"), 404, "Could not find any versions of model nosuchrun")


def test_metadata_is_the_signature_def(studio, iris_run):
    run_id, model, _ = iris_run
    r = studio.get(f"/v1/models/{run_id}/metadata")
    assert r.status_code == 200
    in_key = model.inputs[0].name
    out_key = model.layers[-1].name

    def info(key, size):
        return {"dtype": "DT_FLOAT", "name": f"{key}:0", "tensor_shape": {
            "dim": [{"size": "-1", "name": ""}, {"size": size, "name": ""}], "unknown_rank": False}}
    assert r.json() == {
        "model_spec": {"name": run_id, "signature_name": "", "version": "2"},
        "metadata": {"signature_def": {"signature_def": {"serving_default": {
            "inputs": {in_key: info(in_key, "4")}, "outputs": {out_key: info(out_key, "3")},
            "method_name": "tensorflow/serving/predict", "defaults": {}}}}}}
    assert studio.get(f"/v1/models/{run_id}/versions/1/metadata").json()["model_spec"]["version"] == "1"


def test_metadata_multi_io_and_int_inputs(studio):
    run_id, _ = make_run(studio, multi_io_model())
    sig = studio.get(f"/v1/models/{run_id}/metadata").json()["metadata"]["signature_def"]["signature_def"][
        "serving_default"]
    assert sorted(sig["inputs"]) == ["a", "b"] and sorted(sig["outputs"]) == ["probs", "value"]
    assert [d["size"] for d in sig["inputs"]["b"]["tensor_shape"]["dim"]] == ["-1", "2", "2"]
    run_id, _ = make_run(studio, token_model())
    sig = studio.get(f"/v1/models/{run_id}/metadata").json()["metadata"]["signature_def"]["signature_def"][
        "serving_default"]
    assert sig["inputs"]["tokens"]["dtype"] == "DT_INT32" and sig["outputs"]["logits"]["dtype"] == "DT_FLOAT"


# -- predict: single input / output ------------------------------------------------------------
def test_predict_row_format(studio, iris_run, iris):
    run_id, model, _ = iris_run
    x = iris[0][:7]
    r = predict(studio, run_id, {"instances": x.tolist()})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert set(body) == {"predictions"}
    np.testing.assert_allclose(np.array(body["predictions"]), model.predict(x, verbose=0), atol=TOL, rtol=0)
    # signature_name may be given; other top-level keys are ignored, as TF Serving does
    r2 = predict(studio, run_id, {"signature_name": "serving_default", "instances": x.tolist(), "extra": 1})
    assert r2.json() == body
    # a float32 is written with the shortest text that reads back as the same float32
    assert all(len(repr(v)) <= 16 for row in body["predictions"] for v in row)


def test_predict_columnar_format(studio, iris_run, iris):
    run_id, model, _ = iris_run
    x = iris[0][10:15]
    r = predict(studio, run_id, {"inputs": x.tolist()})
    assert r.status_code == 200 and set(r.json()) == {"outputs"}
    np.testing.assert_allclose(np.array(r.json()["outputs"]), model.predict(x, verbose=0), atol=TOL, rtol=0)
    key = model.inputs[0].name  # the named form works for a single input too
    r = predict(studio, run_id, {"inputs": {key: x.tolist()}})
    np.testing.assert_allclose(np.array(r.json()["outputs"]), model.predict(x, verbose=0), atol=TOL, rtol=0)
    # row format with objects keyed by the input name
    r = predict(studio, run_id, {"instances": [{key: row} for row in x.tolist()]})
    np.testing.assert_allclose(np.array(r.json()["predictions"]), model.predict(x, verbose=0), atol=TOL, rtol=0)


def test_versions_serve_their_checkpoint(studio, iris_run, iris):
    run_id, model, weights = iris_run
    x = iris[0][:4]
    expected = {}
    for epoch, w in weights.items():
        model.set_weights(w)
        expected[epoch] = model.predict(x, verbose=0)
    assert np.abs(expected[1] - expected[2]).max() > 1e-4  # the two checkpoints differ
    for epoch in (1, 2):
        r = predict(studio, run_id, {"instances": x.tolist()}, suffix=f"/versions/{epoch}:predict")
        np.testing.assert_allclose(np.array(r.json()["predictions"]), expected[epoch], atol=TOL, rtol=0)
    latest = predict(studio, run_id, {"instances": x.tolist()}).json()["predictions"]
    np.testing.assert_allclose(np.array(latest), expected[2], atol=TOL, rtol=0)
    assert_error(predict(studio, run_id, {"instances": x.tolist()}, suffix="/versions/3:predict"), 404,
                 f"Servable not found for request: Specific({run_id}, 3)")


def test_new_checkpoint_is_served_at_once(studio, iris):
    """A run still training serves its newest complete checkpoint."""
    model = iris_model()
    run_id, _ = make_run(studio, model, epochs=(1,))
    x = iris[0][:3]
    first = np.array(predict(studio, run_id, {"instances": x.tolist()}).json()["predictions"])
    np.testing.assert_allclose(first, model.predict(x, verbose=0), atol=TOL, rtol=0)
    model.fit(*iris, epochs=3, verbose=0)
    save_checkpoint(studio.services.store.artifact_dir("runs", run_id), model, epoch=2)
    second = np.array(predict(studio, run_id, {"instances": x.tolist()}).json()["predictions"])
    np.testing.assert_allclose(second, model.predict(x, verbose=0), atol=TOL, rtol=0)
    assert np.abs(first - second).max() > 1e-4
    assert studio.get(f"/v1/models/{run_id}").json()["model_version_status"][0]["version"] == "2"


def test_nan_and_infinity_tokens(studio, iris_run):
    run_id, _, _ = iris_run
    r = studio.post(f"/v1/models/{run_id}:predict", data='{"instances": [[NaN, 1, 2, 3], [Infinity, 0, 0, -Infinity]]}')
    assert r.status_code == 200
    assert "NaN" in r.text and "null" not in r.text
    assert np.isnan(np.array(r.json()["predictions"][0])).all()


def test_concurrent_predictions(studio, iris_run, iris):
    run_id, model, _ = iris_run
    x = iris[0]
    expected = model.predict(x, verbose=0)
    errors: list = []

    def client(i: int) -> None:
        rows = x[i * 15:(i + 1) * 15]
        for _ in range(3):
            r = predict(studio, run_id, {"instances": rows.tolist()})
            got = np.array(r.json()["predictions"])
            if np.abs(got - expected[i * 15:(i + 1) * 15]).max() > TOL:
                errors.append(i)
    threads = [threading.Thread(target=client, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# -- predict: multi input / output, int inputs ---------------------------------------------------
def test_multi_io_row_and_columnar(studio):
    model = multi_io_model()
    run_id, _ = make_run(studio, model)
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal((4, 2, 2)).astype(np.float32)
    probs, value = model.predict([a, b], verbose=0)

    r = predict(studio, run_id, {"instances": [{"a": a[i].tolist(), "b": b[i].tolist()} for i in range(4)]})
    assert r.status_code == 200, r.text
    rows = r.json()["predictions"]
    assert len(rows) == 4 and all(set(row) == {"probs", "value"} for row in rows)
    np.testing.assert_allclose(np.array([row["probs"] for row in rows]), probs, atol=TOL, rtol=0)
    np.testing.assert_allclose(np.array([row["value"] for row in rows]), value, atol=TOL, rtol=0)

    r = predict(studio, run_id, {"inputs": {"a": a.tolist(), "b": b.tolist(), "ignored": [1]}})
    outputs = r.json()["outputs"]
    assert set(outputs) == {"probs", "value"}
    np.testing.assert_allclose(np.array(outputs["probs"]), probs, atol=TOL, rtol=0)
    np.testing.assert_allclose(np.array(outputs["value"]), value, atol=TOL, rtol=0)


def test_int_inputs(studio):
    model = token_model()
    run_id, _ = make_run(studio, model)
    tokens = np.array([[1, 2, 3, 4, 5], [0, 0, 9, 9, 1]], np.int32)
    r = predict(studio, run_id, {"instances": tokens.tolist()})
    np.testing.assert_allclose(np.array(r.json()["predictions"]), model.predict(tokens, verbose=0),
                               atol=TOL, rtol=0)
    assert_error(predict(studio, run_id, {"instances": [[1, 2, 3, 4, 5.5]]}), 400,
                 "JSON Value: 5.5 Type: Number is not of expected type: int32")
    assert_error(predict(studio, run_id, {"inputs": [[1, 2, 3, 4, 2 ** 40]]}), 400,
                 "is not of expected type: int32")


# -- errors ------------------------------------------------------------------------------------
BAD_BODIES = [
    ("", "JSON Parse error: The document is empty"),
    ("{\"instances\": [[1, 2, 3, 4]", "JSON Parse error:"),
    ("[[1, 2, 3, 4]]", "Is not object"),
    ("\"x\"", "Is not object"),
    ({"instances": [[1, 2, 3, 4]], "inputs": [[1, 2, 3, 4]]},
     "Not formatted correctly expecting only one of 'inputs' or 'instances' keys to exist"),
    ({"signature": "serving_default"}, "Missing 'inputs' or 'instances' key"),
    ({"instances": []}, "No values in 'instances' array"),
    ({"instances": {"x": [1, 2, 3, 4]}}, "Expecting 'instances' to be an list/array"),
    ({"instances": [[1, 2, 3]]}, "Cannot feed value of shape (1, 3) for Tensor"),
    ({"instances": [1, 2, 3, 4]}, "Cannot feed value of shape (4,) for Tensor"),
    ({"instances": [[[1, 2, 3, 4]]]}, "Cannot feed value of shape (1, 1, 4) for Tensor"),
    ({"instances": [[1, 2, 3, 4], [1, 2, 3]]}, "Failed to process element: 1 of 'instances' list. Error: "
                                               "INVALID_ARGUMENT: Expecting tensor size: 4 but got: 3"),
    ({"instances": [[1, 2, 3, 4], [[1, 2], [3, 4]]]}, "Failed to process element: 1"),
    ({"instances": [[1, 2, 3, 4], {"x": 1}]}, "Expecting value/list but got object at item 1 of input list"),
    ({"inputs": [[1, 2, 3, 4], [1, 2, 3]]}, "Encountered list at unexpected size: 3 at level: 1 expected size: 4"),
    ({"inputs": [[1, 2, 3, [4]]]}, "Encountered list at unexpected level: 2 expected < 2"),
    ({"inputs": [[1, 2, 3, 4], 5]}, "JSON Value: 5 found at incorrect level: 2 in the JSON DOM. Expected at level: 2"),
    ({"inputs": [[1, 2, 3, True]]}, "JSON Value: true Type: True is not of expected type: float"),
    ({"inputs": [[1, 2, 3, "4"]]}, "JSON Value: \"4\" Type: String is not of expected type: float"),
    ({"inputs": [[1, 2, 3, None]]}, "JSON Value: null Type: Null is not of expected type: float"),
    ({"inputs": [[1, 2, 3, {"b64": "AA=="}]]}, "Type: Object is not of expected type: float"),
    ({"inputs": [[1, 2, 3, 16777217]]}, "Cannot convert JSON value: 16777217 to float without loss of precision."),
    ({"inputs": [[1, 2, 3, 1e39]]}, "to float without loss of precision."),
    ({"inputs": {"wrong_name": [[1, 2, 3, 4]]}}, "Missing named input:"),
    ({"instances": [{"wrong_name": [1, 2, 3, 4]}]}, "JSON object: does not have named input: wrong_name"),
    ({"inputs": 3.0}, "Cannot feed value of shape () for Tensor"),
    ({"signature_name": 7, "inputs": [[1, 2, 3, 4]]}, "'signature_name' key must be a string value."),
    ({"signature_name": "predict", "inputs": [[1, 2, 3, 4]]},
     "Serving signature name: \"predict\" not found in signature def"),
    ("{\"inputs\": " + "[" * 5000 + "]" * 5000 + "}", "JSON Parse error"),
    ("{\"inputs\": " + "[" * 40 + "1" + "]" * 40 + "}", "nested deeper than"),
]


def test_bad_requests_answer_400_with_tf_message(studio, iris_run):
    run_id, _, _ = iris_run
    failures = []
    for i, (body, message) in enumerate(BAD_BODIES):
        try:
            assert_error(predict(studio, run_id, body), 400, message)
        except AssertionError as exc:
            failures.append(f"case {i} ({str(body)[:60]!r}): {exc}")
    assert not failures, "\n".join(failures)


def test_multi_input_request_errors(studio):
    run_id, _ = make_run(studio, multi_io_model())
    a, b = [0.0] * 3, [[0.0] * 2] * 2
    assert_error(predict(studio, run_id, {"instances": [a]}), 400,
                 "instances is a plain list, but expecting list of objects as multiple input tensors")
    assert_error(predict(studio, run_id, {"inputs": [a]}), 400,
                 "inputs is a plain value/list, but expecting an object as multiple input tensors")
    assert_error(predict(studio, run_id, {"inputs": {"a": [a]}}), 400, "Missing named input: b in 'inputs' object.")
    assert_error(predict(studio, run_id, {"instances": [{"a": a}]}), 400,
                 "Failed to process element: 0 of 'instances' list. JSON object: {\"a\":[0.0,0.0,0.0]} keys must "
                 "be equal to: a,b")
    assert_error(predict(studio, run_id, {"instances": [{"a": a, "b": b}, [1]]}), 400,
                 "Expecting object but got list at item 1 of input list")
    assert_error(predict(studio, run_id, {"inputs": {"a": [a, a], "b": [b]}}), 400,
                 "same size in dimension 0")
    assert_error(predict(studio, run_id, {"instances": [{"a": a, "b": [[0.0] * 3] * 2}]}), 400,
                 "key: b of 'instances' list", "Cannot feed value of shape (1, 2, 3) for Tensor b:0, which has "
                 "shape (None, 2, 2)")


def test_unknown_models_versions_and_urls(studio, iris_run):
    run_id, _, _ = iris_run
    body = {"instances": [[1, 2, 3, 4]]}
    assert_error(predict(studio, "nosuchrun", body), 404, "Servable not found for request: Latest(nosuchrun)")
    assert_error(predict(studio, run_id, body, "/versions/99:predict"), 404,
                 f"Servable not found for request: Specific({run_id}, 99)")
    assert_error(predict(studio, run_id, body, "/labels/stable:predict"), 400,
                 "Unrecognized servable version label: stable")
    assert_error(predict(studio, run_id, body, "/versions/99999999999999999999:predict"), 400,
                 "Failed to convert version")
    assert_error(studio.get("/v1/models/nosuchrun/metadata"), 404, "Servable not found for request: Latest(nosuchrun)")
    assert_error(studio.get(f"/v1/models/{run_id}/labels/x"), 400, "Unrecognized servable version label: x")
    assert_error(studio.get("/v1/models"), 400, "Missing model name in request.")
    assert_error(studio.post(f"/v1/models/{run_id}/metadata", data="{}"), 400,
                 f"Malformed request: POST /v1/models/{run_id}/metadata")
    assert_error(studio.post(f"/v1/models/{run_id}:explain", data="{}"), 400, "Malformed request")
    assert_error(studio.delete(f"/v1/models/{run_id}"), 400, f"Malformed request: DELETE /v1/models/{run_id}")
    assert_error(studio.get("/v1/anything/else"), 400, "Malformed request: GET /v1/anything/else")
    # TF Serving's URL patterns are case-insensitive
    assert predict(studio, run_id, body, ":PREDICT").status_code == 200


def test_classify_and_regress_refuse_a_predict_signature(studio, iris_run):
    run_id, _, _ = iris_run
    body = {"examples": [{"x": [1.0, 2.0]}]}
    assert_error(predict(studio, run_id, body, ":classify"), 400,
                 "Expected classification signature method_name to be tensorflow/serving/classify. "
                 "Was: tensorflow/serving/predict")
    assert_error(predict(studio, run_id, body, ":regress"), 400, "Expected regression signature method_name")
    assert_error(predict(studio, run_id, {"instances": []}, ":classify"), 400, "key 'examples' is expected")
    assert_error(predict(studio, "nosuchrun", body, ":regress"), 404, "Servable not found")


def test_run_without_checkpoint_is_not_loaded(studio):
    store = studio.services.store
    run = store.create_run(model=json.loads(iris_model().to_json()), dataset={"id": "iris"}, config={},
                           status="running")
    assert_error(studio.get(f"/v1/models/{run['id']}"), 404, f"Could not find any versions of model {run['id']}")
    assert_error(predict(studio, run["id"], {"instances": [[1, 2, 3, 4]]}), 404,
                 f"Servable not found for request: Latest({run['id']})")
    assert_error(studio.get(f"/v1/models/{run['id']}/metadata"), 404, "Servable not found")
    with pytest.raises(NoCheckpoint, match="has no checkpoint yet"):
        trained_model(store, run["id"])
    with pytest.raises(UnknownRun):
        trained_model(store, "nosuchrun")


def test_serving_needs_the_token_when_set(studio_factory):
    live = studio_factory(token="s3cret")
    assert live.get("/v1/models/x").status_code == 401
    assert_error(live.get("/v1/models/x", headers={"Authorization": "Bearer s3cret"}), 404, "Could not find")


def test_oversized_body_is_refused(studio_factory):
    live = studio_factory(max_request_bytes=1024)
    # through the WSGI app: over a socket the server may reset the connection before the client reads the 413
    r = live.app.test_client().post("/v1/models/x:predict", data="{\"instances\": [" + "1," * 2000 + "1]}")
    assert r.status_code == 413 and "too large" in r.get_json()["error"]


# -- the model cache --------------------------------------------------------------------------
def test_trained_model_cache_is_lru_and_loads_once(studio, iris):
    store = studio.services.store
    cache = TrainedModelCache(capacity=2)
    runs = [make_run(studio, iris_model())[0] for _ in range(3)]
    first = cache.get(store, runs[0])
    assert cache.get(store, runs[0]) is first and first.epoch == 1
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(store, runs[1]))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in results}) == 1  # loaded once for four concurrent callers
    cache.get(store, runs[2])
    assert len(cache) == 2 and cache.get(store, runs[0]) is not first  # runs[0] was evicted
    uncached = trained_model(store, runs[0])
    np.testing.assert_allclose(uncached.predict(iris[0][:5], verbose=0),
                               first.model.predict(iris[0][:5], verbose=0), atol=TOL, rtol=0)


def test_openapi_describes_serving(studio):
    from openapi_spec_validator import validate
    doc = studio.get("/api/openapi.json").json()
    validate(doc)
    for path in ("/v1/models/{model}:predict", "/v1/models/{model}/versions/{version}:predict",
                 "/v1/models/{model}", "/v1/models/{model}/metadata"):
        assert path in doc["paths"], path
    assert {"400", "404"} <= set(doc["paths"]["/v1/models/{model}:predict"]["post"]["responses"])


# -- END-TO-END: train through POST /api/runs (the real run manager), serve while and after ------
def test_e2e_run_trained_through_the_api_is_served(studio, iris):
    store = studio.services.store
    doc = json.loads(iris_model().to_json())
    r = studio.post("/api/runs", json={"model": doc, "dataset": "iris", "name": "served",
                                       "config": {"epochs": 500, "batch_size": 16, "seed": 0}})
    assert r.status_code == 201, r.text
    run_id = r.json()["id"]
    x = iris[0][::10]

    deadline = time.monotonic() + 120
    while studio.get(f"/v1/models/{run_id}").status_code == 404:  # not loaded until its first checkpoint
        assert time.monotonic() < deadline, "no checkpoint within 120 s"
        time.sleep(0.05)
    assert studio.get(f"/api/runs/{run_id}").json()["status"] == "running"
    r = predict(studio, run_id, {"instances": x.tolist()})  # served while it trains
    assert r.status_code == 200
    np.testing.assert_allclose(np.array(r.json()["predictions"]).sum(axis=1), 1.0, atol=1e-5)

    assert studio.post(f"/api/runs/{run_id}/pause").status_code == 200
    while studio.get(f"/api/runs/{run_id}").json()["status"] != "paused":  # no checkpoint is written now
        assert time.monotonic() < deadline, "the run did not pause"
        time.sleep(0.05)
    served = np.array(predict(studio, run_id, {"instances": x.tolist()}).json()["predictions"])
    np.testing.assert_allclose(served, trained_model(store, run_id).predict(x, verbose=0), atol=TOL, rtol=0)

    assert studio.post(f"/api/runs/{run_id}/stop").status_code == 200
    while studio.get(f"/api/runs/{run_id}").json()["status"] != "stopped":
        assert time.monotonic() < deadline, "the run did not stop"
        time.sleep(0.05)
    run = studio.get(f"/api/runs/{run_id}").json()
    versions = [v["version"] for v in studio.get(f"/v1/models/{run_id}").json()["model_version_status"]]
    assert versions == [str(e) for e in sorted(run["checkpoints"], reverse=True)]
    served = np.array(predict(studio, run_id, {"instances": x.tolist()}).json()["predictions"])
    np.testing.assert_allclose(served, trained_model(store, run_id).predict(x, verbose=0), atol=TOL, rtol=0)
