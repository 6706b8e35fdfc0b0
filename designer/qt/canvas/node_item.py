"""Cards for services and actors, and the labelled backdrops of boundaries.

Items hold only what they draw (name, counts, severity); the scene sets it from the
document. Painting is plain Python with pens and fonts prepared once per theme; below
~0.4 zoom the text is skipped (docs/architecture.md: the usual way to keep fit-all
renders of big designs fast). No item cache: cards overlap arrows, and
DeviceCoordinateCache on overlapping items is the measured trap.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsRectItem,
    QGraphicsSceneHoverEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.layout import CARD_HEIGHT, CARD_WIDTH
from designer.core.model import Severity

from .context import CanvasContext
from .theme import fonts

W, H = float(CARD_WIDTH), float(CARD_HEIGHT)
HANDLE_RADIUS = 5.0
EDGE_BAND = 8.0  # pressing this close to a card's border starts a new flow
Z_BOUNDARY, Z_FLOW, Z_NODE, Z_SELECTED, Z_LABEL, Z_BADGE = -10.0, 0.0, 10.0, 20.0, 30.0, 40.0


_CARD_RECT = QRectF(0, 0, W, H)
# Card, selection outline and edge handles: Qt's bounds and hit area of a card.
_BOUNDS = _CARD_RECT.adjusted(
    -HANDLE_RADIUS - 2, -HANDLE_RADIUS - 2, HANDLE_RADIUS + 2, HANDLE_RADIUS + 2
)
_BADGE_AT = QPointF(W - 6, 4)
# Items whose rect or polygon is only Qt's bounds and hit area share this pen (one
# QPen per item would be thousands of allocations in a big build).
NO_PEN = QPen(Qt.PenStyle.NoPen)
_HANDLES = (QPointF(W, H / 2), QPointF(0, H / 2), QPointF(W / 2, 0), QPointF(W / 2, H))


def _service_icon() -> QPainterPath:
    """A small stacked-box glyph (a deployable unit)."""
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, 14, 5), 1.5, 1.5)
    path.addRoundedRect(QRectF(0, 7, 14, 5), 1.5, 1.5)
    return path


def _actor_icon() -> QPainterPath:
    """A person: head and shoulders."""
    path = QPainterPath()
    path.addEllipse(QRectF(4, 0, 7, 7))
    path.moveTo(0, 15)
    path.cubicTo(0, 8, 15, 8, 15, 15)
    path.closeSubpath()
    return path


SERVICE_ICON = _service_icon()
ACTOR_ICON = _actor_icon()


_ELIDED: dict[tuple[str, str, float], str] = {}


def _elided(text: str, font: str, width: float) -> str:
    """`text` cut with an ellipsis to `width` in the title or small font. Remembered:
    eliding is a dear call, and subtitles repeat (most cards say "service")."""
    key = (text, font, width)
    found = _ELIDED.get(key)
    if found is None:
        f = fonts()
        metrics = f.title_metrics if font == "title" else f.small_metrics
        if len(_ELIDED) > 20_000:  # names of designs opened before: let them go
            _ELIDED.clear()
        found = _ELIDED[key] = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    return found


class NodeItem(QGraphicsRectItem):
    """One node's card. Subclasses choose the shape and colours (service or actor)."""

    radius = 10.0
    icon = SERVICE_ICON
    # Defaults on the class (a big build makes a thousand cards; each attribute set on a
    # new item costs): an instance gets its own value when a setter runs.
    name = ""
    subtitle = ""
    boundary: str | None = None
    messages_in = 0
    messages_out = 0
    severity: Severity | None = None
    problems = ""
    hovered = False
    drop_target = False
    _elided_name = ""
    _elided_subtitle = ""
    _badge: SeverityBadge | None = None

    def __init__(self, node_id: str, ctx: CanvasContext) -> None:
        # A rect item, so Qt computes bounds and hit tests in C++ (no Python call per
        # item on every repaint and mouse move); paint draws the card.
        super().__init__(_BOUNDS)
        self.setPen(NO_PEN)
        self.node_id = node_id
        self.ctx = ctx
        self.setFlags(
            QGraphicsItem.GraphicsItemFlag.ItemIsMovable
            | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
        )
        self.setAcceptHoverEvents(True)
        self.setZValue(Z_NODE)

    # ------------------------------------------------------------------ setters
    def set_text(self, name: str, subtitle: str, boundary: str | None, tooltip: str) -> None:
        self.name, self.subtitle, self.boundary = name, subtitle, boundary
        self._elided_name = _elided(name, "title", W - 52)
        self._elided_subtitle = _elided(subtitle, "small", W - 24)
        self.setToolTip(tooltip)
        self.update()

    def set_counts(self, messages_in: int, messages_out: int) -> None:
        if (messages_in, messages_out) != (self.messages_in, self.messages_out):
            self.messages_in, self.messages_out = messages_in, messages_out
            self.update()

    def set_problems(self, severity: Severity | None, text: str) -> None:
        """Show a severity badge whose tooltip lists the diagnostics (message and hint)."""
        self.severity, self.problems = severity, text
        if severity is None:
            if self._badge is not None:
                if self._badge.scene() is not None:
                    self._badge.scene().removeItem(self._badge)
                self._badge = None
        else:
            if self._badge is None:
                # A top-level item, so it stays above the arrow labels near the card.
                self._badge = SeverityBadge(self)
                self._badge.setPos(self.pos() + _BADGE_AT)
                if self.scene() is not None:
                    self.scene().addItem(self._badge)
            self._badge.setToolTip(text)
            self._badge.update()
        self.update()

    def card_rect(self) -> QRectF:
        """The card in scene coordinates (where arrows start and end)."""
        pos = self.pos()
        return QRectF(pos.x(), pos.y(), W, H)

    def on_handle(self, local: QPointF) -> bool:
        """Whether a press at `local` starts a flow: on a handle or the card's edge band."""
        for handle in _HANDLES:
            if (local - handle).manhattanLength() <= HANDLE_RADIUS * 2.2:
                return True
        inside = _CARD_RECT.contains(local)
        inner = _CARD_RECT.adjusted(EDGE_BAND, EDGE_BAND, -EDGE_BAND, -EDGE_BAND)
        return inside and not inner.contains(local)

    # No itemChange override on purpose: Qt would call into Python for every change of
    # every card (about ten per card while a big design is built). The scene moves the
    # badge, re-routes arrows and restacks selected cards itself (scene.py, interactions.py).
    def follow_badge(self) -> None:
        """Keep the severity badge on the card's corner after a move."""
        if self._badge is not None:
            self._badge.setPos(self.pos() + _BADGE_AT)

    def drop_badge(self) -> None:
        """Take the badge off the scene (the card is leaving it)."""
        if self._badge is not None and self._badge.scene() is not None:
            self._badge.scene().removeItem(self._badge)

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = True
        self.ctx.node_hovered(self.node_id, True)
        self.update()

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.hovered = False
        self.ctx.node_hovered(self.node_id, False)
        self.update()

    def hoverMoveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        on_edge = self.on_handle(event.pos())
        self.setCursor(Qt.CursorShape.CrossCursor if on_edge else Qt.CursorShape.ArrowCursor)

    def colours(self) -> tuple[QColor, QColor]:
        theme = self.ctx.theme
        return theme.card, theme.card_border

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.ctx.theme
        fill, border = self.colours()
        selected = self.isSelected()
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if selected or self.drop_target:
            painter.setPen(theme.pen(theme.selection, 2.5))
        else:
            painter.setPen(theme.pen(border, 1.2))
        painter.setBrush(fill)
        if lod < self.ctx.lod_text:
            painter.drawRoundedRect(_CARD_RECT, self.radius, self.radius)
            if self.severity is not None:
                painter.fillRect(QRectF(W - 40, 0, 40, 14), theme.severities[self.severity])
            return
        painter.drawRoundedRect(_CARD_RECT, self.radius, self.radius)
        self._paint_header(painter)
        # Title and kind icon.
        painter.save()
        painter.translate(14, 14)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.muted)
        painter.drawPath(self.icon)
        painter.restore()
        f = fonts()
        painter.setPen(theme.text)
        painter.setFont(f.title)
        painter.drawText(
            QRectF(38, 8, W - 46, 26), Qt.AlignmentFlag.AlignVCenter, self._elided_name
        )
        painter.setFont(f.small)
        painter.setPen(theme.muted)
        if self._elided_subtitle:
            painter.drawText(
                QRectF(14, 44, W - 24, 18), Qt.AlignmentFlag.AlignVCenter, self._elided_subtitle
            )
        painter.drawText(
            QRectF(14, H - 30, W - 28, 20),
            Qt.AlignmentFlag.AlignVCenter,
            f"{self.messages_in} in  \u00b7  {self.messages_out} out",
        )
        if self.hovered or selected:
            painter.setPen(theme.pen(theme.selection, 1.5))
            painter.setBrush(theme.card)
            for handle in _HANDLES:
                painter.drawEllipse(handle, HANDLE_RADIUS, HANDLE_RADIUS)

    def _paint_header(self, painter: QPainter) -> None:
        theme = self.ctx.theme
        painter.setPen(theme.pen(theme.card_header, 1.0))
        painter.drawLine(QPointF(1, 38), QPointF(W - 1, 38))


