"""Auto-layout: layered left to right, actors first, no overlapping cards, few crossings."""

from __future__ import annotations

import pytest

from designer.core import io
from designer.core.layout import (
    CARD_HEIGHT,
    CARD_WIDTH,
    auto_layout,
    count_crossings,
    overlapping_cards,
)
from designer.core.model import Design, NodeKind
from designer.core.synthetic import synthetic_design
from designer.resources import examples_dir

EXAMPLES = sorted(examples_dir().glob("*.msgflow.json"))


def _cases() -> list[tuple[str, Design]]:
    cases = [(path.name, io.load(path)) for path in EXAMPLES]
    cases += [(f"synthetic-{n}", synthetic_design(n, seed=1)) for n in (10, 40, 120)]
    return cases


@pytest.mark.parametrize(("name", "design"), _cases(), ids=[c[0] for c in _cases()])
def test_no_cards_overlap_and_every_node_is_placed(name: str, design: Design) -> None:
    laid_out = auto_layout(design)
    assert set(laid_out.layout) == {n.id for n in design.nodes}
    assert overlapping_cards(laid_out) == []
    # Semantics untouched: only `layout` may differ.
    assert laid_out.model_copy(update={"layout": {}}) == design.model_copy(update={"layout": {}})


def test_crossing_counts_on_the_examples(capsys: pytest.CaptureFixture[str]) -> None:
    lines = []
    for name, design in _cases():
        laid_out = auto_layout(design)
        lines.append(
            f"{name}: {count_crossings(laid_out)} crossings after auto-layout "
            f"({len(design.nodes)} nodes, {len(design.flows)} flows)"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    shop = auto_layout(io.load(examples_dir() / "shop.msgflow.json"))
    assert count_crossings(shop) == 0  # the shop draws without a single crossing


def test_actors_are_in_the_leftmost_column() -> None:
    for _, design in _cases():
        laid_out = auto_layout(design)
        actors = [laid_out.layout[n.id].x for n in design.nodes if n.kind is NodeKind.ACTOR]
        services = [laid_out.layout[n.id].x for n in design.nodes if n.kind is NodeKind.SERVICE]
        if actors and services:
            assert max(actors) < min(services)


def test_flows_read_left_to_right() -> None:
    shop = auto_layout(io.load(examples_dir() / "shop.msgflow.json"))
    x = {k: p.x for k, p in shop.layout.items()}
    assert x["web"] < x["orders"] < x["shipping"]
    assert x["orders"] < x["loyalty"] < x["notifications"]  # loyalty feeds notifications


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
    assert overlapping_cards(laid_out) == [] and len(laid_out.layout) == 3


def test_card_size_is_the_one_the_overlap_check_uses() -> None:
    assert (CARD_WIDTH, CARD_HEIGHT) == (220, 100)
