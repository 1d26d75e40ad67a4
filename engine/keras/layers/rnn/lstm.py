"""``LSTMCell`` and ``LSTM`` (Hochreiter 1997; Keras gate order ``i, f, c, o``)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ....ops import api as tf
from ....ops import rnn_ops
from ... import activations, constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer, _known_kwargs
from .dropout_rnn_cell import DropoutRNNCell
from .rnn import RNN, forward_to_cell
from .simple_rnn import check_units, fused_name


def check_use_cudnn(use_cudnn: Any) -> None:
    if use_cudnn not in ("auto", True, False):
        raise ValueError("Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, False}. "
                         f"Received: use_cudnn={use_cudnn}")


@register_layer("Recurrent")
class LSTMCell(Layer, DropoutRNNCell):
    """One LSTM step; states ``[h, c]``; ``unit_forget_bias`` starts the forget-gate bias at 1."""

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        check_units(units)
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self.implementation = implementation
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, dropout))
        self.recurrent_dropout = min(1.0, max(0.0, recurrent_dropout))
        if self.recurrent_dropout != 0.0:
            self.implementation = 1
        if self.implementation == 1:
            self.dropout_mask_count = 4
        self.seed = seed
        self.unit_forget_bias = unit_forget_bias
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        u = self.units
        self.kernel = self.add_weight(shape=(input_dim, u * 4), name="kernel", initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(u, u * 4), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            if self.unit_forget_bias:
                base = self.bias_initializer

                def bias_initializer(_: Any, dtype: Any = None) -> Any:
                    parts = [base((u,), dtype=dtype), np.ones((u,)), base((u * 2,), dtype=dtype)]
                    return np.concatenate([np.asarray(p) for p in parts]).astype(np.asarray(parts[0]).dtype)
            else:
                bias_initializer = self.bias_initializer
            self.bias = self.add_weight(shape=(u * 4,), name="bias", initializer=bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        h_tm1, c_tm1 = states[0], states[1]
        act, ract = self.activation, self.recurrent_activation
        if self.implementation == 1:
            if training and 0.0 < self.dropout < 1.0:
                dp = self.get_dropout_mask(inputs)
                xs = [tf.multiply(inputs, dp[k]) for k in range(4)]
            else:
                xs = [inputs] * 4
            ks = tf.split(self.kernel, 4, axis=1)
            x_parts = [tf.matmul(xs[k], ks[k]) for k in range(4)]
            if self.use_bias:
                bs = tf.split(self.bias, 4, axis=0)
                x_parts = [tf.add(x_parts[k], bs[k]) for k in range(4)]
            if training and 0.0 < self.recurrent_dropout < 1.0:
                rdp = self.get_recurrent_dropout_mask(h_tm1)
                hs = [tf.multiply(h_tm1, rdp[k]) for k in range(4)]
            else:
                hs = [h_tm1] * 4
            rks = tf.split(self.recurrent_kernel, 4, axis=1)
            i = ract(tf.add(x_parts[0], tf.matmul(hs[0], rks[0])))
            f = ract(tf.add(x_parts[1], tf.matmul(hs[1], rks[1])))
            c = tf.add(tf.multiply(f, c_tm1), tf.multiply(i, act(tf.add(x_parts[2], tf.matmul(hs[2], rks[2])))))
            o = ract(tf.add(x_parts[3], tf.matmul(hs[3], rks[3])))
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = tf.multiply(inputs, self.get_dropout_mask(inputs))
            z = tf.add(tf.matmul(inputs, self.kernel), tf.matmul(h_tm1, self.recurrent_kernel))
            if self.use_bias:
                z = tf.add(z, self.bias)
            z0, z1, z2, z3 = tf.split(z, 4, axis=1)
            i, f, o = ract(z0), ract(z1), ract(z3)
            c = tf.add(tf.multiply(f, c_tm1), tf.multiply(i, act(z2)))
        h = tf.multiply(o, act(c))
        return h, [h, c]

    # -- the fused whole-sequence path (used by RNN.inner_loop) ------------------------
    def _can_fuse(self) -> bool:
        return (type(self).call is LSTMCell.call and fused_name(self.activation) is not None
                and fused_name(self.recurrent_activation) is not None)

    def _fused_loop(self, sequences: Any, initial_state: list, mask: Any, training: bool, go_backwards: bool,
                    return_sequences: bool, zero_output_for_mask: bool) -> tuple:
        h0, c0 = initial_state[0], initial_state[1]
        dp = self.get_dropout_mask(sequences[:, 0, :]) if training and 0.0 < self.dropout < 1.0 else None
        rdp = (self.get_recurrent_dropout_mask(h0)
               if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()
        out, h, c = rnn_ops.lstm(sequences, self.kernel, self.recurrent_kernel, self.bias, h0, c0, mask=mask,
                                 dropout_mask=dp, recurrent_dropout_mask=rdp,
                                 activation=fused_name(self.activation),
                                 recurrent_activation=fused_name(self.recurrent_activation),
                                 go_backwards=go_backwards, return_sequences=return_sequences,
                                 zero_output_for_mask=zero_output_for_mask)
        return (None, out, [h, c]) if return_sequences else (out, None, [h, c])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        return [tf.zeros((batch_size, d), dtype=self.compute_dtype) for d in self.state_size]

    def get_config(self) -> dict:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


@register_layer("Recurrent")
@forward_to_cell(
    "units", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
    "kernel_initializer", "recurrent_initializer", "bias_initializer", "kernel_regularizer",
    "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
    "bias_constraint", "dropout", "recurrent_dropout")
class LSTM(RNN):
    """Long Short-Term Memory layer, run as one fused op (``engine/ops/rnn_ops.py``)."""

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, use_cudnn: Any = "auto", **kwargs: Any) -> None:
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
                        recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                        kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                        dropout=dropout, recurrent_dropout=recurrent_dropout, dtype=kwargs.get("dtype", None),
                        trainable=kwargs.get("trainable", True), name="lstm_cell", seed=seed,
                        implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)
        check_use_cudnn(use_cudnn)
        self.use_cudnn = use_cudnn

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False) -> Any:
        return super().call(sequences, mask=mask, training=training, initial_state=initial_state)


    def get_config(self) -> dict:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "unit_forget_bias": self.unit_forget_bias,
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.cell.seed,
        }
        base = super().get_config()
        del base["cell"]
        return {**base, **config}

    @classmethod
    def from_config(cls, config: dict) -> "LSTM":
        return cls(**_known_kwargs(cls, config))
