"""How readable a drawn diagram is, counted from its geometry (benchmarks and tests).

- arrows through cards: (arrow, card) pairs where the route enters a card that is not
  one of its ends;
- label overlaps: pairs of labels whose boxes overlap;
- labels on cards: labels overlapping any card;
- crossings: points where two arrows' routes cross;
- shared runs: pairs of arrows drawn on one line for a stretch (collinear overlapping
  runs), which reads as one arrow with several labels;
- labels off route: labels further than shapes.LEADER_GAP from their arrow's route (the
  engine ties each to its route by a leader line: readable, but a detour for the eye);
- aspect (width:height) and area of everything drawn.
Apart from `measure` (auto-layout measures every candidate it routes with it), for the
benchmarks: labels on other arrows (a label that another arrow runs through reads as
that arrow's too: a label on a bundle of 47 arrows 4 px apart is on none in particular)
and how far the furthest label lies from its arrow (the longest leader line).
Routes may be any polylines (a curve flattened), so the same counts apply to Graphviz's
drawing of a design in the benchmark.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from designer.core.layout_untangle import segments_cross

from .congestion import shared_runs
from .geometry import Arrow, Diagram, Point
from .index import RectIndex, segment_enters
from .shapes import LEADER_GAP, distance_to_route

_CELL = 200.0


@dataclass(frozen=True)
class Quality:
    through_cards: int
    label_overlaps: int
    labels_on_cards: int
    crossings: int
    aspect: float
    area: float  # square pixels
    shared_runs: int = 0
    labels_off_route: int = 0


def measure(diagram: Diagram) -> Quality:
    cards = RectIndex()
    for key, rect in diagram.cards.items():
        cards.add(key, rect.grown(-1.0))  # a route touching a border is not inside
    through = 0
    for arrow in diagram.arrows.values():
        ends = (arrow.source, arrow.target)
        entered: set[str] = set()
        for (x0, y0), (x1, y1) in itertools.pairwise(arrow.points):
            for key, rect in cards.near(x0, y0, x1, y1).items():
                if key not in ends and key not in entered and segment_enters(x0, y0, x1, y1, rect):
                    entered.add(key)
        through += len(entered)
    labels = RectIndex()
    overlaps = on_cards = 0
    for arrow in diagram.arrows.values():
        box = arrow.label
        if box is None:
            continue
        inner = box.grown(-0.5)
        overlaps += len(labels.hits_box(inner))
        if cards.hits_box(inner):
            on_cards += 1
        labels.add(arrow.flow_id, box)
    bounds = diagram.bounds()
    return Quality(
        through_cards=through,
        label_overlaps=overlaps,
        labels_on_cards=on_cards,
        crossings=count_crossings(diagram),
        aspect=bounds.w / bounds.h if bounds.h else 0.0,
        area=bounds.w * bounds.h,
        shared_runs=count_shared_runs(diagram),
        labels_off_route=sum(1 for a in diagram.arrows.values() if label_off_route(a)),
    )


def label_off_route(arrow: Arrow) -> bool:
    """Whether the arrow's label lies further than LEADER_GAP from its route."""
    if arrow.label is None or len(arrow.points) < 2:
        return False
    return distance_to_route(arrow.points, arrow.label) > LEADER_GAP + 0.01


def count_shared_runs(diagram: Diagram, least: float = 2.0, apart: float = 2.0) -> int:
    """Pairs of arrows with axis-parallel runs less than `apart` pixels from each other
    (on screen one line) overlapping for more than `least` pixels. Curves (dot's splines
    flattened) rarely have such runs."""
    routes = {arrow.flow_id: arrow.points for arrow in diagram.arrows.values()}
    return len({(s.key, s.other) for s in shared_runs(routes, apart, least)})


def count_crossings(diagram: Diagram) -> int:
    """Points where segments of two different arrows cross (touching ends do not count)."""
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    # Each segment: its arrow, its ends, and the first cell of its box (column, row).
    segments: list[tuple[str, Point, Point, int, int]] = []
    for arrow in diagram.arrows.values():
        for a, b in itertools.pairwise(arrow.points):
            index = len(segments)
            left, right = int(min(a[0], b[0]) // _CELL), int(max(a[0], b[0]) // _CELL)
            top, bottom = int(min(a[1], b[1]) // _CELL), int(max(a[1], b[1]) // _CELL)
            segments.append((arrow.flow_id, a, b, left, top))
            for i in range(left, right + 1):
                for j in range(top, bottom + 1):
                    cells[(i, j)].append(index)
    count = 0
    for (column, row), members in cells.items():
        for n, i in enumerate(members):
            flow, a, b, left, top = segments[i]
            for j in members[n + 1 :]:
                other, c, d, other_left, other_top = segments[j]
                # A pair shares a block of cells; it is tested in the first of them only
                # (no set of pairs seen: auto-layout measures every candidate it routes).
                if flow == other or max(left, other_left) != column or max(top, other_top) != row:
                    continue
                if segments_cross(a, b, c, d):
                    count += 1
    return count


def labels_on_other_arrows(diagram: Diagram) -> int:
    """Labels whose box another arrow's route runs through."""
    labels = RectIndex()
    for arrow in diagram.arrows.values():
        if arrow.label is not None:
            labels.add(arrow.flow_id, arrow.label.grown(-1.0))
    crossed: set[str] = set()
    for arrow in diagram.arrows.values():
        for (x0, y0), (x1, y1) in itertools.pairwise(arrow.points):
            for key, box in labels.near(x0, y0, x1, y1).items():
                if (
                    key != arrow.flow_id
                    and key not in crossed
                    and segment_enters(x0, y0, x1, y1, box)
                ):
                    crossed.add(key)
    return len(crossed)


def longest_leader(diagram: Diagram) -> float:
    """How far the label furthest from its arrow's route lies from it (px; 0: on it)."""
    return max(
        (
            distance_to_route(a.points, a.label)
            for a in diagram.arrows.values()
            if a.label is not None and len(a.points) >= 2
        ),
        default=0.0,
    )
