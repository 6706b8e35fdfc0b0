"""The generated shop on the real NATS JetStream: streams applied, every service a process.

NATS has no vhosts here, so the design is renamed with a unique prefix (every stream,
subject and durable consumer derives from node ids) and its streams are deleted after.
Skips when NATS is missing; fails in CI.
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

import nats
import nats.js.errors
import pytest
from nats.aio.client import Client
from nats.aio.msg import Msg

from designer.cli import main
from designer.core import io
from designer.core.channels import DELIVERY_ATTEMPTS, FlowChannel
from designer.core.model import Design
from designer.resources import examples_dir
from tests.support.brokers import delete_nats_prefix, prefixed, require_nats, unique_token

from .from_asyncapi import example, received_message
from .harness import DROPPED, Replicas, Services, generate, wait_logged
from .shop_scenario import ShopRun

URL = "nats://127.0.0.1:4222"
BURST = 1000


class NatsBus:
    """A core NATS client: taps an event subject, asks a query with a private reply subject."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.token = token
        self.nc: Client | None = None
        self.seen: Counter[str] = Counter()

    async def _client(self) -> Client:
        if self.nc is None:
            self.nc = await nats.connect(self.url)
        return self.nc

    async def watch_events(self, channel: FlowChannel) -> None:
        nc = await self._client()

        async def count(message: Msg) -> None:
            self.seen[json.loads(message.data)["order_id"]] += 1

        await nc.subscribe(channel.subject, cb=count)
        await nc.flush()

    def watched(self) -> Counter[str]:
        return self.seen

    async def ask(
        self, channel: FlowChannel, body: dict[str, Any], meta: dict[str, str], timeout: float
    ) -> tuple[dict[str, Any], dict[str, str]]:
        nc = await self._client()
        headers = {"content-type": "application/json", **meta}
        answer = await nc.request(
            channel.subject, json.dumps(body).encode(), timeout=timeout, headers=headers
        )
        answered = {
            name: (answer.headers or {}).get(name, "")
            for name in ("message_id", "correlation_id", "causation_id", "message_type")
        }
        result: dict[str, Any] = json.loads(answer.data)
        return result, answered

    async def close(self) -> None:
        if self.nc is not None:
            await self.nc.close()


@pytest.fixture(scope="module")
def shop_on_nats(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Design, Services, str]]:
    require_nats()
    token = unique_token()
    design = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    folder: Path = tmp_path_factory.mktemp("shop-nats")
    try:
        project = generate(design, folder, "nats")
        design_file = str(folder / "design.msgflow.json")
        assert main(["broker", "apply", design_file, "--url", URL]) == 0
        with Services(design, "nats", project, URL, replicas=2) as services:
            yield design, services, token
        # The services created nothing the design did not: a second apply changes nothing.
        assert main(["broker", "apply", design_file, "--url", URL]) == 0
    finally:
        asyncio.run(delete_nats_prefix(URL, token))


def _run(system: tuple[Design, Services, str], scenario: str, *args: Any) -> Any:
    design, services, token = system

    async def go() -> Any:
        bus = NatsBus(URL, token)
        try:
            run = ShopRun(design, services, bus, lambda node: f"{token}-{node}")
            return await getattr(run, scenario)(*args)
        finally:
            await bus.close()

    return asyncio.run(go())


@pytest.mark.xdist_group("e2e")
def test_order_reaches_every_subscriber_once_and_loyalty_handles_its_command(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_nats, "one_order")


