"""A minimal protobuf wire-format encoder (no ``protobuf`` package needed).

Only what the SavedModel writer uses: varints (int32/int64/enum/bool, negative
numbers as 10-byte two's complement), length-delimited fields (bytes, strings,
sub-messages, packed repeated scalars), fixed32/fixed64 (float/double) and
``map<K, V>`` entries.  Fields are emitted in the order the caller gives them;
builders in :mod:`.protos` give them in field-number order, as protobuf's own
serializers do, so the bytes match ``SerializeToString(deterministic=True)``.

Encoding rules: https://protobuf.dev/programming-guides/encoding/ ; proto3
omits fields equal to their default unless they are part of a ``oneof``
(callers pass ``always=True`` for those — e.g. ``AttrValue.b = false``).
"""
from __future__ import annotations

import math
import struct
from typing import Iterable

VARINT, FIXED64, LEN, FIXED32 = 0, 1, 2, 5
_MASK64 = (1 << 64) - 1


def varint(n: int) -> bytes:
    """Base-128 varint; negative values are encoded as their unsigned 64-bit form (10 bytes)."""
    n = int(n)
    if n < 0:
        n &= _MASK64
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field: int, wire_type: int) -> bytes:
    """The key of a field: ``(field_number << 3) | wire_type`` as a varint."""
    return varint((field << 3) | wire_type)


def int_field(field: int, value: int, always: bool = False) -> bytes:
    """An int32/int64/uint64/enum field (omitted when 0 unless ``always``)."""
    if not value and not always:
        return b""
    return tag(field, VARINT) + varint(value)


def bool_field(field: int, value: bool, always: bool = False) -> bytes:
    """A bool field (omitted when false unless ``always``)."""
    if not value and not always:
        return b""
    return tag(field, VARINT) + (b"\x01" if value else b"\x00")


def bytes_field(field: int, value: bytes, always: bool = False) -> bytes:
    """A length-delimited field holding raw bytes (omitted when empty unless ``always``)."""
    if not value and not always:
        return b""
    return tag(field, LEN) + varint(len(value)) + bytes(value)


def string_field(field: int, value: str, always: bool = False) -> bytes:
    """A UTF-8 string field."""
    return bytes_field(field, value.encode("utf-8"), always)


def message_field(field: int, encoded: bytes) -> bytes:
    """A sub-message field; always written (presence matters for messages), even when empty."""
    return tag(field, LEN) + varint(len(encoded)) + encoded


def float_field(field: int, value: float, always: bool = False) -> bytes:
    """A 32-bit float (fixed32 wire type)."""
    if not always and value == 0.0 and math.copysign(1.0, value) > 0:
        return b""
    return tag(field, FIXED32) + struct.pack("<f", value)


def double_field(field: int, value: float, always: bool = False) -> bytes:
    """A 64-bit double (fixed64 wire type)."""
    if not always and value == 0.0 and math.copysign(1.0, value) > 0:
        return b""
    return tag(field, FIXED64) + struct.pack("<d", value)


def fixed32_field(field: int, value: int) -> bytes:
    """An unsigned fixed32 field."""
    return tag(field, FIXED32) + struct.pack("<I", value & 0xFFFFFFFF)


def fixed64_field(field: int, value: int) -> bytes:
    """An unsigned fixed64 field."""
    return tag(field, FIXED64) + struct.pack("<Q", value & _MASK64)


def packed_varints(field: int, values: Iterable[int]) -> bytes:
    """A packed repeated varint field (proto3's default for repeated scalars); empty → nothing."""
    body = b"".join(varint(v) for v in values)
    return bytes_field(field, body)


def packed_floats(field: int, values: Iterable[float]) -> bytes:
    """A packed repeated float field."""
    vals = list(values)
    return bytes_field(field, struct.pack(f"<{len(vals)}f", *vals))


def packed_bools(field: int, values: Iterable[bool]) -> bytes:
    """A packed repeated bool field."""
    return bytes_field(field, bytes(1 if v else 0 for v in values))


def repeated_strings(field: int, values: Iterable[str]) -> bytes:
    """A repeated string field (strings are never packed)."""
    return b"".join(bytes_field(field, v.encode("utf-8"), always=True) for v in values)


def repeated_bytes(field: int, values: Iterable[bytes]) -> bytes:
    """A repeated bytes field."""
    return b"".join(bytes_field(field, v, always=True) for v in values)


def map_string_to_message(field: int, entries: dict) -> bytes:
    """``map<string, Message>``: one ``{1: key, 2: value}`` entry message per key, keys sorted
    (what ``SerializeToString(deterministic=True)`` does)."""
    out = []
    for key in sorted(entries):
        entry = string_field(1, key) + message_field(2, entries[key])
        out.append(message_field(field, entry))
    return b"".join(out)


def map_string_to_string(field: int, entries: dict) -> bytes:
    """``map<string, string>`` with sorted keys."""
    out = []
    for key in sorted(entries):
        out.append(message_field(field, string_field(1, key) + string_field(2, entries[key])))
    return b"".join(out)
