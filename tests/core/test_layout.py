"""Auto-layout: layered left to right, actors first, no overlapping cards, few crossings,
each bounded context together in its own backdrop."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from designer.core import io
from designer.core.layout import (
    CARD_HEIGHT,
    CARD_WIDTH,
    COLUMN_GAP,
    ROW_GAP,
    auto_layout,
    boundary_backdrops,
    count_crossings,
    overlapping_cards,
)
from designer.core.model import Design, Layout, NodeKind
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir

EXAMPLES = sorted(examples_dir().glob("*.msgflow.json"))

# On one xdist worker, so each case is laid out once in the run (see _laid_out).
pytestmark = pytest.mark.xdist_group("auto-layout")


@functools.cache
def _cases() -> list[tuple[str, Design]]:
    cases = [(path.name, io.load(path)) for path in EXAMPLES]
    cases += [(f"synthetic-{n}", synthetic_design(n, seed=1)) for n in (10, 40, 120)]
    cases.append(("actor-in-a-boundary", _actor_in_a_boundary()))
    return cases


@functools.cache
def _laid_out(name: str, direction: str | None = None) -> Design:
    """The case `name` laid out once per test process, not once per test: auto-layout is
    deterministic (test_the_layout_is_deterministic_and_independent_of_list_order lays
    out afresh to check it), and every test here only reads the result."""
    return auto_layout(dict(_cases())[name], direction)


def _actor_in_a_boundary() -> Design:
    """An actor sharing a context with services, a context without inner flows, a cycle
    between contexts and cards without a boundary."""
    nodes = [
        {"id": "clerk", "name": "Clerk", "kind": "actor", "boundary": "Desk"},
        {"id": "web", "name": "Web", "kind": "actor"},
        {"id": "desk", "name": "Desk", "boundary": "Desk"},
        {"id": "a1", "name": "A1", "boundary": "A"},
        {"id": "a2", "name": "A2", "boundary": "A"},
        {"id": "a3", "name": "A3", "boundary": "A"},
        {"id": "b1", "name": "B1", "boundary": "B"},
        {"id": "b2", "name": "B2", "boundary": "B"},
        {"id": "lone", "name": "Lone"},
        {"id": "solo", "name": "Solo"},
    ]
    links = [
        ("clerk", "desk"),
        ("desk", "a1"),
        ("web", "a2"),
        ("a1", "b1"),
        ("a3", "b2"),
        ("b2", "a2"),  # back from B to A: a cycle between contexts
        ("b1", "lone"),
        ("web", "lone"),
        ("web", "clerk"),  # an actor asking another actor: both stay left
        ("web", "solo"),
    ]
    return Design.model_validate(
        {
            "nodes": nodes,
            "messages": [{"id": "m", "name": "DoIt", "kind": "command"}],
            "flows": [
                {"id": f"f{i}", "message": "m", "from": a, "to": b, "transport": "queue"}
                for i, (a, b) in enumerate(links)
            ],
        }
    )


@pytest.mark.parametrize(("name", "design"), _cases(), ids=[c[0] for c in _cases()])
def test_no_cards_overlap_and_every_node_is_placed(name: str, design: Design) -> None:
    laid_out = _laid_out(name)
    assert set(laid_out.layout.nodes) == {n.id for n in design.nodes}
    assert overlapping_cards(laid_out) == []
    # Semantics untouched: only `layout` may differ.
    assert laid_out.model_copy(update={"layout": Layout()}) == design.model_copy(
        update={"layout": Layout()}
    )


def test_crossing_counts_on_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for name, design in _cases():
        laid_out = _laid_out(name)
        own = (
            f", {count_crossings(design)} in the file's layout"
            if name.endswith(".json") and design.layout.nodes
            else ""
        )
        lines.append(
            f"{name}: {count_crossings(laid_out)} crossings after auto-layout{own} "
            f"({len(design.nodes)} nodes, {len(design.flows)} flows)"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    shop = _laid_out("shop.msgflow.json")
    assert count_crossings(shop) == 0  # the shop draws without a single crossing


@pytest.mark.parametrize("direction", ["right", "down"])
def test_actors_come_first(direction: str) -> None:
    """In the leftmost column (left to right) or the top row (top to bottom)."""
    for name, design in _cases():
        laid_out = _laid_out(name, direction)
        at = (lambda p: p.x) if direction == "right" else (lambda p: p.y)
        actors = [at(laid_out.layout.nodes[n.id]) for n in design.nodes if n.kind is NodeKind.ACTOR]
        # Drawn down, a context holding an actor is a row of the first layer, its cards
        # beside the actor (a context is packed left to right inside).
        shared = {n.boundary for n in design.nodes if n.kind is NodeKind.ACTOR and n.boundary}
        services = [
            at(laid_out.layout.nodes[n.id])
            for n in design.nodes
            if n.kind is NodeKind.SERVICE and (direction == "right" or n.boundary not in shared)
        ]
        if actors and services:
            assert max(actors) < min(services)


def test_flows_read_left_to_right() -> None:
    shop = _laid_out("shop.msgflow.json", "right")
    x = {k: p.x for k, p in shop.layout.nodes.items()}
    assert x["web"] < x["orders"] < x["shipping"]
    assert x["orders"] < x["loyalty"] < x["notifications"]  # loyalty feeds notifications


def test_flows_read_top_to_bottom_when_drawn_down() -> None:
    shop = _laid_out("shop.msgflow.json", "down")
    y = {k: p.y for k, p in shop.layout.nodes.items()}
    assert y["web"] < y["orders"] < y["shipping"]
    assert overlapping_cards(shop) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_the_chosen_direction_keeps_the_examples_fit_for_a_screen(path: Path) -> None:
    """Left to right, fitted when that is a strip (width:height over 2.5), unless it
    cannot be and top to bottom can: every bundled example then draws between 0.5 and
    2.5 wide per unit high."""
    from designer.core.layout import ASPECT_RANGE, _aspect

    design = io.load(path)
    laid_out = _laid_out(path.name)
    assert ASPECT_RANGE[0] <= _aspect(laid_out) <= ASPECT_RANGE[1]
    if laid_out.layout != _laid_out(path.name, "down").layout:
        # Left to right: the actors' cards make the first column.
        actors = {n.id for n in design.nodes if n.kind is NodeKind.ACTOR}
        left = min(p.x for p in laid_out.layout.nodes.values())
        assert all(laid_out.layout.nodes[a].x == left for a in actors)


def test_the_layout_is_deterministic_and_independent_of_list_order() -> None:
    design = synthetic_design(30, seed=4)
    shuffled = design.model_copy(
        update={"nodes": list(reversed(design.nodes)), "flows": list(reversed(design.flows))}
    )
    assert auto_layout(design).layout == auto_layout(shuffled).layout


def test_cycles_and_self_loops_do_not_break_it() -> None:
    design = Design.model_validate(
        {
            "nodes": [{"id": i, "name": i} for i in "abc"],
            "messages": [{"id": "m", "name": "DoIt", "kind": "command"}],
            "flows": [
                {"id": "f1", "message": "m", "from": "a", "to": "b", "transport": "queue"},
                {"id": "f2", "message": "m", "from": "b", "to": "c", "transport": "queue"},
                {"id": "f3", "message": "m", "from": "c", "to": "a", "transport": "queue"},
                {"id": "f4", "message": "m", "from": "a", "to": "a", "transport": "queue"},
            ],
        }
    )
    laid_out = auto_layout(design)
    assert overlapping_cards(laid_out) == [] and len(laid_out.layout.nodes) == 3


def test_card_size_is_the_one_the_overlap_check_uses() -> None:
    assert (CARD_WIDTH, CARD_HEIGHT) == (220, 100)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("name", "design"), _cases(), ids=[c[0] for c in _cases()])
def test_boundary_backdrops_never_overlap(name: str, design: Design) -> None:
    backdrops = sorted(boundary_backdrops(_laid_out(name)).items())
    assert len(backdrops) == len({n.boundary for n in design.nodes if n.boundary})
    for i, (a, box_a) in enumerate(backdrops):
        for b, box_b in backdrops[i + 1 :]:
            assert not _overlap(box_a, box_b), f"{a} and {b} overlap"


@pytest.mark.parametrize(("name", "design"), _cases(), ids=[c[0] for c in _cases()])
def test_a_backdrop_holds_its_own_cards_and_no_other(name: str, design: Design) -> None:
    laid_out = _laid_out(name)
    backdrops = boundary_backdrops(laid_out)
    for node in design.nodes:
        p = laid_out.layout.nodes[node.id]
        card = (p.x, p.y, p.x + CARD_WIDTH, p.y + CARD_HEIGHT)
        for boundary, box in backdrops.items():
            inside = (
                box[0] <= card[0] and card[2] <= box[2] and box[1] <= card[1] and card[3] <= box[3]
            )
            if boundary == node.boundary:
                assert inside
            else:
                assert not _overlap(card, box), f"{node.id} lies on the {boundary} backdrop"


@pytest.mark.parametrize(("name", "design"), _cases(), ids=[c[0] for c in _cases()])
def test_each_context_is_a_compact_block(name: str, design: Design) -> None:
    """A context's backdrop is about as wide as tall, not strung across the drawing:
    at most twice the room its cards would take in a grid, gaps included (rows as far
    apart as a drawing fitted to a screen spreads them)."""
    from designer.core.layout import _MOST_STRETCH

    members: dict[str, int] = {}
    for node in design.nodes:
        if node.boundary:
            members[node.boundary] = members.get(node.boundary, 0) + 1
    cell = (CARD_WIDTH + COLUMN_GAP) * (CARD_HEIGHT + ROW_GAP * _MOST_STRETCH)
    for boundary, box in boundary_backdrops(_laid_out(name)).items():
        area = (box[2] - box[0]) * (box[3] - box[1])
        assert area <= 2 * members[boundary] * cell, boundary


def test_the_marketplace_contexts_read_left_to_right() -> None:
    boxes = boundary_backdrops(_laid_out("marketplace.msgflow.json", "right"))
    # Shoppers reach the catalogue, then buy (Sales), which fulfilment and payments serve;
    # reporting (Insights) listens to everyone and comes last.
    assert boxes["Catalog"][2] <= boxes["Sales"][0]
    assert boxes["Sales"][2] <= boxes["Fulfilment"][0]
    assert boxes["Sales"][2] <= boxes["Payments"][0]
    assert max(box[2] for name, box in boxes.items() if name != "Insights") <= boxes["Insights"][0]
