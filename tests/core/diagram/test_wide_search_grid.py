"""The router's grid for a wide search region (EdgeLines for its lines, a point looked up
in the index for "inside an obstacle") against the plain one: every obstacle in the
region visited (Rect.overlaps), its lines collected, the flags filled box by box."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram import router as router_module
from designer.core.diagram.geometry import Rect
from designer.core.diagram.index import EdgeLines, RectIndex
from designer.core.diagram.router import Router
from designer.core.layout import CARD_HEIGHT, CARD_WIDTH
from designer.core.synthetic import synthetic_design

coordinate = st.floats(-900, 900, allow_nan=False).map(lambda v: round(v, 1))
size = st.floats(1, 400, allow_nan=False).map(lambda v: round(v, 1))
rects = st.lists(st.tuples(coordinate, coordinate, size, size), max_size=30)
points = st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=20)


def _plain_lines(found: list[Rect], axis: int, region: Rect) -> list[float]:
    lines = set()
    for r in found:
        if r.overlaps(region):
            lines.update((r.x - 1.0, r.right + 1.0) if axis == 0 else (r.y - 1.0, r.bottom + 1.0))
    lo, hi = (region.x, region.right) if axis == 0 else (region.y, region.bottom)
    return sorted(v for v in lines if lo <= v <= hi)


@settings(max_examples=300, deadline=None)
@given(rects, st.tuples(coordinate, coordinate, size, size))
def test_edge_lines_are_those_of_the_rectangles_overlapping_the_region(found, box):
    every = [Rect(*r) for r in found]
    region = Rect(*box)
    edges = EdgeLines(every)
    for axis in (0, 1):
        assert edges.lines(axis, region) == _plain_lines(every, axis, region)


@settings(max_examples=300, deadline=None)
@given(rects, points)
def test_contains_point_is_any_rectangle_holding_it_in_its_interior(found, asked):
    index = RectIndex(cell=128.0)
    every = [Rect(*r) for r in found]
    for number, r in enumerate(every):
        index.add(f"r{number}", r)
    for x, y in asked:
        expected = any(r.x < x < r.x + r.w and r.y < y < r.y + r.h for r in every)
        assert index.contains_point(x, y) == expected
        for r in every:  # the borders themselves are outside
            for corner in ((r.x, r.y), (r.right, r.bottom), (r.x, y), (x, r.y)):
                holds = any(o.x < corner[0] < o.right and o.y < corner[1] < o.bottom for o in every)
                assert index.contains_point(*corner) == holds


def _grids(router: Router, a, b, region, crowded, wide_cells):
    saved = router_module.WIDE_CELLS
    router_module.WIDE_CELLS = wide_cells
    try:
        xs, ys, inside = router._grid(a, b, region, crowded)
    finally:
        router_module.WIDE_CELLS = saved
    return xs, ys, [[inside[i][j] for j in range(len(ys))] for i in range(len(xs))]


@settings(max_examples=100, deadline=None)
@given(rects, st.tuples(coordinate, coordinate), st.tuples(coordinate, coordinate), size, rects)
def test_a_wide_region_s_grid_is_the_plain_grid(found, a, b, reach, stretches):
    cards = {f"c{n}": Rect(*r) for n, r in enumerate(found)}
    router = Router(cards)
    left, top = min(a[0], b[0]) - reach, min(a[1], b[1]) - reach
    region = Rect(left, top, abs(a[0] - b[0]) + 2 * reach, abs(a[1] - b[1]) + 2 * reach)
    crowded = [(Rect(*r), n % 2) for n, r in enumerate(stretches)] or None
    plain = _grids(router, a, b, region, crowded, float("inf"))
    assert _grids(router, a, b, region, crowded, -1.0) == plain


def test_a_big_design_routes_the_same_with_every_region_searched_either_way():
    design = synthetic_design(120, seed=4)  # actors' arrows run across it
    cards = {n: Rect(p.x, p.y, CARD_WIDTH, CARD_HEIGHT) for n, p in design.layout.nodes.items()}
    links = [router_module.Link(f.id, f.source, f.target) for f in design.flows]
    routes = []
    searched = []
    astar = Router._astar

    def counted(self, *args, **kwargs):
        searched.append(args[4])
        return astar(self, *args, **kwargs)

    for wide_cells in (float("inf"), -1.0):
        saved = router_module.WIDE_CELLS
        router_module.WIDE_CELLS = wide_cells
        try:
            router = Router(dict(cards))
            router._astar = counted.__get__(router)  # type: ignore[method-assign]
            routes.append(router.route_all(links))
        finally:
            router_module.WIDE_CELLS = saved
    assert len(searched) > 50  # searches (and detours) happened, each both ways
    assert routes[0] == routes[1]
