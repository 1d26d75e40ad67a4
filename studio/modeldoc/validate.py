"""Validate a model document: per-layer output shapes, parameter counts, every error, suggestions.

The walk builds each layer with the engine (``keras.saving.deserialize_keras_object``)
and calls it on symbolic inputs in topological order, so shapes and counts are
the engine's own. It keeps going after an error: layers upstream of a failure
keep their shapes, layers downstream get ``None``. A Sequential document is
walked as the chain it is (a Functional graph with one input).

``validate_document(doc)`` → :class:`Validation` (``.report`` is the JSON of
``POST /api/models/validate``; ``.model`` the engine model when valid).
"""
from __future__ import annotations

import difflib
import heapq
import re
from dataclasses import dataclass, field
from typing import Any

import engine as tf
from engine import keras
from engine.keras.saving import object_registry

from ..catalog import engine_lock, get_catalog
from .document import ModelDocumentError
from .fields import check_config, check_value
from .limits import MAX_TOTAL_PARAMS, cost_problem, input_problem
from .summary import weight_count
from .report import Issue, Suggestion, empty_report, quote, shape_text
from .summary import summary_text
from .topology import MODEL_CLASSES, LayerSpec, Ref, Topology, read_topology

#: Nested models (a Sequential inside a Functional) are validated recursively, this deep at most.
MAX_NESTING = 4


@dataclass
class NodeTrace:
    """One layer call of the walk: what went in, what came out, what went wrong."""

    layer: str
    class_name: str
    sources: list[str]
    input_shapes: list[tuple] | None = None
    output_shapes: list[tuple] | None = None
    error: Issue | None = None
    error_kind: str | None = None  # "inputs" (shapes / ranks), "count", "limit"


@dataclass
class Validation:
    """The outcome: the report (JSON), the engine model (None unless valid), the errors."""

    report: dict
    model: Any = None
    errors: list[Issue] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        """No errors."""
        return not self.errors

    def first_error(self) -> ModelDocumentError:
        """The first error as the exception ``build_model`` raises (details: the report)."""
        first = self.errors[0]
        return ModelDocumentError(first.message, layer=first.layer, field=first.field, details=self.report)


def _shape(t: Any) -> tuple:
    return tuple(None if d is None else int(d) for d in t.shape)


def _json_shape(shapes: list[tuple] | None) -> Any:
    if not shapes:
        return None
    as_lists = [list(s) for s in shapes]
    return as_lists[0] if len(as_lists) == 1 else as_lists


def guess_field(message: str, config: dict) -> str | None:
    """The config key an engine error message is about (backticked, ``key=value``, or a quoted value)."""
    for pattern in (r"`([A-Za-z_][A-Za-z0-9_]*)`", r"\b([A-Za-z_][A-Za-z0-9_]*)=", r"argument '?([a-z_]+)'?"):
        for name in re.findall(pattern, message):
            if name in config and name != "name":
                return name
    for key, value in config.items():
        if isinstance(value, str) and key != "name" and value and (f"'{value}'" in message or f"{value!r}" in message):
            return key
    return None


def _canonical_class(name: str) -> type | None:
    try:
        return object_registry.get_layer_class(name)
    except Exception:  # noqa: BLE001 - unknown class name
        return None


