"""The generated shop on each real broker: every service two processes, one scenario.

The tests are the same on RabbitMQ, NATS and Redis (parametrised by broker); how the shop
is started on a broker and how a plain client of that broker sends to it is in
`shop_on_<broker>.py`. A broker that is missing skips its tests on a workstation and
fails them in CI (`tests/support/requirements.py`). Names on the brokers are unique per
run (a scratch vhost, or a prefix), so two runs never disturb each other.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from functools import partial
from typing import Any

import httpx
import pytest

from designer.core.channels import DELIVERY_ATTEMPTS

from . import shop_on_nats, shop_on_rabbitmq, shop_on_redis
from .from_asyncapi import example, received_message
from .harness import DROPPED, Replicas, wait_logged
from .shop_scenario import DeadLetters, ShopOnBroker, ShopRun, new_order

pytestmark = pytest.mark.xdist_group("e2e")

BURST = 1000
REFUSED = "is not a callback the design declares: refused"
SHOPS: dict[str, Callable[[pytest.TempPathFactory], AbstractContextManager[ShopOnBroker]]] = {
    "rabbitmq": shop_on_rabbitmq.running,
    "nats": shop_on_nats.running,
    "redis": shop_on_redis.running,
}


@pytest.fixture(scope="module", params=list(SHOPS))
def shop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ShopOnBroker]:
    # Module scope: pytest runs one broker's tests together, then stops that shop.
    with SHOPS[request.param](tmp_path_factory) as running:
        yield running


def _run(shop: ShopOnBroker, scenario: str, *args: Any) -> Any:
    async def go() -> Any:
        bus = shop.bus()
        try:
            run = ShopRun(shop.design, shop.services, bus, shop.node)
            return await getattr(run, scenario)(*args)
        finally:
            await bus.close()

    return asyncio.run(go())


def _wait_handled(service: Replicas, message: str, key: str, value: str) -> None:
    for _ in range(300):
        if service.handled(message, key)[value]:
            return
        time.sleep(0.1)
    raise AssertionError(f"{message} {key}={value} was not handled:\n{service.text()[-3000:]}")


def _wait_dead_letters(shop: ShopOnBroker, service: str, message: str) -> DeadLetters:
    for _ in range(300):
        found = asyncio.run(shop.dead_letters(service, message))
        if found.count:
            return found
        time.sleep(0.1)
    return found


def test_order_reaches_every_subscriber_once_and_loyalty_handles_its_command(
    shop: ShopOnBroker,
) -> None:
    _run(shop, "one_order")


def test_query_is_answered_at_the_askers_private_reply_address_with_its_correlation_id(
    shop: ShopOnBroker,
) -> None:
    _run(shop, "query_correlation")


def test_burst_none_lost_none_twice_with_a_subscriber_restarted_midway(
    shop: ShopOnBroker,
) -> None:
    # Shipping (both replicas) is stopped a third of the way in (killed where that is the
    # harder case: Redis) and restarted after the last order.
    held = partial(shop.held_for, shop.node("shipping"))  # looked at between stop and restart
    report = _run(shop, "burst", BURST, shop.broker, "shipping", 16, True, held, shop.crash_midway)
    assert report["http_status"] == {202: BURST}, report["text"]
    # While shipping was down the broker held its messages, and delivered them after.
    assert sum(report["while_stopped"].values()) > 0, report["text"]
    assert report["delivered_after_restart"] > 0, report["text"]
    # Killed (not stopped), a replica may have handled an entry it could not acknowledge
    # nor mark as done: that entry is claimed after the restart and handled again, which
    # is at-least-once delivery. So the killed service alone may count as many repeats
    # as entries it held unacknowledged at the kill, and no more; every other hop 0/0.
    killed_pending = (
        sum(n for what, n in report["while_stopped"].items() if what.startswith("pending"))
        if shop.crash_midway
        else 0
    )
    for hop in report["hops"]:
        repeats_allowed = killed_pending if hop["label"].startswith("Shipping ") else 0
        assert hop["lost"] == 0 and hop["duplicated"] <= repeats_allowed, report["text"]
    # Two requester replicas: each got the answers to exactly the questions it asked.
    assert report["replicas"] == 2, report["text"]
    for row in report["answers_by_replica"]:
        # An answer after the asker's timeout is logged as late and dropped, not lost.
        assert row["asked"] > 0 and row["answered"] + row["late"] == row["asked"], report["text"]
        assert (row["foreign"], row["duplicated"]) == (0, 0), report["text"]


def test_poison_is_retried_then_dead_lettered_and_a_message_built_from_asyncapi_is_handled(
    shop: ShopOnBroker,
) -> None:
    loyalty = shop.node("loyalty")
    # Only the exported AsyncAPI document of Loyalty: address, bindings and payload.
    channel, message = received_message(shop.design, shop.broker, loyalty, "AddLoyaltyPoints")
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"
    asyncio.run(shop.send_poison_then(channel, poison_id, good))
    dead = _wait_dead_letters(shop, loyalty, "AddLoyaltyPoints")
    assert dead.count == 1, "nothing dead-lettered"
    assert dead.message_id == poison_id
    if dead.reason is not None:  # the runtime dead-lettered it and said why
        assert "ValidationError" in dead.reason
    _wait_handled(shop.services[loyalty], "AddLoyaltyPoints", "order_id", good["order_id"])
    text = shop.services[loyalty].text()
    retried = [line for line in text.splitlines() if poison_id in line and "retried in" in line]
    assert len(retried) == DELIVERY_ATTEMPTS - 1, text[-3000:]
    dead_lettered = f"AddLoyaltyPoints {poison_id} failed {DELIVERY_ATTEMPTS} times: dead-lettered"
    assert dead_lettered in text


def test_a_flow_without_dead_lettering_drops_the_poison_with_a_logged_line(
    shop: ShopOnBroker,
) -> None:
    # LoyaltyPointsAdded -> Notifications: the shop's flow has no dead_letter.
    notifications = shop.node("notifications")
    channel, message = received_message(
        shop.design, shop.broker, notifications, "LoyaltyPointsAdded"
    )
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"
    asyncio.run(shop.send_poison_then(channel, poison_id, good))
    given_up = f"{poison_id} failed {DELIVERY_ATTEMPTS}"
    line = wait_logged(shop.services[notifications], given_up)
    # Which message, which id, why: one line.
    assert f"LoyaltyPointsAdded {given_up} {DROPPED}ValidationError" in line, line
    dead = asyncio.run(shop.dead_letters(notifications, "LoyaltyPointsAdded"))
    assert dead.count == 0, "dead-lettered although the design says dead_letter: false"
    _wait_handled(
        shop.services[notifications], "LoyaltyPointsAdded", "customer_id", good["customer_id"]
    )


# RabbitMQ's retry queue only: NATS naks with a delay, Redis retries in place.
@pytest.mark.parametrize("shop", ["rabbitmq"], indirect=True)
def test_rabbitmq_a_good_message_is_handled_while_a_poison_one_backs_off(
    shop: ShopOnBroker,
) -> None:
    assert isinstance(shop, shop_on_rabbitmq.ShopOnRabbitMQ)
    # LoyaltyPointsAdded -> Notifications (dropped at the end: the dead-letter queues of the
    # other tests stay as they expect).
    notifications = shop.node("notifications")
    channel, message = received_message(
        shop.design, shop.broker, notifications, "LoyaltyPointsAdded"
    )
    good = example(message["payload"])
    poison_id = f"poison-{uuid.uuid4()}"
    service = shop.services[notifications]
    given_up = f"{poison_id} failed {DELIVERY_ATTEMPTS}"

    def handled() -> bool:
        return bool(service.handled("LoyaltyPointsAdded", "customer_id")[good["customer_id"]])

    held = asyncio.run(shop.good_handled_while_poison_waits(channel, poison_id, good, handled))
    # The good message was handled while the poison waited out its pause in the retry
    # queue, holding neither a consumer nor a prefetch slot of its own queue...
    assert held == {"in the retry queue": 1}, held
    assert given_up not in service.text()
    # ...then came back to its queue for its last attempt.
    line = wait_logged(service, given_up)
    assert f"LoyaltyPointsAdded {given_up} {DROPPED}" in line, line


def test_an_idempotent_command_sent_twice_with_one_message_id_is_handled_once(
    shop: ShopOnBroker,
) -> None:
    loyalty = shop.services[shop.node("loyalty")]
    channel, message = received_message(
        shop.design, shop.broker, shop.node("loyalty"), "AddLoyaltyPoints"
    )
    command = example(message["payload"])
    message_id = str(uuid.uuid4())
    asyncio.run(shop.send_twice(channel, command, message_id))
    _wait_handled(loyalty, "AddLoyaltyPoints", "order_id", command["order_id"])
    if shop.broker_drops_duplicates:
        time.sleep(1.0)  # room for a second delivery to show up, were there one
    else:
        skipped = f"AddLoyaltyPoints {message_id} already handled: duplicate skipped"
        wait_logged(loyalty, skipped)  # by whichever replica got the copy
    assert loyalty.handled("AddLoyaltyPoints", "order_id")[command["order_id"]] == 1


@pytest.mark.parametrize("shop", ["rabbitmq"], indirect=True)
def test_rabbitmq_a_copy_redelivered_within_a_dead_replicas_lease_is_handled_not_skipped(
    shop: ShopOnBroker,
) -> None:
    """A replica claimed the id in the shared de-dup store and died before handling it;
    RabbitMQ redelivers its messages at once, within the claim's 4 s lease. The copies
    wait for the lease to lapse: one is handled, the other then skipped as a duplicate."""
    import redis

    loyalty = shop.services[shop.node("loyalty")]
    channel, message = received_message(
        shop.design, shop.broker, shop.node("loyalty"), "AddLoyaltyPoints"
    )
    command = example(message["payload"])
    message_id = str(uuid.uuid4())
    store = redis.Redis.from_url(shop_on_rabbitmq.REDIS_URL)
    key = f"msgflow:seen:loyalty:{message_id}"
    try:
        store.set(key, "handling", px=4000)  # the dead replica's claim, never completed
        asyncio.run(shop.send_twice(channel, command, message_id))
        _wait_handled(loyalty, "AddLoyaltyPoints", "order_id", command["order_id"])
        wait_logged(loyalty, f"AddLoyaltyPoints {message_id} already handled: duplicate skipped")
        assert loyalty.handled("AddLoyaltyPoints", "order_id")[command["order_id"]] == 1
    finally:
        store.delete(key)
        store.close()


def test_a_reply_to_url_the_design_does_not_declare_is_refused_and_logged(
    shop: ShopOnBroker,
) -> None:
    customers = shop.services[shop.node("customers")]
    channel, _message = received_message(
        shop.design, shop.broker, shop.node("customers"), "GetCustomer"
    )
    customer = str(uuid.uuid4())

    async def go() -> int:
        hits = 0

        async def trap(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal hits
            hits += 1
            writer.close()

        server = await asyncio.start_server(trap, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            body = {"customer_id": customer}
            await shop.send_with_reply_to(channel, body, f"http://127.0.0.1:{port}/steal")
            await asyncio.to_thread(wait_logged, customers, REFUSED)
            await asyncio.sleep(0.5)
            return hits
        finally:
            server.close()

    assert asyncio.run(go()) == 0  # nothing was sent to the URL the message named
    assert REFUSED in customers.text()
    assert customers.handled("GetCustomer", "customer_id")[customer] == 1


# Redis only: a stream entry has no headers of its own; the document says where they go.
@pytest.mark.parametrize("shop", ["redis"], indirect=True)
def test_redis_a_plain_client_reads_a_service_published_entry_as_the_asyncapi_describes(
    shop: ShopOnBroker,
) -> None:
    assert isinstance(shop, shop_on_redis.ShopOnRedis)
    # Where Shipping receives OrderCreated, by its exported document alone.
    channel, message = received_message(
        shop.design, shop.broker, shop.node("shipping"), "OrderCreated"
    )
    order = new_order()
    correlation = str(uuid.uuid4())
    url = shop.services.url(shop.node("orders")) + "/commands/submit-order"
    response = httpx.post(url, json=order, headers={"X-Correlation-Id": correlation}, timeout=30)
    assert response.status_code == 202, response.text
    body, headers = asyncio.run(shop.published_entry(channel, "order_id", order["order_id"]))
    # The payload field holds the bare JSON of the message's schema: no frame, no envelope.
    assert set(body) == set(message["payload"]["properties"]), body
    assert body["order_id"] == order["order_id"]
    # Each documented header is a field of the entry: the ids of the conversation.
    documented = set(message["headers"]["properties"])
    assert {"message_id", "correlation_id", "causation_id", "message_type"} <= documented
    assert documented - {"reply_instance"} <= set(headers), headers
    assert headers["correlation_id"] == correlation
    assert headers["message_type"] == "OrderCreated"


# NATS only: its dead-letter streams come from `msgflow broker apply`.
@pytest.mark.parametrize("shop", ["nats"], indirect=True)
def test_nats_without_its_dead_letter_stream_a_poison_is_kept_not_terminated(
    shop: ShopOnBroker,
) -> None:
    assert isinstance(shop, shop_on_nats.ShopOnNats)
    loyalty = shop.node("loyalty")
    channel, _message = received_message(shop.design, shop.broker, loyalty, "AddLoyaltyPoints")
    poison_id = f"poison-{uuid.uuid4()}"
    service = shop.services[loyalty]
    missing = f"{poison_id} failed {DELIVERY_ATTEMPTS} times and could not be dead-lettered"

    def gave_up() -> bool:
        return missing in service.text()

    still_there = asyncio.run(
        shop.poison_without_a_dead_letter_stream(loyalty, channel, poison_id, gave_up)
    )
    # Logged (with what to do) and left unacknowledged in its stream: not terminated.
    assert "create the dead-letter stream: msgflow broker apply" in wait_logged(service, missing)
    assert still_there == 1
