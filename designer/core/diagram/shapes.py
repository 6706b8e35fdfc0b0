"""Arrows the user shaped: routes through chosen bends, curved and straight drawing.

The router (router.py) finds an orthogonal route when the user chose nothing. When the
file's `layout.flows` holds bends for an arrow, its route passes through them instead,
in one of three styles:

- orthogonal: axis-parallel runs; between two bends not in line, one elbow that keeps
  going the way the arrow was going (so dragging a bend never makes the route double
  back); each end leaves its card square to the side facing the nearest bend;
- straight: straight lines from card border to bend to bend to card border;
- curved: the same points drawn as one smooth curve (each corner rounded as far as its
  two runs allow), so the arrow leaves and enters its cards in a straight line.

`drawing_steps` turns any route into the steps every renderer draws (canvas, SVG, PNG,
PDF), so they all draw the same curve.
"""

from __future__ import annotations

import itertools
import math

from designer.core.model import RouteStyle

from .geometry import Point, Rect, Step, rounded_path

BEND_RADIUS = 10.0  # of an orthogonal route's corners, as every renderer draws them
_CURVE_PIECES = 8  # straight pieces per curved corner when a curve is flattened


def bent_route(style: RouteStyle, source: Rect, target: Rect, bends: list[Point]) -> list[Point]:
    """A route from card `source` through `bends` (at least one) to card `target`."""
    if style is RouteStyle.ORTHOGONAL:
        return _orthogonal_through(source, target, bends)
    return _simplified(
        [_border_toward(source, bends[0]), *bends, _border_toward(target, bends[-1])]
    )


def straight_route(source: Rect, target: Rect) -> list[Point]:
    """A straight line between the borders of two cards, aimed centre to centre."""
    return [_border_toward(source, target.centre), _border_toward(target, source.centre)]


def drawing_steps(points: list[Point], style: RouteStyle) -> list[Step]:
    """("M", (x, y)), ("L", (x, y)), ("Q", (cx, cy, x, y)) steps drawing a route."""
    if style is RouteStyle.ORTHOGONAL:
        return rounded_path(points, BEND_RADIUS)
    if not points:
        return []
    steps: list[Step] = [("M", points[0])]
    if style is RouteStyle.STRAIGHT or len(points) < 3:
        steps += [("L", p) for p in points[1:]]
        return steps
    # Curved: straight out of the source to the middle of the first run, then a quadratic
    # through every corner from run middle to run middle, straight into the target.
    steps.append(("L", _middle(points[0], points[1])))
    for i in range(1, len(points) - 2):
        steps.append(("Q", (*points[i], *_middle(points[i], points[i + 1]))))
    steps.append(("Q", (*points[-2], *points[-1])))
    return steps


def flattened(steps: list[Step]) -> list[Point]:
    """The drawing as a polyline (curves cut into short pieces): for dotted lines, hit
    areas and the quality counts, which measure straight segments."""
    out: list[Point] = []
    for command, values in steps:
        if command != "Q" or not out:
            out.append((values[0], values[1]))
            continue
        (x0, y0), (cx, cy, x1, y1) = out[-1], values
        for k in range(1, _CURVE_PIECES + 1):
            t = k / _CURVE_PIECES
            u = 1 - t
            out.append(
                (u * u * x0 + 2 * u * t * cx + t * t * x1, u * u * y0 + 2 * u * t * cy + t * t * y1)
            )
    return out


def _middle(a: Point, b: Point) -> Point:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def _border_toward(rect: Rect, toward: Point) -> Point:
    """Where the ray from the centre of `rect` toward `toward` leaves it (also when
    `toward` lies inside: an arrow always starts on its card's border)."""
    cx, cy = rect.centre
    dx, dy = toward[0] - cx, toward[1] - cy
    if dx == 0 and dy == 0:
        return rect.right, cy
    scales = []
    if dx:
        scales.append(rect.w / 2 / abs(dx))
    if dy:
        scales.append(rect.h / 2 / abs(dy))
    scale = min(scales)
    return cx + dx * scale, cy + dy * scale


def _exit(rect: Rect, toward: Point) -> tuple[Point, bool]:
    """The port on `rect`'s border facing `toward`, and whether the run leaving it is
    horizontal. Square across from the point when it lies beside or above/below the card,
    else from the middle of the side it lies furthest beyond."""
    x, y = toward
    if rect.x < x < rect.right and not rect.y <= y <= rect.bottom:
        return (x, rect.y if y < rect.y else rect.bottom), False
    if rect.y < y < rect.bottom and not rect.x <= x <= rect.right:
        return (rect.x if x < rect.x else rect.right, y), True
    cx, cy = rect.centre
    beyond_x = max(rect.x - x, x - rect.right)
    beyond_y = max(rect.y - y, y - rect.bottom)
    if beyond_x >= beyond_y:
        return (rect.x if x < cx else rect.right, cy), True
    return (cx, rect.y if y < cy else rect.bottom), False


