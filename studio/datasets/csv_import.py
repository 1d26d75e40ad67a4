"""Turn an uploaded CSV file into training arrays, a descriptor and a report.

:func:`parse_options` checks the upload options, :func:`import_csv` does the
work (pure: bytes in, arrays out; nothing is stored here) with the text-level
steps in :mod:`.csv_read`. The rules:

- Text: UTF-8 (a BOM is fine). NUL bytes mean a binary file; other encodings
  are refused with the offending byte's offset and line.
- Delimiter: ``csv.Sniffer`` over the first 64 KiB among ``, ; TAB |`` (or the
  ``delimiter`` option), checked against the rows; ``,`` when nothing fits.
- Header (``header=auto``): the first row is a header when some column is
  numeric in the rows below but not in the first row; a first row of numbers
  only is data; when every column is text, it is a header if none of its
  values recurs below while the columns' values do, else
  ``csv.Sniffer().has_header`` decides. Headerless columns are named ``column_1``, ``column_2``, ...
- Rows: blank rows are skipped; every other row must have as many fields as
  the header (ragged rows are refused, naming the lines).
- Columns: numeric when every present value is a plain decimal number;
  mostly numeric (≥ 80 %) with a few text values is a mistake, refused
  naming the column, line and value; anything else is categorical and is
  one-hot encoded (categories sorted, listed in the descriptor). A feature
  column with more than :data:`MAX_CATEGORIES` distinct values (names, ids)
  or with no values at all is dropped and reported.
- Missing values (empty, ``NA``, ``N/A``, ``NaN``, ``null``, ``None``, ``?``) are
  reported per column (count and first lines). Policy ``missing=``:
  ``impute`` (default; numeric → column mean, categorical → most frequent
  value), ``drop`` (drop those rows) or ``reject`` (400). A row whose label is
  missing is always dropped (unless ``reject``).
- Label: a column name, or an index (0-based, negative from the end);
  default the last column. ``task=auto`` → classification for text labels
  or integer labels with at most 20 distinct values, else regression.
  Classification: int32 class ids over the sorted distinct values, with
  ``class_names``; regression: float32 (numeric labels only).
- Features are float32 ``(rows, encoded features)``, as uploaded (not scaled).
"""
from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from .csv_read import (MAX_CELLS, MAX_COLUMNS, MISSING_TOKENS, REPORT_LINES, CsvError, all_numbers,
                       check_ragged, choose_delimiter, column_names, decode_text, detect_header, is_missing,
                       is_number, missing_mask, read_rows)

__all__ = ["CsvError", "CsvImport", "CsvOptions", "MAX_CELLS", "MAX_COLUMNS", "MISSING_TOKENS", "OPTION_SPECS",
           "import_csv", "parse_options"]

#: Encoding limits (the reading limits are in :mod:`.csv_read`).
MAX_CATEGORIES = 50
MAX_CLASSES = 200
AUTO_CLASSIFY_MAX_CLASSES = 20
#: Raw rows kept for the preview.
PREVIEW_ROWS = 1000
MAX_NAME_LENGTH = 100

#: The upload options: name → JSON-schema-like spec (also used for the OpenAPI document).
OPTION_SPECS: dict[str, dict] = {
    "name": {"type": "string", "maxLength": MAX_NAME_LENGTH,
             "description": "Display name (default: the file name); control characters become spaces"},
    "label": {"type": "string", "description": "Label column: a column name, or an index (0-based, negative "
                                                "counts from the end); default the last column"},
    "task": {"type": "string", "enum": ["auto", "classification", "regression"], "default": "auto"},
    "validation_split": {"type": "number", "minimum": 0, "maximum": 0.9, "default": 0.2,
                         "description": "Fraction held out for validation, stored as the dataset's default"},
    "header": {"type": "string", "enum": ["auto", "true", "false"], "default": "auto"},
    "missing": {"type": "string", "enum": ["impute", "drop", "reject"], "default": "impute",
                "description": "What to do with missing feature values"},
    "delimiter": {"type": "string", "enum": ["auto", ",", ";", "tab", "|"], "default": "auto"},
}


@dataclass(frozen=True)
class CsvOptions:
    """Checked upload options (see :data:`OPTION_SPECS`)."""

    name: str | None = None
    label: str | None = None
    task: str = "auto"
    validation_split: float = 0.2
    header: str = "auto"
    missing: str = "impute"
    delimiter: str = "auto"


@dataclass
class CsvImport:
    """The result: arrays, descriptor fields, the report and raw rows for previews."""

    x: np.ndarray
    y: np.ndarray
    descriptor: dict
    report: dict
    preview: dict = field(default_factory=dict)


