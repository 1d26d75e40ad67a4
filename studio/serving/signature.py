"""The ``serving_default`` signature of an engine model, as the SavedModel export writes it.

Input keys are the model's input names, output keys the output layers' names
(``<layer>_<k>`` for a layer's k-th extra output, deduplicated with ``_<n>``),
so a client written against the studio works unchanged against TF Serving
loading the run's ``tf_saved_model`` export. ``metadata_json`` and
``status_json`` print them the way TF Serving does (formats.md §4.3, §4.4).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from engine.export.saved_model import signature_input_keys, signature_output_keys

SIGNATURE_NAME = "serving_default"
PREDICT_METHOD = "tensorflow/serving/predict"

#: numpy dtype name → TensorFlow DataType enum name
DT_NAMES = {
    "float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF", "bfloat16": "DT_BFLOAT16",
    "int8": "DT_INT8", "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64",
    "uint8": "DT_UINT8", "uint16": "DT_UINT16", "uint32": "DT_UINT32", "uint64": "DT_UINT64",
    "bool": "DT_BOOL", "str": "DT_STRING", "bytes": "DT_STRING", "object": "DT_STRING",
}


def shape_text(shape: Any) -> str:
    """A shape as a Python tuple prints (``None`` for an unknown size): ``(None, 4)``, ``(3,)``."""
    return repr(tuple(None if d is None else int(d) for d in shape))


@dataclass(frozen=True)
class TensorSpec:
    """One signature tensor: its key, numpy dtype and shape (``None`` = any size)."""

    key: str
    dtype: np.dtype
    shape: tuple

    @property
    def dtype_name(self) -> str:
        """TensorFlow's short dtype name (``float``, ``int32``...), as its error messages print it."""
        return {"float32": "float", "float64": "double", "float16": "half"}.get(self.dtype.name, self.dtype.name)

    @property
    def dt_enum(self) -> str:
        """The DataType enum name (``DT_FLOAT``...)."""
        return DT_NAMES.get(self.dtype.name, "DT_INVALID")

    def shape_text(self) -> str:
        """``(None, 4)``: the shape as TensorFlow's Python messages print it."""
        return shape_text(self.shape)

    def tensor_info(self) -> dict:
        """The TensorInfo JSON of TF Serving's metadata."""
        return {"dtype": self.dt_enum,
                "tensor_shape": {"dim": [{"size": "-1" if d is None else str(int(d)), "name": ""} for d in self.shape],
                                 "unknown_rank": False},
                "name": f"{self.key}:0"}


@dataclass(frozen=True)
class ServingSignature:
    """The model's inputs and outputs, in the model's order."""

    inputs: tuple
    outputs: tuple

    def input_keys(self) -> list[str]:
        return [t.key for t in self.inputs]

    def output_keys(self) -> list[str]:
        return [t.key for t in self.outputs]


def _dtype(kt: Any) -> np.dtype:
    dt = getattr(kt, "dtype", None)
    np_type = getattr(dt, "as_numpy_dtype", None)
    return np.dtype(np_type if np_type is not None else "float32")


def _shape(kt: Any) -> tuple:
    return tuple(None if d is None else int(d) for d in tuple(kt.shape))


def signature_of(model: Any) -> ServingSignature:
    """The ``serving_default`` signature of a Sequential or Functional engine model."""
    # the keys the SavedModel export writes, so both signatures agree
    inputs = tuple(TensorSpec(key, _dtype(kt), _shape(kt)) for key, kt in zip(signature_input_keys(model), model.inputs))
    outs = tuple(TensorSpec(key, _dtype(kt), _shape(kt)) for key, kt in zip(signature_output_keys(model), model.outputs))
    return ServingSignature(inputs, outs)


def metadata_json(model_name: str, version: int, signature: ServingSignature) -> dict:
    """``GET /v1/models/{name}/metadata``: the signature def metadata, nested as TF Serving nests it."""
    sig = {
        "inputs": {t.key: t.tensor_info() for t in signature.inputs},
        "outputs": {t.key: t.tensor_info() for t in signature.outputs},
        "method_name": PREDICT_METHOD,
        "defaults": {},
    }
    return {
        "model_spec": {"name": model_name, "signature_name": "", "version": str(int(version))},
        "metadata": {"signature_def": {"signature_def": {SIGNATURE_NAME: sig}}},
    }


def status_json(versions: list[int]) -> dict:
    """``GET /v1/models/{name}``: every servable version AVAILABLE, newest first (versions are int64 → strings)."""
    return {"model_version_status": [
        {"version": str(int(v)), "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
        for v in sorted(versions, reverse=True)]}
