"""Which canvas items a semantic diff colours, and the marks drawn around them.

`marks_for(diff, old, new)` decides, per side, which node and flow ids are added (green),
removed (red) or changed (amber): a node or flow by its own change; a changed message
colours the arrows that carry it (the message has no card of its own). Schemas,
settings and the design's name are listed by the compare view but draw nothing.
The drawing items sit behind the canvas's own items and never touch them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from designer.core.diff import DesignDiff, ItemChange
from designer.core.model import Design

COLOURS = {"added": QColor("#1f9d55"), "removed": QColor("#d64545"), "changed": QColor("#d48806")}
TAGS = {"added": "added", "removed": "removed", "changed": "changed"}
Z_MARK = -5.0  # above boundary backdrops, below arrows and cards


@dataclass
class SideMarks:
    """Item id -> action on one side of the comparison."""

    items: dict[str, str] = field(default_factory=dict)

    def mark(self, item_id: str, action: str) -> None:
        # An item's own change wins over one inherited from its message.
        self.items.setdefault(item_id, action)


def _flows_of(design: Design, message_id: str) -> list[str]:
    return [f.id for f in design.flows if f.message == message_id]


def ids_for(change: ItemChange, design: Design) -> list[str]:
    """The canvas ids that show `change` in `design` (empty when it has none there)."""
    if change.collection in ("nodes", "flows"):
        present = {n.id for n in design.nodes} | {f.id for f in design.flows}
        return [change.id] if change.id in present else []
    if change.collection == "messages":
        return _flows_of(design, change.id)
    return []


def marks_for(diff: DesignDiff, old: Design, new: Design) -> tuple[SideMarks, SideMarks]:
    left, right = SideMarks(), SideMarks()
    own = [c for c in diff.changes if c.collection in ("nodes", "flows")]
    inherited = [c for c in diff.changes if c.collection == "messages" and c.action == "changed"]
    for change in own + inherited:
        if change.action in ("removed", "changed"):
            for item_id in ids_for(change, old):
                left.mark(item_id, change.action)
        if change.action in ("added", "changed"):
            for item_id in ids_for(change, new):
                right.mark(item_id, change.action)
    return left, right


class CardMark(QGraphicsItem):
    """A coloured halo and tag around a card (the card keeps its own look)."""

    def __init__(
        self, item_id: str, card: QRectF, action: str, ghost_name: str | None = None
    ) -> None:
        super().__init__()
        self.item_id, self.action = item_id, action
        self.card = QRectF(card)
        self.ghost_name = ghost_name  # drawn as a dashed outline where the card is not
        self.setZValue(Z_MARK if ghost_name is None else Z_MARK + 1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self.card.adjusted(-10, -24, 10, 10)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        colour = COLOURS[self.action]
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        halo = self.card.adjusted(-6, -6, 6, 6)
        if self.ghost_name is None:
            fill = QColor(colour)
            fill.setAlpha(60)
            painter.setBrush(QBrush(fill))
            painter.setPen(QPen(colour, 3.0))
        else:
            fill = QColor(colour)
            fill.setAlpha(18)
            painter.setBrush(QBrush(fill))
            painter.setPen(QPen(colour, 1.6, Qt.PenStyle.DashLine))
            halo = self.card
        painter.drawRoundedRect(halo, 14, 14)
        if self.ghost_name is not None:
            painter.setPen(colour)
            painter.drawText(
                self.card.adjusted(12, 0, -12, 0),
                Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                self.ghost_name,
            )
        _tag(painter, QPointF(halo.right() - 8, halo.top()), TAGS[self.action], colour)


class FlowMark(QGraphicsItem):
    """A broad translucent stroke under an arrow, and a rim around its label.

    Short arrows hide mostly under their label, so the label's rim carries the colour too.
    """

    def __init__(
        self, item_id: str, path: QPainterPath, action: str, label: QRectF | None = None
    ) -> None:
        super().__init__()
        self.item_id, self.action = item_id, action
        stroker = QPainterPathStroker()
        stroker.setWidth(11)
        stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
        stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        self.stroke = stroker.createStroke(path)
        if label is not None and not label.isNull():
            rim = QPainterPath()
            rim.addRoundedRect(label.adjusted(-4, -4, 4, 4), 9, 9)
            self.stroke = self.stroke.united(rim)
        self.setZValue(Z_MARK)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def boundingRect(self) -> QRectF:
        return self.stroke.boundingRect()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        fill = QColor(COLOURS[self.action])
        fill.setAlpha(95)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawPath(self.stroke)


def _tag(painter: QPainter, top_right: QPointF, text: str, colour: QColor) -> None:
    font = QFont(painter.font())
    font.setPixelSize(10)
    font.setBold(True)
    painter.setFont(font)
    width = painter.fontMetrics().horizontalAdvance(text) + 12
    rect = QRectF(top_right.x() - width, top_right.y() - 9, width, 17)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(rect, 8, 8)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
