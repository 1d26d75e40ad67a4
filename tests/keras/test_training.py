"""compile/fit/evaluate/predict vs real Keras 3: same data, same initial weights → same numbers."""
from __future__ import annotations

import numpy as np
import pytest

import engine as etf
from engine import keras as ek


def _mlp(k, out_units, out_act, reg=False):
    kw = {"kernel_regularizer": k.regularizers.L2(1e-3)} if reg else {}
    return k.Sequential([k.Input((6,)), k.layers.Dense(8, activation="tanh", **kw),
                         k.layers.Dense(out_units, activation=out_act)])


def _data(rng, task, n=96):
    x = rng.standard_normal((n, 6)).astype("float32")
    if task == "regression":
        y = (x[:, :2].sum(1, keepdims=True) + 0.1 * rng.standard_normal((n, 1))).astype("float32")
    elif task == "binary":
        y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
    elif task == "sparse":
        y = (np.argmax(x[:, :3], axis=1)).astype("int32")
    else:
        y = np.eye(3, dtype="float32")[np.argmax(x[:, :3], axis=1)]
    return x, y


CASES = [
    ("regression", 1, None, "mse", ["mae"], "sgd"),
    ("regression", 1, None, "huber", ["mse"], {"class_name": "SGD", "config": {"learning_rate": 0.05, "momentum": 0.9}}),
    ("binary", 1, "sigmoid", "binary_crossentropy", ["accuracy"], "adam"),
    ("sparse", 3, "softmax", "sparse_categorical_crossentropy", ["accuracy"], "rmsprop"),
    ("categorical", 3, "softmax", "categorical_crossentropy", ["accuracy"], "adamw"),
    ("sparse", 3, None, "SCCE_LOGITS", ["accuracy"], "adam"),
]


def _loss(k, name):
    if name == "SCCE_LOGITS":
        return k.losses.SparseCategoricalCrossentropy(from_logits=True)
    return name


def _opt(k, spec):
    return k.optimizers.get(spec) if isinstance(spec, (str, dict)) else spec


@pytest.mark.parametrize("task,units,act,loss,metrics,opt", CASES)
@pytest.mark.parametrize("run_eagerly", [False, True])
def test_fit_matches_keras(task, units, act, loss, metrics, opt, run_eagerly, real_keras, rng):
    x, y = _data(rng, task)
    ours, theirs = _mlp(ek, units, act), _mlp(real_keras, units, act)
    theirs.set_weights(ours.get_weights())
    ours.compile(optimizer=_opt(ek, opt), loss=_loss(ek, loss), metrics=metrics, run_eagerly=run_eagerly)
    theirs.compile(optimizer=_opt(real_keras, opt), loss=_loss(real_keras, loss), metrics=metrics)
    kw = dict(epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25)
    h1, h2 = ours.fit(x, y, **kw), theirs.fit(x, y, **kw)
    assert sorted(h1.history) == sorted(h2.history)
    for key in h2.history:
        np.testing.assert_allclose(h1.history[key], h2.history[key], rtol=2e-4, atol=2e-5, err_msg=key)
    for a, b in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)
    e1 = ours.evaluate(x, y, verbose=0, return_dict=True)
    e2 = theirs.evaluate(x, y, verbose=0, return_dict=True)
    for key in e2:
        np.testing.assert_allclose(e1[key], e2[key], rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=2e-4, atol=2e-5)


def test_sample_and_class_weight_and_regularization(real_keras, rng):
    x, y = _data(rng, "sparse")
    sw = rng.uniform(0.1, 2.0, size=len(x)).astype("float32")
    results = []
    for k in (ek, real_keras):
        m = _mlp(k, 3, "softmax", reg=True)
        if results:
            m.set_weights(results[0][0])
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  weighted_metrics=["accuracy"])
        w0 = m.get_weights()
        h = m.fit(x, y, sample_weight=sw, epochs=2, batch_size=32, shuffle=False, verbose=0)
        h2 = m.fit(x, y, class_weight={0: 1.0, 1: 2.0, 2: 0.5}, epochs=1, batch_size=32, shuffle=False, verbose=0)
        results.append((w0, h.history, h2.history, m.get_weights()))
    (_, ha, ha2, wa), (_, hb, hb2, wb) = results
    for key in hb:
        np.testing.assert_allclose(ha[key], hb[key], rtol=2e-4, atol=2e-5, err_msg=key)
    for key in hb2:
        np.testing.assert_allclose(ha2[key], hb2[key], rtol=2e-4, atol=2e-5, err_msg=key)
    for a, b in zip(wa, wb):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)


def test_functional_multi_output_losses_and_weights(real_keras, rng):
    x = rng.standard_normal((64, 5)).astype("float32")
    y1 = x[:, :1] * 2.0
    y2 = (x[:, 1] > 0).astype("int32")
    hist = []
    for k in (ek, real_keras):
        inp = k.Input((5,), name="inp")
        h = k.layers.Dense(8, activation="relu", name="trunk")(inp)
        reg = k.layers.Dense(1, name="reg")(h)
        cls = k.layers.Dense(2, activation="softmax", name="cls")(h)
        m = k.Model(inp, [reg, cls])
        if hist:
            m.set_weights(hist[0][0])
        w0 = m.get_weights()
        m.compile(optimizer="adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
                  loss_weights={"reg": 0.5, "cls": 1.0}, metrics={"cls": ["accuracy"]})
        hh = m.fit(x, {"reg": y1, "cls": y2}, epochs=2, batch_size=16, shuffle=False, verbose=0)
        hist.append((w0, hh.history))
    ours, theirs = hist[0][1], hist[1][1]
    assert set(ours) == set(theirs), (sorted(ours), sorted(theirs))
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=2e-4, atol=2e-5, err_msg=key)


