"""Run a model on a parsed request and shape the answer as TF Serving does (formats.md §4.2).

Row requests get ``{"predictions": [...]}`` — per example the output's value,
or, with several outputs, an object keyed by output name; columnar requests get
``{"outputs": tensor}`` or ``{"outputs": {name: tensor}}``. float32 values are
written with the shortest text that reads back as the same float32 (as TF
Serving's ``WriteDecimal`` does), ``NaN``/``Infinity`` as bare tokens.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from .errors import ServingError, invalid_argument
from .request import ROW, PredictRequest
from .signature import ServingSignature


def run_model(model: Any, signature: ServingSignature, request: PredictRequest) -> dict[str, np.ndarray]:
    """The model's outputs (inference mode) keyed by output name."""
    batch = request.batch(signature)
    try:
        result = model(batch if len(batch) > 1 else batch[0], training=False)
    except ServingError:
        raise
    except Exception as exc:  # noqa: BLE001 - an op refused the input: TF Serving answers INVALID_ARGUMENT
        raise invalid_argument(f"{type(exc).__name__}: {exc}") from None
    if isinstance(result, dict):
        values = [result[k] for k in signature.output_keys()] if set(result) >= set(signature.output_keys()) \
            else list(result.values())
    elif isinstance(result, (list, tuple)):
        values = list(result)
    else:
        values = [result]
    return {key: np.asarray(v) for key, v in zip(signature.output_keys(), values)}


def json_values(array: np.ndarray) -> Any:
    """An array as nested lists of JSON-ready Python scalars (float32: shortest round-trip text)."""
    a = np.asarray(array)
    if a.dtype.kind == "f" and a.dtype.itemsize < 8:
        flat = list(map(float, a.ravel().astype(str)))  # numpy prints the shortest repr of each float32
        if a.ndim == 0:
            return flat[0]
        return np.array(flat, dtype=object).reshape(a.shape).tolist()
    return a.tolist()


def predict_json(outputs: dict[str, np.ndarray], request_format: str) -> dict:
    """``{"predictions": ...}`` (row) or ``{"outputs": ...}`` (columnar)."""
    if request_format == ROW:
        batch = {k: (v.shape[0] if v.ndim else None) for k, v in outputs.items()}
        sizes = set(batch.values())
        if None in sizes:
            name = next(k for k, n in batch.items() if n is None)
            raise invalid_argument(f"Tensor name: {name} has no shape information ")
        if len(sizes) > 1:
            first = next(iter(batch.values()))
            name, n = next((k, n) for k, n in batch.items() if n != first)
            raise invalid_argument(f"Tensor name: {name} has inconsistent batch size: {n} expecting: {first}")
        rows = {k: json_values(v) for k, v in outputs.items()}
        if len(rows) == 1:
            return {"predictions": next(iter(rows.values()))}
        count = next(iter(batch.values()))
        return {"predictions": [{k: rows[k][i] for k in rows} for i in range(count)]}
    cols = {k: json_values(v) for k, v in outputs.items()}
    return {"outputs": next(iter(cols.values())) if len(cols) == 1 else cols}


def dumps(body: dict) -> str:
    """JSON text with ``NaN``/``Infinity`` tokens, as TF Serving writes them."""
    return json.dumps(body, allow_nan=True, separators=(",", ":"))
