"""Spreading routed arrows apart: parallel runs in one channel get their own tracks,
ordered so that they cross each other as little as possible (libavoid calls this
"nudging"; ELK's orthogonal router assigns channel slots the same way).

Routes are found one at a time, each round the cards only, so two of them often run
along the same grid line for a while (they read as one arrow with two labels) or take
tracks in the order they were routed (their bends cross for nothing). This pass looks at
every inner run of every route (a run whose two ends are bends, so it can slide sideways
without moving the arrow's ends), works out how far it may slide before it would run
into a card or flip one of its neighbouring runs, and groups runs that lie side by side
(overlapping along their length and in what room they have). In each group the runs are
put in the order that makes the fewest of their bends cross the others, then spread
evenly across the room they share, each still within its own room. Vertical runs first,
then horizontal ones (the same code on the mirrored picture).
"""

from __future__ import annotations

from dataclasses import dataclass

from .geometry import Point, Rect
from .index import RectIndex
from .steps import Steps, finish, scaled

TRACK = 9.0  # the wanted distance between two parallel runs
_END_ROOM = 14.0  # a run next to an arrow's end keeps the end's straight stub this long
_BEND_ROOM = 4.0  # ... next to another bend, this much of the run between them
_SIDE_REACH = 200.0  # how far a run may slide towards a side no neighbour bounds
_IMPOSSIBLE = 1_000
_SAME_LINE = 10  # two runs drawn on one line read worse than a few crossings
_ORDER_LIMIT = 120  # larger groups keep their order (choosing one costs groups squared)
_STEP = 256  # runs looked at between two steps (steps.py) of a big design's nudging


@dataclass
class _Run:
    key: str  # the arrow
    index: int  # points[index] -> points[index + 1]
    at: float  # where it runs across (x of a vertical run)
    lo: float  # along: from
    hi: float  # along: to
    room_lo: float  # it may slide between room_lo and room_hi
    room_hi: float
    wanted: float  # where it would sit alone: the middle of a channel, or where it is
    # Its bends' other runs: (where along they lie, +1 if they leave towards larger
    # `at`, -1 towards smaller).
    turns: tuple[tuple[float, int], ...]
    movable: bool  # an inner run; the others stay where they are


def nudge(
    routes: dict[str, list[Point]], obstacles: RectIndex, keys: list[str] | None = None
) -> set[str]:
    """Spread the inner runs of `routes` in place, never into an obstacle: all of them,
    or only those of `keys` (arrows routed again after an edit), the others then held
    where they are for these to keep clear of. Returns the keys of the routes that
    changed."""
    return finish(nudge_steps(routes, obstacles, keys))


def nudge_steps(
    routes: dict[str, list[Point]], obstacles: RectIndex, keys: list[str] | None = None
) -> Steps[set[str]]:
    """`nudge` in steps (steps.py), for a big design routed between a window's events."""
    movable = set(routes) if keys is None else set(keys) & routes.keys()
    changed = yield from scaled(_nudge_axis(routes, obstacles, movable), 0.0, 0.5)
    mirrored = {k: [(y, x) for x, y in points] for k, points in routes.items()}
    flipped = RectIndex(obstacles.cell)
    for key, rect in obstacles.items():
        flipped.add(key, Rect(rect.y, rect.x, rect.h, rect.w))
    moved = yield from scaled(_nudge_axis(mirrored, flipped, movable), 0.5, 1.0)
    for key in moved:
        routes[key] = [(x, y) for y, x in mirrored[key]]
    return changed | moved


def _nudge_axis(
    routes: dict[str, list[Point]], obstacles: RectIndex, movable: set[str]
) -> Steps[set[str]]:
    """Spread the vertical inner runs (slid along x) of the `movable` routes."""
    runs: list[_Run] = []
    for done, key in enumerate(sorted(routes), 1):
        runs.extend(_vertical_runs(key, routes[key], obstacles, key in movable))
        if done % _STEP == 0:
            yield done / len(routes) * 0.1
    groups = yield from scaled(_groups(runs), 0.1, 0.5)
    changed: set[str] = set()
    for done, group in enumerate(groups, 1):
        if not any(run.movable for run in group):
            continue
        ordered = _order(group)
        for run, x in zip(ordered, _spread(ordered), strict=True):
            if not run.movable or abs(x - run.at) < 0.05:
                continue
            points = routes[run.key]
            (_, y0), (_, y1) = points[run.index], points[run.index + 1]
            points[run.index] = (x, y0)
            points[run.index + 1] = (x, y1)
            changed.add(run.key)
        yield 0.5 + done / len(groups) * 0.5
    return changed


