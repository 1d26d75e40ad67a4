"""What a run trains: the dataset reference, and how the model's output meets the labels.

:func:`make_plan` checks a freshly built model against the loaded data (input
shape, one output, output units vs classes or targets) and picks the loss and
metrics when the config leaves them ``null``:

- classification, ``k`` output units for ``k`` classes: ``sparse_categorical_crossentropy``
  (``categorical_crossentropy`` for one-hot labels) and ``accuracy``;
- classification with two classes and one output unit: ``binary_crossentropy``;
- regression: ``mse`` and ``mae``.

An output layer with a linear activation is read as logits (``from_logits=True``).
Errors are :class:`PlanError` whose message names the layer and both shapes.
The same function runs at create time (the API's 400) and in the runner, so
both always agree.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from engine import keras

from .runconfig import ConfigError

#: How many samples the create-time dry run evaluates.
DRY_RUN_SAMPLES = 8


class PlanError(ValueError):
    """The model and the data (or the config) do not fit; ``details`` names layer/field."""

    def __init__(self, message: str, details: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


@dataclass(frozen=True)
class DatasetRef:
    """A dataset id and the options it is loaded with."""

    id: str
    options: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        """``{"id", "options"}``."""
        return {"id": self.id, "options": dict(self.options)}


def parse_dataset(value: Any) -> DatasetRef:
    """``"spiral"`` or ``{"id": "spiral", "options": {...}}`` → :class:`DatasetRef`."""
    if isinstance(value, str) and value.strip():
        return DatasetRef(value.strip())
    if isinstance(value, dict):
        unknown = sorted(set(value) - {"id", "options"})
        if unknown:
            raise PlanError(f"dataset: unknown key {unknown[0]!r}; a dataset is an id or {{\"id\", \"options\"}}",
                            {"field": f"dataset.{unknown[0]}"})
        ident, options = value.get("id"), value.get("options", {})
        if not isinstance(ident, str) or not ident.strip():
            raise PlanError("dataset.id must be a non-empty string", {"field": "dataset.id"})
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise PlanError("dataset.options must be a JSON object", {"field": "dataset.options"})
        return DatasetRef(ident.strip(), dict(options))
    raise PlanError("dataset must be a dataset id or {\"id\": id, \"options\": {...}}", {"field": "dataset"})


def _shape(shape: Any) -> list:
    return [None if d is None else int(d) for d in shape]


def _fmt(shape: Any) -> str:
    dims = ["None" if d is None else str(d) for d in shape]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _activation_name(layer: Any) -> str | None:
    if type(layer).__name__ == "Softmax":
        return "softmax"
    try:
        config = layer.get_config()
    except Exception:  # noqa: BLE001 - a layer without a config has no activation to read
        return None
    act = config.get("activation")
    if isinstance(act, dict):
        act = act.get("config", {}).get("name") or act.get("class_name")
    if callable(act):
        act = getattr(act, "__name__", None)
    return str(act).lower() if act is not None else None


def output_layer(model: Any) -> Any:
    """The layer whose output is the model's (first) output."""
    target = model.outputs[0]
    for layer in reversed(model.layers):
        try:
            if layer.output is target:
                return layer
        except (AttributeError, ValueError):
            continue
    return model.layers[-1]