def test_dataset_and_generator_inputs(rng):
    x, y = _data(rng, "regression", n=64)
    m = _mlp(ek, 1, None)
    w0 = m.get_weights()
    m.compile(optimizer="sgd", loss="mse")
    h_arr = m.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0).history["loss"]
    m.set_weights(w0)
    m.compile(optimizer="sgd", loss="mse")
    ds = etf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    h_ds = m.fit(ds, epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(h_arr, h_ds, rtol=1e-6)

    def gen():
        while True:
            for s in range(0, 64, 16):
                yield x[s:s + 16], y[s:s + 16]
    m.set_weights(w0)
    m.compile(optimizer="sgd", loss="mse")
    h_gen = m.fit(gen(), steps_per_epoch=4, epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(h_arr, h_gen, rtol=1e-6)


def test_on_batch_methods_match_keras(real_keras, rng):
    x, y = _data(rng, "binary", n=32)
    ours, theirs = _mlp(ek, 1, "sigmoid"), _mlp(real_keras, 1, "sigmoid")
    theirs.set_weights(ours.get_weights())
    for m, k in ((ours, ek), (theirs, real_keras)):
        m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    for _ in range(3):
        a = ours.train_on_batch(x, y, return_dict=True)
        b = theirs.train_on_batch(x, y, return_dict=True)
        for key in b:
            np.testing.assert_allclose(a[key], b[key], rtol=2e-4, atol=2e-5)
    a, b = ours.test_on_batch(x, y, return_dict=True), theirs.test_on_batch(x, y, return_dict=True)
    for key in b:
        np.testing.assert_allclose(a[key], b[key], rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(ours.predict_on_batch(x), np.asarray(theirs.predict_on_batch(x)), rtol=2e-4, atol=2e-5)


def test_callbacks_early_stopping_and_lr(real_keras, rng, tmp_path):
    x, y = _data(rng, "regression")
    out = []
    for k in (ek, real_keras):
        m = _mlp(k, 1, None)
        if out:
            m.set_weights(out[0][0])
        w0 = m.get_weights()
        m.compile(optimizer=k.optimizers.SGD(0.5), loss="mse")
        cbs = [k.callbacks.EarlyStopping(monitor="loss", patience=1, min_delta=10.0),
               k.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, factor=0.5, min_delta=10.0),
               k.callbacks.CSVLogger(str(tmp_path / f"{k.__name__}.csv"))]
        h = m.fit(x, y, epochs=10, batch_size=32, shuffle=False, verbose=0, callbacks=cbs)
        out.append((w0, h.history, float(np.asarray(m.optimizer.learning_rate))))
    (_, ha, lra), (_, hb, lrb) = out
    assert len(ha["loss"]) == len(hb["loss"]) < 10
    np.testing.assert_allclose(ha["loss"], hb["loss"], rtol=2e-4)
    np.testing.assert_allclose(ha["learning_rate"], hb["learning_rate"], rtol=1e-6)
    assert lra == pytest.approx(lrb)
    assert (tmp_path / "engine.keras.csv").read_text().splitlines()[0] == \
        (tmp_path / "keras.csv").read_text().splitlines()[0]


def test_model_checkpoint_and_learning_rate_scheduler(tmp_path, rng):
    x, y = _data(rng, "regression")
    m = _mlp(ek, 1, None)
    m.compile(optimizer="sgd", loss="mse")
    path = tmp_path / "best.keras"
    seen = []
    cbs = [ek.callbacks.ModelCheckpoint(str(path), monitor="loss", save_best_only=True),
           ek.callbacks.LearningRateScheduler(lambda epoch, lr: 0.01 / (epoch + 1)),
           ek.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(logs["learning_rate"]))]
    m.fit(x, y, epochs=3, verbose=0, callbacks=cbs)
    np.testing.assert_allclose(seen, [0.01, 0.005, 0.01 / 3], rtol=1e-6)
    back = ek.models.load_model(str(path))
    assert back.count_params() == m.count_params()


def test_subclassed_model_trains(rng):
    class Net(ek.Model):
        def __init__(self):
            super().__init__()
            self.d1 = ek.layers.Dense(8, activation="relu")
            self.d2 = ek.layers.Dense(1)

        def call(self, x, training=None):
            return self.d2(self.d1(x))

    x, y = _data(rng, "regression")
    net = Net()
    net.compile(optimizer="adam", loss="mse")
    h = net.fit(x, y, epochs=5, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert [w.path for w in net.weights] == ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    assert net.count_params() == 6 * 8 + 8 + 8 + 1


def test_training_step_is_traced_once_per_batch_shape(rng):
    x, y = _data(rng, "regression", n=40)
    m = _mlp(ek, 1, None)
    m.compile(optimizer="sgd", loss="mse")
    m.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=True)
    # 16, 16, 8: two batch shapes → exactly two traces over three epochs
    assert m.train_function.experimental_get_tracing_count() == 2


def test_fit_errors_are_clear(rng):
    x, y = _data(rng, "regression")
    m = _mlp(ek, 1, None)
    with pytest.raises(RuntimeError, match="compile"):
        m.fit(x, y, verbose=0)
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="cardinality|samples"):
        m.fit(x, y[:10], verbose=0)
    with pytest.raises(ValueError):
        m.compile(optimizer="nope", loss="mse")
