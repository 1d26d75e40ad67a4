"""Read a model document into a plain graph description, reporting structural problems.

Accepted forms (``specs/formats.md`` §1.8, §2.3): the Keras-2 / TF.js topology
``{"class_name": "Sequential"|"Functional"|"Model", "config": {...}}`` with
``inbound_nodes`` as ``[[["name", node, tensor, {kwargs}], ...], ...]``; a whole
TF.js ``model.json`` (``modelTopology``, possibly with ``model_config``); and
Keras 3 configs (``module``/``registered_name`` envelopes, ``inbound_nodes`` as
``{"args": [__keras_tensor__ ...], "kwargs": {...}}``, ``input_layers`` as one
triple). Nothing is built here: layer configs are kept as they are for the
engine's deserializer.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .document import ModelDocumentError, topology_of
from .report import Issue, quote

#: Documents with more layers are refused outright (HTTP 400).
MAX_LAYERS = 500
#: Longest layer name accepted.
MAX_NAME_CHARS = 128
MODEL_CLASSES = {"Sequential": "sequential", "Functional": "functional", "Model": "functional"}


@dataclass(frozen=True)
class Ref:
    """A reference to one output tensor: ``(layer name, node index, tensor index)``."""

    layer: str
    node: int
    tensor: int


@dataclass
class LayerSpec:
    """One entry of the document's ``layers``."""

    index: int
    name: str
    class_name: str
    config: dict
    nodes: list[list[Ref]] = field(default_factory=list)   # inbound call nodes (Functional)
    node_kwargs: list[dict] = field(default_factory=list)
    broken: bool = False                                     # a structural error: never built


@dataclass
class Topology:
    """The document as a graph description."""

    kind: str                                # "sequential" | "functional"
    name: str | None
    layers: list[LayerSpec]
    inputs: list[Ref] | None = None          # Functional
    outputs: list[Ref] | None = None
    input_shape: list | None = None          # Sequential: from build_input_shape / the first layer
    errors: list[Issue] = field(default_factory=list)

    def by_name(self) -> dict[str, LayerSpec]:
        """First layer of each name."""
        out: dict[str, LayerSpec] = {}
        for spec in self.layers:
            out.setdefault(spec.name, spec)
        return out


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _plain_dtype(value: Any) -> Any:
    if isinstance(value, dict) and value.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
        config = value.get("config")
        return config.get("name", "float32") if isinstance(config, dict) else value
    return value


def plain_config(class_name: Any, config: dict) -> dict:
    """A layer config's top-level values in Keras-2 form (``__tuple__`` → list, dtype policy → its name;
    an InputLayer's Keras 3 ``batch_shape`` / ``shape`` → ``batch_input_shape``)."""
    out = {}
    for key, value in config.items():
        if isinstance(value, dict) and value.get("class_name") == "__tuple__" and \
                isinstance(value.get("config"), dict) and isinstance(value["config"].get("value"), list):
            value = list(value["config"]["value"])
        out[key] = _plain_dtype(value) if key == "dtype" else value
    if class_name == "InputLayer" and "batch_input_shape" not in out:
        if "batch_shape" in out:
            out["batch_input_shape"] = out.pop("batch_shape")
        elif isinstance(out.get("shape", out.get("input_shape")), (list, tuple)):
            shape = out.pop("shape", None) or out.pop("input_shape")
            out["batch_input_shape"] = [out.pop("batch_size", None)] + list(shape)
    return out


def _ref(entry: Any) -> Ref | None:
    """``["name", 0, 0]`` / ``["name", 0, 0, {}]`` → Ref; None when malformed."""
    if not isinstance(entry, (list, tuple)) or len(entry) not in (3, 4):
        return None
    name, node, tensor = entry[0], entry[1], entry[2]
    if not isinstance(name, str) or isinstance(node, bool) or isinstance(tensor, bool):
        return None
    if not isinstance(node, int) or not isinstance(tensor, int) or node < 0 or tensor < 0:
        return None
    if len(entry) == 4 and not isinstance(entry[3], dict):
        return None
    return Ref(name, node, tensor)


