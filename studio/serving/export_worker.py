"""Worker process of :mod:`.exports`: ``python -m studio.serving.export_worker JOB.json``.

The job is ``{"model": document, "checkpoint": dir, "format", "out": dir,
"verify": bool, "reply": file, "unverified_reason"?: text}``; the worker rebuilds the run's model, restores
the checkpoint, calls ``engine.export.export_model`` and writes
``{"ok": true, "reference": ...}`` or ``{"ok": false, "kind", "message",
"layer"}`` to the reply file. When ``verify`` is off, ``parity.json`` says why.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def _unverified_reason(fmt: str) -> str:
    runtime = {"tf_saved_model": "TensorFlow", "keras": "Keras", "python": "Keras", "tfjs": "Node.js with "
               "@tensorflow/tfjs"}.get(fmt, fmt)
    return f"not verified: {runtime} is not installed where the studio runs"


def run(job: dict) -> dict:
    """Do one export job; the reply."""
    fmt = job["format"]
    if job.get("verify") and fmt == "tf_saved_model":
        import tensorflow  # noqa: F401 - loaded here, the engine's reference runs in this process
    from engine.export import ExportError, export_model

    from studio.runs.trained import load_trained
    model = load_trained(job["model"], Path(job["checkpoint"]))
    try:
        report = export_model(model, job["out"], format=fmt, verify=bool(job.get("verify")))
    except ExportError as exc:
        return {"ok": False, "kind": "ExportError", "message": str(exc), "layer": exc.layer}
    if not job.get("verify"):
        parity = Path(job["out"]) / "parity.json"
        report["reference"] = {"runtime": None, "reason": job.get("unverified_reason") or _unverified_reason(fmt)}
        parity.write_text(json.dumps(report))
    return {"ok": True, "reference": {k: v for k, v in (report.get("reference") or {}).items() if k != "outputs"}}


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text())
    try:
        reply = run(job)
    except Exception as exc:  # noqa: BLE001 - the server turns this into a JSON error
        reply = {"ok": False, "kind": type(exc).__name__, "message": f"{type(exc).__name__}: {exc}"}
    Path(job["reply"]).write_text(json.dumps(reply))


if __name__ == "__main__":
    main()