def parse_options(raw: Mapping[str, str]) -> CsvOptions:
    """Check text options (form fields or query); :class:`CsvError` naming a bad one."""
    unknown = sorted(set(raw) - set(OPTION_SPECS))
    if unknown:
        raise CsvError(f"unknown upload option {unknown[0]!r}; options are: {', '.join(OPTION_SPECS)}",
                       {"option": unknown[0]})
    values: dict[str, Any] = {}
    for name, text in raw.items():
        spec = OPTION_SPECS[name]
        text = str(text).strip()
        if "enum" in spec:
            text = text.lower()
            if text not in spec["enum"]:
                raise CsvError(f"option {name!r} must be one of {', '.join(spec['enum'])}, got {text!r}",
                               {"option": name})
            values[name] = text
        elif spec["type"] == "number":
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not spec["minimum"] <= number <= spec["maximum"]:
                raise CsvError(f"option {name!r} must be a number from {spec['minimum']} to {spec['maximum']}, "
                               f"got {text!r}", {"option": name})
            values[name] = number
        elif name == "name":
            if len(str(raw[name])) > MAX_NAME_LENGTH:
                raise CsvError(f"option 'name' must be at most {MAX_NAME_LENGTH} characters", {"option": name})
            cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
            values[name] = cleaned or None  # blank: named after the file
        else:
            values[name] = text
    return CsvOptions(**values)


# -- columns ----------------------------------------------------------------------------------


@dataclass
class _Column:
    name: str
    index: int
    cells: Sequence[str]
    missing: np.ndarray  # bool per row
    kind: str = ""  # numeric | categorical | empty
    values: np.ndarray | None = None  # float64 for numeric (NaN where missing)
    categories: list[str] = field(default_factory=list)


def _classify_column(col: _Column, lines: list[int], is_label: bool) -> None:
    present_index = np.flatnonzero(~col.missing)
    if not len(present_index):
        col.kind = "empty"
        return
    present_cells = [col.cells[i] for i in present_index] if col.missing.any() else list(col.cells)
    if all_numbers(present_cells):
        values = np.full(len(col.cells), np.nan)
        values[present_index] = np.fromiter(map(float, present_cells), dtype=np.float64, count=len(present_cells))
        overflow = np.flatnonzero(np.abs(np.nan_to_num(values, nan=0.0)) > 3.4e38)
        if len(overflow):
            i = int(overflow[0])
            raise CsvError(f"column {col.name!r}, line {lines[i]}: the value {col.cells[i]!r} is out of range "
                           f"for float32", {"column": col.name, "line": lines[i], "value": col.cells[i]})
        col.kind, col.values = "numeric", values
        return
    present = list(zip(present_index.tolist(), present_cells))
    text = [(i, c) for i, c in present if not is_number(c)]
    if len(present) - len(text) >= 0.8 * len(present):
        i, value = text[0]
        raise CsvError(
            f"column {col.name!r} is numeric but line {lines[i]} has the text {value!r}"
            + (f" (and {len(text) - 1} more text value{'s' if len(text) > 2 else ''})" if len(text) > 1 else "")
            + "; fix or remove those values (or leave them empty to mark them missing)",
            {"column": col.name, "line": lines[i], "value": value,
             "text_values": [{"line": lines[k], "value": v} for k, v in text[:REPORT_LINES]],
             "count": len(text)})
    col.kind = "categorical"
    col.categories = sorted(set(present_cells))


def _resolve_label(names: list[str], option: str | None) -> int:
    if option is None or option == "":
        return len(names) - 1
    if option in names:
        return names.index(option)
    if re.fullmatch(r"[+-]?\d+", option):
        index = int(option)
        if -len(names) <= index < len(names):
            return index % len(names)
        raise CsvError(f"label column index {index} is out of range: the file has {len(names)} columns "
                       f"(0 to {len(names) - 1}, or negative from the end)", {"option": "label"})
    raise CsvError(f"label column {option!r} not found; the columns are: {', '.join(names)}",
                   {"option": "label", "columns": names})


def _missing_lines(col: _Column, lines: list[int]) -> list[int]:
    return [lines[i] for i in np.flatnonzero(col.missing)[:REPORT_LINES]]


