"""Cards of one context trading places while that removes crossings.

Barycenter sweeps order whole contexts; inside a context the cards of one step of its
flow sit in equal cells and may trade places without changing the drawing's extent or
how the flow reads. This local search swaps two of them when the straight lines between
linked cards then cross less, each flow counted as its own arrow (the geometry engine
draws every flow, so a pair of 3 arrows crossing a pair of 2 makes 6 crossings). All
cards have one size, so lines between top-left corners cross as those between centres.
"""

from __future__ import annotations

from collections import Counter, defaultdict

Point = tuple[float, float]
# Segment tests one call may spend (deterministic, unlike a clock): about a tenth of a
# second of Python.
_WORK = 100_000
_ROUNDS = 3


def segments_cross(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    """True when the segments p1-p2 and p3-p4 cross at a point inside both."""

    def side(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = side(p3, p4, p1), side(p3, p4, p2)
    d3, d4 = side(p1, p2, p3), side(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def untangle(
    groups: list[list[str]], arrows: Counter[tuple[str, str]], place: dict[str, Point]
) -> None:
    """Swap the places (in `place`) of two cards of a group while that lowers the
    crossings; `arrows` counts the flows between each linked pair of cards."""
    touching: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in arrows:
        touching[pair[0]].append(pair)
        touching[pair[1]].append(pair)
    pairs = sorted(arrows)
    work = 0

    def crossings(u: str, v: str) -> int:
        """Crossings of the arrows of u or v with any arrow (each such pair once)."""
        nonlocal work
        mine = sorted(set(touching[u]) | set(touching[v]))
        own = set(mine)
        work += len(mine) * len(pairs)
        total = 0
        for p in mine:
            a, b = p
            pa, pb = place[a], place[b]
            for q in pairs:
                c, d = q  # an arrow sharing a card never crosses it
                if a in q or b in q or (q in own and q <= p):
                    continue
                if segments_cross(pa, pb, place[c], place[d]):
                    total += arrows[p] * arrows[q]
        return total

    for _ in range(_ROUNDS):
        improved = False
        for group in groups:
            for i, u in enumerate(group):
                for v in group[i + 1 :]:
                    if work > _WORK:
                        return
                    if not touching[u] and not touching[v]:
                        continue
                    before = crossings(u, v)
                    place[u], place[v] = place[v], place[u]
                    if crossings(u, v) < before:
                        improved = True
                    else:
                        place[u], place[v] = place[v], place[u]
        if not improved:
            return
