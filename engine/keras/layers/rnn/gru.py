"""``GRUCell`` and ``GRU`` (Cho et al. 2014; Keras gate order ``z, r, h``).

``reset_after=True`` (the Keras default, cuDNN-compatible) applies the reset
gate after the recurrent matmul and has a ``[2, 3 * units]`` bias (input and
recurrent); ``reset_after=False`` applies it before, with a ``[3 * units]`` bias.
"""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ....ops import rnn_ops
from ... import activations, constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer, _known_kwargs
from .dropout_rnn_cell import DropoutRNNCell
from .lstm import check_use_cudnn
from .rnn import RNN, forward_to_cell
from .simple_rnn import check_units, fused_name


@register_layer("Recurrent")
class GRUCell(Layer, DropoutRNNCell):
    """One GRU step; a single state ``h``."""

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, reset_after: bool = True,
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
            self.dropout_mask_count = 3
        self.seed = seed
        self.reset_after = reset_after
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        u = self.units
        self.kernel = self.add_weight(shape=(input_dim, u * 3), name="kernel", initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(u, u * 3), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            shape = (3 * u,) if not self.reset_after else (2, 3 * u)
            self.bias = self.add_weight(shape=shape, name="bias", initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs: Any, states: Any, training: Any = False) -> tuple:
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        act, ract = self.activation, self.recurrent_activation
        input_bias = recurrent_bias = None
        if self.use_bias:
            if not self.reset_after:
                input_bias = self.bias
            else:
                input_bias, recurrent_bias = tf.unstack(self.bias, axis=0)
        k_z, k_r, k_h = tf.split(self.kernel, 3, axis=1)
        rk_z, rk_r, rk_h = tf.split(self.recurrent_kernel, 3, axis=1)
        if self.implementation == 1:
            if training and 0.0 < self.dropout < 1.0:
                dp = self.get_dropout_mask(inputs)
                xz, xr, xh = (tf.multiply(inputs, dp[k]) for k in range(3))
            else:
                xz = xr = xh = inputs
            x_z, x_r, x_h = tf.matmul(xz, k_z), tf.matmul(xr, k_r), tf.matmul(xh, k_h)
            if input_bias is not None:
                b_z, b_r, b_h = tf.split(input_bias, 3, axis=0)
                x_z, x_r, x_h = tf.add(x_z, b_z), tf.add(x_r, b_r), tf.add(x_h, b_h)
            if training and 0.0 < self.recurrent_dropout < 1.0:
                rdp = self.get_recurrent_dropout_mask(h_tm1)
                h_z, h_r, h_h = (tf.multiply(h_tm1, rdp[k]) for k in range(3))
            else:
                h_z = h_r = h_h = h_tm1
            rec_z, rec_r = tf.matmul(h_z, rk_z), tf.matmul(h_r, rk_r)
            if self.reset_after and recurrent_bias is not None:
                rb_z, rb_r, rb_h = tf.split(recurrent_bias, 3, axis=0)
                rec_z, rec_r = tf.add(rec_z, rb_z), tf.add(rec_r, rb_r)
            z = ract(tf.add(x_z, rec_z))
            r = ract(tf.add(x_r, rec_r))
            if self.reset_after:
                rec_h = tf.matmul(h_h, rk_h)
                if recurrent_bias is not None:
                    rec_h = tf.add(rec_h, rb_h)
                rec_h = tf.multiply(r, rec_h)
            else:
                rec_h = tf.matmul(tf.multiply(r, h_h), rk_h)
            hh = act(tf.add(x_h, rec_h))
        else:
            if training and 0.0 < self.dropout < 1.0:
                inputs = tf.multiply(inputs, self.get_dropout_mask(inputs))
            matrix_x = tf.matmul(inputs, self.kernel)
            if input_bias is not None:
                matrix_x = tf.add(matrix_x, input_bias)
            x_z, x_r, x_h = tf.split(matrix_x, 3, axis=-1)
            if self.reset_after:
                matrix_inner = tf.matmul(h_tm1, self.recurrent_kernel)
                if recurrent_bias is not None:
                    matrix_inner = tf.add(matrix_inner, recurrent_bias)
                rec_z, rec_r, rec_h = tf.split(matrix_inner, 3, axis=-1)
            else:
                rec_z, rec_r = tf.split(tf.matmul(h_tm1, tf.concat([rk_z, rk_r], axis=1)), 2, axis=-1)
            z = ract(tf.add(x_z, rec_z))
            r = ract(tf.add(x_r, rec_r))
            if self.reset_after:
                rec_h = tf.multiply(r, rec_h)
            else:
                rec_h = tf.matmul(tf.multiply(r, h_tm1), rk_h)
            hh = act(tf.add(x_h, rec_h))
        h = tf.add(tf.multiply(z, h_tm1), tf.multiply(tf.subtract(1.0, z), hh))
        return h, ([h] if isinstance(states, (list, tuple)) else h)

    # -- the fused whole-sequence path (used by RNN.inner_loop) ------------------------
    def _can_fuse(self) -> bool:
        return (type(self).call is GRUCell.call and fused_name(self.activation) is not None
                and fused_name(self.recurrent_activation) is not None)

    def _fused_loop(self, sequences: Any, initial_state: list, mask: Any, training: bool, go_backwards: bool,
                    return_sequences: bool, zero_output_for_mask: bool) -> tuple:
        h0 = initial_state[0]
        dp = self.get_dropout_mask(sequences[:, 0, :]) if training and 0.0 < self.dropout < 1.0 else None
        rdp = (self.get_recurrent_dropout_mask(h0)
               if training and 0.0 < self.recurrent_dropout < 1.0 else None)
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()
        out, h = rnn_ops.gru(sequences, self.kernel, self.recurrent_kernel, self.bias, h0, mask=mask,
                             dropout_mask=dp, recurrent_dropout_mask=rdp, activation=fused_name(self.activation),
                             recurrent_activation=fused_name(self.recurrent_activation),
                             go_backwards=go_backwards, return_sequences=return_sequences,
                             zero_output_for_mask=zero_output_for_mask, reset_after=self.reset_after)
        return (None, out, [h]) if return_sequences else (out, None, [h])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        return [tf.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "use_bias": self.use_bias,
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
            "reset_after": self.reset_after,
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


@register_layer("Recurrent")
@forward_to_cell(
    "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
    "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
    "recurrent_dropout", "reset_after")
class GRU(RNN):
    """Gated Recurrent Unit layer, run as one fused op (``engine/ops/rnn_ops.py``)."""

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, reset_after: bool = True,
                 use_cudnn: Any = "auto", **kwargs: Any) -> None:
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                       kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       reset_after=reset_after, dtype=kwargs.get("dtype", None),
                       trainable=kwargs.get("trainable", True), name="gru_cell", seed=seed,
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
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "reset_after": self.reset_after,
            "seed": self.cell.seed,
        }
        base = super().get_config()
        del base["cell"]
        return {**base, **config}

    @classmethod
    def from_config(cls, config: dict) -> "GRU":
        return cls(**_known_kwargs(cls, config))
