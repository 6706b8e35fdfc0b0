"""Arrows drawn on one line, and the crowded channels that make them.

Routes are found one at a time and then spread onto tracks (nudge.py); where a channel
has more arrows through it than tracks, the spreading runs out of room and leaves two
arrows on one line (they read as one arrow with two labels). Spreading cannot fix that:
some arrows must take another channel. This module finds the pairs left on one line,
chooses which arrows of them go elsewhere, and marks the stretch of channel they crowd,
for the router to search again with a cost on travelling along it (rip-up and re-route,
as negotiated-congestion routers - PathFinder, VLSI global routers - do: the first
routes are found blind to each other, and only those in overfull channels pay).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .geometry import Point, Rect
from .index import RectIndex

_CHANNEL_REACH = 60.0  # how far across from the shared line a crowded stretch reaches
_FIRST_LOOK = 40.0  # how far across `channel` looks first


@dataclass(frozen=True)
class Shared:
    """Two arrows' runs drawn on one line: run `index` of `key` (points[index] ->
    points[index + 1]) and run `other_index` of `other`, along axis `axis` (0: vertical
    runs, lying at x = `at`; 1: horizontal), overlapping from `lo` to `hi`."""

    key: str
    index: int
    other: str
    other_index: int
    axis: int
    at: float
    lo: float
    hi: float


def shared_runs(
    routes: Mapping[str, list[Point]],
    apart: float = 2.0,
    least: float = 2.0,
    keys: Iterable[str] | None = None,
) -> list[Shared]:
    """Pairs of axis-parallel runs of different arrows less than `apart` from each other
    across (on screen one line) overlapping for more than `least` along; with `keys`,
    only the pairs one of whose arrows is among them. A pair of arrows may share
    several lines (each is listed); a pair of runs is listed once."""
    wanted = None if keys is None else set(keys)
    # (axis, bucket) -> runs (lo, hi, at, key, index); closer than `apart` means in the
    # same or the next bucket.
    lines: dict[tuple[int, int], list[tuple[float, float, float, str, int]]] = defaultdict(list)
    for key, points in routes.items():
        for i in range(len(points) - 1):
            (x0, y0), (x1, y1) = points[i], points[i + 1]
            if x0 == x1 and y0 != y1:
                lines[(0, int(x0 // apart))].append((min(y0, y1), max(y0, y1), x0, key, i))
            elif y0 == y1 and x0 != x1:
                lines[(1, int(y0 // apart))].append((min(x0, x1), max(x0, x1), y0, key, i))
    found: dict[tuple[str, int, str, int], Shared] = {}
    for (axis, bucket), runs in lines.items():
        others = sorted(runs + lines.get((axis, bucket + 1), []))
        for n, (_, hi, at, key, index) in enumerate(others):
            for other_lo, other_hi, other_at, other, other_index in others[n + 1 :]:
                if other_lo >= hi - least:
                    break  # sorted by start: none further on overlaps this one enough
                if (
                    other == key
                    or abs(other_at - at) >= apart
                    or min(hi, other_hi) - other_lo <= least
                ):
                    continue
                if wanted is not None and key not in wanted and other not in wanted:
                    continue
                first, second = sorted(((key, index), (other, other_index)))
                found[(*first, *second)] = Shared(
                    *first, *second, axis, at, other_lo, min(hi, other_hi)
                )
    return list(found.values())


def movers(shared: list[Shared], movable: set[str], routes: Mapping[str, list[Point]]) -> list[str]:
    """The arrows to route again so that no pair is left on one line: each pair loses
    one of its two arrows (one that may move), the arrow in most pairs first; between
    two, one whose shared run is an inner run (an end run is tied to its port: routed
    again it mostly leaves its card the same way), then the longer route (it has more
    ways round), then by key."""
    pairs = {(s.key, s.other) for s in shared}
    inner: set[str] = set()
    for s in shared:
        for key, index in ((s.key, s.index), (s.other, s.other_index)):
            if 0 < index < len(routes[key]) - 2:
                inner.add(key)
    length = {key: _length(routes[key]) for pair in pairs for key in pair if key in movable}
    # Each arrow's count of pairs left, kept up to date as pairs go, and a heap of
    # (count, inner, length, key) entries, stale ones skipped when popped: recounting
    # every pair for every arrow chosen cost pairs x chosen, most of routing a
    # 10,000-card design. The heap pops the same arrow the recount picked (the most
    # pairs, then inner, then longer, then the smallest key).
    count: dict[str, int] = defaultdict(int)
    partners: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for pair in pairs:
        for key in pair:
            partners[key].append(pair)
            if key in movable:
                count[key] += 1
    heap = [(-n, key not in inner, -length[key], key) for key, n in count.items()]
    heapq.heapify(heap)
    gone: set[tuple[str, str]] = set()
    chosen: list[str] = []
    while heap:
        n, _, _, best = heapq.heappop(heap)
        if -n != count.get(best, 0) or n == 0:
            continue  # stale: some of its pairs went since this entry was pushed
        chosen.append(best)
        del count[best]
        for pair in partners[best]:
            if pair in gone:
                continue
            gone.add(pair)
            for key in pair:
                if key != best and key in count:
                    count[key] -= 1
                    if count[key]:
                        heapq.heappush(heap, (-count[key], key not in inner, -length[key], key))
                    else:
                        del count[key]
    return chosen


def crowded_stretch(
    s: Shared, key: str, routes: Mapping[str, list[Point]], obstacles: RectIndex
) -> Rect:
    """The stretch of channel arrow `key` (one of the pair) ran out of tracks in: along,
    the whole of its shared run (the nudging looked for a free track over all of it:
    the pair's overlap is only where it gave up); across, from the shared line out to
    the cards (their kept-free margins) on either side, at most _CHANNEL_REACH each way."""
    points = routes[key]
    index = s.index if key == s.key else s.other_index
    (x0, y0), (x1, y1) = points[index], points[index + 1]
    lo, hi = (min(y0, y1), max(y0, y1)) if s.axis == 0 else (min(x0, x1), max(x0, x1))
    low, high = channel(s.axis, s.at, lo, hi, obstacles, _CHANNEL_REACH)
    if s.axis == 0:
        return Rect(low, lo, high - low, hi - lo)
    return Rect(lo, low, hi - lo, high - low)


def channel(
    axis: int, at: float, lo: float, hi: float, obstacles: RectIndex, reach: float
) -> tuple[float, float]:
    """How far across a run (axis 0: vertical, at x = `at` from y = `lo` to `hi`; 1:
    horizontal) may go either way before it meets an obstacle level with it, at most
    `reach`: the channel it runs in. An obstacle it runs along the edge of bounds it
    on that side."""
    if reach > _FIRST_LOOK:
        # Mostly a channel between cards a card's gap apart: a narrow look finds both
        # its sides among far fewer cards than the full reach would.
        low, high = channel(axis, at, lo, hi, obstacles, _FIRST_LOOK)
        if low > at - _FIRST_LOOK and high < at + _FIRST_LOOK:
            return low, high
    low, high = at - reach, at + reach
    if axis == 0:
        for r in obstacles.near(low, lo, high, hi).values():
            if r.y < hi and lo < r.bottom:
                if r.right <= at + 0.5:
                    low = max(low, r.right)
                elif r.x >= at - 0.5:
                    high = min(high, r.x)
        return low, high
    for r in obstacles.near(lo, low, hi, high).values():
        if r.x < hi and lo < r.right:
            if r.bottom <= at + 0.5:
                low = max(low, r.bottom)
            elif r.y >= at - 0.5:
                high = min(high, r.y)
    return low, high


def _length(points: list[Point]) -> float:
    return sum(
        abs(points[i + 1][0] - points[i][0]) + abs(points[i + 1][1] - points[i][1])
        for i in range(len(points) - 1)
    )
