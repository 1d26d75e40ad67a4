"""``format="tfjs"``: the TF.js Layers format — ``model.json`` + ``group1-shard{i}of{n}.bin``.

Export writes the canonical form of ``specs/formats.md`` §1.8: the Keras-2 topology
(§1.2) rewritten layer by layer into what ``@tensorflow/tfjs`` 4.22 registers and
deserializes (§1.3–1.4), and one weight group of float32/int32 little-endian values
named ``<layer>/<weight>`` (§1.5), cut into 4 MiB shards.  A layer tfjs cannot express
raises :class:`ExportError` naming the layer and the format before anything is written.

Import (:func:`load_layers_model`) reads a ``model.json`` written by tfjs
(``LayersModel.save``), by the Python converter or by this exporter: the topology
goes through ``model_from_json`` after the inverse rewrites, the weights are decoded
from the shards in manifest order and matched by name the way tfjs matches them.

``reference_predict`` runs real tfjs in Node (cpu backend) through ``tfjs_predict.js``.
"""
from __future__ import annotations

import base64
import copy
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Callable, Iterable

import numpy as np

from .errors import ExportError, unsupported_layer

FORMAT = "tfjs"
RUNTIME = "tfjs"
TFJS_VERSION = "4.22.0"
MODEL_JSON = "model.json"
SHARD_BYTES = 4 * 1024 * 1024  # §1.5: the converter's default shard size, 4 MiB
PREDICT_SCRIPT = Path(__file__).with_name("tfjs_predict.js")
NODE_TIMEOUT_S = 300

# §1.2: tfjs-layers' tensorNameRegex; a layer name outside it fails weight creation in tfjs.
NAME_RE = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9\._\/]*$")

# §1.3: activation strings tfjs 4.22 resolves after camel-casing (Keras name → written name).
ACTIVATIONS: dict[str, str] = {
    "elu": "elu", "gelu": "gelu", "linear": "linear", "log_softmax": "log_softmax", "mish": "mish",
    "relu": "relu", "relu6": "relu6", "selu": "selu", "sigmoid": "sigmoid", "softmax": "softmax",
    "softplus": "softplus", "softsign": "softsign", "swish": "swish", "tanh": "tanh",
    "silu": "swish",  # exact: tfjs swish is x * sigmoid(x)
}
# Activations with no exact tfjs equivalent, and why.
ACTIVATION_WHY: dict[str, str] = {
    "hard_sigmoid": "Keras 3 hard_sigmoid is relu6(x+3)/6 but tfjs's is clip(0.2x+0.5, 0, 1)",
    "leaky_relu": "tfjs has no 'leaky_relu' activation string (use a LeakyReLU layer)",
    "exponential": "tfjs has no 'exponential' activation",
    "hard_silu": "tfjs has no hard_silu/hard_swish activation",
    "hard_swish": "tfjs has no hard_silu/hard_swish activation",
}

# §1.3/§1.4: initializer classes tfjs registers (Keras class name → tfjs class name).
INITIALIZERS: dict[str, str] = {n: n for n in (
    "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
    "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Orthogonal", "Identity")}
INITIALIZERS.update({"LecunNormal": "LeCunNormal", "LecunUniform": "LeCunUniform",
                     "LeCunNormal": "LeCunNormal", "LeCunUniform": "LeCunUniform"})
# The config keys each tfjs initializer reads (tfjs-layers initializers.ts); others are dropped.
INITIALIZER_KEYS: dict[str, tuple[str, ...]] = {
    "Zeros": (), "Ones": (), "Constant": ("value",), "RandomNormal": ("mean", "stddev", "seed"),
    "RandomUniform": ("minval", "maxval", "seed"), "TruncatedNormal": ("mean", "stddev", "seed"),
    "VarianceScaling": ("scale", "mode", "distribution", "seed"), "Orthogonal": ("gain", "seed"),
    "Identity": ("gain",),
}
CONSTRAINTS = {"MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"}

# Keras 3 config keys tfjs has no use for (it ignores unknown keys; we keep the file canonical).
KERAS3_ONLY_KEYS = {"lora_rank", "lora_alpha", "quantization_config", "use_cudnn", "seed_generator",
                    "synchronized", "autocast"}


# ---------------------------------------------------------------------------
# Config rewriting helpers
def _fail(layer: Any, why: str) -> ExportError:
    return unsupported_layer(layer, FORMAT, why)


def _activation(layer: Any, value: Any, key: str) -> str:
    """A Keras activation value as a tfjs activation string (or ExportError)."""
    if value is None:
        return "linear"
    if isinstance(value, dict):  # a serialized custom activation
        raise _fail(layer, f"{key} {value.get('class_name', value)!r} is not a built-in tfjs activation")
    if not isinstance(value, str):
        value = getattr(value, "__name__", str(value))
    if value == "hard_sigmoid" and _is_keras2_hard_sigmoid(layer, key):
        return "hard_sigmoid"
    if value in ACTIVATIONS:
        return ACTIVATIONS[value]
    why = ACTIVATION_WHY.get(value, f"tfjs has no activation {value!r}")
    raise _fail(layer, f"{key}={value!r}: {why}")


def _is_keras2_hard_sigmoid(layer: Any, key: str) -> bool:
    """True when the layer's ``key`` function is the Keras-2 hard sigmoid an import installed."""
    for obj in (layer, getattr(layer, "cell", None)):
        if obj is not None and getattr(obj, key, None) is keras2_hard_sigmoid:
            return True
    return False


def _initializer(value: Any) -> Any:
    """A tfjs-known initializer envelope, or None (tfjs then uses its default; weights are loaded anyway)."""
    if not isinstance(value, dict):
        return None
    name = INITIALIZERS.get(value.get("class_name", ""))
    if name is None:
        return None
    keys = INITIALIZER_KEYS.get(name, ("seed",))
    cfg = {k: v for k, v in (value.get("config") or {}).items() if k in keys}
    if name == "VarianceScaling":
        dist = cfg.get("distribution", "truncated_normal")
        if dist not in ("uniform", "truncated_normal", "normal"):
            return None  # 'untruncated_normal' has no tfjs spelling
        if cfg.get("mode") not in ("fan_in", "fan_out", "fan_avg"):
            return None
    return {"class_name": name, "config": cfg}


