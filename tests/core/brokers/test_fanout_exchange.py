"""A fanout exchange for a broadcast flow (`bindings.amqp.exchange_type: fanout`): declared
alike by the RabbitMQ definitions, `broker apply` and the generated services, exported to
AsyncAPI as the channel's exchange type and imported back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from designer.cli import main
from designer.core import io
from designer.core.brokers.rabbitmq import definitions_json
from designer.core.codegen.python_target import python_project
from designer.core.codegen.targets import TargetOptions
from designer.core.diff import diff_designs, format_text
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec
from designer.core.model import AmqpQueue, Design, FlowBindings
from designer.core.observe.expected import Expectations
from designer.resources import examples_dir
from tests.support.generated_project import (
    assert_project_passes_its_gates,
)

EXCHANGE = "orders.events.order-created"


def _shop_with_a_fanout(*flow_ids: str) -> Design:
    """The shop with OrderCreated (f2 to shipping, f3 to notifications) through a fanout."""
    design = io.load(examples_dir() / "shop.msgflow.json")
    fanout = FlowBindings(amqp=AmqpQueue(exchange_type="fanout"))
    flows = [
        f.model_copy(update={"bindings": fanout}) if f.id in (flow_ids or ("f2", "f3")) else f
        for f in design.flows
    ]
    return design.model_copy(update={"flows": flows})


def test_the_definitions_bind_both_subscribers_to_one_fanout_exchange() -> None:
    config = json.loads(definitions_json(_shop_with_a_fanout()))
    exchanges = {e["name"]: e["type"] for e in config["exchanges"]}
    assert exchanges[EXCHANGE] == "fanout"
    assert exchanges["loyalty.events"] == "topic"  # other events stay on topic exchanges
    bound = sorted(b["destination"] for b in config["bindings"] if b["source"] == EXCHANGE)
    assert bound == ["notifications.order-created", "shipping.order-created"]


def test_generated_publisher_and_subscribers_use_the_fanout_exchange() -> None:
    files = python_project(_shop_with_a_fanout(), TargetOptions(broker="rabbitmq"))
    for service in ("orders", "shipping", "notifications"):
        code = files[f"{service}/_generated.py"]
        assert f'"{EXCHANGE}"' in code and "ExchangeType.FANOUT" in code, service
    assert "ExchangeType.FANOUT" not in files["loyalty/_generated.py"]


def test_one_fanout_flow_and_one_topic_flow_of_an_event_each_get_it_once() -> None:
    # f2 through the fanout, f3 on the service's topic exchange: the publisher sends to
    # both exchanges, and each subscriber's queue is bound to one of them only.
    config = json.loads(definitions_json(_shop_with_a_fanout("f2")))
    bound = {(b["source"], b["destination"]) for b in config["bindings"]}
    assert (EXCHANGE, "shipping.order-created") in bound
    assert ("orders.events", "notifications.order-created") in bound
    assert (EXCHANGE, "notifications.order-created") not in bound
    assert ("orders.events", "shipping.order-created") not in bound


def test_observe_taps_the_fanout_exchange_whole() -> None:
    topics, _direct = Expectations(_shop_with_a_fanout()).rabbit_taps()
    assert EXCHANGE in topics


def test_export_names_the_fanout_and_import_gives_the_same_design() -> None:
    design = _shop_with_a_fanout()
    system = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]
    exchanges = [
        c["bindings"]["amqp"]["exchange"]
        for c in system["channels"].values()
        if "amqp" in c.get("bindings", {}) and "exchange" in c["bindings"]["amqp"]
    ]
    assert {"name": EXCHANGE, "type": "fanout"}.items() <= next(
        e for e in exchanges if e["name"] == EXCHANGE
    ).items()
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")


def _notifications_spec(exchange_type: str) -> str:
    document = {
        "asyncapi": "3.0.0",
        "info": {"title": "Notifications", "version": "1.0.0"},
        "servers": {"main": {"host": "rabbit:5672", "protocol": "amqp"}},
        "channels": {
            "alerts": {
                "address": "alerts",
                "messages": {"AlertRaised": {"$ref": "#/components/messages/AlertRaised"}},
                "bindings": {
                    "amqp": {
                        "is": "routingKey",
                        "exchange": {"name": "alerts", "type": exchange_type},
                        "bindingVersion": "0.3.0",
                    }
                },
            }
        },
        "operations": {
            "raiseAlert": {
                "action": "send",
                "channel": {"$ref": "#/channels/alerts"},
                "messages": [{"$ref": "#/channels/alerts/messages/AlertRaised"}],
            }
        },
        "components": {
            "messages": {
                "AlertRaised": {
                    "payload": {"type": "object", "properties": {"text": {"type": "string"}}}
                }
            }
        },
    }
    return yaml.safe_dump(document, sort_keys=False)


def test_an_imported_fanout_exchange_is_kept_on_its_flow() -> None:
    result = import_asyncapi([Spec.from_text(_notifications_spec("fanout"), "alerts.yaml")])
    [flow] = result.design.flows
    assert flow.bindings is not None and flow.bindings.amqp is not None
    assert flow.bindings.amqp.exchange_type == "fanout"
    assert not [n for n in map(str, result.notes) if "fanout" in n]


def test_an_imported_headers_exchange_is_reported_not_kept() -> None:
    result = import_asyncapi([Spec.from_text(_notifications_spec("headers"), "alerts.yaml")])
    [flow] = result.design.flows
    assert flow.bindings is None or flow.bindings.amqp is None
    notes = [str(n) for n in result.notes]
    assert any("amqp exchange type headers" in n and "not kept" in n for n in notes), notes


@pytest.mark.slow
@pytest.mark.xdist_group("generated-projects")
def test_a_project_with_a_fanout_passes_its_gates(tmp_path: Path) -> None:
    # Its own wiring tests deliver OrderCreated through the fanout exchange (FastStream's
    # in-memory RabbitMQ routes a fanout to every bound queue).
    source = tmp_path / "fanout.msgflow.json"
    io.save(_shop_with_a_fanout(), source)
    out = tmp_path / "shop"
    assert main(["generate", str(source), "-o", str(out), "--broker", "rabbitmq"]) == 0
    assert_project_passes_its_gates(out, tmp_path / "mypy")
