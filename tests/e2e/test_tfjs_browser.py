"""TF.js exports load in headless Chromium over HTTP and predict what the engine predicts.

Issue 4 ("Exports that really load"): at least one tfjs case loads in headless
Chromium over HTTP. Two engine models — a Sequential MLP with softmax and a
Functional two-input/two-output CNN — are exported with ``format="tfjs"``
(``model.json`` + ``group1-shard*of*.bin``, specs/formats.md §1.8) into a
directory served on 127.0.0.1 together with the real ``@tensorflow/tfjs``
4.22.0 browser bundle (``dist/tf.min.js`` from the npm install done by
``bash scripts/test``) and a page that loads it with a ``<script>`` tag. In the
page, tfjs switches to the cpu backend, fetches the model with
``tf.loadLayersModel`` over HTTP and predicts on inputs sent from Python; the
outputs must be within 1e-5 of the engine's and the page must log no errors.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from engine import keras
from engine.export import tfjs

TOL = 1e-5
BATCH = 5

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>tapestudio tfjs export</title>
<link rel="icon" href="data:,">
<script src="/tf.min.js"></script></head>
<body><p>tfjs export check</p></body></html>
"""

# Runs in the page: cpu backend, load over HTTP, predict, return plain JSON.
PREDICT_JS = """
async ({url, inputs}) => {
  await tf.setBackend('cpu');
  await tf.ready();
  const model = await tf.loadLayersModel(url);
  const xs = inputs.map(x => tf.tensor(x.values, x.shape, 'float32'));
  let ys = model.predict(xs.length === 1 ? xs[0] : xs);
  if (!Array.isArray(ys)) ys = [ys];
  const outputs = [];
  for (const y of ys) outputs.push({shape: y.shape, values: Array.from(await y.data())});
  return {backend: tf.getBackend(), version: tf.version.tfjs,
          inputNames: model.inputNames, outputNames: model.outputNames, outputs};
}
"""


def mlp() -> Any:
    """Sequential MLP ending in softmax."""
    L = keras.layers
    return keras.Sequential([
        keras.Input((10,), name="features"),
        L.Dense(16, activation="relu", name="hidden1"),
        L.Dense(8, activation="tanh", name="hidden2"),
        L.Dense(4, activation="softmax", name="probs"),
    ], name="browser_mlp")


def two_input_cnn() -> Any:
    """Functional CNN: an image and a feature vector in, class probabilities and a regression value out."""
    L = keras.layers
    image = keras.Input((8, 8, 3), name="image")
    meta = keras.Input((5,), name="meta")
    h = L.Conv2D(4, 3, padding="same", activation="relu", name="conv1")(image)
    h = L.MaxPooling2D(2, name="pool1")(h)
    h = L.Conv2D(6, 3, activation="relu", name="conv2")(h)
    h = L.Flatten(name="flat")(h)
    m = L.Dense(6, activation="relu", name="meta_dense")(meta)
    z = L.Concatenate(name="joined")([h, m])
    cls = L.Dense(3, activation="softmax", name="cls")(z)
    reg = L.Dense(1, name="reg")(z)
    return keras.Model([image, meta], [cls, reg], name="browser_cnn")


MODELS: dict[str, Callable[[], Any]] = {"mlp": mlp, "cnn": two_input_cnn}


def _randomize(model: Any, seed: int) -> None:
    """Seeded weights with non-zero biases (kernels scaled by fan-in so values stay O(1))."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        shape = tuple(w.shape)
        scale = 1 / np.sqrt(max(1, int(np.prod(shape[:-1])))) if len(shape) >= 2 else 0.4
        w.assign((rng.standard_normal(shape) * scale).astype(np.float32))


def _tfjs_bundle() -> Path:
    """``@tensorflow/tfjs/dist/tf.min.js`` (4.22.0) from the npm install; fails (never skips) when missing."""
    pkg = tfjs.find_tfjs_dir()
    bundle = pkg / "dist" / "tf.min.js" if pkg is not None else None
    if bundle is None or not bundle.is_file():
        where = "in CI" if os.environ.get("CI") == "true" else "locally"
        pytest.fail(f"@tensorflow/tfjs {tfjs.TFJS_VERSION} browser bundle missing ({where}). Run "
                    f"`bash scripts/test`, which installs it into .cache/tfjs and sets TAPESTUDIO_TFJS_DIR.",
                    pytrace=False)
    version = json.loads((pkg / "package.json").read_text())["version"]
    assert version == tfjs.TFJS_VERSION, f"tfjs {version} at {pkg}, expected {tfjs.TFJS_VERSION}"
    return bundle


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[Any, list[np.ndarray]]]]:
    """The served directory (page, tf.min.js, ``models/<name>/``) and ``{name: (model, inputs)}``."""
    bundle = _tfjs_bundle()
    root = tmp_path_factory.mktemp("tfjs_site")
    shutil.copyfile(bundle, root / "tf.min.js")
    (root / "index.html").write_text(PAGE)
    (root / "models").mkdir()
    rng = np.random.default_rng(7)
    built: dict[str, tuple[Any, list[np.ndarray]]] = {}
    for i, (name, build) in enumerate(MODELS.items()):
        model = build()
        _randomize(model, seed=i)
        model.export(str(root / "models" / name), format="tfjs", verify=False)
        inputs = [rng.standard_normal((BATCH,) + tuple(t.shape)[1:]).astype(np.float32) for t in model.inputs]
        built[name] = (model, inputs)
    return root, built


@pytest.mark.parametrize("name", sorted(MODELS))
def test_tfjs_export_predicts_in_chromium_over_http(
    name: str, site: tuple[Path, dict], serve_dir: Callable[[Path], str], page: Any, console_errors: list[str]
) -> None:
    root, built = site
    model, inputs = built[name]
    out_dir = root / "models" / name
    assert (out_dir / "model.json").is_file() and sorted(p.name for p in out_dir.glob("group1-shard*of*.bin"))

    base = serve_dir(root)
    page.goto(f"{base}/index.html", wait_until="load")
    reply = page.evaluate(PREDICT_JS, {
        "url": f"{base}/models/{name}/model.json",
        "inputs": [{"shape": list(x.shape), "values": x.ravel().tolist()} for x in inputs],
    })

    assert reply["backend"] == "cpu"
    assert reply["version"] == tfjs.TFJS_VERSION
    assert reply["inputNames"] == [t.name for t in model.inputs]
    ours = model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)
    ours = ours if isinstance(ours, (list, tuple)) else [ours]
    assert len(reply["outputs"]) == len(ours)
    for want, got in zip(ours, reply["outputs"]):
        got_arr = np.asarray(got["values"], np.float64).reshape(got["shape"])
        assert got_arr.shape == np.shape(want)
        np.testing.assert_allclose(got_arr, np.asarray(want, np.float64), rtol=0, atol=TOL)
    assert console_errors == []
