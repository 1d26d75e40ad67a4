"""``format="python"``: a readable script that rebuilds the model in real Keras 3 and loads its weights.

The export directory holds

- ``model.py``: ``import keras``; a ``build_model()`` that rebuilds the
  architecture (``keras.Sequential([...])`` or Functional ``keras.Input`` +
  layer calls, nested models as helper functions, shared layers created once
  and called several times), every layer under its own name and with only the
  config arguments that differ from the class defaults; then it loads
  ``model.weights.h5``.  ``python model.py`` builds, loads and prints
  ``model.summary()``.
- ``model.weights.h5``: the weights in Keras 3's ``.weights.h5`` layout
  (formats.md §2.1: ``layers/<name>/vars/<i>``), which real Keras's
  ``model.load_weights`` reads strictly (a missing or mis-shaped variable is an
  error, not a silent skip).

:func:`model_to_python` gives the same code without the weights part (the
studio's "code view").  :func:`reference_predict` imports the generated script
under real Keras and predicts, for the parity report.
"""
from __future__ import annotations

import builtins
import importlib.util
import inspect
import json
import keyword
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ExportError, unsupported_layer

RUNTIME = "keras"
FORMAT = "python"
SCRIPT = "model.py"
WEIGHTS = "model.weights.h5"
LINE_LENGTH = 99

# Layer class name (engine == Keras 3) → the constructor in real Keras: every layer class the engine
# has.  Adding a layer to the python format is one entry here (configs are rendered generically,
# non-default arguments only; _CONFIG_HOOKS holds per-class simplifications) plus a use in
# tests/export/zoo.py, which the tests check.  Lambda is absent on purpose: its Python function
# cannot be written back as code.
LAYERS: dict[str, str] = {name: f"keras.layers.{name}" for name in (
    # core
    "Dense", "Activation", "Embedding", "Identity", "Masking",
    # activations
    "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
    # convolution
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
    # pooling
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    # normalization
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
    "RMSNormalization",
    # regularization (identities at inference)
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "GaussianDropout", "GaussianNoise", "AlphaDropout",
    "ActivityRegularization",
    # reshaping
    "Flatten", "Reshape", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "UpSampling1D",
    "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D",
    # merging
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot",
    # preprocessing
    "Rescaling", "Normalization", "CategoryEncoding",
    # recurrent
    "SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional", "TimeDistributed",
    "SimpleRNNCell", "LSTMCell", "GRUCell", "StackedRNNCells",
)}

# Config keys never written as constructor arguments (the model's keras.Input carries the shape).
_SKIP_KEYS = {"batch_input_shape", "input_shape"}
# Envelope modules rendered as ``keras.<module>.<Class>(...)``.
_OBJECT_MODULES = {"keras.initializers": "initializers", "keras.regularizers": "regularizers",
                   "keras.constraints": "constraints"}
_RESERVED = set(keyword.kwlist) | set(dir(builtins)) | {"keras", "os", "model", "WEIGHTS_FILE", "weights_file",
                                                         "build_model"}


# ---------------------------------------------------------------------------
# Public API
def write(model: Any, out_dir: Path, **options: Any) -> None:
    """Write ``model.py`` and ``model.weights.h5`` into ``out_dir``."""
    if options:
        raise TypeError(f"format {FORMAT!r} takes no options; got {sorted(options)}")
    code = _generate(model, weights_file=WEIGHTS)  # first: an unsupported layer raises before any file
    out = Path(out_dir)
    write_weights(model, out / WEIGHTS)
    (out / SCRIPT).write_text(code, encoding="utf-8")


def write_weights(model: Any, path: Path | str) -> None:
    """The model's weights in the ``.weights.h5`` layout of ``weights_io.save_weights``, without optimizer state
    (the script builds an uncompiled model)."""
    import h5py
    from ..keras.saving.weights_io import collect
    with h5py.File(str(path), "w") as f:
        for key, a in collect(model).items():
            if not key.startswith("optimizer/"):
                f.create_dataset(key, data=a)
        f.create_group("vars").attrs["name"] = model.name


def model_to_python(model: Any) -> str:
    """Keras 3 code that rebuilds ``model``'s architecture (no weights), as a module with ``build_model()``."""
    return _generate(model, weights_file=None)


