"""Parse a TF Serving predict request body into named numpy tensors (formats.md §4.2).

Mirrors TF Serving's ``util/json_tensor.cc``: the body is a JSON object with
an optional string ``signature_name`` and exactly one of

- ``instances`` (row format): a non-empty list with one entry per example —
  the example's value for a single-input model, or an object keyed by input
  name (one key per input) otherwise; every example must have the same shape;
- ``inputs`` (columnar format): one batched tensor, or an object of batched
  tensors keyed by input name (extra keys are ignored, as TF Serving does).

Values follow the input's dtype (numbers for float inputs — no booleans or
strings; integers within range for int inputs; ``NaN``/``Infinity`` tokens
accepted) and lists must be dense. Errors carry TF Serving's messages, plus a
TensorFlow-style shape check against the signature (TF Serving leaves that to
the session, which fails later with an op error).
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import ServingError, invalid_argument
from .signature import SIGNATURE_NAME, ServingSignature, TensorSpec, shape_text

ROW, COLUMNAR = "row", "columnar"
MAX_RANK = 32  # deeper nesting cannot match any model input; refuse it before walking it
MESSAGE_VALUE_CHARS = 256

_FLOAT_MAX = {"float16": float(np.finfo(np.float16).max), "float32": float(np.finfo(np.float32).max),
              "float64": float(np.finfo(np.float64).max)}
_FLOAT_EXACT_INT = {"float16": 2 ** 11 - 1, "float32": 2 ** 24 - 1, "float64": 2 ** 53 - 1}


@dataclass
class PredictRequest:
    """A parsed request: its format (``row``/``columnar``) and one array per input key."""

    format: str
    tensors: dict[str, np.ndarray]

    def batch(self, signature: ServingSignature) -> list[np.ndarray]:
        """The input arrays in the model's input order."""
        return [self.tensors[key] for key in signature.input_keys()]


# -- JSON helpers ------------------------------------------------------------------------
def json_text(value: Any) -> str:
    """A value as compact JSON for an error message (truncated)."""
    try:
        text = json.dumps(value, separators=(",", ":"), allow_nan=True)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    if len(text) > MESSAGE_VALUE_CHARS:
        text = text[:MESSAGE_VALUE_CHARS] + "..."
    return text


def json_type(value: Any) -> str:
    """rapidjson's type name of a parsed JSON value."""
    if value is None:
        return "Null"
    if value is True:
        return "True"
    if value is False:
        return "False"
    if isinstance(value, dict):
        return "Object"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, str):
        return "String"
    return "Number"


def is_b64(value: Any) -> bool:
    """``{"b64": "..."}``: TF Serving's binary value."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("b64"), str)


def is_element_object(value: Any) -> bool:
    """An object that is not a ``b64`` value (a named-inputs object)."""
    return isinstance(value, dict) and not is_b64(value)


def parse_body(raw: bytes) -> dict:
    """The request body as a JSON object, or TF Serving's parse errors."""
    if not raw or not raw.strip():
        raise invalid_argument("JSON Parse error: The document is empty")
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise invalid_argument(f"JSON Parse error: {exc.msg} at offset: {exc.pos}") from None
    except UnicodeDecodeError as exc:
        raise invalid_argument(f"JSON Parse error: Invalid encoding in string. at offset: {exc.start}") from None
    except RecursionError:
        raise invalid_argument("JSON Parse error: the document is nested too deeply") from None
    if not isinstance(doc, dict):
        raise invalid_argument(f"JSON Value: {json_text(doc)} Is not object")
    return doc


def signature_name(doc: dict) -> str:
    """The request's ``signature_name`` (default ``serving_default``); must be a string."""
    name = doc.get("signature_name", "")
    if not isinstance(name, str):
        raise invalid_argument(f"JSON Value: {json_text(doc)} not formatted correctly. 'signature_name' "
                               "key must be a string value.")
    return name or SIGNATURE_NAME


def check_signature_name(name: str) -> None:
    """Only ``serving_default`` exists (the SavedModel export's one signature)."""
    if name != SIGNATURE_NAME:
        raise invalid_argument(f'Serving signature name: "{name}" not found in signature def')


# -- one tensor ----------------------------------------------------------------------------
def dense_shape(value: Any) -> list[int]:
    """The shape implied by the first element at every level (TF Serving's GetDenseTensorShape)."""
    shape: list[int] = []
    while isinstance(value, list):
        shape.append(len(value))
        if len(shape) > MAX_RANK:
            raise invalid_argument(f"JSON list nested deeper than {MAX_RANK} levels: no model input has "
                                   "that rank")
        if not value:
            break
        value = value[0]
    return shape


