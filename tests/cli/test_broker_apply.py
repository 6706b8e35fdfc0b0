"""`msgflow broker apply`: the design declared on the real RabbitMQ and NATS of this machine.

Each test works in its own scratch space (a fresh RabbitMQ vhost, or a unique prefix on
every NATS stream/subject) and removes it afterwards, so reruns and parallel workers
start clean.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir
from tests.support.brokers import (
    ScratchVhost,
    delete_nats_prefix,
    prefixed,
    require_nats,
    require_rabbitmqctl,
    unique_token,
)

# Applies topologies to the real RabbitMQ and NATS: `make test` only.
pytestmark = pytest.mark.slow

NATS_URL = "nats://127.0.0.1:4222"
SHOP = str(examples_dir() / "shop.msgflow.json")


@pytest.fixture
def vhost() -> Iterator[ScratchVhost]:
    require_rabbitmqctl()
    with ScratchVhost() as scratch:
        yield scratch


def _declare(url: str, queue: str, arguments: dict[str, object] | None = None) -> None:
    import aio_pika

    async def declare() -> None:
        connection = await aio_pika.connect(url)
        channel = await connection.channel()
        await channel.declare_queue(queue, durable=True, arguments=arguments)
        await connection.close()

    asyncio.run(declare())


def test_rabbitmq_dry_run_lists_everything_and_declares_nothing(
    vhost: ScratchVhost, capsys
) -> None:  # type: ignore[no-untyped-def]
    assert main(["broker", "apply", SHOP, "--url", vhost.url(), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would create  queue shipping.order-created" in out
    assert "would create  exchange orders.events: topic" in out
    assert "would create  binding orders.events -> shipping.order-created [order-created]" in out
    assert vhost.queues() == {}


def test_rabbitmq_apply_declares_the_topology_and_a_second_apply_changes_nothing(
    vhost: ScratchVhost, capsys
) -> None:  # type: ignore[no-untyped-def]
    assert main(["broker", "apply", SHOP, "--url", vhost.url()]) == 0
    first = capsys.readouterr().out
    assert "created  queue loyalty.add-loyalty-points" in first
    queues = vhost.queues()
    assert queues["shipping.order-created"]["type"] == "quorum"
    assert "shipping.order-created.dlq" in queues
    # No durable reply queue: each running requester declares its own exclusive one.
    assert not [name for name in queues if "replies" in name]

    assert main(["broker", "apply", SHOP, "--url", vhost.url(), "--format", "json"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["changed"] is False and second["failed"] is False
    assert second["summary"].startswith("no changes")
    assert {o["action"] for o in second["objects"]} <= {"unchanged", "ensured"}


def test_rabbitmq_conflicting_queue_is_reported_and_left_alone(vhost: ScratchVhost, capsys) -> None:  # type: ignore[no-untyped-def]
    # Someone made the shipping inbox a classic queue without dead-lettering.
    _declare(vhost.url(), "shipping.order-created")
    assert main(["broker", "apply", SHOP, "--url", vhost.url()]) == 1
    captured = capsys.readouterr()
    assert "conflict  queue shipping.order-created: PRECONDITION_FAILED" in captured.out
    assert "conflict" in captured.err
    queues = vhost.queues()
    assert queues["shipping.order-created"]["type"] == "classic"  # not replaced
    # Everything that did not conflict was still declared.
    assert queues["notifications.order-created"]["type"] == "quorum"


def test_unreachable_broker_and_unknown_scheme_are_reported(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["broker", "apply", SHOP, "--url", "amqp://guest:secret@127.0.0.1:1/"]) == 1
    captured = capsys.readouterr()
    assert "cannot connect" in captured.out and "secret" not in captured.out + captured.err
    assert main(["broker", "apply", SHOP, "--url", "nats://127.0.0.1:1"]) == 1
    assert "cannot connect" in capsys.readouterr().out  # one attempt, no endless retrying
    assert main(["broker", "apply", SHOP, "--url", "kafka://127.0.0.1:9092"]) == 2
    assert "unsupported broker URL" in capsys.readouterr().err


@pytest.fixture
def nats_shop(tmp_path: Path) -> Iterator[tuple[str, str]]:
    require_nats()
    token = unique_token()
    path = tmp_path / "shop.msgflow.json"
    io.save(prefixed(io.load(SHOP), token), path)
    try:
        yield str(path), token
    finally:
        asyncio.run(delete_nats_prefix(NATS_URL, token))


async def _stream_config(name: str) -> dict[str, object]:
    import nats

    nc = await nats.connect(NATS_URL)
    try:
        info = await nc.jsm().stream_info(name)
        return info.config.as_dict()
    finally:
        await nc.close()


def test_nats_apply_creates_streams_and_consumers_and_a_second_apply_changes_nothing(
    nats_shop, capsys
) -> None:  # type: ignore[no-untyped-def]
    path, token = nats_shop
    prefix = token.upper()
    assert main(["broker", "apply", path, "--url", NATS_URL, "--dry-run"]) == 0
    assert f"would create  stream {prefix}_ORDERS_EVENTS" in capsys.readouterr().out
    assert main(["broker", "apply", path, "--url", NATS_URL]) == 0
    out = capsys.readouterr().out
    assert f"created  stream {prefix}_LOYALTY_COMMANDS" in out
    assert f"created  consumer {prefix}_ORDERS_EVENTS/{token}-shipping__order-created" in out
    assert asyncio.run(_stream_config(f"{prefix}_LOYALTY_COMMANDS"))["retention"] == "workqueue"
    # The dead-letter streams too (the services no longer create them at startup).
    assert f"created  stream {prefix}_LOYALTY_DEAD_LETTERS: {token}-loyalty.dead.>" in out
    dead = asyncio.run(_stream_config(f"{prefix}_NOTIFICATIONS_DEAD_LETTERS"))
    assert (dead["subjects"], dead["retention"]) == ([f"{token}-notifications.dead.>"], "limits")

    assert main(["broker", "apply", path, "--url", NATS_URL]) == 0
    again = capsys.readouterr().out
    assert "no changes" in again and "  created  " not in again


def test_nats_conflicting_stream_is_reported_and_left_alone(nats_shop, capsys) -> None:  # type: ignore[no-untyped-def]
    import nats

    path, token = nats_shop
    name = f"{token.upper()}_LOYALTY_COMMANDS"

    async def squat() -> None:
        nc = await nats.connect(NATS_URL)
        await nc.jsm().add_stream(
            name=name, subjects=[f"{token}-loyalty.cmd.>"], retention="limits"
        )
        await nc.close()

    asyncio.run(squat())
    assert main(["broker", "apply", path, "--url", NATS_URL]) == 1
    out = capsys.readouterr().out
    assert f"conflict  stream {name}: retention: 'limits' (design: 'workqueue')" in out
    assert asyncio.run(_stream_config(name))["retention"] == "limits"


async def _add_consumer(stream: str, durable: str, subject: str, **config: object) -> None:
    import nats
    from nats.js.api import ConsumerConfig

    nc = await nats.connect(NATS_URL)
    try:
        await nc.jsm().add_consumer(
            stream, ConsumerConfig(durable_name=durable, filter_subject=subject, **config)
        )
    finally:
        await nc.close()


def test_nats_consumer_made_by_a_service_with_other_tuning_is_kept_and_not_a_failure(
    nats_shop, capsys
) -> None:  # type: ignore[no-untyped-def]
    path, token = nats_shop
    stream, durable = f"{token.upper()}_ORDERS_EVENTS", f"{token}-shipping__order-created"
    assert main(["broker", "apply", path, "--url", NATS_URL]) == 0
    capsys.readouterr()
    # As FastStream creates it when the service starts first: its client's max_deliver (-1).
    asyncio.run(_delete_consumer(stream, durable))
    asyncio.run(
        _add_consumer(stream, durable, f"{token}-orders.evt.order-created", ack_policy="explicit")
    )
    assert main(["broker", "apply", path, "--url", NATS_URL]) == 0
    out = capsys.readouterr().out
    assert f"differs  consumer {stream}/{durable}: kept as is: max_deliver: -1 (design: 5)" in out
    assert "1 differ in tuning only" in out


def test_nats_consumer_reading_another_subject_is_a_conflict(nats_shop, capsys) -> None:  # type: ignore[no-untyped-def]
    path, token = nats_shop
    stream, durable = f"{token.upper()}_ORDERS_EVENTS", f"{token}-shipping__order-created"
    assert main(["broker", "apply", path, "--url", NATS_URL]) == 0
    asyncio.run(_delete_consumer(stream, durable))
    asyncio.run(_add_consumer(stream, durable, f"{token}-orders.evt.>", ack_policy="explicit"))
    capsys.readouterr()
    assert main(["broker", "apply", path, "--url", NATS_URL]) == 1
    assert f"conflict  consumer {stream}/{durable}: filter_subject" in capsys.readouterr().out


async def _delete_consumer(stream: str, durable: str) -> None:
    import nats

    nc = await nats.connect(NATS_URL)
    try:
        await nc.jsm().delete_consumer(stream, durable)
    finally:
        await nc.close()


def test_rabbitmq_user_without_configure_permission_gets_every_refusal_reported(
    vhost: ScratchVhost, capsys
) -> None:  # type: ignore[no-untyped-def]
    from tests.support.brokers import rabbitmqctl

    user = vhost.name  # unique per run, removed below
    assert rabbitmqctl("add_user", user, "pw").returncode == 0
    try:
        assert (
            rabbitmqctl("set_permissions", "-p", vhost.name, user, "^$", ".*", ".*").returncode == 0
        )
        assert main(["broker", "apply", SHOP, "--url", vhost.url(user, "pw")]) == 1
        out = capsys.readouterr().out
        assert "error  exchange orders.events: ACCESS_REFUSED" in out
        assert out.rstrip().endswith("27 errors; existing objects were left as they are")
        assert vhost.queues() == {}
    finally:
        rabbitmqctl("delete_user", user)
