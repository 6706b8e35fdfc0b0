"""The part of AMQP 0-9-1 a RabbitMQ tap needs, on one connection of its own.

Why not aio-pika/aiormq for the tap: they read every frame through an asyncio lock, three
stream reads and a queue, and start a task per delivery — about 50 µs of CPU per message,
which capped the observer near 19,000 messages per CPU-second before any analysis
(benchmarks/observe.py). A tap only declares one queue, binds it, consumes it without acks
and deletes it, so this connection speaks exactly that: the handshake and the control
methods go through pamqp's codec (rare, not worth hand-coding), and deliveries — the
only hot path — are cut out of the received bytes directly (a Basic.Deliver method frame,
a content header, the body frames), their properties read only as far as a record needs.

Errors: a refused connection raises `AmqpRefused` with the broker's reply code and text;
a refused bind (missing exchange, no rights) closes only the channel it was tried on
(`ChannelRefused`), which is then replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from pamqp import commands, frame, heartbeat
from pamqp.base import Frame
from pamqp.common import FieldTable
from pamqp.decode import field_table
from pamqp.exceptions import PAMQPException
from pamqp.header import ProtocolHeader

_FRAME_HEADER = struct.Struct(">BHI")  # type, channel, payload size
_FRAME_END = 0xCE
_METHOD, _HEADER, _BODY, _HEARTBEAT = 1, 2, 3, 8
_DELIVER = struct.Struct(">HH")  # class 60 (basic), method 60 (deliver)
_BASIC_DELIVER = (60, 60)
_U64 = struct.Struct(">Q")
_CONTENT_HEADER = struct.Struct(">HHQH")  # class, weight, body size, property flags
_U32 = struct.Struct(">I")
_LONG_STRING = ord("S")  # a field table's long-string value type
# Unsolicited notices a tap has nothing to do about (it only reads).
_IGNORED = (commands.Connection.Blocked, commands.Connection.Unblocked)
_GOODBYE = commands.Connection.Close(200, "observation over", 0, 0)
HEARTBEAT_S = 30  # proposed; the broker's smaller value wins

# Basic properties in wire order: (flag bit, name, kind); `None` names are skipped over.
_PROPERTIES = (
    (1 << 15, "content_type", "str"),
    (1 << 14, None, "str"),  # content_encoding
    (1 << 13, "headers", "table"),
    (1 << 12, None, "octet"),  # delivery_mode
    (1 << 11, None, "octet"),  # priority
    (1 << 10, "correlation_id", "str"),
    (1 << 9, "reply_to", "str"),
    (1 << 8, None, "str"),  # expiration
    (1 << 7, "message_id", "str"),
    (1 << 6, None, "u64"),  # timestamp
    (1 << 5, "type", "str"),
    (1 << 4, "user_id", "str"),
    (1 << 3, "app_id", "str"),
    (1 << 2, None, "str"),  # cluster_id
)


class AmqpError(Exception):
    """The connection failed or the broker broke the protocol."""


class AmqpRefused(AmqpError):
    """The broker closed the connection: `code` and `text` are its reply."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


class ChannelRefused(AmqpError):
    """The broker closed one channel (a refused declare or bind)."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message as the tap queue delivered it."""

    exchange: str
    routing_key: str
    properties: dict[str, Any]  # only those a record reads (see _PROPERTIES)
    body: bytes


@dataclass(frozen=True)
class Endpoint:
    """Where and how to connect, read from an amqp:// or amqps:// URL."""

    host: str
    port: int
    user: str
    password: str
    vhost: str
    tls: bool

    @classmethod
    def from_url(cls, url: str) -> Endpoint:
        parts = urlsplit(url)
        tls = parts.scheme.lower() == "amqps"
        path = parts.path[1:] if parts.path.startswith("/") else parts.path
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or (5671 if tls else 5672),
            user=unquote(parts.username or "guest"),
            password=unquote(parts.password or "guest"),
            vhost=unquote(path) if path else "/",  # `amqp://host/` is the default vhost
            tls=tls,
        )


