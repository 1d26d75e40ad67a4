"""Epoch-end views of a model: decision boundary, confusion matrix, weight and gradient norms.

Each function returns the JSON payload of its event (without ``epoch``). They
run in the training thread, under the engine lock, and are kept cheap: one
batched ``predict`` over the grid or the validation split, one
``GradientTape`` pass over a fixed probe batch. :class:`Budget` decides
when to compute them so that they cost at most a few per cent of training
time and are not sent faster than a screen can use them.
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np
import engine as tf

from .plan import TrainingPlan
from .stream import json_number

#: Cells per side of the decision-boundary grid (as TensorFlow Playground's heat map).
BOUNDARY_RESOLUTION = 50
#: Padding around the data range, as a fraction of it.
BOUNDARY_PADDING = 0.1
#: Largest probe batch for gradient norms.
PROBE_SAMPLES = 256
#: Largest batch ``predict`` gets here.
PREDICT_BATCH = 4096


def _round(values: np.ndarray, digits: int = 3) -> list:
    """Rows of rounded floats; NaN/Inf become None (JSON null)."""
    out = np.round(np.asarray(values, dtype=np.float64), digits)
    if np.isfinite(out).all():
        return out.tolist()
    return [[v if math.isfinite(v) else None for v in row] for row in out.tolist()]


class BoundaryGrid:
    """A ``resolution``² grid over the 2-D data range padded by 10 %."""

    def __init__(self, x: np.ndarray, resolution: int = BOUNDARY_RESOLUTION) -> None:
        lo, hi = np.min(x, axis=0).astype(np.float64), np.max(x, axis=0).astype(np.float64)
        pad = np.maximum((hi - lo) * BOUNDARY_PADDING, 1e-3)
        self.lo, self.hi = lo - pad, hi + pad
        self.resolution = int(resolution)
        xs = np.linspace(self.lo[0], self.hi[0], self.resolution)
        ys = np.linspace(self.lo[1], self.hi[1], self.resolution)
        gx, gy = np.meshgrid(xs, ys)  # row i <-> y[i], column j <-> x[j]
        self.points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32)

    def payload(self, model: Any, plan: TrainingPlan) -> dict:
        """``{"x_range", "y_range", "resolution", "kind", "values"}``; ``values[row][col]``, row ↔ y."""
        pred = model.predict(self.points, batch_size=len(self.points), verbose=0)
        probs = plan.probabilities(pred).reshape(len(self.points), -1)
        if plan.output == "binary":
            values, kind = probs[:, 0], "probability"
        elif plan.output == "multiclass" and probs.shape[1] == 2:
            values, kind = probs[:, 1], "probability"
        elif plan.output == "multiclass":
            values, kind = np.argmax(probs, axis=1).astype(np.float64), "class"
        else:
            values, kind = probs[:, 0], "value"
        grid = values.reshape(self.resolution, self.resolution)
        return {"x_range": [float(self.lo[0]), float(self.hi[0])], "y_range": [float(self.lo[1]), float(self.hi[1])],
                "resolution": self.resolution, "kind": kind, "values": _round(grid)}


def confusion(model: Any, plan: TrainingPlan, x: np.ndarray, y: np.ndarray, split: str) -> dict:
    """``{"labels", "matrix", "split"}``; ``matrix[true][predicted]`` counts."""
    k = int(plan.num_classes or 2)
    pred = model.predict(x, batch_size=min(len(x), PREDICT_BATCH), verbose=0)
    predicted = plan.predicted_classes(pred)
    truth = plan.true_classes(y)
    ok = (truth >= 0) & (truth < k)
    matrix = np.zeros((k, k), dtype=np.int64)
    np.add.at(matrix, (truth[ok], np.clip(predicted[ok], 0, k - 1)), 1)
    labels = list(plan.class_names or [str(i) for i in range(k)])
    return {"labels": labels, "matrix": matrix.tolist(), "split": split}


def _np(value: Any) -> np.ndarray:
    return value.numpy() if hasattr(value, "numpy") else np.asarray(value)


def _norm(arrays: list) -> float:
    total = 0.0
    for a in arrays:
        a = np.asarray(a, dtype=np.float64)
        total += float(np.dot(a.ravel(), a.ravel()))
    return math.sqrt(total) if math.isfinite(total) else float("nan")


def layer_norms(model: Any, x_probe: np.ndarray, y_probe: np.ndarray) -> dict:
    """``{"layers": [{"name", "weight_norm", "grad_norm"}]}`` (gradients of the loss on the probe batch)."""
    trainable = list(model.trainable_weights)
    grads_by_id: dict[int, Any] = {}
    if trainable:
        with tf.GradientTape() as tape:
            y_pred = model(x_probe, training=False)
            loss = model.compute_loss(x=x_probe, y=y_probe, y_pred=y_pred, training=False)
        grads = tape.gradient(loss, trainable)
        grads_by_id = {id(v): g for v, g in zip(trainable, grads)}
    layers = []
    for layer in model.layers:
        weights = list(layer.weights)
        if not weights:
            continue
        grads = [grads_by_id.get(id(v)) for v in layer.trainable_weights]
        grads = [_np(g) for g in grads if g is not None]
        layers.append({"name": layer.name,
                       "weight_norm": json_number(_norm([_np(w) for w in weights])),
                       "grad_norm": json_number(_norm(grads)) if grads else None})
    return {"layers": layers}


class Budget:
    """When to do optional per-epoch work: within ``fraction`` of training CPU time, ``min_interval`` apart.

    ``charge(seconds)`` books the work's cost; :meth:`due` says whether to do
    it now, given the training CPU time so far (the training thread's own,
    so other runs and waiting do not count).
    """

    def __init__(self, fraction: float, min_interval: float = 0.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.fraction = fraction
        self.min_interval = min_interval
        self.spent = 0.0
        self._clock = clock
        self._last = -float("inf")

    def due(self, training_seconds: float) -> bool:
        """Whether the work fits now."""
        if self._clock() - self._last < self.min_interval:
            return False
        return self.spent <= self.fraction * max(training_seconds, 0.0)

    def charge(self, seconds: float) -> None:
        """Book ``seconds`` of work done now."""
        self.spent += max(seconds, 0.0)
        self._last = self._clock()