class _Walker:
    """One validation: build layers, check the graph, propagate shapes, assemble the report."""

    def __init__(self, topo: Topology, depth: int) -> None:
        self.topo = topo
        self.depth = depth
        self.catalog = get_catalog()
        self.errors: list[Issue] = list(topo.errors)
        self.suggestions: list[Suggestion] = []
        self.layer_error: dict[str, str] = {e.layer: e.message for e in reversed(topo.errors) if e.layer}
        self.objects: dict[str, Any] = {}
        self.node_out: dict[tuple[str, int], list] = {}
        self.traces: list[NodeTrace] = []
        self.specs = topo.by_name()
        self.synthetic: set[str] = set()
        self.unused: list[str] = []
        self.params_so_far = 0
        self.inputs_reported = False  # a Sequential without an input shape: said once, not three times

    # -- errors ------------------------------------------------------------------------------
    def error(self, layer: str | None, field_: str | None, message: str) -> Issue:
        issue = Issue(layer, field_, message)
        self.errors.append(issue)
        if layer is not None:
            self.layer_error.setdefault(layer, message)
        return issue

    # -- 1. layers -----------------------------------------------------------------------------
    def build_layers(self) -> None:
        for spec in self.topo.layers:
            if not spec.broken:
                self.objects_for(spec)

    def objects_for(self, spec: LayerSpec) -> None:
        cls = _canonical_class(spec.class_name)
        if cls is None:
            self.unknown_class(spec)
            return
        class_name = cls.__name__
        issues = check_config(spec.name, class_name, spec.config, self.catalog.fields(class_name))
        if class_name == "InputLayer" and not issues:
            problem = input_problem(spec.config["batch_input_shape"])
            if problem:
                issues.append(Issue(spec.name, "batch_input_shape",
                                    f"Layer '{spec.name}' (InputLayer): the input {problem}"))
        for issue in issues:
            self.error(issue.layer, issue.field, issue.message)
        if issues:
            return
        if class_name in MODEL_CLASSES:
            self.nested_model(spec, class_name)
            return
        config = {k: v for k, v in spec.config.items() if k != "build_config"}
        try:
            self.objects[spec.name] = keras.saving.deserialize_keras_object(
                {"class_name": class_name, "config": config})
        except Exception as exc:  # noqa: BLE001 - the engine's message, mapped to the layer
            self.error(spec.name, guess_field(str(exc), spec.config), f"Layer '{spec.name}' ({class_name}): {exc}")

    def unknown_class(self, spec: LayerSpec) -> None:
        known = sorted(set(object_registry.LAYERS) - {"Functional"})
        lowered = {n.lower(): n for n in known}
        close = ([lowered[spec.class_name.lower()]] if spec.class_name.lower() in lowered else
                 difflib.get_close_matches(spec.class_name, known, n=3, cutoff=0.6))
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        self.error(spec.name, "class_name", f"Layer '{spec.name}': unknown layer class {quote(spec.class_name)}.{hint}")
        if close:
            self.suggestions.append(Suggestion(spec.name, f"Use {close[0]} for layer '{spec.name}'",
                                               {"action": "replace", "layer": spec.name, "class_name": close[0]}))

    def nested_model(self, spec: LayerSpec, class_name: str) -> None:
        if self.depth >= MAX_NESTING:
            self.error(spec.name, "config", f"Layer '{spec.name}': models nested more than {MAX_NESTING} deep")
            return
        inner = validate_document({"class_name": class_name, "config": spec.config}, _depth=self.depth + 1)
        if not inner.valid:
            first = inner.errors[0]
            self.error(spec.name, first.field, f"Layer '{spec.name}' (nested {class_name}): {first.message}")
            return
        self.objects[spec.name] = inner.model

    # -- 2. graph --------------------------------------------------------------------------------
    def sequential_as_graph(self) -> None:
        """Give a Sequential document's layers inbound nodes (a chain) and one input."""
        topo = self.topo
        layers = [s for s in topo.layers]
        first = layers[0]
        if first.class_name == "InputLayer":
            start, rest = first, layers[1:]
        else:
            start, rest = self.synthetic_input(first), layers
            if start is None:
                self.inputs_reported = True
                return
        for spec in rest:
            if spec.class_name == "InputLayer":
                self.error(spec.name, "class_name", f"Layer '{spec.name}': an InputLayer can only be the first "
                                                    f"layer of a Sequential model")
                spec.broken = True
        prev = start.name
        for spec in rest:
            spec.nodes, spec.node_kwargs = [[Ref(prev, 0, 0)]], [{}]
            prev = spec.name
        topo.inputs, topo.outputs = [Ref(start.name, 0, 0)], [Ref(prev, 0, 0)]

    def synthetic_input(self, first: LayerSpec) -> LayerSpec | None:
        shape = self.topo.input_shape
        spec_field = self.catalog.fields("InputLayer")["batch_input_shape"]
        problem = None if shape is None else (check_value(spec_field, shape) or
                                              (None if not input_problem(shape) else "is too large"))
        if shape is None or problem:
            why = "has no input shape" if shape is None else f"has an invalid input shape {quote(shape)} ({problem})"
            self.error(first.name, "batch_input_shape",
                       f"The model {why}: start it with an InputLayer, or give the first layer "
                       f"('{first.name}') a batch_input_shape such as [null, 2]")
            return None
        taken = set(self.specs)
        name = next(n for n in ("input_layer", *(f"input_layer_{i}" for i in range(1, 1000))) if n not in taken)
        spec = LayerSpec(-1, name, "InputLayer", {"batch_input_shape": list(shape), "name": name})
        self.synthetic.add(name)
        self.specs[name] = spec
        self.objects[name] = keras.layers.InputLayer(batch_shape=tuple(shape), name=name)
        return spec

    def renumber_nested_nodes(self) -> None:
        """Keras 2 / TF.js count a nested model's construction as its node 0 (formats.md §2.3)."""
        nested = {s.name for s in self.topo.layers if s.class_name in MODEL_CLASSES}
        if not nested:
            return
        refs = [r for s in self.topo.layers for node in s.nodes for r in node if r.layer in nested]
        refs += [r for r in self.topo.outputs or [] if r.layer in nested]
        if not refs or not all(r.node >= 1 for r in refs):
            return

        def fix(r: Ref) -> Ref:
            return Ref(r.layer, r.node - 1, r.tensor) if r.layer in nested else r
        for s in self.topo.layers:
            s.nodes = [[fix(r) for r in node] for node in s.nodes]
        if self.topo.outputs:
            self.topo.outputs = [fix(r) for r in self.topo.outputs]

    def node_count(self, spec: LayerSpec) -> int:
        return 1 if spec.class_name == "InputLayer" else len(spec.nodes)

    def check_references(self) -> dict[tuple[str, int], set]:
        """Each node's dependencies (valid references only); errors for dangling ones."""
        deps: dict[tuple[str, int], set] = {}
        names = list(self.specs)
        synthetic = [self.specs[n] for n in self.synthetic]
        for spec in synthetic + self.topo.layers:
            if spec.class_name == "InputLayer":
                if spec.nodes:
                    self.error(spec.name, "inbound_nodes", f"Layer '{spec.name}': an InputLayer takes no inputs")
                deps[(spec.name, 0)] = set()
                continue
            if not spec.nodes and not spec.broken:
                self.unused.append(spec.name)
            reported: set = set()
            for k, node in enumerate(spec.nodes):
                ok = set()
                for ref in node:
                    src = self.specs.get(ref.layer)
                    if src is None:
                        if ref.layer not in reported:
                            reported.add(ref.layer)
                            close = difflib.get_close_matches(ref.layer, names, n=1)
                            hint = f" Did you mean '{close[0]}'?" if close else ""
                            self.error(spec.name, "inbound_nodes",
                                       f"Layer '{spec.name}' takes its input from {quote(ref.layer)}, which is "
                                       f"not a layer of this model.{hint}")
                    elif ref.node >= self.node_count(src):
                        if src.nodes or src.class_name == "InputLayer":
                            calls = self.node_count(src)
                            why = f"node {ref.node} of '{src.name}', which is called only {calls} time(s)"
                        else:
                            why = f"'{src.name}', which has no input itself"
                        self.error(spec.name, "inbound_nodes", f"Layer '{spec.name}' takes its input from {why}")
                    else:
                        ok.add((ref.layer, ref.node))
                deps[(spec.name, k)] = ok
        return deps

    def order(self, deps: dict[tuple[str, int], set]) -> list[tuple[str, int]]:
        """Topological order of the nodes (document order among ready ones); cycles reported."""
        index = {s.name: s.index for s in self.topo.layers}
        users: dict[tuple[str, int], list] = {n: [] for n in deps}
        missing = {n: 0 for n in deps}
        for node, ds in deps.items():
            for d in ds:
                if d in users:
                    users[d].append(node)
                    missing[node] += 1
        ready = [(index.get(n[0], -1), n[1], n) for n, m in missing.items() if m == 0]
        heapq.heapify(ready)
        out = []
        while ready:
            *_, node = heapq.heappop(ready)
            out.append(node)
            for u in users[node]:
                missing[u] -= 1
                if missing[u] == 0:
                    heapq.heappush(ready, (index.get(u[0], -1), u[1], u))
        left = {n for n, m in missing.items() if m > 0}
        self.report_cycles(left, deps, index)
        return out

    def report_cycles(self, left: set, deps: dict, index: dict) -> None:
        while left:
            node = min(left, key=lambda n: (index.get(n[0], 0), n[1]))
            path: list = []
            seen: dict = {}
            while node not in seen:  # every node left waits on another node left: this walk closes a loop
                seen[node] = len(path)
                path.append(node)
                node = min((d for d in deps[node] if d in left), key=lambda n: (index.get(n[0], 0), n[1]))
            cycle = path[seen[node]:]
            names = [n[0] for n in cycle]
            start = names.index(min(names, key=lambda n: index.get(n, 0)))
            names = names[start:] + names[:start]
            ring = " -> ".join(f"'{n}'" for n in list(reversed(names)) + [names[-1]])
            message = f"Layers {ring} form a cycle; a model's graph must not loop back on itself"
            self.error(names[0], "inbound_nodes", message)
            for n in names[1:]:
                self.layer_error.setdefault(n, message)
            left -= set(cycle)
            changed = True
            while changed:  # drop what only waited on the cycle
                changed = False
                for n in list(left):
                    if not any(d in left for d in deps[n]):
                        left.discard(n)
                        changed = True

    # -- 3. shapes -------------------------------------------------------------------------------
    def tensor(self, ref: Ref, user: str) -> Any:
        outs = self.node_out.get((ref.layer, ref.node))
        if outs is None:
            return None
        if ref.tensor >= len(outs):
            self.error(user, "inbound_nodes", f"Layer '{user}' takes output {ref.tensor} of '{ref.layer}', which "
                                              f"has {len(outs)} output(s)")
            return None
        return outs[ref.tensor]

    def evaluate(self, order: list[tuple[str, int]]) -> None:
        for name, k in order:
            spec = self.specs[name]
            layer = self.objects.get(name)
            if layer is None:
                continue
            if spec.class_name == "InputLayer":
                self.node_out[(name, 0)] = [layer.output]
                self.traces.append(NodeTrace(name, "InputLayer", [], [], [_shape(layer.output)]))
                continue
            self.call(spec, layer, k)

    def call(self, spec: LayerSpec, layer: Any, k: int) -> None:
        refs = spec.nodes[k]
        tensors = [self.tensor(r, spec.name) for r in refs]
        if any(t is None for t in tensors):
            return  # an upstream layer failed: no shape here
        cls = type(layer).__name__
        shapes = [_shape(t) for t in tensors]
        trace = NodeTrace(spec.name, cls, [r.layer for r in refs], shapes)
        self.traces.append(trace)
        inputs_text = ", ".join(f"{shape_text(s)} from '{r.layer}'" for s, r in zip(shapes, refs, strict=True))
        entry = self.catalog.entry(cls)
        if entry is not None:
            lo, hi = entry["min_inputs"], entry["max_inputs"]
            if len(tensors) < lo or (hi is not None and len(tensors) > hi):
                want = f"exactly {lo}" if lo == hi else f"at least {lo}" if len(tensors) < lo else f"at most {hi}"
                trace.error = self.error(spec.name, "inbound_nodes", f"Layer '{spec.name}' ({cls}) takes {want} "
                                         f"input(s); it has {len(tensors)}: {inputs_text}")
                trace.error_kind = "count"
                return
        problem = cost_problem(spec.config, shapes)
        if problem:
            trace.error = self.error(spec.name, None, f"Layer '{spec.name}' ({cls}) {problem}")
            trace.error_kind = "limit"
            return
        before = weight_count(layer.weights)
        try:
            out = layer(tensors if len(tensors) > 1 else tensors[0], **spec.node_kwargs[k])
        except Exception as exc:  # noqa: BLE001 - the engine's message, with the shapes it got
            trace.error = self.error(spec.name, guess_field(str(exc), spec.config),
                                     f"Layer '{spec.name}' ({cls}) cannot take input {inputs_text}: {exc}")
            trace.error_kind = "inputs"
            return
        self.params_so_far += weight_count(layer.weights) - before
        if self.params_so_far > MAX_TOTAL_PARAMS:
            trace.error = self.error(spec.name, None, f"The model has more than {MAX_TOTAL_PARAMS:,} parameters "
                                                      f"once layer '{spec.name}' is built; that is the studio's limit")
            trace.error_kind = "limit"
            return
        flat = tf.nest.flatten(out)
        self.node_out[(spec.name, k)] = flat
        trace.output_shapes = [_shape(t) for t in flat]

    # -- 4. inputs, outputs, model --------------------------------------------------------------
    def check_io(self) -> None:
        topo = self.topo
        input_layers = [s.name for s in topo.layers if s.class_name == "InputLayer"]
        if not topo.inputs:
            if input_layers:
                self.error(None, "input_layers", "The model's 'input_layers' is empty: list its InputLayer(s)")
                self.suggestions.append(Suggestion(None, "Use the InputLayer(s) as the model's inputs",
                                                   {"action": "set_inputs", "layers": input_layers}))
            else:
                self.error(None, "input_layers", "The model has no input: add an InputLayer")
        else:
            for ref in topo.inputs:
                spec = self.specs.get(ref.layer)
                if spec is None or spec.class_name != "InputLayer":
                    what = "not a layer of this model" if spec is None else f"a {spec.class_name}, not an InputLayer"
                    self.error(None, "input_layers", f"'input_layers' names {quote(ref.layer)}, which is {what}")
        if not topo.outputs:
            sinks = self.sinks()
            self.error(None, "output_layers", "The model has no outputs: set 'output_layers'")
            if sinks:
                self.suggestions.append(Suggestion(None, "Use the layer(s) nothing else consumes as the outputs: "
                                                   + ", ".join(sinks), {"action": "set_outputs", "layers": sinks}))
        else:
            for ref in topo.outputs:
                spec = self.specs.get(ref.layer)
                if spec is None:
                    close = difflib.get_close_matches(ref.layer, list(self.specs), n=1)
                    hint = f" Did you mean '{close[0]}'?" if close else ""
                    self.error(None, "output_layers",
                               f"'output_layers' names {quote(ref.layer)}, which is not a layer of this model.{hint}")
                elif spec.class_name != "InputLayer" and not spec.nodes:
                    self.error(ref.layer, "output_layers", f"'output_layers' names '{ref.layer}', which has no "
                                                           f"input: connect it")
                elif ref.node >= self.node_count(spec):
                    self.error(ref.layer, "output_layers", f"'output_layers' takes node {ref.node} of '{ref.layer}', "
                                                           f"which is called {self.node_count(spec)} time(s)")

    def sinks(self) -> list[str]:
        used = {r.layer for s in self.topo.layers for node in s.nodes for r in node}
        return [s.name for s in self.topo.layers
                if s.name not in used and s.class_name != "InputLayer" and s.nodes and not s.broken]

    def unreachable(self) -> list[str]:
        """Layers no output depends on (not part of the model)."""
        if not self.topo.outputs:
            return []
        seen: set = set()
        stack = [(r.layer, r.node) for r in self.topo.outputs if r.layer in self.specs]
        while stack:
            name, k = stack.pop()
            if (name, k) in seen:
                continue
            seen.add((name, k))
            spec = self.specs[name]
            if k < len(spec.nodes):
                stack.extend((r.layer, r.node) for r in spec.nodes[k] if r.layer in self.specs)
        reached = {n for n, _ in seen}
        return [s.name for s in self.topo.layers if s.name not in reached and not s.broken]

    def assemble(self) -> Any:
        topo = self.topo
        try:
            if topo.kind == "sequential":
                first = topo.inputs[0].layer  # type: ignore[index]
                chain = [self.objects[first]] + [self.objects[s.name] for s in topo.layers if s.name != first]
                return keras.Sequential(chain, name=topo.name)
            ins = [self.tensor(r, r.layer) for r in topo.inputs or []]
            outs = [self.tensor(r, r.layer) for r in topo.outputs or []]
            refs = list(topo.inputs or []) + list(topo.outputs or [])
            missing = [r.layer for r, t in zip(refs, ins + outs, strict=True) if t is None]
            if missing:
                self.error(missing[0], "output_layers", f"The model's input/output '{missing[0]}' has no value: "
                                                        f"it is not connected to the model's inputs")
                return None
            return keras.Model(inputs=ins[0] if len(ins) == 1 else ins,
                               outputs=outs[0] if len(outs) == 1 else outs, name=topo.name)
        except Exception as exc:  # noqa: BLE001 - e.g. an output that does not depend on the inputs
            self.error(None, "input_layers", f"The model cannot be assembled from its inputs and outputs: {exc}")
            return None

    # -- 5. report -------------------------------------------------------------------------------
    def report(self, model: Any) -> dict:
        last_out: dict[str, list] = {}
        for t in self.traces:
            if t.output_shapes is not None:
                last_out[t.layer] = t.output_shapes
        rows = []
        counted: dict[int, Any] = {}
        for spec in self.topo.layers:
            layer = self.objects.get(spec.name)
            built = layer is not None and getattr(layer, "built", False)
            inbound = list(dict.fromkeys(r.layer for node in spec.nodes for r in node if r.layer not in self.synthetic))
            rows.append({
                "name": spec.name, "class_name": spec.class_name, "inbound": inbound,
                "output_shape": _json_shape(last_out.get(spec.name)),
                "params": weight_count(layer.weights) if built else 0,
                "trainable_params": weight_count(layer.trainable_weights) if built else 0,
                "error": self.layer_error.get(spec.name),
            })
            if built:
                counted[id(layer)] = layer
        if model is not None:
            trainable = weight_count(model.trainable_weights)
            non_trainable = weight_count(model.non_trainable_weights)
        else:
            trainable = sum(weight_count(layer.trainable_weights) for layer in counted.values())
            non_trainable = sum(weight_count(layer.non_trainable_weights) for layer in counted.values())
        return {"valid": not self.errors, "layers": rows, "total_params": trainable + non_trainable,
                "trainable_params": trainable, "non_trainable_params": non_trainable,
                "summary": self.summary(model) if model is not None and not self.errors else None,
                "errors": [e.as_json() for e in self.errors],
                "suggestions": [s.as_json() for s in self.suggestions]}

    def summary(self, model: Any) -> str:
        return summary_text(model, connections=self.topo.kind == "functional")

    # -- all -------------------------------------------------------------------------------------
    def run(self) -> Validation:
        if self.topo.kind == "sequential" and self.topo.layers:
            self.sequential_as_graph()
        else:
            self.renumber_nested_nodes()
        self.build_layers()
        deps = self.check_references()
        order = self.order(deps)
        if self.topo.layers and not self.inputs_reported:
            self.check_io()
        self.evaluate(order)
        model = self.assemble() if not self.errors else None
        from .suggestions import suggest  # noqa: PLC0415 - suggestions read the walker's traces
        self.suggestions.extend(suggest(self, model))
        return Validation(self.report(model), model if not self.errors else None, list(self.errors))


def validate_document(doc: Any, _depth: int = 0) -> Validation:
    """Validate a model document (any accepted form); never raises for a bad document.

    Runs under the studio's engine lock (layers are built and run; a training run's tape must not see it).
    """
    try:
        topo = read_topology(doc)
    except ModelDocumentError as exc:
        issue = Issue(exc.layer, exc.field, exc.message)
        return Validation(empty_report([issue]), None, [issue])
    if topo.name is None:
        topo.name = topo.kind
    with engine_lock():
        return _Walker(topo, _depth).run()
