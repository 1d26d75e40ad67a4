"""Model → frozen TF graph: walk ``model._run_nodes`` in order and convert each layer call.

Inputs become ``Placeholder`` nodes named after the model's inputs (shape set,
formats.md §3.3); each layer call is converted by its entry in
:data:`.layers.CONVERTERS` under a name scope of the layer's name; nested
Functional/Sequential models are expanded recursively; outputs get an
``Identity`` node each, named after the output layer (the signature keys).
Keras masks (``Embedding(mask_zero=True)``, ``Masking``) travel beside the
tensors as boolean graph tensors and reach the layers that use them.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...framework import nest
from ..errors import ExportError, unsupported_layer
from .graph import GT, GraphBuilder
from .layers import CONVERTERS, MASK_AWARE, Call, FORMAT


@dataclass
class Signature:
    """The graph's inputs and outputs as (signature key, graph tensor, Keras shape)."""

    inputs: list
    outputs: list


def _shape(kt: Any) -> tuple:
    return tuple(None if d is None else int(d) for d in kt.shape)


def _np_dtype(kt: Any) -> np.dtype:
    return np.dtype(kt.dtype.as_numpy_dtype)


def find_converter(layer: Any) -> Any:
    """The converter of ``type(layer)``, or of an engine base class whose ``call`` it does not override."""
    cls = type(layer)
    if cls.__name__ in CONVERTERS and cls.__module__.startswith("engine."):
        return CONVERTERS[cls.__name__], cls.__name__
    for base in cls.__mro__[1:]:
        if base.__name__ in CONVERTERS and base.__module__.startswith("engine.") and cls.call is base.call:
            return CONVERTERS[base.__name__], base.__name__
    return None, None


def is_graph_model(layer: Any) -> bool:
    return bool(getattr(layer, "_is_graph_network", False)) and hasattr(layer, "_run_nodes")


class ModelConverter:
    """Builds the graph of one model."""

    def __init__(self, model: Any) -> None:
        if not is_graph_model(model):
            raise ExportError(
                f"Model '{getattr(model, 'name', '?')}' ({type(model).__name__}) cannot be exported to {FORMAT}: "
                "it is a subclassed model without a layer graph (build it with keras.Sequential or the "
                "Functional API).", layer=getattr(model, "name", None),
                format=FORMAT)
        self.model = model
        self.g = GraphBuilder()

    # -- public ----------------------------------------------------------------------------------
    def convert(self) -> Signature:
        model, g = self.model, self.g
        values: dict = {}
        inputs = []
        for key, kt in zip(signature_input_keys(model), model.inputs):
            ph = g.placeholder(key, _np_dtype(kt), _shape(kt))
            values[id(kt)] = (ph, None)
            inputs.append((key, ph, _shape(kt)))
        self._run(model, values)
        outputs = []
        keys = signature_output_keys(model)
        for key, kt in zip(keys, model.outputs):
            t, _ = values[id(kt)]
            out = g.identity(t, name=key, exact_name=True)
            outputs.append((key, out, _shape(kt)))
        return Signature(inputs, outputs)

    # -- graph walk ------------------------------------------------------------------------------
    def _run(self, model: Any, values: dict) -> None:
        for node in model._run_nodes:
            layer = node.layer
            kwargs = _call_kwargs(node, values)
            struct = getattr(node, "_input_structure", node.input_tensors)
            flat_in = [t for t in nest.flatten(struct) if hasattr(t, "_keras_history")]
            ins = [values[id(t)] for t in flat_in]
            with self.g.scope(layer.name):
                if is_graph_model(layer):
                    if any(isinstance(t, GT) for t in nest.flatten(list(kwargs.values()))):
                        raise unsupported_layer(layer, FORMAT, "the nested model is called with extra "
                                                               "symbolic arguments")
                    outs = self._nested(layer, ins)
                else:
                    outs = self._layer(layer, node, ins, kwargs)
            for t, v in zip(node.output_tensors, outs):
                values[id(t)] = v

    def _nested(self, model: Any, ins: list) -> list:
        """Expand a Functional/Sequential model used as a layer."""
        if len(ins) != len(model.inputs):
            raise unsupported_layer(model, FORMAT, f"the nested model expects {len(model.inputs)} inputs, "
                                                   f"got {len(ins)}")
        values = {id(kt): v for kt, v in zip(model.inputs, ins)}
        self._run(model, values)
        return [values[id(kt)] for kt in model.outputs]

    def _layer(self, layer: Any, node: Any, ins: list, kwargs: dict) -> list:
        out_shapes = [_shape(t) for t in node.output_tensors]
        outs, masks = self.convert_call(layer, [t for t, _ in ins], [m for _, m in ins], out_shapes, kwargs)
        if len(outs) != len(node.output_tensors):
            raise unsupported_layer(layer, FORMAT, f"converter produced {len(outs)} outputs for "
                                                   f"{len(node.output_tensors)}")
        return list(zip(outs, masks))

    def convert_call(self, layer: Any, tensors: list, masks: list, out_shapes: list | None,
                     kwargs: dict | None = None) -> tuple:
        """Convert one call of ``layer``; returns ``(outputs, output_masks)``."""
        fn, name = (None, None) if is_graph_model(layer) else find_converter(layer)
        for k, v in (kwargs or {}).items():
            if k in SYMBOLIC_KWARGS and name not in SYMBOLIC_KWARGS[k] \
                    and any(isinstance(t, GT) for t in nest.flatten(v)):
                raise unsupported_layer(layer, FORMAT, f"it is called with a symbolic '{k}' argument, which "
                                                       "this export cannot pass to it")
        if is_graph_model(layer):
            res = self._nested(layer, list(zip(tensors, masks)))
            return [t for t, _ in res], [m for _, m in res]
        if fn is None:
            raise unsupported_layer(layer, FORMAT, f"no TensorFlow op mapping for {type(layer).__name__} layers")
        if any(m is not None for m in masks) and name not in MASK_AWARE and layer._call_has_mask:
            raise unsupported_layer(layer, FORMAT, "it receives a Keras mask, which this export cannot apply "
                                                   "to this layer")
        call = Call(self.g, layer, list(tensors), list(masks), out_shapes or [], dict(kwargs or {}),
                    convert=self.convert_call)
        result = fn(call)
        outs = list(result) if isinstance(result, (list, tuple)) else [result]
        if out_shapes:
            outs = [o.with_shape(_merge_shapes(o.shape, s)) for o, s in zip(outs, out_shapes)]
        if call.out_masks is not None:
            out_masks = list(call.out_masks) + [None] * (len(outs) - len(call.out_masks))
        elif layer.supports_masking and len(masks) == 1:
            out_masks = [masks[0]] * len(outs)
        else:
            out_masks = [None] * len(outs)
        return outs, out_masks