class ServiceItem(NodeItem):
    """A service: a rounded card with a box icon."""


class ActorItem(NodeItem):
    """An actor (a person or device outside the system): a pill-shaped, warm-toned card."""

    radius = 30.0
    icon = ACTOR_ICON

    def colours(self) -> tuple[QColor, QColor]:
        theme = self.ctx.theme
        return theme.actor_card, theme.actor_border

    def _paint_header(self, painter: QPainter) -> None:
        pass  # the pill shape is the distinction; a header line would cut its ends


class SeverityBadge(QGraphicsItem):
    """The small circle on a card's corner; hovering it shows message and hint."""

    _RECT = QRectF(-10, -10, 20, 20)

    def __init__(self, card: NodeItem) -> None:
        super().__init__()
        self.card = card
        self.setZValue(Z_BADGE)
        self.setAcceptHoverEvents(True)

    def boundingRect(self) -> QRectF:
        return self._RECT

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        severity = self.card.severity
        if severity is None:
            return
        theme = self.card.ctx.theme
        painter.setPen(QPen(theme.card, 2))
        painter.setBrush(QBrush(theme.severities[severity]))
        painter.drawEllipse(self._RECT.adjusted(1, 1, -1, -1))
        painter.setPen(Qt.GlobalColor.white)
        painter.setFont(fonts().badge)
        mark = {Severity.ERROR: "!", Severity.WARNING: "!", Severity.INFO: "i"}[severity]
        painter.drawText(self._RECT, Qt.AlignmentFlag.AlignCenter, mark)


