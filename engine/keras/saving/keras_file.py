"""The Keras 3 ``.keras`` zip: ``metadata.json``, ``config.json``, ``model.weights.h5`` (formats.md §2.1).

Saving is atomic (a temporary file renamed into place); loading a truncated or
foreign zip raises ``ValueError`` naming what is wrong.
"""
from __future__ import annotations

import datetime
import io
import json
import os
import zipfile
from typing import Any

from .serialization import deserialize_keras_object, serialize_keras_object
from .weights_io import assign, collect

KERAS_VERSION = "3.15.1"


def save_model(model: Any, filepath: str) -> None:
    """Write ``model`` (architecture, weights, compile config) as a ``.keras`` file."""
    import h5py
    if not str(filepath).endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving. Please add the `.keras` extension. "
                         f"Received: filepath={filepath}")
    config = serialize_keras_object(model)
    compile_cfg = model.get_compile_config() if getattr(model, "compiled", False) else None
    if compile_cfg is not None:
        config["compile_config"] = _jsonable(compile_cfg)
    meta = {"keras_version": KERAS_VERSION,
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for key, a in collect(model).items():
            f.create_dataset(key, data=a)
        f.create_group("vars").attrs["name"] = model.name
    tmp = f"{filepath}.tmp-{os.getpid()}"
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as z:
            z.writestr("metadata.json", json.dumps(meta))
            z.writestr("config.json", json.dumps(config))
            z.writestr("model.weights.h5", buf.getvalue())
        os.replace(tmp, filepath)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _jsonable(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    if hasattr(v, "get_config"):
        return {"class_name": type(v).__name__, "config": _jsonable(v.get_config())}
    return getattr(v, "__name__", str(v))


def load_model(filepath: str, custom_objects: dict | None = None, compile: bool = True) -> Any:
    """Read a ``.keras`` file written by the engine or by real Keras 3."""
    import h5py
    try:
        z = zipfile.ZipFile(filepath)
    except zipfile.BadZipFile:
        raise ValueError(f"'{filepath}' is not a valid .keras file (not a zip archive, or truncated).") from None
    with z:
        names = set(z.namelist())
        for required in ("config.json", "model.weights.h5"):
            if required not in names:
                raise ValueError(f"'{filepath}' is not a valid .keras file: missing '{required}'.")
        try:
            config = json.loads(z.read("config.json"))
            weights = z.read("model.weights.h5")
        except (zipfile.BadZipFile, json.JSONDecodeError, EOFError) as e:
            raise ValueError(f"'{filepath}' is corrupt: {e}") from None
    model = deserialize_keras_object(config, custom_objects)
    arrays: dict = {}
    try:
        with h5py.File(io.BytesIO(weights), "r") as f:
            def visit(name: str, item: Any) -> None:
                if isinstance(item, h5py.Dataset):
                    arrays[name] = item[()]
            f.visititems(visit)
    except OSError as e:
        raise ValueError(f"'{filepath}' has an unreadable model.weights.h5: {e}") from None
    assign(model, arrays, skip_optimizer=True)
    cc = config.get("compile_config")
    if compile and cc:
        try:
            model.compile(**{k: v for k, v in cc.items() if k in ("optimizer", "loss", "metrics", "loss_weights")
                             and v is not None})
        except (ValueError, TypeError):
            pass
    return model