def _type_error(value: Any, spec: TensorSpec) -> ServingError:
    return invalid_argument(f"JSON Value: {json_text(value)} Type: {json_type(value)} is not of expected "
                            f"type: {spec.dtype_name}")


def _lossy(value: Any, spec: TensorSpec) -> ServingError:
    return invalid_argument(f"Cannot convert JSON value: {json_text(value)} to {spec.dtype_name} without "
                            "loss of precision.")


def _check_values(values: list, spec: TensorSpec) -> None:
    """Type-check a list of scalars against the input's dtype (AddValueToTensor)."""
    kind = spec.dtype.kind
    types = set(map(type, values))
    if kind == "f":
        if not types <= {int, float}:
            raise _type_error(next(v for v in values if type(v) not in (int, float)), spec)
        if int in types:
            limit = _FLOAT_EXACT_INT.get(spec.dtype.name, 2 ** 24 - 1)
            for v in values:
                if type(v) is int and not -limit <= v <= limit:
                    raise _lossy(v, spec)
        if float in types:
            limit_f = _FLOAT_MAX.get(spec.dtype.name, _FLOAT_MAX["float32"])
            for v in values:
                if type(v) is float and limit_f < abs(v) < math.inf:
                    raise _lossy(v, spec)
    elif kind in "iu":
        if not types <= {int}:
            raise _type_error(next(v for v in values if type(v) is not int), spec)
        info = np.iinfo(spec.dtype)
        lo, hi = int(info.min), int(info.max)
        for v in values:
            if not lo <= v <= hi:
                raise _type_error(v, spec)
    elif kind == "b":
        if not types <= {bool}:
            raise _type_error(next(v for v in values if type(v) is not bool), spec)
    else:
        raise invalid_argument(f"Conversion of JSON values to type: {spec.dtype_name} is not supported")


def fill_tensor(value: Any, spec: TensorSpec) -> tuple[list[int], list]:
    """``(shape, flat values)`` of one JSON tensor, checked dense and typed (FillTensorProto)."""
    shape = dense_shape(value)
    rank = len(shape)
    flat: list = []

    def walk(v: Any, level: int) -> None:
        if not isinstance(v, list):
            if level != rank:
                raise invalid_argument(f"JSON Value: {json_text(v)} found at incorrect level: {level + 1} in "
                                       f"the JSON DOM. Expected at level: {rank}")
            _check_values([v], spec)
            flat.append(v)
            return
        if level >= rank:
            raise invalid_argument(f"Encountered list at unexpected level: {level} expected < {rank}")
        if len(v) != shape[level]:
            raise invalid_argument(f"Encountered list at unexpected size: {len(v)} at level: {level} "
                                   f"expected size: {shape[level]}")
        if level == rank - 1:  # the innermost lists hold the values: check them in one go
            for x in v:
                if isinstance(x, list):
                    raise invalid_argument(f"Encountered list at unexpected level: {level + 1} expected "
                                           f"< {rank}")
                if isinstance(x, dict):
                    raise _type_error(x, spec)
            _check_values(v, spec)
            flat.extend(v)
            return
        for x in v:
            walk(x, level + 1)

    walk(value, 0)
    return shape, flat


def to_array(flat: list, shape: list[int] | tuple, spec: TensorSpec) -> np.ndarray:
    """The checked flat values as an array of the input's dtype."""
    return np.asarray(flat, dtype=np.float64 if spec.dtype.kind == "f" else spec.dtype).astype(
        spec.dtype, copy=False).reshape(tuple(shape))


