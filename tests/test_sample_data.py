"""Built-in sample data: the UCI digits and Iris files with their licences, the
TensorFlow Playground generators, the sequence sets, and ``sample_data.load``."""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pytest

import sample_data
from sample_data import playground, sequences

PLAYGROUND_IDS = ("circle", "xor", "gaussian", "spiral", "reg_plane", "reg_gauss")
SEQUENCE_IDS = ("sentiment", "waves")
CLASSIFY_IDS = ("circle", "xor", "gaussian", "spiral")
REGRESS_IDS = ("reg_plane", "reg_gauss")
DESCRIPTOR_FIELDS = (
    "id", "name", "task", "input_shape", "num_classes", "class_names", "size", "source", "license", "citation",
)


# --- registry and descriptors ---------------------------------------------------------------


def test_dataset_ids_and_descriptors():
    assert sample_data.DATASET_IDS == ("digits", "iris", *PLAYGROUND_IDS, *SEQUENCE_IDS)
    listed = sample_data.list_datasets()
    assert [d["id"] for d in listed] == list(sample_data.DATASET_IDS)
    for d in listed:
        for field in DESCRIPTOR_FIELDS:
            assert field in d, f"{d['id']}: descriptor lacks {field!r}"
        assert d["task"] in ("classification", "regression")
        assert d["kind"] in ("points", "image", "table", "text", "sequence")
        assert isinstance(d["input_shape"], list) and all(isinstance(n, int) for n in d["input_shape"])
        if d["task"] == "classification":
            assert d["num_classes"] == len(d["class_names"]) >= 2
        else:
            assert d["num_classes"] is None and d["class_names"] is None
        json.dumps(d, allow_nan=False)  # JSON-ready


def test_describe_returns_fresh_copies():
    d = sample_data.describe("digits")
    d["class_names"].append("oops")
    d["name"] = "changed"
    again = sample_data.describe("digits")
    assert again["name"] != "changed" and len(again["class_names"]) == 10


@pytest.mark.parametrize("bad", ["mnist", "", "../digits", "DIGITS", "digits/dataset.json"])
def test_unknown_dataset_is_rejected(bad):
    with pytest.raises(sample_data.UnknownDatasetError, match="unknown dataset") as info:
        sample_data.load(bad)
    assert "spiral" in str(info.value)  # names the valid ids
    assert isinstance(info.value, ValueError)
    with pytest.raises(sample_data.UnknownDatasetError):
        sample_data.describe(bad)


# --- the UCI files --------------------------------------------------------------------------


@pytest.mark.parametrize("dataset_id,filename", [("digits", "digits.csv.gz"), ("iris", "iris.csv")])
def test_data_files_match_descriptor_and_carry_licence(dataset_id, filename):
    folder = sample_data.DATA_DIR / dataset_id
    descriptor = json.loads((folder / "dataset.json").read_text(encoding="utf-8"))
    assert descriptor["id"] == dataset_id
    assert descriptor["files"]["data"] == filename
    assert hashlib.sha256((folder / filename).read_bytes()).hexdigest() == descriptor["files"]["sha256"]
    assert descriptor["license"] == "CC-BY-4.0"
    assert "archive.ics.uci.edu" in descriptor["source"] and "scikit-learn" in descriptor["source"]
    assert "UCI Machine Learning Repository" in descriptor["citation"]
    assert "https://doi.org/10.24432/" in descriptor["citation"]
    notice = (folder / "LICENSE.md").read_text(encoding="utf-8")
    for needle in ("UCI Machine Learning Repository", "Creative Commons Attribution 4.0",
                   "https://creativecommons.org/licenses/by/4.0/", "scikit-learn", "BSD 3-Clause",
                   descriptor["citation"].split("https://doi.org/")[1].split()[0].rstrip(".")):
        assert needle in notice, f"{dataset_id}/LICENSE.md does not mention {needle!r}"


def test_digits():
    x, y, info = sample_data.load("digits")
    assert x.shape == (1797, 8, 8, 1) and x.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int32
    assert info["input_shape"] == [8, 8, 1] and info["size"] == 1797 and info["num_classes"] == 10
    assert info["class_names"] == [str(i) for i in range(10)]
    assert info["options"] == {}
    assert x.min() == 0.0 and x.max() == 1.0
    np.testing.assert_array_equal(x * 16, np.round(x * 16))  # pixel counts 0..16, scaled by 1/16
    assert np.bincount(y).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    # First image of the UCI test set, a zero.
    assert y[0] == 0
    np.testing.assert_array_equal(x[0, 0, :, 0] * 16, [0, 0, 5, 13, 9, 1, 0, 0])
    # A zero has an empty middle, unlike its ring.
    zeros = x[y == 0].mean(axis=0)[..., 0]
    assert zeros[3:5, 3:5].mean() < zeros[1:7, 1:7].mean()


