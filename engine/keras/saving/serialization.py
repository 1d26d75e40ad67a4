"""Model configs and JSON: Keras 3 ``get_config`` form, Keras 2 / TF.js ``to_json`` form, and import of both.

Export follows ``specs/formats.md`` §1.8 (Keras-2-style envelope ``{class_name, config}``,
explicit ``InputLayer`` with ``batch_input_shape``, ``dtype: "float32"``,
``inbound_nodes`` as ``[[name, node, tensor, kwargs]]`` lists).  Import
normalizes Keras 3 JSON to that form first (§2.3 steps 1–4), so one builder
serves Keras 2, Keras 3 and TF.js topologies.
"""
from __future__ import annotations

import json
from typing import Any

from ...framework import nest
from .object_registry import get_layer_class

KERAS2_VERSION = "2.15.0"


# ---------------------------------------------------------------------------
# Generic object (de)serialization
def serialize_keras_object(obj: Any) -> Any:
    """Keras 3 envelope for a layer / initializer / etc."""
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        module = _module_of(obj)
        cfg = {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(),
               "registered_name": "Functional" if module.endswith("functional") else None}
        build = getattr(obj, "get_build_config", None)
        if build is not None:
            bc = build()
            if bc is not None:
                cfg["build_config"] = bc
        return cfg
    if callable(obj):
        return getattr(obj, "__name__", str(obj))
    return obj


def _module_of(obj: Any) -> str:
    from ..layers.layer import Layer
    from ..models.model import Model
    from ..models.sequential import Sequential
    if isinstance(obj, Sequential):
        return "keras"
    if isinstance(obj, Model):
        return "keras.src.models.functional"
    if isinstance(obj, Layer):
        return "keras.layers"
    return "keras"


def deserialize_keras_object(config: Any, custom_objects: dict | None = None) -> Any:
    """Build a layer (or model) from a Keras 2 or Keras 3 envelope."""
    if config is None:
        return None
    cfg = normalize_config(config)
    cls = get_layer_class(cfg["class_name"], custom_objects)
    inner = dict(cfg.get("config") or {})
    import inspect
    if "custom_objects" in inspect.signature(cls.from_config).parameters:
        obj = cls.from_config(inner, custom_objects=custom_objects)
    else:
        obj = cls.from_config(inner)
    build = config.get("build_config") if isinstance(config, dict) else None
    if build and hasattr(obj, "build_from_config"):
        obj.build_from_config(build)
    return obj


# ---------------------------------------------------------------------------
# Keras 3 → Keras 2 normalization (used for both export and import)
def _is_envelope(d: Any) -> bool:
    return isinstance(d, dict) and "class_name" in d and ("config" in d or "module" in d)


def normalize_value(v: Any, key: str = "") -> Any:
    """Recursively: drop Keras 3 envelope keys, DTypePolicy → its name, keep Keras-2 shape."""
    if isinstance(v, dict):
        if v.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and isinstance(v.get("config"), dict):
            return v["config"].get("name", "float32")
        if v.get("class_name") == "__tuple__":
            return [normalize_value(x) for x in v.get("config", {}).get("value", [])]
        if _is_envelope(v):
            out = {"class_name": v["class_name"], "config": normalize_value(v.get("config") or {})}
            for k in ("name", "inbound_nodes"):
                if k in v:
                    out[k] = v[k]
            return out
        return {k: normalize_value(x, k) for k, x in v.items()
                if k not in ("module", "registered_name", "build_config", "compile_config", "shared_object_id")}
    if isinstance(v, (list, tuple)):
        return [normalize_value(x) for x in v]
    return v


