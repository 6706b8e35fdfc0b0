"""What the canvas's gestures, shortcuts and menus change: one command each.

Every edit ends with one command handed to `push` (one undo step); a refused command is
reported through `failed` (the scene's `editFailed` signal), never raised to the caller.
The scene owns one `SceneEdits` (`scene.edits`); the interactions and the window call it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from PySide6.QtCore import QPointF

from designer.core.commands import Command, EditNode, MoveNodes
from designer.core.document import Document
from designer.core.errors import EditError
from designer.core.model import MessageKind, NodeKind, Point, Transport

from . import clipboard, gesture_commands
from .context import CanvasContext
from .node_item import NodeItem


class SelectionHost(Protocol):
    """What the edits read of the scene: its selection and its cards."""

    def selected_ids(self) -> tuple[list[str], list[str]]: ...
    def select_ids(self, ids: Iterable[str]) -> None: ...
    def node_item(self, node_id: str) -> NodeItem | None: ...


class SceneEdits:
    def __init__(
        self,
        document: Document,
        push: Callable[[Command], object],  # answers False when it refused the command
        ctx: CanvasContext,
        selection: SelectionHost,
        failed: Callable[[str], None],
    ) -> None:
        self.document = document
        self._push = push
        self._ctx = ctx
        self._selection = selection
        self._failed = failed

    def push(self, command: Command) -> bool:
        """Hand a command to the undo stack; False (and `failed` told why) if refused."""
        try:
            result = self._push(command)
        except EditError as error:
            self._failed(str(error))
            return False
        return result is not False

    def add_node(self, kind: NodeKind, scene_pos: QPointF) -> str | None:
        """Add a service or actor centred on `scene_pos`; returns its id."""
        ctx = self._ctx
        command = gesture_commands.add_node_command(
            self.document, kind, scene_pos, ctx.grid if ctx.snap else None
        )
        return command.node.id if self.push(command) else None

    def add_flow(
        self, source: str, target: str, kind: MessageKind, name: str, transport: Transport
    ) -> str | None:
        try:
            command = gesture_commands.flow_command(
                self.document, source, target, kind, name, transport
            )
        except EditError as error:
            self._failed(str(error))
            return None
        return command.flow.id if self.push(command) else None

    def rename_node(self, node_id: str, name: str) -> bool:
        name = name.strip()
        if not name or name == self.document.node(node_id).name:
            return False
        return self.push(EditNode(node_id, name=name))

    def delete_selection(self) -> bool:
        command = gesture_commands.delete_command(*self._selection.selected_ids())
        return command is not None and self.push(command)

    def copy_selection(self) -> dict[str, Any]:
        return clipboard.copy_nodes(self.document, self._selection.selected_ids()[0])

    def paste(self, payload: dict[str, Any], offset: QPointF | None = None) -> list[str]:
        delta = (40.0, 40.0) if offset is None else (offset.x(), offset.y())
        command, new_ids = clipboard.paste_command(self.document, payload, delta)
        if command is None or not self.push(command):
            return []
        self._selection.select_ids(new_ids)
        return new_ids

    def duplicate_selection(self) -> list[str]:
        return self.paste(self.copy_selection())

    def nudge_selection(self, dx: float, dy: float) -> bool:
        """Move the selected cards by (dx, dy). Nudges of the same selection in a row
        merge into one undo step, like the steps of one drag."""
        selection = self._selection
        items = [selection.node_item(n) for n in selection.selected_ids()[0]]
        moved = {
            item.node_id: Point(x=round(item.pos().x() + dx), y=round(item.pos().y() + dy))
            for item in items
            if item is not None
        }
        if not moved:
            return False
        return self.push(MoveNodes(moved, drag_id=("nudge", tuple(sorted(moved)))))