def test_iris():
    x, y, info = sample_data.load("iris")
    assert x.shape == (150, 4) and x.dtype == np.float32
    assert y.shape == (150,) and y.dtype == np.int32
    assert info["input_shape"] == [4] and info["size"] == 150
    assert info["class_names"] == ["setosa", "versicolor", "virginica"]
    assert len(info["feature_names"]) == 4
    assert np.bincount(y).tolist() == [50, 50, 50]
    np.testing.assert_allclose(x[0], [5.1, 3.5, 1.4, 0.2], rtol=1e-6)
    np.testing.assert_allclose(x.mean(axis=0), [5.843, 3.057, 3.758, 1.199], atol=1e-3)
    # Fisher's values (the two corrected rows), as in R and scikit-learn.
    np.testing.assert_allclose(x[34], [4.9, 3.1, 1.5, 0.2], rtol=1e-6)
    np.testing.assert_allclose(x[37], [4.9, 3.6, 1.4, 0.1], rtol=1e-6)


@pytest.mark.parametrize("dataset_id", ["digits", "iris"])
def test_file_datasets_return_fresh_arrays_and_take_no_options(dataset_id):
    x, y, _ = sample_data.load(dataset_id)
    x[...] = -1
    y[...] = -1
    x2, y2, _ = sample_data.load(dataset_id)
    assert x2.min() >= 0 and y2.min() >= 0
    assert x2.flags.writeable and y2.flags.writeable
    with pytest.raises(ValueError, match="takes no options"):
        sample_data.load(dataset_id, noise=0.1)


# --- Playground generators --------------------------------------------------------------------


@pytest.mark.parametrize("dataset_id", PLAYGROUND_IDS)
def test_playground_shapes_dtypes_and_descriptor(dataset_id):
    x, y, info = sample_data.load(dataset_id)
    default_n = 500 if dataset_id in CLASSIFY_IDS else 1200  # Playground's sample counts
    assert x.shape == (default_n, 2) and x.dtype == np.float32
    assert y.shape == (default_n,)
    assert y.dtype == (np.int32 if dataset_id in CLASSIFY_IDS else np.float32)
    assert info["input_shape"] == [2] and info["size"] == default_n
    assert info["task"] == ("classification" if dataset_id in CLASSIFY_IDS else "regression")
    assert info["options"] == {"num_samples": default_n, "noise": 0.0, "seed": 0, "shuffle": True}
    assert set(info["parameters"]) == {"num_samples", "noise", "seed", "shuffle"}
    assert "playground" in info["source"].lower()
    assert np.isfinite(x).all() and np.isfinite(y).all()
    assert np.abs(x).max() <= 6.5


