"""Convergence on real data: ``engine.keras`` models learn what Keras models learn.

- an MLP separates TensorFlow Playground's 2-D spiral;
- a small CNN reaches >= 95 % test accuracy on the UCI 8x8 handwritten digits;
- an LSTM learns a toy sequence task (is the majority of 11 bits a one?);
- transfer learning: frozen layers (``trainable = False``) stay bit-identical
  while a new head learns, and a frozen BatchNormalization runs in inference
  mode (moving statistics unchanged).

Everything is seeded (``engine.random.set_seed`` seeds the Keras initializers,
numpy seeds the data), so each test sees the same numbers on every run; the
thresholds still leave a margin over what several seeds reach.
"""
from __future__ import annotations

import numpy as np
import pytest

import engine
import sample_data
from engine import keras

layers = keras.layers


@pytest.fixture(autouse=True)
def _seeded():
    engine.random.set_seed(1234)
    np.random.seed(1234)


def _digits_split():
    """The 8x8 digits shuffled once with a fixed seed; the last 20 % are held out."""
    x, y, info = sample_data.load("digits")
    assert info["input_shape"] == [8, 8, 1] and info["num_classes"] == 10
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    n_train = int(round(0.8 * len(x)))
    return (x[:n_train], y[:n_train]), (x[n_train:], y[n_train:])


def _snapshot(variables) -> list[np.ndarray]:
    return [np.array(v.numpy(), copy=True) for v in variables]


# --- MLP on the Playground spiral --------------------------------------------------