def _regularizer(value: Any) -> Any:
    """L1/L2/L1L2 as tfjs's only regularizer class L1L2; anything else is dropped (training-only)."""
    if not isinstance(value, dict):
        return None
    cfg = value.get("config") or {}
    cls = value.get("class_name")
    if cls in ("L1", "L2", "L1L2"):
        return {"class_name": "L1L2", "config": {"l1": float(cfg.get("l1", 0.0) or 0.0),
                                                 "l2": float(cfg.get("l2", 0.0) or 0.0)}}
    return None


def _constraint(value: Any) -> Any:
    if isinstance(value, dict) and value.get("class_name") in CONSTRAINTS:
        return {"class_name": value["class_name"], "config": dict(value.get("config") or {})}
    return None


def _base(layer: Any, cfg: dict) -> dict:
    """Rewrite the keys every layer shares: dtype, activations, initializers, regularizers, constraints."""
    out: dict = {}
    for k, v in cfg.items():
        if k in KERAS3_ONLY_KEYS:
            continue
        if k == "dtype":
            v = "float32"
        elif k in ("activation", "recurrent_activation"):
            v = _activation(layer, v, k)
        elif k.endswith("_initializer"):
            v = _initializer(v)
        elif k.endswith("_regularizer"):
            v = _regularizer(v)
        elif k.endswith("_constraint"):
            v = _constraint(v)
        if v is None and (k.endswith("_initializer") or k.endswith("_regularizer") or k.endswith("_constraint")):
            continue
        out[k] = v
    out.setdefault("trainable", True)
    out["dtype"] = "float32"
    return out


def _require(layer: Any, ok: bool, why: str) -> None:
    if not ok:
        raise _fail(layer, why)


def _ones(v: Any) -> bool:
    return all(int(x) == 1 for x in (v if isinstance(v, (list, tuple)) else [v]))


# ---------------------------------------------------------------------------
# Per-class rewrites: class name → fn(layer, config) → (tfjs class name, tfjs config).
Rule = Callable[[Any, dict], "tuple[str, dict]"]


def _same(cls: str) -> Rule:
    def rule(layer: Any, cfg: dict) -> tuple[str, dict]:
        return cls, _base(layer, cfg)
    return rule


def _input_layer(layer: Any, cfg: dict) -> tuple[str, dict]:
    shape = cfg.get("batch_input_shape") or cfg.get("batch_shape")
    _require(layer, shape is not None, "the input has no shape")
    dtype = str(cfg.get("dtype") or "float32")
    if dtype.startswith(("int", "uint")):
        dtype = "int32"
    elif dtype == "bool":
        dtype = "bool"
    elif dtype.startswith(("float", "bfloat")):
        dtype = "float32"
    else:
        raise _fail(layer, f"tfjs inputs are float32, int32 or bool, not {dtype}")
    _require(layer, not cfg.get("sparse"), "sparse inputs are not supported by tfjs")
    return "InputLayer", {"batch_input_shape": list(shape), "dtype": dtype, "sparse": False, "name": cfg["name"]}


def _dense(layer: Any, cfg: dict) -> tuple[str, dict]:
    _require(layer, not cfg.get("lora_rank"), "LoRA-enabled Dense layers have extra weights tfjs cannot load")
    return "Dense", _base(layer, cfg)


def _conv(cls: str) -> Rule:
    def rule(layer: Any, cfg: dict) -> tuple[str, dict]:
        _require(layer, int(cfg.get("groups", 1) or 1) == 1, "tfjs convolutions have no `groups` (grouped convolution)")
        _require(layer, cfg.get("padding") != "causal",
                 "padding='causal' loads in tfjs 4.22 but its conv1d throws 'not implemented' at predict time")
        return cls, _base(layer, cfg)
    return rule


def _conv_transpose(cls: str) -> Rule:
    def rule(layer: Any, cfg: dict) -> tuple[str, dict]:
        _require(layer, cfg.get("output_padding") is None, "tfjs transposed convolutions have no `output_padding`")
        _require(layer, _ones(cfg.get("dilation_rate", 1)), "tfjs transposed convolutions have no dilation")
        out = _base(layer, cfg)
        out.pop("output_padding", None)
        return cls, out
    return rule


def _global_pool(cls: str) -> Rule:
    def rule(layer: Any, cfg: dict) -> tuple[str, dict]:
        _require(layer, not cfg.get("keepdims"), "tfjs global pooling has no `keepdims`")
        out = _base(layer, cfg)
        out.pop("keepdims", None)
        return cls, out
    return rule


def _batch_norm(layer: Any, cfg: dict) -> tuple[str, dict]:
    _require(layer, not cfg.get("renorm"), "batch renormalization is not supported by tfjs")
    out = _base(layer, cfg)
    axis = out.get("axis", -1)
    if isinstance(axis, (list, tuple)):
        _require(layer, len(axis) == 1, f"tfjs BatchNormalization normalizes one axis, not {list(axis)}")
        axis = axis[0]
    out["axis"] = int(axis)  # §1.4: write an int
    for k in ("renorm", "renorm_clipping", "renorm_momentum"):
        out.pop(k, None)
    return "BatchNormalization", out


def _layer_norm(layer: Any, cfg: dict) -> tuple[str, dict]:
    _require(layer, not cfg.get("rms_scaling"), "RMS-scaled LayerNormalization is not supported by tfjs")
    out = _base(layer, cfg)
    out.pop("rms_scaling", None)
    return "LayerNormalization", out


def _embedding(layer: Any, cfg: dict) -> tuple[str, dict]:
    _require(layer, not cfg.get("lora_rank"), "LoRA-enabled Embedding layers have extra weights tfjs cannot load")
    _require(layer, not cfg.get("sparse"), "sparse Embedding gradients are not supported by tfjs")
    out = _base(layer, cfg)
    out.pop("sparse", None)
    return "Embedding", out


def _activation_layer(layer: Any, cfg: dict) -> tuple[str, dict]:
    act = cfg.get("activation")
    if act == "leaky_relu":  # exact: Keras 3 leaky_relu has negative_slope 0.2
        return "LeakyReLU", {"name": cfg["name"], "trainable": cfg.get("trainable", True), "dtype": "float32",
                             "alpha": 0.2}
    return "Activation", _base(layer, cfg)


