"""The layer catalog: generated from the engine's registry, every field typed, every entry buildable."""
from __future__ import annotations

import re

import pytest

from engine import keras
from engine.keras.saving import object_registry
from studio.catalog import CATEGORY_ORDER, FIELD_TYPES, get_catalog, layer_catalog

#: Registered classes the palette leaves out on purpose: whole models, RNN cells (they run inside an
#: RNN layer) and Lambda (a Python function cannot come from the editor).
NOT_IN_PALETTE = {"Functional", "Sequential", "Lambda", "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells"}


@pytest.fixture(scope="module")
def catalog():
    return get_catalog()


def test_catalog_covers_every_registered_layer(catalog):
    registered = set(object_registry.LAYERS)
    assert NOT_IN_PALETTE <= registered
    assert set(catalog.by_name) == registered - NOT_IN_PALETTE
    assert get_catalog() is catalog  # cached per process
    assert layer_catalog() == {"categories": catalog.categories, "layers": catalog.layers}


def test_categories_are_the_palette_groups_in_order(catalog):
    expected = [c for c in CATEGORY_ORDER
                if any(object_registry.LAYER_CATEGORY[n] == c for n in catalog.by_name)]
    assert catalog.categories == expected
    assert {"Core", "Convolution", "Pooling", "Recurrent", "Normalization", "Merge", "Activation", "Reshaping",
            "Preprocessing"} <= set(catalog.categories)
    positions = [catalog.categories.index(e["category"]) for e in catalog.layers]
    assert positions == sorted(positions)
    for entry in catalog.layers:
        assert entry["category"] == object_registry.LAYER_CATEGORY[entry["class_name"]]


def test_every_field_has_a_type_and_a_consistent_spec(catalog):
    for entry in catalog.layers:
        assert entry["description"], entry["class_name"]
        names = [f["name"] for f in entry["fields"]]
        assert len(names) == len(set(names)), entry["class_name"]
        assert "name" in names
        for f in entry["fields"]:
            where = f"{entry['class_name']}.{f['name']}"
            assert set(f) >= {"name", "type", "default", "required", "nullable"}, where
            assert f["type"] in FIELD_TYPES, where
            if f["required"]:
                assert f["default"] is None and not f["nullable"] and "example" in f, where
            if f["type"] == "enum":
                assert f["choices"], where
                assert f["default"] is None or f["default"] in f["choices"], where
            if f["type"] in ("activation", "initializer"):
                assert f["default"] is None or f["default"] in f["choices"], where
        assert isinstance(entry["min_inputs"], int)
        assert entry["max_inputs"] is None or entry["max_inputs"] >= entry["min_inputs"]


def test_field_details_come_from_introspection(catalog):
    dense = {f["name"]: f for f in catalog.entry("Dense")["fields"]}
    assert dense["units"] == {**dense["units"], "type": "int", "required": True, "min": 1}
    assert dense["activation"]["type"] == "activation" and "relu" in dense["activation"]["choices"]
    assert set(dense["activation"]["choices"]) >= {"softmax", "sigmoid", "tanh", "linear", "gelu"}
    assert dense["kernel_initializer"]["default"] == "glorot_uniform"
    assert "he_normal" in dense["kernel_initializer"]["choices"]
    assert dense["kernel_regularizer"]["type"] == "regularizer" and dense["kernel_regularizer"]["nullable"]
    assert dense["use_bias"] == {**dense["use_bias"], "type": "bool", "default": True}
    conv = {f["name"]: f for f in catalog.entry("Conv2D")["fields"]}
    assert conv["kernel_size"]["type"] == "int_list" and conv["strides"]["default"] == [1, 1]
    assert conv["padding"]["choices"] == ["valid", "same"]
    assert "causal" in {f["name"]: f for f in catalog.entry("Conv1D")["fields"]}["padding"]["choices"]
    assert conv["data_format"]["choices"] == ["channels_last", "channels_first"]
    upsampling = {f["name"]: f for f in catalog.entry("UpSampling2D")["fields"]}
    assert upsampling["interpolation"]["choices"] == ["nearest", "bilinear"]  # what the engine accepts
    assert {f["name"]: f for f in catalog.entry("ZeroPadding2D")["fields"]}["padding"]["type"] == "int_list"
    dropout = {f["name"]: f for f in catalog.entry("Dropout")["fields"]}
    assert (dropout["rate"]["min"], dropout["rate"]["max"]) == (0.0, 1.0)
    bn = {f["name"]: f for f in catalog.entry("BatchNormalization")["fields"]}
    assert (bn["momentum"]["default"], bn["epsilon"]["default"]) == (0.99, 0.001)
    inp = {f["name"]: f for f in catalog.entry("InputLayer")["fields"]}
    assert inp["batch_input_shape"]["type"] == "shape" and inp["batch_input_shape"]["required"]
    for wrapper in ("Bidirectional", "TimeDistributed"):
        layer = {f["name"]: f for f in catalog.entry(wrapper)["fields"]}["layer"]
        assert layer["type"] == "json" and layer["required"]
    assert {f["name"]: f for f in catalog.entry("CategoryEncoding")["fields"]}["num_tokens"]["required"]
    assert "rank" not in {f["name"] for f in catalog.entry("Conv2D")["fields"]}  # the subclass passes it


