"""The design canvas, read-only: look, select, zoom and pan; never edit.

Used by the compare view. The scene is the window's own `DesignScene` (so both sides
look exactly like the canvas) over a private copy of a design, with the editing
gestures switched off: cards do not move, nothing is dropped, no flow is drawn, no key
deletes or renames. Its `push` refuses every command, as a last guard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
    QWidget,
)

from designer.core.commands import Command
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.layout import auto_layout
from designer.core.model import Design
from designer.qt.canvas.scene import DesignScene
from designer.qt.canvas.theme import LIGHT, Theme
from designer.qt.canvas.view import DesignView


def _refuse(command: Command) -> None:
    raise EditError("the compared designs are read-only")


def with_layout(design: Design) -> Design:
    """A private copy whose every node has a position (laid out if none has)."""
    copy = design.model_copy(deep=True)
    if copy.nodes and not copy.layout.nodes:
        copy = auto_layout(copy)
    return copy


def aligned(old: Design, new: Design) -> tuple[Design, Design]:
    """Copies of both designs where a card both share stands at the same place.

    A node without a position takes the other side's; a side with no positions at all
    is laid out first, so two compared designs never differ only by their drawing.
    """
    swap = not old.layout.nodes and bool(new.layout.nodes)  # the side with positions lends them
    first, second = (new, old) if swap else (old, new)
    first = with_layout(first)
    second = second.model_copy(deep=True)
    ids = {n.id for n in second.nodes}
    for node_id, point in first.layout.nodes.items():
        if node_id in ids and node_id not in second.layout.nodes:
            second.layout.nodes[node_id] = point
    missing = {n.id for n in first.nodes} - first.layout.nodes.keys()
    for node_id in missing & second.layout.nodes.keys():
        first.layout.nodes[node_id] = second.layout.nodes[node_id]
    second = with_layout(second)
    return (second, first) if swap else (first, second)


class ReadOnlyScene(DesignScene):
    def __init__(self, design: Design, theme: Theme = LIGHT, parent: Any = None) -> None:
        super().__init__(Document(with_layout(design)), _refuse, theme, parent)

    def rebuild(self) -> None:
        super().rebuild()
        for item in self.node_items():
            item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, False)

    # Plain QGraphicsScene handling: click selects, rubber band selects; no gestures.
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        QGraphicsScene.mousePressEvent(self, event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        QGraphicsScene.mouseMoveEvent(self, event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        QGraphicsScene.mouseReleaseEvent(self, event)

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        event.accept()

    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.ignore()

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.ignore()

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        event.ignore()


_EDIT_KEYS = {Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_F2}


class ReadOnlyView(DesignView):
    def __init__(self, scene: ReadOnlyScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setAcceptDrops(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if event.key() in _EDIT_KEYS or (ctrl and event.key() == Qt.Key.Key_D):
            event.ignore()
            return
        super().keyPressEvent(event)

    def start_rename(self, node_id: str) -> bool:
        return False
