"""Built-in datasets the studio offers without an upload, shipped as package data.

Small files (with their licences) and seeded generators: the TensorFlow
Playground 2-D sets (:mod:`sample_data.playground`), Iris and the UCI 8x8
digits. A dataset is numpy arrays plus a small JSON descriptor (task, input
shape, class names, source, licence); see :func:`load`.

    >>> import sample_data
    >>> x, y, info = sample_data.load("spiral", num_samples=500, noise=0.1, seed=1)
"""

from __future__ import annotations

import pathlib

#: Folder holding the dataset files, inside the installed package.
DATA_DIR: pathlib.Path = pathlib.Path(__file__).parent

from .loaders import DATASET_IDS, UnknownDatasetError, describe, list_datasets, load  # noqa: E402

__all__ = ["DATA_DIR", "DATASET_IDS", "UnknownDatasetError", "describe", "list_datasets", "load"]
