"""``tf.saved_model``: write a Keras model as a real TensorFlow SavedModel (no TensorFlow needed).

``tf.saved_model.save(model, export_dir)`` writes the same directory as
``model.export(export_dir, format="tf_saved_model")``: ``saved_model.pb`` (a
frozen graph with a ``serving_default`` signature), an empty ``variables/``
directory, and the export's ``parity.json``.  See
:mod:`engine.export.saved_model`.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

SERVING = "serve"
DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
PREDICT_METHOD_NAME = "tensorflow/serving/predict"
SAVED_MODEL_FILENAME_PB = "saved_model.pb"
VARIABLES_DIRECTORY = "variables"

__all__ = ["save", "contains_saved_model", "SERVING", "DEFAULT_SERVING_SIGNATURE_DEF_KEY",
           "PREDICT_METHOD_NAME", "SAVED_MODEL_FILENAME_PB", "VARIABLES_DIRECTORY"]


def save(obj: Any, export_dir: str | os.PathLike, signatures: Any = None, options: Any = None) -> None:
    """Save a Sequential/Functional Keras model to ``export_dir`` as a SavedModel.

    The model's forward pass becomes the ``serving_default`` signature (inputs
    keyed by the model's input names, outputs by the output layers' names).
    Custom ``signatures`` and ``options`` are not supported.
    """
    if signatures is not None:
        raise ValueError("tf.saved_model.save(signatures=...) is not supported: the export always has one "
                         "'serving_default' signature, the model's forward pass.")
    if options is not None:
        raise ValueError("tf.saved_model.save(options=...) is not supported by the engine's writer.")
    from .export import export_model
    export_model(obj, export_dir, format="tf_saved_model")


def contains_saved_model(export_dir: str | os.PathLike) -> bool:
    """Whether ``export_dir`` holds a ``saved_model.pb`` (or ``.pbtxt``)."""
    d = Path(export_dir)
    return (d / SAVED_MODEL_FILENAME_PB).is_file() or (d / "saved_model.pbtxt").is_file()
