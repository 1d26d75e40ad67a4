"""``keras.models``."""
from .model import Functional, Model  # noqa: F401
from .sequential import Sequential  # noqa: F401
from ..saving.serialization import model_from_json  # noqa: F401


def load_model(filepath: str, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True):
    """Load a ``.keras`` file (Keras 3 zip) written by the engine or by real Keras, or a TF.js
    Layers ``model.json`` with its weight shards."""
    if str(filepath).endswith(".json"):
        from ...export.tfjs import load_layers_model
        return load_layers_model(filepath, custom_objects=custom_objects)
    from ..saving.keras_file import load_model as _load
    return _load(filepath, custom_objects=custom_objects, compile=compile)
