"""Recording state is per thread, as in TensorFlow: a tape or a ``function`` trace in one
thread never records another thread's ops."""
from __future__ import annotations

import threading

import numpy as np

import engine as tf


def _busy(stop: threading.Event, errors: list) -> None:
    a = tf.Variable(np.ones((4, 4), np.float32))
    try:
        while not stop.is_set():
            b = tf.matmul(a, a) + 1.0
            tf.reduce_sum(tf.nn.relu(b))
    except Exception as exc:  # pragma: no cover - reported by the test
        errors.append(exc)


def test_tape_and_trace_ignore_other_threads():
    stop, errors = threading.Event(), []
    worker = threading.Thread(target=_busy, args=(stop, errors))
    worker.start()
    try:
        w = tf.Variable([[2.0, 0.0], [0.0, 3.0]])

        @tf.function
        def f(x):
            for _ in range(3000):  # long enough for the GIL to switch to the worker many times
                x = x * 1.0
            return tf.reduce_sum(tf.matmul(x, w) ** 2)

        x = tf.constant([[1.0, 1.0]])
        for _ in range(50):
            with tf.GradientTape() as tape:
                y = tf.reduce_sum(tf.matmul(x, w) ** 2)
            np.testing.assert_allclose(tape.gradient(y, w).numpy(), [[4.0, 6.0], [4.0, 6.0]])
        concrete = f.get_concrete_function(x)
        ops = [op.type for op in concrete.graph.get_operations()]
        assert ops.count("MatMul") == 1 and "Relu" not in ops and "AddV2" not in ops, sorted(set(ops))
        assert float(f(x)) == 13.0
    finally:
        stop.set()
        worker.join()
    assert not errors


def test_two_threads_train_independently():
    results = {}

    def train(name: str, scale: float) -> None:
        v = tf.Variable(np.full((3,), scale, np.float32))
        for _ in range(200):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(v * v)
            v.assign_sub(0.1 * tape.gradient(loss, v))
        results[name] = v.numpy()

    threads = [threading.Thread(target=train, args=(str(i), float(i + 1))) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        np.testing.assert_allclose(results[str(i)], np.full(3, (i + 1) * 0.8 ** 200, np.float32), rtol=1e-5, atol=1e-30)
