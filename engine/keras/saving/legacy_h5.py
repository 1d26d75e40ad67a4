"""Legacy (Keras 1/2, and Keras 3 ``model.save("x.h5")``) HDF5 files.

Layout (``formats.md`` §2.3; Keras's ``legacy_h5_format``):

* whole model: root attrs ``model_config`` (JSON), ``keras_version``, ``backend``
  [, ``training_config``]; group ``model_weights`` holding the weights below;
* weights (the root of a weights-only file, or ``model_weights``): attr
  ``layer_names`` (possibly chunked as ``layer_names0``, ``layer_names1``…), one group
  per layer with attr ``weight_names`` and a dataset per name, e.g.
  ``dense/dense/kernel:0`` (Keras 2) or ``dense/dense/kernel`` (Keras 3); a nested
  model's group holds its sublayers' weights (``inner/inner/dense/kernel``); an
  optional ``top_level_model_weights`` group holds the model's own variables.

Layers are matched **by name** (falling back to topological order, as Keras's
default ``load_weights`` does, when the names differ but the number of layers with
weights agrees); weights within a layer are matched **by order**, the legacy order
being ``trainable_weights + non_trainable_weights`` (= ``layer.weights`` for built-in
layers).  Every shape is checked before anything is assigned, so a failed load leaves
the model untouched.  Corrupt or truncated files raise ``ValueError`` naming the path.
"""
from __future__ import annotations

import json
import os
import warnings
from typing import Any

import numpy as np

TOP_LEVEL = "top_level_model_weights"


# ---------------------------------------------------------------------------
# Reading
def _text(v: Any) -> str:
    return v.decode("utf8") if isinstance(v, (bytes, np.bytes_)) else str(v)


def _attr_list(obj: Any, name: str) -> list[str]:
    """A string-list attribute, joining Keras's chunked form (``name0``, ``name1``, …)."""
    if name in obj.attrs:
        return [_text(n) for n in np.atleast_1d(obj.attrs[name]).tolist()]
    out: list[str] = []
    k = 0
    while f"{name}{k}" in obj.attrs:
        out += [_text(n) for n in np.atleast_1d(obj.attrs[f"{name}{k}"]).tolist()]
        k += 1
    return out


def _has_attr_list(obj: Any, name: str) -> bool:
    return name in obj.attrs or f"{name}0" in obj.attrs


def _open(path: str) -> Any:
    import h5py
    if not os.path.exists(path):
        raise FileNotFoundError(f"No such file: '{path}'")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise ValueError(f"'{path}' is not a readable HDF5 file (corrupt or truncated): {e}") from None


def _read_group(path: str, group: Any) -> tuple[list[tuple[str, list[tuple[str, np.ndarray]]]], list]:
    """``([(layer name, [(weight name, array)])], top-level [(weight name, array)])`` of a weights group."""
    import h5py
    if not _has_attr_list(group, "layer_names"):
        raise ValueError(f"'{path}' is not a legacy Keras weights file: group '{group.name}' has no "
                         f"'layer_names' attribute")

    def arrays(g: Any, where: str) -> list[tuple[str, np.ndarray]]:
        out = []
        for wn in _attr_list(g, "weight_names"):
            if wn not in g or not isinstance(g[wn], h5py.Dataset):
                raise ValueError(f"'{path}': {where} lists weight '{wn}' but the file has no dataset for it")
            out.append((wn, np.asarray(g[wn][()])))
        return out

    layers = []
    for name in _attr_list(group, "layer_names"):
        if name not in group or not isinstance(group[name], h5py.Group):
            raise ValueError(f"'{path}': layer '{name}' is listed in 'layer_names' but has no group")
        layers.append((name, arrays(group[name], f"layer '{name}'")))
    top = arrays(group[TOP_LEVEL], "top-level model weights") if TOP_LEVEL in group else []
    return layers, top


def _guarded(path: str, fn: Any, *args: Any) -> Any:
    """Run a reader; turn HDF5 low-level failures (truncated data, bad headers) into ValueError."""
    try:
        return fn(*args)
    except (OSError, RuntimeError, KeyError) as e:
        raise ValueError(f"'{path}' is corrupt or truncated: {type(e).__name__}: {e}") from None


# ---------------------------------------------------------------------------
# Matching and assigning
def _legacy_weights(layer: Any) -> list:
    """Keras's legacy h5 weight order: trainable weights, then non-trainable ones."""
    return list(layer.trainable_weights) + list(layer.non_trainable_weights)


def _owners(layer: Any, prefix: str = "") -> dict:
    """``id(variable) → 'sub/layer'`` for the (possibly nested) layer's weights, for error messages."""
    out: dict = {}
    subs = getattr(layer, "layers", None) if hasattr(layer, "_run_nodes") or type(layer).__name__ == "Sequential" \
        else None
    if subs:
        for sub in subs:
            out.update(_owners(sub, f"{prefix}{layer.name}/"))
    for v in layer.weights:
        out.setdefault(id(v), f"{prefix}{layer.name}")
    return out


