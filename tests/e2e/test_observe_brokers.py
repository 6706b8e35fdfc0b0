"""`msgflow observe` on the real RabbitMQ, NATS and Redis of this machine.

A known mix (observe_mix.py) is published with plain clients onto the channels of a
uniquely renamed shop, whose topology is applied first as the services would have it.
Each test asserts the exact counts and findings, that the observer left nothing behind,
and that the services' queues/streams/groups still hold every message (nothing taken).
Skips when a broker is missing; fails in CI. Run by hand under the shared broker lock.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from designer import provision
from designer.core import io
from designer.core.channels import ChannelNames
from designer.core.model import Design
from designer.core.observe import Observation, Record
from designer.resources import examples_dir
from designer.taps.session import Tap, observe
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
from tests.support.sockets import socket_ports

from .observe_mix import TOTAL, build_mix, check_report

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]
WAIT_S = 20.0  # at most, for the mix to arrive (it takes well under a second here)


def shop(token: str) -> Design:
    return prefixed(io.load(examples_dir() / "shop.msgflow.json"), token)


async def observe_while(
    design: Design, url: str, publish: Callable[[], Awaitable[None]], token: str
) -> tuple[Any, Tap]:
    """Watch while `publish` runs; stop once the whole mix arrived (or after WAIT_S).

    The brokers are shared: only this test's addresses (they all carry `token`) count."""
    observation = Observation(design)
    seen: list[Record] = []
    stop = asyncio.Event()
    opened: list[Tap] = []

    def sink(record: Record) -> None:
        if token not in record.address:
            return  # another test's traffic on the shared broker
        seen.append(record)
        observation.add(record)

    async def drive() -> None:
        while not opened:
            await asyncio.sleep(0.05)
        await publish()
        for _ in range(int(WAIT_S / 0.05)):
            if len(seen) >= TOTAL:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # anything extra would show up as a wrong count
        stop.set()

    driver = asyncio.create_task(drive())
    await observe(design, url, WAIT_S + 30, sink, stop, on_open=opened.append)
    await driver
    return observation.report(), opened[0]


# -- RabbitMQ -------------------------------------------------------------------------------


def test_rabbitmq_mix_counts_findings_and_nothing_taken() -> None:
    import aio_pika

    require_rabbitmqctl()
    token = unique_token("o")
    design = shop(token)
    names = ChannelNames(design)
    orders_events = names.channel(design.flow("f2")).exchange
    with ScratchVhost() as vhost:
        url = vhost.url()
        applied = asyncio.run(provision.apply(design, url))
        assert not applied.failed
        # The firehose is the only way to see answers (they use the default exchange).
        assert rabbitmqctl("trace_on", "-p", vhost.name).returncode == 0

        instance_queue = f"{names.channel(design.flow('f6')).reply}.instance-a"

        async def publish() -> None:
            connection = await aio_pika.connect(url)
            async with connection:
                channel = await connection.channel()
                # A generated requester's own reply queue (one per running instance).
                await channel.declare_queue(instance_queue, durable=True)
                for sent in build_mix(design):
                    message = aio_pika.Message(
                        sent.body,
                        headers={k: v for k, v in sent.headers.items()},
                        correlation_id=sent.headers.get("correlation_id"),
                        message_id=sent.headers.get("message_id"),
                        type=sent.headers.get("message_type"),
                    )
                    if sent.channel is not None:
                        exchange = await channel.get_exchange(sent.channel.exchange, ensure=False)
                        await exchange.publish(message, routing_key=sent.channel.routing_key)
                    elif sent.reply_to_address is not None:
                        await channel.default_exchange.publish(message, sent.reply_to_address)
                    else:
                        exchange = await channel.get_exchange(orders_events, ensure=False)
                        await exchange.publish(message, routing_key=sent.stray_key or "")

        report, _tap = asyncio.run(observe_while(design, url, publish, token))
        check_report(report)
        queues = vhost.queues()
        assert not [q for q in queues if q.startswith("msgflow-observe")], queues

        async def depths() -> dict[str, int]:
            connection = await aio_pika.connect(url)
            async with connection:
                channel = await connection.channel()
                result = {}
                for name in queues:
                    declared = await channel.declare_queue(name, passive=True)
                    result[name] = declared.declaration_result.message_count
                return result

        held = {k: v for k, v in asyncio.run(depths()).items() if v}
        c = {f: names.channel(design.flow(f)) for f in ("f2", "f3", "f4", "f6")}
        assert held == {
            c["f2"].queue: 6,
            c["f3"].queue: 6,
            c["f4"].queue: 4,
            c["f6"].queue: 3,
            # (answers to the design's own reply address reach no queue: requesters each
            # declare their own `<reply>.<instance>`, broker apply declares none)
            instance_queue: 1,
        }


