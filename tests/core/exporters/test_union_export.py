"""Unions, enums and discriminators leave as JSON Schema and come back the same."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from designer.core import io
from designer.core.diff import diff_designs, format_text
from designer.core.exporters.asyncapi import SYSTEM_FILE, export_asyncapi
from designer.core.exporters.eventcatalog import export_eventcatalog
from designer.core.importers.asyncapi import import_asyncapi
from designer.core.importers.spec_loading import Spec
from designer.core.model import Design, MessageField, RecordSchema
from tests.support.node_tools import asyncapi_errors

UNIONS = Path(__file__).resolve().parents[2] / "data" / "unions.msgflow.json"


def test_tagged_unions_are_oneof_with_their_discriminator_others_anyof() -> None:
    system = export_asyncapi(io.load(UNIONS), "rabbitmq")[SYSTEM_FILE]
    messages = system["components"]["messages"]
    assert messages["ShapeDrawn"]["payload"] == {
        "oneOf": [
            {"$ref": "#/components/schemas/Circle"},
            {"$ref": "#/components/schemas/Square"},
        ],
        "discriminator": "shape",
    }
    buy = messages["BuyPrint"]["payload"]["properties"]
    assert buy["size"] == {"type": "string", "enum": ["small", "medium", "large"]}
    assert buy["copies"] == {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert buy["extras"]["items"]["discriminator"] == "shape"
    # Email | Phone: a payload with both an address and a number fits both.
    assert messages["ShapeHinted"]["payload"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/Email"},
            {"$ref": "#/components/schemas/Phone"},
        ]
    }
    schemas = system["components"]["schemas"]
    assert schemas["Circle"]["properties"]["shape"] == {"type": "string", "const": "circle"}


@pytest.mark.parametrize("broker", ["rabbitmq", "nats", "kafka", "redis"])
def test_export_then_import_of_a_union_design_is_the_same_design(broker: str) -> None:
    design = io.load(UNIONS)
    system = export_asyncapi(design, broker)[SYSTEM_FILE]
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")


def test_a_plain_union_stays_plain_though_its_records_could_be_told_apart() -> None:
    # Card and Voucher have distinct `method` constants: a foreign document would be read
    # as discriminated by it, but msgflow's export says when a union has no discriminator.
    raw = UNIONS.read_text().replace(
        '"type": "Card | Voucher", "discriminator": "method"', '"type": "Card | Voucher"'
    )
    design = io.loads(raw)
    back = import_asyncapi([Spec(export_asyncapi(design, "nats")[SYSTEM_FILE], "s")]).design
    message = back.message("buy-print")
    assert message is not None and message.fields[1].discriminator is None


def test_eventcatalog_schema_of_a_union_message_is_oneof_its_records() -> None:
    files = export_eventcatalog(io.load(UNIONS))
    (path,) = [p for p in files if p.endswith("shape-drawn/schema.json")]
    assert '"oneOf"' in files[path] and '"Circle"' in files[path]
    (page,) = [p for p in files if p.endswith("shape-drawn/index.mdx")]
    assert "One of the records `Circle`, `Square` (told apart by `shape`)." in files[page]


@pytest.mark.slow  # one Node parser run
def test_union_exports_pass_the_official_parser(tmp_path: Path) -> None:
    files = []
    for name, document in export_asyncapi(io.load(UNIONS), "rabbitmq").items():
        file = tmp_path / name
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        files.append(file)
    assert len(files) == 3
    assert asyncapi_errors(files) == []


def _with_unread_records() -> Design:
    """The union design plus two records no message reads: one with fields, one empty."""
    design = io.load(UNIONS)
    extra = [
        RecordSchema(
            name="Palette",
            description="Colours a board may offer, read by no message yet.",
            fields=[
                MessageField(name="colours", type="list[string]"),
                MessageField(name="main", type="Circle | Square", required=False),
            ],
        ),
        RecordSchema(name="Nothing", fields=[]),
    ]
    return design.model_copy(update={"schemas": [*design.schemas, *extra]})


def test_a_record_no_message_reads_survives_export_and_import() -> None:
    design = _with_unread_records()
    system = export_asyncapi(design, "rabbitmq")[SYSTEM_FILE]
    assert {"Palette", "Nothing"} <= set(system["components"]["schemas"])
    back = import_asyncapi([Spec(system, "system")], design.name).design
    difference = diff_designs(design, back)
    assert not difference.changes, format_text(difference, "design", "round trip")


@pytest.mark.slow  # one Node parser run
def test_unread_records_pass_the_official_parser(tmp_path: Path) -> None:
    file = tmp_path / SYSTEM_FILE
    file.parent.mkdir(parents=True, exist_ok=True)
    system = export_asyncapi(_with_unread_records(), "rabbitmq")[SYSTEM_FILE]
    file.write_text(yaml.safe_dump(system, sort_keys=False), encoding="utf-8")
    assert asyncapi_errors([file]) == []