def _label_target(col: _Column, task: str, lines: list[int]) -> tuple[str, np.ndarray, list[str] | None, str]:
    """``(task, y, class_names, how the task was chosen)`` over the rows kept."""
    how = "option"
    if task == "auto":
        if col.kind == "categorical":
            task, how = "classification", "the label column has text values"
        else:
            distinct = np.unique(col.values)
            if np.all(distinct == np.round(distinct)) and len(distinct) <= AUTO_CLASSIFY_MAX_CLASSES:
                task, how = "classification", f"the label has {len(distinct)} distinct whole numbers"
            else:
                task, how = "regression", "the label is numeric with fractional or many distinct values"
    if task == "regression":
        if col.kind != "numeric":
            i = next(k for k, c in enumerate(col.cells) if not is_number(c))
            raise CsvError(f"label column {col.name!r} has text values ({col.cells[i]!r} on line {lines[i]}); "
                           "regression needs numbers — use task=classification",
                           {"column": col.name, "line": lines[i], "value": col.cells[i]})
        return task, col.values.astype(np.float32), None, how
    if col.kind == "numeric":
        distinct = np.unique(col.values)
        names = [_number_name(v) for v in distinct]
        y = np.searchsorted(distinct, col.values).astype(np.int32)
    else:
        names = col.categories
        index = {c: k for k, c in enumerate(names)}
        y = np.array([index[c] for c in col.cells], np.int32)
    if len(names) < 2:
        raise CsvError(f"label column {col.name!r} has a single class ({names[0]!r}); classification needs "
                       "at least 2", {"column": col.name, "classes": names})
    if len(names) > MAX_CLASSES:
        raise CsvError(f"label column {col.name!r} has {len(names)} classes (at most {MAX_CLASSES}); "
                       "use task=regression for a numeric target", {"column": col.name, "classes": len(names)})
    return task, y, names, how


