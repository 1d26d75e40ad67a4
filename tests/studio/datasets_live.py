"""A live studio shared by a whole test module (``tests/studio/conftest.py``'s fixtures are per test).

The dataset tests make many read-only requests; one server per module keeps
them fast. ``LiveStudio`` is conftest's class, loaded by path so that the
import does not depend on which ``conftest`` module ``sys.modules`` holds.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, Iterator

_spec = importlib.util.spec_from_file_location("_studio_conftest_for_datasets", Path(__file__).with_name("conftest.py"))
_conftest = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _conftest  # dataclasses look their module up there
_spec.loader.exec_module(_conftest)  # type: ignore[union-attr]

LiveStudio = _conftest.LiveStudio


def shared_studio(data_dir: Path, **config: Any) -> Iterator[Any]:
    """Start a studio over ``data_dir``; stop it when the generator is closed (use in a fixture)."""
    server = LiveStudio(data_dir=data_dir, config=config).start()
    try:
        yield server
    finally:
        server.stop()
