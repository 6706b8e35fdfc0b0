"""`msgflow observe` watching the generated shop itself, on the real NATS, RabbitMQ and Redis.

The services are generated, applied and started as a user would; orders go in through
SubmitOrder over http. While they flow, the observer must count every hop the design
draws, match each answer to its question, and find nothing wrong; then one malformed
OrderCreated and one undeclared OrderCancelled, published by hand, must be the only drift
besides one flow that is silenced: the observed design draws one more flow (f8) than the
running system was generated from.
The services' own logs show they still handled every message while observed.
Skips when a broker is missing; fails in CI.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest

from designer.cli import main
from designer.core import io
from designer.core.model import Design
from designer.core.observe import Observation, Record
from designer.resources import examples_dir
from designer.taps.session import observe
from tests.support.brokers import (
    ScratchVhost,
    delete_nats_prefix,
    prefixed,
    rabbitmqctl,
    require_nats,
    require_rabbitmqctl,
    unique_token,
)
from tests.support.requirements import require_port

from .harness import Services, generate
from .shop_scenario import ShopRun, new_order

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.xdist_group("e2e")]
URL = "nats://127.0.0.1:4222"
REDIS_URL = "redis://127.0.0.1:6379/0"
ORDERS = 5


class _NoBus:
    """ShopRun only needs a bus for other scenarios."""

    async def close(self) -> None:
        return None


def _publish_raw(broker: str, url: str, run: ShopRun) -> Callable[[], Awaitable[None]]:
    """One malformed OrderCreated and one undeclared OrderCancelled, sent by hand."""
    bad = {**new_order(), "total": "lots"}
    cancelled = {"order_id": bad["order_id"]}

    async def on_nats() -> None:
        client = await nats.connect(url)
        try:
            created = run.channels["f2"].subject
            await client.publish(
                created, json.dumps(bad).encode(), headers={"message_type": "OrderCreated"}
            )
            await client.publish(
                created.rsplit(".", 1)[0] + ".order-cancelled",
                json.dumps(cancelled).encode(),
                headers={"message_type": "OrderCancelled"},
            )
            await client.flush()
        finally:
            await client.close()

    async def on_rabbitmq() -> None:
        import aio_pika

        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            exchange = await channel.get_exchange(run.channels["f2"].exchange, ensure=False)
            for body, key, kind in (
                (bad, run.channels["f2"].routing_key, "OrderCreated"),
                (cancelled, "order-cancelled", "OrderCancelled"),
            ):
                message = aio_pika.Message(json.dumps(body).encode(), type=kind)
                await exchange.publish(message, routing_key=key)

    async def on_redis() -> None:
        import redis.asyncio as aioredis

        client = aioredis.from_url(url)
        try:
            created = run.channels["f2"].topic
            for stream, body, kind in (
                (created, bad, "OrderCreated"),
                (created.rsplit(".", 1)[0] + ".order-cancelled", cancelled, "OrderCancelled"),
            ):
                framed = json.dumps(
                    {"data": json.dumps(body), "headers": {"message_type": kind}}
                ).encode()
                await client.xadd(stream, {"__data__": framed})
        finally:
            await client.aclose()

    return {"nats": on_nats, "rabbitmq": on_rabbitmq, "redis": on_redis}[broker]


@pytest.mark.parametrize("broker", ["nats", "rabbitmq", "redis"])
def test_observing_the_running_generated_shop(tmp_path: Path, broker: str) -> None:
    if broker == "nats":
        require_nats()
        with _nats_scratch() as (url, token):
            _observe_shop(tmp_path, broker, url, token)
    elif broker == "rabbitmq":
        require_rabbitmqctl()
        with ScratchVhost() as vhost:
            # Answers go through the default exchange: only the firehose shows them.
            assert rabbitmqctl("trace_on", "-p", vhost.name).returncode == 0
            _observe_shop(tmp_path, broker, vhost.url(), unique_token("g"))
            left = [q for q in vhost.queues() if q.startswith("msgflow-observe")]
            assert left == []
    else:
        require_port("Redis", "127.0.0.1", 6379)
        token = unique_token("g")
        try:
            _observe_shop(tmp_path, broker, REDIS_URL, token)
        finally:
            asyncio.run(_delete_redis_prefix(token))


async def _delete_redis_prefix(token: str) -> None:
    import redis.asyncio as aioredis

    client = aioredis.from_url(REDIS_URL)
    try:
        keys = [k async for k in client.scan_iter(match=f"{token}-*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@contextmanager
def _nats_scratch() -> Iterator[tuple[str, str]]:
    token = unique_token("g")
    try:
        yield URL, token
    finally:
        asyncio.run(delete_nats_prefix(URL, token))


async def nats_observer_ports(url: str) -> dict[int, int]:
    """NATS's own list (its system account's CONNZ) of the connections named
    `msgflow-observe`: client id -> the client's port."""
    client = await nats.connect(url)
    try:
        reply = await client.request("$SYS.REQ.SERVER.PING.CONNZ", b'{"limit": 10000}', 5)
    finally:
        await client.close()
    connections = json.loads(reply.data)["data"]["connections"]
    return {c["cid"]: c["port"] for c in connections if c.get("name") == "msgflow-observe"}


