"""The geometry engine's arrows: around cards, from border to border, the same after a move."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.core.diagram import DiagramEngine, build_diagram
from designer.core.diagram.geometry import Diagram, Rect
from designer.core.diagram.index import segment_enters
from designer.core.diagram.metrics import count_shared_runs, measure
from designer.core.io import load
from designer.core.layout import CARD_HEIGHT, CARD_WIDTH, auto_layout
from designer.core.model import Design, Flow, Layout, Message, MessageKind, Node, NodeKind, Point
from tests.support.hypothesis_budget import examples

EXAMPLES = sorted((Path(__file__).parents[3] / "assets" / "examples").glob("*.msgflow.json"))

# On one xdist worker, so each drawing below is made once in the run.
pytestmark = pytest.mark.xdist_group("diagram-routes")


@functools.cache
def _auto_diagram(path: Path) -> Diagram:
    """An example auto-laid out and drawn once per test process, not once per test: both
    steps are deterministic and the tests that share a drawing only read it."""
    return build_diagram(auto_layout(load(path)))


@functools.cache
def _synthetic_diagram(seed: int) -> Diagram:
    """100 services and 300 flows (synthetic_design's seed), auto-laid out and drawn once."""
    from designer.core.synthetic import synthetic_design

    return build_diagram(auto_layout(synthetic_design(100, seed=seed)))


def _entered(diagram: Diagram) -> list[tuple[str, str]]:
    """(arrow, card) pairs where an arrow runs through a card that is not one of its ends."""
    found = []
    for arrow in diagram.arrows.values():
        for key, card in diagram.cards.items():
            if key in (arrow.source, arrow.target):
                continue
            inner = card.grown(-0.5)
            if any(segment_enters(*a, *b, inner) for a, b in itertools.pairwise(arrow.points)):
                found.append((arrow.flow_id, key))
    return found


def _on_border(point: tuple[float, float], card: Rect) -> bool:
    x, y = point
    on_x = card.x - 0.01 <= x <= card.right + 0.01
    on_y = card.y - 0.01 <= y <= card.bottom + 0.01
    return (on_x and (abs(y - card.y) < 0.01 or abs(y - card.bottom) < 0.01)) or (
        on_y and (abs(x - card.x) < 0.01 or abs(x - card.right) < 0.01)
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_example_arrows_go_around_cards_after_auto_layout(path: Path) -> None:
    diagram = _auto_diagram(path)
    assert _entered(diagram) == []
    assert measure(diagram).through_cards == 0
    for arrow in diagram.arrows.values():
        # Orthogonal, from the border of its source card to the border of its target.
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in itertools.pairwise(arrow.points))
        assert _on_border(arrow.points[0], diagram.cards[arrow.source])
        assert _on_border(arrow.points[-1], diagram.cards[arrow.target])


def test_arrowheads_on_one_card_side_never_meet_in_one_point() -> None:
    diagram = _auto_diagram(EXAMPLES[1])  # marketplace
    tips = [a.points[-1] for a in diagram.arrows.values() if not a.loop]
    starts = [a.points[0] for a in diagram.arrows.values() if not a.loop]
    assert len(set(tips + starts)) == len(tips + starts)


def _design(cells: list[tuple[int, int]], links: list[tuple[int, int]]) -> Design:
    nodes = [Node(id=f"n{i}", name=f"N{i}", kind=NodeKind.SERVICE) for i in range(len(cells))]
    layout = {
        f"n{i}": Point(x=cx * (CARD_WIDTH + 60) + (cy % 3) * 17, y=cy * (CARD_HEIGHT + 50))
        for i, (cx, cy) in enumerate(cells)
    }
    messages = [Message(id="m1", name="Ping", kind=MessageKind.COMMAND, owner="n0")]
    flows = [
        Flow.model_validate(
            {"id": f"f{k}", "message": "m1", "from": f"n{a}", "to": f"n{b}", "transport": "queue"}
        )
        for k, (a, b) in enumerate(links)
    ]
    return Design(
        name="Random", nodes=nodes, messages=messages, flows=flows, layout=Layout(nodes=layout)
    )


@st.composite
def _random_designs(draw: st.DrawFn) -> Design:
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=2, max_size=14, unique=True
        )
    )
    n = len(cells)
    links = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
    return _design(cells, links)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_random_designs())
