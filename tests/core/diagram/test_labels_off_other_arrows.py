"""A label keeps off other arrows where a spot on its own route allows (labels.py,
place_label's `crossed`): a label lying across a neighbour's arrow reads as that
arrow's too."""

from __future__ import annotations

import itertools

from designer.core.diagram import build_diagram
from designer.core.diagram.geometry import Diagram
from designer.core.diagram.index import segment_enters
from designer.core.diagram.metrics import labels_on_other_arrows, measure
from designer.core.model import Point
from tests.core.diagram.test_fans import _pair


def _crossed_by_others(diagram: Diagram, key: str) -> list[str]:
    label = diagram.arrows[key].label
    assert label is not None
    box = label.grown(-1.0)
    return [
        other.flow_id
        for other in diagram.arrows.values()
        if other.flow_id != key
        and any(segment_enters(*a, *b, box) for a, b in itertools.pairwise(other.points))
    ]


def test_labels_of_the_outer_arrows_between_stacked_cards_sit_beside_them() -> None:
    """Three arrows straight down between two stacked cards, 64 px apart, labels of
    190 px: each label centred on its arrow lay across the others (the imported
    streetlights systems: every label on every arrow). The outer two sit beside their
    arrows, outside the bundle, touching their own and no other."""
    diagram = build_diagram(_pair(3, {"n0": Point(x=0, y=0), "n1": Point(x=0, y=300)}))
    by_x = sorted(diagram.arrows.values(), key=lambda a: a.points[0][0])
    left, _, right = (a.flow_id for a in by_x)
    assert _crossed_by_others(diagram, left) == []
    assert _crossed_by_others(diagram, right) == []
    assert labels_on_other_arrows(diagram) == 1  # the middle one has nowhere else
    quality = measure(diagram)
    assert (quality.labels_off_route, quality.label_overlaps, quality.labels_on_cards) == (0, 0, 0)