def reference_predict(out_dir: Path, inputs: list) -> Any:
    """Import the generated ``model.py`` under real Keras, ``build_model()``, predict.

    Returns ``(runtime, [outputs])``, or None when ``keras`` is not importable.
    """
    try:
        import keras
    except ImportError:
        return None
    module = load_script(Path(out_dir) / SCRIPT)
    m = module.build_model()
    y = m(inputs if len(inputs) > 1 else inputs[0], training=False)
    ys = y if isinstance(y, (list, tuple)) else list(y.values()) if isinstance(y, dict) else [y]
    runtime = f"keras {keras.__version__} ({keras.backend.backend()})"
    return runtime, [np.asarray(keras.ops.convert_to_numpy(v)) for v in ys]


def load_script(path: Path | str) -> Any:
    """Import a generated script as a fresh module (not left in ``sys.modules``)."""
    name = f"_tapestudio_python_export_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(name, str(path))
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


# ---------------------------------------------------------------------------
# Literals and config rendering
def _ident(name: str, used: set) -> str:
    """A fresh Python identifier derived from a layer/model name."""
    base = re.sub(r"\W", "_", str(name)) or "x"
    if base[0].isdigit():
        base = f"l_{base}"
    if base in _RESERVED:
        base = f"{base}_"
    cand, k = base, 0
    while cand in used or cand in _RESERVED:
        k += 1
        cand = f"{base}_{k}"
    used.add(cand)
    return cand


def _canon(v: Any) -> Any:
    """A JSON-like canonical form for comparing configs (tuples → lists, numpy → Python)."""
    if isinstance(v, dict):
        return {str(k): _canon(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_canon(x) for x in v]
    if isinstance(v, np.ndarray):
        return _canon(v.tolist())
    if isinstance(v, np.generic):
        return v.item()
    return v


def _float(v: Any) -> str:
    if isinstance(v, np.float32):
        text = str(v)  # numpy's shortest repr that round-trips in float32
    else:
        text = repr(float(v))
    if text in ("inf", "-inf", "nan"):
        return f'float("{text}")'
    return text


def _literal(v: Any, ctx: "_Context") -> str:
    """Python source for a config value (envelopes become constructor calls)."""
    if v is None:
        return "None"
    if isinstance(v, (bool, np.bool_)):
        return repr(bool(v))
    if isinstance(v, (int, np.integer)):
        return repr(int(v))
    if isinstance(v, (float, np.floating)):
        return _float(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, np.ndarray):
        return _literal(v.tolist(), ctx)
    if isinstance(v, tuple):
        items = [_literal(x, ctx) for x in v]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(v, list):
        items = [_literal(x, ctx.deeper(1)) for x in v]
        one = "[" + ", ".join(items) + "]"
        if ctx.fits(one):
            return one
        return "[\n" + "".join(f"    {_place(it, '    ')},\n" for it in items) + "]"
    if isinstance(v, dict):
        if "class_name" in v and ("config" in v or "module" in v):
            return _envelope(v, ctx)
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_literal(x, ctx)}" for k, x in v.items()) + "}"
    if callable(v) and getattr(v, "__name__", None):
        return json.dumps(v.__name__)
    raise ExportError(f"Layer '{ctx.layer_name}' has a config value {v!r} that cannot be written as Python "
                      f"for format {FORMAT!r}.", layer=ctx.layer_name, format=FORMAT)


def _envelope(v: dict, ctx: "_Context") -> str:
    cls, module, cfg = v["class_name"], v.get("module") or "", v.get("config")
    if cls in ("DTypePolicy", "FloatDTypePolicy") and isinstance(cfg, dict):
        return json.dumps(cfg.get("name", "float32"))
    if cls == "__tuple__" and isinstance(cfg, dict):
        return _literal(tuple(cfg.get("value", [])), ctx)
    if cls in LAYERS and isinstance(cfg, dict):
        return _layer_ctor(cls, cfg, ctx)
    if module.startswith(("keras.layers", "keras.src.models")) or cls in ("Sequential", "Functional", "Model"):
        raise ExportError(f"Layer '{ctx.layer_name}' cannot be exported to {FORMAT}: it wraps a {cls}, which has no "
                          f"built-in Keras class the python format can write.", layer=ctx.layer_name, format=FORMAT)
    short = _OBJECT_MODULES.get(module)
    if short is not None and isinstance(cfg, dict):
        defaults = _object_defaults(short, cls)
        kwargs = [(k, _literal(x, ctx.deeper(len(k) + 2))) for k, x in cfg.items()
                  if not (k in defaults and _canon(x) == defaults[k]) and not (k == "seed" and x is None)]
        return _call(f"keras.{short}.{cls}", kwargs, ctx)
    # Anything else: the Keras 3 envelope itself, which Keras's deserializers accept.
    return "{" + ", ".join(f"{json.dumps(k)}: {_literal(x, ctx)}" for k, x in v.items()) + "}"