def _keras3_tensors(value: Any, out: list, depth: int = 0) -> None:
    if depth > 20:
        raise ValueError("nested too deeply")
    if isinstance(value, dict):
        if value.get("class_name") == "__keras_tensor__":
            config = value.get("config")
            out.append(config.get("keras_history") if isinstance(config, dict) else None)
        else:
            for v in value.values():
                _keras3_tensors(v, out, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _keras3_tensors(v, out, depth + 1)


def _node(node: Any) -> tuple[list[Ref], dict] | None:
    """One inbound node in Keras-2 or Keras-3 form → (refs, call kwargs); None when malformed."""
    if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
        hist: list = []
        try:
            _keras3_tensors(node.get("args", []), hist)
        except ValueError:
            return None
        refs = [_ref(h) for h in hist]
        kwargs = node.get("kwargs") or {}
        if not isinstance(kwargs, dict) or not refs or any(r is None for r in refs):
            return None
        try:  # tensors among the kwargs (a mask, an initial state) are not followed, as the engine does
            plain = {k: v for k, v in kwargs.items() if not _has_tensor(v)}
        except ValueError:
            return None
        return refs, plain  # type: ignore[return-value]
    if not isinstance(node, (list, tuple)) or not node:
        return None
    refs = [_ref(e) for e in node]
    if any(r is None for r in refs):
        return None
    first = node[0]
    kwargs = first[3] if len(first) == 4 else {}
    return refs, dict(kwargs)  # type: ignore[return-value]


def _has_tensor(value: Any) -> bool:
    found: list = []
    _keras3_tensors(value, found)
    return bool(found)


def _io_refs(value: Any) -> list[Ref] | None:
    """``input_layers`` / ``output_layers``: a triple, a list of triples, or a dict of triples."""
    if isinstance(value, dict):
        value = list(value.values())
    if not isinstance(value, (list, tuple)):
        return None
    if value and isinstance(value[0], str):
        ref = _ref(value)
        return None if ref is None else [ref]
    refs = [_ref(v) for v in value]
    return None if any(r is None for r in refs) else refs  # type: ignore[return-value]


def _shape_from_config(config: dict) -> list | None:
    """A first Sequential layer's input shape (Keras 2: ``batch_input_shape`` / ``input_shape`` / ``input_dim``)."""
    for key in ("batch_input_shape", "batch_shape"):
        if isinstance(config.get(key), (list, tuple)):
            return list(config[key])
    if isinstance(config.get("input_shape"), (list, tuple)):
        return [config.get("batch_size")] + list(config["input_shape"])
    if isinstance(config.get("input_dim"), int) and not isinstance(config.get("input_dim"), bool):
        return [None, config["input_dim"]]
    return None


def _check_name(spec_name: Any, where: str, errors: list[Issue]) -> bool:
    if not isinstance(spec_name, str) or not spec_name.strip():
        errors.append(Issue(where, "name", f"{where} needs a non-empty string 'name'; got {quote(spec_name)}"))
        return False
    if len(spec_name) > MAX_NAME_CHARS or "/" in spec_name:
        errors.append(Issue(spec_name[:MAX_NAME_CHARS], "name",
                            f"Layer name {quote(spec_name)} must have at most {MAX_NAME_CHARS} characters "
                            f"and no '/'"))
        return False
    return True


def read_topology(doc: Any) -> Topology:
    """The document's graph; structural errors are in ``.errors`` (raises only for a non-model / too large)."""
    topo = topology_of(doc)
    class_name = topo.get("class_name")
    kind = MODEL_CLASSES.get(class_name) if isinstance(class_name, str) else None
    if kind is None:
        raise ModelDocumentError(f"the model's class_name must be Sequential, Functional or Model; "
                                 f"got {quote(class_name)}", field="class_name")
    config = topo.get("config")
    if isinstance(config, list) and kind == "sequential":  # legacy Keras 2 Sequential: a bare list
        config = {"layers": config}
    if not isinstance(config, dict):
        raise ModelDocumentError(f"the model's 'config' must be an object; got {type(config).__name__}",
                                 field="config")
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise ModelDocumentError("the model's config needs a 'layers' list", field="layers")
    if len(entries) > MAX_LAYERS:
        raise ModelDocumentError(f"the model has {len(entries)} layers; the studio accepts at most {MAX_LAYERS}",
                                 field="layers", details={"layers": len(entries), "max_layers": MAX_LAYERS})
    name = config.get("name") if isinstance(config.get("name"), str) else None
    out = Topology(kind=kind, name=name, layers=[])
    if not entries:
        out.errors.append(Issue(None, "layers", "The model has no layers: add an input and at least one layer"))
        return out
    _read_layers(entries, out)
    if kind == "functional":
        for key in ("input_layers", "output_layers"):
            value = config.get(key)
            refs = None if value is None else _io_refs(value)
            if value is not None and refs is None:
                out.errors.append(Issue(None, key, f"'{key}' must be a list of [layer name, node index, "
                                                   f"tensor index] triples; got {quote(value)}"))
            setattr(out, "inputs" if key == "input_layers" else "outputs", refs)
    elif out.input_shape is None and isinstance(config.get("build_input_shape"), (list, tuple)):
        out.input_shape = list(config["build_input_shape"])
    return out


def _explicit_name(entry: Any) -> Any:
    if not isinstance(entry, dict):
        return None
    config = entry.get("config")
    return entry.get("name", config.get("name") if isinstance(config, dict) else None)


def _read_layers(entries: list, out: Topology) -> None:
    seen: dict[str, int] = {}
    taken = {n for n in map(_explicit_name, entries) if isinstance(n, str)}
    for i, entry in enumerate(entries):
        where = f"layers[{i}]"
        if not isinstance(entry, dict):
            out.errors.append(Issue(where, None, f"{where} must be an object with 'class_name' and 'config'"))
            out.layers.append(LayerSpec(i, where, "?", {}, broken=True))
            continue
        cls = entry.get("class_name")
        config = entry.get("config", {})
        broken = not isinstance(config, dict)
        if broken:
            out.errors.append(Issue(where, "config", f"{where}: 'config' must be an object"))
        config = plain_config(cls, config) if isinstance(config, dict) else {}
        name = _explicit_name(entry)
        if name is None and out.kind == "sequential" and isinstance(cls, str):  # Keras names it: dense, dense_1
            base, k = _snake(cls), 0
            while (name := base if k == 0 else f"{base}_{k}") in taken:
                k += 1
            taken.add(name)
        if not _check_name(name, where, out.errors):
            name, broken = where, True
        config["name"] = name
        if not isinstance(cls, str) or not cls:
            out.errors.append(Issue(name, "class_name", f"Layer '{name}' needs a 'class_name' string; "
                                                        f"got {quote(cls)}"))
            cls, broken = "?", True
        spec = LayerSpec(i, name, cls, config, broken=broken)
        if name in seen:
            out.errors.append(Issue(name, "name", f"Layer name '{name}' is used twice (layers[{seen[name]}] "
                                                  f"and layers[{i}]); every layer needs its own name"))
            spec.broken = True
        else:
            seen[name] = i
        if out.kind == "functional":
            _read_nodes(entry.get("inbound_nodes", []), spec, out.errors)
        out.layers.append(spec)
    if out.kind == "sequential" and out.layers and out.layers[0].class_name != "InputLayer":
        out.input_shape = _shape_from_config(out.layers[0].config)


def _read_nodes(nodes: Any, spec: LayerSpec, errors: list[Issue]) -> None:
    if not isinstance(nodes, list):
        errors.append(Issue(spec.name, "inbound_nodes", f"Layer '{spec.name}': 'inbound_nodes' must be a list"))
        spec.broken = True
        return
    for k, node in enumerate(nodes):
        parsed = _node(node)
        if parsed is None:
            errors.append(Issue(spec.name, "inbound_nodes",
                                f"Layer '{spec.name}': inbound node {k} is malformed; expected "
                                f"[[\"layer name\", node index, tensor index, {{}}], ...]; got {quote(node)}"))
            spec.broken = True
            return
        spec.nodes.append(parsed[0])
        spec.node_kwargs.append(parsed[1])