def _vertical_runs(
    key: str, points: list[Point], obstacles: RectIndex, movable: bool = True
) -> list[_Run]:
    """The route's vertical runs: inner ones with the room they may slide in, the others
    (an arrow's first and last run, every run of a route not `movable`) fixed where they
    are, for the inner ones to keep clear of."""
    found = []
    last = len(points) - 1
    for i in range(last):
        (x, y0), (x1, y1) = points[i], points[i + 1]
        if x != x1 or y0 == y1:
            continue
        top, bottom = min(y0, y1), max(y0, y1)
        bends = []
        if i > 0 and points[i - 1][1] == y0:
            bends.append((y0, 1 if points[i - 1][0] > x else -1))
        if i + 1 < last and points[i + 2][1] == y1:
            bends.append((y1, 1 if points[i + 2][0] > x else -1))
        turns = tuple(bends)
        room = _room(points, i, obstacles) if movable and len(bends) == 2 else None
        if room is None:
            found.append(_Run(key, i, x, top, bottom, x, x, x, turns, False))
        else:
            lo, hi, wanted = room
            found.append(_Run(key, i, x, top, bottom, lo, hi, wanted, turns, True))
    return found


def _room(points: list[Point], i: int, obstacles: RectIndex) -> tuple[float, float, float] | None:
    """How far the inner vertical run points[i] -> points[i + 1] may slide sideways, and
    where it would sit alone (the middle of a channel bounded on both sides, else where
    it is); None if it is against a card already."""
    (x, y0), (_, y1) = points[i], points[i + 1]
    last = len(points) - 1
    lo, hi = x - _SIDE_REACH, x + _SIDE_REACH
    bounded_lo = bounded_hi = False
    for neighbour, end in ((points[i - 1][0], i - 1 == 0), (points[i + 2][0], i + 2 == last)):
        # Up to an end's stub; up to half way to a bend (whose run may slide too).
        if neighbour < x:
            limit = neighbour + _END_ROOM if end else (neighbour + x) / 2 + _BEND_ROOM / 2
            lo, bounded_lo = max(lo, limit), True
        else:
            limit = neighbour - _END_ROOM if end else (neighbour + x) / 2 - _BEND_ROOM / 2
            hi, bounded_hi = min(hi, limit), True
    top, bottom = min(y0, y1), max(y0, y1)
    for r in obstacles.near(lo, top, hi, bottom).values():
        # Anything level with the run or its bends' runs bounds the slide.
        if r.y > bottom or r.bottom < top:
            continue
        if r.right <= x:
            if r.right > lo:
                lo, bounded_lo = r.right, True
        elif r.x >= x:
            if r.x < hi:
                hi, bounded_hi = r.x, True
        else:
            return None  # already against an obstacle (a blind fallback): leave it
    if lo > hi:
        return None
    return lo, hi, (lo + hi) / 2 if bounded_lo and bounded_hi else x


def _groups(runs: list[_Run]) -> Steps[list[list[_Run]]]:
    """Runs side by side: overlapping (within a track) along their length and in their
    rooms, joined transitively. Only the groups holding a movable run (the others stay
    as they are): after a card is dropped a few runs move among thousands, and the
    search starts from those few instead of joining every pair of the design."""
    index = RectIndex()
    for i, run in enumerate(runs):
        index.add(
            str(i),
            Rect(
                run.room_lo, run.lo - TRACK, run.room_hi - run.room_lo, run.hi - run.lo + 2 * TRACK
            ),
        )
        if i % _STEP == 0:
            yield 0.2 * i / len(runs)
    joined: set[int] = set()
    groups: list[list[int]] = []
    looked = 0
    for first, start in enumerate(runs):
        if not start.movable or first in joined:
            continue
        members = [first]
        joined.add(first)
        for i in members:  # grows while it is walked: everything reachable from `first`
            run = runs[i]
            for other_key in index.near(run.room_lo, run.lo - TRACK, run.room_hi, run.hi + TRACK):
                j = int(other_key)
                if j in joined:
                    continue
                other = runs[j]
                if (
                    run.lo < other.hi + TRACK
                    and other.lo < run.hi + TRACK
                    and run.room_lo <= other.room_hi
                    and other.room_lo <= run.room_hi
                ):
                    joined.add(j)
                    members.append(j)
            looked += 1
            if looked % _STEP == 0:
                yield 0.2 + 0.8 * looked / len(runs)
        groups.append(sorted(members))
    return [[runs[i] for i in members] for members in groups]


