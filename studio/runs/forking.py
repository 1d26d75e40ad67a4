"""Start a run from another run's checkpoint: copy it into the new run's artifact dir.

The copy becomes the new run's latest checkpoint, so the runner resumes from
it exactly as it resumes a continued run. A changed optimizer starts with
fresh slots (the old ones do not fit it); an explicitly changed learning rate
is written into the copied optimizer state, so it holds from the first batch.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np

from . import checkpoints


def copy_checkpoint(source: Path, run_dir: Path, *, learning_rate: float | None = None,
                    fresh_optimizer: bool = False) -> Path:
    """Copy checkpoint ``source`` into ``run_dir`` and mark it latest; returns the copy."""
    root = checkpoints.checkpoint_root(run_dir)
    target = root / Path(source).name
    shutil.copytree(source, target)
    optimizer_file = target / checkpoints.OPTIMIZER
    if fresh_optimizer:
        optimizer_file.unlink(missing_ok=True)
    elif learning_rate is not None and optimizer_file.is_file():
        with np.load(optimizer_file, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        if "learning_rate" in arrays:
            arrays["learning_rate"] = np.asarray(learning_rate, dtype=arrays["learning_rate"].dtype)
            np.savez(optimizer_file, **arrays)
    (root / checkpoints.LATEST).write_text(target.name)
    return target