def _relu(layer: Any, cfg: dict) -> tuple[str, dict]:
    slope = float(cfg.get("negative_slope") or 0.0)
    threshold = float(cfg.get("threshold") or 0.0)
    max_value = cfg.get("max_value")
    _require(layer, threshold == 0.0, "tfjs ReLU has no `threshold`")
    out = _base(layer, cfg)
    for k in ("negative_slope", "threshold", "max_value"):
        out.pop(k, None)
    if slope:
        _require(layer, max_value is None, "tfjs has no ReLU with both `negative_slope` and `max_value`")
        out["alpha"] = slope
        return "LeakyReLU", out
    if max_value is not None:
        out["max_value"] = float(max_value)
    return "ReLU", out


def _leaky_relu(layer: Any, cfg: dict) -> tuple[str, dict]:
    out = _base(layer, cfg)
    slope = out.pop("negative_slope", None)
    out["alpha"] = float(slope if slope is not None else out.get("alpha", 0.3))  # Keras 3 → Keras 2 key
    return "LeakyReLU", out


def _up_sampling_2d(layer: Any, cfg: dict) -> tuple[str, dict]:
    interp = cfg.get("interpolation", "nearest")
    _require(layer, interp == "nearest",
             f"interpolation={interp!r}: tfjs resizes without half-pixel centers, only 'nearest' matches Keras")
    return "UpSampling2D", _base(layer, cfg)


def _rescaling(layer: Any, cfg: dict) -> tuple[str, dict]:
    for k in ("scale", "offset"):
        _require(layer, isinstance(cfg.get(k, 0.0), (int, float)), f"tfjs Rescaling takes a scalar `{k}`")
    return "Rescaling", _base(layer, cfg)


def _input_rank(layer: Any) -> int | None:
    try:
        shape = layer.input_shape
    except Exception:  # noqa: BLE001 - unbuilt or multi-node layers: rank unknown
        return None
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return None
    return len(shape) if isinstance(shape, (list, tuple)) else None


def _softmax(layer: Any, cfg: dict) -> tuple[str, dict]:
    axis = cfg.get("axis", -1)
    if isinstance(axis, (list, tuple)):
        _require(layer, len(axis) == 1, f"tfjs softmax takes one axis, not {list(axis)}")
        axis = axis[0]
    rank = _input_rank(layer)
    last = int(axis) == -1 or (rank is not None and int(axis) == rank - 1)
    _require(layer, last, f"axis={axis}: tfjs 4.22 only computes softmax along the last axis")
    out = _base(layer, cfg)
    out["axis"] = -1
    return "Softmax", out


def _elu(layer: Any, cfg: dict) -> tuple[str, dict]:
    _require(layer, float(cfg.get("alpha", 1.0)) == 1.0,
             f"tfjs 4.22's ELU layer only implements alpha=1.0 (got {cfg.get('alpha')})")
    return "ELU", _base(layer, cfg)


def _rnn_cfg(layer: Any, cfg: dict) -> dict:
    out = _base(layer, cfg)
    out.setdefault("activation", "tanh")
    # §1.4: tfjs defaults recurrent_activation to hard_sigmoid; Keras 3 to sigmoid — always write it.
    if "recurrent_activation" in cfg or type(layer).__name__ not in ("SimpleRNN", "SimpleRNNCell"):
        out["recurrent_activation"] = _activation(layer, cfg.get("recurrent_activation", "sigmoid"),
                                                  "recurrent_activation")
    for k in ("zero_output_for_mask", "seed"):
        out.pop(k, None)
    return out


def _rnn_layer(cls: str) -> Rule:
    def rule(layer: Any, cfg: dict) -> tuple[str, dict]:
        if cls.startswith("GRU"):
            # §1.4: tfjs's GRUCell throws on reset_after=true; its bias is [3u], Keras's reset_after bias [2, 3u].
            _require(layer, not cfg.get("reset_after", True),
                     "GRU with reset_after=True cannot be expressed in tfjs (tfjs's GRUCell only implements "
                     "reset_after=False); build the GRU with reset_after=False to export it")
            out = _rnn_cfg(layer, cfg)
            out["reset_after"] = False
            return cls, out
        return cls, _rnn_cfg(layer, cfg)
    return rule


def _generic_rnn(layer: Any, cfg: dict) -> tuple[str, dict]:
    out = _base(layer, cfg)
    cell_cfg = cfg.get("cell")
    cell = getattr(layer, "cell", None)
    _require(layer, isinstance(cell_cfg, dict), "RNN without a serializable cell")
    out["cell"] = _cell(layer, cell, cell_cfg)
    for k in ("zero_output_for_mask",):
        out.pop(k, None)
    return "RNN", out


def _cell(layer: Any, cell: Any, cell_cfg: dict) -> dict:
    """An RNN cell config (LSTMCell, GRUCell, SimpleRNNCell or StackedRNNCells of them) for tfjs."""
    cls = cell_cfg["class_name"]
    if cls == "StackedRNNCells":
        subs = getattr(cell, "cells", None) or [None] * len(cell_cfg["config"]["cells"])
        cells = [_cell(layer, c, cc) for c, cc in zip(subs, cell_cfg["config"]["cells"])]
        cfg = {k: v for k, v in _base(cell or layer, cell_cfg["config"]).items() if k != "cells"}
        cfg["cells"] = cells
        return {"class_name": "StackedRNNCells", "config": cfg}
    _require(layer, cls in ("LSTMCell", "GRUCell", "SimpleRNNCell"),
             f"tfjs RNN export supports LSTMCell, GRUCell, SimpleRNNCell and StackedRNNCells cells, not {cls}")
    name, cc = _rnn_layer(cls)(cell if cell is not None else layer, dict(cell_cfg["config"]))
    return {"class_name": name, "config": cc}