# -- NATS -----------------------------------------------------------------------------------

NATS_URL = "nats://127.0.0.1:4222"


def test_nats_mix_counts_findings_and_nothing_taken() -> None:
    import nats

    require_nats()
    token = unique_token("o")
    design = shop(token)
    names = ChannelNames(design)
    events_prefix = names.channel(design.flow("f2")).subject.rsplit(".", 1)[0]
    applied = asyncio.run(provision.apply(design, NATS_URL))
    assert not applied.failed
    try:

        async def publish() -> None:
            client = await nats.connect(NATS_URL)
            try:
                for sent in build_mix(design):
                    if sent.channel is not None:
                        subject = sent.channel.subject
                    elif sent.reply_to_address is not None:
                        subject = sent.reply_to_address
                    else:
                        subject = f"{events_prefix}.{sent.stray_key}"
                    await client.publish(subject, sent.body, headers=sent.headers)
                await client.flush()
            finally:
                await client.close()

        report, tap = asyncio.run(observe_while(design, NATS_URL, publish, token))
        check_report(report)
        assert tap.client is not None and tap.client.is_closed  # type: ignore[attr-defined]

        async def pending() -> tuple[dict[str, tuple[int, int]], set[str]]:
            client = await nats.connect(NATS_URL)
            try:
                js = client.jsm()
                result, consumers = {}, set()
                for flow_id in ("f2", "f3", "f4"):
                    channel = names.channel(design.flow(flow_id))
                    info = await js.consumer_info(channel.stream, channel.durable)
                    result[flow_id] = (info.num_pending, info.num_ack_pending)
                    listed = await js.consumers_info(channel.stream)
                    consumers |= {c.name for c in listed}
                return result, consumers
            finally:
                await client.close()

        # The services' durable consumers still have every message waiting, none taken,
        # and they are the only consumers of their streams (the observer made none).
        waiting, consumers = asyncio.run(pending())
        assert waiting == {"f2": (6, 0), "f3": (6, 0), "f4": (4, 0)}
        assert consumers == {names.channel(design.flow(f)).durable for f in ("f2", "f3", "f4")}
    finally:
        asyncio.run(delete_nats_prefix(NATS_URL, token))


# -- Redis ----------------------------------------------------------------------------------

REDIS_URL = "redis://127.0.0.1:6379/0"


def test_redis_mix_counts_findings_and_nothing_taken() -> None:
    import redis.asyncio as aioredis
    from faststream.redis.parser.binary import BinaryMessageFormatV1

    require_port("Redis", "127.0.0.1", 6379)
    token = unique_token("o")
    design = shop(token)
    names = ChannelNames(design)
    streams = {f: names.channel(design.flow(f)).topic for f in ("f2", "f4", "f6")}
    orders_prefix = streams["f2"].rsplit(".", 1)[0]
    groups = {"f2": "shipping", "f4": "loyalty", "f6": "customers"}

    own_observers: set[int] = set()

    async def scenario() -> tuple[Any, dict[str, Any], int, set[int]]:
        client = aioredis.from_url(REDIS_URL)
        try:
            patterns_before = await client.execute_command("PUBSUB", "NUMPAT")
            for flow_id, group in groups.items():  # as the services would have them
                await client.xgroup_create(streams[flow_id], group, id="$", mkstream=True)

            async def publish() -> None:
                own_observers.update(await observers_of_this_process(client))
                for i, sent in enumerate(build_mix(design)):
                    if sent.channel is not None:
                        key = sent.channel.topic
                    elif sent.reply_to_address is not None:
                        key = sent.reply_to_address
                    else:
                        key = f"{orders_prefix}.{sent.stray_key}"
                    if i % 2:  # FastStream's own framing, as generated services write it
                        data = await BinaryMessageFormatV1.encode(
                            message=sent.body,
                            reply_to=None,
                            headers=sent.headers,
                            correlation_id=sent.headers.get("correlation_id", ""),
                        )
                    else:  # the older JSON framing
                        data = json.dumps(
                            {"data": sent.body.decode(), "headers": sent.headers}
                        ).encode()
                    await client.xadd(key, {"__data__": data})

            report, _tap = await observe_while(design, REDIS_URL, publish, token)
            info = {flow_id: await client.xinfo_groups(streams[flow_id]) for flow_id in groups}
            left = await still_listed(client, own_observers, within_s=10.0)
            patterns_after = await client.execute_command("PUBSUB", "NUMPAT")
            assert patterns_after == patterns_before
            return report, info, await client.xlen(streams["f2"]), left
        finally:
            keys = [k async for k in client.scan_iter(match=f"{token}-*")]
            if keys:
                await client.delete(*keys)
            await client.aclose()

    report, groups_info, created_len, observers_left = asyncio.run(scenario())
    check_report(report)
    assert created_len == 6
    # The services' groups, the only ones (the observer reads without a group): nothing
    # delivered to anyone, every entry still waiting for them.
    assert {f: [_text(g["name"]) for g in listed] for f, listed in groups_info.items()} == {
        f: [group] for f, group in groups.items()
    }
    assert {f: (g[0]["pending"], g[0]["lag"]) for f, g in groups_info.items()} == {
        "f2": (0, 6),
        "f4": (0, 4),
        "f6": (0, 3),
    }
    # The tap's own connections (its commands and its pattern subscription) were listed
    # while it ran and are gone now; other workers' observers on the shared Redis may stay.
    assert len(own_observers) == 2
    assert observers_left == set()


