"""The generated shop on the real Redis (streams with consumer groups), two processes of
every service: the same scenario as RabbitMQ and NATS, plus the failure policy.

Redis has no topology to apply: each service creates its consumer groups when it starts.
Names are made unique with a prefix (as on NATS) and every key with it is deleted after.
FastStream frames a stream entry's body and headers in its own format (field `__data__`):
a plain client sending a bare JSON body is understood; the tap here reads the frames with
FastStream's parser. Skips when Redis is missing; fails in CI.
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

import pytest
import redis.asyncio as aioredis
from faststream.redis.parser.binary import BinaryMessageFormatV1

from designer.core import io
from designer.core.channels import DELIVERY_ATTEMPTS, FlowChannel
from designer.core.codegen.context_builder import build_context
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.brokers import prefixed, unique_token
from tests.support.requirements import require_redis

from .from_asyncapi import example, received_message
from .harness import DROPPED, Replicas, Services, generate, wait_logged
from .shop_scenario import ShopRun

URL = "redis://127.0.0.1:6379"
BURST = 1000
DATA = "__data__"


async def _frame(body: dict[str, Any], headers: dict[str, str], reply_to: str = "") -> bytes:
    return await BinaryMessageFormatV1.encode(
        message=json.dumps(body).encode(),
        reply_to=reply_to,
        headers=headers,
        correlation_id=headers.get("correlation_id", str(uuid.uuid4())),
    )


def _unframe(data: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    body, headers = BinaryMessageFormatV1.parse(data)
    loaded: dict[str, Any] = json.loads(body)
    return loaded, headers


class RedisBus:
    """A plain Redis client: taps an event stream, asks a query with a private reply channel."""

    def __init__(self) -> None:
        self.client = aioredis.Redis.from_url(URL)
        self.seen: Counter[str] = Counter()
        self.tasks: list[asyncio.Task[None]] = []

    async def watch_events(self, channel: FlowChannel) -> None:
        last = "$"

        async def tap() -> None:
            nonlocal last
            while True:
                found = await self.client.xread({channel.topic: last}, block=500)
                for _stream, entries in found:
                    for entry_id, fields in entries:
                        last = entry_id
                        body, _headers = _unframe(fields[DATA.encode()])
                        self.seen[body["order_id"]] += 1

        self.tasks.append(asyncio.create_task(tap()))
        await asyncio.sleep(0.2)  # the tap reads from now on

    def watched(self) -> Counter[str]:
        return self.seen

    async def ask(
        self, channel: FlowChannel, body: dict[str, Any], meta: dict[str, str], timeout: float
    ) -> tuple[dict[str, Any], dict[str, str]]:
        reply = f"test-replies.{uuid.uuid4().hex}"
        pubsub = self.client.pubsub()
        await pubsub.subscribe(reply)
        try:
            await self.client.xadd(channel.topic, {DATA: await _frame(body, meta, reply)})
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
                if message is None:
                    continue
                answer, headers = _unframe(message["data"])
                answered = {
                    k: str(headers.get(k, ""))
                    for k in ("message_id", "correlation_id", "causation_id", "message_type")
                }
                return answer, answered
            raise AssertionError("no answer")
        finally:
            await pubsub.unsubscribe(reply)
            await pubsub.aclose()

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.client.aclose()


async def _delete_prefix(token: str) -> None:
    client = aioredis.Redis.from_url(URL)
    try:
        for pattern in (f"{token}*", f"msgflow:seen:{token}*"):
            async for key in client.scan_iter(match=pattern, count=500):
                await client.delete(key)
    finally:
        await client.aclose()


@pytest.fixture(scope="module")
def shop_on_redis(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Design, Services, str]]:
    require_redis()
    token = unique_token()
    design = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    folder: Path = tmp_path_factory.mktemp("shop-redis")
    try:
        project = generate(design, folder, "redis")
        # Pending entries of a stopped replica are claimed after 5 s (default 30 s).
        shared = {"MSGFLOW_DEDUP_URL": URL, "MSGFLOW_CLAIM_IDLE_MS": "5000"}
        with Services(design, "redis", project, URL, 2, shared) as services:
            yield design, services, token
    finally:
        asyncio.run(_delete_prefix(token))


def _run(system: tuple[Design, Services, str], scenario: str, *args: Any) -> Any:
    design, services, token = system

    async def go() -> Any:
        bus = RedisBus()
        try:
            run = ShopRun(design, services, bus, lambda node: f"{token}-{node}")
            return await getattr(run, scenario)(*args)
        finally:
            await bus.close()

    return asyncio.run(go())


@pytest.mark.xdist_group("e2e")
def test_order_reaches_every_subscriber_once_and_loyalty_handles_its_command(shop_on_redis) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_redis, "one_order")


@pytest.mark.xdist_group("e2e")
def test_query_is_answered_on_the_askers_channel_with_its_correlation_id(shop_on_redis) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_redis, "query_correlation")


@pytest.mark.xdist_group("e2e")
def test_burst_none_lost_none_twice_with_a_subscriber_restarted_midway(shop_on_redis) -> None:  # type: ignore[no-untyped-def]
    # Shipping (both replicas) killed after a third: entries it had read but not yet
    # acknowledged stay pending in its consumer group until a restarted replica claims them
    # (XAUTOCLAIM after MSGFLOW_CLAIM_IDLE_MS); the rest wait in the stream.
    design, _services, token = shop_on_redis
    shipping = next(
        s for s in build_context(design, "redis").services if s.id == f"{token}-shipping"
    )
    stream = shipping.subscribers[0].channel.topic
    group = shipping.subscribers[0].channel.group

    async def pending() -> dict[str, Any]:
        client = aioredis.Redis.from_url(URL)
        try:
            summary = await client.xpending(stream, group)
            return {"pending entries in shipping's group": summary["pending"]}
        finally:
            await client.aclose()

    # Killed, not stopped: a graceful stop acknowledges what it read before leaving.
    report = _run(shop_on_redis, "burst", BURST, "redis", "shipping", 16, True, pending, True)
    assert report["while_stopped"]["pending entries in shipping's group"] > 0, report["text"]
    assert report["http_status"] == {202: BURST}, report["text"]
    for hop in report["hops"]:
        assert (hop["lost"], hop["duplicated"]) == (0, 0), report["text"]
    assert report["replicas"] == 2, report["text"]
    for row in report["answers_by_replica"]:
        # An answer after the asker's timeout is logged as late and dropped, not lost.
        assert row["asked"] > 0 and row["answered"] + row["late"] == row["asked"], report["text"]
        assert (row["foreign"], row["duplicated"]) == (0, 0), report["text"]


@pytest.mark.xdist_group("e2e")
def test_poison_is_retried_then_dead_lettered_and_a_message_built_from_asyncapi_is_handled(
    shop_on_redis,
) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_redis
    loyalty = f"{token}-loyalty"
    channel, message = received_message(design, "redis", loyalty, "AddLoyaltyPoints")
    good = example(message["payload"])
    stream = channel["address"]
    # The entry field the document names for the payload (AsyncAPI has no Redis binding).
    field = channel["x-msgflow-redis"]["payloadField"]

    async def send() -> list[dict[str, Any]]:
        client = aioredis.Redis.from_url(URL)
        try:
            # A plain client: the poison and then a bare JSON body, no ids, no headers.
            await client.xadd(stream, {field: json.dumps({"points": "many"}).encode()})
            await client.xadd(stream, {field: json.dumps(good).encode()})
            for _ in range(300):
                entries = await client.xrange(f"{stream}.dlq")
                if entries:
                    return [_unframe(fields[DATA.encode()])[1] for _id, fields in entries]
                await asyncio.sleep(0.1)
            return []
        finally:
            await client.aclose()

    dead = asyncio.run(send())
    assert len(dead) == 1, "nothing dead-lettered"
    assert "ValidationError" in dead[0].get("dead_letter_reason", "")
    _wait_handled(services[loyalty], "AddLoyaltyPoints", "order_id", good["order_id"])
    text = services[loyalty].text()
    assert text.count("retried in") == DELIVERY_ATTEMPTS - 1, text[-3000:]
    line = wait_logged(services[loyalty], f"times: dead-lettered to {stream}.dlq")
    assert "AddLoyaltyPoints " in line and f"failed {DELIVERY_ATTEMPTS} times" in line, line


@pytest.mark.xdist_group("e2e")
def test_a_flow_without_dead_lettering_drops_the_poison_with_a_logged_line(
    shop_on_redis,
) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_redis
    notifications = services[f"{token}-notifications"]
    # LoyaltyPointsAdded -> Notifications: the shop's flow has no dead_letter.
    channel, message = received_message(
        design, "redis", f"{token}-notifications", "LoyaltyPointsAdded"
    )
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"
    stream = channel["address"]

    async def send() -> int:
        client = aioredis.Redis.from_url(URL)
        try:
            poison = await _frame({"points": "many"}, {"message_id": poison_id})
            await client.xadd(stream, {DATA: poison})
            await client.xadd(stream, {DATA: json.dumps(good).encode()})
            await asyncio.to_thread(
                wait_logged, notifications, f"{poison_id} failed {DELIVERY_ATTEMPTS}"
            )
            return int(await client.xlen(f"{stream}.dlq"))
        finally:
            await client.aclose()

    assert asyncio.run(send()) == 0, "dead-lettered although the design says dead_letter: false"
    line = wait_logged(notifications, f"{poison_id} failed {DELIVERY_ATTEMPTS}")
    # Which message, which id, why: one line.
    assert (
        f"LoyaltyPointsAdded {poison_id} failed {DELIVERY_ATTEMPTS} {DROPPED}ValidationError"
        in line
    ), line
    _wait_handled(notifications, "LoyaltyPointsAdded", "customer_id", good["customer_id"])


@pytest.mark.xdist_group("e2e")
def test_an_idempotent_command_sent_twice_with_one_message_id_is_handled_once(
    shop_on_redis,
) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_redis
    loyalty = f"{token}-loyalty"
    channel, message = received_message(design, "redis", loyalty, "AddLoyaltyPoints")
    command = example(message["payload"])
    message_id = str(uuid.uuid4())

    async def send_twice() -> None:
        client = aioredis.Redis.from_url(URL)
        try:
            for _ in range(2):  # a sender retrying: same message, same id
                frame = await _frame(command, {"message_id": message_id})
                await client.xadd(channel["address"], {DATA: frame})
        finally:
            await client.aclose()

    asyncio.run(send_twice())
    _wait_handled(services[loyalty], "AddLoyaltyPoints", "order_id", command["order_id"])
    for _ in range(100):
        if f"AddLoyaltyPoints {message_id} already handled" in services[loyalty].text():
            break
        time.sleep(0.1)
    assert f"AddLoyaltyPoints {message_id} already handled" in services[loyalty].text()
    assert services[loyalty].handled("AddLoyaltyPoints", "order_id")[command["order_id"]] == 1


def _wait_handled(service: Replicas, message: str, key: str, value: str) -> None:
    for _ in range(300):
        if service.handled(message, key)[value]:
            return
        time.sleep(0.1)
    raise AssertionError(f"{message} {key}={value} was not handled:\n{service.text()[-3000:]}")
