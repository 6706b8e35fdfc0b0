"""Typed arrows: one FlowItem per flow, readable in colour and in black-and-white.

command = solid line + filled head; query = dashed + open head + a small return marker
at the requester; event = dotted + open head, with a lightning mark in the label. The
label pill names the message and carries a transport badge (HTTP / queue / topic).
The scene computes the route (routing.py) and hands it over; the item only draws it.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QPaintEngine,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.model import MessageKind, Transport

from .node_item import LOD_TEXT, Z_FLOW, Z_LABEL
from .routing import Box, Route, hit_area, polyline, rough_area, visible_pieces
from .theme import TRANSPORT_LABEL, Theme, fonts

if TYPE_CHECKING:
    from .scene import CanvasContext

HEAD_LENGTH, HEAD_HALF = 11.0, 5.5
LABEL_HEIGHT = 20.0
_ICON_W, _PAD, _GAP = 12.0, 7.0, 5.0
LONG_PATH = 1200.0  # longer dashed arrows are clipped to the view before dashing
DOT_SPACING = 5.5  # between the centres of an event arrow's dots
_VECTOR_ENGINES = (QPaintEngine.Type.SVG, QPaintEngine.Type.Pdf)
_LABEL_SPOTS = (0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, 0.0)


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
    painter: QPainter, theme: Theme, kind: MessageKind, route: Route, width: float = 1.6
) -> None:
    """The line, head and (for queries) return marker of one arrow; shared with the legend."""
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen = theme.flow_pen(kind, width)
    painter.setPen(pen)
    left, top, right, bottom = route.bounds
    long = max(right - left, bottom - top) >= LONG_PATH
    vector = painter.paintEngine().type() in _VECTOR_ENGINES
    if kind is MessageKind.EVENT and not vector:
        _draw_dots(painter, theme.dot_pen(kind, width), route, long)
    elif kind is MessageKind.COMMAND or not long or vector:
        painter.drawPath(route.path)  # SVG and PDF keep real dash patterns
    else:
        _draw_visible_dashes(painter, pen, route)
    head = head_points(route.end, route.head_angle)
    painter.setPen(theme.head_pen(kind))
    if kind is MessageKind.COMMAND:
        painter.setBrush(theme.kinds[kind])
        painter.drawPolygon(head)
    else:
        painter.drawPolyline(head)
    if kind is MessageKind.QUERY:
        # A small head pointing back at the requester, a little away from its border.
        back = route.start_angle + math.pi
        tip = QPointF(
            route.start.x() + 4 * math.cos(route.start_angle),
            route.start.y() + 4 * math.sin(route.start_angle),
        )
        painter.drawPolyline(head_points(tip, back, 7.0, 4.0))


def _seen_box(painter: QPainter) -> Box | None:
    """The painter's visible area in item coordinates (None if it cannot be known)."""
    inverse, invertible = painter.worldTransform().inverted()
    if not invertible:
        return None
    seen = inverse.mapRect(QRectF(painter.viewport())).adjusted(-20, -20, 20, 20)
    return seen.x(), seen.y(), seen.width(), seen.height()


def _draw_dots(painter: QPainter, pen: QPen, route: Route, long: bool) -> None:
    """A dotted line as one batch of square points: on raster devices about five times
    cheaper than a dotted pen, where each dot is stroked and antialiased on its own."""
    points = polyline(route)
    box = _seen_box(painter) if long else None
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
    painter.setPen(pen)
    painter.drawPoints(dots)


def _draw_visible_dashes(painter: QPainter, pen: QPen, route: Route) -> None:
    """A long dashed line, drawn only where it can be seen (see visible_pieces)."""
    box = _seen_box(painter)
    if box is None:
        painter.drawPath(route.path)
        return
    width = pen.widthF() or 1.0
    period = sum(pen.dashPattern()) or 1.0
    for travelled, points in visible_pieces(polyline(route), box):
        piece = QPen(pen)
        # The pattern continues where it would be (modulo: Qt walks a big offset dash by dash).
        piece.setDashOffset((travelled / width) % period)
        painter.setPen(piece)
        painter.drawPolyline([QPointF(x, y) for x, y in points])
    painter.setPen(pen)


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


def label_size(text: str, badge: str) -> tuple[float, float]:
    """(pill width, badge width) for a label."""
    badge_width = _advance(badge, "badge") + 8
    width = _PAD + _ICON_W + 4 + _advance(text, "label") + _GAP + badge_width + _PAD - 3
    return width, badge_width


