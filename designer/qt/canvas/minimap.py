"""The minimap in a corner of the view: every card as a dot, the visible area as a frame.

It draws card rectangles itself instead of rendering the scene (a full render per
scroll step would cost a fit-all render each time); clicking or dragging on it moves
the view there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from .node_item import ActorItem

if TYPE_CHECKING:
    from .view import DesignView

WIDTH, HEIGHT, MARGIN = 200, 130, 12


class Minimap(QWidget):
    def __init__(self, view: DesignView) -> None:
        super().__init__(view)
        self.view = view
        self.setFixedSize(WIDTH, HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view")
        # Scene changes arrive in bursts (a drag): repaint at most every 50 ms.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self.refresh)
        # A bound method (not a lambda): Qt drops the connection when the minimap goes,
        # while the scene may outlive the view.
        view.scene().changed.connect(self.schedule)

    def schedule(self, _rects: object = None) -> None:
        self._timer.start()

    def place(self) -> None:
        viewport = self.view.viewport().geometry()
        self.move(viewport.right() - WIDTH - MARGIN, viewport.bottom() - HEIGHT - MARGIN)

    def _mapping(self) -> tuple[QRectF, float, QPointF]:
        """(scene area shown, scale, offset) so that widget = scene * scale + offset."""
        scene_rect = self.view.scene().cards_rect().adjusted(-40, -40, 40, 40)
        scene_rect = scene_rect.united(self.view.visible_scene_rect())
        inner = QRectF(4, 4, WIDTH - 8, HEIGHT - 8)
        scale = min(
            inner.width() / max(scene_rect.width(), 1), inner.height() / max(scene_rect.height(), 1)
        )
        offset = QPointF(
            inner.x() + (inner.width() - scene_rect.width() * scale) / 2 - scene_rect.x() * scale,
            inner.y() + (inner.height() - scene_rect.height() * scale) / 2 - scene_rect.y() * scale,
        )
        return scene_rect, scale, offset

    def refresh(self) -> None:
        """Show the map only when some cards are out of view (nothing to find otherwise)."""
        scene = self.view.scene()
        if scene is None:  # the view is being torn down
            return
        cards = scene.cards_rect()
        wanted = not cards.isNull() and not self.view.visible_scene_rect().contains(cards)
        if wanted != self.isVisible():
            self.setVisible(wanted)
        if wanted:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        scene = self.view.scene()
        if scene is None:
            return
        theme = scene.theme
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(theme.pen(theme.card_border, 1.0))
        painter.setBrush(theme.minimap_fill)
        painter.drawRoundedRect(QRectF(0.5, 0.5, WIDTH - 1, HEIGHT - 1), 6, 6)
        _, scale, offset = self._mapping()
        painter.setPen(Qt.PenStyle.NoPen)
        for item in scene.node_items():
            rect = item.card_rect()
            color = theme.actor_border if isinstance(item, ActorItem) else theme.muted
            if item.isSelected():
                color = theme.selection
            painter.setBrush(color)
            painter.drawRect(
                QRectF(
                    rect.x() * scale + offset.x(),
                    rect.y() * scale + offset.y(),
                    max(rect.width() * scale, 1.5),
                    max(rect.height() * scale, 1.5),
                )
            )
        visible = self.view.visible_scene_rect()
        painter.setPen(theme.pen(theme.selection, 1.5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(
            QRectF(
                visible.x() * scale + offset.x(),
                visible.y() * scale + offset.y(),
                visible.width() * scale,
                visible.height() * scale,
            )
        )
        painter.end()

    def _go(self, pos: QPointF) -> None:
        if self.view.scene() is None:
            return
        _, scale, offset = self._mapping()
        self.view.centerOn(QPointF((pos.x() - offset.x()) / scale, (pos.y() - offset.y()) / scale))
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._go(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position())
        event.accept()