async def _observers(broker: str, url: str) -> set[object]:
    """The connections named `msgflow-observe` that NATS or Redis itself lists (NATS: its
    system account's CONNZ, by client id; Redis: CLIENT LIST, by id). RabbitMQ: none here,
    its tap queue is checked by the caller. Other people's observers on the shared broker
    may be listed too: callers compare with what was there before."""
    if broker == "nats":
        return set(await nats_observer_ports(url))
    if broker == "redis":
        import redis.asyncio as aioredis

        client = aioredis.from_url(url)
        try:
            listed = await client.client_list()
        finally:
            await client.aclose()
        return {c["id"] for c in listed if c.get("name") == "msgflow-observe"}
    return set()


def _with_unbuilt_flow(design: Design, token: str) -> Design:
    """The design plus a flow the running system was never built to carry (f8: orders
    publishing OrderPaid to shipping): drawn, so observed, and silent all along."""
    data = design.model_dump(by_alias=True, mode="json")
    orders, shipping = f"{token}-orders", f"{token}-shipping"
    data["messages"].append(
        {
            "id": "order-paid",
            "name": "OrderPaid",
            "kind": "event",
            "owner": orders,
            "fields": [{"name": "order_id", "type": "uuid"}],
        }
    )
    data["flows"].append(
        {"id": "f8", "message": "order-paid", "from": orders, "to": shipping, "transport": "topic"}
    )
    return Design.model_validate(data)


def _observe_shop(tmp_path: Path, broker: str, url: str, token: str) -> None:
    built = prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)
    project = generate(built, tmp_path, broker)
    design = _with_unbuilt_flow(built, token)  # what is observed: one flow more than runs
    if broker != "redis":  # Redis streams and groups are made by the services themselves
        assert main(["broker", "apply", str(tmp_path / "design.msgflow.json"), "--url", url]) == 0
    with Services(built, broker, project, url) as services:
        run = ShopRun(built, services, _NoBus(), lambda node: f"{token}-{node}")  # type: ignore[arg-type]

        async def scenario() -> tuple[Any, Any, list[Any]]:
            observation = Observation(design, broker)
            stop, opened = asyncio.Event(), asyncio.Event()

            def mine(record: Record) -> None:
                if token in record.address:  # the brokers are shared with other tests
                    observation.add(record)

            others = await _observers(broker, url)
            watching = asyncio.create_task(
                observe(design, url, 300, mine, stop, lambda _t: opened.set())
            )
            await opened.wait()
            if broker != "rabbitmq":  # the check below sees this observer while it runs
                assert await _observers(broker, url) - others
            orders = [new_order() for _ in range(ORDERS)]
            async with httpx.AsyncClient(timeout=10) as client:
                for order in orders:
                    response = await client.post(run.submit_url, json=order)
                    assert response.status_code == 202, response.text
            counts = await run.wait_delivered(orders, timeout=90)
            clean = observation.report()
            await _publish_raw(broker, url, run)()
            for _ in range(100):
                if observation.records >= clean.records + 2:
                    break
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)
            stop.set()
            await watching
            assert await _observers(broker, url) - others == set()  # nothing left behind
            return clean, observation.report(), counts

        clean, drifted, counts = asyncio.run(scenario())

    # The services handled every hop of every order while being observed.
    for count in counts:
        assert (count.delivered, count.lost, count.duplicated) == (ORDERS, 0, 0), count
    # The observer saw what the design draws, once per order, and nothing wrong but the
    # flow that was never built.
    assert {f.flow_id: f.messages for f in clean.flows} == {
        "f2": ORDERS,
        "f3": ORDERS,
        "f4": ORDERS,
        "f6": ORDERS,
        "f7": ORDERS,
        "f8": 0,
    }
    f6 = clean.flow("f6")
    assert (f6.replies, f6.unanswered, f6.violations) == (ORDERS, 0, 0)
    assert f6.latency_ms is not None and f6.latency_ms["p50"] > 0
    assert [(d.rule, d.subjects[:1]) for d in clean.findings] == [("silent-flow", ("f8",))]
    assert clean.undeclared == []
    # ...then exactly the drift that was injected: one malformed payload (on both arrows
    # of its address), one undeclared type; f8 still silent.
    assert {f.flow_id: f.messages for f in drifted.flows} == {
        "f2": ORDERS + 1,
        "f3": ORDERS + 1,
        "f4": ORDERS,
        "f6": ORDERS,
        "f7": ORDERS,
        "f8": 0,
    }
    assert {f.flow_id: f.violations for f in drifted.flows if f.violations} == {"f2": 1, "f3": 1}
    assert [(s.messages, dict(s.types)) for s in drifted.undeclared] == [(1, {"OrderCancelled": 1})]
    assert sorted((d.rule, d.subjects[:1]) for d in drifted.findings) == [
        ("contract-violation", ("f2",)),
        ("contract-violation", ("f3",)),
        ("silent-flow", ("f8",)),
        ("undeclared-traffic", ()),
    ]
