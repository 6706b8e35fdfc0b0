"""How the scene turns mouse gestures and palette drops into core commands.

`GestureScene` is the base class of `DesignScene`: the table of items and the
following of the document live there, the gestures here. Each gesture ends with one
command handed to `push` (one undo step); a refused command emits `editFailed`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneDragDropEvent,
    QGraphicsSceneMouseEvent,
)

from designer.core.commands import Command, EditNode, MoveNodes
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.model import MessageKind, NodeKind, Point, Transport

from . import clipboard, interactions
from .context import CanvasContext
from .node_item import BoundaryItem, H, NodeItem, W
from .theme import Theme


class GestureScene(QGraphicsScene):
    newFlowRequested = Signal(str, str, QPointF)
    newTargetRequested = Signal(str, QPointF)  # a new arrow released on empty canvas
    renameRequested = Signal(str)
    editFailed = Signal(str)

    # Set up by DesignScene.__init__.
    document: Document
    ctx: CanvasContext
    _push: Callable[[Command], Any]
    _nodes: dict[str, NodeItem]
    _interaction: interactions.Interaction | None
    _drag_start: dict[str, QPointF]
    _drag_last: dict[str, QPointF] = {}  # noqa: RUF012 (replaced per drag, never mutated)
    _drag_ids: itertools.count[int]
    _drop_ghost: QGraphicsRectItem | None = None
    _pending_line: QGraphicsPathItem | None = None

    # Provided by DesignScene.
    def selected_ids(self) -> tuple[list[str], list[str]]:
        raise NotImplementedError

    def begin_move(self) -> None:
        raise NotImplementedError

    def node_moved(self, node_id: str) -> None:
        raise NotImplementedError

    def end_move(self) -> None:
        raise NotImplementedError

    def select_ids(self, ids: list[str]) -> None:
        raise NotImplementedError

    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    @property
    def theme(self) -> Theme:
        return self.ctx.theme

    def thing_exists(self, item_id: str) -> bool:
        """Whether a card or an arrow has this id."""
        return self.document.get("nodes", item_id) is not None or (
            self.document.get("flows", item_id) is not None
        )

    def thing_at(self, scene_pos: QPointF) -> tuple[str, list[str]]:
        """What a click at `scene_pos` is on: ("node"|"flow"|"boundary"|"canvas", ids).

        A boundary is named by its title (boundaries have no id of their own).
        """
        node = self.node_at(scene_pos)
        if node is not None:
            return "node", [node.node_id]
        for item in self.items(scene_pos):
            flow_id = getattr(item, "flow_id", None) or getattr(
                getattr(item, "flow", None), "flow_id", None
            )
            if isinstance(flow_id, str):
                return "flow", [flow_id]
            if isinstance(item, BoundaryItem):
                return "boundary", [item.name]
        return "canvas", []

    def node_at(self, scene_pos: QPointF) -> NodeItem | None:
        for item in self.items(scene_pos):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if item is not None:
                return item
        return None

    # ------------------------------------------------------------------ gestures -> commands
    def push(self, command: Command) -> bool:
        """Hand a gesture's command to the undo stack; False (and editFailed) if refused."""
        try:
            result = self._push(command)
        except EditError as error:
            self.editFailed.emit(str(error))
            return False
        return result is not False

    def add_node(self, kind: NodeKind, scene_pos: QPointF) -> str | None:
        """Add a service or actor centred on `scene_pos`; returns its id."""
        command = interactions.add_node_command(
            self.document, kind, scene_pos, self.ctx.grid if self.ctx.snap else None
        )
        return command.node.id if self.push(command) else None

    def add_flow(
        self, source: str, target: str, kind: MessageKind, name: str, transport: Transport
    ) -> str | None:
        try:
            command = interactions.flow_command(
                self.document, source, target, kind, name, transport
            )
        except EditError as error:
            self.editFailed.emit(str(error))
            return None
        return command.flow.id if self.push(command) else None

    def rename_node(self, node_id: str, name: str) -> bool:
        name = name.strip()
        if not name or name == self.document.node(node_id).name:
            return False
        return self.push(EditNode(node_id, name=name))

    def delete_selection(self) -> bool:
        command = interactions.delete_command(*self.selected_ids())
        return command is not None and self.push(command)

    def copy_selection(self) -> dict[str, Any]:
        return clipboard.copy_nodes(self.document, self.selected_ids()[0])

    def paste(self, payload: dict[str, Any], offset: QPointF | None = None) -> list[str]:
        delta = (40.0, 40.0) if offset is None else (offset.x(), offset.y())
        command, new_ids = clipboard.paste_command(self.document, payload, delta)
        if command is None or not self.push(command):
            return []
        self.select_ids(new_ids)
        return new_ids

    def duplicate_selection(self) -> list[str]:
        return self.paste(self.copy_selection())

    # ------------------------------------------------------------------ mouse
    def keep_pending_line(self, line: QGraphicsPathItem) -> None:
        """Keep a new flow's rubber arrow on screen until its popup is answered."""
        self.clear_pending_line()
        self._pending_line = line

    def clear_pending_line(self) -> None:
        if self._pending_line is not None and self._pending_line.scene() is self:
            self.removeItem(self._pending_line)
        self._pending_line = None

    def nudge_selection(self, dx: float, dy: float) -> bool:
        """Move the selected cards by (dx, dy). Nudges of the same selection in a row
        merge into one undo step, like the steps of one drag."""
        nodes = [self._nodes[n] for n in self.selected_ids()[0] if n in self._nodes]
        if not nodes:
            return False
        moved = {
            item.node_id: Point(x=round(item.pos().x() + dx), y=round(item.pos().y() + dy))
            for item in nodes
        }
        return self.push(MoveNodes(moved, drag_id=("nudge", tuple(sorted(moved)))))

    def start_interaction(self, interaction: interactions.Interaction) -> None:
        if self._interaction is not None:
            self._interaction.cancel()
        self._interaction = interaction

    def end_interaction(self) -> None:
        self._interaction = None

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._interaction is not None:
            self._interaction.mouse_press(event)
            return
        node = self.node_at(event.scenePos())
        if (
            node is not None
            and event.button().name == "LeftButton"
            and node.on_handle(node.mapFromScene(event.scenePos()))
        ):
            self.start_interaction(
                interactions.NewFlowInteraction(self, node.node_id, event.scenePos())
            )
            event.accept()
            return
        super().mousePressEvent(event)
        self._drag_start = {
            item.node_id: item.pos() for item in self.selectedItems() if isinstance(item, NodeItem)
        }
        self._drag_last = dict(self._drag_start)
        if self._drag_start:
            self.begin_move()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._interaction is not None:
            self._interaction.mouse_move(event)
            return
        super().mouseMoveEvent(event)  # Qt moves the selected cards
        for node_id, last in list(self._drag_last.items()):
            item = self._nodes.get(node_id)
            if item is None:
                continue
            if self.ctx.snap:
                grid, pos = self.ctx.grid, item.pos()
                item.setPos(round(pos.x() / grid) * grid, round(pos.y() / grid) * grid)
            if item.pos() != last:
                self._drag_last[node_id] = item.pos()
                self.node_moved(node_id)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._interaction is not None:
            self._interaction.mouse_release(event)
            return
        super().mouseReleaseEvent(event)
        self._drag_last = {}
        if self._drag_start:
            self.end_move()
        moved = {
            node_id: Point(x=round(item.pos().x()), y=round(item.pos().y()))
            for node_id, start in self._drag_start.items()
            if (item := self._nodes.get(node_id)) is not None and item.pos() != start
        }
        self._drag_start = {}
        if moved:
            # One drag = one MoveNodes: the undo stack gets a single "Move" step.
            self.push(MoveNodes(moved, drag_id=("canvas-drag", next(self._drag_ids))))

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        node = self.node_at(event.scenePos())
        if node is not None:
            self.renameRequested.emit(node.node_id)
            event.accept()
            return
        hit = [i for i in self.items(event.scenePos()) if not isinstance(i, BoundaryItem)]
        if not hit:
            node_id = self.add_node(NodeKind.SERVICE, event.scenePos())
            if node_id is not None:
                self.select_ids([node_id])
                self.renameRequested.emit(node_id)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ------------------------------------------------------------------ palette drops
    def dragEnterEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self.dragMoveEvent(event)

    def dragMoveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        mime = event.mimeData()
        if not isinstance(mime, QMimeData) or interactions.dropped_kind(mime) is None:
            event.ignore()
            return
        event.acceptProposedAction()
        self._show_ghost(event.scenePos())

    def dragLeaveEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._hide_ghost()
        event.accept()

    def dropEvent(self, event: QGraphicsSceneDragDropEvent) -> None:
        self._hide_ghost()
        mime = event.mimeData()
        kind = interactions.dropped_kind(mime) if isinstance(mime, QMimeData) else None
        if kind is None:
            event.ignore()
            return
        node_id = self.add_node(kind, event.scenePos())
        if node_id is not None:
            self.select_ids([node_id])
        event.acceptProposedAction()

    def _show_ghost(self, centre: QPointF) -> None:
        """An outline where the dragged card will land (snapped like the real one)."""
        x, y = centre.x() - W / 2, centre.y() - H / 2
        if self.ctx.snap:
            grid = self.ctx.grid
            x, y = round(x / grid) * grid, round(y / grid) * grid
        if self._drop_ghost is None:
            colour = QColor(self.ctx.theme.selection)
            self._drop_ghost = QGraphicsRectItem(QRectF(0, 0, W, H))
            self._drop_ghost.setPen(QPen(colour, 1.5, Qt.PenStyle.DashLine))
            colour.setAlpha(28)
            self._drop_ghost.setBrush(QBrush(colour))
            self._drop_ghost.setZValue(100)
            self.addItem(self._drop_ghost)
        self._drop_ghost.setPos(x, y)

    def _hide_ghost(self) -> None:
        if self._drop_ghost is not None:
            self.removeItem(self._drop_ghost)
            self._drop_ghost = None