def normalize_config(config: Any) -> dict:
    """A Keras 2, Keras 3 or TF.js object config in Keras 2 form (class_name, config[, name, inbound_nodes])."""
    if isinstance(config, str):
        config = json.loads(config)
    if "model_config" in config and isinstance(config["model_config"], dict):
        config = config["model_config"]
    raw = config.get("config") or {}
    if isinstance(raw, list):  # legacy Sequential: a bare list of layers
        raw = {"layers": raw}
    out = {"class_name": config["class_name"], "config": normalize_value(raw)}
    if "name" in config:
        out["name"] = config["name"]
    if "inbound_nodes" in config:
        out["inbound_nodes"] = _normalize_nodes(config["inbound_nodes"])
    inner = out["config"]
    if isinstance(inner, dict):
        if out["class_name"] == "InputLayer" and "batch_shape" in inner:
            inner["batch_input_shape"] = inner.pop("batch_shape")
        if isinstance(inner.get("layers"), list):
            inner["layers"] = [normalize_config(l) for l in inner["layers"]]
        if isinstance(inner.get("layer"), dict):
            inner["layer"] = normalize_config(inner["layer"])
        if isinstance(inner.get("backward_layer"), dict):
            inner["backward_layer"] = normalize_config(inner["backward_layer"])
    return out


def _normalize_nodes(nodes: Any) -> list:
    out = []
    for node in nodes or []:
        if isinstance(node, dict):  # Keras 3: {"args": [...], "kwargs": {...}}
            entries = [[*t["config"]["keras_history"], {}] for t in _iter_tensors(node.get("args", []))]
            kwargs, states = {}, []
            for k, v in (node.get("kwargs") or {}).items():
                if k == "initial_state" and _has_tensor(v):
                    # Keras 2 / TF.js: an RNN's symbolic initial states are extra inputs of its node
                    # (``layer([x, *states])``; tfjs's ``standardizeArgs`` splits them off again)
                    states = [[*t["config"]["keras_history"], {}] for t in _iter_tensors(v)]
                else:  # Keras 2 writes any other symbolic kwarg as ``[layer, node, tensor]`` references
                    kwargs[k] = _tensor_refs(v)
            if entries and kwargs:
                entries[0][3] = kwargs
                for e in states:
                    e[3] = dict(kwargs)
            out.append(entries + states)
        else:
            out.append([list(e) + ([{}] if len(e) == 3 else []) for e in node])
    return out


def _iter_tensors(v: Any):
    if isinstance(v, dict):
        if v.get("class_name") == "__keras_tensor__":
            yield v
        else:
            for x in v.values():
                yield from _iter_tensors(x)
    elif isinstance(v, (list, tuple)):
        for x in v:
            yield from _iter_tensors(x)


def _has_tensor(v: Any) -> bool:
    return any(True for _ in _iter_tensors(v))


def _tensor_refs(v: Any) -> Any:
    """Keras 3 ``__keras_tensor__`` entries in a kwarg value → Keras 2 ``[layer, node, tensor]`` lists."""
    if isinstance(v, dict):
        if v.get("class_name") == "__keras_tensor__":
            return list(v["config"]["keras_history"])
        return {k: _tensor_refs(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_tensor_refs(x) for x in v]
    return v


def _resolve_refs(v: Any, tensors: dict, layer_names: set) -> Any:
    """Keras 2 ``[layer, node, tensor]`` references in kwargs → the tensors (KeyError: not made yet)."""
    if (isinstance(v, (list, tuple)) and len(v) == 3 and isinstance(v[0], str) and v[0] in layer_names
            and all(isinstance(i, int) and not isinstance(i, bool) for i in v[1:])):
        return tensors[(v[0], v[1], v[2])]
    if isinstance(v, dict):
        return {k: _resolve_refs(x, tensors, layer_names) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_resolve_refs(x, tensors, layer_names) for x in v]
    return v


# ---------------------------------------------------------------------------
# Functional / Sequential configs (Keras 3 form, as ``get_config`` returns)
def _model_nodes(model: Any) -> tuple:
    """Per layer, the node indices that belong to this model → their model-local index."""
    relevant = {id(n) for n in model._run_nodes}
    for t in model.inputs:
        layer, ni, _ = t._keras_history
        relevant.add(id(layer._inbound_nodes[ni]))
    conversion: dict = {}
    for layer in model.layers:
        k = 0
        for i, node in enumerate(layer._inbound_nodes):
            if id(node) in relevant:
                conversion[(id(layer), i)] = k
                k += 1
    return relevant, conversion


def _history(t: Any, conversion: dict) -> list:
    layer, ni, ti = t._keras_history
    return [layer.name, conversion.get((id(layer), ni), ni), ti]


def functional_config(model: Any) -> dict:
    relevant, conversion = _model_nodes(model)

    def tensor(t: Any) -> Any:   # KerasTensors in a node's args and kwargs (e.g. initial_state)
        if not hasattr(t, "_keras_history"):
            return t
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(t.shape), "dtype": t.dtype.name, "keras_history": _history(t, conversion)}}

    layers = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        nodes = []
        for node in layer._inbound_nodes:
            if id(node) not in relevant or node.is_input:
                continue
            nodes.append({"args": nest.map_structure(tensor, [node._input_structure]),
                          "kwargs": nest.map_structure(tensor, dict(node.call_kwargs))})
        entry["inbound_nodes"] = nodes
        layers.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layers,
            "input_layers": _io(model._inputs_struct, conversion),
            "output_layers": _io(model._outputs_struct, conversion)}