def _call(func: str, kwargs: list, ctx: "_Context") -> str:
    """``func(k=v, ...)`` on one line if it fits where ``ctx`` says it goes, else one argument per line.

    The result's continuation lines are indented relative to column 0; :func:`_place` shifts them.
    """
    one = f"{func}(" + ", ".join(f"{k}={v}" if k else v for k, v in kwargs) + ")"
    if ctx.fits(one):
        return one
    body = "".join(f"    {k + '=' if k else ''}{_place(v, '    ')},\n" for k, v in kwargs)
    return f"{func}(\n{body})"


def _place(code: str, indent: str) -> str:
    """Indent the continuation lines of ``code`` (its first line is placed by the caller)."""
    lines = code.split("\n")
    return "\n".join([lines[0]] + [indent + l if l else l for l in lines[1:]])


class _Context:
    """Where a value is being rendered: the layer (for error messages), the indentation of its
    line and how many other characters share that line (``x = `` before it, ``)`` after it)."""

    def __init__(self, layer_name: str, indent: str = "", extra: int = 0) -> None:
        self.layer_name = layer_name
        self.indent = indent
        self.extra = extra

    def deeper(self, extra: int = 0) -> "_Context":
        """The position of an argument of a call split one argument per line."""
        return _Context(self.layer_name, self.indent + "    ", extra)

    def fits(self, one_line: str) -> bool:
        return "\n" not in one_line and len(self.indent) + self.extra + len(one_line) <= LINE_LENGTH


_DEFAULTS: dict = {}


def _object_defaults(module: str, class_name: str) -> dict:
    """The config of an engine initializer/regularizer/constraint built with no arguments ({} if it needs some)."""
    key = (module, class_name)
    if key not in _DEFAULTS:
        try:
            mod = importlib.import_module(f"..keras.{module}", __package__)
            _DEFAULTS[key] = _canon(mod.deserialize({"class_name": class_name, "config": {}}).get_config())
        except Exception:  # noqa: BLE001 - then every argument is written (still correct)
            _DEFAULTS[key] = {}
    return _DEFAULTS[key]


def _required_args(cls: type) -> list:
    try:
        params = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.name != "self" and p.default is inspect.Parameter.empty
            and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]


def _default_config(class_name: str, config: dict) -> dict | None:
    """The config of the engine class built with only its required arguments (None if that fails).

    Arguments whose signature default is None but that the layer needs anyway
    (``CategoryEncoding(num_tokens)``) are added on a second try.
    """
    from ..keras.saving.object_registry import LAYERS as ENGINE_LAYERS
    cls = ENGINE_LAYERS.get(class_name)
    if cls is None:
        return None
    required = [a for a in _required_args(cls) if a in config]
    none_default = [a for a in _none_default_args(cls) if config.get(a) is not None and a not in required]
    given = {a: config[a] for a in required + none_default}
    key = (class_name, json.dumps(_canon(given), sort_keys=True, default=str))
    if key not in _DEFAULTS:
        _DEFAULTS[key] = None
        for args in (required, required + none_default):
            try:
                inst = cls.from_config({**{a: config[a] for a in args}, "name": "tapestudio_default"})
            except Exception:  # noqa: BLE001 - try with more arguments, else write every argument
                continue
            _DEFAULTS[key] = _canon(inst.get_config())
            if args is not required:
                for a in none_default:  # these were given, so they are never "default"
                    _DEFAULTS[key].pop(a, None)
            break
    return _DEFAULTS[key]


def _none_default_args(cls: type) -> list:
    try:
        params = inspect.signature(cls.__init__).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in params if p.default is None]


def _removeprefix(s: str, prefix: str) -> str:
    return s[len(prefix):] if s.startswith(prefix) else s


