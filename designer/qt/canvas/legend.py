"""The legend: the arrow language and the card kinds, drawn with the canvas's own painters.

`LegendItem` goes into exported images; `LegendWidget` is what the View menu shows.
Both draw with `paint_arrow` / `paint_label` from arrow_paint.py, so the legend can never
disagree with the canvas.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from designer.core.model import MessageKind

from .arrow_paint import label_size, paint_arrow, paint_label
from .node_item import ACTOR_ICON, SERVICE_ICON
from .routing import Route
from .theme import LIGHT, Theme, fonts, theme_for_palette

_ROWS = (
    (MessageKind.COMMAND, "Command", "solid, filled head", "queue"),
    (MessageKind.QUERY, "Query", "dashed, open head, return marker", "http"),
    (MessageKind.EVENT, "Event", "dotted, open head, lightning", "topic"),
)
WIDTH, ROW, PAD = 440.0, 34.0, 14.0


def _sample_route(y: float) -> Route:
    return Route((PAD, y, PAD + 70, y), None, (PAD + 35, y), (PAD, y, PAD + 70, y))


class LegendItem(QGraphicsItem):
    def __init__(self, theme: Theme = LIGHT) -> None:
        super().__init__()
        self.theme = theme
        self.setZValue(50)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, WIDTH, 40 + ROW * len(_ROWS) + 66)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme, f = self.theme, fonts()
        rect = self.boundingRect()
        painter.setPen(theme.pen(theme.card_border, 1.0))
        painter.setBrush(theme.card)
        painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.setPen(theme.text)
        painter.setFont(f.title)
        painter.drawText(QRectF(PAD, 8, WIDTH, 22), Qt.AlignmentFlag.AlignVCenter, "Legend")
        y = 40 + ROW / 2
        for kind, name, how, badge in _ROWS:
            paint_arrow(painter, theme, kind, _sample_route(y))
            width, badge_w = label_size(name, badge)
            paint_label(
                painter, theme, kind, QRectF(PAD + 84, y - 10, width, 20), name, badge, badge_w
            )
            painter.setPen(theme.muted)
            painter.setFont(f.small)
            text_x = PAD + 84 + width + 10
            painter.drawText(
                QRectF(text_x, y - 10, WIDTH - text_x - PAD, 20), Qt.AlignmentFlag.AlignVCenter, how
            )
            y += ROW
        y += 4
        painter.setPen(theme.muted)
        painter.setFont(f.small)
        painter.drawText(
            QRectF(PAD, y - 8, WIDTH - 2 * PAD, 18),
            Qt.AlignmentFlag.AlignVCenter,
            "http: synchronous call \u00b7 queue: point-to-point \u00b7 topic: publish/subscribe",
        )
        y += 26
        x = PAD
        for icon, label, fill, border in (
            (SERVICE_ICON, "Service", theme.card, theme.card_border),
            (ACTOR_ICON, "Actor", theme.actor_card, theme.actor_border),
        ):
            painter.setPen(theme.pen(border, 1.2))
            painter.setBrush(fill)
            radius = 12.0 if label == "Actor" else 5.0
            painter.drawRoundedRect(QRectF(x, y - 12, 110, 26), radius, radius)
            painter.save()
            painter.translate(x + 9, y - 7)
            painter.scale(0.8, 0.8)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.muted)
            painter.drawPath(icon)
            painter.restore()
            painter.setPen(theme.text)
            painter.drawText(QRectF(x + 30, y - 12, 80, 26), Qt.AlignmentFlag.AlignVCenter, label)
            x += 124
        painter.setPen(theme.pen(theme.boundary_border, 1.2))
        painter.setBrush(theme.boundary_fill)
        painter.drawRoundedRect(QRectF(x, y - 12, 150, 26), 8, 8)
        painter.setPen(theme.boundary_text)
        painter.drawText(
            QRectF(x + 10, y - 12, 140, 26), Qt.AlignmentFlag.AlignVCenter, "Boundary (context)"
        )


class LegendWidget(QGraphicsView):
    """The legend as a small widget, in the colours of the current palette."""

    def __init__(self, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.item = LegendItem(theme or theme_for_palette(self.palette()))
        self.scene().addItem(self.item)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(self.item.theme.background)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSceneRect(self.item.boundingRect().adjusted(-10, -10, 10, 10))

    def sizeHint(self) -> QSize:
        rect = self.sceneRect()
        return QSize(int(rect.width()) + 4, int(rect.height()) + 4)