def _bidirectional(layer: Any, cfg: dict) -> tuple[str, dict]:
    inner_cfg = cfg.get("layer")
    _require(layer, isinstance(inner_cfg, dict), "Bidirectional without a layer config")
    if isinstance(cfg.get("backward_layer"), dict):
        fwd = dict(inner_cfg["config"])
        bwd = dict(cfg["backward_layer"]["config"])
        same = {k: v for k, v in fwd.items() if k not in ("name", "go_backwards")} == \
            {k: v for k, v in bwd.items() if k not in ("name", "go_backwards")}
        _require(layer, same and cfg["backward_layer"]["class_name"] == inner_cfg["class_name"],
                 "tfjs rebuilds the backward layer from the forward one; a different `backward_layer` is lost")
    inner = getattr(layer, "forward_layer", None) or getattr(layer, "layer", None)
    icfg_in = dict(inner_cfg["config"])
    # Keras 3 serializes the forward layer (named forward_<x>); tfjs prefixes forward_ itself (wrappers.ts).
    icfg_in["name"] = _inner_name(layer, _Named(str(icfg_in.get("name", "")), inner_cfg["class_name"]))
    cls, icfg = _convert_layer(inner, {"class_name": inner_cfg["class_name"], "config": icfg_in})
    out = _base(layer, {k: v for k, v in cfg.items() if k not in ("layer", "backward_layer")})
    out["layer"] = {"class_name": cls, "config": icfg}
    mode = cfg.get("merge_mode", "concat")
    _require(layer, mode in ("concat", "sum", "mul", "ave", None), f"tfjs has no merge_mode {mode!r}")
    out["merge_mode"] = mode
    return "Bidirectional", out


def _time_distributed(layer: Any, cfg: dict) -> tuple[str, dict]:
    inner_cfg = cfg.get("layer")
    _require(layer, isinstance(inner_cfg, dict), "TimeDistributed without a layer config")
    cls, icfg = _convert_layer(getattr(layer, "layer", None),
                               {"class_name": inner_cfg["class_name"], "config": dict(inner_cfg["config"])})
    out = _base(layer, {k: v for k, v in cfg.items() if k != "layer"})
    out["layer"] = {"class_name": cls, "config": icfg}
    return "TimeDistributed", out


# The table: every Keras class tfjs 4.22 can load (§1.3), keyed by Keras class name. A class that
# is not here (Subtract, Lambda, Identity, GlobalAveragePooling3D, ...) is refused by name.
LAYER_RULES: dict[str, Rule] = {
    "InputLayer": _input_layer,
    "Dense": _dense,
    "Activation": _activation_layer,
    "Dropout": _same("Dropout"),
    "SpatialDropout1D": _same("SpatialDropout1D"),
    "GaussianNoise": _same("GaussianNoise"),
    "GaussianDropout": _same("GaussianDropout"),
    "AlphaDropout": _same("AlphaDropout"),
    "Flatten": _same("Flatten"),
    "Reshape": _same("Reshape"),
    "Permute": _same("Permute"),
    "RepeatVector": _same("RepeatVector"),
    "Masking": _same("Masking"),
    "Embedding": _embedding,
    "Conv1D": _conv("Conv1D"),
    "Conv2D": _conv("Conv2D"),
    "Conv3D": _conv("Conv3D"),
    "Conv2DTranspose": _conv_transpose("Conv2DTranspose"),
    "Conv3DTranspose": _conv_transpose("Conv3DTranspose"),
    "DepthwiseConv2D": _same("DepthwiseConv2D"),
    "SeparableConv2D": _same("SeparableConv2D"),
    "MaxPooling1D": _same("MaxPooling1D"),
    "MaxPooling2D": _same("MaxPooling2D"),
    "MaxPooling3D": _same("MaxPooling3D"),
    "AveragePooling1D": _same("AveragePooling1D"),
    "AveragePooling2D": _same("AveragePooling2D"),
    "AveragePooling3D": _same("AveragePooling3D"),
    "GlobalMaxPooling1D": _global_pool("GlobalMaxPooling1D"),
    "GlobalMaxPooling2D": _global_pool("GlobalMaxPooling2D"),
    "GlobalAveragePooling1D": _global_pool("GlobalAveragePooling1D"),
    "GlobalAveragePooling2D": _global_pool("GlobalAveragePooling2D"),
    "BatchNormalization": _batch_norm,
    "LayerNormalization": _layer_norm,
    "ZeroPadding2D": _same("ZeroPadding2D"),
    "UpSampling2D": _up_sampling_2d,
    "Cropping2D": _same("Cropping2D"),
    "Rescaling": _rescaling,
    "ReLU": _relu,
    "LeakyReLU": _leaky_relu,
    "PReLU": _same("PReLU"),
    "ELU": _elu,
    "Softmax": _softmax,
    "Add": _same("Add"),
    "Multiply": _same("Multiply"),
    "Average": _same("Average"),
    "Maximum": _same("Maximum"),
    "Minimum": _same("Minimum"),
    "Concatenate": _same("Concatenate"),
    "Dot": _same("Dot"),
    "SimpleRNN": _rnn_layer("SimpleRNN"),
    "LSTM": _rnn_layer("LSTM"),
    "GRU": _rnn_layer("GRU"),
    "RNN": _generic_rnn,
    "Bidirectional": _bidirectional,
    "TimeDistributed": _time_distributed,
}

# Why a registered Keras class is refused (the default reason names the missing tfjs class).
UNSUPPORTED_WHY: dict[str, str] = {
    "Lambda": "a Lambda layer holds Python code; tfjs cannot run it",
    "Subtract": "tfjs 4.22 does not register a Subtract layer",
    "Identity": "tfjs 4.22 does not register an Identity layer",
    "Conv1DTranspose": "tfjs 4.22 has no Conv1DTranspose",
    "SpatialDropout2D": "tfjs 4.22 has no SpatialDropout2D",
    "CategoryEncoding": "tfjs 4.22's CategoryEncoding overwrites its input's shape, so predict() rejects "
                        "every input (reproduced with a model built in tfjs itself)",
}


def _convert_layer(layer: Any, entry: dict) -> tuple[str, dict]:
    cls = entry["class_name"]
    cfg = dict(entry.get("config") or {})
    name = cfg.get("name") or entry.get("name") or getattr(layer, "name", "?")
    target = layer if layer is not None else _Named(name, cls)
    if not NAME_RE.match(str(name)):
        raise _fail(target, f"the name {name!r} does not match tfjs's tensor-name pattern {NAME_RE.pattern}")
    if cls in ("Sequential", "Functional", "Model"):  # a nested model: tfjs registers all three
        _require(target, layer is not None and hasattr(layer, "layers"), "nested model without its layers")
        _convert_model_config(layer, cls, cfg, nested=True)
        return ("Functional" if cls == "Model" else cls), cfg
    rule = LAYER_RULES.get(cls)
    if rule is None:
        raise _fail(target, UNSUPPORTED_WHY.get(cls, f"tfjs 4.22 does not register a {cls} layer"))
    return rule(target, cfg)