# -- the two request formats ----------------------------------------------------------------
def _instances(doc: dict, signature: ServingSignature) -> dict[str, np.ndarray]:
    """Row format (FillTensorMapFromInstancesList)."""
    instances = doc["instances"]
    if not isinstance(instances, list):
        raise invalid_argument(f"JSON Value: {json_text(doc)} Expecting 'instances' to be an list/array")
    if not instances:
        raise invalid_argument(f"JSON Value: {json_text(doc)} No values in 'instances' array")
    specs = {t.key: t for t in signature.inputs}
    if not isinstance(instances[0], dict) and len(specs) > 1:
        raise invalid_argument("instances is a plain list, but expecting list of objects as multiple input "
                               "tensors required as per tensorinfo_map")
    named = is_element_object(instances[0])
    flats: dict[str, list] = {k: [] for k in specs}
    shapes: dict[str, list[int]] = {}

    def add(item: Any, name: str) -> None:
        spec = specs.get(name)
        if spec is None:
            raise invalid_argument(f"JSON object: does not have named input: {name}")
        shape, flat = fill_tensor(item, spec)
        if name not in shapes:
            shapes[name] = shape
            _check_rank(spec, [len(instances)] + shape)
        elif _size(shapes[name]) != len(flat):
            raise invalid_argument(f"Expecting tensor size: {_size(shapes[name])} but got: {len(flat)}")
        elif shapes[name] != shape:
            raise invalid_argument(f"Expecting shape {_shape_list(shapes[name])} but got: {_shape_list(shape)}")
        flats[name].extend(flat)

    for i, elem in enumerate(instances):
        if named:
            if not is_element_object(elem):
                raise invalid_argument(f"Expecting object but got list at item {i} of input list")
            for name, value in elem.items():
                try:
                    add(value, name)
                except ServingError as exc:
                    raise invalid_argument(f"Failed to process element: {i} key: {name} of 'instances' list. "
                                           f"Error: {exc.code}: {exc.message}") from None
            if set(elem) != set(specs):
                raise invalid_argument(f"Failed to process element: {i} of 'instances' list. JSON object: "
                                       f"{json_text(elem)} keys must be equal to: {','.join(sorted(specs))}")
        else:
            if is_element_object(elem):
                raise invalid_argument(f"Expecting value/list but got object at item {i} of input list")
            try:
                add(elem, signature.inputs[0].key)
            except ServingError as exc:
                raise invalid_argument(f"Failed to process element: {i} of 'instances' list. "
                                       f"Error: {exc.code}: {exc.message}") from None
    return {k: to_array(flats[k], [len(instances)] + shapes[k], specs[k]) for k in specs}


def _inputs(doc: dict, signature: ServingSignature) -> dict[str, np.ndarray]:
    """Columnar format (FillTensorMapFromInputsMap)."""
    value = doc["inputs"]
    if not isinstance(value, dict) or is_b64(value):
        if len(signature.inputs) > 1:
            raise invalid_argument("inputs is a plain value/list, but expecting an object as multiple input "
                                   "tensors required as per tensorinfo_map")
        items = {signature.inputs[0].key: value}
    else:
        items = {}
        for spec in signature.inputs:
            if spec.key not in value:
                raise invalid_argument(f"Missing named input: {spec.key} in 'inputs' object.")
            items[spec.key] = value[spec.key]
    out = {}
    for spec in signature.inputs:
        shape, flat = fill_tensor(items[spec.key], spec)
        _check_rank(spec, shape)
        out[spec.key] = to_array(flat, shape, spec)
    batches = {k: a.shape[0] for k, a in out.items()}
    if len(set(batches.values())) > 1:
        raise invalid_argument("all inputs must have the same size in dimension 0 (the batch), got "
                               + ", ".join(f"{k}: {n}" for k, n in batches.items()))
    return out


def _size(shape: list[int]) -> int:
    return int(np.prod(shape)) if shape else 1


def _shape_list(shape: list[int]) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _check_rank(spec: TensorSpec, shape: list[int]) -> None:
    """The fed shape must fit the input's (TensorFlow's feed check, worded as TF words it)."""
    ok = len(shape) == len(spec.shape) and all(w is None or w == d for w, d in zip(spec.shape, shape))
    if not ok:
        fed = shape_text(shape)
        raise invalid_argument(f"Cannot feed value of shape {fed} for Tensor {spec.key}:0, which has shape "
                               f"{spec.shape_text()}")


def parse_predict(doc: dict, signature: ServingSignature) -> PredictRequest:
    """Tensors of a predict request already parsed by :func:`parse_body` (FillPredictRequestFromJson)."""
    has_instances, has_inputs = "instances" in doc, "inputs" in doc
    if has_instances and has_inputs:
        raise invalid_argument(f"JSON Value: {json_text(doc)} Not formatted correctly expecting only one of "
                               "'inputs' or 'instances' keys to exist ")
    if has_instances:
        return PredictRequest(ROW, _instances(doc, signature))
    if has_inputs:
        return PredictRequest(COLUMNAR, _inputs(doc, signature))
    raise invalid_argument("Missing 'inputs' or 'instances' key")
