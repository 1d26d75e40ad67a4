"""Previews the UI can draw: 2-D points, images, tables, token sentences and numeric sequences.

:func:`build_preview` takes loaded arrays and the descriptor; what it returns
depends on the descriptor's ``kind``:

- ``points`` — ``{"x": [[x1, x2], ...], "y": [...]}`` (every point up to ``limit``);
- ``image`` — ``{"images": [H][W] (or [H][W][C]) nested lists, "labels", "image_shape", "value_range"}``;
- ``table`` — ``{"columns", "rows", "label_column"}`` (for uploads the rows as uploaded, ``null`` for missing);
- ``text`` — ``{"sequences": [{"tokens", "words", "text", "label", "label_name"}], "vocabulary_size"}``;
- ``sequence`` — ``{"sequences": [{"values": [T][F], "label", "label_name"}], "feature_names"}``.

Every preview also has ``id``, ``kind``, ``task``, ``class_names``, ``total``
(examples in the set), ``shown``, ``truncated``, ``options`` (as used) and
``class_counts`` (classification) or ``target_range`` (regression).
"""
from __future__ import annotations

from typing import Any

import numpy as np

#: kind → (default limit, largest limit).
LIMITS: dict[str, tuple[int, int]] = {
    "points": (5000, 100_000),
    "image": (36, 500),
    "table": (100, 1000),
    "text": (12, 200),
    "sequence": (12, 200),
}


def limits_for(kind: str) -> tuple[int, int]:
    """``(default, maximum)`` of the ``limit`` parameter for a kind of dataset."""
    return LIMITS.get(kind, LIMITS["table"])


def _rounded(a: np.ndarray, decimals: int = 4) -> list:
    return np.round(np.asarray(a, dtype=np.float64), decimals).tolist()


def _labels(y: np.ndarray, descriptor: dict) -> list:
    if descriptor.get("task") == "classification":
        return [int(v) for v in y]
    return _rounded(y)


def _label_name(value: Any, descriptor: dict) -> Any:
    names = descriptor.get("class_names")
    if names and isinstance(value, int) and 0 <= value < len(names):
        return names[value]
    return value


def _head(x: np.ndarray, y: np.ndarray, descriptor: dict, shown: int) -> dict:
    out: dict[str, Any] = {
        "id": descriptor.get("id"),
        "kind": descriptor.get("kind"),
        "task": descriptor.get("task"),
        "class_names": descriptor.get("class_names"),
        "total": int(len(x)),
        "shown": shown,
        "truncated": shown < len(x),
        "options": descriptor.get("options_used", {}),
    }
    if descriptor.get("task") == "classification" and len(y):
        counts = np.bincount(y.astype(np.int64), minlength=descriptor.get("num_classes") or 0)
        out["class_counts"] = counts.tolist()
    elif len(y):
        out["target_range"] = [float(np.min(y)), float(np.max(y))]
    return out


def _table(x: np.ndarray, y: np.ndarray, descriptor: dict, n: int, raw: dict | None) -> dict:
    label = descriptor.get("label_name") or "label"
    if raw is not None:
        return {"columns": raw["columns"], "rows": raw["rows"][:n], "label_column": label,
                "encoded_columns": descriptor.get("feature_names")}
    names = descriptor.get("feature_names") or [f"x{j + 1}" for j in range(x.shape[1])]
    flat = x[:n].reshape(min(n, len(x)), -1)
    labels = _labels(y[:n], descriptor)
    rows = [[*values, _label_name(lab, descriptor)] for values, lab in zip(_rounded(flat), labels)]
    return {"columns": [*names, label], "rows": rows, "label_column": label}


def build_preview(x: np.ndarray, y: np.ndarray, descriptor: dict, limit: int, raw: dict | None = None) -> dict:
    """A JSON-ready preview of at most ``limit`` examples (see the module doc for the shapes)."""
    kind = descriptor.get("kind", "table")
    n = min(limit, len(x))
    out = _head(x, y, descriptor, n)
    labels = _labels(y[:n], descriptor)
    if kind == "points":
        out.update(x=_rounded(x[:n]), y=labels, feature_names=descriptor.get("feature_names"))
    elif kind == "image":
        images = x[:n]
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        out.update(images=_rounded(images, 3), labels=labels,
                   label_names=[_label_name(v, descriptor) for v in labels],
                   image_shape=list(descriptor.get("input_shape") or x.shape[1:]),
                   value_range=[float(x.min()), float(x.max())] if len(x) else [0.0, 1.0])
    elif kind == "text":
        vocabulary = descriptor.get("vocabulary") or []
        sequences = []
        for row, lab in zip(x[:n], labels):
            tokens = [int(t) for t in row]
            words = [vocabulary[t] if 0 <= t < len(vocabulary) else "<unk>" for t in tokens if t != 0]
            sequences.append({"tokens": tokens, "words": words, "text": " ".join(words), "label": lab,
                              "label_name": _label_name(lab, descriptor)})
        out.update(sequences=sequences, vocabulary_size=len(vocabulary),
                   sequence_length=int(x.shape[1]) if x.ndim > 1 else 0)
    elif kind == "sequence":
        values = x[:n] if x.ndim == 3 else x[:n, :, None]
        out.update(sequences=[{"values": v, "label": lab, "label_name": _label_name(lab, descriptor)}
                              for v, lab in zip(_rounded(values), labels)],
                   feature_names=descriptor.get("feature_names"),
                   sequence_length=int(x.shape[1]) if x.ndim > 1 else 0)
    else:
        out.update(_table(x, y, descriptor, n, raw))
    return out
