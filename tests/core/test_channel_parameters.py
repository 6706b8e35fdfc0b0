"""Parameterised channels (`a.{id}.b`): each broker's rendering, the rule, the file format."""

from __future__ import annotations

import json
from typing import Any

import pytest

from designer.core import io
from designer.core.channels import ROUTED_EXCHANGE, ChannelNames
from designer.core.diff import diff_designs, format_text
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec
from designer.core.model import (
    CURRENT_VERSION,
    AmqpQueue,
    Design,
    FlowBindings,
    KafkaTopic,
    Transport,
)
from designer.core.rules.engine import validate
from designer.core.topology import build_amqp, build_jetstream, build_topics

MEASURED = "streetlights.{streetlightId}.lighting.measured"
TURN_ON = "streetlights.{streetlightId}.turn.on"


def _design(**flow_changes: Any) -> Design:
    parameter = {"name": "streetlightId", "description": "The ID of the streetlight."}
    raw: dict[str, Any] = {
        "format": "msgflow",
        "version": CURRENT_VERSION,
        "name": "Streetlights",
        "nodes": [
            {"id": "lights", "name": "Streetlights", "kind": "service"},
            {"id": "dashboard", "name": "Dashboard", "kind": "service"},
        ],
        "messages": [
            {"id": "light-measured", "name": "LightMeasured", "kind": "event", "owner": "lights",
             "fields": [{"name": "lumens", "type": "integer"}]},
            {"id": "turn-on", "name": "TurnOn", "kind": "command", "owner": "lights",
             "fields": [{"name": "at", "type": "datetime"}]},
        ],
        "flows": [
            {"id": "f1", "message": "light-measured", "from": "lights", "to": "dashboard",
             "transport": "topic", "channel": MEASURED, "parameters": [parameter],
             "idempotent": True},
            {"id": "f2", "message": "turn-on", "from": "dashboard", "to": "lights",
             "transport": "queue", "channel": TURN_ON, "parameters": [parameter],
             "idempotent": True},
        ],
    }  # fmt: skip
    raw["flows"][0].update(flow_changes)
    return io.loads(json.dumps(raw))


def test_event_subscribers_bind_a_wildcard_and_publishers_name_the_value() -> None:
    channel = ChannelNames(_design()).channel(_design().flows[0])
    assert channel.parameters == ("streetlightId",)
    # RabbitMQ: the queue is bound with `*`; a sender puts the value in the routing key.
    assert channel.routing_key == "streetlights.*.lighting.measured"
    assert channel.publish_routing_key == MEASURED
    assert channel.queue == "dashboard.streetlights.lighting.measured"
    # NATS: subscribe to `*`, publish on the subject with the value.
    assert channel.subject == "lights.evt.streetlights.*.lighting.measured"
    assert channel.publish_subject == "lights.evt." + MEASURED
    assert "*" not in channel.durable and "{" not in channel.durable
    # Kafka: a topic without the parameter; its value is the record's key.
    assert channel.topic == "lights.streetlights.lighting.measured"
    assert channel.key == "{streetlightId}"


def test_commands_on_a_parameterised_channel_go_through_a_topic_exchange() -> None:
    design = _design()
    channel = ChannelNames(design).channel(design.flows[1])
    assert (channel.exchange, channel.exchange_type) == (ROUTED_EXCHANGE, "topic")
    assert channel.routing_key == "streetlights.*.turn.on"
    assert channel.queue == "streetlights.turn.on"
    assert channel.subject == "lights.cmd.streetlights.*.turn.on"


def test_broker_topologies_hold_wildcards_and_fixed_names() -> None:
    design = _design()
    amqp = build_amqp(design)
    bindings = {(b.exchange, b.queue, b.routing_key) for b in amqp.bindings}
    assert ("lights.events", "dashboard.streetlights.lighting.measured",
            "streetlights.*.lighting.measured") in bindings  # fmt: skip
    assert (ROUTED_EXCHANGE, "streetlights.turn.on", "streetlights.*.turn.on") in bindings
    assert {e.name: e.type for e in amqp.exchanges}[ROUTED_EXCHANGE] == "topic"
    assert all("{" not in q.name and "*" not in q.name for q in amqp.queues)
    jetstream = build_jetstream(design)
    subjects = {s for stream in jetstream.streams for s in stream.subjects}
    assert "lights.evt.streetlights.*.lighting.measured" in subjects
    assert {c.filter_subject for c in jetstream.consumers} >= {
        "lights.evt.streetlights.*.lighting.measured"
    }
    topics = {t.topic for t in build_topics(design)}
    assert topics == {"lights.streetlights.lighting.measured", "streetlights.turn.on"}


def _channel_findings(design: Design) -> list[str]:
    return [d.message for d in validate(design) if d.rule == "channel-name-invalid"]


def test_a_declared_whole_segment_parameter_is_a_valid_channel() -> None:
    assert _channel_findings(_design()) == []


def test_undeclared_unused_and_partial_parameters_are_reported() -> None:
    undeclared = _channel_findings(_design(parameters=[]))
    assert undeclared and "{streetlightId}, which the flow does not declare" in undeclared[0]
    unused = _channel_findings(_design(channel="streetlights.lighting.measured"))
    assert unused and "does not contain the declared parameter {streetlightId}" in unused[0]
    partial = _channel_findings(_design(channel="streetlights.light-{streetlightId}.measured"))
    assert partial and "inside the segment 'light-{streetlightId}'" in partial[0]
    no_channel = _channel_findings(_design(channel=None))
    assert (
        no_channel
        and "declares channel parameters (streetlightId) but has no channel" in (no_channel[0])
    )


