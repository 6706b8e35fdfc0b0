"""Many arrows between two cards side by side: a few run straight across, the rest fan
out over and under the pair in rows, so each label has a run of its own to sit on.

Two cards facing each other across a gap have about 70 px of facing side: 47 arrows
between them (an imported client and server, such as Slack's real-time API) ran 1.5 px
apart there, one thick band; no label could sit on its own arrow, and 37 of 47 went off
their arrows on leader lines. Here only as many as leave a label's height between them
run straight across (`straight_capacity`); the others leave by the top or the bottom
side of one card and enter the other by the same side, as arches nested `FAN_ROW`
apart, the outermost from the far ends of both sides (so no two cross). A label on one
arch's run does not reach the next run; labels of neighbouring rows stagger along
their runs (labels.py slides them), which the layout makes long enough (layout's gaps
between layers: `fan_gap`).

Only where the room above (or below) both cards is free of other cards: elsewhere the
arrows stay on the facing sides as before.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .geometry import Rect
from .index import RectIndex
from .labels import LABEL_HEIGHT

Side = tuple[int, int]
RIGHT, LEFT, DOWN, UP = (1, 0), (-1, 0), (0, 1), (0, -1)

FAN_ROW = 16.0  # between the runs of two nested arches: a label's half height and a gap
# Straight arrows across the gap keep a label's height and its clearance apart (their
# labels may all sit in the middle of the gap).
STRAIGHT_ROW = LABEL_HEIGHT + 4.0


@dataclass(frozen=True)
class Arch:
    """One fanned arrow: the side both its ends take (UP or DOWN), the y of its run, and
    its depth in the fan (0: the innermost, nearest the cards)."""

    side: Side
    row: float
    depth: int


def straight_capacity(a: Rect, b: Rect, pad: float) -> int:
    """How many arrows run straight across between two cards side by side, a label's
    height apart, on the facing sides' common height (less `pad` from the corners);
    0 where that is too short for two (all of a fan's arrows then take arches)."""
    # Ports spread over a side at (i + 1/2) / n of it: n ports lie span / n apart.
    span = min(a.bottom, b.bottom) - max(a.y, b.y) - 2 * pad
    return max(0, int(span // STRAIGHT_ROW))


def fan_depth(arrows: int, straight: int, margin: float) -> tuple[float, float]:
    """How far a fan of `arrows` between two cards (`straight` of them across) reaches
    above and below the cards, with its outermost labels."""
    up, down = _split(max(0, arrows - straight))
    return _reach(up, margin), _reach(down, margin)


def _reach(rows: int, margin: float) -> float:
    return margin + (rows - 1) * FAN_ROW + LABEL_HEIGHT / 2 if rows else 0.0


def _split(fanned: int) -> tuple[int, int]:
    """Arches over and under: half each, the odd one over."""
    return (fanned + 1) // 2, fanned // 2


def fans(
    ends: dict[str, tuple[str, str]],
    chosen: dict[str, tuple[Side, Side]],
    cards: dict[str, Rect],
    obstacles: RectIndex,
    margin: float,
    pad: float,
) -> dict[str, Arch]:
    """The arrows that fan out, with their arches. `ends`: flow key: (source, target)
    of every arrow in `chosen` (loops too); `chosen`: the sides its ends take (only
    arrows between facing left and right sides fan); `obstacles`: cards grown by their
    margins."""
    bundles: dict[tuple[str, str], list[str]] = defaultdict(list)
    at: dict[tuple[str, Side], set[str]] = defaultdict(set)  # the arrows ending at a side
    for key, (source, target) in ends.items():
        out, into = chosen[key]
        at[(source, out)].add(key)
        at[(target, into)].add(key)
        if source != target and (out, into) in ((RIGHT, LEFT), (LEFT, RIGHT)):
            bundles[(min(source, target), max(source, target))].append(key)
    found: dict[str, Arch] = {}
    for (one, other), keys in sorted(bundles.items()):
        a, b = cards[one], cards[other]
        straight = straight_capacity(a, b, pad)
        if len(keys) <= max(straight, 1):
            continue
        # Only a pair whose facing sides hold their own arrows alone, over or under
        # sides holding none: another arrow there would cross the arches (violations
        # example: billing's arrow to notifications, from the side facing payments).
        bundle = set(keys)
        sides = [(card, side) for card in (one, other) for side in (LEFT, RIGHT, UP, DOWN)]
        if any(at[(card, side)] - bundle for card, side in sides if side[1] == 0):
            continue
        rows = _rows(
            a,
            b,
            len(keys) - straight,
            margin,
            obstacles,
            (one, other),
            {side for card, side in sides if side[1] != 0 and at[(card, side)]},
        )
        if rows is None:
            continue
        # The first keys (by name) run straight; the rest take the rows in turn.
        taken = {UP: 0, DOWN: 0}
        for key in sorted(keys)[straight:]:
            side = UP if taken[UP] < rows[UP] and taken[UP] <= taken[DOWN] else DOWN
            if taken[side] >= rows[side]:
                side = UP if side == DOWN else DOWN
            depth = taken[side]
            taken[side] += 1
            if side == UP:
                row = min(a.y, b.y) - margin - depth * FAN_ROW
            else:
                row = max(a.bottom, b.bottom) + margin + depth * FAN_ROW
            found[key] = Arch(side, row, depth)
    return found


def _rows(
    a: Rect,
    b: Rect,
    fanned: int,
    margin: float,
    obstacles: RectIndex,
    ends: tuple[str, str],
    taken: set[Side],
) -> dict[Side, int] | None:
    """How many arches go over and under the pair: half each where both bands are free
    of other cards (and neither card has other arrows at that side: `taken`), all on
    one side where only that one is, None where neither is."""
    up, down = _split(fanned)
    if not taken and (
        _free(a, b, UP, up, margin, obstacles, ends)
        and _free(a, b, DOWN, down, margin, obstacles, ends)
    ):
        return {UP: up, DOWN: down}
    for side in (UP, DOWN):
        if side not in taken and _free(a, b, side, fanned, margin, obstacles, ends):
            return {side: fanned, (UP if side == DOWN else DOWN): 0}
    return None


def _free(
    a: Rect,
    b: Rect,
    side: Side,
    rows: int,
    margin: float,
    obstacles: RectIndex,
    ends: tuple[str, str],
) -> bool:
    """Whether the band the arches of one side take (and their outer labels) is free of
    every other card."""
    if rows == 0:
        return True
    depth = margin + (rows - 1) * FAN_ROW + LABEL_HEIGHT
    left, right = min(a.x, b.x), max(a.right, b.right)
    # From the outer labels to the nearer side of the card further out (an arch's ends
    # run up, or down, to it past the other card's side).
    if side == UP:
        top = min(a.y, b.y) - depth
        box = Rect(left, top, right - left, max(a.y, b.y) - top)
    else:
        bottom = min(a.bottom, b.bottom)
        box = Rect(left, bottom, right - left, max(a.bottom, b.bottom) + depth - bottom)
    return not any(
        key not in ends and rect.overlaps(box)
        for key, rect in obstacles.near(box.x, box.y, box.right, box.bottom).items()
    )


def arch_rank(rect: Rect, far: Rect, arch: Arch) -> float:
    """A small offset of the arch's port rank on its side (ports sort by heading, the
    same for every arch of a fan): the outer an arch, the further its port from the
    other card, so nested arches never cross."""
    away = -1.0 if far.x > rect.x else 1.0
    return away * (arch.depth + 1) * 1e-4
