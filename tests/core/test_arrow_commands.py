"""Commands on arrows: bends, labels, route style and re-attaching ends, each one undo
step that undo reverses exactly; refusals say why and change nothing."""

from __future__ import annotations

import pytest

from designer.core import io
from designer.core.arrow_commands import (
    AddBend,
    MoveBend,
    MoveLabel,
    ReattachFlow,
    RemoveBend,
    ResetLabel,
    SetRouteStyle,
    Straighten,
)
from designer.core.commands import AddFlow, AddMessage, RemoveFlows, RemoveNodes
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.history import History
from designer.core.model import MAX_BENDS, Flow, FlowLayout, Message, Point, RouteStyle
from designer.resources import examples_dir


@pytest.fixture
def doc() -> Document:
    return Document(io.load(examples_dir() / "shop.msgflow.json"))


def P(x: float, y: float) -> Point:
    return Point(x=x, y=y)


def saved(doc: Document) -> str:
    return io.dumps(doc.design)


def test_a_drag_of_a_bend_is_one_undo_step_storing_the_shown_route(doc: Document) -> None:
    history, before = History(doc), saved(doc)
    shown = [P(300, 142), P(300, 200)]  # the corners the arrow showed as handles
    for step, y in enumerate((210, 220, 240)):
        history.push(MoveBend("f1", 1, P(310, y), shown=shown, drag_id=7))
        assert doc.design.layout.flows["f1"].bends == [P(300, 142), P(310, y)], step
    assert history.undo_text == "Move bend of SubmitOrder"
    assert history.undo() and saved(doc) == before
    assert not history.undo()  # the three steps of the drag were one
    assert "f1" not in doc.design.layout.flows


def test_add_bend_then_straighten_then_undo_each(doc: Document) -> None:
    history, before = History(doc), saved(doc)
    history.push(AddBend("f1", 0, P(150, 40)))
    assert doc.design.layout.flows["f1"].bends == [P(150, 40)]
    history.push(AddBend("f1", 1, P(300, 40)))
    assert doc.design.layout.flows["f1"].bends == [P(150, 40), P(300, 40)]
    with_bends = saved(doc)
    history.push(Straighten(["f1"]))
    assert "f1" not in doc.design.layout.flows  # nothing chosen any more: no entry
    assert history.undo() and saved(doc) == with_bends
    assert history.undo() and history.undo() and saved(doc) == before


def test_labels_move_and_reset_and_keep_the_rest_of_the_shape(doc: Document) -> None:
    history = History(doc)
    history.push(SetRouteStyle(["f2"], RouteStyle.CURVED))
    for x in (10, 20, 30):
        history.push(MoveLabel("f2", P(x, -40), drag_id="d"))
    assert doc.design.layout.flows["f2"] == FlowLayout(route=RouteStyle.CURVED, label=P(30, -40))
    history.push(ResetLabel(["f2"]))
    assert doc.design.layout.flows["f2"] == FlowLayout(route=RouteStyle.CURVED)
    assert history.undo() and doc.design.layout.flows["f2"].label == P(30, -40)
    assert history.undo() and doc.design.layout.flows["f2"].label is None  # one drag, one step
    assert history.undo() and "f2" not in doc.design.layout.flows


def test_route_style_of_several_arrows_is_one_step(doc: Document) -> None:
    history = History(doc)
    history.push(SetRouteStyle(["f1", "f2", "f3"], RouteStyle.STRAIGHT))
    assert {doc.design.layout.flows[f].route for f in ("f1", "f2", "f3")} == {RouteStyle.STRAIGHT}
    history.undo()
    assert doc.design.layout.flows == {}


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (Straighten(["f1"]), "no bends to remove"),
        (ResetLabel(["f1"]), "already placed automatically"),
        (SetRouteStyle(["f1"], RouteStyle.ORTHOGONAL), "already drawn orthogonal"),
        (MoveBend("f1", 0, P(1, 1)), "has no bend 1"),
        (AddBend("f1", 3, P(1, 1), shown=[P(0, 0)]), "no place 4"),
        (MoveLabel("f1", Point.model_construct(x=2e9, y=0.0)), "outside the drawing area"),
        (MoveLabel("nope", P(0, 0)), "nope"),
        (AddBend("f1", 0, P(0, 0), shown=[P(0, 0)] * MAX_BENDS), f"more than {MAX_BENDS}"),
    ],
)
def test_refused_arrow_edits_say_why_and_change_nothing(
    doc: Document, command: object, reason: str
) -> None:
    before = saved(doc)
    with pytest.raises(EditError, match=reason):
        History(doc).push(command)  # type: ignore[arg-type]
    assert saved(doc) == before