class _Named:
    """Stands in for a layer object in error messages when only its config is known."""

    def __init__(self, name: str, cls: str) -> None:
        self.name = name
        self._cls = cls

    def __repr__(self) -> str:
        return f"<{self._cls} {self.name}>"


# ---------------------------------------------------------------------------
# Weights: tfjs names (§1.5) → engine variables
# Keras 3 weight names that tfjs spells differently, per class.
WEIGHT_RENAMES: dict[str, dict[str, str]] = {
    "DepthwiseConv2D": {"kernel": "depthwise_kernel"},  # Keras 3 calls it kernel; tfjs depthwise_kernel
}


def _layer_weight_entries(layer: Any) -> list[tuple[str, Any]]:
    """``(tfjs weight name, variable)`` for one layer, in the layer's weight order."""
    cls = type(layer).__name__
    if hasattr(layer, "layers") and hasattr(layer, "_run_nodes"):
        # A nested model: tfjs names its layers' weights <inner layer>/<weight>, without the model name.
        return [e for sub in layer.layers for e in _layer_weight_entries(sub)]
    if cls == "TimeDistributed":  # tfjs builds the inner layer in the wrapper's scope: <wrapper>/<weight>
        return [(f"{layer.name}/{n.rsplit('/', 1)[-1]}", w) for n, w in _layer_weight_entries(layer.layer)]
    if type(getattr(layer, "cell", None)).__name__ == "StackedRNNCells":
        # tfjs's StackedRNNCells builds cell i in name scope RNNCell_<i> (verified by loading in tfjs 4.22).
        return [(f"{layer.name}/RNNCell_{i}/{w.name}", w)
                for i, c in enumerate(layer.cell.cells) for w in c.weights]
    if cls == "Bidirectional":
        # tfjs builds forward_<inner>/backward_<inner> inside the wrapper's name scope (layers/wrappers.ts).
        out = []
        for prefix, sub in (("forward", layer.forward_layer), ("backward", layer.backward_layer)):
            inner = _inner_name(layer, sub)
            out += [(f"{layer.name}/{prefix}_{inner}/{w.name}", w) for w in sub.weights]
        return out
    renames = WEIGHT_RENAMES.get(cls, {})
    return [(f"{layer.name}/{renames.get(w.name, w.name)}", w) for w in layer.weights]


def _inner_name(wrapper: Any, sub: Any) -> str:
    """The wrapped layer's original name (Keras prefixes it with forward_/backward_)."""
    name = sub.name
    for p in ("forward_", "backward_"):
        if name.startswith(p):
            return name[len(p):]
    return name


