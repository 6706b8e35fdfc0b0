"""How an arrow looks: line, head, return marker and label pill, for each message kind.

command = solid line + filled head; query = dashed + open head + a small return marker
at the requester; event = dotted + open head, with a lightning mark in the label. The
canvas items (flow_item.py) and the legend (legend.py) both draw with these functions,
so the legend can never disagree with the canvas. Costs matter here: a fit-all render
of a big design paints thousands of arrows, see docs/architecture.md (the canvas and big designs).
"""

from __future__ import annotations

import itertools
import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPixmapCache,
    QPolygonF,
)

from designer.core.diagram_style import FILLED_HEAD
from designer.core.model import MessageKind

from .routing import Box, Route, polyline, visible_pieces
from .theme import Theme, fonts

HEAD_LENGTH, HEAD_HALF = 11.0, 5.5
LABEL_HEIGHT = 20.0
_ICON_W, _PAD, _GAP = 12.0, 7.0, 5.0
LONG_PATH = 1200.0  # longer dashed arrows are clipped to the view before dashing
DOT_SPACING = 5.5
_LABEL_CACHE_KB = 32 * 1024  # between the centres of an event arrow's dots
_VECTOR_ENGINES = (QPaintEngine.Type.SVG, QPaintEngine.Type.Pdf)


def head_points(
    tip: QPointF, angle: float, length: float = HEAD_LENGTH, half: float = HEAD_HALF
) -> QPolygonF:
    """The three points of an arrowhead (left barb, tip, right barb)."""
    cos, sin = math.cos(angle), math.sin(angle)
    back = QPointF(tip.x() - length * cos, tip.y() - length * sin)
    return QPolygonF(
        [
            QPointF(back.x() - half * sin, back.y() + half * cos),
            tip,
            QPointF(back.x() + half * sin, back.y() - half * cos),
        ]
    )


def _lightning() -> QPainterPath:
    path = QPainterPath()
    path.moveTo(7, 0)
    path.lineTo(1, 7.5)
    path.lineTo(5, 7.5)
    path.lineTo(3.5, 13)
    path.lineTo(10, 5)
    path.lineTo(6, 5)
    path.closeSubpath()
    return path


def _play() -> QPainterPath:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(1.5, 1.5), QPointF(11, 6.5), QPointF(1.5, 11.5)]))
    path.closeSubpath()
    return path


LIGHTNING = _lightning()
PLAY = _play()


def paint_arrow(
    painter: QPainter,
    theme: Theme,
    kind: MessageKind,
    route: Route,
    width: float = 1.6,
    memo: dict[str, object] | None = None,
) -> None:
    """The line, head and (for queries) return marker of one arrow; shared with the legend.

    `memo` (one dict per arrow) keeps the dots of a dotted line between repaints.
    """
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = theme.flow_pen(kind, width)
    painter.setPen(pen)
    left, top, right, bottom = route.bounds
    long = max(right - left, bottom - top) >= LONG_PATH
    vector = painter.paintEngine().type() in _VECTOR_ENGINES
    if kind is MessageKind.EVENT and not vector:
        _draw_dots(painter, theme.dot_pen(kind, width), route, long, memo)
    elif kind is MessageKind.COMMAND or not long or vector:
        painter.drawPath(route.path)  # SVG and PDF keep real dash patterns
    else:
        _draw_visible_dashes(painter, pen, route, memo)
    # The head's polygon is kept with the route's dots (a repaint of an unmoved arrow
    # makes none): Qt asks a drag frame's repaint for every arrow in view.
    head = memo.get("head") if memo is not None and memo.get("headed") is route else None
    if not isinstance(head, QPolygonF):
        head = head_points(route.end, route.head_angle)
        if memo is not None:
            memo.update(headed=route, head=head)
    painter.setPen(theme.head_pen(kind))
    if FILLED_HEAD[kind]:
        painter.setBrush(theme.kinds[kind])
        painter.drawPolygon(head)
    else:
        painter.drawPolyline(head)
    if kind is MessageKind.QUERY:
        # The answer comes back: a half head (one barb) pointing at the requester, small
        # enough not to read as a second arrow.
        back = route.start_angle + math.pi
        tip = QPointF(
            route.start.x() + 5 * math.cos(route.start_angle),
            route.start.y() + 5 * math.sin(route.start_angle),
        )
        barb = head_points(tip, back, 8.0, 5.0)
        painter.drawLine(barb.at(0), barb.at(1))


