"""Undoable edits without Qt: every command undoes exactly, including list order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core import io
from designer.core.commands import (
    AddFlow,
    AddMessage,
    AddNode,
    AddSchema,
    Command,
    EditDesign,
    EditFlow,
    EditMessage,
    EditNode,
    EditSchema,
    EditSettings,
    Macro,
    MoveNodes,
    RemoveFlows,
    RemoveMessages,
    RemoveNodes,
    RemoveSchema,
)
from designer.core.document import Change, Document
from designer.core.errors import EditError
from designer.core.history import History
from designer.core.model import (
    Flow,
    Message,
    MessageField,
    Node,
    NodeKind,
    Point,
    RecordSchema,
    Settings,
)
from designer.resources import examples_dir
from tests.support.hypothesis_budget import examples


@pytest.fixture
def doc() -> Document:
    return Document(io.load(examples_dir() / "shop.msgflow.json"))


def _flow(flow_id: str, message: str, source: str, target: str, transport: str = "queue") -> Flow:
    return Flow.model_validate(
        {"id": flow_id, "message": message, "from": source, "to": target, "transport": transport}
    )


def test_removing_a_node_removes_its_flows_and_undo_restores_them_in_order(doc: Document) -> None:
    before = [f.id for f in doc.design.flows]
    history = History(doc)
    history.push(RemoveNodes(["orders"]))
    assert doc.get("nodes", "orders") is None
    assert all("orders" not in (f.source, f.target) for f in doc.design.flows)
    assert doc.message("submit-order").owner is None  # ownership cleared, not dangling
    history.undo()
    assert [f.id for f in doc.design.flows] == before
    assert doc.message("submit-order").owner == "orders"
    assert "orders" in doc.design.layout.nodes


def test_listeners_hear_one_notification_per_command(doc: Document) -> None:
    heard: list[tuple[Change, ...]] = []
    doc.subscribe(heard.append)
    History(doc).push(RemoveNodes(["loyalty"]))
    assert len(heard) == 1
    assert Change("nodes", "removed", "loyalty") in heard[0]
    assert Change("flows", "removed", "f4") in heard[0]


def test_listeners_hear_in_phases_whatever_order_they_subscribed_in(doc: Document) -> None:
    heard: list[str] = []
    for phase in ("settle", "views", "derived", "prepare"):  # backwards on purpose
        doc.subscribe(lambda _changes, phase=phase: heard.append(phase), phase=phase)
    doc.subscribe(lambda _changes: heard.append("views (default)"))
    History(doc).push(RemoveNodes(["loyalty"]))
    assert heard == ["prepare", "derived", "views", "views (default)", "settle"]


def test_step_names_read_like_a_menu(doc: Document) -> None:
    history = History(doc)
    history.push(
        AddFlow(
            _flow("f9", "cancel-order", "web", "orders", "http"),
            Message(id="cancel-order", name="CancelOrder", kind="command"),
        )
    )
    assert history.undo_text == "Add flow CancelOrder"
    history.push(EditNode("orders", name="Orders"))
    assert history.undo_text == "Rename Orders"
    history.push(EditFlow("f4", transport="topic"))
    assert history.undo_text == "Change transport of AddLoyaltyPoints"


def test_drag_steps_merge_into_one_undo_step(doc: Document) -> None:
    history = History(doc)
    start = doc.design.layout.nodes["web"]
    for x in range(10, 60, 10):
        history.push(MoveNodes({"web": Point(x=x, y=0)}, drag_id=7))
    assert doc.design.layout.nodes["web"] == Point(x=50, y=0)
    history.undo()
    assert doc.design.layout.nodes["web"] == start
    assert history.undo_text is None


def test_separate_drags_do_not_merge(doc: Document) -> None:
    history = History(doc)
    history.push(MoveNodes({"web": Point(x=1, y=0)}, drag_id=1))
    history.push(MoveNodes({"web": Point(x=2, y=0)}, drag_id=2))
    history.undo()
    assert doc.design.layout.nodes["web"] == Point(x=1, y=0)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (EditFlow("f1", to="shiping"), "unknown node 'shiping' (did you mean 'shipping'?)"),
        (RemoveNodes(["ghost"]), "no node with id 'ghost'"),
        (AddNode(Node(id="orders", name="Again")), "already exists"),
        (EditMessage("order-created", response=[]), "only queries have a response"),
        (
            EditMessage("order-created", fields=[MessageField(name="x", type="Nope")]),
            "unknown field type 'Nope'",
        ),
        (RemoveSchema("OrderLine"), "still used"),
        (EditDesign("  "), "needs a name"),
    ],
)
def test_impossible_edits_raise_and_change_nothing(
    doc: Document, command: Command, message: str
) -> None:
    before = io.dumps(doc.design)
    with pytest.raises(
        EditError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")
    ):
        History(doc).push(command)
    assert io.dumps(doc.design) == before


def test_macro_is_one_step(doc: Document) -> None:
    history = History(doc)
    history.push(Macro("Paste", [AddNode(Node(id="a", name="A")), AddNode(Node(id="b", name="B"))]))
    assert doc.has("nodes", "a") and doc.has("nodes", "b")
    history.undo()
    assert not doc.has("nodes", "a") and not doc.has("nodes", "b")


def test_changing_a_query_to_an_event_drops_its_response(doc: Document) -> None:
    History(doc).push(EditMessage("get-customer", kind="event", name="CustomerFetched"))
    assert doc.message("get-customer").response is None


def test_schema_rename_is_refused_while_used_and_allowed_when_free(doc: Document) -> None:
    history = History(doc)
    with pytest.raises(EditError):
        history.push(EditSchema("OrderLine", name="Line"))
    history.push(
        AddSchema(RecordSchema(name="Money", fields=[MessageField(name="amount", type="decimal")]))
    )
    history.push(EditSchema("Money", name="Amount"))
    assert doc.get("schemas", "Amount") is not None and doc.get("schemas", "Money") is None
    history.undo()
    assert doc.get("schemas", "Money") is not None


def test_clean_state_tracks_saves(doc: Document) -> None:
    history = History(doc)
    assert history.is_clean
    history.push(EditDesign("Shop 2"))
    assert not history.is_clean
    history.set_clean()
    history.undo()
    assert not history.is_clean
    history.redo()
    assert history.is_clean


# ---------------------------------------------------------------- property test

NODE_IDS = ["customers", "loyalty", "notifications", "orders", "shipping", "web", "n1", "n2"]
MESSAGE_IDS = ["submit-order", "order-created", "get-customer", "add-loyalty-points", "m1", "m2"]


def edit_strategy() -> st.SearchStrategy[Command]:
    node = st.sampled_from(NODE_IDS)
    message = st.sampled_from(MESSAGE_IDS)
    flow = st.sampled_from([f"f{i}" for i in range(1, 12)])
    transport = st.sampled_from(["http", "queue", "topic"])
    kind = st.sampled_from(["command", "query", "event"])
    coord = st.integers(-500, 500).map(float)
    return st.one_of(
        st.builds(
            lambda i, k: AddNode(Node(id=i, name=i.title(), kind=k), Point(x=1, y=2)),
            st.sampled_from(["n1", "n2"]),
            st.sampled_from(list(NodeKind)),
        ),
        st.builds(lambda ids: RemoveNodes(ids), st.lists(node, min_size=1, max_size=2)),
        st.builds(lambda i, name: EditNode(i, name=name), node, st.text(min_size=1, max_size=8)),
        st.builds(lambda i, x, y: MoveNodes({i: Point(x=x, y=y)}, drag_id=i), node, coord, coord),
        st.builds(
            lambda i, k: AddMessage(Message(id=i, name=i.upper(), kind=k)),
            st.sampled_from(["m1", "m2"]),
            kind,
        ),
        st.builds(lambda i: RemoveMessages([i]), message),
        st.builds(lambda i, k: EditMessage(i, kind=k), message, kind),
        st.builds(
            lambda f, m, a, b, t: AddFlow(_flow(f, m, a, b, t)),
            flow,
            message,
            node,
            node,
            transport,
        ),
        st.builds(lambda f, t: EditFlow(f, transport=t), flow, transport),
        st.builds(lambda f, a: EditFlow(f, to=a), flow, node),
        st.builds(lambda f: RemoveFlows([f]), flow),
        st.builds(lambda name: EditDesign(name), st.text(min_size=1, max_size=5)),
        st.builds(lambda: EditSettings(Settings(rules={"orphan-node": "off"}))),
    )


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(edit_strategy(), st.booleans()), max_size=25))
def test_random_edit_sequences_undo_all_to_the_original(steps: list[tuple[Command, bool]]) -> None:
    doc = Document(io.load(examples_dir() / "shop.msgflow.json"))
    original = io.dumps(doc.design)
    history = History(doc)
    snapshots: list[str] = []
    for command, undo_now in steps:
        try:
            history.push(command)
        except EditError:
            continue
        # Every state the document reaches is a valid, loadable design.
        text = io.dumps(doc.design)
        assert io.dumps(io.loads(text)) == text
        if undo_now:
            history.undo()
            history.redo()
            assert io.dumps(doc.design) == text
        snapshots.append(text)
    while history.undo():
        pass
    assert io.dumps(doc.design) == original
    while history.redo():
        pass
    assert io.dumps(doc.design) == (snapshots[-1] if snapshots else original)


def _items(doc: Document) -> list[Any]:
    design = doc.design
    return [
        *design.nodes,
        *design.messages,
        *design.flows,
        *design.schemas,
        *design.layout.nodes.values(),
        *design.layout.flows.values(),
        design.settings,
    ]


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(edit_strategy(), st.booleans()), max_size=20))
def test_an_item_someone_holds_never_changes_under_them(
    steps: list[tuple[Command, bool]],
) -> None:
    # Views, the history and the validator keep items they were given: edits must make
    # new items, never change one in place (an append to its list of fields, say).
    doc = Document(io.load(examples_dir() / "shop.msgflow.json"))
    history = History(doc)
    held: dict[int, tuple[Any, dict[str, Any]]] = {}

    def hold_and_check() -> None:
        for item in _items(doc):
            held.setdefault(id(item), (item, item.model_dump()))
        for item, seen in held.values():
            assert item.model_dump() == seen, f"{type(item).__name__} changed in place"

    hold_and_check()
    for command, undo_now in steps:
        try:
            history.push(command)
        except EditError:
            continue
        hold_and_check()
        if undo_now:
            history.undo()
            hold_and_check()
            history.redo()
            hold_and_check()


def test_a_snapshot_keeps_the_design_as_it_was(doc: Document) -> None:
    snapshot = doc.snapshot()
    history = History(doc)
    history.push(EditFlow("f3", to="loyalty"))
    history.push(RemoveNodes(["web"]))
    history.push(MoveNodes({"orders": Point(x=999, y=999)}))
    assert (
        snapshot.flow("f3").target == "notifications" and doc.design.flow("f3").target == "loyalty"
    )
    assert snapshot.node("web") is not None and doc.design.node("web") is None
    assert snapshot.layout.nodes["orders"] != doc.design.layout.nodes["orders"]