def _bidirectional_config(config: dict) -> dict:
    """Drop what Keras's Bidirectional derives itself (Keras 3 ``Bidirectional.__init__``).

    The forward copy is named ``forward_<name>``; a default backward layer is the
    same config with ``go_backwards=True`` named ``backward_<name>``; both get
    ``zero_output_for_mask = return_sequences`` forced.
    """
    cfg = dict(config)
    fwd, bwd = cfg.get("layer"), cfg.get("backward_layer")
    if not (isinstance(fwd, dict) and isinstance(fwd.get("config"), dict)):
        return cfg
    f = {k: v for k, v in fwd["config"].items() if k != "zero_output_for_mask"}
    orig = _removeprefix(str(f.get("name", "")), "forward_")
    f["name"] = orig
    cfg["layer"] = {**fwd, "config": f}
    if isinstance(bwd, dict) and isinstance(bwd.get("config"), dict):
        b = {k: v for k, v in bwd["config"].items() if k != "zero_output_for_mask"}
        same = lambda d: _canon({k: v for k, v in d.items() if k not in ("name", "go_backwards")})  # noqa: E731
        if (bwd.get("class_name") == fwd.get("class_name") and same(b) == same(f) and b.get("go_backwards") is True
                and b.get("name") == f"backward_{_removeprefix(orig, 'backward_')}"):
            cfg.pop("backward_layer")
        else:
            cfg["backward_layer"] = {**bwd, "config": b}
    return cfg


# Per-class config simplifications (keys a real Keras constructor derives itself).
_CONFIG_HOOKS = {"Bidirectional": _bidirectional_config}


def _layer_kwargs(class_name: str, config: dict, ctx: _Context) -> list:
    """``[(arg, code)]``: required arguments, then non-default ones, then ``name``."""
    from ..keras.saving.object_registry import LAYERS as ENGINE_LAYERS
    cls = ENGINE_LAYERS.get(class_name)
    required = [a for a in (_required_args(cls) if cls else []) if a in config]
    defaults = _default_config(class_name, config) or {}
    keys = required + [k for k in config if k not in required]
    out = []
    for k in keys:
        if k in ("name",) or k in _SKIP_KEYS:
            continue
        v = config[k]
        if k not in required and k in defaults and _canon(v) == defaults[k]:
            continue
        if k not in required and k not in defaults and k in ("trainable",) and v is True:
            continue
        out.append((k, _literal(v, ctx.deeper(len(k) + 2))))
    if "name" in config:
        out.append(("name", json.dumps(config["name"])))
    return out


def _layer_ctor(class_name: str, config: dict, ctx: _Context) -> str:
    hook = _CONFIG_HOOKS.get(class_name)
    if hook is not None:
        config = hook(config)
    return _call(LAYERS[class_name], _layer_kwargs(class_name, config, ctx), ctx)


