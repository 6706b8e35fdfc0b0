"""Many arrows between two cards side by side fan out over and under them (fans.py): a
few run straight across, each of the others on an arch of its own a row apart, so every
label sits on its own arrow."""

from __future__ import annotations

import itertools

import pytest

from designer.core.diagram import build_diagram
from designer.core.diagram.fans import FAN_ROW
from designer.core.diagram.metrics import measure
from designer.core.model import Design, Flow, Layout, Message, MessageKind, Node, NodeKind, Point


def _pair(count: int, places: dict[str, Point]) -> Design:
    """Cards n0 and n1 (and any others in `places`), `count` arrows n1 -> n0 but one."""
    nodes = [Node(id=key, name=key.upper(), kind=NodeKind.SERVICE) for key in places]
    messages = [
        Message(id=f"m{k}", name=f"somethingHappened{k}", kind=MessageKind.EVENT, owner="n1")
        for k in range(count)
    ]
    flows = [
        Flow.model_validate(
            {
                "id": f"f{k:02}",
                "message": f"m{k}",
                "from": "n0" if k == 0 else "n1",
                "to": "n1" if k == 0 else "n0",
                "transport": "topic",
            }
        )
        for k in range(count)
    ]
    return Design(
        name="Pair", nodes=nodes, messages=messages, flows=flows, layout=Layout(nodes=places)
    )


def test_twenty_arrows_between_two_cards_side_by_side_fan_out_with_labels_on_them() -> None:
    """Twenty arrows between two cards 300 px apart: on their facing sides they ran
    about 3.6 px apart, one band no label could sit on alone. Three run straight, the
    rest nest over and under the cards a row apart; no two cross, and no label leaves
    its arrow."""
    places = {"n0": Point(x=0, y=0), "n1": Point(x=520, y=0)}
    diagram = build_diagram(_pair(20, places))
    quality = measure(diagram)
    assert (quality.crossings, quality.shared_runs, quality.through_cards) == (0, 0, 0)
    assert (quality.label_overlaps, quality.labels_on_cards, quality.labels_off_route) == (0, 0, 0)
    straight = [a for a in diagram.arrows.values() if len(a.points) == 2]
    assert len(straight) == 3
    rows = sorted(
        a.points[1][1] for a in diagram.arrows.values() if len(a.points) == 4
    )  # each arch: port, up (or down) to its row, across, back to the other card
    assert len(rows) == 17
    above = [y for y in rows if y < 0]
    below = [y for y in rows if y > 100]
    assert (len(above), len(below)) == (9, 8)
    for side in (above, below):
        assert all(b - a >= FAN_ROW - 0.01 for a, b in itertools.pairwise(side))
    for arrow in diagram.arrows.values():
        assert arrow.leader is None


def test_a_fan_keeps_off_a_card_above_the_pair() -> None:
    """A third card just above the pair: every arch goes under it instead, and none
    runs through the third card."""
    places = {"n0": Point(x=0, y=200), "n1": Point(x=520, y=200), "n2": Point(x=260, y=60)}
    diagram = build_diagram(_pair(12, places))
    quality = measure(diagram)
    assert quality.through_cards == 0
    arches = [a for a in diagram.arrows.values() if a.source != "n2" and len(a.points) == 4]
    assert len(arches) == 9
    assert all(a.points[1][1] > 300 for a in arches)
    assert quality.labels_off_route == 0


@pytest.mark.parametrize("offset", [60, 150])
def test_cards_side_by_side_at_different_heights_fan_out_too(offset: int) -> None:
    """The Slack pair with one card dragged 60 px (or 150 px) lower: their facing
    sides share too little height for arrows a label apart, and the 12 arrows ran
    there a few px apart (at 60 px: pairs on one line, crossings, labels on leaders).
    All of them now take arches, none crossing, every label on its arrow."""
    places = {"n0": Point(x=0, y=0), "n1": Point(x=520, y=offset)}
    diagram = build_diagram(_pair(12, places))
    quality = measure(diagram)
    assert all(len(a.points) == 4 for a in diagram.arrows.values())
    assert (quality.crossings, quality.shared_runs, quality.through_cards) == (0, 0, 0)
    assert (quality.label_overlaps, quality.labels_on_cards, quality.labels_off_route) == (0, 0, 0)
