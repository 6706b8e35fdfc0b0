"""Auto-layout of some cards only ("Arrange selection"): the rest stay where they are.

The selected cards and the arrows among them are laid out as a design of their own
(layout.auto_layout: layers, contexts as blocks), and the result is put where the
selection was (its top-left corner where the selection's was). If it would then cover
cards that were not selected, it moves out, ring by ring, to the nearest place where it
covers none.
"""

from __future__ import annotations

from collections.abc import Iterable

from .layout import CARD_HEIGHT, CARD_WIDTH, auto_layout
from .model import Design, Layout, Point

GAP = 40.0  # kept free between an arranged card and a card left in place
_RINGS = 40  # how far out (in steps of one card) a block looks for room


def arrange_selection(design: Design, node_ids: Iterable[str]) -> dict[str, Point]:
    """New positions of the cards `node_ids` (those that exist); the others do not move."""
    chosen = {n.id for n in design.nodes} & set(node_ids)
    if not chosen:
        return {}
    part = Design(
        name=design.name,
        nodes=[n for n in design.nodes if n.id in chosen],
        messages=design.messages,
        flows=[f for f in design.flows if f.source in chosen and f.target in chosen],
        layout=Layout(),
    )
    laid = auto_layout(part).layout.nodes
    placed = [design.layout.nodes[n] for n in chosen if n in design.layout.nodes]
    anchor = (min(p.x for p in placed), min(p.y for p in placed)) if placed else (0.0, 0.0)
    left = min(p.x for p in laid.values())
    top = min(p.y for p in laid.values())
    block = {n: (p.x - left + anchor[0], p.y - top + anchor[1]) for n, p in laid.items()}
    others = [(p.x, p.y) for n, p in design.layout.nodes.items() if n not in chosen]
    dx, dy = _free_offset(block, others)
    return {n: Point(x=round(x + dx), y=round(y + dy)) for n, (x, y) in block.items()}


def _free_offset(
    block: dict[str, tuple[float, float]], others: list[tuple[float, float]]
) -> tuple[float, float]:
    """The smallest shift (in card steps, nearest ring first) after which no card of the
    block covers a card left in place."""
    step_x, step_y = CARD_WIDTH + GAP, CARD_HEIGHT + GAP
    xs = [x for x, _ in block.values()]
    ys = [y for _, y in block.values()]
    # Only cards near the block can be in the way.
    reach = _RINGS * max(step_x, step_y)
    near = [
        (x, y)
        for x, y in others
        if min(xs) - reach <= x <= max(xs) + reach and min(ys) - reach <= y <= max(ys) + reach
    ]
    for ring in range(_RINGS + 1):
        cells = [
            (i * step_x, j * step_y)
            for i in range(-ring, ring + 1)
            for j in range(-ring, ring + 1)
            if max(abs(i), abs(j)) == ring  # inner rings were tried already
        ]
        for dx, dy in sorted(cells, key=lambda c: (abs(c[0]) + abs(c[1]), c)):
            if not any(
                _covers(x + dx, y + dy, ox, oy) for x, y in block.values() for ox, oy in near
            ):
                return dx, dy
    return 0.0, 0.0


def _covers(x: float, y: float, ox: float, oy: float) -> bool:
    return abs(x - ox) < CARD_WIDTH + GAP and abs(y - oy) < CARD_HEIGHT + GAP
