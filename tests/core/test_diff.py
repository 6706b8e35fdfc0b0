"""Semantic diff: matched by id, order-insensitive, breaking changes as the rule sees them."""

from __future__ import annotations

from typing import Any

import pytest

from designer.core import io
from designer.core.diff import diff_designs, format_text
from designer.core.model import (
    Design,
    Flow,
    Message,
    MessageField,
    Node,
    Point,
    RecordSchema,
    Transport,
)
from designer.core.rules import validate
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir
from tests.support.edits import edit


def _shop() -> Design:
    return io.load(examples_dir() / "shop.msgflow.json")


def test_identical_and_reordered_designs_are_the_same() -> None:
    old, new = _shop(), _shop()
    new.flows.reverse()
    new.messages.reverse()
    diff = diff_designs(old, new)
    assert diff.same and diff.changes == [] and diff.moved == []


def test_added_removed_and_changed_items_in_file_order() -> None:
    old, new = _shop(), _shop()
    new.nodes.append(Node(id="billing", name="Billing Service"))
    new.nodes = [n for n in new.nodes if n.id != "loyalty"]
    new.flows = [f for f in new.flows if f.id != "f4" and f.id != "f7"]
    new.flows.append(
        Flow.model_validate(
            {
                "id": "f10",
                "message": "order-created",
                "from": "orders",
                "to": "billing",
                "transport": "topic",
            }
        )
    )
    edit(new, "flows", "f1", transport=Transport.QUEUE)
    summary = [(c.collection, c.action, c.id) for c in diff_designs(old, new).changes]
    assert summary == [
        ("nodes", "added", "billing"),
        ("nodes", "removed", "loyalty"),
        ("flows", "changed", "f1"),
        ("flows", "removed", "f4"),
        ("flows", "removed", "f7"),
        ("flows", "added", "f10"),
    ]
    text = format_text(diff_designs(old, new), "old", "new")
    assert "+ f10  OrderCreated: Order Service → Billing Service (topic)" in text
    assert "transport: 'http' → 'queue'" in text


def test_field_changes_and_breaking_marks() -> None:
    old, new = _shop(), _shop()
    created = new.message("order-created")
    assert created is not None
    kept = [f for f in created.fields if f.name != "total"]
    edit(
        new,
        "messages",
        created.id,
        fields=[*kept, MessageField(name="note", type="string", required=False)],
    )
    edit(new, "messages", "get-order-history", description="who bought what")
    diff = diff_designs(old, new)
    change = next(c for c in diff.changes if c.id == "order-created")
    kinds = {(f.kind, f.name) for f in change.fields}
    assert kinds == {("removed", "total"), ("added", "note")}
    assert [(f.kind, f.name) for f in change.breaking] == [("removed", "total")]
    assert [c.id for c in diff.breaking] == ["order-created"]
    described = next(c for c in diff.changes if c.id == "get-order-history")
    assert not described.is_breaking and described.attributes[0].key == "description"


def test_a_new_version_makes_the_same_change_non_breaking() -> None:
    old, new = _shop(), _shop()
    created = new.message("order-created")
    assert created is not None
    edit(new, "messages", created.id, fields=created.fields[:1], version=2)
    assert diff_designs(old, new).breaking == []


def test_schemas_layout_and_settings_show_up() -> None:
    old, new = _shop(), _shop()
    new.schemas.append(
        RecordSchema(name="Money", fields=[MessageField(name="amount", type="decimal")])
    )
    new.layout.nodes["web"] = Point(x=1, y=2)
    new.settings = new.settings.model_copy(
        update={"rules": {**new.settings.rules, "consumer-safety": "off"}}
    )
    diff = diff_designs(old, new)
    assert ("schemas", "added", "Money") in [(c.collection, c.action, c.id) for c in diff.changes]
    assert diff.moved == ["web"]
    assert any(c.collection == "settings" for c in diff.changes)
    assert diff.to_json()["summary"]["moved"] == 1


