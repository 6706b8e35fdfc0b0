"""Where each arrow's label goes: on its route, clear of cards and of other labels.

A label (message name + transport badge, a pill LABEL_HEIGHT high) is first tried
centred on the route, sliding from the middle of its longest straight run outward along
every run; then beside the route (above/below a horizontal run, left/right of a vertical
one). The first spot clear of every card and every label placed before wins; if none is,
the spot covering the least. Only the labels of moved arrows are placed again on a drag.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator

from designer.core.diagram_style import TRANSPORT_BADGES
from designer.core.model import Transport

from .geometry import Arrow, Point, Rect
from .index import RectIndex

LABEL_HEIGHT = 20.0
# Widths of the pill's parts (see designer/qt/canvas/arrow_paint.py, which draws it in
# exactly this box): kind icon and padding, about 6.6 px per character of an 11.5 px
# sans-serif name, a bold badge.
_FIXED = 7 + 12 + 4 + 5 + 4
_CHAR, _BADGE_CHAR, _BADGE_PAD = 6.6, 7.0, 8.0
MAX_TEXT = 28  # longer names are cut with an ellipsis
_FINE_STEP = 7.0  # how far a label slides per try (on a short run)
_SPOTS = 30  # ... at most this many tries each way along one run
_TOUCH = 6.0  # a label past a run's end overlaps it by this much at least
_CLEAR = 3.0  # kept free around a label


def fitted_text(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def badge_width(transport: Transport) -> float:
    return len(TRANSPORT_BADGES[transport]) * _BADGE_CHAR + _BADGE_PAD


def label_size(text: str, transport: Transport) -> tuple[float, float]:
    """The pill's width and height for a message name over a transport."""
    return _FIXED + len(fitted_text(text)) * _CHAR + badge_width(transport), LABEL_HEIGHT


def _runs(points: list[Point]) -> list[tuple[Point, Point]]:
    """The route's straight runs: the inner ones longest first, then the first and last
    (the short stubs leaving and entering cards: a label beside one still reads as the
    arrow's)."""
    runs = list(itertools.pairwise(points))
    if len(runs) <= 2:
        return sorted(runs, key=lambda r: -_length(r))
    return [*sorted(runs[1:-1], key=lambda r: -_length(r)), runs[0], runs[-1]]


def _length(run: tuple[Point, Point]) -> float:
    (x0, y0), (x1, y1) = run
    return abs(x1 - x0) + abs(y1 - y0)


def route_spots(points: list[Point], w: float, h: float) -> Iterator[Rect]:
    """Spots for a w x h label on or touching its route, best first."""
    for x, y, _, _ in _route_corners(points, w, h):
        yield Rect(x, y, w, h)


# A corner of a spot along a route: x, y, the number of the run it is on or beside (in
# `_runs`' order), and for a spot centred on its run how far the spots just beside it
# lie (dx, dy; either way), else None.
Corner = tuple[float, float, int, Point | None]


def _route_corners(points: list[Point], w: float, h: float) -> Iterator[Corner]:
    """The top left corners of route_spots (made as they are asked for: most labels
    take one of the first few, and most spots tried are not taken)."""
    for run, ((x0, y0), (x1, y1)) in enumerate(_runs(points)):
        length = abs(x1 - x0) + abs(y1 - y0)
        if length == 0:
            continue
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        half = length / 2
        horizontal = y0 == y1
        # From the run's middle out to where the label, past the run's end, still
        # touches it: over a bend, or beside a stub next to its card.
        reach = half + (w if horizontal else h) / 2 - _TOUCH
        # At most a few dozen spots each way: a long route's label need not try every
        # step of it.
        step = max(_FINE_STEP, reach / _SPOTS)
        offsets = [0.0]
        k = 1
        while k * step <= reach:
            offsets += [k * step, -k * step]
            k += 1
        beside = (0.0, h / 2 + _CLEAR) if horizontal else (w / 2 + _CLEAR, 0.0)
        for shift, gap in _BESIDE:
            for d in offsets:
                cx, cy = x0 + ux * (half + d), y0 + uy * (half + d)
                if horizontal:
                    cy += shift * (h / 2 + gap)
                else:
                    cx += shift * (w / 2 + gap)
                yield cx - w / 2, cy - h / 2, run, None if shift else beside