def _describe(layer: Any, v: Any, owners: dict) -> str:
    owner = owners.get(id(v), layer.name)
    sub = f" (sublayer '{owner}')" if owner != layer.name else ""
    return f"layer '{layer.name}'{sub} weight '{getattr(v, 'name', '?')}'"


def _pair_layers(path: str, model: Any, file_layers: list, by_name: bool | None) -> list[tuple[Any, str, list]]:
    """``[(model layer, file layer name, [(weight name, array)])]`` for every layer with weights."""
    file_w = [(n, ws) for n, ws in file_layers if ws]
    model_w = [l for l in model.layers if _legacy_weights(l)]
    by = {}
    for l in model.layers:
        by.setdefault(l.name, l)
    unknown = [n for n, _ in file_w if n not in by]
    file_names = {n for n, _ in file_w}
    missing = [l.name for l in model_w if l.name not in file_names]
    if by_name:  # Keras's by_name=True: layers without a match are skipped
        return [(by[n], n, ws) for n, ws in file_w if n in by]
    if not unknown and not missing:
        return [(by[n], n, ws) for n, ws in file_w]
    if by_name is None and len(file_w) == len(model_w):
        # The names differ (e.g. auto-generated names of a model rebuilt in code): topological order.
        return [(l, n, ws) for l, (n, ws) in zip(model_w, file_w)]
    parts = []
    if unknown:
        parts.append(f"the file has weights for layer(s) {unknown} that the model does not have")
    if missing:
        parts.append(f"model layer(s) {missing} have weights but the file has none for them")
    raise ValueError(f"'{path}': cannot match layers by name: {'; '.join(parts)} "
                     f"(the file has {len(file_w)} layers with weights, the model {len(model_w)}).")


def _plan(path: str, model: Any, file_layers: list, top: list, by_name: bool | None,
          skip_mismatch: bool) -> list[tuple[Any, np.ndarray]]:
    plan: list = []
    for layer, fname, ws in _pair_layers(path, model, file_layers, by_name):
        expected = _legacy_weights(layer)
        owners = _owners(layer)
        if len(expected) != len(ws):
            msg = (f"'{path}': layer '{layer.name}' has {len(expected)} weight(s) "
                   f"{[getattr(v, 'name', '?') for v in expected]} but the file has {len(ws)} for layer "
                   f"'{fname}': {[n for n, _ in ws]}")
            if skip_mismatch:
                warnings.warn(f"Skipping {msg}", stacklevel=3)
                continue
            raise ValueError(msg)
        bad = [(v, wn, a) for v, (wn, a) in zip(expected, ws) if tuple(a.shape) != tuple(v.shape)]
        if bad:
            v, wn, a = bad[0]
            msg = (f"'{path}': {_describe(layer, v, owners)} expects shape {tuple(int(d) for d in v.shape)} "
                   f"but the file has shape {tuple(a.shape)} (file weight '{fname}/{wn}')")
            if skip_mismatch:
                warnings.warn(f"Skipping {msg}", stacklevel=3)
                continue
            raise ValueError(msg)
        plan += [(v, a) for v, (_, a) in zip(expected, ws)]
    if top:
        own = [v for v in list(getattr(model, "_trainable_variables", [])) +
               list(getattr(model, "_non_trainable_variables", []))]
        if len(own) != len(top) or any(tuple(a.shape) != tuple(v.shape) for v, (_, a) in zip(own, top)):
            msg = (f"'{path}': the file has top-level model weights {[(n, a.shape) for n, a in top]} but the "
                   f"model's own weights are {[(getattr(v, 'name', '?'), tuple(v.shape)) for v in own]}")
            if not skip_mismatch:
                raise ValueError(msg)
            warnings.warn(f"Skipping {msg}", stacklevel=3)
        else:
            plan += [(v, a) for v, (_, a) in zip(own, top)]
    return plan


def _assign(plan: list) -> None:
    for v, a in plan:
        v.assign(np.asarray(a).astype(v.dtype.as_numpy_dtype))


def _weights_group(path: str, f: Any) -> Any:
    if _has_attr_list(f, "layer_names"):
        return f
    if "model_weights" in f and _has_attr_list(f["model_weights"], "layer_names"):
        return f["model_weights"]
    return None


def is_keras3_weights_file(f: Any) -> bool:
    """A Keras 3 ``.weights.h5`` layout (``layers/…/vars/<i>``), whatever the file is called."""
    return not _has_attr_list(f, "layer_names") and "model_weights" not in f and ("layers" in f or "vars" in f)


