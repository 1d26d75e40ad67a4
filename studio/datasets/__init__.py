"""Datasets the studio trains on: the built-in ``sample_data`` sets and uploaded CSVs."""
from __future__ import annotations

from .csv_import import CsvError, CsvOptions, parse_options
from .options import OptionError
from .registry import BuiltinDatasetError, DatasetInUse, DatasetRegistry, UnknownDataset

__all__ = ["BuiltinDatasetError", "CsvError", "CsvOptions", "DatasetInUse", "DatasetRegistry", "OptionError",
           "UnknownDataset", "parse_options"]
