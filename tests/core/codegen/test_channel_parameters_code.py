"""Generated services on parameterised channels: subscribe to the wildcard, publish with the
value given to the Outbound method (tests/data/lights-parameters.msgflow.json)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from designer.cli import main
from designer.core import io
from designer.core.brokers.rabbitmq import RabbitOptions, definitions, definitions_json
from designer.core.codegen.python_target import python_project
from designer.core.codegen.targets import TargetOptions
from designer.core.model import AmqpQueue, FlowBindings
from designer.core.topology import build_amqp
from tests.support.generated_project import assert_project_passes_its_gates

DESIGN = Path(__file__).resolve().parents[2] / "data" / "lights-parameters.msgflow.json"


def _files(broker: str) -> dict[str, str]:
    return python_project(io.load(DESIGN), TargetOptions(broker=broker))


def _addresses_of_subscribers_and_publishers(code: str) -> list[str]:
    """Every string given to `broker.subscriber(...)`/`broker.publisher(...)`, nested too."""
    found = []
    for call in ast.walk(ast.parse(code)):
        if isinstance(call, ast.Call) and getattr(call.func, "attr", "") in (
            "subscriber",
            "publisher",
        ):
            found += [
                n.value
                for n in ast.walk(call)
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
    return found


# Where Streetlights' subscriber of TurnOn reads the light's id from.
DELIVERED_TURN_ON = {
    "rabbitmq": '"streetlights.{streetlightId}.turn.on"',  # the routing key
    "nats": '"lights.cmd.streetlights.{streetlightId}.turn.on"',  # the subject
    "kafka": '"{streetlightId}"',  # the record key
    "redis": '"streetlights.{streetlightId}.turn.on"',  # the header `channel`
}


@pytest.mark.parametrize(
    ("broker", "listens", "publishes"),
    [
        ("rabbitmq", 'routing_key="streetlights.*.lighting.measured"',
         'routing_key=f"streetlights.{streetlight_id}.lighting.measured"'),
        ("nats", '"lights.evt.streetlights.*.lighting.measured"',
         'subject=f"lights.evt.streetlights.{streetlight_id}.lighting.measured"'),
        ("kafka", '"lights.streetlights.lighting.measured"', 'key=f"{streetlight_id}".encode()'),
        ("redis", '"lights.streetlights.lighting.measured"',
         'publish_kwargs(channel=f"streetlights.{streetlight_id}.lighting.measured")'),
    ],
)  # fmt: skip
def test_subscribers_listen_to_the_wildcard_and_senders_name_the_value(
    broker: str, listens: str, publishes: str
) -> None:
    files = _files(broker)
    dashboard, lights = files["dashboard/_generated.py"], files["lights/_generated.py"]
    assert listens in dashboard  # the subscriber of LightMeasured
    assert "streetlight_id: str," in lights and publishes in lights
    # The default handler passes the value on: the same parameter of the channel the
    # message came in on (in the context), else the received message's field of that
    # name, else a placeholder.
    assert "streetlight_id=message.streetlight_id" in files["dashboard/defaults.py"]
    assert (
        'streetlight_id=context.parameters.get("streetlightId", "streetlightId")'
        in (files["lights/defaults.py"])
    )
    # The subscriber reads the values from where its broker delivered them (Redis: the
    # channel the sender named in a header, the stream being the same for every value).
    reads = re.escape(DELIVERED_TURN_ON[broker])
    assert re.search(r"MessageContext\.received\(\s*delivery,\s*" + reads, lights)
    # Never `{streetlightId}` where FastStream reads an address (a path parameter there).
    addresses = _addresses_of_subscribers_and_publishers(dashboard + "\n" + lights)
    assert addresses and not [a for a in addresses if "{" in a]


@pytest.mark.slow
@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "kafka", "redis"])
def test_the_project_passes_ruff_mypy_and_its_own_tests(tmp_path: Path, broker: str) -> None:
    out = tmp_path / "project"
    assert main(["generate", str(DESIGN), "-o", str(out), "--broker", broker]) == 0
    assert_project_passes_its_gates(out, tmp_path / "mypy")


def test_a_temporary_inbox_is_declared_alike_by_the_service_and_the_configuration() -> None:
    """A flow's `bindings.amqp` (here non-durable, as AsyncAPI's rpc example says): the
    generated subscriber and the RabbitMQ definitions declare the same classic queue (a
    mismatch is refused by RabbitMQ); a classic queue keeps no delivery count, which the
    failure policy does not need: its retried copies carry their attempts in a header."""
    design = io.load(DESIGN)
    inbox = FlowBindings(amqp=AmqpQueue(durable=False, auto_delete=True))
    design.flows[1] = design.flows[1].model_copy(update={"bindings": inbox})
    queues = {q["name"]: q for q in definitions(build_amqp(design), RabbitOptions("t"))["queues"]}
    declared = queues["streetlights.turn.on"]
    assert (declared["durable"], declared["auto_delete"]) == (False, True)
    assert declared["arguments"]["x-queue-type"] == "classic"
    assert "x-delivery-limit" not in declared["arguments"]
    code = python_project(design, TargetOptions(broker="rabbitmq"))["lights/_generated.py"]
    assert "queue_type=QueueType.CLASSIC,\n                durable=False,\n" in code
    assert "auto_delete=True," in code and 'queue="streetlights.turn.on"' in code
    exclusive = FlowBindings(amqp=AmqpQueue(exclusive=True))
    design.flows[1] = design.flows[1].model_copy(update={"bindings": exclusive})
    names = [q["name"] for q in json.loads(definitions_json(design))["queues"]]
    assert "streetlights.turn.on" not in names  # only the service's connection may declare it
