"""tapestudio's web studio: the Flask + Flask-SocketIO server over the engine.

The studio drives :mod:`engine` only through its public, TensorFlow-2-style
API; the engine never imports anything from here.
"""

from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__: str = _metadata.version("tapestudio")
except _metadata.PackageNotFoundError:  # running from a source tree, not installed
    __version__ = "0.1.0"

__all__ = ["__version__"]