def test_no_route_enters_a_card_that_is_not_its_end(design: Design) -> None:
    diagram = build_diagram(design)
    assert _entered(diagram) == []
    # Nor does any label cover a card or another label.
    quality = measure(diagram)
    assert (quality.label_overlaps, quality.labels_on_cards) == (0, 0)


@st.composite
def _close_designs(draw: st.DrawFn) -> Design:
    """Cards put the way a user drags them (benchmarks/close_cards.py): each next to one
    placed before it (right, left, below or above), 1-40 px apart, shifted along that
    side, skipped if it would come closer than 1 px to another card; random flows."""
    places = [(0, 0)]
    for _ in range(draw(st.integers(1, 7))):
        ax, ay = places[draw(st.integers(0, len(places) - 1))]
        side = draw(st.integers(0, 3))
        gap = draw(st.integers(1, 40))
        if side < 2:
            x = ax + CARD_WIDTH + gap if side == 0 else ax - CARD_WIDTH - gap
            y = ay + draw(st.integers(-CARD_HEIGHT + 10, CARD_HEIGHT - 10))
        else:
            x = ax + draw(st.integers(-CARD_WIDTH + 10, CARD_WIDTH - 10))
            y = ay + CARD_HEIGHT + gap if side == 2 else ay - CARD_HEIGHT - gap
        new = Rect(x, y, CARD_WIDTH, CARD_HEIGHT)
        if not any(
            new.overlaps(Rect(px, py, CARD_WIDTH, CARD_HEIGHT).grown(1)) for px, py in places
        ):
            places.append((x, y))
    n = len(places)
    links = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=24))
    layout = Layout(nodes={f"n{i}": Point(x=x, y=y) for i, (x, y) in enumerate(places)})
    return _design([(0, 0)] * n, links).model_copy(update={"layout": layout})


@settings(
    max_examples=examples(80),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_close_designs())
def test_no_route_enters_a_card_that_is_not_its_end_among_close_hand_placed_cards(
    design: Design,
) -> None:
    """Hand-placed cards closer together than the margin routes keep round cards (a
    stub's length, 14 px), even 1 px apart: no route enters a card that is not one of its
    ends, and no label covers a card or another label.

    The guarantee holds for every placement whose cards are at least 1 px apart (any
    gap > 0: a route may run down the middle of it). Cards that touch (0 px) or overlap
    get no guarantee: a port on a stretch of side another card touches has no way out
    but along the border or through that card; their routes are the best the router
    finds. (Seeds 0-399 of benchmarks/close_cards.py had 824 arrows through cards in 271
    designs before router.Router._rescue.)"""
    diagram = build_diagram(design)
    assert _entered(diagram) == []
    quality = measure(diagram)
    assert (quality.label_overlaps, quality.labels_on_cards) == (0, 0)


# Derandomized: the same 60 designs on every run, so CI is reproducible (and
# `--hypothesis-seed` has no effect on it). To look further, run the property with a
# @seed(N) of your own; seed 3 found the case below, kept as a test.
@settings(
    max_examples=examples(60),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_random_designs())
def test_no_two_arrows_are_drawn_on_one_line(design: Design) -> None:
    """Random small designs (cards close together, several arrows between one pair, arrows
    to themselves): no two different arrows run on one line for a stretch."""
    diagram = build_diagram(design)
    assert count_shared_runs(diagram) == 0


def test_arrows_leaving_and_entering_at_near_aligned_ports_do_not_share_their_end_runs() -> None:
    """Found by the property above with seed 3: one card 300 px above
    another, 17 px to its right, four arrows up and a loop. The port of one arrow on the
    lower card's top and the port of another on the upper card's bottom are 1.9 px apart,
    and the nudging put the first arrow's turn above the second's, so their end runs
    (fixed to the ports) overlapped for 9 px. The turns must come in the other order."""
    design = _design([(0, 0), (0, 1)], [(0, 0), (0, 1), (0, 1), (0, 1), (0, 1)])
    layout = Layout(nodes={"n0": Point(x=0.0, y=450.0), "n1": Point(x=17.0, y=150.0)})
    diagram = build_diagram(design.model_copy(update={"layout": layout}))
    assert count_shared_runs(diagram) == 0


