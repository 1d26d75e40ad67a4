"""The Keras-like summary table of a validated model, at a fixed width.

``keras.utils.print_summary`` (like Keras 3's) draws on a rich console as wide
as the server's terminal, which cuts the table when the terminal is narrower;
the studio renders the same rows (``keras.utils.summary_rows``) on a console of
the table's own width, so the text does not depend on where the server runs.
"""
from __future__ import annotations

import io
from typing import Any

import rich.console
import rich.markup
import rich.table
from engine import keras

#: Keras' default widths: 3 columns (Sequential), 4 with "Connected to" (Functional).
WIDTH = {False: 88, True: 108}
_POSITIONS = {False: (0.45, 0.80, 1.0), True: (0.3, 0.56, 0.74, 1.0)}


def weight_count(weights: list) -> int:
    """Number of scalars in ``weights``."""
    total = 0
    for w in weights:
        n = 1
        for d in w.shape:
            n *= int(d)
        total += n
    return total


def _size(count: int) -> str:
    size = float(count * 4)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def summary_text(model: Any, connections: bool) -> str:
    """``Model: "name"``, the layer table, and the parameter totals (float32 sizes)."""
    width = WIDTH[connections]
    header = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connections else [])
    justify = ["left", "left", "right", "left"]
    columns, used = [], 0
    for title, align, pos in zip(header, justify[:len(header)], _POSITIONS[connections], strict=True):
        columns.append(rich.table.Column(title, justify=align, width=int(pos * width) - used))  # type: ignore[arg-type]
        used = int(pos * width)
    table = rich.table.Table(*columns, width=width, show_lines=True)
    for row in keras.utils.summary_rows(model):
        cells = [rich.markup.escape(f"{row['name']} ({row['class_name']})"), row["output_shape"],
                 f"{row['params']:,}" if row["built"] else "0 (unbuilt)"]
        if connections:
            cells.append(rich.markup.escape(row["connected_to"]))
        table.add_row(*cells)
    out = io.StringIO()
    console = rich.console.Console(file=out, width=width, highlight=False, force_terminal=False,
                                   color_system=None)
    trainable, frozen = weight_count(model.trainable_weights), weight_count(model.non_trainable_weights)
    console.print(f'Model: "{rich.markup.escape(model.name)}"')
    console.print(table)
    console.print(f" Total params: {trainable + frozen:,} ({_size(trainable + frozen)})")
    console.print(f" Trainable params: {trainable:,} ({_size(trainable)})")
    console.print(f" Non-trainable params: {frozen:,} ({_size(frozen)})")
    return out.getvalue()
