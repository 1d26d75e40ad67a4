"""One place that lists, describes and loads every dataset, built-in or uploaded."""
from __future__ import annotations

from typing import Any

import numpy as np
import sample_data

from ..store import Store


class UnknownDataset(LookupError):
    """No dataset has this id."""


class DatasetRegistry:
    """Built-in sets from :mod:`sample_data` plus the CSV uploads recorded in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def list(self) -> list[dict]:
        """Every dataset's descriptor (no arrays loaded)."""
        return sample_data.list_datasets()

    def describe(self, dataset_id: str) -> dict:
        """One descriptor; :class:`UnknownDataset` if there is none."""
        try:
            return sample_data.describe(dataset_id)
        except sample_data.UnknownDatasetError as exc:
            raise UnknownDataset(str(exc)) from None

    def load(self, dataset_id: str, options: dict | None = None) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """``(x, y, descriptor)`` for training; bad options raise ``ValueError`` naming the option."""
        try:
            return sample_data.load(dataset_id, **(options or {}))
        except sample_data.UnknownDatasetError as exc:
            raise UnknownDataset(str(exc)) from None
