"""A Kafka message key that is a payload field: kept as the flows' `bindings.kafka.key_field`
when the document says which field it is, reported otherwise, and exported back."""

from __future__ import annotations

from typing import Any

import yaml

from designer.core import io
from designer.core.diff import diff_designs, format_text
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import ImportResult, import_asyncapi
from designer.core.importers.spec_loading import Spec
from designer.core.model import Design, FlowBindings, KafkaTopic
from designer.resources import examples_dir

from .test_asyncapi_import import DATA


def _orders_spec(key: dict[str, Any], protocol: str = "kafka") -> str:
    """An order service publishing OrderPlaced on a topic; its message binding's `key`."""
    document = {
        "asyncapi": "3.0.0",
        "info": {"title": "Orders", "version": "1.0.0"},
        "servers": {"main": {"host": "broker:9092", "protocol": protocol}},
        "channels": {
            "placed": {
                "address": "orders.placed",
                "messages": {"OrderPlaced": {"$ref": "#/components/messages/OrderPlaced"}},
            }
        },
        "operations": {
            "publishPlaced": {
                "action": "send",
                "channel": {"$ref": "#/channels/placed"},
                "messages": [{"$ref": "#/channels/placed/messages/OrderPlaced"}],
            }
        },
        "components": {
            "messages": {
                "OrderPlaced": {
                    "summary": "An order was placed.",
                    "payload": {"$ref": "#/components/schemas/OrderPlaced"},
                    "bindings": {"kafka": {"key": key, "bindingVersion": "0.5.0"}},
                }
            },
            "schemas": {
                "OrderId": {"type": "string", "format": "uuid"},
                "CustomerId": {"type": "string", "format": "uuid"},
                "OrderPlaced": {
                    "type": "object",
                    "required": ["order_id", "customer_id"],
                    "properties": {
                        "order_id": {"$ref": "#/components/schemas/OrderId"},
                        "customer_id": {"$ref": "#/components/schemas/CustomerId"},
                        "total": {"type": "number"},
                    },
                },
            },
        },
    }
    return yaml.safe_dump(document, sort_keys=False)


def _import(text: str) -> ImportResult:
    return import_asyncapi([Spec.from_text(text, "orders.yaml")])


def _key_fields(design: Design) -> list[str | None]:
    return [
        f.bindings.kafka.key_field if f.bindings and f.bindings.kafka else None
        for f in design.flows
    ]


def test_a_key_that_is_the_schema_of_one_payload_field_is_kept() -> None:
    result = _import(_orders_spec({"$ref": "#/components/schemas/OrderId"}))
    assert _key_fields(result.design) == ["order_id"]
    assert not [n for n in map(str, result.notes) if "key" in n]


def test_a_key_naming_its_field_is_kept() -> None:
    result = _import(_orders_spec({"type": "string", "x-msgflow-field": "customer_id"}))
    assert _key_fields(result.design) == ["customer_id"]


def test_a_key_that_could_be_any_string_field_is_reported_not_guessed() -> None:
    result = _import(_orders_spec({"type": "string", "format": "uuid"}))
    assert _key_fields(result.design) == [None]
    notes = [str(n) for n in result.notes]
    assert any("kafka binding key=(a schema) is not part of a design" in n for n in notes), notes


def test_a_key_on_an_amqp_channel_is_reported() -> None:
    result = _import(_orders_spec({"$ref": "#/components/schemas/OrderId"}, protocol="amqp"))
    assert _key_fields(result.design) == [None]
    notes = [str(n) for n in result.notes]
    assert any("Kafka key field 'order_id' of OrderPlaced is not kept" in n for n in notes)


def test_the_adeo_remote_avro_key_stays_reported() -> None:
    spec = Spec.from_file(DATA / "spec-3.0" / "adeo-kafka-request-reply-asyncapi.yml")
    result = import_asyncapi([spec])
    assert all(
        f.bindings is None or f.bindings.kafka is None or f.bindings.kafka.key_field is None
        for f in result.design.flows
    )
    assert any("kafka binding key=(a schema)" in str(n) for n in result.notes)


def test_a_keyed_design_exports_the_key_and_comes_back_the_same() -> None:
    design = io.load(examples_dir() / "shop.msgflow.json")
    index = next(i for i, f in enumerate(design.flows) if f.id == "f2")
    keyed = FlowBindings(kafka=KafkaTopic(partitions=6, key_field="order_id"))
    design.flows[index] = design.flows[index].model_copy(update={"bindings": keyed})
    system = export_asyncapi(design, "kafka")[SYSTEM_FILE]
    binding = system["components"]["messages"]["OrderCreated"]["bindings"]["kafka"]
    assert binding["key"]["format"] == "uuid"
    assert binding["key"]["x-msgflow-field"] == "order_id"
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")
    assert back.flow("f2") == design.flow("f2")
    # Another broker's export has no Kafka binding, yet the design keeps its key.
    rabbit = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]
    assert "bindings" not in rabbit["components"]["messages"]["OrderCreated"]
    again = import_asyncapi([Spec(rabbit, "system")], design.name).design
    assert not diff_designs(design, again).changes
