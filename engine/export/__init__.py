"""Model exports: TF SavedModel, TF.js Layers, Keras ``.keras``, Python code — each with a parity report.

``export_model(model, path, format)`` writes into a temporary sibling
directory and renames it into place, so a failed export leaves nothing behind;
every export carries ``parity.json`` (see :mod:`.parity`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .atomic import atomic_directory
from .errors import ExportError
from .registry import FORMATS, get_format

__all__ = ["export_model", "ExportError", "FORMATS"]


def export_model(model: Any, filepath: Any, format: str = "tf_saved_model", verify: bool = True,
                 **options: Any) -> dict:
    """Write ``model`` to ``filepath`` in ``format``; returns the parity report (also in parity.json)."""
    from .parity import write_parity_report
    fmt = get_format(format)
    version = options.pop("serving_version", None)
    if version is not None:
        # TF Serving layout <base>/<version>/: replace only this version, keep the others.
        if isinstance(version, bool) or not isinstance(version, int) or version < 0:
            raise ValueError(f"serving_version must be a non-negative integer (TF Serving's version "
                             f"directory); received {version!r}")
        filepath = Path(filepath) / str(int(version))
    with atomic_directory(filepath) as tmp:
        fmt.write(model, tmp, **options)
        report = write_parity_report(model, tmp, fmt, verify=verify, format_name=format)
    return report