def test_parameters_are_saved_and_version_1_files_still_load() -> None:
    design = _design()
    text = io.dumps(design)
    assert f'"version": {CURRENT_VERSION}' in text and CURRENT_VERSION == 2
    assert io.loads(text).flows[0].parameters == design.flows[0].parameters
    assert io.dumps(io.loads(text)) == text
    old = json.loads(text)
    old["version"] = 1
    for flow in old["flows"]:
        flow.pop("parameters")
        flow.pop("channel")
    loaded = io.loads(json.dumps(old))
    assert loaded.version == 2 and all(not f.parameters for f in loaded.flows)


def _exported_channels(design: Design, broker: str) -> dict[str, dict[str, Any]]:
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    return {c["address"]: c for c in system["channels"].values() if c.get("address")}


@pytest.mark.parametrize(
    ("broker", "address"),
    [
        ("rabbitmq", "streetlights.{streetlightId}.lighting.measured"),
        ("nats", "lights.evt.streetlights.{streetlightId}.lighting.measured"),
    ],
)
def test_asyncapi_export_describes_each_parameter_of_an_address(broker: str, address: str) -> None:
    channel = _exported_channels(_design(), broker)[address]
    assert channel["parameters"] == {"streetlightId": {"description": "The ID of the streetlight."}}


def test_kafka_export_names_the_topic_and_keeps_the_channel_as_an_extension() -> None:
    channel = _exported_channels(_design(), "kafka")["lights.streetlights.lighting.measured"]
    assert "parameters" not in channel  # the topic has no `{...}` to describe
    assert channel["x-msgflow-channel"] == MEASURED


def test_redis_export_names_the_stream_and_the_header_holding_the_values() -> None:
    channels = _exported_channels(_design(), "redis")
    channel = channels["lights.streetlights.lighting.measured"]
    assert "parameters" not in channel  # the stream has no `{...}` to describe
    assert channel["x-msgflow-channel"] == MEASURED
    assert channel["x-msgflow-redis"]["channelHeader"] == "channel"
    assert "in the header `channel`" in channel["description"]
    fixed = _design(channel="lighting.measured", parameters=[])
    plain = _exported_channels(fixed, "redis")["lights.lighting.measured"]
    assert plain["x-msgflow-redis"] == {
        "kind": "stream",
        "payloadField": "__data__",
        "headerFields": True,
    }


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "kafka", "redis"])
def test_export_then_import_keeps_the_parameters(broker: str) -> None:
    design = _design()
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")
    assert back.flows[0].parameters == design.flows[0].parameters


@pytest.mark.parametrize("broker", ["rabbitmq", "kafka"])
def test_flow_bindings_survive_export_and_import(broker: str) -> None:
    design = _design()
    kept = FlowBindings(amqp=AmqpQueue(durable=False), kafka=KafkaTopic(partitions=3, replicas=2))
    design.flows[1] = design.flows[1].model_copy(update={"bindings": kept})
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    if broker == "kafka":  # AsyncAPI's own Kafka binding says the topic's size
        kafka = [c["bindings"]["kafka"] for c in system["channels"].values() if "bindings" in c]
        assert {"topic": "streetlights.turn.on", "partitions": 3, "replicas": 2,
                "bindingVersion": "0.5.0"} in kafka  # fmt: skip
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")
    assert back.flows[1].bindings == kept


def _shared_findings(design: Design) -> list[str]:
    return [d.message for d in validate(design) if d.rule == "channel-shared"]


def test_two_messages_on_channels_differing_only_in_parameters_are_reported() -> None:
    design = _design()
    # LightMeasured also to Streetlights on the queue TurnOn uses, parameter elsewhere:
    # both would be the queue `streetlights.turn.on`, with one subscriber.
    extra = design.flows[1].model_copy(
        update={
            "id": "f3",
            "message": "light-measured",
            "channel": "streetlights.turn.on.{streetlightId}",
            "source": "dashboard",
        }
    )
    shared = design.model_copy(update={"flows": [*design.flows, extra]})
    (finding,) = _shared_findings(shared)
    assert finding == (
        "Streetlights receives TurnOn, LightMeasured on one channel ('streetlights.turn.on'):"
        " only one of their handlers would be subscribed"
    )
    # The same message twice on one channel is one handler: nothing to say.
    assert _shared_findings(_design()) == []
    own = extra.model_copy(update={"channel": "streetlights.{streetlightId}.measured.again"})
    assert _shared_findings(design.model_copy(update={"flows": [*design.flows, own]})) == []


def test_an_http_routes_parameters_survive_export_and_import() -> None:
    design = _design()
    route = design.flows[1].model_copy(
        update={"transport": Transport.HTTP, "channel": "/lights/{streetlightId}/on"}
    )
    design = design.model_copy(update={"flows": [design.flows[0], route]})
    system = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]
    (channel,) = [c for c in system["channels"].values() if c["address"] == route.channel]
    assert set(channel["parameters"]) == {"streetlightId"}
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")