def _orthogonal_through(source: Rect, target: Rect, bends: list[Point]) -> list[Point]:
    start, horizontal = _exit(source, bends[0])
    points = [start]
    for bend in bends:
        here = points[-1]
        if here[0] != bend[0] and here[1] != bend[1]:
            # Keep going the way the route goes, then turn once toward the bend.
            points.append((bend[0], here[1]) if horizontal else (here[0], bend[1]))
            horizontal = not horizontal
        elif here != bend:
            horizontal = here[1] == bend[1]
        points.append(bend)
    end, into_horizontally = _exit(target, bends[-1])
    last = points[-1]
    if last[0] != end[0] and last[1] != end[1]:
        # The last run enters the target square to its side.
        points.append((last[0], end[1]) if into_horizontally else (end[0], last[1]))
    points.append(end)
    return _simplified(points)


def _simplified(points: list[Point]) -> list[Point]:
    """Without repeated points and without points in the middle of a straight run."""
    out: list[Point] = []
    for p in points:
        if out and math.isclose(out[-1][0], p[0]) and math.isclose(out[-1][1], p[1]):
            continue
        if len(out) >= 2 and _collinear(out[-2], out[-1], p):
            out[-1] = p
            continue
        out.append(p)
    # Never fewer than two points (a route of one point is no arrow to draw): a bend
    # where both ends meet leaves the two ends.
    return out if len(out) >= 2 else [points[0], points[-1]]


def _collinear(a: Point, b: Point, c: Point) -> bool:
    """Whether b lies on the way from a to c (the same direction, not a U-turn)."""
    cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0])
    dot = (b[0] - a[0]) * (c[0] - b[0]) + (b[1] - a[1]) * (c[1] - b[1])
    return abs(cross) < 1e-9 and dot > 0


def bend_index(start: Point, end: Point, bends: list[Point], at: Point) -> int:
    """Where a new bend at `at` goes among `bends` (an arrow from `start` to `end`): the
    place that lengthens the path through the bends least, i.e. the stretch it was
    added on."""
    path = [start, *bends, end]
    best, best_growth = 0, math.inf
    for i in range(len(path) - 1):
        a, b = path[i], path[i + 1]
        growth = math.dist(a, at) + math.dist(at, b) - math.dist(a, b)
        if growth < best_growth - 1e-9:
            best, best_growth = i, growth
    return best


LEADER_GAP = 6.0  # a label further than this from its arrow gets a leader line


def leader(points: list[Point], label: Rect) -> tuple[Point, Point] | None:
    """A line from the nearest point of the route to the label, when the user put the
    label away from its arrow (None when it lies on or next to the route): which arrow a
    label belongs to must stay visible wherever it is dropped."""
    if len(points) < 2:
        return None
    best, best_d = _nearest_to(points, label)
    if best_d <= LEADER_GAP:
        return None
    edge = (min(max(best[0], label.x), label.right), min(max(best[1], label.y), label.bottom))
    return best, edge


def distance_to_route(points: list[Point], label: Rect) -> float:
    """How far the label lies from the route, as `leader` measures it (0 touching)."""
    return _nearest_to(points, label)[1]


def _nearest_to(points: list[Point], label: Rect) -> tuple[Point, float]:
    """The point of the route nearest the label's centre's foot, and its distance to
    the label's box."""
    cx, cy = label.centre
    best: Point = points[0]
    best_d = math.inf
    for a, b in itertools.pairwise(points):
        p = _nearest_on(a, b, (cx, cy))
        d = _outside(label, p)
        if d < best_d:
            best, best_d = p, d
    return best, best_d


def _nearest_on(a: Point, b: Point, p: Point) -> Point:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    if length == 0:
        return a
    t = max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return a[0] + dx * t, a[1] + dy * t


def _outside(rect: Rect, p: Point) -> float:
    """How far `p` lies outside `rect` (0 inside)."""
    dx = max(rect.x - p[0], 0.0, p[0] - rect.right)
    dy = max(rect.y - p[1], 0.0, p[1] - rect.bottom)
    return math.hypot(dx, dy)
