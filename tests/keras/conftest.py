"""Fixtures for Keras tests: the real Keras 3 (TF backend) as the reference."""
from __future__ import annotations

import os
from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def real_keras(tf_oracle) -> ModuleType:
    """The real ``keras`` 3 package (installed with tensorflow-cpu)."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras  # noqa: PLC0415
    assert keras.__version__.startswith("3."), keras.__version__
    return keras


@pytest.fixture(autouse=True)
def _fresh_names(request):
    """Reset auto-naming counters in both libraries so names line up (dense, dense_1, ...)."""
    from engine.keras import backend
    backend.clear_session()
    if "real_keras" in request.fixturenames:
        import keras  # noqa: PLC0415
        keras.backend.clear_session(free_memory=False)
    yield