async def observers_of_this_process(client: Any) -> set[int]:
    """Redis's ids of the `msgflow-observe` connections whose client socket this process
    holds (CLIENT LIST's `addr` is the client's end)."""
    ports = socket_ports()
    return {
        int(c["id"])
        for c in await client.client_list()
        if c.get("name") == "msgflow-observe" and int(c["addr"].rsplit(":", 1)[1]) in ports
    }


async def still_listed(client: Any, ids: set[int], *, within_s: float) -> set[int]:
    """Those of `ids` Redis still lists after waiting up to `within_s` (it drops a closed
    connection within moments of the close, not at the same instant)."""
    deadline = asyncio.get_running_loop().time() + within_s
    while True:
        left = ids & {int(c["id"]) for c in await client.client_list()}
        if not left or asyncio.get_running_loop().time() > deadline:
            return left
        await asyncio.sleep(0.1)


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


# -- RabbitMQ refusals: one line each, nothing left open -------------------------------------


def rabbit_refusal(url: str) -> str:
    from designer.taps.session import TapError

    with pytest.raises(TapError) as refused:
        asyncio.run(observe(shop(unique_token("r")), url, 1, lambda _record: None))
    return str(refused.value)


def test_rabbitmq_wrong_password_and_unknown_vhost_are_one_line_each() -> None:
    from tests.support.requirements import require_rabbitmq

    require_rabbitmq()
    wrong = rabbit_refusal("amqp://guest:not-the-password@127.0.0.1:5672/")
    assert wrong == (
        "cannot connect to amqp://guest:***@127.0.0.1:5672/: "
        "access refused (user, password or vhost permissions)"
    )
    missing = rabbit_refusal(f"amqp://guest:guest@127.0.0.1:5672/{unique_token('no-vhost-')}")
    assert missing.endswith("not allowed (does the vhost exist?)"), missing


def test_rabbitmq_closing_the_connection_ends_the_window_with_a_note() -> None:
    require_rabbitmqctl()
    design = shop(unique_token("c"))
    with ScratchVhost() as vhost:
        assert not asyncio.run(provision.apply(design, vhost.url())).failed

        async def watch() -> list[str]:
            stop = asyncio.Event()
            opened = asyncio.Event()
            watching = asyncio.create_task(
                observe(design, vhost.url(), 60, lambda _r: None, stop, lambda _t: opened.set())
            )
            await opened.wait()
            closed = await asyncio.to_thread(
                rabbitmqctl, "close_all_connections", "-p", vhost.name, "maintenance"
            )
            assert closed.returncode == 0, closed.stderr
            notes = await asyncio.wait_for(watching, 20)  # not the whole 60 s window
            assert not stop.is_set()
            return notes

        notes = asyncio.run(watch())
    assert notes and notes[-1].startswith("the broker ended the observation early: ")
    assert "maintenance" in notes[-1]