class AmqpWire(asyncio.Protocol):
    """One AMQP connection: `open`, then channels, declares, binds, one consumer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiting: dict[int, asyncio.Future[Frame]] = {}  # channel -> the reply awaited
        self.closed: asyncio.Future[AmqpError | None] | None = None
        self.frame_max = 131_072
        self.next_channel = 1
        self.on_delivery: Callable[[Delivery], None] | None = None
        self._delivery: tuple[str, str] | None = None  # exchange, key of the message read
        self._properties: dict[str, Any] = {}
        self._body_size = 0
        self._body: list[bytes] = []
        self._heartbeat: asyncio.TimerHandle | None = None

    # -- connecting -------------------------------------------------------------------------
    @classmethod
    async def open(cls, endpoint: Endpoint, product: str) -> AmqpWire:
        loop = asyncio.get_running_loop()
        context = ssl.create_default_context() if endpoint.tls else None
        _transport, wire = await loop.create_connection(
            cls, endpoint.host, endpoint.port, ssl=context
        )
        try:
            await wire._handshake(endpoint, product)
        except BaseException:  # refused, or cancelled by a timeout: leave no socket open
            if wire.transport is not None:
                wire.transport.close()
            raise
        return wire

    async def _handshake(self, endpoint: Endpoint, product: str) -> None:
        assert self.transport is not None
        self.transport.write(ProtocolHeader().marshal())
        await self._await_on(0, commands.Connection.Start)
        capabilities: FieldTable = {"authentication_failure_close": True}
        self._send(
            0,
            commands.Connection.StartOk(
                client_properties={"product": product, "capabilities": capabilities},
                mechanism="PLAIN",
                response=f"\0{endpoint.user}\0{endpoint.password}",
            ),
        )
        tune = await self._await_on(0, commands.Connection.Tune)
        assert isinstance(tune, commands.Connection.Tune)
        beat = min(tune.heartbeat, HEARTBEAT_S) if tune.heartbeat else HEARTBEAT_S
        self.frame_max = tune.frame_max or self.frame_max
        self._send(
            0,
            commands.Connection.TuneOk(
                channel_max=tune.channel_max, frame_max=self.frame_max, heartbeat=beat
            ),
        )
        self._send(0, commands.Connection.Open(virtual_host=endpoint.vhost))
        await self._await_on(0, commands.Connection.OpenOk)
        self._beat(beat / 2)

    def _beat(self, every: float) -> None:
        """Send a heartbeat every half period: the broker drops a silent client."""
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(frame.marshal(heartbeat.Heartbeat(), 0))
        self._heartbeat = asyncio.get_running_loop().call_later(every, self._beat, every)

    # -- control methods --------------------------------------------------------------------
    async def channel(self) -> int:
        number = self.next_channel
        self.next_channel += 1
        await self._call(number, commands.Channel.Open(), commands.Channel.OpenOk)
        return number

    async def declare_queue(self, channel: int, name: str, arguments: FieldTable) -> None:
        declare = commands.Queue.Declare(
            queue=name, exclusive=True, auto_delete=True, arguments=arguments
        )
        await self._call(channel, declare, commands.Queue.DeclareOk)

    async def bind(self, channel: int, queue: str, exchange: str, key: str) -> None:
        bind = commands.Queue.Bind(queue=queue, exchange=exchange, routing_key=key)
        await self._call(channel, bind, commands.Queue.BindOk)

    async def consume(self, channel: int, queue: str, sink: Callable[[Delivery], None]) -> None:
        """Deliveries without acks (the tap queue is ours alone) go to `sink`."""
        self.on_delivery = sink
        consume = commands.Basic.Consume(queue=queue, no_ack=True, exclusive=True)
        await self._call(channel, consume, commands.Basic.ConsumeOk)

    async def delete_queue(self, channel: int, name: str) -> None:
        await self._call(channel, commands.Queue.Delete(queue=name), commands.Queue.DeleteOk)

    async def close(self) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        with contextlib.suppress(AmqpError, TimeoutError):
            await asyncio.wait_for(self._call(0, _GOODBYE, commands.Connection.CloseOk), 5)
        if self.transport is not None:
            self.transport.close()

    async def _call(self, channel: int, method: Frame, reply: type[Frame]) -> Frame:
        waiter = self._expect(channel)
        self._send(channel, method)
        return await self._receive(waiter, reply)

    async def _await_on(self, channel: int, reply: type[Frame]) -> Frame:
        return await self._receive(self._expect(channel), reply)

    def _expect(self, channel: int) -> asyncio.Future[Frame]:
        if self.closed is not None and self.closed.done():
            raise self.closed.result() or AmqpError("the connection is closed")
        waiter: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self.waiting[channel] = waiter
        return waiter

    async def _receive(self, waiter: asyncio.Future[Frame], reply: type[Frame]) -> Frame:
        answer = await waiter
        if not isinstance(answer, reply):
            raise AmqpError(f"expected {reply.name}, the broker sent {answer.name}")
        return answer

    def _send(self, channel: int, method: Frame) -> None:
        if self.transport is None or self.transport.is_closing():
            raise AmqpError("the connection is closed")
        try:
            data = frame.marshal(method, channel)
        except (TypeError, ValueError) as error:  # a name AMQP cannot carry (over 255 bytes)
            raise AmqpError(f"{method.name}: {error}") from None
        self.transport.write(data)

    # -- asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.closed = asyncio.get_running_loop().create_future()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        reason = AmqpError(str(exc) if exc else "the broker closed the connection")
        self._finish(reason)

    def _finish(self, reason: AmqpError) -> None:
        for waiter in self.waiting.values():
            if not waiter.done():
                waiter.set_exception(reason)
        self.waiting.clear()
        if self.closed is not None and not self.closed.done():
            self.closed.set_result(reason)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        start = 0
        size = len(buffer)
        try:
            while size - start >= 8:
                kind, channel, length = _FRAME_HEADER.unpack_from(buffer, start)
                end = start + 7 + length
                if end >= size:
                    break  # the frame's end octet has not arrived yet
                if buffer[end] != _FRAME_END:
                    raise AmqpError("the broker sent a malformed frame")
                if kind == _METHOD and _DELIVER.unpack_from(buffer, start + 7) == _BASIC_DELIVER:
                    self._deliver(bytes(buffer[start + 11 : end]))
                elif kind == _HEADER and self._delivery is not None:
                    self._header(bytes(buffer[start + 7 : end]))
                elif kind == _BODY and self._delivery is not None:
                    self._body.append(bytes(buffer[start + 7 : end]))
                    self._body_size -= length
                    if self._body_size <= 0:
                        self._complete()
                elif kind != _HEARTBEAT:
                    self._control(channel, bytes(buffer[start : end + 1]))
                start = end + 1
        except (AmqpError, PAMQPException, ValueError, IndexError, struct.error) as error:
            reason = error if isinstance(error, AmqpError) else AmqpError(str(error))
            self._finish(reason)
            if self.transport is not None:
                self.transport.close()
            return
        finally:
            del buffer[:start]

    def _control(self, channel: int, raw: bytes) -> None:
        _used, _channel, method = frame.unmarshal(raw)
        if not isinstance(method, Frame) or isinstance(method, _IGNORED):
            return
        if isinstance(method, commands.Connection.Close):
            self._send(0, commands.Connection.CloseOk())
            self._finish(AmqpRefused(method.reply_code or 0, method.reply_text or ""))
            return
        if isinstance(method, commands.Basic.Cancel):  # e.g. someone deleted the tap queue
            self._finish(AmqpError("the broker cancelled the tap's consumer"))
            return
        if isinstance(method, commands.Channel.Close):
            self._send(channel, commands.Channel.CloseOk())
            waiter = self.waiting.pop(channel, None)
            if waiter is not None and not waiter.done():
                waiter.set_exception(
                    ChannelRefused(method.reply_code or 0, method.reply_text or "")
                )
            return
        waiter = self.waiting.pop(channel, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(method)

    # -- deliveries (the hot path) ----------------------------------------------------------
    def _deliver(self, args: bytes) -> None:
        """Basic.Deliver's arguments: consumer tag, delivery tag, redelivered, exchange, key."""
        at = 1 + args[0] + 8 + 1
        exchange_end = at + 1 + args[at]
        exchange = args[at + 1 : exchange_end].decode("utf-8", "replace")
        key = args[exchange_end + 1 : exchange_end + 1 + args[exchange_end]]
        self._delivery = (exchange, key.decode("utf-8", "replace"))
        self._body = []

    def _header(self, payload: bytes) -> None:
        _class, _weight, size, flags = _CONTENT_HEADER.unpack_from(payload, 0)
        self._properties = _read_properties(payload, 14, flags) if flags else {}
        self._body_size = size
        if size == 0:
            self._complete()

    def _complete(self) -> None:
        assert self._delivery is not None
        exchange, key = self._delivery
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        self._delivery = None
        self._body = []
        if self.on_delivery is not None:
            self.on_delivery(Delivery(exchange, key, self._properties, body))


