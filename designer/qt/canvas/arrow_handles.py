"""The handles of the one selected arrow: its bends (squares) and its two ends (rings).

Shown while exactly one arrow is selected. A bend handle is dragged to move the bend
(an arrow without stored bends shows the corners of its automatic route, and dragging
one stores them); an end handle is dragged onto another card to re-attach that end.
The item only draws and answers "which handle is here"; the gestures that use it live
in arrow_interactions.py.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsSceneMouseEvent,
    QStyleOptionGraphicsItem,
    QWidget,
)

from .context import CanvasContext
from .node_item import Z_BADGE

HANDLE = 9.0  # side of a bend's square, in scene units
GRAB = 8.0  # a press this close to a handle's centre takes it
Point = tuple[float, float]
Handle = tuple[Literal["bend", "source", "target"], int]


class ArrowHandles(QGraphicsItem):
    def __init__(self, ctx: CanvasContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.flow_id: str | None = None
        self.bends: list[Point] = []
        self.ends: tuple[Point, Point] | None = None
        self._bounds = QRectF()
        self.setZValue(Z_BADGE + 1)  # above labels and badges: always reachable
        self.setVisible(False)

    def show_for(self, flow_id: str | None, bends: list[Point], ends: tuple[Point, Point]) -> None:
        """Handles of `flow_id` (None hides them) at these bends and ends."""
        self.prepareGeometryChange()
        self.flow_id = flow_id
        self.bends = list(bends) if flow_id is not None else []
        self.ends = ends if flow_id is not None else None
        points = [*self.bends, *(self.ends or ())]
        if points:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            pad = HANDLE
            self._bounds = QRectF(
                min(xs) - pad,
                min(ys) - pad,
                max(xs) - min(xs) + 2 * pad,
                max(ys) - min(ys) + 2 * pad,
            )
        else:
            self._bounds = QRectF()
        self.setVisible(flow_id is not None)
        self.update()

    def handle_at(self, pos: QPointF) -> Handle | None:
        """The handle under a scene position: ends first (they sit on the cards' borders,
        where a bend of the route may also be)."""
        if self.flow_id is None or not self.isVisible():
            return None
        x, y = pos.x(), pos.y()

        def near(p: Point) -> bool:
            return abs(p[0] - x) <= GRAB and abs(p[1] - y) <= GRAB

        if self.ends is not None:
            if near(self.ends[1]):
                return "target", 0
            if near(self.ends[0]):
                return "source", 0
        for index, bend in enumerate(self.bends):
            if near(bend):
                return "bend", index
        return None

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        """Only the handles themselves: a click anywhere else in the arrow's box is a
        click on whatever lies there (Qt would take the whole bounding box)."""
        path = QPainterPath()
        for x, y in [*self.bends, *(self.ends or ())]:
            path.addRect(QRectF(x - GRAB, y - GRAB, 2 * GRAB, 2 * GRAB))
        return path

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        # A right (or middle) press on a handle keeps the arrow selected, so its menu
        # (context_menus.py) can offer to remove that bend. Left presses on handles never
        # get here: they start a gesture first (idle.py).
        event.accept()

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        theme = self.ctx.theme
        painter.setPen(theme.pen(theme.selection, 1.4))
        painter.setBrush(theme.background)
        half = HANDLE / 2
        for x, y in self.bends:
            painter.drawRect(QRectF(x - half, y - half, HANDLE, HANDLE))
        if self.ends is not None:
            painter.setBrush(theme.selection)
            for x, y in self.ends:
                painter.drawEllipse(QPointF(x, y), half - 0.5, half - 0.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)