def _io(struct: Any, conversion: dict) -> Any:
    flat = [_history(t, conversion) for t in nest.flatten(struct)]
    if isinstance(struct, (list, tuple)):
        return flat
    return flat[0] if len(flat) == 1 else flat


def sequential_config(model: Any) -> dict:
    layers = []
    if model._input_layer is not None:
        layers.append(serialize_keras_object(model._input_layer))
    layers.extend(serialize_keras_object(l) for l in model.layers)
    cfg = {"name": model.name, "trainable": model.trainable, "dtype": model.dtype_policy, "layers": layers}
    if model._input_layer is not None:
        cfg["build_input_shape"] = list(model._input_layer.batch_shape)
    return cfg


# ---------------------------------------------------------------------------
# Builders from (normalized, Keras 2 form) configs
def sequential_from_config(cls: type, config: Any, custom_objects: dict | None = None) -> Any:
    if isinstance(config, list):
        config = {"layers": config}
    norm = normalize_config({"class_name": "Sequential", "config": config})["config"]
    model = cls(name=norm.get("name"), trainable=norm.get("trainable", True))
    for lc in norm["layers"]:
        model.add(deserialize_keras_object(lc, custom_objects), rebuild=False)
    if model._input_layer is None and norm.get("build_input_shape"):
        from ..layers.input_layer import InputLayer
        model._input_layer = InputLayer(batch_shape=tuple(norm["build_input_shape"]))
    model._maybe_rebuild()
    return model


def functional_from_config(cls: type, config: Any, custom_objects: dict | None = None) -> Any:
    norm = normalize_config({"class_name": "Functional", "config": config})["config"]
    _keras2_nested_node_indices(norm)
    created: dict = {}
    order: list = []
    for lc in norm["layers"]:
        name = lc.get("name") or lc["config"].get("name")
        created[name] = deserialize_keras_object(lc, custom_objects)
        order.append((name, lc.get("inbound_nodes") or []))
    tensors: dict = {}
    for name, layer in created.items():
        if type(layer).__name__ == "InputLayer":
            tensors[(name, 0, 0)] = layer.output_tensor
    pending = {name: list(nodes) for name, nodes in order}
    done_count = {name: 0 for name, _ in order}
    progress = True
    while progress and any(pending.values()):
        progress = False
        for name, _ in order:
            while pending[name]:
                node = pending[name][0]
                keys = [(e[0], int(e[1]), int(e[2])) for e in node]
                if not all(k in tensors for k in keys):
                    break
                inputs = [tensors[k] for k in keys]
                kwargs = node[0][3] if node and len(node[0]) > 3 and isinstance(node[0][3], dict) else {}
                try:
                    kwargs = _resolve_refs(kwargs, tensors, set(created))
                except KeyError:   # a tensor the kwargs refer to is not built yet
                    break
                out = created[name](inputs if len(inputs) > 1 else inputs[0], **kwargs)
                for ti, t in enumerate(nest.flatten(out)):
                    tensors[(name, done_count[name], ti)] = t
                done_count[name] += 1
                pending[name].pop(0)
                progress = True
    stuck = [n for n, p in pending.items() if p]
    if stuck:
        missing = sorted({e[0] for n in stuck for node in pending[n] for e in node if e[0] not in created})
        hint = f" Unknown inbound layer(s): {missing}." if missing else " The graph may contain a cycle."
        raise ValueError(f"Could not connect layer(s) {stuck}.{hint}")

    def lookup(spec: Any) -> Any:
        if spec and isinstance(spec[0], (list, tuple)):
            return [lookup(s) for s in spec]
        key = (spec[0], int(spec[1]), int(spec[2]))
        if key not in tensors:
            raise ValueError(f"Model input/output refers to unknown tensor {list(key)}")
        return tensors[key]

    inputs = lookup(norm["input_layers"])
    outputs = lookup(norm["output_layers"])
    from ..models.model import Functional, Model
    target = cls if (isinstance(cls, type) and issubclass(cls, Model)) else Functional
    if target is Model:
        target = Functional
    return target(inputs, outputs, name=norm.get("name"))


