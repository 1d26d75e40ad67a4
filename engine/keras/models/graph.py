"""Topological ordering of a Functional graph (Keras's ``map_graph``, condensed).

Nodes are found by a DFS from the outputs; depth = longest path to an output;
operations run by decreasing depth and, within a depth, in DFS discovery order —
the same order Keras uses, so ``layers``, ``weights`` and ``summary()`` match.
"""
from __future__ import annotations

import collections
from typing import Any

from ..layers.keras_tensor import KerasTensor


class GraphError(ValueError):
    """A malformed Functional graph (disconnected input, cycle, bad tensor)."""


def map_graph(inputs: list, outputs: list) -> tuple:
    """Return ``(nodes_in_run_order, layers_in_order)``."""
    finished: set = set()
    in_progress: set = set()
    ordered: list = []
    op_index: dict = {}
    input_ids = {id(t) for t in inputs}

    def visit(tensor: Any) -> None:
        if not isinstance(tensor, KerasTensor) or tensor._keras_history is None:
            raise GraphError(f"Output tensors of a Functional model must be the output of a Keras layer; got {tensor!r}")
        layer, node_index, _ = tensor._keras_history
        node = layer._inbound_nodes[node_index]
        if id(node) in finished:
            return
        if id(node) in in_progress:
            raise GraphError(f"The graph has a cycle through layer '{layer.name}'.")
        if layer not in op_index:
            op_index[layer] = len(op_index)
        in_progress.add(id(node))
        if not node.is_input and id(tensor) not in input_ids:
            for t in node.input_tensors:
                visit(t)
        finished.add(id(node))
        in_progress.discard(id(node))
        ordered.append(node)

    for o in outputs:
        visit(o)

    in_graph = {id(n) for n in ordered}
    node_depth: dict = {}
    op_depth: dict = {}
    for node in reversed(ordered):
        depth = max(node_depth.setdefault(id(node), 0), op_depth.get(node.layer, 0))
        op_depth[node.layer] = depth
        node_depth[id(node)] = depth
        for t in node.input_tensors:
            parent_layer, ni, _ = t._keras_history
            parent = parent_layer._inbound_nodes[ni]
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))
    for t in inputs:
        layer = t._keras_history[0]
        if layer not in op_depth:
            op_depth[layer] = 0
            op_index[layer] = -1
    # Inputs must reach every node's inputs.
    available = set(input_ids)
    nodes_by_depth = collections.defaultdict(list)
    for node in ordered:
        nodes_by_depth[node_depth[id(node)]].append(node)
    run_order = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            if node.is_input:
                if id(node.output_tensors[0]) not in input_ids:
                    raise GraphError(
                        f"Graph disconnected: cannot obtain value for tensor {node.output_tensors[0].name} at "
                        f"layer '{node.layer.name}'. The following previous layers were accessed without "
                        f"issue: {[n.layer.name for n in run_order]}. Pass it in `inputs`.")
                continue
            for t in node.input_tensors:
                if id(t) not in available:
                    raise GraphError(
                        f"Graph disconnected: cannot obtain value for tensor {t.name} at layer "
                        f"'{node.layer.name}'. The following previous layers were accessed without issue: "
                        f"{[n.layer.name for n in run_order]}")
            run_order.append(node)
            available.update(id(t) for t in node.output_tensors)
    layers_by_depth = collections.defaultdict(list)
    for layer, d in op_depth.items():
        layers_by_depth[d].append(layer)
    layers = []
    for d in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[d], key=lambda l: op_index[l]))
    return run_order, layers
