"""``keras.models``."""
from .model import Functional, Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
from ..saving.serialization import model_from_json  # noqa: F401


def load_model(filepath: str, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Load a ``.keras`` file (Keras 3 zip) written by the engine or by real Keras, a TF.js
    Layers ``model.json`` with its weight shards, or a legacy whole-model ``.h5`` / ``.hdf5``
    (Keras 2's ``model.save``, or Keras 3's ``model.save("x.h5")``)."""
    path = str(filepath)
    if path.endswith(".json"):
        from ...export.tfjs import load_layers_model
        return load_layers_model(filepath, custom_objects=custom_objects)
    if path.endswith(".weights.h5"):
        raise ValueError(f"'{path}' is a weights-only file: build the model, then call "
                         f"model.load_weights('{path}').")
    if path.endswith((".h5", ".hdf5")):
        from ..saving.legacy_h5 import load_legacy_h5_model
        return load_legacy_h5_model(path, custom_objects=custom_objects, compile=compile)
    from ..saving.keras_file import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile)
