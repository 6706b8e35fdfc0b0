"""A card dragged from the palette: an outline where it will land, then one AddNode.

The scene hands its drag-and-drop events to one `PaletteDrop`, which gets the scene
only through `DropHost`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QMimeData, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsRectItem, QGraphicsSceneDragDropEvent

from .gesture_commands import dropped_kind
from .node_item import H, W

if TYPE_CHECKING:
    from .context import CanvasContext
    from .edits import SceneEdits


class DropHost(Protocol):
    ctx: CanvasContext
    edits: SceneEdits

    def select_ids(self, ids: Iterable[str]) -> None: ...
    def addItem(self, item: QGraphicsItem) -> None: ...
    def removeItem(self, item: QGraphicsItem) -> None: ...


class PaletteDrop:
    def __init__(self, host: DropHost) -> None:
        self.host = host
        self.ghost: QGraphicsRectItem | None = None  # the outline, while a card hovers

    def drag_move(self, event: QGraphicsSceneDragDropEvent) -> None:
        mime = event.mimeData()
        if not isinstance(mime, QMimeData) or dropped_kind(mime) is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self._show_ghost(event.scenePos())

    def drag_leave(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._hide_ghost()
        event.accept()

    def drop(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._hide_ghost()
        mime = event.mimeData()
        kind = dropped_kind(mime) if isinstance(mime, QMimeData) else None
        if kind is None:
            event.ignore()
            return
        node_id = self.host.edits.add_node(kind, event.scenePos())
        if node_id is not None:
            self.host.select_ids([node_id])
        event.acceptProposedAction()

    def _show_ghost(self, centre: QPointF) -> None:
        """An outline where the dragged card will land (snapped like the real one)."""
        ctx = self.host.ctx
        x, y = centre.x() - W / 2, centre.y() - H / 2
        if ctx.snap:
            x, y = round(x / ctx.grid) * ctx.grid, round(y / ctx.grid) * ctx.grid
        if self.ghost is None:
            colour = QColor(ctx.theme.selection)
            self.ghost = QGraphicsRectItem(QRectF(0, 0, W, H))
            self.ghost.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
            colour.setAlpha(28)
            self.ghost.setBrush(QBrush(colour))
            self.ghost.setZValue(100)
            self.host.addItem(self.ghost)
        self.ghost.setPos(x, y)

    def _hide_ghost(self) -> None:
        if self.ghost is not None:
            self.host.removeItem(self.ghost)
            self.ghost = None