# On the run, then beside it `_CLEAR` away, then as far as a label may be from its route
# without a leader (shapes.LEADER_GAP): runs nest a track (router.TRACK, 9 px) apart, less
# than half a label's height, so a label beside the outer run a few px nearer touched the
# label centred on the inner one (a card's nested loops: their labels went out sideways,
# a lone card with six loops drew 3.9 times as wide as high).
_FAR = 5.5
_BESIDE = ((0.0, 0.0), (1.0, _CLEAR), (-1.0, _CLEAR), (1.0, _FAR), (-1.0, _FAR))


def _first_free(
    corners: Iterator[Corner],
    w: float,
    h: float,
    cards: RectIndex,
    labels: RectIndex,
    key: str,
    crossed: Crossed | None = None,
    tried: list[tuple[float, float, Rect]] | None = None,
) -> Point | None:
    """The first of `corners` whose w x h spot (and `_CLEAR` round it) is clear of cards
    and labels. With `crossed`, if another arrow runs through that one: the spots just
    beside it, then the next few on or beside the same run, for one clear of cards,
    labels and other arrows; none found, the first. (A label centred on one of several
    arrows side by side lies across its neighbours; beside the outermost it does not.
    Only the same run: one further along the route may be on a bend's other side.)
    `tried` gets each spot found blocked, with a rectangle in its way, in order."""
    # The next spot, a step along, is mostly blocked by what blocked one of the last
    # two: those are asked first, before the indexes (neither changes meanwhile).
    last: Rect | None = None
    before_last: Rect | None = None
    first: Point | None = None
    first_run = 0
    looked = 0
    for x, y, run, beside in corners:
        if first is not None:
            looked += 1
            if looked > _UNCROSSED_TRIES or run != first_run:
                break
        x0, y0, x1, y1 = x - _CLEAR, y - _CLEAR, x + w + _CLEAR, y + h + _CLEAR
        if (
            last is not None
            and last.x < x1
            and x0 < last.x + last.w
            and last.y < y1
            and y0 < last.y + last.h
        ):
            blocker: Rect | None = last
        elif (
            before_last is not None
            and before_last.x < x1
            and x0 < before_last.x + before_last.w
            and before_last.y < y1
            and y0 < before_last.y + before_last.h
        ):
            blocker = before_last
        else:
            blocker = cards.first_overlap(x0, y0, x1, y1) or labels.first_overlap(x0, y0, x1, y1)
            if blocker is not None:
                last, before_last = blocker, last
        if blocker is not None:
            if tried is not None:
                tried.append((x, y, blocker))
            continue
        if crossed is None or not crossed(key, x + 1, y + 1, x + w - 1, y + h - 1):
            return x, y
        if first is None:
            first, first_run = (x, y), run
            if beside is not None:
                for sign in (-1, 1):
                    bx, by = x + sign * beside[0], y + sign * beside[1]
                    if _clear(bx, by, w, h, cards, labels) and not crossed(
                        key, bx + 1, by + 1, bx + w - 1, by + h - 1
                    ):
                        return bx, by
    return first


def _clear(x: float, y: float, w: float, h: float, cards: RectIndex, labels: RectIndex) -> bool:
    """Whether a w x h spot at (x, y) and `_CLEAR` round it are clear of cards and labels."""
    x0, y0, x1, y1 = x - _CLEAR, y - _CLEAR, x + w + _CLEAR, y + h + _CLEAR
    return not (cards.any_overlap(x0, y0, x1, y1) or labels.any_overlap(x0, y0, x1, y1))


def _away_corners(points: list[Point], w: float, h: float) -> Iterator[Point]:
    """Nothing free on the route: top left corners of spots close beside the middle of
    each run (longest first), further and further out; a crowded design's label may end
    up a few rows away. Corners, not Rects: most spots are only tried."""
    if points:
        runs = _runs(points) if len(points) > 1 else [(points[0], points[0])]
        for reach in _REACHES:
            for (x0, y0), (x1, y1) in runs:
                mx, my = (x0 + x1) / 2, (y0 + y1) / 2
                for dx, dy in _AROUND:
                    cx, cy = mx + dx * reach * (w / 4 + 6), my + dy * reach * (h + 6)
                    yield cx - w / 2, cy - h / 2


_REACHES = (1, 2, 3, 4, 6, 8, 10, 13, 16, 20)
_AROUND = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))


