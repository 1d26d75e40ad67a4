"""The model document: the Keras-2 / TF.js topology the editor saves, turned into an engine model.

``build_model(doc)`` returns an (uncompiled) ``keras.Model`` or raises
:class:`ModelDocumentError`, whose message names the offending layer and field.
"""
from __future__ import annotations

from .document import ModelDocumentError, build_model

__all__ = ["ModelDocumentError", "build_model"]
