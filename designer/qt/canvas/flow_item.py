"""Typed arrows: one FlowItem per flow and its FlowLabel (message name, transport badge).

The scene computes the route (routing.py) and hands it over; the items only draw it,
with the painters of arrow_paint.py.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.model import MessageKind, Severity, Transport

from .arrow_paint import (
    LABEL_HEIGHT,
    label_size,
    label_text_span,
    paint_arrow,
    paint_label_cached,
)
from .context import CanvasContext
from .node_item import NO_PEN, Z_FLOW, Z_LABEL, NodeItem
from .routing import HIT_MARGIN, Route, hit_area
from .theme import TRANSPORT_LABEL, Theme

_LABEL_SPOTS = (0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, 0.0)
_HEAD_BOX = 26.0
_ROUGH_SLACK = 40.0  # room for a dragged arrow to move before its hit box is remade
Edges = tuple[float, float, float, float]  # left, top, right, bottom


def head_box(route: Route) -> Edges:
    """Around the arrowhead: labels keep off it, so the direction stays visible."""
    _, _, tip_x, tip_y = route.ends
    half = _HEAD_BOX / 2
    return tip_x - half, tip_y - half, tip_x + half, tip_y + half


def label_spot(
    route: Route, half_w: float, half_h: float, boxes: tuple[Edges, ...]
) -> tuple[float, float]:
    """The point of the route where a label (of half-size half_w, half_h) covers the
    least of `boxes`: the middle if it is free, else the first free (or least covered)
    of a few candidates along the curve.

    One loop without inner calls or min/max: this runs for every arrow of a dragged
    card, on every mouse move.
    """
    best_x, best_y = route.label
    best = -1.0
    sx, sy, ex, ey = route.ends
    cx, cy = route.control if route.control is not None else ((sx + ex) / 2, (sy + ey) / 2)
    x, y = best_x, best_y
    index = 0
    while True:
        total = 0.0
        x0, x1, y0, y1 = x - half_w, x + half_w, y - half_h, y + half_h
        for left, top, right, bottom in boxes:
            w = (x1 if x1 < right else right) - (x0 if x0 > left else left)
            if w > 0:
                h = (y1 if y1 < bottom else bottom) - (y0 if y0 > top else top)
                if h > 0:
                    total += w * h
        if best < 0 or total < best - 1:
            best_x, best_y, best = x, y, total
            if total == 0:
                break
        if index == len(_LABEL_SPOTS):
            break
        t = _LABEL_SPOTS[index]
        index += 1
        u = 1 - t
        a, b, c = u * u, 2 * u * t, t * t
        x, y = a * sx + b * cx + c * ex, a * sy + b * cy + c * ey
    return best_x, best_y


DOT_RADIUS = 3.5  # fits in the 2 px the label's item keeps around its pill


def paint_problem_dot(painter: QPainter, theme: Theme, severity: Severity, at: QPointF) -> None:
    """A dot in the severity's colour on the label's corner: a finding on this arrow."""
    painter.setPen(theme.pen(theme.background, 1.2))
    painter.setBrush(theme.severities[severity])
    painter.drawEllipse(at + QPointF(DOT_RADIUS - 2, DOT_RADIUS - 2), DOT_RADIUS, DOT_RADIUS)


class FlowItem(QGraphicsPolygonItem):
    """One flow's arrow. The scene sets text, kind and route; nothing here edits the model.

    The label is a separate item stacked above the cards: in a tight layout a label is
    wider than the gap between two cards, and a label hidden under a card is unreadable.
    """

    # Defaults on the class: a big build makes thousands of arrows, and every attribute
    # set on a new item costs time (and the collector one more dict entry to scan). An
    # instance gets its own value when a setter runs.
    message_id = ""
    source_id = ""
    target_id = ""
    kind = MessageKind.COMMAND
    text = ""
    badge = ""
    route: Route | None = None
    _memo: dict[str, object] | None = None  # painting work kept between repaints
    _rough: Edges | None = None  # the hit box while a card is dragged
    description = ""
    problems = ""
    severity: Severity | None = None  # of its worst finding: marks the arrow
    leader: LeaderLine | None = None  # made when the user puts the label away

    def __init__(self, flow_id: str, ctx: CanvasContext) -> None:
        super().__init__()
        self.flow_id = flow_id
        self.ctx = ctx
        self.label = FlowLabel(self)
        # The polygon is the hit area (routing.hit_area), never drawn: paint draws the arrow.
        self.setPen(NO_PEN)
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

    def set_route(
        self,
        route: Route,
        avoid: tuple[Edges, ...] = (),
        exact: bool = True,
        dragged: bool = False,
    ) -> Edges:
        """Take a new route; the label slides along it to stay off the `avoid` boxes
        (given by their edges: left, top, right, bottom). Returns the label's edges.

        `exact=False` gives a curve its bounding box as hit area (a big build refines
        them when the event loop is idle, make_exact). `dragged` (a card is being
        dragged) makes that box roomy and reuses it while the moving arrow stays inside:
        Qt then only repaints the box instead of re-measuring a new outline on every
        mouse move. The exact outline is made once, when the drag ends.
        """
        self.route = route
        # The head shows the direction: the label keeps off it too.
        half_w, half_h = self.label.width / 2, LABEL_HEIGHT / 2
        x, y = label_spot(route, half_w, half_h, (*avoid, head_box(route)))
        self.label.place(x, y)
        edges = (x - half_w, y - half_h, x + half_w, y + half_h)
        if exact or (not dragged and route.control is None and not route.loop):
            self._rough = None  # a straight arrow's exact outline is as cheap as a box
            self.setPolygon(hit_area(route))
            return edges
        self._set_rough_outline(route, dragged)
        return edges

    def set_geometry(
        self, route: Route, label: tuple[float, float], exact: bool = True, dragged: bool = False
    ) -> None:
        """Take a route and a label centre from the geometry engine (designer.core.diagram),
        which has already kept the label clear of cards and other labels."""
        self.route = route
        self.label.place(*label)
        if exact:
            self._rough = None
            self.setPolygon(hit_area(route))
            return
        self._set_rough_outline(route, dragged)

    def set_leader(self, line: tuple[tuple[float, float], tuple[float, float]] | None) -> None:
        """A dotted tie from the arrow to a label the user put away from it (None: none)."""
        if line is None:
            if self.leader is not None:
                self.leader.setVisible(False)
            return
        if self.leader is None:
            self.leader = LeaderLine(self)
        self.leader.set_line(*line)
        self.leader.setVisible(True)

    def _set_rough_outline(self, route: Route, dragged: bool) -> None:
        """The route's bounding box as hit area; kept while the route stays inside it."""
        left, top, right, bottom = route.bounds
        box = self._rough
        if (
            box is not None
            and left >= box[0]
            and top >= box[1]
            and right <= box[2]
            and bottom <= box[3]
        ):
            self.update()  # same bounds: repaint them, no geometry change
            return
        m = HIT_MARGIN + (_ROUGH_SLACK if dragged else 0.0)
        self._rough = (left - m, top - m, right + m, bottom + m)
        self.setPolygon(
            QPolygonF(QRectF(left - m, top - m, right - left + 2 * m, bottom - top + 2 * m))
        )

    @property
    def rough(self) -> bool:
        """Whether its hit area is only a box around the route (see make_exact)."""
        return self._rough is not None

    def make_exact(self) -> None:
        """The route's own outline as hit area, if it has only the rough box."""
        if self.route is not None and self._rough is not None:
            self._rough = None
            self.setPolygon(hit_area(self.route))

    def label_rect(self) -> QRectF:
        return self.label.sceneBoundingRect()

    def set_description(self, text: str) -> None:
        """What the tooltip says without problems: message, kind, ends, transport."""
        self.description = text
        self.set_problems(self.problems)

    def set_problems(self, text: str, severity: Severity | None = None) -> None:
        """The findings on this arrow: listed in its tooltip, marked in the worst one's
        colour (a tinted band along the line and a dot on the label)."""
        changed = severity != self.severity
        self.problems, self.severity = text, severity if text else None
        tooltip = self.description + (f"<hr>{text}" if text else "")
        self.setToolTip(tooltip)
        self.label.setToolTip(tooltip)
        if changed:
            self.update()
            self.label.update()

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
        if lod < self.ctx.lod_text:
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
        if self.severity is not None:  # the finding is on this arrow: say so on it
            # After the selection halo: a selected arrow still shows its problem.
            painter.setOpacity(painter.opacity() * 0.4)
            painter.setPen(theme.pen(theme.severities[self.severity], 5.0))
            painter.drawPath(route.path)
            painter.setOpacity(0.22 if dimmed else 1.0)
        if self._memo is None:
            self._memo = {}
        paint_arrow(painter, theme, self.kind, route, 2.4 if emphasised else 1.6, self._memo)


