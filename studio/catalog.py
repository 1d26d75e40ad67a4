"""The layer catalog behind ``GET /api/layers``, generated from the engine's layer registry.

Every registered layer class (``register_layer(category)``) becomes one entry;
its fields come from introspection: the ``__init__`` signatures along the
class's ``**kwargs`` chain (names, required, type hints, defaults), the
``get_config()`` of a default instance (the value a document holds), and a
default instance built on a small input (weight names, accepted input ranks).
The only hand-written knowledge is :data:`FIELD_RULES`, keyed by *field
name* (never by layer): the editor type of names introspection cannot type
(``kernel_size`` is an ``int_list``, ``padding`` an ``enum``), candidate
values for enums (each kept only if the layer's constructor accepts it),
bounds, sample values for required arguments, and short descriptions.

The catalog is built once per process (thread-safe) and cached.
"""
from __future__ import annotations

import inspect
import logging
import math
import re
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from engine import keras
from engine.keras.saving import object_registry

log = logging.getLogger("tapestudio")

#: Palette order; categories the registry has beyond these are appended in registry order.
CATEGORY_ORDER = ("Core", "Convolution", "Pooling", "Recurrent", "Normalization", "Regularization",
                  "Merge", "Activation", "Reshaping", "Preprocessing")
#: Registry categories that are not palette items (whole models).
EXCLUDED_CATEGORIES = {"Models"}
#: Field types of the catalog (studio.md "Fixed JSON shapes").
FIELD_TYPES = ("int", "float", "bool", "string", "enum", "int_list", "shape", "activation", "initializer",
               "regularizer", "constraint", "json")

#: Constructor arguments the editor never shows: runtime objects, or engine-internal switches.
HIDDEN_FIELDS = {"autocast", "input_tensor", "weights", "quantization_config", "lora_rank", "lora_alpha",
                 "use_cudnn", "optional", "function", "mask", "arguments", "output_shape"}

#: InputLayer is presented in the Keras-2 / TF.js form the editor saves (``batch_input_shape``).
INPUT_LAYER_FIELDS = ("batch_input_shape", "dtype", "name")


@dataclass(frozen=True)
class Rule:
    """What introspection cannot know about a field *name* (applies to every layer having it)."""

    type: str | None = None                       # editor type (None: from the type hint / default)
    when_default: type | tuple | None = None      # apply only if the default is an instance of this
    when_hint: str | None = None                  # apply only if the type hint is exactly this
    choices: tuple | None = None                  # enum candidates (kept if the constructor accepts them)
    min: float | None = None
    max: float | None = None
    example: Any = None                           # a value for a required argument (sample instances)
    description: str | None = None


