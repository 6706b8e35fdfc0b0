"""The minimap in a corner of the view: cards, arrows, and the visible area as a frame.

It draws card rectangles and straight arrow lines itself instead of rendering the
scene (a full render per scroll step would cost a fit-all render each time), into a
pixmap kept until the scene changes: the minimap sits over the view's viewport, so Qt
repaints it with every viewport repaint beneath it, on every frame of a card's drag
(redrawn each time, its 3,000 arrow lines of a 1,000-service design took a third of such
a frame). Clicking or dragging on it moves the view there. It can be switched off (View → Show Minimap)
and moved to any corner of the canvas (its right-click menu), so it never has to sit
on the part of the design being worked on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QContextMenuEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
)
from PySide6.QtWidgets import QMenu, QWidget

from designer.core.model import MessageKind

from .node_item import ActorItem

if TYPE_CHECKING:
    from .view import DesignView

WIDTH, HEIGHT, MARGIN = 200, 130, 12
CORNERS = {
    "top-left": "Top Left",
    "top-right": "Top Right",
    "bottom-left": "Bottom Left",
    "bottom-right": "Bottom Right",
}


class Minimap(QWidget):
    hiddenByUser = Signal()

    def __init__(self, view: DesignView) -> None:
        super().__init__(view)
        self.view = view
        self.setFixedSize(WIDTH, HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Overview: click or drag to move the view; right-click to move or hide it")
        self.wanted = True  # the user's choice (View → Show Minimap)
        self.corner = "bottom-right"
        self.menu: QMenu | None = None  # its right-click menu, while open
        # Cards and arrows as last drawn, and what they were drawn for (scale, offset,
        # theme, pixel ratio); `refresh` drops them.
        self._picture: QPixmap | None = None
        self._picture_for: tuple[object, ...] = ()
        # The cards' extent as of the last refresh (measuring it walks every card: not
        # on each of a drag's repaints beneath the minimap).
        self._cards: QRectF | None = None
        # Scene changes arrive in bursts (a drag): repaint at most every 50 ms.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(50)
        self._timer.timeout.connect(self._scene_changed)
        # A bound method (not a lambda): Qt drops the connection when the minimap goes,
        # while the scene may outlive the view.
        view.scene().changed.connect(self.schedule)

    def schedule(self, _rects: object = None) -> None:
        self._timer.start()

    def _scene_changed(self) -> None:
        scene = self.view.scene()
        if scene is not None and scene.gesture_in_progress():
            # A drag of a big design's card takes more than the 50 ms between frames:
            # the map would be drawn again on every frame. It follows at the release
            # (the drop changes the scene once more).
            self._timer.start()
            return
        self.refresh()

    def place(self) -> None:
        viewport = self.view.viewport().geometry()
        left = self.corner.endswith("left")
        top = self.corner.startswith("top")
        x = viewport.left() + MARGIN if left else viewport.right() - WIDTH - MARGIN
        y = viewport.top() + MARGIN if top else viewport.bottom() - HEIGHT - MARGIN
        self.move(x, y)

    def set_wanted(self, on: bool) -> None:
        self.wanted = on
        self.refresh()

    def move_to(self, corner: str) -> None:
        if corner in CORNERS:
            self.corner = corner
            self.place()

    def _mapping(self) -> tuple[QRectF, float, QPointF]:
        """(scene area shown, scale, offset) so that widget = scene * scale + offset."""
        if self._cards is None:
            self._cards = self.view.scene().cards_rect()
        scene_rect = self._cards.adjusted(-40, -40, 40, 40)
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
        self._picture = None  # the scene changed, or the view moved: draw again
        cards = self._cards = scene.cards_rect()
        wanted = (
            self.wanted
            and not cards.isNull()
            and not self.view.visible_scene_rect().contains(cards)
        )
        if wanted != self.isVisible():
            self.setVisible(wanted)
        if wanted:
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        scene = self.view.scene()
        if scene is None:
            return
        theme = scene.theme
        _, scale, offset = self._mapping()
        ratio = self.devicePixelRatioF()
        drawn_for = (scale, offset.x(), offset.y(), id(theme), ratio)
        if self._picture is None or drawn_for != self._picture_for:
            self._picture = QPixmap(round(WIDTH * ratio), round(HEIGHT * ratio))
            self._picture.setDevicePixelRatio(ratio)
            self._picture.fill(Qt.GlobalColor.transparent)
            self._picture_for = drawn_for
            picture = QPainter(self._picture)
            self._paint_map(picture, scale, offset)
            picture.end()
        painter = QPainter(self)
        painter.drawPixmap(0, 0, self._picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
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

    def _paint_map(self, painter: QPainter, scale: float, offset: QPointF) -> None:
        """The frame, the arrows and the cards (all but the visible area's frame)."""
        scene = self.view.scene()
        theme = scene.theme
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(theme.pen(theme.card_border, 1.0))
        painter.setBrush(theme.minimap_fill)
        painter.drawRoundedRect(QRectF(0.5, 0.5, WIDTH - 1, HEIGHT - 1), 6, 6)
        self._paint_arrows(painter, scale, offset)
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

    def _paint_arrows(self, painter: QPainter, scale: float, offset: QPointF) -> None:
        """Each flow as a thin straight line between its cards, in its kind's colour."""
        scene = self.view.scene()
        theme = scene.theme
        centres = {item.node_id: item.card_rect().center() for item in scene.node_items()}
        lines: dict[MessageKind, list[QLineF]] = {kind: [] for kind in MessageKind}
        for flow in scene.document.design.flows:
            a, b = centres.get(flow.source), centres.get(flow.target)
            item = scene.flow_item(flow.id)
            if a is None or b is None or item is None:
                continue
            lines[item.kind].append(QLineF(a * scale + offset, b * scale + offset))
        painter.setOpacity(0.7)
        for kind, found in lines.items():
            painter.setPen(theme.pen(theme.kinds[kind], 1.0))
            painter.drawLines(found)
        painter.setOpacity(1.0)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        for corner, words in CORNERS.items():
            action = menu.addAction(f"Move to {words}")
            action.setData(corner)
            action.setEnabled(corner != self.corner)
        menu.addSeparator()
        menu.addAction("Hide Minimap").setData("hide")
        menu.triggered.connect(self._chosen)
        self.menu = menu
        menu.popup(event.globalPos())
        event.accept()

    def _chosen(self, action: QAction) -> None:
        choice = str(action.data())
        if choice == "hide":
            self.hide_by_user()
        else:
            self.move_to(choice)

    def hide_by_user(self) -> None:
        """Hidden from its own menu: View → Show Minimap follows (unticked)."""
        self.set_wanted(False)
        self.hiddenByUser.emit()

    def _go(self, pos: QPointF) -> None:
        if self.view.scene() is None:
            return
        _, scale, offset = self._mapping()
        self.view.centerOn(QPointF((pos.x() - offset.x()) / scale, (pos.y() - offset.y()) / scale))
        self.update()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._go(event.position())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._go(event.position())
        event.accept()
