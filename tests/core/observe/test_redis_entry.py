"""How the Redis tap reads a stream entry: the payload field and, beside it, the headers the
generated services write as fields of their own (the exported AsyncAPI's `headerFields`)."""

from __future__ import annotations

import json

from designer.taps.redis import _entry
from designer.taps.redis_wire import MAGIC


def test_a_plain_entry_gives_the_bare_body_and_its_other_fields_as_headers() -> None:
    body = json.dumps({"order_id": "o-1"}).encode()
    fields = {b"__data__": body, b"message_id": b"m-1", b"correlation_id": b"c-1"}
    assert _entry(fields) == (body, {"message_id": "m-1", "correlation_id": "c-1"})


def test_a_lone_payload_field_has_no_headers() -> None:
    assert _entry({b"__data__": b'{"a": 1}'}) == (b'{"a": 1}', {})


def test_a_faststream_frame_in_the_payload_field_is_still_unwrapped() -> None:
    # A FastStream service publishing on its own: one binary frame, headers inside.
    header = b"\x00\x02id\x00\x03m-2"
    headers_start = len(MAGIC) + 2 + 8
    data_start = headers_start + 2 + len(header)
    frame = (
        MAGIC
        + (1).to_bytes(2, "big")
        + headers_start.to_bytes(4, "big")
        + data_start.to_bytes(4, "big")
        + (1).to_bytes(2, "big")
        + header
        + b'{"a": 1}'
    )
    assert _entry({b"__data__": frame}) == (b'{"a": 1}', {"id": "m-2"})