def test_mlp_separates_playground_spiral():
    # Playground's spiral with its default 500 points and 10 % noise, in its own
    # coordinates (about [-5, 5]²), where a small ReLU network succeeds there too.
    x, y, info = sample_data.load("spiral", num_samples=500, noise=0.1, seed=0)
    assert x.shape == (500, 2) and info["task"] == "classification"
    model = keras.Sequential([
        keras.Input((2,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    _, initial_acc = model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=80, batch_size=32, verbose=0)
    loss, acc = model.evaluate(x, y, verbose=0)
    assert initial_acc < 0.8  # the spiral is not separable by the untrained net
    assert acc >= 0.95, f"training accuracy {acc:.3f} (history tail {history.history['accuracy'][-5:]})"
    assert loss < 0.2
    assert history.history["loss"][-1] < history.history["loss"][0] / 4


# --- CNN on the UCI digits --------------------------------------------------------


def test_cnn_reaches_95_percent_on_uci_digits():
    (x_train, y_train), (x_test, y_test) = _digits_split()
    assert (len(x_train), len(x_test)) == (1438, 359)
    model = keras.Sequential([
        keras.Input((8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, activation="relu"),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=15, batch_size=32, verbose=0)
    _, test_acc = model.evaluate(x_test, y_test, verbose=0)
    assert test_acc >= 0.95, f"test accuracy {test_acc:.3f}"
    # predict agrees with evaluate's metric
    predicted = np.argmax(model.predict(x_test, verbose=0), axis=1)
    assert np.mean(predicted == y_test) == pytest.approx(test_acc, abs=1e-6)


# --- LSTM on a toy sequence task --------------------------------------------------


def _majority_bits(n: int, length: int, seed: int):
    """Sequences of random bits; the label is 1 when ones outnumber zeros (odd length: no ties)."""
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, length, 1)).astype("float32")
    return bits, (2 * bits.sum(axis=(1, 2)) > length).astype("int32")


def test_lstm_learns_majority_of_bits():
    x_train, y_train = _majority_bits(1000, 11, seed=1)
    x_test, y_test = _majority_bits(500, 11, seed=2)
    assert 0.4 < y_train.mean() < 0.6  # balanced, so chance is about 50 %
    model = keras.Sequential([
        keras.Input((11, 1)),
        layers.LSTM(16),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=12, batch_size=32, verbose=0)
    _, test_acc = model.evaluate(x_test, y_test, verbose=0)
    assert test_acc >= 0.95, f"test accuracy {test_acc:.3f}"


# --- transfer learning with frozen layers -----------------------------------------


def test_transfer_learning_frozen_layers_stay_unchanged():
    """Train on digits 0-4, freeze the convolutional base, train a new head on digits 5-9."""
    (x_train, y_train), (x_test, y_test) = _digits_split()
    old_train, old_test = y_train < 5, y_test < 5

    conv1 = layers.Conv2D(16, 3, padding="same", activation="relu")
    bn = layers.BatchNormalization()
    conv2 = layers.Conv2D(32, 3, activation="relu")
    base_layers = [conv1, bn, layers.MaxPooling2D(2), conv2, layers.Flatten()]
    model_a = keras.Sequential([keras.Input((8, 8, 1)), *base_layers, layers.Dense(5, activation="softmax")])
    model_a.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    before_a = _snapshot(conv1.weights + bn.weights)
    model_a.fit(x_train[old_train], y_train[old_train], epochs=10, batch_size=32, verbose=0)
    after_a = _snapshot(conv1.weights + bn.weights)
    # While trainable, every base weight moves, the BN moving statistics included.
    assert all(not np.array_equal(a, b) for a, b in zip(before_a, after_a))
    _, acc_a = model_a.evaluate(x_test[old_test], y_test[old_test], verbose=0)
    assert acc_a >= 0.85, f"task A test accuracy {acc_a:.3f}"

    # Freeze the base and put a new head on it for the new task.
    base_weights = [w for layer in base_layers for w in layer.weights]
    for layer in base_layers:
        layer.trainable = False
    head = layers.Dense(5, activation="softmax", name="new_head")
    model_b = keras.Sequential([keras.Input((8, 8, 1)), *base_layers, head])
    model_b.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
    assert [id(w) for w in model_b.trainable_weights] == [id(head.kernel), id(head.bias)]
    assert {id(w) for w in model_b.non_trainable_weights} == {id(w) for w in base_weights}
    assert len(base_weights) == 2 + 4 + 2  # conv1, BN (gamma, beta, moving mean/var), conv2
    frozen = _snapshot(base_weights)
    head_before = _snapshot(head.weights)

    new_train, new_test = ~old_train, ~old_test
    model_b.fit(x_train[new_train], y_train[new_train] - 5, epochs=8, batch_size=32, verbose=0)

    for w, value in zip(base_weights, frozen):
        np.testing.assert_array_equal(w.numpy(), value, err_msg=f"frozen weight {w.name} changed")
    assert all(not np.array_equal(w.numpy(), v) for w, v in zip(head.weights, head_before))
    # The frozen features, learned on 0-4, still separate 5-9.
    _, acc_b = model_b.evaluate(x_test[new_test], y_test[new_test] - 5, verbose=0)
    assert acc_b >= 0.85, f"task B test accuracy with a frozen base {acc_b:.3f}"

    # Unfreezing brings the weights back into training (after a re-compile).
    for layer in base_layers:
        layer.trainable = True
    model_b.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    assert len(model_b.trainable_weights) == 2 + 2 + 2 + 2  # conv1, BN gamma/beta, conv2, head
    model_b.fit(x_train[new_train][:64], y_train[new_train][:64] - 5, epochs=1, batch_size=32, verbose=0)
    assert not np.array_equal(conv1.kernel.numpy(), frozen[0])


def test_frozen_batch_normalization_runs_in_inference_mode():
    rng = np.random.default_rng(3)
    x = (rng.standard_normal((256, 6)) * 3.0 + 2.0).astype("float32")
    y = (x[:, :1] - x[:, 1:2] > 0).astype("float32")
    bn = layers.BatchNormalization()
    model = keras.Sequential([keras.Input((6,)), bn, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)  # moving statistics move off their initial 0 / 1
    assert not np.allclose(bn.moving_mean.numpy(), 0.0)

    bn.trainable = False
    model.compile(optimizer="adam", loss="binary_crossentropy")
    stats = _snapshot(bn.weights)
    assert bn.trainable_weights == [] and len(bn.non_trainable_weights) == 4
    # Inference mode even when called with training=True: the moving statistics normalise.
    np.testing.assert_array_equal(np.asarray(bn(x[:32], training=True)), np.asarray(bn(x[:32], training=False)))
    expected = (x[:32] - stats[2]) / np.sqrt(stats[3] + bn.epsilon) * stats[0] + stats[1]
    np.testing.assert_allclose(np.asarray(bn(x[:32], training=True)), expected, rtol=1e-5, atol=1e-5)

    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    for w, value in zip(bn.weights, stats):
        np.testing.assert_array_equal(w.numpy(), value, err_msg=f"{w.name} changed while frozen")


def test_freezing_a_nested_base_model_like_the_keras_transfer_guide():
    """``base_model.trainable = False`` on a whole sub-model, reused in a Functional model."""
    x, y, _ = sample_data.load("gaussian", num_samples=200, noise=0.2, seed=5)
    base = keras.Sequential([keras.Input((2,)), layers.Dense(8, activation="relu"), layers.BatchNormalization()],
                            name="base_model")
    pretrain = keras.Sequential([keras.Input((2,)), base, layers.Dense(1, activation="sigmoid")])
    pretrain.compile(optimizer="adam", loss="binary_crossentropy")
    pretrain.fit(x, y, epochs=2, batch_size=32, verbose=0)

    base.trainable = False
    inputs = keras.Input((2,))
    head = layers.Dense(1, name="regression_head")
    model = keras.Model(inputs, head(base(inputs, training=False)))
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    assert [id(w) for w in model.trainable_weights] == [id(head.kernel), id(head.bias)]
    assert {id(w) for w in model.non_trainable_weights} == {id(w) for w in base.weights}
    frozen = _snapshot(base.weights)
    head_before = _snapshot(head.weights)
    target = x.sum(axis=1, keepdims=True)
    history = model.fit(x, target, epochs=5, batch_size=32, verbose=0)
    for w, value in zip(base.weights, frozen):
        np.testing.assert_array_equal(w.numpy(), value, err_msg=f"frozen weight {w.name} changed")
    assert all(not np.array_equal(w.numpy(), v) for w, v in zip(head.weights, head_before))
    assert history.history["loss"][-1] < history.history["loss"][0]