class FlowItem(QGraphicsPolygonItem):
    """One flow's arrow. The scene sets text, kind and route; nothing here edits the model.

    The label is a separate item stacked above the cards: in a tight layout a label is
    wider than the gap between two cards, and a label hidden under a card is unreadable.
    """

    def __init__(self, flow_id: str, ctx: CanvasContext) -> None:
        super().__init__()
        self.flow_id = flow_id
        self.ctx = ctx
        self.message_id = ""
        self.source_id = ""
        self.target_id = ""
        self.kind = MessageKind.COMMAND
        self.text = ""
        self.badge = ""
        self.route: Route | None = None
        self.description = ""
        self.problems = ""
        self.label = FlowLabel(self)
        # The polygon is the hit area (routing.hit_area), never drawn: paint draws the arrow.
        self.setPen(QPen(Qt.PenStyle.NoPen))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(Z_FLOW)

    def set_flow(
        self,
        message_id: str,
        source: str,
        target: str,
        kind: MessageKind,
        text: str,
        transport: Transport,
    ) -> None:
        self.message_id, self.source_id, self.target_id = message_id, source, target
        self.kind, self.text, self.badge = kind, text, TRANSPORT_LABEL[transport]
        self.label.set_text(text, self.badge)
        self.update()

    def set_route(self, route: Route, avoid: tuple[Box, ...] = (), exact: bool = True) -> None:
        """Take a new route; the label slides along it to stay off the `avoid` cards.

        `exact=False` (while a card is dragged) gives a curve its bounding box as hit area:
        enough for repainting, and the exact outline is made once, when the drag ends.
        """
        self.route = route
        x, y = self._label_spot(route, avoid)
        self.label.setPos(x, y)
        self.setPolygon(hit_area(route) if exact else rough_area(route))

    def make_exact(self) -> None:
        if self.route is not None:
            self.setPolygon(hit_area(self.route))

    def _label_spot(self, route: Route, avoid: tuple[Box, ...]) -> tuple[float, float]:
        """The point of the route where the label covers the least of the `avoid` boxes:
        the middle if it is free, else the first free (or least covered) candidate."""
        half_w, half_h = self.label.width / 2, LABEL_HEIGHT / 2
        boxes = [(left, top, left + width, top + height) for left, top, width, height in avoid]

        # Conditional expressions rather than min/max: this runs for every arrow of a
        # dragged card, several times, on every mouse move.
        def overlap(x: float, y: float) -> float:
            total = 0.0
            x0, x1, y0, y1 = x - half_w, x + half_w, y - half_h, y + half_h
            for left, top, right, bottom in boxes:
                w = (x1 if x1 < right else right) - (x0 if x0 > left else left)
                if w > 0:
                    h = (y1 if y1 < bottom else bottom) - (y0 if y0 > top else top)
                    if h > 0:
                        total += w * h
            return total

        best = route.label
        best_overlap = overlap(*best)
        if best_overlap == 0:
            return best
        sx, sy, ex, ey = route.start.x(), route.start.y(), route.end.x(), route.end.y()
        cx, cy = route.control if route.control is not None else ((sx + ex) / 2, (sy + ey) / 2)
        for t in _LABEL_SPOTS:
            u = 1 - t
            a, b, c = u * u, 2 * u * t, t * t
            spot = (a * sx + b * cx + c * ex, a * sy + b * cy + c * ey)
            cost = overlap(*spot)
            if cost < best_overlap - 1:
                best, best_overlap = spot, cost
                if cost == 0:
                    break
        return best

    def label_rect(self) -> QRectF:
        return self.label.sceneBoundingRect()

    def set_description(self, text: str) -> None:
        """What the tooltip says without problems: message, kind, ends, transport."""
        self.description = text
        self.set_problems(self.problems)

    def set_problems(self, text: str) -> None:
        self.problems = text
        tooltip = self.description + (f"<hr>{text}" if text else "")
        self.setToolTip(tooltip)
        self.label.setToolTip(tooltip)

    def emphasis(self) -> tuple[bool, bool]:
        """(emphasised, dimmed): by the messages panel's highlight, or because the mouse
        is over one of the arrow's cards."""
        highlight, hovered = self.ctx.highlight, self.ctx.hovered
        emphasised = highlight is not None and highlight == self.message_id
        if hovered is not None and hovered in (self.source_id, self.target_id):
            return True, False
        return emphasised, highlight is not None and not emphasised

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        route = self.route
        if route is None:
            return
        theme = self.ctx.theme
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_TEXT:
            painter.setPen(theme.pen(theme.kinds[self.kind], 1.2))
            painter.drawPath(route.path)
            return
        emphasised, dimmed = self.emphasis()
        if dimmed:
            painter.setOpacity(0.22)
        if self.isSelected() or emphasised:
            halo = theme.pen(theme.selection if self.isSelected() else theme.kinds[self.kind], 7.0)
            painter.setOpacity(painter.opacity() * 0.3)
            painter.setPen(halo)
            painter.drawPath(route.path)
            painter.setOpacity(0.22 if dimmed else 1.0)
        paint_arrow(painter, theme, self.kind, route, 2.4 if emphasised else 1.6)


class FlowLabel(QGraphicsRectItem):
    """The message name and transport badge of one arrow, drawn above the cards.

    Clicking it selects its arrow; it is not selectable itself, so selections hold flows.
    """

    def __init__(self, flow: FlowItem) -> None:
        super().__init__()
        self.flow = flow
        self.text = ""
        self.badge = ""
        self._rect = QRectF()
        self._badge_w = 0.0
        self.width = 0.0
        self.setPen(QPen(Qt.PenStyle.NoPen))  # the rect is for Qt's bounds; paint draws
        self.setZValue(Z_LABEL)

    def set_text(self, text: str, badge: str) -> None:
        self.text, self.badge = text, badge
        width, self._badge_w = label_size(text, badge)
        self.width = width
        self._rect = QRectF(-width / 2, -LABEL_HEIGHT / 2, width, LABEL_HEIGHT)
        self.setRect(self._rect.adjusted(-2, -2, 2, 2))

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.flow.setSelected(not self.flow.isSelected())
        elif scene is not None:
            scene.clearSelection()
            self.flow.setSelected(True)
        event.accept()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod < LOD_TEXT:
            return
        flow = self.flow
        theme = flow.ctx.theme
        emphasised, dimmed = flow.emphasis()
        if dimmed:
            painter.setOpacity(0.3)
        paint_label(
            painter,
            theme,
            flow.kind,
            self._rect,
            self.text,
            self.badge,
            self._badge_w,
            flow.isSelected() or emphasised,
        )
