"""``tapestudio train MODEL.json --dataset ID ...``: one training run without a browser.

It uses the studio's own machinery — the same run manager, runner, event log,
checkpoints and export zips — over a data dir, so the run then shows up in the
studio's run list like any other. Epoch logs are printed as they arrive;
``--export FORMAT`` (repeatable) writes the export zips into ``--out``.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import threading
from pathlib import Path
from typing import Any

from .config import StudioConfig, default_data_dir
from .serving.exports import EXPORT_FORMATS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
FINAL = ("completed", "stopped", "failed", "interrupted")


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``tapestudio train``."""
    p = argparse.ArgumentParser(prog="tapestudio train",
                                description="Train a model document (Keras/TF.js JSON) on a dataset, headless.")
    p.add_argument("model", type=Path, help="model document: Keras 2/3 JSON or a TF.js model.json")
    p.add_argument("--dataset", required=True, help="dataset id (see GET /api/datasets), e.g. spiral, digits")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                   help="dataset option, e.g. --option noise=0.1 --option num_samples=500 (JSON values)")
    p.add_argument("--epochs", type=int)
    p.add_argument("--batch-size", type=int)
    p.add_argument("--optimizer")
    p.add_argument("--learning-rate", type=float)
    p.add_argument("--loss")
    p.add_argument("--metrics", help="comma-separated, e.g. accuracy")
    p.add_argument("--validation-split", type=float)
    p.add_argument("--seed", type=int)
    p.add_argument("--name", help="run name shown in the studio")
    p.add_argument("--data-dir", type=Path, default=None, help=f"studio data dir (default: {default_data_dir()})")
    p.add_argument("--export", action="append", default=[], choices=EXPORT_FORMATS,
                   help="write this export zip when training ends (repeatable)")
    p.add_argument("--out", type=Path, default=Path("."), help="where export zips go (default: .)")
    return p


def _options(pairs: list[str]) -> dict:
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--option {pair!r}: expected KEY=VALUE")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


def _config(args: argparse.Namespace) -> dict:
    config: dict[str, Any] = {}
    for key in ("epochs", "batch_size", "optimizer", "learning_rate", "loss", "validation_split", "seed"):
        value = getattr(args, key)
        if value is not None:
            config[key] = value
    if args.metrics is not None:
        config["metrics"] = [m for m in args.metrics.split(",") if m]
    return config


def _print_event(event: str, message: dict) -> None:
    if event == "epoch":
        logs = " - ".join(f"{k}: {v:.4g}" if isinstance(v, (int, float)) else f"{k}: {v}"
                          for k, v in message.get("logs", {}).items())
        print(f"epoch {message.get('epoch')}: {logs}", flush=True)
    elif event == "status":
        reason = f" ({message['reason']})" if message.get("reason") else ""
        print(f"status: {message.get('status')}{reason}", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run ``tapestudio train``; 0 when the run completes, 1 when it fails, 2 on bad usage."""
    args = build_parser().parse_args(argv)
    try:
        model = json.loads(args.model.read_text())
        body = {"model": model, "dataset": {"id": args.dataset, "options": _options(args.option)},
                "config": _config(args)}
    except (OSError, ValueError) as exc:
        print(f"tapestudio train: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.name:
        body["name"] = args.name

    from .app import create_app, shutdown_app  # noqa: PLC0415 - heavy
    from .errors import ApiError  # noqa: PLC0415
    from .serving.exports import ExportFailed, Exports  # noqa: PLC0415

    app = create_app(StudioConfig(data_dir=args.data_dir or default_data_dir(), max_concurrent_runs=1))
    services = app.extensions["tapestudio"]
    done = threading.Event()
    run_id: list[str] = []

    def listen(event: str, message: dict) -> None:
        if run_id and message.get("run") != run_id[0]:
            return
        _print_event(event, message)
        if event == "status" and message.get("status") in FINAL:
            done.set()

    services.hub.add_listener(listen)
    try:
        try:
            with app.app_context():
                run = services.runs.create(body)
        except ApiError as exc:
            print(f"tapestudio train: error: {exc.message}", file=sys.stderr)
            return EXIT_USAGE
        run_id.append(run["id"])
        print(f"run {run['id']} ({run.get('name')}) in {services.config.data_dir}", flush=True)
        try:
            while not done.wait(0.5):
                if services.store.get_run(run["id"])["status"] in FINAL:
                    break
        except KeyboardInterrupt:
            services.runs.stop(run["id"])
            done.wait(30)
        final = services.store.get_run(run["id"])
        if final["status"] != "completed":
            return EXIT_FAILED
        args.out.mkdir(parents=True, exist_ok=True)
        exports = Exports()
        for fmt in args.export:
            try:
                built = exports.zip_for(services.store, run["id"], fmt)
            except ExportFailed as exc:
                print(f"tapestudio train: export {fmt} failed: {exc}", file=sys.stderr)
                return EXIT_FAILED
            target = args.out / built.download_name
            shutil.copyfile(built.path, target)
            print(f"wrote {target}", flush=True)
        return EXIT_OK
    finally:
        services.hub.remove_listener(listen)
        shutdown_app(app)