def _keras2_nested_node_indices(norm: dict) -> None:
    """Keras 2 / TF.js count a nested model's construction as its node 0 (its first call is node 1);
    Keras 3 and the engine do not.  When every reference to a nested model is >= 1, renumber (in place)."""
    nested = {lc.get("name") or lc["config"].get("name") for lc in norm.get("layers", [])
              if lc.get("class_name") in ("Sequential", "Functional", "Model")}
    if not nested:
        return
    refs = [e for lc in norm["layers"] for node in lc.get("inbound_nodes") or [] for e in node
            if isinstance(e, list) and e and e[0] in nested]
    outs = norm.get("output_layers") or []
    refs += [r for r in (outs if outs and isinstance(outs[0], (list, tuple)) else [outs])
             if isinstance(r, list) and r and r[0] in nested]
    if refs and all(int(r[1]) >= 1 for r in refs):
        for r in refs:
            r[1] = int(r[1]) - 1


# ---------------------------------------------------------------------------
# JSON
def to_keras2(config: dict) -> dict:
    """Keras 3 object config → the Keras 2 / TF.js envelope."""
    out = normalize_config(config)
    inner = out["config"]
    if out["class_name"] in ("Sequential", "Functional", "Model"):
        for lc in inner.get("layers", []):
            _keras2_layer(lc)
        for key in ("input_layers", "output_layers"):  # Keras 2 / TF.js: always a list of triples
            spec = inner.get(key)
            if isinstance(spec, list) and spec and not isinstance(spec[0], list):
                inner[key] = [spec]
        inner.pop("build_input_shape", None)
        if out["class_name"] == "Sequential":
            inner.pop("dtype", None)
    else:
        _keras2_layer(out)
    return out


def _keras2_layer(lc: dict) -> None:
    cfg = lc["config"]
    if lc["class_name"] == "InputLayer":
        cfg.pop("optional", None)
        cfg.setdefault("dtype", "float32")
        cfg.setdefault("sparse", False)
        cfg.setdefault("ragged", False)
    elif "dtype" in cfg and not isinstance(cfg["dtype"], str):
        cfg["dtype"] = "float32"


def model_to_json(model: Any, **kwargs: Any) -> str:
    """Keras-2 / TF.js ``model.json`` topology for the model."""
    from ..models.sequential import Sequential
    cls_name = "Sequential" if isinstance(model, Sequential) else "Functional"
    topo = to_keras2({"class_name": cls_name, "config": model.get_config()})
    topo["keras_version"] = KERAS2_VERSION
    topo["backend"] = "tensorflow"
    return json.dumps(topo, **kwargs)


def model_from_json(json_string: str, custom_objects: dict | None = None) -> Any:
    """Build a model from Keras 2, Keras 3 or TF.js JSON (``model.json`` topology or whole file)."""
    try:
        data = json.loads(json_string) if isinstance(json_string, (str, bytes)) else json_string
    except json.JSONDecodeError as e:
        raise ValueError(f"model JSON is not valid JSON: {e}") from None
    if not isinstance(data, dict):
        raise ValueError("model JSON must be an object with 'class_name' and 'config'")
    if "modelTopology" in data:
        data = data["modelTopology"]
    if "model_config" in data:
        data = data["model_config"]
    if "class_name" not in data:
        raise ValueError("model JSON has no 'class_name' (expected a Keras model config)")
    return deserialize_keras_object(data, custom_objects)
