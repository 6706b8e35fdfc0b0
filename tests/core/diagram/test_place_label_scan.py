"""place_label against a plain scan: the first spot (route, then further out) whose box
no card and no label overlaps; if none, the first of the spots whose box they cover
least, every spot's cover summed in full. Crowded scenes, so that most labels find no
free spot (where place_label skips spots by what blocked them)."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram.geometry import Arrow, Rect
from designer.core.diagram.index import RectIndex
from designer.core.diagram.labels import _away_corners, place_label, route_spots

_CLEAR = 3.0
coordinate = st.floats(-300, 300, allow_nan=False).map(lambda v: round(v, 1))
extent = st.floats(4, 220, allow_nan=False).map(lambda v: round(v, 1))
rects = st.lists(st.tuples(coordinate, coordinate, extent, extent), min_size=5, max_size=60)
# Orthogonal routes: alternate horizontal and vertical runs from a start.
routes = st.tuples(
    st.tuples(coordinate, coordinate),
    st.lists(
        st.floats(-250, 250, allow_nan=False).map(lambda v: round(v, 1)), min_size=1, max_size=4
    ),
)


def _points(route: tuple[tuple[float, float], list[float]]) -> list[tuple[float, float]]:
    (x, y), moves = route
    points = [(x, y)]
    for number, move in enumerate(moves):
        x, y = (x + move, y) if number % 2 == 0 else (x, y + move)
        points.append((x, y))
    return points


def _plain(points, w, h, cards: RectIndex, labels: RectIndex) -> Rect:
    corners = [(r.x, r.y) for r in route_spots(points, w, h)]
    corners += list(_away_corners(points, w, h))
    every = [r for index in (cards, labels) for _, r in index.items()]
    for x, y in corners:
        x0, y0, x1, y1 = x - _CLEAR, y - _CLEAR, x + w + _CLEAR, y + h + _CLEAR
        if not any(r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h for r in every):
            return Rect(x, y, w, h)
    best, best_cover = None, math.inf
    for x, y in corners:
        x0, y0 = x - _CLEAR, y - _CLEAR
        x1, y1 = x0 + w + 2 * _CLEAR, y0 + h + 2 * _CLEAR
        cover = cards.covered(x0, y0, x1, y1, 0.0, math.inf)
        cover = labels.covered(x0, y0, x1, y1, cover, math.inf)
        if cover < best_cover:
            best, best_cover = (x, y), cover
    assert best is not None
    return Rect(best[0], best[1], w, h)


@settings(max_examples=150, deadline=None)
@given(rects, rects, routes, st.floats(40, 200).map(lambda v: round(v, 1)))
def test_the_spot_is_the_one_a_plain_scan_finds(card_boxes, label_boxes, route, width):
    cards, labels = RectIndex(cell=64.0), RectIndex(cell=64.0)
    for number, box in enumerate(card_boxes):
        cards.add(f"c{number}", Rect(*box))
    for number, box in enumerate(label_boxes):
        labels.add(f"l{number}", Rect(*box))
    points = _points(route)
    expected = _plain(points, width, 20.0, cards, labels)
    arrow = Arrow("f", "a", "b", points)
    assert place_label(arrow, (width, 20.0), cards, labels) == expected
    assert labels.get("f") == expected


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 2**32),
    st.floats(0.0, 0.15),
    routes,
    st.floats(30, 120).map(lambda v: round(v, 1)),
)
def test_in_a_carpet_of_labels_the_least_covered_spot_is_the_plain_scan_s(seed, gaps, route, width):
    """Labels tiled over everything a label may try (a few tiles left out): mostly no
    spot is free, and the least covered one is chosen."""
    rng = random.Random(seed)
    cards, labels = RectIndex(cell=64.0), RectIndex(cell=64.0)
    (x, y), _ = route
    for i in range(-7, 8):
        for j in range(-12, 13):
            if rng.random() < gaps:
                continue
            left = x + i * 110 + rng.uniform(-15, 15)
            top = y + j * 50 + rng.uniform(-10, 10)
            box = Rect(round(left, 1), round(top, 1), round(rng.uniform(90, 140), 1), 40.0)
            (cards if rng.random() < 0.2 else labels).add(f"t{i},{j}", box)
    points = _points(route)
    expected = _plain(points, width, 20.0, cards, labels)
    arrow = Arrow("f", "a", "b", points)
    assert place_label(arrow, (width, 20.0), cards, labels) == expected