@pytest.mark.xdist_group("e2e")
def test_query_is_answered_on_the_reply_subject_with_its_correlation_id(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    _run(shop_on_nats, "query_correlation")


@pytest.mark.xdist_group("e2e")
def test_burst_none_lost_none_twice_with_a_subscriber_restarted_midway(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    report = _run(shop_on_nats, "burst", BURST, "nats")
    assert report["http_status"] == {202: BURST}, report["text"]
    assert report["delivered_after_restart"] > 0, report["text"]  # the durable consumer kept them
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
    shop_on_nats,
) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_nats
    loyalty = f"{token}-loyalty"
    # Only the exported AsyncAPI document of Loyalty: the subject and the payload.
    channel, message = received_message(design, "nats", loyalty, "AddLoyaltyPoints")
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"
    dead_stream = f"{token}_LOYALTY_DEAD_LETTERS".upper().replace("-", "_")

    async def send() -> dict[str, Any]:
        nc = await nats.connect(URL)
        try:
            js = nc.jetstream()
            poison = json.dumps({"points": "many"}).encode()
            await js.publish(channel["address"], poison, headers={"message_id": poison_id})
            # A plain message after it: a body and nothing else (no ids, no headers).
            await js.publish(channel["address"], json.dumps(good).encode())
            for _ in range(300):
                try:
                    info = await js.stream_info(dead_stream)
                except nats.js.errors.NotFoundError:
                    info = None
                if info is not None and info.state.messages:
                    dead = await js.get_msg(dead_stream, info.state.first_seq)
                    return {"count": info.state.messages, "headers": dead.headers or {}}
                await asyncio.sleep(0.1)
            return {"count": 0, "headers": {}}
        finally:
            await nc.close()

    dead = asyncio.run(send())
    assert dead["count"] == 1, "nothing dead-lettered"
    assert dead["headers"].get("message_id") == poison_id
    assert "ValidationError" in dead["headers"].get("dead_letter_reason", "")
    _wait_handled(services[loyalty], "AddLoyaltyPoints", "order_id", good["order_id"])
    text = services[loyalty].text()
    retried = [line for line in text.splitlines() if poison_id in line and "retried in" in line]
    assert len(retried) == DELIVERY_ATTEMPTS - 1, text[-3000:]
    assert f"AddLoyaltyPoints {poison_id} failed {DELIVERY_ATTEMPTS} times: dead-lettered" in text


@pytest.mark.xdist_group("e2e")
def test_a_flow_without_dead_lettering_drops_the_poison_with_a_logged_line(
    shop_on_nats,
) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_nats
    notifications = services[f"{token}-notifications"]
    # LoyaltyPointsAdded -> Notifications: the shop's flow has no dead_letter.
    channel, message = received_message(
        design, "nats", f"{token}-notifications", "LoyaltyPointsAdded"
    )
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"
    dead_stream = f"{token}_NOTIFICATIONS_DEAD_LETTERS".upper().replace("-", "_")

    async def send() -> int:
        nc = await nats.connect(URL)
        try:
            js = nc.jetstream()
            poison = json.dumps({"points": "many"}).encode()
            await js.publish(channel["address"], poison, headers={"message_id": poison_id})
            await js.publish(channel["address"], json.dumps(good).encode())
            await asyncio.to_thread(
                wait_logged, notifications, f"{poison_id} failed {DELIVERY_ATTEMPTS}"
            )
            try:
                info = await js.stream_info(dead_stream)
            except nats.js.errors.NotFoundError:
                return 0
            return int(info.state.messages)
        finally:
            await nc.close()

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
    shop_on_nats,
) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_nats
    loyalty = f"{token}-loyalty"
    channel, message = received_message(design, "nats", loyalty, "AddLoyaltyPoints")
    command = example(message["payload"])
    message_id = str(uuid.uuid4())

    async def send_twice() -> None:
        nc = await nats.connect(URL)
        try:
            js = nc.jetstream()
            headers = {"message_id": message_id, "Nats-Msg-Id": message_id}
            for _ in range(2):  # a sender retrying: same message, same id
                await js.publish(channel["address"], json.dumps(command).encode(), headers=headers)
        finally:
            await nc.close()

    asyncio.run(send_twice())
    _wait_handled(services[loyalty], "AddLoyaltyPoints", "order_id", command["order_id"])
    time.sleep(1.0)  # room for a second delivery to show up, were there one
    assert services[loyalty].handled("AddLoyaltyPoints", "order_id")[command["order_id"]] == 1


@pytest.mark.xdist_group("e2e")
def test_a_reply_to_url_the_design_does_not_declare_is_refused_and_logged(shop_on_nats) -> None:  # type: ignore[no-untyped-def]
    design, services, token = shop_on_nats
    customers = f"{token}-customers"
    channel, _message = received_message(design, "nats", customers, "GetCustomer")
    customer = str(uuid.uuid4())

    async def go() -> int:
        hits = 0

        async def trap(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal hits
            hits += 1
            writer.close()

        server = await asyncio.start_server(trap, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        nc = await nats.connect(URL)
        try:
            body = json.dumps({"customer_id": customer}).encode()
            await nc.publish(channel["address"], body, reply=f"http://127.0.0.1:{port}/steal")
            await nc.flush()
            for _ in range(100):
                if services[customers].handled("GetCustomer", "customer_id")[customer]:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            return hits
        finally:
            await nc.close()
            server.close()

    assert asyncio.run(go()) == 0  # nothing was sent to the URL the message named
    assert "is not a callback the design declares: refused" in services[customers].text()
    assert services[customers].handled("GetCustomer", "customer_id")[customer] == 1


def _wait_handled(service: Replicas, message: str, key: str, value: str) -> None:
    for _ in range(300):
        if service.handled(message, key)[value]:
            return
        time.sleep(0.1)
    raise AssertionError(f"{message} {key}={value} was not handled:\n{service.text()[-3000:]}")
