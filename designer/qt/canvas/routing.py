"""An arrow's route as Qt draws it.

The canvas's arrows are the geometry engine's (designer.core.diagram, shared with every
export): `orthogonal` turns a routed polyline into a `Route` with its rounded bends.
The straight/curved helpers below remain for the legend and the rubber band of a new
arrow. Pure geometry on floats, so it is cheap and testable without a scene.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath, QPolygonF

from designer.core.diagram import drawing_steps, flattened, rounded_path
from designer.core.diagram.geometry import Step
from designer.core.model import RouteStyle

FAN_SPACING = 30.0  # room for one label between two parallel arrows
END_GAP = 2.0  # the head stops just short of the border, so its tip stays visible


Box = tuple[float, float, float, float]  # x, y, width, height


class Route:
    """One arrow's geometry. Made for every arrow of a dragged card on every mouse move,
    so only plain floats are computed up front; the Qt objects painting needs (path,
    end points, angles) are made on first use and kept: an arrow that is re-routed
    several times between two repaints, or never seen, never pays for them.
    """

    __slots__ = ("_angles", "_path", "bounds", "control", "ends", "label", "loop", "points")

    def __init__(
        self,
        ends: tuple[float, float, float, float],
        control: tuple[float, float] | None,
        label: tuple[float, float],
        bounds: Box,
        loop: bool = False,
        path: QPainterPath | None = None,
        angles: tuple[float, float] | None = None,
        points: list[tuple[float, float]] | None = None,
    ) -> None:
        self.points = points  # an orthogonal route's corners (None: line or curve)
        self.ends = ends  # start x, y, end x, y
        self.control = control  # of the quadratic; None for a straight line
        self.label = label  # middle of the curve
        self.bounds = bounds  # left, top, right, bottom of the end and control points
        self.loop = loop  # a flow from a card to itself
        self._path = path
        self._angles = angles

    @property
    def path(self) -> QPainterPath:
        if self._path is None and self.points is not None:
            self._path = _rounded(self.points)
        if self._path is None:
            sx, sy, ex, ey = self.ends
            path = QPainterPath(QPointF(sx, sy))
            if self.control is None:
                path.lineTo(ex, ey)
            else:
                path.quadTo(self.control[0], self.control[1], ex, ey)
            self._path = path
        return self._path

    @property
    def start(self) -> QPointF:
        return QPointF(self.ends[0], self.ends[1])

    @property
    def end(self) -> QPointF:
        return QPointF(self.ends[2], self.ends[3])

    def _directions(self) -> tuple[float, float]:
        if self._angles is None:
            sx, sy, ex, ey = self.ends
            # A quadratic leaves its start toward the control point and reaches its end
            # from there; a straight line runs one way throughout.
            cx, cy = self.control if self.control is not None else (None, None)
            head = math.atan2(ey - (sy if cy is None else cy), ex - (sx if cx is None else cx))
            tail = math.atan2((ey if cy is None else cy) - sy, (ex if cx is None else cx) - sx)
            self._angles = (head, tail)
        return self._angles

    @property
    def head_angle(self) -> float:
        """Radians, direction of travel at the end."""
        return self._directions()[0]

    @property
    def start_angle(self) -> float:
        """Radians, direction of travel at the start."""
        return self._directions()[1]

    def point_at(self, t: float) -> tuple[float, float]:
        """The point at curve parameter `t` (0 = start, 1 = end)."""
        sx, sy, ex, ey = self.ends
        if self.control is None:
            return sx + (ex - sx) * t, sy + (ey - sy) * t
        cx, cy = self.control
        u = 1 - t
        return u * u * sx + 2 * u * t * cx + t * t * ex, u * u * sy + 2 * u * t * cy + t * t * ey


BEND_RADIUS = 10.0  # as the SVG export draws them


def _rounded(points: list[tuple[float, float]]) -> QPainterPath:
    return _painter_path(rounded_path(points, BEND_RADIUS))


def _painter_path(steps: Iterable[Step]) -> QPainterPath:
    """The engine's drawing steps (M, L, Q as the SVG export writes them) as a Qt path."""
    path = QPainterPath()
    for command, v in steps:
        if command == "M":
            path.moveTo(v[0], v[1])
        elif command == "L":
            path.lineTo(v[0], v[1])
        else:
            path.quadTo(v[0], v[1], v[2], v[3])
    return path


