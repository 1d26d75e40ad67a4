"""``keras.saving``: configs, JSON, weights files."""
from .object_registry import register_keras_serializable  # noqa: F401
from .serialization import deserialize_keras_object, model_from_json, serialize_keras_object  # noqa: F401
