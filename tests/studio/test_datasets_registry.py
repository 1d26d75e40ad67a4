"""``DatasetRegistry``: loading with options, uploads through the store, and the sequence sets train."""
from __future__ import annotations

import time

import numpy as np
import pytest

import engine as tf
import sample_data
from engine import keras
from sample_data import sequences
from studio.datasets import (BuiltinDatasetError, CsvOptions, DatasetRegistry, OptionError, UnknownDataset)
from studio.store import Store


@pytest.fixture
def registry(tmp_path):
    store = Store(tmp_path)
    yield DatasetRegistry(store)
    store.close()


def test_builtin_load_matches_sample_data_and_reports_options(registry):
    x, y, d = registry.load("spiral", {"num_samples": 200, "noise": 0.1, "seed": 5})
    ex, ey, _ = sample_data.load("spiral", num_samples=200, noise=0.1, seed=5)
    np.testing.assert_array_equal(x, ex)
    np.testing.assert_array_equal(y, ey)
    assert d["options_used"] == {"num_samples": 200, "noise": 0.1, "seed": 5, "shuffle": True}
    assert d["size"] == 200 and d["source"] == "builtin" and d["task"] == "classification"
    assert set(d["options"]) == {"num_samples", "noise", "seed", "shuffle"}  # still the schema
    # JSON Schema integers: 5.0 is an integer.
    x2, _, _ = registry.load("spiral", {"num_samples": 200.0, "noise": 0.1, "seed": 5})
    np.testing.assert_array_equal(x2, x)


def test_file_sets_shuffle_reproducibly(registry):
    x, y, d = registry.load("iris")
    assert d["options_used"] == {"shuffle": True, "seed": 0}
    assert len(set(y[:20].tolist())) == 3  # no longer sorted by class
    np.testing.assert_array_equal(registry.load("iris")[0], x)
    ox, oy, _ = registry.load("iris", {"shuffle": False})
    sx, sy, _ = sample_data.load("iris")
    np.testing.assert_array_equal(ox, sx)
    np.testing.assert_array_equal(oy, sy)
    assert not np.array_equal(registry.load("iris", {"seed": 1})[0], x)
    assert registry.load("digits")[0].shape == (1797, 8, 8, 1)


@pytest.mark.parametrize("dataset_id,options,option", [
    ("spiral", {"noise": 0.51}, "noise"),
    ("spiral", {"noise": "0.1"}, "noise"),
    ("spiral", {"num_samples": True}, "num_samples"),
    ("spiral", {"num_samples": 10.5}, "num_samples"),
    ("spiral", {"seed": 2**32}, "seed"),
    ("spiral", {"shuffle": 1}, "shuffle"),
    ("waves", {"noise": float("nan")}, "noise"),
    ("iris", {"num_samples": 10}, "num_samples"),
    ("digits", {"seed": -1}, "seed"),
])
def test_bad_options_raise_naming_the_option(registry, dataset_id, options, option):
    with pytest.raises(OptionError, match=repr(option)) as info:
        registry.load(dataset_id, options)
    assert info.value.option == option and isinstance(info.value, ValueError)
    with pytest.raises(OptionError):
        registry.load("spiral", ["noise"])  # not an object


def test_unknown_ids(registry):
    for bad in ("nope", "", "../iris"):
        with pytest.raises(UnknownDataset):
            registry.describe(bad)
        with pytest.raises(UnknownDataset):
            registry.load(bad)
        with pytest.raises(UnknownDataset):
            registry.delete(bad)
    with pytest.raises(BuiltinDatasetError):
        registry.delete("iris")


def test_upload_round_trip_through_the_registry(registry):
    text = "a,b,colour,target\n" + "".join(f"{i},{i * 2},{'rgb'[i % 3]},{i % 4}\n" for i in range(50))
    d = registry.add_upload(text.encode(), CsvOptions(validation_split=0.1), "my.csv")
    assert d["source"] == "upload" and d["name"] == "my" and d["filename"] == "my.csv"
    assert registry.describe(d["id"]) == d and registry.list()[-1] == d
    x, y, info = registry.load(d["id"], {"shuffle": False})
    assert x.dtype == np.float32 and x.shape == (50, 5) and y.dtype == np.int32
    assert info["input_shape"] == [5] and info["num_classes"] == 4 and info["class_names"] == ["0", "1", "2", "3"]
    assert info["validation_split"] == 0.1
    np.testing.assert_array_equal(x[4], [4, 8, 0, 1, 0])  # colour 'g' -> one-hot (b, g, r)
    preview = registry.preview(d["id"], limit=3)
    assert preview["rows"] == [["0", "0", "r", "0"], ["1", "2", "g", "1"], ["2", "4", "b", "2"]]
    registry.delete(d["id"])
    with pytest.raises(UnknownDataset):
        registry.load(d["id"])


def test_a_failed_import_leaves_nothing_behind(registry, tmp_path):
    before = sorted(p.name for p in (tmp_path / "datasets").glob("*")) if (tmp_path / "datasets").exists() else []
    with pytest.raises(ValueError, match="numeric"):
        registry.add_upload(b"a,b\n1,2\n3,4\n5,6\n7,8\nx,1\n", CsvOptions())
    after = sorted(p.name for p in (tmp_path / "datasets").glob("*")) if (tmp_path / "datasets").exists() else []
    assert before == after and registry.list()[-1]["source"] == "builtin"


def _fit(model, x, y, epochs):
    history = model.fit(x[:450], y[:450], epochs=epochs, batch_size=32, verbose=0,
                        validation_data=(x[450:], y[450:]))
    return history.history


def test_sentiment_trains_an_embedding_lstm_past_chance(registry):
    start = time.process_time()
    x, y, d = registry.load("sentiment", {"num_samples": 600, "seed": 1})
    tf.random.set_seed(0)
    np.random.seed(0)
    model = keras.Sequential([
        keras.Input((d["input_shape"][0],), dtype="int32"),
        keras.layers.Embedding(d["vocabulary_size"], 8),
        keras.layers.LSTM(16),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = _fit(model, x, y, epochs=10)
    assert history["val_accuracy"][-1] >= 0.9, history
    assert time.process_time() - start < 10


def test_waves_train_an_lstm_past_chance(registry):
    start = time.process_time()
    x, y, d = registry.load("waves", {"num_samples": 600, "seed": 1})
    tf.random.set_seed(0)
    np.random.seed(0)
    model = keras.Sequential([keras.Input(tuple(d["input_shape"])), keras.layers.LSTM(16),
                              keras.layers.Dense(d["num_classes"], activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = _fit(model, x, y, epochs=10)
    assert max(history["val_accuracy"]) >= 0.5, history  # chance is 0.25
    assert time.process_time() - start < 10
    assert len(sequences.WAVE_NAMES) == d["num_classes"]
