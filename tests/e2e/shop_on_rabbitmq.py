"""The shop on the real RabbitMQ, for the shared scenarios of test_shop.py.

A scratch vhost per run (so parallel runs never see each other's queues), the topology
applied by `msgflow broker apply`, two processes of every service; Redis holds the ids of
handled idempotent messages, shared by the replicas. Skips when RabbitMQ (or rabbitmqctl,
for the scratch vhost) is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import aio_pika
import aio_pika.exceptions
import pytest

from designer.cli import main
from designer.core import io
from designer.core.channels import RETRY_QUEUE, ChannelNames, FlowChannel
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.brokers import ScratchVhost, require_rabbitmqctl
from tests.support.requirements import require_redis

from .harness import Services, generate
from .shop_scenario import DeadLetters

REDIS_URL = "redis://127.0.0.1:6379/0"


class RabbitBus:
    """A test client in the scratch vhost: taps an exchange, asks a query with its own reply queue."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connection: aio_pika.abc.AbstractConnection | None = None
        self.seen: Counter[str] = Counter()

    async def _channel(self) -> aio_pika.abc.AbstractChannel:
        if self.connection is None:
            self.connection = await aio_pika.connect(self.url)
        return await self.connection.channel()

    async def watch_events(self, channel: FlowChannel) -> None:
        amqp = await self._channel()
        tap = await amqp.declare_queue(exclusive=True, auto_delete=True)
        await tap.bind(channel.exchange, routing_key=channel.routing_key)

        async def count(message: aio_pika.abc.AbstractIncomingMessage) -> None:
            async with message.process():
                self.seen[json.loads(message.body)["order_id"]] += 1

        await tap.consume(count)

    def watched(self) -> Counter[str]:
        return self.seen

    async def ask(
        self, channel: FlowChannel, body: dict[str, Any], meta: dict[str, str], timeout: float
    ) -> tuple[dict[str, Any], dict[str, str]]:
        amqp = await self._channel()
        replies = await amqp.declare_queue(exclusive=True, auto_delete=True)
        exchange = await amqp.get_exchange(channel.exchange)
        await exchange.publish(
            aio_pika.Message(
                json.dumps(body).encode(),
                content_type="application/json",
                message_id=meta["message_id"],
                correlation_id=meta["correlation_id"],
                type=meta["message_type"],
                reply_to=replies.name,
            ),
            routing_key=channel.routing_key,
        )
        async with replies.iterator(timeout=timeout) as messages:
            async for message in messages:
                async with message.process():
                    headers = {k: str(v) for k, v in message.headers.items()}
                    answered = {
                        "message_id": message.message_id or "",
                        "correlation_id": message.correlation_id or "",
                        "causation_id": headers.get("causation_id", ""),
                        "message_type": message.type or "",
                    }
                    answer: dict[str, Any] = json.loads(message.body)
                    return answer, answered
        raise AssertionError("no answer")

    async def close(self) -> None:
        if self.connection is not None:
            await self.connection.close()