# keyword argument → the converters that consume its symbolic tensors (as graph tensors in ``Call.kwargs``)
SYMBOLIC_KWARGS = {"initial_state": {"RNN", "SimpleRNN", "LSTM", "GRU", "Bidirectional"}}


def _call_kwargs(node: Any, values: dict) -> dict:
    """The node's call arguments after the first, by name (``training``/``mask`` dropped), with every
    KerasTensor replaced by its graph tensor; refuses symbolic arguments no converter consumes."""
    layer = node.layer
    kwargs = dict(node.call_kwargs)
    extra = list(node.call_args[1:])
    if extra:
        try:
            bound = inspect.signature(layer.call).bind_partial(None, *extra)
        except (TypeError, ValueError):
            bound = None
        if bound is not None:
            kwargs.update({n: v for n, v in list(bound.arguments.items())[1:]})
        elif any(_is_symbolic(t) for t in nest.flatten(extra)):
            raise unsupported_layer(layer, FORMAT, "it is called with extra symbolic arguments")
    out = {}
    for name, value in kwargs.items():
        if name in ("training", "mask") and not any(_is_symbolic(t) for t in nest.flatten(value)):
            continue
        if any(_is_symbolic(t) for t in nest.flatten(value)):
            if name not in SYMBOLIC_KWARGS:
                raise unsupported_layer(layer, FORMAT, f"it is called with a symbolic '{name}' argument")
            value = nest.map_structure(lambda t: values[id(t)][0] if _is_symbolic(t) else t, value)
        out[name] = value
    return out


def _is_symbolic(t: Any) -> bool:
    return hasattr(t, "_keras_history")


def _merge_shapes(ours: tuple | None, keras: tuple) -> tuple:
    """Keras's static shape, completed by ours where Keras has ``None`` (batch stays ``None``)."""
    if ours is None or len(ours) != len(keras):
        return keras
    return tuple(k if k is not None or i == 0 else o for i, (o, k) in enumerate(zip(ours, keras)))


def signature_input_keys(model: Any) -> list:
    """Signature input keys: the model's input names."""
    return [kt.name or kt._keras_history[0].name for kt in model.inputs]


def signature_output_keys(model: Any) -> list:
    """Signature output keys: the output layers' names (``name_k`` for a layer's extra outputs)."""
    keys = []
    for kt in model.outputs:
        layer, _, k = kt._keras_history
        key = layer.name if k == 0 else f"{layer.name}_{k}"
        base, n = key, 0
        while key in keys:
            n += 1
            key = f"{base}_{n}"
        keys.append(key)
    return keys


def build(model: Any) -> tuple:
    """``(GraphBuilder, Signature)`` for ``model``."""
    conv = ModelConverter(model)
    sig = conv.convert()
    return conv.g, sig
