"""The generated shop on the real RabbitMQ: topology applied, every service a process.

Skips when RabbitMQ (or rabbitmqctl, for the scratch vhost) is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aio_pika
import pytest

from designer.cli import main
from designer.core import io
from designer.core.channels import DELIVERY_ATTEMPTS, FlowChannel
from designer.resources import examples_dir
from tests.support.brokers import ScratchVhost, require_rabbitmqctl
from tests.support.requirements import require_redis

from .from_asyncapi import example, received_message
from .harness import DROPPED, Replicas, Services, generate, wait_logged
from .shop_scenario import ShopRun

BURST = 1000
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


@pytest.fixture(scope="module")
def shop_on_rabbitmq(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Any, Services, str]]:
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
        # An answer after the asker's timeout is logged as late and dropped, not lost.
        assert row["asked"] > 0 and row["answered"] + row["late"] == row["asked"], report["text"]
        assert (row["foreign"], row["duplicated"]) == (0, 0), report["text"]


@pytest.mark.xdist_group("e2e")
def test_poison_is_retried_then_dead_lettered_and_a_message_built_from_asyncapi_is_handled(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    design, services, url = shop_on_rabbitmq
    # Only the exported AsyncAPI document of Loyalty: address, exchange binding, payload.
    channel, message = received_message(design, "rabbitmq", "loyalty", "AddLoyaltyPoints")
    exchange_name = channel["bindings"]["amqp"]["exchange"]["name"]
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"

    async def send() -> int:
        connection = await aio_pika.connect(url)
        try:
            amqp = await connection.channel()
            exchange = await amqp.get_exchange(exchange_name)
            await exchange.publish(
                aio_pika.Message(json.dumps({"points": "many"}).encode(), message_id=poison_id),
                routing_key=channel["address"],
            )
            # A plain message after it: a body and nothing else (no ids, no headers).
            await exchange.publish(
                aio_pika.Message(json.dumps(good).encode(), content_type="application/json"),
                routing_key=channel["address"],
            )
            for _ in range(300):
                dlq = await amqp.declare_queue("loyalty.add-loyalty-points.dlq", passive=True)
                count = dlq.declaration_result.message_count or 0
                if count:
                    return count
                await asyncio.sleep(0.1)
            return 0
        finally:
            await connection.close()

    assert asyncio.run(send()) == 1, "nothing dead-lettered"
    _wait_handled(services["loyalty"], "AddLoyaltyPoints", "order_id", good["order_id"])
    text = services["loyalty"].text()
    retried = [line for line in text.splitlines() if poison_id in line and "retried in" in line]
    assert len(retried) == DELIVERY_ATTEMPTS - 1, text[-3000:]
    assert f"AddLoyaltyPoints {poison_id} failed {DELIVERY_ATTEMPTS} times: dead-lettered" in text


@pytest.mark.xdist_group("e2e")
def test_a_flow_without_dead_lettering_drops_the_poison_with_a_logged_line(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    design, services, url = shop_on_rabbitmq
    # LoyaltyPointsAdded -> Notifications: the shop's flow has no dead_letter.
    channel, message = received_message(design, "rabbitmq", "notifications", "LoyaltyPointsAdded")
    exchange_name = channel["bindings"]["amqp"]["exchange"]["name"]
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"

    async def send() -> int:
        connection = await aio_pika.connect(url)
        try:
            amqp = await connection.channel()
            exchange = await amqp.get_exchange(exchange_name)
            for body, message_id in (
                (b'{"points": "many"}', poison_id),
                (json.dumps(good).encode(), None),
            ):
                await exchange.publish(
                    aio_pika.Message(body, message_id=message_id), routing_key=channel["address"]
                )
            await asyncio.to_thread(
                wait_logged, services["notifications"], f"{poison_id} failed {DELIVERY_ATTEMPTS}"
            )
            dlq = await amqp.declare_queue("notifications.loyalty-points-added.dlq", passive=True)
            return dlq.declaration_result.message_count or 0
        finally:
            await connection.close()

    assert asyncio.run(send()) == 0, "dead-lettered although the design says dead_letter: false"
    line = wait_logged(services["notifications"], f"{poison_id} failed {DELIVERY_ATTEMPTS}")
    # Which message, which id, why: one line.
    assert (
        f"LoyaltyPointsAdded {poison_id} failed {DELIVERY_ATTEMPTS} {DROPPED}ValidationError"
        in line
    ), line
    _wait_handled(
        services["notifications"], "LoyaltyPointsAdded", "customer_id", good["customer_id"]
    )


@pytest.mark.xdist_group("e2e")
def test_a_reply_to_url_the_design_does_not_declare_is_refused_and_logged(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    _design, services, url = shop_on_rabbitmq
    customer = str(uuid.uuid4())

    async def go() -> int:
        hits = 0

        async def trap(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal hits
            hits += 1
            writer.close()

        server = await asyncio.start_server(trap, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        connection = await aio_pika.connect(url)
        try:
            amqp = await connection.channel()
            exchange = await amqp.get_exchange("msgflow.commands")
            await exchange.publish(
                aio_pika.Message(
                    json.dumps({"customer_id": customer}).encode(),
                    reply_to=f"http://127.0.0.1:{port}/steal",
                    content_type="application/json",
                ),
                routing_key="customers.get-customer",
            )
            for _ in range(100):
                if "is not a callback the design declares: refused" in services["customers"].text():
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            return hits
        finally:
            await connection.close()
            server.close()

    assert asyncio.run(go()) == 0  # nothing was sent to the URL the message named
    assert "is not a callback the design declares: refused" in services["customers"].text()
    assert services["customers"].handled("GetCustomer", "customer_id")[customer] == 1


@pytest.mark.xdist_group("e2e")
def test_an_idempotent_command_sent_twice_with_one_message_id_is_handled_once(
    shop_on_rabbitmq,
) -> None:  # type: ignore[no-untyped-def]
    design, services, url = shop_on_rabbitmq
    channel, message = received_message(design, "rabbitmq", "loyalty", "AddLoyaltyPoints")
    command = example(message["payload"])
    message_id = str(uuid.uuid4())

    async def send_twice() -> None:
        connection = await aio_pika.connect(url)
        try:
            amqp = await connection.channel()
            exchange = await amqp.get_exchange(channel["bindings"]["amqp"]["exchange"]["name"])
            for _ in range(2):  # a sender retrying: same message, same id
                await exchange.publish(
                    aio_pika.Message(json.dumps(command).encode(), message_id=message_id),
                    routing_key=channel["address"],
                )
        finally:
            await connection.close()

    asyncio.run(send_twice())
    loyalty = services["loyalty"]
    _wait_handled(loyalty, "AddLoyaltyPoints", "order_id", command["order_id"])
    for _ in range(100):  # the copy is skipped by whichever replica got it
        if f"AddLoyaltyPoints {message_id} already handled" in loyalty.text():
            break
        time.sleep(0.1)
    assert f"AddLoyaltyPoints {message_id} already handled: duplicate skipped" in loyalty.text()
    assert loyalty.handled("AddLoyaltyPoints", "order_id")[command["order_id"]] == 1


def _wait_handled(service: Replicas, message: str, key: str, value: str) -> None:
    for _ in range(300):
        if service.handled(message, key)[value]:
            return
        time.sleep(0.1)
    raise AssertionError(f"{message} {key}={value} was not handled:\n{service.text()[-3000:]}")
