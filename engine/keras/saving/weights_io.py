"""Weights files in Keras 3's ``.weights.h5`` layout (``layers/<class_name>[_k]/vars/<i>``).

Paths follow Keras 3's ``saving_lib``: the containers of Sequential/Functional
are addressed by snake-cased class names made unique in order (``dense``,
``dense_1``), not by layer names; a layer's own variables are ``vars/0..n``
in creation order; sublayers follow under their attribute names.
"""
from __future__ import annotations

import os
from typing import Any, Callable, Iterator

import numpy as np

from ..backend import to_snake_case


def _own_variables(obj: Any) -> list:
    if hasattr(obj, "_trainable_variables"):
        return list(obj._trainable_variables) + list(obj._non_trainable_variables)
    return []


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def walk(obj: Any, path: str = "", visited: set | None = None) -> Iterator[tuple]:
    """Yield ``(path, object)`` for every saveable layer, Keras 3 order and naming."""
    from ..layers.layer import Layer
    visited = set() if visited is None else visited
    if id(obj) in visited:
        return
    visited.add(id(obj))
    yield path, obj
    children: list = []
    if hasattr(obj, "_is_graph_network") or type(obj).__name__ in ("Sequential", "Functional"):
        if hasattr(obj, "layers"):
            children.append(("layers", list(obj.layers)))
    for attr in sorted(k for k in vars(obj) if not k.startswith("_")):
        value = getattr(obj, attr)
        if isinstance(value, Layer) or (isinstance(value, (list, tuple)) and any(isinstance(v, Layer) for v in value)):
            children.append((attr, value))
    for attr, value in children:
        if isinstance(value, Layer):
            yield from walk(value, f"{path}/{attr}".lstrip("/"), visited)
        else:
            used: dict = {}
            for v in value:
                if isinstance(v, Layer):
                    name = _unique(to_snake_case(type(v).__name__), used)
                    yield from walk(v, f"{path}/{attr}/{name}".lstrip("/"), visited)


def collect(model: Any) -> dict:
    """``{"<path>/vars/<i>": ndarray}`` for the model (and its optimizer, if built)."""
    out: dict = {}
    for path, obj in walk(model):
        for i, v in enumerate(_own_variables(obj)):
            out[f"{path}/vars/{i}".lstrip("/")] = np.asarray(v.numpy())
    opt = getattr(model, "optimizer", None)
    if opt is not None and getattr(opt, "built", False):
        for i, v in enumerate(opt.variables):
            out[f"optimizer/vars/{i}"] = np.asarray(v.numpy())
    return out


def assign(model: Any, arrays: dict, skip_optimizer: bool = False) -> None:
    """Assign arrays from :func:`collect`'s layout; raise naming the layer on a mismatch."""
    expected = 0
    for path, obj in walk(model):
        own = _own_variables(obj)
        for i, v in enumerate(own):
            key = f"{path}/vars/{i}".lstrip("/")
            if key not in arrays:
                raise ValueError(f"Weights file has no entry '{key}' for weight '{v.path if hasattr(v, 'path') else v.name}' "
                                 f"of layer '{obj.name}'.")
            a = np.asarray(arrays[key])
            if tuple(a.shape) != tuple(v.shape):
                raise ValueError(f"Layer '{obj.name}' weight '{getattr(v, 'path', v.name)}' expects shape "
                                 f"{tuple(v.shape)} but the file has {tuple(a.shape)} at '{key}'.")
            expected += 1
        for i, v in enumerate(own):
            v.assign(np.asarray(arrays[f"{path}/vars/{i}".lstrip("/")]).astype(v.dtype.as_numpy_dtype))
    opt = getattr(model, "optimizer", None)
    if not skip_optimizer and opt is not None and getattr(opt, "built", False):
        opt_keys = sorted((k for k in arrays if k.startswith("optimizer/vars/")), key=lambda k: int(k.rsplit("/", 1)[1]))
        if len(opt_keys) == len(opt.variables):
            for v, k in zip(opt.variables, opt_keys):
                v.assign(np.asarray(arrays[k]).astype(v.dtype.as_numpy_dtype))


def save_weights(model: Any, filepath: str) -> None:
    """Write ``*.weights.h5`` (Keras 3 layout); written to a temp file, then renamed."""
    import h5py
    if not str(filepath).endswith(".weights.h5"):
        raise ValueError(f"The filename must end in `.weights.h5`. Received: filepath={filepath}")
    tmp = f"{filepath}.tmp-{os.getpid()}"
    arrays = collect(model)
    with h5py.File(tmp, "w") as f:
        for key, a in arrays.items():
            f.create_dataset(key, data=a)
        f.create_group("vars").attrs["name"] = model.name
    os.replace(tmp, filepath)


def load_weights(model: Any, filepath: str) -> None:
    """Read a ``*.weights.h5`` written by us or by Keras 3."""
    import h5py
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"No such weights file: {filepath}")
    arrays: dict = {}
    with h5py.File(filepath, "r") as f:
        def visit(name: str, item: Any) -> None:
            if isinstance(item, h5py.Dataset):
                arrays[name] = item[()]
        f.visititems(visit)
    assign(model, arrays, skip_optimizer=True)