# After the first free spot on its route, a label looks this many spots further along it
# for one no other arrow runs through (a label across a neighbour's arrow reads as that
# arrow's too); none found, it takes the first.
_UNCROSSED_TRIES = 24

# Whether another arrow's route runs through a box (x0, y0, x1, y1), given the label's
# own arrow: Router.runs_through.
Crossed = Callable[[str, float, float, float, float], bool]


def place_label(
    arrow: Arrow,
    size: tuple[float, float],
    cards: RectIndex,
    labels: RectIndex,
    crossed: Crossed | None = None,
) -> Rect:
    """The first spot for `arrow`'s label clear of cards and placed labels (or the one
    covering the least), on its route one no other arrow runs through where one is near
    (`crossed`); it is added to `labels`."""
    w, h = size
    # First the first spot touching nothing (a yes/no look-up per spot); only if there
    # is none, the spot covering the least.
    # Every spot tried, with a rectangle in its way: if none is free, that is all of them.
    tried: list[tuple[float, float, Rect]] = []
    found = _first_free(
        _route_corners(arrow.points, w, h), w, h, cards, labels, arrow.flow_id, crossed, tried
    ) or _first_free(
        ((x, y, 0, None) for x, y in _away_corners(arrow.points, w, h)),
        w,
        h,
        cards,
        labels,
        arrow.flow_id,
        None,
        tried,
    )
    if found is not None:
        spot = Rect(found[0], found[1], w, h)
        labels.add(arrow.flow_id, spot)
        return spot
    # No free spot: the one whose surroundings cards and labels cover least (the first
    # of equals). A spot is given up as soon as what covers it reaches the best so far:
    # the sums are those of covering every spot in full, only not finished.
    best: Point | None = None
    best_cover = math.inf
    room_w, room_h = w + 2 * _CLEAR, h + 2 * _CLEAR
    for x, y, blocker in tried:
        x0, y0 = x - _CLEAR, y - _CLEAR
        x1, y1 = x0 + room_w, y0 + room_h
        # The part the rectangle in its way covers is one of the spot's sum (the same
        # float RectIndex.covered adds), and a sum of parts none negative is no less
        # than any of them: a spot that part alone rules out is not summed (most are).
        part_w = min(x1, blocker.x + blocker.w) - max(x0, blocker.x)
        if part_w > 0:
            part_h = min(y1, blocker.y + blocker.h) - max(y0, blocker.y)
            if part_h > 0 and part_w * part_h >= best_cover:
                continue
        cover = cards.covered(x0, y0, x1, y1, 0.0, best_cover)
        if cover < best_cover:
            cover = labels.covered(x0, y0, x1, y1, cover, best_cover)
            if cover < best_cover:
                best, best_cover = (x, y), cover
    assert best is not None
    spot = Rect(best[0], best[1], w, h)
    labels.add(arrow.flow_id, spot)
    return spot


_ROOM_TRIES = 80  # spots on its route a label off it tries to free
_OTHER_TRIES = 4  # free spots of a label in the way kept to move it to


def make_room(
    arrow: Arrow,
    size: tuple[float, float],
    cards: RectIndex,
    labels: RectIndex,
    elsewhere: Callable[[str], Route | None],
    known: ClearSpots | None = None,
) -> str | None:
    """For a label that found no free spot on its route: a spot on it where a single
    other label is in the way, that label moved to another free spot on its own route
    (`elsewhere(key)`: its route and label size, None if it must stay). Moves both in
    `labels` and returns the other's key, or None (nothing changed) if there is none.
    `known`: the spots clear of cards of the labels already asked to move, kept over
    the calls of one pass (neither cards nor routes change while labels make room)."""
    known = {} if known is None else known
    w, h = size
    own = labels.get(arrow.flow_id)
    labels.remove(arrow.flow_id)
    moves: dict[str, list[Rect]] = {}  # a label in the way: its free spots elsewhere
    # A card that blocked one of the last two spots mostly blocks the next (a step
    # along): asked first, before the index (as place_label does).
    last: Rect | None = None
    before_last: Rect | None = None
    for x, y, _, _ in itertools.islice(_route_corners(arrow.points, w, h), _ROOM_TRIES):
        # The spot is Rect(x, y, w, h), made only if taken (most are only tried).
        x0, y0 = x - _CLEAR, y - _CLEAR
        x1, y1 = (x + w) + _CLEAR, (y + h) + _CLEAR
        if _hits(last, x0, y0, x1, y1) or _hits(before_last, x0, y0, x1, y1):
            continue
        card = cards.first_overlap(x0, y0, x1, y1)
        if card is not None:
            last, before_last = card, last
            continue
        room = Rect(x0, y0, x1 - x0, y1 - y0)
        # The one label in the way (overlapping `room`, as Rect.overlaps says), if only one.
        other = labels.only_overlap(x0, y0, room.right, room.bottom)
        if other is None:
            continue
        if other not in moves:
            moves[other] = _free_spots(other, cards, labels, elsewhere, known)
        for move in moves[other]:
            if not move.overlaps(room):
                labels.add(other, move)
                labels.add(arrow.flow_id, Rect(x, y, w, h))
                return other
    if own is not None:
        labels.add(arrow.flow_id, own)
    return None


