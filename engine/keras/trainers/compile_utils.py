"""The compiled loss and metrics of a model, per output (Keras's CompileLoss / CompileMetrics)."""
from __future__ import annotations

from typing import Any

from ...framework import nest
from ...ops import math_ops as m


def is_binary_or_sparse_categorical(y_true: Any, y_pred: Any) -> tuple:
    yt, yp = tuple(y_true.shape), tuple(y_pred.shape)
    is_binary = yp[-1] == 1 if yp else False
    is_sparse = len(yt) < len(yp) or (bool(yt) and yt[-1] == 1 and yp[-1] > 1)
    return is_binary, is_sparse


def get_metric(identifier: Any, y_true: Any, y_pred: Any) -> Any:
    """A Metric for an identifier; ``"accuracy"`` resolves by shapes like Keras."""
    from .. import metrics as metrics_module
    if str(identifier).lower() in ("accuracy", "acc"):
        is_binary, is_sparse = is_binary_or_sparse_categorical(y_true, y_pred)
        if is_binary:
            obj = metrics_module.BinaryAccuracy(name=str(identifier))
        elif is_sparse:
            obj = metrics_module.SparseCategoricalAccuracy(name=str(identifier))
        else:
            obj = metrics_module.CategoricalAccuracy(name=str(identifier))
        return obj
    obj = metrics_module.get(identifier)
    if not isinstance(obj, metrics_module.Metric):
        obj = metrics_module.MeanMetricWrapper(obj, name=getattr(obj, "__name__", str(identifier)))
    if isinstance(identifier, str):
        obj.name = identifier
    return obj


def _per_output(spec: Any, output_names: list, what: str) -> list:
    """Map a loss/metrics spec onto the list of outputs."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(f"In the dict argument `{what}`, key(s) {unknown} do not correspond to any model "
                             f"output. Received: {what}={spec}. Model outputs: {output_names}")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and n > 1:
        if what == "metrics" and not any(isinstance(s, (list, tuple, dict)) for s in spec):
            return [list(spec) for _ in range(n)]
        if len(spec) != n:
            raise ValueError(f"For a model with multiple outputs, when providing the `{what}` argument as a "
                             f"list, it should have as many entries as the model has outputs. Received: "
                             f"{what}={spec} of length {len(spec)} whereas the model has {n} outputs.")
        return list(spec)
    return [spec] * n if what == "metrics" or n == 1 else [spec] * n


class CompileLoss:
    """Sum of per-output losses (times ``loss_weights``); tracks per-output loss means."""

    def __init__(self, loss: Any, loss_weights: Any, output_names: list) -> None:
        from .. import losses as losses_module
        self.output_names = output_names
        specs = _per_output(loss, output_names, "loss")
        self.losses = [None if s is None else losses_module.get(s) for s in specs]
        # Keras's get_loss: a loss *function* ("mse" → mean_squared_error) is wrapped to take sample weights.
        self.losses = [fn if fn is None or isinstance(fn, losses_module.Loss) else losses_module.LossFunctionWrapper(
            fn, name=s if isinstance(s, str) else getattr(fn, "__name__", None)) for fn, s in zip(self.losses, specs)]
        if loss_weights is None:
            self.weights = [1.0] * len(output_names)
        elif isinstance(loss_weights, dict):
            self.weights = [float(loss_weights.get(n, 1.0)) for n in output_names]
        else:
            self.weights = [float(w) for w in nest.flatten(loss_weights)]
        from .. import metrics as metrics_module
        self.trackers = [metrics_module.Mean(name=f"{n}_loss") for n in output_names] if len(output_names) > 1 else []

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        yts = _flat_targets(y_true, self.output_names)
        yps = nest.flatten(y_pred)
        sws = _flat_targets(sample_weight, self.output_names) if sample_weight is not None else [None] * len(yps)
        total = None
        for k, (fn, w, yt, yp, sw) in enumerate(zip(self.losses, self.weights, yts, yps, sws)):
            if fn is None or yt is None:
                continue
            value = fn(yt, yp, sample_weight=sw)
            if self.trackers:
                self.trackers[k].update_state(value, sample_weight=int(yp.shape[0]))
            value = m.multiply(value, w) if w != 1.0 else value
            total = value if total is None else m.add(total, value)
        return total


def _unique_result_name(name: str, output: str | None, weighted: bool, counters: dict) -> str:
    """Keras's result naming: ``<output>_<metric>``, ``weighted_`` / ``_<k>`` on clashes."""
    full = f"{output}_{name}" if output else name
    if full not in counters:
        counters[full] = 1
        return full
    if weighted:
        full = f"{output}_weighted_{name}" if output else f"weighted_{name}"
        if full not in counters:
            counters[full] = 1
            return full
    index = counters[full]
    counters[full] += 1
    return f"{full}_{index}"


def _flat_targets(y: Any, output_names: list) -> list:
    if y is None:
        return [None] * len(output_names)
    if isinstance(y, dict):
        return [y.get(n) for n in output_names]
    if len(output_names) == 1:
        return [y[0] if isinstance(y, (list, tuple)) and len(y) == 1 else y]
    flat = list(y) if isinstance(y, (list, tuple)) else [y]
    return flat


class CompileMetrics:
    """Metrics per output, built lazily from the first batch's shapes (for ``"accuracy"``)."""

    def __init__(self, metrics: Any, weighted_metrics: Any, output_names: list) -> None:
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.output_names = output_names
        self.built = False
        self.metrics: list = []   # (output index, metric, weighted)

    def build(self, y_true: Any, y_pred: Any) -> None:
        yts = _flat_targets(y_true, self.output_names)
        yps = nest.flatten(y_pred)
        multi = len(self.output_names) > 1
        counters: dict = {}
        for weighted, spec in ((False, self.spec), (True, self.weighted_spec)):
            if not spec:
                continue
            per = _per_output(spec, self.output_names, "metrics")
            for k, items in enumerate(per):
                if items is None or yts[k] is None:
                    continue
                for ident in (items if isinstance(items, (list, tuple)) else [items]):
                    metric = get_metric(ident, yts[k], yps[k])
                    metric.name = _unique_result_name(metric.name, self.output_names[k] if multi else None,
                                                      weighted, counters)
                    self.metrics.append((k, metric, weighted))
        self.built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        if not self.built:
            self.build(y_true, y_pred)
        yts = _flat_targets(y_true, self.output_names)
        yps = nest.flatten(y_pred)
        sws = _flat_targets(sample_weight, self.output_names) if sample_weight is not None else [None] * len(yps)
        for k, metric, weighted in self.metrics:
            metric.update_state(yts[k], yps[k], sample_weight=sws[k] if weighted else None)

    def reset_state(self) -> None:
        for _, metric, _ in self.metrics:
            metric.reset_state()

    def result(self) -> dict:
        return {metric.name: metric.result() for _, metric, _ in self.metrics}
