"""The canvas view: zoom, pan, fit, snap, rubber band, inline rename, minimap, flow popup.

Public API: ``DesignView(scene)`` with ``fit_all()``, ``zoom_100()``, ``zoom_by(f)``,
``zoom_percent()``, ``center_on_ids(ids)``, ``set_snap(bool)``, ``start_rename(node_id)``,
``visible_scene_rect()``; signal ``zoomChanged(int percent)``.

Keys: the wheel (or a trackpad) scrolls, Shift+wheel sideways; Ctrl+wheel, a pinch,
Ctrl+= / Ctrl+- zoom; Ctrl+0 or F fits, Ctrl+1 is 100%, middle-drag or
Space+drag pans, Delete/Backspace removes the selection, F2 renames, arrow keys nudge the
selected cards by one grid step (Shift: five), Escape cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QNativeGestureEvent,
    QPainter,
    QPolygonF,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsView, QLineEdit, QWidget

from designer.core.model import MessageKind, Transport

from . import gesture_commands
from .flow_item import FlowItem, FlowLabel
from .flow_popup import FlowPopup
from .minimap import Minimap
from .node_item import W
from .scene import DesignScene

MIN_ZOOM, MAX_ZOOM = 0.05, 4.0
# Fit never shrinks a design of up to SMALL_DESIGN cards below READABLE_ZOOM, where card
# names are still about 7-8 px tall.
READABLE_ZOOM, SMALL_DESIGN = 0.6, 15
WHEEL_PIXELS = 60  # screen pixels one notch of a mouse wheel scrolls
_NUDGES = {
    Qt.Key.Key_Left: (-1, 0),
    Qt.Key.Key_Right: (1, 0),
    Qt.Key.Key_Up: (0, -1),
    Qt.Key.Key_Down: (0, 1),
}


class _RenameEditor(QLineEdit):
    """The inline editor over a card's title: Enter commits, Escape cancels."""

    def __init__(self, view: DesignView, node_id: str) -> None:
        super().__init__(view.viewport())
        self.view, self.node_id = view, node_id
        self._done = False
        self.editingFinished.connect(self.commit)

    def commit(self) -> None:
        if not self._done:
            self._done = True
            self.view.scene().edits.rename_node(self.node_id, self.text())
            self.view.end_rename()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self._done = True
            self.view.end_rename()
            return
        super().keyPressEvent(event)


