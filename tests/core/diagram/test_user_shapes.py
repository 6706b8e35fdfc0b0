"""Arrows as the user shaped them: through stored bends, labels where they were put,
curved and straight styles, the same in the engine, after a card moves and in the SVG."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from designer.core.diagram import DiagramEngine, drawing_steps
from designer.core.diagram.geometry import Rect
from designer.core.diagram.shapes import bent_route, flattened
from designer.core.exporters.svg import render_svg
from designer.core.io import load
from designer.core.model import Design, FlowLayout, Point, RouteStyle
from designer.resources import examples_dir
from tests.support.hypothesis_budget import examples


def shop() -> Design:
    return load(examples_dir() / "shop.msgflow.json")


def _passes(points: list[tuple[float, float]], p: tuple[float, float]) -> bool:
    """Whether the polyline runs through `p`."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        cross = (x1 - x0) * (p[1] - y0) - (y1 - y0) * (p[0] - x0)
        inside = (
            min(x0, x1) - 1e-6 <= p[0] <= max(x0, x1) + 1e-6
            and min(y0, y1) - 1e-6 <= p[1] <= max(y0, y1) + 1e-6
        )
        if abs(cross) < 1e-6 and inside:
            return True
    return False


def _on_border(point: tuple[float, float], card: Rect) -> bool:
    x, y = point
    within_x = card.x - 0.01 <= x <= card.right + 0.01
    within_y = card.y - 0.01 <= y <= card.bottom + 0.01
    on_h = within_x and min(abs(y - card.y), abs(y - card.bottom)) < 0.01
    on_v = within_y and min(abs(x - card.x), abs(x - card.right)) < 0.01
    return on_h or on_v


def test_an_orthogonal_arrow_runs_through_every_stored_bend_square_to_its_cards() -> None:
    design = shop()
    bends = [(150.0, -80.0), (460.0, -40.0)]  # not in line: elbows join them
    design.layout.flows["f1"] = FlowLayout(bends=[Point(x=x, y=y) for x, y in bends])
    diagram = DiagramEngine(design).diagram
    arrow = diagram.arrows["f1"]
    for bend in bends:
        assert _passes(arrow.points, bend), (bend, arrow.points)
    assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(arrow.points))
    assert _on_border(arrow.points[0], diagram.cards["web"])
    assert _on_border(arrow.points[-1], diagram.cards["orders"])
    # The automatic route of the same arrow is a straight line: the bends made it go up.
    assert min(y for _, y in arrow.points) == -80.0


def test_a_stored_label_position_is_used_as_is_and_others_keep_off_it() -> None:
    design = shop()
    auto = DiagramEngine(design).diagram.arrows["f5"].label
    assert auto is not None
    design.layout.flows["f1"] = FlowLayout(label=Point(x=auto.centre[0], y=auto.centre[1]))
    diagram = DiagramEngine(design).diagram
    pinned = diagram.arrows["f1"].label
    assert pinned is not None and pinned.centre == auto.centre
    other = diagram.arrows["f5"].label
    assert other is not None and not other.overlaps(pinned)


def test_shapes_follow_a_moved_card_and_a_changed_layout() -> None:
    design = shop()
    design.layout.flows["f1"] = FlowLayout(bends=[Point(x=300, y=-50)], label=Point(x=0, y=-200))
    engine = DiagramEngine(design)
    changed = engine.move_card("orders", 400, 300)
    assert "f1" in changed
    arrow = engine.diagram.arrows["f1"]
    assert _passes(arrow.points, (300.0, -50.0))
    assert _on_border(arrow.points[-1], engine.diagram.cards["orders"])
    assert arrow.label is not None and arrow.label.centre == (0.0, -200.0)
    # The bends dropped: the router's route again, the label placed on it.
    assert "f1" in engine.set_shapes({})  # (and arrows whose ports it shares)
    assert not _passes(engine.diagram.arrows["f1"].points, (300.0, -50.0))
    label = engine.diagram.arrows["f1"].label
    assert label is not None and label.centre != (0.0, -200.0)


def test_straight_and_curved_styles() -> None:
    design = shop()
    design.layout.flows["f4"] = FlowLayout(route=RouteStyle.STRAIGHT)
    design.layout.flows["f6"] = FlowLayout(route=RouteStyle.CURVED)
    diagram = DiagramEngine(design).diagram
    straight, curved = diagram.arrows["f4"], diagram.arrows["f6"]
    assert len(straight.points) == 2 and straight.style is RouteStyle.STRAIGHT
    assert _on_border(straight.points[0], diagram.cards["orders"])
    assert _on_border(straight.points[1], diagram.cards["loyalty"])
    # A curved arrow follows the router's way round the cards, drawn as quadratics.
    assert curved.style is RouteStyle.CURVED and len(curved.points) >= 3
    steps = drawing_steps(curved.points, curved.style)
    assert [c for c, _ in steps].count("Q") == len(curved.points) - 2
    assert steps[-1][1][-2:] == curved.points[-1]  # it ends on the target's border


