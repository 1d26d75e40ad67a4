"""The model document: the Keras-2 / TF.js topology the editor saves, turned into an engine model.

``build_model(doc)`` returns an (uncompiled) ``keras.Model`` or raises
:class:`ModelDocumentError`, whose message names the offending layer and field.
``validate_document(doc)`` checks a document without raising: per-layer output
shapes and parameter counts, every error, suggestions (the JSON of
``POST /api/models/validate``).
"""
from __future__ import annotations

from .document import ModelDocumentError, build_model, topology_of
from .validate import Validation, validate_document

__all__ = ["ModelDocumentError", "Validation", "build_model", "topology_of", "validate_document"]