_SPATIAL = "an int (the same for every spatial axis) or one int per axis"
#: Per-field-name overrides; a list holds alternatives tried in order (first whose ``when_default`` fits).
FIELD_RULES: dict[str, Rule | list[Rule]] = {
    "units": Rule(min=1, example=8, description="Number of output units."),
    "filters": Rule(min=1, example=8, description="Number of output channels (convolution filters)."),
    "kernel_size": Rule("int_list", min=1, example=3, description=f"Window size: {_SPATIAL}."),
    "strides": Rule("int_list", min=1, description=f"Step of the window: {_SPATIAL}."),
    "pool_size": Rule("int_list", min=1, example=2, description=f"Pooling window: {_SPATIAL}."),
    "dilation_rate": Rule("int_list", min=1, description=f"Dilation of the kernel: {_SPATIAL}."),
    "output_padding": Rule("int_list", min=0, description="Extra size added to one side of each output axis."),
    "padding": [Rule("enum", when_default=str, choices=("valid", "same", "causal"),
                     description='"valid" (no padding) or "same" (output as large as the input / strides).'),
                Rule("int_list", min=0, description="Zeros added to each side of each spatial axis.")],
    "cropping": Rule("int_list", min=0, description="Entries removed from each side of each spatial axis."),
    "size": Rule("int_list", min=1, description="Repeat factor of each spatial axis."),
    "target_shape": Rule("int_list", min=-1, example=[-1],
                         description="Output shape without the batch axis; one entry may be -1."),
    "dims": Rule("int_list", min=1, example=[1], description="Permutation of the axes 1..n (the batch axis stays)."),
    "noise_shape": Rule("int_list", min=1, description="Shape of the dropout mask (None: the input's shape)."),
    "shared_axes": Rule("int_list", min=1, description="Axes along which alpha is shared."),
    "axes": Rule("int_list", example=1, description="Axis (or one axis per input) of the dot product."),
    "axis": [Rule("int", when_hint="int", description="The axis the layer works on (-1: the last)."),
             Rule("int_list", description="The axis (or axes) the layer works on (-1: the last).")],
    "batch_input_shape": Rule("shape", example=[None, 2],
                              description="Input shape including the batch axis, e.g. [null, 28, 28, 1]."),
    "batch_shape": Rule("shape", description="Input shape including the batch axis."),
    "shape": Rule("shape", description="Input shape without the batch axis."),
    "data_format": Rule("enum", choices=("channels_last", "channels_first"),
                        description="Position of the channels axis (default: channels_last)."),
    "interpolation": Rule("enum", choices=("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5", "area"),
                          description="How new pixels are computed."),
    "merge_mode": Rule("enum", choices=("concat", "sum", "mul", "ave"),
                       description="How the forward and backward outputs are combined (null: a list)."),
    "output_mode": Rule("enum", choices=("one_hot", "multi_hot", "count"), description="The encoding."),
    "dtype": Rule("enum", choices=("float32", "float64", "float16", "int32", "int64", "uint8", "bool"),
                  description="Data type of the layer's computations (or of the input)."),
    "layer": Rule("json", example={"class_name": "Dense", "config": {"units": 8}},
                  description='The wrapped layer: {"class_name", "config"}.'),
    "backward_layer": Rule("json", description="An explicit backward layer (default: a copy of `layer`)."),
    "cell": Rule("json", example={"class_name": "LSTMCell", "config": {"units": 8}},
                 description='The RNN cell (or a list of cells): {"class_name", "config"}.'),
    "activation": Rule("activation", example="relu", description="Activation function applied to the output."),
    "recurrent_activation": Rule("activation", description="Activation of the recurrent gates."),
    "rate": Rule(min=0.0, max=1.0, example=0.5, description="Fraction of the inputs to drop (0 to 1)."),
    "dropout": Rule(min=0.0, max=1.0, description="Dropout fraction of the inputs (0 to 1)."),
    "recurrent_dropout": Rule(min=0.0, max=1.0, description="Dropout fraction of the recurrent state (0 to 1)."),
    "stddev": Rule(min=0.0, example=0.1, description="Standard deviation of the noise."),
    "momentum": Rule(min=0.0, max=1.0, description="Momentum of the moving averages."),
    "renorm_momentum": Rule(min=0.0, max=1.0),
    "epsilon": Rule(min=0.0, description="Small constant added to the variance."),
    "input_dim": Rule(min=1, example=100, description="Size of the vocabulary (largest id + 1)."),
    "output_dim": Rule(min=1, example=16, description="Size of each embedding vector."),
    "n": Rule(min=1, example=2, description="Number of repetitions."),
    "depth_multiplier": Rule(min=1, description="Output channels per input channel."),
    "groups": Rule(min=1, description="Number of groups the channels are split into."),
    "num_tokens": Rule(min=1, example=8, description="Number of distinct ids."),
    "scale": [Rule(when_default=bool, description="Multiply by a learned gamma."),
              Rule("float", example=1.0 / 255, description="Factor the inputs are multiplied by.")],
    "offset": Rule("float", description="Value added after scaling."),
    "l1": Rule(min=0.0, description="L1 penalty factor."),
    "l2": Rule(min=0.0, description="L2 penalty factor."),
    "seed": Rule(min=0, description="Random seed (null: unseeded)."),
    "mean": Rule("json", description="Fixed mean (null: adapted from data)."),
    "variance": Rule("json", description="Fixed variance (null: adapted from data)."),
    "renorm_clipping": Rule("json"),
    "cells": Rule("json", example=[{"class_name": "LSTMCell", "config": {"units": 8}}]),
    "name": Rule(description="Unique name of the layer in the model."),
    "trainable": Rule(description="Whether the layer's weights are updated by training."),
    "use_bias": Rule(description="Whether the layer adds a bias vector."),
    "return_sequences": Rule(description="Return the whole output sequence, not only the last step."),
    "return_state": Rule(description="Also return the last state."),
}
#: The one example that depends on the class: Bidirectional wraps a recurrent layer (FIELD_RULES' is a Dense).
CLASS_EXAMPLES: dict[str, dict] = {"Bidirectional": {"layer": {"class_name": "LSTM", "config": {"units": 8}}}}