class ShopOnRabbitMQ:
    broker = "rabbitmq"
    crash_midway = False
    broker_drops_duplicates = False

    def __init__(self, design: Design, services: Services, url: str) -> None:
        self.design, self.services, self.url = design, services, url

    def node(self, node_id: str) -> str:
        return node_id  # the vhost keeps names apart: the design is not renamed

    def bus(self) -> RabbitBus:
        return RabbitBus(self.url)

    @asynccontextmanager
    async def _amqp(self) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
        connection = await aio_pika.connect(self.url)
        try:
            yield await connection.channel()
        finally:
            await connection.close()

    @staticmethod
    async def _publish(
        amqp: aio_pika.abc.AbstractChannel, channel: dict[str, Any], *messages: aio_pika.Message
    ) -> None:
        exchange = await amqp.get_exchange(channel["bindings"]["amqp"]["exchange"]["name"])
        for message in messages:
            await exchange.publish(message, routing_key=channel["address"])

    def _channels_to(self, service: str) -> list[FlowChannel]:
        names = ChannelNames(self.design)
        return [names.channel(f) for f in self.design.flows if f.target == service and f.is_async]

    async def held_for(self, service: str) -> dict[str, int]:
        held = {}
        async with self._amqp() as amqp:
            for channel in self._channels_to(service):
                queue = await amqp.declare_queue(channel.queue, passive=True)
                held[f"messages in {channel.queue}"] = queue.declaration_result.message_count or 0
        return held

    async def send_poison_then(
        self, channel: dict[str, Any], poison_id: str, good: dict[str, Any]
    ) -> None:
        poison = aio_pika.Message(json.dumps({"points": "many"}).encode(), message_id=poison_id)
        plain = aio_pika.Message(json.dumps(good).encode(), content_type="application/json")
        async with self._amqp() as amqp:
            await self._publish(amqp, channel, poison, plain)

    async def dead_letters(self, service: str, message: str) -> DeadLetters:
        # The quorum queue's delivery limit hands a poison to the dead-letter exchange,
        # which keeps it in `<queue>.dlq`.
        names = ChannelNames(self.design)
        flow = next(
            f
            for f in self.design.flows
            if f.target == service
            and getattr(self.design.message(f.message), "name", "") == message
        )
        async with self._amqp() as amqp:
            try:
                dlq = await amqp.declare_queue(f"{names.channel(flow).queue}.dlq", passive=True)
            except aio_pika.exceptions.ChannelNotFoundEntity:
                return DeadLetters(0, "", None)
            count = dlq.declaration_result.message_count or 0
            if not count:
                return DeadLetters(0, "", None)
            first = await dlq.get()
            await first.reject(requeue=True)  # only a look: it stays there
            return DeadLetters(count, first.message_id or "", None)

    async def good_handled_while_poison_waits(
        self, channel: dict[str, Any], poison_id: str, good: dict[str, Any], handled: Any
    ) -> dict[str, int]:
        """Send a poison on its 4th attempt (the header the failure policy counts with: its
        pause is the longest, 1.6 s), wait until it sits in the retry queue, send `good`,
        wait until `handled()`; what the retry queue held then."""
        poison = aio_pika.Message(
            b'{"points": "many"}', message_id=poison_id, headers={"x-msgflow-attempts": 3}
        )
        plain = aio_pika.Message(json.dumps(good).encode(), content_type="application/json")
        async with self._amqp() as amqp:
            await self._publish(amqp, channel, poison)
            for _ in range(200):
                retry = await amqp.declare_queue(RETRY_QUEUE, passive=True)
                if retry.declaration_result.message_count:
                    break
                await asyncio.sleep(0.02)
            await self._publish(amqp, channel, plain)
            while not handled():
                await asyncio.sleep(0.02)
            retry = await amqp.declare_queue(RETRY_QUEUE, passive=True)
            return {"in the retry queue": retry.declaration_result.message_count or 0}

    async def send_twice(
        self, channel: dict[str, Any], body: dict[str, Any], message_id: str
    ) -> None:
        async with self._amqp() as amqp:
            for _ in range(2):
                message = aio_pika.Message(json.dumps(body).encode(), message_id=message_id)
                await self._publish(amqp, channel, message)

    async def send_with_reply_to(
        self, channel: dict[str, Any], body: dict[str, Any], reply_to: str
    ) -> None:
        message = aio_pika.Message(
            json.dumps(body).encode(), reply_to=reply_to, content_type="application/json"
        )
        async with self._amqp() as amqp:
            await self._publish(amqp, channel, message)


@contextmanager
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ShopOnRabbitMQ]:
    require_rabbitmqctl()
    require_redis()  # where the replicas share the ids of handled idempotent messages
    design = io.load(examples_dir() / "shop.msgflow.json")
    folder: Path = tmp_path_factory.mktemp("shop-rabbitmq")
    project = generate(design, folder, "rabbitmq")
    with ScratchVhost() as vhost:
        url = vhost.url()
        assert main(["broker", "apply", str(folder / "design.msgflow.json"), "--url", url]) == 0
        shared = {"MSGFLOW_DEDUP_URL": REDIS_URL}
        with Services(design, "rabbitmq", project, url, 2, shared) as services:
            yield ShopOnRabbitMQ(design, services, url)
        # The services declared nothing the design did not: a second apply changes nothing.
        assert main(["broker", "apply", str(folder / "design.msgflow.json"), "--url", url]) == 0