def test_straight_bends_are_corners_of_the_line() -> None:
    source, target = Rect(0, 0, 100, 50), Rect(400, 0, 100, 50)
    points = bent_route(RouteStyle.STRAIGHT, source, target, [(250.0, 200.0)])
    assert points[1] == (250.0, 200.0) and len(points) == 3
    assert _on_border(points[0], source) and _on_border(points[-1], target)
    flat = flattened(drawing_steps(points, RouteStyle.CURVED))
    assert flat[0] == points[0] and flat[-1] == points[-1] and len(flat) > 3


def test_the_svg_export_draws_the_users_shapes() -> None:
    design = shop()
    design.layout.flows["f1"] = FlowLayout(bends=[Point(x=150, y=-80)], label=Point(x=150, y=-100))
    design.layout.flows["f6"] = FlowLayout(route=RouteStyle.CURVED)
    svg = render_svg(design)
    engine = DiagramEngine(design).diagram

    def path_of(flow_id: str) -> str:
        match = re.search(rf'data-id="{flow_id}"[^>]*>.*?class="flow-line" d="([^"]+)"', svg)
        assert match is not None
        return match.group(1)

    first = engine.arrows["f1"].points[0]
    assert path_of("f1").startswith(f"M{first[0]:.1f} {first[1]:.1f}")
    assert "L150.0 -70.0" in path_of("f1")  # just before the rounded bend at (150, -80)
    assert path_of("f6").count("Q") == len(engine.arrows["f6"].points) - 2
    # The label pill is drawn centred on the stored point.
    label = engine.arrows["f1"].label
    assert label is not None and label.centre == (150.0, -100.0)
    assert f'x="{label.x:g}"' in svg or f'x="{label.x:.1f}"' in svg


_coordinate = st.integers(-600, 600).map(float)


@settings(max_examples=examples(150), deadline=None)
@given(
    source=st.tuples(_coordinate, _coordinate),
    target=st.tuples(_coordinate, _coordinate),
    bends=st.lists(st.tuples(_coordinate, _coordinate), min_size=1, max_size=6),
    style=st.sampled_from(list(RouteStyle)),
)
def test_any_bends_give_a_route_through_them_from_border_to_border(
    source: tuple[float, float],
    target: tuple[float, float],
    bends: list[tuple[float, float]],
    style: RouteStyle,
) -> None:
    s, t = Rect(*source, 220, 100), Rect(*target, 220, 100)
    points = bent_route(style, s, t, bends)
    assert _on_border(points[0], s) and _on_border(points[-1], t)
    for bend in bends:
        assert _passes(points, bend), (bend, points)
    if style is RouteStyle.ORTHOGONAL:
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(points))
    steps = drawing_steps(points, style)
    assert steps[0] == ("M", points[0]) and steps[-1][1][-2:] == points[-1]


def test_a_label_put_away_from_its_arrow_is_tied_to_it_by_a_leader() -> None:
    design = shop()
    design.layout.flows["f4"] = FlowLayout(label=Point(x=520, y=560))
    diagram = DiagramEngine(design).diagram
    arrow = diagram.arrows["f4"]
    assert arrow.leader is not None and arrow.label is not None
    start, end = arrow.leader
    assert _passes(arrow.points, start)  # from the route ...
    assert _on_border(end, arrow.label)  # ... to the label's edge
    assert diagram.arrows["f1"].leader is None  # labels on their routes need none
    assert 'class="leader"' in render_svg(design)
    # Dropped back onto its route, the label needs no leader any more.
    on_route = arrow.points[len(arrow.points) // 2]
    design.layout.flows["f4"] = FlowLayout(label=Point(x=on_route[0], y=on_route[1]))
    assert DiagramEngine(design).diagram.arrows["f4"].leader is None
    assert 'class="leader"' not in render_svg(design)


def test_the_router_searches_no_route_for_an_arrow_the_user_shaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bent or straight arrow is drawn as the user shaped it: the router spends no
    search on it, neither when the diagram is built nor when one of its cards moves,
    and routes it again once the shape is taken away."""
    from designer.core.diagram.router import Link, Router, Side

    searched: list[str] = []
    route = Router._route

    def spy(
        self: Router,
        link: Link,
        p: tuple[float, float],
        out: Side,
        q: tuple[float, float],
        into: Side,
    ) -> list[tuple[float, float]]:
        searched.append(link.key)
        return route(self, link, p, out, q, into)

    monkeypatch.setattr(Router, "_route", spy)
    design = shop()
    design.layout.flows["f1"] = FlowLayout(bends=[Point(x=150, y=-80)])
    design.layout.flows["f2"] = FlowLayout(route=RouteStyle.STRAIGHT)
    engine = DiagramEngine(design)
    assert "f1" not in searched and "f2" not in searched
    assert set(searched) == {f.id for f in design.flows} - {"f1", "f2"}
    searched.clear()
    card = engine.diagram.arrows["f1"].source
    rect = engine.diagram.cards[card]
    changed = engine.move_card(card, rect.x + 30, rect.y + 50)
    assert "f1" in changed and "f1" not in searched
    assert _passes(engine.diagram.arrows["f1"].points, (150.0, -80.0))  # still its bend
    searched.clear()
    engine.set_shapes({"f2": FlowLayout(route=RouteStyle.STRAIGHT)})
    assert "f1" in searched and "f2" not in searched  # (and f1's side-mates: ports re-spread)
    assert min(y for _, y in engine.diagram.arrows["f1"].points) > -80.0
