"""tapestudio's web studio: the Flask + Flask-SocketIO server over the engine.

The studio drives :mod:`engine` only through its public, TensorFlow-2-style
API; the engine never imports anything from here. ``create_app(config)`` is
the application factory.
"""

from __future__ import annotations

from importlib import metadata as _metadata

try:
    __version__: str = _metadata.version("tapestudio")
except _metadata.PackageNotFoundError:  # running from a source tree, not installed
    __version__ = "0.1.0"


def create_app(config=None):  # noqa: ANN001, ANN201 - thin lazy wrapper, see studio.app
    """Build the studio's Flask app (see :func:`studio.app.create_app`)."""
    from .app import create_app as _create_app  # noqa: PLC0415 - keeps `import studio` light

    return _create_app(config)


__all__ = ["__version__", "create_app"]