@dataclass
class TrainingPlan:
    """The loss, metrics and output reading of one run (JSON-ready via :meth:`as_json`)."""

    task: str
    output: str  # "binary" | "multiclass" | "regression"
    loss: str
    from_logits: bool
    metrics: list
    auto_loss: bool
    auto_metrics: bool
    num_classes: int | None
    class_names: list | None
    input_name: str
    output_name: str
    output_shape: list
    one_hot: bool = False

    def as_json(self) -> dict:
        """The plan as stored with the run (``summary.plan``)."""
        return asdict(self)

    def loss_object(self) -> Any:
        """What ``compile(loss=...)`` gets."""
        if self.auto_loss and self.from_logits:
            if self.output == "binary":
                return keras.losses.BinaryCrossentropy(from_logits=True)
            if self.one_hot:
                return keras.losses.CategoricalCrossentropy(from_logits=True)
            return keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        return self.loss

    def metric_objects(self) -> list:
        """What ``compile(metrics=...)`` gets."""
        if self.auto_metrics and self.output == "binary" and self.from_logits:
            return [keras.metrics.BinaryAccuracy(threshold=0.0, name="accuracy")]
        return list(self.metrics)

    def compile(self, model: Any, config: dict, run_eagerly: bool = False) -> None:
        """``model.compile`` with the config's optimizer and learning rate."""
        optimizer = keras.optimizers.get(config["optimizer"])
        optimizer.learning_rate = float(config["learning_rate"])
        model.compile(optimizer=optimizer, loss=self.loss_object(), metrics=self.metric_objects(),
                      run_eagerly=run_eagerly)

    def probabilities(self, predictions: np.ndarray) -> np.ndarray:
        """Model outputs as class probabilities (``(n, 1)`` for binary), or the values for regression."""
        p = np.asarray(predictions, dtype=np.float64)
        if self.output == "regression" or not self.from_logits:
            return p
        if self.output == "binary":
            return 1.0 / (1.0 + np.exp(-np.clip(p, -60, 60)))
        z = np.exp(p - p.max(axis=-1, keepdims=True))
        return z / z.sum(axis=-1, keepdims=True)

    def predicted_classes(self, predictions: np.ndarray) -> np.ndarray:
        """Predicted class indices for classifiers."""
        p = self.probabilities(predictions)
        if self.output == "binary":
            return (p.reshape(len(p), -1)[:, 0] > 0.5).astype(np.int64)
        return np.argmax(p.reshape(len(p), -1), axis=-1).astype(np.int64)

    def true_classes(self, y: np.ndarray) -> np.ndarray:
        """Label indices (from integer or one-hot labels)."""
        y = np.asarray(y)
        return np.argmax(y, axis=-1).astype(np.int64) if self.one_hot else y.reshape(len(y)).astype(np.int64)


def prepare_arrays(x: np.ndarray, y: np.ndarray, descriptor: dict) -> tuple[np.ndarray, np.ndarray]:
    """Features as float32 (integer token ids stay int32); classification labels as int32 (unless one-hot)."""
    x = np.asarray(x)
    if x.dtype.kind in "iu":
        x = x.astype(np.int32, copy=False)
    elif x.dtype != np.float32:
        x = x.astype(np.float32)
    y = np.asarray(y)
    if descriptor.get("task") == "classification" and y.ndim == 1 and y.dtype.kind != "i":
        y = y.astype(np.int32)
    elif descriptor.get("task") != "classification" and y.dtype.kind in "iub":
        y = y.astype(np.float32)
    return x, y


def _ensure_built(model: Any, x: np.ndarray) -> None:
    if getattr(model, "inputs", None):
        return
    try:
        model.build((None, *x.shape[1:]))
    except Exception as exc:  # noqa: BLE001 - the engine's message says what does not fit
        raise PlanError(f"the model cannot be built for samples of shape {_fmt(x.shape[1:])}: {exc}",
                        {"field": "model"}) from None
    if not getattr(model, "inputs", None):
        raise PlanError("the model has no input layer; add an InputLayer with the samples' shape",
                        {"field": "model"})


def _check_name(kind: str, name: str, field_name: str) -> None:
    getter = keras.losses.get if kind == "loss" else keras.metrics.get
    try:
        getter(name)
    except (ValueError, TypeError, KeyError):
        raise ConfigError(field_name, f"unknown {kind} {name!r}") from None