# ---------------------------------------------------------------------------
# Model code
class _Generator:
    """Builds the module source: helper functions for nested models, then ``build_model``."""

    def __init__(self, root: Any) -> None:
        self.root = root
        self.functions: list[str] = []
        self.global_names: set = set(_RESERVED)
        self.built: dict = {}  # id(nested model) -> helper function name
        self.owner: dict = {}  # id(layer) -> id(model) that constructs it

    # -- checks ------------------------------------------------------------------
    def check(self, model: Any) -> None:
        """Every layer must be expressible, and constructed in exactly one (sub)model."""
        for layer in self._model_layers(model):
            if self._is_model(layer):
                if not getattr(layer, "_is_graph_network", False) and type(layer).__name__ != "Sequential":
                    raise unsupported_layer(layer, FORMAT, "a subclassed model has no Keras code form; "
                                                           "rebuild it as a Sequential or Functional model")
                if id(layer) in self.owner and self.owner[id(layer)] != id(model):
                    raise unsupported_layer(layer, FORMAT, "a nested model shared by two different models")
                self.owner[id(layer)] = id(model)
                self.check(layer)
                continue
            cls = type(layer).__name__
            if cls not in LAYERS:
                why = ("a Lambda layer's Python function cannot be written as code; use built-in layers"
                       if cls == "Lambda" else "it has no built-in Keras class (custom layers are not supported)")
                raise unsupported_layer(layer, FORMAT, why)
            if id(layer) in self.owner and self.owner[id(layer)] != id(model):
                raise unsupported_layer(layer, FORMAT, "a layer shared between a model and its nested model")
            self.owner[id(layer)] = id(model)

    @staticmethod
    def _is_model(layer: Any) -> bool:
        from ..keras.models.model import Model
        return isinstance(layer, Model)

    @staticmethod
    def _model_layers(model: Any) -> list:
        from ..keras.layers.input_layer import InputLayer
        return [l for l in model.layers if not isinstance(l, InputLayer)]

    # -- models ------------------------------------------------------------------
    def helper_for(self, model: Any) -> str:
        """The name of a helper function returning ``model`` (written once)."""
        if id(model) not in self.built:
            fname = _ident(f"build_{model.name}", self.global_names)
            self.built[id(model)] = fname
            body, var = self.model_body(model, "    ")
            doc = f'    """The nested model "{model.name}"."""\n'
            self.functions.append(f"def {fname}():\n{doc}{body}    return {var}\n")
        return self.built[id(model)]

    def model_body(self, model: Any, indent: str) -> tuple:
        """Statements that build ``model`` into a local variable; returns ``(code, variable)``."""
        if type(model).__name__ == "Sequential" or not hasattr(model, "_run_nodes"):
            return self._sequential(model, indent)
        return self._functional(model, indent)

    def _input(self, layer: Any, ctx: _Context) -> str:
        cfg = layer.get_config()
        shape = tuple(cfg.get("batch_shape") or getattr(layer, "batch_shape"))
        kwargs = [("shape", _literal(tuple(shape[1:]), ctx))]
        if shape and shape[0] is not None:
            kwargs.append(("batch_size", _literal(shape[0], ctx)))
        dtype = cfg.get("dtype", "float32")
        dtype = _literal(dtype, ctx) if not isinstance(dtype, str) else json.dumps(dtype)
        if dtype != '"float32"':
            kwargs.append(("dtype", dtype))
        if cfg.get("sparse"):
            kwargs.append(("sparse", "True"))
        kwargs.append(("name", json.dumps(layer.name)))
        return _call("keras.Input", kwargs, ctx)

    def _sequential(self, model: Any, indent: str) -> tuple:
        if getattr(model, "_input_layer", None) is None:
            raise ExportError(f"Model '{model.name}' cannot be exported to {FORMAT}: it has no input shape yet "
                              f"(start it with keras.Input(...) or build it).", layer=model.name, format=FORMAT)
        used: set = self.global_names | {"model"}
        pre: list[str] = []
        items: list[str] = []
        inner = indent + "        "
        items.append(self._input(model._input_layer, _Context(model._input_layer.name, inner, 1)))
        for layer in model.layers:
            if self._is_model(layer):
                var = _ident(layer.name, used)
                pre.append(f"{indent}{var} = {self.helper_for(layer)}()\n")
                items.append(var)
            else:
                items.append(_layer_ctor(type(layer).__name__, layer.get_config(), _Context(layer.name, inner, 1)))
        var = "model"
        kwargs = [("name", json.dumps(model.name))]
        if not model.trainable:
            kwargs.append(("trainable", "False"))
        layers_code = "[\n" + "".join(f"{inner}{_place(it, inner)},\n" for it in items) + f"{indent}    ]"
        code = "".join(pre) + f"{indent}{var} = keras.Sequential(\n{indent}    {layers_code},\n" + \
            "".join(f"{indent}    {k}={v},\n" for k, v in kwargs) + f"{indent})\n"
        return code, var

    def _functional(self, model: Any, indent: str) -> tuple:
        used: set = self.global_names | {"model"}
        lines: list[str] = []
        tensors: dict = {}
        for t in model.inputs:
            layer = t._keras_history[0]
            var = _ident(layer.name, used)
            tensors[id(t)] = var
            code = self._input(layer, _Context(layer.name, indent, len(var) + 3))
            lines.append(f"{indent}{var} = {_place(code, indent)}\n")
        calls: dict = {}
        for node in model._run_nodes:
            calls[id(node.layer)] = calls.get(id(node.layer), 0) + 1
        objects: dict = {}
        for node in model._run_nodes:
            layer = node.layer
            shared = calls[id(layer)] > 1
            if self._is_model(layer) or shared:
                if id(layer) not in objects:
                    var = _ident(layer.name + ("" if self._is_model(layer) else "_layer"), used)
                    if self._is_model(layer):
                        lines.append(f"{indent}{var} = {self.helper_for(layer)}()\n")
                    else:
                        ctor = _layer_ctor(type(layer).__name__, layer.get_config(),
                                           _Context(layer.name, indent, len(var) + 3))
                        lines.append(f"{indent}{var} = {_place(ctor, indent)}\n")
                    objects[id(layer)] = var
            args = [("", self._struct(node._input_structure, tensors, layer))]
            args += [("", self._struct(a, tensors, layer)) for a in node.call_args[1:]]
            args += [(k, self._struct(v, tensors, layer)) for k, v in node.call_kwargs.items()]
            arg_code = "(" + ", ".join(f"{k}={v}" if k else v for k, v in args) + ")"
            base = layer.name + ("_out" if shared or self._is_model(layer) else "")
            outs = [_ident(base, used) for _ in node.output_tensors]
            if id(layer) in objects:
                callee = objects[id(layer)]
            else:
                extra = len(", ".join(outs)) + 3 + len(arg_code)
                callee = _layer_ctor(type(layer).__name__, layer.get_config(), _Context(layer.name, indent, extra))
            call = callee + arg_code
            for t, v in zip(node.output_tensors, outs):
                tensors[id(t)] = v
            lines.append(f"{indent}{', '.join(outs)} = {_place(call, indent)}\n")
        var = "model"
        kwargs = [("inputs", self._struct(model._inputs_struct, tensors, model)),
                  ("outputs", self._struct(model._outputs_struct, tensors, model)),
                  ("name", json.dumps(model.name))]
        if not model.trainable:
            kwargs.append(("trainable", "False"))
        code = _call("keras.Model", kwargs, _Context(model.name, indent, len(var) + 3))
        lines.append(f"{indent}{var} = {_place(code, indent)}\n")
        return "".join(lines), var

    def _struct(self, s: Any, tensors: dict, layer: Any) -> str:
        """Source for a structure of KerasTensors (by variable) and plain values."""
        from ..keras.layers.keras_tensor import KerasTensor
        if isinstance(s, KerasTensor):
            return tensors[id(s)]
        if isinstance(s, (list, tuple)) and any(isinstance(x, KerasTensor) for x in _flat(s)):
            items = [self._struct(x, tensors, layer) for x in s]
            if isinstance(s, tuple):
                return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
            return "[" + ", ".join(items) + "]"
        if isinstance(s, dict) and any(isinstance(x, KerasTensor) for x in _flat(list(s.values()))):
            return "{" + ", ".join(f"{json.dumps(str(k))}: {self._struct(x, tensors, layer)}"
                                   for k, x in s.items()) + "}"
        return _literal(s, _Context(getattr(layer, "name", "?")))

    # -- module --------------------------------------------------------------------
    def module(self, weights_file: str | None) -> str:
        from .. import __version__
        model = self.root
        self.check(model)
        kind = "Sequential" if type(model).__name__ == "Sequential" else "Functional"
        body, var = self.model_body(model, "    ")
        doc_lines = [f'"""Keras 3 code for the {kind} model "{model.name}", exported by tapestudio '
                     f'(engine {__version__}).', ""]
        if weights_file:
            doc_lines += [f"`python {SCRIPT}` builds the model, loads the trained weights from",
                          f"{weights_file} (beside this file) and prints its summary.",
                          "`from model import build_model` gives the model with its weights."]
        else:
            doc_lines += ["`build_model()` returns the model (freshly initialized weights)."]
        doc_lines += ["Runs with Keras 3 on any backend (TensorFlow, JAX or PyTorch).", '"""']
        head = "\n".join(doc_lines) + "\n"
        if weights_file:
            head += "import os\n\nimport keras\n\n"
            head += f"WEIGHTS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), {json.dumps(weights_file)})\n"
            sig = "def build_model(weights_file=WEIGHTS_FILE):\n"
            doc = f'    """Build "{model.name}" and load its trained weights (weights_file=None skips them)."""\n'
            tail = f"    if weights_file:\n        {var}.load_weights(weights_file)\n"
        else:
            head += "import keras\n"
            sig = "def build_model():\n"
            doc = f'    """Build "{model.name}"."""\n'
            tail = ""
        parts = [head] + self.functions + [f"{sig}{doc}{body}{tail}    return {var}\n"]
        main = '\nif __name__ == "__main__":\n    build_model().summary()\n'
        return "\n\n".join(parts) + "\n" + main


def _flat(s: Any) -> list:
    out = []
    for x in (s.values() if isinstance(s, dict) else s):
        if isinstance(x, (list, tuple, dict)):
            out.extend(_flat(x))
        else:
            out.append(x)
    return out


def _generate(model: Any, weights_file: str | None) -> str:
    from ..keras.models.model import Model
    if not isinstance(model, Model):
        raise ExportError(f"format {FORMAT!r} exports Keras models; got {type(model).__name__}.", format=FORMAT)
    if type(model).__name__ != "Sequential" and not getattr(model, "_is_graph_network", False):
        raise ExportError(f"Model '{model.name}' ({type(model).__name__}) cannot be exported to {FORMAT}: a "
                          f"subclassed model has no Keras code form; build it as a Sequential or Functional "
                          f"model.", layer=model.name, format=FORMAT)
    code = _Generator(model).module(weights_file)
    compile(code, SCRIPT, "exec")  # the generated code must at least be valid Python
    return code
