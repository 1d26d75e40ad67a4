"""``format="tf_saved_model"``: a real TensorFlow SavedModel written without TensorFlow.

``saved_model.pb`` holds one MetaGraphDef tagged ``serve`` whose GraphDef is a
frozen graph of TensorFlow ops (weights as ``Const``) built from the model's
layers, and a ``serving_default`` predict signature keyed by the model's input
names and output layer names (formats.md §3.3, the minimal layout verified to
load in TF 2.21's ``tf.saved_model.load``, ``TFSMLayer``, ``saved_model_cli``
and the C++ loader TF Serving uses).  An empty ``variables/`` directory is
added, as TF's own builder does for a graph without variables.

``serving_version=N`` writes into ``<out_dir>/<N>/`` — TF Serving's
``<model_base_path>/<version>/`` layout (formats.md §3.1).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from . import protos as P
from .convert import build, signature_input_keys, signature_output_keys
from .reference import locate, reference_predict  # noqa: F401

RUNTIME = "tensorflow"
FILENAME = "saved_model.pb"
VARIABLES_DIRECTORY = "variables"

__all__ = ["write", "reference_predict", "saved_model_bytes", "signature_input_keys", "signature_output_keys", "RUNTIME", "locate"]


def saved_model_bytes(model: Any) -> bytes:
    """The encoded ``tensorflow.SavedModel`` message for ``model``."""
    from ... import __version__
    g, sig = build(model)
    inputs = {key: P.tensor_info(f"{t.ref}:0", t.dt, shape) for key, t, shape in sig.inputs}
    outputs = {key: P.tensor_info(f"{t.ref}:0", t.dt, shape) for key, t, shape in sig.outputs}
    signature = P.signature_def(inputs, outputs, P.PREDICT_METHOD_NAME)
    meta_info = P.meta_info_def(tags=[P.SERVING_TAG], tensorflow_version="2.21.0",
                                tensorflow_git_version=f"tapestudio-engine-{__version__}")
    graph = P.graph_def(g.nodes, producer=P.GRAPH_DEF_VERSION)
    meta_graph = P.meta_graph_def(meta_info, graph, {P.DEFAULT_SERVING_SIGNATURE_DEF_KEY: signature})
    return P.saved_model([meta_graph])


def write(model: Any, out_dir: Path | str, serving_version: int | None = None, **options: Any) -> Path:
    """Write the SavedModel of ``model`` into ``out_dir`` (or ``out_dir/<serving_version>/``).

    Raises :class:`~engine.export.errors.ExportError` naming the layer when a
    layer has no TensorFlow op mapping (nothing is written in that case).
    """
    if options:
        raise TypeError(f"Unexpected option(s) for the tf_saved_model export: {sorted(options)}; "
                        "the only option is serving_version")
    if serving_version is not None and (isinstance(serving_version, bool) or not isinstance(serving_version, int)
                                        or serving_version < 0):
        raise ValueError(f"serving_version must be a non-negative integer (TF Serving's version directory); "
                         f"received {serving_version!r}")
    data = saved_model_bytes(model)  # converts every layer first: an unsupported one writes nothing
    target = Path(out_dir) if serving_version is None else Path(out_dir) / str(serving_version)
    target.mkdir(parents=True, exist_ok=True)
    (target / FILENAME).write_bytes(data)
    (target / VARIABLES_DIRECTORY).mkdir(exist_ok=True)
    return target