def make_plan(model: Any, x: np.ndarray, y: np.ndarray, descriptor: dict, config: dict) -> TrainingPlan:
    """Check ``model`` against the data and choose loss/metrics; :class:`PlanError` if they do not fit."""
    _ensure_built(model, x)
    dataset = descriptor.get("id", "?")
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise PlanError(f"the studio trains models with one input and one output; this one has "
                        f"{len(model.inputs)} input(s) and {len(model.outputs)} output(s)", {"field": "model"})
    in_tensor = model.inputs[0]
    input_name = str(getattr(in_tensor, "name", "input"))
    in_shape = _shape(in_tensor.shape)[1:]
    data_shape = list(x.shape[1:])
    if len(in_shape) != len(data_shape) or any(a is not None and a != b for a, b in zip(in_shape, data_shape)):
        raise PlanError(
            f"the model's input {input_name!r} takes samples of shape {_fmt(in_shape)}, but dataset {dataset!r} "
            f"has samples of shape {_fmt(data_shape)}",
            {"layer": input_name, "field": "batch_input_shape", "expected": data_shape, "got": in_shape})
    out_layer = output_layer(model)
    out_name = out_layer.name
    out_shape = _shape(model.outputs[0].shape)
    activation = _activation_name(out_layer)
    logits = activation == "linear"
    task = descriptor.get("task", "regression")
    details = {"layer": out_name, "field": "units", "output_shape": out_shape}

    if task == "classification":
        k = int(descriptor.get("num_classes") or (int(np.max(y)) + 1 if y.size else 2))
        one_hot = y.ndim == 2 and y.shape[1] == k and k > 1
        units = out_shape[-1] if len(out_shape) == 2 else None
        if units == k and k >= 2:
            output = "multiclass"
            loss = "categorical_crossentropy" if one_hot else "sparse_categorical_crossentropy"
        elif units == 1 and k == 2 and not one_hot:
            output, loss = "binary", "binary_crossentropy"
        else:
            fix = f"{k} units with softmax" + (" or 1 unit with sigmoid" if k == 2 else "")
            raise PlanError(
                f"the output layer {out_name!r} gives shape {_fmt(out_shape)}, but dataset {dataset!r} has {k} "
                f"classes: the output needs shape (None, {'1 or ' if k == 2 else ''}{k}) ({fix})",
                {**details, "expected": [None, k], "num_classes": k})
        metrics = ["accuracy"]
        names = descriptor.get("class_names") or [str(i) for i in range(k)]
    else:
        target = list(y.shape[1:]) or [1]
        if out_shape[1:] != target:
            raise PlanError(
                f"the output layer {out_name!r} gives shape {_fmt(out_shape)}, but the targets of dataset "
                f"{dataset!r} need shape {_fmt([None, *target])}",
                {**details, "expected": [None, *target]})
        output, loss, metrics, k, names, one_hot, logits = "regression", "mse", ["mae"], None, None, False, False

    auto_loss, auto_metrics = config.get("loss") is None, config.get("metrics") is None
    if not auto_loss:
        _check_name("loss", config["loss"], "config.loss")
        loss = config["loss"]
    if not auto_metrics:
        for i, name in enumerate(config["metrics"]):
            _check_name("metric", name, f"config.metrics[{i}]")
        metrics = list(config["metrics"])
    split = float(config.get("validation_split") or 0.0)
    if split:
        n = len(x)
        cut = int(math.floor(n * (1.0 - split)))
        if cut == 0 or cut == n:
            raise ConfigError("config.validation_split",
                              f"{split:g} of {n} samples leaves no training or no validation data")
    return TrainingPlan(task=task, output=output, loss=loss, from_logits=bool(logits and auto_loss),
                        metrics=metrics, auto_loss=auto_loss, auto_metrics=auto_metrics, num_classes=k,
                        class_names=list(names) if names else None, input_name=input_name, output_name=out_name,
                        output_shape=out_shape, one_hot=one_hot)


def dry_run(model: Any, plan: TrainingPlan, config: dict, x: np.ndarray, y: np.ndarray) -> None:
    """Evaluate loss and metrics on a few samples, eagerly; :class:`PlanError` naming the output if it fails."""
    k = min(DRY_RUN_SAMPLES, len(x))
    try:
        plan.compile(model, config, run_eagerly=True)
        with np.errstate(all="ignore"):
            model.evaluate(x[:k], y[:k], batch_size=k, verbose=0, return_dict=True)
    except Exception as exc:  # noqa: BLE001 - the engine's message is the useful part
        raise PlanError(
            f"the output layer {plan.output_name!r} (shape {_fmt(plan.output_shape)}) does not fit the labels "
            f"(shape {_fmt([None, *y.shape[1:]])}) with loss {plan.loss!r} and metrics {plan.metrics}: "
            f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
            {"layer": plan.output_name, "field": "loss", "output_shape": plan.output_shape}) from None
