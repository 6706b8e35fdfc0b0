"""The last word on a route that runs through a card that is not one of its ends.

The router's search keeps a margin (router.MARGIN) free round every card and starts an
arrow 14 px out from its port. Cards a user put closer together than that have margins
that overlap: the channel between two cards 5 px apart is closed to the search, a stub
may end inside the next card, and the search (or the nudging after it, or a fan's arch)
then drew the arrow through a card. This search is asked only for such routes, once
the others are settled. It looks at the cards themselves, not their margins: every
card's border lines and the middle of every gap between two lines are grid lines, a
point on or in a card is closed, so a run down the middle of a 1 px gap between two
cards is a way. Its stubs go half way to whatever stands in front of the port (at most
the usual stub length).

So for cards that do not overlap and do not touch, a way between two ports always
exists on this grid (Hanan-grid argument: the free space is a union of boxes whose
corners lie on grid lines, and the gap middles keep runs off the borders), and the
search, with the whole design's bounds as its last region, finds one. (Bounded: a
region whose grid has more than _MOST_POINTS points is skipped, so in a design of
hundreds of cards packed close by hand the guarantee holds only for ways found within
450 px of the two ends; the property test and benchmarks/close_cards.py use 2-18 cards.)
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable

from .geometry import Point, Rect, tidy_route
from .index import RectIndex, axis_segment_enters

Side = tuple[int, int]
# Whether another route runs on this line: (axis (0: a vertical run at x = at), at, lo, hi).
Taken = Callable[[int, float, float, float], bool]
_DIRECTIONS: tuple[Side, ...] = ((1, 0), (-1, 0), (0, 1), (0, -1))
BEND = 20.0
# Travel along another route's line costs this much more per pixel (two arrows on one
# line read as one), and at least TAKEN_LEAST.
TAKEN = 4.0
TAKEN_LEAST = 40.0
# Regions looked at, widening: around the two ends by this much, then everything.
_REACHES = (150.0, 450.0)
_STEPS = (20_000, 60_000, 150_000)
# A region whose grid has more points than this is not looked at (a big design's whole
# extent: its grid alone would take seconds to lay out).
_MOST_POINTS = 300_000


def front(cards: RectIndex, p: Point, out: Side, own: str, most: float) -> float:
    """How far a run from port `p` straight out along `out` goes before it meets a card
    other than `own` (at most `most`)."""
    x, y = p
    x1, y1 = x + out[0] * most, y + out[1] * most
    reach = most
    for key, r in cards.near(min(x, x1), min(y, y1), max(x, x1), max(y, y1)).items():
        if key == own:
            continue
        if out[1] == 0:
            if not (r.y <= y <= r.bottom):
                continue
            d = (r.x - x) if out[0] > 0 else (x - r.right)
        else:
            if not (r.x <= x <= r.right):
                continue
            d = (r.y - y) if out[1] > 0 else (y - r.bottom)
        if 0 <= d < reach:
            reach = d
    return reach


def enters_other(cards: RectIndex, points: list[Point], ends: tuple[str, str]) -> bool:
    """Whether the route runs through the inside of a card that is not one of `ends`."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for key, r in cards.near(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)).items():
            if key not in ends and axis_segment_enters(x0, y0, x1, y1, r):
                return True
    return False


def clear_route(
    cards: RectIndex,
    p: Point,
    out: Side,
    q: Point,
    into: Side,
    ends: tuple[str, str],
    stubs: tuple[float, float],
    taken: Taken | None = None,
    most: int | None = None,
) -> list[Point] | None:
    """A route from port p (leaving along `out`) to port q (entering along `into`, the
    outward direction of q's side) through no card's inside; None if there is none
    (cards touching or overlapping round an end). With `most`, a quick look: only
    near the ends, at most that many grid points (a route already clear of cards
    looking for one on fewer other routes' lines)."""
    source, target = ends
    s = min(stubs[0], front(cards, p, out, source, stubs[0] * 2) / 2)
    t = min(stubs[1], front(cards, q, into, target, stubs[1] * 2) / 2)
    if s <= 0 or t <= 0:
        return None
    a = (p[0] + out[0] * s, p[1] + out[1] * s)
    b = (q[0] + into[0] * t, q[1] + into[1] * t)
    everything = _bounds(cards)
    for reach, steps in itertools.zip_longest(_REACHES, _STEPS):
        if most is not None:
            if reach is None:
                break
            steps = min(steps, most)
        if reach is None:
            region = everything.grown(60.0)
        else:
            left, top = min(a[0], b[0]) - reach, min(a[1], b[1]) - reach
            right, bottom = max(a[0], b[0]) + reach, max(a[1], b[1]) + reach
            region = Rect(left, top, right - left, bottom - top)
        found = _search(cards, a, out, b, into, region, steps, taken)
        if found is not None:
            return tidy_route([p, *found, q])
        if reach is not None and _contains(region, everything):
            break  # already looked at everything
    return None


