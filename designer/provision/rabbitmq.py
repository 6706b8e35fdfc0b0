"""Declare a design's exchanges, queues and bindings on a live RabbitMQ over AMQP.

AMQP has no "get": existence is asked with a passive declare (404 when missing), and
equality with an ordinary declare of the same properties, which RabbitMQ accepts as a
no-op when they match and refuses with 406 PRECONDITION_FAILED when they do not. So an
existing object is never replaced: a mismatch is reported as a conflict and left alone.
Each refusal closes the AMQP channel, hence the fresh channel after every error.

Bindings cannot be listed over AMQP; binding again is a no-op, so they are "ensured"
(counted as unchanged) unless their queue or exchange was created in this run.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote, urlsplit

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, ExchangeType
from aiormq.exceptions import ChannelClosed, ChannelNotFoundEntity, ChannelPreconditionFailed

from designer.core.broker_urls import redact
from designer.core.topology import AmqpTopology, Exchange, Queue, shared_part

from .report import (
    CONFLICT,
    CREATED,
    ENSURED,
    ERROR,
    EXISTS,
    UNCHANGED,
    WOULD_CREATE,
    WOULD_ENSURE,
    ApplyReport,
)


class _Channels:
    """One live channel at a time, replaced after the broker closes it on an error."""

    def __init__(self, connection: AbstractConnection) -> None:
        self.connection = connection
        self.current: AbstractChannel | None = None

    async def get(self) -> AbstractChannel:
        if self.current is None or self.current.is_closed:
            self.current = await self.connection.channel(publisher_confirms=False)
        return self.current

    def broken(self) -> None:
        self.current = None


def _server_text(error: BaseException) -> str:
    # aiormq errors carry (code, "PRECONDITION_FAILED - inequivalent arg ...") or a frame.
    for arg in error.args:
        reply = getattr(arg, "reply_text", None)
        if reply:
            return str(reply)
        if isinstance(arg, str) and arg:
            return arg
    return str(error) or type(error).__name__


# Declares one exchange or queue on a channel; `passive` only asks whether it exists.
Declare = Callable[[AbstractChannel, bool], Awaitable[object]]


async def _ensure(
    channels: _Channels,
    kind: str,
    name: str,
    detail: str,
    declare: Declare,
    report: ApplyReport,
    dry_run: bool,
) -> str | None:
    """Ensure one exchange or queue: the action reported, or None when it cannot be used."""
    try:
        await declare(await channels.get(), True)
    except ValueError as error:  # the AMQP client checks names before sending them
        report.add(kind, name, ERROR, f"not a valid AMQP {kind} name: {error}")
        return None
    except ChannelNotFoundEntity:
        channels.broken()
        action = WOULD_CREATE if dry_run else CREATED
        if not dry_run:
            try:
                await declare(await channels.get(), False)
            except ChannelClosed as error:  # e.g. 403: this user may not configure it
                channels.broken()
                report.add(kind, name, ERROR, _server_text(error))
                return None
        report.add(kind, name, action, detail)
        return action
    # It exists: an identical declare is a no-op, a different one is refused (406).
    try:
        await declare(await channels.get(), False)
    except ChannelPreconditionFailed as error:
        channels.broken()
        report.add(kind, name, CONFLICT, _server_text(error))
        return None
    except ChannelClosed as error:
        channels.broken()
        report.add(kind, name, ERROR, _server_text(error))
        return None
    action = EXISTS if dry_run else UNCHANGED
    report.add(kind, name, action, detail)
    return action


def _exchange_declare(exchange: Exchange) -> Declare:
    async def declare(channel: AbstractChannel, passive: bool) -> object:
        kind = ExchangeType(exchange.type)
        return await channel.declare_exchange(
            exchange.name, kind, durable=exchange.durable, passive=passive
        )

    return declare


def _queue_declare(queue: Queue) -> Declare:
    async def declare(channel: AbstractChannel, passive: bool) -> object:
        if passive:
            return await channel.declare_queue(queue.name, passive=True)
        # Queue arguments are AMQP field values (strings, here); aio-pika types them so.
        arguments: dict[str, Any] = dict(queue.arguments)
        return await channel.declare_queue(
            queue.name, durable=queue.durable, auto_delete=queue.auto_delete, arguments=arguments
        )

    return declare


async def _connect(url: str) -> AbstractConnection:
    # aio-pika logs a failed connect at ERROR level before raising; the report says it better.
    quiet = [logging.getLogger(name) for name in ("aio_pika", "aiormq")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    try:
        return await aio_pika.connect(url, timeout=10)
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def _connect_problem(url: str, error: BaseException) -> str:
    text = _server_text(error)
    if "Connection.Close" in text:
        # RabbitMQ closes the handshake without a readable reason for an unknown vhost.
        vhost = unquote(urlsplit(url).path[1:]) or "/"
        return f"the broker refused vhost '{vhost}': it does not exist or this user may not use it"
    return text


async def apply(topology: AmqpTopology, url: str, *, dry_run: bool = False) -> ApplyReport:
    report = ApplyReport("rabbitmq", redact(url), dry_run)
    topology = shared_part(topology)  # exclusive inboxes are the services' own
    try:
        connection = await _connect(url)
    except Exception as error:  # every failure to connect is reported the same way
        report.add("broker", redact(url), ERROR, f"cannot connect: {_connect_problem(url, error)}")
        return report
    try:
        channels = _Channels(connection)
        fresh: set[str] = set()  # created (or to be created) in this run
        usable: set[str] = set()
        for exchange in topology.exchanges:
            action = await _ensure(
                channels,
                "exchange",
                exchange.name,
                exchange.type,
                _exchange_declare(exchange),
                report,
                dry_run,
            )
            if action is not None:
                usable.add(exchange.name)
                if action in (CREATED, WOULD_CREATE):
                    fresh.add(exchange.name)
        for queue in topology.queues:
            detail = ", ".join(f"{k}={v}" for k, v in queue.arguments.items())
            action = await _ensure(
                channels, "queue", queue.name, detail, _queue_declare(queue), report, dry_run
            )
            if action is not None:
                usable.add(queue.name)
                if action in (CREATED, WOULD_CREATE):
                    fresh.add(queue.name)
        for binding in topology.bindings:
            name = f"{binding.exchange} -> {binding.queue} [{binding.routing_key}]"
            if binding.exchange not in usable or binding.queue not in usable:
                report.add("binding", name, ERROR, "skipped: its exchange or queue is in conflict")
                continue
            is_new = binding.exchange in fresh or binding.queue in fresh
            if dry_run:
                report.add("binding", name, WOULD_CREATE if is_new else WOULD_ENSURE)
                continue
            try:
                amqp_queue = await (await channels.get()).get_queue(binding.queue, ensure=False)
                await amqp_queue.bind(binding.exchange, routing_key=binding.routing_key)
            except ChannelClosed as error:
                channels.broken()
                report.add("binding", name, ERROR, _server_text(error))
                continue
            report.add("binding", name, CREATED if is_new else ENSURED)
        if not dry_run and report.count(ENSURED):
            report.notes.append(
                "AMQP cannot list bindings: existing ones were bound again, which changes nothing"
            )
    except ChannelClosed as error:
        report.add("broker", redact(url), ERROR, _server_text(error))
    finally:
        await connection.close()
    return report
