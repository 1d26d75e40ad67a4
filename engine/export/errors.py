"""Export errors that name the layer and the format."""
from __future__ import annotations


class ExportError(ValueError):
    """A model (or one of its layers) cannot be written in the requested format."""

    def __init__(self, message: str, layer: str | None = None, format: str | None = None) -> None:
        super().__init__(message)
        self.layer = layer
        self.format = format


def unsupported_layer(layer: object, format: str, why: str = "") -> ExportError:
    name = getattr(layer, "name", "?")
    cls = type(layer).__name__
    msg = f"Layer '{name}' ({cls}) cannot be exported to {format}" + (f": {why}" if why else ".")
    return ExportError(msg, layer=name, format=format)
