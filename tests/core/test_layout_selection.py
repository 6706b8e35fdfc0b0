"""Arrange selection: only the chosen cards move, laid out where they were, clear of the
others; an auto-layout's one undo step also drops the bends chosen for old places."""

from __future__ import annotations

import itertools

from designer.core import io
from designer.core.arrow_commands import AddBend, DropPlaces, MoveLabel, SetRouteStyle
from designer.core.commands import Macro, MoveNodes
from designer.core.document import Document
from designer.core.history import History
from designer.core.layout import CARD_HEIGHT, CARD_WIDTH, auto_layout, overlapping_cards
from designer.core.layout_selection import arrange_selection
from designer.core.model import Point, RouteStyle
from designer.resources import examples_dir


def test_only_the_selection_moves_and_it_covers_no_other_card() -> None:
    design = io.load(examples_dir() / "marketplace.msgflow.json")
    chosen = sorted(design.layout.nodes)[:6]
    moved = arrange_selection(design, chosen)
    assert set(moved) == set(chosen)
    after = {**design.layout.nodes, **moved}
    arranged = design.model_copy(update={"layout": design.layout.with_nodes(after)})
    assert overlapping_cards(arranged) == []
    # Not a pile: the arranged cards are apart from each other too.
    part = {n: (p.x, p.y) for n, p in moved.items()}
    for (a, pa), (b, pb) in itertools.combinations(sorted(part.items()), 2):
        assert abs(pa[0] - pb[0]) >= CARD_WIDTH or abs(pa[1] - pb[1]) >= CARD_HEIGHT, (a, b)


def test_the_block_lands_where_the_selection_was_when_there_is_room() -> None:
    design = io.load(examples_dir() / "shop.msgflow.json")
    chosen = ["loyalty", "customers"]
    corner = (
        min(design.layout.nodes[n].x for n in chosen),
        min(design.layout.nodes[n].y for n in chosen),
    )
    moved = arrange_selection(design, chosen)
    assert min(p.x for p in moved.values()) >= corner[0]
    assert min(p.y for p in moved.values()) >= corner[1]
    assert arrange_selection(design, ["nobody"]) == {}


def test_auto_layout_in_one_step_drops_bends_and_labels_but_keeps_styles() -> None:
    doc = Document(io.load(examples_dir() / "shop.msgflow.json"))
    history = History(doc)
    history.push(AddBend("f1", 0, Point(x=100, y=-50)))
    history.push(MoveLabel("f2", Point(x=700, y=40)))
    history.push(SetRouteStyle(["f3"], RouteStyle.CURVED))
    shaped = io.dumps(doc.design)
    arranged = auto_layout(doc.design)
    history.push(
        Macro(
            "Auto layout",
            [MoveNodes(arranged.layout.nodes), DropPlaces(doc.design.layout.flows)],
        )
    )
    assert doc.design.layout.flows == {"f3": doc.design.layout.flows["f3"]}
    assert doc.design.layout.flows["f3"].route is RouteStyle.CURVED
    # `fmt --layout` (auto_layout on the file) does the same.
    assert arranged.layout.flows == doc.design.layout.flows
    history.undo()
    assert io.dumps(doc.design) == shaped