for _kind in ("initializer", "regularizer", "constraint"):
    FIELD_RULES[f"*_{_kind}"] = Rule(_kind)
FIELD_RULES["activity_regularizer"] = Rule("regularizer", description="Penalty on the layer's output.")

#: Input shapes tried (in order) to build sample instances: the ranks the layer accepts, its weights.
#: 32 channels / features so that grouped layers (GroupNormalization's default 32 groups) build.
PROBE_SHAPES = ((None, 32), (None, 6, 32), (None, 6, 6, 32), (None, 4, 4, 4, 32))


def _rule(name: str, default: Any, hint: str | None = None) -> Rule | None:
    rule = FIELD_RULES.get(name)
    if rule is None:
        for kind in ("initializer", "regularizer", "constraint"):
            if name.endswith("_" + kind):
                return FIELD_RULES[f"*_{kind}"]
        return None
    if isinstance(rule, list):
        for r in rule:
            if (r.when_default is None or isinstance(default, r.when_default)) and \
                    (r.when_hint is None or r.when_hint == hint):
                return r
        return None
    return rule


# ---------------------------------------------------------------------------------------------
# Names of activations, initializers, regularizers, constraints (from the engine's modules)
def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _names_from(module: Any, base: type | None) -> list[str]:
    """Identifiers ``module.get`` accepts, one per public class (or function)."""
    out: list[str] = []
    for attr in getattr(module, "__all__", []):
        if attr in ("get", "serialize", "deserialize"):
            continue
        obj = getattr(module, attr)
        if base is not None:
            if not (isinstance(obj, type) and issubclass(obj, base) and obj is not base):
                continue
            candidates = [_snake(attr), re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", "_", _snake(attr)), attr]
        else:
            if isinstance(obj, type) or not callable(obj):
                continue
            candidates = [attr]
        for cand in candidates:
            try:
                if module.get(cand) is not None and cand not in out:
                    out.append(cand)
                    break
            except Exception:  # noqa: BLE001 - not an identifier the engine accepts
                continue
    return out


def identifier_names() -> dict[str, list[str]]:
    """The names each object-valued field type accepts (``activation``: ``["relu", ...]`` ...)."""
    return {
        "activation": _names_from(keras.activations, None),
        "initializer": _names_from(keras.initializers, keras.initializers.Initializer),
        "regularizer": [n for n in _names_from(keras.regularizers, None) if n.islower()]
        or _names_from(keras.regularizers, keras.regularizers.Regularizer),
        "constraint": _names_from(keras.constraints, keras.constraints.Constraint),
    }


# ---------------------------------------------------------------------------------------------
# Introspection
@dataclass
class _Param:
    name: str
    annotation: str
    default: Any
    required: bool
    owner: type | None = None


def constructor_params(cls: type) -> list[_Param]:
    """The ``__init__`` parameters of ``cls`` along its ``**kwargs`` chain (subclass first, no duplicates)."""
    out: dict[str, _Param] = {}
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        for p in params.values():
            if p.name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or p.name in out:
                continue
            ann = p.annotation if isinstance(p.annotation, str) else getattr(p.annotation, "__name__", "")
            required = p.default is inspect.Parameter.empty
            out[p.name] = _Param(p.name, str(ann or ""), None if required else p.default, required, klass)
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            break
    return list(out.values())


def _plain(value: Any) -> Any:
    """A config value in the simple JSON form a document holds (tuples → lists, dtype policy → name)."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if value.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
            return (value.get("config") or {}).get("name", "float32")
        return {k: _plain(v) for k, v in value.items() if k not in ("module", "registered_name")}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None


def _type_of(param: _Param, rule: Rule | None, default: Any) -> str:
    if rule is not None and rule.type:
        return rule.type
    ann = param.annotation.replace(" ", "")
    base = {a for a in ann.split("|") if a != "None"}
    for hint, kind in (("bool", "bool"), ("int", "int"), ("float", "float"), ("str", "string")):
        if base == {hint}:
            return kind
    sample = default if default is not None else param.default
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, int):
        return "int"
    if isinstance(sample, float):
        return "float"
    if isinstance(sample, str):
        return "string"
    if isinstance(sample, (list, tuple)) and all(isinstance(v, int) for v in sample):
        return "int_list"
    return "json"


def _supplied_by_subclass(cls: type, param: _Param, kwargs: dict) -> bool:
    """A base-class argument the subclass passes itself (``rank`` of Conv2D, ``pool_mode`` of MaxPooling2D)."""
    if param.owner is cls or param.owner is keras.layers.Layer:
        return False
    if param.required:
        return True  # required by the base, but not by the subclass's own signature: the subclass supplies it
    try:
        _instantiate(cls, {**kwargs, param.name: param.default})
    except TypeError as exc:
        return "multiple values" in str(exc)
    except Exception:  # noqa: BLE001 - any other refusal: the argument is the caller's
        return False
    return False


def _sample_kwargs(cls: type, params: list[_Param]) -> dict:
    """Constructor arguments of a sample instance: every required argument from its rule's example."""
    kwargs = {}
    for p in params:
        if p.required and (p.owner is cls or p.owner is keras.layers.Layer):
            rule = _rule(p.name, None)
            if rule is None or rule.example is None:
                raise LookupError(f"no example value for required argument {cls.__name__}.{p.name}")
            kwargs[p.name] = rule.example
    if cls.__name__ == "Bidirectional":  # Bidirectional needs a recurrent layer (the example is a Dense)
        kwargs["layer"] = {"class_name": "LSTM", "config": {"units": 8}}
    return kwargs


def _instantiate(cls: type, kwargs: dict) -> Any:
    """``cls(**kwargs)`` through the engine's deserializer (sub-layer configs become layers)."""
    return keras.saving.deserialize_keras_object({"class_name": cls.__name__, "config": dict(kwargs)})


def _accepted(cls: type, base_kwargs: dict, name: str, values: tuple) -> list:
    out = []
    for value in values:
        try:
            _instantiate(cls, {**base_kwargs, name: value})
        except Exception:  # noqa: BLE001 - the constructor refuses this value
            continue
        out.append(value)
    return out


def _weight_name(layer: Any, weight: Any) -> str:
    """``kernel``, or ``forward_lstm/lstm_cell/kernel`` for a sub-layer's (no unique-name counters)."""
    prefix = layer.name + "/"
    path = weight.path[len(prefix):] if weight.path.startswith(prefix) else weight.name
    return "/".join(re.sub(r"_\d+$", "", part) for part in path.split("/"))


def _probe_call(layer_factory: Callable[[], Any], n_inputs: int, shape: tuple) -> Any:
    layer = layer_factory()
    inputs = [keras.Input(batch_shape=shape) for _ in range(n_inputs)]
    layer(inputs if n_inputs > 1 else inputs[0])
    return layer


def _probe(cls: type, kwargs: dict, category: str) -> dict:
    """Build sample instances: accepted input ranks, input count bounds, weight names."""
    factory = lambda: _instantiate(cls, kwargs)  # noqa: E731
    if cls.__name__ == "InputLayer":
        return {"input_ranks": [], "min_inputs": 0, "max_inputs": 0, "weights": []}
    counts = (1, 2, 3) if category == "Merge" else (1,)
    ranks: list[int] = []
    accepted_counts: list[int] = []
    weights: list[str] | None = None
    for shape in PROBE_SHAPES:
        for n in counts:
            try:
                layer = _probe_call(factory, n, shape)
            except Exception:  # noqa: BLE001 - this rank / input count is refused
                continue
            if len(shape) not in ranks:
                ranks.append(len(shape))
            if n not in accepted_counts:
                accepted_counts.append(n)
            if weights is None:
                weights = [_weight_name(layer, w) for w in layer.weights]
    min_inputs = min(accepted_counts) if accepted_counts else 1
    max_inputs = None if 3 in accepted_counts else (max(accepted_counts) if accepted_counts else 1)
    if category == "Recurrent" and max_inputs is not None:
        max_inputs += _state_count(factory)  # initial states arrive as extra inputs (Keras 2 / TF.js form)
    return {"input_ranks": ranks, "min_inputs": min_inputs, "max_inputs": max_inputs, "weights": weights or []}


def _state_count(factory: Callable[[], Any]) -> int:
    """How many initial-state tensors a recurrent layer takes (0 for wrappers without a cell)."""
    try:
        layer = factory()
    except Exception:  # noqa: BLE001
        return 0
    wrapped = getattr(layer, "forward_layer", None)
    cell = getattr(wrapped or layer, "cell", None)
    if cell is None:
        return 0
    size = getattr(cell, "state_size", None)
    count = len(size) if isinstance(size, (list, tuple)) else 1
    return 2 * count if wrapped is not None else count


def _description(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ").strip()
    return first.replace("``", "`")


def _field(param: _Param, config_default: Any, cls: type, base_kwargs: dict) -> dict:
    rule = _rule(param.name, param.default, param.annotation)
    # the value a document holds is the config's, except instance-specific ones (the auto name, sub-layers)
    instance_specific = param.name == "name" or (param.default is None and isinstance(config_default, dict))
    value = param.default if instance_specific or config_default is None else config_default
    default = None if param.required else _plain(value)
    if default is not None and isinstance(param.default, str) and isinstance(config_default, dict):
        default = param.default  # an initializer given by name stays a name
    kind = _type_of(param, rule, default)
    if kind in ("initializer", "regularizer", "constraint") and isinstance(default, dict):
        default = _plain(param.default) if isinstance(param.default, str) else default
    nullable = (not param.required and param.default is None) or "None" in param.annotation.split("|")[-1:] \
        or "None" in param.annotation
    out: dict[str, Any] = {"name": param.name, "type": kind, "default": default, "required": param.required,
                           "nullable": bool(nullable) and not param.required}
    if kind == "enum":
        candidates = tuple(rule.choices or ()) if rule else ()
        if default is not None and default not in candidates:
            candidates = (default,) + candidates
        out["choices"] = _accepted(cls, base_kwargs, param.name, candidates)
    if rule is not None:
        if rule.min is not None:
            out["min"] = rule.min
        if rule.max is not None:
            out["max"] = rule.max
        if rule.description:
            out["description"] = rule.description
    if param.required and param.name in base_kwargs:
        out["example"] = base_kwargs[param.name]  # what the sample instance was built with
    return out


def _input_layer_fields(cls: type) -> list[dict]:
    params = {p.name: p for p in constructor_params(cls)}
    fields = [{"name": "batch_input_shape", "type": "shape", "default": None, "required": True, "nullable": False,
               "description": FIELD_RULES["batch_input_shape"].description,  # type: ignore[union-attr]
               "example": [None, 2]}]
    for name in INPUT_LAYER_FIELDS[1:]:  # dtype: the default the engine gives an input ("float32")
        p = params[name]
        default = keras.backend.floatx() if name == "dtype" else p.default
        fields.append(_field(_Param(p.name, p.annotation, default, False), default, cls, {"shape": (2,)}))
    return fields


def _is_editor_layer(name: str, cls: type, category: str) -> bool:
    """Palette items: no whole models, no RNN cells (they run inside RNN), no Lambda (a Python function)."""
    if category in EXCLUDED_CATEGORIES:
        return False
    if hasattr(cls, "state_size") or name.endswith(("Cell", "Cells")):
        return False
    return "function" not in {p.name for p in constructor_params(cls) if p.required}


def layer_entry(name: str) -> dict:
    """Introspect one registered layer class into its catalog entry."""
    cls = object_registry.LAYERS[name]
    category = object_registry.LAYER_CATEGORY[name]
    params = [p for p in constructor_params(cls) if p.name not in HIDDEN_FIELDS]
    entry: dict[str, Any] = {"class_name": name, "category": category, "description": _description(cls)}
    if name == "InputLayer":
        entry["fields"] = _input_layer_fields(cls)
        entry.update(_probe(cls, {}, category))
        return entry
    kwargs = _sample_kwargs(cls, params)
    params = [p for p in params if not _supplied_by_subclass(cls, p, kwargs)]
    sample = None
    while sample is None:
        try:
            sample = _instantiate(cls, kwargs)
        except ValueError as exc:  # an optional-looking argument the constructor demands (num_tokens)
            demanded = [p for p in params if p.name not in kwargs and re.search(rf"\b{p.name}\b", str(exc))
                        and (_rule(p.name, p.default) or Rule()).example is not None]
            if not demanded:
                raise
            for p in demanded:
                p.required = True
                kwargs[p.name] = _rule(p.name, p.default).example  # type: ignore[union-attr]
    config = sample.get_config()
    entry["fields"] = [_field(p, config.get(p.name), cls, kwargs) for p in params]
    entry.update(_probe(cls, kwargs, category))
    return entry


# ---------------------------------------------------------------------------------------------
# The cached catalog
@dataclass
class Catalog:
    """The whole catalog (the JSON of ``GET /api/layers``) with lookups for validation."""

    categories: list[str]
    layers: list[dict]
    identifiers: dict[str, list[str]]
    by_name: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_name = {entry["class_name"]: entry for entry in self.layers}

    def as_json(self) -> dict:
        """``{"categories", "layers"}``."""
        return {"categories": self.categories, "layers": self.layers}

    def entry(self, class_name: str) -> dict | None:
        """One layer's entry, or None."""
        return self.by_name.get(class_name)

    def fields(self, class_name: str) -> dict[str, dict]:
        """The layer's fields by name (empty for classes outside the palette)."""
        entry = self.by_name.get(class_name)
        return {f["name"]: f for f in entry["fields"]} if entry else {}


_MODULES = {"activation": keras.activations, "initializer": keras.initializers,
            "regularizer": keras.regularizers, "constraint": keras.constraints}


def _canonical_name(kind: str, alias: str, names: list[str]) -> str:
    """The listed name the engine resolves ``alias`` to the same thing as ("uniform" → "random_uniform")."""
    get = _MODULES[kind].get
    target = get(alias)
    for name in names:
        other = get(name)  # a function (activations) or a fresh instance (initializers, ...)
        if other is target or (kind != "activation" and type(other) is type(target)):
            return name
    return alias


def _build_catalog() -> Catalog:
    names = [n for n, cls in object_registry.LAYERS.items()
             if _is_editor_layer(n, cls, object_registry.LAYER_CATEGORY[n])]
    categories = [c for c in CATEGORY_ORDER if any(object_registry.LAYER_CATEGORY[n] == c for n in names)]
    for n in names:
        if object_registry.LAYER_CATEGORY[n] not in categories:
            categories.append(object_registry.LAYER_CATEGORY[n])
    order = {c: i for i, c in enumerate(categories)}
    names.sort(key=lambda n: order[object_registry.LAYER_CATEGORY[n]])  # stable: registry order inside
    identifiers = identifier_names()
    layers = []
    for n in names:
        try:
            layers.append(layer_entry(n))
        except Exception:  # noqa: BLE001 - one layer the introspection cannot handle must not sink the rest
            log.exception("layer %s left out of the catalog: it cannot be introspected", n)
    categories = [c for c in categories if any(e["category"] == c for e in layers)]
    for entry in layers:  # the object-valued types list the names the engine accepts
        for f in entry["fields"]:
            if f["type"] in identifiers:
                f["choices"] = list(identifiers[f["type"]])
                if isinstance(f["default"], str) and f["default"] not in f["choices"]:
                    f["default"] = _canonical_name(f["type"], f["default"], f["choices"])
    return Catalog(categories=categories, layers=layers, identifiers=identifiers)


_lock = threading.Lock()
_cached: Catalog | None = None


def engine_lock() -> Any:
    """The studio's process-wide engine lock (engine state is global: see ``studio.runs.engine_lock``)."""
    from .runs.engine_lock import ENGINE_LOCK  # noqa: PLC0415 - studio.runs imports the model document code

    return ENGINE_LOCK


def get_catalog() -> Catalog:
    """The process's catalog (built on first use, under the engine lock: it builds sample layers)."""
    global _cached  # noqa: PLW0603 - a per-process cache of a pure function of the engine
    if _cached is not None:
        return _cached
    with engine_lock(), _lock:  # always in this order (validation holds the engine lock, then asks here)
        if _cached is None:
            _cached = _build_catalog()
        return _cached


def layer_catalog() -> dict:
    """The JSON of ``GET /api/layers``."""
    return get_catalog().as_json()