def _with_records(design: Design) -> Design:
    """Records nested three deep, read by messages through lists, maps and responses."""
    design.schemas = [
        RecordSchema(
            name="Money",
            fields=[
                MessageField(name="amount", type="decimal"),
                MessageField(name="currency", type="string"),
            ],
        ),
        RecordSchema(
            name="Line",
            fields=[
                MessageField(name="sku", type="string"),
                MessageField(name="price", type="Money"),
            ],
        ),
        RecordSchema(
            name="Basket",
            fields=[
                MessageField(name="lines", type="list[Line]"),
                MessageField(name="by_sku", type="map[string,Money]", required=False),
            ],
        ),
    ]
    records = ["list[Line]", "Basket", "map[string,Money]", "Money"]

    def with_content(index: int, message: Message) -> Message:
        content = MessageField(name="content", type=records[index // 2 % 4])
        if index % 2 == 0:
            return message.model_copy(update={"fields": [*message.fields, content]})
        if message.response is not None:
            return message.model_copy(update={"response": [*message.response, content]})
        return message

    design.messages = [with_content(i, m) for i, m in enumerate(design.messages)]
    return design


def _breaking_reported(new: Design, old: Design) -> set[str]:
    message_ids = {m.id for m in new.messages}
    return {
        next(s for s in d.subjects if s in message_ids)
        for d in validate(new, baseline=old)
        if d.rule == "breaking-change"
    }


def test_diff_marks_breaking_exactly_what_the_rule_reports() -> None:
    old = _with_records(synthetic_design(40, seed=7))
    new = old.model_copy(deep=True)
    for index, message in enumerate(new.messages):
        update: dict[str, Any] = {}
        if index % 3 == 0 and message.fields:
            update["fields"] = message.fields[1:]  # removed
        elif index % 3 == 1 and message.fields:
            retyped = message.fields[0].model_copy(update={"type": "bytes"})
            update["fields"] = [retyped, *message.fields[1:]]
        if index % 5 == 0:
            update["version"] = message.version + 1  # ...but with a new version
        new.messages[index] = message.model_copy(update=update)
    new.flows = new.flows[: len(new.flows) // 2]  # some messages lose their consumers
    diff = diff_designs(old, new)
    marked = {c.id for c in diff.breaking if c.collection == "messages"}
    assert marked and set(diff.broken_messages) == marked == _breaking_reported(new, old)


@pytest.mark.parametrize(
    ("record", "index", "change"),
    [
        ("Money", 1, {"type": "integer"}),  # retyped, read through three levels
        ("Money", 0, {"name": "value"}),  # renamed
        ("Line", 0, None),  # removed
        ("Basket", 1, {"required": True}),  # newly required: breaks requests only
        ("Money", 1, {"required": False}),  # no longer required: breaks responses only
        ("Line", 0, {"description": "stock keeping unit"}),  # harmless
    ],
)
def test_diff_and_rule_agree_on_changes_inside_records(
    record: str, index: int, change: dict[str, Any] | None
) -> None:
    old = _with_records(synthetic_design(40, seed=7))
    new = old.model_copy(deep=True)
    for message in new.messages[::7]:
        edit(new, "messages", message.id, version=message.version + 1)
    new.flows = new.flows[: len(new.flows) * 2 // 3]
    schema = new.record(record)
    assert schema is not None
    fields = list(schema.fields)
    if change is None:
        del fields[index]
    else:
        fields[index] = fields[index].model_copy(update=change)
    edit(new, "schemas", record, fields=fields)
    diff = diff_designs(old, new)
    reported = _breaking_reported(new, old)
    assert set(diff.broken_messages) == reported
    # Messages changed only their version: whatever breaks, breaks through the record.
    assert not any(c.is_breaking for c in diff.changes if c.collection == "messages")
    harmless = change is not None and "description" in change
    assert bool(reported) is not harmless
    schema_change = next(c for c in diff.changes if c.id == record)
    assert schema_change.is_breaking is not harmless
    assert {m.id for m in schema_change.breaks} == reported


def test_a_breaking_record_change_names_the_messages_in_text_and_json() -> None:
    old, new = _shop(), _shop()
    line = new.record("OrderLine")
    assert line is not None
    retyped = line.fields[1].model_copy(update={"type": "string"})
    edit(new, "schemas", line.name, fields=[line.fields[0], retyped, *line.fields[2:]])
    diff = diff_designs(old, new)
    assert diff.broken_messages == ["order-created", "submit-order"]
    text = format_text(diff, "old", "new")
    assert "~ OrderLine  OrderLine  BREAKING (breaks OrderCreated, SubmitOrder)" in text
    assert "field 'qty' retyped integer → string  BREAKING" in text
    assert "1 changed, 1 breaking" in text
    [change] = diff.to_json()["changes"]
    assert change["breaks_messages"] == [
        {"id": "order-created", "name": "OrderCreated"},
        {"id": "submit-order", "name": "SubmitOrder"},
    ]
    assert [f["breaking"] for f in change["fields"]] == [True]


def test_added_and_removed_nodes_are_not_also_listed_as_moved() -> None:
    old = io.load(examples_dir() / "shop.msgflow.json")
    new = old.model_copy(deep=True)
    new.nodes.append(Node(id="payments", name="Payment Service"))
    new.layout.nodes["payments"] = Point(x=900, y=500)
    new.layout.nodes["web"] = Point(x=-40, y=90)
    diff = diff_designs(old, new)
    assert diff.moved == ["web"]
    assert "layout: 1 node(s) moved (web)" in format_text(diff, "old", "new")
