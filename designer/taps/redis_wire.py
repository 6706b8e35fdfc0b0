"""How FastStream (and others) put a message and its headers into one Redis value.

FastStream 0.6+ writes a binary frame by default: an 8-byte magic, a version, the offsets
of the headers and of the body, then length-prefixed header strings. Older FastStream wrote
JSON `{"data": "<body>", "headers": {...}}`. Anything else is the body as written. This
module is the reading side of those formats, written from their description.
"""

from __future__ import annotations

import json
import struct

from designer.core.json_limits import limit_problems, may_escape_surrogate

MAGIC = b"\x89BIN\r\n\x1a\n"


def _binary(data: bytes) -> tuple[bytes, dict[str, str]] | None:
    try:
        (version,) = struct.unpack_from(">H", data, len(MAGIC))
        if version != 1:
            return None
        headers_start, body_start = struct.unpack_from(">II", data, len(MAGIC) + 2)
        (count,) = struct.unpack_from(">H", data, headers_start)
        offset = headers_start + 2
        headers: dict[str, str] = {}
        for _ in range(count):
            strings = []
            for _part in range(2):
                (length,) = struct.unpack_from(">H", data, offset)
                offset += 2
                strings.append(data[offset : offset + length].decode("utf-8", "replace"))
                offset += length
            headers[strings[0]] = strings[1]
        if body_start > len(data):
            return None
        return data[body_start:], headers
    except struct.error:
        return None


def unwrap(data: bytes) -> tuple[bytes, dict[str, str]]:
    """(body, headers) of one Redis value."""
    if data.startswith(MAGIC):
        framed = _binary(data)
        if framed is not None:
            return framed
    if data[:1] == b"{" and b'"headers"' in data:
        try:
            value = json.loads(data)
        except (ValueError, RecursionError):
            return data, {}
        if may_escape_surrogate(data) and limit_problems(value, 1):
            return data, {}  # a lone surrogate would fail the encode below: left as it came
        if isinstance(value, dict) and isinstance(value.get("data"), str):
            headers = value.get("headers") or {}
            if isinstance(headers, dict):
                return value["data"].encode("utf-8"), {str(k): str(v) for k, v in headers.items()}
    return data, {}
