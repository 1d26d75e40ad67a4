"""``RNN``: runs a cell over the time axis (Keras 3 ``keras/src/layers/rnn/rnn.py``).

The built-in cells (``SimpleRNNCell``, ``LSTMCell``, ``GRUCell``) run the whole
sequence as one fused op (``engine/ops/rnn_ops.py``); any other cell, or a
built-in cell with an activation the fused kernels do not know, runs step by
step with engine ops, following the TF backend's ``rnn`` loop: masked steps
keep the previous states and repeat the previous output (zeros before the
first valid step, or always zeros with ``zero_output_for_mask``).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ....framework import core, nest
from ....framework.core import Tensor
from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object
from ..layer import KerasVariable, Layer
from .dropout_rnn_cell import DropoutRNNCell
from .stacked_rnn_cells import StackedRNNCells
from .sublayer import build_sublayer


@register_layer("Recurrent")
class RNN(Layer):
    """Base class for recurrent layers: ``RNN(cell)`` (or a list of cells, stacked)."""

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, **kwargs: Any) -> None:
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if "call" not in dir(cell):
            raise ValueError(f"Argument `cell` should have a `call` method. Received: cell={cell}")
        if "state_size" not in dir(cell):
            raise ValueError("The RNN cell should have a `state_size` attribute (single integer or list of "
                             f"integers, one integer per RNN state). Received: cell={cell}")
        super().__init__(**kwargs)
        self.zero_output_for_mask = zero_output_for_mask
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.supports_masking = True
        self.input_spec = None
        self.states = None
        self._expected_batch_size = None
        state_size = getattr(self.cell, "state_size", None)
        if state_size is None:
            raise ValueError("state_size must be specified as property on the RNN cell.")
        if not isinstance(state_size, (list, tuple, int)):
            raise ValueError("state_size must be an integer, or a list/tuple of integers (one for each state tensor).")
        if isinstance(state_size, int):
            self.state_size = [state_size]
            self.single_state = True
        else:
            self.state_size = list(state_size)
            self.single_state = False

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*split_state_inputs(args, kwargs), **kwargs)

    # -- shapes / masks ------------------------------------------------------------
    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        batch_size, length = sequences_shape[0], sequences_shape[1]
        states_shape = []
        for state_size in self.state_size:
            if isinstance(state_size, int):
                states_shape.append((batch_size, state_size))
            else:
                states_shape.append([(batch_size, s) for s in state_size])
        output_size = getattr(self.cell, "output_size", None) or self.state_size[0]
        output_shape = (batch_size, length, output_size) if self.return_sequences else (batch_size, output_size)
        if self.return_state:
            return (output_shape, *states_shape)
        return output_shape

    def compute_mask(self, _: Any, mask: Any) -> Any:
        mask = nest.flatten(mask)[0] if mask is not None else None
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None for _ in nest.flatten(self.state_size)]
        return output_mask

    def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        # the shape probe runs ``call`` for real: keep a stateful layer's states untouched
        saved = [np.array(v.numpy()) for v in self.states] if self.states else None
        try:
            return super().compute_output_spec(inputs, *args, **kwargs)
        finally:
            if saved is not None:
                for v, s in zip(self.states, saved):
                    v.assign(s)

    # -- build / states --------------------------------------------------------------
    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        sequences_shape = tuple(sequences_shape)
        step_input_shape = (sequences_shape[0],) + tuple(sequences_shape[2:])
        build_sublayer(self.cell, step_input_shape, self.name)
        if self.stateful:
            if self.states is not None:
                self.reset_state()
            else:
                if sequences_shape[0] is None:
                    raise ValueError("When using `stateful=True` in a RNN, the batch size must be static. Found "
                                     f"dynamic batch size: sequence.shape={sequences_shape}")
                self._create_state_variables(int(sequences_shape[0]))
                self._expected_batch_size = int(sequences_shape[0])
        self.built = True

    def _create_state_variables(self, batch_size: int) -> None:
        init = nest.flatten(self.get_initial_state(batch_size))
        self.states = [KerasVariable(np.array(s.numpy()), name="rnn_state", path=f"{self.name}/rnn_state",
                                     trainable=False) for s in init]

    def get_initial_state(self, batch_size: int) -> list:
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is None:
            return [tf.zeros((batch_size, d), dtype=getattr(self.cell, "compute_dtype", "float32"))
                    for d in self.state_size]
        init = fn(batch_size=batch_size)
        return list(init) if isinstance(init, (list, tuple)) else [init]

    def reset_states(self) -> None:
        """Compatibility alias of ``reset_state``."""
        self.reset_state()

    def reset_state(self) -> None:
        """Zero the states of a stateful layer."""
        if self.states is not None:
            for v in self.states:
                v.assign(np.zeros(tuple(v.shape), dtype=v.dtype.as_numpy_dtype))

    # -- call ---------------------------------------------------------------------------
    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = False) -> Any:
        if self.unroll and sequences.shape[1] is None:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined.")
        if initial_state is None:
            if self.stateful:
                initial_state = nest.pack_sequence_as(self.get_initial_state(self._expected_batch_size),
                                                      [core.convert_to_tensor(v) for v in self.states])
            else:
                initial_state = self.get_initial_state(batch_size=int(sequences.shape[0]))
        expected = self._expected_batch_size
        if self.stateful and expected is not None and int(sequences.shape[0]) != expected:
            raise ValueError("If an RNN is stateful, the batch size of the input sequences must be the same as the "
                             f"batch size of the initial state. \n- Expected batch size: {self._expected_batch_size}"
                             f"\n- Received batch size: {int(sequences.shape[0])}")
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        initial_state = nest.map_structure(lambda s: _as_float(s, self.compute_dtype), list(initial_state))
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        last_output, outputs, states = self.inner_loop(sequences, initial_state, mask, bool(training))
        if self.stateful:
            for var, s in zip(self.states, nest.flatten(states)):
                var.assign(s)
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return (output, *states)
        return output

    def inner_loop(self, sequences: Any, initial_state: list, mask: Any, training: bool = False) -> tuple:
        """``(last_output, outputs, states)``; either output may be None when not asked for."""
        fused = getattr(self.cell, "_fused_loop", None)
        if fused is not None and self.cell._can_fuse():
            return fused(sequences, initial_state, mask, training, go_backwards=self.go_backwards,
                         return_sequences=self.return_sequences, zero_output_for_mask=self.zero_output_for_mask)
        return self._step_loop(sequences, initial_state, mask, training)

    def _step_loop(self, sequences: Any, initial_state: list, mask: Any, training: bool) -> tuple:
        cell = self.cell
        kwargs = {"training": training} if isinstance(cell, Layer) and cell._call_has_training else {}
        call = cell if callable(cell) else cell.call
        self._config_dropout_masks(cell, sequences[:, 0, :], initial_state, training)
        inputs = tf.unstack(sequences, axis=1)
        masks = tf.unstack(tf.cast(mask, "bool"), axis=1) if mask is not None else None
        if self.go_backwards:
            inputs = inputs[::-1]
            masks = masks[::-1] if masks is not None else None
        states = initial_state
        prev = None
        outputs = []
        for t, x_t in enumerate(inputs):
            out, new_states = call(x_t, states, **kwargs)
            if not isinstance(new_states, (list, tuple)):
                new_states = [new_states]
            if masks is not None:
                m = tf.expand_dims(masks[t], -1)
                fill = tf.zeros_like(out) if (self.zero_output_for_mask or prev is None) else prev
                out = tf.where(m, out, fill)
                flat = [tf.where(m, n, o) for n, o in zip(nest.flatten(new_states), nest.flatten(states))]
                new_states = nest.pack_sequence_as(new_states, flat)
            outputs.append(out)
            prev = out
            states = list(new_states)
        self._reset_dropout_masks(cell)
        seq = tf.stack(outputs, axis=1) if self.return_sequences else None
        return outputs[-1], seq, states

    def _config_dropout_masks(self, cell: Any, step_input: Any, states: list, training: bool) -> None:
        if isinstance(cell, DropoutRNNCell):
            if training:
                first = states[0] if isinstance(states, (list, tuple)) else states
                first = nest.flatten(first)[0]
                cell.get_dropout_mask(step_input)
                cell.get_recurrent_dropout_mask(first)
        elif isinstance(cell, StackedRNNCells):
            x = step_input
            for c, s in zip(cell.cells, states):
                s = list(s) if isinstance(s, (list, tuple)) else [s]
                self._config_dropout_masks(c, x, s, training)
                x = _next_step_input(c, x)

    def _reset_dropout_masks(self, cell: Any) -> None:
        if isinstance(cell, DropoutRNNCell):
            cell.reset_dropout_mask()
            cell.reset_recurrent_dropout_mask()
        elif isinstance(cell, StackedRNNCells):
            for c in cell.cells:
                self._reset_dropout_masks(c)

    # -- config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }
        config["cell"] = serialize_keras_object(self.cell)
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "RNN":
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects=custom_objects)
        from ..layer import _known_kwargs
        return cls(cell, **{k: v for k, v in _known_kwargs(cls, config).items() if k != "cell"})


def split_state_inputs(args: tuple, kwargs: dict) -> tuple:
    """The Keras 2 / TF.js call ``layer([sequences, *initial_state])`` as ``layer(sequences,
    initial_state=[...])`` (the Keras 3 form); ``kwargs`` is updated in place.  Returns the args."""
    first = args[0] if args else kwargs.get("inputs")
    if isinstance(first, (list, tuple)) and len(first) > 1 and kwargs.get("initial_state") is None:
        kwargs.pop("inputs", None)
        kwargs["initial_state"] = list(first[1:])
        return (first[0], *args[1:])
    return args


def forward_to_cell(*names: str) -> Any:
    """Class decorator: read-only properties ``layer.<name>`` that return ``layer.cell.<name>``
    (Keras's LSTM/GRU/SimpleRNN expose their cell's arguments this way)."""
    def deco(cls: type) -> type:
        for name in names:
            setattr(cls, name, property(lambda self, _n=name: getattr(self.cell, _n)))
        return cls
    return deco


def _next_step_input(cell: Any, x: Any) -> Any:
    """A stand-in for the next stacked cell's step input (zeros of this cell's output size)."""
    size = getattr(cell, "output_size", None)
    if size is None:
        ss = cell.state_size
        size = ss[0] if isinstance(ss, (list, tuple)) else ss
    return tf.zeros((int(x.shape[0]), int(size)), dtype=x.dtype)


def _as_float(s: Any, dtype: str) -> Tensor:
    t = core.convert_to_tensor(s)
    if t.dtype.name != dtype:
        t = tf.cast(t, dtype)
    return t
