"""Builders for the TensorFlow protobuf messages a frozen-graph SavedModel needs.

Field numbers are those of formats.md §3.2 (dumped from the TF 2.21 wheel).
Each builder returns the encoded message bytes; sub-messages are passed in
already encoded.  Together with :mod:`.wire` this writes ``saved_model.pb``
without TensorFlow or the ``protobuf`` package (formats.md §3.5).
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from . import wire as w

# tensorflow/core/framework/types.proto (formats.md §3.2)
DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_STRING = 1, 2, 3, 4, 5, 6, 7
DT_INT64, DT_BOOL, DT_UINT16, DT_HALF, DT_UINT32, DT_UINT64 = 9, 10, 17, 19, 22, 23

_NP_TO_DT = {
    np.dtype(np.float32): DT_FLOAT, np.dtype(np.float64): DT_DOUBLE, np.dtype(np.int32): DT_INT32,
    np.dtype(np.uint8): DT_UINT8, np.dtype(np.int16): DT_INT16, np.dtype(np.int8): DT_INT8,
    np.dtype(np.int64): DT_INT64, np.dtype(np.bool_): DT_BOOL, np.dtype(np.uint16): DT_UINT16,
    np.dtype(np.float16): DT_HALF, np.dtype(np.uint32): DT_UINT32, np.dtype(np.uint64): DT_UINT64,
}
DT_NAMES = {DT_FLOAT: "DT_FLOAT", DT_DOUBLE: "DT_DOUBLE", DT_INT32: "DT_INT32", DT_UINT8: "DT_UINT8",
            DT_INT16: "DT_INT16", DT_INT8: "DT_INT8", DT_STRING: "DT_STRING", DT_INT64: "DT_INT64",
            DT_BOOL: "DT_BOOL", DT_UINT16: "DT_UINT16", DT_HALF: "DT_HALF", DT_UINT32: "DT_UINT32",
            DT_UINT64: "DT_UINT64"}

# tensorflow/python/saved_model constants (formats.md §3.2)
SAVED_MODEL_SCHEMA_VERSION = 1
SERVING_TAG = "serve"
DEFAULT_SERVING_SIGNATURE_DEF_KEY = "serving_default"
PREDICT_METHOD_NAME = "tensorflow/serving/predict"
GRAPH_DEF_VERSION = 2474  # tf.version.GRAPH_DEF_VERSION of TF 2.21


def dtype_enum(dtype: object) -> int:
    """The ``DataType`` enum of a numpy dtype (or anything ``np.dtype`` accepts)."""
    dt = np.dtype(dtype)
    if dt not in _NP_TO_DT:
        raise TypeError(f"dtype {dt} has no TensorFlow DataType in this writer")
    return _NP_TO_DT[dt]


# -- framework/tensor_shape.proto: TensorShapeProto{repeated Dim dim = 2 {int64 size = 1}; bool unknown_rank = 3}
def tensor_shape(dims: Sequence[int | None] | None) -> bytes:
    """A ``TensorShapeProto``; ``None`` dims become -1, ``dims=None`` means unknown rank."""
    if dims is None:
        return w.bool_field(3, True)
    return b"".join(w.message_field(2, w.int_field(1, -1 if d is None else int(d))) for d in dims)


# -- framework/tensor.proto: TensorProto{dtype = 1; tensor_shape = 2; tensor_content = 4}
def tensor_proto(array: np.ndarray) -> bytes:
    """A ``TensorProto`` holding ``array`` as little-endian ``tensor_content`` (formats.md §3.4)."""
    arr = np.asarray(array, order="C")
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    dt = dtype_enum(arr.dtype)
    content = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
    return w.int_field(1, dt) + w.message_field(2, tensor_shape(arr.shape)) + w.bytes_field(4, content)


# -- framework/attr_value.proto: AttrValue oneof {list=1; s=2; i=3; f=4; b=5; type=6; shape=7; tensor=8}
class attr:
    """``AttrValue`` encoders; every member of the oneof is written even when it is the default."""

    @staticmethod
    def s(value: str | bytes) -> bytes:
        data = value.encode("utf-8") if isinstance(value, str) else value
        return w.bytes_field(2, data, always=True)

    @staticmethod
    def i(value: int) -> bytes:
        return w.int_field(3, value, always=True)

    @staticmethod
    def f(value: float) -> bytes:
        return w.float_field(4, float(value), always=True)

    @staticmethod
    def b(value: bool) -> bytes:
        return w.bool_field(5, bool(value), always=True)

    @staticmethod
    def type(dtype: int) -> bytes:
        return w.int_field(6, dtype, always=True)

    @staticmethod
    def shape(dims: Sequence[int | None] | None) -> bytes:
        return w.message_field(7, tensor_shape(dims))

    @staticmethod
    def tensor(array: np.ndarray) -> bytes:
        return w.message_field(8, tensor_proto(array))

    # ListValue: repeated bytes s=2; int64 i=3 (packed); float f=4; bool b=5; DataType type=6
    @staticmethod
    def ints(values: Iterable[int]) -> bytes:
        return w.message_field(1, w.packed_varints(3, [int(v) for v in values]))

    @staticmethod
    def floats(values: Iterable[float]) -> bytes:
        return w.message_field(1, w.packed_floats(4, values))

    @staticmethod
    def types(values: Iterable[int]) -> bytes:
        return w.message_field(1, w.packed_varints(6, values))

    @staticmethod
    def strings(values: Iterable[str]) -> bytes:
        return w.message_field(1, w.repeated_bytes(2, [v.encode("utf-8") for v in values]))


# -- framework/node_def.proto: NodeDef{name=1; op=2; repeated input=3; device=4; map<string,AttrValue> attr=5}
def node_def(name: str, op: str, inputs: Sequence[str] = (), attrs: dict | None = None, device: str = "") -> bytes:
    """A ``NodeDef``; ``attrs`` maps names to encoded ``AttrValue`` bytes (see :class:`attr`)."""
    return (w.string_field(1, name) + w.string_field(2, op) + w.repeated_strings(3, inputs)
            + w.string_field(4, device) + w.map_string_to_message(5, attrs or {}))


# -- framework/versions.proto: VersionDef{producer=1; min_consumer=2; repeated bad_consumers=3}
def version_def(producer: int, min_consumer: int = 0) -> bytes:
    return w.int_field(1, producer) + w.int_field(2, min_consumer)


# -- framework/graph.proto: GraphDef{repeated NodeDef node=1; FunctionDefLibrary library=2; VersionDef versions=4}
def graph_def(nodes: Iterable[bytes], producer: int | None = GRAPH_DEF_VERSION) -> bytes:
    out = b"".join(w.message_field(1, n) for n in nodes)
    if producer is not None:
        out += w.message_field(4, version_def(producer))
    return out


# -- protobuf/meta_graph.proto: TensorInfo{name=1; dtype=2; tensor_shape=3}
def tensor_info(name: str, dtype: int, dims: Sequence[int | None] | None) -> bytes:
    """A ``TensorInfo`` naming a graph tensor ``"node:k"``."""
    return w.string_field(1, name) + w.int_field(2, dtype) + w.message_field(3, tensor_shape(dims))


# SignatureDef{map<string,TensorInfo> inputs=1; outputs=2; string method_name=3}
def signature_def(inputs: dict, outputs: dict, method_name: str = PREDICT_METHOD_NAME) -> bytes:
    return (w.map_string_to_message(1, inputs) + w.map_string_to_message(2, outputs)
            + w.string_field(3, method_name))


# MetaInfoDef{meta_graph_version=1; stripped_op_list=2; tags=4; tensorflow_version=5; tensorflow_git_version=6}
def meta_info_def(tags: Sequence[str] = (SERVING_TAG,), tensorflow_version: str = "",
                  tensorflow_git_version: str = "", meta_graph_version: str = "") -> bytes:
    return (w.string_field(1, meta_graph_version) + w.repeated_strings(4, tags)
            + w.string_field(5, tensorflow_version) + w.string_field(6, tensorflow_git_version))


# MetaGraphDef{meta_info_def=1; graph_def=2; saver_def=3; collection_def=4; signature_def=5 (map)}
def meta_graph_def(meta_info: bytes, graph: bytes, signatures: dict) -> bytes:
    return w.message_field(1, meta_info) + w.message_field(2, graph) + w.map_string_to_message(5, signatures)


# -- protobuf/saved_model.proto: SavedModel{int64 saved_model_schema_version=1; repeated MetaGraphDef meta_graphs=2}
def saved_model(meta_graphs: Iterable[bytes]) -> bytes:
    return (w.int_field(1, SAVED_MODEL_SCHEMA_VERSION)
            + b"".join(w.message_field(2, mg) for mg in meta_graphs))