def weight_entries(model: Any) -> list[tuple[str, Any]]:
    """Every model weight as ``(tfjs name, variable)``, in ``model.weights`` order."""
    out: list = []
    for layer in model.layers:
        out += _layer_weight_entries(layer)
    names = [n for n, _ in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ExportError(f"Model cannot be exported to tfjs: duplicate weight names {dup}", format=FORMAT)
    return out


def _weight_array(name: str, var: Any) -> tuple[np.ndarray, str]:
    arr = np.asarray(var.numpy() if hasattr(var, "numpy") else var)
    if arr.dtype.kind == "f":
        return arr.astype("<f4"), "float32"
    if arr.dtype.kind in "iu":
        if arr.size and (arr.min() < -2**31 or arr.max() >= 2**31):
            raise ExportError(f"Weight '{name}' has values outside int32, which tfjs cannot hold", format=FORMAT)
        return arr.astype("<i4"), "int32"
    if arr.dtype.kind == "b":
        return arr.astype(np.uint8), "bool"
    raise ExportError(f"Weight '{name}' has dtype {arr.dtype}, which tfjs cannot hold", format=FORMAT)


# ---------------------------------------------------------------------------
# Export
def _shift_node_indices(config: dict, names: set, delta: int) -> None:
    """Renumber references to nested models' call nodes. Keras 2 and tfjs count a model's own
    construction as node 0 (its first call is node 1); Keras 3 and the engine do not."""
    for entry in config.get("layers", []):
        for node in entry.get("inbound_nodes") or []:
            for ref in node:
                if isinstance(ref, list) and ref and ref[0] in names:
                    ref[1] = int(ref[1]) + delta
    for key in ("input_layers", "output_layers"):
        spec = config.get(key)
        refs = spec if spec and isinstance(spec[0], (list, tuple)) else [spec] if spec else []
        for ref in refs:
            if isinstance(ref, list) and ref and ref[0] in names:
                ref[1] = int(ref[1]) + delta


def _refuse_unregistered(model: Any) -> None:
    """Refuse classes tfjs lacks before serializing (a Lambda's config may not even serialize)."""
    for layer in model.layers:
        cls = type(layer).__name__
        if hasattr(layer, "layers") and hasattr(layer, "_run_nodes"):
            _refuse_unregistered(layer)
        elif cls not in LAYER_RULES:
            raise _fail(layer, UNSUPPORTED_WHY.get(cls, f"tfjs 4.22 does not register a {cls} layer"))


def _convert_model_config(model: Any, class_name: str, config: dict, nested: bool = False) -> None:
    """Rewrite a (possibly nested) Sequential/Functional config's layers for tfjs, in place."""
    by_name = {l.name: l for l in model.layers}
    by_name.update({getattr(t._keras_history[0], "name", ""): t._keras_history[0]
                    for t in (getattr(model, "inputs", None) or [])})
    if getattr(model, "_input_layer", None) is not None:
        by_name[model._input_layer.name] = model._input_layer
    layers = config["layers"]
    for i, entry in enumerate(layers):
        name = entry.get("name") or entry["config"].get("name")
        cls, cfg = _convert_layer(by_name.get(name), entry)
        new = {"class_name": cls, "config": cfg}
        if "name" in entry:
            new["name"] = entry["name"]
        if "inbound_nodes" in entry:
            new["inbound_nodes"] = entry["inbound_nodes"]
        layers[i] = new
    for k in ("build_input_shape", "dtype"):
        config.pop(k, None)
    nested_models = {e.get("name") for e in layers if e["class_name"] in ("Sequential", "Functional")}
    if nested_models:
        _shift_node_indices(config, nested_models, +1)
    if class_name == "Sequential":
        _require(_Named(model.name, "Sequential"), bool(layers) and layers[0]["class_name"] == "InputLayer",
                 "a Sequential model must start with an Input to be exported")
        if nested:
            # tfjs disconnects a nested Sequential's own InputLayer ("Graph disconnected"); it wants the
            # input shape on the first layer instead, as tfjs itself writes nested Sequentials.
            _require(_Named(model.name, "Sequential"), len(layers) > 1, "an empty nested Sequential")
            first = layers.pop(0)["config"]
            layers[0]["config"]["batch_input_shape"] = first["batch_input_shape"]
            layers[0]["config"]["dtype"] = first["dtype"]
    else:
        for key in ("input_layers", "output_layers"):  # tfjs wants a list of [name, node, tensor] triples
            spec = config[key]
            if spec and not isinstance(spec[0], (list, tuple)):
                config[key] = [spec]


def model_json(model: Any) -> tuple[dict, list[tuple[dict, np.ndarray]]]:
    """The ``model.json`` dict (without ``weightsManifest`` paths) and ``(spec, little-endian array)`` pairs."""
    from .. import __version__
    from ..keras.saving.serialization import model_to_json
    if not getattr(model, "inputs", None):
        raise ExportError("Model cannot be exported to tfjs: it has no defined inputs (call it or give an "
                          "Input first)", format=FORMAT)
    _refuse_unregistered(model)
    topo = json.loads(model_to_json(model))
    _convert_model_config(model, topo["class_name"], topo["config"])
    topology = {"class_name": topo["class_name"], "config": topo["config"],
                "keras_version": topo.get("keras_version"), "backend": topo.get("backend")}
    specs: list = []
    for name, var in weight_entries(model):
        arr, dtype = _weight_array(name, var)
        specs.append(({"name": name, "shape": [int(d) for d in arr.shape], "dtype": dtype}, arr))
    doc = {"format": "layers-model", "generatedBy": f"tapestudio {__version__}", "convertedBy": None,
           "modelTopology": topology}
    return doc, specs


def write(model: Any, out_dir: Path, shard_size_bytes: int = SHARD_BYTES,
          user_metadata: dict | None = None) -> None:
    """Write ``model.json`` and ``group1-shard{i}of{n}.bin`` into ``out_dir`` (§1.8)."""
    out_dir = Path(out_dir)
    if int(shard_size_bytes) <= 0:
        raise ValueError(f"shard_size_bytes must be positive, got {shard_size_bytes}")
    doc, specs = model_json(model)
    data = b"".join(arr.tobytes(order="C") for _, arr in specs)
    n = max(1, math.ceil(len(data) / shard_size_bytes)) if data else 0
    paths = [f"group1-shard{i + 1}of{n}.bin" for i in range(n)]
    if user_metadata is not None:
        json.dumps(user_metadata)  # must be plain JSON (§1.1)
        doc["userDefinedMetadata"] = user_metadata
    doc["weightsManifest"] = [{"paths": paths, "weights": [s for s, _ in specs]}]
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(paths):
        (out_dir / p).write_bytes(data[i * shard_size_bytes:(i + 1) * shard_size_bytes])
    (out_dir / MODEL_JSON).write_text(json.dumps(doc))


# ---------------------------------------------------------------------------
# Reference runtime: real tfjs in Node
def find_node() -> str | None:
    """The ``node`` executable (``TAPESTUDIO_NODE`` or PATH), or None."""
    env = os.environ.get("TAPESTUDIO_NODE")
    if env and Path(env).is_file():
        return env
    return shutil.which("node")


def _is_tfjs_package(d: Path) -> bool:
    try:
        return json.loads((d / "package.json").read_text()).get("name") == "@tensorflow/tfjs"
    except (OSError, ValueError):
        return False


def find_tfjs_dir() -> Path | None:
    """The ``@tensorflow/tfjs`` package directory: ``TAPESTUDIO_TFJS_DIR`` (the package itself or a
    prefix holding ``node_modules``), else ``.cache/tfjs`` or ``node_modules`` above the repo / cwd."""
    candidates: list[Path] = []
    env = os.environ.get("TAPESTUDIO_TFJS_DIR")
    if env:
        candidates.append(Path(env))
    for root in (Path(__file__).resolve().parents[2], Path.cwd().resolve()):
        for d in (root, *root.parents):
            candidates += [d / ".cache" / "tfjs", d]
    for c in candidates:
        for pkg in (c, c / "node_modules" / "@tensorflow" / "tfjs"):
            if _is_tfjs_package(pkg):
                return pkg
    return None


def run_tfjs(model_json_path: Path, inputs: Iterable[np.ndarray] = ()) -> dict | None:
    """Load ``model_json_path`` in real tfjs (Node, cpu backend) and predict ``inputs``.

    Returns ``{"runtime", "weights": [tfjs weight names], "outputs": [arrays]}``, or None when
    node or tfjs is not installed; raises RuntimeError with tfjs's message when tfjs fails.
    """
    node, tfjs_dir = find_node(), find_tfjs_dir()
    if node is None or tfjs_dir is None:
        return None
    req = {"model_json": str(Path(model_json_path).resolve()), "inputs": [_encode(x) for x in inputs]}
    proc = subprocess.run([node, str(PREDICT_SCRIPT), str(tfjs_dir)], input=json.dumps(req),
                          capture_output=True, text=True, timeout=NODE_TIMEOUT_S)
    if proc.returncode != 0:
        tail = "\n".join(l for l in proc.stderr.strip().splitlines()
                         if "Hi there" not in l and "tfjs-node" not in l)[-2000:]
        raise RuntimeError(f"tfjs failed on {model_json_path}: {tail}")
    reply = json.loads(proc.stdout)
    reply["outputs"] = [_decode(o) for o in reply["outputs"]]
    return reply


_JS_DTYPES = {"float32": "<f4", "int32": "<i4", "bool": "u1"}


def _encode(x: Any) -> dict:
    a = np.asarray(x)
    if a.dtype.kind == "f":
        a, dt = a.astype("<f4"), "float32"
    elif a.dtype.kind in "iu":
        a, dt = a.astype("<i4"), "int32"
    elif a.dtype.kind == "b":
        a, dt = a.astype("u1"), "bool"
    else:
        raise TypeError(f"tfjs inputs are float32, int32 or bool, not {a.dtype}")
    return {"dtype": dt, "shape": list(a.shape), "b64": base64.b64encode(np.ascontiguousarray(a).tobytes()).decode()}


def _decode(o: dict) -> np.ndarray:
    dt = np.dtype(_JS_DTYPES.get(o["dtype"], "<f4"))
    return np.frombuffer(base64.b64decode(o["b64"]), dtype=dt).reshape(o["shape"]).copy()


def reference_predict(out_dir: Path, inputs: list) -> tuple[str, list] | None:
    """Real tfjs (Node, cpu backend) loads the export and predicts; None when node/tfjs is missing."""
    reply = run_tfjs(Path(out_dir) / MODEL_JSON, inputs)
    if reply is None:
        return None
    return reply["runtime"], reply["outputs"]


# ---------------------------------------------------------------------------
# Import
def keras2_hard_sigmoid(x: Any) -> Any:
    """Keras 2 / tfjs ``hard_sigmoid``: clip(0.2 x + 0.5, 0, 1) (Keras 3's differs, §2.3)."""
    from ..ops import math_ops as _m
    return _m.minimum(_m.maximum(_m.add(_m.multiply(x, 0.2), 0.5), 0.0), 1.0)


keras2_hard_sigmoid.__name__ = "hard_sigmoid"

_QUANT_SIZES = {"uint8": 1, "uint16": 2, "float16": 2}
_DTYPE_SIZES = {"float32": 4, "int32": 4, "bool": 1}


def _read_model_json(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"TF.js model file '{path}' does not exist") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ValueError(f"TF.js model file '{path}' cannot be read: {e}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"'{path}' is not a valid TF.js model.json (corrupt or truncated JSON: {e})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("modelTopology"), dict):
        raise ValueError(f"'{path}' is not a TF.js Layers model.json: no 'modelTopology' object")
    manifest = doc.get("weightsManifest", [])
    ok = isinstance(manifest, list) and all(
        isinstance(g, dict) and isinstance(g.get("paths"), list) and isinstance(g.get("weights"), list)
        and all(isinstance(w, dict) and isinstance(w.get("name"), str) and isinstance(w.get("shape"), list)
                and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in w["shape"])
                for w in g["weights"])
        for g in manifest)
    if not ok:
        raise ValueError(f"'{path}' has a malformed 'weightsManifest' (expected groups of "
                         "{{paths: [...], weights: [{{name, shape, dtype}}]}})")
    return doc


