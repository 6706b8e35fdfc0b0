"""RectIndex.first_other and only_overlap, as making room for labels asks them, against
a plain look at every rectangle (Rect.overlaps)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram.geometry import Rect
from designer.core.diagram.index import RectIndex

coordinate = st.floats(-600, 600, allow_nan=False).map(lambda v: round(v, 1))
size = st.floats(1, 400, allow_nan=False).map(lambda v: round(v, 1))
rects = st.lists(st.tuples(coordinate, coordinate, size, size), max_size=25)
boxes = st.tuples(coordinate, coordinate, size, size)


def _index(found: list[tuple[float, float, float, float]]) -> tuple[RectIndex, dict[str, Rect]]:
    index = RectIndex(cell=128.0)
    every = {}
    for number, (x, y, w, h) in enumerate(found):
        every[f"r{number}"] = Rect(x, y, w, h)
        index.add(f"r{number}", every[f"r{number}"])
    return index, every


@settings(max_examples=200, deadline=None)
@given(rects, boxes, st.integers(0, 30))
def test_first_other_finds_an_overlap_but_key_s_exactly_when_there_is_one(found, box, skip):
    index, every = _index(found)
    room = Rect(*box)
    key = f"r{skip}"
    overlapping = [k for k, r in every.items() if k != key and r.overlaps(room)]
    blocker = index.first_other(room.x, room.y, room.right, room.bottom, key)
    assert (blocker is None) == (not overlapping)
    if blocker is not None:
        assert blocker in [every[k] for k in overlapping]
    assert index.overlaps_other(room.x, room.y, room.right, room.bottom, key) == bool(overlapping)


@settings(max_examples=200, deadline=None)
@given(rects, boxes)
def test_only_overlap_names_the_one_rectangle_in_the_way(found, box):
    index, every = _index(found)
    room = Rect(*box)
    overlapping = [k for k, r in every.items() if r.overlaps(room)]
    expected = overlapping[0] if len(overlapping) == 1 else None
    assert index.only_overlap(room.x, room.y, room.right, room.bottom) == expected


def test_a_rectangle_in_several_cells_is_one_rectangle_in_the_way():
    index = RectIndex(cell=100.0)
    index.add("wide", Rect(0, 0, 350, 50))  # in four cells
    assert index.only_overlap(-10, -10, 400, 100) == "wide"
    index.add("other", Rect(380, 0, 10, 10))
    assert index.only_overlap(-10, -10, 400, 100) is None
    assert index.first_other(-10, -10, 400, 100, "wide") == Rect(380, 0, 10, 10)
    assert index.first_other(-10, -10, 300, 100, "wide") is None


def test_a_box_wider_than_the_grid_is_looked_at_rectangle_by_rectangle():
    index = RectIndex(cell=1.0)  # the box spans more cells than there are rectangles
    index.add("a", Rect(0, 0, 10, 10))
    index.add("b", Rect(500, 500, 10, 10))
    assert index.only_overlap(-1000, -1000, 1000, 1000) is None
    assert index.only_overlap(-1000, -1000, 100, 100) == "a"
    assert index.first_other(-1000, -1000, 1000, 1000, "a") == Rect(500, 500, 10, 10)