@pytest.mark.parametrize("dataset_id", PLAYGROUND_IDS)
def test_playground_determinism_by_seed(dataset_id):
    a = sample_data.load(dataset_id, num_samples=300, noise=0.2, seed=7)
    b = sample_data.load(dataset_id, num_samples=300, noise=0.2, seed=7)
    c = sample_data.load(dataset_id, num_samples=300, noise=0.2, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    # The generators take a numpy Generator too, and are the functions load() calls.
    x, y = getattr(playground, dataset_id)(300, 0.2, seed=np.random.default_rng(7))
    np.testing.assert_array_equal(x, a[0])
    np.testing.assert_array_equal(y, a[1])


@pytest.mark.parametrize("dataset_id", PLAYGROUND_IDS)
@pytest.mark.parametrize("num_samples", [2, 7, 101, 500])
def test_playground_sizes(dataset_id, num_samples):
    x, y, info = sample_data.load(dataset_id, num_samples=num_samples, noise=0.3, seed=1)
    assert len(x) == len(y) == info["size"] == num_samples


@pytest.mark.parametrize("dataset_id", CLASSIFY_IDS)
def test_playground_label_balance(dataset_id):
    for noise in (0.0, 0.25, 0.5):
        _, y, _ = sample_data.load(dataset_id, num_samples=1000, noise=noise, seed=3)
        assert set(np.unique(y)) == {0, 1}
        if dataset_id in ("gaussian", "spiral") or (dataset_id == "circle" and noise == 0.0):
            assert np.bincount(y).tolist() == [500, 500]  # one half per class by construction
        else:
            # Noise relabels points by a shifted position: near balance for xor; for the
            # circle, inner points pushed outside the radius outnumber the reverse.
            low = 0.25 if dataset_id == "circle" else 0.4
            assert low < y.mean() < 0.6, (dataset_id, noise, y.mean())


def test_shuffle_mixes_classes_and_keeps_the_points():
    x, y, _ = sample_data.load("spiral", num_samples=200, seed=4)
    xs, ys, _ = sample_data.load("spiral", num_samples=200, seed=4, shuffle=False)
    assert ys[:100].tolist() == [1] * 100 and ys[100:].tolist() == [0] * 100
    assert 0 < ys[:100].sum() and 0 < y[:100].sum() < 100
    key = lambda a, b: sorted(map(tuple, np.column_stack([a, b]).tolist()))  # noqa: E731
    assert key(x, y) == key(xs, ys)


def test_spiral_formula():
    x, y = playground.spiral(10, noise=0.0, shuffle=False)
    n = 5
    for i in range(n):
        r, t = i / n * 5, 1.75 * i / n * 2 * math.pi
        np.testing.assert_allclose(x[i], [r * math.sin(t), r * math.cos(t)], atol=1e-6)
        np.testing.assert_allclose(x[n + i], [r * math.sin(t + math.pi), r * math.cos(t + math.pi)], atol=1e-6)
    assert y.tolist() == [1] * n + [0] * n
    # With noise, each coordinate moves by at most the noise.
    xn, _ = playground.spiral(10, noise=0.3, shuffle=False)
    assert 0 < np.abs(xn - x).max() <= 0.3 + 1e-6


def test_circle_and_xor_labels_without_noise():
    x, y = playground.circle(400, noise=0.0, seed=2)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_array_equal(y, (r < 2.5).astype(np.int32))
    assert r[y == 1].max() <= 2.5 and 3.5 <= r[y == 0].min() and r.max() <= 5.0 + 1e-5
    x, y = playground.xor(400, noise=0.0, seed=2)
    np.testing.assert_array_equal(y, (x[:, 0] * x[:, 1] >= 0).astype(np.int32))
    assert np.abs(x).min() >= 0.3 - 1e-6  # padding away from the axes
    # With noise the label is taken at a shifted point, so some labels flip.
    x, y = playground.xor(1000, noise=0.5, seed=2)
    flipped = np.mean(y != (x[:, 0] * x[:, 1] >= 0))
    assert 0.05 < flipped < 0.5


def test_gaussian_means_and_spread():
    x, y = playground.gaussian(4000, noise=0.0, seed=0)
    np.testing.assert_allclose(x[y == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(x[y == 0].mean(axis=0), [-2, -2], atol=0.1)
    np.testing.assert_allclose(x[y == 1].var(axis=0), [0.5, 0.5], rtol=0.15)  # variance 0.5 at noise 0
    x, y = playground.gaussian(4000, noise=0.5, seed=0)
    np.testing.assert_allclose(x[y == 1].var(axis=0), [4.0, 4.0], rtol=0.15)  # ... and 4 at noise 0.5


def test_regression_targets():
    x, y = playground.reg_plane(500, noise=0.0, seed=1)
    np.testing.assert_allclose(y, (x[:, 0] + x[:, 1]) / 10, rtol=1e-5, atol=1e-6)
    x, y = playground.reg_gauss(500, noise=0.0, seed=1)
    assert -1.0 <= y.min() and y.max() <= 1.0

    # Playground's getLabel, point by point.
    bumps = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]

    def label(px, py):
        best = 0.0
        for cx, cy, sign in bumps:
            new = sign * min(max(1 - math.hypot(px - cx, py - cy) / 2, 0.0), 1.0)
            if abs(new) > abs(best):
                best = new
        return best

    expected = [label(float(px), float(py)) for px, py in x.astype(np.float64)]
    np.testing.assert_allclose(y, expected, atol=1e-5)
    assert (y > 0.5).any() and (y < -0.5).any() and (y == 0).any()


@pytest.mark.parametrize(
    "options,message",
    [
        ({"noise": 0.6}, "noise"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "0.1"}, "noise"),
        ({"num_samples": 1}, "num_samples"),
        ({"num_samples": 10**9}, "num_samples"),
        ({"num_samples": 10.0}, "num_samples"),
        ({"num_samples": True}, "num_samples"),
        ({"seed": -1}, "seed"),
        ({"seed": None}, "seed"),
        ({"seed": 1.5}, "seed"),
        ({"shuffle": "yes"}, "shuffle"),
        ({"size": 10}, "unknown option"),
    ],
)
def test_playground_bad_options(options, message):
    with pytest.raises(ValueError, match=message):
        sample_data.load("spiral", **options)


# --- sequence sets ----------------------------------------------------------------------------


def test_sentiment_shapes_vocabulary_and_descriptor():
    x, y, info = sample_data.load("sentiment")
    assert x.shape == (1000, 20) and x.dtype == np.int32
    assert y.shape == (1000,) and y.dtype == np.int32
    assert np.bincount(y).tolist() == [500, 500]
    assert info["kind"] == "text" and info["input_shape"] == [20] and info["dtype"] == "int32"
    assert info["class_names"] == ["negative", "positive"]
    assert info["vocabulary"] == list(sequences.VOCABULARY) and info["vocabulary"][:2] == ["<pad>", "<unk>"]
    assert info["vocabulary_size"] == len(sequences.VOCABULARY) == 59  # as sample_data/README.md says
    assert 0 <= x.min() and x.max() < len(sequences.VOCABULARY)
    assert (x == 1).sum() == 0  # every generated word is in the vocabulary
    # Left padding (Keras pad_sequences' default): zeros only before the first word.
    for row in x[:50]:
        words = np.flatnonzero(row)
        assert words.size >= 4 and (row[words[0]:] != 0).all() and words[-1] == 19
    assert set(info["parameters"]) == {"num_samples", "noise", "seed", "shuffle"}
    assert "generated" in info["license"].lower()


def test_sentiment_sentences_read_as_their_labels():
    x, y = sequences.sentiment(400, seed=5, shuffle=False)
    positive, negative = set(sequences._POSITIVE), set(sequences._NEGATIVE)

    def clause_polarity(words):
        adjective = words[-1]
        polarity = adjective in positive
        assert polarity or adjective in negative
        return polarity != ("not" in words)

    for row, label in zip(x, y):
        words = sequences.decode(row)
        if "but" in words:  # the clause after "but" decides, and contradicts the first
            cut = words.index("but")
            assert clause_polarity(words[:cut]) != clause_polarity(words[cut + 1:]) == bool(label)
        elif "and" in words:
            cut = words.index("and")
            assert clause_polarity(words[:cut]) == clause_polarity(words[cut + 1:]) == bool(label)
        else:
            assert clause_polarity(words) == bool(label)
    kinds = [" ".join(sequences.decode(r)) for r in x]
    assert any(" not " in k for k in kinds) and any(" but " in k for k in kinds)
    assert sequences.encode("The film was GREAT zzz") == [sequences.VOCABULARY.index(w) for w in
                                                         ("the", "film", "was", "great")] + [1]


def test_sentiment_noise_flips_labels():
    _, clean = sequences.sentiment(2000, noise=0.0, seed=3)
    _, noisy = sequences.sentiment(2000, noise=0.3, seed=3)
    assert 0.25 < np.mean(clean != noisy) < 0.35


def test_waves_shapes_classes_and_noise():
    x, y, info = sample_data.load("waves", num_samples=400, noise=0.0, seed=2, shuffle=False)
    assert x.shape == (400, 32, 1) and x.dtype == np.float32 and y.dtype == np.int32
    assert info["kind"] == "sequence" and info["input_shape"] == [32, 1]
    assert info["class_names"] == ["sine", "square", "triangle", "sawtooth"]
    assert y[:8].tolist() == [0, 1, 2, 3, 0, 1, 2, 3] and np.bincount(y).tolist() == [100] * 4
    assert np.abs(x).max() <= 1.2 + 1e-6  # amplitude <= 1, offset <= 0.2
    # A square wave takes two values only; a sine does not.
    square = x[y == 1, :, 0]
    assert all(len(np.unique(np.round(row, 5))) == 2 for row in square)
    assert all(len(np.unique(np.round(row, 5))) > 10 for row in x[y == 0, :, 0])
    noisy, _, _ = sample_data.load("waves", num_samples=400, noise=0.3, seed=2, shuffle=False)
    assert 0.25 < np.std(noisy - x) < 0.35
    assert sample_data.describe("waves")["parameters"]["noise"]["default"] == 0.1


@pytest.mark.parametrize("dataset_id", SEQUENCE_IDS)
def test_sequence_sets_are_seeded_and_checked(dataset_id):
    a = sample_data.load(dataset_id, num_samples=60, noise=0.2, seed=9)
    b = sample_data.load(dataset_id, num_samples=60, noise=0.2, seed=9)
    c = sample_data.load(dataset_id, num_samples=60, noise=0.2, seed=10)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    assert a[2]["options"] == {"num_samples": 60, "noise": 0.2, "seed": 9, "shuffle": True}
    for bad, message in (({"num_samples": 1}, "num_samples"), ({"num_samples": sequences.MAX_SAMPLES + 1},
                         "num_samples"), ({"noise": 0.7}, "noise"), ({"seed": -2}, "seed"),
                         ({"seed": 2**32}, "seed"), ({"length": 5}, "unknown option")):
        with pytest.raises(ValueError, match=message):
            sample_data.load(dataset_id, **bad)
