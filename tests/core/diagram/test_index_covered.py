"""RectIndex.covered: the area of a box its rectangles cover, as label placement's search
for the least covered spot sums it (the same float, and given up at a limit)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram.geometry import Rect
from designer.core.diagram.index import RectIndex

coordinate = st.floats(-600, 600, allow_nan=False).map(lambda v: round(v, 1))
size = st.floats(1, 400, allow_nan=False).map(lambda v: round(v, 1))
rects = st.lists(st.tuples(coordinate, coordinate, size, size), max_size=25)


def _summed(index: RectIndex, x0: float, y0: float, x1: float, y1: float) -> float:
    """What the placement summed before: every rectangle `near` finds, in its order."""
    total = 0.0
    for r in index.near(x0, y0, x1, y1).values():
        w = min(x1, r.x + r.w) - max(x0, r.x)
        if w > 0:
            h = min(y1, r.y + r.h) - max(y0, r.y)
            if h > 0:
                total += w * h
    return total


@settings(max_examples=150, deadline=None)
@given(rects, st.tuples(coordinate, coordinate, size, size), st.floats(0, 1e5))
def test_covered_is_the_sum_over_near_and_stops_at_the_limit(found, box, limit):
    index = RectIndex(cell=128.0)
    for number, (x, y, w, h) in enumerate(found):
        index.add(f"r{number}", Rect(x, y, w, h))
    x0, y0 = box[0], box[1]
    x1, y1 = x0 + box[2], y0 + box[3]
    full = _summed(index, x0, y0, x1, y1)
    assert index.covered(x0, y0, x1, y1, 0.0, math.inf) == full
    assert index.covered(x0, y0, x1, y1, 7.5, math.inf) == 7.5 + full
    stopped = index.covered(x0, y0, x1, y1, 0.0, limit)
    assert (stopped < limit) == (full < limit)
    if full < limit:
        assert stopped == full


def test_a_rectangle_in_several_cells_counts_once():
    index = RectIndex(cell=100.0)
    index.add("wide", Rect(0, 0, 350, 50))  # in four cells
    assert index.covered(-10, -10, 400, 100, 0.0, math.inf) == 350 * 50