def _layers_of(topology: dict) -> list:
    cfg = topology.get("config")
    if isinstance(cfg, list):
        return cfg
    return cfg.get("layers", []) if isinstance(cfg, dict) else []


_BASE_LAYER_KEYS = {"name", "trainable", "dtype", "activity_regularizer", "autocast", "input_dim", "input_shape",
                    "batch_input_shape", "batch_size", "input_dtype", "weights"}


def _accepted_params(cls_name: str) -> dict | None:
    """Constructor parameters (with defaults) across the engine class's MRO, or None if the class is unknown."""
    import inspect
    from ..keras.saving.object_registry import LAYERS
    cls = LAYERS.get(cls_name)
    if cls is None:
        return None
    params: dict = {}
    for c in cls.__mro__:
        init = c.__dict__.get("__init__")
        if init is None:
            continue
        for p in inspect.signature(init).parameters.values():
            if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL) and p.name != "self":
                params.setdefault(p.name, p.default)
    return params


def _import_layer_cfg(entry: dict) -> None:
    """tfjs / Keras-2 layer config → what the engine's (Keras 3) layer classes take, in place."""
    cls, cfg = entry.get("class_name"), entry.get("config")
    if not isinstance(cfg, dict):
        return
    if cls == "LeakyReLU" and "alpha" in cfg:
        cfg["negative_slope"] = cfg.pop("alpha")
    if cls in ("GRU", "GRUCell"):
        cfg.setdefault("reset_after", False)  # tfjs only writes reset_after=false GRUs
    if cls == "RNN" and "cell" in cfg:
        cfg.pop("cells", None)  # tfjs repeats the stacked cells beside `cell`
    for k in ("layer", "cell", "backward_layer"):
        if isinstance(cfg.get(k), dict):
            _import_layer_cfg(cfg[k])
    if isinstance(cfg.get("cell"), dict) and isinstance(cfg["cell"].get("config"), dict):
        for c in cfg["cell"]["config"].get("cells") or []:
            if isinstance(c, dict):
                _import_layer_cfg(c)
    params = _accepted_params(str(cls))
    if params is not None:
        # tfjs writes Keras-2 keys Keras 3 dropped as obsolete (input_length, implementation) and null
        # for "default" (unit_forget_bias: null, mask_zero: null); the engine takes its defaults.
        import inspect
        empty = inspect.Parameter.empty
        for k in list(cfg):
            if k in _BASE_LAYER_KEYS:
                continue
            if k not in params or (cfg[k] is None and params[k] is not None and params[k] is not empty):
                del cfg[k]
    for k, v in list(cfg.items()):
        if k.endswith("_initializer") and isinstance(v, dict) and v.get("class_name") == "VarianceScaling":
            dist = (v.get("config") or {}).get("distribution")
            if dist == "truncatedNormal":
                v["config"]["distribution"] = "truncated_normal"


def _import_model_cfg(entry: dict) -> None:
    if entry.get("class_name") == "Model":  # tfjs (and Keras < 2.4) name for a Functional model
        entry["class_name"] = "Functional"
    nested: set = set()
    for sub in _layers_of(entry):
        if isinstance(sub, dict):
            if sub.get("class_name") in ("Sequential", "Functional", "Model"):
                _import_model_cfg(sub)
                nested.add(sub.get("name") or (sub.get("config") or {}).get("name"))
            else:
                _import_layer_cfg(sub)
    cfg = entry.get("config")
    if nested and isinstance(cfg, dict):
        refs = [ref for e in cfg.get("layers", []) if isinstance(e, dict)
                for node in e.get("inbound_nodes") or [] for ref in node
                if isinstance(ref, list) and ref and ref[0] in nested]
        outs = cfg.get("output_layers") or []
        refs += [r for r in (outs if outs and isinstance(outs[0], list) else [outs])
                 if isinstance(r, list) and r and r[0] in nested]
        if refs and all(int(r[1]) >= 1 for r in refs):  # Keras-2/tfjs numbering (see _shift_node_indices)
            _shift_node_indices(cfg, nested, -1)


