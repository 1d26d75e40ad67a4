"""Reading an uploaded CSV's text: decoding, delimiter, rows, header; cell tests.

The first half of :mod:`studio.datasets.csv_import` (see its docstring for
the rules): from bytes to stripped rows of cells, with every problem raised
as :class:`CsvError` naming the line.
"""
from __future__ import annotations

import csv
import io
import re
from typing import Any, Sequence

import numpy as np

#: Limits beyond the byte size (``StudioConfig.max_upload_bytes``).
MAX_COLUMNS = 1000
MAX_CELLS = 4_000_000
MISSING_TOKENS = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "\t": "\t", "|": "|"}
_NUMBER_TEXT = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(f"^{_NUMBER_TEXT}$")
_NUMBERS = re.compile(f"{_NUMBER_TEXT}(?:\x00{_NUMBER_TEXT})*")
_MISSING_EXACT = frozenset({"", "NA", "na", "N/A", "n/a", "NaN", "nan", "NAN", "null", "NULL", "Null", "None",
                            "none", "NONE", "?"})
REPORT_LINES = 10


class CsvError(ValueError):
    """The upload cannot become a dataset: a message for the user and JSON details."""

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


def decode_text(data: bytes) -> str:
    """The text of an upload: UTF-8 (BOM allowed); binary or other encodings raise :class:`CsvError`."""
    if not data.strip():
        raise CsvError("the file is empty")
    if b"\x00" in data:  # also keeps NUL free as the column separator of all_numbers
        raise CsvError("this looks like a binary file (it contains NUL bytes), not CSV text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CsvError(f"the file is not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} "
                       f"(line {line}); save it as CSV UTF-8", {"offset": exc.start, "line": line}) from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\r\n\t")
    if controls > 0.01 * min(len(text), 65536):
        raise CsvError("this looks like a binary file (it is full of control characters), not CSV text")
    return text


def _column_counts(sample: str, delimiter: str) -> list[int]:
    try:
        rows = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:50]
    except csv.Error:
        return []
    return [len(r) for r in rows if r]


def _consistent(counts: list[int]) -> bool:
    return len(counts) > 0 and counts[0] > 1 and all(c == counts[0] for c in counts[:-1] or counts)


def choose_delimiter(text: str, option: str) -> tuple[str, str]:
    """``(delimiter, how it was chosen)``."""
    if option != "auto":
        return DELIMITERS[option], "option"
    sample = text[:65536]
    if len(text) > len(sample):
        sample = sample[: sample.rfind("\n") + 1] or sample  # whole lines only
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except Exception:  # noqa: BLE001 - a heuristic: fall back to counting
        sniffed = None
    if sniffed and _consistent(_column_counts(sample, sniffed)):
        return sniffed, "sniffed"
    for candidate in (",", ";", "\t", "|"):
        if _consistent(_column_counts(sample, candidate)):
            return candidate, "counted"
    return ",", "default"


def read_rows(text: str, delimiter: str) -> tuple[list[list[str]], list[int], int]:
    """Non-blank rows (cells stripped), their line numbers, and how many blank rows were skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[list[str]] = []
    lines: list[int] = []
    blank, cells, start = 0, 0, 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            stripped = list(map(str.strip, row))
            if not any(stripped):
                blank += 1
                continue
            if len(stripped) > MAX_COLUMNS:
                raise CsvError(f"line {line} has {len(stripped)} columns; at most {MAX_COLUMNS} are allowed",
                               {"line": line, "columns": len(stripped), "max_columns": MAX_COLUMNS})
            cells += len(stripped)
            if cells > MAX_CELLS:
                raise CsvError(f"the file has more than {MAX_CELLS:,} values; upload a smaller file",
                               {"max_cells": MAX_CELLS})
            rows.append(stripped)
            lines.append(line)
    except csv.Error as exc:
        raise CsvError(f"line {reader.line_num}: the CSV is malformed ({exc})", {"line": reader.line_num}) from None
    return rows, lines, blank


def is_missing(cell: str) -> bool:
    """An empty cell or a missing marker (NA, N/A, NaN, null, None, ?; any case)."""
    return cell in _MISSING_EXACT or (len(cell) <= 4 and cell.lower() in MISSING_TOKENS)


def missing_mask(cells: Sequence[str]) -> np.ndarray:
    """:func:`is_missing` of every cell, as a bool array."""
    return np.fromiter(map(is_missing, cells), dtype=bool, count=len(cells))


def all_numbers(cells: list[str]) -> bool:
    """True when every cell is a plain decimal number (one regex pass over the whole column)."""
    return not cells or _NUMBERS.fullmatch("\x00".join(cells)) is not None


def is_number(cell: str) -> bool:
    """A plain decimal number (no inf/nan/hex/underscores)."""
    return bool(_NUMBER.match(cell))


def detect_header(rows: list[list[str]], option: str, text: str) -> tuple[bool, str]:
    """``(has a header, why)`` per the ``header`` option or the detection rules."""
    if option != "auto":
        return option == "true", "option"
    first, rest = rows[0], rows[1:201]
    if not rest:
        return not all(is_number(c) or is_missing(c) for c in first), "single row"
    for j, cell in enumerate(first):
        below = [r[j] for r in rest if j < len(r) and not is_missing(r[j])]
        if below and all(is_number(c) for c in below) and not is_number(cell) and not is_missing(cell):
            return True, "a column is numeric below a text first row"
    if all(is_number(c) or is_missing(c) for c in first):
        return False, "the first row is numbers"
    columns = [[r[j] for r in rest if j < len(r)] for j in range(len(first))]
    if (all(cell not in below for cell, below in zip(first, columns))
            and any(len(set(below)) < len(below) for below in columns)):
        return True, "no first-row value recurs in its column, whose values do"
    try:
        return csv.Sniffer().has_header(text[:65536]), "csv.Sniffer"
    except Exception:  # noqa: BLE001 - a heuristic: no header
        return False, "csv.Sniffer could not tell; assumed none"


def column_names(first: list[str], has_header: bool) -> tuple[list[str], list[str]]:
    """Unique names, plus a note per renamed column."""
    notes: list[str] = []
    if not has_header:
        return [f"column_{j + 1}" for j in range(len(first))], notes
    names: list[str] = []
    seen: set[str] = set()
    for j, raw in enumerate(first):
        name = raw or f"column_{j + 1}"
        base, k = name, 2
        while name in seen:
            name, k = f"{base}_{k}", k + 1
        if name != raw:
            notes.append(f"column {j + 1} header {raw!r} renamed to {name!r}")
        seen.add(name)
        names.append(name)
    return names, notes


def check_ragged(rows: list[list[str]], lines: list[int], width: int, has_header: bool) -> None:
    """:class:`CsvError` naming the lines whose field count differs from ``width``."""
    bad = [(line, len(r)) for r, line in zip(rows, lines) if len(r) != width]
    if bad:
        line, got = bad[0]
        where = "the header has" if has_header else "the first row has"
        more = f" (and {len(bad) - 1} more ragged row{'s' if len(bad) > 2 else ''})" if len(bad) > 1 else ""
        raise CsvError(f"line {line} has {got} field{'s' if got != 1 else ''} but {where} {width}{more}",
                       {"ragged_rows": [{"line": ln, "fields": n} for ln, n in bad[:REPORT_LINES]],
                        "expected_fields": width, "count": len(bad)})
