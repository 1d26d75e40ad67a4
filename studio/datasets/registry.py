"""One place that lists, describes, loads, previews, imports and deletes datasets.

Built-in sets come from :mod:`sample_data`; uploaded CSVs are rows in the
store (their descriptor) plus ``data.npz`` (``x``, ``y``; read with
``allow_pickle=False``) and ``preview.json`` (the first rows as uploaded)
under ``store.artifact_dir("datasets", id)``.

Every descriptor has the same shape: ``id``, ``name``, ``task``, ``kind``
(``points`` | ``image`` | ``table`` | ``text`` | ``sequence``), ``input_shape``,
``num_classes``, ``class_names``, ``size``, ``source`` (``"builtin"`` or
``"upload"``), ``options`` (the JSON-schema-like spec of the options
:meth:`DatasetRegistry.load` takes), ``description``, ``license`` and more
(``provenance``/``citation`` for built-ins; ``features``, ``label``,
``validation_split``, ``report`` for uploads). Sets stored as files (digits,
iris, uploads) take ``shuffle`` (default true) and ``seed``: iris and many
CSVs are sorted by class, and Keras's ``validation_split`` takes the last
rows, so they are shuffled once, reproducibly, by default.
"""
from __future__ import annotations

import json
import shutil
from typing import Any, Mapping

import numpy as np
import sample_data

from ..store import LIVE_STATUSES, Store, new_id
from . import options as opts
from .csv_import import CsvImport, CsvOptions, import_csv
from .previews import build_preview, limits_for

_LEADING = ("id", "name", "task", "kind", "input_shape", "num_classes", "class_names", "size", "source",
            "options", "description", "license")
_SHUFFLE_OPTIONS = {
    "shuffle": {"type": "boolean", "default": True,
                "description": "Shuffle the rows once (reproducibly, by seed) before training"},
    "seed": {"type": "integer", "default": 0, "minimum": 0, "maximum": 2**32 - 1,
             "description": "Seed of the shuffle"},
}


class UnknownDataset(LookupError):
    """No dataset has this id."""


class BuiltinDatasetError(ValueError):
    """A built-in dataset cannot be changed or deleted."""


class DatasetInUse(ValueError):
    """A live run uses this dataset."""


def _ordered(descriptor: dict) -> dict:
    out = {key: descriptor.get(key) for key in _LEADING}
    out.update((k, v) for k, v in descriptor.items() if k not in out)
    return out


def _builtin_descriptor(raw: dict) -> dict:
    d = dict(raw)
    d["provenance"] = d.pop("source", None)
    d.pop("files", None)
    d.pop("options", None)
    schema = d.pop("parameters", None)
    d["options"] = schema if schema is not None else {k: dict(v) for k, v in _SHUFFLE_OPTIONS.items()}
    d["source"] = "builtin"
    d.setdefault("generated", False)
    return _ordered(d)


def _shuffled(x: np.ndarray, y: np.ndarray, used: dict) -> tuple[np.ndarray, np.ndarray]:
    if not used.get("shuffle"):
        return x, y
    order = np.random.default_rng(used["seed"]).permutation(len(x))
    return x[order], y[order]


