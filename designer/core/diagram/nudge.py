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

import math
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .geometry import Point, Rect
from .index import RectIndex
from .steps import Steps, finish, scaled

TRACK = 9.0  # the wanted distance between two parallel runs
MIN_GAP = 3.0  # the least: two 2 px lines this far apart still show a gap between them
_PORT_SLIDE = 4.0  # how far an arrow's end may slide along its card's side
# How far into the margin kept free around cards (router.MARGIN - 1, 13 px) a run may go
# when its channel has no free track left: it stays 5 px off the card.
_SQUEEZE = 8.0
_END_ROOM = 14.0  # a run next to an arrow's end keeps the end's straight stub this long
_BEND_ROOM = 4.0  # ... next to another bend, this much of the run between them
_SIDE_REACH = 200.0  # how far a run may slide towards a side no neighbour bounds
_IMPOSSIBLE = 1_000
_SAME_LINE = 10  # two runs drawn on one line read worse than a few crossings
_ORDER_LIMIT = 120  # larger groups keep their order (choosing one costs groups squared)
_FEW_MOVING = 4  # a group with fewer than 1 in this many runs movable orders only those
_GROUP_CELL = 256.0  # of the grid finding runs side by side
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
    # How much further it may go into the margin kept free around a card that bounds
    # its room, when the channel has no free track left (a crowded channel's last
    # resort: closer to a card than wanted, but not on another arrow's line).
    spare_lo: float = 0.0
    spare_hi: float = 0.0


# A run's room: from, to, where it would sit alone, and spare room beyond each end.
_Room = tuple[float, float, float, float, float]


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
    # Sliding the horizontal runs lengthened or shortened the vertical ones: two that
    # ended short of each other on one line may now overlap. Those (few) step aside.
    moved |= _unshare_axis(mirrored, flipped, movable)
    yield 1.0  # each pass over every run's line takes tens of ms on a big design
    for key in moved:
        routes[key] = [(x, y) for y, x in mirrored[key]]
    changed |= _unshare_axis(routes, obstacles, movable)
    return changed | moved


def _unshare_axis(
    routes: dict[str, list[Point]], obstacles: RectIndex, movable: set[str]
) -> set[str]:
    """Move each movable inner vertical run that lies on another arrow's line (closer
    than MIN_GAP, overlapping along) to the nearest free track of its room, as
    `_separate` does within a group; returns the keys of the routes changed."""
    lines: list[_Line] = []
    for key, points in routes.items():
        for i in range(len(points) - 1):
            (x, y0), (x1, y1) = points[i], points[i + 1]
            if x == x1 and y0 != y1:
                lines.append((x, min(y0, y1), max(y0, y1), key, i))
    crowded = _on_other_lines(lines)
    index = _Lines(lines)
    changed: set[str] = set()
    for key, i in sorted(crowded):
        points = routes[key]
        if key not in movable or not 0 < i < len(points) - 2:
            continue
        room = _room(points, i, obstacles)
        if room is None:
            continue
        lo, hi, _, spare_lo, spare_hi = room
        (x, y0), (_, y1) = points[i], points[i + 1]
        top, bottom = min(y0, y1), max(y0, y1)
        taken = [
            line[0]
            for line in index.near(
                lo - spare_lo - MIN_GAP, hi + spare_hi + MIN_GAP, top - TRACK, bottom + TRACK
            )
            if (line[3], line[4]) != (key, i) and line[1] < bottom + TRACK and top < line[2] + TRACK
        ]
        place = _free_place(x, lo, hi, taken)
        if place == x:
            place = _free_place(x, lo - spare_lo, hi + spare_hi, taken)
        if place == x:
            continue
        points[i], points[i + 1] = (place, y0), (place, y1)
        # Keep the lines true for the runs still to come.
        index.move((x, top, bottom, key, i), place)
        changed.add(key)
    return changed


_Line = tuple[float, float, float, str, int]  # a vertical run: x, top, bottom, key, index


