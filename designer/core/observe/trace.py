"""Recorded traffic as JSON Lines, so drift checks can run again without a broker (CI).

The first line says what the file is and when watching started; each following line is
one record; the last line (when the recording finished cleanly) says when it ended, so a
replay knows the window even if the last seconds were quiet:

    {"msgflow_trace": 1, "broker": "nats", "started": 1765080000.0}
    {"t": 1765080000.12, "broker": "nats", "channel": "orders.evt.order-created",
     "headers": {"correlation_id": "..."}, "body": "{\"order_id\": ...}"}
    {"msgflow_trace_end": 1765080030.0, "records": 1}

Bodies are kept as text when they are UTF-8 and as `body_b64` otherwise. A hand-written
trace may also give `type`, `message_id`, `correlation_id`, `causation_id`, `reply_to`
directly on a record line; they win over what headers and body say.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from ..errors import MsgflowError
from ..json_limits import NumberWatch, limit_problems, may_escape_surrogate
from .record import BROKERS, Record, from_wire

TRACE_VERSION = 1
MAX_LINE_BYTES = 16 * 1024 * 1024  # one record; a bigger line is not a message but an accident


class TraceError(MsgflowError):
    """A trace file that cannot be read, located by file and line."""

    def __init__(self, source: str, line: int, message: str) -> None:
        self.source, self.line, self.reason = source, line, message
        super().__init__(f"{source}:{line}: {message}" if line else f"{source}: {message}")


@dataclass
class TraceWindow:
    """What the header and footer lines said."""

    broker: str | None = None
    started: float | None = None
    ended: float | None = None


def record_to_json(record: Record) -> dict[str, Any]:
    line: dict[str, Any] = {"t": record.time, "broker": record.broker, "channel": record.channel}
    if record.exchange is not None:
        line["exchange"] = record.exchange
    if record.headers:
        line["headers"] = dict(record.headers)
    try:
        line["body"] = record.body.decode("utf-8")
    except UnicodeDecodeError:
        line["body_b64"] = base64.b64encode(record.body).decode("ascii")
    return line


class TraceWriter:
    """Appends records to an open text file, one line each."""

    def __init__(self, handle: IO[str], broker: str, started: float) -> None:
        self.handle = handle
        self.count = 0
        self._write({"msgflow_trace": TRACE_VERSION, "broker": broker, "started": started})

    def _write(self, value: dict[str, Any]) -> None:
        self.handle.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")

    def write(self, record: Record) -> None:
        self._write(record_to_json(record))
        self.count += 1

    def close(self, ended: float) -> None:
        self._write({"msgflow_trace_end": ended, "records": self.count})
        self.handle.flush()


def _text(line: dict[str, Any], key: str, source: str, number: int) -> str | None:
    value = line.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TraceError(source, number, f"'{key}' must be a string")
    return value


def _time(value: Any, key: str, source: str, number: int) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TraceError(source, number, f"'{key}' must be a time in seconds (a number)")
    return float(value)


def record_from_json(line: dict[str, Any], source: str = "<trace>", number: int = 0) -> Record:
    """A record line -> Record; TraceError names what is wrong with it."""
    time = _time(line.get("t"), "t", source, number)
    broker = _text(line, "broker", source, number)
    if broker not in BROKERS:
        raise TraceError(source, number, f"'broker' must be one of {', '.join(BROKERS)}")
    channel = _text(line, "channel", source, number)
    if channel is None:
        raise TraceError(source, number, "a record needs a 'channel'")
    headers = line.get("headers") or {}
    if not isinstance(headers, dict):
        raise TraceError(source, number, "'headers' must be an object")
    if "body_b64" in line:
        try:
            body = base64.b64decode(_text(line, "body_b64", source, number) or "", validate=True)
        except (binascii.Error, ValueError):
            raise TraceError(source, number, "'body_b64' is not base64") from None
    else:
        raw = line.get("body", "")
        # A hand-written trace may give the body as JSON rather than as its text.
        body = (raw if isinstance(raw, str) else json.dumps(raw)).encode("utf-8")
    record = from_wire(
        time,
        broker,
        channel,
        body,
        {str(k): str(v) for k, v in headers.items() if v is not None},
        _text(line, "exchange", source, number),
    )
    # Explicit fields of a hand-written line win over what headers and body say.
    return replace(
        record,
        message_type=_text(line, "type", source, number) or record.message_type,
        message_id=_text(line, "message_id", source, number) or record.message_id,
        correlation_id=_text(line, "correlation_id", source, number) or record.correlation_id,
        causation_id=_text(line, "causation_id", source, number) or record.causation_id,
        reply_to=_text(line, "reply_to", source, number) or record.reply_to,
    )


def read_trace(path: str | Path, window: TraceWindow | None = None) -> Iterator[Record]:
    """The records of a trace file, streamed (a long recording is never held whole).

    `window`, when given, is filled from the header and footer lines as they are read.
    Raises TraceError (located) on the first line that is not a valid record.
    """
    source = str(path)
    try:
        handle = Path(path).open("rb")  # noqa: SIM115  # closed by the `with` below
    except FileNotFoundError:
        raise TraceError(source, 0, "no such file") from None
    except IsADirectoryError:
        raise TraceError(source, 0, "is a folder, not a trace file") from None
    except OSError as error:
        raise TraceError(source, 0, f"cannot read: {error.strerror}") from None
    with handle:
        for number, raw in enumerate(iter(lambda: handle.readline(MAX_LINE_BYTES + 1), b""), 1):
            if len(raw) > MAX_LINE_BYTES:
                raise TraceError(source, number, "line longer than 16 MB")
            if not raw.strip():
                continue
            numbers = NumberWatch()
            try:
                line = json.loads(raw, parse_int=numbers.parse_int, parse_float=numbers.parse_float)
            except (ValueError, UnicodeDecodeError) as error:
                raise TraceError(source, number, f"not JSON ({error})") from None
            except RecursionError:
                raise TraceError(source, number, "nested too deeply to read") from None
            if not isinstance(line, dict):
                raise TraceError(source, number, "a trace line must be a JSON object")
            if numbers.suspect or may_escape_surrogate(raw):
                # The design loader's limits: a lone surrogate fails every later encode,
                # an infinite or 400-digit number every later arithmetic.
                for problem in limit_problems(line, 1):
                    raise TraceError(source, number, f"{problem.path}: {problem.message}")
            if "msgflow_trace" in line:
                if window is not None:
                    window.broker = (
                        line.get("broker") if isinstance(line.get("broker"), str) else None
                    )
                    if line.get("started") is not None:
                        window.started = _time(line["started"], "started", source, number)
                continue
            if "msgflow_trace_end" in line:
                if window is not None:
                    window.ended = _time(
                        line["msgflow_trace_end"], "msgflow_trace_end", source, number
                    )
                continue
            yield record_from_json(line, source, number)
