"""One observed message: what a tap saw on a broker, reduced to facts the design can judge.

A record keeps the raw body and headers (so a recorded trace can be re-judged against a
later version of the design) plus the ids every analysis needs. The ids are read where
the sender put them, in this order: broker headers/properties first (the wire contract
where the body is the message model itself), then a msgflow envelope in the body (the
older contract: `{message_id, correlation_id, causation_id, message_type, reply_to,
payload}`). Header names are matched loosely (`correlation_id`, `correlation-id`,
`x-correlation-id`, `msgflow-correlation-id` and CloudEvents' `ce-id`/`ce-type` are all
understood) because generated services and hand-written ones spell them differently.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..json_limits import limit_problems, may_escape_surrogate

BROKERS = ("rabbitmq", "nats", "redis")

# Normalised header name -> the id it carries.
_HEADER_ALIASES = {
    "message_type": "message_type",
    "messagetype": "message_type",
    "type": "message_type",
    "message_id": "message_id",
    "messageid": "message_id",
    "id": "message_id",
    "correlation_id": "correlation_id",
    "correlationid": "correlation_id",
    "causation_id": "causation_id",
    "causationid": "causation_id",
    "reply_to": "reply_to",
    "replyto": "reply_to",
}
_PREFIXES = ("x_", "msgflow_", "ce_")
_ENVELOPE_KEYS = frozenset({"message_type", "payload"})
_ID_NAMES = ("message_type", "message_id", "correlation_id", "causation_id", "reply_to")


def header_role(name: str) -> str | None:
    """Which id a header carries (`X-Correlation-Id` -> `correlation_id`), or None."""
    return _role(name)[0]


@lru_cache(maxsize=1024)  # services send the same few header names on every message
def _role(name: str) -> tuple[str | None, bool]:
    """The id a header carries, and whether the name is that id's own (not an alias)."""
    key = name.strip().lower().replace("-", "_")
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _HEADER_ALIASES:
            key = key[len(prefix) :]
            break
    role = _HEADER_ALIASES.get(key)
    return role, role is not None and name.lower().replace("-", "_") == role


def ids_from_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The ids found in headers; an exact name wins over a prefixed alias."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        role, exact = _role(name)
        if role is None or value in ("", None):
            continue
        if exact or role not in found:
            found[role] = str(value)
    return found


NOT_JSON = object()  # the payload of a body that is not JSON
UNPARSED = object()  # a record whose body was not parsed yet


def parse_body(body: bytes) -> Any:
    """The JSON value of a body, or `NOT_JSON`.

    A body nested too deeply to parse, or holding a lone surrogate (the first name or
    value built from it would fail to encode), is no message msgflow can read: NOT_JSON.
    """
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return NOT_JSON
    if may_escape_surrogate(body) and limit_problems(value, 1):
        return NOT_JSON
    return value


def is_envelope(value: Any) -> bool:
    return isinstance(value, dict) and value.keys() >= _ENVELOPE_KEYS


@dataclass(frozen=True, slots=True)
class Record:
    """One message seen on a broker."""

    time: float  # seconds since the epoch, when the tap received it
    broker: str  # one of BROKERS
    channel: str  # AMQP routing key, NATS subject, Redis stream or pub/sub channel
    body: bytes
    exchange: str | None = None  # AMQP only; "" is the default exchange
    headers: Mapping[str, str] = field(default_factory=dict)
    message_type: str | None = None  # as the sender declared it (header or envelope)
    message_id: str | None = None
    correlation_id: str | None = None
    causation_id: str | None = None
    reply_to: str | None = None
    # The body's JSON when reading the ids already parsed it (saves a second parse).
    parsed: Any = field(default=UNPARSED, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def address(self) -> str:
        """Where it travelled, as people write it: `exchange/key`, a subject, a stream."""
        if self.exchange is None:
            return self.channel
        return f"{self.exchange or '(default exchange)'}/{self.channel}"

    def value(self) -> Any:
        """The body's JSON value (`NOT_JSON` when it is not JSON)."""
        return parse_body(self.body) if self.parsed is UNPARSED else self.parsed

    def payload(self) -> Any:
        """The message itself: the body's JSON, unwrapped from an envelope if it has one."""
        value = self.value()
        return value["payload"] if is_envelope(value) else value


def from_wire(
    time: float,
    broker: str,
    channel: str,
    body: bytes,
    headers: Mapping[str, str] | None = None,
    exchange: str | None = None,
) -> Record:
    """A record with its ids read from the headers, else from an envelope body."""
    clean = {str(k): str(v) for k, v in (headers or {}).items() if v is not None}
    ids = ids_from_headers(clean)
    value: Any = UNPARSED
    if len(ids) < len(_ID_NAMES) and body[:1] == b"{" and b'"payload"' in body:
        value = parse_body(body)
        if is_envelope(value):
            for name in _ID_NAMES:
                if name not in ids and value.get(name) not in (None, ""):
                    ids[name] = str(value[name])
    return Record(
        time,
        broker,
        channel,
        body,
        exchange,
        clean,
        ids.get("message_type"),
        ids.get("message_id"),
        ids.get("correlation_id"),
        ids.get("causation_id"),
        ids.get("reply_to"),
        value,
    )
