"""AsyncAPI documents the second outside fuzz campaign (tests/fuzz/campaign.py, mutated
corpus systems) crashed `msgflow import asyncapi` with. Each must exit 2 with one located
line, never a traceback, and write no design."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from designer.cli import main
from designer.core import io
from designer.resources import examples_dir

SHOP = examples_dir() / "shop.msgflow.json"
SYSTEM = "asyncapi: 3.0.0\ninfo: {title: Lights, version: 1.0.0}\n"
CHANNEL = (
    "channels:\n  c:\n    address: light.measured\n    messages:\n"
    "      {name}:\n        payload: {{type: object, properties: {{lux: {{type: integer}}}}}}\n"
    "operations:\n  o:\n    action: receive\n    channel: {{$ref: '#/channels/c'}}\n"
)


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        # A lone surrogate in a message name: the id's slug hashed it and UTF-8 failed.
        ("s.yaml", SYSTEM + CHANNEL.format(name='"\\ud83d"'), "s.yaml: $.channels.c.messages"),
        ("s.json", '{"asyncapi": "3.0.0", "info": {"title": "\\ud83d", "version": "1"}}',
         "s.json: $.info.title: holds a lone surrogate"),
        # An integer of 5,000 digits: PyYAML raised ValueError past its syntax checks.
        ("n.yaml", SYSTEM + "x-n: " + "9" * 5000 + "\n", "over 4,300 digits"),
        ("d.yaml", SYSTEM + "x-d: 2024-13-45\n", "d.yaml: $: not valid YAML"),
        # A section the importer walks as a mapping, written as text: AttributeError.
        ("c.yaml", "asyncapi: 2.6.0\ninfo: {title: T, version: 1}\nchannels: x\n",
         "c.yaml: $.channels: should be a mapping, found str"),
        ("m.yaml", SYSTEM + "components: {messages: [a]}\n",
         "m.yaml: $.components.messages: should be a mapping, found a list"),
        ("t.yaml", "asyncapi: 3.0.0\ninfo: {title: [T], version: 1}\n",
         "t.yaml: $.info.title: should be text, found a list"),
    ],
)  # fmt: skip
def test_a_hostile_document_is_refused_with_a_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, expected: str
) -> None:
    spec = tmp_path / name
    spec.write_text(text, encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not out.exists()


def test_descriptions_that_are_not_text_are_left_out_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `description: 1.5` on a property, a message and an operation: MessageField refused
    # the number (a pydantic ValidationError escaped). The words are simply not kept.
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        "        description: [1]\n        summary: 2\n"
        "        payload: {type: object, properties: {lux: {type: integer, description: 1.5}}}\n"
        "operations:\n  o:\n    action: receive\n    description: {a: 1}\n"
        "    channel: {$ref: '#/channels/c'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    design = io.load(out)
    (message,) = design.messages
    assert message.description is None
    assert [(f.name, f.type, f.description) for f in message.fields] == [("lux", "integer", None)]


@pytest.mark.parametrize(
    "schema",
    [
        "{type: object, required: [[lux]], properties: {lux: {type: integer}}}",
        "{type: object, required: lux, properties: {lux: {type: integer}}}",
        "{allOf: [{type: object, required: [[lux]], properties: [lux]}, "
        "{properties: {lux: {type: integer}}}]}",
        "{allOf: {type: object}, properties: {lux: {type: integer}}}",
    ],
)
def test_a_schema_whose_required_or_properties_are_misshapen_is_read_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], schema: str
) -> None:
    # `required: [[lux]]` crashed with "unhashable type: 'list'"; a misshapen `required`,
    # `properties` or `allOf` contributes nothing instead.
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        f"        payload: {schema}\n"
        "operations:\n  o:\n    action: receive\n    channel: {$ref: '#/channels/c'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    (message,) = io.load(out).messages
    assert [(f.name, f.type, f.required) for f in message.fields] == [("lux", "integer", False)]


def _exported_shop(tmp_path: Path) -> dict[str, Any]:
    folder = tmp_path / "exported"
    assert main(["export", str(SHOP), "--to", "asyncapi", "-o", str(folder)]) == 0
    return yaml.safe_load((folder / "system.asyncapi.yaml").read_text(encoding="utf-8"))


def _first(document: dict[str, Any], key: str) -> dict[str, Any]:
    """The first object (operation, message) holding `key` (a message for the keys only
    some messages have)."""
    if key in ("x-msgflow-version", "x-msgflow-suppress"):
        key = "x-msgflow-id"
    stack: list[Any] = [document]
    while stack:
        item = stack.pop(0)
        if isinstance(item, dict):
            if key in item:
                return item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    raise AssertionError(key)


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        # Each crashed the import of a msgflow export edited by hand (TypeError,
        # pydantic ValidationError): msgflow's own keys are checked before they are read.
        ("x-msgflow-flows", ["f1"], "should be a mapping of flow ids to node ids"),
        ("x-msgflow-flows", {"f1": ["orders"]}, "should be a mapping of flow ids to node ids"),
        ("x-msgflow-owner", ["orders"], "x-msgflow-owner: msgflow's own key should be text"),
        ("x-msgflow-timeout-ms", "soon", "should be a whole number"),
        ("x-msgflow-version", "two", "should be a whole number"),
        ("x-msgflow-nodes", [{"id": "a", "name": 5}], "x-msgflow-nodes[0].name: not a node"),
        ("x-msgflow-nodes", "orders", "should be a list of nodes"),
        ("x-msgflow-suppress", [{"rule": 1}], "should be a list of {rule, reason}"),
        ("x-msgflow-design", {"name": -1.5}, "x-msgflow-design: msgflow's own key should be"),
    ],
)
def test_msgflow_keys_of_the_wrong_shape_are_refused_where_they_are(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], key: str, value: Any, expected: str
) -> None:
    document = _exported_shop(tmp_path)
    _first(document, key)[key] = value
    spec = tmp_path / "edited.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "edited.yaml: $." in err and expected in err and "Traceback" not in err, err
    assert not out.exists()


def test_an_operation_whose_messages_are_not_a_list_takes_its_channels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + CHANNEL.format(name="Lit") + "    messages: 5\n", encoding="utf-8"
    )  # `for r in 5`: TypeError
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert [m.name for m in io.load(out).messages] == ["Lit"]
    assert "$.operations.o.messages: not a list of messages" in capsys.readouterr().out


@pytest.mark.parametrize(
    "addition",
    [
        # `bindings: {amqp: queue}` on a channel: AttributeError reading the transport.
        "    bindings: {amqp: queue}\n",
        "    bindings: {amqp: {is: queue, queue: 5, exchange: [x]}}\n",
        "    bindings: [amqp]\n",
    ],
)
def test_channel_bindings_of_the_wrong_shape_are_ignored_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], addition: str
) -> None:
    spec = tmp_path / "lights.yaml"
    text = SYSTEM + CHANNEL.format(name="Lit")
    spec.write_text(text.replace("    messages:\n", addition + "    messages:\n", 1), "utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert [m.name for m in io.load(out).messages] == ["Lit"]


def test_a_record_whose_description_is_a_number_keeps_its_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A record's `description: 100000` reached RecordSchema: pydantic ValidationError.
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        "        payload: {type: object, properties: {at: {$ref: '#/components/schemas/Where'}}}\n"
        "operations:\n  o:\n    action: receive\n    channel: {$ref: '#/channels/c'}\n"
        "components:\n  schemas:\n    Where:\n      type: object\n      description: 100000\n"
        "      properties: {lux: {type: integer}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    (record,) = io.load(out).schemas
    assert (record.name, record.description, [f.name for f in record.fields]) == (
        "Where",
        None,
        ["lux"],
    )


@pytest.mark.parametrize("servers", ["[null]", "[5]", "[[a]]"])
def test_a_channel_whose_servers_name_nothing_is_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], servers: str
) -> None:
    # `servers: [null]` on a channel: AttributeError ('NoneType' has no 'get') reading
    # the protocol (found by the final campaign on an exported design).
    spec = tmp_path / "lights.yaml"
    text = SYSTEM + CHANNEL.format(name="Lit")
    spec.write_text(
        text.replace("    messages:\n", f"    servers: {servers}\n    messages:\n", 1), "utf-8"
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert [m.name for m in io.load(out).messages] == ["Lit"]


def test_a_channel_whose_messages_are_a_list_carries_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # AsyncAPI 3.0 channel `messages: [a]` (a list, not a mapping): AttributeError on
    # `.items()` (found reviewing the reads the campaign's causes pointed at).
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages: [a]\n"
        "operations:\n  o:\n    action: receive\n    channel: {$ref: '#/channels/c'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert "$.operations.o: the operation carries no message" in capsys.readouterr().out


def _op_with_flows(document: dict[str, Any]) -> dict[str, Any]:
    """The first sending operation (flow details are read from the sender's)."""
    return next(op for op in document["operations"].values() if op["action"] == "send")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        # Whole numbers of the right shape, out of range: pydantic's ValidationError
        # escaped from Flow/Message/Settings construction (final campaign, seed 5).
        (lambda d: _first(d, "x-msgflow-timeout-ms").update({"x-msgflow-timeout-ms": -1}),
         "describes no valid flow: timeout_ms: input should be greater than 0"),
        (lambda d: _op_with_flows(d).update({"x-msgflow-flow-details": {
            next(iter(_op_with_flows(d)["x-msgflow-flows"])): {"bindings": {"amqp": {"durable": " "}}}
        }}), "describes no valid flow: bindings.amqp.durable"),
        (lambda d: _first(d, "x-msgflow-id").update({"x-msgflow-version": 0}),
         "describes no valid message: version"),
        (lambda d: d["info"]["x-msgflow-design"].update({"settings": {"rules": {"x": "loud"}}}),
         "$.info.x-msgflow-design.settings: describes no valid settings: rules.x"),
    ],
)  # fmt: skip
def test_msgflow_values_out_of_range_are_refused_where_they_were_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Any, expected: str
) -> None:
    document = _exported_shop(tmp_path)
    edit(document)
    spec = tmp_path / "edited.yaml"
    spec.write_text(yaml.safe_dump(document), encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "edited.yaml: $." in err and expected in err and "Traceback" not in err, err
    assert not out.exists()


def test_a_property_named_nothing_is_left_out_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `properties: {"": ...}`: MessageField refused the empty name, a pydantic
    # ValidationError escaped (final campaign, seed 7, on a corpus system).
    spec = tmp_path / "lights.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        "        payload: {type: object, properties: {'': {type: string}, lux: {type: integer}}}\n"
        "operations:\n  o:\n    action: receive\n    channel: {$ref: '#/channels/c'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    (message,) = io.load(out).messages
    assert [f.name for f in message.fields] == ["lux"]
    assert "not a field msgflow can keep" in capsys.readouterr().out


# The JSON Schema family (schema_shapes.py): found by the hostile-schema fuzz
# (tests/fuzz/hostile_schemas.py) or written from its cases. Before, each was a
# RecursionError: escaping (exit 1, a traceback), or caught by the import's last resort
# and reported at `$` only, or (a chain of 300) read on the edge of Python's stack.

PAYLOAD = (
    "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
    "        payload: {payload}\n"
    "operations:\n  o:\n    action: receive\n    channel: {{$ref: '#/channels/c'}}\n"
    "components:\n  schemas:\n"
)
LUX = "{type: object, properties: {lux: {$ref: '#/components/schemas/Lux'}}}"


def _chain(kind: str, length: int) -> str:
    """components/schemas C0..C<length>, each an array of (or a record holding) the next."""
    one = (
        "    C{i}: {{type: array, items: {{$ref: '#/components/schemas/C{j}'}}}}\n"
        if kind == "items"
        else "    C{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/C{j}'}}}}}}\n"
    )
    return "".join(one.format(i=i, j=i + 1) for i in range(length)) + (
        f"    C{length}: {{type: integer}}\n"
    )


@pytest.mark.parametrize(
    ("payload", "schemas", "expected"),
    [
        # A pointer through a reference back to itself: RecursionError escaped (exit 1).
        ("{$ref: '#/components/schemas/S'}", "    S: {$ref: '#/components/schemas/S/allOf/0'}\n",
         "h.yaml: $.components.schemas.S: $ref '#/components/schemas/S/allOf/0' points to nothing"),
        # An array of itself, a map of itself, allOf parts holding each other, a union
        # holding an array of itself: reported at `$` only.
        (LUX, "    Lux: {type: array, items: {$ref: '#/components/schemas/Lux'}}\n",
         "h.yaml: $.components.schemas.Lux.items: a schema that contains itself through items "
         "with no object property in between"),
        (LUX, "    Lux: {type: object, additionalProperties: {$ref: '#/components/schemas/Lux'}}\n",
         "h.yaml: $.components.schemas.Lux.additionalProperties: a schema that contains itself "
         "through additionalProperties"),
        ("{$ref: '#/components/schemas/A'}",
         "    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n"
         "    B: {allOf: [{$ref: '#/components/schemas/A'}], properties: {lux: {type: integer}}}\n",
         "h.yaml: $.components.schemas.B.allOf[0]: a schema that contains itself through allOf"),
        (LUX, "    Lux: {oneOf: [{type: string}, {type: array, items: {$ref: '#/components/schemas/Lux'}}]}\n",
         "h.yaml: $.components.schemas.Lux.oneOf[1].items: a schema that contains itself through "
         "items/oneOf"),
        # Chains of 300 schemas: read on the edge of the stack (a few more: RecursionError).
        ("{type: object, properties: {lux: {$ref: '#/components/schemas/C0'}}}", _chain("items", 300),
         "h.yaml: $.components.schemas.C99.items: schemas nested more than 100 deep"),
        ("{$ref: '#/components/schemas/C0'}", _chain("properties", 300),
         "h.yaml: $.components.schemas.C99.properties.next: schemas nested more than 100 deep"),
    ],
)  # fmt: skip
def test_a_schema_no_reading_can_end_on_is_refused_where_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: str, schemas: str, expected: str
) -> None:
    spec = tmp_path / "h.yaml"
    spec.write_text(SYSTEM + PAYLOAD.format(payload=payload) + schemas, encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err, err
    assert not out.exists()


def test_a_document_nested_too_deep_is_refused_at_the_spot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 130 nested records (260 levels of JSON): JSON reads it, every recursive reader after
    # it is on the edge of the stack. Refused at the 200th level.
    deep: dict[str, Any] = {"type": "integer"}
    for _ in range(130):
        deep = {"type": "object", "properties": {"a": deep}}
    document = {
        "asyncapi": "3.0.0",
        "info": {"title": "Deep", "version": "1"},
        "channels": {"c": {"address": "x", "messages": {"M": {"payload": deep}}}},
    }
    spec = tmp_path / "deep.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    where = "$.channels.c.messages.M.payload" + ".properties.a" * 97 + ".properties"
    assert f"deep.json: {where}: nested more than 200 levels deep" in err, err
    assert not out.exists()


def test_schema_keywords_of_the_wrong_shape_are_left_out_each_with_a_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Each keyword the importer reads, of a shape JSON Schema does not allow: left out (as
    # if not written), one report line at its place, the rest of the schema imported.
    payload = (
        "{type: object, required: [lux, 5], properties: {"
        "lux: {type: {a: 1}, format: [date], title: [x]}, "
        "at: {type: [string, 5], description: 7.5}, "
        "kind: {type: string, enum: on}, "
        "tags: {type: object, additionalProperties: text}, "
        "shape: {oneOf: {type: string}, discriminator: 5}, "
        "ref: {$ref: 5, type: integer}}}"
    )
    spec = tmp_path / "h.yaml"
    spec.write_text(SYSTEM + PAYLOAD.format(payload=payload), encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0
    report = capsys.readouterr().out
    at = "h.yaml: $.channels.c.messages.Lit.payload"
    for line in (
        f"{at}.required: required lists something that is no property name",
        f"{at}.properties.lux.type: type should be a JSON type name or a list of them, found a mapping",
        f"{at}.properties.lux.format: format should be text, found a list",
        f"{at}.properties.lux.title: title should be text, found a list",
        f"{at}.properties.at.type: type lists something that is no JSON type name",
        f"{at}.properties.at.description: description should be text, found a number",
        f"{at}.properties.kind.enum: enum should be a list of values, found text",
        f"{at}.properties.tags.additionalProperties: additionalProperties should be a schema",
        f"{at}.properties.shape.oneOf: oneOf should be a list of schemas, found a mapping",
        f"{at}.properties.shape.discriminator: discriminator should be a property name",
        f'{at}.properties.ref["$ref"]: $ref should be text, found a number',
    ):
        assert line in report, line
    (message,) = io.load(out).messages
    assert [(f.name, f.type, f.required) for f in message.fields] == [
        ("lux", "string", True),
        ("at", "string", False),
        ("kind", "string", False),
        ("tags", "map[string,string]", False),
        ("shape", "string", False),
        ("ref", "integer", False),
    ]


def test_a_union_whose_alternative_is_an_allof_holding_the_union_is_a_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The alternative merged from its allOf was a new schema at every level, so it got a
    # new record name at every level and the reading never ended (RecursionError,
    # reported at `$` only): now it is one record holding the union, as when written plainly.
    schemas = (
        "    A:\n      oneOf:\n"
        "        - allOf: [{type: object, properties: {x: {$ref: '#/components/schemas/A'}}}]\n"
        "        - {type: object, properties: {y: {type: string}}}\n"
    )
    payload = "{type: object, properties: {tree: {$ref: '#/components/schemas/A'}}}"
    spec = tmp_path / "h.yaml"
    spec.write_text(SYSTEM + PAYLOAD.format(payload=payload) + schemas, encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    design = io.load(out)
    (message,) = design.messages
    (tree,) = message.fields
    assert tree.type == "TreeOption1 | XOption2"
    assert {r.name: [(f.name, f.type) for f in r.fields] for r in design.schemas} == {
        "TreeOption1": [("x", "TreeOption1 | XOption2")],
        "XOption2": [("y", "string")],
    }


def test_an_avro_payload_holding_itself_by_an_alias_is_refused_where_it_recurs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `&a {type: array, items: *a}`: converted forever (RecursionError, reported at `$`).
    spec = tmp_path / "h.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        "        payload:\n          schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
        "          schema: &a {type: array, items: *a}\n"
        "operations:\n  o: {action: receive, channel: {$ref: '#/channels/c'}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "h.yaml: $.operations.o.messages[0].payload.schema.items: an Avro schema that contains "
        "itself (a YAML alias)" in err
    ), err
    assert not out.exists()


def test_an_avro_enum_whose_symbols_are_not_a_list_is_read_without_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `symbols: 1.5`: TypeError "'float' object is not iterable" (the hostile-schema fuzz,
    # seed 501 on 8809db9). The enum becomes a plain string field, with a line.
    spec = tmp_path / "h.yaml"
    spec.write_text(
        SYSTEM + "channels:\n  c:\n    address: light.measured\n    messages:\n      Lit:\n"
        "        payload:\n          schemaFormat: application/vnd.apache.avro;version=1.9.0\n"
        "          schema: {type: record, name: Lit, fields: [{name: mode, type: "
        "{type: enum, name: Mode, symbols: 1.5}}]}\n"
        "operations:\n  o: {action: receive, channel: {$ref: '#/channels/c'}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert (
        "h.yaml: $.operations.o.messages[0].payload.schema.fields[0].type.symbols: an Avro "
        "enum's symbols are not a list: left out" in capsys.readouterr().out
    )
    (message,) = io.load(out).messages
    assert [(f.name, f.type, f.enum) for f in message.fields] == [("mode", "string", None)]


def test_a_schema_reached_through_components_channels_is_shape_checked_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An operation whose channel is one of components/channels: its messages' schemas are
    # read like any other, so they are checked like any other.
    spec = tmp_path / "h.yaml"
    spec.write_text(
        SYSTEM + "operations:\n  o: {action: receive, channel: {$ref: '#/components/channels/c'}}\n"
        "components:\n  channels:\n    c:\n      address: light.measured\n      messages:\n"
        "        Lit: {payload: {type: object, properties: {lux: {type: {a: 1}}}}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert (
        "h.yaml: $.components.channels.c.messages.Lit.payload.properties.lux.type: type should "
        "be a JSON type name or a list of them, found a mapping: left out"
    ) in capsys.readouterr().out


def test_an_enum_of_integers_beyond_64_bits_is_kept_in_the_description(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The design file keeps 64-bit integers: the import made a design its own loader then
    # refused, exit 2 located in the design never written (`design.msgflow.json:
    # $.messages[0].fields[0].enum[0]`), nowhere in the document to fix.
    payload = (
        "{type: object, properties: {lux: {type: integer, enum: [1180591620717411303424, 2]}}}"
    )
    spec = tmp_path / "h.yaml"
    spec.write_text(SYSTEM + PAYLOAD.format(payload=payload), encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert (
        "h.yaml: $.operations.o.messages[0].payload.properties.lux: values of a field typed "
        "integer are not kept as its enum (one is an integer beyond 64 bits"
    ) in capsys.readouterr().out
    (message,) = io.load(out).messages
    (lux,) = message.fields
    assert (lux.type, lux.enum) == ("integer", None)
    assert lux.description == "one of: 1180591620717411303424, 2"


def test_a_refusal_at_a_key_holding_a_line_break_stays_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A property named "a\x0cb" (a form feed, U+2028: line breaks to `splitlines`) holding a
    # dangling $ref: the located line was broken in two, the second half located nowhere.
    payload = '{type: object, properties: {"a\\fb\\u2028c": {$ref: "#/components/schemas/Gone"}}}'
    spec = tmp_path / "h.yaml"
    spec.write_text(SYSTEM + PAYLOAD.format(payload=payload), encoding="utf-8")
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"{spec}: $.channels.c.messages.Lit.payload.properties.a\\x0cb\\u2028c: "
        "$ref '#/components/schemas/Gone' points to nothing"
    ]


def test_a_schema_key_holding_a_slash_or_tilde_is_read_not_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # An unused schema was looked up by a pointer built from its key: `a/b` named nothing,
    # and the document was refused with "$ref '#/components/schemas/a/b' points to
    # nothing", a reference the user never wrote.
    spec = tmp_path / "h.yaml"
    spec.write_text(
        SYSTEM
        + PAYLOAD.format(payload="{type: object, properties: {lux: {type: integer}}}")
        + '    "a/b": {type: object, properties: {x: {type: string}}}\n'
        + '    "c~d": {type: object, properties: {y: {type: string}}}\n',
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert sorted(r.name for r in io.load(out).schemas) == ["AB", "CD"]


def test_a_ref_naming_the_mapping_of_schemas_as_a_schema_is_read_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `$ref: '#/components/schemas'` makes the mapping of schemas a schema, whose key
    # `type` (a schema named so) is then a `type` of the wrong shape: leaving it out changed
    # the mapping while the shape check was listing it (RuntimeError: dictionary changed
    # size during iteration; found by the hostile-schema fuzz with odd component keys).
    payload = "{type: object, properties: {all: {$ref: '#/components/schemas'}}}"
    spec = tmp_path / "h.yaml"
    spec.write_text(
        SYSTEM
        + PAYLOAD.format(payload=payload)
        + "    type: {type: object, properties: {x: {type: string}}}\n"
        + "    Lux: {type: integer}\n",
        encoding="utf-8",
    )
    out = tmp_path / "design.msgflow.json"
    assert main(["import", "asyncapi", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert (
        "h.yaml: $.components.schemas.type: type should be a JSON type name or a list of "
        "them, found a mapping: left out"
    ) in capsys.readouterr().out
    (message,) = io.load(out).messages
    assert [(f.name, f.type) for f in message.fields] == [("all", "string")]
