"""Shared pytest configuration for all of tapestudio's tests.

- BLAS is pinned to one thread for the whole session (reproducible numerics,
  no oversubscription next to TensorFlow).
- ``tf_oracle``: the real TensorFlow 2.21.0, the oracle tests compare against.
  It is a hard requirement: ``bash scripts/test`` installs it.
- ``rng``: a seeded numpy Generator.
"""

from __future__ import annotations

import os
from types import ModuleType

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

# Applies to the BLAS/OpenMP libraries loaded so far (numpy's); kept alive at
# module level so the limit holds for the whole session. scripts/test also sets
# OPENBLAS_NUM_THREADS & co. for libraries loaded later.
_BLAS_LIMITS = threadpool_limits(limits=1)

TF_ORACLE_VERSION = "2.21.0"


@pytest.fixture(scope="session")
def tf_oracle() -> ModuleType:
    """The real ``tensorflow`` module (2.21.0), single-threaded."""
    try:
        import tensorflow as tf  # noqa: PLC0415 - heavy, import only when asked
    except Exception as exc:  # ImportError, or a broken install
        where = "in CI" if os.environ.get("CI") == "true" else "locally"
        pytest.fail(
            f"TensorFlow oracle missing ({where}): cannot import tensorflow "
            f"({type(exc).__name__}: {exc}). Run `bash scripts/test`, which installs "
            f"tensorflow-cpu=={TF_ORACLE_VERSION}.",
            pytrace=False,
        )
    try:
        tf.config.threading.set_inter_op_parallelism_threads(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)
    except Exception:  # RuntimeError once TF's runtime is initialised
        pass
    return tf


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh ``numpy.random.default_rng(0)`` per test."""
    return np.random.default_rng(0)
