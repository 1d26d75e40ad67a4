"""One training epoch of an MLP (784-256-128-10, Adam, batch 128) on random data:
engine ``keras.fit`` vs real ``tf.keras`` ``fit`` vs a plain PyTorch loop, in one process.

    python bench/train.py [--samples 20000] [--rounds 3]

BLAS and every framework run on 1 thread (the machines are 2 shared cores);
rounds are interleaved and the best epoch per framework is reported with ratios.
"""
from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from threadpoolctl import threadpool_limits


def data(n: int) -> tuple:
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, 784)).astype("float32"), rng.integers(0, 10, n).astype("int32")


def engine_epoch(x: np.ndarray, y: np.ndarray) -> float:
    from engine import keras
    m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                          keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    m.fit(x[:256], y[:256], batch_size=128, epochs=1, verbose=0)  # trace once
    t = time.perf_counter()
    m.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=True)
    return time.perf_counter() - t


def tf_epoch(x: np.ndarray, y: np.ndarray) -> float:
    import keras
    m = keras.Sequential([keras.Input((784,)), keras.layers.Dense(256, activation="relu"),
                          keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    m.fit(x[:256], y[:256], batch_size=128, epochs=1, verbose=0)
    t = time.perf_counter()
    m.fit(x, y, batch_size=128, epochs=1, verbose=0, shuffle=True)
    return time.perf_counter() - t


def torch_epoch(x: np.ndarray, y: np.ndarray) -> float:
    import torch
    net = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                              torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    loss_fn = torch.nn.CrossEntropyLoss()
    t = time.perf_counter()
    perm = torch.randperm(len(xt))
    correct = 0
    for s in range(0, len(xt), 128):
        idx = perm[s:s + 128]
        out = net(xt[idx])
        loss = loss_fn(out, yt[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        correct += int((out.argmax(1) == yt[idx]).sum())
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    x, y = data(args.samples)
    runners = {"engine": engine_epoch}
    try:
        import tensorflow as tf
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        runners["tf.keras"] = tf_epoch
    except ImportError:
        print("tensorflow not installed: skipping tf.keras")
    try:
        import torch
        torch.set_num_threads(1)
        runners["torch"] = torch_epoch
    except ImportError:
        print("torch not installed (pip install torch==2.13.0): skipping torch")
    best = {k: float("inf") for k in runners}
    with threadpool_limits(1):
        for _ in range(args.rounds):
            for name, fn in runners.items():
                best[name] = min(best[name], fn(x, y))
    print(f"MLP 784-256-128-10, Adam, batch 128, {args.samples} samples, 1 thread, best of {args.rounds}")
    for name, t in best.items():
        print(f"  {name:9s} {t:7.3f} s/epoch  {args.samples / t:9.0f} samples/s")
    for other in ("tf.keras", "torch"):
        if other in best:
            print(f"  engine / {other}: {best['engine'] / best[other]:.2f}")


if __name__ == "__main__":
    main()
