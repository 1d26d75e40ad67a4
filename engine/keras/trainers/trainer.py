"""``compile`` / ``fit`` / ``evaluate`` / ``predict`` (Keras 3's Trainer on the engine).

By default the training step (forward, loss, ``GradientTape``, optimizer
update, metric updates) runs through ``engine.function``: traced once per
batch signature, then replayed as a flat numpy program.  ``run_eagerly=True``
runs it op by op.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np

from ...autodiff.tape import GradientTape
from ...framework import core, nest
from ...framework.core import Tensor, wrap
from ...function.function import function as engine_function
from ...ops import math_ops as m
from .compile_utils import CompileLoss, CompileMetrics
from .data_adapter import ArrayAdapter, get_adapter, train_validation_split, unpack_x_y_sample_weight


def _batch_size(x: Any) -> int:
    first = nest.flatten(x)[0]
    return int(first.shape[0])


def _to_python(logs: dict) -> dict:
    out = {}
    for k, v in logs.items():
        if isinstance(v, Tensor) or hasattr(type(v), "_as_tensor"):
            a = np.asarray(core.convert_to_tensor(v)._np)
            out[k] = float(a) if a.ndim == 0 else a
        else:
            out[k] = v
    return out


class Trainer:
    """Mixin giving a Model its training API."""

    def __init__(self) -> None:
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self.stop_training = False
        self.history = None
        self.train_function = None
        self.test_function = None
        self.predict_function = None
        self._run_eagerly = False
        self._compile_config = None

    # -- compile -----------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile: Any = "auto", auto_scale_loss: bool = True) -> None:
        """Configure the optimizer, loss(es) and metrics for training."""
        from .. import metrics as metrics_module
        from .. import optimizers
        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        names = self._output_names()
        self._compile_loss = CompileLoss(loss, loss_weights, names) if loss is not None else None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, names) if (metrics or weighted_metrics) else None
        self._loss_tracker = metrics_module.Mean(name="loss")
        self._run_eagerly = bool(run_eagerly)
        self.train_function = self.test_function = self.predict_function = None
        self.compiled = True
        self._compile_config = {"optimizer": optimizer if isinstance(optimizer, str) else None, "loss": loss,
                                "loss_weights": loss_weights, "metrics": metrics,
                                "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly}

    @property
    def run_eagerly(self) -> bool:
        return self._run_eagerly

    @run_eagerly.setter
    def run_eagerly(self, value: bool) -> None:
        self._run_eagerly = bool(value)
        self.train_function = self.test_function = self.predict_function = None

    def _output_names(self) -> list:
        outs = getattr(self, "outputs", None)
        if getattr(self, "_is_graph_network", False) and outs:
            names = []
            for t in outs:
                layer = t._keras_history[0]
                names.append(layer.name)
            return names
        return ["output"]

    def get_compile_config(self) -> dict | None:
        return self._compile_config

    @property
    def metrics(self) -> list:
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_loss is not None:
            out.extend(self._compile_loss.trackers)
        if self._compile_metrics is not None:
            out.extend(mt for _, mt, _ in self._compile_metrics.metrics)
        return out

    @property
    def metrics_names(self) -> list:
        return [mt.name for mt in self.metrics]

    def reset_metrics(self) -> None:
        for mt in self.metrics:
            mt.reset_state()

    # -- steps ------------------------------------------------------------------------------
    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Any:
        """Compiled loss plus the layers' regularization losses."""
        losses = []
        if self._compile_loss is not None:
            value = self._compile_loss(y, y_pred, sample_weight)
            if value is not None:
                losses.append(value)
        for extra in self.losses:
            losses.append(m.cast(extra, "float32") if isinstance(extra, Tensor) and extra.dtype.name != "float32" else extra)
        if not losses:
            raise ValueError("No loss to compute. Provide a `loss` argument in `compile()`.")
        total = losses[0]
        for v in losses[1:]:
            total = m.add(total, v)
        return total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        return {mt.name: mt.result() for mt in self.metrics}

    def train_step(self, data: Any) -> dict:
        """One optimisation step on a batch; returns the running metric results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self._clear_losses()
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        weights = self.trainable_weights
        if weights:
            grads = tape.gradient(loss, weights)
            self.optimizer.apply_gradients(zip(grads, weights))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data: Any) -> dict:
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self._clear_losses()
        y_pred = self(x, training=False)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data: Any) -> Any:
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def _wrap_step(self, step: Any) -> Any:
        if self._run_eagerly:
            return step
        return engine_function(step)

    def make_train_function(self, force: bool = False) -> Any:
        if self.train_function is None or force:
            def one_step(x: Any, y: Any, sw: Any) -> Any:
                return self.train_step((x, y, sw) if sw is not None else ((x, y) if y is not None else (x,)))
            self.train_function = self._wrap_step(one_step)
        return self.train_function

    def make_test_function(self, force: bool = False) -> Any:
        if self.test_function is None or force:
            def one_step(x: Any, y: Any, sw: Any) -> Any:
                return self.test_step((x, y, sw) if sw is not None else ((x, y) if y is not None else (x,)))
            self.test_function = self._wrap_step(one_step)
        return self.test_function

    def make_predict_function(self, force: bool = False) -> Any:
        if self.predict_function is None or force:
            def one_step(x: Any) -> Any:
                return self.predict_step((x,))
            self.predict_function = self._wrap_step(one_step)
        return self.predict_function

    def _assert_compiled(self) -> None:
        if not self.compiled:
            raise RuntimeError("You must call `compile()` before using the model.")

    # -- fit ---------------------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: Any = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: Any = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1) -> Any:
        """Train for ``epochs``; returns the ``History`` callback."""
        from ..callbacks import CallbackList
        self._assert_compiled()
        if validation_split and validation_data is None:
            if not isinstance(x, (np.ndarray, Tensor, list, tuple, dict)):
                raise ValueError("`validation_split` is only supported for Tensors or NumPy arrays, found "
                                 f"{type(x).__name__}")
            from .data_adapter import _to_numpy
            (x, y, sample_weight), val = train_validation_split(
                (_to_numpy(x), _to_numpy(y), _to_numpy(sample_weight)), validation_split)
            validation_data = val
        adapter = get_adapter(x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight)
        val_adapter = None
        if validation_data is not None:
            if isinstance(validation_data, tuple) and not hasattr(validation_data, "_fields"):
                vx, vy, vsw = unpack_x_y_sample_weight(validation_data)
                val_adapter = get_adapter(vx, vy, vsw, validation_batch_size or batch_size, validation_steps)
            else:
                val_adapter = get_adapter(validation_data, None, None, validation_batch_size or batch_size,
                                          validation_steps)
        if verbose == "auto":
            verbose = 1
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=adapter.num_batches())
        train_fn = self.make_train_function()
        self.stop_training = False
        cbs.on_train_begin()
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            step = 0
            for step, (bx, by, bsw) in enumerate(adapter.epoch()):
                cbs.on_train_batch_begin(step)
                raw = train_fn(bx, by, bsw)
                logs = _to_python(raw)
                cbs.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            epoch_logs = dict(logs)
            if val_adapter is not None and (epoch + 1) % validation_freq == 0 and not self.stop_training or (
                    val_adapter is not None and self.stop_training and (epoch + 1) % validation_freq == 0):
                val_logs = self._evaluate_adapter(val_adapter, cbs=None)
                epoch_logs.update({"val_" + k: v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        if self.optimizer is not None and hasattr(self.optimizer, "finalize_variable_values"):
            self.optimizer.finalize_variable_values(self.trainable_weights)
        cbs.on_train_end(logs)
        return self.history

    # -- evaluate / predict --------------------------------------------------------------------------------
    def _evaluate_adapter(self, adapter: Any, cbs: Any) -> dict:
        test_fn = self.make_test_function()
        for mt in self.metrics:
            mt.reset_state()
        logs: dict = {}
        for step, (bx, by, bsw) in enumerate(adapter.epoch()):
            if cbs is not None:
                cbs.on_test_batch_begin(step)
            logs = _to_python(test_fn(bx, by, bsw))
            if cbs is not None:
                cbs.on_test_batch_end(step, logs)
        if not logs:
            logs = _to_python(self.get_metrics_result())
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: Any = None,
                 return_dict: bool = False, **kwargs: Any) -> Any:
        """Loss and metrics on the given data (a list, or a dict with ``return_dict``)."""
        from ..callbacks import CallbackList
        self._assert_compiled()
        adapter = get_adapter(x, y, sample_weight, batch_size, steps, False)
        if verbose == "auto":
            verbose = 1
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=adapter.num_batches(), mode="test")
        cbs.on_test_begin()
        logs = self._evaluate_adapter(adapter, cbs)
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names if k in logs]
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None,
                callbacks: Any = None) -> Any:
        """Model outputs on ``x`` as numpy arrays (batched)."""
        from ..callbacks import CallbackList
        adapter = get_adapter(x, None, None, batch_size, steps, False)
        if verbose == "auto":
            verbose = 1
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                           steps=adapter.num_batches(), mode="predict")
        fn = self.make_predict_function()
        cbs.on_predict_begin()
        outs: list = []
        for step, (bx, _, _) in enumerate(adapter.epoch()):
            cbs.on_predict_batch_begin(step)
            out = fn(bx)
            outs.append(nest.map_structure(lambda t: np.asarray(t._np) if isinstance(t, Tensor) else np.asarray(t), out))
            cbs.on_predict_batch_end(step, {"outputs": out})
        cbs.on_predict_end()
        if not outs:
            raise ValueError("Unexpected result of `predict_function` (Empty batch_outputs). Please use "
                             "`Model.compile(..., run_eagerly=True)`, or `tf.config.run_functions_eagerly(True)` "
                             "for more information of where went wrong, or file a issue/bug to `keras`.")
        return nest.map_structure(lambda *xs: np.concatenate(xs, axis=0), *outs) if len(outs) > 1 else outs[0]

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False) -> Any:
        self._assert_compiled()
        adapter = ArrayAdapter(x, y, sample_weight, batch_size=None, class_weight=class_weight)
        adapter.batch_size = max(adapter.n, 1)
        fn = self.make_train_function()
        self.reset_metrics()
        bx, by, bsw = next(adapter.epoch())
        logs = _to_python(fn(bx, by, bsw))
        return self._format_logs(logs, return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False) -> Any:
        self._assert_compiled()
        adapter = ArrayAdapter(x, y, sample_weight)
        adapter.batch_size = max(adapter.n, 1)
        for mt in self.metrics:
            mt.reset_state()
        bx, by, bsw = next(adapter.epoch())
        logs = _to_python(self.make_test_function()(bx, by, bsw))
        return self._format_logs(logs, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        adapter = ArrayAdapter(x)
        adapter.batch_size = max(adapter.n, 1)
        bx, _, _ = next(adapter.epoch())
        out = self.make_predict_function()(bx)
        return nest.map_structure(lambda t: np.asarray(t._np), out)

    def _format_logs(self, logs: dict, return_dict: bool) -> Any:
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names if k in logs]
        return values[0] if len(values) == 1 else values
