"""Orthogonal arrows that go around cards: ports spread along card sides, few bends.

Each arrow end gets a side of its card facing the other end, and a port on it: the ends
on one side are spread evenly, ordered by the direction each heads in (the angle of the
side its far end enters by), so arrows leaving one side do not cross each other at once:
the one that turns off soonest takes the port nearest the way it turns. From each port a
short stub leaves the card
straight; between the two stubs the route is, in order of preference:

1. straight, or one Z (two bends) with its middle run on a free track of the channel
   between the cards: arrows sharing a channel get parallel tracks `TRACK` apart;
2. otherwise the cheapest path (length + a penalty per bend) on the sparse grid of
   lines running `MARGIN` outside the borders of the cards around (A*, as orthogonal
   connector routers do on an orthogonal visibility graph), widened if it finds nothing.

The routes found are then spread onto tracks of their own (nudge.py). Where a channel has
more arrows through it than tracks, some are left on one line; those are routed again
by the search with a cost on travel along the crowded stretch (congestion.py), so they
take a neighbouring channel, a few rounds until none is left.

No route enters a card that is not one of its ends. `route_arrows` routes a subset (the
arrows of a dragged card) against the routes of the others, so a drag costs only those.
"""

from __future__ import annotations

import heapq
import itertools
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .congestion import Shared, channel, crowded_stretch, movers, shared_runs
from .fans import Arch, arch_rank, fans
from .geometry import Point, Rect, tidy_route
from .index import CELL, EdgeLines, RectIndex, axis_segment_enters
from .nudge import MIN_GAP, nudge, nudge_steps
from .rescue import clear_route, enters_other
from .sides import rebalanced
from .steps import Steps, finish, scaled
from .tracks import Tracks

MARGIN = 14.0  # kept free around cards, and the length of the stub leaving a card
TRACK = 9.0  # between parallel runs in one channel
PORT_PAD = 14.0  # no port this close to a card's corner
BEND = 20.0  # a bend costs as much as this much length
# The search's estimate of what remains counts this many times: slightly longer routes
# now and then, for a search that looks at a fraction of the grid (weighted A*).
GREED = 1.6
_REGION = 150.0  # how far around its ends an arrow first looks for a way
# Above this many arrows, an arrow that finds no way near its ends gives up at once (a
# plain Z that may cross cards) instead of searching wider and wider: a pure-Python
# search over a whole 1,000-card design costs seconds per arrow.
FULL_SEARCH_LINKS = 600
MAX_STEPS = 4_000  # grid points one search may visit
_LOOP_FIRST = 10.0  # loops sort before every other port on their sides (headings: ±π)
CROWDED = 3.0  # travel along a crowded channel costs this much more per pixel
# ... and any step along one at least as much as this long a step (a pair may share
# only a few pixels of a channel, next to a port: those must cost a detour too)
CROWDED_LEAST = 40.0
# 8, not 5: after auto-layout moved cards of a context next to what they feed, synthetic
# 300 seed 3 kept one pair on one line after 5 rounds, none after 8 (rounds run only
# while pairs are left).
RELIEF_ROUNDS = 8  # of routing arrows left on one line again, each round the ones still on one
# At most this share of the arrows routed (or RELIEF_LEAST) are routed again: a layout
# packed tighter than its arrows need (cards 40-60 px apart, hundreds of arrows between)
# would otherwise cost several times the routing; it gets the worst pairs relieved.
RELIEF_SHARE = 0.05
# Grid points one search for a way round a crowded stretch may visit: most that find one
# find it well within this; those that do not would spend MAX_STEPS for nothing.
DETOUR_STEPS = 1_500
RELIEF_LEAST = 20
# Routes further than this from one routed again do not meet it when nudged (a run slides
# at most nudge._SIDE_REACH, and keeps a track's distance).
_NEAR = 220.0
_TIGHT = 3.0  # rescued routes (rescue.py) are nudged keeping this far off the cards
_SQUEEZE = 12.0  # how far into a card's margin a crowded run may go (nudge._SQUEEZE), and a gap
LOOP_ROW = 26.0  # between loops on one side of a card: a label's height and a gap
UNSHARE_TRIES = 32  # arrows tried so in one routing (each costs up to ~30 ms)
UNSHARE_STEPS = 6_000  # grid points of one look for a way off another arrow's line
QUICK_STEPS = 120  # ... during a drag frame (the route is settled when the drag ends)
_SEARCH_SHARE = 0.55  # of routing a big design: finding routes; the rest is the nudging
# A search region over more index cells than this (about 5,000 x 5,000 px) takes its grid
# lines from EdgeLines and looks up only the points it reaches: the same grid, without
# visiting every obstacle in the region (an actor's arrow across a 10,000-card design
# visited thousands per search, a tenth of the routing). Smaller ones fill the grid at once.
WIDE_CELLS = 400

# Sides, as outward unit vectors.
RIGHT, LEFT, DOWN, UP = (1, 0), (-1, 0), (0, 1), (0, -1)
Side = tuple[int, int]


@dataclass(frozen=True)
class Link:
    """An arrow to route: a flow from card `source` to card `target`."""

    key: str
    source: str
    target: str


def sides(s: Rect, t: Rect) -> tuple[Side, Side]:
    """Which side of the source and of the target an arrow leaves and enters by."""
    gap = 2 * MARGIN
    across = max(t.x - s.right, s.x - t.right)  # the free gap between them, left to right
    down = max(t.y - s.bottom, s.y - t.bottom)  # ... and top to bottom
    # Facing sides across the wider gap: a channel of room for the arrow's middle run.
    if across >= gap and (across * 4 >= down or down < gap):
        return (RIGHT, LEFT) if t.x > s.x else (LEFT, RIGHT)
    if down >= gap:
        return (DOWN, UP) if t.y > s.y else (UP, DOWN)
    # Too close to face each other: both ends on the side away from the crowd.
    return (RIGHT, RIGHT) if t.centre[0] >= s.centre[0] else (LEFT, LEFT)