def _contains(outer: Rect, inner: Rect) -> bool:
    return (
        outer.x <= inner.x
        and inner.right <= outer.right
        and outer.y <= inner.y
        and inner.bottom <= outer.bottom
    )


def _bounds(cards: RectIndex) -> Rect:
    rects = [r for _, r in cards.items()]
    left, top = min(r.x for r in rects), min(r.y for r in rects)
    right, bottom = max(r.right for r in rects), max(r.bottom for r in rects)
    return Rect(left, top, right - left, bottom - top)


def _search(
    cards: RectIndex,
    a: Point,
    out: Side,
    b: Point,
    into: Side,
    region: Rect,
    steps: int,
    taken: Taken | None = None,
) -> list[Point] | None:
    near = cards.near(region.x, region.y, region.right, region.bottom)
    boxes = [r for r in near.values() if r.overlaps(region)]
    xs = {a[0], b[0], region.x, region.right}
    ys = {a[1], b[1], region.y, region.bottom}
    for r in boxes:
        xs.update((r.x, r.right))
        ys.update((r.y, r.bottom))
    xs_sorted = _middles(sorted(x for x in xs if region.x <= x <= region.right))
    ys_sorted = _middles(sorted(y for y in ys if region.y <= y <= region.bottom))
    n_x, n_y = len(xs_sorted), len(ys_sorted)
    if n_x * n_y > _MOST_POINTS:
        return None
    # Closed boxes: a point on a card's border is in it (so no run along a border, and
    # no step jumps a card: its borders are grid lines).
    closed = [bytearray(n_y) for _ in range(n_x)]
    for r in boxes:
        i0, i1 = bisect_left(xs_sorted, r.x), bisect_right(xs_sorted, r.right)
        j0, j1 = bisect_left(ys_sorted, r.y), bisect_right(ys_sorted, r.bottom)
        if j0 < j1:
            fill = b"\x01" * (j1 - j0)
            for i in range(i0, i1):
                closed[i][j0:j1] = fill
    xi = {x: i for i, x in enumerate(xs_sorted)}
    yi = {y: i for i, y in enumerate(ys_sorted)}
    start, goal = (xi[a[0]], yi[a[1]]), (xi[b[0]], yi[b[1]])
    if closed[start[0]][start[1]] or closed[goal[0]][goal[1]]:
        return None
    arrive = _DIRECTIONS.index((-into[0], -into[1]))
    d0 = _DIRECTIONS.index(out)
    gx, gy = b
    first = (start[0], start[1], d0)
    queue: list[tuple[float, float, tuple[int, int, int]]] = [
        (abs(gx - a[0]) + abs(gy - a[1]), 0.0, first)
    ]
    best = {first: 0.0}
    came: dict[tuple[int, int, int], tuple[int, int, int]] = {}
    busy_edges: dict[tuple[int, int, int], bool] = {}  # (lower end i, j, axis): taken?
    while queue and steps > 0:
        steps -= 1
        _, cost, state = heapq.heappop(queue)
        if cost > best.get(state, float("inf")):
            continue
        i, j, d = state
        if (i, j) == goal:
            path = [(xs_sorted[i], ys_sorted[j])]
            while state in came:
                state = came[state]
                path.append((xs_sorted[state[0]], ys_sorted[state[1]]))
            path.reverse()
            return path
        for nd, (dx, dy) in enumerate(_DIRECTIONS):
            if nd == d ^ 1:
                continue
            ni, nj = i + dx, j + dy
            if not (0 <= ni < n_x and 0 <= nj < n_y) or closed[ni][nj]:
                continue
            x, y = xs_sorted[ni], ys_sorted[nj]
            length = abs(x - xs_sorted[i]) + abs(y - ys_sorted[j])
            extra = BEND if nd != d else 0.0
            if (ni, nj) == goal and nd != arrive:
                extra += 2 * BEND
            if taken is not None:
                edge = (min(i, ni), min(j, nj), dx == 0)
                busy = busy_edges.get(edge)
                if busy is None:
                    here = xs_sorted[i], ys_sorted[j]
                    if dx == 0:
                        busy = taken(0, x, min(y, here[1]), max(y, here[1]))
                    else:
                        busy = taken(1, y, min(x, here[0]), max(x, here[0]))
                    busy_edges[edge] = busy
                if busy:
                    extra += TAKEN * max(length, TAKEN_LEAST)
            new = cost + length + extra
            nxt = (ni, nj, nd)
            if new < best.get(nxt, float("inf")):
                best[nxt] = new
                came[nxt] = state
                h = abs(gx - x) + abs(gy - y)
                heapq.heappush(queue, (new + h, new, nxt))
    return None


def _middles(values: list[float]) -> list[float]:
    """The lines and the middle of every gap between two neighbouring ones."""
    out: list[float] = []
    for lo, hi in itertools.pairwise(values):
        out.append(lo)
        out.append((lo + hi) / 2)
    if values:
        out.append(values[-1])
    return out
