"""Create-time checks of a run request: config, dataset, model, and how they fit together.

:func:`prepare_run` loads the dataset, builds the model (under the engine
lock), checks the model against the data (:mod:`studio.runs.plan`) and
evaluates loss and metrics on a few samples, so that anything the training
would trip over is a 400 now, naming the field or the layer. A config without
``validation_split`` takes the dataset's own (an upload's, set at import).
"""
from __future__ import annotations

import logging
from typing import Any

import numpy as np

from ..datasets import DatasetRegistry
from ..errors import ApiError, bad_request
from ..modeldoc import ModelDocumentError, build_model
from .engine_lock import ENGINE_LOCK
from .plan import DatasetRef, PlanError, dry_run, make_plan, parse_dataset, prepare_arrays
from .runconfig import ConfigError, validate_config

log = logging.getLogger("tapestudio.runs")


def load_dataset(datasets: DatasetRegistry, ref: DatasetRef) -> tuple[np.ndarray, np.ndarray, dict]:
    """``(x, y, descriptor)`` ready for training, or a 400 naming ``dataset``."""
    try:
        x, y, descriptor = datasets.load(ref.id, ref.options)
    except LookupError as exc:
        bad_request(f"unknown dataset {ref.id!r}", {"field": "dataset", "id": ref.id, "info": str(exc)})
    except (ValueError, TypeError) as exc:
        bad_request(f"dataset.options: {exc}", {"field": "dataset.options"})
    except ApiError:
        raise
    except Exception as exc:  # noqa: BLE001 - an upload that cannot be read is the client's problem
        log.exception("loading dataset %s failed", ref.id)
        bad_request(f"dataset {ref.id!r} cannot be loaded: {exc}", {"field": "dataset"})
    return (*prepare_arrays(x, y, descriptor), descriptor)


def prepare_run(datasets: DatasetRegistry, model_doc: Any, dataset: Any, raw_config: Any,
                base: dict | None = None) -> tuple[DatasetRef, dict, dict]:
    """Check a run request; ``(dataset_ref, config, plan_json)`` or an :class:`ApiError` 400."""
    try:
        config = validate_config(raw_config, base)
        ref = parse_dataset(dataset)
    except ConfigError as exc:
        bad_request(exc.message, {"field": exc.field})
    except PlanError as exc:
        bad_request(exc.message, exc.details)
    x, y, descriptor = load_dataset(datasets, ref)
    suggested = descriptor.get("validation_split")
    if base is None and "validation_split" not in (raw_config or {}) and isinstance(suggested, (int, float)) \
            and not isinstance(suggested, bool) and 0 <= suggested <= 0.9:
        config["validation_split"] = float(suggested)  # an upload's own split, chosen at import
    with ENGINE_LOCK:
        try:
            model = build_model(model_doc)
            plan = make_plan(model, x, y, descriptor, config)
            dry_run(model, plan, config, x, y)
        except ModelDocumentError as exc:
            bad_request(exc.message, exc.as_details())
        except ConfigError as exc:
            bad_request(exc.message, {"field": exc.field})
        except PlanError as exc:
            bad_request(exc.message, exc.details)
    return ref, config, plan.as_json()