def orthogonal(points: list[tuple[float, float]]) -> Route:
    """A routed polyline (at least two points) as a Route: heads follow the last run."""
    (sx, sy), (ex, ey) = points[0], points[-1]
    (ax, ay), (bx, by) = points[0], points[1]
    (cx, cy), (dx, dy) = points[-2], points[-1]
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    middle = points[len(points) // 2]
    return Route(
        (sx, sy, ex, ey),
        None,
        middle,
        (min(xs), min(ys), max(xs), max(ys)),
        angles=(math.atan2(dy - cy, dx - cx), math.atan2(by - ay, bx - ax)),
        points=points,
    )


def shaped(points: list[tuple[float, float]], style: RouteStyle) -> Route:
    """A route in the style the user chose: orthogonal (as `orthogonal`), or curved or
    straight, drawn with the engine's steps (as every export draws them). `points` of
    the Route are then the drawing cut into short straight pieces, for dots and hits."""
    if style is RouteStyle.ORTHOGONAL:
        return orthogonal(points)
    steps = drawing_steps(points, style)
    route = orthogonal(flattened(steps))
    route._path = _painter_path(steps)
    return route


def fan_offsets(count: int, spacing: float = FAN_SPACING) -> list[float]:
    """Offsets of `count` parallel arrows, centred on the straight line."""
    return [(i - (count - 1) / 2) * spacing for i in range(count)]


def _border(
    cx: float, cy: float, half_w: float, half_h: float, tx: float, ty: float
) -> tuple[float, float]:
    """Where the ray from (cx, cy) toward (tx, ty) leaves a box of half-size (half_w, half_h).

    Plain floats and no min(): this runs for every arrow of a dragged card on every mouse move.
    """
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    if dx == 0:
        scale = half_h / abs(dy)
    elif dy == 0:
        scale = half_w / abs(dx)
    else:
        sx, sy = half_w / abs(dx), half_h / abs(dy)
        scale = sx if sx < sy else sy
    if scale >= 1.0:  # the target lies inside the box: stop there
        return tx, ty
    return cx + dx * scale, cy + dy * scale


def border_point(rect: QRectF, toward: QPointF, gap: float = 0.0) -> QPointF:
    """Where the ray from the centre of `rect` toward `toward` leaves the rectangle."""
    x, y, w, h = rect.x(), rect.y(), rect.width(), rect.height()
    return QPointF(*_border(x + w / 2, y + h / 2, w / 2 + gap, h / 2 + gap, toward.x(), toward.y()))


def route(source: QRectF, target: QRectF, offset: float, flip: bool) -> Route:
    """An arrow from card `source` to card `target`, bent `offset` to one side."""
    if source == target:
        return _loop(source, offset)
    return route_between(_box(source), _box(target), offset, flip)


def _box(rect: QRectF) -> Box:
    return rect.x(), rect.y(), rect.width(), rect.height()


def route_between(source: Box, target: Box, offset: float, flip: bool) -> Route:
    """`route` on plain (x, y, w, h) tuples: this runs for every arrow of a dragged card.

    `flip` says the arrow runs against its pair's canonical direction, so arrows both
    ways between two cards bend to opposite sides for opposite signs of offset.
    """
    x1, y1, w1, h1 = source
    x2, y2, w2, h2 = target
    if (x1, y1) == (x2, y2):
        return _loop(QRectF(x1, y1, w1, h1), offset)
    ax, ay, bx, by = x1 + w1 / 2, y1 + h1 / 2, x2 + w2 / 2, y2 + h2 / 2
    if offset == 0:
        sx, sy = _border(ax, ay, w1 / 2, h1 / 2, bx, by)
        ex, ey = _border(bx, by, w2 / 2 + END_GAP, h2 / 2 + END_GAP, ax, ay)
        bounds = (
            sx if sx < ex else ex,
            sy if sy < ey else ey,
            ex if sx < ex else sx,
            ey if sy < ey else sy,
        )
        return Route((sx, sy, ex, ey), None, ((sx + ex) / 2, (sy + ey) / 2), bounds)
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy) or 1.0
    bend = (-2 if flip else 2) * offset / length  # along the left-hand normal (-dy, dx)
    # A quadratic's middle lies halfway between the chord's middle and the control point.
    cx, cy = (ax + bx) / 2 - dy * bend, (ay + by) / 2 + dx * bend
    sx, sy = _border(ax, ay, w1 / 2, h1 / 2, cx, cy)
    ex, ey = _border(bx, by, w2 / 2 + END_GAP, h2 / 2 + END_GAP, cx, cy)
    label = (0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey)
    bounds = (min(sx, ex, cx), min(sy, ey, cy), max(sx, ex, cx), max(sy, ey, cy))
    return Route((sx, sy, ex, ey), (cx, cy), label, bounds)


def _loop(card: QRectF, offset: float) -> Route:
    """A flow from a card to itself: a loop over the top-right corner."""
    grow = 56.0 + abs(offset)
    start = QPointF(card.right(), card.top() + card.height() * 0.35)
    end = QPointF(card.right() - card.width() * 0.25, card.top() - END_GAP)
    path = QPainterPath(start)
    path.cubicTo(
        QPointF(start.x() + grow, start.y()),
        QPointF(end.x(), end.y() - grow),
        end,
    )
    label = (card.right() + grow * 0.35, card.top() - grow * 0.6)
    rect = path.controlPointRect()
    bounds = (rect.left(), rect.top(), rect.right(), rect.bottom())
    ends = (start.x(), start.y(), end.x(), end.y())
    return Route(ends, None, label, bounds, loop=True, path=path, angles=(math.pi / 2, 0.0))


def polyline(route: Route, steps: int = 32) -> list[tuple[float, float]]:
    """The route as points: its corners, its two ends, or a flattened curve."""
    if route.points is not None:
        return route.points
    if route.control is None:
        sx, sy, ex, ey = route.ends
        return [(sx, sy), (ex, ey)]
    return [route.point_at(i / steps) for i in range(steps + 1)]


