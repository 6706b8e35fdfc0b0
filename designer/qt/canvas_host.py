"""The window's view of the canvas: one small adapter over `designer.qt.canvas`.

The window talks to the canvas only through `CanvasHost` (selection, diagnostics,
highlight, zoom, centring), so the main window and panels do not depend on the canvas's
internals. Until the real canvas package is importable, a plain placeholder scene (cards
as rectangles, flows as lines) keeps the window usable.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from designer.core.commands import Command
from designer.core.diagnostics import Diagnostic
from designer.core.document import Document
from designer.core.model import NodeKind

_ID_ROLE = 0
# Copied cards on the system clipboard, so they paste into another window too.
CLIPBOARD_MIME = "application/x-msgflow-nodes"


class _PlaceholderScene(QGraphicsScene):
    """Rectangles and lines rebuilt on every change: only until the real canvas lands."""

    def __init__(self, document: Document, push: Callable[[Command], bool]) -> None:
        super().__init__()
        self.document = document
        self._unsubscribe = document.subscribe(lambda _changes: self._rebuild())
        self._rebuild()

    def _rebuild(self) -> None:
        self.clear()
        design, centres = self.document.design, {}
        for index, node in enumerate(design.nodes):
            point = design.layout.get(node.id)
            x, y = (point.x, point.y) if point else (index % 4 * 300.0, index // 4 * 180.0)
            card = QGraphicsRectItem(0, 0, 220, 100)
            card.setPos(x, y)
            card.setBrush(QBrush(QColor("#ffffff")))
            card.setPen(QPen(QColor("#57606a"), 1.5))
            card.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
            card.setData(_ID_ROLE, node.id)
            QGraphicsSimpleTextItem(node.name, card).setPos(12, 12)
            self.addItem(card)
            centres[node.id] = QPointF(x + 110, y + 50)
        for flow in design.flows:
            if flow.source in centres and flow.target in centres:
                line = QGraphicsLineItem(
                    centres[flow.source].x(),
                    centres[flow.source].y(),
                    centres[flow.target].x(),
                    centres[flow.target].y(),
                )
                line.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
                line.setData(_ID_ROLE, flow.id)
                line.setZValue(-1)
                self.addItem(line)

    def selected_ids(self) -> list[str]:
        return [str(item.data(_ID_ROLE)) for item in self.selectedItems()]

    def select_ids(self, ids: Iterable[str]) -> None:
        wanted = set(ids)
        for item in self.items():
            if item.flags() & QGraphicsItem.GraphicsItemFlag.ItemIsSelectable:
                item.setSelected(item.data(_ID_ROLE) in wanted)


class CanvasHost(QObject):
    """What the window needs from the canvas, whichever canvas is present."""

    selectionChanged = Signal()
    renameRequested = Signal(str)

    def __init__(
        self, document: Document, push: Callable[[Command], bool], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.document = document
        # The canvas may recreate an item when its model changes, which drops it from the
        # selection; the host remembers the selection from before each document change
        # and restores it afterwards, so the inspector keeps showing what is being edited.
        # Listeners run in subscription order: ours wrap the scene's.
        self._last_selection: list[str] = []
        self._in_change = False
        self._unsubscribe_before = document.subscribe(self._before_change)
        try:
            from designer.qt.canvas.scene import DesignScene
        except ImportError:
            self.scene: Any = _PlaceholderScene(document, push)
            self.scene.setParent(self)
            self.placeholder = True
            self.scene.selectionChanged.connect(self._scene_selection_changed)
        else:
            # Owned by this host (so by the window): the scene must not outlive its view.
            self.scene = DesignScene(document, push, parent=self)
            self.placeholder = False
            self.scene.selectionChangedIds.connect(
                lambda _nodes, _flows: self._scene_selection_changed()
            )
            self.scene.renameRequested.connect(self.renameRequested)
        self._unsubscribe_after = document.subscribe(self._after_change)
        try:
            from designer.qt.canvas.view import DesignView
        except ImportError:
            self.view: Any = QGraphicsView(self.scene)
            self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.view.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        else:
            self.view = DesignView(self.scene)

    # ------------------------------------------------------------------ selection
    def _before_change(self, _changes: object) -> None:
        self._in_change = True

    def _after_change(self, _changes: object) -> None:
        self._in_change = False
        wanted = [i for i in self._last_selection if self._exists(i)]
        if set(self.selected_ids()) != set(wanted):
            self.scene.blockSignals(True)
            try:
                self.scene.select_ids(wanted)
            finally:
                self.scene.blockSignals(False)
        if wanted != self._last_selection:
            self._last_selection = wanted
            self.selectionChanged.emit()

    def _exists(self, key: str) -> bool:
        return self.document.has("nodes", key) or self.document.has("flows", key)

    def _scene_selection_changed(self) -> None:
        if self._in_change:
            return  # settled in _after_change
        self._last_selection = self.selected_ids()
        self.selectionChanged.emit()

    def selected_ids(self) -> list[str]:
        found = self.scene.selected_ids()
        if isinstance(found, tuple):  # (node ids, flow ids)
            return [*found[0], *found[1]]
        return list(found)

    def select_ids(self, ids: Iterable[str]) -> None:
        self.scene.select_ids(list(ids))

    def select_and_center(self, ids: Sequence[str]) -> None:
        self.select_ids(ids)
        self.center_on_ids(ids)

    # ------------------------------------------------------------------ edits
    def add_node(self, kind: str, scene_pos: QPointF) -> str | None:
        if not hasattr(self.scene, "add_node"):
            return None
        node_id = self.scene.add_node(NodeKind(kind), scene_pos)
        if node_id is not None:
            self.select_ids([node_id])
        return node_id

    def delete_selection(self) -> None:
        self._call(self.scene, "delete_selection")

    def copy(self) -> None:
        if not hasattr(self.scene, "copy_selection"):
            return
        payload = self.scene.copy_selection()
        if not payload or not payload.get("nodes"):
            return
        data = QMimeData()
        data.setData(CLIPBOARD_MIME, json.dumps(payload).encode("utf-8"))
        data.setText(json.dumps(payload, indent=1))
        QGuiApplication.clipboard().setMimeData(data)

    def paste(self) -> None:
        data = QGuiApplication.clipboard().mimeData()
        if data is None or not data.hasFormat(CLIPBOARD_MIME) or not hasattr(self.scene, "paste"):
            return
        try:
            payload = json.loads(bytes(data.data(CLIPBOARD_MIME).data()).decode("utf-8"))
        except ValueError:
            return
        self.scene.paste(payload)

    def duplicate(self) -> None:
        self._call(self.scene, "duplicate_selection")

    # ------------------------------------------------------------------ decorations
    def set_diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        self._call(self.scene, "set_diagnostics", diagnostics)

    def highlight_message(self, message_id: str | None) -> None:
        self._call(self.scene, "highlight_message", message_id)

    def follow_palette(self, palette: QPalette) -> None:
        try:
            from designer.qt.canvas.theme import theme_for_palette
        except ImportError:
            return
        self._call(self.scene, "set_theme", theme_for_palette(palette))
        self.view.viewport().update()

    # ------------------------------------------------------------------ view
    def center_on_ids(self, ids: Sequence[str]) -> None:
        if self._call(self.view, "center_on_ids", list(ids)):
            return
        rect = QRectF()
        for item in self.scene.selectedItems():
            rect = rect.united(item.sceneBoundingRect())
        if not rect.isNull():
            self.view.centerOn(rect.center())

    def fit_all(self) -> None:
        if not self._call(self.view, "fit_all"):
            self.view.fitInView(
                self.scene.itemsBoundingRect().adjusted(-40, -40, 40, 40),
                Qt.AspectRatioMode.KeepAspectRatio,
            )

    def zoom_100(self) -> None:
        if not self._call(self.view, "zoom_100"):
            self.view.resetTransform()

    def zoom_by(self, factor: float) -> None:
        if not self._call(self.view, "zoom_by", factor):
            self.view.scale(factor, factor)

    def zoom_percent(self) -> int:
        return round(self.view.transform().m11() * 100)

    def set_snap(self, on: bool) -> None:
        if not self._call(self.view, "set_snap", on):
            self._call(self.scene, "set_snap", on)

    def start_rename(self, node_id: str) -> bool:
        return self._call(self.view, "start_rename", node_id)

    def detach(self) -> None:
        """Stop following the document (the window is closing)."""
        self._call(self.scene, "detach")
        self._unsubscribe_before()
        self._unsubscribe_after()

    @staticmethod
    def _call(target: object, name: str, *args: Any) -> bool:
        method = getattr(target, name, None)
        if method is None:
            return False
        method(*args)
        return True