def test_removing_an_arrow_removes_its_shape_and_undo_brings_both_back(doc: Document) -> None:
    history = History(doc)
    history.push(AddBend("f4", 0, P(600, 300)))
    shaped = saved(doc)
    history.push(RemoveFlows(["f4"]))
    assert "f4" not in doc.design.layout.flows
    io.loads(saved(doc))  # the file stays loadable: no shape of a missing flow
    history.undo()
    assert saved(doc) == shaped
    history.push(RemoveNodes(["loyalty"]))  # f4's target: the flow and its shape go
    assert "f4" not in doc.design.layout.flows
    io.loads(saved(doc))
    history.undo()
    assert saved(doc) == shaped


def test_reattaching_a_subscriber_drops_bends_keeps_style_in_one_step(doc: Document) -> None:
    history = History(doc)
    history.push(SetRouteStyle(["f2"], RouteStyle.CURVED))
    history.push(AddBend("f2", 0, P(700, 50)))
    shaped = saved(doc)
    history.push(ReattachFlow("f2", "target", "loyalty"))
    assert doc.flow("f2").target == "loyalty"
    assert doc.design.layout.flows["f2"] == FlowLayout(route=RouteStyle.CURVED)
    assert history.undo_text == "Re-attach OrderCreated to Loyalty Service"
    history.undo()
    assert saved(doc) == shaped


@pytest.mark.parametrize(
    ("flow", "end", "card", "reason"),
    [
        # An event's publisher is its owner: another card cannot send it.
        ("f2", "source", "loyalty", "its publisher is Order Service \\(its owner\\)"),
        # A command has one handler, its owner.
        ("f4", "target", "customers", "its handler is Loyalty Service"),
        # A query has one responder.
        ("f6", "target", "shipping", "its responder is Customer Service"),
        ("f1", "target", "ghost", "no card 'ghost'"),
        ("f1", "target", "orders", "already ends at Order Service"),
    ],
)
def test_reattaching_an_owning_end_elsewhere_is_refused_with_the_reason(
    doc: Document, flow: str, end: str, card: str, reason: str
) -> None:
    before = saved(doc)
    with pytest.raises(EditError, match=reason):
        History(doc).push(ReattachFlow(flow, end, card))  # type: ignore[arg-type]
    assert saved(doc) == before


def test_without_an_owner_the_other_arrows_decide_the_publisher(doc: Document) -> None:
    history = History(doc)
    history.push(AddMessage(Message(id="tick", name="Tick", kind="event")))  # type: ignore[arg-type]
    for flow_id, target in (("t1", "loyalty"), ("t2", "shipping")):
        history.push(
            AddFlow(
                Flow.model_validate(
                    {
                        "id": flow_id,
                        "message": "tick",
                        "from": "orders",
                        "to": target,
                        "transport": "topic",
                    }
                )
            )
        )
    with pytest.raises(EditError, match="its other arrows make Order Service the publisher"):
        history.push(ReattachFlow("t1", "source", "customers"))
    history.push(RemoveFlows(["t2"]))
    history.push(ReattachFlow("t1", "source", "customers"))  # the only arrow: it may move
    assert doc.flow("t1").source == "customers"


def test_removing_bends_one_by_one_ends_with_an_automatic_route(doc: Document) -> None:
    history = History(doc)
    before = saved(doc)
    history.push(RemoveBend("f1", 1, shown=[P(150, 40), P(300, 40), P(300, 140)]))
    assert doc.design.layout.flows["f1"].bends == [P(150, 40), P(300, 140)]
    history.push(RemoveBend("f1", 0))
    history.push(RemoveBend("f1", 0))
    assert "f1" not in doc.design.layout.flows  # nothing chosen any more
    with pytest.raises(EditError, match="has no bend 1"):
        history.push(RemoveBend("f1", 0))
    while history.undo():
        pass
    assert saved(doc) == before


def test_retargeting_in_the_inspector_also_drops_the_old_bends(doc: Document) -> None:
    from designer.core.commands import EditFlow

    history = History(doc)
    history.push(SetRouteStyle(["f3"], RouteStyle.CURVED))
    history.push(AddBend("f3", 0, P(900, 200)))
    shaped = saved(doc)
    history.push(EditFlow("f3", to="loyalty"))
    assert doc.design.layout.flows["f3"] == FlowLayout(route=RouteStyle.CURVED)
    history.undo()
    assert saved(doc) == shaped
    history.push(EditFlow("f3", idempotent=False))  # not an end: the shape stays
    assert doc.design.layout.flows["f3"].bends == [P(900, 200)]
