"""A Kafka record key taken from a message field (`bindings.kafka.key_field`): the
generated publisher sends the field's value as the key, so Kafka keeps every record of
one entity in one partition, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.core.codegen.python_target import python_project
from designer.core.codegen.targets import TargetOptions
from designer.core.model import Design, FlowBindings, KafkaTopic
from designer.resources import examples_dir
from tests.support.generated_project import (
    assert_project_passes_its_gates,
    project_pytest,
    run_in,
)


def _shop_keyed_by(key_field: str) -> Design:
    """The shop with OrderCreated (to shipping, flow f2) keyed by one of its fields."""
    design = io.load(examples_dir() / "shop.msgflow.json")
    index = next(i for i, f in enumerate(design.flows) if f.id == "f2")
    keyed = FlowBindings(kafka=KafkaTopic(key_field=key_field))
    design.flows[index] = design.flows[index].model_copy(update={"bindings": keyed})
    return design


def test_the_publisher_sends_the_field_value_as_the_record_key() -> None:
    files = python_project(_shop_keyed_by("order_id"), TargetOptions(broker="kafka"))
    orders = files["orders/_generated.py"]
    publish = orders.split("async def publish_order_created", 1)[1].split("async def", 1)[0]
    assert "key=record_key(message.order_id)," in publish
    # Other messages keep no key: LoyaltyPointsAdded's publisher names none.
    loyalty = files["loyalty/_generated.py"]
    assert "key=" not in loyalty.split("async def publish_loyalty_points_added", 1)[1]
    assert "record_key" not in loyalty


def test_a_key_the_rule_refuses_gives_no_key_rather_than_broken_code() -> None:
    files = python_project(_shop_keyed_by("lines"), TargetOptions(broker="kafka"))
    assert "record_key" not in files["orders/_generated.py"]


def test_other_brokers_ignore_a_kafka_key() -> None:
    files = python_project(_shop_keyed_by("order_id"), TargetOptions(broker="rabbitmq"))
    assert "record_key" not in files["orders/_generated.py"]


# Run inside the generated project, with its own tools: publishes three OrderCreated
# through the generated Outbound (FastStream's in-memory Kafka) and reads their keys.
_KEYS_TEST = """\
from decimal import Decimal
from uuid import uuid4

from faststream.kafka import TestKafkaBroker

from contracts import OrderCreated
from msgflow_runtime import Delivery, record_key
from orders._generated import Service
from orders.defaults import DefaultHandlers


async def test_every_order_created_is_keyed_by_its_order_id() -> None:
    service = Service(DefaultHandlers)
    keys: list[bytes | None] = []

    @service.broker.subscriber("orders.order-created", group_id="tap")
    async def tap(message: OrderCreated, delivery: Delivery) -> None:
        keys.append(getattr(delivery, "raw_message").key)

    first, second = uuid4(), uuid4()
    async with TestKafkaBroker(service.broker):
        for order_id in (first, second, first):
            created = OrderCreated(
                order_id=order_id, customer_id=uuid4(), lines=[], total=Decimal("1")
            )
            await service.out.publish_order_created(created)
    assert keys == [str(first).encode(), str(second).encode(), str(first).encode()]


def test_a_key_is_the_value_as_the_json_payload_writes_it() -> None:
    from datetime import UTC, date, datetime

    assert record_key(datetime(2024, 5, 1, 9, 30, tzinfo=UTC)) == b"2024-05-01T09:30:00Z"
    assert record_key(date(2024, 5, 1)) == b"2024-05-01"
    assert record_key(True) == b"true"
    assert record_key(Decimal("10.50")) == b"10.50"
    assert record_key("Zo\u00eb") == "Zo\u00eb".encode()
    assert record_key(None) is None
"""


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
def test_a_keyed_project_passes_its_gates_and_sends_the_keys(tmp_path: Path) -> None:
    source = tmp_path / "keyed.msgflow.json"
    io.save(_shop_keyed_by("order_id"), source)
    out = tmp_path / "shop"
    assert main(["generate", str(source), "-o", str(out), "--broker", "kafka"]) == 0
    assert_project_passes_its_gates(out, tmp_path / "mypy")
    # Then the keys themselves (a test of this suite's, not part of the project's gates).
    (out / "tests" / "test_record_keys.py").write_text(_KEYS_TEST, encoding="utf-8")
    result = run_in(out, project_pytest("tests/test_record_keys.py"))
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "2 passed" in result.stdout, result.stdout
