"""The export formats by name. Each format module provides ``write(model, out_dir, **options)``
and ``reference_predict(out_dir, inputs) -> outputs | None`` (None: its runtime is not installed)."""
from __future__ import annotations

import importlib
from types import ModuleType

FORMATS = {
    "tf_saved_model": "engine.export.saved_model",
    "tfjs": "engine.export.tfjs",
    "keras": "engine.export.keras_format",
    "python": "engine.export.python_code",
}


def get_format(name: str) -> ModuleType:
    if name not in FORMATS:
        raise ValueError(f"Unknown export format {name!r}; choose one of {sorted(FORMATS)}")
    return importlib.import_module(FORMATS[name])
