"""AsyncAPI import: documents teams already have become one design; nothing is lost silently."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from designer.core import io, yaml_text
from designer.core.brokers.kafka import state as kafka_state
from designer.core.brokers.rabbitmq import RabbitOptions, definitions
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec, SpecLoadError
from designer.core.model import (
    AmqpQueue,
    Design,
    KafkaTopic,
    MessageKind,
    NodeKind,
    RecordSchema,
    Severity,
    Transport,
)
from designer.core.rules.engine import validate
from designer.core.topology import build_amqp
from designer.resources import examples_dir

DATA = Path(__file__).resolve().parents[2] / "data" / "asyncapi"


def _import(*names: str) -> tuple[Design, list[str]]:
    result = import_asyncapi([Spec.from_file(DATA / n) for n in names])
    return result.design, [str(n) for n in result.notes]


def _semantics(design: Design) -> dict[str, object]:
    data = io.canonical_dict(design)
    data.pop("layout", None)
    return data


def _record(design: Design, name: str) -> RecordSchema:
    return next(s for s in design.schemas if s.name == name)


def test_request_reply_becomes_an_async_query_with_its_response() -> None:
    design, _ = _import("orders-3.0.yaml", "customers-3.0.json")
    query = design.message("get-customer")
    assert query is not None and query.kind is MessageKind.QUERY
    assert [f.name for f in query.response or []] == ["email", "tier"]
    assert [f.required for f in query.response or []] == [True, False]  # [string, null] is optional
    (flow,) = [f for f in design.flows if f.message == "get-customer"]
    assert (flow.source, flow.target, flow.transport) == ("orders", "customers", Transport.QUEUE)
    assert flow.reply == "orders.replies"
    assert flow.channel == "customers.lookup"  # not the convention's name: kept explicitly
    assert query.owner == "customers"


def test_documents_of_several_services_meet_on_matching_channels() -> None:
    design, _ = _import("orders-3.0.yaml", "customers-3.0.json", "shipping-2.6.yaml")
    services = sorted(n.id for n in design.nodes if n.kind is NodeKind.SERVICE)
    assert services == ["customers", "orders", "shipping-service"]
    pairs = sorted((f.message, f.source, f.target) for f in design.flows)
    assert ("order-created", "orders", "shipping-service") in pairs
    # Valid as a file: loads back with no reference problems.
    assert io.loads(io.dumps(design)) == design


def test_asyncapi_2_publish_means_receive_and_subscribe_means_send() -> None:
    design, notes = _import("orders-3.0.yaml", "shipping-2.6.yaml")
    created = [f for f in design.flows if f.message == "order-created"]
    assert [(f.source, f.target) for f in created] == [("orders", "shipping-service")]
    shipped = design.message("parcel-shipped")
    assert shipped is not None and shipped.kind is MessageKind.EVENT
    assert shipped.owner == "shipping-service"  # it sends (subscribe) ParcelShipped
    assert any("nobody receives ParcelShipped" in n for n in notes)
    assert design.message("parcel-lost") is not None  # oneOf: both messages kept


def test_refs_to_components_become_records_and_typed_fields() -> None:
    design, notes = _import("orders-3.0.yaml")
    submit = design.message("submit-order")
    assert submit is not None
    types = {f.name: f.type for f in submit.fields}
    assert types == {
        "order_id": "uuid",
        "lines": "list[OrderLine]",
        "placed_at": "datetime",
        "address": "Address",
    }
    line = _record(design, "OrderLine")
    assert [(f.name, f.type) for f in line.fields] == [("sku", "string"), ("qty", "integer")]
    created = design.message("order-created")
    assert created is not None
    status = next(f for f in created.fields if f.name == "status")
    assert (status.type, status.enum, status.description) == ("string", ["new", "paid"], None)
    assert any("headers of OrderCreated" in n for n in notes)


def test_several_servers_and_protocols_map_by_protocol_and_report_the_rest() -> None:
    design, notes = _import("multi-server-3.0.yaml")
    kinds = {m.id: m.kind for m in design.messages}
    assert kinds == {
        "alert-raised": MessageKind.EVENT,
        "archive-reading": MessageKind.COMMAND,
        "reading-taken": MessageKind.EVENT,
    }
    assert any("protocol 'mqtt'" in n for n in notes)
    assert any("nobody receives AlertRaised" in n for n in notes)
    # A receive with no sender among the documents is drawn from an explicit outside actor.
    external = design.node("external")
    assert external is not None and external.kind is NodeKind.ACTOR
    assert any("drawn from the actor 'external'" in n for n in notes)


def test_import_export_import_gives_the_same_design(tmp_path: Path) -> None:
    first, _ = _import("orders-3.0.yaml", "customers-3.0.json", "shipping-2.6.yaml")
    system = export_asyncapi(first, "rabbitmq")[SYSTEM_FILE]
    second = import_asyncapi([Spec(system, "system")], first.name).design
    assert _semantics(second) == _semantics(first)


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "kafka", "redis"])
@pytest.mark.parametrize("example", ["shop", "booking", "marketplace", "violations"])
def test_every_shipped_design_survives_export_and_import_on_every_broker(
    example: str, broker: str
) -> None:
    # `violations` on purpose holds what the rules report (an event over http, a wildcard
    # channel, a query with no reply queue, silenced rules, rule settings): kept as is.
    design = io.load(examples_dir() / f"{example}.msgflow.json")
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    back = import_asyncapi([Spec(system, "system")]).design
    assert _semantics(back) == _semantics(design)


def test_broken_yaml_is_reported_with_its_line() -> None:
    with pytest.raises(SpecLoadError) as caught:
        Spec.from_file(DATA / "broken.yaml")
    assert "broken.yaml: line 7 column 1: not valid YAML/JSON" in caught.value.describe()


def test_a_dangling_ref_is_reported_where_it_is_written() -> None:
    with pytest.raises(SpecLoadError) as caught:
        Spec.from_file(DATA / "dangling-ref.yaml")
    assert (
        "$.channels.a.messages.M: $ref '#/components/messages/Missing' points to nothing"
        in caught.value.describe()
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[1, 2]", "expected an AsyncAPI document"),
        ("openapi: 3.1.0\n", "not an AsyncAPI 2.x/3.x document"),
        ("asyncapi: 3.0.0\nx: {$ref: '#/x'}\n", "$ref cycle"),
        ("asyncapi: 3.0.0\nx: {$ref: 'other.yaml#/a'}\n", "names a file"),
    ],
)
def test_hostile_documents_are_refused_clearly(text: str, expected: str) -> None:
    with pytest.raises(SpecLoadError, match=expected.replace("$", r"\$")):
        Spec.from_text(text, "spec.yaml")


def test_a_remote_ref_is_reported_not_fetched_and_the_import_goes_on() -> None:
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Lights, version: 1.0.0}\n"
        "channels:\n  c:\n    address: light.measured\n    messages:\n      LightMeasured:\n"
        "        payload:\n          type: object\n          properties:\n"
        "            lumens: {type: integer}\n"
        "            reading: {$ref: 'https://example.com/schemas/reading.avsc'}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
    )
    result = import_asyncapi([Spec.from_text(text, "lights.yaml")])
    measured = result.design.message("light-measured")
    assert measured is not None and [f.name for f in measured.fields] == ["lumens", "reading"]
    notes = [str(n) for n in result.notes]
    assert any(
        "lights.yaml: $.channels.c.messages.LightMeasured.payload.properties.reading: remote $ref"
        " 'https://example.com/schemas/reading.avsc' not followed" in n
        for n in notes
    )


def test_refs_inside_a_referenced_file_are_relative_to_that_file(tmp_path: Path) -> None:
    # service/api.yaml -> ../common/messages.yaml -> ./schemas.yaml (common/, not service/)
    # -> '#/Money' inside schemas.yaml (that file, not the root document).
    (tmp_path / "common").mkdir()
    (tmp_path / "service").mkdir()
    (tmp_path / "common" / "messages.yaml").write_text(
        "PaymentCharged:\n  payload: {$ref: './schemas.yaml#/Charge'}\n"
    )
    (tmp_path / "common" / "schemas.yaml").write_text(
        "Charge:\n  type: object\n  properties: {price: {$ref: '#/Money'}}\n"
        "Money:\n  type: object\n  properties: {amount: {type: string, format: decimal}}\n"
    )
    (tmp_path / "service" / "api.yaml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: Billing, version: 1.0.0}\n"
        "channels:\n  c:\n    address: billing.charged\n    messages:\n"
        "      PaymentCharged: {$ref: '../common/messages.yaml#/PaymentCharged'}\n"
        "operations:\n  o:\n    action: send\n    channel: {$ref: '#/channels/c'}\n"
        "    messages: [{$ref: '#/channels/c/messages/PaymentCharged'}]\n"
    )
    spec = Spec.from_file(tmp_path / "service" / "api.yaml")
    assert sorted(spec.files[1:]) == [
        str(Path("../common/messages.yaml")),
        str(Path("../common/schemas.yaml")),
    ]
    design = import_asyncapi([spec]).design
    charged = design.message("payment-charged")
    assert charged is not None and [(f.name, f.type) for f in charged.fields] == [
        ("price", "Money")
    ]
    assert _record(design, "Money").fields[0].type == "decimal"


def test_a_pointer_through_a_referenced_channel_continues_in_its_file(tmp_path: Path) -> None:
    # As the AsyncAPI generator's Hoppscotch fixtures write it: `channels.echo` is itself a
    # `$ref` into a shared file, and the operation points at a message *inside* it.
    (tmp_path / "commons").mkdir()
    (tmp_path / "commons" / "channels.yml").write_text(
        "channels:\n  echo:\n    address: echo\n"
        "    messages: {ping: {$ref: '../commons/messages.yml#/messages/ping'}}\n"
    )
    (tmp_path / "commons" / "messages.yml").write_text(
        "messages:\n  ping: {payload: {type: object, properties: {at: {type: string}}}}\n"
    )
    (tmp_path / "client.yml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: Client, version: 1.0.0}\n"
        "channels: {echo: {$ref: './commons/channels.yml#/channels/echo'}}\n"
        "operations:\n  send:\n    action: send\n    channel: {$ref: '#/channels/echo'}\n"
        "    messages: [{$ref: '#/channels/echo/messages/ping'}]\n"
    )
    design = import_asyncapi([Spec.from_file(tmp_path / "client.yml")]).design
    ping = design.message("ping")
    assert ping is not None and [f.name for f in ping.fields] == ["at"]
    # A path that names nothing either way is still located where it is written.
    (tmp_path / "client.yml").write_text(
        (tmp_path / "client.yml").read_text().replace("messages/ping'}]", "messages/pong'}]")
    )
    with pytest.raises(SpecLoadError) as caught:
        Spec.from_file(tmp_path / "client.yml")
    assert (
        "$.operations.send.messages[0]: $ref '#/channels/echo/messages/pong' points to nothing"
        in caught.value.describe()
    )


def test_a_dangling_ref_inside_a_referenced_file_is_located_in_that_file(tmp_path: Path) -> None:
    (tmp_path / "messages.yaml").write_text("M:\n  payload: {$ref: '#/Nowhere'}\n")
    (tmp_path / "api.yaml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: T, version: 1.0.0}\n"
        "channels: {c: {address: c, messages: {M: {$ref: 'messages.yaml#/M'}}}}\n"
    )
    with pytest.raises(SpecLoadError) as caught:
        Spec.from_file(tmp_path / "api.yaml")
    assert (
        "messages.yaml: $.M.payload: $ref '#/Nowhere' points to nothing" in caught.value.describe()
    )


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("http://[::1", "is not a valid reference: Invalid IPv6 URL"),
        ("/dev/stdin", "$ref '/dev/stdin': $: not a regular file"),  # would block
        ("./", "is a folder, not a document"),
        ("#/channels/c/99", "points to nothing"),
    ],
)
def test_hostile_references_are_located_errors(tmp_path: Path, ref: str, expected: str) -> None:
    (tmp_path / "api.yaml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: T, version: 1.0.0}\n"
        f"channels: {{c: {{address: c, messages: {{M: {{payload: {{$ref: '{ref}'}}}}}}}}}}\n"
    )
    with pytest.raises(SpecLoadError) as caught:
        Spec.from_file(tmp_path / "api.yaml")
    assert "api.yaml: $.channels.c.messages.M.payload: " in caught.value.describe()
    assert expected in caught.value.describe()


def test_a_ref_cycle_across_files_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("X: {$ref: 'b.yaml#/Y'}\n")
    (tmp_path / "b.yaml").write_text("Y: {$ref: 'a.yaml#/X'}\n")
    (tmp_path / "api.yaml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: T, version: 1.0.0}\nx: {$ref: 'a.yaml#/X'}\n"
    )
    with pytest.raises(SpecLoadError, match="cycle"):
        Spec.from_file(tmp_path / "api.yaml")


def test_refs_into_a_neighbouring_file_are_resolved(tmp_path: Path) -> None:
    (tmp_path / "common.yaml").write_text(
        "schemas:\n  Money:\n    type: object\n    properties: {amount: {type: string, format: decimal}}\n"
    )
    (tmp_path / "svc.yaml").write_text(
        "asyncapi: 3.0.0\ninfo: {title: Billing, version: 1.0.0}\n"
        "channels:\n  c: {address: billing.charged, messages: {PaymentCharged: {payload: "
        "{type: object, properties: {price: {$ref: 'common.yaml#/schemas/Money'}}}}}}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
    )
    design = import_asyncapi([Spec.from_file(tmp_path / "svc.yaml")]).design
    charged = design.message("payment-charged")
    assert charged is not None and charged.fields[0].type == "Money"
    assert _record(design, "Money").fields[0].type == "decimal"


def test_every_services_own_document_together_give_back_the_design() -> None:
    # No system document: services meet on their channels; actors (which have no
    # document) come back from the peers each service's document names.
    shop = io.load(examples_dir() / "shop.msgflow.json")
    documents = export_asyncapi(shop, "rabbitmq")
    specs = [Spec(doc, name) for name, doc in documents.items() if name.startswith("services/")]
    result = import_asyncapi(specs)
    assert _semantics(result.design) == _semantics(shop)
    assert result.notes == []


def test_one_services_document_brings_its_neighbourhood() -> None:
    shop = io.load(examples_dir() / "shop.msgflow.json")
    orders = export_asyncapi(shop, "rabbitmq")["services/orders.asyncapi.yaml"]
    design = import_asyncapi([Spec(orders, "orders")]).design
    assert sorted((f.source, f.target) for f in design.flows) == sorted(
        (f.source, f.target) for f in shop.flows if "orders" in (f.source, f.target)
    )
    web = design.node("web")
    assert web is not None and web.kind is NodeKind.ACTOR and web.name == "Web Frontend"


def test_a_yaml_alias_bomb_is_read_without_blowing_up() -> None:
    levels = ["a0: &a0 {type: string}"]
    for i in range(1, 10):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Bomb, version: 1.0.0}\nx-bomb:\n  "
        + "\n  ".join(levels)
        + "\n"
    )
    design = import_asyncapi(
        [Spec.from_text(text, "bomb.yaml")]
    ).design  # 10^9 paths, walked once each
    assert design.name == "Bomb"


def test_a_schema_containing_itself_through_an_alias_becomes_a_recursive_record() -> None:
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Loop, version: 1.0.0}\n"
        "channels:\n  c:\n    address: c\n    messages:\n      M:\n        payload: &p\n"
        "          type: object\n          properties: {child: *p}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
    )
    design = import_asyncapi([Spec.from_text(text, "loop.yaml")]).design
    assert [(f.name, f.type) for f in _record(design, "Child").fields] == [("child", "Child")]


SPEC26 = DATA / "spec-2.6"
SPEC30 = DATA / "spec-3.0"


def _outcomes(*files: Path) -> tuple[Design, dict[tuple[str, str], tuple[str, ...]], list[str]]:
    """The design, (document, operation path) -> its flow ids, and the report."""
    result = import_asyncapi([Spec.from_file(f) for f in files])
    flows = {(Path(o.source).name, o.path): o.flows for o in result.operations}
    return result.design, flows, [str(n) for n in result.notes]


def test_a_send_nobody_receives_becomes_a_flow_to_the_external_actor() -> None:
    design, operations, notes = _outcomes(SPEC26 / "simple.yml")
    (flow,) = design.flows
    assert (flow.message, flow.source, flow.target) == (
        "user-signed-up",
        "account-service",
        "external",
    )
    assert operations == {("simple.yml", "$.channels['user/signedup'].subscribe"): (flow.id,)}
    assert any(
        "nobody receives UserSignedUp" in n and "to the actor 'external'" in n for n in notes
    )


def test_a_service_sending_and_receiving_on_one_channel_keeps_a_flow_to_itself() -> None:
    design, operations, notes = _outcomes(SPEC30 / "mercure-asyncapi.yml")
    (flow,) = design.flows
    assert flow.source == flow.target == "mercure-hub-example"
    assert set(operations.values()) == {(flow.id,)}  # both operations became that flow
    assert any("by the same service only: kept as a flow to itself" in n for n in notes)


def test_websocket_and_mqtt_channels_are_asynchronous_never_http() -> None:
    for document in ("websocket-gemini-asyncapi.yml", "streetlights-mqtt-asyncapi.yml"):
        design, _, _ = _outcomes(SPEC30 / document)
        assert design.flows and all(f.transport is not Transport.HTTP for f in design.flows)
        assert not [d for d in validate(design) if d.severity is Severity.ERROR]


def test_an_rpc_server_by_the_amqp_convention_gives_a_query_with_its_response() -> None:
    # Two unnamed inline messages with a correlationId, the answer on `{queue}`.
    design, operations, notes = _outcomes(SPEC26 / "rpc-server.yml")
    (query,) = design.messages
    assert (query.name, query.kind) == ("sum", MessageKind.QUERY)
    assert [f.name for f in query.fields] == ["numbers"]
    assert [f.name for f in query.response or []] == ["result"]
    (flow,) = design.flows
    assert set(operations.values()) == {(flow.id,)}  # the answer is part of the query's flow
    assert any("sum: taken as a query whose response is sendSumResult" in n for n in notes)


def test_an_rpc_client_and_server_documents_are_linked() -> None:
    design, _, notes = _outcomes(
        SPEC30 / "rpc-client-asyncapi.yml", SPEC30 / "rpc-server-asyncapi.yml"
    )
    (flow,) = design.flows
    assert (flow.message, flow.source, flow.target) == (
        "sum",
        "rpc-client-example",
        "rpc-server-example",
    )
    assert design.node("external") is None
    assert any("requestSum sent on 'rpc_queue' and sum received there" in n for n in notes)


def test_kinds_are_read_from_names_and_descriptions_one_report_line_per_guess() -> None:
    design, _, notes = _outcomes(SPEC30 / "streetlights-mqtt-asyncapi.yml")
    kinds = {m.name: m.kind for m in design.messages}
    assert kinds == {
        "lightMeasured": MessageKind.EVENT,
        "turnOnOff": MessageKind.COMMAND,
        "dimLight": MessageKind.COMMAND,
    }
    guesses = [n for n in notes if ": taken as " in n]
    assert len(guesses) == 3
    assert any("turnOnOff: taken as a command" in n for n in guesses)


@pytest.mark.parametrize(
    "file", [SPEC30 / "streetlights-kafka-asyncapi.yml", SPEC26 / "streetlights-mqtt.yml"]
)
def test_channel_parameters_become_the_flows_parameters(file: Path) -> None:
    design, _, notes = _outcomes(file)
    measured = "smartylighting.streetlights.1.0.event.{streetlightId}.lighting.measured"
    flow = next(f for f in design.flows if f.channel == measured)
    (parameter,) = flow.parameters
    assert parameter.name == "streetlightId"
    assert parameter.description == "The ID of the streetlight."
    assert all(f.parameters and "/" not in (f.channel or "") for f in design.flows)
    if file.name == "streetlights-mqtt.yml":  # its addresses use `/`: the report says so
        assert any(
            f"is the flow's channel '{measured}' (parameters streetlightId" in n for n in notes
        )
    assert not [d for d in validate(design) if d.rule == "channel-name-invalid"]


def test_a_parameter_inside_a_piece_becomes_a_segment_and_an_undeclared_one_is_cleaned() -> None:
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Lights, version: 1.0.0}\n"
        "channels:\n"
        "  a:\n    address: 'lights/light-{id}/on'\n"
        "    parameters: {id: {description: Which light, location: '$message.payload#/id'}}\n"
        "    messages: {LightOn: {payload: {type: object, properties: {at: {type: string}}}}}\n"
        "  b:\n    address: 'lights/{room}/off'\n"
        "    messages: {LightOff: {payload: {type: object, properties: {at: {type: string}}}}}\n"
        "operations:\n"
        "  on: {action: send, channel: {$ref: '#/channels/a'}}\n"
        "  off: {action: send, channel: {$ref: '#/channels/b'}}\n"
    )
    result = import_asyncapi([Spec(yaml.safe_load(text), "lights.yaml")])
    channels = {f.channel: [p.name for p in f.parameters] for f in result.design.flows}
    assert channels == {"lights.light.{id}.on": ["id"], "lights.room.off": []}
    notes = [str(n) for n in result.notes]
    assert any("parameter id: location not part of a design: not kept" in n for n in notes)
    assert not [d for d in validate(result.design) if d.rule == "channel-name-invalid"]


def test_the_multi_file_social_media_system_imports_whole() -> None:
    files = sorted((SPEC30 / "social-media").glob("*/asyncapi.yaml"))
    result = import_asyncapi([Spec.from_file(f) for f in files])
    design = result.design
    assert len(result.operations) == 10 and all(o.flows for o in result.operations)
    like = design.message("like-comment")
    assert like is not None and like.kind is MessageKind.COMMAND
    assert [f.name for f in like.fields] == ["commentId", "likedBy"]  # from common/schemas.yaml
    assert not [d for d in validate(design) if d.severity is Severity.ERROR]


def _one_message(payload: str, schema_format: str | None = None) -> tuple[Design, list[str]]:
    fmt = f"        schemaFormat: '{schema_format}'\n" if schema_format else ""
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Feed, version: 1.0.0}\n"
        "channels:\n  c:\n    address: feed\n    messages:\n      PriceChanged:\n"
        f"        payload:\n{fmt}"
        + payload
        + "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
        "components:\n  schemas:\n"
        "    Heartbeat: {type: object, required: [kind, seq], properties: {kind: {type: string}, seq: {type: integer}}}\n"
        "    Update: {type: object, required: [kind], properties: {kind: {type: string}, price: {type: string, format: decimal}}}\n"
    )
    result = import_asyncapi([Spec.from_text(text, "feed.yaml")])
    return result.design, [str(n) for n in result.notes]


def test_a_oneof_payload_becomes_a_union_of_records() -> None:
    design, _ = _one_message(
        "          type: object\n          oneOf:\n"
        "            - {$ref: '#/components/schemas/Heartbeat'}\n"
        "            - {$ref: '#/components/schemas/Update'}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert (message.fields, message.one_of, message.discriminator) == (
        [],
        ["Heartbeat", "Update"],
        None,  # `kind` is a string of any value: nothing tells the two apart
    )
    update = _record(design, "Update")
    assert [(f.name, f.type, f.required) for f in update.fields] == [
        ("kind", "string", True),
        ("price", "decimal", False),
    ]


def test_a_const_property_in_every_alternative_makes_a_discriminated_union() -> None:
    design, _ = _one_message(
        "          oneOf:\n"
        "            - {type: object, required: [kind, seq], properties: "
        "{kind: {const: heartbeat}, seq: {type: integer}}}\n"
        "            - {type: object, required: [kind], properties: "
        "{kind: {type: string, enum: [update, snapshot]}, price: {type: number}}}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    # Inline alternatives are named after the message and the value that tells them apart.
    assert (message.one_of, message.discriminator) == (
        ["PriceChangedHeartbeat", "PriceChangedOption2"],
        "kind",
    )
    snapshot = _record(design, "PriceChangedOption2")
    assert snapshot.fields[0].enum == ["update", "snapshot"]


def test_a_named_discriminator_that_cannot_tell_the_alternatives_apart_is_reported() -> None:
    design, notes = _one_message(
        "          discriminator: kind\n          oneOf:\n"
        "            - {$ref: '#/components/schemas/Heartbeat'}\n"
        "            - {$ref: '#/components/schemas/Update'}\n"
    )
    message = design.message("price-changed")
    assert message is not None and message.discriminator is None
    assert any(
        "record 'Heartbeat' needs a required string field 'kind' listing its values: the "
        "alternatives are tried in turn instead" in n
        for n in notes
    )


def test_a_union_property_keeps_its_alternatives_and_its_discriminator() -> None:
    design, _ = _one_message(
        "          type: object\n          required: [pay]\n          properties:\n"
        "            pay:\n              discriminator: {propertyName: method}\n"
        "              oneOf:\n"
        "                - {title: Card, type: object, required: [method], properties: "
        "{method: {const: card}, number: {type: string}}}\n"
        "                - {title: Voucher, type: object, required: [method], properties: "
        "{method: {const: voucher}}}\n"
        "                - {type: 'null'}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    (pay,) = message.fields
    assert (pay.type, pay.discriminator, pay.required) == ("Card | Voucher", "method", False)
    assert _record(design, "Card").fields[0].enum == ["card"]


def test_a_multi_format_schema_is_unwrapped_and_yaml_json_schema_is_read() -> None:
    design, _ = _one_message(
        "          schemaFormat: application/schema+yaml;version=draft-07\n"
        "          schema: {type: object, properties: {at: {type: string, format: date-time}}}\n"
    )
    message = design.message("price-changed")
    assert message is not None and [(f.name, f.type) for f in message.fields] == [
        ("at", "datetime")
    ]


def test_an_avro_payload_becomes_fields_and_records() -> None:
    # As Adeo's case study and the AsyncAPI CLI's fixtures write Avro inline.
    design, notes = _one_message(
        "          schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
        "          schema:\n"
        "            {type: record, name: Price, namespace: shop, fields: [\n"
        "              {name: sku, type: {type: string, avro.java.string: String}, doc: Item},\n"
        "              {name: p, type: double},\n"
        "              {name: note, type: ['null', string]},\n"
        "              {name: at, type: {type: long, logicalType: timestamp-millis}},\n"
        "              {name: unit, type: {type: record, name: Unit, fields: [\n"
        "                {name: size, type: int},\n"
        "                {name: kind, type: {type: enum, name: Kind, symbols: [KG, PCS]}}]}},\n"
        "              {name: spares, type: {type: array, items: shop.Unit}},\n"
        "              {name: tags, type: {type: map, values: long}},\n"
        "              {name: grade, type: ['null', {type: enum, name: Grade, symbols: [A, B]}]}]}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type, f.required, f.description) for f in message.fields] == [
        ("sku", "string", True, "Item"),
        ("p", "number", True, None),
        ("note", "string", False, None),  # a union with null: may be left out
        ("at", "datetime", True, None),
        ("unit", "Unit", True, None),
        ("spares", "list[Unit]", True, None),  # the named type again: the same record
        ("tags", "map[string,integer]", True, None),
        ("grade", "string", False, None),
    ]
    assert message.fields[-1].enum == ["A", "B"]  # an enum that may be null keeps its values
    unit = _record(design, "Unit")
    assert [(f.name, f.type, f.enum) for f in unit.fields] == [
        ("size", "integer", None),
        ("kind", "string", ["KG", "PCS"]),
    ]
    assert not any("is not read" in n for n in notes)


def test_an_avro_type_named_but_not_defined_is_reported_and_typed_as_string() -> None:
    design, notes = _one_message(
        "          schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
        "          schema: {type: record, name: Price, fields: [{name: p, type: other.Money}]}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type) for f in message.fields] == [("p", "string")]
    assert any("Avro type 'other.Money' is not defined in this schema" in n for n in notes)


def test_a_remote_avro_payload_is_reported_not_read() -> None:
    design, notes = _one_message(
        "          schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
        "          schema: {$ref: 'https://example.com/Price.avsc'}\n"
    )
    message = design.message("price-changed")
    assert message is not None and message.fields == []
    assert any(
        "payload in application/vnd.apache.avro;version=1.9.0 is not read" in n for n in notes
    )


def test_allof_of_a_string_and_a_description_stays_a_string() -> None:
    design, _ = _one_message(
        "          type: object\n          properties:\n"
        "            note: {allOf: [{type: string}, {description: free text}]}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type, f.description) for f in message.fields] == [
        ("note", "string", "free text")
    ]


def test_alternatives_of_different_primitives_become_a_union_of_them() -> None:
    design, notes = _one_message(
        "          type: object\n          properties:\n"
        "            id: {oneOf: [{type: string}, {type: integer}]}\n"
        "            size: {anyOf: [{type: integer}, {type: number}]}\n"
        "            level: {enum: [1, 2, 3], type: integer}\n"
        "            mail: {type: string, format: email}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type) for f in message.fields] == [
        ("id", "string | integer"),
        ("size", "number"),  # every integer is a number
        ("level", "integer"),
        ("mail", "string"),
    ]
    assert message.fields[2].enum == [1, 2, 3]
    assert any(
        ".properties.mail: format email has no design type: typed as string" in n for n in notes
    )


def test_integer_number_and_boolean_enums_are_kept_exactly_and_survive_a_round_trip() -> None:
    design, notes = _one_message(
        "          type: object\n          properties:\n"
        "            level: {type: integer, enum: [1, 2, 3]}\n"
        "            whole: {type: integer, enum: [2.0, null]}\n"
        "            live: {type: boolean, const: true}\n"
        "            code: {enum: [200, 404]}\n"
        "            ratio: {type: number, enum: [0.5, 1.5]}\n"
        "            mixed: {enum: [1, one]}\n"
        "            huge: {type: number, enum: [.inf, 1]}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type, f.enum) for f in message.fields] == [
        ("level", "integer", [1, 2, 3]),
        ("whole", "integer", [2]),  # 2.0 is the integer 2 in JSON Schema
        ("live", "boolean", [True]),
        ("code", "integer", [200, 404]),  # no type, but every value an integer
        ("ratio", "number", [0.5, 1.5]),
        ("mixed", "string", None),
        ("huge", "number", None),  # YAML's .inf is no JSON number: reported
    ]
    assert [type(v) for v in message.fields[2].enum or []] == [bool]
    assert message.fields[5].description == "one of: 1, one"
    assert any(
        ".properties.mixed: values of a field typed string are not kept as its enum" in n
        for n in notes
    )
    assert any(".properties.mixed: an enum of values not all of one type" in n for n in notes)
    system = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]
    schema = system["components"]["messages"]["PriceChanged"]["payload"]
    assert schema["properties"]["level"] == {"type": "integer", "enum": [1, 2, 3]}
    assert schema["properties"]["live"] == {"type": "boolean", "const": True}
    assert schema["properties"]["ratio"] == {"type": "number", "enum": [0.5, 1.5]}
    back = import_asyncapi([Spec(system, "system")]).design
    assert _semantics(back) == _semantics(design)
    assert io.dumps(back).count('"enum": [1, 2, 3]') == 1


@pytest.mark.parametrize(
    "file", [SPEC26 / "streetlights-kafka.yml", SPEC30 / "streetlights-kafka-asyncapi.yml"]
)
def test_yaml_on_and_off_are_strings_as_in_yaml_1_2(file: Path) -> None:
    # `type: string, enum: [on, off]`: YAML 1.1 would read two booleans and lose the enum.
    design, _, notes = _outcomes(file)
    (command,) = [f for m in design.messages for f in m.fields if f.name == "command"]
    assert (command.type, command.enum) == ("string", ["on", "off"])
    assert not any("not kept as its enum" in n for n in notes)
    # ... and the export spells them so a YAML 1.1 reader too reads strings.
    system = export_asyncapi(design, "kafka")[SYSTEM_FILE]
    back = import_asyncapi([Spec.from_text(yaml_text.dump(system), "system.yaml")]).design
    assert _semantics(back) == _semantics(design)


def test_an_untagged_oneof_is_read_as_anyof_and_the_report_says_so_per_field() -> None:
    design, notes = _one_message(
        "          type: object\n          properties:\n"
        "            contact: {oneOf: [{$ref: '#/components/schemas/Heartbeat'}, "
        "{$ref: '#/components/schemas/Update'}]}\n"
        "            ref: {oneOf: [{type: string}, {type: string, format: uuid}]}\n"
        "            id: {oneOf: [{type: string}, {type: integer}]}\n"
        "            any: {anyOf: [{$ref: '#/components/schemas/Heartbeat'}, "
        "{$ref: '#/components/schemas/Update'}]}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type, f.discriminator) for f in message.fields] == [
        ("contact", "Heartbeat | Update", None),
        ("ref", "string | uuid", None),
        ("id", "string | integer", None),
        ("any", "Heartbeat | Update", None),
    ]
    read_as_anyof = [n for n in notes if "oneOf without a discriminator read as anyOf" in n]
    # One line per field whose alternatives may both fit a value; `string | integer`
    # never overlap and `anyOf` means what the design means: nothing lost, no line.
    assert len(read_as_anyof) == 2
    assert any(
        ".properties.contact: oneOf without a discriminator read as anyOf: a value fitting "
        "more than one of Heartbeat, Update is accepted as the one it fits best" in n
        for n in read_as_anyof
    )
    assert any(".properties.ref: " in n and "string, uuid" in n for n in read_as_anyof)


def test_a_oneof_payload_of_overlapping_records_is_reported_and_exported_as_anyof() -> None:
    design, _, notes = _outcomes(SPEC30 / "oneof-asyncapi.yml")
    (union,) = [m for m in design.messages if m.one_of]
    assert union.one_of == ["ObjectWithKey", "ObjectWithKey2"] and union.discriminator is None
    assert any(
        "oneOf without a discriminator read as anyOf" in n and "ObjectWithKey, ObjectWithKey2" in n
        for n in notes
    )
    system = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]
    (payload,) = [
        m["payload"]
        for m in system["components"]["messages"].values()
        if "anyOf" in m["payload"] or "oneOf" in m["payload"]
    ]
    assert "anyOf" in payload and "oneOf" not in payload
    back = import_asyncapi([Spec(system, "system")])
    assert not any("read as anyOf" in str(n) for n in back.notes)
    assert _semantics(back.design) == _semantics(design)


def test_schemas_no_message_reads_are_records_or_one_report_line_each() -> None:
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Feed, version: 1.0.0}\n"
        "channels:\n  c:\n    address: feed\n    messages:\n      Beat:\n"
        "        payload: {$ref: '#/components/schemas/Heartbeat'}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
        "components:\n  schemas:\n"
        "    Heartbeat: {type: object, properties: {seq: {type: integer}, code: {$ref: '#/components/schemas/Code'}}}\n"
        "    Code: {type: string}\n"
        "    Colour: {type: string, enum: [red, green]}\n"
        "    Point: {type: object, properties: {x: {type: integer, enum: [1, 2]}}}\n"
    )
    result = import_asyncapi([Spec.from_text(text, "feed.yaml")])
    # The document's named object types are the API's vocabulary: `Point`, which no
    # message reads, is kept as a record (one new messages can use), with its enum.
    assert [(r.name, [(f.name, f.enum) for f in r.fields]) for r in result.design.schemas] == [
        ("Point", [("x", [1, 2])]),
    ]
    beat = result.design.message("beat")
    assert beat is not None and [f.name for f in beat.fields] == ["seq", "code"]
    # `Code` is read where it is referenced (a string field); `Colour` is nowhere.
    assert [str(n) for n in result.notes if "read by no message" in str(n)] == [
        "feed.yaml: $.components.schemas.Colour: read by no message of this document and not "
        "an object: not imported (a design names only record types)",
        "feed.yaml: $.components.schemas.Point: read by no message of this document: kept as "
        "a record no message uses",
    ]


def test_bindings_the_design_holds_are_kept_and_the_rest_reported() -> None:
    design, _, notes = _outcomes(SPEC30 / "rpc-server-asyncapi.yml")
    (request,) = [f for f in design.flows if f.channel == "rpc_queue"]
    assert request.bindings is not None and request.bindings.amqp == AmqpQueue(durable=False)
    # The RabbitMQ configuration declares that queue as the document does (non-durable,
    # so a classic queue: quorum queues are always durable).
    queues = {
        q["name"]: q for q in definitions(build_amqp(design), RabbitOptions("test"))["queues"]
    }
    assert queues["rpc_queue"]["durable"] is False
    assert queues["rpc_queue"]["arguments"]["x-queue-type"] == "classic"
    assert not any("queue.durable" in n or "queue.exclusive" in n for n in notes)
    assert any("amqp binding ack=True is not part of a design" in n for n in notes)
    assert any("server amqp rabbitmq.example.org kept in settings.generate" in n for n in notes)
    adeo, _, adeo_notes = _outcomes(SPEC30 / "adeo-kafka-request-reply-asyncapi.yml")
    sizes = [f.bindings.kafka for f in adeo.flows if f.bindings and f.bindings.kafka]
    assert sizes and all(s == KafkaTopic(partitions=3, replicas=3) for s in sizes)
    topics = kafka_state(adeo)["topics"]
    assert {(t["partitions"], t["replication"]) for t in topics.values()} >= {(3, 3)}
    assert any("topicConfiguration.retention.ms=604800000 is not part" in n for n in adeo_notes)
    _, _, kafka = _outcomes(SPEC30 / "streetlights-kafka-asyncapi.yml")
    assert any("kafka binding" in n and "clientId" in n for n in kafka)


def test_messages_sharing_one_address_to_a_service_get_their_own_channels() -> None:
    # A WebSocket API receiving two commands on `/`: one channel would subscribe only
    # one generated handler.
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Trading, version: 1.0.0}\n"
        "servers: {ws: {host: 'api.example.com', protocol: wss}}\n"
        "channels:\n  root:\n    address: cmd\n    messages:\n"
        "      PlaceOrder: {payload: {type: object, properties: {sku: {type: string}}}}\n"
        "      CancelOrder: {payload: {type: object, properties: {id: {type: string}}}}\n"
        "operations:\n  take: {action: receive, channel: {$ref: '#/channels/root'}}\n"
    )
    result = import_asyncapi([Spec.from_text(text, "trading.yaml")])
    flows = result.design.flows
    assert len(flows) == 2 and all(f.channel is None for f in flows)
    assert all(f.transport is Transport.QUEUE for f in flows)  # wss: asynchronous
    assert any(
        "'cmd' carries 2 messages to trading (CancelOrder, PlaceOrder)" in str(n)
        for n in result.notes
    )


def test_an_operation_sending_a_querys_reply_is_part_of_the_query() -> None:
    # Adeo's case study: `requestCosting` (receive, with a reply on costingResponse) and
    # `getCostingResponse` (send on costingResponse) describe one request/reply.
    design, operations, notes = _outcomes(SPEC30 / "adeo-kafka-request-reply-asyncapi.yml")
    (flow,) = design.flows
    query = design.message(flow.message)
    assert query is not None and query.kind is MessageKind.QUERY
    assert set(operations.values()) == {(flow.id,)}
    assert flow.reply is not None and "{" not in flow.reply
    assert any("getCostingResponse carries the reply of CostingRequestV1" in n for n in notes)


def test_a_brokers_server_is_kept_and_named_by_the_export() -> None:
    design, _, _ = _outcomes(SPEC26 / "rpc-server.yml")
    assert design.settings.generate["asyncapi_servers"] == {
        "production": {"host": "rabbitmq.example.org", "protocol": "amqp"}
    }
    servers = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]["servers"]
    assert servers["rabbitmq"] == {"host": "rabbitmq.example.org", "protocol": "amqp"}
    assert export_asyncapi(design, "nats")[SYSTEM_FILE]["servers"]["nats"]["host"] == (
        "localhost:4222"  # no NATS server was named: this machine's
    )
    _, _, social = _outcomes(*sorted((SPEC26 / "social-media").glob("*/asyncapi.yaml")))
    assert any("server mqtt mqtt://test.mosquitto.org is not part of a design" in n for n in social)


def test_events_on_a_querys_reply_address_stay_events_of_their_own() -> None:
    # Kraken's WebSocket API answers `ping` with `pong` on `/`, where `heartbeat` and
    # `systemStatus` are also sent: those two are not replies.
    file = SPEC30 / "kraken-websocket-request-reply-multiple-channels-asyncapi.yml"
    design, operations, _ = _outcomes(file)
    assert len(design.flows) == 5 and all(operations.values())
    kinds = {m.name: m.kind for m in design.messages}
    assert kinds["heartbeat"] is MessageKind.EVENT and kinds["ping"] is MessageKind.QUERY


def test_every_property_is_mapped_exactly_or_reported_where_it_is() -> None:
    design, notes = _one_message(
        "          type: object\n          properties:\n"
        "            at: {type: string, format: date-time}\n"
        "            day: {type: string, format: date}\n"
        "            id: {type: string, format: uuid}\n"
        "            amount: {type: string, format: decimal}\n"
        "            blob: {type: string, contentEncoding: base64}\n"
        "            counts: {type: object, additionalProperties: {type: integer}}\n"
        "            labels: {type: object}\n"
        "            both: {allOf: [{type: object, properties: {a: {type: integer}}}, "
        "{properties: {b: {type: boolean}}, required: [b]}]}\n"
        "            state: {type: string, enum: [open, closed, null]}\n"
        "            site: {type: string, format: uri}\n"
        "            anything: {}\n"
    )
    message = design.message("price-changed")
    assert message is not None
    types = {f.name: f.type for f in message.fields}
    assert types == {
        "at": "datetime",
        "day": "date",
        "id": "uuid",
        "amount": "decimal",
        "blob": "bytes",
        "counts": "map[string,integer]",
        "labels": "map[string,string]",
        "both": "Both",
        "state": "string",
        "site": "string",
        "anything": "string",
    }
    assert [(f.name, f.type, f.required) for f in _record(design, "Both").fields] == [
        ("a", "integer", False),
        ("b", "boolean", True),
    ]
    assert message.fields[8].enum == ["open", "closed"]
    located = {n.split(": ", 2)[1].rsplit(".", 1)[-1] for n in notes if ".properties." in n}
    # The inexact ones, and only those, have a report line at their own path.
    assert located == {"labels", "site", "anything"}


def test_a_payload_that_is_not_an_object_is_one_reported_field() -> None:
    design, notes = _one_message("          type: string\n          format: uuid\n")
    message = design.message("price-changed")
    assert message is not None
    assert [(f.name, f.type) for f in message.fields] == [("value", "uuid")]
    assert any("the payload is not an object: it became a single field 'value'" in n for n in notes)


@pytest.mark.parametrize(
    ("kind", "reported"), [("fanout", False), ("headers", True), ("topic", False)]
)
def test_an_exchange_type_the_design_cannot_hold_is_reported(kind: str, reported: bool) -> None:
    # A fanout is kept on the flow (`bindings.amqp.exchange_type`); headers are not.
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Feed, version: 1.0.0}\n"
        "channels:\n  c:\n    address: feed\n"
        f"    bindings: {{amqp: {{is: routingKey, exchange: {{name: feed, type: {kind}}}}}}}\n"
        "    messages: {PriceChanged: {payload: {type: object, properties: {p: {type: number}}}}}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
    )
    result = import_asyncapi([Spec.from_text(text, "feed.yaml")])
    notes = [str(n) for n in result.notes]
    said = [n for n in notes if f"amqp exchange type {kind}" in n]
    assert bool(said) is reported, notes
    [flow] = result.design.flows
    kept = flow.bindings.amqp.exchange_type if flow.bindings and flow.bindings.amqp else None
    assert kept == ("fanout" if kind == "fanout" else None)


def test_malformed_parameters_and_bindings_are_reported_not_kept() -> None:
    text = (
        "asyncapi: 3.0.0\ninfo: {title: X, version: 1.0.0}\n"
        "channels:\n  c:\n    address: 'a/{p q}/b/{id}'\n"
        "    parameters: {'p q': {description: 1}, id: {description: 7}, ok: 5}\n"
        "    bindings: {amqp: {queue: {durable: 'no'}}, kafka: {partitions: true}}\n"
        "    messages: {M: {payload: {type: object, properties: {x: {type: string}}}}}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
    )
    result = import_asyncapi([Spec.from_text(text, "hostile.yaml")])
    notes = [str(n) for n in result.notes]
    (flow,) = result.design.flows
    assert flow.channel == "a.p-q.b.{id}" and flow.bindings is None
    assert [(p.name, p.description) for p in flow.parameters] == [("id", None)]
    for said in (
        "amqp binding queue.durable=no is not part of a design",
        "kafka binding partitions=True is not part of a design",
        "parameter 'p q' is not a name a channel can hold",
        "parameter ok is not in the flow's channel",
    ):
        assert any(said in n for n in notes), (said, notes)
    assert not [d for d in validate(result.design) if d.rule.startswith("channel-")]


def test_replies_that_are_unions_or_several_messages_give_a_union_answer() -> None:
    result = import_asyncapi(
        [Spec.from_file(SPEC30 / "kraken-websocket-request-reply-multiple-channels-asyncapi.yml")]
    )
    answers = {
        m.id: (m.response, m.response_one_of) for m in result.design.messages if m.response_one_of
    }
    status = ["SubscriptionStatusError", "SubscriptionStatusSuccess"]
    assert answers == {
        # One reply whose payload is oneOf two objects.
        "unsubscribe": ([], status),
        # Two reply messages: the answer is one of them (the first is itself a union).
        "subscribe": ([], [*status, "DummyCurrencyInfo"]),
    }
    assert any(
        "2 reply messages: the answer is one of SubscriptionStatusError | "
        "SubscriptionStatusSuccess | DummyCurrencyInfo" in str(n)
        for n in result.notes
    )


@pytest.mark.parametrize(
    ("schemas", "payload", "where", "which"),
    [
        (  # the payload is one of itself or a Circle
            "    Shape: {oneOf: [{$ref: '#/components/schemas/Shape'}, {$ref: '#/components/schemas/Circle'}]}\n",
            "{$ref: '#/components/schemas/Shape'}",
            "$.operations.o.messages[0].payload.oneOf[0]",
            "'#/components/schemas/Shape' is one of its own alternatives",
        ),
        (  # a property whose schema is any of two schemas, each any of the other
            "    A: {anyOf: [{$ref: '#/components/schemas/B'}, {type: string}]}\n"
            "    B: {anyOf: [{$ref: '#/components/schemas/A'}, {type: integer}]}\n",
            "{type: object, properties: {a: {$ref: '#/components/schemas/A'}}}",
            "$.operations.o.messages[0].payload.properties.a.anyOf[0].anyOf[0]",
            "'#/components/schemas/A' is one of its own alternatives",
        ),
    ],
)
def test_a_schema_containing_itself_through_oneof_is_refused_where_it_does(
    schemas: str, payload: str, where: str, which: str
) -> None:
    text = (
        "asyncapi: 3.0.0\ninfo: {title: Loop, version: 1.0.0}\n"
        "channels:\n  c:\n    address: shapes\n    messages:\n      Drawn:\n"
        f"        payload: {payload}\n"
        "operations:\n  o: {action: send, channel: {$ref: '#/channels/c'}}\n"
        "components:\n  schemas:\n"
        + schemas
        + "    Circle: {type: object, properties: {r: {type: number}}}\n"
    )
    with pytest.raises(SpecLoadError) as caught:
        import_asyncapi([Spec.from_text(text, "loop.yaml")])
    message = caught.value.describe()
    assert "alias" not in message
    assert (
        f"loop.yaml: {where}: a schema that contains itself through oneOf/anyOf ({which})"
        in message
    )


def test_a_union_holding_itself_through_a_property_is_a_tree_not_refused() -> None:
    design, _ = _one_message(
        "          oneOf:\n"
        "            - {type: object, title: Leaf, properties: {value: {type: string}}}\n"
        "            - {type: object, title: Branch, properties: {children: {type: array, items:"
        " {$ref: '#/channels/c/messages/PriceChanged/payload'}}}}\n"
    )
    message = design.message("price-changed")
    assert message is not None and message.one_of == ["Leaf", "Branch"]


_FORWARDER = (
    "asyncapi: 3.0.0\ninfo: {{title: {title}, version: 1.0.0}}\n"
    "channels:\n"
    "  in: {{address: payments.in, messages: {{PaymentTaken: {{payload: {{type: object, "
    "properties: {{id: {{type: string}}}}}}}}}}}}\n"
    "  out: {{address: {out}, messages: {{PaymentTaken: {{payload: {{type: object, "
    "properties: {{id: {{type: string}}}}}}}}}}}}\n"
    "operations:\n"
    "  take: {{action: receive, channel: {{$ref: '#/channels/in'}}}}\n"
    "  pass: {{action: send, channel: {{$ref: '#/channels/out'}}}}\n"
)


def test_a_service_forwarding_an_event_from_outside_is_no_second_publisher() -> None:
    # TransferGo's SNS -> SQS relay, the AsyncAPI CLI's Kafka fixture: the service receives
    # an event nobody documented sending and sends it on. The only other "publisher" is the
    # actor the import drew for the unknown sender.
    spec = Spec.from_text(_FORWARDER.format(title="Relay", out="payments.out"), "relay.yaml")
    result = import_asyncapi([spec])
    assert [e for e in validate(result.design) if e.severity is Severity.ERROR] == []
    message = result.design.message("payment-taken")
    assert message is not None
    assert [(s.rule, s.reason) for s in message.suppress] == [
        (
            "event-one-publisher",
            "imported: Relay forwards the PaymentTaken it receives; the other publisher is "
            "the actor 'external', drawn for what the imported documents do not name",
        )
    ]
    assert any("event-one-publisher suppressed: imported: Relay" in str(n) for n in result.notes)


def test_two_services_publishing_one_event_are_still_an_error() -> None:
    # A second document's service publishes the same event: two publishers the sources
    # state, which nothing suppresses.
    relay = Spec.from_text(_FORWARDER.format(title="Relay", out="payments.out"), "relay.yaml")
    other = Spec.from_text(_FORWARDER.format(title="Other", out="payments.other"), "other.yaml")
    design = import_asyncapi([relay, other]).design
    errors = [e.rule for e in validate(design) if e.severity is Severity.ERROR]
    assert "event-one-publisher" in errors


def test_a_json_document_indented_with_tabs_is_read() -> None:
    # JSON allows tabs where YAML refuses them (the ts-nats-template's examples).
    text = (
        '{\n\t"asyncapi": "3.0.0",\n\t"info": {"title": "Feed", "version": "1.0.0"},\n'
        '\t"channels": {"c": {"address": "feed", "messages": {"Tick": {"payload": '
        '{"type": "object", "properties": {"n": {"type": "integer"}}}}}}},\n'
        '\t"operations": {"o": {"action": "send", "channel": {"$ref": "#/channels/c"}}}\n}\n'
    )
    design = import_asyncapi([Spec.from_text(text, "feed.json")]).design
    tick = design.message("tick")
    assert tick is not None and [f.name for f in tick.fields] == ["n"]
    # Broken JSON is still located by line and column.
    with pytest.raises(SpecLoadError, match="line 2 column"):
        Spec.from_text('{\n\t"asyncapi": \n}', "broken.json")


def test_an_address_a_broker_reserves_or_reads_as_a_wildcard_is_cleaned() -> None:
    # `#` and `*` as words are RabbitMQ binding wildcards (`#`: every message), `_INBOX`
    # and `$...` subjects NATS keeps: an imported design never subscribes with them.
    from designer.core.importers.channel_addresses import usable_channel
    from designer.core.model import Transport

    cleaned = {
        address: usable_channel(address, Transport.TOPIC)
        for address in ("_INBOX.x", "$SYS.x", "#", "orders.#", "orders.*.created", "a.b")
    }
    assert cleaned == {
        "_INBOX.x": "inbox.x",
        "$SYS.x": "sys.x",
        "#": "",  # nothing left: the derived name
        "orders.#": "orders",
        "orders.*.created": "orders.created",
        "a.b": "a.b",
    }
