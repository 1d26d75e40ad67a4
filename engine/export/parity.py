"""``parity.json``: sample inputs, the engine's outputs, and — where the reference runtime is
installed — that runtime's outputs on the exported files and the max absolute difference."""
from __future__ import annotations

import json
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

SAMPLE_COUNT = 4


def sample_inputs(model: Any, n: int = SAMPLE_COUNT, seed: int = 0) -> list:
    """Deterministic inputs per model input: floats ~ N(0,1); ints in range of any Embedding."""
    rng = np.random.default_rng(seed)
    out = []
    vocab = _min_vocab(model)
    for t in model.inputs:
        shape = tuple(1 if d is None else d for d in tuple(t.shape)[1:])
        if t.dtype.is_integer:
            out.append(rng.integers(0, vocab, size=(n,) + shape).astype(t.dtype.as_numpy_dtype))
        else:
            out.append(rng.standard_normal((n,) + shape).astype(np.float32))
    return out


def _min_vocab(model: Any) -> int:
    dims = [getattr(l, "input_dim", None) for l in getattr(model, "layers", [])]
    dims = [d for d in dims if isinstance(d, int) and d > 0]
    return min(dims) if dims else 2


def engine_outputs(model: Any, inputs: list) -> list:
    y = model(inputs if len(inputs) > 1 else inputs[0], training=False)
    ys = y if isinstance(y, (list, tuple)) else [y]
    return [np.asarray(v) for v in ys]


def write_parity_report(model: Any, out_dir: Path, fmt: ModuleType, verify: bool = True,
                        format_name: str | None = None) -> dict:
    from .. import __version__
    inputs = sample_inputs(model)
    ours = engine_outputs(model, inputs)
    report: dict = {
        "engine_version": __version__,
        "format": format_name or fmt.__name__.rsplit(".", 1)[-1],
        "inputs": [x.tolist() for x in inputs],
        "input_names": [t.name for t in model.inputs],
        "engine_outputs": [y.tolist() for y in ours],
        "reference": None,
    }
    if verify:
        try:
            ref = fmt.reference_predict(out_dir, inputs)
        except Exception as e:  # noqa: BLE001 - the report records why verification failed
            report["reference"] = {"runtime": getattr(fmt, "RUNTIME", None), "error": f"{type(e).__name__}: {e}"}
        else:
            if ref is None:
                report["reference"] = {"runtime": None, "reason": "reference runtime not installed"}
            else:
                runtime, outs = ref
                diffs = [float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))))
                         if np.size(a) else 0.0 for a, b in zip(ours, outs)]
                report["reference"] = {"runtime": runtime, "outputs": [np.asarray(o).tolist() for o in outs],
                                       "max_abs_diff": max(diffs) if diffs else 0.0}
    (Path(out_dir) / "parity.json").write_text(json.dumps(report))
    return report
