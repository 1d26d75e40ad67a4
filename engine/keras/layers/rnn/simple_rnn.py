"""``SimpleRNNCell`` and ``SimpleRNN``: ``h = activation(x @ kernel + h @ recurrent_kernel + bias)``."""
from __future__ import annotations

from typing import Any

from ....ops import api as tf
from ....ops import rnn_ops
from ... import activations, constraints, initializers, regularizers
from ...saving.object_registry import register_layer
from ..layer import InputSpec, Layer, _known_kwargs
from .dropout_rnn_cell import DropoutRNNCell
from .rnn import RNN, forward_to_cell


def check_units(units: Any) -> None:
    if not isinstance(units, int) or isinstance(units, bool) or units <= 0:
        raise ValueError(f"Received an invalid value for argument `units`, expected a positive integer, got {units}.")


def fused_name(fn: Any) -> str | None:
    """The fused-kernel name of a Keras activation (None when the fused ops do not know it)."""
    name = activations.serialize(fn)
    return name if isinstance(name, str) and name in rnn_ops.FUSED_ACTIVATIONS and activations.get(name) is fn else None


@register_layer("Recurrent")
class SimpleRNNCell(Layer, DropoutRNNCell):
    """One step of a fully-connected RNN (``state_size == output_size == units``)."""

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any) -> None:
        check_units(units)
        super().__init__(**kwargs)
        self.seed = seed
        self.units = units
        self.activation = activations.get(activation)
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
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape: Any) -> None:
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None
        self.built = True

    def call(self, sequence: Any, states: Any, training: Any = False) -> tuple:
        prev_output = states[0] if isinstance(states, (list, tuple)) else states
        dp_mask = self.get_dropout_mask(sequence)
        rec_dp_mask = self.get_recurrent_dropout_mask(prev_output)
        if training and dp_mask is not None:
            sequence = tf.multiply(sequence, dp_mask)
        h = tf.matmul(sequence, self.kernel)
        if self.bias is not None:
            h = tf.add(h, self.bias)
        if training and rec_dp_mask is not None:
            prev_output = tf.multiply(prev_output, rec_dp_mask)
        output = self.activation(tf.add(h, tf.matmul(prev_output, self.recurrent_kernel)))
        return output, ([output] if isinstance(states, (list, tuple)) else output)

    # -- the fused whole-sequence path (used by RNN.inner_loop) ------------------------
    def _can_fuse(self) -> bool:
        return type(self).call is SimpleRNNCell.call and fused_name(self.activation) is not None

    def _fused_loop(self, sequences: Any, initial_state: list, mask: Any, training: bool, go_backwards: bool,
                    return_sequences: bool, zero_output_for_mask: bool) -> tuple:
        h0 = initial_state[0]
        dp = self.get_dropout_mask(sequences[:, 0, :]) if training and self.dropout > 0 else None
        rdp = self.get_recurrent_dropout_mask(h0) if training and self.recurrent_dropout > 0 else None
        self.reset_dropout_mask()
        self.reset_recurrent_dropout_mask()
        out, h = rnn_ops.simple_rnn(sequences, self.kernel, self.recurrent_kernel, self.bias, h0, mask=mask,
                                    dropout_mask=dp, recurrent_dropout_mask=rdp,
                                    activation=fused_name(self.activation), go_backwards=go_backwards,
                                    return_sequences=return_sequences, zero_output_for_mask=zero_output_for_mask)
        return (None, out, [h]) if return_sequences else (out, None, [h])

    def get_initial_state(self, batch_size: int | None = None) -> list:
        return [tf.zeros((batch_size, self.state_size), dtype=self.compute_dtype)]

    def get_config(self) -> dict:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
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
            "seed": self.seed,
        }
        return {**super().get_config(), **config}


@register_layer("Recurrent")
@forward_to_cell(
    "units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
    "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
    "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout")
class SimpleRNN(RNN):
    """Fully-connected RNN whose output is fed back as the next step's state (one fused op)."""

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, seed: int | None = None,
                 **kwargs: Any) -> None:
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                             dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
                             dtype=kwargs.get("dtype", None), trainable=kwargs.get("trainable", True),
                             name="simple_rnn_cell")
        # Keras 3.15's SimpleRNN accepts ``activity_regularizer`` but does not pass it on (so it is
        # never applied and serializes as None); mirrored here for identical models and configs.
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll, **kwargs)
        self.input_spec = [InputSpec(ndim=3)]

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False) -> Any:
        return super().call(sequences, mask=mask, training=training, initial_state=initial_state)


    def get_config(self) -> dict:
        config = {
            "units": self.units,
            "activation": activations.serialize(self.activation),
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
        }
        base = super().get_config()
        del base["cell"]
        return {**base, **config}

    @classmethod
    def from_config(cls, config: dict) -> "SimpleRNN":
        return cls(**_known_kwargs(cls, config))