class BoundaryItem(QGraphicsRectItem):
    """A bounded context drawn as a labelled backdrop behind its member cards."""

    MARGIN = 22.0
    LABEL_HEIGHT = 26.0

    def __init__(self, name: str, ctx: CanvasContext) -> None:
        super().__init__()
        self.name = name
        self.ctx = ctx
        self._rect = QRectF()
        self._title_width: float | None = None
        self.setPen(NO_PEN)
        self.setZValue(Z_BOUNDARY)

    def fit(self, corners: list[tuple[float, float]]) -> bool:
        """Cover the member cards (their top-left corners) with a margin and the label;
        whether the backdrop changed."""
        if not corners:
            rect = QRectF()
        else:
            xs, ys = [c[0] for c in corners], [c[1] for c in corners]
            left, top = min(xs) - self.MARGIN, min(ys) - self.MARGIN - self.LABEL_HEIGHT
            right, bottom = max(xs) + W + self.MARGIN, max(ys) + H + self.MARGIN
            rect = QRectF(left, top, right - left, bottom - top)
        if rect == self._rect:
            return False
        self._rect = rect
        self.setRect(rect.adjusted(-1, -1, 1, 1))
        return True

    def title_box(self) -> tuple[float, float, float, float]:
        """Where the title is drawn (x, y, w, h): arrow labels keep off it."""
        if self._title_width is None:
            self._title_width = fonts().boundary_metrics.horizontalAdvance(self.name.upper())
        return self._rect.x() + 12, self._rect.y() + 4, self._title_width + 10, 24

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.ctx.theme
        # A solid border: a dashed one around a big backdrop costs more than its cards.
        painter.setPen(theme.pen(theme.boundary_border, 1.2))
        painter.setBrush(theme.boundary_fill)
        painter.drawRoundedRect(self._rect, 16, 16)
        lod = option.levelOfDetailFromTransform(painter.worldTransform())
        if lod >= self.ctx.lod_text * 0.5:
            painter.setPen(theme.boundary_text)
            painter.setFont(fonts().boundary)
            label = QRectF(self._rect.x() + 16, self._rect.y() + 6, self._rect.width() - 32, 20)
            painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, self.name.upper())