def _seen_box(painter: QPainter) -> Box | None:
    """The painter's visible area in item coordinates (None if it cannot be known)."""
    inverse, invertible = painter.worldTransform().inverted()
    if not invertible:
        return None
    seen = inverse.mapRect(QRectF(painter.viewport())).adjusted(-20, -20, 20, 20)
    return seen.x(), seen.y(), seen.width(), seen.height()


def _draw_dots(
    painter: QPainter, pen: QPen, route: Route, long: bool, memo: dict[str, object] | None
) -> None:
    """A dotted line as one batch of square points: on raster devices about five times
    cheaper than a dotted pen, where each dot is stroked and antialiased on its own.

    The dots are kept in `memo` while the route and the visible area stay the same:
    while a card is dragged, the arrows around it repaint on every mouse move, and
    placing their dots again in Python would cost more than drawing them.
    """
    box = _seen_box(painter) if long else None
    if memo is not None and memo.get("route") is route and memo.get("box") == box:
        painter.setPen(pen)
        # The memo holds several kinds of value (typed `object`); "dots" is the QPolygonF below.
        painter.drawPoints(memo["dots"])  # type: ignore[call-overload]
        return
    points = polyline(route)
    pieces = visible_pieces(points, box) if box is not None else [(0.0, points)]
    dots: list[QPointF] = []
    for travelled, piece in pieces:
        ahead = (-travelled) % DOT_SPACING  # where the next dot of the whole line falls
        for (x0, y0), (x1, y1) in itertools.pairwise(piece):
            length = math.hypot(x1 - x0, y1 - y0)
            if length == 0:
                continue
            if ahead <= length:
                count = int((length - ahead) // DOT_SPACING) + 1
                sx, sy = (x1 - x0) / length * DOT_SPACING, (y1 - y0) / length * DOT_SPACING
                fx, fy = x0 + (x1 - x0) / length * ahead, y0 + (y1 - y0) / length * ahead
                dots += [QPointF(fx + sx * i, fy + sy * i) for i in range(count)]
                ahead += count * DOT_SPACING
            ahead -= length
    polygon = QPolygonF(dots)
    if memo is not None:
        memo.update(route=route, box=box, dots=polygon)
    painter.setPen(pen)
    painter.drawPoints(polygon)


def _draw_visible_dashes(
    painter: QPainter, pen: QPen, route: Route, memo: dict[str, object] | None = None
) -> None:
    """A long dashed line, drawn only where it can be seen (see visible_pieces).

    The visible pieces are kept in `memo` while the route and the visible area stay the
    same, as `_draw_dots` keeps its dots: long arrows repaint on every frame of a drag."""
    box = _seen_box(painter)
    if box is None:
        painter.drawPath(route.path)
        return
    pieces: list[tuple[float, QPolygonF]]
    if memo is not None and memo.get("dashed") is route and memo.get("dashed_box") == box:
        pieces = memo["dashes"]  # type: ignore[assignment]  # stored below with this type
    else:
        pieces = [
            (travelled, QPolygonF([QPointF(x, y) for x, y in points]))
            for travelled, points in visible_pieces(polyline(route), box)
        ]
        if memo is not None:
            memo.update(dashed=route, dashed_box=box, dashes=pieces)
    width = pen.widthF() or 1.0
    period = sum(pen.dashPattern()) or 1.0
    for travelled, polygon in pieces:
        piece = QPen(pen)
        # The pattern continues where it would be (modulo: Qt walks a big offset dash by dash).
        piece.setDashOffset((travelled / width) % period)
        painter.setPen(piece)
        painter.drawPolyline(polygon)
    painter.setPen(pen)


def paint_label_cached(
    painter: QPainter,
    theme: Theme,
    kind: MessageKind,
    rect: QRectF,
    text: str,
    badge: str,
    badge_width: float,
    selected: bool = False,
) -> None:
    """`paint_label` through a pixmap cache, on raster devices at a plain scale.

    A pill is two rounded rectangles, an icon and two texts: about 70 µs, and the same
    few hundred labels are repainted on every frame of a drag. The cached picture is
    made at the device's resolution, so it is as sharp as painting; SVG and PDF
    exports always paint (text stays text there).
    """
    transform = painter.worldTransform()
    scale = transform.m11()
    if (
        painter.paintEngine().type() != QPaintEngine.Type.Raster
        or transform.isRotating()
        or scale <= 0
        or abs(transform.m22() - scale) > 1e-6
    ):
        paint_label(painter, theme, kind, rect, text, badge, badge_width, selected)
        return
    ratio = painter.device().devicePixelRatioF()
    key = f"msgflow-label|{theme.name}|{kind.value}|{selected:d}|{scale * ratio:.4f}|{badge}|{text}"
    pixmap = QPixmap()
    if not QPixmapCache.find(key, pixmap):
        pixmap = QPixmap(
            math.ceil((rect.width() + 4) * scale * ratio),
            math.ceil((rect.height() + 4) * scale * ratio),
        )
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        inner = QPainter(pixmap)
        inner.setRenderHint(QPainter.RenderHint.Antialiasing)
        inner.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        inner.scale(scale, scale)
        inner.translate(2 - rect.x(), 2 - rect.y())
        paint_label(inner, theme, kind, rect, text, badge, badge_width, selected)
        inner.end()
        if QPixmapCache.cacheLimit() < _LABEL_CACHE_KB:
            QPixmapCache.setCacheLimit(_LABEL_CACHE_KB)
        QPixmapCache.insert(key, pixmap)
    corner = transform.map(QPointF(rect.x() - 2, rect.y() - 2))
    painter.save()
    painter.resetTransform()
    # Whole device pixels: a picture drawn between pixels would be resampled, blurred.
    painter.drawPixmap(
        QPointF(round(corner.x() * ratio) / ratio, round(corner.y() * ratio) / ratio), pixmap
    )
    painter.restore()


def paint_label(
    painter: QPainter,
    theme: Theme,
    kind: MessageKind,
    rect: QRectF,
    text: str,
    badge: str,
    badge_width: float,
    selected: bool = False,
) -> None:
    """The label pill: kind icon, message name, transport badge."""
    f = fonts()
    if selected:
        painter.setPen(theme.pen(theme.selection, 2.0))
    else:
        painter.setPen(theme.pen(theme.kinds[kind], 1.0))
    painter.setBrush(theme.label_fill)
    painter.drawRoundedRect(rect, LABEL_HEIGHT / 2, LABEL_HEIGHT / 2)
    painter.save()
    painter.translate(rect.x() + _PAD, rect.y() + 3.5)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.kinds[kind])
    if kind is MessageKind.EVENT:
        painter.drawPath(LIGHTNING)
    elif kind is MessageKind.COMMAND:
        painter.drawPath(PLAY)
    else:
        painter.setPen(theme.kinds[kind])
        painter.setFont(f.badge)
        painter.drawText(QRectF(0, 0, _ICON_W, 13), Qt.AlignmentFlag.AlignCenter, "?")
    painter.restore()
    text_x = rect.x() + _PAD + _ICON_W + 4
    badge_rect = QRectF(
        rect.right() - _PAD + 3 - badge_width, rect.y() + 3, badge_width, LABEL_HEIGHT - 6
    )
    painter.setPen(theme.text)
    painter.setFont(f.label)
    painter.drawText(
        QRectF(text_x, rect.y(), badge_rect.left() - text_x - _GAP + 2, LABEL_HEIGHT),
        Qt.AlignmentFlag.AlignVCenter,
        text,
    )
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.badge_fill)
    painter.drawRoundedRect(badge_rect, 4, 4)
    painter.setPen(theme.badge_text)
    painter.setFont(f.badge)
    painter.drawText(badge_rect, Qt.AlignmentFlag.AlignCenter, badge)


_TEXT_WIDTHS: dict[tuple[str, str], float] = {}


def _advance(text: str, which: str) -> float:
    # Measuring text is one of the dearest steps of building an arrow; names repeat
    # (an event has several subscribers, badges have three values), so remember them.
    width = _TEXT_WIDTHS.get((which, text))
    if width is None:
        metrics = fonts().badge_metrics if which == "badge" else fonts().label_metrics
        width = _TEXT_WIDTHS[(which, text)] = metrics.horizontalAdvance(text)
    return width


def label_text_span(rect: QRectF, text: str, badge_width: float) -> tuple[float, float]:
    """Left and right x of the message name as `paint_label` draws it in `rect`."""
    left = rect.x() + _PAD + _ICON_W + 4
    room = rect.right() - _PAD + 3 - badge_width - _GAP + 2  # where the badge begins
    right = left + _advance(text, "label")
    return left, right if right < room else room


def label_size(text: str, badge: str) -> tuple[float, float]:
    """(pill width, badge width) for a label."""
    badge_width = _advance(badge, "badge") + 8
    width = _PAD + _ICON_W + 4 + _advance(text, "label") + _GAP + badge_width + _PAD - 3
    return width, badge_width