@pytest.mark.parametrize("count", [10, 47])
def test_two_cards_talking_only_to_each_other_get_straight_parallel_arrows(count: int) -> None:
    """The imported Slack RTM API (tests/data/asyncapi spec-*/slack-rtm): one service
    and the outside world, 46 events one way and one the other, the cards one above the
    other. Facing ports half a track apart made each arrow a Z with a 4 px jog whose
    middle runs found no tracks: 787 crossings and 6 pairs of arrows on one line. The
    two sides hold the same arrows, so facing ports line up and every arrow is straight."""
    design = _design([(0, 0), (0, 1)], [(1, 0)] * (count - 1) + [(0, 1)])
    layout = Layout(nodes={"n0": Point(x=0.0, y=0.0), "n1": Point(x=0.0, y=240.0)})
    diagram = build_diagram(design.model_copy(update={"layout": layout}))
    quality = measure(diagram)
    assert (quality.crossings, quality.shared_runs, quality.through_cards) == (0, 0, 0)
    assert all(len(a.points) == 2 for a in diagram.arrows.values())


def test_sixty_arrows_among_eight_close_cards_share_no_line() -> None:
    """Found by the denser random strategy below: eight cards, sixty arrows, eighteen of
    them entering n5's left side, which faces n4 across a 60 px gap (four tracks). Every
    one of those not level with n4 must come up or down that gap to its port, and
    routing them again with a cost on the gap found no other way in: two pairs stayed
    on one line. The ends turning off the crowded strip now enter n5 round the corner
    (its bottom side: the arrows from below come straight up to it)."""
    cells = [(5, 4), (1, 3), (3, 3), (2, 0), (3, 1), (4, 1), (2, 5), (1, 2)]
    links = [
        (5, 1), (2, 4), (6, 1), (4, 5), (7, 5), (4, 3), (4, 3), (3, 4), (4, 5), (6, 4),
        (3, 4), (6, 1), (5, 3), (6, 2), (1, 5), (3, 5), (0, 3), (2, 4), (3, 2), (7, 2),
        (4, 1), (7, 2), (2, 3), (2, 0), (3, 2), (3, 5), (1, 2), (7, 5), (7, 5), (2, 5),
        (5, 6), (2, 7), (1, 3), (0, 7), (2, 1), (2, 7), (4, 2), (6, 4), (1, 3), (3, 5),
        (1, 5), (2, 0), (3, 7), (6, 0), (6, 2), (7, 4), (0, 1), (3, 0), (4, 7), (5, 7),
        (6, 5), (0, 4), (7, 4), (7, 4), (5, 4), (0, 3), (1, 5), (4, 7), (4, 2), (3, 7),
    ]  # fmt: skip
    diagram = build_diagram(_design(cells, links))
    assert count_shared_runs(diagram) == 0
    assert _entered(diagram) == []
    n5 = diagram.cards["n5"]
    touching = [a for a in diagram.arrows.values() if "n5" in (a.source, a.target)]
    on_bottom = [
        a
        for a in touching
        if any(abs(p[1] - n5.bottom) < 0.01 for p in (a.points[0], a.points[-1]))
    ]
    assert on_bottom  # moved round the corner, not left to queue up the gap


@st.composite
def _dense_designs(draw: st.DrawFn) -> Design:
    """Fewer cards, many more arrows: sides with more ends than their strips have tracks."""
    cells = draw(
        st.lists(
            st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=4, max_size=14, unique=True
        )
    )
    n = len(cells)
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))
    return _design(cells, draw(st.lists(pairs, min_size=20, max_size=60)))


@settings(
    max_examples=examples(100),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_dense_designs())
