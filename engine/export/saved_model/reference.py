"""Run an exported SavedModel in real TensorFlow (the parity reference).

``tf.saved_model.load(dir).signatures["serving_default"](**{key: tensor})``.
In-process when TensorFlow is already imported (tests), otherwise in a
``python -c`` subprocess so the studio never loads TensorFlow itself.
Signature keys are matched to the model's inputs/outputs by the position of
their nodes in the GraphDef (the writer emits placeholders first and output
``Identity`` nodes last, both in the model's order).
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

SCRIPT = "from engine.export.saved_model.reference import main; main()"


def locate(out_dir: Path | str) -> Path:
    """The SavedModel directory in an export: ``out_dir`` itself or its highest ``<version>/``."""
    out_dir = Path(out_dir)
    if (out_dir / "saved_model.pb").is_file():
        return out_dir
    versions = [p for p in out_dir.iterdir() if p.is_dir() and p.name.isdigit() and (p / "saved_model.pb").is_file()]
    if not versions:
        raise FileNotFoundError(f"no saved_model.pb under {out_dir}")
    return max(versions, key=lambda p: int(p.name))


def signature_order(saved_model_dir: Path | str) -> tuple:
    """``(input_keys, output_keys)`` of ``serving_default`` in graph-node order (needs TF's protos)."""
    from tensorflow.core.protobuf import saved_model_pb2
    sm = saved_model_pb2.SavedModel.FromString((Path(saved_model_dir) / "saved_model.pb").read_bytes())
    mg = sm.meta_graphs[0]
    position = {n.name: i for i, n in enumerate(mg.graph_def.node)}
    sig = mg.signature_def["serving_default"]

    def ordered(infos: Any) -> list:
        return sorted(infos, key=lambda k: position[infos[k].name.split(":")[0]])
    return ordered(sig.inputs), ordered(sig.outputs)


def predict_in_process(saved_model_dir: Path | str, inputs: list) -> tuple:
    """``(runtime, outputs)`` from TensorFlow in this process."""
    import tensorflow as tf
    in_keys, out_keys = signature_order(saved_model_dir)
    loaded = tf.saved_model.load(str(saved_model_dir))
    fn = loaded.signatures["serving_default"]
    specs = fn.structured_input_signature[1]  # feed each input in its placeholder's dtype, as a client would
    result = fn(**{k: tf.constant(np.asarray(x), dtype=specs[k].dtype) for k, x in zip(in_keys, inputs)})
    return f"tensorflow {tf.__version__}", [np.asarray(result[k].numpy()) for k in out_keys]


def predict_subprocess(saved_model_dir: Path | str, inputs: list, timeout: float = 300.0) -> tuple:
    """``(runtime, outputs)`` from TensorFlow in a fresh ``python`` process."""
    root = Path(__file__).resolve().parents[3]
    with tempfile.TemporaryDirectory(prefix="sm-ref-") as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.npz"
        np.savez(src, *[np.asarray(x) for x in inputs])
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
                   PYTHONPATH=os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
        proc = subprocess.run([sys.executable, "-c", SCRIPT, str(saved_model_dir), str(src), str(dst)],
                              capture_output=True, text=True, timeout=timeout, env=env)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
            raise RuntimeError("TensorFlow could not run the SavedModel: " + " | ".join(tail))
        with np.load(dst, allow_pickle=False) as data:
            runtime = str(data["runtime"])
            outs = [data[f"out_{i}"] for i in range(int(data["count"]))]
    return runtime, outs


def reference_predict(out_dir: Path | str, inputs: list) -> tuple | None:
    """TensorFlow's outputs for ``inputs`` (in the model's output order), or None without TensorFlow."""
    path = locate(out_dir)
    if "tensorflow" in sys.modules:
        if sys.modules["tensorflow"] is None:  # imports of tensorflow are blocked here: no runtime
            return None
        return predict_in_process(path, inputs)
    if importlib.util.find_spec("tensorflow") is None:
        return None
    return predict_subprocess(path, inputs)


def main() -> None:
    """Subprocess entry: ``<saved_model_dir> <inputs.npz> <outputs.npz>``."""
    saved_model_dir, src, dst = sys.argv[1:4]
    with np.load(src, allow_pickle=False) as data:
        inputs = [data[f"arr_{i}"] for i in range(len(data.files))]
    runtime, outs = predict_in_process(saved_model_dir, inputs)
    np.savez(dst, runtime=np.asarray(runtime), count=np.asarray(len(outs)),
             **{f"out_{i}": o for i, o in enumerate(outs)})
