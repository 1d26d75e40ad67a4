"""``model.summary()``: Keras 3's table (rendered with ``rich``) and the same rows as data.

``summary_rows`` is the structured form (name, class, output shape, parameter
count, connections) that the studio's validation endpoint returns.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np


def _shape_str(shape: Any) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def format_layer_shape(layer: Any) -> str:
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return "?"
    outputs = nodes[-1].output_tensors
    shapes = [_shape_str(t.shape) for t in outputs]
    return shapes[0] if len(shapes) == 1 else "[" + ", ".join(shapes) + "]"


def count_params(weights: list) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def weight_memory_size(weights: list) -> int:
    return int(sum(int(np.prod(w.shape)) * w.dtype.size for w in weights))


def readable_memory_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB", "PB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def _is_sequential_like(model: Any) -> bool:
    from ..models.sequential import Sequential
    if isinstance(model, Sequential) or not getattr(model, "_is_graph_network", False):
        return True
    for node in model._run_nodes:
        if len(node.input_tensors) > 1:
            return False
    seen = set()
    for node in model._run_nodes:
        if id(node.layer) in seen:
            return False
        seen.add(id(node.layer))
    depths = {}
    for node in model._run_nodes:
        for t in node.input_tensors:
            src = t._keras_history[0]
            depths[id(src)] = depths.get(id(src), 0) + 1
    return all(v <= 1 for v in depths.values()) and len(model.inputs) == 1 and len(model.outputs) == 1


def _connections(layer: Any, model_nodes: set) -> str:
    parts = []
    for node in layer._inbound_nodes:
        if id(node) not in model_nodes:
            continue
        for t in node.input_tensors:
            src, ni, ti = t._keras_history
            parts.append(f"{src.name}[{ni}][{ti}]")
    return ", ".join(parts) if parts else "-"


def summary_rows(model: Any) -> list[dict]:
    """One dict per layer: name, class_name, output_shape, params, trainable, connected_to."""
    from ..models.sequential import Sequential
    if isinstance(model, Sequential) or not getattr(model, "_is_graph_network", False):
        layers = model.layers
        nodes: set = set()
    else:
        layers = model.layers
        nodes = {id(n) for n in model._run_nodes} | {id(t._keras_history[0]._inbound_nodes[t._keras_history[1]]) for t in model.inputs}
    rows = []
    for layer in layers:
        rows.append({
            "name": layer.name,
            "class_name": type(layer).__name__,
            "output_shape": format_layer_shape(layer),
            "params": layer.count_params() if layer.built else 0,
            "built": bool(layer.built),
            "trainable": bool(layer.trainable),
            "connected_to": _connections(layer, nodes) if nodes else "-",
        })
    return rows


def print_summary(model: Any, line_length: int | None = None, positions: Any = None,
                  print_fn: Callable | None = None, show_trainable: bool = False) -> None:
    """Render the table the way Keras 3 does (box-drawn, thousands separators)."""
    import rich.console
    import rich.markup
    import rich.table

    seq = _is_sequential_like(model)
    if seq:
        default_len, positions = 88, positions or [0.45, 0.80, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        default_len, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #", "Connected to"], ["left", "left", "right", "left"]
    if show_trainable:
        default_len += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")
    import shutil
    line_length = line_length or min(default_len, shutil.get_terminal_size().columns - 4)
    widths, cur = [], 0
    for pos in positions:
        w = int(pos * line_length) - cur
        widths.append(w)
        cur += w
    cols = [rich.table.Column(h, justify=a, width=w) for h, a, w in zip(header, align, widths)]
    table = rich.table.Table(*cols, width=line_length, show_lines=True)
    for row in summary_rows(model):
        params = f"{row['params']:,}" if row["built"] else "0 (unbuilt)"
        fields = [rich.markup.escape(f"{row['name']} ({row['class_name']})"), row["output_shape"], params]
        if not seq:
            fields.append(row["connected_to"])
        if show_trainable:
            layer = model.get_layer(row["name"])
            fields.append(("Y" if row["trainable"] else "N") if layer.weights else "-")
        table.add_row(*fields)
    tw, nw = model.trainable_weights, model.non_trainable_weights
    opt = getattr(model, "optimizer", None)
    opt_vars = list(opt.variables) if (getattr(model, "compiled", False) and opt is not None
                                       and getattr(opt, "built", False)) else []
    total = count_params(tw) + count_params(nw) + count_params(opt_vars)
    total_mem = weight_memory_size(tw) + weight_memory_size(nw) + weight_memory_size(opt_vars)
    console = rich.console.Console(highlight=False, force_terminal=False, color_system=None)
    console.begin_capture()
    console.print(f'Model: "{rich.markup.escape(model.name)}"')
    console.print(table)
    console.print(f" Total params: {total:,} ({readable_memory_size(total_mem)})")
    console.print(f" Trainable params: {count_params(tw):,} ({readable_memory_size(weight_memory_size(tw))})")
    console.print(f" Non-trainable params: {count_params(nw):,} ({readable_memory_size(weight_memory_size(nw))})")
    if opt_vars:
        console.print(f" Optimizer params: {count_params(opt_vars):,} ({readable_memory_size(weight_memory_size(opt_vars))})")
    text = console.end_capture()
    (print_fn or (lambda s: print(s, end="")))(text)
