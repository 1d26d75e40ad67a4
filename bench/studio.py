"""The studio's cost over the engine alone: training overhead, event latency, memory per idle run.

1. Overhead: the same training run (spiral, 2000 points, MLP 2-32-32-1, Adam,
   batch 16, validation split 0.2, seed 3) — through the studio (``POST
   /api/runs`` on a real server on loopback, one python-socketio watcher over
   WebSocket subscribed to the run, until its ``completed`` status event) and
   through ``engine.keras`` ``fit`` alone (build + compile + fit). Process CPU
   time (server threads run in this process); rounds interleaved; best round.
2. Event latency: for every per-step point the watcher receives, now minus the
   point's ``time`` (when its batch ended in the engine): p50, p95, max.
3. Memory per idle run: resident-set growth per finished run kept by the
   server, and per paused run (a live run holding its model and data).

    python bench/studio.py [--rounds 3] [--epochs 30] [--samples 2000] [--idle 8]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import socketio  # noqa: E402
import requests  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

import sample_data  # noqa: E402
from engine import keras  # noqa: E402
from studio.app import create_app, shutdown_app  # noqa: E402

CONFIG = {"optimizer": "adam", "learning_rate": 0.01, "batch_size": 16, "validation_split": 0.2, "seed": 3,
          "loss": "binary_crossentropy", "metrics": ["accuracy"]}


def model_doc() -> dict:
    """The benchmark's model document."""
    model = keras.Sequential([keras.Input((2,), name="points"), keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    return json.loads(model.to_json())


def rss_bytes() -> int:
    """This process's resident set size."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def watch(url: str) -> None:
    """Child process: a python-socketio watcher. Reads run ids on stdin, subscribes, prints
    ``done <id>`` when each ends; at EOF prints the latencies (seconds) as one JSON line."""
    client = socketio.Client(reconnection=False)
    latencies: list[float] = []

    def on_metrics(message: dict) -> None:
        now = time.time()
        latencies.extend(now - p["time"] for p in message["points"] if "time" in p)

    def on_status(message: dict) -> None:
        if message["status"] in ("completed", "stopped", "failed", "interrupted"):
            print(f"done {message['run']}", flush=True)

    client.on("metrics", on_metrics)
    client.on("status", on_status)
    client.connect(url, transports=["websocket"], wait_timeout=10)
    for line in sys.stdin:
        if line.strip() == "reset":
            latencies.clear()
        elif line.strip() == "dump":
            print(json.dumps(latencies), flush=True)
        elif line.strip():
            client.call("subscribe", {"run": line.strip(), "since": 0}, timeout=10)
    print(json.dumps(latencies), flush=True)
    client.disconnect()


class Studio:
    """A studio on loopback in this process, watched by a socket client in a child process
    (so this process's CPU time is the server's, as it would be with a browser watching)."""

    def __init__(self, **config) -> None:
        self.app = create_app({"data_dir": tempfile.mkdtemp(prefix="bench-studio-"), **config})
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.watcher = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--watch", self.url],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def train(self, body: dict, timeout: float = 600) -> dict:
        run = requests.post(self.url + "/api/runs", json=body, timeout=60).json()
        self.watcher.stdin.write(run["id"] + "\n")
        self.watcher.stdin.flush()
        while True:
            line = self.watcher.stdout.readline()
            if not line:
                raise RuntimeError("the watcher died")
            if line.strip() == f"done {run['id']}":
                break
        return requests.get(f"{self.url}/api/runs/{run['id']}", timeout=60).json()

    def reset_latencies(self) -> None:
        self.watcher.stdin.write("reset\n")
        self.watcher.stdin.flush()

    def latencies(self) -> list[float]:
        self.watcher.stdin.write("dump\n")
        self.watcher.stdin.flush()
        while True:
            line = self.watcher.stdout.readline()
            if line.startswith("["):
                return json.loads(line)
            if not line:
                raise RuntimeError("the watcher died")

    def close(self) -> None:
        if self.watcher.poll() is None:
            self.watcher.kill()
        self.server.shutdown()
        shutdown_app(self.app)


def engine_alone(doc: dict, epochs: int, samples: int) -> dict:
    """Build, compile and fit the same model with the engine only."""
    x, y, _ = sample_data.load("spiral", num_samples=samples, seed=1)
    keras.utils.set_random_seed(CONFIG["seed"])
    model = keras.models.model_from_json(json.dumps(doc))
    model.compile(optimizer=keras.optimizers.Adam(CONFIG["learning_rate"]), loss=CONFIG["loss"],
                  metrics=CONFIG["metrics"])
    history = model.fit(x, y, batch_size=CONFIG["batch_size"], epochs=epochs,
                        validation_split=CONFIG["validation_split"], shuffle=True, verbose=0)
    return history.history


def overhead(rounds: int, epochs: int, samples: int) -> tuple[list, list, Studio]:
    doc = model_doc()
    body = {"model": doc, "dataset": {"id": "spiral", "options": {"num_samples": samples, "seed": 1}},
            "config": {**CONFIG, "epochs": epochs}}
    studio = Studio(max_concurrent_runs=1)
    studio.train({**body, "config": {**body["config"], "epochs": 1}})  # warm-up (first build, imports)
    engine_alone(doc, 1, samples)
    studio.reset_latencies()
    alone, served = [], []
    for r in range(rounds):
        c0 = time.process_time()
        hist = engine_alone(doc, epochs, samples)
        alone.append(time.process_time() - c0)
        c0 = time.process_time()
        run = studio.train(body)
        served.append(time.process_time() - c0)
        print(f"round {r + 1}: engine fit {alone[-1]:.2f} s CPU, studio {served[-1]:.2f} s CPU "
              f"(ratio {served[-1] / alone[-1]:.3f}); val_accuracy engine {hist['val_accuracy'][-1]:.3f} "
              f"studio {run['history']['val_accuracy'][-1]:.3f}", flush=True)
    return alone, served, studio


def idle_memory(studio: Studio, count: int, samples: int) -> tuple[float, float]:
    """RSS growth per finished run and per paused run (MiB)."""
    doc = model_doc()
    body = {"model": doc, "dataset": {"id": "spiral", "options": {"num_samples": samples, "seed": 1}},
            "config": {**CONFIG, "epochs": 1}}
    gc.collect()
    base = rss_bytes()
    for _ in range(count):
        studio.train(body)
    gc.collect()
    finished = (rss_bytes() - base) / count / 2**20
    paused_studio = Studio(max_concurrent_runs=count)
    paused_studio.train(body)  # warm-up
    gc.collect()
    base = rss_bytes()
    ids = []
    for _ in range(count):
        run = requests.post(paused_studio.url + "/api/runs", json={**body, "config": {**body["config"],
                                                                                     "epochs": 1000}},
                            timeout=60).json()
        requests.post(f"{paused_studio.url}/api/runs/{run['id']}/pause", timeout=60)
        ids.append(run["id"])
    gc.collect()
    paused = (rss_bytes() - base) / count / 2**20
    for run_id in ids:
        requests.post(f"{paused_studio.url}/api/runs/{run_id}/stop", timeout=60)
    paused_studio.close()
    return finished, paused


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--idle", type=int, default=8, help="runs for the memory measurement")
    parser.add_argument("--watch", metavar="URL", help=argparse.SUPPRESS)  # the child watcher
    args = parser.parse_args()
    if args.watch:
        watch(args.watch)
        return
    alone, served, studio = overhead(args.rounds, args.epochs, args.samples)
    lat = sorted(studio.latencies())
    q = lambda f: lat[int(f * (len(lat) - 1))] * 1000  # noqa: E731
    finished, paused = idle_memory(studio, args.idle, args.samples)
    studio.close()
    print()
    print(f"overhead: studio/engine CPU time, best {min(served) / min(alone):.3f}x, "
          f"median {statistics.median(served) / statistics.median(alone):.3f}x "
          f"({args.epochs} epochs, {args.samples} samples, batch {CONFIG['batch_size']})")
    print(f"event latency (step end -> client): p50 {q(0.5):.1f} ms, p95 {q(0.95):.1f} ms, "
          f"max {lat[-1] * 1000:.1f} ms over {len(lat)} points")
    print(f"memory: {finished:.2f} MiB per finished run, {paused:.2f} MiB per paused run")


if __name__ == "__main__":
    main()