class Router:
    def __init__(self, cards: dict[str, Rect]) -> None:
        self.cards = cards
        self.obstacles = RectIndex()
        self._cards = RectIndex()  # the cards themselves (rescue.py)
        for key, rect in cards.items():
            self.obstacles.add(key, rect.grown(MARGIN - 1.0))
            self._cards.add(key, rect)
        self.routes: dict[str, list[Point]] = {}
        self.links: dict[str, Link] = {}
        self._tracks = Tracks()  # the straight runs of the routes, by line
        self._edges: EdgeLines | None = None  # the obstacles' lines, for wide searches
        self._quick = False  # a drag frame: a short search, settled when the drag ends
        self._blind = False  # the route just found is a plain Z the search gave up for
        # Loops: how far out their two ends go before turning (_loop_rows; others MARGIN).
        self._stubs: dict[str, tuple[float, float]] = {}
        # Arrows whose route the user chose (bends, straight): never searched for, held
        # where they are for the others to keep off their lines.
        self.held: set[str] = set()
        self._arches: dict[str, Arch] = {}  # arrows fanned out over or under their cards

    def place(self, key: str, rect: Rect | None) -> None:
        """A card moved (or, with None, went away)."""
        self._edges = None
        if rect is None:
            self.cards.pop(key, None)
            self.obstacles.remove(key)
            self._cards.remove(key)
        else:
            self.cards[key] = rect
            self.obstacles.add(key, rect.grown(MARGIN - 1.0))
            self._cards.add(key, rect)

    def forget(self, key: str) -> None:
        """A link went away."""
        self.links.pop(key, None)
        self._stubs.pop(key, None)
        self._arches.pop(key, None)
        self.held.discard(key)
        if self.routes.pop(key, None) is not None:
            self._drop_runs(key)

    def hold(self, key: str, points: list[Point]) -> None:
        """The route the user chose for link `key`: taken as it is (the router does not
        look for one) and kept clear of by the routes found for the others."""
        self.held.add(key)
        if key in self.routes:
            self._drop_runs(key)
        self.routes[key] = points
        self._add_runs(key, points)

    def release(self, key: str) -> None:
        """Link `key` is routed by the router again (the user took its shape away)."""
        self.held.discard(key)

    # ------------------------------------------------------------------ tracks
    def _add_runs(self, key: str, points: list[Point]) -> None:
        self._tracks.add(key, points)

    def _drop_runs(self, key: str) -> None:
        self._tracks.drop(key)

    def _track_free(self, axis: int, at: float, lo: float, hi: float) -> bool:
        """Whether no other route runs along this line (or within TRACK/2 of it) over lo..hi."""
        reach = int(TRACK // 2)
        base = round(at)
        return (
            next(self._tracks.near(axis, base - reach, base + reach, lo - 2, hi + 2), None) is None
        )

    def _taken(self, axis: int, at: float, lo: float, hi: float) -> bool:
        """Whether a route runs on this line (within 2 px) over more than lo..hi's ends."""
        base = round(at)
        return next(self._tracks.near(axis, base - 2, base + 2, lo + 1, hi - 1), None) is not None

    def runs_through(self, key: str, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Whether a route other than `key`'s runs through the box (x0, y0)-(x1, y1):
        a label there would read as that arrow's too (labels.place_label)."""
        for axis, lo, hi, first, last in ((0, y0, y1, x0, x1), (1, x0, x1, y0, y1)):
            if any(k != key for k in self._tracks.near(axis, math.ceil(first), int(last), lo, hi)):
                return True
        return False

    # ------------------------------------------------------------------ routing
    def route_all(self, links: list[Link]) -> dict[str, list[Point]]:
        """Route every link not held (replacing their routes)."""
        return finish(self.route_all_steps(links))

    def route_all_steps(self, links: list[Link]) -> Steps[dict[str, list[Point]]]:
        """`route_all` in steps (steps.py): a big design is routed between a window's events."""
        held = {key: self.routes[key] for key in self.held if key in self.routes}
        self.routes.clear()
        self._tracks.clear()
        for key, points in held.items():
            self.routes[key] = points
            self._add_runs(key, points)
        self.links = {link.key: link for link in links}
        keys = [link.key for link in links if link.key not in self.held]
        return (yield from self.route_some_steps(keys))

    def route_some(self, keys: list[str], spread: set[str] | None = None) -> dict[str, list[Point]]:
        """Route again the links `keys` (e.g. those of a moved card) among the others, and
        the links sharing a card side with them (their ports are spread anew); with
        `spread`, only at the sides of those cards (a drag frame: the far ends settle when
        the drag ends). Returns the routes of all links routed (held links are not)."""
        return finish(self.route_some_steps(keys, spread))

    def route_some_steps(
        self, keys: list[str], spread: set[str] | None = None
    ) -> Steps[dict[str, list[Point]]]:
        """`route_some` in steps: one per route found, then the nudging's."""
        ports = {k: v for k, v in self._ports(keys, spread).items() if k not in self.held}
        quick = spread is not None
        yield 0.0
        for key in ports:
            if key in self.routes:
                self._drop_runs(key)
                del self.routes[key]
        # Short arrows first: they have the fewest ways round, long ones can detour.
        order = sorted(ports, key=lambda k: (_span(ports[k]), k))
        blind: set[str] = set()
        for done, key in enumerate(order, 1):
            self._quick = quick  # another call may have run while these steps waited
            self._blind = False
            points = self._route(self.links[key], *ports[key])
            if self._blind:
                blind.add(key)
            self.routes[key] = points
            self._add_runs(key, points)
            yield done / len(order) * _SEARCH_SHARE
        if not quick:
            # Parallel runs onto tracks of their own (not during a drag frame: the drop
            # settles them); only the routes just found move, the others hold.
            moved = yield from scaled(
                nudge_steps(self.routes, self.obstacles, order), _SEARCH_SHARE, 1.0
            )
            for done, key in enumerate(moved, 1):
                self._drop_runs(key)
                self._add_runs(key, self.routes[key])
                if done % 256 == 0:
                    yield 1.0
            # Channels with more arrows than tracks left some on one line: those go
            # another way.
            yield from self._relieving(order, ports)
            # Last, any route still through a card that is not one of its ends (cards
            # closer together than their margins): a way between the cards themselves.
            close: dict[str, bool] = {}
            self._rescue(order, ports, blind, close)
            self._unshare_close(order, ports, close)
        return {key: self.routes[key] for key in order}

    def _unshare_close(
        self,
        keys: list[str],
        ports: dict[str, tuple[Point, Side, Point, Side]],
        close: dict[str, bool],
    ) -> None:
        """Arrows still on another's line at a card with another close by (closer than
        two margins: hand-placed, where the search's margins close the channels between
        them): each tried once with the rescue's search, which runs down narrow gaps
        and pays for others' lines; kept if it shares a line with fewer arrows."""
        apart = MIN_GAP - 0.01
        tried: set[str] = set()
        candidates = [
            k for k in keys if k in ports and k not in self.held and self._at_close_card(k, close)
        ]
        if not candidates:
            return  # (a laid-out design: no pairs asked for)
        for pair in self._shared(candidates, apart):
            for key in (pair.key, pair.other):
                if key in tried or key not in ports or key in self.held:
                    continue
                if not self._at_close_card(key, close):
                    continue
                link = self.links[key]
                ends = (link.source, link.target)
                if len(tried) >= UNSHARE_TRIES:
                    return
                tried.add(key)
                before = len(self._shared([key], apart))
                if before == 0:
                    continue
                old = self.routes[key]
                stubs = self._stubs.get(key, (MARGIN, MARGIN))
                self._drop_runs(key)
                found = clear_route(
                    self._cards, *ports[key], ends, stubs, self._taken, UNSHARE_STEPS
                )
                if found is not None:
                    self.routes[key] = found
                    if len(self._shared([key], apart)) < before:
                        self._add_runs(key, found)
                        continue
                self.routes[key] = old
                self._add_runs(key, old)

    def _at_close_card(self, key: str, close: dict[str, bool]) -> bool:
        """Whether an end of link `key` is a card with another close by (`close`: the
        answers so far, by card)."""
        link = self.links[key]
        for card in (link.source, link.target):
            found = close.get(card)
            if found is None:
                found = close[card] = self._crowded_card(card)
            if found:
                return True
        return False

    def _crowded_card(self, card: str) -> bool:
        """Whether another card stands closer than 2 * MARGIN to `card`."""
        rect = self.cards[card]
        reach = 2 * MARGIN
        return any(
            key != card and rect.grown(reach).overlaps(r)
            for key, r in self._cards.near(
                rect.x - reach, rect.y - reach, rect.right + reach, rect.bottom + reach
            ).items()
        )

    def _rescue(
        self,
        keys: list[str],
        ports: dict[str, tuple[Point, Side, Point, Side]],
        blind: set[str],
        close: dict[str, bool],
    ) -> None:
        """Route again, by rescue.clear_route, those of `keys` that run through a card
        that is not one of their ends. Only routes the search gave up on (`blind`) and
        those at a card with another close by can: the search and the nudging keep the
        margins of every card, and those meet only between close cards (asked of every
        route, this was 5% of routing 1,000 services)."""
        rescued: dict[str, list[Point]] = {}
        for key in keys:
            link = self.links[key]
            ends = (link.source, link.target)
            if key not in blind and not self._at_close_card(key, close):
                continue
            if not enters_other(self._cards, self.routes[key], ends):
                continue
            stubs = self._stubs.get(key, (MARGIN, MARGIN))
            self._drop_runs(key)
            found = clear_route(self._cards, *ports[key], ends, stubs, self._taken)
            if found is None:
                self._add_runs(key, self.routes[key])
                continue
            self.routes[key] = found
            self._add_runs(key, found)
            rescued[key] = found
        if not rescued:
            return
        # Those onto tracks of their own too, kept off the cards by a few pixels only
        # (they run where the margins meet); any the nudging put into a card is put back.
        tight = RectIndex()
        for card, rect in self._cards.items():
            tight.add(card, rect.grown(_TIGHT))
        keys_moving = sorted(rescued)
        near = {key: list(self.routes[key]) for key in self._beside(keys_moving)}
        for key in nudge(near, tight, keys_moving):
            link = self.links[key]
            points = near[key]
            if enters_other(self._cards, points, (link.source, link.target)):
                continue
            self._drop_runs(key)
            self.routes[key] = points
            self._add_runs(key, points)

    def _relieving(
        self, keys: list[str], ports: dict[str, tuple[Point, Side, Point, Side]]
    ) -> Steps[set[str]]:
        """Route again, with a cost on the crowded stretch, one arrow of each pair of
        `keys`' arrows left on one line by the nudging, and nudge those; rounds until
        none is left or RELIEF_ROUNDS. An arrow routed again remembers every stretch it
        was crowded out of (the next round does not send it back). If the rounds end
        with more pairs on one line than they began with, the routes are put back.
        Returns the keys of the routes changed.

        Each round looks only at the routes near those routed again (a big design has
        a few dozen such arrows among thousands): the nudging sees them and the routes
        around them, and pairs among the others are as they were."""
        apart = MIN_GAP - 0.01
        shared = self._shared(keys, apart)
        if not shared:
            return set()
        began = left = len(shared)
        stuck = 0
        movable = {key for key in keys if key in ports and key not in self.held}
        saved: dict[str, list[Point]] = {}
        crowded: dict[str, list[tuple[Rect, int]]] = defaultdict(list)
        budget = max(RELIEF_LEAST, int(len(keys) * RELIEF_SHARE))
        # ... and the routes nudged in all rounds together, twice as many as one
        # nudging of all `keys` (there are more than the arrows moved: those beside).
        nudging = max(RELIEF_LEAST, 2 * len(keys))
        for _ in range(RELIEF_ROUNDS):
            chosen = movers(shared, movable, self.routes)[:budget]
            if not chosen or nudging <= 0:
                break
            budget -= len(chosen)
            moving = set(chosen)
            for s in shared:
                for key in (s.key, s.other):
                    if key in moving:
                        box = crowded_stretch(s, key, self.routes, self.obstacles)
                        crowded[key].append((box, s.axis))
            for key in chosen:
                found = self._detour(*ports[key], crowded[key])
                if found is None:
                    continue
                saved.setdefault(key, list(self.routes[key]))
                self._drop_runs(key)
                self.routes[key] = found
                self._add_runs(key, found)
            yield 1.0
            # The arrows they shared a line with are nudged too (not routed again): an
            # end run next to its port can step aside only if both may move.
            partners = {
                k
                for s in shared
                if s.key in moving or s.other in moving
                for k in (s.key, s.other)
                if k in movable
            }
            nudged = sorted(moving | partners)
            for key in nudged:
                saved.setdefault(key, list(self.routes[key]))
            near = {key: self.routes[key] for key in self._beside(nudged)}
            nudging -= len(near)
            moved = yield from scaled(nudge_steps(near, self.obstacles, nudged), 1.0, 1.0)
            for key in moved:
                self.routes[key] = near[key]
                self._drop_runs(key)
                self._add_runs(key, near[key])
            yield 1.0
            stirred = set(nudged)
            shared = [s for s in shared if s.key not in stirred and s.other not in stirred]
            shared += shared_runs(near, apart, keys=nudged)
            if not shared:
                break
            # Stuck (two rounds leaving no fewer pairs than the best so far): the same
            # arrows come back to the same lines; more rounds would only cost.
            stuck = stuck + 1 if len(shared) >= left else 0
            left = min(left, len(shared))
            if stuck == 2:
                break
        if len(shared) > began:
            for key, points in saved.items():
                self._drop_runs(key)
                self.routes[key] = points
                self._add_runs(key, points)
        return set(saved)

    def _shared(self, keys: list[str], apart: float) -> list[Shared]:
        """`shared_runs` of `keys`' routes among all routes; for a few keys among many
        (a dropped card's arrows), asked only of the routes with a run on a line near
        one of theirs: binning every run of a big design cost a tenth of a drop."""
        if 4 * len(keys) >= len(self.routes):
            return shared_runs(self.routes, apart, keys=keys)
        reach = math.ceil(apart) + 1  # lines are rounded: a run `apart` off may be this far
        near = set(keys)
        for key in keys:
            for axis, at, lo, hi in _runs_of(self.routes.get(key, ())):
                near.update(self._tracks.near(axis, round(at) - reach, round(at) + reach, lo, hi))
        return shared_runs({k: self.routes[k] for k in near if k in self.routes}, apart, keys=keys)

    def _beside(self, keys: list[str]) -> set[str]:
        """`keys` and the arrows with a run parallel to one of theirs, level with it and
        in the channel it runs in (up to the cards either side, and the margin it may
        squeeze into): all the nudging of `keys` can meet."""
        found = set(keys)
        for key in keys:
            for axis, at, lo, hi in _runs_of(self.routes[key]):
                low, high = channel(axis, at, lo, hi, self.obstacles, _NEAR)
                lo, hi = lo - TRACK, hi + TRACK
                first, last = round(low - _SQUEEZE), round(high + _SQUEEZE)
                found.update(self._tracks.near(axis, first, last, lo, hi))
        return found

    def _detour(
        self, p: Point, out: Side, q: Point, into: Side, crowded: list[tuple[Rect, int]]
    ) -> list[Point] | None:
        """A route from port p to port q found by the search alone, paying for travel
        along the `crowded` stretches; None if the search finds none."""
        a = (p[0] + out[0] * MARGIN, p[1] + out[1] * MARGIN)
        b = (q[0] + into[0] * MARGIN, q[1] + into[1] * MARGIN)
        left, right = min(a[0], b[0]), max(a[0], b[0])
        top, bottom = min(a[1], b[1]), max(a[1], b[1])
        for r, _ in crowded:
            left, right = min(left, r.x), max(right, r.right)
            top, bottom = min(top, r.y), max(bottom, r.bottom)
        # One look, around the ends and the stretches: a way round a crowded channel is
        # the next channel over; a wider look mostly spent its steps finding nothing.
        reach = _REGION
        region = Rect(left - reach, top - reach, right - left + 2 * reach, bottom - top + 2 * reach)
        found = self._astar(a, out, b, into, region, DETOUR_STEPS, crowded)
        return None if found is None else tidy_route([p, *found, q])

    def _ports(
        self, keys: list[str], spread: set[str] | None = None
    ) -> dict[str, tuple[Point, Side, Point, Side]]:
        """Each arrow's start and end port with their sides. Ends on one side of a card are
        spread evenly, every arrow at that side (not only `keys`) taking part, so moving one
        card may shift the ports of arrows it does not own: only `keys` are re-routed, the
        others keep their ends until they are routed again."""
        moved = set(keys)
        crowd: dict[tuple[str, Side], list[tuple[float, str, int]]] = defaultdict(list)
        chosen: dict[str, tuple[Side, Side]] = {}
        loops: dict[str, int] = defaultdict(int)
        loops_of: dict[str, int] = {}  # loop key: its number at its card
        corners: dict[str, list[tuple[tuple[Side, bool], tuple[Side, bool]]]] = {}
        links = self.links if spread is None else self._sharing_cards(keys, spread)
        for key, link in links.items():
            if link.source == link.target:
                # An arrow to its own card goes round one of its corners: the first loop
                # leaves the right side near the top and comes back in at the top near
                # the right; further loops take the next corner in turn (a card boxed in
                # by close neighbours has no room for a dozen loops at one corner), and
                # loops at one corner nest, the first innermost. Their ports take places
                # on both sides like any other's.
                k = loops[link.source]
                loops[link.source] += 1
                if link.source not in corners:
                    corners[link.source] = self._loop_corners(link.source)
                open_corners = corners[link.source]
                (out, out_at_start), (into, into_at_start) = open_corners[k % len(open_corners)]
                depth = k // len(open_corners)
                chosen[key] = (out, into)
                loops_of[key] = k
                crowd[(link.source, out)].append((_corner_rank(out_at_start, depth), key, 0))
                crowd[(link.source, into)].append((_corner_rank(into_at_start, depth), key, 1))
                continue
            s, t = self.cards[link.source], self.cards[link.target]
            out, into = sides(s, t)
            chosen[key] = (self._open(link.source, out, t), self._open(link.target, into, s))
            self._stubs.pop(key, None)  # (a loop re-attached to another card)
        self._loop_rows(links, chosen, loops_of)
        # Many arrows between two cards side by side: most fan out over and under them.
        arches = self._fan(links, chosen)
        fixed: dict[tuple[str, Side], int] = defaultdict(int)
        for where, members in crowd.items():
            fixed[where] = sum(1 for m in members if m[1] in loops_of)
        for key in arches:
            fixed[(links[key].source, chosen[key][0])] += 1
            fixed[(links[key].target, chosen[key][1])] += 1
        # Sides whose port channel has more arrows than tracks: ends round the corner.
        kept = loops_of.keys() | arches.keys()
        chosen.update(
            rebalanced(
                {k: (links[k].source, links[k].target) for k in chosen if k not in kept},
                {k: v for k, v in chosen.items() if k not in kept},
                self.cards,
                self.obstacles,
                MARGIN,
                TRACK,
                PORT_PAD,
                dict(fixed),
            )
        )
        for key, link in links.items():
            if key in loops_of:
                continue
            s, t = self.cards[link.source], self.cards[link.target]
            out, into = chosen[key]
            rank_out = rank_in = 0.0
            if key in arches:
                rank_out = arch_rank(s, t, arches[key])
                rank_in = arch_rank(t, s, arches[key])
            crowd[(link.source, out)].append((_heading(s, out, t, into) + rank_out, key, 0))
            crowd[(link.target, into)].append((_heading(t, into, s, out) + rank_in, key, 1))
        # Every arrow at a side where one of `keys` ends moves its port too.
        for (card, _), members in crowd.items():
            if (spread is None or card in spread) and any(m[1] in moved for m in members):
                moved.update(m[1] for m in members)
        moved = {k for k in moved if k in self.links}
        ends: dict[str, list[Point]] = {k: [(0.0, 0.0), (0.0, 0.0)] for k in moved}
        paired = _paired_sides(crowd, links, chosen)
        for (card, side), members in crowd.items():
            if not any(m[1] in moved for m in members):
                continue
            members.sort()
            rect = self.cards[card]
            for i, (_, key, end) in enumerate(members):
                if key in moved:
                    fraction = (i + 0.5) / len(members)
                    ends[key][end] = _port(rect, side, fraction, (card, side) not in paired)
        result: dict[str, tuple[Point, Side, Point, Side]] = {}
        for key in moved:
            out, into = chosen[key]
            result[key] = (ends[key][0], out, ends[key][1], into)
        return result

    def _open(self, card: str, side: Side, far: Rect) -> Side:
        """`side` of `card`, or where another card stands closer in front of it than a
        stub's length (its stubs would end inside that card's margin: no route reaches
        them, and the arrow was drawn through the card), the side round the corner
        towards `far` (or the other one) if that one is open. Auto-layout keeps cards
        further apart; a hand-placed design may not."""
        if self._walled(card, side):
            rect = self.cards[card]
            if side[1] == 0:
                towards = UP if far.centre[1] < rect.centre[1] else DOWN
            else:
                towards = LEFT if far.centre[0] < rect.centre[0] else RIGHT
            for other in (towards, (-towards[0], -towards[1]), (-side[0], -side[1])):
                if not self._walled(card, other):
                    return other
        return side

    def _loop_corners(self, card: str) -> list[tuple[tuple[Side, bool], tuple[Side, bool]]]:
        """The corners of `card` loops go round, in _LOOP_CORNERS' order: those whose
        two sides have no card close in front (a hand-placed neighbour a few pixels
        off the right side had the first loop run through it), or if none, those with
        the fewest sides (or the square outside the corner) blocked so."""
        score = [
            self._walled(card, corner[0][0])
            + self._walled(card, corner[1][0])
            + self._corner_taken(card, corner[0][0], corner[1][0])
            for corner in _LOOP_CORNERS
        ]
        return [c for c, n in zip(_LOOP_CORNERS, score, strict=True) if n == min(score)]

    def _corner_taken(self, card: str, one: Side, other: Side) -> bool:
        """Whether another card's margin covers the square outside `card`'s corner
        between sides `one` and `other` that a loop round it crosses."""
        rect = self.cards[card]
        dx = one[0] or other[0]
        dy = one[1] or other[1]
        x = rect.right if dx > 0 else rect.x - MARGIN
        y = rect.bottom if dy > 0 else rect.y - MARGIN
        box = Rect(x, y, MARGIN, MARGIN)
        return any(
            key != card and r.grown(MARGIN - 1.0).overlaps(box)
            for key, r in self._cards.near(
                box.x - MARGIN, box.y - MARGIN, box.right + MARGIN, box.bottom + MARGIN
            ).items()
        )

    def _walled(self, card: str, side: Side) -> bool:
        """Whether another card's margin covers part of the line the stubs of `side`
        of `card` end on."""
        rect = self.cards[card]
        if side[1] == 0:
            x = rect.right + MARGIN if side == RIGHT else rect.x - MARGIN
            x0, y0, x1, y1 = x, rect.y + PORT_PAD, x, rect.bottom - PORT_PAD
        else:
            y = rect.bottom + MARGIN if side == DOWN else rect.y - MARGIN
            x0, y0, x1, y1 = rect.x + PORT_PAD, y, rect.right - PORT_PAD, y
        return any(
            key != card and axis_segment_enters(x0, y0, x1, y1, r)
            for key, r in self.obstacles.near(x0, y0, x1, y1).items()
        )

    def _fan(self, links: dict[str, Link], chosen: dict[str, tuple[Side, Side]]) -> dict[str, Arch]:
        """The arrows of `links` that fan out (fans.py): their sides in `chosen`, how far
        their ends go out to their arch's run in `_stubs`."""
        for key in links:
            self._arches.pop(key, None)
        arches = fans(
            {k: (link.source, link.target) for k, link in links.items()},
            chosen,
            self.cards,
            self.obstacles,
            MARGIN,
            PORT_PAD,
        )
        for key, arch in arches.items():
            chosen[key] = (arch.side, arch.side)
            s, t = self.cards[links[key].source], self.cards[links[key].target]
            if arch.side == UP:
                self._stubs[key] = (s.y - arch.row, t.y - arch.row)
            else:
                self._stubs[key] = (arch.row - s.bottom, arch.row - t.bottom)
        self._arches.update(arches)
        return arches

    def _sharing_cards(self, keys: list[str], spread: set[str]) -> dict[str, Link]:
        """The links a drag frame's ports depend on: every link at a card where one of
        `keys` ends, or where a link sharing a dragged card with them ends. The sides at
        those cards are then complete, and no other side holds a link whose port moves,
        so the ports are those all links would give, without working out the sides of
        every arrow of a big design on every mouse move."""
        at: dict[str, list[str]] = defaultdict(list)
        for key, link in self.links.items():
            at[link.source].append(key)
            at[link.target].append(key)
        ends = {card for key in keys if key in self.links for card in self._ends(key)}
        cards = set(ends)
        for card in ends & spread:
            for key in at[card]:
                cards.update(self._ends(key))
        return {key: self.links[key] for card in cards for key in at[card]}

    def _ends(self, key: str) -> tuple[str, str]:
        link = self.links[key]
        return link.source, link.target

    def _loop_rows(
        self, links: dict[str, Link], chosen: dict[str, tuple[Side, Side]], loops: dict[str, int]
    ) -> None:
        """How far out each loop's ends go, in `_stubs`: loops on one card's top (or
        bottom) run round it a label's row apart, the first nearest. Their labels sit
        on those runs: a track apart (the nudging's spacing), the second loop on a side
        had no row of its own and its label went out sideways (one card with six loops,
        its labels wider than it, drew 2.65 times as wide as high)."""
        count: dict[tuple[str, Side], int] = defaultdict(int)
        for key in loops:
            for side in chosen[key]:
                if side[0] == 0:
                    count[(links[key].source, side)] += 1
        taken: dict[tuple[str, Side], int] = defaultdict(int)
        for key in sorted(loops, key=lambda k: (links[k].source, loops[k])):
            card = links[key].source
            reach = []
            for side in chosen[key]:
                if side[0] == 0 and self._rows_fit(card, side, count[(card, side)]):
                    reach.append(MARGIN + taken[(card, side)] * LOOP_ROW)
                    taken[(card, side)] += 1
                else:
                    reach.append(MARGIN)
            self._stubs[key] = (reach[0], reach[1])

    def _rows_fit(self, card: str, side: Side, loops: int) -> bool:
        """Whether `loops` loops a row apart fit outside the top (or bottom) side of
        `card` with no other card in the way (else they nest a track apart, as loops
        by a close neighbour always did)."""
        if loops < 2:
            return True
        rect = self.cards[card]
        depth = MARGIN + (loops - 1) * LOOP_ROW + LOOP_ROW  # the outer run and its label
        wide = MARGIN + loops * TRACK  # the loops' runs beside the card, nested
        y0, y1 = (rect.bottom, rect.bottom + depth) if side[1] > 0 else (rect.y - depth, rect.y)
        box = Rect(rect.x - wide, y0, rect.w + 2 * wide, y1 - y0)
        return not any(
            other != card and r.overlaps(box)
            for other, r in self.obstacles.near(box.x, box.y, box.right, box.bottom).items()
        )

    def _route(self, link: Link, p: Point, out: Side, q: Point, into: Side) -> list[Point]:
        reach_out, reach_in = self._stubs.get(link.key, (MARGIN, MARGIN))
        a = (p[0] + out[0] * reach_out, p[1] + out[1] * reach_out)
        b = (q[0] + into[0] * reach_in, q[1] + into[1] * reach_in)
        ends = (link.source, link.target)
        if link.key in self._arches and self._clear([a, b], ends):
            return tidy_route([p, a, b, q])  # an arch of a fan: its run at its row
        middle = self._simple(a, out, b, into, ends)
        if middle is None:
            middle = self._search(a, out, b, into, ends)
        return tidy_route([p, *middle, q])

    def _clear(self, points: list[Point], ends: tuple[str, ...]) -> bool:
        return not any(
            _blocked(self.obstacles, x0, y0, x1, y1)
            for (x0, y0), (x1, y1) in itertools.pairwise(points)
        )

    def _simple(
        self, a: Point, out: Side, b: Point, into: Side, ends: tuple[str, ...]
    ) -> list[Point] | None:
        """Straight or one Z through the channel between facing sides, on a free track."""
        if out != (-into[0], -into[1]):
            return None
        horizontal = out[1] == 0
        k = 0 if horizontal else 1  # the axis the arrow travels along
        if (b[k] - a[k]) * (out[0] + out[1]) < 0:
            return None
        if abs(a[1 - k] - b[1 - k]) < 0.5:
            # Nearly in line: a jog too small to see keeps every run axis-parallel.
            line = [a, (b[0], a[1]), b] if horizontal else [a, (a[0], b[1]), b]
            return line if self._clear(line, ends) else None
        # How far each end's run can go before meeting an obstacle: the Z's middle run
        # must lie within both reaches.
        sign = 1 if b[k] > a[k] else -1
        reach_a = self._reach(a, k, sign)
        reach_b = self._reach(b, k, -sign)
        if sign > 0:
            lo, hi = max(a[k], reach_b), min(b[k], reach_a)
        else:
            lo, hi = max(b[k], reach_a), min(a[k], reach_b)
        if lo > hi:
            return None
        middle = (min(a[k], b[k]) + max(a[k], b[k])) / 2
        middle = min(max(middle, lo), hi)
        span = sorted((a[1 - k], b[1 - k]))
        fallback: list[Point] | None = None
        for step in range(14):
            at = middle + ((step + 1) // 2) * TRACK * (1 if step % 2 else -1)
            if not lo <= at <= hi:
                continue
            if horizontal:
                path = [a, (at, a[1]), (at, b[1]), b]
                run = (at, a[1], at, b[1])
            else:
                path = [a, (a[0], at), (b[0], at), b]
                run = (a[0], at, b[0], at)
            if _blocked(self.obstacles, *run):
                continue
            if self._track_free(k, at, *span):  # the middle run lies on line `at` of axis k
                return path
            if fallback is None:
                fallback = path
        return fallback

    def _reach(self, start: Point, axis: int, sign: int) -> float:
        """How far a run from `start` along `axis` (x: 0, y: 1) in direction `sign`
        goes before it meets an obstacle (at most 4,000 px)."""
        far = start[axis] + sign * 4000.0
        x0, y0 = start
        x1, y1 = (far, y0) if axis == 0 else (x0, far)
        limit = far
        for r in self.obstacles.near(x0, y0, x1, y1).values():
            if not axis_segment_enters(x0, y0, x1, y1, r):
                continue
            edge = (
                (r.x if sign > 0 else r.x + r.w) if axis == 0 else (r.y if sign > 0 else r.y + r.h)
            )
            if (edge - limit) * sign < 0:
                limit = edge
        return limit

    def _search(
        self, a: Point, out: Side, b: Point, into: Side, ends: tuple[str, ...]
    ) -> list[Point]:
        """A* over the lines around the cards near both ends; wider if nothing is found."""
        if self._quick:
            # A drag frame: no search (it costs milliseconds per arrow); a plain Z until
            # the drag ends and the arrow is routed properly.
            return _plain(a, out, b)
        reach = _REGION
        widenings = 3 if len(self.links) <= FULL_SEARCH_LINKS and not self._quick else 1
        for _ in range(widenings):
            left = min(a[0], b[0]) - reach
            right = max(a[0], b[0]) + reach
            top = min(a[1], b[1]) - reach
            bottom = max(a[1], b[1]) + reach
            region = Rect(left, top, right - left, bottom - top)
            found = self._astar(a, out, b, into, region, QUICK_STEPS if self._quick else MAX_STEPS)
            if found is not None:
                return found
            reach *= 3
        # Nothing at all (an end boxed in by other cards): the plainest shape.
        self._blind = True
        return _plain(a, out, b)

    def _grid(
        self, a: Point, b: Point, region: Rect, crowded: list[tuple[Rect, int]] | None
    ) -> tuple[list[float], list[float], Sequence[Sequence[int]]]:
        """The search's grid in `region`: its x and y lines (just outside each obstacle
        overlapping the region, the ends' own, the crowded stretches' ends, and the
        middle of each wide channel), and for each grid point whether it lies inside an
        obstacle (inside[i][j]: nonzero). Every obstacle's border lines are grid lines,
        so a step between neighbouring points enters one only if it ends inside."""
        wide = (region.w / CELL + 1) * (region.h / CELL + 1) > WIDE_CELLS
        boxes: list[Rect] = []
        xs = {a[0], b[0]}
        ys = {a[1], b[1]}
        if wide:
            # A region over much of a big design (a long arrow): thousands of obstacles
            # in it but a few hundred lines; the lines are read from `EdgeLines`, and
            # only the grid points the search reaches are looked up (one cell each).
            if self._edges is None:
                self._edges = EdgeLines([r for _, r in self.obstacles.items()])
            xs.update(self._edges.lines(0, region))
            ys.update(self._edges.lines(1, region))
        else:
            near = self.obstacles.near(region.x, region.y, region.right, region.bottom)
            boxes = [r for r in near.values() if r.overlaps(region)]
            for r in boxes:
                # Lines just outside each obstacle, and the middle of each free channel.
                xs.update((r.x - 1.0, r.right + 1.0))
                ys.update((r.y - 1.0, r.bottom + 1.0))
        for r, _ in crowded or ():
            # A crowded stretch's ends are grid lines: no step jumps over it unpriced.
            xs.update((r.x, r.right))
            ys.update((r.y, r.bottom))
        xs_sorted = sorted(x for x in xs if region.x <= x <= region.right)
        ys_sorted = sorted(y for y in ys if region.y <= y <= region.bottom)
        xs_sorted = _with_middles(xs_sorted, a[0], b[0])
        ys_sorted = _with_middles(ys_sorted, a[1], b[1])
        if wide:
            return xs_sorted, ys_sorted, [_Column(x, ys_sorted, self.obstacles) for x in xs_sorted]
        n_x, n_y = len(xs_sorted), len(ys_sorted)
        inside = [bytearray(n_y) for _ in range(n_x)]
        for r in boxes:
            i0, i1 = bisect_right(xs_sorted, r.x), bisect_left(xs_sorted, r.x + r.w)
            j0, j1 = bisect_right(ys_sorted, r.y), bisect_left(ys_sorted, r.y + r.h)
            if j0 < j1:
                fill = b"\x01" * (j1 - j0)
                for i in range(i0, i1):
                    inside[i][j0:j1] = fill
        return xs_sorted, ys_sorted, inside

    def _astar(
        self,
        a: Point,
        out: Side,
        b: Point,
        into: Side,
        region: Rect,
        steps: int,
        crowded: list[tuple[Rect, int]] | None = None,
    ) -> list[Point] | None:
        """The cheapest way from a to b in `region`; with `crowded`, travel along the
        axis given with each box (0: up or down, 1: left or right) inside it costs
        CROWDED times its length more (a channel with no track left)."""
        xs_sorted, ys_sorted, inside = self._grid(a, b, region, crowded)
        xi = {x: i for i, x in enumerate(xs_sorted)}
        yi = {y: i for i, y in enumerate(ys_sorted)}
        start, goal = (xi[a[0]], yi[a[1]]), (xi[b[0]], yi[b[1]])
        arrive = (-into[0], -into[1])  # the direction of travel into the target's stub
        directions = (RIGHT, LEFT, DOWN, UP)
        gx, gy = b
        n_x, n_y = len(xs_sorted), len(ys_sorted)

        # Grid points in a crowded stretch: bit 1 prices travel up and down there (a
        # crowded vertical channel), bit 2 left and right. Closed boxes: a route on a
        # stretch's border is in it.
        crowd: list[bytearray] | None = None
        if crowded:
            crowd = [bytearray(n_y) for _ in range(n_x)]
            for r, axis in crowded:
                i0, i1 = bisect_left(xs_sorted, r.x), bisect_right(xs_sorted, r.right)
                j0, j1 = bisect_left(ys_sorted, r.y), bisect_right(ys_sorted, r.bottom)
                bit = 1 if axis == 0 else 2
                for i in range(i0, i1):
                    column = crowd[i]
                    for j in range(j0, j1):
                        column[j] |= bit

        d0 = directions.index(out)
        # The directions are listed in opposite pairs: d ^ 1 is the way back from d.
        arrive_d = directions.index(arrive)
        goal_i, goal_j = goal
        # A state (grid point i, j reached going direction d) is one int, (i * n_y + j) *
        # 4 + d: ordered as the tuple (i, j, d) is, so the queue pops in the same order,
        # without a tuple made for every point looked at (this loop is the router's hot
        # spot, and the garbage collector's).
        # Ordered by estimate, then by most travelled: among equal estimates the search
        # goes deep first instead of widening over a plateau of equal paths.
        first = (start[0] * n_y + start[1]) * 4 + d0
        queue: list[tuple[float, float, float, int]] = [
            (abs(gx - a[0]) + abs(gy - a[1]), 0.0, 0.0, first)
        ]
        best: dict[int, float] = {first: 0.0}
        came: dict[int, int] = {}
        best_get = best.get
        push, pop = heapq.heappush, heapq.heappop
        inf = float("inf")
        steps_of = tuple(enumerate(directions))
        while queue and steps > 0:
            steps -= 1
            _, _, cost, state = pop(queue)
            if cost > best_get(state, inf):
                continue
            d = state & 3
            i, j = divmod(state >> 2, n_y)
            if i == goal_i and j == goal_j:
                path = [(xs_sorted[i], ys_sorted[j])]
                while state in came:
                    state = came[state]
                    i, j = divmod(state >> 2, n_y)
                    path.append((xs_sorted[i], ys_sorted[j]))
                path.reverse()
                return path
            back = d ^ 1  # no turning back
            x_here, y_here = xs_sorted[i], ys_sorted[j]
            for nd, (dx, dy) in steps_of:
                if nd == back:
                    continue
                ni, nj = i + dx, j + dy
                if not (0 <= ni < n_x and 0 <= nj < n_y) or inside[ni][nj]:
                    continue
                x, y = xs_sorted[ni], ys_sorted[nj]
                # One of the two is 0.0: the same sum as adding both.
                length = abs(x - x_here) + abs(y - y_here)
                extra = BEND if nd != d else 0.0
                if crowd is not None and crowd[i][j] & crowd[ni][nj] & (2 if dy == 0 else 1):
                    extra += CROWDED * (length if length > CROWDED_LEAST else CROWDED_LEAST)
                if ni == goal_i and nj == goal_j and nd != arrive_d:
                    extra += BEND
                new = cost + length + extra
                nxt = (ni * n_y + nj) * 4 + nd
                if new < best_get(nxt, inf):
                    best[nxt] = new
                    came[nxt] = state
                    h = abs(gx - x) + abs(gy - y)
                    if x != gx and y != gy:
                        h += BEND  # at least one more bend to come
                    push(queue, (new + GREED * h, -new, new, nxt))
        return None


def _plain(a: Point, out: Side, b: Point) -> list[Point]:
    """A Z (or an L) from a to b leaving along `out`, blind to obstacles."""
    if out[1] == 0:
        middle = (a[0] + b[0]) / 2 if (b[0] - a[0]) * out[0] > 0 else a[0]
        return [a, (middle, a[1]), (middle, b[1]), b]
    middle = (a[1] + b[1]) / 2 if (b[1] - a[1]) * out[1] > 0 else a[1]
    return [a, (a[0], middle), (b[0], middle), b]


class _Column(Sequence[int]):
    """One grid line's "inside an obstacle" flags, each looked up when first asked (a
    point inside an obstacle's interior: the obstacle is in the point's cell)."""

    __slots__ = ("_index", "_known", "_x", "_ys")

    def __init__(self, x: float, ys: list[float], index: RectIndex) -> None:
        self._x, self._ys, self._index = x, ys, index
        self._known = bytearray(b"\x02" * len(ys))  # 2: not looked up yet

    def __len__(self) -> int:
        return len(self._ys)

    def __getitem__(self, j: int) -> int:  # type: ignore[override]  # no slices
        flag = self._known[j]
        if flag == 2:
            flag = self._known[j] = int(self._index.contains_point(self._x, self._ys[j]))
        return flag


def _with_middles(values: list[float], *keep: float) -> list[float]:
    """The lines plus the middle of every gap between two of them wider than a card
    margin: a route in a channel runs down its middle, not along a card's edge."""
    out: list[float] = []
    for lo, hi in itertools.pairwise(values):
        out.append(lo)
        if hi - lo > 4 * MARGIN:
            out.append((lo + hi) / 2)
    if values:
        out.append(values[-1])
    return sorted(set(out) | set(keep))


def _blocked(index: RectIndex, x0: float, y0: float, x1: float, y1: float) -> bool:
    return any(axis_segment_enters(x0, y0, x1, y1, r) for r in index.near(x0, y0, x1, y1).values())


def _span(ends: tuple[Point, Side, Point, Side]) -> float:
    (x0, y0), _, (x1, y1), _ = ends
    return abs(x1 - x0) + abs(y1 - y0)


def _side_middle(rect: Rect, side: Side) -> Point:
    x, y = rect.centre
    return x + side[0] * rect.w / 2, y + side[1] * rect.h / 2


def _heading(rect: Rect, side: Side, far: Rect, far_side: Side) -> float:
    """Where an arrow leaving `rect` by `side` heads: the angle, seen from the middle of
    that side, of the middle of the side it enters `far` by; ascending along the side
    (top to bottom, left to right). Ordering a side's ports by it rather than by the far
    card's position alone lets the arrow that turns off first take the port nearest the
    way it turns: two arrows leaving the side upwards, the nearer target's turning up
    before the farther one's, then do not cross by the card."""
    (x0, y0), (x1, y1) = _side_middle(rect, side), _side_middle(far, far_side)
    dx, dy = x1 - x0, y1 - y0
    outward = dx * side[0] + dy * side[1]
    along = dy if side[1] == 0 else dx
    return math.atan2(along, outward)


# A loop's corners in the order loops take them: (side it leaves, whether the corner is at
# the start of that side - its top or left end), then the same for the side it re-enters.
_LOOP_CORNERS: tuple[tuple[tuple[Side, bool], tuple[Side, bool]], ...] = (
    ((RIGHT, True), (UP, False)),  # top right
    ((LEFT, False), (DOWN, True)),  # bottom left
    ((DOWN, False), (RIGHT, False)),  # bottom right
    ((UP, True), (LEFT, True)),  # top left
)


def _corner_rank(at_start: bool, depth: int) -> float:
    """Where a loop's port sorts among its side's ports: before (or after) every other
    arrow's, at the corner's end of the side, the innermost loop nearest the corner."""
    return -_LOOP_FIRST + depth if at_start else _LOOP_FIRST - depth


def _paired_sides(
    crowd: dict[tuple[str, Side], list[tuple[float, str, int]]],
    links: dict[str, Link],
    chosen: dict[str, tuple[Side, Side]],
) -> set[tuple[str, Side]]:
    """The card sides whose every arrow runs to one side of one other card that holds
    those arrows and no other (two cards talking only to each other there, as an
    imported client and server do). Both sides list the same arrows in the same order
    (one heading, ties by key), so at the same fractions facing ports line up and each
    arrow is straight: shifted half a track, each would be a Z with a jog too short for
    the nudging to give its middle run a track of its own (47 arrows on one side are
    4 px apart), and the Zs then cross each other and share lines."""
    paired: set[tuple[str, Side]] = set()
    for (card, side), members in crowd.items():
        if any(end == 0 and links[key].source == links[key].target for _, key, end in members):
            continue  # loops
        far = {
            (links[key].target, chosen[key][1]) if end == 0 else (links[key].source, chosen[key][0])
            for _, key, end in members
        }
        if len(far) != 1:
            continue
        (other,) = far
        if other != (card, side) and {m[1] for m in crowd.get(other, [])} == {
            m[1] for m in members
        }:
            paired.add((card, side))
    return paired


def _port(rect: Rect, side: Side, fraction: float, shifted: bool = True) -> Point:
    # Ports on left and top sides sit half a track off those on right and bottom sides:
    # cards side by side at one height then never have facing ports on one line, whose
    # arrows would run on top of each other between the cards. (Not `shifted`: the side
    # faces one other side holding the same arrows, see _paired_sides.)
    shift = TRACK / 2 if shifted and side in (LEFT, UP) else 0.0
    if side[1] == 0:
        span = rect.h - 2 * PORT_PAD
        y = rect.y + PORT_PAD + span * fraction + shift
        return (rect.right if side == RIGHT else rect.x), y
    span = rect.w - 2 * PORT_PAD
    x = rect.x + PORT_PAD + span * fraction + shift
    return x, (rect.bottom if side == DOWN else rect.y)


def _runs_of(route: Sequence[Point]) -> Iterator[tuple[int, float, float, float]]:
    """Each straight run of `route` as (axis, at, lo, hi): axis 0 a vertical run at x =
    `at` from y = lo to hi, axis 1 a horizontal one at y = `at`; bends of no length and
    any slanted piece are skipped."""
    for (x0, y0), (x1, y1) in itertools.pairwise(route):
        if x0 == x1 and y0 != y1:
            yield 0, x0, min(y0, y1), max(y0, y1)
        elif y0 == y1 and x0 != x1:
            yield 1, y0, min(x0, x1), max(x0, x1)
