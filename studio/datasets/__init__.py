"""Datasets the studio trains on: the built-in ``sample_data`` sets and uploaded CSVs."""
from __future__ import annotations

from .registry import DatasetRegistry, UnknownDataset

__all__ = ["DatasetRegistry", "UnknownDataset"]
