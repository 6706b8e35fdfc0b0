"""AsyncAPI 3.0 export: what a consumer of the documents relies on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from designer.core.channels import ChannelNames
from designer.core.codegen.targets import TargetOptions
from designer.core.exporters.asyncapi import SYSTEM_FILE, AsyncApiExportError, export_asyncapi
from designer.core.exporters.asyncapi_target import asyncapi_documents
from designer.core.model import Design
from designer.core.synthetic import synthetic_design
from tests.core.exporters.hostile import hostile_design
from tests.support.node_tools import asyncapi_errors


def _operation(doc: dict[str, Any], action: str, message: str) -> dict[str, Any]:
    for op in doc["operations"].values():
        ref = op["messages"][0]["$ref"]
        if op["action"] == action and ref.endswith(f"/messages/{message}"):
            return op
    raise AssertionError(f"no {action} operation for {message}")


def _channel(doc: dict[str, Any], op: dict[str, Any]) -> dict[str, Any]:
    return doc["channels"][op["channel"]["$ref"].rsplit("/", 1)[1]]


@pytest.mark.slow  # one Node parser run per document: minutes under load
def test_every_document_passes_the_official_parser(shop: Design, tmp_path: Path) -> None:
    # Every broker on the shop; odd names and a bigger system on one broker. One Node run
    # for everything: starting the parser is the slow part.
    cases = [(shop, broker) for broker in ("rabbitmq", "nats", "kafka", "redis")]
    cases += [(hostile_design(), "rabbitmq"), (synthetic_design(6, seed=3), "kafka")]
    files = []
    for index, (design, broker) in enumerate(cases):
        for name, doc in export_asyncapi(design, broker).items():
            path = tmp_path / f"{index}-{broker}" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(yaml.safe_dump(doc, sort_keys=False))
            files.append(path)
    assert len(files) > 20
    assert asyncapi_errors(files) == []


def test_one_document_per_service_plus_the_system(shop: Design) -> None:
    docs = export_asyncapi(shop)
    services = sorted(n.id for n in shop.nodes if n.kind == "service")
    assert sorted(docs) == sorted([SYSTEM_FILE] + [f"services/{s}.asyncapi.yaml" for s in services])
    assert docs["services/orders.asyncapi.yaml"]["info"]["x-service"] == "orders"


def test_a_service_document_shows_only_its_own_sends_and_receives(shop: Design) -> None:
    doc = export_asyncapi(shop)["services/orders.asyncapi.yaml"]
    seen = sorted(
        (op["action"], op["messages"][0]["$ref"].rsplit("/", 1)[1])
        for op in doc["operations"].values()
    )
    assert seen == [
        ("receive", "GetOrderHistory"),
        ("receive", "SubmitOrder"),
        ("send", "AddLoyaltyPoints"),
        ("send", "GetCustomer"),
        ("send", "OrderCreated"),
    ]
    # Messages it never touches are not described in its document.
    assert "LoyaltyPointsAdded" not in doc["components"]["messages"]


def test_addresses_follow_the_shared_channel_naming(shop: Design) -> None:
    names = ChannelNames(shop)
    f2 = names.channel(shop.flow("f2"))
    rabbit = export_asyncapi(shop, "rabbitmq")[SYSTEM_FILE]
    publish = _operation(rabbit, "send", "OrderCreated")
    channel = _channel(rabbit, publish)
    assert channel["address"] == f2.routing_key
    assert channel["bindings"]["amqp"]["exchange"] == {
        "name": f2.exchange,
        "type": "topic",
        "durable": True,
        "autoDelete": False,
        "vhost": "/",
    }
    nats = export_asyncapi(shop, "nats")[SYSTEM_FILE]
    assert _channel(nats, _operation(nats, "send", "OrderCreated"))["address"] == f2.subject
    kafka = export_asyncapi(shop, "kafka")[SYSTEM_FILE]
    kafka_channel = _channel(kafka, _operation(kafka, "send", "OrderCreated"))
    assert kafka_channel["address"] == f2.topic
    assert kafka_channel["bindings"]["kafka"]["topic"] == f2.topic


def test_an_event_is_published_once_and_received_by_every_subscriber(shop: Design) -> None:
    doc = export_asyncapi(shop)[SYSTEM_FILE]
    receivers = sorted(
        op["x-service"]
        for op in doc["operations"].values()
        if op["action"] == "receive" and op["messages"][0]["$ref"].endswith("/OrderCreated")
    )
    assert receivers == ["notifications", "shipping"]
    assert _operation(doc, "send", "OrderCreated")["x-service"] == "orders"


def test_an_async_query_names_its_reply_channel_and_answer(shop: Design) -> None:
    doc = export_asyncapi(shop)[SYSTEM_FILE]
    ask = _operation(doc, "send", "GetCustomer")
    reply_channel = doc["channels"][ask["reply"]["channel"]["$ref"].rsplit("/", 1)[1]]
    assert reply_channel["address"] == "orders.replies"
    assert reply_channel["bindings"]["amqp"]["is"] == "queue"
    answer = doc["components"]["messages"]["GetCustomerReply"]
    assert sorted(answer["payload"]["properties"]) == ["customer_id", "email", "tier"]
    assert answer["payload"]["required"] == ["customer_id", "email"]
    assert answer["correlationId"] == {"location": "$message.header#/correlation_id"}
    # The responder's side of the same exchange promises the same reply.
    assert _operation(doc, "receive", "GetCustomer")["reply"] == ask["reply"]


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "redis", "kafka"])
def test_answers_go_to_the_asking_instances_own_address(shop: Design, broker: str) -> None:
    """The services answer to the address each question names (`reply_to`): one per
    requester instance, never a queue shared by the replicas (Kafka: one reply topic)."""
    doc = export_asyncapi(shop, broker)[SYSTEM_FILE]
    reply = _operation(doc, "send", "GetCustomer")["reply"]
    channel = doc["channels"][reply["channel"]["$ref"].rsplit("/", 1)[1]]
    if broker == "kafka":
        assert "address" not in reply
        assert channel["bindings"]["kafka"]["topic"] == "orders.replies"
        return
    assert reply["address"]["location"] == "$message.header#/reply_to"
    assert "orders.replies.<instance>" in channel["description"]
    if broker == "rabbitmq":
        queue = channel["bindings"]["amqp"]["queue"]
        assert queue["name"] == "orders.replies.{instance}"
        assert (queue["exclusive"], queue["autoDelete"], queue["durable"]) == (True, True, False)


def test_payloads_are_json_schemas_with_records_as_components(shop: Design) -> None:
    doc = export_asyncapi(shop)[SYSTEM_FILE]
    payload = doc["components"]["messages"]["SubmitOrder"]["payload"]
    assert payload["properties"]["lines"] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/OrderLine"},
    }
    assert payload["properties"]["order_id"] == {"type": "string", "format": "uuid"}
    assert "note" not in payload["required"]
    assert doc["components"]["schemas"]["OrderLine"]["required"] == ["sku", "qty"]
    # Payload and records together form a valid JSON Schema that accepts a real message.
    schema = {**payload, "components": doc["components"]}
    jsonschema.Draft7Validator.check_schema(schema)
    good = {
        "order_id": "0b6b8f9e-2f5c-4c8e-9d9a-1f1f1f1f1f1f",
        "customer_id": "c",
        "total": "9.90",
        "lines": [{"sku": "A-1", "qty": 2}],
    }
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**good, "lines": [{"sku": "A-1"}]}, schema)


def test_an_unknown_broker_is_refused(shop: Design) -> None:
    with pytest.raises(AsyncApiExportError, match="unknown broker 'mqtt'"):
        export_asyncapi(shop, "mqtt")


def test_the_generate_target_writes_yaml_files(shop: Design) -> None:
    files = asyncapi_documents(shop, TargetOptions(broker="nats"))
    system = files["asyncapi/system.asyncapi.yaml"]
    assert system.startswith("# Generated by msgflow")
    assert yaml.safe_load(system)["servers"]["nats"]["protocol"] == "nats"


def test_a_redis_stream_channel_says_which_entry_field_holds_the_payload(shop: Design) -> None:
    # AsyncAPI has no Redis stream binding: without this a plain client cannot know where
    # FastStream (the generated services) looks for the message in a stream entry.
    doc = export_asyncapi(shop, "redis")["services/loyalty.asyncapi.yaml"]
    channel = _channel(doc, _operation(doc, "receive", "AddLoyaltyPoints"))
    assert channel["x-msgflow-redis"] == {
        "kind": "stream",
        "payloadField": "__data__",
        "headerFields": True,
    }
    assert "each of its headers" in channel["description"]  # a field per header
    assert "XADD loyalty.add-loyalty-points" not in channel["description"]  # no address in text
    assert "__data__" in channel["description"]
    rabbit = export_asyncapi(shop, "rabbitmq")["services/loyalty.asyncapi.yaml"]
    assert all("x-msgflow-redis" not in c for c in rabbit["channels"].values())
