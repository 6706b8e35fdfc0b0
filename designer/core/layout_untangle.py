"""Cards of one context trading places while that removes crossings.

Barycenter sweeps order whole contexts; inside a context the cards of one step of its
flow sit in equal cells and may trade places without changing the drawing's extent or
how the flow reads. This local search swaps two of them when the straight lines between
linked cards then cross less, each flow counted as its own arrow (the geometry engine
draws every flow, so a pair of 3 arrows crossing a pair of 2 makes 6 crossings). All
cards have one size, so lines between top-left corners cross as those between centres.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict

Point = tuple[float, float]
# Arrows of the shortlists one call may look at (deterministic, unlike a clock): about
# two tenths of a second of Python. The shortlists (_overlapping_spans) leave a fraction
# of all pairs, so the same budget tries several times as many swaps as testing them all.
# The budget, not _ROUNDS, ends the search at 30 services: routed crossings of synthetic
# 30, seeds 1-12, went 3,014 -> 2,762 with boxes for shortlists, -> 2,280 with this
# budget doubled from 100,000 (six rounds instead of three: same), -> 2,198 with only
# the crossings after a trade counted (the same trades, each costing half the work).
_WORK = 200_000
# Bigger designs get a budget in step with their arrows (linked pairs of cards): at 100
# services (~265 arrows) 200,000 ran out long before the trades did, and most crossings
# left were of arrows between contexts that more trades uncross (synthetic 100, seeds
# 1-12 and 21: 23,577 routed crossings; with no limit 17,926 at ~1.5x the auto-layout
# time; with this, ~800,000 there, 18,680 at ~1.3x). 30 services (~80 arrows) get a
# little more than _WORK (seeds 1-12: 2,198 -> 2,086, time about the same); 300
# services ~2.4 million (seeds 1-3 and 20: 35,514 -> 35,162, ~1.15x the time).
_WORK_PER_ARROW = 3_000
_ROUNDS = 3


def segments_cross(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    """True when the segments p1-p2 and p3-p4 cross at a point inside both: p1 and p2
    on either side of the line p3-p4, and p3 and p4 of p1-p2 (each side the sign of a
    cross product; written out, as every count of crossings calls it in its inner loop)."""
    x1, y1 = p1
    x2, y2 = p2
    x3, y3 = p3
    x4, y4 = p4
    dx, dy = x4 - x3, y4 - y3
    if (dx * (y1 - y3) - dy * (x1 - x3)) * (dx * (y2 - y3) - dy * (x2 - x3)) >= 0:
        return False
    ex, ey = x2 - x1, y2 - y1
    return (ex * (y3 - y1) - ey * (x3 - x1)) * (ex * (y4 - y1) - ey * (x4 - x1)) < 0


def untangle(
    groups: list[list[str]], arrows: Counter[tuple[str, str]], place: dict[str, Point]
) -> None:
    """Swap the places (in `place`) of two cards of a group while that lowers the
    crossings; `arrows` counts the flows between each linked pair of cards."""
    # Only arrows between placed cards can cross anything here: a flow whose end has no
    # place (an import's design being built) would otherwise stop the layout with a KeyError.
    arrows = Counter(
        {pair: n for pair, n in arrows.items() if pair[0] in place and pair[1] in place}
    )
    touching: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in arrows:
        touching[pair[0]].append(pair)
        touching[pair[1]].append(pair)
    near = _overlapping_spans(groups, sorted(arrows), place)
    # What the work budget counts: each arrow's shortlist as it is. What is tested: the
    # shortlist without the arrows sharing a card with it (they never cross it), with
    # their ends, so the inner loop does no more than it must.
    shortlist = {p: len(others) for p, others in near.items()}
    apart = {
        p: [(q, q[0], q[1]) for q in others if p[0] not in q and p[1] not in q]
        for p, others in near.items()
    }
    work = 0
    budget = max(_WORK, _WORK_PER_ARROW * len(arrows))
    # The arrows each arrow crosses as the cards stand now, worked out when first asked
    # and kept up to date as trades are made: the crossings before a trade are then a
    # sum, and only those after it are counted afresh (half the work of counting both).
    crossed: dict[tuple[str, str], set[tuple[str, str]]] = {}

    def crossing(p: tuple[str, str]) -> set[tuple[str, str]]:
        """The arrows crossing `p` where the cards stand now. The segment test is
        segments_cross written out in line (the same arithmetic in the same order, so the
        same answers), after the cheap test that the two are apart in height."""
        nonlocal work
        work += shortlist[p]
        a, b = p
        x1, y1 = place[a]
        x2, y2 = place[b]
        top, bottom = min(y1, y2), max(y1, y2)
        ex, ey = x2 - x1, y2 - y1
        found: set[tuple[str, str]] = set()
        for q, c, d in apart[p]:
            x3, y3 = place[c]
            x4, y4 = place[d]
            if (y3 <= top and y4 <= top) or (y3 >= bottom and y4 >= bottom):
                continue
            dx, dy = x4 - x3, y4 - y3
            if (dx * (y1 - y3) - dy * (x1 - x3)) * (dx * (y2 - y3) - dy * (x2 - x3)) >= 0:
                continue
            if (ex * (y3 - y1) - ey * (x3 - x1)) * (ex * (y4 - y1) - ey * (x4 - x1)) < 0:
                found.add(q)
        return found

    def total(sets: dict[tuple[str, str], set[tuple[str, str]]]) -> int:
        """Crossings of the arrows keyed in `sets` (those of the two cards traded) with
        any arrow, each flow its own arrow and each crossing pair once."""
        return sum(
            arrows[p] * arrows[q]
            for p, others in sets.items()
            for q in others
            if q not in sets or q > p
        )

    for _ in range(_ROUNDS):
        improved = False
        for group in groups:
            for i, u in enumerate(group):
                for v in group[i + 1 :]:
                    if work > budget:
                        return
                    if not touching[u] and not touching[v]:
                        continue
                    mine = sorted(set(touching[u]) | set(touching[v]))
                    now = {p: crossed[p] if p in crossed else crossing(p) for p in mine}
                    crossed.update(now)
                    before = total(now)
                    if not before:
                        continue  # nothing to uncross: a trade can only add crossings
                    place[u], place[v] = place[v], place[u]
                    after = {p: crossing(p) for p in mine}
                    if total(after) >= before:
                        place[u], place[v] = place[v], place[u]
                        continue
                    improved = True
                    for p in mine:  # the other arrows' sets follow
                        for q in now[p] - after[p]:
                            if q in crossed and q not in after:
                                crossed[q].discard(p)
                        for q in after[p] - now[p]:
                            if q in crossed and q not in after:
                                crossed[q].add(p)
                    crossed.update(after)
        if not improved:
            return


def _overlapping_spans(
    groups: list[list[str]], pairs: list[tuple[str, str]], place: dict[str, Point]
) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """For each arrow, the arrows whose boxes overlap its own whatever swaps are made (a
    card may take the place of any card of its groups, so its end lies somewhere in the
    box of their places): only those can ever cross it. In a layered drawing most arrows
    join near columns, and contexts stand apart in height (as bands, or one above the
    other in a layer), so this leaves a small fraction of the pairs to test."""
    # Groups sharing a card pass places on: a card of both takes a place of the one and
    # may then trade it to a card of the other. So each card may end at any place of the
    # groups joined to its own through shared cards (its box spans them all; only the
    # groups themselves made the shortlists miss arrows where groups overlap).
    joined: dict[str, str] = {}

    def root(card: str) -> str:
        while joined.get(card, card) != card:
            card = joined[card]
        return card

    for group in groups:
        for card in group[1:]:
            a, b = root(group[0]), root(card)
            if a != b:
                joined[b] = a
    box = {card: (x, x, y, y) for card, (x, y) in place.items()}
    reach: dict[str, tuple[float, float, float, float]] = {}
    for group in groups:
        for card in group:
            x, y = place[card]
            x0, x1, y0, y1 = reach.get(root(card), (x, x, y, y))
            reach[root(card)] = (min(x0, x), max(x1, x), min(y0, y), max(y1, y))
    for group in groups:
        for card in group:
            box[card] = reach[root(card)]
    span = {
        p: (
            min(box[p[0]][0], box[p[1]][0]),
            max(box[p[0]][1], box[p[1]][1]),
            min(box[p[0]][2], box[p[1]][2]),
            max(box[p[0]][3], box[p[1]][3]),
        )
        for p in pairs
    }
    by_left = sorted(pairs, key=lambda p: span[p][0])
    lefts = [span[p][0] for p in by_left]
    near: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for p in pairs:
        left, right, top, bottom = span[p]
        # Arrows starting left of p's right end, of those the ones ending past its left
        # and reaching into its height (two segments cross only at a point inside both
        # boxes: touching boxes do not count, as segments_cross does not).
        near[p] = sorted(
            q
            for q in by_left[: bisect_left(lefts, right)]
            if span[q][1] > left and span[q][2] < bottom and span[q][3] > top
        )
    return near
