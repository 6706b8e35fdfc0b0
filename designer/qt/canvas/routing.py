"""Where an arrow runs: from border to border of two cards, fanned out when parallel.

Pure geometry on QPointF/QRectF, so it is cheap (re-routing a card's arrows on every
drag frame) and testable without a scene. An arrow between the same pair of cards as
others bends by its `offset` (a quadratic curve whose middle lies `offset` away from
the straight line), so parallel flows never draw over each other, whichever way they
point. Ends are clipped to the card borders: arrows never hide under cards.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

FAN_SPACING = 30.0  # room for one label between two parallel arrows
END_GAP = 2.0  # the head stops just short of the border, so its tip stays visible


@dataclass(frozen=True)
class Route:
    path: QPainterPath
    start: QPointF
    end: QPointF
    head_angle: float  # radians, direction of travel at the end
    start_angle: float  # radians, direction of travel at the start
    label: QPointF  # middle of the curve


def fan_offsets(count: int, spacing: float = FAN_SPACING) -> list[float]:
    """Offsets of `count` parallel arrows, centred on the straight line."""
    return [(i - (count - 1) / 2) * spacing for i in range(count)]


def border_point(rect: QRectF, toward: QPointF, gap: float = 0.0) -> QPointF:
    """Where the ray from the centre of `rect` toward `toward` leaves the rectangle."""
    centre = rect.center()
    dx, dy = toward.x() - centre.x(), toward.y() - centre.y()
    if dx == 0 and dy == 0:
        return centre
    half_w, half_h = rect.width() / 2 + gap, rect.height() / 2 + gap
    scale = min(half_w / abs(dx) if dx else math.inf, half_h / abs(dy) if dy else math.inf)
    if scale >= 1.0:  # `toward` lies inside the card: stop there
        return QPointF(toward)
    return QPointF(centre.x() + dx * scale, centre.y() + dy * scale)


def route(source: QRectF, target: QRectF, offset: float, flip: bool) -> Route:
    """An arrow from card `source` to card `target`, bent `offset` to one side.

    `flip` says the arrow runs against its pair's canonical direction, so arrows both
    ways between two cards bend to opposite sides for opposite signs of offset.
    """
    if source == target:
        return _loop(source, offset)
    a, b = source.center(), target.center()
    dx, dy = b.x() - a.x(), b.y() - a.y()
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length, dx / length  # left-hand normal of the travel direction
    if flip:
        nx, ny = -nx, -ny
    mid = QPointF((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    path = QPainterPath()
    if offset == 0:
        start = border_point(source, b)
        end = border_point(target, a, END_GAP)
        path.moveTo(start)
        path.lineTo(end)
        angle = math.atan2(end.y() - start.y(), end.x() - start.x())
        label = QPointF((start.x() + end.x()) / 2, (start.y() + end.y()) / 2)
        return Route(path, start, end, angle, angle, label)
    # A quadratic's middle lies halfway between the chord's middle and the control point.
    control = QPointF(mid.x() + nx * offset * 2, mid.y() + ny * offset * 2)
    start = border_point(source, control)
    end = border_point(target, control, END_GAP)
    path.moveTo(start)
    path.quadTo(control, end)
    label = QPointF(
        0.25 * start.x() + 0.5 * control.x() + 0.25 * end.x(),
        0.25 * start.y() + 0.5 * control.y() + 0.25 * end.y(),
    )
    head = math.atan2(end.y() - control.y(), end.x() - control.x())
    tail = math.atan2(control.y() - start.y(), control.x() - start.x())
    return Route(path, start, end, head, tail, label)


def _loop(card: QRectF, offset: float) -> Route:
    """A flow from a card to itself: a loop over the top-right corner."""
    grow = 36.0 + abs(offset)
    start = QPointF(card.right(), card.top() + card.height() * 0.3)
    end = QPointF(card.right() - card.width() * 0.2, card.top() - END_GAP)
    path = QPainterPath(start)
    path.cubicTo(
        QPointF(start.x() + grow, start.y()),
        QPointF(end.x(), end.y() - grow),
        end,
    )
    label = QPointF(card.right() + grow * 0.45, card.top() - grow * 0.45)
    return Route(path, start, end, math.pi / 2, 0.0, label)