def _number_name(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _subset(col: _Column, keep: np.ndarray) -> _Column:
    if keep.all():
        return col
    return _Column(col.name, col.index, list(itertools.compress(col.cells, keep)), col.missing[keep],
                   col.kind, None if col.values is None else col.values[keep], col.categories)


# -- the import ------------------------------------------------------------------------------


def import_csv(data: bytes, options: CsvOptions, filename: str | None = None) -> CsvImport:
    """Parse ``data`` per the module rules; :class:`CsvError` with a clear message otherwise."""
    text = decode_text(data)
    delimiter, delimiter_how = choose_delimiter(text, options.delimiter)
    rows, lines, blank = read_rows(text, delimiter)
    if not rows:
        raise CsvError("the file is empty")
    has_header, header_how = detect_header(rows, options.header, text)
    width = len(rows[0])
    names, rename_notes = column_names(rows[0], has_header)
    if has_header:
        rows, lines = rows[1:], lines[1:]
    if width < 2:
        raise CsvError("the file has a single column; it needs at least two (features and a label). "
                       "If it uses another delimiter, pass delimiter=", {"columns": width})
    check_ragged(rows, lines, width, has_header)
    if len(rows) < 2:
        raise CsvError(f"the file has {len(rows)} data row{'s' if len(rows) != 1 else ''}; at least 2 are needed",
                       {"rows": len(rows)})

    label_index = _resolve_label(names, options.label)
    by_column = list(zip(*rows))
    columns = []
    for j, name in enumerate(names):
        cells = by_column[j]
        col = _Column(name, j, cells, missing_mask(cells))
        _classify_column(col, lines, j == label_index)
        columns.append(col)
    label = columns[label_index]
    if label.kind == "empty":
        raise CsvError(f"the label column {label.name!r} has no values", {"column": label.name})

    # Missing values: report, then reject / drop / impute.
    missing_report = [{"column": c.name, "count": int(c.missing.sum()), "lines": _missing_lines(c, lines)}
                      for c in columns if c.missing.any() and c.kind != "empty"]
    if missing_report and options.missing == "reject":
        first = missing_report[0]
        raise CsvError(f"column {first['column']!r} has {first['count']} missing value"
                       f"{'s' if first['count'] != 1 else ''} (first on line {first['lines'][0]}); "
                       "fill them in, or upload with missing=impute or missing=drop", {"missing": missing_report})
    dropped_columns = []
    features = []
    for col in columns:
        if col is label:
            continue
        if col.kind == "empty":
            dropped_columns.append({"column": col.name, "reason": "no values"})
        elif col.kind == "categorical" and len(col.categories) > MAX_CATEGORIES:
            dropped_columns.append({"column": col.name, "reason": f"{len(col.categories)} distinct text values "
                                    f"(more than {MAX_CATEGORIES} to one-hot encode)"})
        else:
            features.append(col)
    if not features:
        raise CsvError("no usable feature column is left"
                       + (f" (dropped: {', '.join(d['column'] for d in dropped_columns)})" if dropped_columns else ""),
                       {"dropped_columns": dropped_columns})

    keep = ~label.missing
    dropped_rows = {"missing_label": int(label.missing.sum())}
    if options.missing == "drop":
        any_missing = np.zeros(len(rows), bool)
        for col in features:
            any_missing |= col.missing
        dropped_rows["missing_feature"] = int((any_missing & keep).sum())
        keep &= ~any_missing
    if keep.sum() < 2:
        raise CsvError(f"only {int(keep.sum())} row(s) are left after dropping rows with missing values",
                       {"dropped_rows": dropped_rows, "missing": missing_report})
    kept_lines = [ln for ln, k in zip(lines, keep) if k]
    label = _subset(label, keep)
    features = [_subset(c, keep) for c in features]

    task, y, class_names, task_how = _label_target(label, options.task, kept_lines)
    blocks, feature_info, feature_names = [], [], []
    for col in features:
        info: dict[str, Any] = {"name": col.name, "column": col.index, "type": col.kind}
        if col.kind == "numeric":
            values = col.values.copy()
            if col.missing.any():
                fill = float(np.nanmean(values)) if not col.missing.all() else 0.0
                values[col.missing] = fill
                info["imputed"] = {"count": int(col.missing.sum()), "with": "mean", "value": fill}
            blocks.append(values[:, None])
            info.update(encoded_as=[col.name], min=float(values.min()), max=float(values.max()),
                        mean=float(values.mean()))
            feature_names.append(col.name)
        else:
            present = [c for c, m in zip(col.cells, col.missing) if not m]
            cells = col.cells
            if col.missing.any():
                fill = Counter(present).most_common(1)[0][0] if present else col.categories[0]
                cells = [fill if m else c for c, m in zip(cells, col.missing)]
                info["imputed"] = {"count": int(col.missing.sum()), "with": "most frequent", "value": fill}
            index = {c: k for k, c in enumerate(col.categories)}
            one_hot = np.zeros((len(cells), len(col.categories)))
            one_hot[np.arange(len(cells)), [index[c] for c in cells]] = 1.0
            blocks.append(one_hot)
            encoded = [f"{col.name}={c}" for c in col.categories]
            info.update(categories=col.categories, encoded_as=encoded)
            feature_names.extend(encoded)
        feature_info.append(info)
    x = np.ascontiguousarray(np.concatenate(blocks, axis=1), dtype=np.float32)

    for entry in missing_report:
        col = next((c for c in features if c.name == entry["column"]), None)
        if entry["column"] == label.name:
            entry["action"] = "rows dropped (no label)"
        elif col is None:
            entry["action"] = "column dropped"
        elif options.missing == "drop":
            entry["action"] = "rows dropped"
        else:
            imputed = next(f.get("imputed") for f in feature_info if f["name"] == col.name)
            entry["action"] = (f"imputed with the {imputed['with']} value {imputed['value']!r}" if imputed
                               else "rows dropped (no label)")

    types = {c.name: ("label" if c.index == label_index else c.kind) for c in columns}
    for d in dropped_columns:
        types[d["column"]] = "dropped"
    report = {
        "rows": int(len(x)),
        "rows_read": len(rows),
        "columns": width,
        "header": has_header,
        "header_detection": header_how,
        "delimiter": "tab" if delimiter == "\t" else delimiter,
        "delimiter_detection": delimiter_how,
        "blank_rows_skipped": blank,
        "types": types,
        "label": {"column": label.name, "index": label_index, "task": task, "task_detection": task_how},
        "features": len(feature_names),
        "missing": missing_report,
        "missing_policy": options.missing,
        "dropped_rows": dropped_rows,
        "dropped_columns": dropped_columns,
        "notes": rename_notes,
    }
    descriptor = {
        "name": options.name or _name_from(filename),
        "task": task,
        "kind": "table",
        "input_shape": [int(x.shape[1])],
        "num_classes": len(class_names) if class_names else None,
        "class_names": class_names,
        "size": int(len(x)),
        "feature_names": feature_names,
        "features": feature_info,
        "label": {"column": label.name, "index": label_index, "type": label.kind},
        "label_name": label.name,
        "columns": names,
        "validation_split": options.validation_split,
        "filename": filename,
    }
    kept_rows = list(itertools.islice(itertools.compress(rows, keep), PREVIEW_ROWS))
    preview = {"columns": names,
               "rows": [[None if is_missing(c) else c for c in r] for r in kept_rows]}
    return CsvImport(x=x, y=y, descriptor=descriptor, report=report, preview=preview)


def _name_from(filename: str | None) -> str:
    if filename:
        stem = re.sub(r"\.(csv|tsv|txt)$", "", filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], flags=re.I)
        stem = "".join(ch for ch in stem if ch.isprintable()).strip()[:MAX_NAME_LENGTH]
        if stem:
            return stem
    return "Uploaded CSV"
