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
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Mapping
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection
from aiormq.abc import DeliveredMessage
from aiormq.exceptions import AMQPError

from designer.core.broker_urls import redact
from designer.core.model import Design
from designer.core.observe import Record, from_wire
from designer.core.observe.expected import Expectations

from .session import Sink, TapError

FIREHOSE = "amq.rabbitmq.trace"
MAX_QUEUED = 200_000  # the tap queue's cap (drop-head): bounded broker memory
PREFETCH = 2_000


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _headers(properties: Mapping[str, Any], headers: Mapping[str, Any] | None) -> dict[str, str]:
    found = {k: _text(v) for k, v in (headers or {}).items() if v is not None}
    for name in ("message_id", "correlation_id", "type", "reply_to", "app_id", "user_id"):
        value = properties.get(name)
        if value not in (None, ""):
            found.setdefault(name, _text(value))
    return found


class RabbitTap:
    def __init__(self, design: Design, url: str) -> None:
        self.design = design
        self.url = url
        self.notes: list[str] = []
        self.connection: AbstractConnection | None = None
        self.channel: AbstractChannel | None = None
        self.probe: AbstractChannel | None = None
        self.queue_name = f"msgflow-observe-{uuid.uuid4().hex[:12]}"
        self.topics: set[str] = set()
        self.direct: set[tuple[str, str]] = set()
        self.firehose = False

    async def open(self, sink: Sink) -> None:
        # aiormq logs a failed connect itself; the user gets our one line instead.
        logging.getLogger("aiormq").setLevel(logging.CRITICAL)
        logging.getLogger("aio_pika").setLevel(logging.CRITICAL)
        try:
            self.connection = await aio_pika.connect(self.url, timeout=5)
        except (TimeoutError, AMQPError, OSError, ConnectionError) as error:
            raise TapError(f"cannot connect to {redact(self.url)}: {_reason(error)}") from None
        except Exception as error:  # aio-pika wraps some failures (bad vhost) differently
            raise TapError(f"cannot connect to {redact(self.url)}: {_reason(error)}") from None
        topics, direct = Expectations(self.design).rabbit_taps()
        self.channel = await self.connection.channel()
        await self.channel.set_qos(prefetch_count=PREFETCH)
        await self.channel.declare_queue(
            self.queue_name,
            exclusive=True,
            auto_delete=True,
            arguments={"x-max-length": MAX_QUEUED, "x-overflow": "drop-head"},
        )
        self.probe = await self.connection.channel()
        missing: set[str] = set()
        for exchange in topics:
            if await self._bind(exchange, "#"):
                self.topics.add(exchange)
            else:
                missing.add(exchange)
        for exchange, key in direct:
            if exchange in missing:
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
        await self.probe.close()

        # Consumed on the AMQP client underneath aio-pika: its per-message wrapper object
        # costs more than everything else the tap does (benchmarks/observe.py).
        async def receive(message: DeliveredMessage) -> None:
            now = time.time()
            properties = message.header.properties
            exchange = message.exchange or ""
            if exchange == FIREHOSE:
                record = self._from_firehose(now, message.body, properties.headers)
                if record is not None:
                    sink(record)
                return
            sink(
                from_wire(
                    now,
                    "rabbitmq",
                    message.routing_key or "",
                    message.body,
                    _headers(_properties(properties), properties.headers),
                    exchange,
                )
            )

        underlay = await self.channel.get_underlay_channel()
        await underlay.basic_consume(self.queue_name, receive, no_ack=True, exclusive=True)

    async def _bind(self, exchange: str, key: str) -> bool:
        """Bind the tap queue on the probe channel: a refusal (missing exchange, no rights)
        closes only that channel, which is then reopened."""
        assert self.connection is not None and self.probe is not None
        try:
            queue = await self.probe.get_queue(self.queue_name, ensure=False)
            await queue.bind(exchange, routing_key=key)
            return True
        except AMQPError:
            self.probe = await self.connection.channel()
            return False

    def _from_firehose(
        self, now: float, body: bytes, table: Mapping[str, Any] | None
    ) -> Record | None:
        headers: dict[str, Any] = dict(table or {})
        exchange = _text(headers.get("exchange_name", ""))
        keys = headers.get("routing_keys")
        key = _text(keys[0]) if isinstance(keys, list) and keys else ""
        if exchange in self.topics or (exchange, key) in self.direct or exchange == FIREHOSE:
            return None  # already seen through its own binding
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
        await stop.wait()

    async def close(self) -> None:
        if self.connection is None:
            return
        try:
            # Deleting first makes the cleanup explicit; closing the connection would too.
            if self.channel is not None and not self.channel.is_closed:
                await self.channel.queue_delete(self.queue_name)
        except (AMQPError, OSError):
            pass
        with contextlib.suppress(AMQPError, OSError):
            await self.connection.close()


def _properties(properties: Any) -> dict[str, Any]:
    return {
        "message_id": properties.message_id,
        "correlation_id": properties.correlation_id,
        "type": properties.message_type,
        "reply_to": properties.reply_to,
        "app_id": properties.app_id,
        "user_id": properties.user_id,
    }


def _reason(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if "ACCESS_REFUSED" in text or "403" in text:
        return "access refused (user, password or vhost permissions)"
    if "NOT_ALLOWED" in text or "530" in text or "Connection.Close" in text:
        return "not allowed (does the vhost exist?)"
    return text