def _read_properties(payload: bytes, at: int, flags: int) -> dict[str, Any]:
    """The Basic properties a record reads; the others are stepped over."""
    found: dict[str, Any] = {}
    for bit, name, kind in _PROPERTIES:
        if not flags & bit:
            continue
        if kind == "str":
            end = at + 1 + payload[at]
            if name is not None:
                found[name] = payload[at + 1 : end].decode("utf-8", "replace")
            at = end
        elif kind == "table":
            length = _U32.unpack_from(payload, at)[0]
            if name is not None:
                table = _string_table(payload, at + 4, at + 4 + length)
                if table is None:
                    table = field_table(payload[at : at + 4 + length])[1]
                found[name] = table
            at += 4 + length
        elif kind == "octet":
            at += 1
        else:
            at += 8
    return found


def _string_table(payload: bytes, at: int, end: int) -> dict[str, Any] | None:
    """A field table whose values are all long strings (what services put in headers),
    read in place; None for any other table, which pamqp then decodes. pamqp copies the
    rest of the table for each value: ~4 us of a record's ~20 us for three headers."""
    found: dict[str, Any] = {}
    while at < end:
        key_end = at + 1 + payload[at]
        if key_end + 5 > end or payload[key_end] != _LONG_STRING:
            return None
        value_end = key_end + 5 + _U32.unpack_from(payload, key_end + 1)[0]
        if value_end > end:
            return None
        found[payload[at + 1 : key_end].decode("utf-8", "replace")] = payload[
            key_end + 5 : value_end
        ].decode("utf-8", "replace")
        at = value_end
    return found