def test_dense_designs_have_no_two_arrows_on_one_line(design: Design) -> None:
    """20-60 arrows among 4-14 close cards: crowded card sides and the strips between
    cards 50-60 px apart. No two arrows on one line, none through a card, no label on
    another or on a card."""
    diagram = build_diagram(design)
    assert count_shared_runs(diagram) == 0
    assert _entered(diagram) == []
    quality = measure(diagram)
    assert (quality.label_overlaps, quality.labels_on_cards) == (0, 0)


def test_moving_a_card_reroutes_its_arrows_around_the_others() -> None:
    design = auto_layout(load(EXAMPLES[1]))
    engine = DiagramEngine(design)
    card = max(engine.diagram.cards, key=lambda c: len(engine.arrows_of(c)))
    before = {k: list(a.points) for k, a in engine.diagram.arrows.items()}
    rect = engine.diagram.cards[card]
    changed = engine.move_card(card, rect.x + 35, rect.y + 400)
    # Its arrows, and those sharing a card side with them (their ports are spread anew).
    assert set(engine.arrows_of(card)) <= set(changed) < set(engine.diagram.arrows)
    for key, arrow in engine.diagram.arrows.items():
        if key not in changed:
            assert arrow.points == before[key]  # untouched arrows are not re-routed
    moved = Diagram(
        cards=engine.diagram.cards, arrows={k: engine.diagram.arrows[k] for k in changed}
    )
    assert _entered(moved) == []
    assert all(
        _on_border(
            engine.diagram.arrows[k].points[0],
            engine.diagram.cards[engine.diagram.arrows[k].source],
        )
        for k in changed
    )


