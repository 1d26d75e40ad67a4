"""Suggestions where the fix is obvious, each with a ``fix`` the editor can apply.

- A Dense fed by a convolution / pooling output (rank >= 3) whose model output
  keeps the spatial axes (Keras applies Dense on the last axis, so it "works"
  but a classifier then predicts per pixel): insert ``Flatten`` (or a global
  pooling) before the Dense.
- A layer that takes one input rank (LSTM: 3) given another: insert a
  ``Reshape`` to a shape it takes (or ``Flatten`` when it wants rank 2).
- An elementwise merge (Add, Multiply, ...) of inputs that differ only in the
  channels axis: use ``Concatenate`` instead.
- Layers no output depends on: remove them (or connect them).

Fix forms: ``{"action": "insert", "class_name", "config"?, "after", "before"}``,
``{"action": "replace", "layer", "class_name"}``, ``{"action": "remove", "layer"}``,
``{"action": "set_inputs" | "set_outputs", "layers": [...]}``.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .report import Suggestion, shape_text

if TYPE_CHECKING:
    from .validate import NodeTrace, _Walker

#: Layer categories whose outputs keep spatial axes (the "feature map" producers).
SPATIAL_CATEGORIES = {"Convolution", "Pooling"}
#: Merge layers that need equal shapes (the others: Concatenate joins along an axis, Dot contracts).
_NOT_ELEMENTWISE = {"Concatenate", "Dot"}


def _insert(class_name: str, after: str, before: str, config: dict | None = None) -> dict:
    fix: dict[str, Any] = {"action": "insert", "class_name": class_name, "after": after, "before": before}
    if config is not None:
        fix["config"] = config
    return fix


def _category(walker: "_Walker", class_name: str) -> str | None:
    entry = walker.catalog.entry(class_name)
    return entry["category"] if entry else None


def _spatial_source(walker: "_Walker", name: str) -> bool:
    """Whether ``name``'s output comes from a convolution / pooling, looking through layers that keep the
    shape of their one input (activations, normalization, dropout...)."""
    traces = {t.layer: t for t in walker.traces}
    seen = set()
    while name not in seen:
        seen.add(name)
        spec, trace = walker.specs.get(name), traces.get(name)
        if spec is None or trace is None:
            return False
        if _category(walker, spec.class_name) in SPATIAL_CATEGORIES:
            return True
        keeps_shape = (trace.input_shapes is not None and len(trace.input_shapes) == 1
                       and trace.output_shapes == trace.input_shapes)
        if not keeps_shape or len(spec.nodes) != 1:
            return False
        name = trace.sources[0]
    return False


def _downstream(walker: "_Walker", start: str) -> set[str]:
    users: dict[str, set] = {}
    for spec in walker.topo.layers:
        for node in spec.nodes:
            for ref in node:
                users.setdefault(ref.layer, set()).add(spec.name)
    out, stack = set(), [start]
    while stack:
        n = stack.pop()
        if n in out:
            continue
        out.add(n)
        stack.extend(users.get(n, ()))
    return out


def _output_ranks(walker: "_Walker") -> dict[str, int]:
    ranks = {}
    for t in walker.traces:
        if t.output_shapes:
            ranks[t.layer] = len(t.output_shapes[0])
    return {r.layer: ranks[r.layer] for r in walker.topo.outputs or [] if r.layer in ranks}


def dense_on_feature_maps(walker: "_Walker", trace: "NodeTrace") -> list[Suggestion]:
    """Conv / pooling (rank >= 3) → Dense → ... → an output that still has spatial axes."""
    if trace.class_name != "Dense" or not trace.input_shapes or len(trace.input_shapes[0]) < 3:
        return []
    source = trace.sources[0]
    if not _spatial_source(walker, source):
        return []
    below = _downstream(walker, trace.layer)
    if not any(rank >= 3 for name, rank in _output_ranks(walker).items() if name in below):
        return []
    shape = trace.input_shapes[0]
    out = [Suggestion(trace.layer, f"Layer '{trace.layer}' (Dense) gets the feature maps {shape_text(shape)} of "
                                   f"'{source}' and applies to the last axis only, so the model predicts per "
                                   f"position; insert a Flatten between them",
                      _insert("Flatten", source, trace.layer))]
    pool = {3: "GlobalAveragePooling1D", 4: "GlobalAveragePooling2D", 5: "GlobalAveragePooling3D"}.get(len(shape))
    if pool and walker.catalog.entry(pool):
        out.append(Suggestion(trace.layer, f"Or insert a {pool} between '{source}' and '{trace.layer}' "
                                           f"(averages each channel over the positions)",
                              _insert(pool, source, trace.layer)))
    return out


def _reshape_target(shape: tuple, rank: int) -> list | None:
    """A target shape (no batch axis) of rank ``rank`` for an input of ``shape``; None if not obvious."""
    dims = list(shape[1:])
    if any(d is None for d in dims):
        return None
    want = rank - 1
    if len(dims) < want:
        if want - len(dims) == 1:
            return dims + [1]
        if len(dims) == 1 and want == 3 and math.isqrt(dims[0]) ** 2 == dims[0]:
            side = math.isqrt(dims[0])
            return [side, side, 1]  # a flat square image
        return None
    if want >= 1:
        return dims[: want - 1] + [math.prod(dims[want - 1:])]
    return None


def rank_mismatch(walker: "_Walker", trace: "NodeTrace") -> list[Suggestion]:
    """A layer that takes one rank only, given another: Reshape (or Flatten)."""
    if trace.error_kind != "inputs" or not trace.input_shapes or len(trace.input_shapes) != 1:
        return []
    entry = walker.catalog.entry(trace.class_name)
    if entry is None or len(entry.get("input_ranks", [])) != 1:
        return []
    rank, shape = entry["input_ranks"][0], trace.input_shapes[0]
    if len(shape) == rank:
        return []
    source = trace.sources[0]
    if rank == 2 and len(shape) > 2:
        return [Suggestion(trace.layer, f"Layer '{trace.layer}' ({trace.class_name}) takes 2-D input; insert a "
                                        f"Flatten after '{source}' {shape_text(shape)}",
                           _insert("Flatten", source, trace.layer))]
    target = _reshape_target(shape, rank)
    if target is None:
        return []
    return [Suggestion(trace.layer, f"Layer '{trace.layer}' ({trace.class_name}) takes {rank}-D input "
                                    f"(batch, {'steps, features' if rank == 3 else '...'}) but '{source}' gives "
                                    f"{shape_text(shape)}; insert a Reshape to {shape_text([None] + target)}",
                       _insert("Reshape", source, trace.layer, {"target_shape": target}))]


def merge_mismatch(walker: "_Walker", trace: "NodeTrace") -> list[Suggestion]:
    """Add / Multiply / ... of shapes that differ only in the last axis: Concatenate."""
    if trace.error_kind != "inputs" or _category(walker, trace.class_name) != "Merge" \
            or trace.class_name in _NOT_ELEMENTWISE or not trace.input_shapes or len(trace.input_shapes) < 2:
        return []
    shapes = trace.input_shapes
    if len({len(s) for s in shapes}) != 1 or len({tuple(s[:-1]) for s in shapes}) != 1:
        return []
    listed = ", ".join(shape_text(s) for s in shapes)
    return [Suggestion(trace.layer, f"Layer '{trace.layer}' ({trace.class_name}) needs equal shapes but gets "
                                    f"{listed}, which differ only in the channels; a Concatenate joins them",
                       {"action": "replace", "layer": trace.layer, "class_name": "Concatenate"})]


def unused_layers(walker: "_Walker", model: Any) -> list[Suggestion]:
    """Layers nothing connects to an output."""
    out: list[Suggestion] = []
    if walker.topo.kind == "sequential":  # a chain: every layer is used
        return out
    names = set(walker.unused) | set(walker.unreachable())
    for spec in walker.topo.layers:
        if spec.name in names and spec.name not in walker.synthetic and spec.name not in walker.layer_error \
                and not spec.broken:
            why = "has no input" if spec.name in walker.unused else "does not lead to any output"
            out.append(Suggestion(spec.name, f"Layer '{spec.name}' {why}, so it is not part of the model; "
                                             f"connect it or remove it", {"action": "remove", "layer": spec.name}))
    return out


def suggest(walker: "_Walker", model: Any) -> list[Suggestion]:
    """Every suggestion for the walked document."""
    out: list[Suggestion] = []
    for trace in walker.traces:
        out += dense_on_feature_maps(walker, trace) + rank_mismatch(walker, trace) + merge_mismatch(walker, trace)
    out += unused_layers(walker, model)
    return out
