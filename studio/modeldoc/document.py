"""The model document: find the topology in what the client sent, build the engine model from it."""
from __future__ import annotations

from typing import Any

from engine import keras


class ModelDocumentError(ValueError):
    """A model document the engine cannot build; ``layer``/``field`` say where."""

    def __init__(self, message: str, layer: str | None = None, field: str | None = None,
                 details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.layer = layer
        self.field = field
        self.details = details

    def as_details(self) -> dict:
        """The JSON ``details`` of the API error."""
        out: dict[str, Any] = {"layer": self.layer, "field": self.field}
        if self.details is not None:
            out["info"] = self.details
        return out


def topology_of(doc: Any) -> dict:
    """The ``{"class_name", "config"}`` topology inside a model document (or a TF.js model.json)."""
    if not isinstance(doc, dict):
        raise ModelDocumentError(f"the model must be a JSON object, not {type(doc).__name__}", field="model")
    if isinstance(doc.get("modelTopology"), dict):
        doc = doc["modelTopology"]
    if isinstance(doc, dict) and isinstance(doc.get("model_config"), dict):
        doc = doc["model_config"]
    if not isinstance(doc, dict) or "class_name" not in doc or "config" not in doc:
        raise ModelDocumentError("the model needs 'class_name' and 'config' (a Keras model topology)",
                                 field="model")
    return doc


def build_model(doc: Any) -> Any:
    """Build the engine model a document describes (weights freshly initialised).

    The document is validated first (:func:`studio.modeldoc.validate_document`),
    so the error names the offending layer and field and the size limits hold;
    the model itself comes from the engine's ``model_from_json``.
    """
    from .validate import validate_document  # noqa: PLC0415 - validate imports this module

    topology = topology_of(doc)
    result = validate_document(topology)
    if not result.valid:
        raise result.first_error()
    try:
        return keras.models.model_from_json(topology)
    except Exception as exc:  # the engine's own message names the layer where it can
        raise ModelDocumentError(f"the model cannot be built: {exc}", field="model") from None