def _import_topology(topology: dict) -> dict:
    topo = copy.deepcopy(topology)
    inner = topo.get("model_config") if isinstance(topo.get("model_config"), dict) else topo
    _import_model_cfg(inner)
    return inner


def _install_keras2_hard_sigmoid(model: Any) -> None:
    """Model JSON (tfjs / Keras 2) means Keras-2 hard_sigmoid; swap it in where the engine put Keras 3's."""
    from ..keras import activations
    seen: set = set()

    def visit(obj: Any) -> None:
        if obj is None or id(obj) in seen:
            return
        seen.add(id(obj))
        for key in ("activation", "recurrent_activation"):
            if isinstance(getattr(type(obj), key, None), property):
                continue  # e.g. LSTM.recurrent_activation reads its cell's; the cell is visited below
            if getattr(obj, key, None) is activations.hard_sigmoid:
                setattr(obj, key, keras2_hard_sigmoid)
        for sub in ("cell", "layer", "forward_layer", "backward_layer"):
            visit(getattr(obj, sub, None))
        for c in getattr(obj, "cells", None) or []:
            visit(c)

    for layer in model.layers:
        visit(layer)


def _read_weights(path: Path, doc: dict) -> tuple[list[dict], bytes]:
    specs: list = []
    chunks: list = []
    for group in doc.get("weightsManifest", []):
        specs += group["weights"]
        for p in group["paths"]:
            f = path.parent / p
            try:
                chunks.append(f.read_bytes())
            except FileNotFoundError:
                raise ValueError(f"'{path}': weight shard '{p}' listed in weightsManifest is missing") from None
            except OSError as e:
                raise ValueError(f"'{path}': weight shard '{p}' cannot be read: {e}") from None
    return specs, b"".join(chunks)


def _spec_nbytes(spec: dict) -> int:
    q = spec.get("quantization")
    count = int(np.prod(spec["shape"], dtype=np.int64)) if spec["shape"] else 1
    if isinstance(q, dict):
        size = _QUANT_SIZES.get(q.get("dtype"))
        if size is None:
            raise ValueError(f"weight '{spec['name']}': unsupported quantization dtype {q.get('dtype')!r}")
        return count * size
    size = _DTYPE_SIZES.get(spec.get("dtype", "float32"))
    if size is None:
        raise ValueError(f"weight '{spec['name']}': unsupported dtype {spec.get('dtype')!r}")
    return count * size


def _decode_weight(spec: dict, raw: bytes) -> np.ndarray:
    shape = tuple(int(d) for d in spec["shape"])
    q = spec.get("quantization")
    dtype = spec.get("dtype", "float32")
    if isinstance(q, dict):  # §1.5: value = q * scale + min, or float16 storage
        if q["dtype"] == "float16":
            arr = np.frombuffer(raw, "<f2").astype(np.float32)
        else:
            qa = np.frombuffer(raw, "<u2" if q["dtype"] == "uint16" else "u1").astype(np.float32)
            arr = qa * np.float32(q["scale"]) + np.float32(q["min"])
            if dtype == "int32":
                arr = np.round(arr)
        arr = arr.astype(np.int32 if dtype == "int32" else np.float32)
    else:
        arr = np.frombuffer(raw, {"float32": "<f4", "int32": "<i4", "bool": "u1"}[dtype]).copy()
        if dtype == "bool":
            arr = arr.astype(bool)
    return arr.reshape(shape)


def _match(name: str, targets: dict) -> str | None:
    if name in targets:
        return name
    parts = name.split("/")  # §1.5: tfjs retries without the second-to-last component
    if len(parts) >= 3:
        alt = "/".join(parts[:-2] + parts[-1:])
        if alt in targets:
            return alt
    return None


def load_layers_model(path: os.PathLike | str, custom_objects: dict | None = None) -> Any:
    """Build the model a TF.js Layers ``model.json`` describes and load its weights from the shards.

    Raises ValueError for a corrupt or truncated ``model.json``, a missing or short shard, an
    unknown layer class, a weight the model does not have or lacks, or a shape mismatch (naming the
    weight and both shapes). Nothing is returned unless every weight loaded.
    """
    from ..keras.saving.serialization import model_from_json
    path = Path(path)
    if path.is_dir():
        path = path / MODEL_JSON
    doc = _read_model_json(path)
    topology = _import_topology(doc["modelTopology"])
    try:
        model = model_from_json(topology, custom_objects=custom_objects)
    except ValueError as e:
        raise ValueError(f"'{path}': cannot build the model: {e}") from None
    except (KeyError, TypeError) as e:
        raise ValueError(f"'{path}': malformed modelTopology ({type(e).__name__}: {e})") from None
    _install_keras2_hard_sigmoid(model)
    specs, data = _read_weights(path, doc)

    targets = dict(weight_entries(model))
    assigned: dict = {}
    for spec in specs:
        key = _match(spec["name"], targets)
        if key is None:
            raise ValueError(f"'{path}': weight '{spec['name']}' has no target variable in the model "
                             f"(model weights: {sorted(targets)})")
        want = tuple(int(d) for d in targets[key].shape)
        got = tuple(int(d) for d in spec["shape"])
        if want != got:
            raise ValueError(f"'{path}': weight '{spec['name']}' has shape {list(got)} in the weights manifest "
                             f"but the model expects {list(want)}")
        if key in assigned:
            raise ValueError(f"'{path}': weight '{spec['name']}' appears twice in the weights manifest")
        assigned[key] = spec
    missing = [n for n in targets if n not in assigned]
    if missing:
        raise ValueError(f"'{path}': {len(missing)} of {len(targets)} weights are not in the weights manifest: "
                         f"{missing}")
    need = sum(_spec_nbytes(s) for s in specs)
    if len(data) != need:
        raise ValueError(f"'{path}': the weight shards hold {len(data)} bytes but the manifest describes "
                         f"{need} bytes (truncated or mismatched shards)")
    values: dict = {}
    offset = 0
    for spec in specs:
        size = _spec_nbytes(spec)
        values[_match(spec["name"], targets)] = _decode_weight(spec, data[offset:offset + size])
        offset += size
    for key, arr in values.items():
        var = targets[key]
        var.assign(arr.astype(np.dtype(var.dtype.as_numpy_dtype), copy=False))
    return model