class DesignView(QGraphicsView):
    zoomChanged = Signal(int)
    # A right-click (or the Menu key): what is under it ("node", "flow", "boundary" or
    # "canvas"), the ids it concerns, where in the scene and where on the screen.
    contextRequested = Signal(str, list, QPointF, QPoint)
    # A new arrow was released on empty canvas: from which card, where.
    newTargetRequested = Signal(str, QPointF)

    def __init__(self, scene: DesignScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAcceptDrops(True)
        self._pan_from: QPoint | None = None
        self._grid_dots: tuple[tuple[float, ...], QPolygonF] = ((), QPolygonF())
        self._space_down = False
        self._rename: _RenameEditor | None = None
        self._popup: FlowPopup | None = None
        self.minimap = Minimap(self)
        scene.newFlowRequested.connect(self.ask_flow)
        scene.newTargetRequested.connect(self.newTargetRequested)
        scene.renameRequested.connect(self.start_rename)

    def scene(self) -> DesignScene:  # narrowed for type checkers: the view only ever shows one
        return super().scene()  # type: ignore[return-value]

    # ------------------------------------------------------------------ zoom and pan
    def zoom_percent(self) -> int:
        return round(self.transform().m11() * 100)

    def zoom_by(self, factor: float) -> None:
        current = self.transform().m11()
        target = max(MIN_ZOOM, min(MAX_ZOOM, current * factor))
        if target != current:
            self.scale(target / current, target / current)
            self.zoomChanged.emit(self.zoom_percent())
            self.minimap.refresh()

    def zoom_100(self) -> None:
        centre = self.visible_scene_rect().center()
        self.resetTransform()
        self.centerOn(centre)
        self.zoomChanged.emit(100)

    def fit_all(self) -> None:
        rect = self.scene().content_rect()
        if rect.isNull():
            self.zoom_100()
            return
        self.fit_rect(rect.adjusted(-20, -20, 20, 20), max_zoom=1.5)
        if self.transform().m11() < READABLE_ZOOM and self._is_small_design():
            # Names 5-7 px tall are not a view of the design; a small design that does
            # not quite fit is better read at a legible size, the rest a scroll away.
            self.resetTransform()
            self.scale(READABLE_ZOOM, READABLE_ZOOM)
            self.centerOn(rect.center())
            self.zoomChanged.emit(self.zoom_percent())
            self.minimap.refresh()

    def _is_small_design(self) -> bool:
        return len(self.scene().document.design.nodes) <= SMALL_DESIGN

    def fit_rect(self, rect: QRectF, max_zoom: float = MAX_ZOOM) -> None:
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.transform().m11() > max_zoom:
            self.resetTransform()
            self.scale(max_zoom, max_zoom)
            self.centerOn(rect.center())
        self.zoomChanged.emit(self.zoom_percent())
        self.minimap.refresh()

    def center_on_ids(self, ids: list[str]) -> None:
        scene = self.scene()
        rect = QRectF()
        for item_id in ids:
            item = scene.node_item(item_id) or scene.flow_item(item_id)
            if item is not None:
                rect = rect.united(item.sceneBoundingRect())
        if rect.isNull():
            return
        visible = self.visible_scene_rect()
        if rect.width() > visible.width() or rect.height() > visible.height():
            self.fit_rect(rect.adjusted(-60, -60, 60, 60), max_zoom=1.0)
        else:
            self.centerOn(rect.center())

    def set_snap(self, on: bool) -> None:
        self.scene().set_snap(on)
        self.viewport().update()

    def visible_scene_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def wheelEvent(self, event: QWheelEvent) -> None:
        # As in browsers and other diagram editors: the wheel scrolls (Shift: sideways),
        # Ctrl+wheel zooms under the pointer. A trackpad sends pixel deltas, a mouse
        # wheel angle deltas in 1/8 degree (120 a notch).
        mods = event.modifiers()
        pixels, angle = event.pixelDelta(), event.angleDelta()
        if mods & Qt.KeyboardModifier.ControlModifier:
            steps = angle.y() or angle.x() or pixels.y()
            if steps:
                self.zoom_by(1.0015**steps)
            event.accept()
            return
        if not pixels.isNull():
            dx, dy = pixels.x(), pixels.y()
        else:
            dx, dy = angle.x() * WHEEL_PIXELS // 120, angle.y() * WHEEL_PIXELS // 120
        if mods & Qt.KeyboardModifier.ShiftModifier and not dx:
            dx, dy = dy, 0
        if dx or dy:
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - dx)
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - dy)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pan = event.button() == Qt.MouseButton.MiddleButton or (
            self._space_down and event.button() == Qt.MouseButton.LeftButton
        )
        if pan:
            self._pan_from = event.position().toPoint()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            now = event.position().toPoint()
            delta = now - self._pan_from
            self._pan_from = now
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            self.minimap.refresh()
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(
                Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor
            )
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------------ context menu
    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        scene_pos = self.mapToScene(event.pos())
        what, ids = self.scene().thing_at(scene_pos)
        nodes, _flows = self.scene().selected_ids()
        if what == "node" and ids[0] in nodes:
            ids = nodes  # a right-click inside the selection acts on all of it
        elif what in ("node", "flow"):
            self.scene().select_ids(ids)  # like every file manager: the clicked item only
        elif what == "canvas":
            self.scene().clearSelection()
        self.contextRequested.emit(what, ids, scene_pos, event.globalPos())
        event.accept()

    # ------------------------------------------------------------------ keys
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.scene().gesture_in_progress():
            # A drag in progress gets the keys (Escape ends a new arrow), not the shortcuts:
            # deleting or nudging cards in the middle of a drag would pull them from under it.
            super().keyPressEvent(event)
            return
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        elif ctrl and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(1.25)
        elif ctrl and key == Qt.Key.Key_Minus:
            self.zoom_by(0.8)
        elif (ctrl and key == Qt.Key.Key_0) or (key == Qt.Key.Key_F and not mods):
            self.fit_all()
        elif ctrl and key == Qt.Key.Key_1:
            self.zoom_100()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.scene().edits.delete_selection()
        elif key == Qt.Key.Key_F2:
            nodes, _ = self.scene().selected_ids()
            if len(nodes) == 1:
                self.start_rename(nodes[0])
        elif ctrl and key == Qt.Key.Key_D:
            self.scene().edits.duplicate_selection()
        elif key in _NUDGES and not ctrl:
            step = self.scene().ctx.grid * (5 if mods & Qt.KeyboardModifier.ShiftModifier else 1)
            dx, dy = _NUDGES[Qt.Key(key)]
            if not self.scene().edits.nudge_selection(dx * step, dy * step):
                super().keyPressEvent(event)
                return
        elif key == Qt.Key.Key_Escape:
            self.scene().clearSelection()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ------------------------------------------------------------------ inline rename
    def start_rename(self, node_id: str) -> bool:
        item = self.scene().node_item(node_id)
        if item is None:
            return False
        if self._rename is not None:
            if self._rename.node_id == node_id:
                return True
            self._rename.commit()
        if not self.visible_scene_rect().contains(item.card_rect()):
            self.center_on_ids([node_id])  # the editor must sit over the visible card
        top_left = self.mapFromScene(item.card_rect().topLeft() + QPointF(34, 7))
        bottom_right = self.mapFromScene(item.card_rect().topLeft() + QPointF(W - 8, 35))
        editor = _RenameEditor(self, node_id)
        editor.setText(item.name)
        editor.selectAll()
        editor.setGeometry(
            top_left.x(),
            top_left.y(),
            bottom_right.x() - top_left.x(),
            bottom_right.y() - top_left.y(),
        )
        editor.show()
        editor.setFocus()
        self._rename = editor
        return True

    def end_rename(self) -> None:
        editor, self._rename = self._rename, None
        if editor is not None:
            editor.hide()
            editor.deleteLater()
            self.setFocus()

    @property
    def rename_editor(self) -> QLineEdit | None:
        return self._rename

    # ------------------------------------------------------------------ new flow popup
    def ask_flow(self, source: str, target: str, scene_pos: QPointF) -> FlowPopup:
        """Show the kind/name/transport popup for a flow from `source` to `target`."""
        if self._popup is not None:
            # Its closing must not take the new flow's pending arrow with it.
            self._popup.closing.disconnect()
            self._popup.cancel()
        scene = self.scene()
        document = scene.document
        title = f"{document.node(source).name} \u2192 {document.node(target).name}"
        popup = FlowPopup(
            self.viewport(),
            lambda kind: [m.name for m in gesture_commands.messages_of_kind(document, kind)],
            lambda kind: gesture_commands.default_transport(document, source, target, kind),
            title,
            lambda kind, name: gesture_commands.name_problem(document, kind, name),
            scene.theme.kinds,
        )

        def accepted(kind: MessageKind, name: str, transport: Transport) -> None:
            flow_id = scene.edits.add_flow(source, target, kind, name, transport)
            if flow_id is not None:
                scene.select_ids([flow_id])  # the inspector shows it, ready for details

        popup.accepted.connect(accepted)
        popup.closing.connect(scene.clear_pending_line)
        popup.closing.connect(self.setFocus)  # keys go back to the canvas
        popup.destroyed.connect(lambda *_: self._forget_popup(popup))
        point = self.mapFromScene(scene_pos)
        area = self.viewport().rect()
        x = min(max(point.x() + 12, 4), area.width() - popup.width() - 4)
        y = min(max(point.y() + 12, 4), area.height() - popup.height() - 4)
        popup.move(x, y)
        popup.show()
        popup.setFocus()
        self._popup = popup
        return popup

    def _forget_popup(self, popup: FlowPopup) -> None:
        if self._popup is popup:
            self._popup = None

    @property
    def flow_popup(self) -> FlowPopup | None:
        return self._popup

    def viewportEvent(self, event: QEvent) -> bool:
        if (
            isinstance(event, QNativeGestureEvent)
            and event.gestureType() == Qt.NativeGestureType.ZoomNativeGesture
        ):
            self.zoom_by(1.0 + event.value())  # a trackpad pinch
            return True
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.itemAt(event.pos())
            flow = item.flow if isinstance(item, FlowLabel) else item
            if isinstance(flow, FlowItem) and not flow.description:
                flow.set_description(self.scene().flow_tooltip(flow.flow_id))
        return super().viewportEvent(event)

    # ------------------------------------------------------------------ painting
    def drawBackground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        rect = QRectF(rect)
        theme = self.scene().theme
        painter.fillRect(rect, theme.background)
        grid = self.scene().ctx.grid
        if self.transform().m11() * grid < 8:
            return  # dots closer than 8 px are noise
        step = grid * (5 if not self.scene().snap else 1)
        left, top = int(rect.left() // step) * step, int(rect.top() // step) * step
        # The dots are kept while the same area is repainted (every frame of a drag
        # repaints the whole view when the dragged arrows cross it: thousands of dots at
        # snap spacing, made in Python each time).
        area = (left, top, rect.right(), rect.bottom(), step)
        if self._grid_dots[0] != area:
            points = []
            y = top
            while y < rect.bottom():
                x = left
                while x < rect.right():
                    points.append(QPointF(x, y))
                    x += step
                y += step
            self._grid_dots = (area, QPolygonF(points))
        painter.setPen(theme.pen(theme.grid, 2.0 / max(self.transform().m11(), 0.01)))
        painter.drawPoints(self._grid_dots[1])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.minimap.place()
        self.minimap.schedule()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        self.minimap.schedule()