def test_inputs_and_weights(catalog):
    assert (catalog.entry("InputLayer")["min_inputs"], catalog.entry("InputLayer")["max_inputs"]) == (0, 0)
    assert (catalog.entry("Dense")["min_inputs"], catalog.entry("Dense")["max_inputs"]) == (1, 1)
    for merge in ("Add", "Concatenate", "Multiply", "Average", "Maximum", "Minimum"):
        assert (catalog.entry(merge)["min_inputs"], catalog.entry(merge)["max_inputs"]) == (2, None), merge
    for pair in ("Subtract", "Dot"):
        assert (catalog.entry(pair)["min_inputs"], catalog.entry(pair)["max_inputs"]) == (2, 2), pair
    assert catalog.entry("Dense")["weights"] == ["kernel", "bias"]
    assert catalog.entry("BatchNormalization")["weights"] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert catalog.entry("SeparableConv2D")["weights"] == ["depthwise_kernel", "pointwise_kernel", "bias"]
    assert catalog.entry("LSTM")["weights"] == ["lstm_cell/kernel", "lstm_cell/recurrent_kernel", "lstm_cell/bias"]
    assert catalog.entry("Bidirectional")["weights"][0] == "forward_lstm/lstm_cell/kernel"
    assert catalog.entry("Flatten")["weights"] == []
    assert catalog.entry("LSTM")["input_ranks"] == [3]
    assert catalog.entry("Conv2D")["input_ranks"] == [4]


PROBE = {2: (None, 32), 3: (None, 6, 32), 4: (None, 6, 6, 32), 5: (None, 4, 4, 4, 32)}


@pytest.mark.parametrize("class_name", sorted(set(object_registry.LAYERS) - NOT_IN_PALETTE))
def test_each_layer_builds_from_catalog_defaults(catalog, class_name):
    """Defaults + the examples of required fields make a layer the engine builds, with the listed weights."""
    entry = catalog.entry(class_name)
    config = {f["name"]: f["default"] for f in entry["fields"] if f["default"] is not None}
    config.update({f["name"]: f["example"] for f in entry["fields"] if f["required"]})
    layer = keras.saving.deserialize_keras_object({"class_name": class_name, "config": config})
    if class_name == "InputLayer":
        assert tuple(layer.output.shape) == tuple(config["batch_input_shape"])
        return
    assert entry["input_ranks"], class_name
    shape = PROBE[entry["input_ranks"][0]]
    inputs = [keras.Input(batch_shape=shape) for _ in range(max(1, entry["min_inputs"]))]
    layer(inputs if len(inputs) > 1 else inputs[0])
    prefix = layer.name + "/"
    names = ["/".join(re.sub(r"_\d+$", "", p) for p in w.path.removeprefix(prefix).split("/")) for w in layer.weights]
    assert names == entry["weights"]
    for f in entry["fields"]:  # every value the catalog lists for an enum is one the constructor takes
        if f["type"] == "enum":
            for choice in f["choices"]:
                keras.saving.deserialize_keras_object({"class_name": class_name,
                                                       "config": {**config, f["name"]: choice}})


def test_layers_endpoint(studio):
    r = studio.get("/api/layers")
    assert r.status_code == 200
    body = r.json()
    assert body == layer_catalog()
    r = studio.get("/api/layers/Conv2D")
    assert r.status_code == 200 and r.json()["class_name"] == "Conv2D"
    r = studio.get("/api/layers/Conv2d")
    assert r.status_code == 404 and "Conv2D" in r.json()["error"] and r.json()["details"]["did_you_mean"]
    assert studio.get("/api/layers/Sequential").status_code == 404