@pytest.mark.parametrize("auto", [False, True], ids=["as shipped", "auto-layout"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_example_arrows_never_share_a_line(path: Path, auto: bool) -> None:
    """Two arrows drawn along one line read as one arrow with two labels (the shipped
    marketplace drew two ParcelShipped arrows on one line): no two arrows' runs closer
    than 2 px (one line at the drawn width) for a stretch, as shipped and after
    auto-layout; and every two parallel runs level with each other at least
    nudge.MIN_GAP apart (a visible gap between the lines)."""
    from designer.core.diagram.nudge import MIN_GAP

    diagram = _auto_diagram(path) if auto else build_diagram(load(path))
    assert measure(diagram).shared_runs == 0
    assert count_shared_runs(diagram, apart=MIN_GAP - 0.01) == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_synthetic_100_service_design_has_no_two_arrows_on_one_line(seed: int) -> None:
    """300 flows after auto-layout: every channel has a track for each run through it
    (seed 1 had 77 pairs of arrows on one line before runs left on another's line took
    the nearest free track, or the margin of a card when the channel was full)."""
    diagram = _synthetic_diagram(seed)
    assert measure(diagram).shared_runs == 0
    assert _entered(diagram) == []  # squeezed runs stay off the cards


@pytest.mark.parametrize("seed", [2, 3])
def test_a_synthetic_300_service_design_has_no_two_arrows_on_one_line(seed: int) -> None:
    """900 flows after auto-layout: some channels have more arrows through them than
    tracks (seeds 2 and 3 left 10 and 17 pairs on one line when the nudging was all):
    arrows left on another's line are routed again with a cost on the crowded stretch,
    and take a neighbouring channel."""
    from designer.core.synthetic import synthetic_design

    diagram = build_diagram(auto_layout(synthetic_design(300, seed=seed)))
    assert measure(diagram).shared_runs == 0
    assert count_shared_runs(diagram, apart=2.99) == 0  # nor closer than nudge.MIN_GAP
    assert _entered(diagram) == []


def test_arrows_round_the_same_card_get_tracks_of_their_own() -> None:
    """Three arrows between two cards with a third card between them all go round it on
    one side: each on a track of its own (none drawn on top of another)."""
    design = _design([(0, 0), (0, 1), (0, 2)], [(0, 2), (0, 2), (2, 0)])
    diagram = build_diagram(design)
    assert all(len(a.points) >= 4 for a in diagram.arrows.values())  # round, not through
    assert measure(diagram).shared_runs == 0
    assert _entered(diagram) == []


def test_arrows_routed_again_after_a_move_keep_off_the_lines_of_the_others() -> None:
    """A dropped card's arrows are spread onto free tracks too, the others held still
    (after these three moves: 7 pairs of 92 arrows within 2 px; 26 if re-routed arrows
    were not spread)."""
    engine = DiagramEngine(auto_layout(load(EXAMPLES[1])))  # marketplace
    before = {k: list(a.points) for k, a in engine.diagram.arrows.items()}
    for card in sorted(engine.diagram.cards, key=lambda c: -len(engine.arrows_of(c)))[:3]:
        rect = engine.diagram.cards[card]
        changed = set(engine.move_card(card, rect.x + 35, rect.y + 170))
        for key, arrow in engine.diagram.arrows.items():
            if key not in changed:
                assert arrow.points == before[key]
        before = {k: list(a.points) for k, a in engine.diagram.arrows.items()}
    assert measure(engine.diagram).shared_runs <= len(engine.diagram.arrows) // 10


def test_a_label_placed_away_from_its_crowded_route_gets_a_leader() -> None:
    """100 services: some labels find no free spot on their route and sit further out;
    each of those is tied to its route by a leader line, the others have none."""
    from designer.core.diagram.shapes import LEADER_GAP

    diagram = _synthetic_diagram(1)
    away = 0
    for arrow in diagram.arrows.values():
        assert arrow.label is not None
        gap = min(_gap(arrow.label, a, b) for a, b in itertools.pairwise(arrow.points))
        if gap > LEADER_GAP + 0.5:
            away += 1
            assert arrow.leader is not None
            start, _ = arrow.leader
            assert any(
                _gap(Rect(*start, 0, 0), a, b) < 0.01 for a, b in itertools.pairwise(arrow.points)
            )
        elif gap < LEADER_GAP - 0.5:
            assert arrow.leader is None
    assert away > 0  # the design is crowded enough to need some


@pytest.mark.parametrize("seed", [1, 2])
def test_labels_sit_on_their_routes_in_a_crowded_design(seed: int) -> None:
    """100 services, 300 flows: a label is tied to its arrow by a leader line only where
    no spot on or beside the route is free (slid along every run, stubs too, both sides,
    or freed by moving one other label along its own route): fewer than one in twelve.
    (Seed 1 had 37 of 300 off their routes when only inner runs were tried.)"""
    diagram = _synthetic_diagram(seed)
    quality = measure(diagram)
    assert quality.labels_off_route <= len(diagram.arrows) // 12
    assert (quality.label_overlaps, quality.labels_on_cards) == (0, 0)
    assert quality.labels_off_route == sum(1 for a in diagram.arrows.values() if a.leader)


def _gap(box: Rect, a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far a box lies from an axis-parallel segment (0 if they touch)."""
    dx = max(box.x - max(a[0], b[0]), min(a[0], b[0]) - box.right, 0.0)
    dy = max(box.y - max(a[1], b[1]), min(a[1], b[1]) - box.bottom, 0.0)
    return max(dx, dy)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_example_labels_collide_with_nothing_after_auto_layout(path: Path) -> None:
    quality = measure(_auto_diagram(path))
    assert (quality.label_overlaps, quality.labels_on_cards) == (0, 0)


def test_the_html_picture_is_the_engines_diagram() -> None:
    """The SVG of the HTML page draws the engine's routes: each flow's path starts at its
    route's first point and its label box is the engine's."""
    import re

    from designer.core.exporters.svg import render_svg

    design = auto_layout(load(EXAMPLES[2]))  # shop
    diagram = build_diagram(design)
    svg = render_svg(design)
    for key, arrow in diagram.arrows.items():
        found = re.search(
            rf'data-id="{key}"[^>]*>.*?class="flow-line" d="M([-\d.]+) ([-\d.]+)', svg
        )
        assert found is not None
        assert (float(found[1]), float(found[2])) == pytest.approx(arrow.points[0], abs=0.06)
        assert arrow.label is not None
        label = re.search(
            rf'class="flow-label" data-id="{key}"[^>]*><rect x="([-\d.]+)" y="([-\d.]+)"', svg
        )
        assert label is not None
        assert (float(label[1]), float(label[2])) == pytest.approx(
            (arrow.label.x, arrow.label.y), abs=0.06
        )


def test_arrows_a_card_is_dropped_onto_are_routed_round_it() -> None:
    design = auto_layout(load(EXAMPLES[1]))  # marketplace
    engine = DiagramEngine(design)
    # A card with few arrows dropped in the middle of a long arrow of two other cards.
    long = max(
        engine.diagram.arrows.values(),
        key=lambda a: abs(a.points[0][0] - a.points[-1][0]) + abs(a.points[0][1] - a.points[-1][1]),
    )
    (x0, y0), (x1, y1) = max(
        itertools.pairwise(long.points),
        key=lambda s: abs(s[1][0] - s[0][0]) + abs(s[1][1] - s[0][1]),
    )
    card = min(
        (c for c in engine.diagram.cards if c not in (long.source, long.target)),
        key=lambda c: len(engine.arrows_of(c)),
    )
    x, y = (x0 + x1) / 2 - CARD_WIDTH / 2, (y0 + y1) / 2 - CARD_HEIGHT / 2
    if any(
        engine.diagram.cards[c].overlaps(Rect(x, y, CARD_WIDTH, CARD_HEIGHT), 30)
        for c in engine.diagram.cards
        if c != card
    ):
        pytest.skip("no free spot on the longest run")
    for step in range(1, 6):  # dragged there in a few frames, then dropped
        engine.move_card(card, x, y - 100 + 20 * step, dragging=True)
    engine.settle([card])
    assert [k for k, c in _entered(engine.diagram) if c == card] == []


@pytest.mark.parametrize(
    ("inbound", "places"),
    [
        # n0's arrows leave its right side for cards up and to the right; the nearest
        # (n1) is not the highest, and its arrow turns up first.
        (False, {"n0": (0, 600), "n1": (360, 310), "n2": (720, 40), "n3": (1440, 170)}),
        # Arrows from cards down and to the left enter n0's left side; the nearest (n1)
        # is not the lowest, and its arrow turns up last.
        (True, {"n0": (1500, 0), "n1": (1100, 300), "n2": (400, 500), "n3": (0, 200)}),
    ],
    ids=["leaving", "entering"],
)
def test_arrows_at_one_card_side_do_not_cross_where_they_turn(
    inbound: bool, places: dict[str, tuple[int, int]]
) -> None:
    # Ports on a side ordered by how high the far cards are, as before, put the arrow
    # that turns nearest the card on the wrong port: it crossed the others right by the
    # card (as shipping's arrows to inventory, reports and notifications did twice on
    # the violations example).
    nodes = [Node(id=f"n{i}", name=f"N{i}", kind=NodeKind.SERVICE) for i in range(4)]
    messages = [Message(id="m1", name="Ping", kind=MessageKind.COMMAND, owner="n0")]
    flows = [
        Flow.model_validate(
            {
                "id": f"f{i}",
                "message": "m1",
                "from": f"n{i}" if inbound else "n0",
                "to": "n0" if inbound else f"n{i}",
                "transport": "queue",
            }
        )
        for i in (1, 2, 3)
    ]
    design = Design(
        name="Fan",
        nodes=nodes,
        messages=messages,
        flows=flows,
        layout=Layout(nodes={k: Point(x=x, y=y) for k, (x, y) in places.items()}),
    )
    diagram = build_diagram(design)
    n0 = diagram.cards["n0"]
    side = n0.x if inbound else n0.right
    ends = [a.points[-1 if inbound else 0] for a in diagram.arrows.values()]
    assert all(x == side for x, _ in ends)  # all three at one side of n0: the case here
    assert measure(diagram).crossings == 0


def test_an_arrow_into_a_side_with_a_card_close_in_front_enters_round_the_corner() -> None:
    """A hand-placed design (found by a random sweep of close cards): n1's left side has
    n2 20 px in front of it, closer than a stub's length, and the arrow from n0, below
    left, was routed to a port there through n2. It enters n1 by the side round the
    corner instead (its bottom, towards n0), through no card."""
    design = _design([(0, 0), (1, 0), (2, 0)], [(0, 1)])
    layout = Layout(
        nodes={"n0": Point(x=600, y=160), "n1": Point(x=1120, y=0), "n2": Point(x=880, y=0)}
    )
    diagram = build_diagram(design.model_copy(update={"layout": layout}))
    assert _entered(diagram) == []
    end = diagram.arrows["f0"].points[-1]
    assert end[1] == diagram.cards["n1"].bottom


def test_a_loop_goes_round_a_corner_with_no_card_close_by() -> None:
    """A loop's first corner is the top right; with a card 5 px off its card's right
    side, the loop ran through that card (every such loop needed the rescue search).
    It takes a corner whose sides are open instead."""
    design = _design([(0, 0), (1, 0)], [(0, 0)])
    layout = Layout(nodes={"n0": Point(x=0, y=0), "n1": Point(x=CARD_WIDTH + 5, y=0)})
    diagram = build_diagram(design.model_copy(update={"layout": layout}))
    assert _entered(diagram) == []
    n0 = diagram.cards["n0"]
    points = diagram.arrows["f0"].points
    assert all(x <= n0.right for x, _ in points)  # nothing on the right side


def test_an_end_whose_side_and_both_corners_face_close_cards_takes_the_back_side() -> None:
    """n1's left side faces n2 5 px away, and its top and bottom face n3 and n4 as
    close: the arrow from n0, far to the left, enters n1 by its right side."""
    design = _design([(0, 0), (1, 0), (2, 0), (3, 0), (4, 0)], [(0, 1)])
    w, h = CARD_WIDTH, CARD_HEIGHT
    layout = Layout(
        nodes={
            "n0": Point(x=-2 * w - 300, y=0),
            "n1": Point(x=0, y=0),
            "n2": Point(x=-w - 5, y=0),
            "n3": Point(x=0, y=-h - 5),
            "n4": Point(x=0, y=h + 5),
        }
    )
    diagram = build_diagram(design.model_copy(update={"layout": layout}))
    assert _entered(diagram) == []
    assert diagram.arrows["f0"].points[-1][0] == diagram.cards["n1"].right


@settings(
    max_examples=examples(300),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_close_designs(), st.data())
def test_a_card_dropped_close_to_others_leaves_no_route_through_a_card(
    design: Design, data: st.DataObject
) -> None:
    """A card of a close hand-placed design dragged (three frames) next to another card,
    1-14 px from it, and dropped: after `settle` no route enters a card that is not one
    of its ends. (A loop whose corner the dropped card now walled, running 1 px into it,
    was not routed again: `_crossing` looked only 1 px inside the dropped card.)"""
    engine = DiagramEngine(design)
    cards = sorted(engine.diagram.cards)
    card = data.draw(st.sampled_from(cards))
    anchor = engine.diagram.cards[data.draw(st.sampled_from([c for c in cards if c != card]))]
    gap, side = data.draw(st.integers(1, 14)), data.draw(st.integers(0, 3))
    if side < 2:
        x = anchor.right + gap if side == 0 else anchor.x - CARD_WIDTH - gap
        y = anchor.y + data.draw(st.integers(-CARD_HEIGHT + 10, CARD_HEIGHT - 10))
    else:
        x = anchor.x + data.draw(st.integers(-CARD_WIDTH + 10, CARD_WIDTH - 10))
        y = anchor.bottom + gap if side == 2 else anchor.y - CARD_HEIGHT - gap
    spot = Rect(x, y, CARD_WIDTH, CARD_HEIGHT)
    others = [r for k, r in engine.diagram.cards.items() if k != card]
    if any(spot.overlaps(r.grown(1)) for r in others):
        return
    start = engine.diagram.cards[card]
    for step in (1, 2, 3):
        engine.move_card(
            card, start.x + (x - start.x) * step / 3, start.y + (y - start.y) * step / 3, True
        )
    engine.settle([card])
    assert _entered(engine.diagram) == []