# ---------------------------------------------------------------------------
# Public API
def load_legacy_h5_weights(model: Any, path: str, skip_mismatch: bool = False, by_name: bool | None = None) -> None:
    """Load a legacy weights-only ``.h5`` (or the ``model_weights`` of a whole-model ``.h5``) into ``model``.

    ``by_name=None`` (default) matches layers by name and falls back to topological order when the
    names differ but the counts agree; ``True`` loads only layers whose names match; ``False`` is
    purely topological.  A Keras 3 ``.weights.h5`` layout under another name is delegated.
    """
    path = str(path)
    with _open(path) as f:
        group = _guarded(path, _weights_group, path, f)
        keras3 = group is None and _guarded(path, is_keras3_weights_file, f)
        if group is not None:
            file_layers, top = _guarded(path, _read_group, path, group)
    if keras3:
        from .weights_io import load_weights
        load_weights(model, path)
        return
    if group is None:
        raise ValueError(f"'{path}' is not a legacy Keras weights file: no 'layer_names' attribute at the root "
                         f"or in 'model_weights'")
    if by_name is False:
        file_w = [(n, ws) for n, ws in file_layers if ws]
        model_w = [l for l in model.layers if _legacy_weights(l)]
        if len(file_w) != len(model_w):
            raise ValueError(f"'{path}': layer count mismatch: the model has {len(model_w)} layers with weights, "
                             f"the file {len(file_w)}")
        file_layers = [(l.name, ws) for l, (_, ws) in zip(model_w, file_w)]
    _assign(_plan(path, model, file_layers, top, by_name, skip_mismatch))


def _model_from_legacy_config(path: str, config: Any, keras_version: str, custom_objects: dict | None) -> Any:
    """Build the model of a legacy ``model_config`` (Keras 2 form, or Keras 3's legacy-h5 form)."""
    from ...export.tfjs import _import_topology, _install_keras2_hard_sigmoid
    from .serialization import model_from_json, normalize_config
    try:
        topology = _import_topology(normalize_config(config))
        model = model_from_json(topology, custom_objects=custom_objects)
    except (KeyError, TypeError, IndexError) as e:
        raise ValueError(f"'{path}': malformed model_config ({type(e).__name__}: {e})") from None
    except ValueError as e:
        raise ValueError(f"'{path}': cannot build the model: {e}") from None
    if keras_version.split(".")[0] in ("1", "2"):
        # Keras 1/2 hard_sigmoid is clip(0.2x+0.5, 0, 1), not Keras 3's relu6(x+3)/6 (formats.md §2.3).
        def install(m: Any) -> None:
            _install_keras2_hard_sigmoid(m)
            for sub in m.layers:
                if hasattr(sub, "_run_nodes") or type(sub).__name__ == "Sequential":
                    install(sub)
        install(model)
    return model


def _read_model_file(path: str, f: Any) -> tuple[Any, str, Any]:
    raw = f.attrs.get("model_config")
    if raw is None:
        hint = " (it looks like a weights-only file: build the model and call model.load_weights)" \
            if _has_attr_list(f, "layer_names") else ""
        raise ValueError(f"'{path}' has no 'model_config' attribute: not a whole-model legacy Keras .h5 file{hint}")
    try:
        config = json.loads(_text(raw))
    except json.JSONDecodeError as e:
        raise ValueError(f"'{path}': model_config is not valid JSON: {e}") from None
    if "model_weights" not in f:
        raise ValueError(f"'{path}' has no 'model_weights' group: not a whole-model legacy Keras .h5 file")
    version = _text(f.attrs.get("keras_version", f["model_weights"].attrs.get("keras_version", "1")))
    training = f.attrs.get("training_config")
    training = json.loads(_text(training)) if training is not None else None
    return config, version, training


def load_legacy_h5_model(path: str, custom_objects: dict | None = None, compile: bool = True) -> Any:
    """Load a whole-model legacy ``.h5`` (``model.save("x.h5")`` in Keras 2, or in Keras 3)."""
    path = str(path)
    with _open(path) as f:
        config, version, training = _guarded(path, _read_model_file, path, f)
        file_layers, top = _guarded(path, _read_group, path, f["model_weights"])
    model = _model_from_legacy_config(path, config, version, custom_objects)
    _assign(_plan(path, model, file_layers, top, None, False))
    if compile and training:
        _compile(model, training)
    return model


def _compile(model: Any, training: dict) -> None:
    """Best effort, like Keras: compile with the saved optimizer / loss / metrics; skip what we can't read."""
    from .. import optimizers
    kwargs: dict = {}
    try:
        opt = training.get("optimizer_config")
        kwargs["optimizer"] = optimizers.deserialize(opt) if isinstance(opt, dict) else "rmsprop"
    except (ValueError, TypeError, KeyError):
        kwargs["optimizer"] = "rmsprop"
    for k in ("loss", "metrics", "loss_weights", "weighted_metrics"):
        if training.get(k) is not None:
            kwargs[k] = training[k]
    try:
        model.compile(**kwargs)
    except (ValueError, TypeError, KeyError):
        try:
            model.compile(optimizer=kwargs["optimizer"], loss=kwargs.get("loss"))
        except (ValueError, TypeError, KeyError):
            warnings.warn("The legacy .h5 file's training_config could not be restored; the model is not "
                          "compiled.", stacklevel=3)
