"""``Normalization``: ``(x - mean) / sqrt(variance)`` per feature, with ``adapt`` to learn the statistics."""
from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from ....framework.core import Tensor
from ....ops import api as tf
from ... import backend
from ...saving.object_registry import register_layer
from ..layer import Layer


def _first(batch: Any) -> Any:
    return batch[0] if isinstance(batch, tuple) else batch


@register_layer("Preprocessing")
class Normalization(Layer):
    """Standardize features along ``axis`` (kept axes) with a fixed or adapted mean and variance.

    Adapted statistics live in the non-trainable weights ``mean``, ``variance``
    and ``count`` (as in Keras); ``invert=True`` maps back: ``mean + x * std``.
    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        else:
            axis = tuple(axis)
        self.axis = axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert
        self.supports_masking = True
        self._build_input_shape = None
        self.mean = None
        self.variance = None
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must be set. "
                             f"Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must have the same shape. "
                                 f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}")
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(f"The rank of `mean` must be less than or equal to the number of axes "
                                 f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis {self.axis}")

    def build(self, input_shape: Any) -> None:
        if input_shape is None:
            return
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(f"All `axis` values must be in the range [-ndim, ndim). Received inputs with "
                             f"ndim={ndim}, while axis={self.axis}")
        self._keep_axis = tuple(sorted(d if d >= 0 else d + ndim for d in self.axis))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"All `axis` values to be kept must have a known shape. Received axis={self.axis}, "
                                 f"inputs.shape={input_shape}, with unknown axis at index {d}")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = [input_shape[d] if d in self._keep_axis else 1 for d in range(ndim)]
        self._mean_and_var_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._mean_and_var_shape, initializer="zeros",
                                              trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._mean_and_var_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64", initializer="zeros",
                                         trainable=False)
        else:
            mean = np.asarray(self.input_mean, dtype=np.float64)
            variance = np.asarray(self.input_variance, dtype=np.float64)
            if mean.ndim > 0:
                expanded = [1] * ndim
                for i in range(1, mean.ndim + 1):
                    expanded[self._keep_axis[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(expanded), variance.reshape(expanded)
            mean = np.broadcast_to(mean, self._broadcast_shape)
            variance = np.broadcast_to(variance, self._broadcast_shape)
            self.mean = tf.constant(mean.astype(self.compute_dtype))
            self.variance = tf.constant(variance.astype(self.compute_dtype))
        self.built = True
        self.finalize_state()

    def adapt(self, data: Any) -> None:
        """Compute the mean and variance of ``data`` (array, tensor, ``Dataset`` or iterable of batches)."""
        from ....data.dataset import Dataset
        iterable = False
        if isinstance(data, (np.ndarray, Tensor)):
            input_shape = tuple(data.shape)
        elif isinstance(data, Dataset):
            spec = data.element_spec
            input_shape = tuple(_first(spec).shape)
            if len(input_shape) == 1:
                data = data.batch(128)
                input_shape = tuple(_first(data.element_spec).shape)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
            iterable = True
            it = iter(data)
            first = next(it, None)
            if first is None:
                raise ValueError("adapt() received an empty iterable (no batches). Expected at least one batch.")
            first = _first(first)
            if not hasattr(first, "shape"):
                raise TypeError("adapt() expects an iterable that yields arrays or tensors with a `.shape` "
                                f"attribute. Got an element of type {type(first).__name__}.")
            input_shape = tuple(first.shape)
            data = itertools.chain([first], it)
        else:
            raise TypeError(f"Unsupported data type: {type(data)}. `adapt` supports `np.ndarray`, tensors, "
                            f"`Dataset`, and iterables of batches (e.g. list, generator).")
        if not self.built:
            self.build(input_shape)
        else:
            for d in self._keep_axis:
                if input_shape[d] != self._build_input_shape[d]:
                    raise ValueError(f"The layer was built with input_shape={self._build_input_shape}, but adapt() "
                                     f"is being called with data with an incompatible shape, "
                                     f"data.shape={input_shape}")
        if self.input_mean is not None:
            raise ValueError(f"Normalization layer '{self.name}' was given a fixed `mean` and `variance`; "
                             f"it cannot be adapted.")
        if isinstance(data, np.ndarray):
            total_mean = np.mean(data, axis=self._reduce_axis)
            total_var = np.var(data, axis=self._reduce_axis)
        elif isinstance(data, Tensor):
            arr = np.asarray(data, dtype=self.compute_dtype)
            total_mean = np.mean(arr, axis=self._reduce_axis)
            total_var = np.var(arr, axis=self._reduce_axis)
        else:
            dt = np.dtype(self.compute_dtype)
            total_mean = np.zeros(self._mean_and_var_shape, dt)
            total_var = np.zeros(self._mean_and_var_shape, dt)
            total_count = 0
            for batch in data:
                batch = np.asarray(_first(batch), dtype=dt)
                for d in self._keep_axis:
                    if batch.shape[d] != self._build_input_shape[d]:
                        raise ValueError(f"adapt() yielded a batch with incompatible shape. Expected "
                                         f"{self._build_input_shape}, got {batch.shape}.")
                batch_mean = np.mean(batch, axis=self._reduce_axis)
                batch_var = np.var(batch, axis=self._reduce_axis)
                batch_count = math.prod(batch.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
                total_count += batch_count
                w = dt.type(batch_count / total_count)
                e = dt.type(1.0) - w
                new_mean = total_mean * e + batch_mean * w
                total_var = (total_var + (total_mean - new_mean) ** 2) * e + (batch_var + (batch_mean - new_mean) ** 2) * w
                total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.adapt_mean.dtype.as_numpy_dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.adapt_variance.dtype.as_numpy_dtype))
        self.finalize_state()

    def finalize_state(self) -> None:
        """Refresh ``mean``/``variance`` (broadcastable snapshots) from the weights, as Keras does.

        ``call`` itself reads the weights, so traced steps and ``set_weights`` see current values.
        """
        if self.input_mean is not None or not self.built:
            return
        self.mean, self.variance = self._stats()

    def _stats(self) -> tuple:
        if self.input_mean is not None:
            return self.mean, self.variance
        mean = tf.cast(tf.reshape(self.adapt_mean, self._broadcast_shape), self.compute_dtype)
        variance = tf.cast(tf.reshape(self.adapt_variance, self._broadcast_shape), self.compute_dtype)
        return mean, variance

    def call(self, inputs: Any) -> Any:
        if not self.built:
            raise ValueError("You must call `.build(input_shape)` on the layer before using it.")
        inputs = tf.cast(inputs, self.compute_dtype)
        mean, variance = self._stats()
        std = tf.maximum(tf.sqrt(variance), tf.cast(backend.epsilon(), self.compute_dtype))
        if self.invert:
            return tf.add(mean, tf.multiply(inputs, std))
        return tf.divide(tf.subtract(inputs, mean), std)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(), "variance": np.array(self.input_variance).tolist()}

    def get_build_config(self) -> dict | None:
        if self._build_input_shape:
            return {"input_shape": list(self._build_input_shape)}
        return None

    def build_from_config(self, config: dict) -> None:
        if config and not self.built:
            self.build(config["input_shape"])
