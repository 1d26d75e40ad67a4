"""Built-in datasets the studio offers without an upload, shipped as package data.

Small files (with their licences) and seeded generators, e.g. the TensorFlow
Playground 2-D sets, Iris and the UCI 8x8 digits. A dataset is numpy arrays
plus a small JSON descriptor (task, input shape, class names).
"""

from __future__ import annotations

import pathlib

#: Folder holding the dataset files, inside the installed package.
DATA_DIR: pathlib.Path = pathlib.Path(__file__).parent

__all__ = ["DATA_DIR"]
