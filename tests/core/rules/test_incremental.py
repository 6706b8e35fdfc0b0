"""Incremental validation equals a full run, over random edit sequences made with the real commands."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import commands as cmd
from designer.core.document import Change, Document
from designer.core.errors import EditError
from designer.core.incremental import IncrementalValidator
from designer.core.model import (
    Design,
    Flow,
    Message,
    MessageField,
    Node,
    Point,
    RecordSchema,
    Settings,
    Suppression,
    Transport,
)
from designer.core.rules import validate
from designer.core.synthetic import synthetic_design
from tests.support.hypothesis_budget import examples

NAMES = [
    "SubmitOrder",
    "OrderSubmitted",
    "GetOrder",
    "order_submitted",
    "CreateReport",
    "PaymentSent",
    "Ship",
    "ParcelShipped",
    "Orders",
    "orders",
    "Billing",
]
RULES = ["internal-sync-call", "consumer-safety", "orphan-node", "sync-cycle", "no-such-rule"]


LINES = MessageField(name="lines", type="list[Line]")
RECORD_FIELDS = [  # what schema edits set Line's fields to
    [MessageField(name="sku", type="string"), MessageField(name="price", type="Money")],
    [MessageField(name="sku", type="string")],  # price removed
    [MessageField(name="sku", type="integer"), MessageField(name="price", type="Money")],
    [MessageField(name="code", type="string"), MessageField(name="price", type="Money")],
    [
        MessageField(name="sku", type="string"),
        MessageField(name="price", type="Money"),
        MessageField(name="note", type="string", required=False),
    ],
    [MessageField(name="sku", type="string"), MessageField(name="price", type="map[string,Nope]")],
]
MONEY_FIELDS = [
    [MessageField(name="amount", type="decimal")],
    [MessageField(name="amount", type="string")],
    [MessageField(name="amount", type="decimal"), MessageField(name="currency", type="string")],
]


def _seed_design() -> Design:
    design = synthetic_design(12, seed=3)
    # Some http between services so the sync rules have something to find.
    design.flows[:6] = [
        f.model_copy(update={"transport": Transport.HTTP}) for f in design.flows[:6]
    ]
    # Records read by messages (Money through Line), so schema edits reach breaking-change.
    design.schemas = [
        RecordSchema(name="Line", fields=RECORD_FIELDS[0]),
        RecordSchema(name="Money", fields=MONEY_FIELDS[0]),
    ]
    design.messages[::2] = [
        m.model_copy(update={"fields": [*m.fields, LINES]}) for m in design.messages[::2]
    ]
    return design


def _ids(doc: Document, collection: str) -> list[str]:
    return [item.id for item in getattr(doc.design, collection)]


def _command(data: st.DataObject, doc: Document, counter: list[int]) -> cmd.Command | None:
    nodes, messages, flows = _ids(doc, "nodes"), _ids(doc, "messages"), _ids(doc, "flows")
    draw = data.draw
    counter[0] += 1
    n = counter[0]
    choice = draw(
        st.sampled_from(
            [
                "add_node",
                "edit_node",
                "remove_node",
                "add_message",
                "edit_message",
                "remove_message",
                "add_flow",
                "edit_flow",
                "edit_flow",
                "remove_flow",
                "move",
                "settings",
                "edit_schema",
                "add_schema",
            ]
        )
    )
    if choice == "add_node":
        return cmd.AddNode(
            Node(
                id=f"n{n}",
                name=draw(st.sampled_from(NAMES)),
                kind=draw(st.sampled_from(["service", "actor"])),
            )
        )
    if choice == "edit_node" and nodes:
        changes: dict[str, Any] = draw(
            st.sampled_from(
                [
                    {"name": draw(st.sampled_from(NAMES))},
                    {"kind": draw(st.sampled_from(["service", "actor"]))},
                    {"suppress": [Suppression(rule=draw(st.sampled_from(RULES)), reason="test")]},
                ]
            )
        )
        return cmd.EditNode(draw(st.sampled_from(nodes)), **changes)
    if choice == "remove_node" and nodes:
        return cmd.RemoveNodes([draw(st.sampled_from(nodes))])
    if choice == "add_message":
        kind = draw(st.sampled_from(["command", "event", "query"]))
        fields = draw(st.sampled_from([[], [MessageField(name="id", type="uuid")]]))
        owner = draw(st.sampled_from([None, *nodes[:3]]))
        return cmd.AddMessage(
            Message(
                id=f"m{draw(st.integers(1, 30))}b{n}",
                name=draw(st.sampled_from(NAMES)),
                kind=kind,
                fields=fields,
                owner=owner,
            )
        )
    if choice == "edit_message" and messages:
        mid = draw(st.sampled_from(messages))
        changes = draw(
            st.sampled_from(
                [
                    {"name": draw(st.sampled_from(NAMES))},
                    {"kind": draw(st.sampled_from(["command", "event", "query"]))},
                    {"owner": draw(st.sampled_from([None, *nodes[:4]]))},
                    {"fields": []},
                    {"fields": [MessageField(name="id", type="uuid"), LINES]},
                    {"suppress": [Suppression(rule=draw(st.sampled_from(RULES)), reason="x")]},
                ]
            )
        )
        return cmd.EditMessage(mid, **changes)
    if choice == "remove_message" and messages:
        return cmd.RemoveMessages([draw(st.sampled_from(messages))])
    if choice == "add_flow" and nodes and messages:
        flow = Flow.model_validate(
            {
                "id": f"f{draw(st.integers(1, 40))}b{n}",  # lands mid-list: paths shift
                "message": draw(st.sampled_from(messages)),
                "from": draw(st.sampled_from(nodes)),
                "to": draw(st.sampled_from(nodes)),
                "transport": draw(st.sampled_from(["http", "queue", "topic"])),
                "caused_by": draw(st.sampled_from([None, *messages[:8]])),
                "reply": draw(st.sampled_from([None, "r.replies"])),
            }
        )
        return cmd.AddFlow(flow)
    if choice == "edit_flow" and flows:
        changes = draw(
            st.sampled_from(
                [
                    {"transport": draw(st.sampled_from(["http", "queue", "topic"]))},
                    {"to": draw(st.sampled_from(nodes))} if nodes else {"idempotent": True},
                    {"from": draw(st.sampled_from(nodes))} if nodes else {"idempotent": False},
                    {"caused_by": draw(st.sampled_from([None, *messages[:8]]))},
                    {"message": draw(st.sampled_from(messages))} if messages else {"reply": None},
                    {"idempotent": draw(st.booleans())},
                    {
                        "channel": draw(
                            st.sampled_from([None, "legacy.in", "bad name", "a.*", "/x"])
                        )
                    },
                    {"suppress": [Suppression(rule=draw(st.sampled_from(RULES)), reason="x")]},
                ]
            )
        )
        return cmd.EditFlow(draw(st.sampled_from(flows)), **changes)
    if choice == "remove_flow" and flows:
        return cmd.RemoveFlows(draw(st.lists(st.sampled_from(flows), min_size=1, max_size=3)))
    if choice == "move" and nodes:
        return cmd.MoveNodes({draw(st.sampled_from(nodes)): Point(x=n, y=n)})
    if choice == "settings":
        rules = draw(
            st.sampled_from(
                [
                    {},
                    {"sync-chain-depth": {"threshold": 2}},
                    {"consumer-safety": "off"},
                    {"bogus": "error"},
                ]
            )
        )
        return cmd.EditSettings(Settings(rules=rules))
    if choice == "edit_schema":
        if draw(st.booleans()):
            return cmd.EditSchema("Line", fields=draw(st.sampled_from(RECORD_FIELDS)))
        return cmd.EditSchema("Money", fields=draw(st.sampled_from(MONEY_FIELDS)))
    if choice == "add_schema":
        return cmd.AddSchema(RecordSchema(name=f"Extra{n}", fields=[LINES]))
    return None


def _run_random_edits(data: st.DataObject, baseline: Design | None) -> None:
    doc = Document(_seed_design())
    validator = IncrementalValidator(doc.design, baseline)
    received: list[tuple[Change, ...]] = []
    doc.subscribe(received.append)
    done: list[cmd.Command] = []
    counter = [0]
    for _step in range(data.draw(st.integers(5, 25))):
        action = data.draw(st.sampled_from(["do", "do", "do", "undo"]))
        if action == "undo" and done:
            done.pop().undo(doc)
        else:
            command = _command(data, doc, counter)
            if command is None:
                continue
            try:
                command.redo(doc)
            except EditError:
                continue
            done.append(command)
        for changes in received:
            validator.update(doc.design, changes)
        received.clear()
        assert validator.diagnostics == validate(doc.design, baseline)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_equals_full_validation_after_every_edit(data: st.DataObject) -> None:
    _run_random_edits(data, None)


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_incremental_with_a_baseline_equals_full_validation(data: st.DataObject) -> None:
    baseline = _seed_design()
    legacy = MessageField(name="legacy", type="string")  # lost since the baseline
    baseline.messages[::3] = [
        m.model_copy(update={"fields": [*m.fields, legacy]}) for m in baseline.messages[::3]
    ]
    _run_random_edits(data, baseline)


def test_a_schema_edit_and_its_undo_update_breaking_change() -> None:
    baseline = _seed_design()
    doc = Document(_seed_design())
    validator = IncrementalValidator(doc.design, baseline)
    received: list[tuple[Change, ...]] = []
    doc.subscribe(received.append)

    def breaking() -> dict[str, str]:
        """Message id -> diagnostic text of breaking-change, after feeding the edits."""
        for changes in received:
            validator.update(doc.design, changes)
        received.clear()
        assert validator.diagnostics == validate(doc.design, baseline)
        ids = {m.id for m in doc.design.messages}
        return {
            next(s for s in d.subjects if s in ids): d.message
            for d in validator.diagnostics
            if d.rule == "breaking-change"
        }

    assert breaking() == {}
    edit = cmd.EditSchema("Money", fields=MONEY_FIELDS[1])  # amount retyped, read through Line
    edit.redo(doc)
    consumed = {f.message for f in doc.design.flows}
    readers = {m.id for m in doc.design.messages if LINES in m.fields and m.id in consumed}
    found = breaking()
    assert readers and set(found) == readers
    assert all("Money.amount retyped decimal → string" in text for text in found.values())
    edit.undo(doc)
    assert breaking() == {}


def test_layout_only_edit_changes_nothing_and_returns_the_same_list() -> None:
    doc = Document(_seed_design())
    validator = IncrementalValidator(doc.design)
    before = validator.diagnostics
    cmd.MoveNodes({doc.design.nodes[0].id: Point(x=5, y=5)}).redo(doc)
    assert (
        validator.update(doc.design, [Change("layout", "changed", doc.design.nodes[0].id)])
        == before
    )