def _on_other_lines(lines: list[_Line]) -> set[tuple[str, int]]:
    """The runs (key, index) closer than MIN_GAP across to a run of another arrow that
    overlaps them along (within a pixel). Runs are binned by x (MIN_GAP wide: a pair is
    in one bin or two neighbouring ones), and each pair of neighbouring bins is swept
    top to bottom: a channel holds a run for every row of a big design, and comparing
    every run with all those at its x cost runs squared per channel."""
    bins: dict[int, list[_Line]] = {}
    for line in lines:
        bins.setdefault(int(line[0] // MIN_GAP), []).append(line)
    crowded: set[tuple[str, int]] = set()
    for number, members in bins.items():
        candidates = sorted(members + bins.get(number + 1, []), key=lambda line: line[1])
        open_lines: list[_Line] = []
        for line in candidates:
            x, top, _, key, i = line
            open_lines = [o for o in open_lines if top < o[2] + 1.0]
            for o in open_lines:
                if o[3] != key and abs(o[0] - x) < MIN_GAP:
                    crowded.add((key, i))
                    crowded.add((o[3], o[4]))
            open_lines.append(line)
    return crowded


_LINES_STRETCH = 512.0  # px of height per bucket of _Lines
_LINES_LONG = 32  # a run over more stretches than this is kept in the list of long runs


class _Lines:
    """Vertical runs by stretch of height, each stretch's sorted by x: the runs in a few
    hundred pixels across and level with a run are found without reading a whole column
    of a big design."""

    def __init__(self, lines: list[_Line]) -> None:
        self._stretches: dict[int, list[_Line]] = {}
        self._long: list[_Line] = []
        for line in lines:
            for held in self._holders(line):
                held.append(line)
        for held in (*self._stretches.values(), self._long):
            held.sort()

    def _holders(self, line: _Line) -> list[list[_Line]]:
        first, last = int(line[1] // _LINES_STRETCH), int(line[2] // _LINES_STRETCH)
        if last - first >= _LINES_LONG:
            return [self._long]
        return [self._stretches.setdefault(s, []) for s in range(first, last + 1)]

    def near(self, x0: float, x1: float, top: float, bottom: float) -> Iterator[_Line]:
        """The runs with x0 <= x <= x1 touching the stretches of top..bottom (some more
        than once)."""
        first, last = int(top // _LINES_STRETCH), int(bottom // _LINES_STRETCH)
        if last - first >= len(self._stretches):
            held = [h for s, h in self._stretches.items() if first <= s <= last]
        else:
            held = [h for s in range(first, last + 1) if (h := self._stretches.get(s))]
        held.append(self._long)
        for lines in held:
            yield from lines[bisect_left(lines, (x0,)) : bisect_right(lines, (x1, math.inf))]

    def move(self, line: _Line, x: float) -> None:
        """Run `line` now lies at `x`."""
        moved = (x, *line[1:])
        for held in self._holders(line):
            at = bisect_left(held, line)
            if at < len(held) and held[at] == line:
                del held[at]
            insort(held, moved)


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
        level, after = _level(ordered)
        spread = _separate(ordered, _spread(ordered, level, after), level, after)
        for run, x in zip(ordered, spread, strict=True):
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
    """The route's vertical runs: inner ones with the room they may slide in, an
    arrow's first and last run with the little room its port has to slide along its
    card's side, the others (a straight arrow's one run, every run of a route not
    `movable`) fixed where they are, for the others to keep clear of."""
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
        room = None
        if movable and len(bends) == 2:
            room = _room(points, i, obstacles)
        elif movable and len(bends) == 1 and last > 1:
            room = _port_room(points, i, obstacles)
        if room is None:
            found.append(_Run(key, i, x, top, bottom, x, x, x, turns, False))
        else:
            lo, hi, wanted, spare_lo, spare_hi = room
            found.append(
                _Run(key, i, x, top, bottom, lo, hi, wanted, turns, True, spare_lo, spare_hi)
            )
    return found


def _room(points: list[Point], i: int, obstacles: RectIndex) -> _Room | None:
    """How far the inner vertical run points[i] -> points[i + 1] may slide sideways,
    where it would sit alone (the middle of a channel bounded on both sides, else where
    it is) and how far into a bounding card's margin it could go if it must; None if
    it is against a card already."""
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
    bend_lo, bend_hi = lo, hi
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
    wanted = (lo + hi) / 2 if bounded_lo and bounded_hi else x
    return lo, hi, wanted, min(_SQUEEZE, lo - bend_lo), min(_SQUEEZE, bend_hi - hi)


def _port_room(points: list[Point], i: int, obstacles: RectIndex) -> _Room | None:
    """How far the first or last run of a route, points[i] -> points[i + 1], may slide
    sideways taking its port along its card's side: a few pixels (ports are spread
    along a side more than a track apart; this is room to step off another arrow's
    line, not to move the port), not past half way to the bend at its other end, not
    into any card but its own. None if it is against a card already."""
    last = len(points) - 1
    (x, y0), (_, y1) = points[i], points[i + 1]
    port = points[0] if i == 0 else points[last]
    neighbour = points[2][0] if i == 0 else points[i - 1][0]
    lo, hi = x - _PORT_SLIDE, x + _PORT_SLIDE
    if neighbour < x:
        lo = max(lo, (neighbour + x) / 2)
    else:
        hi = min(hi, (neighbour + x) / 2)
    top, bottom = min(y0, y1), max(y0, y1)
    # Mostly nothing but its own card is near: asked first without the stretch next to
    # the port, where its own card's margin lies.
    if port[1] == top:
        clear = not obstacles.any_overlap(lo, top + _END_ROOM, hi, bottom)
    else:
        clear = not obstacles.any_overlap(lo, top, hi, bottom - _END_ROOM)
    if clear and bottom - top > 2 * _END_ROOM:
        return lo, hi, x, 0.0, 0.0
    for r in obstacles.near(lo, top, hi, bottom).values():
        if r.y > bottom or r.bottom < top:
            continue
        if r.x < port[0] < r.right and r.y <= port[1] <= r.bottom:
            continue  # its own card, the one it leaves or enters
        if r.right <= x:
            lo = max(lo, r.right)
        elif r.x >= x:
            hi = min(hi, r.x)
        else:
            return None
    if lo > hi:
        return None
    return lo, hi, x, 0.0, 0.0


def _groups(runs: list[_Run]) -> Steps[list[list[_Run]]]:
    """Runs side by side: overlapping (within a track) along their length and in their
    rooms, joined transitively. Only the groups holding a movable run (the others stay
    as they are): after a card is dropped a few runs move among thousands, and the
    search starts from those few instead of joining every pair of the design.

    Neighbours are found through a bucket grid of the runs' boxes (room across, length
    plus a track each way along) holding plain run numbers: a RectIndex of Rects keyed
    by strings cost a third of the nudging at 1,000 cards. A pair the test below joins
    has overlapping boxes, so it always shares a cell: the grid only saves tests."""
    c = _GROUP_CELL
    cells: dict[tuple[int, int], list[int]] = {}
    boxes: list[tuple[float, float, float, float]] = []  # room_lo, top, room_hi, bottom
    for i, run in enumerate(runs):
        x0, y0, x1, y1 = run.room_lo, run.lo - TRACK, run.room_hi, run.hi + TRACK
        boxes.append((x0, y0, x1, y1))
        for ci in range(int(x0 // c), int(x1 // c) + 1):
            for cj in range(int(y0 // c), int(y1 // c) + 1):
                bucket = cells.get((ci, cj))
                if bucket is None:
                    cells[(ci, cj)] = [i]
                else:
                    bucket.append(i)
        if i % _STEP == 0:
            yield 0.2 * i / len(runs)
    # A box spanning more cells than there are runs (a layout with huge coordinates):
    # looking at every run is cheaper.
    too_wide = 4 * len(runs) + 64
    spans = [(r.lo, r.hi, r.room_lo, r.room_hi) for r in runs]
    joined: set[int] = set()
    groups: list[list[int]] = []
    looked = 0
    for first, start in enumerate(runs):
        if not start.movable or first in joined:
            continue
        members = [first]
        joined.add(first)
        fixed: set[int] = set()  # the fixed runs of this group
        for i in members:  # grows while it is walked: everything reachable from `first`
            if not runs[i].movable:
                # A fixed run's room is where it lies: what overlaps that is in the
                # group of a movable run whose room holds it already, or does not
                # need to keep clear of it. (Walking from fixed runs, a few arrows
                # routed again among thousands grew groups over whole channels.)
                continue
            lo, hi, room_lo, room_hi = spans[i]
            top, bottom = lo - TRACK, hi + TRACK
            if ((room_hi - room_lo) / c + 1) * ((bottom - top) / c + 1) > too_wide:
                near: Iterable[int] = (
                    j
                    for j, (x0, y0, x1, y1) in enumerate(boxes)
                    if x0 <= room_hi and room_lo <= x1 and y0 <= bottom and top <= y1
                )
            else:
                near = _in_cells(cells, c, room_lo, top, room_hi, bottom)
            for j in near:
                if j in joined or j in fixed:
                    continue
                other_lo, other_hi, other_room_lo, other_room_hi = spans[j]
                if (
                    lo < other_hi + TRACK
                    and other_lo < hi + TRACK
                    and room_lo <= other_room_hi
                    and other_room_lo <= room_hi
                ):
                    (joined if runs[j].movable else fixed).add(j)
                    members.append(j)
            looked += 1
            if looked % _STEP == 0:
                yield 0.2 + 0.8 * looked / len(runs)
        groups.append(sorted(members))
    return [[runs[i] for i in members] for members in groups]


def _in_cells(
    cells: dict[tuple[int, int], list[int]],
    c: float,
    x0: float,
    y0: float,
    x1: float,
    y1: float,
) -> Iterator[int]:
    """The runs in the cells the box (x0, y0)-(x1, y1) touches (some more than once)."""
    j0, j1 = int(y0 // c), int(y1 // c) + 1
    for i in range(int(x0 // c), int(x1 // c) + 1):
        for j in range(j0, j1):
            bucket = cells.get((i, j))
            if bucket:
                yield from bucket


def _cost(left: _Run, right: _Run) -> int:
    """Crossings between the bends of two runs when `left` lies left of `right`: a bend
    whose other run leaves towards the other run crosses it if level with it. An order
    their rooms do not allow costs more than any crossings."""
    if left.room_lo > right.room_hi - 1.0:
        return _IMPOSSIBLE
    # Bends closer than MIN_GAP along (on one line, or ports a pixel or two apart on
    # facing card sides) whose other runs come from opposite sides towards each other:
    # those two runs would overlap, drawn as one line. They are mostly end runs fixed to
    # their ports (the final unshare pass cannot move them), so only the order of these
    # two keeps them apart; it counts even when the two runs end a pixel or two short of
    # each other along, not level by the test below.
    count = 0
    for y, way in right.turns:
        if way < 0 and any(w > 0 and abs(y - at) < MIN_GAP for at, w in left.turns):
            count += _SAME_LINE
    if left.hi < right.lo - 1.0 or right.hi < left.lo - 1.0:
        return count  # not level with each other: neither's bends reach the other
    for y, way in left.turns:
        if way > 0 and right.lo < y < right.hi:
            count += 1
    for y, way in right.turns:
        if way < 0 and left.lo < y < left.hi:
            count += 1
    return count


def _order(group: list[_Run]) -> list[_Run]:
    """The group left to right: each run inserted where it adds the fewest crossings,
    then each taken out and put back where it adds the fewest among all the others
    (sifting: the first insertions did not know the runs that came later)."""
    start = sorted(group, key=lambda r: (r.at, r.wanted, r.key, r.index))
    if len(start) > _ORDER_LIMIT:
        return start
    moving = [i for i, run in enumerate(start) if run.movable]
    if _FEW_MOVING * len(moving) < len(start):
        return _order_few(start, moving)
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


def _order_few(start: list[_Run], moving: list[int]) -> list[_Run]:
    """`_order` for a group of a few movable runs among many fixed ones (arrows routed
    again among the others): the fixed runs in the order they lie in (they cannot
    move), each movable one inserted, then put back, where it adds the fewest
    crossings. Only the pairs with a movable run are counted: the work grows with
    the group, not with its square."""
    count = len(start)
    cost = [[0] * count for _ in range(count)]
    for m in moving:
        run = start[m]
        row = cost[m]
        for j, other in enumerate(start):
            if j != m:
                row[j] = _cost(run, other)
                cost[j][m] = _cost(other, run)
    moves = set(moving)
    ordered = [i for i in range(count) if i not in moves]
    for _ in range(2):
        for m in moving:
            if m in ordered:
                ordered.remove(m)
            _insert(ordered, m, cost)
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


def _spread(ordered: list[_Run], level: list[list[int]], after: list[list[int]]) -> list[float]:
    """Positions in this order, TRACK apart from the runs level with them (less where
    their room does not allow it), about their wanted places, each within its own room.
    A group may reach over several channels through runs with wide rooms: only runs
    level with each other keep apart."""
    gap = TRACK
    for i, run in enumerate(ordered):
        crowd = 1 + len(level[i]) + len(after[i])
        if run.movable:
            gap = min(gap, (run.room_hi - run.room_lo) / (crowd + 1))
    gap = max(MIN_GAP, gap)
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


def _level(ordered: list[_Run]) -> tuple[list[list[int]], list[list[int]]]:
    """For each run, the earlier and the later runs (in this order) level with it:
    overlapping along their length, or less than a track short of it."""
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
    return level, after


def _separate(
    ordered: list[_Run], at: list[float], level: list[list[int]], after: list[list[int]]
) -> list[float]:
    """The spread positions with no two runs level with each other left on one line.

    Spreading keeps the order it was given; where a channel is too narrow for that
    order (a fixed run in the way, rooms clamped), several runs end up at one end of
    their room, drawn on top of each other. Each such run moves to the free position
    of its room nearest where it was (a track of its own: at least MIN_GAP from every
    run level with it), even if that costs a crossing; if its room has none, into the
    margin of a card bounding it (its spare room). Where there is none either (more
    runs than the channel has tracks), the run stays: moving it would only add
    crossings, the route must take another channel."""
    out = list(at)
    for _ in range(2):
        moved = False
        for i in sorted(
            _on_one_line(ordered, out),
            key=lambda i: (ordered[i].room_hi - ordered[i].room_lo, i),
        ):
            x = out[i]
            others = [out[j] for j in level[i] + after[i]]
            if not any(x - MIN_GAP + 1e-6 < other < x + MIN_GAP - 1e-6 for other in others):
                continue
            run = ordered[i]
            place = _free_place(x, run.room_lo, run.room_hi, others)
            if place == x and (run.spare_lo or run.spare_hi):
                place = _free_place(
                    x, run.room_lo - run.spare_lo, run.room_hi + run.spare_hi, others
                )
            moved = moved or place != out[i]
            out[i] = place
        if not moved:
            break
    return out


def _on_one_line(ordered: list[_Run], at: list[float]) -> set[int]:
    """The movable runs closer than MIN_GAP to a run level with them. Runs are binned by
    position (MIN_GAP wide: a pair is in one bin or two neighbouring ones) and each pair
    of neighbouring bins is swept along the runs' length: a group of a big design spans
    a whole column's channel, with a run at the channel's middle for every row, and
    comparing each with every run at its position cost the group's size squared."""
    near = MIN_GAP - 1e-6
    bins: dict[int, list[int]] = {}
    for i, x in enumerate(at):
        bins.setdefault(int(x // MIN_GAP), []).append(i)
    found: set[int] = set()
    for number, members in bins.items():
        candidates = sorted(members + bins.get(number + 1, []), key=lambda k: ordered[k].lo)
        open_runs: list[int] = []
        for i in candidates:
            run = ordered[i]
            open_runs = [j for j in open_runs if run.lo < ordered[j].hi + TRACK]
            for j in open_runs:
                if abs(at[i] - at[j]) < near:
                    found.update(k for k in (i, j) if ordered[k].movable)
            open_runs.append(i)
    return found


def _free_place(x: float, lo: float, hi: float, taken: list[float]) -> float:
    """The position in lo..hi at least MIN_GAP from every one of `taken` nearest x (x
    itself if there is none)."""
    walls = sorted(t for t in taken if lo - MIN_GAP < t < hi + MIN_GAP)
    # Free stretches between the taken positions (each kept MIN_GAP clear).
    free: list[tuple[float, float]] = []
    start = lo
    for t in walls:
        if t - MIN_GAP >= start:
            free.append((start, t - MIN_GAP))
        start = max(start, t + MIN_GAP)
    if start <= hi:
        free.append((start, hi))
    if free:
        return min((min(max(x, a), b) for a, b in free), key=lambda p: (abs(p - x), p))
    return x


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
    # The furthest of the positions before it, then the gap once: the same number as
    # adding the gap to each (rounding keeps order), without a max() per pair.
    for i in indices:
        x = out[i]
        if before[i]:
            if way > 0:
                x = max(x, max([out[j] for j in before[i]]) + gap)
            else:
                x = min(x, min([out[j] for j in before[i]]) - gap)
        lo, hi = rooms[i]
        out[i] = min(max(x, lo), hi)
    return out