def _cost(left: _Run, right: _Run) -> int:
    """Crossings between the bends of two runs when `left` lies left of `right`: a bend
    whose other run leaves towards the other run crosses it if level with it. An order
    their rooms do not allow costs more than any crossings."""
    if left.room_lo > right.room_hi - 1.0:
        return _IMPOSSIBLE
    if left.hi < right.lo - 1.0 or right.hi < left.lo - 1.0:
        return 0  # not level with each other: neither's bends reach the other
    count = 0
    for y, way in left.turns:
        if way > 0 and right.lo < y < right.hi:
            count += 1
    for y, way in right.turns:
        if way < 0 and left.lo < y < left.hi:
            count += 1
        # Bends on one line whose runs come from opposite sides towards each other: the
        # two runs would overlap, drawn as one line.
        if way < 0 and any(w > 0 and abs(y - at) < 1.0 for at, w in left.turns):
            count += _SAME_LINE
    return count


def _order(group: list[_Run]) -> list[_Run]:
    """The group left to right: each run inserted where it adds the fewest crossings,
    then each taken out and put back where it adds the fewest among all the others
    (sifting: the first insertions did not know the runs that came later)."""
    start = sorted(group, key=lambda r: (r.at, r.wanted, r.key, r.index))
    if len(start) > _ORDER_LIMIT:
        return start
    # Every pair's crossings in both orders, counted once: the insertions and the
    # sifting below ask for each pair three times.
    cost = [[_cost(a, b) if a is not b else 0 for b in start] for a in start]
    ordered: list[int] = []
    for run in range(len(start)):
        _insert(ordered, run, cost)
    for run in range(len(start)):
        ordered.remove(run)
        _insert(ordered, run, cost)
    return [start[i] for i in ordered]


def _insert(ordered: list[int], run: int, cost: list[list[int]]) -> None:
    # Crossings if inserted at position p: with everything before p it lies right of,
    # with everything from p on it lies left of.
    as_right = [cost[other][run] for other in ordered]
    mine = cost[run]
    as_left = [mine[other] for other in ordered]
    total = sum(as_left)
    best, best_cost = 0, total
    for p in range(1, len(ordered) + 1):
        total += as_right[p - 1] - as_left[p - 1]
        if total < best_cost:
            best, best_cost = p, total
    ordered.insert(best, run)


def _spread(ordered: list[_Run]) -> list[float]:
    """Positions in this order, TRACK apart from the runs level with them (less where
    their room does not allow it), about their wanted places, each within its own room.
    A group may reach over several channels through runs with wide rooms: only runs
    level with each other keep apart."""
    count = len(ordered)
    level: list[list[int]] = [[] for _ in ordered]  # earlier runs level with each run
    after: list[list[int]] = [[] for _ in ordered]  # ... later ones
    # Along the runs' length, each meets only the runs still open where it starts.
    by_start = sorted(range(count), key=lambda k: ordered[k].lo)
    open_runs: list[int] = []
    for i in by_start:
        run = ordered[i]
        open_runs = [j for j in open_runs if ordered[j].hi + TRACK > run.lo]
        for j in open_runs:
            if j < i:
                level[i].append(j)
                after[j].append(i)
            else:
                level[j].append(i)
                after[i].append(j)
        open_runs.append(i)
    for i in range(count):
        level[i].sort()
        after[i].sort()
    gap = TRACK
    for i, run in enumerate(ordered):
        crowd = 1 + len(level[i]) + len(after[i])
        if run.movable:
            gap = min(gap, (run.room_hi - run.room_lo) / (crowd + 1))
    gap = max(3.0, gap)
    wanted = [r.wanted for r in ordered]
    # Close to the wanted places keeping order and gap, each within its own room:
    # pushed right then left, and left then right, averaged; then pushed right once
    # more where clamping to the rooms broke the order. Never into a card, even if the
    # gap suffers.
    rooms = [(r.room_lo, r.room_hi) for r in ordered]
    first = _push(_push(wanted, rooms, gap, level, 1), rooms, gap, after, -1)
    second = _push(_push(wanted, rooms, gap, after, -1), rooms, gap, level, 1)
    merged = [(a + b) / 2 for a, b in zip(first, second, strict=True)]
    return _push(merged, rooms, gap, level, 1)


def _push(
    at: list[float],
    rooms: list[tuple[float, float]],
    gap: float,
    before: list[list[int]],
    way: int,
) -> list[float]:
    """Each position at least `gap` past the positions `before` it (way 1: rightwards,
    in order; -1: leftwards, from the end), clamped to its room."""
    out = list(at)
    indices = range(len(out)) if way > 0 else range(len(out) - 1, -1, -1)
    for i in indices:
        x = out[i]
        for j in before[i]:
            x = max(x, out[j] + gap) if way > 0 else min(x, out[j] - gap)
        lo, hi = rooms[i]
        out[i] = min(max(x, lo), hi)
    return out