class DatasetRegistry:
    """Built-in sets from :mod:`sample_data` plus the CSV uploads recorded in the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- describing -----------------------------------------------------------------------
    def is_builtin(self, dataset_id: str) -> bool:
        """True for the ids of :mod:`sample_data`."""
        return dataset_id in sample_data.DATASET_IDS

    def list(self) -> list[dict]:
        """Every dataset's descriptor (no arrays loaded): built-ins, then uploads oldest first."""
        builtins = [_builtin_descriptor(d) for d in sample_data.list_datasets()]
        return builtins + [self._upload_descriptor(row) for row in self.store.list_datasets()]

    def describe(self, dataset_id: str) -> dict:
        """One descriptor; :class:`UnknownDataset` if there is none."""
        if self.is_builtin(dataset_id):
            return _builtin_descriptor(sample_data.describe(dataset_id))
        row = self.store.get_dataset(dataset_id) if isinstance(dataset_id, str) else None
        if row is None:
            raise UnknownDataset(f"no dataset with id {dataset_id!r}")
        return self._upload_descriptor(row)

    def _upload_descriptor(self, row: dict) -> dict:
        d = dict(row["descriptor"])
        d["id"] = row["id"]
        d["created_at"] = row["created_at"]
        return _ordered(d)

    # -- loading ----------------------------------------------------------------------------
    def check_options(self, dataset_id: str, options: Mapping[str, Any] | None) -> dict:
        """The dataset's options with defaults filled in; ``OptionError`` (a ``ValueError``) naming a bad one."""
        return opts.validate(self.describe(dataset_id)["options"], options, dataset_id)

    def load(self, dataset_id: str, options: Mapping[str, Any] | None = None
             ) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
        """``(x, y, descriptor)`` for training; the descriptor's ``options_used`` lists the options applied.

        Bad options raise :class:`~studio.datasets.options.OptionError` (a
        ``ValueError``) naming the option; unknown ids :class:`UnknownDataset`.
        """
        descriptor = self.describe(dataset_id)
        used = opts.validate(descriptor["options"], options, dataset_id)
        if descriptor["source"] == "builtin":
            if descriptor.get("generated"):
                x, y, loaded = sample_data.load(dataset_id, **used)
                descriptor["size"] = loaded["size"]
            else:
                x, y, _ = sample_data.load(dataset_id)
                x, y = _shuffled(x, y, used)
        else:
            x, y = self._read_arrays(dataset_id)
            x, y = _shuffled(x, y, used)
        descriptor["options_used"] = used
        return x, y, descriptor

    def _read_arrays(self, dataset_id: str) -> tuple[np.ndarray, np.ndarray]:
        path = self.store.artifact_dir("datasets", dataset_id) / "data.npz"
        try:
            with np.load(path, allow_pickle=False) as arrays:
                return arrays["x"], arrays["y"]
        except FileNotFoundError:
            raise UnknownDataset(f"the data of uploaded dataset {dataset_id!r} is missing from the data "
                                 "directory; delete it and upload the file again") from None

    def preview(self, dataset_id: str, options: Mapping[str, Any] | None = None,
                limit: int | None = None) -> dict:
        """A JSON preview (see :mod:`studio.datasets.previews`); ``limit`` defaults by kind."""
        x, y, descriptor = self.load(dataset_id, options)
        default, _ = limits_for(descriptor.get("kind", "table"))
        raw = self._raw_rows(dataset_id) if descriptor["source"] == "upload" else None  # rows as uploaded
        return build_preview(x, y, descriptor, default if limit is None else limit, raw)

    def _raw_rows(self, dataset_id: str) -> dict | None:
        path = self.store.artifact_dir("datasets", dataset_id) / "preview.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None

    # -- uploads ----------------------------------------------------------------------------
    def add_upload(self, data: bytes, options: CsvOptions, filename: str | None = None) -> dict:
        """Import a CSV (``CsvError`` if it can't be), store it, return its descriptor with ``report``."""
        result: CsvImport = import_csv(data, options, filename)
        dataset_id = new_id()
        folder = self.store.artifact_dir("datasets", dataset_id)
        try:
            with open(folder / "data.npz", "wb") as fh:
                np.savez_compressed(fh, x=result.x, y=result.y)
            (folder / "preview.json").write_text(json.dumps(result.preview, ensure_ascii=False), encoding="utf-8")
            described = result.descriptor
            label = described["label_name"]
            descriptor = {
                **described,
                "source": "upload",
                "options": {k: dict(v) for k, v in _SHUFFLE_OPTIONS.items()},
                "description": (f"Uploaded CSV{' ' + repr(described['filename']) if described['filename'] else ''}:"
                                f" {described['size']} rows, {described['input_shape'][0]} encoded features,"
                                f" {described['task']} of {label!r}"),
                "license": None,
                "generated": False,
                "report": result.report,
            }
            self.store.add_dataset(dataset_id, descriptor["name"], descriptor)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return self.describe(dataset_id)

    def delete(self, dataset_id: str) -> None:
        """Delete an upload and its files; built-ins raise :class:`BuiltinDatasetError`."""
        if self.is_builtin(dataset_id):
            raise BuiltinDatasetError(f"{dataset_id!r} is a built-in dataset; only uploads can be deleted")
        if self.store.get_dataset(dataset_id) is None:
            raise UnknownDataset(f"no dataset with id {dataset_id!r}")
        live = [run["id"] for run in self.store.list_runs()
                if run["status"] in LIVE_STATUSES and _dataset_id_of(run.get("dataset")) == dataset_id]
        if live:
            raise DatasetInUse(f"dataset {dataset_id!r} is used by the live run(s) {', '.join(live)}; "
                               "stop them first")
        self.store.delete_dataset(dataset_id)
        shutil.rmtree(self.store.artifact_dir("datasets", dataset_id), ignore_errors=True)


def _dataset_id_of(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value