def _clip_segment(
    x0: float, y0: float, x1: float, y1: float, box: Box
) -> tuple[float, float] | None:
    """Liang-Barsky: the parameter range (t0, t1) of the segment inside `box`, if any."""
    left, top, width, height = box
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in (
        (-dx, x0 - left),
        (dx, left + width - x0),
        (-dy, y0 - top),
        (dy, top + height - y0),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return t0, t1


def visible_pieces(
    points: list[tuple[float, float]], box: Box
) -> list[tuple[float, list[tuple[float, float]]]]:
    """The parts of a polyline inside `box`, each with its distance from the start.

    Qt dashes a path along its whole length even where it is clipped away, so a dotted
    arrow across a big design costs milliseconds on every repaint; painting only the
    visible pieces, with the dash offset of where each starts, looks the same and is cheap.
    """
    pieces: list[tuple[float, list[tuple[float, float]]]] = []
    travelled = 0.0
    current: list[tuple[float, float]] | None = None
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        span = _clip_segment(x0, y0, x1, y1, box)
        if span is None:
            current = None
        else:
            t0, t1 = span
            a = (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0)
            b = (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1)
            if current is not None and t0 == 0.0:
                current.append(b)
            else:
                current = [a, b]
                pieces.append((travelled + length * t0, current))
            if t1 < 1.0:
                current = None
        travelled += length
    return pieces


HIT_MARGIN = 7.0  # clicks this close to an arrow hit it; also covers heads and halos


def hit_area(route: Route, margin: float = HIT_MARGIN) -> QPolygonF:
    """A polygon around the route, `margin` wide on each side.

    Given to a QGraphicsPolygonItem, it makes Qt compute the arrow's bounds and hit
    tests in C++: with a Python boundingRect every hit test and repaint would call into
    Python once per item of the scene. Plain float arithmetic: this runs for every arrow
    of a dragged card on every mouse move.
    """
    if route.points is not None:
        return _outline(route.points, margin)
    if route.loop:
        left, top, right, bottom = route.bounds
        box = QRectF(
            left - margin, top - margin, right - left + 2 * margin, bottom - top + 2 * margin
        )
        return QPolygonF(box)
    sx, sy, ex, ey = route.ends
    if route.control is None:
        length = math.hypot(ex - sx, ey - sy) or 1.0
        ux, uy = (ex - sx) / length * margin, (ey - sy) / length * margin
        return QPolygonF(
            [
                QPointF(sx - ux - uy, sy - uy + ux),
                QPointF(ex + ux - uy, ey + uy + ux),
                QPointF(ex + ux + uy, ey + uy - ux),
                QPointF(sx - ux + uy, sy - uy - ux),
            ]
        )
    cx, cy = route.control
    near: list[QPointF] = []
    far: list[QPointF] = []
    # Four chords follow a fanned curve within a few pixels, well inside the margin.
    for t in (0.0, 0.25, 0.5, 0.75, 1.0):
        u = 1 - t
        x = u * u * sx + 2 * u * t * cx + t * t * ex
        y = u * u * sy + 2 * u * t * cy + t * t * ey
        dx, dy = u * (cx - sx) + t * (ex - cx), u * (cy - sy) + t * (ey - cy)  # tangent / 2
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length * margin, dy / length * margin
        if t == 0.0:
            x, y = x - ux, y - uy
        elif t == 1.0:
            x, y = x + ux, y + uy
        near.append(QPointF(x - uy, y + ux))
        far.append(QPointF(x + uy, y - ux))
    far.reverse()
    return QPolygonF(near + far)


def _outline(points: list[tuple[float, float]], margin: float) -> QPolygonF:
    """A polygon `margin` around a polyline: each corner offset along the mitre of both
    runs' normals, out on one side and back on the other."""
    left: list[QPointF] = []
    right: list[QPointF] = []
    count = len(points)
    for i, (x, y) in enumerate(points):
        nx = ny = 0.0
        for a, b in ((i - 1, i), (i, i + 1)):
            if a >= 0 and b < count:
                (x0, y0), (x1, y1) = points[a], points[b]
                length = math.hypot(x1 - x0, y1 - y0) or 1.0
                ux, uy = (x1 - x0) / length, (y1 - y0) / length
                if nx == ny == 0.0:
                    nx, ny = -uy, ux
                else:
                    # The mitre of two runs' normals: their sum at a right angle, the
                    # normal itself along a curve's nearly straight pieces.
                    dot = nx * -uy + ny * ux
                    if dot > -0.9:
                        nx, ny = (nx - uy) / (1 + dot), (ny + ux) / (1 + dot)
                if i == 0 and b == 1:
                    x, y = x - ux * margin, y - uy * margin  # past the start
                if i == count - 1 and a == count - 2:
                    x, y = x + ux * margin, y + uy * margin  # past the head
        left.append(QPointF(x + nx * margin, y + ny * margin))
        right.append(QPointF(x - nx * margin, y - ny * margin))
    right.reverse()
    return QPolygonF(left + right)
