"""``POST /api/models/validate`` and ``/api/models/code``: shapes, counts, errors naming layers, suggestions."""
from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine import keras
from studio.modeldoc import ModelDocumentError, build_model, validate_document
from studio.modeldoc.topology import MAX_LAYERS

L = keras.layers


def _live_studio_class() -> type:
    """conftest's LiveStudio, loaded by path (its fixtures are per test; these tests share one server)."""
    path = Path(__file__).with_name("conftest.py")
    spec = importlib.util.spec_from_file_location("_studio_conftest_for_models", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.LiveStudio


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    """One real server on loopback for the module (validation keeps no state)."""
    live = _live_studio_class()(data_dir=tmp_path_factory.mktemp("models"), config={}).start()
    yield live
    live.stop()


# -- documents ---------------------------------------------------------------------------------
def inp(name: str, *shape: int | None) -> dict:
    return {"class_name": "InputLayer", "name": name, "inbound_nodes": [],
            "config": {"name": name, "batch_input_shape": [None, *shape], "dtype": "float32"}}


def lay(class_name: str, name: str, src: Any, **config: Any) -> dict:
    sources = src if isinstance(src, list) else [src]
    return {"class_name": class_name, "name": name, "config": {"name": name, **config},
            "inbound_nodes": [[[s, 0, 0, {}] for s in sources]] if src else []}


def functional(layers: list, inputs: list, outputs: list) -> dict:
    return {"class_name": "Functional", "config": {
        "name": "model", "layers": layers, "input_layers": [[i, 0, 0] for i in inputs],
        "output_layers": [[o, 0, 0] for o in outputs]}}


def by_name(report: dict) -> dict:
    return {row["name"]: row for row in report["layers"]}


def errors_of(studio, doc: dict) -> tuple[dict, dict]:
    """POST the document; it must be refused with 400: (the report, {layer: first error})."""
    r = studio.post("/api/models/validate", json={"model": doc})
    assert r.status_code == 400, r.text
    body = r.json()
    report = body["details"]
    assert report["valid"] is False and report["summary"] is None
    assert body["error"] == report["errors"][0]["message"]
    first: dict = {}
    for e in report["errors"]:
        first.setdefault(e["layer"], e)
    return report, first


CNN = keras.Sequential([
    keras.Input((12, 12, 1)), L.Conv2D(4, 3, activation="relu", name="conv"), L.BatchNormalization(name="bn"),
    L.MaxPooling2D(name="pool"), L.Flatten(name="flat"), L.Dropout(0.2, name="drop"),
    L.Dense(10, activation="softmax", name="out")], name="cnn")


def multi_input_model() -> Any:
    a, b = keras.Input((8,), name="a"), keras.Input((6, 3), name="b")
    da = L.Dense(5, activation="relu", name="da")(a)
    lb = L.LSTM(5, name="lb")(b)
    add = L.Add(name="add")([da, lb])
    cat = L.Concatenate(name="cat")([da, add, L.Dense(2, name="side")(lb)])
    return keras.Model([a, b], [L.Dense(3, activation="softmax", name="cls")(cat), L.Dense(1, name="reg")(add)],
                       name="two_heads")


# -- valid documents ------------------------------------------------------------------------------
def assert_matches_engine(report: dict, doc: dict) -> Any:
    model = build_model(doc)
    rows = by_name(report)
    for layer in model.layers:
        row = rows[layer.name]
        assert row["params"] == layer.count_params(), layer.name
        assert row["output_shape"] == list(layer.output.shape), layer.name
        assert row["error"] is None
    assert report["total_params"] == model.count_params()
    assert report["trainable_params"] + report["non_trainable_params"] == report["total_params"]
    return model


def test_sequential_report_matches_the_engine_model(studio):
    doc = json.loads(CNN.to_json())
    r = studio.post("/api/models/validate", json={"model": doc})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["valid"] and report["errors"] == [] and report["suggestions"] == []
    rows = by_name(report)
    assert rows["conv"]["output_shape"] == [None, 10, 10, 4] and rows["conv"]["params"] == 40
    assert rows["bn"]["params"] == 16 and rows["bn"]["trainable_params"] == 8
    assert rows["flat"]["inbound"] == ["pool"] and rows["flat"]["output_shape"] == [None, 100]
    assert report["non_trainable_params"] == 8 and report["total_params"] == 40 + 16 + 1010
    assert_matches_engine(report, doc)
    assert 'Model: "cnn"' in report["summary"] and "conv (Conv2D)" in report["summary"]
    assert "Total params: 1,066" in report["summary"] and "Non-trainable params: 8" in report["summary"]
    # Keras 3's own config (get_config) and a whole TF.js model.json give the same report
    keras3 = {"module": "keras", "class_name": "Sequential", "config": CNN.get_config(), "registered_name": None}
    assert validate_document(keras3).report["layers"] == validate_document(doc).report["layers"]
    tfjs = {"format": "layers-model", "modelTopology": {"model_config": doc}, "weightsManifest": []}
    assert validate_document(tfjs).report == validate_document(doc).report


def test_sequential_without_input_layer_uses_the_first_layers_shape():
    doc = {"class_name": "Sequential", "config": {"layers": [
        {"class_name": "Dense", "config": {"units": 4, "batch_input_shape": [None, 3]}},
        {"class_name": "Dense", "config": {"units": 2}}]}}
    report = validate_document(doc).report
    assert report["valid"], report["errors"]
    assert [(r["name"], r["output_shape"], r["params"]) for r in report["layers"]] == [
        ("dense", [None, 4], 16), ("dense_1", [None, 2], 10)]
    doc["config"]["layers"][0]["config"].pop("batch_input_shape")
    result = validate_document(doc)
    assert [(e["layer"], e["field"]) for e in result.report["errors"]] == [("dense", "batch_input_shape")]
    with pytest.raises(ModelDocumentError) as info:
        build_model(doc)
    assert (info.value.layer, info.value.field) == ("dense", "batch_input_shape")


def test_functional_multi_input_with_merges(studio):
    model = multi_input_model()
    doc = json.loads(model.to_json())
    r = studio.post("/api/models/validate", json={"model": doc, "layout": {"a": {"x": 1, "y": 2}}})
    assert r.status_code == 200, r.text
    report = r.json()
    rows = by_name(report)
    assert rows["lb"]["output_shape"] == [None, 5] and rows["lb"]["params"] == 4 * 5 * (3 + 5 + 1)
    assert rows["add"]["inbound"] == ["da", "lb"] and rows["add"]["output_shape"] == [None, 5]
    assert rows["cat"]["inbound"] == ["da", "add", "side"] and rows["cat"]["output_shape"] == [None, 12]
    assert rows["cls"]["output_shape"] == [None, 3] and rows["reg"]["output_shape"] == [None, 1]
    assert_matches_engine(report, doc)
    assert report["total_params"] == model.count_params()
    assert "Connected to" in report["summary"] and "da[0][0], lb[0][0]" in report["summary"]
    keras3 = {"module": "keras", "class_name": "Functional", "config": model.get_config(),
              "registered_name": "Functional"}
    assert validate_document(keras3).report["layers"] == report["layers"]


def test_shared_layer_and_multiple_outputs_per_layer():
    x = keras.Input((4, 3), name="x")
    shared = L.Dense(3, name="shared")
    seq, h, c = L.LSTM(2, return_sequences=True, return_state=True, name="lstm")(shared(shared(x)))
    model = keras.Model(x, [L.Flatten(name="f")(seq), L.Add(name="hc")([h, c])], name="m")
    report = validate_document(json.loads(model.to_json())).report
    assert report["valid"], report["errors"]
    rows = by_name(report)
    assert rows["shared"]["params"] == 12 and rows["shared"]["inbound"] == ["x", "shared"]
    assert rows["lstm"]["output_shape"] == [[None, 4, 2], [None, 2], [None, 2]]
    assert report["total_params"] == model.count_params()


@pytest.fixture(scope="module")
def real_keras(tf_oracle: Any) -> Any:
    """Real Keras 3 (TensorFlow backend)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras as real  # noqa: PLC0415

    assert real.__version__.startswith("3."), real.__version__
    return real


def test_counts_and_code_match_real_keras(studio, real_keras):
    """The code view rebuilds each model in real Keras 3 with the same per-layer parameter counts and shapes."""
    for model in (CNN, multi_input_model()):
        doc = json.loads(model.to_json())
        report = studio.post("/api/models/validate", json={"model": doc}).json()
        r = studio.post("/api/models/code", json={"model": doc})
        assert r.status_code == 200, r.text
        namespace: dict = {}
        exec(compile(r.json()["code"], "model.py", "exec"), namespace)  # noqa: S102 - the code view's output
        km = namespace["build_model"]()
        assert km.count_params() == report["total_params"]
        for row in report["layers"]:
            if row["class_name"] != "InputLayer":
                real_layer = km.get_layer(row["name"])
                assert real_layer.count_params() == row["params"], row["name"]
                assert list(real_layer.output.shape) == row["output_shape"], row["name"]


# -- errors ---------------------------------------------------------------------------------------
def test_structural_errors_name_the_layer(studio):
    cycle = functional([inp("in", 8), lay("Dense", "a", "in", units=4), lay("Add", "x", ["a", "y"]),
                        lay("Dense", "y", "x", units=4), lay("Dense", "out", "y", units=1)], ["in"], ["out"])
    report, first = errors_of(studio, cycle)
    assert first["x"]["field"] == "inbound_nodes" and "cycle" in first["x"]["message"]
    rows = by_name(report)
    assert rows["a"]["output_shape"] == [None, 4] and rows["a"]["error"] is None  # upstream keeps its shape
    assert rows["y"]["error"] and rows["out"]["output_shape"] is None

    dangling = functional([inp("in", 8), lay("Dense", "a", "inp", units=4)], ["in"], ["a"])
    _, first = errors_of(studio, dangling)
    assert first["a"]["field"] == "inbound_nodes" and "'inp'" in first["a"]["message"] \
        and "Did you mean 'in'" in first["a"]["message"]

    duplicate = functional([inp("in", 8), lay("Dense", "d", "in", units=4), lay("Dense", "d", "in", units=2)],
                           ["in"], ["d"])
    _, first = errors_of(studio, duplicate)
    assert first["d"]["field"] == "name" and "used twice" in first["d"]["message"]

    no_io = functional([inp("in", 8), lay("Dense", "d", "in", units=4)], [], [])
    report, first = errors_of(studio, no_io)
    assert {e["field"] for e in report["errors"]} == {"input_layers", "output_layers"}
    fixes = [s["fix"] for s in report["suggestions"]]
    assert {"action": "set_inputs", "layers": ["in"]} in fixes and {"action": "set_outputs", "layers": ["d"]} in fixes
    no_input = functional([lay("Dense", "d", None, units=4)], [], ["d"])
    _, first = errors_of(studio, no_input)
    assert "no input" in first[None]["message"]
    unknown_output = functional([inp("in", 8), lay("Dense", "d", "in", units=4)], ["in"], ["dd"])
    _, first = errors_of(studio, unknown_output)
    assert first[None]["field"] == "output_layers" and "'dd'" in first[None]["message"]
    _, first = errors_of(studio, {"class_name": "Sequential", "config": {"layers": []}})
    assert first[None]["field"] == "layers"


def test_unknown_class_suggests_close_names(studio):
    doc = functional([inp("in", 8), lay("Dens", "d", "in", units=4), lay("Dense", "out", "d", units=1)],
                     ["in"], ["out"])
    report, first = errors_of(studio, doc)
    assert first["d"]["field"] == "class_name" and "Did you mean 'Dense'" in first["d"]["message"]
    assert {"action": "replace", "layer": "d", "class_name": "Dense"} in [s["fix"] for s in report["suggestions"]]
    assert by_name(report)["out"]["output_shape"] is None
    _, first = errors_of(studio, functional([inp("in", 8), lay("conv2d", "c", "in")], ["in"], ["c"]))
    assert "Did you mean 'Conv2D'" in first["c"]["message"]


@pytest.mark.parametrize(("config", "field", "needle"), [
    ({"units": -3}, "units", ">= 1"),
    ({"units": "8"}, "units", "integer"),
    ({"units": 2.5}, "units", "integer"),
    ({"units": 4, "activation": "sigmoidd"}, "activation", "known activation"),
    ({"units": 4, "use_bias": "yes"}, "use_bias", "true or false"),
    ({"units": 4, "kernel_initializer": "glorot"}, "kernel_initializer", "known initializer"),
    ({}, "units", "required"),
])
def test_bad_config_values_name_layer_and_field(studio, config, field, needle):
    doc = functional([inp("in", 8), lay("Dense", "bad", "in", **config), lay("Dense", "out", "bad", units=1)],
                     ["in"], ["out"])
    report, first = errors_of(studio, doc)
    assert first["bad"]["field"] == field and needle in first["bad"]["message"], first
    assert "'bad'" in first["bad"]["message"] and "(Dense)" in first["bad"]["message"]
    assert by_name(report)["in"]["output_shape"] == [None, 8] and by_name(report)["out"]["output_shape"] is None


def test_engine_config_errors_are_mapped_to_the_field(studio):
    doc = functional([inp("in", 8, 8, 3), lay("Conv2D", "c", "in", filters=2, kernel_size=3, padding="full"),
                      lay("UpSampling2D", "u", "in", interpolation="cubic"),
                      lay("Dropout", "drop", "in", rate=1.5)], ["in"], ["c", "u", "drop"])
    report, first = errors_of(studio, doc)
    assert first["c"]["field"] == "padding" and "'valid'" in first["c"]["message"]
    assert first["u"]["field"] == "interpolation"
    assert first["drop"]["field"] == "rate" and "between 0.0 and 1.0" in first["drop"]["message"]
    # a value only the engine can judge (the engine's message, mapped to the field it names)
    doc = functional([inp("in", 6, 5), lay("Permute", "p", "in", dims=[1, 1])], ["in"], ["p"])
    _, first = errors_of(studio, doc)
    assert first["p"]["layer"] == "p" and "dims" in first["p"]["message"]


def test_shape_mismatches_name_layer_and_shapes(studio):
    conv_after_dense = functional([inp("in", 16), lay("Dense", "d", "in", units=16),
                                   lay("Conv2D", "c", "d", filters=2, kernel_size=3), lay("Flatten", "f", "c")],
                                  ["in"], ["f"])
    report, first = errors_of(studio, conv_after_dense)
    assert "(None, 16) from 'd'" in first["c"]["message"] and "ndim" in first["c"]["message"]
    rows = by_name(report)
    assert rows["d"]["output_shape"] == [None, 16] and rows["f"]["output_shape"] is None
    assert {"action": "insert", "class_name": "Reshape", "after": "d", "before": "c",
            "config": {"target_shape": [4, 4, 1]}} in [s["fix"] for s in report["suggestions"]]

    add_mismatch = functional([inp("in", 8), lay("Dense", "a", "in", units=4), lay("Dense", "b", "in", units=6),
                               lay("Add", "add", ["a", "b"]), lay("Dense", "out", "add", units=1)], ["in"], ["out"])
    report, first = errors_of(studio, add_mismatch)
    assert "(None, 4) from 'a'" in first["add"]["message"] and "(None, 6) from 'b'" in first["add"]["message"]
    assert {"action": "replace", "layer": "add", "class_name": "Concatenate"} in \
        [s["fix"] for s in report["suggestions"]]

    lstm_2d = functional([inp("in", 10), lay("LSTM", "rnn", "in", units=4), lay("Dense", "out", "rnn", units=1)],
                         ["in"], ["out"])
    report, first = errors_of(studio, lstm_2d)
    assert "(None, 10) from 'in'" in first["rnn"]["message"] and "ndim=3" in first["rnn"]["message"]
    [fix] = [s["fix"] for s in report["suggestions"]]
    assert fix == {"action": "insert", "class_name": "Reshape", "after": "in", "before": "rnn",
                   "config": {"target_shape": [10, 1]}}
    merge_one = functional([inp("in", 8), lay("Add", "add", "in")], ["in"], ["add"])
    _, first = errors_of(studio, merge_one)
    assert first["add"]["field"] == "inbound_nodes" and "at least 2" in first["add"]["message"]


def test_conv_into_dense_classifier_suggests_flatten(studio):
    """Valid (Dense applies to the last axis), but a classifier predicting per position: a suggestion."""
    doc = functional([inp("img", 12, 12, 1), lay("Conv2D", "conv", "img", filters=4, kernel_size=3),
                      lay("MaxPooling2D", "pool", "conv"), lay("Activation", "act", "pool", activation="relu"),
                      lay("Dense", "cls", "act", units=10, activation="softmax")], ["img"], ["cls"])
    r = studio.post("/api/models/validate", json={"model": doc})
    assert r.status_code == 200, r.text
    report = r.json()
    assert by_name(report)["cls"]["output_shape"] == [None, 5, 5, 10]
    fixes = [s["fix"] for s in report["suggestions"]]
    assert fixes[0] == {"action": "insert", "class_name": "Flatten", "after": "act", "before": "cls"}
    assert {"action": "insert", "class_name": "GlobalAveragePooling2D", "after": "act", "before": "cls"} in fixes
    assert all(s["layer"] == "cls" for s in report["suggestions"])
    flat = functional([inp("img", 12, 12, 1), lay("Conv2D", "conv", "img", filters=4, kernel_size=3),
                       lay("Flatten", "f", "conv"), lay("Dense", "cls", "f", units=10)], ["img"], ["cls"])
    assert studio.post("/api/models/validate", json={"model": flat}).json()["suggestions"] == []


def test_unconnected_layers_are_suggested_for_removal():
    doc = functional([inp("in", 4), lay("Dense", "out", "in", units=1), lay("Dense", "loose", None, units=2),
                      lay("Dense", "dead_end", "in", units=2)], ["in"], ["out"])
    report = validate_document(doc).report
    assert report["valid"]
    assert sorted(s["fix"]["layer"] for s in report["suggestions"]) == ["dead_end", "loose"]


def test_limits(studio):
    many = {"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, 2]}}] + [{"class_name": "Dense", "config": {"units": 2}}] * MAX_LAYERS}}
    r = studio.post("/api/models/validate", json={"model": many})
    assert r.status_code == 400 and "at most 500" in r.json()["error"]
    huge = functional([inp("in", 100_000), lay("Dense", "d", "in", units=100_000)], ["in"], ["d"])
    _, first = errors_of(studio, huge)
    assert "weights" in first["d"]["message"]
    _, first = errors_of(studio, functional([inp("in", 10**6, 10**6)], ["in"], ["in"]))
    assert first["in"]["field"] == "batch_input_shape"
    padded = functional([inp("in", 8, 8, 3), lay("ZeroPadding2D", "pad", "in", padding=30_000)], ["in"], ["pad"])
    _, first = errors_of(studio, padded)
    assert "values per sample" in first["pad"]["message"]
    ok = {"class_name": "Sequential", "config": {"layers": [{"class_name": "InputLayer", "config": {
        "batch_input_shape": [None, 2]}}] + [{"class_name": "Dense", "config": {"units": 2}}] * 100}}
    r = studio.post("/api/models/validate", json={"model": ok})
    assert r.status_code == 200 and r.json()["total_params"] == 600


@pytest.mark.parametrize("body", [
    "not json", "[1, 2]", "{}", '{"model": 3}', '{"model": "Dense"}', '{"model": {}}',
    '{"model": {"class_name": "Foo", "config": {}}}', '{"model": {"class_name": "Sequential", "config": 3}}',
    '{"model": {"class_name": "Sequential", "config": {"layers": [3, {"class_name": 7}]}}}',
    '{"model": {"class_name": "Functional", "config": {"layers": [{"class_name": "Dense", "config": {}, '
    '"inbound_nodes": [[["x"]]]}], "input_layers": "a", "output_layers": []}}}',
    '{"model": {"class_name": "Sequential", "config": {"layers": []}}, "extra": 1}',
    '{"model": {"class_name": "Sequential", "config": {"layers": []}}, "layout": 5}',
])
def test_malformed_bodies_answer_400(studio, body):
    for path in ("/api/models/validate", "/api/models/code"):
        r = studio.post(path, data=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 400, (path, body, r.text)
        assert isinstance(r.json()["error"], str) and r.json()["error"]


def test_code_view(studio):
    doc = json.loads(CNN.to_json())
    r = studio.post("/api/models/code", json={"model": doc})
    assert r.status_code == 200
    code = r.json()["code"]
    assert "import keras" in code and "def build_model(" in code and 'name="conv"' in code
    bad = functional([inp("in", 8), lay("Dense", "d", "in", units=0)], ["in"], ["d"])
    r = studio.post("/api/models/code", json={"model": bad})
    assert r.status_code == 400 and r.json()["details"]["errors"][0]["layer"] == "d"


def test_build_model_is_the_engine_model():
    model = build_model(json.loads(CNN.to_json()))
    x = np.zeros((2, 12, 12, 1), np.float32)
    assert model(x).shape == (2, 10) and model.count_params() == CNN.count_params()
    with pytest.raises(ModelDocumentError) as info:
        build_model(functional([inp("in", 8), lay("Dense", "d", "in", units=-1)], ["in"], ["d"]))
    assert (info.value.layer, info.value.field) == ("d", "units")
    assert info.value.as_details()["info"]["valid"] is False


def test_openapi_describes_the_routes_and_the_answers_conform(studio):
    from jsonschema import Draft202012Validator  # noqa: PLC0415
    from openapi_spec_validator import validate  # noqa: PLC0415

    doc = studio.get("/api/openapi.json").json()
    validate(doc)
    paths = doc["paths"]
    assert set(paths["/api/projects/{project_id}"]) == {"get", "put", "patch", "delete"}
    assert set(paths["/api/projects"]) == {"get", "post"}
    assert {"/api/layers", "/api/layers/{class_name}", "/api/models/validate", "/api/models/code"} <= set(paths)
    assert {"LayerCatalog", "ValidationReport", "Project"} <= set(doc["components"]["schemas"])

    def conforms(name: str, value: Any) -> None:
        schema = {"$ref": f"#/components/schemas/{name}", "components": doc["components"]}
        errors = sorted(Draft202012Validator(schema).iter_errors(value), key=str)
        assert not errors, (name, [e.message for e in errors[:3]])

    conforms("LayerCatalog", studio.get("/api/layers").json())
    conforms("ValidationReport", studio.post("/api/models/validate",
                                             json={"model": json.loads(CNN.to_json())}).json())
    bad = functional([inp("in", 8), lay("LSTM", "l", "in", units=2), lay("Dense", "d", "in", units=0)], ["in"], ["l"])
    conforms("ValidationReport", studio.post("/api/models/validate", json={"model": bad}).json()["details"])
    project = studio.post("/api/projects", json={"name": "p", "model": bad, "layout": {"l": [1, 2]}}).json()
    conforms("Project", project)
    conforms("ProjectSummary", studio.get("/api/projects").json()[0])


_ODD_VALUES = [None, -1, 0, 1, 3, 2.5, 1e12, float("inf"), "", "same", "relu", [], [1], [None, 3], [0], [-1, -1],
               {}, {"class_name": "X"}, True, [[1, 2], [3]], 10**9]


def _paths(value: Any, path: tuple = ()) -> list:
    out = [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        out += _paths(child, path + (key,))
    return out


def test_mutated_documents_never_break_validation():
    """200 seeded random edits of real documents (wrong types, deletions, duplicates): always a report."""
    import copy  # noqa: PLC0415
    import random  # noqa: PLC0415

    rng = random.Random(5)
    seeds = [json.loads(CNN.to_json()), json.loads(multi_input_model().to_json()),
             {"class_name": "Functional", "config": multi_input_model().get_config()}]
    for _ in range(200):
        doc = copy.deepcopy(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(_paths(doc)[1:])
            parent = doc
            for key in path[:-1]:
                parent = parent[key]
            roll = rng.random()
            if roll < 0.7:
                parent[path[-1]] = copy.deepcopy(rng.choice(_ODD_VALUES))
            elif isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent.append(copy.deepcopy(parent[path[-1]]))
        result = validate_document(doc)
        report = json.loads(json.dumps(result.report, allow_nan=False))
        assert result.valid == (not report["errors"]) == report["valid"]
        assert (report["summary"] is not None) == result.valid and (result.model is not None) == result.valid
        for e in report["errors"]:
            assert e["message"] and "Traceback" not in e["message"]


def test_encoder_decoder_with_initial_state_validates_in_keras2_form():
    """LSTM states passed as initial_state are extra inbound tensors in the Keras 2 / TF.js form."""
    enc_in, dec_in = keras.Input((5, 3), name="enc_in"), keras.Input((4, 3), name="dec_in")
    _, h, c = keras.layers.LSTM(8, return_state=True, name="enc")(enc_in)
    out = keras.layers.LSTM(8, name="dec")(dec_in, initial_state=[h, c])
    model = keras.Model([enc_in, dec_in], keras.layers.Dense(2, name="head")(out))
    report = validate_document(json.loads(model.to_json())).report
    assert report["valid"], report["errors"]
    assert by_name(report)["dec"]["inbound"] == ["dec_in", "enc"]
    assert report["total_params"] == model.count_params()


def test_report_always_answers_200_with_the_errors(studio):
    doc = functional([inp("x", 4), lay("Dense", "d", "x", units=-3)], ["x"], ["d"])
    strict = studio.post("/api/models/validate", json={"model": doc})
    assert strict.status_code == 400
    live = studio.post("/api/models/validate?report=always", json={"model": doc})
    assert live.status_code == 200
    report = live.json()
    assert report["valid"] is False and report["errors"][0]["layer"] == "d"
    assert report["errors"][0]["message"] == strict.json()["error"]
    assert studio.post("/api/models/validate?report=sometimes", json={"model": doc}).status_code == 400
