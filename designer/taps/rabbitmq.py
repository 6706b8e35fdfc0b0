"""RabbitMQ tap: a temporary queue of our own, bound beside the services' queues.

A binding copies: the exchange routes each message to every bound queue, so our queue
gets its copy and the services' queues keep theirs. The tap queue is exclusive and
auto-delete (RabbitMQ removes it when our connection closes, even if we crash), capped in
length so a slow observer cannot fill the broker's memory, and consumed with auto-ack.

Bound: the design's topic exchanges with `#` (undeclared routing keys show up too) and the
design's keys on the direct command exchange. Answers to queries travel through the
default exchange, which takes no bindings: only the firehose (`amq.rabbitmq.trace`, on when
someone ran `rabbitmqctl trace_on`) shows them, and traffic on exchanges the design does
not know. The tap binds to it when it may; messages of exchanges already tapped are
skipped there so nothing counts twice.

The tap speaks AMQP through `amqp_wire` (its own lean connection), not aio-pika: the
client library's per-message overhead was most of the observer's cost.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Mapping
from typing import Any

from designer.core.broker_names import MAX_CHANNEL_BYTES
from designer.core.broker_urls import redact
from designer.core.model import Design
from designer.core.observe import Record, from_wire
from designer.core.observe.expected import INFRASTRUCTURE_EXCHANGES, Expectations

from .amqp_wire import AmqpError, AmqpWire, ChannelRefused, Delivery, Endpoint
from .session import Sink, TapError

FIREHOSE = "amq.rabbitmq.trace"
MAX_QUEUED = 200_000  # the tap queue's cap (drop-head): bounded broker memory
CONNECT_TIMEOUT_S = 5.0
_PROPERTY_NAMES = ("message_id", "correlation_id", "type", "reply_to", "app_id", "user_id")


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _headers(properties: Mapping[str, Any], headers: Mapping[str, Any] | None) -> dict[str, str]:
    found = {k: _text(v) for k, v in headers.items() if v is not None} if headers else {}
    for name in _PROPERTY_NAMES:
        value = properties.get(name)
        if value not in (None, ""):
            found.setdefault(name, _text(value))
    return found


class RabbitTap:
    def __init__(self, design: Design, url: str) -> None:
        self.design = design
        self.url = url
        self.notes: list[str] = []
        self.wire: AmqpWire | None = None
        self.channel = 0  # the one the tap queue is declared and consumed on
        self.probe = 0  # binds are tried here: a refusal closes only this channel
        self.queue_name = f"msgflow-observe-{uuid.uuid4().hex[:12]}"
        self.topics: set[str] = set()
        self.direct: set[tuple[str, str]] = set()
        self.firehose = False

    async def open(self, sink: Sink) -> None:
        shown = redact(self.url)
        try:
            self.wire = await asyncio.wait_for(
                AmqpWire.open(Endpoint.from_url(self.url), "msgflow observe"), CONNECT_TIMEOUT_S
            )
        except TimeoutError:
            raise TapError(
                f"cannot connect to {shown}: no answer within {CONNECT_TIMEOUT_S:g} s"
            ) from None
        except (AmqpError, OSError, ValueError) as error:
            raise TapError(f"cannot connect to {shown}: {_reason(error)}") from None
        topics, direct = Expectations(self.design).rabbit_taps()
        try:
            await self._declare(topics, direct)
        except AmqpError as error:
            raise TapError(f"cannot watch {shown}: {_reason(error)}") from None

        def receive(delivery: Delivery) -> None:
            record = self.record(delivery, time.time())
            if record is not None:
                sink(record)

        await self.wire.consume(self.channel, self.queue_name, receive)

    async def _declare(self, topics: list[str], direct: list[tuple[str, str]]) -> None:
        assert self.wire is not None
        self.channel = await self.wire.channel()
        await self.wire.declare_queue(
            self.channel,
            self.queue_name,
            {"x-max-length": MAX_QUEUED, "x-overflow": "drop-head"},
        )
        self.probe = await self.wire.channel()
        missing: set[str] = set()
        for exchange in topics:
            if await self._bind(exchange, "#"):
                self.topics.add(exchange)
            else:
                missing.add(exchange)
        for exchange, key in direct:
            if exchange in missing:
                continue
            size = len(key.encode("utf-8"))
            if size > MAX_CHANNEL_BYTES:
                # AMQP cannot even send it (the channel breaks rule channel-name-invalid).
                self.notes.append(
                    f"routing key '{key[:40]}...' of exchange '{exchange}' is {size} bytes "
                    f"(AMQP carries at most {MAX_CHANNEL_BYTES}): its flow is not watched"
                )
                continue
            if await self._bind(exchange, key):
                self.direct.add((exchange, key))
            else:
                missing.add(exchange)
        for exchange in sorted(missing):
            self.notes.append(
                f"exchange '{exchange}' does not exist on the broker: its flows cannot carry "
                "anything (was the design applied? `msgflow broker apply`)"
            )
        self.firehose = await self._bind(FIREHOSE, "publish.#")

    async def _bind(self, exchange: str, key: str) -> bool:
        """Bind the tap queue on the probe channel: a refusal (missing exchange, no rights)
        closes only that channel, which is then replaced."""
        assert self.wire is not None
        try:
            await self.wire.bind(self.probe, self.queue_name, exchange, key)
            return True
        except ChannelRefused:
            self.probe = await self.wire.channel()
            return False

    def record(self, delivery: Delivery, now: float) -> Record | None:
        """The record of one delivery (None: a firehose copy of what a binding showed)."""
        properties = delivery.properties
        if delivery.exchange == FIREHOSE:
            return self._from_firehose(now, delivery.body, properties.get("headers"))
        return from_wire(
            now,
            "rabbitmq",
            delivery.routing_key,
            delivery.body,
            _headers(properties, properties.get("headers")),
            delivery.exchange,
        )

    def _from_firehose(
        self, now: float, body: bytes, table: Mapping[str, Any] | None
    ) -> Record | None:
        headers: dict[str, Any] = dict(table or {})
        exchange = _text(headers.get("exchange_name", ""))
        keys = headers.get("routing_keys")
        key = _text(keys[0]) if isinstance(keys, list) and keys else ""
        if exchange in self.topics or (exchange, key) in self.direct or exchange == FIREHOSE:
            return None  # already seen through its own binding
        if exchange in INFRASTRUCTURE_EXCHANGES:
            return None  # a retry or dead letter of a message already seen on its flow
        properties = headers.get("properties") or {}
        inner = properties.get("headers") if isinstance(properties, dict) else None
        if not isinstance(inner, dict):
            inner = None
        return from_wire(
            now,
            "rabbitmq",
            key,
            body,
            _headers(properties if isinstance(properties, dict) else {}, inner),
            exchange,
        )

    async def run(self, stop: asyncio.Event) -> None:
        assert self.wire is not None and self.wire.closed is not None
        stopped = asyncio.ensure_future(stop.wait())
        ended: set[asyncio.Future[Any]] = {stopped, self.wire.closed}
        try:
            await asyncio.wait(ended, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not stop.is_set():
            reason = self.wire.closed.result()
            self.notes.append(f"the broker ended the observation early: {_reason(reason)}")

    async def close(self) -> None:
        if self.wire is None:
            return
        with contextlib.suppress(AmqpError, OSError):
            # Deleting first makes the cleanup explicit; closing the connection would too.
            await asyncio.wait_for(self.wire.delete_queue(self.channel, self.queue_name), 5)
        with contextlib.suppress(AmqpError, OSError):
            await self.wire.close()


def _reason(error: BaseException | None) -> str:
    text = str(error) or type(error).__name__
    if "ACCESS_REFUSED" in text or "403" in text:
        return "access refused (user, password or vhost permissions)"
    if "NOT_ALLOWED" in text or "530" in text or "Connection.Close" in text:
        return "not allowed (does the vhost exist?)"
    return text
