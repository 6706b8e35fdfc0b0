"""Card sides whose port channel has more arrows than tracks: some ends move round a corner.

Each arrow's ends get a side of their cards before it is routed (router.sides: the sides
facing each other across the wider gap). When another card faces that side close by,
the strip between the two is the side's port channel: an arrow whose far end lies
beyond the side's ends (above or below a left side) must run along that strip to reach
its port, on a track of its own. Ten arrows coming up a 60 px gap between two cards
have four tracks; the nudging squeezes them, then gives up and leaves pairs on one
line, and routing them again with a cost on the gap finds no other way in (every way
to the port leads up that gap). Spreading or re-routing cannot fix that; the side can:
the ends that head furthest along the side (those with ports nearest the corner) enter
by the neighbouring side round that corner instead, when that side has room, as
orthogonal routers with port constraints let a port move to the next side (ELK's
"port side" is free unless fixed; yFiles' port candidates list several sides).

Only sides with a card close in front are looked at, and a side's count depends only on
the arrows at it and at the card facing it, so a design with open channels is drawn as
before.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .geometry import Rect
from .index import RectIndex

Side = tuple[int, int]
# (card, side) -> the arrow ends there: (flow key, 0 for its start or 1 for its end).
Ends = dict[tuple[str, Side], list[tuple[str, int]]]
# The least distance between two ports on a side: their end runs closer than
# nudge.MIN_GAP would read as one line, and a port apart from the next keeps a pixel
# of white between the two lines.
PORT_GAP = 4.0


def rebalanced(
    links: dict[str, tuple[str, str]],
    chosen: dict[str, tuple[Side, Side]],
    cards: dict[str, Rect],
    obstacles: RectIndex,
    margin: float,
    track: float,
    pad: float,
    fixed: dict[tuple[str, Side], int] | None = None,
) -> dict[str, tuple[Side, Side]]:
    """`chosen` (flow key: the sides its start and end take; loops excluded by the
    caller) with ends moved off crowded port channels and crowded sides. `links`: flow
    key: (source card, target card); `fixed`: (card, side): the ends there that stay
    (loops). Returns a new dict; `chosen` is not changed."""
    fixed = fixed or {}
    result = dict(chosen)
    at: Ends = defaultdict(list)
    for key, (out, into) in chosen.items():
        source, target = links[key]
        at[(source, out)].append((key, 0))
        at[(target, into)].append((key, 1))
    strips = _Strips(cards, obstacles, margin, track, pad)

    def along(card: str, side: Side, d: int, facing: str | None, level: bool) -> set[str]:
        """The arrows at `side` of `card` that run along the strip in front of it
        towards `d` (-1: the side's top or left end, 1: its bottom or right end). With
        a card level in front of the side, every arrow turning that way: that card
        blocks the way straight out. With one only diagonally in front, the arrows to
        that card entering it by a side parallel to this one (a Z whose middle run
        must pass between the two cards)."""
        found = set()
        for key, end in at.get((card, side), ()):
            if way(key, end, side) != d:
                continue
            if level or (
                links[key][1 - end] == facing and (result[key][1 - end][0] == 0) == (side[0] == 0)
            ):
                found.add(key)
        return found

    ways: dict[tuple[str, int, int], int] = {}

    def way(key: str, end: int, side: Side) -> int:
        """_direction of the end `end` of arrow `key` on a side like `side` (the same for
        both sides of one axis; asked again and again while ends move)."""
        axis = side[0] & 1
        found = ways.get((key, end, axis))
        if found is None:
            near, far = links[key][end], links[key][1 - end]
            found = ways[(key, end, axis)] = _direction(cards[near], side, cards[far])
        return found

    def demand(card: str, side: Side, d: int, wanted: int) -> tuple[set[str], int] | None:
        """The arrows of `side` of `card` along its strip towards `d`, and how many
        more arrows run along that strip at its busiest than it has tracks (None: no
        card close in front, the strip is open)."""
        worst: tuple[set[str], int] | None = None
        opposite = (-side[0], -side[1])
        # The nearest card level in front and the nearest diagonally: each bounds the
        # strip, and the nearer is not always the tighter (a diagonal one bounds only
        # the Zs to it, a level one every arrow turning along).
        for other, tracks, level in strips.facing(card, side, d, wanted):
            own = along(card, side, d, other, level)
            if level:
                # Both cards' arrows turning either way share the strip: as many
                # tracks as runs pass its busiest point.
                excess = busiest((card, side), (other, opposite)) - tracks
            else:
                # Diagonally: the Zs between the two cards, counted once from either end.
                excess = len(own | along(other, opposite, -d, card, level)) - tracks
            if worst is None or excess > worst[1]:
                worst = (own, excess)
        return worst

    def busiest(*where: tuple[str, Side]) -> int:
        """How many runs along a strip pass its busiest point, given the card sides on
        either side of it. A side's ports are in heading order (router._heading): those
        turning towards its start first, then the level ones, then those turning
        towards its end; a run covers the strip from its port to the end it turns to."""
        runs: list[tuple[float, int]] = []
        for card, side in where:
            rect = cards[card]
            ends = at.get((card, side), [])
            n = len(ends) + fixed.get((card, side), 0)
            turns = [way(k, e, side) for k, e in ends]
            start = (rect.y if side[1] == 0 else rect.x) + pad
            span = (rect.h if side[1] == 0 else rect.w) - 2 * pad
            runs += [(start + span * (i + 0.5) / n, -1) for i in range(turns.count(-1))]
            runs += [(start + span * (i + 0.5) / n, 1) for i in range(n - turns.count(1), n)]
        # Sweep along the strip: before the first port every run towards the start
        # passes; each port passed takes one of those away or adds one towards the end.
        passing = most = sum(1 for _, d in runs if d < 0)
        for _, d in sorted(runs):
            passing += d
            most = max(most, passing)
        return most

    def fits(card: str, side: Side) -> bool:
        """Whether `side` of `card` (an end just moved to it) has ports far enough
        apart for its arrows, and tracks for them along its strip both ways."""
        if len(at[(card, side)]) + fixed.get((card, side), 0) > strips.ports(cards[card], side):
            return False
        wanted = len(at[(card, side)])
        for d in (-1, 1):
            found = demand(card, side, d, wanted)
            if found is not None and found[1] > 0:
                return False
        return True

    def order(card: str, side: Side, keys: set[str], d: int) -> list[str]:
        """Those heading furthest along the side first: their ports are the ones
        nearest the corner, so moved round it they keep their order."""
        rect = cards[card]
        return sorted(
            keys, key=lambda k: (-_heading(rect, side, cards[_far(links, k, card)], d), k)
        )

    def round_corner(card: str, side: Side, keys: list[str], d: int, excess: int) -> int:
        """Move up to `excess` of `keys` (ends at `side` of `card` turning `d`) round the
        corner at the side's `d` end while the side there has room; returns how many
        were moved."""
        corner = (0, d) if side[1] == 0 else (d, 0)
        moved = 0
        for key in keys[:excess]:
            end = 0 if links[key][0] == card else 1
            _move(result, at, key, end, card, side, corner)
            if not fits(card, corner):
                _move(result, at, key, end, card, corner, side)
                break
            moved += 1
        return moved

    for card, side in sorted(at):
        # Strips: more arrows along a close card's strip than it has tracks; one at a
        # time (each changes the ports of the rest), from the way more of them turn.
        wanted = len(at[(card, side)])
        moving = True
        while moving:
            moving = False
            options = []
            turns = [way(k, e, side) for k, e in at[(card, side)]]
            for d in (-1, 1):
                if turns.count(d) < 2:
                    continue  # one arrow along a strip always finds a track
                found = demand(card, side, d, wanted)
                if found is not None and found[1] > 0 and found[0]:
                    options.append((-len(found[0]), d, found[0]))
            for _, d, own in sorted(options, key=lambda o: o[:2]):
                if round_corner(card, side, order(card, side, own, d), d, 1):
                    moving = True
                    break
        # Ports: more ends than fit on the side at PORT_GAP apart (their stubs would
        # lie on one line); those turning off it go round the corner, from the way
        # more of them turn.
        over = len(at[(card, side)]) + fixed.get((card, side), 0) - strips.ports(cards[card], side)
        if over <= 0:
            continue
        turning = {
            d: order(card, side, {k for k, e in at[(card, side)] if way(k, e, side) == d}, d)
            for d in (-1, 1)
        }
        for d in sorted((-1, 1), key=lambda d: -len(turning[d])):
            if over <= 0:
                break
            over -= round_corner(card, side, turning[d], d, over)
    return result


def _far(links: dict[str, tuple[str, str]], key: str, card: str) -> str:
    source, target = links[key]
    return target if source == card else source


def _move(
    result: dict[str, tuple[Side, Side]],
    at: Ends,
    key: str,
    end: int,
    card: str,
    old: Side,
    new: Side,
) -> None:
    at[(card, old)].remove((key, end))
    at[(card, new)].append((key, end))
    out, into = result[key]
    result[key] = (new, into) if end == 0 else (out, new)


class _Strips:
    """The cards close in front of card sides, and the tracks of the strips between."""

    def __init__(
        self, cards: dict[str, Rect], obstacles: RectIndex, margin: float, track: float, pad: float
    ):
        self.cards = cards
        self.pad = pad
        self.obstacles = obstacles
        self.margin = margin
        self.track = track

    def facing(self, card: str, side: Side, d: int, wanted: int) -> list[tuple[str, int, bool]]:
        """The nearest card in front of `side` of `card` level with some of the side,
        and the nearest diagonally beyond its `d` end, each if close enough for
        `wanted` arrows along the strip between to run out of tracks: (that card, the
        strip's tracks, whether it is level)."""
        rect = self.cards[card]
        reach = 2 * self.margin + (wanted + 1) * self.track
        horizontal = side[1] == 0  # a left or right side: its strip runs up and down
        lo, hi = (rect.y, rect.bottom) if horizontal else (rect.x, rect.right)
        lo_far, hi_far = (lo - reach, hi) if d < 0 else (lo, hi + reach)
        if horizontal:
            edge = rect.right if side[0] > 0 else rect.x
            x0, x1 = (edge, edge + reach) if side[0] > 0 else (edge - reach, edge)
            box = (x0, lo_far, x1, hi_far)
        else:
            edge = rect.bottom if side[1] > 0 else rect.y
            y0, y1 = (edge, edge + reach) if side[1] > 0 else (edge - reach, edge)
            box = (lo_far, y0, hi_far, y1)
        best: dict[bool, tuple[float, str]] = {}
        for other in self.obstacles.near(*box):
            r = self.cards.get(other)
            if other == card or r is None:
                continue
            if horizontal:
                r_lo, r_hi = r.y, r.bottom
                gap = r.x - rect.right if side[0] > 0 else rect.x - r.right
            else:
                r_lo, r_hi = r.x, r.right
                gap = r.y - rect.bottom if side[1] > 0 else rect.y - r.bottom
            if not (r_lo < hi_far and lo_far < r_hi and 0 <= gap <= reach):
                continue
            level = r_lo < hi and lo < r_hi
            if level not in best or (gap, other) < best[level]:
                best[level] = (gap, other)
        return [(other, self.tracks(gap), level) for level, (gap, other) in sorted(best.items())]

    def ports(self, rect: Rect, side: Side) -> int:
        """How many ends fit on a side with PORT_GAP between their ports."""
        span = (rect.h if side[1] == 0 else rect.w) - 2 * self.pad
        return int(span // PORT_GAP) + 1

    def tracks(self, gap: float) -> int:
        """Parallel runs a strip `gap` wide holds: TRACK apart, clear of both cards'
        margins (one down the middle of a strip narrower than the margins)."""
        free = gap - 2 * self.margin
        return 1 if free < 0 else int(free // self.track) + 1


def _direction(rect: Rect, side: Side, far: Rect) -> int:
    """Which way along `side` of `rect` an arrow to card `far` turns in the side's port
    channel: -1 towards the top (or left) end, 1 towards the bottom (or right), 0 if
    `far` is level with the side (it may run straight across)."""
    if side[1] == 0:
        lo, hi, far_lo, far_hi = rect.y, rect.bottom, far.y, far.bottom
    else:
        lo, hi, far_lo, far_hi = rect.x, rect.right, far.x, far.right
    if far_hi <= lo:
        return -1
    if far_lo >= hi:
        return 1
    return 0


def _heading(rect: Rect, side: Side, far: Rect, d: int) -> float:
    """How much more along the side (towards `d`) than out of it the far card lies, as
    an angle: the larger, the nearer the corner the arrow's port is."""
    (cx, cy), (fx, fy) = rect.centre, far.centre
    if side[1] == 0:
        outward, along = (fx - cx) * side[0], (fy - cy) * d
    else:
        outward, along = (fy - cy) * side[1], (fx - cx) * d
    return math.atan2(along, outward)
