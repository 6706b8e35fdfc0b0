"""The generated shop on the real RabbitMQ: topology applied, every service a process.

Skips when RabbitMQ (or rabbitmqctl, for the scratch vhost) is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from designer.cli import main
from designer.core import io
from designer.core.channels import FlowChannel
from designer.resources import examples_dir
from tests.support.brokers import ScratchVhost, require_rabbitmqctl

from .harness import Services, generate
from .shop_scenario import ShopRun

BURST = 1000


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


@pytest.fixture(scope="module")
def shop_on_rabbitmq(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Any, Services, str]]:
    require_rabbitmqctl()
    design = io.load(examples_dir() / "shop.msgflow.json")
    folder: Path = tmp_path_factory.mktemp("shop-rabbitmq")
    project = generate(design, folder, "rabbitmq")
    with ScratchVhost() as vhost:
        url = vhost.url()
        assert main(["broker", "apply", str(folder / "design.msgflow.json"), "--url", url]) == 0
        with Services(design, "rabbitmq", project, url, replicas=2) as services:
            yield design, services, url
        # The services declared nothing the design did not: a second apply changes nothing.
        assert main(["broker", "apply", str(folder / "design.msgflow.json"), "--url", url]) == 0


def _run(system: tuple[Any, Services, str], scenario: str, *args: Any) -> Any:
    design, services, url = system

    async def go() -> Any:
        bus = RabbitBus(url)
        try:
            return await getattr(ShopRun(design, services, bus, lambda node: node), scenario)(*args)
        finally:
            await bus.close()

    return asyncio.run(go())


@pytest.mark.xdist_group("e2e")
def test_order_reaches_every_subscriber_once_and_loyalty_handles_its_command(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_rabbitmq, "one_order")


@pytest.mark.xdist_group("e2e")
def test_query_is_answered_through_the_reply_queue_with_its_correlation_id(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_rabbitmq, "query_correlation")


@pytest.mark.xdist_group("e2e")
def test_burst_none_lost_none_twice_with_a_subscriber_restarted_midway(shop_on_rabbitmq) -> None:  # type: ignore[no-untyped-def]
    report = _run(shop_on_rabbitmq, "burst", BURST, "rabbitmq")
    assert report["http_status"] == {202: BURST}, report["text"]
    assert report["delivered_after_restart"] > 0, report["text"]  # the durable queue kept them
    for hop in report["hops"]:
        assert (hop["lost"], hop["duplicated"]) == (0, 0), report["text"]
    # Two requester replicas: each got the answers to exactly the questions it asked.
    assert report["replicas"] == 2, report["text"]
    for row in report["answers_by_replica"]:
        assert row["asked"] > 0 and row["answered"] == row["asked"], report["text"]
        assert (row["foreign"], row["duplicated"]) == (0, 0), report["text"]


@pytest.mark.xdist_group("e2e")
def test_a_message_the_service_cannot_handle_lands_in_its_dead_letter_queue(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    _design, services, url = shop_on_rabbitmq
    vhost = url.rsplit("/", 1)[1]

    async def poison() -> int:
        connection = await aio_pika.connect(url)
        try:
            channel = await connection.channel()
            exchange = await channel.get_exchange("msgflow.commands")
            body = json.dumps({"points": "many"}).encode()
            await exchange.publish(
                aio_pika.Message(body, content_type="application/json"),
                routing_key="loyalty.add-loyalty-points",
            )
            for _ in range(100):
                dlq = await channel.declare_queue("loyalty.add-loyalty-points.dlq", passive=True)
                count = dlq.declaration_result.message_count or 0
                if count:
                    return count
                await asyncio.sleep(0.1)
            return 0
        finally:
            await connection.close()

    assert asyncio.run(poison()) == 1, f"nothing dead-lettered in vhost {vhost}"
    # Loyalty refused it (the payload is not an AddLoyaltyPoints) rather than losing it.
    assert "validation error" in services["loyalty"].text()