class LeaderLine(QGraphicsItem):
    """The tie between an arrow and its label when the user put the label away from it:
    thin and dotted in the arrow's colour, taking no clicks."""

    def __init__(self, flow: FlowItem) -> None:
        super().__init__(flow)
        self.flow = flow
        self._ends = (QPointF(), QPointF())
        self._bounds = QRectF()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def set_line(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        self.prepareGeometryChange()
        self._ends = (QPointF(*start), QPointF(*end))
        self._bounds = QRectF(self._ends[0], self._ends[1]).normalized().adjusted(-2, -2, 2, 2)

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.flow.ctx.theme
        pen = QPen(theme.pen(theme.kinds[self.flow.kind], 1.0))  # the theme's pens are shared
        pen.setStyle(Qt.PenStyle.DotLine)
        painter.setPen(pen)
        painter.drawLine(*self._ends)


class FlowLabel(QGraphicsRectItem):
    """The message name and transport badge of one arrow, drawn above the cards.

    Clicking it selects its arrow; it is not selectable itself, so selections hold flows.
    Where it lies over a card, only its text selects the arrow: the rest of the pill
    (icon, badge, padding) passes the click to the card below, which a user aims at
    when clicking a card's visible area next to a label.
    """

    text = ""  # defaults on the class, as FlowItem's
    badge = ""
    _badge_w = 0.0
    width = 0.0
    _at: tuple[float, float] = (0.0, 0.0)  # where `place` put it (Qt's pos, kept here)

    def __init__(self, flow: FlowItem) -> None:
        super().__init__()
        self.flow = flow
        self._rect = QRectF()
        self.setPen(NO_PEN)  # the rect is for Qt's bounds; paint draws
        self.setZValue(Z_LABEL)

    def set_text(self, text: str, badge: str) -> None:
        self.text, self.badge = text, badge
        width, self._badge_w = label_size(text, badge)
        self.width = width
        self._rect = QRectF(-width / 2, -LABEL_HEIGHT / 2, width, LABEL_HEIGHT)
        # Its bounds: the pill with 2 px around it (for the selection outline).
        self.setRect(-width / 2 - 2, -LABEL_HEIGHT / 2 - 2, width + 4, LABEL_HEIGHT + 4)

    def place(self, x: float, y: float) -> None:
        """Centre the label on (x, y). Its position is kept here too: asking Qt for it
        costs two calls per arrow, and nothing else moves a label."""
        if (x, y) != self._at:
            self._at = (x, y)
            self.setPos(x, y)

    def on_text(self, local: QPointF) -> bool:
        """Whether `local` (item coordinates) lies on the message name."""
        left, right = label_text_span(self._rect, self.text, self._badge_w)
        return left <= local.x() <= right and self._rect.top() <= local.y() <= self._rect.bottom()

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        scene = self.scene()
        if (
            scene is not None
            and not self.on_text(event.pos())
            and any(isinstance(item, NodeItem) for item in scene.items(event.scenePos()))
        ):
            event.ignore()  # Qt offers the press to the next item below: the card
            return
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
        if lod < self.flow.ctx.lod_text:
            return
        flow = self.flow
        theme = flow.ctx.theme
        emphasised, dimmed = flow.emphasis()
        if dimmed:
            painter.setOpacity(0.3)
        paint_label_cached(
            painter,
            theme,
            flow.kind,
            self._rect,
            self.text,
            self.badge,
            self._badge_w,
            flow.isSelected() or emphasised,
        )
        if flow.severity is not None:  # the pill outlined in the severity's colour
            painter.setOpacity(1.0)
            painter.setPen(theme.pen(theme.severities[flow.severity], 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            radius = self._rect.height() / 2
            painter.drawRoundedRect(self._rect, radius, radius)
            paint_problem_dot(painter, theme, flow.severity, self._rect.topLeft())
