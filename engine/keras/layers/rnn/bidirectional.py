"""``Bidirectional``: run a recurrent layer forwards and a copy backwards, then merge."""
from __future__ import annotations

import copy
from typing import Any

from ....ops import api as tf
from ...saving.object_registry import register_layer
from ...saving.serialization import deserialize_keras_object, serialize_keras_object
from ..layer import Layer
from .rnn import split_state_inputs
from .sublayer import build_sublayer

_MERGE_MODES = ("sum", "mul", "ave", "concat", None)


def _removeprefix(x: str, prefix: str) -> str:
    return x[len(prefix):] if prefix and x.startswith(prefix) else x


@register_layer("Recurrent")
class Bidirectional(Layer):
    """Merge (``concat``/``sum``/``mul``/``ave``/None) ``forward_<name>`` and ``backward_<name>`` copies."""

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights: Any = None,
                 backward_layer: Layer | None = None, **kwargs: Any) -> None:
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `Bidirectional` layer with a `keras.layers.Layer` instance. "
                             f"Received: {layer}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward_layer}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                             '{"sum", "mul", "ave", "concat", None}')
        super().__init__(**kwargs)
        config = serialize_keras_object(layer)
        config["config"]["name"] = f"forward_{_removeprefix(layer.name, 'forward_')}"
        self.forward_layer = deserialize_keras_object(config)
        if backward_layer is None:
            config = serialize_keras_object(layer)
            config["config"]["go_backwards"] = True
            config["config"]["name"] = f"backward_{_removeprefix(layer.name, 'backward_')}"
            self.backward_layer = deserialize_keras_object(config)
        else:
            self.backward_layer = backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify_layer_config()
        for sub in (self.forward_layer, self.backward_layer):
            if getattr(sub, "zero_output_for_mask", None) is not None:
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = list(weights) if weights else None
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self.input_spec = layer.input_spec

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return super().__call__(*split_state_inputs(args, kwargs), **kwargs)

    def _verify_layer_config(self) -> None:
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError("Forward layer and backward layer should have different `go_backwards` value. "
                             f"Received: forward_layer.go_backwards {fwd.go_backwards}, "
                             f"backward_layer.go_backwards={bwd.go_backwards}")
        for a in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, a) != getattr(bwd, a):
                raise ValueError(f'Forward layer and backward layer are expected to have the same value for '
                                 f'attribute "{a}", got "{getattr(fwd, a)}" for forward layer and '
                                 f'"{getattr(bwd, a)}" for backward layer')

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        output_shape = self.forward_layer.compute_output_shape(sequences_shape)
        state_shape = ()
        if self.return_state:
            output_shape, state_shape = output_shape[0], tuple(output_shape[1:])
        if self.merge_mode == "concat":
            output_shape = (*output_shape[:-1], output_shape[-1] * 2)
        elif self.merge_mode is None:
            output_shape = [output_shape, output_shape]
        if self.return_state:
            if self.merge_mode is None:
                return tuple(output_shape) + state_shape + state_shape
            return (output_shape,) + state_shape + state_shape
        return tuple(output_shape)

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        build_sublayer(self.forward_layer, tuple(sequences_shape), self.name)
        build_sublayer(self.backward_layer, tuple(sequences_shape), self.name)
        if self._initial_weights:
            n = len(self._initial_weights)
            self.forward_layer.set_weights(self._initial_weights[: n // 2])
            self.backward_layer.set_weights(self._initial_weights[n // 2:])
            self._initial_weights = None
        self.built = True

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        kwargs: dict = {}
        if self.forward_layer._call_has_training:
            kwargs["training"] = training
        if self.forward_layer._call_has_mask:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states: tuple = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = tf.reverse(y_rev, axis=[1])
        if self.merge_mode == "concat":
            output = tf.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = tf.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = tf.divide(tf.add(y, y_rev), 2.0)
        elif self.merge_mode == "mul":
            output = tf.multiply(y, y_rev)
        else:
            output = (y, y_rev)
        if self.return_state:
            return output + states if self.merge_mode is None else (output,) + states
        return output

    def reset_states(self) -> None:
        """Compatibility alias of ``reset_state``."""
        self.reset_state()

    def reset_state(self) -> None:
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    @property
    def states(self) -> Any:
        if self.forward_layer.states and self.backward_layer.states:
            return tuple(self.forward_layer.states + self.backward_layer.states)
        return None

    def compute_mask(self, _: Any, mask: Any) -> Any:
        if isinstance(mask, list):
            mask = mask[0]
        if self.return_sequences:
            output_mask = (mask, mask) if not self.merge_mode else mask
        else:
            output_mask = (None, None) if not self.merge_mode else None
        if self.return_state:
            n_states = 2 * len(self.forward_layer.state_size)
            head = list(output_mask) if isinstance(output_mask, tuple) else [output_mask]
            return head + [None] * n_states
        return output_mask

    def get_config(self) -> dict:
        config = {"merge_mode": self.merge_mode, "layer": serialize_keras_object(self.forward_layer),
                  "backward_layer": serialize_keras_object(self.backward_layer)}
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Bidirectional":
        config = copy.deepcopy(config)
        config["layer"] = deserialize_keras_object(config["layer"], custom_objects=custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_keras_object(backward, custom_objects=custom_objects)
        from ..layer import _known_kwargs
        return cls(**_known_kwargs(cls, config))