class _ClearOfCards:
    """A label's spots on its route clear of cards, each with the box kept free around
    it (x0, y0, x1, y1), in route_spots' order: worked out as far as they are asked for
    (a label in a sparse design finds its few free spots among the first), once."""

    def __init__(self, route: Route, cards: RectIndex) -> None:
        points, (self._w, self._h) = route
        self._corners = _route_corners(points, self._w, self._h)
        self._cards = cards
        self._clear: list[tuple[Rect, float, float, float, float]] = []

    def __iter__(self) -> Iterator[tuple[Rect, float, float, float, float]]:
        yield from self._clear
        # The card that blocked one of the last two spots is asked first (see make_room).
        last: Rect | None = None
        before_last: Rect | None = None
        w, h = self._w, self._h
        # Corners, made into Rects only when clear (what route_spots would give).
        for x, y, _, _ in self._corners:
            x0, y0 = x - _CLEAR, y - _CLEAR
            x1, y1 = (x + w) + _CLEAR, (y + h) + _CLEAR
            if _hits(last, x0, y0, x1, y1) or _hits(before_last, x0, y0, x1, y1):
                continue
            card = self._cards.first_overlap(x0, y0, x1, y1)
            if card is None:
                # The box as a Rect of it would end (x0 + width: may differ from x1).
                found = (Rect(x, y, w, h), x0, y0, x0 + (x1 - x0), y0 + (y1 - y0))
                self._clear.append(found)
                yield found
            else:
                last, before_last = card, last


# The spots clear of cards of each label asked to move (None: it must stay).
ClearSpots = dict[str, _ClearOfCards | None]
# A label's route and its size: where it may move to (make_room's `elsewhere`).
Route = tuple[list[Point], tuple[float, float]]


def _free_spots(
    key: str,
    cards: RectIndex,
    labels: RectIndex,
    elsewhere: Callable[[str], Route | None],
    known: ClearSpots,
) -> list[Rect]:
    """A few spots clear of cards and of every label but its own, for label `key`.
    A crowded design asks this of one label again and again (half the asks of a
    1,000-card grid), and most asks look at every spot of the route: which are clear
    of cards is worked out once per label."""
    if key not in known:
        route = elsewhere(key)
        known[key] = None if route is None else _ClearOfCards(route, cards)
    spots = known[key]
    if spots is None:
        return []
    found = []
    own = labels.get(key)
    # The label that blocked one of the last two spots is asked first (see make_room);
    # never `key`'s own (first_other skips it).
    last: Rect | None = None
    before_last: Rect | None = None
    for spot, x0, y0, right, bottom in spots:
        if _hits(last, x0, y0, right, bottom) or _hits(before_last, x0, y0, right, bottom):
            continue
        blocker = labels.first_other(x0, y0, right, bottom, key)
        if blocker is not None:
            last, before_last = blocker, last
            continue
        if own is None or spot != own:
            found.append(spot)
            if len(found) == _OTHER_TRIES:
                break
    return found


def _hits(r: Rect | None, x0: float, y0: float, x1: float, y1: float) -> bool:
    """Whether `r` overlaps the interior of the box (x0, y0)-(x1, y1), as the indexes
    test it (RectIndex.first_overlap)."""
    return r is not None and r.x < x1 and x0 < r.x + r.w and r.y < y1 and y0 < r.y + r.h
