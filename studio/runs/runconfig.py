"""The training ``config`` of a run: one table of fields gives the checks, defaults and JSON schema.

``validate_config(raw)`` answers a complete config with defaults filled in, or
raises :class:`ConfigError` naming the first bad field (``config.epochs``).
``loss`` and ``metrics`` may stay ``null``: the run then picks them from the
dataset's task and the model's output (see :mod:`studio.runs.plan`). A run
without a ``seed`` gets a random one, stored, so every run can be repeated.
"""
from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from typing import Any

#: Optimizer names the engine's ``keras.optimizers.get`` understands.
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adagrad", "adadelta", "adamax", "nadam", "adamw")

MAX_LEARNING_RATE = 1e6
MAX_EPOCHS = 100_000
MAX_BATCH_SIZE = 65_536
MAX_SEED = 2**31 - 1
MAX_METRICS = 8


class ConfigError(ValueError):
    """A bad config value; ``field`` is its dotted name (``config.learning_rate``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = f"{field}: {message}"


@dataclass(frozen=True)
class Field:
    """One config field: JSON type, bounds, default, description."""

    name: str
    kind: str  # "int" | "number" | "enum" | "string" | "string_list"
    default: Any
    description: str
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    choices: tuple[str, ...] = ()
    nullable: bool = False


FIELDS: tuple[Field, ...] = (
    Field("optimizer", "enum", "adam", "Optimizer name.", choices=OPTIMIZERS),
    Field("learning_rate", "number", 0.01, "Initial learning rate (change it while training with PATCH).",
          minimum=0, exclusive_minimum=True, maximum=MAX_LEARNING_RATE),
    Field("loss", "string", None, "Keras loss name; null picks one from the dataset and the model's output.",
          nullable=True),
    Field("metrics", "string_list", None, "Keras metric names; null picks accuracy (classification) or mae.",
          nullable=True),
    Field("epochs", "int", 20, "Epochs to train.", minimum=1, maximum=MAX_EPOCHS),
    Field("batch_size", "int", 32, "Samples per batch (one step).", minimum=1, maximum=MAX_BATCH_SIZE),
    Field("validation_split", "number", 0.2, "Fraction of the data held out for validation (the last samples, "
          "as Keras takes them).", minimum=0, maximum=0.9),
    Field("seed", "int", None, "Random seed (weights, shuffling); null picks one, stored with the run.",
          minimum=0, maximum=MAX_SEED, nullable=True),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
_BY_NAME = {f.name: f for f in FIELDS}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def _check_range(spec: Field, path: str, value: float) -> None:
    low, high = spec.minimum, spec.maximum
    if low is not None and (value <= low if spec.exclusive_minimum else value < low):
        raise ConfigError(path, f"must be {'greater than' if spec.exclusive_minimum else 'at least'} {low:g}, "
                                f"got {value!r}")
    if high is not None and (value >= high if spec.exclusive_maximum else value > high):
        raise ConfigError(path, f"must be at most {high:g}, got {value!r}")


def check_value(spec: Field, value: Any, prefix: str = "config") -> Any:
    """``value`` checked against ``spec`` (normalised: floats as float); :class:`ConfigError` if bad."""
    path = f"{prefix}.{spec.name}"
    if value is None:
        if spec.nullable:
            return None
        raise ConfigError(path, "must not be null")
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(path, f"must be an integer, got {_type_name(value)} {value!r}")
        _check_range(spec, path, value)
        return int(value)
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(path, f"must be a number, got {_type_name(value)} {value!r}")
        if not math.isfinite(value):
            raise ConfigError(path, f"must be a finite number, got {value!r}")
        _check_range(spec, path, float(value))
        return float(value)
    if spec.kind == "enum":
        if not isinstance(value, str) or value.lower() not in spec.choices:
            raise ConfigError(path, f"must be one of {', '.join(spec.choices)}; got {value!r}")
        return value.lower()
    if spec.kind == "string":
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(path, f"must be a non-empty string, got {_type_name(value)} {value!r}")
        return value.strip()
    if spec.kind == "string_list":
        if not isinstance(value, list):
            raise ConfigError(path, f"must be a list of names, got {_type_name(value)} {value!r}")
        if len(value) > MAX_METRICS:
            raise ConfigError(path, f"takes at most {MAX_METRICS} names, got {len(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise ConfigError(f"{path}[{i}]", f"must be a non-empty string, got {_type_name(item)} {item!r}")
        return [item.strip() for item in value]
    raise AssertionError(spec.kind)  # pragma: no cover - the table above is fixed


def validate_config(raw: Any, base: dict | None = None, prefix: str = "config") -> dict:
    """A complete, checked config: ``raw`` over ``base`` (or the defaults).

    Unknown keys, wrong types and out-of-range values raise :class:`ConfigError`
    naming the field. A missing or null ``seed`` becomes a random one.
    """
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(prefix, f"must be a JSON object, got {_type_name(raw)}")
    unknown = sorted(set(raw) - set(FIELD_NAMES))
    if unknown:
        raise ConfigError(f"{prefix}.{unknown[0]}", f"unknown config field; known fields: {', '.join(FIELD_NAMES)}")
    out = {f.name: f.default for f in FIELDS}
    if base:
        out.update({k: v for k, v in base.items() if k in _BY_NAME})
    for name, value in raw.items():
        out[name] = check_value(_BY_NAME[name], value, prefix)
    if out["seed"] is None:
        out["seed"] = secrets.randbelow(MAX_SEED)
    return out


def check_learning_rate(value: Any, field: str = "learning_rate") -> float:
    """A positive finite learning rate (for PATCH); :class:`ConfigError` naming ``field`` otherwise."""
    try:
        return float(check_value(_BY_NAME["learning_rate"], value, prefix="_"))
    except ConfigError as exc:
        raise ConfigError(field, exc.message.split(": ", 1)[1]) from None


def field_schema(spec: Field) -> dict:
    """The JSON schema of one field."""
    schema: dict[str, Any]
    if spec.kind == "int":
        schema = {"type": "integer"}
    elif spec.kind == "number":
        schema = {"type": "number"}
    elif spec.kind == "enum":
        schema = {"type": "string", "enum": list(spec.choices)}
    elif spec.kind == "string":
        schema = {"type": "string", "minLength": 1}
    else:
        schema = {"type": "array", "items": {"type": "string", "minLength": 1}, "maxItems": MAX_METRICS}
    if spec.minimum is not None:
        schema["exclusiveMinimum" if spec.exclusive_minimum else "minimum"] = spec.minimum
    if spec.maximum is not None:
        schema["exclusiveMaximum" if spec.exclusive_maximum else "maximum"] = spec.maximum
    if spec.nullable:
        schema["type"] = [schema["type"], "null"]
    schema["description"] = spec.description
    if spec.default is not None:
        schema["default"] = spec.default
    return schema


#: The JSON schema of a run config (OpenAPI component ``RunConfig``).
CONFIG_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "properties": {f.name: field_schema(f) for f in FIELDS},
}
