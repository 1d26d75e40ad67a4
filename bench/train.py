"""One training epoch of three workloads in ``engine.keras`` fit, raw PyTorch and real Keras 3 fit.

Workloads (issue 3; random data, sparse integer labels, 10 classes):

* ``mlp``:  Dense 784-256-128-10 (relu, relu, softmax), 60,000 samples, batch 128, Adam;
* ``cnn``:  Conv2D(16,3,relu) → MaxPool2 → Conv2D(32,3,relu) → MaxPool2 → Flatten → Dense(10),
  10,000 samples of 28×28×1, batch 64, SGD(0.01);
* ``lstm``: LSTM(64) on 5,000 sequences of 50×16 → Dense(10), batch 64, Adam.

Frameworks, side by side in one process:

* ``engine``: ``engine.keras`` ``compile``/``fit`` (the traced train step, replayed);
* ``torch``: a plain PyTorch 2.13 CPU loop (per-epoch ``randperm`` gather, forward,
  ``CrossEntropyLoss``, ``backward``, ``step``, accuracy count);
* ``keras``: real Keras 3 ``fit`` on the TensorFlow backend.

Every model is built and warmed up (traced) once, outside the timings.  Everything
runs on 1 thread (threadpoolctl for the BLAS libraries, ``torch.set_num_threads(1)``,
TF's intra/inter-op pools at 1); rounds are interleaved (round r runs every
workload in every framework) and the best epoch per framework is reported, with
the engine's ratio to each peer.

    python bench/train.py [--rounds 3] [--only mlp,cnn,lstm,engine,torch,keras]
                          [--samples-scale 1.0] [--clock wall|cpu]

``--only`` takes workload and/or framework names (default: all);
``--samples-scale 0.2`` runs a fifth of every data set for a quick look;
``--clock cpu`` times process CPU time instead of wall time (steadier on a shared
machine; every framework runs on one thread, so the two agree on an idle one).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

WORKLOADS = {
    # name: (samples, batch, optimizer, description)
    "mlp": (60000, 128, "adam", "MLP 784-256-128-10, Adam, batch 128"),
    "cnn": (10000, 64, "sgd", "CNN conv16-pool-conv32-pool-dense10, SGD, batch 64"),
    "lstm": (5000, 64, "adam", "LSTM(64) T=50 F=16 -> Dense(10), Adam, batch 64"),
}
FRAMEWORKS = ("engine", "torch", "keras")


def make_data(workload: str, n: int) -> tuple:
    rng = np.random.default_rng(0)
    shape = {"mlp": (784,), "cnn": (28, 28, 1), "lstm": (50, 16)}[workload]
    x = rng.standard_normal((n, *shape)).astype("float32")
    y = rng.integers(0, 10, n).astype("int32")
    return x, y


# -- Keras-API models (engine.keras and real Keras share the code) -------------------------
def keras_model(keras, workload: str):
    L = keras.layers
    if workload == "mlp":
        layers = [keras.Input((784,)), L.Dense(256, activation="relu"), L.Dense(128, activation="relu"),
                  L.Dense(10, activation="softmax")]
        opt = keras.optimizers.Adam()
    elif workload == "cnn":
        layers = [keras.Input((28, 28, 1)), L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(2),
                  L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(2), L.Flatten(),
                  L.Dense(10, activation="softmax")]
        opt = keras.optimizers.SGD(0.01)
    else:
        layers = [keras.Input((50, 16)), L.LSTM(64), L.Dense(10, activation="softmax")]
        opt = keras.optimizers.Adam()
    m = keras.Sequential(layers)
    m.compile(optimizer=opt, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


def clock() -> float:
    return CLOCK[0]()


CLOCK = [time.perf_counter]


def keras_runner(keras, workload: str, x: np.ndarray, y: np.ndarray):
    batch = WORKLOADS[workload][1]
    m = keras_model(keras, workload)
    m.fit(x[:2 * batch], y[:2 * batch], batch_size=batch, epochs=1, verbose=0)  # trace / warm up
    if len(x) % batch:  # the short last batch is its own trace: warm it too
        r = len(x) % batch
        m.fit(x[:batch + r], y[:batch + r], batch_size=batch, epochs=1, verbose=0, shuffle=False)

    def epoch() -> float:
        t = clock()
        m.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
        return clock() - t
    return epoch


def engine_runner(workload: str, x: np.ndarray, y: np.ndarray):
    from engine import keras
    return keras_runner(keras, workload, x, y)


def tf_keras_runner(workload: str, x: np.ndarray, y: np.ndarray):
    import keras
    return keras_runner(keras, workload, x, y)


# -- raw PyTorch ------------------------------------------------------------------------------
def torch_runner(workload: str, x: np.ndarray, y: np.ndarray):
    import torch
    nn = torch.nn
    batch = WORKLOADS[workload][1]
    if workload == "mlp":
        net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
        xt = torch.from_numpy(x)
    elif workload == "cnn":
        net = nn.Sequential(nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(16, 32, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(32 * 5 * 5, 10))
        xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # NCHW, outside the timing
    else:
        class Net(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.lstm = nn.LSTM(16, 64, batch_first=True)
                self.dense = nn.Linear(64, 10)

            def forward(self, v):
                out, _ = self.lstm(v)
                return self.dense(out[:, -1])
        net = Net()
        xt = torch.from_numpy(x)
    if WORKLOADS[workload][2] == "adam":
        opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=0.01)
    yt = torch.from_numpy(y.astype(np.int64))
    loss_fn = nn.CrossEntropyLoss()

    def run(n: int) -> None:
        perm = torch.randperm(n)
        correct = 0
        total = 0.0
        for s in range(0, n, batch):
            idx = perm[s:s + batch]
            bx, by = xt[idx], yt[idx]
            out = net(bx)
            loss = loss_fn(out, by)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item()
            correct += int((out.argmax(1) == by).sum())

    run(2 * batch)  # warm up

    def epoch() -> float:
        t = clock()
        run(len(xt))
        return clock() - t
    return epoch


RUNNERS = {"engine": engine_runner, "torch": torch_runner, "keras": tf_keras_runner}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; the best epoch counts")
    ap.add_argument("--only", default="", help="comma-separated workloads and/or frameworks to run")
    ap.add_argument("--samples-scale", type=float, default=1.0, help="scale every data set (quick runs)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="wall time, or process CPU time (steadier when other jobs share the cores)")
    args = ap.parse_args()
    if args.clock == "cpu":
        CLOCK[0] = time.process_time
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - set(WORKLOADS) - set(FRAMEWORKS)
    if unknown:
        ap.error(f"unknown --only names {sorted(unknown)}; choose from {list(WORKLOADS) + list(FRAMEWORKS)}")
    workloads = [w for w in WORKLOADS if not (only & set(WORKLOADS)) or w in only]
    frameworks = [f for f in FRAMEWORKS if not (only & set(FRAMEWORKS)) or f in only]

    if "torch" in frameworks:
        try:
            import torch
            torch.set_num_threads(1)
            torch.set_num_interop_threads(1)
        except ImportError:
            print("torch not installed (pip install torch==2.13.0): skipping torch")
            frameworks.remove("torch")
    if "keras" in frameworks:
        try:
            import tensorflow as tf
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
            tf.get_logger().setLevel("ERROR")
            import keras  # noqa: F401
        except ImportError:
            print("tensorflow/keras not installed: skipping Keras 3")
            frameworks.remove("keras")

    limits = threadpool_limits(limits=1)  # noqa: F841  (held for the whole run)
    sizes = {w: max(int(WORKLOADS[w][0] * args.samples_scale), 4 * WORKLOADS[w][1]) for w in workloads}
    epochs = {}
    for w in workloads:
        x, y = make_data(w, sizes[w])
        for f in frameworks:
            epochs[w, f] = RUNNERS[f](w, x, y)
    best = {k: float("inf") for k in epochs}
    for r in range(args.rounds):
        for w in workloads:
            for f in frameworks:
                best[w, f] = min(best[w, f], epochs[w, f]())
        print(f"round {r + 1}/{args.rounds}: " + "  ".join(
            f"{w}/{f} {best[w, f]:.3f}" for w in workloads for f in frameworks), flush=True)

    print(f"\nbest epoch ({args.clock} clock) of {args.rounds} interleaved rounds, 1 thread, "
          f"samples scale {args.samples_scale}")
    print(f"{'workload':8s} {'samples':>7s}  " + "".join(f"{f:>15s}" for f in frameworks)
          + "".join(f"  {'engine/' + f:>13s}" for f in frameworks if f != "engine" and "engine" in frameworks))
    for w in workloads:
        row = f"{w:8s} {sizes[w]:7d}  " + "".join(f"{best[w, f]:13.3f} s" for f in frameworks)
        if "engine" in frameworks:
            row += "".join(f"  {best[w, 'engine'] / best[w, f]:13.2f}" for f in frameworks if f != "engine")
        print(row)
    for w in workloads:
        print(f"  {w}: {WORKLOADS[w][3]}")


if __name__ == "__main__":
    main()
