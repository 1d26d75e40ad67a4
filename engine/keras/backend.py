"""Keras backend utilities: unique layer names, floatx, epsilon, image data format."""
from __future__ import annotations

import collections
import re

_uids: collections.defaultdict = collections.defaultdict(int)
_config = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


def get_uid(prefix: str = "") -> int:
    """1, 2, 3 ... per prefix (Keras names: ``dense``, ``dense_1``, ``dense_2``)."""
    _uids[prefix] += 1
    return _uids[prefix]


def unique_name(prefix: str) -> str:
    n = get_uid(prefix)
    return prefix if n == 1 else f"{prefix}_{n - 1}"


def clear_session() -> None:
    """Reset the name counters (like ``keras.backend.clear_session``)."""
    _uids.clear()


def to_snake_case(name: str) -> str:
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    return insecure if insecure[0] != "_" else "private" + insecure


def floatx() -> str:
    return _config["floatx"]


def set_floatx(value: str) -> None:
    _config["floatx"] = str(value)


def epsilon() -> float:
    return _config["epsilon"]


def set_epsilon(value: float) -> None:
    _config["epsilon"] = float(value)


def image_data_format() -> str:
    return _config["image_data_format"]


def set_image_data_format(value: str) -> None:
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format: {value}")
    _config["image_data_format"] = value
